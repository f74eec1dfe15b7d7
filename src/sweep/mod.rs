//! Parameter sweeps and sensitivity analysis: sweep files, designs, a deterministic plan,
//! a streaming executor that shards and resumes, merging shards, and variance-based and
//! elementary-effects sensitivity with bootstrap intervals. `docs/sweeps.md` is the user's guide.
//!
//! The flow: [`spec::Sweep::load`] parses and validates the sweep file against the base
//! scenario → [`plan::Plan`] maps point i to parameter values and a seed ([`design`] places it)
//! → [`run::run`] simulates this shard's points in order, appending each row to
//! `points.partial.csv` → at the end `points.csv`, [`analysis`] (`sensitivity.json`, charts)
//! and `manifest.json`. [`merge::merge`] joins shards into the same bytes.

pub mod analysis;
pub mod design;
pub mod error;
pub mod manifest;
pub mod merge;
pub mod metrics;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod plan;
pub mod run;
pub mod sensitivity;
pub mod shard;
pub mod spec;
pub mod table;

use std::io::Write;
use std::path::Path;

pub use error::SweepError;
pub use merge::merge;
pub use plan::Plan;
pub use run::{Finished, Options, Progress, run};
pub use shard::{Shard, ShardSource};
pub use spec::{DesignKind, Metric, Spec, Sweep};

/// Writes `bytes` to `path` through a temporary sibling and a rename, so that `path` is either
/// the old file or the whole new one.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SweepError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    let mut file = std::fs::File::create(&tmp).map_err(error::io_err(&tmp))?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(error::io_err(&tmp))?;
    std::fs::rename(&tmp, path).map_err(error::io_err(path))
}

/// The first 12 characters of a hash for messages; the whole string when a damaged manifest or
/// partial file holds a shorter one (slicing would panic, and damage is what must be reported).
pub(crate) fn short(hash: &str) -> &str {
    hash.char_indices()
        .nth(12)
        .map_or(hash, |(i, _)| &hash[..i])
}
