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
    pub command: String,
    /// partnersim version that computed the points.
    pub version: String,
    pub git_commit: String,
    /// The sweep file as given on the command line.
    pub sweep_file: String,
    /// SHA-256 of the sweep file's text.
    pub sweep_sha256: String,
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
    pub seed: u64,
    pub common_seed: bool,
    pub threads: usize,
    /// Horizon of the base scenario (a swept `months` changes it per point).
    pub months: u32,
    /// Posts of the base scenario.
    pub posts: u32,
    pub scenario_file: String,
    /// SHA-256 of the resolved base scenario's TOML text.
    pub scenario_sha256: String,
    pub started: String,
    pub finished: String,
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
