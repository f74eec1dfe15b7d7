//! `partnersim merge`: shard directories → one result directory with the same `points.csv`,
//! `sensitivity.json` and charts as the unsharded sweep. Shards must come from the same sweep
//! file, base scenario, rollouts, partnersim version and git commit, and together hold every point exactly
//! once. Rows are merged as streams (memory grows with the number of shards, not of points).

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use super::error::{SweepError, io_err};
use super::manifest::{self, SweepManifest};
use super::run::{PARTIAL, sweep_name};
use super::spec::Spec;
use super::{analysis, short, table};
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

/// The manifest of the shard directory `dir`. A directory that does not exist is a missing input
/// ([`SweepError::Read`], exit 4); one that exists but is not a finished shard (not a directory,
/// no `manifest.json`, or `points.partial.csv` still there) is invalid input ([`SweepError::Merge`],
/// exit 3).
fn read_manifest(dir: &Path) -> Result<SweepManifest, SweepError> {
    match fs::metadata(dir) {
        Err(source) => {
            return Err(SweepError::Read {
                path: dir.to_path_buf(),
                source,
            });
        }
        Ok(meta) if !meta.is_dir() => {
            return Err(SweepError::Merge(format!(
                "{} is not a directory: give the directories that `partnersim sweep --shard I/N` wrote",
                dir.display()
            )));
        }
        Ok(_) => {}
    }
    if dir.join(PARTIAL).exists() {
        return Err(SweepError::Merge(format!(
            "the shard in {} is not finished ({PARTIAL} is there): rerun it with --resume",
            dir.display()
        )));
    }
    let path = dir.join("manifest.json");
    let text = fs::read_to_string(&path).map_err(absent_is_invalid(
        &path,
        format!(
            "{} is not a shard directory: it has no manifest.json (a shard writes one when it finishes); give the directories that `partnersim sweep --shard I/N` wrote",
            dir.display()
        ),
    ))?;
    serde_json::from_str(&text)
        .map_err(|e| SweepError::Merge(format!("{} is not a sweep manifest: {e}", path.display())))
}

/// One shard's rows, read one at a time, each checked as it is read so that a damaged row is
/// reported in the shard's own file, at its own line.
struct Rows {
    dir: PathBuf,
    /// The shard's `points.csv`, named in messages.
    path: PathBuf,
    reader: BufReader<File>,
    /// 1-based line in `path` of the row last read (the header is line 1).
    line: u64,
    /// The header's column names: a row has as many fields.
    columns: Vec<String>,
    current: Option<(u64, String)>,
}

impl Rows {
    fn advance(&mut self) -> Result<(), SweepError> {
        let mut line = String::new();
        let read = self
            .reader
            .read_line(&mut line)
            .map_err(|source| SweepError::Read {
                path: self.path.clone(),
                source,
            })?;
        if read == 0 {
            self.current = None;
            return Ok(());
        }
        self.line += 1;
        let at = |message: String| {
            SweepError::Merge(format!("{}:{}: {message}", self.path.display(), self.line))
        };
        let Some(text) = line.strip_suffix('\n') else {
            return Err(at(
                "the last row is cut short (the file does not end with a newline): the shard was not written whole; run it again".into(),
            ));
        };
        let text = text.strip_suffix('\r').unwrap_or(text);
        let index = check_row(text, &self.columns).map_err(at)?;
        self.current = Some((index, text.to_string()));
        Ok(())
    }
}

/// Checks one row of `points.csv` against the header's `columns` as the analysis will read it
/// ([`table::columns`]): as many fields as columns, a point index and a seed, and a number (or
/// `true`/`false`) in every other field. Returns the point index, or what is wrong.
fn check_row(text: &str, columns: &[String]) -> Result<u64, String> {
    if text.is_empty() {
        return Err("the line is empty, not a row".into());
    }
    let fields: Vec<&str> = text.split(',').collect();
    if fields.len() != columns.len() {
        return Err(format!(
            "the row has {} columns but the header has {}",
            fields.len(),
            columns.len()
        ));
    }
    let index = table::row_index(text)
        .ok_or_else(|| format!("`{}` in column `point` is not a point index", fields[0]))?;
    for (k, (field, column)) in fields.iter().zip(columns).enumerate().skip(1) {
        let ok = if k == 1 {
            field.parse::<u64>().is_ok()
        } else {
            matches!(*field, "true" | "false") || field.parse::<f64>().is_ok()
        };
        if !ok {
            let what = if k == 1 { "a seed" } else { "a number" };
            return Err(format!("`{field}` in column `{column}` is not {what}"));
        }
    }
    Ok(index)
}

/// Maps an error reading a file of a shard directory that exists: the file being absent is the
/// directory's fault (`message`, invalid input), anything else a read error of `path`.
fn absent_is_invalid(path: &Path, message: String) -> impl FnOnce(std::io::Error) -> SweepError {
    let path = path.to_path_buf();
    move |source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            SweepError::Merge(message)
        } else {
            SweepError::Read { path, source }
        }
    }
}

/// Opens the `points.csv` of shard directory `dir`, checks its header against `header` and reads
/// its first row. A shard directory without `points.csv` is damaged (invalid input, exit 3).
fn open_rows(dir: &Path, header: &str, columns: &[String]) -> Result<Rows, SweepError> {
    let path = dir.join("points.csv");
    let file = File::open(&path).map_err(absent_is_invalid(
        &path,
        format!(
            "{} has a manifest.json but no points.csv: the shard is damaged; run it again into a new directory",
            dir.display()
        ),
    ))?;
    let mut reader = BufReader::new(file);
    let mut head = String::new();
    reader
        .read_line(&mut head)
        .map_err(|source| SweepError::Read {
            path: path.clone(),
            source,
        })?;
    let head = head.strip_suffix('\n').unwrap_or(&head);
    let head = head.strip_suffix('\r').unwrap_or(head);
    if format!("{head}\n") != header {
        return Err(SweepError::Merge(format!(
            "{}:1: the header does not match the sweep file",
            path.display()
        )));
    }
    let mut rows = Rows {
        dir: dir.to_path_buf(),
        path,
        reader,
        line: 1,
        columns: columns.to_vec(),
        current: None,
    };
    rows.advance()?;
    Ok(rows)
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
    // The merge computes sensitivity.json, and its manifest records the shards' commit: the
    // shards' build must be this one, or that record would be false.
    if first.git_commit != crate::manifest::GIT_COMMIT {
        return Err(SweepError::Merge(format!(
            "{} records partnersim git commit {} but this partnersim is commit {}: the merge computes the sensitivity analysis, so merge with the binary that ran the shards",
            dirs[0].join("manifest.json").display(),
            first.git_commit,
            crate::manifest::GIT_COMMIT
        )));
    }
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
        // Compared exactly as recorded: `unknown` (built outside git) matches `unknown`, and a
        // `-dirty` build matches a `-dirty` build of the same commit.
        if m.git_commit != first.git_commit {
            return Err(SweepError::Merge(format!(
                "{} records partnersim git commit {} but {} records commit {}: rows computed by different builds may differ; run every shard with one binary, then merge",
                dirs[0].join("manifest.json").display(),
                first.git_commit,
                dir.join("manifest.json").display(),
                m.git_commit
            )));
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
    let spec = Spec::parse_with(
        &first.sweep,
        Path::new(&first.sweep_file),
        Some(first.rollouts),
    )?;
    let total = spec.points();
    let names: Vec<String> = spec.parameters.iter().map(|p| p.path.clone()).collect();
    let header = table::header(&names, &spec.metrics);
    let columns: Vec<String> = header.trim_end().split(',').map(String::from).collect();

    let mut shards = Vec::new();
    for dir in dirs {
        shards.push(open_rows(dir, &header, &columns)?);
    }

    let staging = Staging::begin_new(out)?;
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
                return Err(recounted(
                    &shards,
                    &manifests,
                    SweepError::Merge(format!(
                        "point {index} appears more than once (in {} and again at {}:{}); give each shard directory once",
                        last_dir.map_or_else(String::new, |d| d.display().to_string()),
                        shards[k].path.display(),
                        shards[k].line
                    )),
                ));
            }
            if index >= total {
                return Err(recounted(
                    &shards,
                    &manifests,
                    SweepError::Merge(format!(
                        "{}:{}: point {index} is beyond the plan's {total} points",
                        shards[k].path.display(),
                        shards[k].line
                    )),
                ));
            }
            if index > expected {
                return Err(recounted(
                    &shards,
                    &manifests,
                    missing(expected, total, dirs),
                ));
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
            return Err(recounted(
                &shards,
                &manifests,
                missing(expected, total, dirs),
            ));
        }
        // Every shard is read to its end here: its rows must be as many as its manifest says,
        // even when the points are all there (rows moved between shards are not those shards).
        for (rows, m) in shards.iter().zip(&manifests) {
            check_count(rows, m, rows.line - 1)?;
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

/// A shard whose `points.csv` holds another number of rows than its manifest's `points_here`
/// lost or gained rows after it finished: named, with both counts.
fn check_count(rows: &Rows, m: &SweepManifest, count: u64) -> Result<(), SweepError> {
    if count == m.points_here {
        return Ok(());
    }
    Err(SweepError::Merge(format!(
        "{} holds {count} rows but {} records points_here = {}{}: the file {} after the shard finished; run that shard again into a new directory",
        rows.path.display(),
        rows.dir.join("manifest.json").display(),
        m.points_here,
        m.shard.map(|s| format!(" (shard {s})")).unwrap_or_default(),
        if count < m.points_here {
            "lost rows"
        } else {
            "gained rows"
        }
    )))
}

/// `error`, unless a shard's row count disagrees with its manifest: a point missing or
/// repeated is then that shard's damage, and the shard is named instead. Counting reads the
/// shards again, but only on this error path; a clean merge reads each shard once.
fn recounted(shards: &[Rows], manifests: &[SweepManifest], error: SweepError) -> SweepError {
    for (rows, m) in shards.iter().zip(manifests) {
        let count = File::open(&rows.path)
            .map(|f| BufReader::new(f).lines().count() as u64)
            .unwrap_or(m.points_here + 1);
        // The header is the first line.
        if let Err(named) = check_count(rows, m, count.saturating_sub(1)) {
            return named;
        }
    }
    error
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    /// Four LHS points of one parameter, one metric: rows of 2 + 1 + 4 columns.
    const SWEEP: &str = "scenario = \"reference.toml\"\ndesign = \"lhs\"\nsamples = 4\nrollouts = 10\nmetrics = [\"folded\"]\n[[parameter]]\npath = \"months\"\nmin = 12\nmax = 24\n";
    const HEADER: &str =
        "point,seed,months,folded_estimate,folded_ci_low,folded_ci_high,folded_noise_var\n";

    /// A valid row of point `i`.
    fn row(i: u64) -> String {
        format!("{i},7,{},0.25,0.1,0.4,0.001\n", 12 + 3 * i)
    }

    /// Writes a shard directory `name` under `root` holding `points` (everything after the
    /// header) and a manifest of [`SWEEP`].
    fn shard(root: &Path, name: &str, points: &str) -> PathBuf {
        let dir = root.join(name);
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("points.csv"), format!("{HEADER}{points}")).unwrap();
        let scenario = Scenario::from_file(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/reference.toml"),
        )
        .unwrap();
        let m = SweepManifest {
            command: "partnersim sweep s.toml".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            git_commit: crate::manifest::GIT_COMMIT.into(),
            sweep_file: "s.toml".into(),
            sweep_sha256: "0123456789abcdef".into(),
            design: "lhs".into(),
            points: 4,
            shard: None,
            points_here: points.lines().count() as u64,
            resumed_points: 0,
            rollouts: 10,
            seed: 0,
            common_seed: true,
            threads: 1,
            months: scenario.months,
            posts: 0,
            scenario_file: "reference.toml".into(),
            scenario_sha256: "fedcba9876543210".into(),
            started: "2024-01-01T00:00:00Z".into(),
            finished: "2024-01-01T00:00:01Z".into(),
            elapsed_seconds: 1.0,
            merged_from: Vec::new(),
            sweep: SWEEP.into(),
            scenario,
        };
        fs::write(dir.join("manifest.json"), manifest::to_json(&m)).unwrap();
        dir
    }

    /// The error merging `dirs` into `root/out`, after checking that nothing was written.
    fn refused(root: &Path, dirs: &[PathBuf]) -> String {
        let out = root.join("out");
        let err = merge(dirs, &out, "partnersim merge").unwrap_err();
        assert!(!out.exists(), "{err}");
        let left: Vec<_> = fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        err.to_string()
    }

    #[test]
    fn valid_shards_merge_in_point_order() {
        let tmp = tempfile::tempdir().unwrap();
        let t = tmp.path();
        // Booleans, NaN and exponents are numbers as the analysis reads them.
        let odd = row(1).replace(",0.25,", ",NaN,") + &row(3).replace(",15,", ",true,");
        let a = shard(t, "a", &(row(0) + &row(2).replace("0.001", "1e-5")));
        let b = shard(t, "b", &odd);
        let merged = merge(&[b, a], &t.join("out"), "partnersim merge").unwrap();
        assert_eq!(merged.points, 4);
        let text = fs::read_to_string(t.join("out/points.csv")).unwrap();
        let index: Vec<_> = text.lines().skip(1).map(table::row_index).collect();
        assert_eq!(index, [Some(0), Some(1), Some(2), Some(3)]);
        assert!(t.join("out/sensitivity.json").exists());
    }

    #[test]
    fn a_value_that_is_not_a_number_is_reported_in_the_shard_at_its_line() {
        let tmp = tempfile::tempdir().unwrap();
        let t = tmp.path();
        let a = shard(t, "a", &(row(0) + &row(2)));
        let c1 = shard(t, "c1", &(row(1) + &row(3).replace("0.4", "abc")));
        let err = refused(t, &[a, c1]);
        let file = t.join("c1").join("points.csv");
        assert!(
            err.contains(&format!("{}:3: ", file.display())),
            "names the shard's file and line: {err}"
        );
        assert!(
            err.contains("`abc` in column `folded_ci_high` is not a number"),
            "{err}"
        );
        assert!(!err.contains("partial"), "{err}");
    }

    #[test]
    fn a_bad_seed_or_point_index_is_reported_at_its_line() {
        let tmp = tempfile::tempdir().unwrap();
        let t = tmp.path();
        let a = shard(t, "a", &(row(0) + &row(1).replacen(",7,", ",x7,", 1)));
        let err = refused(t, &[a]);
        assert!(err.contains("a/points.csv:3: "), "{err}");
        assert!(err.contains("`x7` in column `seed` is not a seed"), "{err}");

        let tmp = tempfile::tempdir().unwrap();
        let t = tmp.path();
        let a = shard(t, "a", &format!("{}p1{}", row(0), &row(1)[1..]));
        let err = refused(t, &[a]);
        assert!(err.contains("a/points.csv:3: "), "{err}");
        assert!(err.contains("`p1` in column `point`"), "{err}");
    }

    #[test]
    fn torn_rows_and_extra_columns_are_reported_at_their_line() {
        let tmp = tempfile::tempdir().unwrap();
        let t = tmp.path();
        let a = shard(t, "a", &(row(0) + &row(2)));
        // An extra column in the third row (line 4).
        let extra = row(1) + &row(3) + &row(5).replace('\n', ",9\n");
        let b = shard(t, "b", &extra);
        let err = refused(t, &[a.clone(), b]);
        assert!(err.contains("b/points.csv:4: "), "{err}");
        assert!(
            err.contains("the row has 8 columns but the header has 7"),
            "{err}"
        );

        // A row torn inside a field: too few columns.
        let torn = row(1) + &row(3)[..9] + "\n";
        fs::write(t.join("b/points.csv"), format!("{HEADER}{torn}")).unwrap();
        let err = refused(t, &[a.clone(), t.join("b")]);
        assert!(err.contains("b/points.csv:3: the row has"), "{err}");

        // A last row cut short without its newline, however many columns it kept.
        let cut = row(1) + row(3).trim_end();
        fs::write(t.join("b/points.csv"), format!("{HEADER}{cut}")).unwrap();
        let err = refused(t, &[a.clone(), t.join("b")]);
        assert!(
            err.contains("b/points.csv:3: the last row is cut short"),
            "{err}"
        );

        // An empty line.
        fs::write(
            t.join("b/points.csv"),
            format!("{HEADER}{}\n{}", row(1), row(3)),
        )
        .unwrap();
        let err = refused(t, &[a, t.join("b")]);
        assert!(err.contains("b/points.csv:3: the line is empty"), "{err}");
    }

    #[test]
    fn a_shard_with_fewer_rows_than_its_manifest_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        let t = tmp.path();
        let a = shard(t, "a", &(row(0) + &row(2)));
        let b = shard(t, "b", &(row(1) + &row(3)));
        // Point 1 lost from b after it finished: b's manifest still says 2 rows.
        fs::write(b.join("points.csv"), format!("{HEADER}{}", row(3))).unwrap();
        let err = refused(t, &[a.clone(), b.clone()]);
        assert!(
            err.contains(&format!(
                "{} holds 1 rows but {} records points_here = 2: the file lost rows",
                b.join("points.csv").display(),
                b.join("manifest.json").display()
            )),
            "{err}"
        );
        // A row gained (here a copy of a row of a) is named the same way.
        fs::write(
            b.join("points.csv"),
            format!("{HEADER}{}{}{}", row(1), row(2), row(3)),
        )
        .unwrap();
        let err = refused(t, &[a, b]);
        assert!(err.contains("holds 3 rows but"), "{err}");
        assert!(err.contains("the file gained rows"), "{err}");
    }

    #[test]
    fn an_existing_out_is_refused_without_offering_force() {
        let tmp = tempfile::tempdir().unwrap();
        let t = tmp.path();
        let a = shard(t, "a", &(row(0) + &row(1) + &row(2) + &row(3)));
        let out = t.join("out");
        fs::create_dir(&out).unwrap();
        let err = merge(std::slice::from_ref(&a), &out, "partnersim merge").unwrap_err();
        assert!(err.is_output(), "exit 5: {err:?}");
        let err = err.to_string();
        assert!(
            err.contains("already exists; choose another --out or remove it"),
            "{err}"
        );
        assert!(!err.contains("--force"), "{err}");
        fs::remove_dir(&out).unwrap();
        fs::write(&out, "precious").unwrap();
        let err = merge(&[a], &out, "partnersim merge").unwrap_err();
        assert!(err.is_output(), "exit 5: {err:?}");
        assert!(err.to_string().contains("is not a directory"), "{err}");
        assert_eq!(fs::read_to_string(&out).unwrap(), "precious");
    }
}
