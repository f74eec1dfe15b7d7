//! Helpers shared by the integration tests that need them (each test file compiles this module
//! on its own, so not every helper is used by every file).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use partnersim::engine::{self, Pairing, RunConfig};
use partnersim::model::Setup;
use partnersim::scenario::Scenario;
use partnersim::stats::paired::NEVER;

/// `rel` under the crate root.
pub fn path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Every `.toml` under scenarios/, as paths relative to the crate root, sorted.
pub fn shipped() -> Vec<String> {
    let root = path("");
    let mut files = Vec::new();
    let mut dirs = vec![path("scenarios")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p: PathBuf = entry.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "toml") {
                let rel = p.strip_prefix(&root).unwrap();
                files.push(rel.to_str().unwrap().replace('\\', "/"));
            }
        }
    }
    files.sort();
    files
}

/// Loads a scenario relative to the crate root, panicking with the file's name.
pub fn load(rel: &str) -> Scenario {
    Scenario::from_file(&path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// A paired (common random numbers) comparison of the share ever well established: rollout k
/// of both scenarios draws from the streams of `(seed, k)`.
#[derive(Debug, Clone, Copy)]
pub struct Paired {
    /// Rollouts of each scenario.
    pub n: u64,
    /// Rollouts of the first scenario that became well established.
    pub base: u64,
    /// Rollouts of the second scenario that became well established.
    pub other: u64,
    /// Indices where only the first did.
    pub base_only: u64,
    /// Indices where only the second did.
    pub other_only: u64,
}

impl Paired {
    /// Runs `n` rollout indices of both scenarios under `seed`.
    pub fn run(base: &Scenario, other: &Scenario, n: u64, seed: u64) -> Paired {
        let setups = [Setup::new(base), Setup::new(other)];
        let run = engine::run_paired(
            &setups,
            &RunConfig::new(n, seed, 0),
            Pairing::Common,
            &|_| {},
        );
        let (a, b) = (run.months_of(0), run.months_of(1));
        assert_eq!(a.len() as u64, n);
        let mut p = Paired {
            n,
            base: 0,
            other: 0,
            base_only: 0,
            other_only: 0,
        };
        for (x, y) in a.iter().zip(&b) {
            let (x, y) = (*x != NEVER, *y != NEVER);
            p.base += x as u64;
            p.other += y as u64;
            p.base_only += (x && !y) as u64;
            p.other_only += (y && !x) as u64;
        }
        // The per-rollout months agree with each scenario's own aggregate.
        for (j, agg) in run.aggregates.iter().enumerate() {
            let k = agg.reached_by(agg.months);
            assert_eq!(k, if j == 0 { p.base } else { p.other });
        }
        p
    }

    /// Share of the second minus share of the first.
    pub fn diff(&self) -> f64 {
        (self.other as f64 - self.base as f64) / self.n as f64
    }

    /// Standard error of [`Paired::diff`]: the per-index differences `d_k` are -1, 0 or 1, with
    /// mean `d̄ = (other_only − base_only)/n` and variance `(other_only + base_only)/n − d̄²`;
    /// the mean of n of them has SE `sqrt(var / n)`. At least `1/n`, so that a lever with no
    /// discordant pair at all is not given an SE of zero.
    pub fn se(&self) -> f64 {
        let n = self.n as f64;
        let d = self.diff();
        let var = (self.other_only + self.base_only) as f64 / n - d * d;
        (var.max(0.0) / n).sqrt().max(1.0 / n)
    }
}
