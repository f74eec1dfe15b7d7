//! Process 6: the seven challenges of Table 6.1. Each arises with a hazard proportional to a
//! driver read from the state, has a severity, is felt by one agency at one level, adds to that
//! agency's unresolved issues, drags progress while active, and resolves with a probability set
//! by the weakest commitment, communication, leadership and pooled funding (reference §3–4).

use super::draw::below;
use super::kinds::{ChallengeKind, Milestone, Stage};
use super::{Event, MAX_AGENCIES, Observer, Setup, State, pairs};

const NC: usize = ChallengeKind::COUNT;

#[inline(always)]
pub(super) fn challenges<const NA: usize, R: rand::Rng, O: Observer>(
    s: &Setup,
    st: &mut State,
    rng: &mut R,
    obs: &mut O,
) {
    let cp = &s.params.challenges;
    let (drivers, affected) = drivers::<NA>(s, st);
    let [wc, wq, wl, wp] = cp.resolution_weights;
    let capacity = wc * st.weakest + wq * st.quality + wl * st.leadership + wp * st.pooled_share;
    for a in 0..NA {
        st.unresolved[a] *= 1.0 - cp.issue_decay;
    }
    let mut drag = 0.0;
    for (k, kind) in ChallengeKind::ALL.iter().enumerate() {
        let [rate, severity_scale, resolution] = s.challenge[k];
        let u = rng.next_u32(); // one draw per kind per month
        if !st.challenge_active[k] {
            if below(u, rate * drivers[k]) {
                let severity = (severity_scale * (0.5 + drivers[k])).min(1.0);
                let agency = affected[k];
                st.challenge_active[k] = true;
                st.severity[k] = severity;
                st.challenge_agency[k] = agency as u8;
                st.challenges_met |= 1 << k;
                st.unresolved[agency] = (st.unresolved[agency] + cp.issue_gain * severity).min(1.0);
                obs.event(
                    st.month,
                    Event::ChallengeRaised {
                        kind: *kind,
                        agency: agency as u8,
                        level: kind.level(),
                        severity,
                    },
                );
            }
        } else if below(u, resolution * capacity * (1.0 - 0.5 * drivers[k])) {
            let agency = st.challenge_agency[k] as usize;
            st.challenge_active[k] = false;
            st.unresolved[agency] =
                (st.unresolved[agency] - cp.issue_gain * st.severity[k]).max(0.0);
            st.severity[k] = 0.0;
            obs.event(
                st.month,
                Event::ChallengeResolved {
                    kind: *kind,
                    agency: agency as u8,
                },
            );
        }
        if st.challenge_active[k] {
            drag += st.severity[k];
        }
    }
    st.drag = drag.min(1.0);
}

/// Each kind's driver (0..1) and the agency that feels it most.
#[inline(always)]
fn drivers<const NA: usize>(s: &Setup, st: &State) -> ([f64; NC], [usize; NC]) {
    let cp = &s.params.challenges;
    let n = NA;
    let mut d = [0.0; NC];
    let mut who = [s.lead; NC];

    // Per-agency readings, each with the agency where it is worst, in one pass over agencies.
    let mut clash = [0.0f64; MAX_AGENCIES];
    for k in 0..pairs(NA) {
        let v = s.pair_distance[k] * (1.0 - st.trust[k]);
        let (a, b) = s.pair[k];
        clash[a as usize] = clash[a as usize].max(v);
        clash[b as usize] = clash[b as usize].max(v);
    }
    let mut pressure = Worst::default();
    let mut misfit = Worst::default();
    let mut short = Worst::default();
    let mut confusion = Worst::default();
    let mut isolation = Worst::default();
    let mut reluctance = Worst::default();
    let mut cultures = Worst::default();
    for (a, &clash) in clash.iter().enumerate().take(n) {
        pressure.offer(st.pressure[a], a);
        misfit.offer((1.0 - s.agency[a].alignment) * st.pressure[a], a);
        short.offer(1.0 - st.contribution[a], a);
        confusion.offer(1.0 - st.understanding_mean[a], a);
        isolation.offer(1.0 - st.agency_trust[a], a);
        reluctance.offer(1.0 - st.commitment_strategic[a], a);
        cultures.offer(clash, a);
    }

    // Fiscal: shortfall, conflict between fund-holders without a pool, sustainability.
    let conflict = if st.fund_holders >= 2 && st.pooled_share < 0.5 {
        cp.fiscal_conflict
    } else {
        0.0
    };
    let needs_money = s.required[st.stage.index().min(5)] > 0.0;
    d[0] = if needs_money {
        (1.0 - st.funding_factor).max(conflict).max(st.ending_share)
    } else {
        0.0
    };
    who[0] = pressure.1;
    // Roles: low understanding, worse where roles overlap or merge.
    d[1] = confusion.0 * s.roles_scale;
    who[1] = confusion.1;
    // Competing priorities: misalignment times budget pressure.
    d[2] = misfit.0.min(1.0);
    who[2] = misfit.1;
    // Non-fiscal resources: vacancies, time pulled back, no accommodation where needed.
    let accommodation =
        if s.co_location && st.stage >= Stage::SettingUp && !st.has(Milestone::Accommodation) {
            cp.accommodation_weight
        } else {
            0.0
        };
    d[3] = (0.5 * st.vacancy_share + 0.5 * short.0 + accommodation).min(1.0);
    who[3] = short.1;
    // Communication: low quality, worse with dispersion.
    d[4] = (1.0 - st.quality) * s.communication_scale;
    who[4] = isolation.1;
    // Cultures: culture distance times low trust.
    d[5] = cultures.0;
    who[5] = cultures.1;
    // Management: no coordinator or group, several fund-holders, rapid growth.
    let mut m = 0.0;
    if !s.coordinator && !st.has(Milestone::SteeringGroup) {
        m += cp.no_manager_weight;
    }
    m += cp.fund_holder_weight * st.fund_holders.saturating_sub(1) as f64;
    if st.month.saturating_sub(st.last_advance) <= cp.growth_window && st.last_advance > 0 {
        m += cp.growth_weight;
    }
    if s.independent_chair {
        m *= 1.0 - cp.chair_relief;
    }
    d[6] = m.min(1.0);
    who[6] = reluctance.1;
    (d, who)
}

/// Largest value offered so far and the first agency that offered it.
#[derive(Clone, Copy)]
struct Worst(f64, usize);

impl Default for Worst {
    fn default() -> Self {
        Worst(f64::NEG_INFINITY, 0)
    }
}

impl Worst {
    #[inline(always)]
    fn offer(&mut self, v: f64, a: usize) {
        if v > self.0 {
            *self = Worst(v, a);
        }
    }
}
