//! `partnersim compare`: common random numbers, paired intervals, outputs and refusals.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use partnersim::compare::MEDIAN_KEY;
use partnersim::engine::{self, Pairing, RunConfig};
use partnersim::model::Setup;
use partnersim::scenario::Scenario;
use serde_json::Value;

fn partnersim() -> Command {
    Command::cargo_bin("partnersim").expect("the binary is built")
}

fn path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn arg(rel: &str) -> String {
    path(rel).display().to_string()
}

const REFERENCE: &str = "scenarios/reference.toml";
const POOLED: &str = "scenarios/what-if/pooled-budget.toml";
const FIVE_YEAR: &str = "scenarios/what-if/five-year-funding.toml";

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("file exists")).expect("valid JSON")
}

/// Runs `compare` on `files` with extra `flags` into a fresh directory; returns it and the JSON.
fn compare(files: &[&str], flags: &[&str]) -> (tempfile::TempDir, PathBuf, Value) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    let mut cmd = partnersim();
    cmd.arg("compare");
    for f in files {
        cmd.arg(arg(f));
    }
    cmd.args(flags).arg("--out").arg(&out).assert().success();
    let json = read_json(&out.join("compare.json"));
    (tmp, out, json)
}

const ENTRY_KEYS: [&str; 6] = ["scenario", "a", "b", "difference", "ci_low", "ci_high"];

fn metric_keys() -> Vec<String> {
    let mut keys: Vec<String> = [
        "well_established",
        "median_months_to_well_established",
        "folded",
    ]
    .map(String::from)
    .to_vec();
    for c in [
        "fiscal",
        "roles",
        "competing_priorities",
        "non_fiscal_resources",
        "communication",
        "cultures",
        "management",
    ] {
        keys.push(format!("challenge_{c}"));
    }
    for c in [
        "lead_commitment",
        "partner_withdrawal",
        "funding",
        "key_staff",
    ] {
        keys.push(format!("folded_{c}"));
    }
    keys
}

#[test]
fn compare_json_has_every_metric_with_intervals() {
    let (_tmp, out, json) = compare(&[REFERENCE, POOLED], &["--rollouts", "600", "--seed", "4"]);
    for file in [
        "compare.json",
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
    assert_eq!(json["pairing"], "common_random_numbers");
    assert_eq!(json["rollouts"], 600);
    let metrics = json["metrics"].as_object().unwrap();
    assert_eq!(metrics.len(), metric_keys().len());
    // The file lists the metrics in a fixed order: headline three, challenges, fold causes.
    let text = std::fs::read_to_string(out.join("compare.json")).unwrap();
    let positions: Vec<usize> = metric_keys()
        .iter()
        .map(|k| {
            text.find(&format!("\n    \"{k}\": {{"))
                .unwrap_or_else(|| panic!("{k} missing"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "metric order");
    for (key, entry) in metrics {
        for k in ENTRY_KEYS {
            assert!(entry.get(k).is_some(), "{key} lacks {k}");
        }
        assert_eq!(entry["scenario"], "pooled-budget");
        if let (Some(d), Some(lo), Some(hi)) = (
            entry["difference"].as_f64(),
            entry["ci_low"].as_f64(),
            entry["ci_high"].as_f64(),
        ) {
            assert!(lo <= d && d <= hi, "{key}: {entry}");
            let (a, b) = (entry["a"].as_f64().unwrap(), entry["b"].as_f64().unwrap());
            assert!((b - a - d).abs() < 1e-12, "{key}: difference is b - a");
        }
    }
    let scenarios = json["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 2);
    assert_eq!(scenarios[1]["name"], "pooled-budget");
    assert_eq!(scenarios[1]["seed"], 4);
    let manifest = read_json(&out.join("manifest.json"));
    assert_eq!(manifest["scenarios"].as_array().unwrap().len(), 2);
    assert_eq!(
        manifest["scenarios"][1]["scenario"]["levers"]["pooled_budget"],
        true
    );
}

#[test]
fn each_scenario_matches_its_own_run() {
    // With common random numbers every scenario's numbers are exactly those of `run`.
    let (_tmp, _out, json) = compare(&[REFERENCE, POOLED], &["--rollouts", "700", "--seed", "8"]);
    let tmp = tempfile::tempdir().unwrap();
    let run_out = tmp.path().join("run");
    partnersim()
        .args([
            "run",
            &arg(POOLED),
            "--rollouts",
            "700",
            "--seed",
            "8",
            "--out",
        ])
        .arg(&run_out)
        .assert()
        .success();
    let summary = read_json(&run_out.join("summary.json"));
    assert_eq!(json["scenarios"][1]["summary"], summary);
    assert_eq!(
        json["metrics"]["well_established"]["b"],
        summary["well_established"]["share"]
    );
}

#[test]
fn more_than_two_scenarios_give_one_entry_each() {
    let (_tmp, _out, json) = compare(&[REFERENCE, POOLED, FIVE_YEAR], &["--rollouts", "300"]);
    for key in metric_keys() {
        let entries = json["metrics"][&key]
            .as_array()
            .unwrap_or_else(|| panic!("{key}"));
        assert_eq!(entries.len(), 2, "{key}");
        assert_eq!(entries[0]["scenario"], "pooled-budget");
        assert_eq!(entries[1]["scenario"], "five-year-funding");
        assert_eq!(
            entries[0]["a"], entries[1]["a"],
            "{key}: a is the first scenario"
        );
    }
}

#[test]
fn a_scenario_against_itself_differs_by_exactly_zero() {
    let (_tmp, _out, json) = compare(&[REFERENCE, REFERENCE], &["--rollouts", "500"]);
    for (key, entry) in json["metrics"].as_object().unwrap() {
        assert_eq!(entry["a"], entry["b"], "{key}");
        if entry["a"].is_null() {
            // A median that under half the rollouts reach is undefined, and so is its difference.
            assert!(entry["difference"].is_null(), "{key}");
            continue;
        }
        assert_eq!(entry["difference"].as_f64(), Some(0.0), "{key}");
        assert_eq!(entry["ci_low"].as_f64(), Some(0.0), "{key}");
        assert_eq!(entry["ci_high"].as_f64(), Some(0.0), "{key}");
    }
}

/// Two different scenarios under one name could not be told apart in the comparison's tables,
/// charts and report: refused before any compute, naming both files. One file twice is one
/// scenario, and is compared with itself (above).
#[test]
fn two_scenarios_of_one_name_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let other = tmp.path().join("reference.toml");
    std::fs::write(
        &other,
        format!(
            "extends = {:?}\n[levers]\npooled_budget = true\n",
            arg(REFERENCE)
        ),
    )
    .unwrap();
    let out = partnersim()
        .arg("compare")
        .arg(arg(REFERENCE))
        .arg(&other)
        .args(["--rollouts", "10", "--out"])
        .arg(tmp.path().join("cmp"))
        .assert()
        .code(3)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let want = format!(
        "{} and {} are both named `reference`",
        arg(REFERENCE),
        other.display()
    );
    assert!(stderr.contains(&want), "want {want:?} in\n{stderr}");
    assert!(!tmp.path().join("cmp").exists());
}

fn width(json: &Value, key: &str) -> f64 {
    let e = &json["metrics"][key];
    e["ci_high"].as_f64().unwrap() - e["ci_low"].as_f64().unwrap()
}

#[test]
fn pairing_narrows_the_interval_of_a_shipped_what_if() {
    let flags = ["--rollouts", "2000", "--seed", "11"];
    let (_t1, _o1, paired) = compare(&[REFERENCE, POOLED], &flags);
    let mut independent_flags = flags.to_vec();
    independent_flags.push("--independent");
    let (_t2, _o2, independent) = compare(&[REFERENCE, POOLED], &independent_flags);
    assert_eq!(independent["pairing"], "independent");
    assert_ne!(independent["scenarios"][1]["seed"], 11);
    // The first scenario runs on the master seed either way.
    assert_eq!(
        paired["metrics"]["well_established"]["a"],
        independent["metrics"]["well_established"]["a"]
    );
    let (p, i) = (
        width(&paired, "well_established"),
        width(&independent, "well_established"),
    );
    assert!(
        p < 0.6 * i,
        "paired width {p} not well below independent {i}"
    );
    // Pooling leaves the competing-priorities process untouched: with common random numbers
    // not one rollout differs, so the interval is [0, 0]; independent draws cannot see that.
    assert_eq!(width(&paired, "challenge_competing_priorities"), 0.0);
    assert!(width(&independent, "challenge_competing_priorities") > 0.01);
}

#[test]
fn compare_json_is_identical_for_any_thread_count() {
    // More rollouts than one chunk (512), not a multiple of it.
    let flags = |t: &'static str| ["--rollouts", "1100", "--seed", "5", "--threads", t];
    let (_t1, o1, _) = compare(&[REFERENCE, POOLED, FIVE_YEAR], &flags("1"));
    let (_t2, o2, _) = compare(&[REFERENCE, POOLED, FIVE_YEAR], &flags("2"));
    let (_t3, o3, _) = compare(&[REFERENCE, POOLED, FIVE_YEAR], &flags("3"));
    let bytes = |o: &Path| std::fs::read(o.join("compare.json")).unwrap();
    assert_eq!(bytes(&o1), bytes(&o2));
    assert_eq!(bytes(&o1), bytes(&o3));
    // The bytes include the bootstrap interval of the median, which every scenario here reaches.
    let json = read_json(&o1.join("compare.json"));
    let entries = json["metrics"][MEDIAN_KEY].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    for e in entries {
        let (lo, hi) = (e["ci_low"].as_f64(), e["ci_high"].as_f64());
        assert!(
            lo.is_some() && hi.is_some(),
            "median interval undefined: {e}"
        );
        assert!(lo <= e["difference"].as_f64() && e["difference"].as_f64() <= hi);
    }
}

#[test]
fn paired_engine_reproduces_each_plain_run() {
    let a = Scenario::from_file(&path(REFERENCE)).unwrap();
    let b = Scenario::from_file(&path(FIVE_YEAR)).unwrap();
    let setups = [Setup::new(&a), Setup::new(&b)];
    let config = RunConfig::new(900, 21, 2);
    let paired = engine::run_paired(&setups, &config, Pairing::Common, &|_| {});
    for (setup, agg) in setups.iter().zip(&paired.aggregates) {
        assert_eq!(*agg, engine::run(setup, &config, &|_| {}));
    }
    let months = paired.months_of(1);
    assert_eq!(months.len(), 900);
    let reached = months.iter().filter(|m| **m != u16::MAX).count() as u64;
    assert_eq!(reached, paired.aggregates[1].reached_by(b.months));
}

/// Runs `compare` with a bad file at `position` and checks the exit code and that no output
/// directory appears.
fn rejects(bad: &str, position: usize, code: i32, needle: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    let mut files = vec![arg(REFERENCE), arg(POOLED)];
    files.insert(position, arg(bad));
    let assert = partnersim()
        .arg("compare")
        .args(&files)
        .args(["--rollouts", "10", "--out"])
        .arg(&out)
        .assert()
        .code(code);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(
        stderr.contains(needle),
        "stderr lacks {needle:?}:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "output left behind"
    );
}

#[test]
fn bad_inputs_exit_as_run_does_and_leave_nothing() {
    rejects(
        "tests/fixtures/bad/no_such_file.toml",
        0,
        4,
        "no_such_file.toml",
    );
    rejects(
        "tests/fixtures/bad/no_such_file.toml",
        2,
        4,
        "no_such_file.toml",
    );
    rejects(
        "tests/fixtures/bad/out_of_range.toml",
        1,
        3,
        "between 0 and 1",
    );
    rejects("tests/fixtures/bad/syntax.toml", 2, 3, "syntax.toml:1:");
    // One scenario is not a comparison.
    partnersim()
        .args(["compare", &arg(REFERENCE)])
        .assert()
        .code(2);
}

#[test]
fn refuses_an_existing_directory_unless_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    std::fs::create_dir(&out).unwrap();
    let run = |force: bool| {
        let mut cmd = partnersim();
        cmd.args(["compare", &arg(REFERENCE), &arg(POOLED), "--rollouts", "20"]);
        if force {
            cmd.arg("--force");
        }
        cmd.arg("--out").arg(&out).assert()
    };
    run(false).code(5);
    run(true).success();
    assert!(out.join("compare.json").is_file());
}

/// External resources or scripts a self-contained report must not have.
const EXTERNAL: [&str; 7] = [
    "http://", "https://", "<script", "<link", "<img", "url(", "@import",
];

fn assert_self_contained(html: &str) {
    for needle in EXTERNAL {
        assert!(!html.contains(needle), "report contains {needle:?}");
    }
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<style>"));
    assert!(html.matches("<svg ").count() == 3, "three inline charts");
}

fn pct(share: f64) -> String {
    format!("{:.1}%", 100.0 * share)
}

#[test]
fn run_report_is_self_contained_with_the_headline() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    partnersim()
        .args([
            "run",
            &arg(REFERENCE),
            "--rollouts",
            "400",
            "--seed",
            "2",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_self_contained(&html);
    let summary = read_json(&out.join("summary.json"));
    let w = &summary["well_established"];
    for share in [&w["share"], &w["ci_low"], &w["ci_high"]] {
        let text = pct(share.as_f64().unwrap());
        assert!(html.contains(&text), "report lacks {text}");
    }
    for text in [
        "The scenario in plain words",
        "What stopped the rest",
        "Why some folded",
        "Challenges met along the way",
        "What slowed progress most",
        "Held at a gate",
        "Show every setting of the scenario",
        "required_funding = 10.0",
    ] {
        assert!(html.contains(text), "report lacks {text:?}");
    }
}

#[test]
fn compare_report_is_self_contained_with_the_differences() {
    let (_tmp, out, json) = compare(&[REFERENCE, POOLED], &["--rollouts", "500", "--seed", "6"]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_self_contained(&html);
    let w = &json["metrics"]["well_established"];
    for key in ["a", "b"] {
        let text = pct(w[key].as_f64().unwrap());
        assert!(html.contains(&text), "report lacks {key} = {text}");
    }
    let points = |x: f64| {
        let v = (x * 1000.0).round() / 10.0;
        if v > 0.0 {
            format!("+{v:.1}")
        } else {
            format!("\u{2212}{:.1}", -v)
        }
    };
    for key in ["difference", "ci_low", "ci_high"] {
        let text = points(w[key].as_f64().unwrap());
        assert!(html.contains(&text), "report lacks {key} = {text}");
    }
    for text in [
        "same chance events",
        "The findings",
        "What changes",
        "levers \u{203a} pooled budget",
        "What stopped the rest",
        "Every measure",
    ] {
        assert!(html.contains(text), "report lacks {text:?}");
    }
}

/// What-ifs whose draws go to other posts or streams than the first's are not matched with it:
/// the report says so and names them, and `compare.json` marks them; a lever that changes no
/// count (pooling) gets no caveat.
#[test]
fn the_report_names_scenarios_whose_chance_events_are_not_matched() {
    let tmp = tempfile::tempdir().unwrap();
    let what_if = |name: &str, body: &str| {
        let file = tmp.path().join(format!("{name}.toml"));
        let text = format!(
            "extends = {:?}\nname = \"{name}\"\n{body}",
            path(REFERENCE).display().to_string()
        );
        std::fs::write(&file, text).unwrap();
        file
    };
    let extra_post = what_if(
        "extra-post",
        "[agencies.education.posts]\noperational = 3\n",
    );
    let extra_grant = what_if(
        "extra-grant",
        "[funding.second]\nsource = \"grant\"\nmonthly = 5.0\nterm_months = 24\n",
    );
    let caveat = "are drawn in another order and are not matched with reference";
    let out = tmp.path().join("cmp");
    partnersim()
        .arg("compare")
        .arg(arg(REFERENCE))
        .arg(&extra_post)
        .arg(arg(POOLED))
        .arg(&extra_grant)
        .args(["--rollouts", "50", "--out"])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains(caveat), "no caveat in the report");
    assert!(
        html.contains("But extra-post and extra-grant have a different number of agencies, posts or funding streams than reference"),
        "the caveat names the unmatched scenarios only"
    );
    assert!(html.contains("Their intervals remain valid"));
    let json = read_json(&out.join("compare.json"));
    let matched: Vec<bool> = json["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["draws_matched"].as_bool().unwrap())
        .collect();
    assert_eq!(matched, [true, false, true, false]);
    let (_tmp, out, json) = compare(&[REFERENCE, POOLED], &["--rollouts", "50"]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains(caveat), "a caveat for a matched pair");
    assert_eq!(json["scenarios"][1]["draws_matched"], true);
}

#[test]
fn report_text_is_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("odd.toml");
    std::fs::write(
        &file,
        format!(
            "extends = {:?}\nname = \"Tom & <b>Jerry\"\ndescription = \"<script>alert(1)</script>\"\n",
            path(REFERENCE).display().to_string()
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    partnersim()
        .args(["compare", &arg(REFERENCE)])
        .arg(&file)
        .args(["--rollouts", "50", "--out"])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script"), "description not escaped");
    assert!(!html.contains("<b>Jerry"), "name not escaped");
    assert!(html.contains("Tom &amp; &lt;b&gt;Jerry"));
}

/// Shares "by the horizon" and medians compare only over one horizon: scenarios of different
/// lengths are refused before any compute, and compared over one with `--months`.
#[test]
fn different_horizons_need_months() {
    let tmp = tempfile::tempdir().unwrap();
    let short = tmp.path().join("short.toml");
    std::fs::write(
        &short,
        format!(
            "extends = {:?}\nname = \"short\"\nmonths = 48\n",
            path(POOLED).display().to_string()
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    partnersim()
        .args(["compare", &arg(REFERENCE)])
        .arg(&short)
        .args(["--rollouts", "20", "--out"])
        .arg(&out)
        .assert()
        .code(3)
        .stderr(predicates::str::contains(
            "reference runs 72 months and short runs 48",
        ));
    assert!(!out.exists());
    partnersim()
        .args(["compare", &arg(REFERENCE)])
        .arg(&short)
        .args(["--rollouts", "20", "--months", "48", "--out"])
        .arg(&out)
        .assert()
        .success();
}

/// One rollout reads as one, in the report and in the printed summary.
#[test]
fn one_rollout_is_singular() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("one");
    let assert = partnersim()
        .args(["run", &arg(REFERENCE), "--rollouts", "1", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("1 rollout x 72 months"), "{stdout}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    for wrong in ["1 simulated runs", "1 simulated initiatives", "1 rollouts"] {
        assert!(!html.contains(wrong), "report says {wrong:?}");
    }
    assert!(html.contains("1 simulated run of this initiative"));
}

/// The charts tell scenarios apart by colour alone: eight compare (each its own colour), a ninth
/// is refused before anything runs, rather than drawn in the first one's colour.
#[test]
fn compare_takes_at_most_as_many_scenarios_as_colours() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("nine");
    let refused = partnersim()
        .arg("compare")
        .args(std::iter::repeat_n(arg(REFERENCE), 9))
        .args(["--rollouts", "5", "--out"])
        .arg(&out)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(
        stderr.contains("at most 8 scenarios, got 9")
            && stderr.contains("Usage: partnersim compare"),
        "{stderr}"
    );
    assert!(!out.exists());
    let (_tmp, _out, json) = compare(&[REFERENCE; 8], &["--rollouts", "5"]);
    assert_eq!(json["scenarios"].as_array().map(Vec::len), Some(8));
}

/// Scenario names that are each valid can join into a default directory name longer than a
/// file name may be (it failed with "File name too long"): then the default names the first
/// scenario and how many others.
#[test]
fn long_names_give_a_default_directory_that_fits() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let files: Vec<PathBuf> = ['a', 'b', 'c']
        .iter()
        .map(|&c| {
            let file = t.join(format!("{c}.toml"));
            std::fs::write(
                &file,
                format!(
                    "extends = {:?}\nname = \"{}\"\n",
                    path("scenarios/reference.toml"),
                    c.to_string().repeat(91)
                ),
            )
            .unwrap();
            file
        })
        .collect();
    partnersim()
        .current_dir(t)
        .arg("compare")
        .args(&files)
        .args(["--rollouts", "20"])
        .assert()
        .success();
    let dir = t
        .join("output")
        .join(format!("compare-{}-and-2-more", "a".repeat(91)));
    assert!(dir.join("compare.json").exists(), "{}", dir.display());
}
