//! The levers the reference scenario leaves off (docs/model.md, *`[levers]`*), each checked for
//! the direction the documentation gives it, with common random numbers: rollout k of both
//! scenarios draws from the streams of `(seed, k)`, so the paired difference has a small standard
//! error. Where a lever's documented effect is that some parameter stops mattering, the test is
//! exact instead: the two runs must be identical rollout for rollout.
//!
//! Bounds: a paired difference `d̄` of n rollouts has standard error `SE = sqrt(var(d)/n)` (see
//! [`common::Paired::se`]). A lever "moves the share" when `d̄` exceeds `Z = 3` SEs in the
//! documented direction (one-sided, a 0.13% false-alarm chance under no effect) and also a
//! minimum effect stated per test. Each N was picked after measuring the effect so that the
//! expected effect is at least about ten SEs; the measured values are in each test's comment.

mod common;

use common::{Paired, load};
use partnersim::engine::{self, RunConfig};
use partnersim::model::{Setup, Stage};
use partnersim::scenario::Scenario;
use partnersim::stats::Aggregate;

/// Standard errors a lever's effect must exceed.
const Z: f64 = 3.0;

fn aggregate(s: &Scenario, n: u64, seed: u64) -> Aggregate {
    engine::run(&Setup::new(s), &RunConfig::new(n, seed, 0), &|_| {})
}

/// `better` raises the share ever well established over `base` by more than `Z` SEs of the
/// paired difference and by at least `min_effect`.
fn raises(base: &Scenario, better: &Scenario, n: u64, min_effect: f64, what: &str) -> Paired {
    let p = Paired::run(base, better, n, 77);
    let (d, se) = (p.diff(), p.se());
    assert!(
        d > Z * se && d >= min_effect,
        "{what}: share {:.4} -> {:.4} (paired difference {d:.4}, SE {se:.4}, N = {n}); \
         expected a rise of more than {Z} SE and at least {min_effect}",
        p.base as f64 / n as f64,
        p.other as f64 / n as f64
    );
    p
}

// --- co-location ---------------------------------------------------------------------------

/// Co-located models need accommodation to leave setting up (docs/model.md, *Gates*): with no
/// chance of finding it, no rollout ever starts to deliver.
#[test]
fn co_location_without_accommodation_never_leaves_setting_up() {
    let base = load("scenarios/centre_based.toml");
    assert_eq!(
        base.levers.co_location,
        Some(true),
        "centre-based is co-located"
    );
    let mut stuck = base.clone();
    stuck.params.progress.accommodation_rate = 0.0;
    let n = 1_000;
    let agg = aggregate(&stuck, n, 5);
    for (m, row) in agg.stage_by_month.iter().enumerate() {
        for stage in [
            Stage::StartingToDeliver,
            Stage::Developing,
            Stage::WellEstablished,
        ] {
            assert_eq!(
                row[stage.index()],
                0,
                "month {m}: {} rollouts in {} without accommodation",
                row[stage.index()],
                stage.key()
            );
        }
    }
    assert_eq!(agg.reached_by(agg.months), 0);
    // And it is the gate that holds them: many wait in setting up, and with the default chance
    // of accommodation (0.15 a month) most get through. Measured at N = 1,000: 0.74 -> 0, SE
    // 0.014 (53 SE).
    assert!(agg.final_stage[Stage::SettingUp.index()] > n / 2);
    raises(
        &stuck,
        &base,
        n,
        0.3,
        "accommodation 0 -> 0.15 when co-located",
    );
}

/// Without co-location accommodation is not needed, so its chance changes nothing at all (the
/// milestone draws are taken every month either way).
#[test]
fn accommodation_does_not_matter_without_co_location() {
    let mut apart = load("scenarios/centre_based.toml");
    apart.levers.co_location = Some(false);
    let mut never = apart.clone();
    never.params.progress.accommodation_rate = 0.0;
    let a = aggregate(&apart, 600, 6);
    assert_eq!(a, aggregate(&never, 600, 6));
    assert!(a.reached_by(a.months) > 0);
}

// --- pooled budget -------------------------------------------------------------------------

/// Pooling protects money from withdrawal, leaves one fund-holder and helps resolve challenges
/// (docs/model.md, `pooled_budget`): the share rises. Measured at N = 3,000: 0.64 -> 0.76, SE
/// 0.006 (19 SE).
#[test]
fn a_pooled_budget_raises_the_share() {
    let base = load("scenarios/reference.toml");
    let pooled = load("scenarios/what-if/pooled-budget.toml");
    assert!(pooled.levers.pooled_budget && !base.levers.pooled_budget);
    raises(&base, &pooled, 3_000, 0.05, "pooled budget");
}

/// "Protected from withdrawal": with every stream pooled, how much an agency would withdraw
/// under pressure (`pressure_withdrawal`) changes nothing, rollout for rollout; without pooling
/// it does.
#[test]
fn pooled_money_is_not_withdrawn_under_pressure() {
    let n = 600;
    for (rel, pooled) in [
        ("scenarios/what-if/pooled-budget.toml", true),
        ("scenarios/reference.toml", false),
    ] {
        let mut none = load(rel);
        none.params.funding.pressure_withdrawal = 0.0;
        let mut all = none.clone();
        all.params.funding.pressure_withdrawal = 1.0;
        let (a, b) = (aggregate(&none, n, 9), aggregate(&all, n, 9));
        if pooled {
            assert_eq!(a, b, "{rel}: pooled money was withdrawn under pressure");
        } else {
            assert_ne!(a, b, "{rel}: withdrawal has no effect even without pooling");
        }
    }
}

// --- independent chair ---------------------------------------------------------------------

/// An independent chair adds leadership and relieves the management challenge: the share
/// rises. Measured at N = 10,000: 0.625 -> 0.651, SE 0.0018 (14 SE).
#[test]
fn an_independent_chair_raises_the_share() {
    let base = load("scenarios/reference.toml");
    let chair = load("scenarios/what-if/independent-chair.toml");
    assert!(chair.levers.independent_chair && !base.levers.independent_chair);
    raises(&base, &chair, 10_000, 0.01, "independent chair");
}

/// The chair's leadership (`chair_bonus`) is part of that rise: with a chair, a bonus of 0.15
/// instead of 0 raises the share (measured at N = 10,000: +0.014, SE 0.0014, 10 SE); without a
/// chair the bonus changes nothing.
#[test]
fn the_chairs_leadership_bonus_raises_the_share() {
    let chair = load("scenarios/what-if/independent-chair.toml");
    assert!(chair.params.progress.chair_bonus > 0.1);
    let mut no_bonus = chair.clone();
    no_bonus.params.progress.chair_bonus = 0.0;
    raises(&no_bonus, &chair, 10_000, 0.005, "chair_bonus 0 -> 0.15");

    let mut without = load("scenarios/reference.toml");
    without.levers.independent_chair = false;
    let mut big = without.clone();
    big.params.progress.chair_bonus = 1.0;
    assert_eq!(aggregate(&without, 600, 3), aggregate(&big, 600, 3));
}

// --- protocols -----------------------------------------------------------------------------

/// Protocols speed trust and understanding, remove the information-sharing penalty and soften
/// departures: the share rises. Measured at N = 3,000: 0.64 -> 0.85, SE 0.008 (28 SE).
#[test]
fn protocols_raise_the_share() {
    let base = load("scenarios/reference.toml");
    let mut with = base.clone();
    with.levers.protocols = true;
    raises(&base, &with, 3_000, 0.05, "protocols");
}

/// Protocols embed links so that key-person setbacks and departures' trust loss are softened by
/// `protocol_embedding` (docs/model.md 3.3): with protocols on, embedding 0.6 instead of 0 raises
/// the share. Measured at N = 3,000: 0.72 -> 0.85, SE 0.006 (21 SE).
#[test]
fn protocol_embedding_softens_setbacks() {
    let mut with = load("scenarios/reference.toml");
    with.levers.protocols = true;
    assert_eq!(with.params.progress.protocol_embedding, 0.6);
    let mut bare = with.clone();
    bare.params.progress.protocol_embedding = 0.0;
    raises(&bare, &with, 3_000, 0.05, "protocol_embedding 0 -> 0.6");
}

/// At full embedding the softening is complete: `ℓ = … · (1 − e)` and the key-person setback's
/// `key_loss_progress · (1 − e)` and `key_loss_drop · (1 − e)` vanish, so a departure's trust
/// loss and a key loss's setback parameters change nothing. Without protocols they do.
#[test]
fn full_embedding_makes_departures_cost_no_trust_and_key_losses_no_progress() {
    let n = 600;
    let mut base = load("scenarios/what-if/higher-turnover.toml");
    base.params.progress.protocol_embedding = 1.0;
    for protocols in [true, false] {
        base.levers.protocols = protocols;
        let mut no_loss = base.clone();
        no_loss.params.staffing.trust_loss_per_departure = 0.0;
        let mut full_loss = base.clone();
        full_loss.params.staffing.trust_loss_per_departure = 1.0;
        let mut no_setback = base.clone();
        no_setback.params.progress.key_loss_progress = 0.0;
        no_setback.params.progress.key_loss_drop = 0.0;
        let mut full_setback = base.clone();
        full_setback.params.progress.key_loss_progress = 1.0;
        full_setback.params.progress.key_loss_drop = 1.0;
        let trust = (aggregate(&no_loss, n, 4), aggregate(&full_loss, n, 4));
        let setback = (aggregate(&no_setback, n, 4), aggregate(&full_setback, n, 4));
        if protocols {
            assert_eq!(
                trust.0, trust.1,
                "departures cost trust despite full embedding"
            );
            assert_eq!(
                setback.0, setback.1,
                "key losses set back progress despite full embedding"
            );
        } else {
            assert_ne!(
                trust.0, trust.1,
                "trust loss has no effect without protocols"
            );
            assert_ne!(
                setback.0, setback.1,
                "setbacks have no effect without protocols"
            );
        }
    }
}
