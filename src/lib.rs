//! partnersim: an agent-based simulator of multi-agency partnership dynamics.
//!
//! The data flow, top to bottom:
//!
//! 1. [`scenario`] reads a TOML scenario (with its `extends` chain), resolves defaults and
//!    validates every value before any compute.
//! 2. [`model::Setup`] compiles it into small arrays; [`model::step`] advances one initiative
//!    one month through the eight processes of MODEL.md §3, and [`model::lanes`] advances four
//!    at once, one per lane of a vector register, with the same bits for each.
//! 3. [`engine`] derives one random stream per process from `(seed, rollout)`, runs rollouts in
//!    parallel with rayon, four at a time on each worker, and folds their [`engine::Outcome`]s
//!    into a [`stats::Aggregate`].
//! 4. [`stats::Summary`] turns counts into shares with Wilson intervals.
//! 5. [`export`] and [`plot`] write files; [`output`] makes a result directory appear whole or
//!    not at all, with its manifest.
//! 6. [`study`] observes simulated initiatives the way NFER observed real ones (the virtual
//!    study of MODEL.md §7), compares the result with the published figures, and calibrates the
//!    defaults against them.
//!
//! The `partnersim` binary is a thin CLI over [`cli::run`].
//!
//! The same pipeline from Rust:
//!
//! ```
//! use partnersim::{engine, RunConfig, Scenario, Setup, Summary};
//!
//! let scenario = Scenario::from_file("scenarios/reference.toml".as_ref())?;
//! let setup = Setup::new(&scenario);
//! let aggregate = engine::run(&setup, &RunConfig::new(200, 42, 1), &|_| {});
//! let summary = Summary::new(&scenario.name, scenario.model.key(), 42, &aggregate);
//! assert_eq!(summary.rollouts, 200);
//! let share = summary.well_established;
//! assert!(share.ci_low <= share.share && share.share <= share.ci_high);
//! # Ok::<(), partnersim::scenario::ScenarioError>(())
//! ```

#![warn(missing_docs)]

pub mod cli;
pub mod compare;
pub mod engine;
pub mod export;
pub mod manifest;
pub mod model;
pub mod output;
pub mod plot;
pub mod report;
pub mod scenario;
pub mod stats;
pub mod study;
pub mod sweep;
pub mod trace;

pub use engine::{RunConfig, run};
pub use model::Setup;
pub use scenario::Scenario;
pub use stats::{Aggregate, Summary};
