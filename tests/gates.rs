//! Months held at a closed gate (`held_at_gate` in summary.json, "Held at a gate" in the report,
//! `= held at the gate` in the trace): a month that ends with its stage's progress complete but
//! the stage not left. The lowest factor only sets the pace, so without this a run stuck at a
//! gate was reported as slowed by whichever factor happened to be lowest.

mod common;

use assert_cmd::Command;
use common::{load, path};
use partnersim::engine::{self, RunConfig};
use partnersim::model::{Event, Observer, Setup, Stage, State};
use partnersim::scenario::Scenario;
use partnersim::stats::{Aggregate, Summary};

/// Months ended with complete progress before well established, by stage, seen by this test's
/// own observer, which also checks that no such month left its stage: the count is of gates
/// found closed.
#[derive(Default)]
struct Held([u32; Stage::GATED], bool);

impl Observer for Held {
    fn event(&mut self, _month: u32, event: Event) {
        if matches!(event, Event::Advanced { .. }) {
            self.1 = true;
        }
    }

    fn month_end(&mut self, _setup: &Setup, state: &State) {
        if state.progress >= 1.0 && state.stage < Stage::WellEstablished {
            assert!(!self.1, "month {} advanced yet counts as held", state.month);
            self.0[state.stage.index()] += 1;
        }
        self.1 = false;
    }
}

/// The reference with Education's strategic commitment too low for common aims ever to be
/// agreed: rollouts that finish planning wait at its gate to the horizon.
fn stuck(dir: &std::path::Path) -> std::path::PathBuf {
    let file = dir.join("stuck.toml");
    std::fs::write(
        &file,
        format!(
            "extends = {:?}\n[agencies.education]\ncommitment_strategic = 0.2\nbudget_pressure = 0.9\n",
            path("scenarios/reference.toml")
        ),
    )
    .unwrap();
    file
}

/// Each rollout's count equals its own month-by-month history, and the aggregate is their sum.
fn check(s: &Scenario, n: u64, seed: u64) -> [u64; Stage::GATED] {
    let setup = Setup::new(s);
    let mut state = State::default();
    let mut total = [0u64; Stage::GATED];
    for k in 0..n {
        let mut held = Held::default();
        let outcome = engine::simulate(
            &setup,
            &mut state,
            &mut engine::streams_for(seed, k),
            &mut held,
        );
        assert_eq!(outcome.held_at_gate, held.0, "{}: rollout {k}", s.name);
        for (t, h) in total.iter_mut().zip(held.0) {
            *t += u64::from(h);
        }
    }
    let agg: Aggregate = engine::run(&setup, &RunConfig::new(n, seed, 2), &|_| {});
    assert_eq!(
        agg.held_at_gate, total,
        "{}: the aggregate is the sum",
        s.name
    );
    total
}

#[test]
fn held_months_are_those_ended_with_complete_progress_at_a_closed_gate() {
    let reference = load("scenarios/reference.toml");
    let held = check(&reference, 300, 5);
    // The reference waits at some gate (key staff or funding in setting up, the criteria in
    // developing) but not everywhere.
    assert!(held.iter().sum::<u64>() > 0, "{held:?}");

    let tmp = tempfile::tempdir().unwrap();
    let s = Scenario::from_file(&stuck(tmp.path())).unwrap();
    let held = check(&s, 300, 5);
    let (planning, later) = (Stage::Planning.index(), Stage::SettingUp.index());
    assert!(held[planning] > 0, "{held:?}");
    assert!(
        held[later..].iter().all(|&h| h == 0),
        "no rollout gets past planning: {held:?}"
    );
    let summary = Summary::new(
        &s.name,
        s.model.key(),
        5,
        &engine::run(&Setup::new(&s), &RunConfig::new(300, 5, 1), &|_| {}),
    );
    let share = |key: &str| {
        summary
            .held_at_gate
            .0
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
            .unwrap()
    };
    // Most months are spent waiting for common aims; the lowest factor is common aims too, but
    // that only says what set the pace before.
    assert!(share("planning") > 0.5, "{}", share("planning"));
}

#[test]
fn the_report_and_the_trace_name_the_gate() {
    let tmp = tempfile::tempdir().unwrap();
    let file = stuck(tmp.path());
    let out = tmp.path().join("out");
    Command::cargo_bin("partnersim")
        .unwrap()
        .args(["run", file.to_str().unwrap(), "--rollouts", "100", "--out"])
        .arg(&out)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let held = summary["held_at_gate"].as_object().unwrap();
    let mut keys: Vec<&str> = held.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "developing",
            "idea",
            "planning",
            "setting_up",
            "starting_to_deliver"
        ]
    );
    assert!(held["planning"].as_f64().unwrap() > 0.5, "{held:?}");
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains("Most often held at the gate out of <strong>planning</strong>"),
        "report lacks the gate"
    );
    let trace = Command::cargo_bin("partnersim")
        .unwrap()
        .args(["trace", file.to_str().unwrap()])
        .output()
        .unwrap();
    let trace = String::from_utf8(trace.stdout).unwrap();
    assert!(
        trace.contains("= held at the gate: planning waits for common aims"),
        "{trace}"
    );
}

/// The trace's two formats agree with the engine: the CSV's `held_at_gate` column is 1 in
/// exactly the months the text marks "= held at the gate", and they add up to the rollout's
/// `Outcome::held_at_gate`.
#[test]
fn the_trace_csv_marks_the_same_months_as_the_text_and_the_engine() {
    use partnersim::trace::{TraceFormat, trace};
    let tmp = tempfile::tempdir().unwrap();
    let s = Scenario::from_file(&stuck(tmp.path())).unwrap();
    let mut total = 0;
    for k in 0..20 {
        let (csv, outcome) = trace(&s, 1, k, TraceFormat::Csv);
        let mut lines = csv.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let col = header.iter().position(|h| *h == "held_at_gate").unwrap();
        let month = header.iter().position(|h| *h == "month").unwrap();
        let csv_months: Vec<String> = lines
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|f| f[col] == "1")
            .map(|f| f[month].to_string())
            .collect();
        let (text, _) = trace(&s, 1, k, TraceFormat::Text);
        let mut text_months = Vec::new();
        let mut current = String::new();
        for l in text.lines() {
            if let Some(rest) = l.strip_prefix("month ") {
                current = rest.split_whitespace().next().unwrap().to_string();
            } else if l.trim_start().starts_with("= held at the gate:") {
                text_months.push(current.clone());
            }
        }
        assert_eq!(csv_months, text_months, "rollout {k}");
        assert_eq!(
            csv_months.len() as u32,
            outcome.held_at_gate.iter().sum::<u32>(),
            "rollout {k}"
        );
        total += csv_months.len();
    }
    assert!(total > 0, "the stuck scenario is held at its gate");
}
