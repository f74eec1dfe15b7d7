//! Values at the edges of what a scenario may say: each is either refused with the file, line and
//! key, or simulated as its meaning says, never turned into NaN, infinity or a wrapped integer.

use std::path::Path;

use assert_cmd::Command;
use partnersim::engine::{self, RunConfig};
use partnersim::model::Setup;
use partnersim::scenario::Scenario;
use partnersim::stats::Aggregate;

const TWO_AGENCIES: &str = "[agencies.education]\n[agencies.health]\n";

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    file
}

/// `partnersim check FILE`: (exit code, stderr).
fn check(file: &Path) -> (i32, String) {
    let out = Command::cargo_bin("partnersim")
        .unwrap()
        .arg("check")
        .arg(file)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn aggregate(file: &Path) -> Aggregate {
    let s = Scenario::from_file(file).unwrap();
    engine::run(&Setup::new(&s), &RunConfig::new(300, 3, 1), &|_| {})
}

#[test]
fn an_array_with_too_many_values_is_refused_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    for (text, line, key, expected, found) in [
        (
            "[agencies.education]\nculture = [0.1, 0.2, 0.3]\n[agencies.health]\n",
            2,
            "agencies.education.culture",
            2,
            3,
        ),
        (
            "[agencies.education]\n[agencies.health]\n[params.progress]\nfactor_weights = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n",
            4,
            "params.progress.factor_weights",
            9,
            10,
        ),
        (
            "[agencies.education]\n[agencies.health]\n\n[params.funding]\nstage_requirement = [0, 0.1, 0.5, 0.9, 1, 1, 1]\n",
            5,
            "params.funding.stage_requirement",
            6,
            7,
        ),
    ] {
        let file = write(dir.path(), "long.toml", text);
        let (code, err) = check(&file);
        assert_eq!(code, 3, "{err}");
        assert!(
            err.contains(&format!("long.toml:{line}:"))
                && err.contains(&format!("`{key}`"))
                && err.contains(&format!("takes {expected} values, found {found}")),
            "{err}"
        );
    }
}

#[test]
fn numbers_whose_arithmetic_would_overflow_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (table, line, key, says) in [
        (
            "[params.environment]\npressure_noise_sd = 1e308",
            4,
            "params.environment.pressure_noise_sd",
            "from 0 to 1e6, got 1e308",
        ),
        (
            "[params.progress]\nfactor_weights = [1e308, 1e308, 1, 1, 1, 1, 1, 1, 1]",
            4,
            "params.progress.factor_weights[0]",
            "from 0 to 1e6",
        ),
        (
            "[params.interaction]\ncommunication_contact_need = 5e-324",
            4,
            "params.interaction.communication_contact_need",
            "from 1e-6 to 1e6 (it divides), got 5e-324",
        ),
        (
            "[params.progress]\nleader_ramp = 0.0",
            4,
            "params.progress.leader_ramp",
            "from 1e-6 to 1e6",
        ),
        (
            "[params.funding]\nstage_requirement = [0, 1e-300, 0.5, 0.9, 1, 1]",
            4,
            "params.funding.stage_requirement[1]",
            "must be 0 or a finite number from 1e-6 to 1e6",
        ),
        (
            "[structure]\nfunding_need = 1e-300",
            4,
            "structure.funding_need",
            "must be 0 or at least 1e-6",
        ),
        (
            "[params.challenges]\nfiscal_conflict = 2.5",
            4,
            "params.challenges.fiscal_conflict",
            "between 0 and 1, got 2.5",
        ),
    ] {
        let file = write(dir.path(), "edge.toml", &format!("{TWO_AGENCIES}{table}\n"));
        let (code, err) = check(&file);
        assert_eq!(code, 3, "{table}: {err}");
        assert!(
            err.contains(&format!("edge.toml:{line}:"))
                && err.contains(&format!("`{key}`"))
                && err.contains(says),
            "{table}: {err}"
        );
    }
    // The same keys at ordinary values are accepted.
    let file = write(
        dir.path(),
        "fine.toml",
        &format!(
            "{TWO_AGENCIES}[structure]\nfunding_need = 0\n[params.interaction]\ncommunication_contact_need = 1e-6\n[params.challenges]\nfiscal_conflict = 1.0\n"
        ),
    );
    let (code, err) = check(&file);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_name_too_long_for_the_staging_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let long = "a".repeat(201);
    let file = write(
        dir.path(),
        "named.toml",
        &format!("name = \"{long}\"\n{TWO_AGENCIES}"),
    );
    let (code, err) = check(&file);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("named.toml:1:") && err.contains("201 bytes long, more than 200"),
        "{err}"
    );
    let file = write(
        dir.path(),
        "named.toml",
        &format!("name = \"{}\"\n{TWO_AGENCIES}", "a".repeat(200)),
    );
    assert_eq!(check(&file).0, 0);
}

/// A term so long that `start + term` passes `u32::MAX` must behave like any term beyond the
/// horizon: the stream never ends. It used to wrap round to an end at month 0, so the stream
/// counted as ending every month (fiscal challenge nearly always, short-term departures).
#[test]
fn a_term_past_the_largest_month_never_ends() {
    let dir = tempfile::tempdir().unwrap();
    let stream = |term: u64| {
        format!(
            "{TWO_AGENCIES}[funding.grant]\nmonthly = 10.0\nstart = 1\nterm_months = {term}\nfunds_posts = [\"education\"]\n"
        )
    };
    let wraps = aggregate(&write(dir.path(), "max.toml", &stream(u64::from(u32::MAX))));
    let long = aggregate(&write(dir.path(), "long.toml", &stream(1_000_000)));
    assert_eq!(wraps, long);
    // A term that is never reached pays like a mainstream stream, month for month.
    let renewing = format!(
        "{TWO_AGENCIES}[funding.grant]\nmonthly = 10.0\nterm_months = 4294967295\nrenewal_probability = 1.0\n"
    );
    let mainstream = format!("{TWO_AGENCIES}[funding.grant]\nmonthly = 10.0\n");
    assert_eq!(
        aggregate(&write(dir.path(), "renewing.toml", &renewing)),
        aggregate(&write(dir.path(), "mainstream.toml", &mainstream)),
        "a stream that never reaches its term's end pays like a mainstream one"
    );
}

/// A value out of a parameter's own range gets one message, with that range (the generic 0 to
/// 10⁶ check used to add a second, contradicting one, or to stand in for the narrower range),
/// and the messages come in the order of the file's lines.
#[test]
fn each_bad_parameter_gets_one_message_with_its_own_range_in_line_order() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "ranges.toml",
        &format!(
            "{TWO_AGENCIES}[params.interaction]\ncontact_noise = 2e6\n[params.challenges.fiscal]\nrate = -0.1\n[params.progress]\nleader_ramp = -1\nstage_rate = [nan, 0.2, 0.2, 0.2, 0.2]\n[params.environment]\nreorganisation_rate = -1\n"
        ),
    );
    let (code, stderr) = check(&file);
    assert_eq!(code, 3, "{stderr}");
    let lines: Vec<&str> = stderr.lines().skip(1).collect();
    let want = [
        (
            4,
            "params.interaction.contact_noise",
            "from 0 to 2, got 2000000.0",
        ),
        (
            6,
            "params.challenges.fiscal.rate",
            "between 0 and 1, got -0.1",
        ),
        (
            8,
            "params.progress.leader_ramp",
            "from 1e-6 to 1e6 (it divides), got -1.0",
        ),
        (
            9,
            "params.progress.stage_rate[0]",
            "above 0 and at most 1 per month, got NaN",
        ),
        (
            11,
            "params.environment.reorganisation_rate",
            "from 0 to 12, got -1.0",
        ),
    ];
    assert_eq!(lines.len(), want.len(), "{stderr}");
    for (got, (line, key, says)) in lines.iter().zip(want) {
        assert!(
            got.contains(&format!("ranges.toml:{line}:")) && got.contains(&format!("`{key}`: ")),
            "want line {line} and {key} in {got:?}"
        );
        assert!(got.contains(says), "want {says:?} in {got:?}");
    }
}

/// Type errors read as a planner would say them, not as Rust's types ("expected u32").
#[test]
fn type_errors_are_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    for (text, key, says) in [
        (
            format!("months = 72.0\n{TWO_AGENCIES}"),
            "months",
            "must be a whole number written without a decimal point (72), got 72.0",
        ),
        (
            "[agencies.education]\nposts = { strategic = -1 }\n[agencies.health]\n".to_string(),
            "agencies.education.posts.strategic",
            "must be a whole number of at least 0, got -1",
        ),
        (
            format!("months = 72.5\n{TWO_AGENCIES}"),
            "months",
            "must be a whole number from 1 to 1200, got 72.5",
        ),
        (
            format!("months = -12\n{TWO_AGENCIES}"),
            "months",
            "must be a whole number from 1 to 1200, got -12",
        ),
        (
            format!("{TWO_AGENCIES}[params.folding]\nmonths = 0.5\n"),
            "params.folding.months",
            "must be a whole number of at least 1, got 0.5",
        ),
        (
            format!("{TWO_AGENCIES}[params.folding]\nkey_staff_months = 5000000000\n"),
            "params.folding.key_staff_months",
            "must be a whole number from 1 to 4294967295, got 5000000000",
        ),
        (
            format!("{TWO_AGENCIES}[levers]\npooled_budget = \"yes\"\n"),
            "levers.pooled_budget",
            "must be true or false, got the text \"yes\"",
        ),
    ] {
        let file = write(dir.path(), "types.toml", &text);
        let (code, stderr) = check(&file);
        assert_eq!(code, 3, "{stderr}");
        assert!(
            stderr.contains(&format!("`{key}`: {says}")),
            "want `{key}`: {says} in\n{stderr}"
        );
        assert!(!stderr.contains("expected"), "{stderr}");
    }
}
