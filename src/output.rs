//! Result directories that appear whole or not at all: files are written into a hidden temporary
//! sibling, which is renamed into place only when everything is written.

use std::fs;
use std::path::{Path, PathBuf};

/// Why a result directory could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The target directory already exists and `--force` was not given. Checked before any
    /// simulation, and again at commit.
    #[error("output directory {} already exists; pass --force to replace it, or choose another with --out", .0.display())]
    Exists(PathBuf),
    /// A file or directory could not be created, written, renamed or removed.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The path the failed operation was on.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A directory being written. Dropped without [`Staging::commit`], it removes itself.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    temp: PathBuf,
    force: bool,
    committed: bool,
}

impl Staging {
    /// Checks the target up front (so a clash costs a second, not a run) and creates the
    /// temporary directory beside it.
    pub fn begin(target: &Path, force: bool) -> Result<Staging, OutputError> {
        if target.exists() && !force {
            return Err(OutputError::Exists(target.to_path_buf()));
        }
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(io(parent))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let temp = parent.join(format!(".{name}.partial-{}", std::process::id()));
        if temp.exists() {
            fs::remove_dir_all(&temp).map_err(io(&temp))?;
        }
        fs::create_dir(&temp).map_err(io(&temp))?;
        Ok(Staging {
            target: target.to_path_buf(),
            temp,
            force,
            committed: false,
        })
    }

    /// Where files go until commit.
    pub fn dir(&self) -> &Path {
        &self.temp
    }

    /// Writes one file into the staging directory.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> Result<(), OutputError> {
        let path = self.temp.join(name);
        fs::write(&path, bytes).map_err(io(&path))
    }

    /// Moves the finished directory into place, replacing an old one when forced.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        if self.target.exists() {
            if !self.force {
                return Err(OutputError::Exists(self.target.clone()));
            }
            let old = self
                .temp
                .with_extension(format!("old-{}", std::process::id()));
            fs::rename(&self.target, &old).map_err(io(&self.target))?;
            fs::rename(&self.temp, &self.target).map_err(io(&self.target))?;
            fs::remove_dir_all(&old).map_err(io(&old))?;
        } else {
            fs::rename(&self.temp, &self.target).map_err(io(&self.target))?;
        }
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.temp);
        }
    }
}
