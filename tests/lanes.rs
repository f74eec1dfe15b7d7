//! The lanes step (model::lanes) gives every rollout the bits of the scalar step: the whole
//! state of each lane after every month equals the scalar state of that rollout, on every shipped
//! scenario and a four-agency fixture; and `simulate_lanes` reports each rollout's outcome and
//! every month's stage as `simulate` does, under every kernel, for rollout counts that leave
//! lanes idle or start new rollouts in them mid-run.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{load, shipped};
use partnersim::engine::{Kernel, Outcome, simulate_lanes_with, simulate_with, streams_for};
use partnersim::model::lanes::{self, LANES, LaneState};
use partnersim::model::{Event, Observer, Setup, Stage, State};

const SEED: u64 = 47;

/// Every shipped scenario and every fixture (a four-agency one, and extremes: an ideal
/// initiative, an uncommitted one, steady money, one where the lead and the funding fold
/// together).
fn files() -> Vec<String> {
    let mut files = shipped();
    for fixture in [
        "four_agencies",
        "ideal",
        "uncommitted",
        "steady_money",
        "lead_and_funding_fold_together",
    ] {
        files.push(format!("tests/fixtures/{fixture}.toml"));
    }
    files
}

/// Every file of [`files`] compiled, two variants of the reference scenario that fold in the ways
/// no shipped scenario does (partners below a floor they cannot reach; every post vacant from the
/// start with a one-month limit on vacant key staff), and one with no months at all.
fn setups() -> Vec<(String, Setup)> {
    let mut setups: Vec<(String, Setup)> = files()
        .into_iter()
        .map(|f| {
            let setup = Setup::new(&load(&f));
            (f, setup)
        })
        .collect();
    let reference = Setup::new(&load("scenarios/reference.toml"));
    let mut partners = reference.clone();
    partners.params.folding.partner_commitment_floor = 0.95;
    setups.push(("reference, partner floor 0.95".to_string(), partners));
    let mut vacant = reference;
    vacant.params.folding.key_staff_months = 1;
    for agency in &mut vacant.agency {
        agency.initial_vacancy = 1.0;
    }
    setups.push(("reference, all posts vacant".to_string(), vacant.clone()));
    // Validation requires at least one month, but a `Setup` built in code may have none.
    let mut none = vacant;
    none.months = 0;
    setups.push(("reference, no months".to_string(), none));
    setups
}

/// Counts the scalar step's events by kind (a setback and a fold also by cause), so that the
/// test can show that every rare path, which the lanes run as scalar code for one lane, was
/// compared.
#[derive(Default)]
struct Kinds(BTreeMap<String, u64>);

impl Observer for Kinds {
    fn event(&mut self, _month: u32, event: Event) {
        let kind = match event {
            Event::Setback { cause, .. } => format!("Setback {cause:?}"),
            Event::Folded { cause } => format!("Folded {cause:?}"),
            other => format!("{other:?}")
                .split([' ', '{'])
                .next()
                .unwrap_or_default()
                .to_string(),
        };
        *self.0.entry(kind).or_default() += 1;
    }
}

/// The scalar state as a lane reports it: `ln_memo` is a cache whose contents differ by design.
fn comparable(state: &State) -> String {
    let mut s = state.clone();
    s.ln_memo = State::default().ln_memo;
    format!("{s:#?}")
}

/// The first line where two `{:#?}` renderings differ, for the failure message.
fn first_difference(a: &str, b: &str) -> String {
    a.lines()
        .zip(b.lines())
        .find(|(x, y)| x != y)
        .map_or("(lengths differ)".to_string(), |(x, y)| {
            format!("scalar {} / lane {}", x.trim(), y.trim())
        })
}

#[test]
fn every_lane_follows_the_scalar_step_month_by_month() {
    const BATCHES: u64 = 6;
    let mut counts = BTreeSet::new();
    let mut compared = 0u64;
    let mut kinds = Kinds::default();
    for (file, setup) in setups() {
        counts.insert(setup.n_agencies);
        for batch in 0..BATCHES {
            let mut lanes = LaneState::default();
            let mut scalar = Vec::new();
            let mut scalar_rng = Vec::new();
            let mut lane_rng = Vec::new();
            for l in 0..LANES {
                let mut rng = streams_for(SEED, batch * LANES as u64 + l as u64);
                let mut state = State::default();
                state.reset(&setup, &mut rng);
                lanes.set(l, &state);
                lane_rng.push(rng.clone());
                scalar_rng.push(rng);
                scalar.push(state);
            }
            let mut lane_rng: [_; LANES] = lane_rng.try_into().unwrap();
            let mut live = [true; LANES];
            for month in 1..=setup.months {
                lanes::step(&setup, &mut lanes, &mut lane_rng);
                for l in 0..LANES {
                    if !live[l] {
                        continue;
                    }
                    partnersim::model::step(&setup, &mut scalar[l], &mut scalar_rng[l], &mut kinds);
                    let (want, got) = (comparable(&scalar[l]), format!("{:#?}", lanes.get(l)));
                    assert!(
                        want == got,
                        "{file}: rollout {} differs in lane {l} after month {month}: {}",
                        batch * LANES as u64 + l as u64,
                        first_difference(&want, &got)
                    );
                    compared += 1;
                    live[l] = scalar[l].folded.is_none();
                }
            }
        }
    }
    // Each agency count has its own compiled copy of the step.
    assert_eq!(counts, BTreeSet::from([2, 3, 4, 5]));
    assert!(compared > 1000, "{compared}");
    // Every path that runs as scalar code in one lane happened in some compared month.
    for kind in [
        "Departure",
        "Appointment",
        "FundingStarted",
        "FundingRenewed",
        "FundingMainstreamed",
        "FundingEnded",
        "Reorganisation",
        "ChallengeRaised",
        "ChallengeResolved",
        "Advanced",
        "Setback KeyPersonLost",
        "Setback FundingCliff",
        "Folded LeadCommitment",
        "Folded Funding",
        "Folded PartnerWithdrawal",
        "Folded KeyStaff",
    ] {
        assert!(
            kinds.0.get(kind).is_some_and(|&n| n > 0),
            "no {kind} in any compared month: {:?}",
            kinds.0
        );
    }
}

/// Counts each month's stage, as the engine's stage recorder does.
struct Stages(Vec<[u64; Stage::COUNT]>);

impl Observer for Stages {
    fn month_end(&mut self, _setup: &Setup, state: &State) {
        self.0[state.month as usize][state.stage.index()] += 1;
    }
}

#[test]
fn simulate_lanes_reports_what_simulate_does_under_every_kernel() {
    let kernels: Vec<Kernel> = Kernel::ALL.into_iter().filter(|k| k.supported()).collect();
    let mut folded = 0;
    let mut state = State::default();
    for (file, setup) in setups() {
        let months = setup.months as usize;
        // None, fewer than the lanes, and enough that lanes start new rollouts mid-run.
        for (first, n) in [(0u64, 0u64), (3, 1), (10, 3), (5, 45)] {
            let mut want: Vec<(u64, Outcome)> = Vec::new();
            let mut want_stages = Stages(vec![[0; Stage::COUNT]; months + 1]);
            for i in first..first + n {
                let mut rng = streams_for(SEED, i);
                let o = simulate_with(
                    Kernel::Portable,
                    &setup,
                    &mut state,
                    &mut rng,
                    &mut want_stages,
                );
                folded += u64::from(o.fold.is_some());
                want.push((i, o));
            }
            for &kernel in &kernels {
                let mut lanes = LaneState::default();
                let mut got = Vec::new();
                let mut stages = vec![[0; Stage::COUNT]; months + 1];
                simulate_lanes_with(
                    kernel,
                    &setup,
                    &mut lanes,
                    &mut state,
                    first..first + n,
                    |i| streams_for(SEED, i),
                    &mut stages,
                    |i, o| got.push((i, o)),
                );
                got.sort_by_key(|&(i, _)| i);
                assert_eq!(
                    got,
                    want,
                    "{file}, {} kernel, rollouts {first}+{n}",
                    kernel.name()
                );
                assert_eq!(stages, want_stages.0, "{file}, {} kernel", kernel.name());
            }
        }
    }
    // Some scenario folds, so a lane is restarted before the horizon.
    assert!(folded > 0);
}
