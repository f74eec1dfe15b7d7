//! `partnersim trace` explains a folded rollout: the events that led to it, the folding clock
//! month by month, and the reason in words; and it is the rollout `run` simulates.

use std::path::Path;

use partnersim::engine::{self, RunConfig};
use partnersim::model::{FoldCause, Setup};
use partnersim::scenario::Scenario;
use partnersim::trace::{TraceFormat, trace};

fn load(rel: &str) -> Scenario {
    Scenario::from_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The first of the first `n` rollouts under `seed` that folds, with its trace.
fn first_folded(s: &Scenario, seed: u64, n: u64) -> Option<(u64, String, FoldCause, u32)> {
    (0..n).find_map(|k| {
        let (text, outcome) = trace(s, seed, k, TraceFormat::Text);
        outcome.fold.map(|(cause, month)| (k, text, cause, month))
    })
}

#[test]
fn a_trace_explains_a_folded_rollout() {
    // Case study 6 folds when its time-limited project money ends together (about 1 in 20).
    let s = load("scenarios/case-studies/6-mental-health-strategy.toml");
    let (k, text, cause, month) = first_folded(&s, 1, 400).expect("a folded rollout");
    let outcome = text.lines().last().unwrap();
    assert!(
        outcome.starts_with(&format!(
            "outcome: folded in month {month}: {}",
            cause.key()
        )),
        "{outcome}"
    );
    assert!(
        outcome.contains("months in a row"),
        "reason in words: {outcome}"
    );
    assert!(text.contains(&format!("FOLDED: {}", cause.key())));
    // The folding clock counts up to the fold, one line a month.
    let risks: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("! fold risk:"))
        .collect();
    assert!(!risks.is_empty(), "no fold-risk lines in rollout {k}");
    assert!(
        risks
            .iter()
            .any(|l| l.contains("(6 of 6 months)") || l.contains("(12 of 12 months)")),
        "{risks:?}"
    );
    // It is exactly the rollout `run` simulates: the same index alone gives the same fold.
    let agg = engine::run(
        &Setup::new(&s),
        &RunConfig {
            rollouts: 1,
            seed: 1,
            threads: 1,
            first: k,
        },
        &|_| {},
    );
    assert_eq!(agg.fold_causes[cause.index()], 1);
}

#[test]
fn an_uncommitted_initiative_folds_on_its_lead() {
    let s = load("tests/fixtures/uncommitted.toml");
    let (_, text, cause, _) = first_folded(&s, 1, 5).expect("folds at once");
    assert_eq!(cause, FoldCause::LeadCommitment);
    assert!(
        text.contains("lead agency education's commitment"),
        "{text}"
    );
    assert!(text.contains("the lead agency's commitment stayed below its floor"));
}
