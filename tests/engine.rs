//! Reproducibility and the model's behaviour at the extremes, through the library.

mod common;

use std::path::{Path, PathBuf};

use common::Paired;

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

/// The extreme cases' bounds hold for the model's probabilities, not just for one sample: the
/// Wilson 95% interval of the run's count (docs/outputs.md, *Intervals*) must lie wholly on the
/// right side of the bound. At N = 2,000 a share near the bound has a half-width of about
/// `1.96 · sqrt(0.05 · 0.95 / 2000) ≈ 0.0096`, so a model whose true probability is on the wrong
/// side of the bound passes with a chance below 2.5%, while the measured shares (ideal 1997 of
/// 2000; uncommitted 0 established and 2000 folded of 2000) clear their bounds by far more than
/// the interval's width.
fn interval(k: u64, n: u64) -> partnersim::stats::Interval {
    partnersim::stats::wilson(k, n)
}

#[test]
fn ideal_conditions_establish_nearly_always() {
    let s = load("tests/fixtures/ideal.toml");
    let agg = aggregate(&s, 2_000, 11, 0);
    let i = interval(agg.reached_by(agg.months), agg.rollouts);
    assert!(
        i.ci_low >= 0.95,
        "share {} (95% CI from {})",
        i.share,
        i.ci_low
    );
}

#[test]
fn zero_commitment_almost_never_establishes() {
    let s = load("tests/fixtures/uncommitted.toml");
    let agg = aggregate(&s, 2_000, 12, 0);
    let i = interval(agg.reached_by(agg.months), agg.rollouts);
    assert!(
        i.ci_high <= 0.05,
        "share {} (95% CI to {})",
        i.share,
        i.ci_high
    );
    let folded = interval(agg.folded(), agg.rollouts);
    assert!(
        folded.ci_low > 0.9,
        "an uncommitted initiative folds: {} (95% CI from {})",
        folded.share,
        folded.ci_low
    );
}

/// Paired comparison with common random numbers: the worse scenario's share ever well
/// established must fall by more than `Z = 3` standard errors of the paired difference (the SE
/// from the run's own discordant counts, see `common::Paired::se`; one-sided, a 0.13% chance
/// under no effect) and by at least `min_effect`, the smallest fall that counts as the lever
/// working. At N = 3,000 the SE is below 0.01, so a 5-point minimum is itself over 5 SE.
fn lowers_the_share(base: &Scenario, worse: &Scenario, min_effect: f64, what: &str) {
    const Z: f64 = 3.0;
    let n = 3_000;
    let p = Paired::run(base, worse, n, 21);
    let (fall, se) = (-p.diff(), p.se());
    assert!(
        fall > Z * se && fall >= min_effect,
        "{what}: share {} -> {} of {n} (fall {fall:.4}, paired SE {se:.4}); expected a fall of \
         more than {Z} SE and at least {min_effect}",
        p.base,
        p.other
    );
}

#[test]
fn more_turnover_lowers_the_share() {
    let base = load("scenarios/reference.toml");
    let mut worse = base.clone();
    for agency in worse.agencies.values_mut() {
        agency.annual_turnover = Some(agency.annual_turnover.unwrap() * 2.5);
    }
    lowers_the_share(&base, &worse, 0.05, "turnover x2.5");
}

#[test]
fn less_funding_lowers_the_share() {
    let base = load("scenarios/reference.toml");
    let mut worse = base.clone();
    for stream in worse.funding.values_mut() {
        stream.monthly *= 0.6;
    }
    lowers_the_share(&base, &worse, 0.05, "funding x0.6");
}

#[test]
fn lower_commitment_lowers_the_share() {
    let base = load("scenarios/reference.toml");
    let mut worse = base.clone();
    for agency in worse.agencies.values_mut() {
        agency.commitment_strategic -= 0.25;
        agency.commitment_operational -= 0.25;
    }
    lowers_the_share(&base, &worse, 0.05, "commitment -0.25");
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

/// `run_groups` splits the rollouts into contiguous replicate groups that together are exactly
/// the rollouts of `run`: sizes that sum to n and differ by at most one, each group the
/// aggregate of its own index range, and their merge `run`'s aggregate.
#[test]
fn replicate_groups_cover_every_rollout_once() {
    use partnersim::engine::runner::group_range;
    let mut s = load("scenarios/reference.toml");
    s.months = 24;
    let setup = Setup::new(&s);
    for n in [1u64, 7, 30, 1001] {
        let config = RunConfig::new(n, 13, 0);
        let whole = engine::run(&setup, &config, &|_| {});
        for groups in 1..=5u64 {
            let parts = engine::run_groups(&setup, &config, groups);
            let expected = groups.min(n);
            assert_eq!(parts.len() as u64, expected, "n {n}, {groups} groups");
            let sizes: Vec<u64> = parts.iter().map(|g| g.rollouts).collect();
            assert_eq!(sizes.iter().sum::<u64>(), n, "n {n}, groups {sizes:?}");
            assert!(
                sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1,
                "n {n}: unbalanced groups {sizes:?}"
            );
            let mut next = 0;
            let mut merged = Aggregate::new(s.months);
            for (g, part) in parts.iter().enumerate() {
                let range = group_range(n, expected, g as u64);
                assert_eq!(range.start, next, "n {n}, group {g}: contiguous");
                assert_eq!(range.end - range.start, part.rollouts, "n {n}, group {g}");
                next = range.end;
                let alone = engine::run(
                    &setup,
                    &RunConfig {
                        rollouts: part.rollouts,
                        seed: 13,
                        threads: 1,
                        first: range.start,
                    },
                    &|_| {},
                );
                assert_eq!(part, &alone, "n {n}, group {g} of {groups}");
                merged.merge(part);
            }
            assert_eq!(next, n);
            assert_eq!(merged, whole, "n {n}, {groups} groups merged");
        }
    }
}
