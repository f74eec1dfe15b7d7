//! Online aggregation: integer counts only, so merging is exact, associative and commutative, and
//! memory does not grow with the number of rollouts.

use crate::engine::Outcome;
use crate::model::{ChallengeKind, Factor, FoldCause, Stage};

/// Counts over many rollouts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aggregate {
    /// Horizon the counts are for: per-month tables have `months + 1` rows, and only aggregates
    /// of the same horizon can be merged.
    pub months: u32,
    /// Rollouts added: the denominator of every share.
    pub rollouts: u64,
    /// Index m: rollouts that first became well established in month m.
    pub reached_by_month: Vec<u64>,
    /// Rollouts by their stage at the end, in [`Stage::ALL`] order (a folded rollout counts as
    /// `folded`).
    pub final_stage: [u64; Stage::COUNT],
    /// Rollouts that folded, by cause in [`FoldCause::ALL`] order; they sum to the folded count.
    pub fold_causes: [u64; FoldCause::COUNT],
    /// Rollouts in which each challenge kind arose at least once, in [`ChallengeKind::ALL`]
    /// order.
    pub challenges_met: [u64; ChallengeKind::COUNT],
    /// Rollout-months in which each factor was the lowest.
    pub binding: [u64; Factor::COUNT],
    /// Rollout-months ended at each gated stage with progress complete and its gate closed
    /// ([`Outcome::held_at_gate`]).
    pub held_at_gate: [u64; Stage::GATED],
    /// Rollout-months simulated before the horizon or folding.
    pub active_months: u64,
    /// Row m: rollouts in each stage at the end of month m (row 0 is the start).
    pub stage_by_month: Vec<[u64; Stage::COUNT]>,
}

impl Aggregate {
    /// An empty aggregate for a horizon of `months`.
    pub fn new(months: u32) -> Self {
        let rows = months as usize + 1;
        Aggregate {
            months,
            rollouts: 0,
            reached_by_month: vec![0; rows],
            final_stage: [0; Stage::COUNT],
            fold_causes: [0; FoldCause::COUNT],
            challenges_met: [0; ChallengeKind::COUNT],
            binding: [0; Factor::COUNT],
            held_at_gate: [0; Stage::GATED],
            active_months: 0,
            stage_by_month: vec![[0; Stage::COUNT]; rows],
        }
    }

    /// Adds one rollout. The months of `stage_by_month` the rollout simulated are recorded by the
    /// engine as it runs; this adds month 0 and the months after an early fold.
    pub fn add(&mut self, o: &Outcome) {
        self.rollouts += 1;
        if let Some(m) = o.reached_well_established {
            self.reached_by_month[m as usize] += 1;
        }
        self.final_stage[o.final_stage.index()] += 1;
        if let Some((cause, _)) = o.fold {
            self.fold_causes[cause.index()] += 1;
        }
        for kind in ChallengeKind::ALL {
            self.challenges_met[kind.index()] += o.met(*kind) as u64;
        }
        for (b, x) in self.binding.iter_mut().zip(o.binding) {
            *b += x as u64;
        }
        for (h, x) in self.held_at_gate.iter_mut().zip(o.held_at_gate) {
            *h += x as u64;
        }
        self.active_months += o.months as u64;
        self.stage_by_month[0][o.start_stage.index()] += 1;
        for row in &mut self.stage_by_month[o.months as usize + 1..] {
            row[Stage::Folded.index()] += 1;
        }
    }

    /// Adds another aggregate of the same horizon.
    pub fn merge(&mut self, other: &Aggregate) {
        assert_eq!(
            self.months, other.months,
            "aggregates of different horizons"
        );
        self.rollouts += other.rollouts;
        for (a, b) in self
            .reached_by_month
            .iter_mut()
            .zip(&other.reached_by_month)
        {
            *a += b;
        }
        add_arrays(&mut self.final_stage, &other.final_stage);
        add_arrays(&mut self.fold_causes, &other.fold_causes);
        add_arrays(&mut self.challenges_met, &other.challenges_met);
        add_arrays(&mut self.binding, &other.binding);
        add_arrays(&mut self.held_at_gate, &other.held_at_gate);
        self.active_months += other.active_months;
        for (a, b) in self.stage_by_month.iter_mut().zip(&other.stage_by_month) {
            add_arrays(a, b);
        }
    }

    /// Rollouts well established by the end of month `m`, counting each rollout once.
    pub fn reached_by(&self, m: u32) -> u64 {
        self.reached_by_month[..=m as usize].iter().sum()
    }

    /// Rollouts that folded.
    pub fn folded(&self) -> u64 {
        self.fold_causes.iter().sum()
    }
}

fn add_arrays<const N: usize>(a: &mut [u64; N], b: &[u64; N]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}
