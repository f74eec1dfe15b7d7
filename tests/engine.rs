//! Reproducibility and the model's behaviour at the extremes, through the library.

use std::path::{Path, PathBuf};

use partnersim::engine::{self, RunConfig};
use partnersim::export;
use partnersim::model::Setup;
use partnersim::scenario::Scenario;
use partnersim::stats::{Aggregate, Summary};

fn path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn load(rel: &str) -> Scenario {
    Scenario::from_file(&path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn aggregate(s: &Scenario, rollouts: u64, seed: u64, threads: usize) -> Aggregate {
    engine::run(
        &Setup::new(s),
        &RunConfig::new(rollouts, seed, threads),
        &|_| {},
    )
}

fn share(agg: &Aggregate) -> f64 {
    agg.reached_by(agg.months) as f64 / agg.rollouts as f64
}

#[test]
fn results_are_identical_for_any_thread_count() {
    let s = load("scenarios/reference.toml");
    // More rollouts than one chunk, and not a multiple of it, so the split really differs.
    let n = 1_700;
    let one = aggregate(&s, n, 99, 1);
    let json = export::json::summary(&Summary::new(&s.name, s.model.key(), 99, &one));
    let csv = export::csv::stages(&Summary::new(&s.name, s.model.key(), 99, &one));
    for threads in [2, 4] {
        let many = aggregate(&s, n, 99, threads);
        assert_eq!(one, many, "aggregate differs with {threads} threads");
        let summary = Summary::new(&s.name, s.model.key(), 99, &many);
        assert_eq!(json, export::json::summary(&summary));
        assert_eq!(csv, export::csv::stages(&summary));
    }
}

#[test]
fn split_runs_merge_to_the_whole() {
    // A shard or a resumed run simulates rollouts first..first+n exactly as the whole run does.
    let s = load("scenarios/reference.toml");
    let setup = Setup::new(&s);
    let whole = engine::run(&setup, &RunConfig::new(900, 5, 2), &|_| {});
    let mut parts = engine::run(
        &setup,
        &RunConfig {
            rollouts: 333,
            seed: 5,
            threads: 1,
            first: 0,
        },
        &|_| {},
    );
    let rest = engine::run(
        &setup,
        &RunConfig {
            rollouts: 567,
            seed: 5,
            threads: 2,
            first: 333,
        },
        &|_| {},
    );
    parts.merge(&rest);
    assert_eq!(whole, parts);
}

#[test]
fn different_seeds_give_different_results() {
    let s = load("scenarios/reference.toml");
    assert_ne!(aggregate(&s, 400, 1, 1), aggregate(&s, 400, 2, 1));
}

#[test]
fn trace_follows_the_same_rollout_as_run() {
    let s = load("scenarios/reference.toml");
    let setup = Setup::new(&s);
    for k in [0u64, 17, 1234] {
        let (_, outcome) = partnersim::trace::trace(&s, 8, k, partnersim::trace::TraceFormat::Csv);
        let mut expected = Aggregate::new(s.months);
        expected.add(&outcome);
        let single = engine::run(
            &setup,
            &RunConfig {
                rollouts: 1,
                seed: 8,
                threads: 1,
                first: k,
            },
            &|_| {},
        );
        assert_eq!(single.final_stage, expected.final_stage, "rollout {k}");
        assert_eq!(
            single.reached_by_month, expected.reached_by_month,
            "rollout {k}"
        );
        assert_eq!(single.binding, expected.binding, "rollout {k}");
    }
}

/// A fixed-seed run's summary, byte for byte. A deliberate model change updates the snapshot:
/// `UPDATE_SNAPSHOTS=1 cargo test --test engine snapshot` and review the diff.
#[test]
fn snapshot_of_a_small_fixed_seed_run() {
    let s = load("scenarios/reference.toml");
    let agg = aggregate(&s, 500, 2024, 2);
    let text = export::json::summary(&Summary::new(&s.name, s.model.key(), 2024, &agg));
    let file = path("tests/snapshots/reference-seed2024-500.json");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&file, &text).unwrap();
    }
    let expected =
        std::fs::read_to_string(&file).expect("snapshot exists; create it with UPDATE_SNAPSHOTS=1");
    assert_eq!(
        text, expected,
        "summary changed; if deliberate, update the snapshot"
    );
}

#[test]
fn ideal_conditions_establish_nearly_always() {
    let s = load("tests/fixtures/ideal.toml");
    let agg = aggregate(&s, 2_000, 11, 0);
    assert!(share(&agg) >= 0.95, "share {}", share(&agg));
}

#[test]
fn zero_commitment_almost_never_establishes() {
    let s = load("tests/fixtures/uncommitted.toml");
    let agg = aggregate(&s, 2_000, 12, 0);
    assert!(share(&agg) <= 0.05, "share {}", share(&agg));
    assert!(
        agg.folded() as f64 / agg.rollouts as f64 > 0.9,
        "an uncommitted initiative folds"
    );
}

/// Paired comparison: same seeds, one lever worse. The worse scenario's share may exceed the
/// base's by no more than sampling noise: three standard errors of a share at this N.
fn never_raises(base: &Scenario, worse: &Scenario, what: &str) {
    let n = 3_000;
    let (a, b) = (
        share(&aggregate(base, n, 21, 0)),
        share(&aggregate(worse, n, 21, 0)),
    );
    let se = (a * (1.0 - a) / n as f64).sqrt().max(1.0 / n as f64);
    assert!(b <= a + 3.0 * se, "{what}: share rose from {a} to {b}");
    assert!(
        b < a,
        "{what}: expected a visible fall at N = {n}, got {a} -> {b}"
    );
}

#[test]
fn more_turnover_never_raises_the_share() {
    let base = load("scenarios/reference.toml");
    let mut worse = base.clone();
    for agency in worse.agencies.values_mut() {
        agency.annual_turnover = Some(agency.annual_turnover.unwrap() * 2.5);
    }
    never_raises(&base, &worse, "turnover x2.5");
}

#[test]
fn less_funding_never_raises_the_share() {
    let base = load("scenarios/reference.toml");
    let mut worse = base.clone();
    for stream in worse.funding.values_mut() {
        stream.monthly *= 0.6;
    }
    never_raises(&base, &worse, "funding x0.6");
}

#[test]
fn lower_commitment_never_raises_the_share() {
    let base = load("scenarios/reference.toml");
    let mut worse = base.clone();
    for agency in worse.agencies.values_mut() {
        agency.commitment_strategic -= 0.25;
        agency.commitment_operational -= 0.25;
    }
    never_raises(&base, &worse, "commitment -0.25");
}

/// `model::step`, the month-at-a-time entry point for library users, picks the copy compiled for
/// the agency count on every call; it must follow the same rollout as `simulate`, which picks it
/// once per rollout. Checked for every agency count from 2 to 5.
#[test]
fn stepping_month_by_month_follows_simulate_for_every_agency_count() {
    use partnersim::model::{self, State};
    let base = load("scenarios/reference.toml");
    for n in 2..=5usize {
        let s = base.with_agencies_cycled(n);
        let setup = Setup::new(&s);
        assert_eq!(setup.n_agencies, n);
        for rollout in 0..20 {
            let mut whole = State::default();
            let outcome = engine::simulate(
                &setup,
                &mut whole,
                &mut engine::streams_for(5, rollout),
                &mut (),
            );
            let mut streams = engine::streams_for(5, rollout);
            let mut stepped = State::default();
            stepped.reset(&setup, &mut streams);
            while stepped.month < outcome.months {
                model::step(&setup, &mut stepped, &mut streams, &mut ());
            }
            assert_eq!(
                stepped.stage, outcome.final_stage,
                "{n} agencies, rollout {rollout}"
            );
            assert_eq!(
                format!("{stepped:?}"),
                format!("{whole:?}"),
                "{n} agencies, rollout {rollout}: states differ"
            );
        }
    }
}
