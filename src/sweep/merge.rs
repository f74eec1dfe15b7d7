//! `partnersim merge`: shard directories → one result directory with the same `points.csv`,
//! `sensitivity.json` and charts as the unsharded sweep. Shards must come from the same sweep
//! file, base scenario, rollouts and partnersim version, and together hold every point exactly
//! once. Rows are merged as streams (memory grows with the number of shards, not of points).

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Lines, Write};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use super::error::{SweepError, io_err};
use super::manifest::{self, SweepManifest};
use super::run::{PARTIAL, sweep_name};
use super::spec::Spec;
use super::{analysis, table};
use crate::output::Staging;

/// What a merge did.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The result directory, moved into place at `out` only once everything was written.
    pub dir: PathBuf,
    /// Points in the merged `points.csv`: the whole plan.
    pub points: u64,
    /// Shard directories read.
    pub shards: usize,
}

fn read_manifest(dir: &Path) -> Result<SweepManifest, SweepError> {
    if dir.join(PARTIAL).exists() {
        return Err(SweepError::Merge(format!(
            "the shard in {} is not finished ({PARTIAL} is there): rerun it with --resume",
            dir.display()
        )));
    }
    let path = dir.join("manifest.json");
    let text = fs::read_to_string(&path).map_err(|source| SweepError::Read {
        path: path.clone(),
        source,
    })?;
    serde_json::from_str(&text)
        .map_err(|e| SweepError::Merge(format!("{} is not a sweep manifest: {e}", path.display())))
}

/// One shard's rows, read one at a time.
struct Rows {
    dir: PathBuf,
    lines: Lines<BufReader<File>>,
    current: Option<(u64, String)>,
}

impl Rows {
    fn advance(&mut self) -> Result<(), SweepError> {
        self.current = match self.lines.next() {
            None => None,
            Some(line) => {
                let line = line.map_err(|source| SweepError::Read {
                    path: self.dir.join("points.csv"),
                    source,
                })?;
                let index = table::row_index(&line).ok_or_else(|| {
                    SweepError::Merge(format!(
                        "{}: a row does not start with a point index",
                        self.dir.join("points.csv").display()
                    ))
                })?;
                Some((index, line))
            }
        };
        Ok(())
    }
}

/// Merges the shard directories `dirs` into `out`, which must not exist.
pub fn merge(dirs: &[PathBuf], out: &Path, command: &str) -> Result<Merged, SweepError> {
    let started = SystemTime::now();
    let clock = Instant::now();
    if dirs.is_empty() {
        return Err(SweepError::Merge("no shard directories given".into()));
    }
    let manifests = dirs
        .iter()
        .map(|d| read_manifest(d))
        .collect::<Result<Vec<_>, _>>()?;
    let first = &manifests[0];
    for (dir, m) in dirs.iter().zip(&manifests).skip(1) {
        let differ = |what: &str, a: &str, b: &str| {
            SweepError::Merge(format!(
                "{} and {} come from different {what} ({a} and {b}); merge shards of one sweep run",
                dirs[0].display(),
                dir.display()
            ))
        };
        if m.sweep_sha256 != first.sweep_sha256 {
            return Err(differ(
                "sweep files",
                &format!("{} sha256 {}", first.sweep_file, short(&first.sweep_sha256)),
                &format!("{} sha256 {}", m.sweep_file, short(&m.sweep_sha256)),
            ));
        }
        if m.version != first.version {
            return Err(differ("partnersim versions", &first.version, &m.version));
        }
        if m.scenario_sha256 != first.scenario_sha256 {
            return Err(differ(
                "base scenarios",
                short(&first.scenario_sha256),
                short(&m.scenario_sha256),
            ));
        }
        if m.rollouts != first.rollouts {
            return Err(differ(
                "rollouts per point",
                &first.rollouts.to_string(),
                &m.rollouts.to_string(),
            ));
        }
    }
    let mut spec = Spec::parse(&first.sweep, Path::new(&first.sweep_file))?;
    spec.rollouts = first.rollouts;
    let total = spec.points();
    let names: Vec<String> = spec.parameters.iter().map(|p| p.path.clone()).collect();
    let header = table::header(&names, &spec.metrics);

    let mut shards = Vec::new();
    for dir in dirs {
        let path = dir.join("points.csv");
        let file = File::open(&path).map_err(|source| SweepError::Read {
            path: path.clone(),
            source,
        })?;
        let mut lines = BufReader::new(file).lines();
        let head = lines
            .next()
            .transpose()
            .map_err(|source| SweepError::Read {
                path: path.clone(),
                source,
            })?
            .unwrap_or_default();
        if format!("{head}\n") != header {
            return Err(SweepError::Merge(format!(
                "{}: the header does not match the sweep file",
                path.display()
            )));
        }
        let mut rows = Rows {
            dir: dir.clone(),
            lines,
            current: None,
        };
        rows.advance()?;
        shards.push(rows);
    }

    let staging = Staging::begin(out, false)?;
    let points_csv = staging.dir().join("points.csv");
    {
        let mut dst =
            std::io::BufWriter::new(File::create(&points_csv).map_err(io_err(&points_csv))?);
        dst.write_all(header.as_bytes())
            .map_err(io_err(&points_csv))?;
        let mut expected = 0u64;
        let mut last_dir: Option<PathBuf> = None;
        loop {
            let next = shards
                .iter()
                .enumerate()
                .filter_map(|(k, s)| s.current.as_ref().map(|(i, _)| (*i, k)))
                .min();
            let Some((index, k)) = next else { break };
            if index < expected {
                return Err(SweepError::Merge(format!(
                    "point {index} appears more than once (in {} and {}); give each shard directory once",
                    last_dir.map_or_else(String::new, |d| d.display().to_string()),
                    shards[k].dir.display()
                )));
            }
            if index >= total {
                return Err(SweepError::Merge(format!(
                    "{} holds point {index}, beyond the plan's {total} points",
                    shards[k].dir.display()
                )));
            }
            if index > expected {
                return Err(missing(expected, total, dirs));
            }
            let (_, line) = shards[k].current.take().expect("picked a current row");
            dst.write_all(line.as_bytes())
                .and_then(|_| dst.write_all(b"\n"))
                .map_err(io_err(&points_csv))?;
            last_dir = Some(shards[k].dir.clone());
            shards[k].advance()?;
            expected += 1;
        }
        if expected < total {
            return Err(missing(expected, total, dirs));
        }
        dst.flush().map_err(io_err(&points_csv))?;
    }

    let name = sweep_name(Path::new(&first.sweep_file));
    analysis::write(staging.dir(), &spec, &name)?;
    #[cfg(feature = "parquet")]
    super::parquet::write(staging.dir())?;
    let m = SweepManifest {
        command: command.to_string(),
        shard: None,
        points_here: total,
        resumed_points: 0,
        started: crate::manifest::rfc3339(started),
        finished: crate::manifest::rfc3339(SystemTime::now()),
        elapsed_seconds: clock.elapsed().as_secs_f64(),
        merged_from: dirs.iter().map(|d| d.display().to_string()).collect(),
        threads: manifests.iter().map(|m| m.threads).max().unwrap_or(1),
        ..first.clone()
    };
    staging.write("manifest.json", manifest::to_json(&m))?;
    let dir = staging.commit()?;
    Ok(Merged {
        dir,
        points: total,
        shards: dirs.len(),
    })
}

fn missing(index: u64, total: u64, dirs: &[PathBuf]) -> SweepError {
    SweepError::Merge(format!(
        "point {index} of {total} is in none of the shard directories ({}): a shard is missing or incomplete",
        dirs.iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// The first 12 characters of a hash for messages; the whole string when a damaged manifest holds
/// a shorter one (slicing would panic, and a damaged manifest is exactly what merge must report).
fn short(hash: &str) -> &str {
    hash.char_indices()
        .nth(12)
        .map_or(hash, |(i, _)| &hash[..i])
}
