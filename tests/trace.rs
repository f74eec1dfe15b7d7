//! `partnersim trace` explains a folded rollout: the events that led to it, the folding clock
//! month by month, and the reason in words; and it is the rollout `run` simulates.

use std::path::Path;

use partnersim::engine::{self, RunConfig};
use partnersim::model::observe::SetbackCause;
use partnersim::model::{Event, FoldCause, Observer, Setup, State};
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
    // The fold is told last in its month, after the clocks that ran out, just before the outcome.
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[lines.len() - 2].trim(),
        format!("- FOLDED: {}", cause.key()),
        "{text}"
    );
    assert!(lines[lines.len() - 3].contains("! fold risk:"), "{text}");
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

/// The fold clocks at the end of each month of one rollout.
#[derive(Default)]
struct Clocks(Vec<(u32, u32, u32, u32)>);

impl Observer for Clocks {
    fn month_end(&mut self, _setup: &Setup, st: &State) {
        self.0
            .push((st.low_lead, st.low_funding, st.low_partner, st.key_vacant));
    }
}

/// Folding precedence (docs/model.md 3.7): when the lead's clock and the funding clock reach
/// `folding.months` in the same month, the cause is the lead's commitment.
#[test]
fn when_lead_and_funding_clocks_run_out_together_the_lead_is_the_cause() {
    let s = load("tests/fixtures/lead_and_funding_fold_together.toml");
    let setup = Setup::new(&s);
    let limit = s.params.folding.months;
    let mut state = State::default();
    for k in 0..50 {
        let mut clocks = Clocks::default();
        let outcome = engine::simulate(
            &setup,
            &mut state,
            &mut engine::streams_for(1, k),
            &mut clocks,
        );
        let (cause, month) = outcome.fold.expect("the fixture folds");
        let (lead, funding, partner, _) = *clocks.0.last().unwrap();
        // The fixture does what it is for: both clocks at the limit in the fold month, and the
        // partner clock not running.
        assert_eq!(
            (lead, funding, partner),
            (limit, limit, 0),
            "rollout {k}, month {month}"
        );
        assert_eq!(month, limit, "rollout {k}");
        assert_eq!(cause, FoldCause::LeadCommitment, "rollout {k}");
    }
    let (text, _) = trace(&s, 1, 0, TraceFormat::Text);
    assert!(text.contains("FOLDED: lead_commitment"), "{text}");
    for clock in [
        "lead agency education's commitment",
        "money/need (funding adequacy)",
    ] {
        assert!(
            text.lines()
                .any(|l| l.contains(clock) && l.contains(&format!("({limit} of {limit} months)"))),
            "{clock} at its limit:\n{text}"
        );
    }
    let agg = engine::run(&setup, &RunConfig::new(200, 1, 0), &|_| {});
    assert_eq!(agg.fold_causes[FoldCause::LeadCommitment.index()], 200);
}

/// A well-established initiative can drop back to developing (a funding cliff) and return; it
/// keeps the month it *first* became well established (docs/model.md 3.7, *Funding cliff*;
/// docs/outputs.md: `well_established` counts rollouts that ever got there). Case study 6 does
/// this in about one rollout in twelve.
#[test]
fn a_rollout_that_returns_to_well_established_keeps_its_first_month() {
    let s = load("scenarios/case-studies/6-mental-health-strategy.toml");
    let n = 300;
    let mut first = vec![0u64; s.months as usize + 1];
    let mut returns = 0;
    for k in 0..n {
        let (text, outcome) = trace(&s, 1, k, TraceFormat::Text);
        // Months in which the trace shows an advance to well established.
        let mut month = 0;
        let mut arrivals = Vec::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("month ") {
                month = rest.split_whitespace().next().unwrap().parse().unwrap();
            } else if line.trim() == "- advanced to well_established" {
                arrivals.push(month);
            }
        }
        assert_eq!(
            outcome.reached_well_established,
            arrivals.first().copied(),
            "rollout {k}: arrivals in months {arrivals:?}"
        );
        if let Some(&m) = arrivals.first() {
            first[m as usize] += 1;
            assert!(
                text.ends_with(&format!("well established in month {m}\n")),
                "rollout {k}: {}",
                text.lines().last().unwrap()
            );
        }
        returns += (arrivals.len() >= 2) as u32;
    }
    assert!(
        returns >= 5,
        "only {returns} rollouts returned to well established: the test needs some"
    );
    let agg = engine::run(&Setup::new(&s), &RunConfig::new(n, 1, 0), &|_| {});
    assert_eq!(agg.reached_by_month, first);
}

/// Setbacks seen in one rollout, by cause.
#[derive(Default)]
struct Setbacks {
    key_person: u32,
    cliff: u32,
}

impl Observer for Setbacks {
    fn event(&mut self, _month: u32, event: Event) {
        if let Event::Setback { cause, .. } = event {
            match cause {
                SetbackCause::KeyPersonLost => self.key_person += 1,
                SetbackCause::FundingCliff => self.cliff += 1,
            }
        }
    }
}

/// A funding cliff is money lost (docs/model.md 3.7): a key-person setback that lowers the
/// stage, and with it the money the stage needs, must not make unchanged money look like a
/// fall from above the cliff level to below it. (It did: both sides of the comparison were
/// judged against different stages' requirements, and a second drop followed in the same month.)
#[test]
fn a_key_person_setback_does_not_make_steady_money_a_cliff() {
    let s = load("tests/fixtures/steady_money.toml");
    let setup = Setup::new(&s);
    let mut state = State::default();
    let mut seen = Setbacks::default();
    for k in 0..200 {
        engine::simulate(
            &setup,
            &mut state,
            &mut engine::streams_for(1, k),
            &mut seen,
        );
    }
    // The fixture does what it is for: many key-person drops from developing.
    assert!(
        seen.key_person > 50,
        "{} key-person setbacks",
        seen.key_person
    );
    assert_eq!(seen.cliff, 0, "funding cliffs with money unchanged");
}

/// A challenge is told at its kind's level (Table 6.1) and the agency that feels it most, in words
/// that do not claim the agency has staff at that level: Health has no interface post in the
/// reference, yet may feel the interface-level communication challenge most.
#[test]
fn a_challenge_is_told_at_its_own_level_and_by_the_agency_feeling_it_most() {
    let s = load("scenarios/reference.toml");
    let lines: Vec<String> = (0..40)
        .flat_map(|k| {
            let (text, _) = trace(&s, 1, k, TraceFormat::Text);
            text.lines()
                .filter(|l| l.contains("challenge raised: "))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(!lines.is_empty(), "no challenge in 40 rollouts");
    for kind in partnersim::model::ChallengeKind::ALL {
        let level = kind.level().key();
        let article = if level == "strategic" { "a" } else { "an" };
        let wanted = format!(
            "challenge raised: {} ({article} {level}-level challenge, felt most by ",
            kind.key(),
        );
        for l in lines
            .iter()
            .filter(|l| l.contains(&format!(": {} (", kind.key())))
        {
            assert!(l.contains(&wanted), "{l}");
        }
    }
    for level in [
        "a strategic-level",
        "an operational-level",
        "an interface-level",
    ] {
        assert!(
            lines.iter().any(|l| l.contains(level)),
            "no {level}: {lines:?}"
        );
    }
}
