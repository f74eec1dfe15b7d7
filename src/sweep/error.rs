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
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The sweep file is not valid TOML or does not fit the schema.
    #[error("{}{}: {message}", file.display(), line.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
    Syntax {
        file: PathBuf,
        line: Option<(usize, usize)>,
        message: String,
    },
    /// Values of the sweep file are inconsistent or name keys the scenario does not have; every
    /// problem found is listed.
    #[error("{} has {} problem(s):{}", file.display(), problems.len(), list(problems))]
    Invalid {
        file: PathBuf,
        problems: Vec<String>,
    },
    /// The base scenario named by the sweep file is missing or invalid.
    #[error("the sweep's base scenario: {0}")]
    Scenario(#[source] Box<ScenarioError>),
    /// A point of the plan makes the scenario invalid.
    #[error("sweep point {index} ({values}) gives an invalid scenario: {source}")]
    Point {
        index: u64,
        values: String,
        #[source]
        source: Box<ScenarioError>,
    },
    /// `--shard` or the scheduler's environment does not describe a shard.
    #[error("{0}")]
    Shard(String),
    /// Partial results cannot be resumed (they belong to another sweep, or are damaged).
    #[error("cannot resume in {}: {message}", dir.display())]
    Resume { dir: PathBuf, message: String },
    /// A `points.csv` does not fit its sweep file.
    #[error("{0}")]
    Points(String),
    /// Shards cannot be merged: points missing or duplicated, or shards of different sweeps.
    #[error("cannot merge: {0}")]
    Merge(String),
    /// The output directory exists and `--resume` was not given.
    #[error("output directory {} already exists; pass --resume to continue the sweep written there, or choose another with --out", .0.display())]
    Exists(PathBuf),
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
            SweepError::Scenario(e) => e.is_missing_file(),
            _ => false,
        }
    }

    /// True when the output could not be written.
    pub fn is_output(&self) -> bool {
        matches!(
            self,
            SweepError::Output(_) | SweepError::Plot(_) | SweepError::Exists(_)
        )
    }

    /// True for a bad command-line value (`--shard`, or the scheduler's variables).
    pub fn is_usage(&self) -> bool {
        matches!(self, SweepError::Shard(_))
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
