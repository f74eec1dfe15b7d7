//! A sweep's `manifest.json`: as `run`'s manifest (command, version, commit, seed, rollouts,
//! timing, the resolved base scenario) plus the sweep file itself, its hash, the design and the
//! shard. A merge reads the shards' manifests to check that they belong together and rebuilds the
//! design from the sweep text recorded here, without the sweep file.

use serde::{Deserialize, Serialize};

use super::shard::Shard;
use crate::scenario::Scenario;

/// Provenance of a sweep result directory (a whole sweep, a shard, or a merge).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SweepManifest {
    /// The command line, arguments joined by spaces (not shell-quoted); for a merge, the merge's.
    pub command: String,
    /// partnersim version that computed the points.
    pub version: String,
    /// Commit the binary was built from ([`crate::manifest::GIT_COMMIT`]); a merge refuses
    /// shards whose commits differ (compared exactly as recorded) and records theirs.
    pub git_commit: String,
    /// The sweep file as given on the command line.
    pub sweep_file: String,
    /// SHA-256 of the sweep file's text.
    pub sweep_sha256: String,
    /// The design's name ([`super::spec::DesignKind::key`]), for readers; a merge rebuilds the
    /// design from `sweep`, not from this.
    pub design: String,
    /// Points in the whole plan.
    pub points: u64,
    /// The shard this directory holds; `null` for a whole sweep or a merge.
    pub shard: Option<Shard>,
    /// Points in this directory's `points.csv`.
    pub points_here: u64,
    /// Points taken from an interrupted run by `--resume`.
    pub resumed_points: u64,
    /// Rollouts per point (after any `--rollouts` override).
    pub rollouts: u64,
    /// The sweep file's master seed: it fixes the design, the rollouts' streams and the bootstrap.
    pub seed: u64,
    /// Whether every point ran the streams of `seed` (common random numbers) rather than a seed
    /// of its own (the `seed` column of `points.csv`).
    pub common_seed: bool,
    /// Worker threads used (one per core when 0 was asked for); results do not depend on it. A
    /// merge records the most any shard used.
    pub threads: usize,
    /// Horizon of the base scenario (a swept `months` changes it per point).
    pub months: u32,
    /// Posts of the base scenario.
    pub posts: u32,
    /// The base scenario's path: the sweep file's directory joined with its `scenario`.
    pub scenario_file: String,
    /// SHA-256 of the resolved base scenario's TOML text.
    pub scenario_sha256: String,
    /// When this run (or merge) started, UTC, RFC 3339 with seconds; a resumed run's own start,
    /// not the interrupted run's.
    pub started: String,
    /// When the manifest was built, just before it was written, in the same format.
    pub finished: String,
    /// Wall-clock seconds of this run or merge alone: time spent before an interruption is not
    /// counted, and neither is the shards' time in a merge.
    pub elapsed_seconds: f64,
    /// Shard directories a merge read, in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
    /// The sweep file's text.
    pub sweep: String,
    /// The resolved base scenario.
    pub scenario: Scenario,
}

/// `manifest.json` text.
pub fn to_json(manifest: &SweepManifest) -> String {
    let mut text = serde_json::to_string_pretty(manifest).expect("a manifest serialises");
    text.push('\n');
    text
}
