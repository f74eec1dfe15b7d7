//! Several scenarios run side by side for comparison. For each rollout index k every scenario is
//! simulated from fresh streams of `(seed, k)`: with common random numbers the seed is the same for
//! all, so a lever that changes one process leaves the others' draws untouched and the difference
//! between two scenarios at index k comes from the lever, not from luck. With independent draws
//! each scenario has its own seed instead.
//!
//! Memory stays flat in the number of metrics: per scenario the usual [`Aggregate`], per scenario
//! after the first a paired 2×2 table per indicator ([`PairTables`]), both integer counts that
//! merge exactly in any order; and, for the bootstrap of the median, each rollout's month of
//! becoming well established as a `u16` (2 bytes × rollouts × scenarios).

use rayon::prelude::*;

use crate::model::lanes::LaneState;
use crate::model::{Setup, State};
use crate::stats::Aggregate;
use crate::stats::paired::{Indicator, NEVER, PairTables};

use super::rollout::{Outcome, simulate_lanes};
use super::runner::{CHUNK, RunConfig};
use super::seed::{independent_seed, streams_for};

/// How the scenarios' random draws relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pairing {
    /// Rollout k of every scenario uses the streams of `(seed, k)`.
    Common,
    /// Scenario 0 uses `seed`, scenario j > 0 an unrelated seed derived from `(seed, j)`.
    Independent,
}

impl Pairing {
    /// Stable key for outputs.
    pub fn key(self) -> &'static str {
        match self {
            Pairing::Common => "common_random_numbers",
            Pairing::Independent => "independent",
        }
    }

    /// The seed scenario `j` runs with under master seed `seed`. Scenario 0 always runs with
    /// `seed` itself, so its numbers are those of `partnersim run --seed seed`; with common random
    /// numbers every scenario's are.
    pub fn seed_of(self, seed: u64, j: usize) -> u64 {
        match (self, j) {
            (Pairing::Common, _) | (Pairing::Independent, 0) => seed,
            (Pairing::Independent, j) => independent_seed(seed, j as u64),
        }
    }
}

/// What a paired run yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairedRun {
    /// One aggregate per scenario, equal to what [`super::run`] gives for that scenario and seed.
    pub aggregates: Vec<Aggregate>,
    /// Entry j − 1: scenario j against scenario 0.
    pub tables: Vec<PairTables>,
    /// Month each rollout first became well established ([`NEVER`] when it did not), rollout
    /// major: entry `k · scenarios + j` is rollout k of scenario j.
    pub months: Vec<u16>,
}

impl PairedRun {
    /// Per-rollout months to well established of scenario `j`, in rollout order.
    pub fn months_of(&self, j: usize) -> Vec<u16> {
        let s = self.aggregates.len();
        self.months.iter().skip(j).step_by(s).copied().collect()
    }
}

/// Counts of one worker.
struct Acc {
    aggregates: Vec<Aggregate>,
    tables: Vec<PairTables>,
}

impl Acc {
    fn new(setups: &[Setup]) -> Acc {
        Acc {
            aggregates: setups.iter().map(|s| Aggregate::new(s.months)).collect(),
            tables: vec![PairTables::default(); setups.len().saturating_sub(1)],
        }
    }

    fn merge(mut self, other: Acc) -> Acc {
        for (a, b) in self.aggregates.iter_mut().zip(&other.aggregates) {
            a.merge(b);
        }
        for (a, b) in self.tables.iter_mut().zip(&other.tables) {
            a.merge(b);
        }
        self
    }
}

/// One worker's reused space: the lanes, a scratch state, one chunk's outcomes (rollout-major,
/// a slot per scenario) and its tallies.
struct PairWorker {
    lanes: Box<LaneState>,
    state: State,
    outcomes: Vec<Option<Outcome>>,
    acc: Acc,
}

/// Runs `config.rollouts` rollout indices of every scenario in `setups` and returns their
/// aggregates and paired tallies. `progress` is called with the number of rollout indices just
/// finished (each index simulates every scenario). Results do not depend on `config.threads`.
pub fn run_paired(
    setups: &[Setup],
    config: &RunConfig,
    pairing: Pairing,
    progress: &(dyn Fn(u64) + Sync),
) -> PairedRun {
    let s = setups.len();
    let seeds: Vec<u64> = (0..s).map(|j| pairing.seed_of(config.seed, j)).collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .expect("a thread pool can be built");
    let total = usize::try_from(config.rollouts)
        .ok()
        .and_then(|n| n.checked_mul(s))
        .expect("rollouts × scenarios fits in memory");
    let mut months = vec![NEVER; total];
    let chunk_len = CHUNK as usize * s.max(1);
    let acc = pool.install(|| {
        months
            .par_chunks_mut(chunk_len)
            .enumerate()
            .fold(
                || PairWorker {
                    lanes: Box::default(),
                    state: State::default(),
                    outcomes: Vec::new(),
                    acc: Acc::new(setups),
                },
                |mut w, (chunk, slots)| {
                    let start = chunk as u64 * CHUNK;
                    let end = (start + CHUNK).min(config.rollouts);
                    let n = (end - start) as usize;
                    // Each scenario's rollouts of the chunk, several at a time; then rollout i
                    // of every scenario together, as the pairing needs.
                    w.outcomes.clear();
                    w.outcomes.resize(n * s, None);
                    for (j, setup) in setups.iter().enumerate() {
                        let outcomes = &mut w.outcomes;
                        simulate_lanes(
                            setup,
                            &mut w.lanes,
                            &mut w.state,
                            start..end,
                            |i| streams_for(seeds[j], config.first + i),
                            &mut w.acc.aggregates[j].stage_by_month,
                            |i, o| outcomes[(i - start) as usize * s + j] = Some(o),
                        );
                    }
                    for i in 0..n {
                        let mut first_bits = 0u16;
                        for j in 0..s {
                            let outcome = w.outcomes[i * s + j].expect("every rollout ran");
                            w.acc.aggregates[j].add(&outcome);
                            let bits = Indicator::bits(&outcome);
                            if j == 0 {
                                first_bits = bits;
                            } else {
                                w.acc.tables[j - 1].add(first_bits, bits);
                            }
                            slots[i * s + j] = outcome
                                .reached_well_established
                                .map_or(NEVER, |m| m.min(NEVER as u32 - 1) as u16);
                        }
                    }
                    progress(end - start);
                    w
                },
            )
            .map(|w| w.acc)
            .reduce(|| Acc::new(setups), Acc::merge)
    });
    PairedRun {
        aggregates: acc.aggregates,
        tables: acc.tables,
        months,
    }
}
