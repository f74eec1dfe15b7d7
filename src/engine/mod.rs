//! The engine: seeding, the rollout loop with its end reasons, and the rayon fan-out.

pub mod paired;
pub mod rollout;
pub mod runner;
pub mod seed;

pub use paired::{PairedRun, Pairing, run_paired};
pub use rollout::{Kernel, Outcome, simulate, simulate_lanes, simulate_lanes_with, simulate_with};
pub use runner::{RunConfig, run, run_groups};
pub use seed::streams_for;
