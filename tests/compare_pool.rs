//! `compare` keeps to its own threads: the median's bootstrap runs in the run's pool, not on
//! rayon's global one. Its own test binary, because the test must be the first to build rayon's
//! global pool, which no other test may then touch.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use partnersim::compare::{self, MEDIAN_KEY};
use partnersim::engine::{Pairing, RunConfig};
use partnersim::scenario::Scenario;

fn path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[test]
fn the_median_bootstrap_runs_on_the_runs_threads_not_the_global_pool() {
    // Rayon's global pool gets a single worker, kept busy until the comparison has returned: a
    // bootstrap that ran on the global pool rather than within `threads` would wait for ever.
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build_global()
        .expect("rayon's global pool is not yet built in this test binary");
    let (busy_tx, busy_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    rayon::spawn(move || {
        busy_tx.send(()).unwrap();
        let _ = release_rx.recv();
    });
    busy_rx.recv().unwrap();

    let scenarios: Vec<(Scenario, String)> = [
        "scenarios/reference.toml",
        "scenarios/what-if/pooled-budget.toml",
    ]
    .iter()
    .map(|f| (Scenario::from_file(&path(f)).unwrap(), f.to_string()))
    .collect();
    let (done_tx, done_rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let config = RunConfig::new(300, 3, 2);
        let c = compare::compare(&scenarios, &config, Pairing::Common, &|_| {});
        let _ = done_tx.send(c);
    });
    let result = done_rx.recv_timeout(Duration::from_secs(120));
    release_tx.send(()).unwrap();
    worker.join().unwrap();
    let c = result.expect("the comparison is stuck behind rayon's busy global pool");
    let median = &c.metric(MEDIAN_KEY).unwrap().entries[0];
    assert!(
        median.ci_low.is_some() && median.ci_high.is_some(),
        "the bootstrap ran: {median:?}"
    );
}
