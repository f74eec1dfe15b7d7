//! The stage table (`Aggregate::stage_by_month`, `stages.csv`): the stage of every rollout at the
//! end of every month, month 0 being the start (docs/outputs.md, *`stages.csv`*).

mod common;

use assert_cmd::Command;
use common::{load, path};
use partnersim::engine::{self, RunConfig};
use partnersim::export;
use partnersim::model::{Observer, Setup, Stage, State};
use partnersim::scenario::Scenario;
use partnersim::stats::{Aggregate, Summary, wilson};

const STAGES: usize = Stage::COUNT;

/// The stages one rollout was in at the end of months 1, 2, … as it ran, written by this test's
/// own observer (not the engine's recorder).
#[derive(Default)]
struct History(Vec<Stage>);

impl Observer for History {
    fn month_end(&mut self, _setup: &Setup, state: &State) {
        assert_eq!(state.month as usize, self.0.len() + 1, "one call per month");
        self.0.push(state.stage);
    }
}

/// The stage table of `n` rollouts under `seed` built from each rollout's own history: month 0
/// is the start stage, month m the stage at the end of month m, and every month after a fold
/// counts as folded.
fn table_from_histories(s: &Scenario, n: u64, seed: u64) -> Vec<[u64; STAGES]> {
    let setup = Setup::new(s);
    let mut rows = vec![[0u64; STAGES]; s.months as usize + 1];
    let mut state = State::default();
    for k in 0..n {
        let mut history = History::default();
        let outcome = engine::simulate(
            &setup,
            &mut state,
            &mut engine::streams_for(seed, k),
            &mut history,
        );
        assert_eq!(history.0.len() as u32, outcome.months, "rollout {k}");
        rows[0][s.start_stage.index()] += 1;
        for (m, row) in rows.iter_mut().enumerate().skip(1) {
            let stage = history.0.get(m - 1).copied().unwrap_or(Stage::Folded);
            row[stage.index()] += 1;
        }
    }
    rows
}

/// What docs/outputs.md promises of the table, checked on `agg`.
fn check_invariants(agg: &Aggregate, start: Stage, what: &str) {
    let n = agg.rollouts;
    assert_eq!(agg.stage_by_month.len(), agg.months as usize + 1, "{what}");
    for (m, row) in agg.stage_by_month.iter().enumerate() {
        assert_eq!(
            row.iter().sum::<u64>(),
            n,
            "{what}: month {m}'s row {row:?} does not sum to the {n} rollouts"
        );
    }
    let mut first = [0; STAGES];
    first[start.index()] = n;
    assert_eq!(
        agg.stage_by_month[0], first,
        "{what}: month 0 is every rollout in its start stage"
    );
    assert_eq!(
        agg.stage_by_month[agg.months as usize], agg.final_stage,
        "{what}: the last row is the stage at the horizon"
    );
    let (we, folded) = (Stage::WellEstablished.index(), Stage::Folded.index());
    for m in 0..=agg.months {
        let row = &agg.stage_by_month[m as usize];
        assert!(
            row[we] <= agg.reached_by(m),
            "{what}: month {m}: {} well established but only {} had ever reached it",
            row[we],
            agg.reached_by(m)
        );
        if m > 0 {
            assert!(
                row[folded] >= agg.stage_by_month[m as usize - 1][folded],
                "{what}: folding is absorbing (month {m})"
            );
        }
    }
    assert_eq!(
        agg.stage_by_month[agg.months as usize][folded],
        agg.folded(),
        "{what}"
    );
}

/// Three scenarios that between them start in `idea` and in `setting_up`, fold early and late,
/// and fall back from well established; more rollouts than one work chunk (512), so that merged
/// chunks are checked too.
const SCENARIOS: [&str; 3] = [
    "scenarios/reference.toml",
    "scenarios/case-studies/6-mental-health-strategy.toml",
    "tests/fixtures/uncommitted.toml",
];

#[test]
fn the_engine_records_each_rollouts_stage_every_month() {
    for rel in SCENARIOS {
        let s = load(rel);
        let n = 700;
        let agg = engine::run(&Setup::new(&s), &RunConfig::new(n, 31, 2), &|_| {});
        check_invariants(&agg, s.start_stage, rel);
        assert_eq!(
            agg.stage_by_month,
            table_from_histories(&s, n, 31),
            "{rel}: the stage table differs from the rollouts' own histories"
        );
    }
    // The scenarios do reach the cases the table must handle.
    let six = load(SCENARIOS[1]);
    assert_eq!(six.start_stage, Stage::SettingUp);
    let agg = engine::run(&Setup::new(&six), &RunConfig::new(700, 31, 2), &|_| {});
    assert!(agg.folded() > 0 && agg.reached_by(agg.months) > 0);
}

/// `paired` runs record the same table as `run` for every scenario.
#[test]
fn paired_runs_record_the_same_stage_table() {
    let a = load(SCENARIOS[0]);
    let b = load(SCENARIOS[1]);
    let config = RunConfig::new(600, 8, 2);
    let paired = engine::run_paired(
        &[Setup::new(&a), Setup::new(&b)],
        &config,
        engine::Pairing::Common,
        &|_| {},
    );
    for (s, agg) in [&a, &b].into_iter().zip(&paired.aggregates) {
        check_invariants(agg, s.start_stage, &s.name);
        assert_eq!(
            agg.stage_by_month,
            table_from_histories(s, 600, 8),
            "{}",
            s.name
        );
    }
}

/// One parsed row of stages.csv.
struct Row {
    month: u32,
    stage: String,
    share: f64,
    ci_low: f64,
    ci_high: f64,
}

fn parse_stages(csv: &str) -> Vec<Row> {
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("month,stage,share,ci_low,ci_high"));
    lines
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), 5, "{line}");
            Row {
                month: f[0].parse().unwrap(),
                stage: f[1].to_string(),
                share: f[2].parse().unwrap(),
                ci_low: f[3].parse().unwrap(),
                ci_high: f[4].parse().unwrap(),
            }
        })
        .collect()
}

/// The count behind a share of `n` rollouts (exact: a share is k/n in shortest round-trip form).
fn count(share: f64, n: u64) -> u64 {
    let k = (share * n as f64).round();
    assert!((share * n as f64 - k).abs() < 1e-6, "{share} of {n}");
    k as u64
}

#[test]
fn the_cli_writes_stages_csv_as_documented() {
    // Case study 6 starts in setting_up, folds in some rollouts and drops back from well
    // established in others.
    let rel = "scenarios/case-studies/6-mental-health-strategy.toml";
    let (n, months, seed) = (400u64, 60u32, 4u64);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("six");
    Command::cargo_bin("partnersim")
        .unwrap()
        .args(["run", path(rel).to_str().unwrap()])
        .args([
            "--rollouts",
            &n.to_string(),
            "--months",
            &months.to_string(),
        ])
        .args(["--seed", &seed.to_string(), "--out", out.to_str().unwrap()])
        .assert()
        .success();
    let csv = std::fs::read_to_string(out.join("stages.csv")).unwrap();
    let rows = parse_stages(&csv);
    assert_eq!(rows.len(), STAGES * (months as usize + 1));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let established = std::fs::read_to_string(out.join("established.csv")).unwrap();
    let reached: Vec<f64> = established
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(reached.len(), months as usize + 1);

    let mut table = vec![[0u64; STAGES]; months as usize + 1];
    for (i, row) in rows.iter().enumerate() {
        let (m, stage) = (i / STAGES, Stage::ALL[i % STAGES]);
        assert_eq!(row.month as usize, m, "row {i}: months in increasing order");
        assert_eq!(
            row.stage,
            stage.key(),
            "row {i}: stages in the documented order"
        );
        let k = count(row.share, n);
        let interval = wilson(k, n);
        assert_eq!(
            (row.ci_low, row.ci_high),
            (interval.ci_low, interval.ci_high),
            "row {i}: the Wilson interval of {k} of {n}"
        );
        table[m][stage.index()] = k;
    }
    for (m, row) in table.iter().enumerate() {
        assert_eq!(row.iter().sum::<u64>(), n, "month {m}: {row:?}");
        let we = row[Stage::WellEstablished.index()] as f64 / n as f64;
        assert!(
            we <= reached[m] + 1e-12,
            "month {m}: {we} well established, {} ever",
            reached[m]
        );
    }
    assert_eq!(
        table[0][Stage::SettingUp.index()],
        n,
        "month 0: all in start_stage"
    );
    for stage in Stage::ALL {
        let at_horizon = summary["stage_at_horizon"][stage.key()].as_f64().unwrap();
        assert_eq!(
            table[months as usize][stage.index()],
            count(at_horizon, n),
            "the last month's {} row is the stage at the horizon",
            stage.key()
        );
    }
    // It is the table the library computes for the same run.
    let mut s = load(rel);
    s.months = months;
    let agg = engine::run(&Setup::new(&s), &RunConfig::new(n, seed, 1), &|_| {});
    assert_eq!(table, agg.stage_by_month);
    assert_eq!(
        csv,
        export::csv::stages(&Summary::new(&s.name, s.model.key(), seed, &agg))
    );
    assert!(
        agg.folded() > 0,
        "the run should include folds to test the folded column"
    );
}
