//! One rollout from month 0 to the horizon, or to folding, which is absorbing.

use rand::Rng;

use crate::model::{
    self, ChallengeKind, Factor, FoldCause, Observer, Setup, Stage, State, Streams,
};

/// What one rollout contributes to the aggregate: a few integers, no per-month detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Stage at month 0 (the scenario's `start_stage`); counted in row 0 of the stage table.
    pub start_stage: Stage,
    /// Month the rollout first became well established.
    pub reached_well_established: Option<u32>,
    /// Stage at the end of the last simulated month (`folded` when the rollout folded).
    pub final_stage: Stage,
    /// Why and in which month it folded.
    pub fold: Option<(FoldCause, u32)>,
    /// Bit k set when challenge kind k arose at least once.
    pub challenges_met: u8,
    /// Months each factor was the lowest of the nine.
    pub binding: [u32; Factor::COUNT],
    /// Months simulated (the horizon, or the fold month).
    pub months: u32,
}

impl Outcome {
    /// True when challenge `kind` arose at least once.
    pub fn met(&self, kind: ChallengeKind) -> bool {
        self.challenges_met & (1 << kind.index()) != 0
    }
}

/// Simulates one rollout. `state` is reused scratch space; `streams` must be fresh for this
/// rollout (see [`crate::engine::streams_for`]). Never inlined, so that instruction counts can
/// be attributed to it (benches/guard.sh); one call per rollout costs nothing measurable.
#[inline(never)]
pub fn simulate<R: Rng, O: Observer>(
    setup: &Setup,
    state: &mut State,
    streams: &mut Streams<R>,
    obs: &mut O,
) -> Outcome {
    // One branch per rollout picks the month loop compiled for this agency count.
    model::with_agency_count!(setup.n_agencies, NA => months::<NA, R, O>(setup, state, streams, obs))
}

#[inline(always)]
fn months<const NA: usize, R: Rng, O: Observer>(
    setup: &Setup,
    state: &mut State,
    streams: &mut Streams<R>,
    obs: &mut O,
) -> Outcome {
    state.reset(setup, streams);
    let start_stage = state.stage;
    let mut binding = [0u32; Factor::COUNT];
    for _ in 0..setup.months {
        model::step_with::<NA, R, O>(setup, state, streams, obs);
        binding[state.binding.index()] += 1;
        obs.month_end(setup, state);
        if state.folded.is_some() {
            break;
        }
    }
    Outcome {
        start_stage,
        reached_well_established: state.reached_well_established,
        final_stage: state.stage,
        fold: state.folded,
        challenges_met: state.challenges_met,
        binding,
        months: state.month,
    }
}
