//! Many rollouts in parallel. Work is split into fixed chunks of rollout indices; every worker
//! reuses one `State`; results are integer counts, so merging in any order gives the same bits
//! for any thread count.

use rayon::prelude::*;

use crate::model::{Observer, Setup, Stage, State};
use crate::stats::Aggregate;

use super::rollout::simulate;
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

/// Records the stage of every month into the aggregate's per-month table (for `run` and for
/// each scenario of a paired run).
pub(super) struct StageRecorder<'a> {
    pub(super) stage_by_month: &'a mut [[u64; Stage::COUNT]],
}

impl Observer for StageRecorder<'_> {
    #[inline]
    fn month_end(&mut self, _setup: &Setup, state: &State) {
        self.stage_by_month[state.month as usize][state.stage.index()] += 1;
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
                || (State::default(), Aggregate::new(setup.months)),
                |(mut state, mut acc), chunk| {
                    let start = chunk * CHUNK;
                    let end = (start + CHUNK).min(config.rollouts);
                    for i in start..end {
                        let mut streams = streams_for(config.seed, config.first + i);
                        let mut recorder = StageRecorder {
                            stage_by_month: &mut acc.stage_by_month,
                        };
                        let outcome = simulate(setup, &mut state, &mut streams, &mut recorder);
                        acc.add(&outcome);
                    }
                    progress(end - start);
                    (state, acc)
                },
            )
            .map(|(_, acc)| acc)
            .reduce(
                || Aggregate::new(setup.months),
                |mut a, b| {
                    a.merge(&b);
                    a
                },
            )
    })
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
            || (State::default(), empty()),
            |(mut state, mut accs), (g, start, end)| {
                let acc = &mut accs[g];
                for i in start..end {
                    let mut streams = streams_for(config.seed, config.first + i);
                    let mut recorder = StageRecorder {
                        stage_by_month: &mut acc.stage_by_month,
                    };
                    let outcome = simulate(setup, &mut state, &mut streams, &mut recorder);
                    acc.add(&outcome);
                }
                (state, accs)
            },
        )
        .map(|(_, accs)| accs)
        .reduce(empty, |mut a, b| {
            for (x, y) in a.iter_mut().zip(&b) {
                x.merge(y);
            }
            a
        })
}
