//! Every shipped scenario, snapshotted: a fixed-seed run's summary.json and stages.csv for each
//! file under scenarios/, so that a change to a lever or rule that the reference scenario does not
//! exercise still shows up. A deliberate model change updates the snapshot:
//! `UPDATE_SNAPSHOTS=1 cargo test --test shipped` and review the diff, section by section.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write;

use common::{load, path, shipped};
use partnersim::engine::{self, RunConfig};
use partnersim::export;
use partnersim::model::{Setup, Stage};
use partnersim::stats::{Summary, wilson};

const SNAPSHOT: &str = "tests/snapshots/shipped-scenarios.txt";
const ROLLOUTS: u64 = 300;
const SEED: u64 = 2024;

/// stages.csv as a table of counts, one line per month: the CSV's shares are `k / n` and its
/// intervals the Wilson intervals of `k` (checked here), so the counts stand for the whole file.
fn stage_counts(csv: &str, n: u64) -> String {
    let mut out = String::from("month");
    for stage in Stage::ALL {
        write!(out, " {}", stage.key()).unwrap();
    }
    out.push('\n');
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("month,stage,share,ci_low,ci_high"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    for (m, month) in rows.chunks(Stage::COUNT).enumerate() {
        write!(out, "{m}").unwrap();
        for (row, stage) in month.iter().zip(Stage::ALL) {
            assert_eq!(row[0], m.to_string());
            assert_eq!(row[1], stage.key());
            let share: f64 = row[2].parse().unwrap();
            let k = (share * n as f64).round();
            assert!((share * n as f64 - k).abs() < 1e-6, "{share} of {n}");
            let interval = wilson(k as u64, n);
            assert_eq!(
                (
                    row[3].parse::<f64>().unwrap(),
                    row[4].parse::<f64>().unwrap()
                ),
                (interval.ci_low, interval.ci_high)
            );
            write!(out, " {k}").unwrap();
        }
        out.push('\n');
    }
    out
}

/// The snapshot section of one scenario.
fn section(rel: &str) -> String {
    let s = load(rel);
    let agg = engine::run(&Setup::new(&s), &RunConfig::new(ROLLOUTS, SEED, 0), &|_| {});
    let summary = Summary::new(&s.name, s.model.key(), SEED, &agg);
    format!(
        "summary.json:\n{}stages.csv, as rollouts (of {ROLLOUTS}) in each stage at the end of each month:\n{}",
        export::json::summary(&summary),
        stage_counts(&export::csv::stages(&summary), ROLLOUTS)
    )
}

const HEADER: &str = "# Every shipped scenario: 300 rollouts, seed 2024 (tests/shipped.rs).\n\
# Regenerate only after a deliberate model change: UPDATE_SNAPSHOTS=1 cargo test --test shipped\n";

/// Sections keyed by scenario path, from the snapshot's text.
fn parse(text: &str) -> BTreeMap<String, String> {
    let mut sections = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("== ").and_then(|l| l.strip_suffix(" ==")) {
            if let Some((k, v)) = current.take() {
                sections.insert(k, v);
            }
            current = Some((name.to_string(), String::new()));
        } else if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    if let Some((k, v)) = current {
        sections.insert(k, v);
    }
    sections
}

#[test]
fn every_shipped_scenario_matches_its_snapshot() {
    let files = shipped();
    assert_eq!(
        files.len(),
        18,
        "the shipped scenarios changed ({files:?}); update the snapshot"
    );
    let actual: BTreeMap<String, String> = files.iter().map(|f| (f.clone(), section(f))).collect();
    let file = path(SNAPSHOT);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        let mut text = HEADER.to_string();
        for (name, body) in &actual {
            write!(text, "== {name} ==\n{body}").unwrap();
        }
        std::fs::write(&file, text).unwrap();
    }
    let expected = parse(
        &std::fs::read_to_string(&file)
            .expect("snapshot exists; create it with UPDATE_SNAPSHOTS=1"),
    );
    let mut problems = Vec::new();
    for (name, body) in &actual {
        match expected.get(name) {
            None => problems.push(format!("{name}: no section in the snapshot")),
            Some(old) if old != body => {
                let (line, (was, now)) = old
                    .lines()
                    .zip(body.lines())
                    .enumerate()
                    .find(|(_, (a, b))| a != b)
                    .map(|(i, pair)| (i + 1, pair))
                    .unwrap_or((0, ("(length)", "(length)")));
                problems.push(format!(
                    "{name}: differs first at line {line} of its section:\n    snapshot: {was}\n    now:      {now}"
                ));
            }
            Some(_) => {}
        }
    }
    for name in expected.keys().filter(|k| !actual.contains_key(*k)) {
        problems.push(format!("{name}: in the snapshot but not shipped"));
    }
    assert!(
        problems.is_empty(),
        "{} of {} shipped scenarios differ from {SNAPSHOT}; if the change is deliberate, \
         regenerate with UPDATE_SNAPSHOTS=1 and review the diff:\n{}",
        problems.len(),
        actual.len(),
        problems.join("\n")
    );
}
