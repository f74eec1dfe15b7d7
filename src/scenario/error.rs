//! Errors a user can cause with a scenario file, written so that they can fix it.

use std::fmt;
use std::path::PathBuf;

/// Where in which file a problem sits, and what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    /// The file the value came from (the most derived file that sets it, or the scenario itself
    /// when the value is a default).
    pub file: PathBuf,
    /// 1-based line and column, when the value is written in the file.
    pub line: Option<(usize, usize)>,
    /// Dotted key path, e.g. `agencies.health.annual_turnover`.
    pub key: String,
    /// What is wrong and, where it helps, what would be right.
    pub message: String,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, col)) = self.line {
            write!(f, ":{line}:{col}")?;
        }
        if self.key.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": `{}`: {}", self.key, self.message)
        }
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file (or a file it extends) does not exist or cannot be read.
    #[error("cannot read scenario file {}{}: {source}", path.display(), named_by(.extended_by))]
    Read {
        /// The file as named: on the command line, or an `extends` path joined to the directory
        /// of the file that names it.
        path: PathBuf,
        /// The file whose `extends` names it (`None` for the file given on the command line):
        /// an `extends` path is relative to that file, which the message must therefore name.
        extended_by: Option<PathBuf>,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML, or a key or type does not fit the schema.
    #[error("{0}")]
    Syntax(Located),
    /// `extends` leads back to a file already in the chain.
    #[error("{}: `extends` forms a cycle: {chain}", file.display())]
    ExtendsCycle {
        /// The scenario file being loaded (the start of the chain).
        file: PathBuf,
        /// The files read, most derived first, joined by ` -> `, ending with the one that repeats.
        chain: String,
    },
    /// Values are out of range or inconsistent; every problem found is listed.
    #[error("{}", list(.0))]
    Invalid(Vec<Located>),
}

fn named_by(file: &Option<PathBuf>) -> String {
    file.as_ref().map_or(String::new(), |f| {
        format!(
            " (named by `extends` in {}, relative to its folder)",
            f.display()
        )
    })
}

fn list(items: &[Located]) -> String {
    let mut out = format!("the scenario has {} invalid value(s):", items.len());
    for item in items {
        out.push_str("\n  ");
        out.push_str(&item.to_string());
    }
    out
}

impl ScenarioError {
    /// True when the problem is a missing or unreadable file rather than bad content.
    pub fn is_missing_file(&self) -> bool {
        matches!(self, ScenarioError::Read { .. })
    }
}
