//! The sweep executor: points in plan order (this shard's), rollouts of each point in parallel,
//! every finished row appended to `points.partial.csv` at once, so that a run killed at any
//! moment and rerun with `--resume` continues from the next point. At the end `points.csv`,
//! `sensitivity.json`, the charts and `manifest.json` are written, each by temp file + rename.
//!
//! `points.partial.csv` starts with one identity line (sweep file hash, base scenario hash,
//! rollouts, shard, version, git commit): a resume against anything else is refused, naming
//! what differs.

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use super::error::{SweepError, io_err};
use super::manifest::{self, SweepManifest};
use super::metrics::{self, Measured};
use super::plan::Plan;
use super::shard::Shard;
use super::spec::Sweep;
use super::{analysis, table, write_atomic};
use crate::engine::{self, RunConfig};
use crate::model::Setup;

/// Rows are written as they finish (a kill loses none); they are also flushed to disk (fsync)
/// at a row written this long or longer after the last flush, and at the end.
pub const SYNC_EVERY: Duration = Duration::from_secs(1);
/// The in-progress rows of a run.
pub const PARTIAL: &str = "points.partial.csv";

/// How to run a sweep.
#[derive(Debug, Clone)]
pub struct Options {
    /// Result directory.
    pub out: PathBuf,
    /// Which points to run ([`Shard::ALL`] for the whole plan). With `count` above 1 no
    /// `sensitivity.json` or charts are written: they need every point, so `merge` writes them.
    pub shard: Shard,
    /// Continue the run whose partial results are in `out`.
    pub resume: bool,
    /// Worker threads (0 = one per core). Results do not depend on it.
    pub threads: usize,
    /// The command line, for the manifest.
    pub command: String,
}

/// Progress after each point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Points of this shard finished, resumed ones included.
    pub done: u64,
    /// Points of this shard.
    pub total: u64,
    /// Points taken over from the interrupted run.
    pub resumed: u64,
    /// Time since this run started.
    pub elapsed: Duration,
}

impl Progress {
    /// Estimated time to finish from this run's pace.
    pub fn eta(&self) -> Option<Duration> {
        let ran = self.done.checked_sub(self.resumed).filter(|n| *n > 0)?;
        let left = self.total - self.done;
        Some(self.elapsed.mul_f64(left as f64 / ran as f64))
    }
}

/// What a run did.
#[derive(Debug, Clone, PartialEq)]
pub struct Finished {
    /// The result directory ([`Options::out`]).
    pub dir: PathBuf,
    /// Points in this directory.
    pub points: u64,
    /// Points computed by this run (the rest were resumed).
    pub computed: u64,
    /// The directory already held a finished sweep; nothing was done.
    pub already_complete: bool,
}

/// What must match for rows of two runs to be combined (resumed or merged), in the order of
/// the identity line: the sweep file's hash, the base scenario's hash, rollouts per point, the
/// shard, the partnersim version and the git commit of the binary. Commits are compared
/// exactly as recorded: `unknown` (built outside git) matches `unknown`, and a `-dirty` build
/// matches a `-dirty` build of the same commit, since nothing finer is recorded.
pub fn identity(sweep: &Sweep, shard: Shard) -> Vec<(String, String)> {
    [
        ("sweep", sweep.sha256.clone()),
        ("scenario", crate::manifest::scenario_sha256(&sweep.base)),
        ("rollouts", sweep.spec.rollouts.to_string()),
        ("shard", shard.to_string()),
        ("version", crate::manifest::VERSION.to_string()),
        ("commit", crate::manifest::GIT_COMMIT.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The first line of `points.partial.csv`: `# partnersim` then [`identity`]'s pairs.
pub fn identity_line(sweep: &Sweep, shard: Shard) -> String {
    line_of(&identity(sweep, shard))
}

fn line_of(pairs: &[(String, String)]) -> String {
    let mut line = String::from("# partnersim");
    for (key, value) in pairs {
        line.push_str(&format!(" {key} {value}"));
    }
    line.push('\n');
    line
}

/// The pairs of an identity line as written (older files lack `commit`); `None` when the line
/// is not one.
fn parse_identity(line: &str) -> Option<Vec<(String, String)>> {
    let words: Vec<&str> = line
        .strip_prefix("# partnersim ")?
        .split_whitespace()
        .collect();
    if !words.len().is_multiple_of(2) {
        return None;
    }
    Some(
        words
            .chunks(2)
            .map(|p| (p[0].to_string(), p[1].to_string()))
            .collect(),
    )
}

/// Each way in which `found` (what a partial file or a finished manifest records) differs from
/// `expected` (this run's [`identity`]): the key and what differs, in words.
fn differences(found: &[(String, String)], expected: &[(String, String)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, want) in expected {
        let have = found
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str());
        if have == Some(want.as_str()) {
            continue;
        }
        let Some(have) = have else {
            let what = match key.as_str() {
                "commit" => format!(
                    "a partnersim that did not record its git commit (an older build), while this binary is commit {want}"
                ),
                _ => format!("no `{key}` (this run: {want})"),
            };
            out.push((key.clone(), what));
            continue;
        };
        let what = match key.as_str() {
            "sweep" => format!(
                "another sweep file (sha256 {}…; this one's is {}…)",
                super::short(have),
                super::short(want)
            ),
            "scenario" => format!(
                "another base scenario (sha256 {}…; this one's is {}…)",
                super::short(have),
                super::short(want)
            ),
            "rollouts" => format!("{have} rollouts per point (this run: {want})"),
            "shard" => format!("shard {have} (this run: shard {want})"),
            "version" => format!("partnersim version {have} (this binary: {want})"),
            "commit" => {
                format!("partnersim git commit {have}, while this binary is commit {want}")
            }
            _ => format!("`{key}` {have} (this run: {want})"),
        };
        out.push((key.clone(), what));
    }
    out
}

fn listed(diffs: &[(String, String)]) -> String {
    diffs
        .iter()
        .map(|(_, what)| what.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The advice after a refused resume: when the commit is the only difference, the rows can
/// still be finished by the binary that started them.
fn resume_advice(found: &[(String, String)], diffs: &[(String, String)]) -> String {
    let commit = found
        .iter()
        .find(|(k, _)| k == "commit")
        .map(|(_, v)| v.as_str());
    match (commit, diffs) {
        (Some(c), [(key, _)]) if key == "commit" => format!(
            "resume it with the partnersim binary that started it (commit {c}), or rerun without --resume into a new directory"
        ),
        _ => "rerun without --resume into a new directory (or remove this one)".to_string(),
    }
}

/// Name of a sweep for titles and default directories: the sweep file's stem.
pub fn sweep_name(file: &Path) -> String {
    file.file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("sweep")
        .to_string()
}

/// Runs this shard of `sweep` into `opts.out`, calling `progress` after each point.
pub fn run(
    sweep: &Sweep,
    opts: &Options,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Finished, SweepError> {
    let started = SystemTime::now();
    let clock = Instant::now();
    let plan = Plan::new(sweep);
    let total = plan.points();
    let mine = opts.shard.len(total);
    let out = &opts.out;
    let partial = out.join(PARTIAL);
    if out.exists() && !out.is_dir() {
        // A file (or a link to none) where the directory should go: neither written over nor
        // resumed.
        return Err(SweepError::Output(
            crate::output::OutputError::NotADirectory(out.clone()),
        ));
    }
    if out.exists() {
        if !opts.resume {
            return Err(SweepError::Exists(out.clone()));
        }
        if !partial.exists() {
            if out.join("manifest.json").exists() {
                check_finished(out, sweep, opts.shard)?;
                return Ok(Finished {
                    dir: out.clone(),
                    points: mine,
                    computed: 0,
                    already_complete: true,
                });
            }
            // Nothing of a sweep: an empty directory (made ahead, as by a job script) is
            // started in; one with other files is not written over.
            if fs::read_dir(out).map_err(io_err(out))?.next().is_some() {
                return Err(SweepError::NotASweep(out.clone()));
            }
        }
    }

    validate_points(&plan, opts.shard)?;

    fs::create_dir_all(out).map_err(io_err(out))?;
    let expected = identity(sweep, opts.shard);
    let header = table::header(&sweep.parameter_names(), &sweep.spec.metrics);
    let (mut file, resumed) = open_partial(&partial, &expected, &header, opts)?;
    if resumed > mine {
        return Err(SweepError::Resume {
            dir: out.clone(),
            message: format!("{PARTIAL} holds {resumed} rows but the shard has {mine} points"),
        });
    }

    // 0 lets rayon choose, as every other command does; the manifest records what it chose.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .expect("a thread pool can be built");
    let threads = pool.current_num_threads();
    let spec = &sweep.spec;
    let mut last_sync = Instant::now();
    progress(&Progress {
        done: resumed,
        total: mine,
        resumed,
        elapsed: clock.elapsed(),
    });
    let todo = opts.shard.indices(total).skip(resumed as usize);
    for (done, i) in (resumed + 1..).zip(todo) {
        let point = plan.point(i);
        let scenario = plan.scenario(&point)?;
        let setup = Setup::new(&scenario);
        let config = RunConfig {
            rollouts: spec.rollouts,
            seed: point.seed,
            threads,
            first: 0,
        };
        let groups = pool.install(|| engine::run_groups(&setup, &config, spec.groups()));
        let measured: Vec<Measured> = spec
            .metrics
            .iter()
            .map(|m| metrics::measure(*m, &groups))
            .collect();
        file.write_all(table::row(&point, &measured).as_bytes())
            .map_err(io_err(&partial))?;
        if last_sync.elapsed() >= SYNC_EVERY {
            file.sync_data().map_err(io_err(&partial))?;
            last_sync = Instant::now();
        }
        progress(&Progress {
            done,
            total: mine,
            resumed,
            elapsed: clock.elapsed(),
        });
    }
    file.sync_all().map_err(io_err(&partial))?;
    drop(file);

    // points.csv: the partial file without its identity line.
    let tmp = out.join(".points.csv.tmp");
    {
        let mut reader = BufReader::new(File::open(&partial).map_err(io_err(&partial))?);
        let mut first = String::new();
        reader.read_line(&mut first).map_err(io_err(&partial))?;
        let mut dst = File::create(&tmp).map_err(io_err(&tmp))?;
        std::io::copy(&mut reader, &mut dst).map_err(io_err(&tmp))?;
        dst.sync_all().map_err(io_err(&tmp))?;
    }
    let points_csv = out.join("points.csv");
    fs::rename(&tmp, &points_csv).map_err(io_err(&points_csv))?;
    let name = sweep_name(&sweep.file);
    if opts.shard.count == 1 {
        analysis::write(out, spec, &name)?;
    }
    #[cfg(feature = "parquet")]
    super::parquet::write(out)?;
    let m = SweepManifest {
        command: opts.command.clone(),
        version: crate::manifest::VERSION.to_string(),
        git_commit: crate::manifest::GIT_COMMIT.to_string(),
        sweep_file: sweep.file.display().to_string(),
        sweep_sha256: sweep.sha256.clone(),
        design: spec.design.key().to_string(),
        points: total,
        shard: (opts.shard.count > 1).then_some(opts.shard),
        points_here: mine,
        resumed_points: resumed,
        rollouts: spec.rollouts,
        seed: spec.seed,
        common_seed: spec.common_seed,
        threads,
        months: sweep.base.months,
        posts: sweep.base.total_posts(),
        scenario_file: sweep.scenario_path.display().to_string(),
        scenario_sha256: crate::manifest::scenario_sha256(&sweep.base),
        started: crate::manifest::rfc3339(started),
        finished: crate::manifest::rfc3339(SystemTime::now()),
        elapsed_seconds: clock.elapsed().as_secs_f64(),
        merged_from: Vec::new(),
        sweep: sweep.text.clone(),
        scenario: sweep.base.clone(),
    };
    write_atomic(&out.join("manifest.json"), manifest::to_json(&m).as_bytes())?;
    fs::remove_file(&partial).map_err(io_err(&partial))?;
    Ok(Finished {
        dir: out.clone(),
        points: mine,
        computed: mine - resumed,
        already_complete: false,
    })
}

/// Loads the scenario of every point of `shard`, so that a point the scenario rules reject
/// stops the sweep before its first rollout rather than hours into it.
pub fn validate_points(plan: &Plan, shard: Shard) -> Result<u64, SweepError> {
    let mut n = 0;
    for i in shard.indices(plan.points()) {
        plan.scenario(&plan.point(i))?;
        n += 1;
    }
    Ok(n)
}

/// A finished directory met by `--resume` must hold this very sweep and shard.
fn check_finished(out: &Path, sweep: &Sweep, shard: Shard) -> Result<(), SweepError> {
    let path = out.join("manifest.json");
    let text = fs::read_to_string(&path).map_err(|source| SweepError::Read {
        path: path.clone(),
        source,
    })?;
    let m: SweepManifest = serde_json::from_str(&text).map_err(|e| SweepError::Resume {
        dir: out.to_path_buf(),
        message: format!("manifest.json is not a sweep manifest ({e})"),
    })?;
    // The same identity as a partial file's first line: a finished sweep of an edited base
    // scenario, or from another version or commit, is not this sweep's result.
    let found: Vec<(String, String)> = vec![
        ("sweep".into(), m.sweep_sha256.clone()),
        ("scenario".into(), m.scenario_sha256.clone()),
        ("rollouts".into(), m.rollouts.to_string()),
        ("shard".into(), m.shard.unwrap_or(Shard::ALL).to_string()),
        ("version".into(), m.version.clone()),
        ("commit".into(), m.git_commit.clone()),
    ];
    let diffs = differences(&found, &identity(sweep, shard));
    if diffs.is_empty() {
        return Ok(());
    }
    Err(SweepError::Resume {
        dir: out.to_path_buf(),
        message: format!(
            "{} holds a finished sweep of {}; choose another --out",
            path.display(),
            listed(&diffs)
        ),
    })
}

/// Opens `points.partial.csv` for appending: fresh (identity and header written), or on resume
/// checked against this sweep, cut after its last complete row, and counted.
fn open_partial(
    partial: &Path,
    expected: &[(String, String)],
    header: &str,
    opts: &Options,
) -> Result<(File, u64), SweepError> {
    let dir = &opts.out;
    let identity = line_of(expected);
    let identity = identity.as_str();
    if opts.resume && partial.exists() {
        let bytes = fs::read(partial).map_err(|source| SweepError::Read {
            path: partial.to_path_buf(),
            source,
        })?;
        let good = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
        let text = String::from_utf8_lossy(&bytes[..good]);
        let mut lines = text.split_inclusive('\n');
        let first = lines.next();
        let second = lines.next();
        if let Some(first) = first
            && first != identity
        {
            let message = match parse_identity(first) {
                None => format!(
                    "the first line of {} is not a sweep identity line (`{}`): the file is damaged; rerun without --resume into a new directory",
                    partial.display(),
                    first.trim_end()
                ),
                Some(found) => {
                    let diffs = differences(&found, expected);
                    format!(
                        "{} was written for {}: its rows would not be this run's; {}",
                        partial.display(),
                        if diffs.is_empty() {
                            format!("another run (`{}`)", first.trim_end())
                        } else {
                            listed(&diffs)
                        },
                        resume_advice(&found, &diffs)
                    )
                }
            };
            return Err(SweepError::Resume {
                dir: dir.clone(),
                message,
            });
        }
        if second.is_some() && second != Some(header) {
            return Err(SweepError::Resume {
                dir: dir.clone(),
                message: format!("the header of {PARTIAL} does not match the sweep file"),
            });
        }
        if let (Some(_), Some(_)) = (first, second) {
            let columns = header.split(',').count();
            let mut rows = 0u64;
            for line in lines {
                let expected = opts.shard.index + rows * opts.shard.count;
                if table::row_index(line) != Some(expected) || line.split(',').count() != columns {
                    return Err(SweepError::Resume {
                        dir: dir.clone(),
                        message: format!(
                            "row {} of {PARTIAL} is not point {expected}: the file is damaged; rerun without --resume into a new directory",
                            rows + 1
                        ),
                    });
                }
                rows += 1;
            }
            let file = OpenOptions::new()
                .write(true)
                .open(partial)
                .map_err(io_err(partial))?;
            file.set_len(good as u64).map_err(io_err(partial))?;
            drop(file);
            let file = OpenOptions::new()
                .append(true)
                .open(partial)
                .map_err(io_err(partial))?;
            return Ok((file, rows));
        }
        // Killed before the header was complete: start the file again.
    }
    let mut file = File::create(partial).map_err(io_err(partial))?;
    file.write_all(identity.as_bytes())
        .and_then(|_| file.write_all(header.as_bytes()))
        .and_then(|_| file.sync_all())
        .map_err(io_err(partial))?;
    Ok((file, 0))
}
