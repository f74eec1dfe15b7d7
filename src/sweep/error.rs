//! Everything that can stop a sweep or a merge, written so that the user can fix it.

use std::path::PathBuf;

use crate::output::OutputError;
use crate::plot::PlotError;
use crate::scenario::ScenarioError;

/// Why a sweep file could not be used, a sweep could not run, or shards could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// The sweep file (or a shard's result directory) does not exist or cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file or directory that could not be read, as the user gave it or joined from it.
        path: PathBuf,
        /// The operating system's reason (not found, permission denied, …).
        #[source]
        source: std::io::Error,
    },
    /// The sweep file is not valid TOML or does not fit the schema: `file:line:col: `key`: what`.
    #[error("{}{}: {}{message}", file.display(), line.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default(), if key.is_empty() { String::new() } else { format!("`{key}`: ") })]
    Syntax {
        /// The sweep file, as given (for a merge, as recorded in the shards' manifests).
        file: PathBuf,
        /// 1-based line and column of the offending text, when the TOML parser reports where.
        line: Option<(usize, usize)>,
        /// Key path of the field the offending text belongs to (`rollouts`, `metrics[0]`,
        /// `parameter[1].min`); empty when there is none (broken TOML, a missing top-level key).
        key: String,
        /// The parser's message, on one line.
        message: String,
    },
    /// Values of the sweep file are inconsistent or name keys the scenario does not have; every
    /// problem found is listed.
    #[error("{} has {} problem(s):{}", file.display(), problems.len(), list(problems))]
    Invalid {
        /// The sweep file, as given.
        file: PathBuf,
        /// One message per problem, naming the key (and its line where known) and what is
        /// expected, so that all can be fixed in one pass.
        problems: Vec<String>,
    },
    /// The base scenario named by the sweep file is missing or invalid. The sweep file and the
    /// line of its `scenario` key are named too: the base's own message names only the base, and
    /// its path is joined to the sweep file's directory, which the user may not have expected.
    #[error("the sweep's base scenario (`scenario` in {}{}): {source}", file.display(), line.map(|(l, _)| format!(", line {l}")).unwrap_or_default())]
    Scenario {
        /// The sweep file, as given.
        file: PathBuf,
        /// 1-based line and column of its `scenario` key.
        line: Option<(usize, usize)>,
        /// Why the base could not be used.
        #[source]
        source: Box<ScenarioError>,
    },
    /// A point of the plan makes the scenario invalid.
    #[error("sweep point {index} ({values}) gives an invalid scenario: {source}")]
    Point {
        /// The point's index in the plan (the `point` column of `points.csv`).
        index: u64,
        /// The point's `path = value` pairs as applied: each bound passed alone, so it is
        /// usually this combination the scenario rejects; narrow the ranges to avoid it.
        values: String,
        /// What the scenario's validation rejected.
        #[source]
        source: Box<ScenarioError>,
    },
    /// `--shard` or the scheduler's environment does not describe a shard.
    #[error("{0}")]
    Shard(String),
    /// A value given beside the sweep file (such as the `--rollouts` override) is out of range.
    #[error("{0}")]
    Usage(String),
    /// Partial results cannot be resumed (they belong to another sweep, or are damaged).
    #[error("cannot resume in {}: {message}", dir.display())]
    Resume {
        /// The output directory that `--resume` was pointed at.
        dir: PathBuf,
        /// What does not match or is damaged, and what to do (usually a new `--out`).
        message: String,
    },
    /// A `points.csv` does not fit its sweep file.
    #[error("{0}")]
    Points(String),
    /// Shards cannot be merged: points missing or duplicated, or shards of different sweeps.
    #[error("cannot merge: {0}")]
    Merge(String),
    /// The output directory exists and `--resume` was not given.
    #[error("output directory {} already exists; pass --resume to continue the sweep written there, or choose another with --out", .0.display())]
    Exists(PathBuf),
    /// `--resume` met an existing directory that holds files but no sweep to resume: it is
    /// someone's other output, not written into.
    #[error("output directory {} holds files but no sweep to resume (no points.partial.csv or manifest.json); choose another --out", .0.display())]
    NotASweep(PathBuf),
    /// The output cannot be written.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A chart could not be drawn.
    #[error(transparent)]
    Plot(#[from] PlotError),
}

fn list(items: &[String]) -> String {
    let mut out = String::new();
    for item in items {
        out.push_str("\n  ");
        out.push_str(item);
    }
    out
}

impl SweepError {
    /// True when the problem is a missing or unreadable input file rather than bad content.
    pub fn is_missing_file(&self) -> bool {
        match self {
            SweepError::Read { .. } => true,
            SweepError::Scenario { source, .. } => source.is_missing_file(),
            _ => false,
        }
    }

    /// True when the output could not be written.
    pub fn is_output(&self) -> bool {
        matches!(
            self,
            SweepError::Output(_)
                | SweepError::Plot(_)
                | SweepError::Exists(_)
                | SweepError::NotASweep(_)
        )
    }

    /// True for a bad command-line value (`--shard`, the scheduler's variables, or an override
    /// such as `--rollouts`).
    pub fn is_usage(&self) -> bool {
        matches!(self, SweepError::Shard(_) | SweepError::Usage(_))
    }
}

/// An output-side I/O error at `path`.
pub(crate) fn io_err(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> SweepError + '_ {
    move |source| {
        SweepError::Output(OutputError::Io {
            path: path.to_path_buf(),
            source,
        })
    }
}
