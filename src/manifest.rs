//! `manifest.json`: everything needed to reproduce a result and to know where it came from.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::scenario::Scenario;
use crate::study::Design;

/// The crate version (`CARGO_PKG_VERSION`), recorded in every manifest.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// Git commit the binary was built from (`unknown` outside a checkout; `-dirty` when the tree had
/// uncommitted changes).
pub const GIT_COMMIT: &str = env!("PARTNERSIM_GIT_COMMIT");

/// Provenance of one result directory.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// The command line, arguments joined by spaces (not shell-quoted).
    pub command: String,
    /// Crate version ([`VERSION`]).
    pub version: &'static str,
    /// Commit the binary was built from ([`GIT_COMMIT`]); with `version`, tells whether two
    /// results came from the same model.
    pub git_commit: &'static str,
    /// Master seed: with the rollout index, it alone decides every random draw.
    pub seed: u64,
    /// Number of rollouts simulated.
    pub rollouts: u64,
    /// Horizon in months, after any `--months` override.
    pub months: u32,
    /// Worker threads used (the number rayon chose when 0 was asked for); does not affect
    /// results.
    pub threads: usize,
    /// Total posts over all agencies ([`Scenario::total_posts`]), a measure of the run's size.
    pub posts: u32,
    /// The scenario path as given on the command line.
    pub scenario_file: String,
    /// [`scenario_sha256`] of the resolved scenario: equal hashes mean equal inputs.
    pub scenario_sha256: String,
    /// When the simulation started, UTC, RFC 3339 with seconds ([`rfc3339`]).
    pub started: String,
    /// When the manifest was built, just before it was written, in the same format.
    pub finished: String,
    /// Wall-clock seconds from the start of the simulation (after loading the scenario and
    /// checking the output location) to just before the manifest was written.
    pub elapsed_seconds: f64,
    /// The fully resolved scenario (defaults, model and kind values filled in, `extends` removed,
    /// overrides applied), enough to re-run the result.
    pub scenario: Scenario,
}

/// One scenario of a comparison, as recorded in its manifest.
#[derive(Debug, Clone, Serialize)]
pub struct ComparedScenario {
    /// The scenario path as given on the command line.
    pub file: String,
    /// The seed this scenario ran with: the master seed under common random numbers, a derived
    /// one for every scenario after the first under `--independent`.
    pub seed: u64,
    /// Total posts over all agencies ([`Scenario::total_posts`]).
    pub posts: u32,
    /// [`scenario_sha256`] of the resolved scenario: equal hashes mean equal inputs.
    pub scenario_sha256: String,
    /// The fully resolved scenario, `--months` applied, enough to re-run it with `partnersim run`.
    pub scenario: Scenario,
}

/// Provenance of one comparison directory (`partnersim compare`).
#[derive(Debug, Clone, Serialize)]
pub struct CompareManifest {
    /// The command line, arguments joined by spaces (not shell-quoted).
    pub command: String,
    /// Crate version ([`VERSION`]).
    pub version: &'static str,
    /// Commit the binary was built from ([`GIT_COMMIT`]).
    pub git_commit: &'static str,
    /// `common_random_numbers` or `independent`: how the scenarios' random draws relate.
    pub pairing: &'static str,
    /// Master seed given on the command line; each scenario's own seed is in `scenarios`.
    pub seed: u64,
    /// Rollouts of each scenario.
    pub rollouts: u64,
    /// Worker threads used (the number rayon chose when 0 was asked for); does not affect
    /// results.
    pub threads: usize,
    /// When the simulation started, UTC, RFC 3339 with seconds ([`rfc3339`]).
    pub started: String,
    /// When the manifest was built, in the same format.
    pub finished: String,
    /// Wall-clock seconds from the start of the simulation to just before the manifest was built.
    pub elapsed_seconds: f64,
    /// Every scenario in command-line order; the first is the baseline.
    pub scenarios: Vec<ComparedScenario>,
}

/// A `--set PATH=VALUE` of a study or calibration, as given on the command line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Setting {
    /// Dotted path under `[params]`, with `[i]` for an array element.
    pub path: String,
    /// The value given: the parameter's default for this study.
    pub value: f64,
}

/// One model's scenario of a study or calibration, as recorded in its manifest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudiedScenario {
    /// The scenario path as given with `--scenarios`, or the default `scenarios/<model>.toml`.
    pub file: String,
    /// Key of the scenario's model (`decision_making_group`, …): which slots it filled.
    pub model: &'static str,
    /// [`scenario_sha256`] of `scenario`: the hash `study.json` records for this model.
    pub scenario_sha256: String,
    /// The fully resolved scenario as the study used it: defaults, model and kind values filled
    /// in, `extends` removed, every `--set` applied (unless the scenario set that parameter
    /// itself); before the design's agency mix, which the study applies itself.
    pub scenario: Scenario,
}

/// What `partnersim calibrate` searched, recorded in its manifest beside the study's settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Search {
    /// `--budget`: the most studies the search may run.
    pub budget: u64,
    /// Paths under `[params]` of the searched parameters, in search order; each evaluation sets
    /// them over the recorded scenarios (a scenario that sets one itself keeps its value).
    pub knobs: Vec<&'static str>,
}

/// Provenance of a study or calibration directory (`partnersim study`, `partnersim calibrate`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudyManifest {
    /// The command line, arguments joined by spaces (not shell-quoted).
    pub command: String,
    /// Crate version ([`VERSION`]).
    pub version: &'static str,
    /// Commit the binary was built from ([`GIT_COMMIT`]).
    pub git_commit: &'static str,
    /// Master seed: with the replication index it derives every random stream.
    pub seed: u64,
    /// Replications of the whole study (of each evaluation, for a calibration).
    pub replications: u32,
    /// Worker threads used (the number rayon chose when 0 was asked for); does not affect
    /// results.
    pub threads: usize,
    /// The sampling design, with any `--age-min`, `--age-max` or `--scenario-agencies`.
    pub design: Design,
    /// Every `--set`, in command-line order (empty without one).
    pub set: Vec<Setting>,
    /// For a calibration, `budget` and `knobs`; absent for a study.
    #[serde(flatten)]
    pub search: Option<Search>,
    /// When the study (or search) started, UTC, RFC 3339 with seconds ([`rfc3339`]).
    pub started: String,
    /// When the manifest was built, just before it was written, in the same format.
    pub finished: String,
    /// Wall-clock seconds from the start of the study (after loading the scenarios and checking
    /// the output location) to just before the manifest was built.
    pub elapsed_seconds: f64,
    /// Each model's scenario, in the order given (the default order: the five models).
    pub scenarios: Vec<StudiedScenario>,
}

/// The command line, arguments joined by spaces (not shell-quoted), as every manifest records it.
pub fn command_line() -> String {
    std::env::args().collect::<Vec<_>>().join(" ")
}

/// SHA-256 of the resolved scenario's TOML text: equal hashes mean equal inputs.
pub fn scenario_sha256(scenario: &Scenario) -> String {
    let digest = Sha256::digest(scenario.to_toml().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `manifest.json` text.
pub fn to_json<M: Serialize>(manifest: &M) -> String {
    let mut text = serde_json::to_string_pretty(manifest).expect("a manifest serialises");
    text.push('\n');
    text
}

/// RFC 3339 UTC timestamp with seconds, without a date-time dependency.
pub fn rfc3339(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + (month <= 2) as i64;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(1_795_689_296)),
            "2026-11-26T10:34:56Z"
        );
    }
}
