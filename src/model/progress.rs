//! Process 7: readiness from the nine key factors, progress through the stages, the gates
//! (including the Table 2.1 criteria for well established), setbacks, and folding.

use super::draw::chance;
use super::fastmath;
use super::kinds::{Criterion, Factor, FoldCause, Milestone, Stage};
use super::observe::SetbackCause;
use super::setup::RECIPROCAL;
use super::{Event, Observer, Setup, State, pairs};

/// Smallest factor value in the geometric mean, so that one zero factor does not make the log
/// undefined (readiness is then tiny rather than NaN).
const FACTOR_FLOOR: f64 = 1e-3;

#[inline(always)]
pub(super) fn progress<const NA: usize, R: rand::Rng, O: Observer>(
    s: &Setup,
    st: &mut State,
    rng: &mut R,
    obs: &mut O,
) {
    let pp = &s.params.progress;
    // Chance milestones: two draws a month, always.
    let found_accommodation = chance(rng, pp.accommodation_rate);
    let held_review = chance(rng, pp.review_rate);

    update_milestones::<NA>(s, st, found_accommodation, held_review);
    readiness::<NA>(s, st);

    if st.stage < Stage::WellEstablished {
        let rate = pp.stage_rate[st.stage.index()];
        st.progress = (st.progress + rate * st.readiness * (1.0 - st.drag)).min(1.0);
        if st.progress >= 1.0 && gate_open(s, st) {
            let to = st.stage.next();
            st.stage = to;
            st.progress = 0.0;
            st.last_advance = st.month;
            if to == Stage::WellEstablished && st.reached_well_established.is_none() {
                st.reached_well_established = Some(st.month);
            }
            obs.event(st.month, Event::Advanced { to });
        }
    }
    // A funding cliff during delivery drops a stage (reference §2): money falls this month from
    // at least the cliff level to below it, both judged against the requirement of the stage
    // the month began in (funding's `adequacy_before` and `funding_factor`), so that a key-person
    // setback earlier in the month cannot turn unchanged money into a cliff.
    let before = st.adequacy_before;
    if st.stage.delivering() && st.funding_factor < pp.cliff_level && before >= pp.cliff_level {
        let to = st.drop_stage();
        obs.event(
            st.month,
            Event::Setback {
                to,
                cause: SetbackCause::FundingCliff,
            },
        );
    }
    if st.stage.delivering() {
        st.months_delivering += 1;
    }
    fold::<NA, O>(s, st, obs);
}

#[inline(always)]
fn update_milestones<const NA: usize>(
    s: &Setup,
    st: &mut State,
    found_accommodation: bool,
    held_review: bool,
) {
    let pp = &s.params.progress;
    let committed = (0..NA)
        .filter(|&a| st.commitment[a] >= pp.steering_commitment)
        .count();
    if committed >= 2 && st.commitment[s.lead] >= pp.steering_commitment {
        st.milestones[Milestone::SteeringGroup.index()] = true;
    }
    if st.stage >= Stage::Planning
        && st.commitment_strategic[..NA]
            .iter()
            .all(|&c| c >= pp.aims_commitment)
    {
        st.milestones[Milestone::CommonAims.index()] = true;
    }
    st.milestones[Milestone::KeyStaffAppointed.index()] = st.key_filled == s.n_key_posts;
    // Funding is secured when the money in hand would cover delivery, not just setting up.
    let delivery = s.required[Stage::StartingToDeliver.index()];
    st.milestones[Milestone::FundingSecured.index()] =
        delivery <= 0.0 || st.available >= s.params.funding.secured_threshold * delivery;
    if s.co_location && st.stage >= Stage::SettingUp && found_accommodation {
        st.milestones[Milestone::Accommodation.index()] = true;
    }
    if st.stage.delivering()
        && st.months_delivering >= pp.review_after
        && st.key_filled == s.n_key_posts
        && held_review
    {
        st.milestones[Milestone::ReviewDone.index()] = true;
    }
    if st.pooled_share >= 0.5 {
        st.milestones[Milestone::PooledBudget.index()] = true;
    }
}

/// The nine factors of Table 7.1 and readiness, their weighted geometric mean.
#[inline(always)]
fn readiness<const NA: usize>(s: &Setup, st: &mut State) {
    let pp = &s.params.progress;
    let n = NA;
    let mut mean_c = 0.0;
    let mut involved = 0.0;
    let mut under = 0.0;
    let mut time = 0.0;
    for a in 0..n {
        mean_c += st.commitment[a];
        let (strategic, front) = st.present[a];
        let presence = if strategic && front {
            1.0
        } else if strategic || front {
            0.5
        } else {
            0.0
        };
        involved += presence * s.agency[a].involvement;
        under += st.understanding_mean[a] * st.filled_count[a] as f64;
        time += st.contribution[a];
    }
    let mean_c = mean_c * s.inv_agencies;
    let weakest = st.weakest;
    let w = pp.weakest_agency_weight;
    let aims = if st.has(Milestone::CommonAims) {
        1.0
    } else {
        pp.aims_floor
    };
    let mut trust = 0.0;
    for k in 0..pairs(NA) {
        trust += st.trust[k];
    }
    // The commitment factor is itself a weighted geometric mean: keep its logarithm.
    let ln_commitment = w * fastmath::ln(weakest.max(FACTOR_FLOOR))
        + (1.0 - w) * fastmath::ln(mean_c.max(FACTOR_FLOOR));
    let f = [
        fastmath::exp(ln_commitment),
        under * RECIPROCAL[st.filled_total as usize],
        s.mean_alignment * aims,
        st.quality,
        st.leadership,
        involved * s.inv_agencies,
        st.funding_factor,
        trust * s.inv_pairs,
        time * s.inv_agencies,
    ];
    // Both means are at least the floor, so the commitment factor is too.
    // Saturated factors are not special-cased (fastmath::ln(1) is exactly 0): a factor's
    // logarithm is skipped only when the factor has not changed since last month.
    let mut log_r = s.factor_weights[0] * ln_commitment;
    for i in 1..Factor::COUNT {
        let x = f[i].max(FACTOR_FLOOR);
        let ln = if REMEMBERED[i] {
            // Aims, leadership, involvement and funding hold their value for months at a
            // time: reuse the logarithm while the factor is unchanged (the same bits either way).
            let [last, last_ln] = st.ln_memo[i];
            if x == last {
                last_ln
            } else {
                let ln = fastmath::ln(x);
                st.ln_memo[i] = [x, ln];
                ln
            }
        } else {
            fastmath::ln(x)
        };
        log_r += s.factor_weights[i] * ln;
    }
    // The lowest factor, first in table order on ties. The lowest of the last eight is found
    // while the commitment factor's exponential is still being computed, and compared with it
    // once: tracking the index alone made each comparison wait on a reload.
    let (mut lowest, mut low) = (1, f[1]);
    for (i, &x) in f.iter().enumerate().skip(2) {
        if x < low {
            (lowest, low) = (i, x);
        }
    }
    // Not `low >= f[0]`: with a NaN either way the commitment factor stays the lowest.
    if low.partial_cmp(&f[0]) != Some(std::cmp::Ordering::Less) {
        lowest = 0;
    }
    st.factors = f;
    st.readiness = fastmath::exp(log_r);
    st.binding = Factor::ALL[lowest];
}

/// Factors whose logarithm [`readiness`] keeps from month to month, in [`Factor::ALL`] order.
const REMEMBERED: [bool; Factor::COUNT] =
    [false, false, true, false, true, true, true, false, false];

/// The gate out of the current stage (MODEL.md §3.7).
#[inline]
fn gate_open(s: &Setup, st: &State) -> bool {
    let pp = &s.params.progress;
    match st.stage {
        Stage::Idea => st.has(Milestone::SteeringGroup),
        Stage::Planning => st.has(Milestone::CommonAims),
        Stage::SettingUp => {
            st.has(Milestone::KeyStaffAppointed)
                && st.has(Milestone::FundingSecured)
                && (!s.co_location || st.has(Milestone::Accommodation))
        }
        Stage::StartingToDeliver => st.months_delivering >= pp.min_delivering_months,
        Stage::Developing => {
            let met = criteria(s, st).iter().filter(|&&c| c).count() as u32;
            met >= pp.criteria_required && max_unresolved(s, st) < pp.criteria_issues
        }
        Stage::WellEstablished | Stage::Folded => false,
    }
}

fn max_unresolved(s: &Setup, st: &State) -> f64 {
    st.unresolved[..s.n_agencies]
        .iter()
        .copied()
        .fold(0.0, f64::max)
}

/// Which of the eight Table 2.1 rationale criteria hold now, in [`Criterion::ALL`] order.
pub fn criteria(s: &Setup, st: &State) -> [bool; Criterion::COUNT] {
    let pp = &s.params.progress;
    let key_permanent = st.key_filled == s.n_key_posts
        && (0..s.n_posts).all(|p| !s.post_key[p] || st.tenure[p] >= pp.permanent_tenure);
    let time_given: f64 = st.contribution[..s.n_agencies].iter().sum::<f64>() / s.n_agencies as f64;
    [
        st.months_delivering >= pp.established_months,
        st.has(Milestone::CommonAims) && st.has(Milestone::SteeringGroup),
        st.has(Milestone::ReviewDone),
        st.weakest >= pp.criteria_commitment,
        st.has(Milestone::SurvivedPersonnelChange),
        max_unresolved(s, st) < pp.criteria_issues,
        key_permanent,
        st.months_delivering >= pp.range_months && time_given >= 0.5,
    ]
}

/// Folding: the lead's commitment, a partner's commitment, funding or key staff stay below a
/// floor for too long (MODEL.md §3.7; reference §7: two-thirds of dissolutions were over
/// funding or organisation).
#[inline(always)]
fn fold<const NA: usize, O: Observer>(s: &Setup, st: &mut State, obs: &mut O) {
    let fp = &s.params.folding;
    let bump = |counter: &mut u32, low: bool| *counter = if low { *counter + 1 } else { 0 };
    bump(
        &mut st.low_lead,
        st.commitment[s.lead] < fp.lead_commitment_floor,
    );
    let partner_low =
        (0..NA).any(|a| a != s.lead && st.commitment[a] < fp.partner_commitment_floor);
    bump(&mut st.low_partner, partner_low);
    bump(
        &mut st.low_funding,
        st.stage >= Stage::SettingUp && st.funding_factor < fp.funding_floor,
    );
    bump(&mut st.key_vacant, s.n_key_posts > 0 && st.key_filled == 0);
    let cause = if st.low_lead >= fp.months {
        Some(FoldCause::LeadCommitment)
    } else if st.low_funding >= fp.months {
        Some(FoldCause::Funding)
    } else if st.low_partner >= fp.months {
        Some(FoldCause::PartnerWithdrawal)
    } else if st.key_vacant >= fp.key_staff_months {
        Some(FoldCause::KeyStaff)
    } else {
        None
    };
    if let Some(cause) = cause {
        st.stage = Stage::Folded;
        st.folded = Some((cause, st.month));
        obs.event(st.month, Event::Folded { cause });
    }
}
