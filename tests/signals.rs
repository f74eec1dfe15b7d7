//! A run ended by a signal (Ctrl-C, a scheduler's kill, a closed terminal) removes its hidden
//! unfinished output directory and still dies of that signal; a signal ignored at start (`nohup`)
//! stays ignored.
#![cfg(unix)]

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
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

/// Starts `program args… run reference --out OUT` with far more rollouts than the test waits
/// for, and returns once its staging directory exists, that is once it is computing.
fn start_long_run(program: &str, args: &[&str], out: &Path, force: bool) -> Child {
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
    let mut child = cmd.spawn().expect("the binary starts");
    let parent = out.parent().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !names(parent).iter().any(|n| n.contains(".partial-")) {
        assert!(child.try_wait().unwrap().is_none(), "the run ended early");
        assert!(Instant::now() < deadline, "no staging directory after 60 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn send(child: &Child, signal: i32) {
    // SAFETY: kill(2) with a live child's pid and a valid signal number has no memory effects.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    assert_eq!(sent, 0, "kill failed");
}

#[test]
fn a_signal_removes_the_unfinished_output_and_ends_the_run_by_it() {
    let bin = env!("CARGO_BIN_EXE_partnersim");
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("res");
        let mut child = start_long_run(bin, &[], &out, false);
        send(&child, signal);
        let status = child.wait().unwrap();
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
    send(&child, libc::SIGTERM);
    assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGTERM));
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
    send(&child, libc::SIGHUP);
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "an ignored SIGHUP ended the run"
    );
    send(&child, libc::SIGTERM);
    assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGTERM));
    assert!(names(tmp.path()).is_empty(), "{:?}", names(tmp.path()));
}
