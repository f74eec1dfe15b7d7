//! The model: state and the monthly step, one file per process (MODEL.md §3).
//!
//! Pure by design: no I/O, no threads, no clock. Randomness is injected as [`Streams`], one
//! generator per stochastic process; observation is injected as an [`Observer`], statically
//! dispatched so that the no-op observer of a plain run costs nothing.

mod challenges;
mod commitment;
pub mod draw;
mod environment;
pub mod fastmath;
mod funding;
mod interaction;
pub mod kinds;
pub mod lanes;
pub mod observe;
mod progress;
pub mod setup;
mod staffing;
pub mod state;

pub use draw::Streams;
pub use kinds::*;
pub use observe::{Event, Observer};
pub use progress::criteria;
pub use setup::Setup;
pub use state::State;

/// Most agencies one initiative can have (MODEL.md §2: 2 to 5).
pub const MAX_AGENCIES: usize = 5;
/// Most posts one agency can put in (MODEL.md §2: 1 to 8).
pub const MAX_POSTS_PER_AGENCY: usize = 8;
/// Most posts in one initiative.
pub const MAX_POSTS: usize = MAX_AGENCIES * MAX_POSTS_PER_AGENCY;
/// Most funding streams.
pub const MAX_STREAMS: usize = 8;
/// Most agency pairs.
pub const MAX_PAIRS: usize = MAX_AGENCIES * (MAX_AGENCIES - 1) / 2;

/// Number of agency pairs among `n` agencies.
pub const fn pairs(n: usize) -> usize {
    n * (n - 1) / 2
}

/// Evaluates `$body` with `$na` bound to the setup's agency count as a compile-time constant:
/// one copy of `$body` per count from 2 to 5 (validation guarantees the range), so that generic
/// code written for `const NA: usize` runs with its loops unrolled.
macro_rules! with_agency_count {
    ($n:expr, $na:ident => $body:expr) => {
        match $n {
            2 => {
                const $na: usize = 2;
                $body
            }
            3 => {
                const $na: usize = 3;
                $body
            }
            4 => {
                const $na: usize = 4;
                $body
            }
            _ => {
                const $na: usize = 5;
                $body
            }
        }
    };
}
pub(crate) use with_agency_count;

/// Advances one initiative by one month: the eight processes in MODEL.md §3's order.
/// Observation (process 8) is the caller's: it reads the state after this returns.
///
/// Picks the copy of [`step_with`] compiled for the setup's agency count; a loop over months
/// should call that copy directly, as the engine's kernels do (`engine::rollout::months`).
pub fn step<R: rand::Rng, O: Observer>(
    setup: &Setup,
    state: &mut State,
    rng: &mut Streams<R>,
    obs: &mut O,
) {
    with_agency_count!(setup.n_agencies, NA => step_with::<NA, R, O>(setup, state, rng, obs))
}

/// [`step`] for an initiative of exactly `NA` agencies (`setup.n_agencies == NA`). The agency
/// count is a compile-time constant so that every loop over agencies and pairs is unrolled and
/// indexes fixed slots: one copy per count from 2 to 5, chosen once per rollout. Results are
/// the same to the bit as with a run-time count.
#[inline(always)]
pub fn step_with<const NA: usize, R: rand::Rng, O: Observer>(
    setup: &Setup,
    state: &mut State,
    rng: &mut Streams<R>,
    obs: &mut O,
) {
    debug_assert_eq!(setup.n_agencies, NA);
    state.month += 1;
    environment::environment::<NA, R, O>(setup, state, &mut rng.shocks, obs);
    funding::funding(setup, state, &mut rng.funding, obs);
    staffing::staffing::<NA, R, O>(setup, state, &mut rng.staffing, obs);
    interaction::interaction::<NA, R>(setup, state, &mut rng.contacts);
    commitment::commitment::<NA>(setup, state);
    challenges::challenges::<NA, R, O>(setup, state, &mut rng.challenges, obs);
    progress::progress::<NA, R, O>(setup, state, &mut rng.milestones, obs);
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Setup>();
    send_sync::<State>();
};
