//! The command line as a user meets it: outputs, refusals, and one test per class of bad input.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn partnersim() -> Command {
    Command::cargo_bin("partnersim").expect("the binary is built")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn reference() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/reference.toml")
}

/// `partnersim run FILE --rollouts N [MORE…] --out OUT`, asserted on by the caller.
fn run_into(file: &Path, rollouts: &str, more: &[&str], out: &Path) -> assert_cmd::assert::Assert {
    partnersim()
        .args(["run", file.to_str().unwrap(), "--rollouts", rollouts])
        .args(more)
        .arg("--out")
        .arg(out)
        .assert()
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("file exists")).expect("valid JSON")
}

#[test]
fn run_writes_every_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ref");
    run_into(&reference(), "300", &["--seed", "3"], &out)
        .success()
        .stdout(predicate::str::contains("well established by month 72"));
    for file in [
        "summary.json",
        "stages.csv",
        "established.csv",
        "manifest.json",
        "report.html",
        "established.svg",
        "established.png",
        "stages.svg",
        "stages.png",
        "challenges.svg",
        "challenges.png",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let summary = read_json(&out.join("summary.json"));
    for key in [
        "scenario",
        "rollouts",
        "months",
        "seed",
        "well_established",
        "median_months_to_well_established",
        "stage_at_horizon",
        "folded",
        "challenges",
        "binding_factors",
    ] {
        assert!(summary.get(key).is_some(), "summary.json lacks {key}");
    }
    assert_eq!(summary["rollouts"], 300);
    let share = summary["well_established"]["share"].as_f64().unwrap();
    let (lo, hi) = (
        summary["well_established"]["ci_low"].as_f64().unwrap(),
        summary["well_established"]["ci_high"].as_f64().unwrap(),
    );
    assert!(lo <= share && share <= hi);
    let stages: f64 = summary["stage_at_horizon"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert!((stages - 1.0).abs() < 1e-9, "stage shares sum to {stages}");

    let manifest = read_json(&out.join("manifest.json"));
    for key in [
        "scenario",
        "scenario_sha256",
        "seed",
        "rollouts",
        "threads",
        "version",
        "git_commit",
        "started",
        "finished",
        "elapsed_seconds",
        "posts",
        "months",
    ] {
        assert!(manifest.get(key).is_some(), "manifest.json lacks {key}");
    }
    assert_eq!(manifest["posts"], 11);
    assert_eq!(manifest["scenario"]["structure"]["contact_rate"], 2.0);
    assert_eq!(manifest["scenario_sha256"].as_str().unwrap().len(), 64);

    let csv = std::fs::read_to_string(out.join("stages.csv")).unwrap();
    assert!(csv.starts_with("month,stage,share,ci_low,ci_high\n"));
    assert_eq!(csv.lines().count(), 1 + 73 * 7);
    let png = std::fs::read(out.join("established.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // Nothing half-written is left beside the result.
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn refuses_an_existing_directory_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ref");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("keep.txt"), "mine").unwrap();
    run_into(&reference(), "50", &[], &out).code(5).stderr(
        predicate::str::contains("already exists").and(predicate::str::contains("--force")),
    );
    assert!(out.join("keep.txt").exists());
    // Not an earlier result: even --force leaves the user's files alone.
    run_into(&reference(), "50", &["--force"], &out)
        .code(5)
        .stderr(predicate::str::contains(
            "holds files that are not a partnersim result (no manifest.json written by partnersim), so --force will not replace it",
        ));
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "mine"
    );
    std::fs::remove_file(out.join("keep.txt")).unwrap();
    // An empty directory, then the earlier result, are replaced.
    run_into(&reference(), "50", &["--force"], &out).success();
    std::fs::write(out.join("stray.txt"), "old").unwrap();
    run_into(&reference(), "50", &["--force"], &out).success();
    assert!(!out.join("stray.txt").exists());
    assert!(out.join("summary.json").exists());
}

#[test]
fn months_flag_overrides_the_horizon() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("short");
    run_into(&reference(), "40", &["--months", "24"], &out).success();
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["months"], 24);
    assert_eq!(
        read_json(&out.join("manifest.json"))["scenario"]["months"],
        24
    );
}

#[test]
fn check_prints_the_resolved_scenario() {
    partnersim()
        .args(["check", reference().to_str().unwrap()])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("contact_rate = 2.0")
                .and(predicate::str::contains("annual_turnover = 0.11"))
                .and(predicate::str::contains("[params.challenges.fiscal]")),
        );
}

/// `check --months` prints the scenario a `run --months` records: its SHA-256 is the manifest's
/// `scenario_sha256` (without the flag, `check` could not reproduce that hash).
#[test]
fn check_with_months_hashes_as_the_run_records() {
    use sha2::{Digest, Sha256};
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("short");
    run_into(&reference(), "20", &["--months", "24"], &out).success();
    let recorded = read_json(&out.join("manifest.json"))["scenario_sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let hash = |args: &[&str]| {
        let printed = partnersim()
            .arg("check")
            .arg(reference())
            .args(args)
            .output()
            .unwrap();
        assert!(printed.status.success());
        let digest = Sha256::digest(&printed.stdout);
        digest
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    assert_eq!(hash(&["--months", "24"]), recorded);
    assert_ne!(hash(&[]), recorded);
}

#[test]
fn trace_prints_history_in_text_and_csv() {
    partnersim()
        .args(["trace", reference().to_str().unwrap(), "--rollout", "3"])
        .assert()
        .success()
        .stdout(predicate::str::contains("month   1").and(predicate::str::contains("outcome:")));
    let out = partnersim()
        .args([
            "trace",
            reference().to_str().unwrap(),
            "--rollout",
            "3",
            "--format",
            "csv",
            "--months",
            "30",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("month,stage,progress"));
    assert_trace_rows(&text, 30, None);
}

/// A CSV trace of a `months`-month horizon has a header and one row per month simulated, months
/// 1, 2, … in order: all `months` of them, or up to the fold month when `fold` is given (the
/// rollout ends there).
fn assert_trace_rows(text: &str, months: u32, fold: Option<u32>) {
    let last = fold.unwrap_or(months);
    assert_eq!(
        text.lines().count(),
        1 + last as usize,
        "header and one row per month to {last}:\n{text}"
    );
    for (i, line) in text.lines().skip(1).enumerate() {
        let mut fields = line.split(',');
        assert_eq!(fields.next(), Some((i + 1).to_string().as_str()), "{line}");
        let stage = fields.next().unwrap();
        assert_eq!(stage == "folded", Some(i as u32 + 1) == fold, "{line}");
    }
}

/// A folded rollout's trace stops at its fold month; the fixture folds in month 6 whatever the
/// rollout (tests/trace.rs checks why).
#[test]
fn a_trace_stops_in_the_fold_month() {
    let file = fixture("lead_and_funding_fold_together.toml");
    for rollout in ["0", "5"] {
        let out = partnersim()
            .args(["trace", file.to_str().unwrap(), "--rollout", rollout])
            .args(["--format", "csv", "--months", "30"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        assert_trace_rows(&String::from_utf8(out).unwrap(), 30, Some(6));
    }
}

/// Runs a bad scenario and checks the exit code, that the message names what it should, and that
/// no output directory appears.
fn rejects(file: &str, code: i32, needles: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    let assert = run_into(&fixture(file), "10", &[], &out).code(code);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "stderr for {file} lacks {needle:?}:\n{stderr}"
        );
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "output left behind for {file}"
    );
    // `check` agrees with `run`.
    partnersim()
        .args(["check", fixture(file).to_str().unwrap()])
        .assert()
        .code(code);
}

#[test]
fn unknown_key_names_file_line_and_key() {
    rejects(
        "bad/unknown_key.toml",
        3,
        &[
            "unknown_key.toml:4:1",
            "comitment_strategic",
            "unknown field",
            "did you mean `commitment_strategic`?",
        ],
    );
}

#[test]
fn wrong_type_names_file_line_and_key() {
    rejects(
        "bad/wrong_type.toml",
        3,
        &["wrong_type.toml:4:", "agencies.education.alignment"],
    );
}

#[test]
fn out_of_range_probability_names_file_line_and_key() {
    rejects(
        "bad/out_of_range.toml",
        3,
        &[
            "out_of_range.toml:4:1",
            "agencies.social_services.annual_turnover",
            "between 0 and 1",
        ],
    );
}

#[test]
fn non_finite_number_is_rejected() {
    rejects(
        "bad/not_finite.toml",
        3,
        &[
            "not_finite.toml:4:1",
            "params.interaction.trust_gain",
            "finite",
        ],
    );
}

#[test]
fn too_few_agencies_is_rejected() {
    rejects(
        "bad/one_agency.toml",
        3,
        &["one_agency.toml", "`agencies`", "2 to 5 agencies"],
    );
}

/// A misspelt agency or stream name must not quietly become a new agency of kind `other`, a new
/// empty stream, or grant money: each is refused at its line, naming the likely intended name,
/// while a new agency or stream that says what it is stays allowed.
#[test]
fn misspelt_agency_and_stream_names_are_not_new_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let base = std::fs::read_to_string(reference()).unwrap();
    std::fs::write(t.join("reference.toml"), &base).unwrap();
    let check = |name: &str, text: &str| {
        let file = t.join(name);
        std::fs::write(&file, text).unwrap();
        let out = partnersim()
            .args(["check", file.to_str().unwrap()])
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let what_if = "extends = \"reference.toml\"\nname = \"typo\"\n[funding.grnat]\nterm_months = 60\n[agencies.heath]\ncommitment_strategic = 0.9\n";
    let (code, stderr) = check("typo.toml", what_if);
    assert_eq!(code, Some(3), "{stderr}");
    for want in [
        "typo.toml:3:10: `funding.grnat`: is not a funding stream of the scenario this file extends",
        "did you mean `grant`? To add a new one, give its `source`",
        "typo.toml:5:11: `agencies.heath`: is not an agency of the scenario this file extends",
        "did you mean `health`? To add a new one, give its `kind`",
    ] {
        assert!(stderr.contains(want), "want {want:?} in\n{stderr}");
    }
    // The same tables saying what they are: a fourth agency and a second grant.
    let added = what_if
        .replace("term_months = 60", "source = \"grant\"\nmonthly = 1.0")
        .replace(
            "commitment_strategic = 0.9",
            "kind = \"health\"\nposts = { operational = 1 }",
        );
    let (code, stderr) = check("added.toml", &added);
    assert_eq!(code, Some(0), "{stderr}");

    // A stream named after an agency, with no source, would be grant money.
    let no_source = base.replace("source = \"health\"\n", "");
    assert_ne!(no_source, base);
    let (code, stderr) = check("no_source.toml", &no_source);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("`funding.health`: sets no `source`, which would make it grant money although `health` is an agency"),
        "{stderr}"
    );
    // A base's grant stream `police`, once a derived file adds an agency `police`: the problem
    // is at the base's stream, and the message names the file that made `police` an agency.
    let with_police = base.replace(
        "[funding.education]",
        "[funding.police]\nmonthly = 1.0\n\n[funding.education]",
    );
    std::fs::write(t.join("police_base.toml"), &with_police).unwrap();
    let (code, stderr) = check(
        "police.toml",
        "extends = \"police_base.toml\"\n[agencies.police]\nkind = \"other\"\nposts = { operational = 1 }\n",
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("police_base.toml:")
            && stderr.contains(&format!(
                "although `police` is an agency (`[agencies.police]` is in {}): give",
                t.join("police.toml").display()
            )),
        "{stderr}"
    );
    // An agency whose name is not a kind must give its kind.
    let unkinded = base
        .replace("[agencies.health]\nkind = \"health\"\n", "[agencies.pct]\n")
        .replace("[funding.health]", "[funding.pct]")
        .replace("source = \"health\"", "source = \"pct\"");
    assert!(unkinded.contains("[agencies.pct]\n"));
    let (code, stderr) = check("unkinded.toml", &unkinded);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("`agencies.pct`: sets no `kind`, and `pct` is not a kind. Give its `kind`: one of education, social_services, health, voluntary, other"),
        "{stderr}"
    );
    let kinded = unkinded.replace("[agencies.pct]\n", "[agencies.pct]\nkind = \"health\"\n");
    let (code, stderr) = check("kinded.toml", &kinded);
    assert_eq!(code, Some(0), "{stderr}");
}

/// A what-if's `name` and `description` are its own: without them it is named after its file,
/// not run as its base into `output/<base>/` (which `--force` would replace), and its report does
/// not describe the base's design.
#[test]
fn a_derived_file_takes_neither_name_nor_description_from_its_base() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let base = std::fs::read_to_string(reference()).unwrap();
    assert!(base.contains("\nname = \"reference\"\n") && base.contains("3-year grant"));
    std::fs::write(t.join("reference.toml"), &base).unwrap();
    std::fs::write(
        t.join("pooled.toml"),
        "extends = \"reference.toml\"\n[levers]\npooled_budget = true\n",
    )
    .unwrap();
    let resolved = partnersim()
        .args(["check", t.join("pooled.toml").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(resolved.status.success(), "{resolved:?}");
    let resolved = String::from_utf8(resolved.stdout).unwrap();
    let line = |want: &str| resolved.lines().any(|l| l == want);
    assert!(line("name = \"pooled\""), "{resolved}");
    assert!(line("description = \"\""), "{resolved}");
    // The run goes to output/pooled, beside an earlier output/reference it leaves alone.
    partnersim()
        .current_dir(t)
        .args(["run", "reference.toml", "--rollouts", "20"])
        .assert()
        .success();
    partnersim()
        .current_dir(t)
        .args(["run", "pooled.toml", "--rollouts", "20"])
        .assert()
        .success()
        .stdout(predicate::str::contains("output/pooled"));
    let summary = read_json(&t.join("output/pooled/summary.json"));
    assert_eq!(summary["scenario"], "pooled", "{summary}");
    let report = std::fs::read_to_string(t.join("output/pooled/report.html")).unwrap();
    assert!(!report.contains("3-year grant"), "the base's description");
    // The base's own run is untouched: a what-if never clashes with it.
    assert!(t.join("output/reference/manifest.json").is_file());
}

/// A what-if that removes the posts its base's grant funds: the problem is at the base's line,
/// and the message says that the base alone is valid and which file's setting breaks it.
#[test]
fn a_problem_a_derived_file_causes_in_its_base_names_the_derived_file() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    std::fs::write(
        t.join("reference.toml"),
        std::fs::read_to_string(reference()).unwrap(),
    )
    .unwrap();
    let what_if = t.join("no_interface.toml");
    std::fs::write(
        &what_if,
        "extends = \"reference.toml\"\n[agencies.education]\nposts = { strategic = 1, interface = 0, operational = 2 }\n",
    )
    .unwrap();
    // `check FILE` refused as invalid (exit 3): its standard error.
    let refused = |file: &Path| {
        let out = partnersim()
            .arg("check")
            .arg(file)
            .assert()
            .code(3)
            .get_output()
            .clone();
        String::from_utf8(out.stderr).unwrap()
    };
    let want = format!(
        "reference.toml:48:16: `funding.grant.funds_posts[0]`: `education.interface` funds no post: education has no interface posts ({} alone is valid: a setting in {} makes this value invalid; override `funding.grant.funds_posts` there, or change that setting)",
        t.join("reference.toml").display(),
        what_if.display()
    );
    let stderr = refused(&what_if);
    assert!(stderr.contains(&want), "want {want:?} in\n{stderr}");
    // One more file on top, which changes something else: the note still names the file that
    // removed the posts, not the one named on the command line.
    let on_top = t.join("on_top.toml");
    std::fs::write(
        &on_top,
        "extends = \"no_interface.toml\"\n[levers]\npooled_budget = true\n",
    )
    .unwrap();
    let stderr = refused(&on_top);
    assert!(stderr.contains(&want), "want {want:?} in\n{stderr}");
}

#[test]
fn extends_cycle_is_rejected() {
    rejects("bad/cycle_a.toml", 3, &["cycle", "cycle_b.toml"]);
}

#[test]
fn missing_file_has_its_own_exit_code() {
    rejects(
        "bad/no_such_file.toml",
        4,
        &["cannot read scenario file", "no_such_file.toml"],
    );
    // The message names the file whose `extends` is wrong: the path is relative to it.
    rejects(
        "bad/missing_base.toml",
        4,
        &[
            "no_such_base.toml",
            "named by `extends` in",
            "missing_base.toml",
        ],
    );
}

#[test]
fn unknown_lead_is_rejected() {
    rejects(
        "bad/bad_lead.toml",
        3,
        &["bad_lead.toml:2:1", "`lead`", "names no agency"],
    );
}

#[test]
fn bad_post_reference_is_rejected() {
    rejects(
        "bad/bad_funds_posts.toml",
        3,
        &["bad_funds_posts.toml:4:", "funding.grant.funds_posts[0]"],
    );
}

#[test]
fn too_many_posts_is_rejected() {
    rejects(
        "bad/too_many_posts.toml",
        3,
        &[
            "too_many_posts.toml:4:1",
            "agencies.health.posts",
            "1 to 8 posts",
        ],
    );
}

/// Counts near u32::MAX used to wrap round into the allowed 1 to 8 and panic later.
#[test]
fn post_counts_that_overflow_are_rejected() {
    rejects(
        "bad/posts_overflow.toml",
        3,
        &[
            "posts_overflow.toml:4:1",
            "agencies.health.posts",
            "1 to 8 posts",
        ],
    );
}

/// The name picks the default output directory, so it may not climb out of `output/`.
#[test]
fn a_name_that_is_not_a_directory_name_is_rejected() {
    rejects(
        "bad/escaping_name.toml",
        3,
        &[
            "escaping_name.toml:2:1",
            "`name`",
            "cannot name the output directory",
        ],
    );
}

#[test]
fn agencies_may_not_take_the_names_of_outside_sources() {
    rejects(
        "bad/reserved_agency.toml",
        3,
        &["reserved_agency.toml:3:", "agencies.grant", "reserved"],
    );
}

#[test]
fn funds_posts_must_name_posts_that_exist_once() {
    rejects(
        "bad/unfunded_post.toml",
        3,
        &[
            "funding.grant.funds_posts[0]",
            "health has no interface posts",
            "funding.grant.funds_posts[2]",
            "listed twice",
        ],
    );
}

#[test]
fn a_zero_divisor_parameter_is_rejected() {
    rejects(
        "bad/zero_divisor.toml",
        3,
        &[
            "zero_divisor.toml:4:1",
            "params.progress.leader_ramp",
            "from 1e-6 to 1e6 (it divides)",
        ],
    );
}

/// Errors the structured walk cannot place still name the key, read from the line.
#[test]
fn an_integer_too_large_for_toml_names_its_key() {
    rejects(
        "bad/huge_integer.toml",
        3,
        &["huge_integer.toml:2:", "`months`"],
    );
}

/// A file that exists but is not text is bad content (3), not a missing file (4).
#[test]
fn a_binary_file_is_invalid_input() {
    rejects("bad/not_text.toml", 3, &["not_text.toml:2:1", "not UTF-8"]);
}

/// A full disk under `check > file` must not pass for success; a closed pipe is fine.
#[test]
fn failing_to_write_standard_output_is_an_output_error() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_partnersim"))
        .args(["check", reference().to_str().unwrap()])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard output"));
}

#[test]
fn toml_syntax_error_names_the_line() {
    rejects("bad/syntax.toml", 3, &["syntax.toml:1:"]);
}

#[test]
fn inconsistent_probabilities_are_rejected() {
    rejects(
        "bad/probabilities_sum.toml",
        3,
        &["funding.grant.renewal_probability", "must not exceed 1"],
    );
}

#[test]
fn usage_errors_exit_with_two() {
    partnersim()
        .args(["run", reference().to_str().unwrap(), "--rollouts", "0"])
        .assert()
        .code(2);
    partnersim().args(["run"]).assert().code(2);
    partnersim().args(["frobnicate"]).assert().code(2);
}

#[test]
fn the_command_line_definition_is_consistent() {
    use clap::CommandFactory;
    partnersim::cli::Cli::command().debug_assert();
}

/// Visit ages are checked while parsing, alone and against each other (the missing one taking its
/// default), before any scenario is read: exit 2, and nothing written.
#[test]
fn impossible_visit_ages_are_usage_errors() {
    let cases: [(&[&str], &str); 5] = [
        (&["study", "--age-min", "0"], "--age-min"),
        (&["study", "--age-max", "1201"], "--age-max"),
        (
            &["study", "--age-min", "30", "--age-max", "20"],
            "--age-min 30 is later than --age-max 20",
        ),
        (
            &["study", "--age-min", "80"],
            "--age-min 80 is later than --age-max 72",
        ),
        (
            &["calibrate", "--age-max", "10"],
            "--age-min 24 is later than --age-max 10",
        ),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (args, needle) in cases {
        partnersim()
            .current_dir(tmp.path())
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(needle));
    }
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

/// `--set` values that no integer parameter can hold, and `--set` of a parameter calibration
/// searches (which the search would silently override), are refused before any compute.
#[test]
fn impossible_settings_are_invalid_input_not_panics() {
    let root = env!("CARGO_MANIFEST_DIR");
    let cases: [(&[&str], &str); 4] = [
        (&["study", "--set", "folding.months=-1"], "whole number"),
        (
            &["study", "--set", "progress.review_after=5e9"],
            "whole number",
        ),
        (
            &[
                "calibrate",
                "--budget",
                "1",
                "--set",
                "challenges.issue_gain=1.5",
            ],
            "calibrate searches this parameter",
        ),
        (
            &[
                "calibrate",
                "--budget",
                "1",
                "--set",
                "progress.stage_rate[3]=0.2",
            ],
            "calibrate searches this parameter",
        ),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (args, needle) in cases {
        let out = tmp.path().join("never");
        let assert = partnersim()
            .current_dir(root)
            .args(args)
            .args(["--replications", "1", "--out", out.to_str().unwrap()])
            .assert()
            .code(3)
            .stderr(predicate::str::contains(needle));
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!out.exists());
    }
}

/// A zero count is refused while parsing, before any file is read: exit 2 and the flag named.
#[test]
fn zero_counts_are_usage_errors_naming_the_flag() {
    let reference = reference();
    let reference = reference.to_str().unwrap();
    let sweep = Path::new(env!("CARGO_MANIFEST_DIR")).join("sweeps/levers-lhs.toml");
    let sweep = sweep.to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (&["run", reference, "--rollouts", "0"], "--rollouts"),
        (
            &["compare", reference, reference, "--rollouts", "0"],
            "--rollouts",
        ),
        (&["sweep", sweep, "--rollouts", "0"], "--rollouts"),
        (
            &["sweep", sweep, "--check", "--rollouts", "0"],
            "--rollouts",
        ),
        (&["study", "--replications", "0"], "--replications"),
        (&["calibrate", "--budget", "0"], "--budget"),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (args, flag) in cases {
        partnersim()
            .current_dir(tmp.path())
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(flag).and(predicate::str::contains("at least 1")));
    }
    // Nothing was started: no output directory appeared.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

/// `--threads 0` means one worker per core for every command; the manifest records the count.
#[test]
fn zero_threads_means_one_per_core() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ref");
    run_into(&reference(), "20", &["--threads", "0"], &out).success();
    let threads = read_json(&out.join("manifest.json"))["threads"]
        .as_u64()
        .unwrap();
    assert!(threads >= 1, "manifest records {threads} threads");
    for cmd in ["run", "compare", "sweep", "study", "calibrate"] {
        partnersim()
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains(
                "Worker threads (0 = one per core, at most 1024). Results do not depend on it [default: 0]",
            ));
    }
}

/// A thread count beyond any machine is a usage error naming the flag, before anything starts.
#[test]
fn too_many_threads_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ref");
    run_into(&reference(), "20", &["--threads", "1025"], &out)
        .code(2)
        .stderr(
            predicate::str::contains("--threads").and(predicate::str::contains("at most 1024")),
        );
    assert!(!out.exists());
    run_into(&reference(), "20", &["--threads", "1024"], &out).success();
}

/// `--out` and `--force` are shared, but each command's help still names its own default.
#[test]
fn out_help_names_each_commands_default() {
    for (cmd, default) in [
        ("run", "output/<scenario name>"),
        ("compare", "output/compare-<first>-vs-<second>…"),
        ("study", "output/study"),
        ("calibrate", "output/calibration"),
    ] {
        partnersim()
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(
                predicate::str::contains(format!("Output directory (default: {default})")).and(
                    predicate::str::contains("--force  ")
                        .and(predicate::str::contains("Replace the output directory")),
                ),
            );
    }
}

/// Defaults that clap cannot print itself (they live in the study design and the sweep file)
/// are written into the help text: it must say what the code does.
#[test]
fn help_defaults_agree_with_the_code() {
    let design = partnersim::study::sample::Design::default();
    for cmd in ["study", "calibrate"] {
        partnersim()
            .args([cmd, "--help"])
            .assert()
            .success()
            .stdout(
                predicate::str::contains(format!(
                    "Youngest age at the visit, months since the idea (default: {})",
                    design.age_min_months
                ))
                .and(predicate::str::contains(format!(
                    "Oldest age at the visit, months since the idea (default: {})",
                    design.age_max_months
                ))),
            );
    }
    partnersim()
        .args(["sweep", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "overriding the sweep file's `rollouts` (default: {})",
            partnersim::sweep::spec::DEFAULT_ROLLOUTS
        )));
}

#[test]
fn every_shipped_scenario_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    assert!(
        files.len() >= 12,
        "expected the shipped scenarios, found {}",
        files.len()
    );
    for file in files {
        partnersim()
            .args(["check", file.to_str().unwrap()])
            .assert()
            .success();
    }
}

/// SHA-256, lower-case hex, of what `partnersim check FILE` prints.
fn check_sha256(file: &Path) -> String {
    use sha2::{Digest, Sha256};
    let out = partnersim()
        .args(["check", file.to_str().unwrap()])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    Sha256::digest(&out)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// docs/outputs.md, *`manifest.json`*: the seed, rollouts, months and threads are those asked
/// for; `scenario_sha256` is the SHA-256 of what `check` prints for the resolved scenario; and
/// the recorded scenario, written back to TOML and run with the recorded seed, rollouts and
/// months, gives the same summary.json byte for byte.
#[test]
fn the_manifest_records_the_run_and_reproduces_it() {
    let tmp = tempfile::tempdir().unwrap();
    let first = tmp.path().join("first");
    let flags = ["--seed", "7", "--months", "30", "--threads", "3"];
    run_into(&reference(), "123", &flags, &first).success();
    let m = read_json(&first.join("manifest.json"));
    assert_eq!(m["seed"], 7);
    assert_eq!(m["rollouts"], 123);
    assert_eq!(m["months"], 30);
    assert_eq!(m["threads"], 3);
    assert_eq!(m["scenario"]["months"], 30);
    assert_eq!(m["scenario_file"], reference().to_str().unwrap());
    let summary = std::fs::read_to_string(first.join("summary.json")).unwrap();
    let s: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(
        (s["seed"].clone(), s["rollouts"].clone()),
        (7.into(), 123.into())
    );

    // Re-run from the manifest alone.
    let toml = toml::to_string(&m["scenario"]).expect("the recorded scenario is TOML");
    let file = tmp.path().join("rerun.toml");
    std::fs::write(&file, toml).unwrap();
    let again = tmp.path().join("again");
    let (seed, rollouts, months) = (
        m["seed"].to_string(),
        m["rollouts"].to_string(),
        m["months"].to_string(),
    );
    run_into(
        &file,
        &rollouts,
        &["--seed", &seed, "--months", &months, "--threads", "1"],
        &again,
    )
    .success();
    assert_eq!(
        std::fs::read_to_string(again.join("summary.json")).unwrap(),
        summary,
        "re-running the recorded scenario and seed reproduces summary.json"
    );
    let m2 = read_json(&again.join("manifest.json"));
    assert_eq!(m2["scenario_sha256"], m["scenario_sha256"]);
    assert_eq!(m2["threads"], 1);
    // The hash is that of `check` on the recorded scenario (the --months override included) …
    assert_eq!(m["scenario_sha256"], check_sha256(&file).as_str());

    // … and of `check` on the file itself when nothing overrides it; a what-if hashes apart.
    let whatif =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/what-if/joint-training.toml");
    let mut hashes = Vec::new();
    for (name, scenario) in [("ref", reference()), ("whatif", whatif)] {
        let out = tmp.path().join(name);
        run_into(&scenario, "5", &["--seed", "2"], &out).success();
        let recorded = read_json(&out.join("manifest.json"))["scenario_sha256"].clone();
        assert_eq!(recorded, check_sha256(&scenario).as_str(), "{name}");
        hashes.push(recorded);
    }
    assert_ne!(hashes[0], hashes[1], "a what-if hashes differently");
    assert_ne!(
        hashes[0], m["scenario_sha256"],
        "--months is part of the input"
    );
}
