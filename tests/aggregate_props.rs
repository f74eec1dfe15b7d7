//! Property tests: aggregation is exact and order-free, and intervals are well formed.

use partnersim::engine::Outcome;
use partnersim::model::{Factor, FoldCause, Stage};
use partnersim::stats::{Aggregate, Summary, wilson};
use proptest::prelude::*;

const MONTHS: u32 = 24;

fn outcome() -> impl Strategy<Value = Outcome> {
    (
        0..Stage::COUNT,
        proptest::option::of(1..=MONTHS),
        proptest::option::of((0..FoldCause::COUNT, 1..=MONTHS)),
        any::<u8>(),
        proptest::collection::vec(0..Factor::COUNT, MONTHS as usize),
        // A gated stage held at, or GATED for a month not held.
        proptest::collection::vec(0..=Stage::GATED, MONTHS as usize),
    )
        .prop_map(|(stage, reached, fold, met, lowest, gates)| {
            let fold = fold.map(|(c, m)| (FoldCause::ALL[c], m));
            let months = fold.map_or(MONTHS, |(_, m)| m);
            // One binding factor per simulated month, as the engine counts them.
            let mut binding = [0u32; Factor::COUNT];
            for f in &lowest[..months as usize] {
                binding[*f] += 1;
            }
            let mut held_at_gate = [0u32; Stage::GATED];
            for g in &gates[..months as usize] {
                if *g < Stage::GATED {
                    held_at_gate[*g] += 1;
                }
            }
            Outcome {
                start_stage: Stage::Idea,
                reached_well_established: reached,
                final_stage: if fold.is_some() {
                    Stage::Folded
                } else {
                    Stage::ALL[stage.min(5)]
                },
                fold,
                challenges_met: met & 0x7f,
                binding,
                held_at_gate,
                months,
            }
        })
}

fn fold_all(outcomes: &[Outcome]) -> Aggregate {
    let mut acc = Aggregate::new(MONTHS);
    for o in outcomes {
        acc.add(o);
    }
    acc
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::WithSource("regressions"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn merging_parts_in_any_order_equals_adding_in_sequence(
        outcomes in proptest::collection::vec(outcome(), 0..60),
        cuts in proptest::collection::vec(0usize..60, 0..5),
        reverse in any::<bool>(),
    ) {
        let whole = fold_all(&outcomes);
        let mut bounds: Vec<usize> = cuts.into_iter().map(|c| c.min(outcomes.len())).collect();
        bounds.push(0);
        bounds.push(outcomes.len());
        bounds.sort_unstable();
        let mut parts: Vec<Aggregate> = bounds.windows(2).map(|w| fold_all(&outcomes[w[0]..w[1]])).collect();
        if reverse {
            parts.reverse();
        }
        let mut merged = Aggregate::new(MONTHS);
        for p in &parts {
            merged.merge(p);
        }
        prop_assert_eq!(&merged, &whole);
        prop_assert_eq!(whole.rollouts, outcomes.len() as u64);
        // Every month's stage row counts each folded rollout after its fold.
        let folded_at_end = whole.stage_by_month[MONTHS as usize][Stage::Folded.index()];
        prop_assert_eq!(folded_at_end, outcomes.iter().filter(|o| o.fold.is_some_and(|(_, m)| m < MONTHS)).count() as u64);
    }

    #[test]
    fn wilson_interval_brackets_the_share(k in 0u64..10_000, extra in 0u64..10_000) {
        let n = k + extra;
        let i = wilson(k, n);
        prop_assert!(0.0 <= i.ci_low && i.ci_low <= i.share + 1e-12);
        prop_assert!(i.share <= i.ci_high + 1e-12 && i.ci_high <= 1.0);
    }

    #[test]
    fn summary_shares_are_consistent(outcomes in proptest::collection::vec(outcome(), 1..80)) {
        let agg = fold_all(&outcomes);
        let s = Summary::new("p", "m", 0, &agg);
        let stages: f64 = s.stage_at_horizon.0.iter().map(|(_, v)| v).sum();
        prop_assert!((stages - 1.0).abs() < 1e-9);
        let causes: f64 = s.folded.causes.0.iter().map(|(_, v)| v).sum();
        prop_assert!((causes - s.folded.share).abs() < 1e-9);
        let binding: f64 = s.binding_factors.0.iter().map(|(_, v)| v).sum();
        prop_assert!((binding - 1.0).abs() < 1e-9, "binding shares sum to {}", binding);
        prop_assert_eq!(s.binding_factors.0.len(), Factor::COUNT);
        // Months held at a gate are some of the same months: a share of them, stage by stage.
        let held: f64 = s.held_at_gate.0.iter().map(|(_, v)| v).sum();
        prop_assert!((0.0..=1.0 + 1e-9).contains(&held), "held shares sum to {}", held);
        let total: u64 = agg.held_at_gate.iter().sum();
        prop_assert!((held - total as f64 / agg.active_months.max(1) as f64).abs() < 1e-9);
        // The cumulative curve never falls and ends at the headline share.
        prop_assert!(s.established_by_month.windows(2).all(|w| w[0].share <= w[1].share));
        prop_assert_eq!(s.established_by_month.last().unwrap().share, s.well_established.share);
        if let Some(m) = s.median_months_to_well_established {
            prop_assert!(2 * agg.reached_by(m) >= agg.rollouts);
            prop_assert!(m == 0 || 2 * agg.reached_by(m - 1) < agg.rollouts);
        } else {
            prop_assert!(2 * agg.reached_by(MONTHS) < agg.rollouts);
        }
    }
}
