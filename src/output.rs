//! Result directories that appear whole or not at all: files are written into a hidden temporary
//! sibling, which is renamed into place only when everything is written.

use std::fs;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Why a result directory could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The target directory already exists and `--force` was not given. Checked before any
    /// simulation, and again at commit.
    #[error("output directory {} already exists; pass --force to replace it, or choose another with --out", .0.display())]
    Exists(PathBuf),
    /// The target directory already exists and the command has no `--force` (`merge`): it never
    /// replaces a directory. Checked before anything is written, and again at commit.
    #[error("output directory {} already exists; choose another --out or remove it", .0.display())]
    ExistsNoForce(PathBuf),
    /// The target exists and is not a directory (a file, or a link to none): it is never
    /// replaced, even with `--force`. Checked before any simulation, and again at commit.
    #[error("{} exists and is not a directory, so it will not be replaced; remove it or choose another --out", .0.display())]
    NotADirectory(PathBuf),
    /// The target is a directory holding something other than a partnersim result, so even
    /// `--force` does not replace it: `--out ~/Documents --force` must not delete a user's files.
    /// Checked before any simulation, and again at commit.
    #[error("{} holds files that are not a partnersim result (no manifest.json written by partnersim), so --force will not replace it; choose another --out, or remove it yourself", .0.display())]
    NotAResult(PathBuf),
    /// The target is `.` or `..`, or the working directory or a directory holding it: a result
    /// is staged beside its target and renamed into place, which cannot be done to a directory
    /// the command is standing in. Checked before any simulation.
    #[error("{} is the working directory or holds it, so it cannot be the output directory; choose another --out", .0.display())]
    Encloses(PathBuf),
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

/// What to do with an existing target directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Existing {
    /// Replace it if it is empty or an earlier result (`--force`).
    Replace,
    /// Refuse it; the command has `--force` to say otherwise.
    RefuseUnlessForced,
    /// Refuse it; the command has no `--force`.
    Refuse,
}

/// This process's staging directories that are neither committed nor removed yet, and an old
/// result renamed aside while a new one replaces it. A signal that ends the process removes them
/// first (`remove_unfinished_on_signals`, Unix only): Ctrl-C or a scheduler's kill must not leave
/// a hidden half-written result behind. Creating a staging directory, the renames of a commit
/// and removing an abandoned one hold the lock, so a signal never finds one half-renamed.
static UNFINISHED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The registry, even if a thread panicked holding it: the list stays consistent, since every
/// change to it is one push or one retain.
fn unfinished() -> MutexGuard<'static, Vec<PathBuf>> {
    UNFINISHED.lock().unwrap_or_else(PoisonError::into_inner)
}

/// On Unix: from now on SIGINT (Ctrl-C), SIGTERM (a scheduler's kill, `timeout`) and SIGHUP (a
/// closed terminal) first remove every unfinished staging directory and then end the process as
/// the signal would have, so that a shell or scheduler still sees death by that signal. The
/// registry's lock is held from the removal to the end, so no commit can start in between: the
/// target is either the old result, untouched, or the whole new one.
///
/// `sweep` writes outside staging directories on purpose: its `points.partial.csv` is what
/// `--resume` continues from, and a signal leaves it in place.
///
/// A signal the process was started with ignored stays ignored: `nohup` ignores SIGHUP, and a
/// shell script's background job ignores SIGINT, and a run under either must survive them as
/// before.
///
/// Called once by the binary; a library user who handles signals itself should not call it.
#[cfg(unix)]
pub fn remove_unfinished_on_signals() -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let watched: Vec<i32> = [SIGINT, SIGTERM, SIGHUP]
        .into_iter()
        .filter(|&signal| !ignored(signal))
        .collect();
    let mut signals = signal_hook::iterator::Signals::new(&watched)?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let live = unfinished();
                for dir in live.iter() {
                    remove_while_written(dir);
                }
                // With the lock still held, so that nothing is committed after the removal.
                die_of(signal);
            }
        })?;
    Ok(())
}

/// Removes `dir` although the main thread may still be writing into it: renamed first, so that a
/// file written by path afterwards fails instead of landing in a directory being emptied (the
/// removal would then fail on a directory not empty), then removed, a few tries.
#[cfg(unix)]
fn remove_while_written(dir: &Path) {
    let mut doomed = dir.as_os_str().to_owned();
    doomed.push(".removing");
    let doomed = PathBuf::from(doomed);
    let gone = if fs::rename(dir, &doomed).is_ok() {
        doomed
    } else {
        dir.to_path_buf()
    };
    for _ in 0..5 {
        match fs::remove_dir_all(&gone) {
            Err(e) if e.kind() != ErrorKind::NotFound => continue,
            _ => return,
        }
    }
}

/// Ends the process by `signal`'s default action, and by exit status 128 + `signal` where that
/// action does not end it: the kernel ignores a re-raised SIGTERM in a container's process 1, and
/// signal-hook's own emulation would then fall back on `abort`, reported as a crash.
#[cfg(unix)]
fn die_of(signal: i32) -> ! {
    // SAFETY: `signal` and `pthread_sigmask` on one valid signal number, with a set built by
    // sigemptyset and sigaddset, touch no memory of ours; `raise` then delivers it to this thread.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, signal);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(signal);
    }
    std::process::exit(128 + signal)
}

/// True when `signal`'s disposition is "ignore" (inherited from the parent, as `nohup` and
/// background jobs arrange).
#[cfg(unix)]
fn ignored(signal: i32) -> bool {
    // SAFETY: a null new action only reads the current one into `old`, which is plain data that
    // sigaction fills in.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == libc::SIG_IGN
    }
}

/// A directory being written. Dropped without [`Staging::commit`], it removes itself.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    temp: PathBuf,
    existing: Existing,
    committed: bool,
}

impl Staging {
    /// Checks the target up front (so a clash costs a second, not a run) and creates the
    /// temporary directory beside it. An existing target is refused unless `force`; one that is
    /// not a directory, or is a directory of anything but an earlier result (see
    /// [`is_replaceable`]), is refused even then.
    pub fn begin(target: &Path, force: bool) -> Result<Staging, OutputError> {
        let existing = if force {
            Existing::Replace
        } else {
            Existing::RefuseUnlessForced
        };
        Staging::start(target, existing)
    }

    /// As [`Staging::begin`] for a command without `--force` (`merge`): an existing target is
    /// always refused, with a message that does not offer `--force`.
    pub fn begin_new(target: &Path) -> Result<Staging, OutputError> {
        Staging::start(target, Existing::Refuse)
    }

    fn start(target: &Path, existing: Existing) -> Result<Staging, OutputError> {
        // `out/.` is `out`: the name to stage beside and rename is the last real component.
        let target: PathBuf = target.components().collect();
        let target = target.as_path();
        if encloses_working_directory(target) {
            return Err(OutputError::Encloses(target.to_path_buf()));
        }
        check_target(target, existing)?;
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
        let mut live = unfinished();
        if temp.exists() {
            fs::remove_dir_all(&temp).map_err(io(&temp))?;
        }
        fs::create_dir(&temp).map_err(io(&temp))?;
        live.push(temp.clone());
        Ok(Staging {
            target: target.to_path_buf(),
            temp,
            existing,
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
    ///
    /// The target is checked again first (it may have appeared during the run). When replacing,
    /// the old directory is renamed aside, the new one renamed into place, and the old one
    /// deleted. If the new one cannot be put in place, the old one is put back and the error
    /// returned. Once the new one is in place the command has succeeded: an old copy that cannot
    /// be deleted (a read-only directory inside it, say) is reported as a warning on standard
    /// error naming where it is left, not as an error.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        let mut live = unfinished();
        let result = self.put_in_place(&mut live);
        if self.committed {
            live.retain(|dir| *dir != self.temp);
        }
        // Released before `self` is dropped, whose `Drop` takes it again after a failure, and
        // before the old result, which may be large, is deleted.
        drop(live);
        if let Some(old) = result? {
            // Still registered while it is deleted: a signal meanwhile deletes it too.
            let removed = fs::remove_dir_all(&old);
            unfinished().retain(|dir| *dir != old);
            if let Err(e) = removed {
                eprintln!("{}", leftover_warning(&self.target, &old, &e));
            }
        }
        Ok(self.target.clone())
    }

    /// [`Staging::commit`]'s renames, with the registry `live` locked by the caller. Returns
    /// the old result renamed aside, registered in `live`, when one was replaced.
    fn put_in_place(&mut self, live: &mut Vec<PathBuf>) -> Result<Option<PathBuf>, OutputError> {
        if check_target(&self.target, self.existing)? {
            let old = self
                .temp
                .with_extension(format!("old-{}", std::process::id()));
            fs::rename(&self.target, &old).map_err(io(&self.target))?;
            live.push(old.clone());
            if let Err(source) = fs::rename(&self.temp, &self.target) {
                // Put the old result back: a failed command leaves the target as it was.
                live.retain(|dir| *dir != old);
                let _ = fs::rename(&old, &self.target);
                return Err(OutputError::Io {
                    path: self.target.clone(),
                    source,
                });
            }
            self.committed = true;
            Ok(Some(old))
        } else {
            fs::rename(&self.temp, &self.target).map_err(io(&self.target))?;
            self.committed = true;
            Ok(None)
        }
    }
}

/// Checks `target` against what may be done with an existing one: `Ok(true)` when it exists and
/// is to be replaced, `Ok(false)` when it does not exist.
fn check_target(target: &Path, existing: Existing) -> Result<bool, OutputError> {
    match fs::symlink_metadata(target) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(OutputError::Io {
            path: target.to_path_buf(),
            source: e,
        }),
        // `is_dir` follows a symbolic link: a link to a directory is replaced as one (the link
        // itself, not what it points to), a link to anything else or to nothing is refused.
        Ok(_) if !target.is_dir() => Err(OutputError::NotADirectory(target.to_path_buf())),
        Ok(_) => match existing {
            Existing::Replace if is_replaceable(target)? => Ok(true),
            Existing::Replace => Err(OutputError::NotAResult(target.to_path_buf())),
            Existing::RefuseUnlessForced => Err(OutputError::Exists(target.to_path_buf())),
            Existing::Refuse => Err(OutputError::ExistsNoForce(target.to_path_buf())),
        },
    }
}

/// True when `target` cannot be staged beside and renamed: it ends in `.` or `..` (no name of its
/// own), or it is the working directory or one that holds it.
fn encloses_working_directory(target: &Path) -> bool {
    if !matches!(target.components().next_back(), Some(Component::Normal(_))) {
        return true;
    }
    match (
        target.canonicalize(),
        std::env::current_dir().and_then(|d| d.canonicalize()),
    ) {
        (Ok(t), Ok(cwd)) => cwd.starts_with(t),
        _ => false,
    }
}

/// True when `dir` may be replaced by `--force`: it is empty, or it holds the `manifest.json`
/// every result directory gets (a JSON object with partnersim's `version` and `git_commit`). A
/// directory of anything else is the user's, however it came to be named as the output.
fn is_replaceable(dir: &Path) -> Result<bool, OutputError> {
    let mut entries = fs::read_dir(dir).map_err(io(dir))?;
    if entries.next().is_none() {
        return Ok(true);
    }
    let manifest = match fs::read(dir.join("manifest.json")) {
        Ok(bytes) => bytes,
        Err(_) => return Ok(false),
    };
    Ok(
        match serde_json::from_slice::<serde_json::Value>(&manifest) {
            Ok(serde_json::Value::Object(m)) => {
                m.get("version").is_some_and(serde_json::Value::is_string)
                    && m.get("git_commit")
                        .is_some_and(serde_json::Value::is_string)
            }
            _ => false,
        },
    )
}

/// The warning printed when the new result is in place but the old one it replaced could not be
/// deleted.
fn leftover_warning(target: &Path, old: &Path, e: &std::io::Error) -> String {
    format!(
        "warning: {} was replaced, but the old copy could not be deleted ({e}); it is left at {}: delete it by hand",
        target.display(),
        old.display()
    )
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let mut live = unfinished();
            let _ = fs::remove_dir_all(&self.temp);
            live.retain(|dir| *dir != self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_a_new_directory_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let staging = Staging::begin(&target, false).unwrap();
        staging.write("a.txt", "new").unwrap();
        assert_eq!(staging.commit().unwrap(), target);
        assert_eq!(fs::read_to_string(target.join("a.txt")).unwrap(), "new");
        assert_eq!(names(tmp.path()), ["out"]);
    }

    #[test]
    fn an_existing_directory_is_refused_unless_forced_then_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("manifest.json"), MANIFEST).unwrap();
        let err = Staging::begin(&target, false).unwrap_err().to_string();
        assert!(err.contains("already exists; pass --force"), "{err}");
        let err = Staging::begin_new(&target).unwrap_err().to_string();
        assert!(
            err.contains("already exists; choose another --out or remove it"),
            "{err}"
        );
        assert!(!err.contains("--force"), "{err}");
        assert_eq!(names(tmp.path()), ["out"], "nothing is created");

        let staging = Staging::begin(&target, true).unwrap();
        staging.write("a.txt", "new").unwrap();
        staging.commit().unwrap();
        assert_eq!(names(&target), ["a.txt"]);
        assert_eq!(names(tmp.path()), ["out"], "no .old or .partial is left");
    }

    /// The fields of a result's manifest that mark it as partnersim's.
    const MANIFEST: &str = "{\"command\": \"partnersim run x.toml\", \"version\": \"0.1.0\", \"git_commit\": \"abc\"}\n";

    /// `--force` replaces an earlier result or an empty directory, and nothing else: a
    /// directory of other files (a typo'd `--out ~/Documents`) is refused before any compute,
    /// and again at commit if it changed during the run, and is left as it was.
    #[test]
    fn force_replaces_only_an_earlier_result_or_an_empty_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("docs");
        fs::create_dir_all(target.join("sub")).unwrap();
        fs::write(target.join("thesis.docx"), "mine").unwrap();
        let not_ours = [
            None,
            Some("not json"),
            Some("[1, 2]"),
            Some("{\"version\": \"1\"}"),
            Some("{\"version\": 1, \"git_commit\": \"abc\"}"),
        ];
        for manifest in not_ours {
            match manifest {
                Some(text) => fs::write(target.join("manifest.json"), text).unwrap(),
                None => {
                    let _ = fs::remove_file(target.join("manifest.json"));
                }
            }
            let err = Staging::begin(&target, true).unwrap_err();
            assert!(
                matches!(err, OutputError::NotAResult(_)),
                "{manifest:?}: {err:?}"
            );
            let text = err.to_string();
            assert!(text.contains("not a partnersim result"), "{text}");
            assert!(text.contains("--force will not replace it"), "{text}");
        }
        assert_eq!(
            fs::read_to_string(target.join("thesis.docx")).unwrap(),
            "mine"
        );
        assert_eq!(names(tmp.path()), ["docs"], "nothing is created");

        // An empty directory, and an earlier result, are replaced.
        let empty = tmp.path().join("empty");
        fs::create_dir(&empty).unwrap();
        Staging::begin(&empty, true).unwrap().commit().unwrap();
        fs::write(target.join("manifest.json"), MANIFEST).unwrap();
        let staging = Staging::begin(&target, true).unwrap();
        // The check is made again at commit: a result whose manifest went during the run is no
        // longer replaced.
        fs::remove_file(target.join("manifest.json")).unwrap();
        let err = staging.commit().unwrap_err();
        assert!(matches!(err, OutputError::NotAResult(_)), "{err:?}");
        assert_eq!(
            fs::read_to_string(target.join("thesis.docx")).unwrap(),
            "mine"
        );
        fs::write(target.join("manifest.json"), MANIFEST).unwrap();
        let staging = Staging::begin(&target, true).unwrap();
        staging.write("a.txt", "new").unwrap();
        staging.commit().unwrap();
        assert_eq!(names(&target), ["a.txt"]);
    }

    /// `.`, `..` and the directories holding the working one are refused before any compute
    /// (the result used to be staged inside `.` and then refused, or fail to rename, after the
    /// whole run), with or without `--force`; `out/.` is `out`.
    #[test]
    fn the_working_directory_and_its_parents_are_never_the_target() {
        let cwd = std::env::current_dir().unwrap();
        let parent = cwd.parent().unwrap().to_path_buf();
        for target in [
            Path::new("."),
            Path::new(".."),
            cwd.as_path(),
            parent.as_path(),
        ] {
            for force in [false, true] {
                let err = Staging::begin(target, force).unwrap_err();
                assert!(
                    matches!(err, OutputError::Encloses(_)),
                    "{target:?}: {err:?}"
                );
                assert!(
                    err.to_string()
                        .contains("is the working directory or holds it")
                );
            }
        }
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let staging = Staging::begin(&tmp.path().join("out/."), false).unwrap();
        staging.write("a.txt", "new").unwrap();
        assert_eq!(staging.commit().unwrap(), target);
        assert_eq!(names(tmp.path()), ["out"]);
    }

    #[test]
    fn a_target_that_is_not_a_directory_is_never_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("target");
        fs::write(&target, "precious\n").unwrap();
        for force in [false, true] {
            let err = Staging::begin(&target, force).unwrap_err();
            assert!(matches!(err, OutputError::NotADirectory(_)), "{err:?}");
            let text = err.to_string();
            assert!(
                text.contains("target exists and is not a directory"),
                "{text}"
            );
            assert!(text.contains("will not be replaced"), "{text}");
        }
        let err = Staging::begin_new(&target).unwrap_err();
        assert!(matches!(err, OutputError::NotADirectory(_)), "{err:?}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "precious\n");
        assert_eq!(names(tmp.path()), ["target"], "nothing is created");
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_link_is_not_a_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("link");
        std::os::unix::fs::symlink(tmp.path().join("nowhere"), &target).unwrap();
        let err = Staging::begin(&target, true).unwrap_err();
        assert!(matches!(err, OutputError::NotADirectory(_)), "{err:?}");
    }

    #[test]
    fn a_file_appearing_during_the_run_is_left_alone_at_commit() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let staging = Staging::begin(&target, true).unwrap();
        staging.write("a.txt", "new").unwrap();
        fs::write(&target, "precious\n").unwrap();
        let err = staging.commit().unwrap_err();
        assert!(matches!(err, OutputError::NotADirectory(_)), "{err:?}");
        assert_eq!(fs::read_to_string(&target).unwrap(), "precious\n");
        assert_eq!(
            names(tmp.path()),
            ["out"],
            "the staging directory is removed"
        );
    }

    #[test]
    fn a_directory_appearing_during_the_run_is_refused_at_commit() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let staging = Staging::begin_new(&target).unwrap();
        fs::create_dir(&target).unwrap();
        let err = staging.commit().unwrap_err();
        assert!(matches!(err, OutputError::ExistsNoForce(_)), "{err:?}");
        assert_eq!(names(tmp.path()), ["out"]);
    }

    /// When the new result cannot be renamed into place (here its staging directory has gone),
    /// the old result it was to replace is put back intact, the error names the target, and no
    /// `.old-` or `.partial-` directory is left beside it.
    #[test]
    fn a_failed_replacement_puts_the_old_result_back() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        fs::create_dir_all(target.join("sub")).unwrap();
        fs::write(target.join("manifest.json"), MANIFEST).unwrap();
        fs::write(target.join("summary.json"), "old result\n").unwrap();
        fs::write(target.join("sub/f"), "nested\n").unwrap();
        let staging = Staging::begin(&target, true).unwrap();
        staging.write("summary.json", "new result\n").unwrap();
        fs::remove_dir_all(staging.dir()).unwrap();
        let err = staging.commit().unwrap_err();
        match &err {
            OutputError::Io { path, source } => {
                assert_eq!(path, &target);
                assert_eq!(source.kind(), ErrorKind::NotFound, "{source}");
            }
            other => panic!("expected an I/O error, got {other:?}"),
        }
        assert_eq!(
            fs::read_to_string(target.join("summary.json")).unwrap(),
            "old result\n"
        );
        assert_eq!(
            fs::read_to_string(target.join("sub/f")).unwrap(),
            "nested\n"
        );
        assert_eq!(names(&target), ["manifest.json", "sub", "summary.json"]);
        assert_eq!(names(tmp.path()), ["out"], "no .old- or .partial- is left");
    }

    #[cfg(unix)]
    #[test]
    fn an_old_copy_that_cannot_be_deleted_does_not_fail_the_commit() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let locked = target.join("locked");
        fs::create_dir_all(&locked).unwrap();
        fs::write(target.join("manifest.json"), MANIFEST).unwrap();
        fs::write(locked.join("f"), "old").unwrap();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o555)).unwrap();
        // Root ignores the mode: the old copy would be deleted and there is nothing to test.
        let probe = locked.join("probe");
        let privileged = fs::write(&probe, "").is_ok();
        let _ = fs::remove_file(&probe);
        if !privileged {
            let staging = Staging::begin(&target, true).unwrap();
            staging.write("a.txt", "new").unwrap();
            assert_eq!(staging.commit().unwrap(), target, "the commit succeeds");
            assert_eq!(names(&target), ["a.txt"], "the new result is in place");
            let old = tmp.path().join(format!(".out.old-{}", std::process::id()));
            assert!(old.join("locked/f").exists(), "{:?}", names(tmp.path()));
            fs::set_permissions(old.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
        } else {
            fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        }
        let e = std::io::Error::from(ErrorKind::PermissionDenied);
        let warning = leftover_warning(&target, Path::new("./.out.old-7"), &e);
        assert!(warning.starts_with("warning: "), "{warning}");
        assert!(warning.contains("left at ./.out.old-7"), "{warning}");
    }
}
