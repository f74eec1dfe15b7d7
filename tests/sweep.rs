//! Sweeps as a user meets them: validation, determinism, shards and merge, resume after kill -9.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use partnersim::sweep::{Plan, Shard, Sweep};
use predicates::prelude::*;

fn partnersim() -> Command {
    Command::cargo_bin("partnersim").expect("the binary is built")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes a sweep file over the reference scenario into `dir` and returns its path.
fn sweep_file(dir: &Path, name: &str, body: &str) -> PathBuf {
    let reference = root().join("scenarios/reference.toml");
    let text = format!("scenario = {:?}\n{body}", reference.display().to_string());
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

const LHS: &str = r#"
design = "lhs"
samples = 10
rollouts = 60
seed = 3

[[parameter]]
path = "agencies.health.commitment_strategic"
min = 0.3
max = 0.9

[[parameter]]
path = "funding.grant.term_months"
min = 12
max = 48

[[parameter]]
path = "levers.pooled_budget"
min = 0
max = 1
"#;

const SOBOL: &str = r#"
design = "sobol"
samples = 4
rollouts = 40
seed = 5

[[parameter]]
path = "agencies.health.commitment_strategic"
min = 0.3
max = 0.9

[[parameter]]
path = "structure.contact_rate"
min = 0.5
max = 4.0
"#;

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run_sweep(file: &Path, out: &Path, extra: &[&str]) {
    partnersim()
        .arg("sweep")
        .arg(file)
        .arg("--out")
        .arg(out)
        .args(extra)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .assert()
        .success();
}

#[test]
fn a_bad_path_is_an_error_naming_the_nearest_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(
        tmp.path(),
        "typo",
        "design = \"grid\"\n\n[[parameter]]\npath = \"agencies.helth.commitment_strategic\"\nvalues = [0.5]\n",
    );
    partnersim()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "agencies.helth.commitment_strategic",
        ))
        .stderr(predicate::str::contains("line 5"))
        .stderr(predicate::str::contains("nearest valid keys"))
        .stderr(predicate::str::contains(
            "`agencies.health.commitment_strategic`",
        ));
    assert!(!tmp.path().join("out").exists(), "nothing is written");
}

#[test]
fn other_bad_sweep_files_are_refused_before_any_compute() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        // A table is not a value.
        (
            "design = \"grid\"\n[[parameter]]\npath = \"agencies.health\"\nvalues = [1]\n",
            "is a table",
        ),
        // Out of the scenario's valid range.
        (
            "design = \"lhs\"\nsamples = 4\n[[parameter]]\npath = \"agencies.health.commitment_strategic\"\nmin = 0.5\nmax = 1.5\n",
            "makes the scenario invalid",
        ),
        // Unknown field.
        ("design = \"grid\"\nsample = 3\n", "unknown field"),
        // Unknown metric.
        (
            "design = \"grid\"\nmetrics = [\"happiness\"]\n",
            "happiness",
        ),
    ];
    for (i, (body, expected)) in cases.iter().enumerate() {
        let file = sweep_file(tmp.path(), &format!("bad{i}"), body);
        partnersim()
            .arg("sweep")
            .arg(&file)
            .arg("--out")
            .arg(tmp.path().join(format!("out{i}")))
            .assert()
            .code(3)
            .stderr(predicate::str::contains(*expected));
    }
    partnersim()
        .args(["sweep", "no/such/sweep.toml"])
        .assert()
        .code(4);
    // A missing base: the sweep file and the line that names it, as well as the path tried.
    let no_base = tmp.path().join("no_base.toml");
    std::fs::write(
        &no_base,
        format!("# a sweep\nscenario = \"gone.toml\"\n{SOBOL}"),
    )
    .unwrap();
    partnersim()
        .arg("sweep")
        .arg(&no_base)
        .arg("--out")
        .arg(tmp.path().join("out_no_base"))
        .assert()
        .code(4)
        .stderr(predicate::str::contains(format!(
            "(`scenario` in {}, line 2): cannot read scenario file {}",
            no_base.display(),
            tmp.path().join("gone.toml").display()
        )));
    assert!(!tmp.path().join("out_no_base").exists());
    let file = sweep_file(tmp.path(), "ok", SOBOL);
    partnersim()
        .arg("sweep")
        .arg(&file)
        .args(["--shard", "3/3"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a shard"));
}

#[test]
fn zero_bootstrap_resamples_are_refused_naming_file_line_and_field() {
    let tmp = tempfile::tempdir().unwrap();
    // Line 1 is `scenario`, line 2 blank, then SOBOL's lines: `seed = 5` is line 6.
    let body = SOBOL.replace("seed = 5\n", "seed = 5\nbootstrap = 0\n");
    let file = sweep_file(tmp.path(), "no-bootstrap", &body);
    let out = tmp.path().join("out");
    partnersim()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!(
            "{} has 1 problem(s):\n  `bootstrap` (line 7): must be at least 1",
            file.display()
        )));
    assert!(!out.exists(), "nothing is written");
}

/// `partnersim sweep FILE --check`, expected to refuse FILE as invalid input (exit 3); its stderr.
fn refused(file: &Path) -> String {
    let out = partnersim()
        .arg("sweep")
        .arg(file)
        .arg("--check")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .assert()
        .code(3)
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// Two unknown keys are both reported, each at its line (serde alone stopped at one).
#[test]
fn every_unknown_key_of_a_sweep_file_is_listed() {
    let tmp = tempfile::tempdir().unwrap();
    // Line 1 is `scenario`, line 2 blank, then SOBOL's lines: `seed = 5` is line 6.
    let body = SOBOL.replace("seed = 5\n", "seed = 5\nroll_outs = 9\nbootstraps = 10\n");
    let file = sweep_file(tmp.path(), "unknown", &body);
    let stderr = refused(&file);
    for want in [
        format!("{} has 2 problem(s):", file.display()),
        "`roll_outs` (line 7): unknown field `roll_outs`; did you mean `rollouts`?".to_string(),
        "`bootstraps` (line 8): unknown field `bootstraps`; did you mean `bootstrap`?".to_string(),
    ] {
        assert!(stderr.contains(&want), "want {want:?} in\n{stderr}");
    }
}

#[test]
fn wrong_types_in_a_sweep_file_name_file_line_column_and_field() {
    let tmp = tempfile::tempdir().unwrap();
    let grid = "\n[[parameter]]\npath = \"agencies.health.commitment_strategic\"\nvalues = [0.5]\n";
    // Line 1 is `scenario`, line 2 `design`, line 3 the bad key.
    let cases = [
        (
            "rollouts = -4",
            "3:12: `rollouts`: must be a whole number of at least 0, got -4",
        ),
        (
            "seed = -1",
            "3:8: `seed`: must be a whole number of at least 0, got -1",
        ),
        (
            "common_seed = \"yes\"",
            "3:15: `common_seed`: must be true or false, got the text \"yes\"",
        ),
        (
            "metrics = [\"speed\"]",
            "3:12: `metrics[0]`: unknown value `speed`, expected one of",
        ),
        (
            "metrics = [\"foldd\"]",
            "3:12: `metrics[0]`: unknown value `foldd`; did you mean `folded`?",
        ),
    ];
    for (i, (line, expected)) in cases.iter().enumerate() {
        let file = sweep_file(
            tmp.path(),
            &format!("type{i}"),
            &format!("design = \"grid\"\n{line}\n{grid}"),
        );
        let stderr = refused(&file);
        let want = format!("{}:{expected}", file.display());
        assert!(stderr.contains(&want), "want {want:?} in\n{stderr}");
    }
    // A key of a `[[parameter]]` table is named with its index.
    let file = sweep_file(
        tmp.path(),
        "param-type",
        "design = \"lhs\"\nsamples = 4\n\n[[parameter]]\npath = \"months\"\nmin = 12\nmax = \"24\"\n",
    );
    let stderr = refused(&file);
    let want = format!(
        "{}:8:7: `parameter[0].max`: must be a number, got the text \"24\"",
        file.display()
    );
    assert!(stderr.contains(&want), "want {want:?} in\n{stderr}");
}

#[test]
fn an_out_of_range_bound_is_reported_at_its_line_in_the_sweep_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(
        tmp.path(),
        "probability",
        "design = \"lhs\"\nsamples = 4\n\n[[parameter]]\npath = \"agencies.health.commitment_strategic\"\nmin = 0.1\nmax = 1.5\n",
    );
    let stderr = refused(&file);
    let want = format!(
        "{} has 1 problem(s):\n  `parameter[0].max` (line 8): `agencies.health.commitment_strategic` = 1.5 makes the scenario invalid: must be a probability or share between 0 and 1, got 1.5",
        file.display()
    );
    assert!(stderr.contains(&want), "want {want:?} in\n{stderr}");
    // The base scenario holds a valid value; its file and line are not the problem's.
    assert!(!stderr.contains("reference.toml"), "{stderr}");
}

/// Each value passes alone but two together break a rule: the point is named with its values,
/// and the swept key with the sweep file, not with the base scenario's line (which holds the
/// value the sweep replaced).
#[test]
fn an_invalid_combination_names_the_point_and_the_sweep_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(
        tmp.path(),
        "combination",
        "design = \"grid\"\n\n[[parameter]]\npath = \"funding.grant.renewal_probability\"\nvalues = [0.3, 0.6]\n\n[[parameter]]\npath = \"funding.grant.mainstream_probability\"\nvalues = [0.3, 0.6]\n",
    );
    let stderr = refused(&file);
    assert!(
        stderr.contains("sweep point 3 (funding.grant.renewal_probability = 0.6, funding.grant.mainstream_probability = 0.6)"),
        "{stderr}"
    );
    // At the line of the parameter whose value is part of the refused combination.
    let want = format!(
        "{}:5:1: `funding.grant.renewal_probability`: renewal_probability + mainstream_probability must not exceed 1",
        file.display()
    );
    assert!(stderr.contains(&want), "want {want:?} in\n{stderr}");
    assert!(!stderr.contains("reference.toml"), "{stderr}");
}

/// A value of one point that the scenario refuses (a stage requirement between 0 and the 1e-6 it
/// needs, inside a range whose bounds are both valid) is blamed on the design, at the
/// parameter's line in the sweep file, not called a default.
#[test]
fn an_invalid_point_value_names_its_parameter_line_in_the_sweep_file() {
    let tmp = tempfile::tempdir().unwrap();
    // 20 strata over 0 to 1e-5: the lowest stratum's point lies below 5e-7.
    let file = sweep_file(
        tmp.path(),
        "tiny",
        "design = \"lhs\"\nsamples = 20\n\n[[parameter]]\npath = \"params.funding.stage_requirement[1]\"\nmin = 0.0\nmax = 0.00001\n",
    );
    let stderr = refused(&file);
    let want = format!(
        "{}:6:1: `params.funding.stage_requirement[1]`: must be 0 or a finite number from 1e-6 to 1e6, got ",
        file.display()
    );
    assert!(stderr.contains(&want), "want {want:?} in\n{stderr}");
    assert!(
        stderr.contains(
            "(this point's value, from the design over the range of parameter 1; narrow the range)"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("default"), "{stderr}");
}

/// A Morris elementary effect divides by the change actually made to the input: a boolean flips
/// all the way (false to true) at every step, and an integer moves by what rounding gives, not
/// by the design's step Δ = p / (2(p − 1)) of the range.
#[test]
fn morris_effects_divide_by_the_applied_change() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(
        tmp.path(),
        "morris",
        "design = \"morris\"\nsamples = 6\nlevels = 4\nrollouts = 40\nmetrics = [\"well_established\"]\n\n[[parameter]]\npath = \"levers.pooled_budget\"\nmin = 0\nmax = 1\n\n[[parameter]]\npath = \"funding.grant.term_months\"\nmin = 12\nmax = 20\n",
    );
    let out = tmp.path().join("out");
    run_sweep(&file, &out, &[]);
    let csv = std::fs::read_to_string(out.join("points.csv")).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let x = |row: &[&str], k: usize| -> f64 {
        match row[2 + k] {
            "true" => 1.0,
            "false" => 0.0,
            v => (v.parse::<f64>().unwrap() - 12.0) / 8.0,
        }
    };
    let y = |row: &[&str]| row[4].parse::<f64>().unwrap();
    // Each trajectory is three points; between consecutive ones exactly one parameter moves.
    let mut sum = [0.0f64; 2];
    for t in rows.chunks(3) {
        for s in 1..3 {
            let k = (0..2).find(|&k| x(&t[s], k) != x(&t[s - 1], k)).unwrap();
            sum[k] += ((y(&t[s]) - y(&t[s - 1])) / (x(&t[s], k) - x(&t[s - 1], k))).abs();
        }
    }
    let json: serde_json::Value =
        serde_json::from_slice(&read(&out.join("sensitivity.json"))).unwrap();
    let params = &json["metrics"]["well_established"]["parameters"];
    for (k, path) in ["levers.pooled_budget", "funding.grant.term_months"]
        .iter()
        .enumerate()
    {
        let mu_star = params[path]["mu_star"]["estimate"].as_f64().unwrap();
        assert!(
            (mu_star - sum[k] / 6.0).abs() < 1e-12,
            "{path}: μ* {mu_star}, from the applied changes {}",
            sum[k] / 6.0
        );
    }
}

#[test]
fn an_integer_is_given_whole_numbers_it_can_hold_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(
        tmp.path(),
        "months",
        "design = \"grid\"\n\n[[parameter]]\npath = \"months\"\nvalues = [\n  1e30,\n  -1,\n  12.5,\n  24,\n]\n",
    );
    let stderr = refused(&file);
    assert!(
        stderr.starts_with(&format!("error: {} has 3 problem(s):", file.display())),
        "{stderr}"
    );
    for want in [
        "`parameter[0].values[0]` (line 7): `months` is an integer in the scenario and takes a whole number of at most 4294967295, found `1e30`",
        "`parameter[0].values[1]` (line 8): `months` is an integer in the scenario and takes a whole number of at least 0, found `-1`",
        "`parameter[0].values[2]` (line 9): `months` is an integer in the scenario and takes a whole number, found `12.5`",
    ] {
        assert!(stderr.contains(want), "want {want:?} in\n{stderr}");
    }
    assert!(!stderr.contains("9223372036854775807"), "{stderr}");
    assert!(!stderr.contains("reference.toml"), "{stderr}");
}

/// A boolean takes false and true only: other grid values would repeat them (0.3 is false
/// again) and a range beyond 0 to 1 would draw one more often than the other.
#[test]
fn a_boolean_is_swept_over_false_and_true_only() {
    let tmp = tempfile::tempdir().unwrap();
    let path = "[[parameter]]\npath = \"levers.pooled_budget\"\n";
    let grid = sweep_file(
        tmp.path(),
        "grid",
        &format!("design = \"grid\"\n\n{path}values = [false, 0.3, 1, true]\n"),
    );
    let stderr = refused(&grid);
    let want = "`parameter[0].values[1]` (line 6): `levers.pooled_budget` is a boolean in the scenario and is swept over `false` and `true` (or 0 and 1), found `0.3`";
    assert!(stderr.contains(want), "want {want:?} in\n{stderr}");
    assert!(stderr.contains("has 1 problem(s)"), "{stderr}");
    let lhs = sweep_file(
        tmp.path(),
        "lhs",
        &format!("design = \"lhs\"\nsamples = 10\n\n{path}min = 0\nmax = 2\n"),
    );
    let stderr = refused(&lhs);
    let want = "`parameter[0].max` (line 8): `levers.pooled_budget` is a boolean in the scenario and is swept over `min = 0` and `max = 1`, found `2`";
    assert!(stderr.contains(want), "want {want:?} in\n{stderr}");
    // Values that are all wrong are reported each, without also asking for "at least one".
    let wrong = sweep_file(
        tmp.path(),
        "wrong",
        &format!("design = \"grid\"\n\n{path}values = [\"no\", \"yes\"]\n"),
    );
    let stderr = refused(&wrong);
    assert!(!stderr.contains("give at least one value"), "{stderr}");
}

#[test]
fn one_value_under_two_spellings_is_swept_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(
        tmp.path(),
        "twice",
        "design = \"grid\"\n\n[[parameter]]\npath = \"params.funding.stage_requirement[2]\"\nvalues = [0.5]\n\n[[parameter]]\npath = \"params.funding.stage_requirement[02]\"\nvalues = [0.6]\n",
    );
    let stderr = refused(&file);
    let want = format!(
        "{} has 1 problem(s):\n  `parameter[1].path` (line 9): `params.funding.stage_requirement[02]` is swept twice: `parameter[0].path` (line 5) already names it, as `params.funding.stage_requirement[2]`",
        file.display()
    );
    assert!(stderr.contains(&want), "want {want:?} in\n{stderr}");
}

#[test]
fn a_rollouts_override_of_zero_is_refused_not_clamped() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(tmp.path(), "sobol", SOBOL);
    let err = Sweep::load(&file, Some(0)).expect_err("0 rollouts per point is refused");
    assert!(err.is_usage(), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("--rollouts") && message.contains("must be at least 1, found 0"),
        "{message}"
    );
    assert_eq!(Sweep::load(&file, Some(4)).unwrap().spec.rollouts, 4);
    assert_eq!(Sweep::load(&file, None).unwrap().spec.rollouts, 40);
}

/// Fewer rollouts per point than replicate groups used to be clamped silently to fewer groups;
/// it is refused, naming the sweep file's line, or the flag when `--rollouts` sets the count.
#[test]
fn fewer_rollouts_than_replicates_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    // Line 1 is `scenario`, line 2 blank, then SOBOL's lines: `seed = 5` is line 6.
    let body = SOBOL.replace("seed = 5\n", "seed = 5\nreplicates = 8\n");
    let file = sweep_file(tmp.path(), "replicates", &body);
    let stderr = |extra: &[&str]| {
        let out = partnersim()
            .arg("sweep")
            .arg(&file)
            .arg("--out")
            .arg(tmp.path().join("out"))
            .args(extra)
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("JOB_COMPLETION_INDEX")
            .assert()
            .code(3)
            .get_output()
            .clone();
        assert!(!tmp.path().join("out").exists(), "nothing is written");
        String::from_utf8(out.stderr).unwrap()
    };
    let err = stderr(&["--rollouts", "5"]);
    let want = format!(
        "{} has 1 problem(s):\n  `replicates` (line 7): 8 replicate groups need at least 8 rollouts per point, but --rollouts gives 5",
        file.display()
    );
    assert!(err.contains(&want), "want {want:?} in\n{err}");
    let err = stderr(&["--check", "--rollouts", "7"]);
    assert!(err.contains("but --rollouts gives 7"), "{err}");
    let low = sweep_file(
        tmp.path(),
        "low",
        &body.replace("rollouts = 40", "rollouts = 6"),
    );
    let err = Sweep::load(&low, None).unwrap_err().to_string();
    assert!(
        err.contains("`rollouts` (line 5): 6 rollouts per point are fewer than `replicates` (line 7), 8 replicate groups"),
        "{err}"
    );
    // The flag can also lift a file's count that is too low.
    assert_eq!(Sweep::load(&low, Some(8)).unwrap().spec.groups(), 8);
}

#[test]
fn the_plan_is_deterministic_and_independent_of_sharding() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(tmp.path(), "lhs", LHS);
    let a = Sweep::load(&file, None).unwrap();
    let b = Sweep::load(&file, Some(60)).unwrap();
    let (pa, pb) = (Plan::new(&a), Plan::new(&b));
    assert_eq!(pa.points(), 10);
    let all: Vec<_> = (0..10).map(|i| pa.point(i)).collect();
    assert_eq!(all, (0..10).map(|i| pb.point(i)).collect::<Vec<_>>());
    // Types follow the scenario: an integer term, a boolean lever.
    for p in &all {
        assert!(matches!(
            p.values[1],
            partnersim::sweep::plan::ParamValue::Integer(12..=48)
        ));
        assert!(matches!(
            p.values[2],
            partnersim::sweep::plan::ParamValue::Bool(_)
        ));
    }
    for count in 1..4 {
        let mut seen = Vec::new();
        for index in 0..count {
            for i in (Shard { index, count }).indices(10) {
                assert_eq!(pa.point(i), all[i as usize]);
                seen.push(i);
            }
        }
        seen.sort();
        assert_eq!(seen, (0..10).collect::<Vec<_>>());
    }
    // Different seeds give different points.
    let other = sweep_file(tmp.path(), "lhs2", &LHS.replace("seed = 3", "seed = 4"));
    let c = Sweep::load(&other, None).unwrap();
    assert_ne!(Plan::new(&c).point(0), all[0]);
}

#[test]
fn shards_merge_into_the_bytes_of_the_unsharded_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let file = sweep_file(t, "sobol", SOBOL);
    run_sweep(&file, &t.join("whole"), &["--threads", "2"]);
    for i in 0..3 {
        run_sweep(
            &file,
            &t.join(format!("shard{i}")),
            &["--shard", &format!("{i}/3"), "--threads", "1"],
        );
        assert!(!t.join(format!("shard{i}/sensitivity.json")).exists());
    }
    partnersim()
        .arg("merge")
        .args((0..3).map(|i| t.join(format!("shard{i}"))))
        .arg("--out")
        .arg(t.join("merged"))
        .assert()
        .success()
        .stdout(predicate::str::contains("merged 16 points from 3 shards"));
    for f in [
        "points.csv",
        "sensitivity.json",
        "sensitivity-well_established.svg",
    ] {
        assert_eq!(
            read(&t.join("whole").join(f)),
            read(&t.join("merged").join(f)),
            "{f} differs"
        );
    }
    let csv = String::from_utf8(read(&t.join("whole/points.csv"))).unwrap();
    assert_eq!(csv.lines().count(), 17);
    assert!(csv.starts_with("point,seed,agencies.health.commitment_strategic,structure.contact_rate,well_established_estimate,"));
    let sens: serde_json::Value =
        serde_json::from_slice(&read(&t.join("whole/sensitivity.json"))).unwrap();
    let we = &sens["metrics"]["well_established"];
    assert!(we["noise_share"].is_number());
    for key in ["estimate", "ci_low", "ci_high"] {
        assert!(
            we["parameters"]["structure.contact_rate"]["total"][key].is_number(),
            "{key}"
        );
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(&t.join("merged/manifest.json"))).unwrap();
    assert_eq!(manifest["points"], 16);
    assert!(
        manifest["sweep"]
            .as_str()
            .unwrap()
            .contains("design = \"sobol\"")
    );
    assert_eq!(manifest["merged_from"].as_array().unwrap().len(), 3);
}

#[test]
fn slurm_and_kubernetes_variables_pick_the_shard() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let file = sweep_file(t, "lhs", LHS);
    run_sweep(&file, &t.join("flag"), &["--shard", "1/2"]);
    partnersim()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(t.join("slurm"))
        .env("SLURM_ARRAY_TASK_ID", "6")
        .env("SLURM_ARRAY_TASK_MIN", "5")
        .env("SLURM_ARRAY_TASK_COUNT", "2")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "shard 1/2 from SLURM_ARRAY_TASK_ID",
        ));
    partnersim()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(t.join("k8s"))
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env("JOB_COMPLETION_INDEX", "1")
        .env("PARTNERSIM_SHARD_COUNT", "2")
        .assert()
        .success();
    let flag = read(&t.join("flag/points.csv"));
    assert_eq!(flag, read(&t.join("slurm/points.csv")));
    assert_eq!(flag, read(&t.join("k8s/points.csv")));
    let rows: Vec<String> = String::from_utf8(flag)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(rows, ["1", "3", "5", "7", "9"]);
}

#[test]
fn merge_refuses_missing_duplicate_and_foreign_shards() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let file = sweep_file(t, "lhs", LHS);
    for i in 0..2 {
        run_sweep(
            &file,
            &t.join(format!("s{i}")),
            &["--shard", &format!("{i}/2")],
        );
    }
    let merge = |dirs: &[&str], out: &str| {
        let mut cmd = partnersim();
        cmd.arg("merge");
        for d in dirs {
            cmd.arg(t.join(d));
        }
        cmd.arg("--out").arg(t.join(out));
        cmd.assert()
    };
    merge(&["s0"], "m1")
        .code(3)
        .stderr(predicate::str::contains("point 1 of 10 is in none"));
    merge(&["s0", "s1", "s0"], "m2")
        .code(3)
        .stderr(predicate::str::contains("appears more than once"));
    // The same sweep with another seed: a different sweep file.
    let other = sweep_file(t, "other", &LHS.replace("seed = 3", "seed = 8"));
    run_sweep(&other, &t.join("o1"), &["--shard", "1/2"]);
    merge(&["s0", "o1"], "m3")
        .code(3)
        .stderr(predicate::str::contains("different sweep files"));
    // Other rollouts per point.
    run_sweep(
        &file,
        &t.join("r1"),
        &["--shard", "1/2", "--rollouts", "30"],
    );
    merge(&["s0", "r1"], "m4")
        .code(3)
        .stderr(predicate::str::contains("different rollouts per point"));
    // A directory that does not exist is a missing input (exit 4); one that exists but is not a
    // shard is invalid input (exit 3), as is a shard directory without its points.csv.
    merge(&["s0", "nowhere"], "m5")
        .code(4)
        .stderr(predicate::str::contains("nowhere"));
    std::fs::create_dir(t.join("empty")).unwrap();
    merge(&["s0", "empty"], "m5")
        .code(3)
        .stderr(predicate::str::contains(format!(
            "{} is not a shard directory: it has no manifest.json",
            t.join("empty").display()
        )));
    std::fs::write(t.join("a-file"), "not a shard\n").unwrap();
    merge(&["s0", "a-file"], "m5")
        .code(3)
        .stderr(predicate::str::contains("is not a directory"));
    let bare = t.join("bare");
    std::fs::create_dir(&bare).unwrap();
    std::fs::copy(t.join("s1/manifest.json"), bare.join("manifest.json")).unwrap();
    merge(&["s0", "bare"], "m5")
        .code(3)
        .stderr(predicate::str::contains(
            "has a manifest.json but no points.csv",
        ));
    // A shard computed by another partnersim version.
    let v1 = t.join("v1");
    std::fs::create_dir(&v1).unwrap();
    std::fs::copy(t.join("s1/points.csv"), v1.join("points.csv")).unwrap();
    let mut m: serde_json::Value =
        serde_json::from_slice(&read(&t.join("s1/manifest.json"))).unwrap();
    m["version"] = "0.0.1".into();
    std::fs::write(v1.join("manifest.json"), m.to_string()).unwrap();
    merge(&["s0", "v1"], "m6")
        .code(3)
        .stderr(predicate::str::contains("different partnersim versions"));
    for m in ["m1", "m2", "m3", "m4", "m5", "m6"] {
        assert!(!t.join(m).exists(), "{m} was written");
    }
    merge(&["s1", "s0"], "ok").success();
    run_sweep(&file, &t.join("whole"), &[]);
    assert_eq!(
        read(&t.join("ok/points.csv")),
        read(&t.join("whole/points.csv"))
    );
}

/// A shard whose points.csv lost whole rows after it finished (`sed -i 5d`, `head -n -1`) is
/// named with its row count and its manifest's, rather than reported as a point in none of the
/// shards.
#[test]
fn merge_names_a_shard_that_lost_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let file = sweep_file(t, "lhs", LHS);
    for i in 0..3 {
        run_sweep(
            &file,
            &t.join(format!("s{i}")),
            &["--shard", &format!("{i}/3")],
        );
    }
    let rows = String::from_utf8(read(&t.join("s1/points.csv"))).unwrap();
    let lines: Vec<&str> = rows.split_inclusive('\n').collect();
    assert_eq!(lines.len(), 4, "header and points 1, 4, 7");
    let merge = |out: &str| {
        let output = partnersim()
            .arg("merge")
            .args((0..3).map(|i| t.join(format!("s{i}"))))
            .arg("--out")
            .arg(t.join(out))
            .assert()
            .code(3)
            .get_output()
            .clone();
        assert!(!t.join(out).exists());
        String::from_utf8(output.stderr).unwrap()
    };
    let damaged = [
        // `sed -i 3d`: a row in the middle.
        [lines[0], lines[1], lines[3]].concat(),
        // `head -n -1`: the last row.
        lines[..3].concat(),
    ];
    for (k, text) in damaged.iter().enumerate() {
        std::fs::write(t.join("s1/points.csv"), text).unwrap();
        let stderr = merge(&format!("m{k}"));
        let want = format!(
            "{} holds 2 rows but {} records points_here = 3 (shard 1/3): the file lost rows after the shard finished",
            t.join("s1/points.csv").display(),
            t.join("s1/manifest.json").display()
        );
        assert!(stderr.contains(&want), "want {want:?} in\n{stderr}");
        assert!(!stderr.contains("in none of the shard"), "{stderr}");
    }
    std::fs::write(t.join("s1/points.csv"), &rows).unwrap();
    partnersim()
        .arg("merge")
        .args((0..3).map(|i| t.join(format!("s{i}"))))
        .arg("--out")
        .arg(t.join("ok"))
        .assert()
        .success();
}

/// The git commit this test's binary records in its manifests.
fn this_commit(dir: &Path) -> String {
    let m: serde_json::Value = serde_json::from_slice(&read(&dir.join("manifest.json"))).unwrap();
    m["git_commit"].as_str().unwrap().to_string()
}

/// Copies the finished shard `from` to `to` with its manifest's `git_commit` set to `commit`.
fn with_commit(from: &Path, to: &Path, commit: &str) {
    std::fs::create_dir(to).unwrap();
    std::fs::copy(from.join("points.csv"), to.join("points.csv")).unwrap();
    let mut m: serde_json::Value =
        serde_json::from_slice(&read(&from.join("manifest.json"))).unwrap();
    m["git_commit"] = commit.into();
    std::fs::write(to.join("manifest.json"), m.to_string()).unwrap();
}

/// Shards of one sweep file, version and rollouts but built from two commits are not merged:
/// their rows may differ. The message names both commits and both manifests.
#[test]
fn merge_refuses_shards_of_another_commit() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let file = sweep_file(t, "lhs", LHS);
    for i in 0..2 {
        run_sweep(
            &file,
            &t.join(format!("s{i}")),
            &["--shard", &format!("{i}/2")],
        );
    }
    let ours = this_commit(&t.join("s0"));
    let theirs = "0123456789abcdef0123456789abcdef01234567";
    with_commit(&t.join("s1"), &t.join("c1"), theirs);
    let stderr = partnersim()
        .arg("merge")
        .arg(t.join("s0"))
        .arg(t.join("c1"))
        .arg("--out")
        .arg(t.join("m"))
        .assert()
        .code(3)
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8(stderr).unwrap();
    for want in [
        format!(
            "{} records partnersim git commit {ours}",
            t.join("s0/manifest.json").display()
        ),
        format!(
            "{} records commit {theirs}",
            t.join("c1/manifest.json").display()
        ),
    ] {
        assert!(stderr.contains(&want), "want {want:?} in\n{stderr}");
    }
    assert!(!t.join("m").exists());
    // Shards that agree with each other but not with the merging binary are refused too: the
    // merge computes sensitivity.json and records the shards' commit for it.
    with_commit(&t.join("s0"), &t.join("c0"), theirs);
    let stderr = partnersim()
        .arg("merge")
        .arg(t.join("c0"))
        .arg(t.join("c1"))
        .arg("--out")
        .arg(t.join("m"))
        .assert()
        .code(3)
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8(stderr).unwrap();
    let want =
        format!("records partnersim git commit {theirs} but this partnersim is commit {ours}");
    assert!(stderr.contains(&want), "want {want:?} in\n{stderr}");
    assert!(!t.join("m").exists());
}

/// A partial run, or a finished one, made by a binary of another commit is not resumed: the
/// rows already written may differ from what this binary computes.
#[test]
fn resume_refuses_rows_of_another_commit() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let file = sweep_file(t, "lhs", LHS);
    run_sweep(&file, &t.join("whole"), &[]);
    let ours = this_commit(&t.join("whole"));
    let whole = String::from_utf8(read(&t.join("whole/points.csv"))).unwrap();
    let identity = {
        let sweep = Sweep::load(&file, None).unwrap();
        partnersim::sweep::run::identity_line(&sweep, Shard::ALL)
    };
    assert!(
        identity.ends_with(&format!(" commit {ours}\n")),
        "{identity}"
    );
    let rows: String = whole.split_inclusive('\n').take(4).collect();
    let stderr_of = |out: &Path| {
        let output = resume(&file, out)
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("JOB_COMPLETION_INDEX")
            .assert()
            .code(3)
            .get_output()
            .clone();
        String::from_utf8(output.stderr).unwrap()
    };

    // Partial rows of another commit: both commits and the file are named.
    let theirs = "0123456789abcdef0123456789abcdef01234567-dirty";
    let other = t.join("other");
    std::fs::create_dir(&other).unwrap();
    let line = identity.replace(&format!(" commit {ours}"), &format!(" commit {theirs}"));
    std::fs::write(other.join("points.partial.csv"), format!("{line}{rows}")).unwrap();
    let stderr = stderr_of(&other);
    assert!(!other.join("points.csv").exists());
    for want in [
        format!(
            "{} was written for partnersim git commit {theirs}, while this binary is commit {ours}",
            other.join("points.partial.csv").display()
        ),
        format!("resume it with the partnersim binary that started it (commit {theirs})"),
    ] {
        assert!(stderr.contains(&want), "want {want:?} in\n{stderr}");
    }

    // A partial file of an older binary, which recorded no commit, is refused as such.
    let old = t.join("old");
    std::fs::create_dir(&old).unwrap();
    let line = identity.replace(&format!(" commit {ours}"), "");
    std::fs::write(old.join("points.partial.csv"), format!("{line}{rows}")).unwrap();
    let stderr = stderr_of(&old);
    assert!(
        stderr.contains("did not record its git commit (an older build)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("rerun without --resume into a new directory"),
        "{stderr}"
    );

    // A finished directory of another commit.
    let done = t.join("done");
    with_commit(&t.join("whole"), &done, theirs);
    let stderr = stderr_of(&done);
    let want = format!(
        "{} holds a finished sweep of partnersim git commit {theirs}, while this binary is commit {ours}",
        done.join("manifest.json").display()
    );
    assert!(stderr.contains(&want), "want {want:?} in\n{stderr}");
    // Its own commit's partial rows resume.
    let same = t.join("same");
    std::fs::create_dir(&same).unwrap();
    std::fs::write(same.join("points.partial.csv"), format!("{identity}{rows}")).unwrap();
    run_sweep(&file, &same, &["--resume"]);
    assert_eq!(read(&same.join("points.csv")), whole.as_bytes());
}

/// `partnersim sweep FILE --out OUT --resume`, to be asserted on.
fn resume(file: &Path, out: &Path) -> Command {
    let mut command = partnersim();
    command
        .arg("sweep")
        .arg(file)
        .arg("--out")
        .arg(out)
        .arg("--resume");
    command
}

/// A file where the output directory should go is neither written over nor resumed into.
#[test]
fn an_output_path_that_is_a_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(tmp.path(), "lhs", LHS);
    let out = tmp.path().join("results");
    std::fs::write(&out, "precious\n").unwrap();
    for extra in [&[][..], &["--resume"][..]] {
        partnersim()
            .arg("sweep")
            .arg(&file)
            .arg("--out")
            .arg(&out)
            .args(extra)
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("JOB_COMPLETION_INDEX")
            .assert()
            .code(5)
            .stderr(predicate::str::contains("is not a directory"));
    }
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious\n");
}

/// `--resume` into a directory that holds someone's files but no sweep writes nothing there (it
/// used to overwrite a `points.csv` and add the sweep's files beside the others); an empty
/// directory, as a job script may make ahead, is started in.
#[test]
fn resume_into_a_directory_without_a_sweep_writes_nothing_unless_it_is_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let file = sweep_file(t, "lhs", LHS);
    let mine = t.join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("points.csv"), "precious\n").unwrap();
    resume(&file, &mine)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .assert()
        .code(5)
        .stderr(predicate::str::contains(
            "holds files but no sweep to resume",
        ));
    assert_eq!(
        std::fs::read_to_string(mine.join("points.csv")).unwrap(),
        "precious\n"
    );
    assert_eq!(std::fs::read_dir(&mine).unwrap().count(), 1);
    let empty = t.join("empty");
    std::fs::create_dir(&empty).unwrap();
    resume(&file, &empty)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .assert()
        .success();
    assert!(empty.join("manifest.json").exists());
}

#[test]
fn an_existing_output_needs_resume_and_a_finished_one_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let file = sweep_file(t, "lhs", LHS);
    run_sweep(&file, &t.join("out"), &[]);
    partnersim()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(t.join("out"))
        .assert()
        .code(5)
        .stderr(predicate::str::contains("--resume"));
    resume(&file, &t.join("out"))
        .assert()
        .success()
        .stdout(predicate::str::contains("already complete"));
}

#[test]
fn a_finished_sweep_of_an_edited_base_scenario_is_not_resumed() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let base = t.join("base.toml");
    let reference = std::fs::read_to_string(root().join("scenarios/reference.toml")).unwrap();
    std::fs::write(&base, &reference).unwrap();
    let file = t.join("lhs.toml");
    std::fs::write(
        &file,
        format!("scenario = {:?}\n{LHS}", base.display().to_string()),
    )
    .unwrap();
    run_sweep(&file, &t.join("out"), &[]);
    // The sweep file is unchanged; its base scenario is not.
    std::fs::write(&base, reference.replace("months = 72", "months = 60")).unwrap();
    resume(&file, &t.join("out"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("base scenario"));
}

#[test]
fn resume_cuts_a_torn_row_and_refuses_another_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let file = sweep_file(t, "lhs", LHS);
    run_sweep(&file, &t.join("whole"), &[]);
    let whole = String::from_utf8(read(&t.join("whole/points.csv"))).unwrap();
    let identity = {
        let sweep = Sweep::load(&file, None).unwrap();
        partnersim::sweep::run::identity_line(&sweep, Shard::ALL)
    };
    // An interrupted run: identity, header, four rows and half of the fifth.
    let out = t.join("torn");
    std::fs::create_dir(&out).unwrap();
    let lines: Vec<&str> = whole.split_inclusive('\n').collect();
    let mut partial = identity.clone();
    partial.extend(lines[..5].iter().copied());
    partial.push_str(&lines[5][..lines[5].len() / 2]);
    std::fs::write(out.join("points.partial.csv"), &partial).unwrap();
    run_sweep(&file, &out, &["--resume"]);
    assert_eq!(read(&out.join("points.csv")), whole.as_bytes());
    assert!(!out.join("points.partial.csv").exists());
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(&out.join("manifest.json"))).unwrap();
    assert_eq!(manifest["resumed_points"], 4);

    // Partial rows of another sweep are not continued.
    let foreign = t.join("foreign");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(
        foreign.join("points.partial.csv"),
        partial.replacen("rollouts 60", "rollouts 61", 1),
    )
    .unwrap();
    partnersim()
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(&foreign)
        .arg("--resume")
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!(
            "{} was written for 61 rollouts per point (this run: 60)",
            foreign.join("points.partial.csv").display()
        )));
}

/// A real kill -9 in the middle of a sweep, then `--resume`: the result is the uninterrupted
/// sweep's, byte for byte.
#[test]
fn a_sweep_killed_with_sigkill_resumes_without_losing_or_repeating_a_point() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let body = LHS
        .replace("samples = 10", "samples = 60")
        .replace("rollouts = 60", "rollouts = 600");
    let file = sweep_file(t, "long", &body);
    run_sweep(&file, &t.join("whole"), &["--threads", "1"]);
    let whole = read(&t.join("whole/points.csv"));

    let out = t.join("killed");
    let partial = out.join("points.partial.csv");
    let bin = assert_cmd::cargo::cargo_bin("partnersim");
    let mut kills = 0;
    // Kill it twice at different moments, then let the third run finish.
    for wanted_rows in [3usize, 20] {
        let mut child = std::process::Command::new(&bin)
            .arg("sweep")
            .arg(&file)
            .arg("--out")
            .arg(&out)
            .args(["--resume", "--threads", "1"])
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("JOB_COMPLETION_INDEX")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        loop {
            let rows = std::fs::read_to_string(&partial)
                .map(|s| s.matches('\n').count().saturating_sub(2))
                .unwrap_or(0);
            if rows >= wanted_rows {
                break;
            }
            if child.try_wait().unwrap().is_some() || start.elapsed() > Duration::from_secs(120) {
                panic!("the sweep ended before it could be killed; make it longer");
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        kills += 1;
        assert!(partial.exists() && !out.join("points.csv").exists());
    }
    assert_eq!(kills, 2);
    run_sweep(&file, &out, &["--resume", "--threads", "2"]);
    assert_eq!(read(&out.join("points.csv")), whole);
    assert_eq!(
        read(&out.join("sensitivity.json")),
        read(&t.join("whole/sensitivity.json"))
    );
}

#[test]
fn the_shipped_sweeps_validate() {
    let dir = root().join("sweeps");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let sweep = Sweep::load(&path, None).unwrap_or_else(|e| panic!("{e}"));
            assert!(Plan::new(&sweep).points() > 0);
            n += 1;
        }
    }
    assert!(n >= 4, "found {n} shipped sweeps");
}

/// How plotters writes the metric's line in an SVG chart.
const LINE: &str = "stroke-width=\"3\" points=";

#[test]
fn a_one_parameter_grid_draws_its_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("hc");
    run_sweep(
        &root().join("sweeps/health-commitment.toml"),
        &out,
        &["--rollouts", "40"],
    );
    for f in [
        "points.csv",
        "sensitivity.json",
        "manifest.json",
        "sweep-well_established.svg",
        "sweep-well_established.png",
        "sweep-median_months_to_well_established.svg",
        "sweep-folded.png",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let svg = std::fs::read_to_string(out.join("sweep-well_established.svg")).unwrap();
    assert!(svg.contains("agencies.health.commitment_strategic"));
    assert!(svg.contains("95% interval"));
    // A number is drawn as a line (the only one 3 wide: axes and grid are 1) through its band.
    assert!(svg.contains(LINE) && svg.contains("<polygon"));
    // Low Health commitment leaves under half established: the median plotted there is the
    // horizon + 1, and the median's chart (only) says how to read it.
    let note = "a median of horizon + 1 months means fewer than half were well established";
    assert!(!svg.contains(note));
    let svg =
        std::fs::read_to_string(out.join("sweep-median_months_to_well_established.svg")).unwrap();
    assert!(
        svg.contains(note),
        "the median chart does not explain the horizon + 1"
    );
    let csv = std::fs::read_to_string(out.join("points.csv")).unwrap();
    assert_eq!(csv.lines().count(), 9);
}

/// A boolean has no values between false and true: its chart shows two categories, each point
/// with its interval, and no line or band across the gap; a heatmap labels it false and true.
#[test]
fn a_boolean_parameter_is_drawn_as_two_categories() {
    let tmp = tempfile::tempdir().unwrap();
    let pooled = "[[parameter]]\npath = \"levers.pooled_budget\"\nvalues = [false, true]\n";
    let one = sweep_file(
        tmp.path(),
        "pooled",
        &format!("design = \"grid\"\nrollouts = 40\nmetrics = [\"well_established\"]\n{pooled}"),
    );
    let two = sweep_file(
        tmp.path(),
        "pooled_health",
        &format!(
            "design = \"grid\"\nrollouts = 40\nmetrics = [\"well_established\"]\n{pooled}[[parameter]]\npath = \"agencies.health.commitment_strategic\"\nvalues = [0.3, 0.9]\n"
        ),
    );
    run_sweep(&one, &tmp.path().join("one"), &[]);
    run_sweep(&two, &tmp.path().join("two"), &[]);
    let svg = std::fs::read_to_string(tmp.path().join("one/sweep-well_established.svg")).unwrap();
    let labelled = |svg: &str| svg.contains("\nfalse\n</text>") && svg.contains("\ntrue\n</text>");
    assert!(labelled(&svg), "{svg}");
    assert!(!svg.contains(LINE), "a line joins false and true");
    assert!(!svg.contains("<polygon"), "a band spans false to true");
    let svg = std::fs::read_to_string(tmp.path().join("two/heatmap-well_established.svg")).unwrap();
    assert!(labelled(&svg), "{svg}");
}

#[test]
fn the_slurm_scripts_parse_and_refuse_bad_usage() {
    for script in [
        "deploy/slurm/run-sweep.sh",
        "deploy/slurm/sweep.sbatch",
        "deploy/slurm/ci-test.sh",
    ] {
        let status = std::process::Command::new("bash")
            .arg("-n")
            .arg(root().join(script))
            .status()
            .unwrap();
        assert!(status.success(), "{script} has a syntax error");
    }
    let run = |args: &[&str]| {
        std::process::Command::new("bash")
            .arg(root().join("deploy/slurm/run-sweep.sh"))
            .args(args)
            .env("PARTNERSIM_BIN", assert_cmd::cargo::cargo_bin("partnersim"))
            .output()
            .unwrap()
    };
    assert_eq!(run(&["only-one"]).status.code(), Some(2));
    assert_eq!(run(&["a.toml", "out", "zero"]).status.code(), Some(2));
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(
        tmp.path(),
        "typo",
        "design = \"grid\"\n[[parameter]]\npath = \"agencies.helth.alignment\"\nvalues = [0.5]\n",
    );
    let out = run(&[
        file.to_str().unwrap(),
        tmp.path().join("out").to_str().unwrap(),
        "3",
    ]);
    // A bad sweep file is refused before anything is submitted to Slurm.
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("agencies.health.alignment"));
}

/// The program `name` on this process's PATH.
fn on_path(name: &str) -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{name} is not on PATH"))
}

/// run-sweep.sh names the binary it cannot find (a failed lookup used to empty the name:
/// `error:  is not on PATH`), and refuses to resubmit shards of one count as another: they could
/// never resume, whatever it said.
#[test]
fn run_sweep_sh_names_a_missing_binary_and_keeps_the_shard_count() {
    let script = root().join("deploy/slurm/run-sweep.sh");
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let file = sweep_file(t, "lhs", LHS);
    // A PATH with only what the script needs before it looks for partnersim.
    let tools = t.join("tools");
    std::fs::create_dir(&tools).unwrap();
    for name in ["realpath", "dirname"] {
        std::os::unix::fs::symlink(on_path(name), tools.join(name)).unwrap();
    }
    // The script into `t/out` with SHARDS `shards`, this PATH, `bin` (if any) as PARTNERSIM_BIN
    // and `rollouts` (if any) as PARTNERSIM_ROLLOUTS: its exit code and standard error.
    let sh = |out: &str,
              shards: &str,
              path: &std::ffi::OsStr,
              bin: Option<PathBuf>,
              rollouts: Option<&str>| {
        let mut cmd = std::process::Command::new(on_path("bash"));
        cmd.arg(&script)
            .arg(&file)
            .arg(t.join(out))
            .arg(shards)
            .env("PATH", path)
            .env_remove("PARTNERSIM_BIN")
            .env_remove("PARTNERSIM_ROLLOUTS");
        if let Some(bin) = bin {
            cmd.env("PARTNERSIM_BIN", bin);
        }
        if let Some(r) = rollouts {
            cmd.env("PARTNERSIM_ROLLOUTS", r);
        }
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // Only `tools` on PATH.
    let bare = |out: &str, bin: Option<PathBuf>| sh(out, "3", tools.as_os_str(), bin, None);
    let (code, stderr) = bare("out", None);
    assert_eq!(code, Some(4), "{stderr}");
    assert!(
        stderr.contains("error: partnersim is not on PATH; set PARTNERSIM_BIN"),
        "{stderr}"
    );

    // No sbatch: a plain message and exit 4, not a failed array job with logs that do not exist.
    for name in ["sed", "tr", "mkdir", "mv"] {
        std::os::unix::fs::symlink(on_path(name), tools.join(name)).unwrap();
    }
    let (code, stderr) = bare("nosbatch", Some(assert_cmd::cargo::cargo_bin("partnersim")));
    assert_eq!(code, Some(4), "{stderr}");
    assert!(stderr.contains("error: sbatch is not on PATH"), "{stderr}");
    assert!(!stderr.contains("array job failed"), "{stderr}");
    // Nothing is recorded: a later run with Slurm and another SHARDS is not bound by this one.
    assert!(!t.join("nosbatch.shards").exists());

    // An sbatch that fails at once, as a failed array job does.
    let fake = t.join("fake");
    std::fs::create_dir(&fake).unwrap();
    std::fs::write(fake.join("sbatch"), "#!/bin/sh\nexit 1\n").unwrap();
    std::fs::set_permissions(
        fake.join("sbatch"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let path = std::env::join_paths(
        std::iter::once(fake.clone())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let bin = assert_cmd::cargo::cargo_bin("partnersim");
    let run_into = |out: &str, shards: &str, rollouts: Option<&str>| {
        sh(out, shards, &path, Some(bin.clone()), rollouts)
    };
    let run = |shards: &str, rollouts: Option<&str>| run_into("res", shards, rollouts);
    let (code, stderr) = run("3", Some("20"));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("run the same command again"), "{stderr}");
    // Another count (and other rollouts): refused before anything is submitted, saying how to
    // finish the first run or start over.
    let (code, stderr) = run("4", None);
    assert_eq!(code, Some(3), "{stderr}");
    let work = t.join("res.shards");
    for want in [
        format!(
            "error: {} holds the shards of an earlier run that this one cannot resume",
            work.display()
        ),
        "it ran SHARDS=3; this run asks for 4".to_string(),
        "it ran 20 rollouts per point; this run asks for 60 (PARTNERSIM_ROLLOUTS unset: the sweep file's count)".to_string(),
        format!(
            "rerun it with its settings: PARTNERSIM_ROLLOUTS=20 {} {} {} 3",
            script.display(),
            file.display(),
            t.join("res").display()
        ),
        format!("remove {} first", work.display()),
    ] {
        assert!(stderr.contains(&want), "want {want:?} in\n{stderr}");
    }
    assert!(!stderr.contains("run the same command again"), "{stderr}");
    // The first run's settings reach sbatch again.
    let (code, stderr) = run("3", Some("20"));
    assert_eq!(code, Some(1), "{stderr}");
    // An edited sweep file cannot resume the shards (every task would refuse): refused before
    // anything is submitted, and accepted again once restored.
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\n# edited\n")).unwrap();
    let (code, stderr) = run("3", Some("20"));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("the sweep file or its base scenario changed since"),
        "{stderr}"
    );
    std::fs::write(&file, text).unwrap();
    let (code, stderr) = run("3", Some("20"));
    assert_eq!(code, Some(1), "{stderr}");

    // The count is compared as a number of rollouts, not as the variable's text: the sweep
    // file's own 60, given or not, resumes; 61 does not.
    let (code, stderr) = run_into("own", "2", None);
    assert_eq!(code, Some(1), "{stderr}");
    let (code, stderr) = run_into("own", "2", Some("60"));
    assert_eq!(code, Some(1), "{stderr}");
    let (code, stderr) = run_into("own", "2", Some("61"));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("it ran 60 rollouts per point; this run asks for PARTNERSIM_ROLLOUTS=61"),
        "{stderr}"
    );
    // Settings from before the count was recorded (empty when the sweep file's count was used)
    // still resume with that count, and still refuse another.
    let settings = t.join("own.shards/settings");
    let recorded = std::fs::read_to_string(&settings).unwrap();
    assert!(recorded.contains("\nrollouts=60\n"), "{recorded}");
    std::fs::write(
        &settings,
        recorded.replace("\nrollouts=60\n", "\nrollouts=\n"),
    )
    .unwrap();
    let (code, stderr) = run_into("own", "2", Some("60"));
    assert_eq!(code, Some(1), "{stderr}");
    // They kept PARTNERSIM_ROLLOUTS as typed: `060` is 60.
    std::fs::write(
        &settings,
        recorded.replace("\nrollouts=60\n", "\nrollouts=060\n"),
    )
    .unwrap();
    let (code, stderr) = run_into("own", "2", Some("060"));
    assert_eq!(code, Some(1), "{stderr}");
    let (code, stderr) = run_into("own", "2", Some("20"));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("it ran 60 rollouts per point; this run asks for PARTNERSIM_ROLLOUTS=20"),
        "{stderr}"
    );
}

/// `sensitivity.json` and the index chart of an output that is the same at every point (`folded`
/// at 0, say): `noise_share` is 0/0 and null like every other undefined value, the Morris
/// measures are null as Sobol indices are, and the chart says why it has no bars. With one
/// base sample the intervals are null and the chart says so.
#[test]
fn undefined_sensitivity_is_null_and_the_chart_says_why() {
    use partnersim::sweep::analysis;
    use partnersim::sweep::spec::Spec;
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let head = "point,seed,a,b,well_established_estimate,well_established_ci_low,well_established_ci_high,well_established_noise_var,folded_estimate,folded_ci_low,folded_ci_high,folded_noise_var\n";
    // Point i: parameters, a varying share well established, folded 0 everywhere.
    let points = |n: usize| {
        let mut text = head.to_string();
        for i in 0..n {
            let we = [0.2, 0.6, 0.35, 0.5, 0.45, 0.3][i % 6];
            text.push_str(&format!(
                "{i},1,{},{},{we},0.1,0.7,0.001,0,0,0.05,0\n",
                0.1 * i as f64,
                0.9 - 0.1 * i as f64
            ));
        }
        text
    };
    let spec_text = |design: &str| {
        format!(
            "scenario = \"x.toml\"\ndesign = \"{design}\"\nsamples = 1\nrollouts = 40\nmetrics = [\"well_established\", \"folded\"]\n[[parameter]]\npath = \"a\"\nmin = 0\nmax = 1\n[[parameter]]\npath = \"b\"\nmin = 0\nmax = 1\n"
        )
    };
    for (design, n, note) in [
        ("morris", 3, "(one trajectory: no intervals or sigma)"),
        (
            "sobol",
            4,
            "Sobol index (one base sample: no 95% intervals)",
        ),
    ] {
        let dir = t.join(design);
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("points.csv"), points(n)).unwrap();
        let spec = Spec::parse(&spec_text(design), Path::new("s.toml")).unwrap();
        analysis::write(&dir, &spec, design).unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&read(&dir.join("sensitivity.json"))).unwrap();
        let folded = &json["metrics"]["folded"];
        assert!(folded["noise_share"].is_null(), "{design}: {folded}");
        assert_eq!(folded["output_variance"], 0.0, "{design}");
        for (path, indices) in folded["parameters"].as_object().unwrap() {
            for (name, ci) in indices.as_object().unwrap() {
                for key in ["estimate", "ci_low", "ci_high"] {
                    assert!(ci[key].is_null(), "{design} {path} {name}.{key}: {ci}");
                }
            }
        }
        let svg = std::fs::read_to_string(dir.join("sensitivity-folded.svg")).unwrap();
        assert!(
            svg.contains("Not defined: share folded does not vary"),
            "{design}: the folded chart does not say why it is empty"
        );
        // The share well established varies: estimates, but no intervals from one sample.
        let we = &json["metrics"]["well_established"];
        assert!(we["noise_share"].is_number(), "{design}: {we}");
        let first = we["parameters"]["a"].as_object().unwrap();
        let (_, ci) = first.iter().next().unwrap();
        assert!(ci["estimate"].is_number(), "{design}: {ci}");
        assert!(
            ci["ci_low"].is_null() && ci["ci_high"].is_null(),
            "{design}: {ci}"
        );
        let svg = std::fs::read_to_string(dir.join("sensitivity-well_established.svg")).unwrap();
        assert!(svg.contains(note), "{design}: want {note:?} in the chart");
    }
}
