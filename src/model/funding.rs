//! Process 2: streams at the end of a term renew, move into the base budget or end; adequacy is
//! the money available over the money the stage requires. Under budget pressure an agency pulls
//! back its non-pooled contribution ("retreat to core business", reference §3); pooled money is
//! protected.

use super::draw::below;
use super::setup::StreamSetup;
use super::{Event, Observer, Setup, State};
use crate::scenario::FundingParams;

/// Set bits of each byte: the fund-holder count of a holder mask (x86-64's baseline has no
/// population-count instruction, and the portable fallback is a dozen operations).
const ONES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        table[i] = (i as u32).count_ones() as u8;
        i += 1;
    }
    table
};

/// What active stream `f` pays this month. An agency's own, non-pooled money is partly
/// withdrawn under budget pressure, the less the more strategically committed the agency is
/// (`agency(a)` gives that agency's pressure and strategic commitment); pooled and grant money is
/// paid in full. Shared with the lanes step, so that both compute it alike.
#[inline(always)]
pub(super) fn amount(
    f: &StreamSetup,
    fp: &FundingParams,
    agency: impl FnOnce(usize) -> (f64, f64),
) -> f64 {
    match (f.pooled, f.agency) {
        (false, Some(a)) => {
            let (pressure, commitment) = agency(a as usize);
            f.monthly * (1.0 - fp.pressure_withdrawal * pressure * (1.0 - commitment))
        }
        _ => f.monthly,
    }
}

/// The fund-holder bit of stream `f` (see `holders` in [`funding`]): the pool, all grant and
/// joint money together, or the paying agency.
#[inline(always)]
pub(super) fn holder(f: &StreamSetup) -> u32 {
    if f.pooled {
        1 << 6
    } else {
        f.agency.map_or(1 << 7, |a| 1 << a)
    }
}

#[inline(always)]
pub(super) fn funding<R: rand::Rng, O: Observer>(
    s: &Setup,
    st: &mut State,
    rng: &mut R,
    obs: &mut O,
) {
    let fp = &s.params.funding;
    let month = st.month;
    let mut available = 0.0;
    let mut pooled = 0.0;
    let mut ending = 0.0;
    let mut holders: u32 = 0; // bitmask: bit 7 = grant/joint, bit 6 = pool, bits 0..5 agencies
    let mut streams_ending = 0u8;
    let window = s.params.staffing.short_term_window;
    let sustain = s.params.challenges.sustainability_window;
    for i in 0..s.n_streams {
        let f = &s.stream[i];
        let u = rng.next_u32(); // one draw per stream per month keeps the stream aligned
        if !st.stream_active[i] && month == f.start && f.start > 0 {
            st.stream_active[i] = true;
            obs.event(month, Event::FundingStarted { stream: i as u8 });
        }
        if !st.stream_active[i] {
            continue;
        }
        if !st.stream_mainstream[i] && month == st.stream_term_end[i] {
            let pressure = f.agency.map_or(0.0, |a| st.pressure[a as usize]);
            let renewal = f.renewal * (1.0 - fp.renewal_pressure_sensitivity * pressure);
            if below(u, f.mainstream) {
                st.stream_mainstream[i] = true;
                obs.event(month, Event::FundingMainstreamed { stream: i as u8 });
            } else if below(u, f.mainstream + renewal) {
                st.stream_term_end[i] = st.stream_term_end[i].saturating_add(f.term);
                obs.event(month, Event::FundingRenewed { stream: i as u8 });
            } else {
                st.stream_active[i] = false;
                obs.event(month, Event::FundingEnded { stream: i as u8 });
                continue;
            }
        }
        let amount = amount(f, fp, |a| (st.pressure[a], st.commitment_strategic[a]));
        available += amount;
        if f.pooled {
            pooled += amount;
        }
        holders |= holder(f);
        if !st.stream_mainstream[i] {
            let left = st.stream_term_end[i].saturating_sub(month);
            if left <= window {
                streams_ending |= 1 << i;
            }
            if left <= sustain {
                ending += amount;
            }
        }
    }
    let required = s.required[st.stage.index().min(5)];
    let inv_required = s.inv_required[st.stage.index().min(5)];
    // Last month's money against this month's requirement, beside this month's: a cliff is
    // money lost, not a stage's higher needs, and both sides are judged against the stage the
    // month began in (a setback later in the month does not move them).
    (st.adequacy_before, st.adequacy) = if required > 0.0 {
        (st.available * inv_required, available * inv_required)
    } else {
        (1.0, 1.0)
    };
    st.available = available;
    st.funding_factor = st.adequacy.min(1.0);
    let per_pound = if available > 0.0 {
        1.0 / available
    } else {
        0.0
    };
    st.pooled_share = pooled * per_pound;
    st.ending_share = ending * per_pound;
    st.fund_holders = u32::from(ONES[holders as usize]);
    st.streams_ending = streams_ending;
}
