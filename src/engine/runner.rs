//! Many rollouts in parallel. Work is split into fixed chunks of rollout indices; every worker
//! reuses one set of lanes (several rollouts advanced together, `model::lanes`); results are
//! integer counts, so merging in any order gives the same bits for any thread count.

use std::ops::Range;

use rayon::prelude::*;

use crate::model::lanes::LaneState;
use crate::model::{Setup, State};
use crate::stats::Aggregate;

use super::rollout::{Outcome, simulate_lanes};
use super::seed::streams_for;

/// Rollouts per unit of parallel work: large enough to amortise scheduling, small enough to
/// balance two to many cores and to update progress often.
pub const CHUNK: u64 = 512;

/// How many rollouts, under which seed, on how many threads (0 = all cores).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunConfig {
    /// Number of rollouts to simulate: indices `first .. first + rollouts`.
    pub rollouts: u64,
    /// Master seed: with a rollout's index it alone derives that rollout's random streams.
    pub seed: u64,
    /// Worker threads; 0 lets rayon choose (by default one per logical CPU). Never changes
    /// results.
    pub threads: usize,
    /// First rollout index: lets a shard or a resumed run simulate exactly the rollouts an
    /// unsplit run would.
    pub first: u64,
}

impl RunConfig {
    /// `rollouts` rollouts from index 0.
    pub fn new(rollouts: u64, seed: u64, threads: usize) -> Self {
        RunConfig {
            rollouts,
            seed,
            threads,
            first: 0,
        }
    }
}

/// Runs `config.rollouts` rollouts of `setup` and returns their aggregate. `progress` is called
/// with the number of rollouts just finished (from any worker thread).
pub fn run(setup: &Setup, config: &RunConfig, progress: &(dyn Fn(u64) + Sync)) -> Aggregate {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .expect("a thread pool can be built");
    let chunks = config.rollouts.div_ceil(CHUNK);
    pool.install(|| {
        (0..chunks)
            .into_par_iter()
            .fold(
                || Worker::new(setup, 1),
                |mut w, chunk| {
                    let start = chunk * CHUNK;
                    let end = (start + CHUNK).min(config.rollouts);
                    w.simulate(setup, config, start..end, 0);
                    progress(end - start);
                    w
                },
            )
            .map(|w| w.accs.into_iter().next().expect("one aggregate"))
            .reduce(
                || Aggregate::new(setup.months),
                |mut a, b| {
                    a.merge(&b);
                    a
                },
            )
    })
}

/// One worker's reused space and its aggregates (one per replicate group).
struct Worker {
    lanes: Box<LaneState>,
    state: State,
    outcomes: Vec<Outcome>,
    accs: Vec<Aggregate>,
}

impl Worker {
    /// Empty space and `groups` empty aggregates.
    fn new(setup: &Setup, groups: usize) -> Self {
        Worker {
            lanes: Box::default(),
            state: State::default(),
            outcomes: Vec::new(),
            accs: vec![Aggregate::new(setup.months); groups],
        }
    }

    /// Simulates rollouts `range` (offsets from `config.first`) into aggregate `g`, several at
    /// a time ([`simulate_lanes`]): the same aggregate as one [`super::simulate`] per rollout
    /// recording each month's stage, since an aggregate is integer counts whatever the order.
    fn simulate(&mut self, setup: &Setup, config: &RunConfig, range: Range<u64>, g: usize) {
        let acc = &mut self.accs[g];
        let outcomes = &mut self.outcomes;
        outcomes.clear();
        simulate_lanes(
            setup,
            &mut self.lanes,
            &mut self.state,
            range,
            |i| streams_for(config.seed, config.first + i),
            &mut acc.stage_by_month,
            |_, o| outcomes.push(o),
        );
        for o in outcomes.iter() {
            acc.add(o);
        }
    }
}

/// Rollouts per unit of parallel work in [`run_groups`]: small, because a sweep point may have
/// only a few hundred rollouts and they should still spread over the cores.
pub const GROUP_CHUNK: u64 = 32;

/// The contiguous rollout range of replicate group `g` of `groups` over `n` rollouts.
pub fn group_range(n: u64, groups: u64, g: u64) -> std::ops::Range<u64> {
    (g * n / groups)..((g + 1) * n / groups)
}

/// Runs the rollouts of `config` split into `groups` contiguous replicate groups (see
/// [`group_range`]) in the current rayon pool, and returns each group's aggregate. Rollout k
/// draws from the streams of `(seed, first + k)` as in [`run`], so merging the groups gives
/// exactly [`run`]'s aggregate for any thread count; the groups let a sweep measure seed noise
/// from the spread between replicates.
pub fn run_groups(setup: &Setup, config: &RunConfig, groups: u64) -> Vec<Aggregate> {
    let groups = groups.clamp(1, config.rollouts.max(1));
    let mut units = Vec::new();
    for g in 0..groups {
        let range = group_range(config.rollouts, groups, g);
        let mut start = range.start;
        while start < range.end {
            let end = (start + GROUP_CHUNK).min(range.end);
            units.push((g as usize, start, end));
            start = end;
        }
    }
    let empty = || vec![Aggregate::new(setup.months); groups as usize];
    units
        .into_par_iter()
        .fold(
            || Worker::new(setup, groups as usize),
            |mut w, (g, start, end)| {
                w.simulate(setup, config, start..end, g);
                w
            },
        )
        .map(|w| w.accs)
        .reduce(empty, |mut a, b| {
            for (x, y) in a.iter_mut().zip(&b) {
                x.merge(y);
            }
            a
        })
}
