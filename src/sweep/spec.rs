//! Sweep files: the TOML schema, structural checks, and validation of every parameter path
//! against the resolved base scenario, all before the first rollout.
//!
//! ```toml
//! scenario = "../scenarios/reference.toml"   # relative to the sweep file
//! design = "grid"                            # grid | lhs | sobol | morris
//! rollouts = 400                             # per point
//! seed = 1
//! metrics = ["well_established", "median_months_to_well_established", "folded"]
//!
//! [[parameter]]
//! path = "agencies.health.commitment_strategic"
//! values = [0.3, 0.5, 0.7, 0.9]              # grid; other designs take min and max
//! ```
//!
//! A parameter `path` is the TOML key path of a value in the resolved scenario (what
//! `partnersim check` prints): keys joined by `.`, array elements as `[i]`, e.g.
//! `params.funding.stage_requirement[2]` or `agencies.health.culture[0]`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use toml_edit::{Item, TableLike, Value};

use super::error::SweepError;
use super::plan::{self, ParamValue};
use crate::scenario::error::integer_range_of;
pub use crate::scenario::error::{levenshtein, nearest, nearest_within};
use crate::scenario::load::DEFAULT_NOTE;
use crate::scenario::locate::{Seg, format_path, line_col, parse_path, path_at};
use crate::scenario::{Scenario, ScenarioError};

/// How points are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignKind {
    /// Full factorial over each parameter's `values`; the last parameter varies fastest.
    Grid,
    /// Latin hypercube: `samples` points, one in each of `samples` equal strata of every range.
    Lhs,
    /// Saltelli sampling for Sobol indices: `samples` base samples N, N(d + 2) points.
    Sobol,
    /// Morris elementary effects: `samples` trajectories of d + 1 points each.
    Morris,
}

impl DesignKind {
    /// The name used in files.
    pub fn key(self) -> &'static str {
        match self {
            DesignKind::Grid => "grid",
            DesignKind::Lhs => "lhs",
            DesignKind::Sobol => "sobol",
            DesignKind::Morris => "morris",
        }
    }
}

/// What is measured at every point, each from the point's aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Share of rollouts well established by the horizon; Wilson 95% interval.
    WellEstablished,
    /// Median month of first reaching well established, rollouts that never do counted as
    /// `months + 1` (so the value is `months + 1` when under half reach it); distribution-free
    /// 95% interval from order statistics.
    MedianMonthsToWellEstablished,
    /// Share of rollouts that folded; Wilson 95% interval.
    Folded,
}

impl Metric {
    /// All metrics, in output order.
    pub const ALL: [Metric; 3] = [
        Metric::WellEstablished,
        Metric::MedianMonthsToWellEstablished,
        Metric::Folded,
    ];

    /// The name used in files and column headers.
    pub fn key(self) -> &'static str {
        match self {
            Metric::WellEstablished => "well_established",
            Metric::MedianMonthsToWellEstablished => "median_months_to_well_established",
            Metric::Folded => "folded",
        }
    }

    /// Parses the name used in files.
    pub fn from_key(s: &str) -> Option<Metric> {
        Self::ALL.into_iter().find(|m| m.key() == s)
    }

    /// A label for charts.
    pub fn label(self) -> &'static str {
        match self {
            Metric::WellEstablished => "share well established",
            Metric::MedianMonthsToWellEstablished => "median months to well established",
            Metric::Folded => "share folded",
        }
    }

    /// True when the metric is a share (0 to 1).
    pub fn is_share(self) -> bool {
        !matches!(self, Metric::MedianMonthsToWellEstablished)
    }
}

/// Rollouts per point when the sweep file does not say (`sweep --help` names it).
pub const DEFAULT_ROLLOUTS: u64 = 1000;

fn default_rollouts() -> u64 {
    DEFAULT_ROLLOUTS
}
fn default_seed() -> u64 {
    1
}
fn default_metrics() -> Vec<Metric> {
    Metric::ALL.to_vec()
}
fn default_true() -> bool {
    true
}
fn default_replicates() -> u64 {
    4
}
fn default_levels() -> u32 {
    4
}
fn default_bootstrap() -> u32 {
    1000
}

/// The sweep file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    scenario: String,
    design: DesignKind,
    #[serde(default = "default_rollouts")]
    rollouts: u64,
    #[serde(default = "default_seed")]
    seed: u64,
    samples: Option<u64>,
    #[serde(default = "default_metrics")]
    metrics: Vec<Metric>,
    #[serde(default = "default_true")]
    common_seed: bool,
    #[serde(default = "default_replicates")]
    replicates: u64,
    #[serde(default = "default_levels")]
    levels: u32,
    #[serde(default = "default_bootstrap")]
    bootstrap: u32,
    #[serde(default)]
    parameter: Vec<RawParameter>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    path: String,
    values: Option<Vec<toml::Value>>,
    min: Option<f64>,
    max: Option<f64>,
}

/// Where a parameter's values come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Range {
    /// Grid levels (booleans as 0 and 1).
    Values(Vec<f64>),
    /// A continuous range for LHS, Sobol and Morris: the unit cube maps linearly onto it.
    Interval {
        /// Lower bound, in the units of the scenario value; finite and below `max`.
        min: f64,
        /// Upper bound, in the same units; finite.
        max: f64,
    },
}

/// One swept parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamSpec {
    /// The key path as written.
    pub path: String,
    /// The key path parsed.
    pub segs: Vec<Seg>,
    /// Grid `values` for a grid design, `min` and `max` for the others (the parser accepts no
    /// other pairing).
    pub range: Range,
}

/// A structurally valid sweep file: every field present and consistent, paths not yet checked
/// against the scenario. Enough to rebuild the design (merge needs no scenario).
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// Base scenario path as written, relative to the sweep file.
    pub scenario: String,
    /// How points are placed; with `samples`, `seed` and the parameters it fixes the plan.
    pub design: DesignKind,
    /// Rollouts per point (after any `--rollouts` override).
    pub rollouts: u64,
    /// Master seed: fixes the design's randomness (LHS permutations, the Sobol shift, Morris
    /// trajectories), the rollouts' random streams and the bootstrap.
    pub seed: u64,
    /// LHS points, Sobol base samples N, or Morris trajectories; 0 for a grid.
    pub samples: u64,
    /// Metrics measured at every point, at least one and none twice; their order is that of
    /// the `points.csv` columns and of `sensitivity.json`.
    pub metrics: Vec<Metric>,
    /// All points use the sweep seed (common random numbers) rather than a seed derived from
    /// (seed, point index).
    pub common_seed: bool,
    /// Replicate groups each point's rollouts are split into, to measure seed noise.
    pub replicates: u64,
    /// Morris grid levels p (even); steps are Δ = p / (2 (p − 1)) of the range.
    pub levels: u32,
    /// Bootstrap resamples for sensitivity intervals.
    pub bootstrap: u32,
    /// Swept parameters, at least one, each path once, in the file's order: the order of a
    /// point's values, of the design's dimensions and of the `points.csv` columns.
    pub parameters: Vec<ParamSpec>,
}

/// Most parameters a Sobol design takes: its Saltelli matrices use 2d dimensions of the
/// Joe–Kuo table in [`super::design`].
pub const MAX_SOBOL_PARAMETERS: usize = 16;
/// Most points in one sweep.
pub const MAX_POINTS: u64 = 100_000_000;

impl Spec {
    /// Parses and checks a sweep file's text; `file` is used in messages only.
    pub fn parse(text: &str, file: &Path) -> Result<Spec, SweepError> {
        Spec::parse_with(text, file, None)
    }

    /// As [`Spec::parse`], with `rollouts` (the `--rollouts` flag, or a shard's recorded count)
    /// replacing the file's `rollouts` where given, so that the checks that involve rollouts
    /// (no more `replicates` than rollouts) apply to the count that will run, and name the flag
    /// when it is the flag's.
    pub fn parse_with(text: &str, file: &Path, rollouts: Option<u64>) -> Result<Spec, SweepError> {
        // Unknown keys are listed all at once, each at its line; serde would stop at one.
        let unknown = unknown_keys(text);
        if !unknown.is_empty() {
            return Err(SweepError::Invalid {
                file: file.to_path_buf(),
                problems: unknown,
            });
        }
        let raw: RawSpec = toml::from_str(text).map_err(|e| SweepError::Syntax {
            file: file.to_path_buf(),
            line: e.span().map(|s| line_col(text, s.start)),
            key: e
                .span()
                .map(|s| format_path(&field_at(text, s)))
                .unwrap_or_default(),
            message: crate::scenario::error::plain_message(&e.message().replace('\n', " ")),
        })?;
        let mut problems = Vec::new();
        let grid = raw.design == DesignKind::Grid;
        // A top-level key, with its line when the file writes it (not when defaulted).
        let at = |key: &str| {
            let line = key_line(text, key)
                .map(|(l, _)| format!(" (line {l})"))
                .unwrap_or_default();
            format!("`{key}`{line}")
        };
        if raw.rollouts == 0 {
            problems.push(format!("{}: must be at least 1", at("rollouts")));
        }
        if raw.metrics.is_empty() {
            problems.push(format!("{}: name at least one metric", at("metrics")));
        }
        for (i, m) in raw.metrics.iter().enumerate() {
            if raw.metrics[..i].contains(m) {
                problems.push(format!(
                    "{}: metric `{}` is listed twice",
                    at("metrics"),
                    m.key()
                ));
            }
        }
        if raw.replicates < 2 {
            problems.push(format!(
                "{}: must be at least 2 (seed noise is measured between them), found {}",
                at("replicates"),
                raw.replicates
            ));
        }
        // Each replicate group needs a rollout: fewer rollouts than groups would leave groups
        // empty (or quietly fewer of them), so the combination is refused, not clamped.
        let replicates_at = if key_line(text, "replicates").is_some() {
            at("replicates")
        } else {
            format!("`replicates` (default {})", default_replicates())
        };
        match rollouts {
            Some(n) if n >= 1 && n < raw.replicates => problems.push(format!(
                "{replicates_at}: {r} replicate groups need at least {r} rollouts per point, but --rollouts gives {n}; pass --rollouts {r} or more{lower}",
                lower = lower_replicates(n),
                r = raw.replicates
            )),
            None if raw.rollouts >= 1 && raw.rollouts < raw.replicates => problems.push(format!(
                "{}: {} rollouts per point are fewer than {replicates_at}, {r} replicate groups (seed noise is measured between groups of rollouts); give `rollouts` of at least {r}{lower}",
                at("rollouts"),
                raw.rollouts,
                lower = lower_replicates(raw.rollouts),
                r = raw.replicates
            )),
            _ => {}
        }
        if raw.design == DesignKind::Morris && (raw.levels < 2 || !raw.levels.is_multiple_of(2)) {
            problems.push(format!(
                "{}: must be even and at least 2, found {}",
                at("levels"),
                raw.levels
            ));
        }
        if raw.bootstrap == 0 {
            problems.push(format!(
                "{}: must be at least 1 (resamples for the sensitivity intervals; 1000 by default)",
                at("bootstrap")
            ));
        }
        let samples = match (grid, raw.samples) {
            (true, Some(_)) => {
                problems.push(format!("{}: a grid takes no `samples`: its points are every combination of the parameters' `values`", at("samples")));
                0
            }
            (true, None) => 0,
            (false, None) | (false, Some(0)) => {
                problems.push(format!(
                    "{}: design `{}` needs `samples` ≥ 1 ({})",
                    at("samples"),
                    raw.design.key(),
                    match raw.design {
                        DesignKind::Lhs => "the number of points",
                        DesignKind::Sobol => "base samples N; the sweep runs N(d + 2) points",
                        _ => "trajectories r; the sweep runs r(d + 1) points",
                    }
                ));
                0
            }
            (false, Some(n)) => n,
        };
        if raw.parameter.is_empty() {
            problems.push("at least one `[[parameter]]` is needed".into());
        }
        if raw.design == DesignKind::Sobol && raw.parameter.len() > MAX_SOBOL_PARAMETERS {
            problems.push(format!(
                "a Sobol design takes at most {MAX_SOBOL_PARAMETERS} parameters, found {}",
                raw.parameter.len()
            ));
        }
        let mut parameters = Vec::new();
        for (i, p) in raw.parameter.iter().enumerate() {
            let at = |field: &str| {
                let line = param_line(text, i, field)
                    .map(|(l, _)| format!(" (line {l})"))
                    .unwrap_or_default();
                format!("`parameter[{i}].{field}`{line}")
            };
            let Some(segs) = parse_path(&p.path) else {
                problems.push(format!(
                    "{}: `{}` is not a key path; write keys joined by `.` and array elements as `[i]`, e.g. `params.funding.stage_requirement[2]`",
                    at("path"),
                    p.path
                ));
                continue;
            };
            // Compared parsed, so that `x[2]` and `x[02]` are one value.
            if let Some(j) = raw.parameter[..i]
                .iter()
                .position(|q| parse_path(&q.path).as_ref() == Some(&segs))
            {
                let line = param_line(text, j, "path")
                    .map(|(l, _)| format!(" (line {l})"))
                    .unwrap_or_default();
                let spelled = if raw.parameter[j].path == p.path {
                    String::new()
                } else {
                    format!(", as `{}`", raw.parameter[j].path)
                };
                problems.push(format!(
                    "{}: `{}` is swept twice: `parameter[{j}].path`{line} already names it{spelled}",
                    at("path"),
                    p.path
                ));
            }
            let range = match (&p.values, p.min, p.max) {
                (Some(values), None, None) if grid => {
                    let mut out = Vec::new();
                    for v in values {
                        match v {
                            toml::Value::Float(x) if x.is_finite() => out.push(*x),
                            toml::Value::Integer(x) => out.push(*x as f64),
                            toml::Value::Boolean(b) => out.push(if *b { 1.0 } else { 0.0 }),
                            other => problems.push(format!(
                                "{}: `{other}` is not a finite number or a boolean",
                                at("values")
                            )),
                        }
                    }
                    if values.is_empty() {
                        problems.push(format!("{}: give at least one value", at("values")));
                    }
                    Range::Values(out)
                }
                (None, Some(min), Some(max)) if !grid => {
                    if !(min.is_finite() && max.is_finite() && min < max) {
                        problems.push(format!(
                            "{}: need finite `min` < `max`, found {min} and {max}",
                            at("min")
                        ));
                    }
                    Range::Interval { min, max }
                }
                _ if grid => {
                    problems.push(format!(
                        "{}: a grid parameter takes `values = [...]` (and no `min`/`max`)",
                        at("path")
                    ));
                    continue;
                }
                _ => {
                    problems.push(format!(
                        "{}: design `{}` takes `min` and `max` (and no `values`)",
                        at("path"),
                        raw.design.key()
                    ));
                    continue;
                }
            };
            parameters.push(ParamSpec {
                path: p.path.clone(),
                segs,
                range,
            });
        }
        let spec = Spec {
            scenario: raw.scenario,
            design: raw.design,
            rollouts: rollouts.unwrap_or(raw.rollouts),
            seed: raw.seed,
            samples,
            metrics: raw.metrics,
            common_seed: raw.common_seed,
            replicates: raw.replicates,
            levels: raw.levels,
            bootstrap: raw.bootstrap,
            parameters,
        };
        if problems.is_empty() && spec.points_checked().is_none() {
            problems.push(format!("the sweep has more than {MAX_POINTS} points"));
        }
        if problems.is_empty() {
            Ok(spec)
        } else {
            Err(SweepError::Invalid {
                file: file.to_path_buf(),
                problems,
            })
        }
    }

    fn points_checked(&self) -> Option<u64> {
        let d = self.parameters.len() as u64;
        let n = match self.design {
            DesignKind::Grid => self
                .parameters
                .iter()
                .try_fold(1u64, |acc, p| match &p.range {
                    Range::Values(v) => acc.checked_mul(v.len() as u64),
                    Range::Interval { .. } => None,
                })?,
            DesignKind::Lhs => self.samples,
            DesignKind::Sobol => self.samples.checked_mul(d + 2)?,
            DesignKind::Morris => self.samples.checked_mul(d + 1)?,
        };
        (n <= MAX_POINTS).then_some(n)
    }

    /// Number of points in the whole plan.
    pub fn points(&self) -> u64 {
        self.points_checked()
            .expect("a parsed spec has a bounded number of points")
    }

    /// Replicate groups each point's rollouts are split into: `replicates`, which parsing
    /// keeps at most `rollouts` (the bound here only guards a spec built by hand).
    pub fn groups(&self) -> u64 {
        self.replicates.min(self.rollouts).max(1)
    }
}

/// The keys a sweep file may have at its top level, in the order of the docs.
const TOP_KEYS: [&str; 11] = [
    "scenario",
    "design",
    "rollouts",
    "seed",
    "samples",
    "metrics",
    "common_seed",
    "replicates",
    "levels",
    "bootstrap",
    "parameter",
];
/// The keys of a `[[parameter]]`.
const PARAMETER_KEYS: [&str; 4] = ["path", "values", "min", "max"];

/// One message per key of the sweep file that the schema does not have (top level and each
/// `[[parameter]]`), with its line, the nearest known key when one is close, and the known keys.
/// Empty when there is none, or when the text is not TOML (the parser then reports that).
fn unknown_keys(text: &str) -> Vec<String> {
    let Ok(doc) = toml_edit::Document::parse(text.to_string()) else {
        return Vec::new();
    };
    let describe = |name: String, key: &toml_edit::Key, known: &[&str]| {
        let line = key
            .span()
            .map(|s| format!(" (line {})", line_col(text, s.start).0))
            .unwrap_or_default();
        let candidates: Vec<String> = known.iter().map(|k| k.to_string()).collect();
        let near = nearest_within(key.get(), &candidates)
            .map(|k| format!("; did you mean `{k}`?"))
            .unwrap_or_default();
        format!(
            "`{name}`{line}: unknown field `{}`{near} (expected one of {})",
            key.get(),
            quoted(&candidates)
        )
    };
    let mut out = Vec::new();
    for (name, _) in doc.as_table().iter() {
        if let Some((key, _)) = doc.get_key_value(name)
            && !TOP_KEYS.contains(&name)
        {
            out.push(describe(name.to_string(), key, &TOP_KEYS));
        }
    }
    let count = match doc.get("parameter") {
        Some(Item::ArrayOfTables(a)) => a.len(),
        Some(Item::Value(Value::Array(a))) => a.len(),
        _ => 0,
    };
    for i in 0..count {
        let Some(table) = param_table(&doc, i) else {
            continue;
        };
        for (name, _) in table.iter() {
            if let Some((key, _)) = table.get_key_value(name)
                && !PARAMETER_KEYS.contains(&name)
            {
                out.push(describe(
                    format!("parameter[{i}].{name}"),
                    key,
                    &PARAMETER_KEYS,
                ));
            }
        }
    }
    out
}

/// The alternative to more rollouts, where there is one: `replicates` is at least 2, so with a
/// single rollout per point only more rollouts will do.
fn lower_replicates(rollouts: u64) -> &'static str {
    if rollouts >= 2 {
        ", or lower `replicates`"
    } else {
        ""
    }
}

/// 1-based line and column of the top-level `key` in the sweep file text.
fn key_line(text: &str, key: &str) -> Option<(usize, usize)> {
    let doc = toml_edit::Document::parse(text.to_string()).ok()?;
    let (key, _) = doc.get_key_value(key)?;
    key.span().map(|s| line_col(text, s.start))
}

/// `parameter[i]` of a parsed sweep file, written as `[[parameter]]` or as an inline table.
fn param_table(doc: &toml_edit::Document<String>, i: usize) -> Option<&dyn TableLike> {
    match doc.get("parameter")? {
        Item::ArrayOfTables(a) => a.get(i).map(|t| t as &dyn TableLike),
        Item::Value(Value::Array(a)) => a.get(i)?.as_inline_table().map(|t| t as &dyn TableLike),
        _ => None,
    }
}

/// 1-based line and column of `parameter[i].field` in the sweep file text.
pub(super) fn param_line(text: &str, i: usize, field: &str) -> Option<(usize, usize)> {
    let doc = toml_edit::Document::parse(text.to_string()).ok()?;
    let (key, _) = param_table(&doc, i)?.get_key_value(field)?;
    key.span().map(|s| line_col(text, s.start))
}

/// Where `parameter[i].field` (or, with `element`, its element `[j]`) is in the sweep file
/// text, and its value as written: the 1-based line of its key (of the element itself when
/// `element` is given) and the value's source text.
fn param_written(
    text: &str,
    i: usize,
    field: &str,
    element: Option<usize>,
) -> Option<(usize, String)> {
    let doc = toml_edit::Document::parse(text.to_string()).ok()?;
    let (key, item) = param_table(&doc, i)?.get_key_value(field)?;
    let value = item.as_value()?;
    let (at, value) = match element {
        Some(j) => {
            let v = value.as_array()?.get(j)?;
            (v.span()?.start, v)
        }
        None => (key.span()?.start, value),
    };
    let written = text.get(value.span()?)?.trim().to_string();
    Some((line_col(text, at).0, written))
}

/// The key path of the field that the text at `span` belongs to: the deepest key, value or
/// table header containing its start, e.g. `rollouts`, `metrics[0]` or `parameter[1].min`.
/// Empty for the empty span at the start of the file that the parser gives for a missing
/// top-level key, and for text that is not TOML.
fn field_at(text: &str, span: std::ops::Range<usize>) -> Vec<Seg> {
    if span.is_empty() && span.start == 0 {
        return Vec::new();
    }
    path_at(text, span.start)
}

/// The type of the scenario value a parameter sets: swept values are converted to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Taken as swept.
    Float,
    /// Rounded to the nearest integer.
    Integer,
    /// True when the swept value is at least 0.5.
    Bool,
}

/// A validated sweep: its spec, its identity and its resolved base scenario.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The sweep file as given.
    pub file: PathBuf,
    /// Its text, recorded in manifests so that a merge needs no access to it.
    pub text: String,
    /// SHA-256 of its text.
    pub sha256: String,
    /// The parsed sweep file, with any `--rollouts` override applied.
    pub spec: Spec,
    /// The base scenario's path (the sweep file's directory joined with `spec.scenario`).
    pub scenario_path: PathBuf,
    /// The base scenario, resolved and validated.
    pub base: Scenario,
    /// The base scenario as a TOML table: where overlays take array values and types from.
    pub base_table: toml::Table,
    /// Type of each parameter's value, in parameter order.
    pub kinds: Vec<ValueKind>,
}

/// SHA-256 as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Sweep {
    /// Reads, parses and validates the sweep file at `path`, with `rollouts` overriding its
    /// `rollouts` when given. An override of 0 is refused ([`SweepError::Usage`]), as
    /// `rollouts = 0` in the file is.
    pub fn load(path: &Path, rollouts: Option<u64>) -> Result<Sweep, SweepError> {
        if rollouts == Some(0) {
            return Err(SweepError::Usage(
                "--rollouts (rollouts per point, overriding the sweep file's `rollouts`) must be at least 1, found 0".into(),
            ));
        }
        let text = std::fs::read_to_string(path).map_err(|source| SweepError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let spec = Spec::parse_with(&text, path, rollouts)?;
        let dir = path.parent().unwrap_or_else(|| Path::new("."));
        let scenario_path = dir.join(&spec.scenario);
        let base = Scenario::from_file(&scenario_path).map_err(|e| SweepError::Scenario {
            file: path.to_path_buf(),
            line: key_line(&text, "scenario"),
            source: Box::new(e),
        })?;
        let base_table = toml::Table::try_from(&base).expect("a resolved scenario serialises");

        let mut problems = Vec::new();
        let mut kinds = Vec::new();
        for (i, p) in spec.parameters.iter().enumerate() {
            let line = param_line(&text, i, "path")
                .map(|(l, _)| format!(" (line {l})"))
                .unwrap_or_default();
            match kind_at(&base_table, &p.segs) {
                Ok(kind) => kinds.push(kind),
                Err(why) => problems.push(format!("`parameter[{i}].path`{line}: {why}")),
            }
        }
        if !problems.is_empty() {
            return Err(SweepError::Invalid {
                file: path.to_path_buf(),
                problems,
            });
        }
        let sweep = Sweep {
            file: path.to_path_buf(),
            sha256: sha256_hex(text.as_bytes()),
            text,
            spec,
            scenario_path,
            base,
            base_table,
            kinds,
        };
        sweep.check_extremes()?;
        Ok(sweep)
    }

    /// Loads the scenario with each parameter alone at each of its grid values, or at its `min`
    /// and `max`, so that a value the scenario refuses is reported before any compute, at its
    /// line in the sweep file. A value for an integer must be a whole number the integer can
    /// hold: it is refused as written, never rounded or saturated into range.
    fn check_extremes(&self) -> Result<(), SweepError> {
        let mut problems = Vec::new();
        for (i, p) in self.spec.parameters.iter().enumerate() {
            let kind = self.kinds[i];
            let tries: Vec<(&str, Option<usize>, f64)> = match &p.range {
                Range::Values(v) => v
                    .iter()
                    .enumerate()
                    .map(|(j, x)| ("values", Some(j), *x))
                    .collect(),
                Range::Interval { min, max } => vec![("min", None, *min), ("max", None, *max)],
            };
            for (field, element, v) in tries {
                let (line, written) = match param_written(&self.text, i, field, element) {
                    Some((l, w)) => (format!(" (line {l})"), w),
                    None => (String::new(), v.to_string()),
                };
                let at = format!(
                    "`parameter[{i}].{field}{}`{line}",
                    element.map(|j| format!("[{j}]")).unwrap_or_default()
                );
                if kind == ValueKind::Integer && v.fract() != 0.0 {
                    problems.push(format!(
                        "{at}: `{}` is an integer in the scenario and takes a whole number, found `{written}`",
                        p.path
                    ));
                    continue;
                }
                // A boolean is swept over false and true, nothing else: other grid values only
                // repeat them (0.3 is false again), and a range other than 0 to 1 draws one of
                // them more often than the other, biasing every index.
                let boolean_bound = match field {
                    "min" => Some(0.0),
                    "max" => Some(1.0),
                    _ => None,
                };
                if kind == ValueKind::Bool
                    && match boolean_bound {
                        Some(bound) => v != bound,
                        None => v != 0.0 && v != 1.0,
                    }
                {
                    let want = match boolean_bound {
                        Some(_) => "`min = 0` and `max = 1`",
                        None => "`false` and `true` (or 0 and 1)",
                    };
                    problems.push(format!(
                        "{at}: `{}` is a boolean in the scenario and is swept over {want}, found `{written}`",
                        p.path
                    ));
                    continue;
                }
                // Saturates a whole number beyond i64; the scenario's refusal then tells the range.
                let value = plan::convert(v, kind);
                let overlay = plan::overlay(&self.base_table, &[(&p.segs, value)]);
                let loaded = Scenario::from_file_with(&self.scenario_path, Some(&overlay));
                let beyond_i64 =
                    kind == ValueKind::Integer && !(-I64_BOUND..I64_BOUND).contains(&v);
                let why = match loaded {
                    Err(e) => refusal(p, &written, v, value, beyond_i64, &e),
                    Ok(_) if beyond_i64 => {
                        integer_range(p, &written, v, i64::MIN.into(), i64::MAX.into())
                    }
                    Ok(_) => continue,
                };
                problems.push(format!("{at}: {why}"));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(SweepError::Invalid {
                file: self.file.clone(),
                problems,
            })
        }
    }

    /// Parameter paths, in order: the parameter columns of `points.csv`.
    pub fn parameter_names(&self) -> Vec<String> {
        self.spec
            .parameters
            .iter()
            .map(|p| p.path.clone())
            .collect()
    }
}

/// 2^63: whole numbers in `-I64_BOUND..I64_BOUND` are exactly those a TOML integer holds.
const I64_BOUND: f64 = 9_223_372_036_854_775_808.0;

/// What the scenario said about parameter `p` set alone to `value` (`v` as swept, written
/// `written` in the sweep file), without the scenario file's location: the value comes from the
/// sweep file.
fn refusal(
    p: &ParamSpec,
    written: &str,
    v: f64,
    value: ParamValue,
    beyond_i64: bool,
    err: &ScenarioError,
) -> String {
    let path = format_path(&p.segs);
    match err {
        // The merged scenario does not deserialise: for an integer, the value is out of the
        // range of its type ("invalid value: integer `-1`, expected u32").
        ScenarioError::Syntax(located) => {
            if let ParamValue::Integer(_) = value
                && let Some((lo, hi)) = integer_type_range(&located.message)
            {
                return integer_range(p, written, v, lo, hi);
            }
            format!(
                "`{}` = {written} does not fit the scenario: {}",
                p.path, located.message
            )
        }
        _ if beyond_i64 => integer_range(p, written, v, i64::MIN.into(), i64::MAX.into()),
        ScenarioError::Invalid(items) => {
            let why: Vec<String> = items
                .iter()
                .map(|item| {
                    if item.key == path {
                        let message = item
                            .message
                            .strip_suffix(DEFAULT_NOTE)
                            .unwrap_or(&item.message);
                        message.to_string()
                    } else {
                        format!("`{}`: {}", item.key, item.message)
                    }
                })
                .collect();
            format!(
                "`{}` = {written} makes the scenario invalid: {}",
                p.path,
                why.join("; ")
            )
        }
        other => format!(
            "`{}` = {written} makes the scenario invalid: {}",
            p.path,
            other.to_string().replace('\n', " ")
        ),
    }
}

/// The message for the whole number `v` (written `written`) outside `lo..=hi`, the range of the
/// integer type at `p`. Only the bound it crosses is named: the type's other bound is not the
/// field's (`months` takes 1 to 1200, which the scenario's own check names once the value fits
/// the type).
fn integer_range(p: &ParamSpec, written: &str, v: f64, lo: i128, hi: i128) -> String {
    let bound = crate::scenario::error::crossed_bound(v, lo, hi);
    format!(
        "`{}` is an integer in the scenario and takes a whole number {bound}, found `{written}`",
        p.path
    )
}

/// The range of the integer type a serde message ends with (`…, expected u32`).
fn integer_type_range(message: &str) -> Option<(i128, i128)> {
    integer_range_of(message.trim().rsplit_once("expected ")?.1)
}

/// The type of the value at `segs` in `table`, or why it cannot be swept, naming the nearest
/// valid keys.
pub fn kind_at(table: &toml::Table, segs: &[Seg]) -> Result<ValueKind, String> {
    let found = lookup(table, segs);
    let path = format_path(segs);
    match found {
        Some(toml::Value::Float(_)) => Ok(ValueKind::Float),
        Some(toml::Value::Integer(_)) => Ok(ValueKind::Integer),
        Some(toml::Value::Boolean(_)) => Ok(ValueKind::Bool),
        Some(other) => {
            let what = match other {
                toml::Value::String(_) => "a string",
                toml::Value::Table(_) => "a table",
                toml::Value::Array(_) => "an array (address one element as `[i]`)",
                _ => "not a number",
            };
            let under: Vec<String> = sweepable_paths(table)
                .into_iter()
                .filter(|p| p.starts_with(&path) && p.len() > path.len())
                .take(6)
                .collect();
            let hint = if under.is_empty() {
                String::new()
            } else {
                format!("; sweepable keys under it: {}", quoted(&under))
            };
            Err(format!("`{path}` is {what}, not a number or boolean{hint}"))
        }
        None => {
            let near = nearest(&path, &sweepable_paths(table), 3);
            Err(format!(
                "`{path}` is not a key of the resolved scenario; nearest valid keys: {}",
                quoted(&near)
            ))
        }
    }
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The value at `segs` in `table`.
pub fn lookup<'a>(table: &'a toml::Table, segs: &[Seg]) -> Option<&'a toml::Value> {
    let (first, rest) = segs.split_first()?;
    let Seg::Key(k) = first else { return None };
    let mut value = table.get(k)?;
    for seg in rest {
        value = match (seg, value) {
            (Seg::Key(k), toml::Value::Table(t)) => t.get(k)?,
            (Seg::Index(i), toml::Value::Array(a)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Every key path of a number or boolean in `table`, array elements included.
pub fn sweepable_paths(table: &toml::Table) -> Vec<String> {
    fn walk(value: &toml::Value, path: &mut Vec<Seg>, out: &mut Vec<String>) {
        match value {
            toml::Value::Table(t) => {
                for (k, v) in t {
                    path.push(Seg::Key(k.clone()));
                    walk(v, path, out);
                    path.pop();
                }
            }
            toml::Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    path.push(Seg::Index(i));
                    walk(v, path, out);
                    path.pop();
                }
            }
            toml::Value::Float(_) | toml::Value::Integer(_) | toml::Value::Boolean(_) => {
                out.push(format_path(path));
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(
        &toml::Value::Table(table.clone()),
        &mut Vec::new(),
        &mut out,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("same", "same"), 0);
    }

    #[test]
    fn grid_needs_values_and_others_ranges() {
        let text = "scenario = \"x.toml\"\ndesign = \"grid\"\n[[parameter]]\npath = \"months\"\nmin = 1.0\nmax = 2.0\n";
        let err = Spec::parse(text, Path::new("s.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("takes `values"), "{err}");
        assert!(err.contains("line 4"), "{err}");
        let text = "scenario = \"x.toml\"\ndesign = \"sobol\"\n[[parameter]]\npath = \"months\"\nvalues = [1]\n";
        let err = Spec::parse(text, Path::new("s.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("needs `samples`"), "{err}");
        assert!(err.contains("takes `min` and `max`"), "{err}");
    }

    const LHS: &str = "scenario = \"x.toml\"\ndesign = \"lhs\"\nsamples = 4\n[[parameter]]\npath = \"months\"\nmin = 12\nmax = 24\n";

    /// The error `Spec::parse` gives for `text`, as the user reads it.
    fn problems(text: &str) -> String {
        Spec::parse(text, Path::new("s.toml"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn zero_bootstrap_resamples_are_refused_with_the_line() {
        let parse = |text: &str| Spec::parse(text, Path::new("s.toml")).unwrap();
        assert_eq!(parse(LHS).bootstrap, 1000);
        let err = problems(&LHS.replace("samples = 4\n", "samples = 4\nbootstrap = 0\n"));
        assert!(err.starts_with("s.toml has 1 problem(s):"), "{err}");
        assert!(
            err.contains("`bootstrap` (line 4): must be at least 1"),
            "{err}"
        );
        let one = LHS.replace("samples = 4\n", "samples = 4\nbootstrap = 1\n");
        assert_eq!(parse(&one).bootstrap, 1);
    }

    #[test]
    fn top_level_problems_name_their_line_when_written() {
        let err = problems(&LHS.replace(
            "samples = 4\n",
            "samples = 4\nrollouts = 0\nreplicates = 1\n",
        ));
        assert!(
            err.contains("`rollouts` (line 4): must be at least 1"),
            "{err}"
        );
        assert!(
            err.contains("`replicates` (line 5): must be at least 2"),
            "{err}"
        );
        // A defaulted key has no line.
        let err = problems(&LHS.replace("samples = 4\n", ""));
        assert!(
            err.contains("`samples`: design `lhs` needs `samples` ≥ 1"),
            "{err}"
        );
    }

    #[test]
    fn fewer_rollouts_than_replicates_are_refused_naming_the_line_or_the_flag() {
        // From the file: both keys named, `replicates` by its default when not written.
        let err = problems(&LHS.replace("samples = 4\n", "samples = 4\nrollouts = 3\n"));
        assert!(
            err.contains("`rollouts` (line 4): 3 rollouts per point are fewer than `replicates` (default 4), 4 replicate groups"),
            "{err}"
        );
        let text = LHS.replace(
            "samples = 4\n",
            "samples = 4\nrollouts = 5\nreplicates = 6\n",
        );
        let err = problems(&text);
        assert!(
            err.contains("`rollouts` (line 4): 5 rollouts per point are fewer than `replicates` (line 5), 6 replicate groups"),
            "{err}"
        );
        // An override replaces the file's count in the check, and is named as the flag.
        let file = Path::new("s.toml");
        let err = Spec::parse_with(&text, file, Some(3))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`replicates` (line 5): 6 replicate groups need at least 6 rollouts per point, but --rollouts gives 3; pass --rollouts 6 or more"),
            "{err}"
        );
        assert!(!err.contains("`rollouts` (line 4)"), "{err}");
        let spec = Spec::parse_with(&text, file, Some(6)).unwrap();
        assert_eq!((spec.rollouts, spec.groups()), (6, 6));
        // As many rollouts as groups is enough.
        let spec = Spec::parse(
            &LHS.replace("samples = 4\n", "samples = 4\nrollouts = 4\n"),
            file,
        );
        assert_eq!(spec.unwrap().groups(), 4);
    }

    #[test]
    fn schema_errors_name_the_field() {
        let base = "scenario = \"x.toml\"\ndesign = \"lhs\"\nsamples = 4\n";
        // A wrong type in the second `[[parameter]]`.
        let text = format!(
            "{base}[[parameter]]\npath = \"a\"\nmin = 0\nmax = 1\n[[parameter]]\npath = \"b\"\nmin = false\nmax = 1\n"
        );
        assert_eq!(
            problems(&text),
            "s.toml:10:7: `parameter[1].min`: must be a number, got false"
        );
        // A missing key of a parameter names the parameter, written as a table or inline.
        let text = format!(
            "{base}[[parameter]]\npath = \"a\"\nmin = 0\nmax = 1\n[[parameter]]\nmin = 0\n"
        );
        assert_eq!(
            problems(&text),
            "s.toml:8:1: `parameter[1]`: missing field `path`"
        );
        let text = format!("{base}parameter = [{{path = \"a\", min = 0, max = 1}}, {{min = 0}}]\n");
        assert!(
            problems(&text).contains(": `parameter[1]`: missing field `path`"),
            "{}",
            problems(&text)
        );
        // A missing top-level key has no field beyond the one the message names.
        assert_eq!(
            problems("scenario = \"x.toml\"\n"),
            "s.toml:1:1: missing field `design`"
        );
        // An unknown key is named, with its line and the key meant.
        assert_eq!(
            problems(&format!("{base}sample = 3\n")),
            "s.toml has 1 problem(s):\n  `sample` (line 4): unknown field `sample`; did you mean `samples`? (expected one of `scenario`, `design`, `rollouts`, `seed`, `samples`, `metrics`, `common_seed`, `replicates`, `levels`, `bootstrap`, `parameter`)"
        );
    }

    #[test]
    fn every_unknown_key_is_listed_at_once() {
        let text = format!(
            "{}[[parameter]]\npath = \"a\"\nmn = 0\nmax = 1\nstep = 0.1\n",
            LHS.replace("samples = 4\n", "samples = 4\nseeed = 3\nbootstrapp = 10\n")
        );
        let err = problems(&text);
        assert!(err.starts_with("s.toml has 4 problem(s):"), "{err}");
        for want in [
            "\n  `seeed` (line 4): unknown field `seeed`; did you mean `seed`?",
            "\n  `bootstrapp` (line 5): unknown field `bootstrapp`; did you mean `bootstrap`?",
            "\n  `parameter[1].mn` (line 12): unknown field `mn`; did you mean `min`? (expected one of `path`, `values`, `min`, `max`)",
            "\n  `parameter[1].step` (line 14): unknown field `step` (expected one of",
        ] {
            assert!(err.contains(want), "want {want:?} in\n{err}");
        }
        // Inline parameter tables too.
        let text = "scenario = \"x.toml\"\ndesign = \"lhs\"\nsamples = 4\nparameter = [{path = \"a\", min = 0, max = 1, maxx = 2}]\n";
        assert!(
            problems(text).contains(
                "`parameter[0].maxx` (line 4): unknown field `maxx`; did you mean `max`?"
            ),
            "{}",
            problems(text)
        );
    }

    #[test]
    fn a_path_swept_twice_is_found_under_any_index_spelling() {
        let text = "scenario = \"x.toml\"\ndesign = \"grid\"\n[[parameter]]\npath = \"a.b[1]\"\nvalues = [1]\n[[parameter]]\npath = \"a.b[001]\"\nvalues = [2]\n[[parameter]]\npath = \"a.b[1]\"\nvalues = [3]\n";
        let err = problems(text);
        assert!(err.starts_with("s.toml has 2 problem(s):"), "{err}");
        assert!(
            err.contains("`parameter[1].path` (line 7): `a.b[001]` is swept twice: `parameter[0].path` (line 4) already names it, as `a.b[1]`"),
            "{err}"
        );
        // Spelled alike, the first is not repeated.
        assert!(
            err.ends_with("\n  `parameter[2].path` (line 10): `a.b[1]` is swept twice: `parameter[0].path` (line 4) already names it"),
            "{err}"
        );
    }

    #[test]
    fn integer_type_ranges_come_from_the_serde_message() {
        assert_eq!(
            integer_type_range("invalid value: integer `-1`, expected u32"),
            Some((0, u32::MAX.into()))
        );
        assert_eq!(
            integer_type_range("invalid value: integer `5`, expected i8"),
            Some((-128, 127))
        );
        assert_eq!(integer_type_range("expected a boolean"), None);
    }

    #[test]
    fn points_per_design() {
        let base = "scenario = \"x.toml\"\n";
        let two = "[[parameter]]\npath = \"a\"\nmin = 0\nmax = 1\n[[parameter]]\npath = \"b\"\nmin = 0\nmax = 1\n";
        let n = |design: &str| {
            Spec::parse(
                &format!("{base}design = \"{design}\"\nsamples = 8\n{two}"),
                Path::new("s.toml"),
            )
            .unwrap()
            .points()
        };
        assert_eq!(n("lhs"), 8);
        assert_eq!(n("sobol"), 32);
        assert_eq!(n("morris"), 24);
        let grid = "design = \"grid\"\n[[parameter]]\npath = \"a\"\nvalues = [1, 2, 3]\n[[parameter]]\npath = \"b\"\nvalues = [true, false]\n";
        let spec = Spec::parse(&format!("{base}{grid}"), Path::new("s.toml")).unwrap();
        assert_eq!(spec.points(), 6);
        assert_eq!(spec.parameters[1].range, Range::Values(vec![1.0, 0.0]));
    }
}
