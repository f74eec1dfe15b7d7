//! A run ended by a signal (Ctrl-C, a scheduler's kill, a closed terminal) removes its hidden
//! unfinished output directory and still dies of that signal; a signal ignored at start (`nohup`)
//! stays ignored.
#![cfg(unix)]

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

fn reference() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/reference.toml")
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A child process that is killed and reaped if a test fails while it runs, so that a failed
/// test does not leave a 100-million-rollout run behind.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Running {
    /// Waits at most a minute for the child to end.
    fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "still running a minute later");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&self, signal: i32) {
        // SAFETY: kill(2) with a live child's pid and a valid signal number has no memory
        // effects.
        let sent = unsafe { libc::kill(self.0.id() as libc::pid_t, signal) };
        assert_eq!(sent, 0, "kill failed");
    }
}

/// Starts `program args… run reference --out OUT` with far more rollouts than the test waits
/// for, and returns once its staging directory exists, that is once it is computing. The three
/// signals start at their default action and unblocked, whatever the test runner inherited (a
/// test run under `nohup` would otherwise pass an ignored SIGHUP on, which the binary rightly
/// keeps ignoring).
fn start_long_run(program: &str, args: &[&str], out: &Path, force: bool) -> Running {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .args(["run", reference().to_str().unwrap()])
        .args(["--rollouts", "100000000", "--threads", "1", "--out"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if force {
        cmd.arg("--force");
    }
    // SAFETY: between fork and exec the closure only calls async-signal-safe functions
    // (signal, sigemptyset, sigaddset, sigprocmask) on local data.
    unsafe {
        cmd.pre_exec(|| {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                libc::signal(signal, libc::SIG_DFL);
                libc::sigaddset(&mut set, signal);
            }
            libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
            Ok(())
        });
    }
    let mut child = Running(cmd.spawn().expect("the binary starts"));
    let parent = out.parent().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !names(parent).iter().any(|n| n.contains(".partial-")) {
        assert!(child.0.try_wait().unwrap().is_none(), "the run ended early");
        assert!(Instant::now() < deadline, "no staging directory after 60 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[test]
fn a_signal_removes_the_unfinished_output_and_ends_the_run_by_it() {
    let bin = env!("CARGO_BIN_EXE_partnersim");
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("res");
        let mut child = start_long_run(bin, &[], &out, false);
        child.send(signal);
        let status = child.wait();
        assert_eq!(status.signal(), Some(signal), "{status:?}");
        assert!(
            names(tmp.path()).is_empty(),
            "signal {signal} left {:?}",
            names(tmp.path())
        );
    }
}

#[test]
fn a_signal_during_a_forced_run_leaves_the_earlier_result_as_it_was() {
    let bin = env!("CARGO_BIN_EXE_partnersim");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("res");
    let done = Command::new(bin)
        .args(["run", reference().to_str().unwrap(), "--rollouts", "20"])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(done.status.success(), "{done:?}");
    let manifest = std::fs::read(out.join("manifest.json")).unwrap();

    let mut child = start_long_run(bin, &[], &out, true);
    child.send(libc::SIGTERM);
    assert_eq!(child.wait().signal(), Some(libc::SIGTERM));
    assert_eq!(names(tmp.path()), ["res"]);
    assert_eq!(std::fs::read(out.join("manifest.json")).unwrap(), manifest);
}

#[test]
fn a_signal_ignored_at_start_stays_ignored() {
    // As `nohup` does for SIGHUP: the shell ignores it, and exec keeps the disposition.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("res");
    let script = r#"trap "" HUP; exec "$0" "$@""#;
    let bin = env!("CARGO_BIN_EXE_partnersim");
    let mut child = start_long_run("sh", &["-c", script, bin], &out, false);
    child.send(libc::SIGHUP);
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.0.try_wait().unwrap().is_none(),
        "an ignored SIGHUP ended the run"
    );
    child.send(libc::SIGTERM);
    assert_eq!(child.wait().signal(), Some(libc::SIGTERM));
    assert!(names(tmp.path()).is_empty(), "{:?}", names(tmp.path()));
}

/// As a container's process 1 (a Kubernetes job without an init), where the kernel ignores a
/// re-raised SIGTERM: the run still cleans up and exits with 143, not a crash. Needs a PID
/// namespace (`unshare`, as root); where none can be made the check cannot run and says so.
#[test]
fn as_process_one_a_signal_still_ends_the_run_with_its_status() {
    let can = Command::new("unshare")
        .args(["-fp", "--kill-child", "true"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !can {
        eprintln!("skipped: unshare cannot make a PID namespace here");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("res");
    let bin = env!("CARGO_BIN_EXE_partnersim");
    let unshare = start_long_run("unshare", &["-fp", "--kill-child", bin], &out, false);
    // The binary is unshare's child, process 1 of its namespace; signal it from outside.
    let children = std::fs::read_to_string(format!(
        "/proc/{}/task/{}/children",
        unshare.0.id(),
        unshare.0.id()
    ))
    .unwrap();
    let inner: i32 = children.split_whitespace().next().unwrap().parse().unwrap();
    // SAFETY: kill(2) with a pid and a valid signal number has no memory effects.
    assert_eq!(unsafe { libc::kill(inner, libc::SIGTERM) }, 0);
    let mut unshare = unshare;
    let status = unshare.wait();
    // unshare passes on its child's exit status.
    assert_eq!(status.code(), Some(128 + libc::SIGTERM), "{status:?}");
    assert!(names(tmp.path()).is_empty(), "{:?}", names(tmp.path()));
}
