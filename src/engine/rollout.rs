//! One rollout from month 0 to the horizon, or to folding, which is absorbing.

use rand::Rng;

use std::ops::Range;

use crate::model::lanes::{LANES, LaneState, step_lanes};
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
    /// Months ended in each stage before `well_established` ([`Stage::ALL`] order) with progress
    /// complete and the gate out of it still closed: what held the initiative back then was the
    /// gate ([`Stage::gate`]), not the lowest factor, which only sets the pace.
    pub held_at_gate: [u32; Stage::GATED],
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
/// rollout (see [`crate::engine::streams_for`]). Runs the fastest [`Kernel`] this CPU supports:
/// every kernel gives the same bits, so the choice only changes speed.
#[inline]
pub fn simulate<R: Rng, O: Observer>(
    setup: &Setup,
    state: &mut State,
    streams: &mut Streams<R>,
    obs: &mut O,
) -> Outcome {
    // SAFETY: `detect` returns only a kernel this CPU supports.
    unsafe { run_kernel(Kernel::detect(), setup, state, streams, obs) }
}

/// A compiled copy of the month loop. The model's arithmetic is additions, multiplications,
/// divisions, square roots and comparisons, correctly rounded on every instruction set (and Rust
/// never fuses a multiply and an add on its own), so each copy gives the same bits; newer
/// instruction sets only do the same work in fewer instructions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// The target's baseline instructions (SSE2 on x86-64): runs on every CPU of the target.
    Portable,
    /// x86-64-v3 (AVX, AVX2, FMA, BMI1/2, LZCNT, MOVBE, POPCNT): three-operand encodings need
    /// no register copies, and a register holds four doubles, so [`simulate_lanes`] advances
    /// four rollouts with one instruction. On the reference scenario, instructions per
    /// professional-month: about 274 one rollout at a time (portable: 297), about 194 in lanes
    /// (portable: 254; `docs/performance.md`).
    X86_64V3,
}

impl Kernel {
    /// Every kernel, portable first.
    pub const ALL: [Kernel; 2] = [Kernel::Portable, Kernel::X86_64V3];

    /// The fastest kernel this CPU supports (detected once by the standard library, then a
    /// cached load).
    #[inline]
    pub fn detect() -> Kernel {
        if Kernel::X86_64V3.supported() {
            Kernel::X86_64V3
        } else {
            Kernel::Portable
        }
    }

    /// True when this CPU can run the kernel.
    #[inline]
    pub fn supported(self) -> bool {
        match self {
            Kernel::Portable => true,
            #[cfg(target_arch = "x86_64")]
            Kernel::X86_64V3 => {
                std::arch::is_x86_feature_detected!("avx")
                    && std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("fma")
                    && std::arch::is_x86_feature_detected!("bmi1")
                    && std::arch::is_x86_feature_detected!("bmi2")
                    && std::arch::is_x86_feature_detected!("lzcnt")
                    && std::arch::is_x86_feature_detected!("movbe")
                    && std::arch::is_x86_feature_detected!("popcnt")
            }
            #[cfg(not(target_arch = "x86_64"))]
            Kernel::X86_64V3 => false,
        }
    }

    /// Stable name, for messages and tests.
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Portable => "portable",
            Kernel::X86_64V3 => "x86-64-v3",
        }
    }
}

/// [`simulate`] with a chosen kernel, so that tests can prove every kernel gives the same bits.
///
/// # Panics
/// When this CPU does not support `kernel` (see [`Kernel::supported`]).
#[inline]
pub fn simulate_with<R: Rng, O: Observer>(
    kernel: Kernel,
    setup: &Setup,
    state: &mut State,
    streams: &mut Streams<R>,
    obs: &mut O,
) -> Outcome {
    assert!(
        kernel.supported(),
        "this CPU cannot run the {} kernel",
        kernel.name()
    );
    // SAFETY: the assertion checked that the CPU supports `kernel`.
    unsafe { run_kernel(kernel, setup, state, streams, obs) }
}

/// Runs `kernel`, checked once by the caller rather than again here.
///
/// # Safety
/// `kernel.supported()` must be true: `kernel_v3` uses instructions the CPU may lack.
#[inline]
unsafe fn run_kernel<R: Rng, O: Observer>(
    kernel: Kernel,
    setup: &Setup,
    state: &mut State,
    streams: &mut Streams<R>,
    obs: &mut O,
) -> Outcome {
    match kernel {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the caller guarantees that the CPU has every feature `kernel_v3` is compiled
        // for (`Kernel::supported` tests each of them).
        Kernel::X86_64V3 => unsafe { kernel_v3(setup, state, streams, obs) },
        // Elsewhere `X86_64V3` is never supported, so only the portable kernel reaches here.
        _ => kernel_portable(setup, state, streams, obs),
    }
}

// The kernels are never inlined, so that instruction counts can be attributed to them
// (benches/guard.sh counts inside `kernel_*`); one call per rollout costs nothing measurable.
// One branch per rollout picks the month loop compiled for the agency count. Every process of
// the monthly step is `#[inline(always)]`, so that each kernel's copy is compiled for its
// instruction set (a process left out of line would run its baseline copy); only rare paths stay
// out of line: a departure (`staffing::depart`) and the gate and criteria checked when progress
// is full.

#[inline(never)]
fn kernel_portable<R: Rng, O: Observer>(
    setup: &Setup,
    state: &mut State,
    streams: &mut Streams<R>,
    obs: &mut O,
) -> Outcome {
    model::with_agency_count!(setup.n_agencies, NA => months::<NA, R, O>(setup, state, streams, obs))
}

#[cfg(target_arch = "x86_64")]
#[inline(never)]
#[target_feature(enable = "avx,avx2,fma,bmi1,bmi2,lzcnt,movbe,popcnt")]
fn kernel_v3<R: Rng, O: Observer>(
    setup: &Setup,
    state: &mut State,
    streams: &mut Streams<R>,
    obs: &mut O,
) -> Outcome {
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
    let mut held_at_gate = [0u32; Stage::GATED];
    for _ in 0..setup.months {
        model::step_with::<NA, R, O>(setup, state, streams, obs);
        binding[state.binding.index()] += 1;
        if state.held_at_gate() {
            held_at_gate[state.stage.index()] += 1;
        }
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
        held_at_gate,
        months: state.month,
    }
}

/// Simulates the rollouts `indices` [`LANES`] at a time ([`crate::model::lanes`]), for a run that
/// wants only outcomes and the stage of every month: each rollout's index and outcome go to
/// `done` (in the order rollouts end, not index order) and each month's stage is counted in `stage_by_month`, as
/// [`simulate`] with a stage recorder would. `streams_of(i)` gives rollout `i`'s fresh streams;
/// `lanes` and `scratch` are reused space. Every lane gives the bits of [`simulate`] for its
/// rollout, so the kernel, and which lane a rollout runs in, only change speed.
#[inline]
pub fn simulate_lanes<R: Rng + Clone>(
    setup: &Setup,
    lanes: &mut LaneState,
    scratch: &mut State,
    indices: Range<u64>,
    streams_of: impl FnMut(u64) -> Streams<R>,
    stage_by_month: &mut [[u64; Stage::COUNT]],
    done: impl FnMut(u64, Outcome),
) {
    simulate_lanes_with(
        Kernel::detect(),
        setup,
        lanes,
        scratch,
        indices,
        streams_of,
        stage_by_month,
        done,
    )
}

/// [`simulate_lanes`] with a chosen kernel, so that tests can prove every kernel gives the same
/// bits.
///
/// # Panics
/// When this CPU does not support `kernel` (see [`Kernel::supported`]).
#[allow(clippy::too_many_arguments)]
#[inline]
pub fn simulate_lanes_with<R: Rng + Clone>(
    kernel: Kernel,
    setup: &Setup,
    lanes: &mut LaneState,
    scratch: &mut State,
    indices: Range<u64>,
    mut streams_of: impl FnMut(u64) -> Streams<R>,
    stage_by_month: &mut [[u64; Stage::COUNT]],
    mut done: impl FnMut(u64, Outcome),
) {
    assert!(
        kernel.supported(),
        "this CPU cannot run the {} kernel",
        kernel.name()
    );
    assert!(stage_by_month.len() > setup.months as usize);
    if setup.months == 0 {
        // Validation requires a month, but a `Setup` built in code may have none: each rollout
        // is its month-0 state, which the scalar step reports without stepping or observing.
        for i in indices {
            done(i, simulate(setup, scratch, &mut streams_of(i), &mut ()));
        }
        return;
    }
    if indices.is_empty() {
        return;
    }
    let mut job = LaneJob {
        setup,
        lanes,
        scratch,
        indices,
        streams_of: &mut streams_of,
        stage_by_month,
        done: &mut done,
    };
    match kernel {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: the assertion checked that the CPU has every feature `kernel_lanes_v3` is
        // compiled for.
        Kernel::X86_64V3 => unsafe { kernel_lanes_v3(&mut job) },
        _ => kernel_lanes_portable(&mut job),
    }
}

/// Everything a lanes kernel needs, in one argument.
struct LaneJob<'a, S, D> {
    setup: &'a Setup,
    lanes: &'a mut LaneState,
    scratch: &'a mut State,
    indices: Range<u64>,
    streams_of: &'a mut S,
    stage_by_month: &'a mut [[u64; Stage::COUNT]],
    done: &'a mut D,
}

#[inline(never)]
fn kernel_lanes_portable<R, S, D>(job: &mut LaneJob<'_, S, D>)
where
    R: Rng + Clone,
    S: FnMut(u64) -> Streams<R>,
    D: FnMut(u64, Outcome),
{
    model::with_agency_count!(job.setup.n_agencies, NA => lane_months::<NA, R, S, D>(job))
}

#[cfg(target_arch = "x86_64")]
#[inline(never)]
#[target_feature(enable = "avx,avx2,fma,bmi1,bmi2,lzcnt,movbe,popcnt")]
fn kernel_lanes_v3<R, S, D>(job: &mut LaneJob<'_, S, D>)
where
    R: Rng + Clone,
    S: FnMut(u64) -> Streams<R>,
    D: FnMut(u64, Outcome),
{
    model::with_agency_count!(job.setup.n_agencies, NA => lane_months::<NA, R, S, D>(job))
}

/// What one lane has gathered of its current rollout beyond the state.
#[derive(Clone, Copy)]
struct LaneTally {
    index: u64,
    start_stage: Stage,
    binding: [u32; Factor::COUNT],
    held_at_gate: [u32; Stage::GATED],
}

impl LaneTally {
    /// Nothing counted yet for rollout `index`, which starts in `start_stage`.
    fn new(index: u64, start_stage: Stage) -> Self {
        LaneTally {
            index,
            start_stage,
            binding: [0; Factor::COUNT],
            held_at_gate: [0; Stage::GATED],
        }
    }
}

#[inline(always)]
fn lane_months<const NA: usize, R, S, D>(job: &mut LaneJob<'_, S, D>)
where
    R: Rng + Clone,
    S: FnMut(u64) -> Streams<R>,
    D: FnMut(u64, Outcome),
{
    let setup = job.setup;
    let (first, end) = (job.indices.start, job.indices.end);
    // A lane with no rollout left runs a copy of the first rollout's streams; its months are
    // neither counted nor reported.
    let mut rng: [Streams<R>; LANES] = std::array::from_fn(|l| {
        let i = first + l as u64;
        (job.streams_of)(if i < end { i } else { first })
    });
    let mut tally = [LaneTally::new(0, Stage::Idea); LANES];
    let mut busy = [false; LANES];
    let mut next = first;
    for l in 0..LANES {
        if next < end {
            start_lane(job, &mut rng[l], &mut tally[l], l, next, false);
            busy[l] = true;
            next += 1;
        } else {
            // An idle lane still steps: give it a valid state.
            let mut spare = rng[l].clone();
            job.scratch.reset(setup, &mut spare);
            job.lanes.set(l, job.scratch);
        }
    }
    while busy.iter().any(|&b| b) {
        step_lanes::<NA, R>(setup, job.lanes, &mut rng);
        let lanes = &*job.lanes;
        let mut ended = [false; LANES];
        for l in 0..LANES {
            if !busy[l] {
                continue;
            }
            let t = &mut tally[l];
            t.binding[lanes.binding[l].index()] += 1;
            let stage = lanes.stage[l].index();
            if lanes.held_at_gate(l) {
                t.held_at_gate[stage] += 1;
            }
            job.stage_by_month[lanes.month[l] as usize][stage] += 1;
            ended[l] = lanes.folded[l].is_some() || lanes.month[l] >= setup.months;
        }
        for l in 0..LANES {
            if ended[l] {
                (job.done)(tally[l].index, outcome(job.lanes, &tally[l], l));
                if next < end {
                    start_lane(job, &mut rng[l], &mut tally[l], l, next, true);
                    next += 1;
                } else {
                    busy[l] = false;
                }
            }
        }
    }
}

/// Starts rollout `index` in lane `l`, with fresh streams when `fresh` (otherwise `rng` already
/// holds that rollout's).
#[inline(never)]
fn start_lane<R, S, D>(
    job: &mut LaneJob<'_, S, D>,
    rng: &mut Streams<R>,
    tally: &mut LaneTally,
    l: usize,
    index: u64,
    fresh: bool,
) where
    R: Rng + Clone,
    S: FnMut(u64) -> Streams<R>,
{
    if fresh {
        *rng = (job.streams_of)(index);
    }
    job.scratch.reset(job.setup, rng);
    job.lanes.set(l, job.scratch);
    *tally = LaneTally::new(index, job.scratch.stage);
}

/// Lane `l`'s rollout as an [`Outcome`].
#[inline]
fn outcome(lanes: &LaneState, tally: &LaneTally, l: usize) -> Outcome {
    Outcome {
        start_stage: tally.start_stage,
        reached_well_established: lanes.reached_well_established[l],
        final_stage: lanes.stage[l],
        fold: lanes.folded[l],
        challenges_met: lanes.challenges_met[l],
        binding: tally.binding,
        held_at_gate: tally.held_at_gate,
        months: lanes.month[l],
    }
}
