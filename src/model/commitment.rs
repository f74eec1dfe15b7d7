//! Process 5: each agency's commitment at each level moves toward a target: its anchoring
//! commitment times a modifier of visible progress, money, relationships and leadership, less
//! retreat to core business under pressure and conflict over unresolved issues (reference §3–4).
//! Effective commitment is the geometric mean of the two levels.

use super::{Setup, State};

#[inline(always)]
pub(super) fn commitment<const NA: usize>(s: &Setup, st: &mut State) {
    let cp = &s.params.commitment;
    let small_wins = ((st.stage.index().min(5) as f64 + st.progress) * 0.2).min(1.0);
    let security = st.funding_factor * (1.0 - st.ending_share);
    let [ws0, ws1, ws2, ws3] = cp.strategic_weights;
    let [wo0, wo1, wo2, wo3] = cp.operational_weights;
    let mut weakest = 1.0f64;
    for a in 0..NA {
        let ag = &s.agency[a];
        let relationships = st.agency_trust[a];
        let workload = 1.0 - st.pressure[a] * (1.0 - ag.ring_fenced);
        let retreat =
            cp.retreat * st.pressure[a] * (1.0 - ag.alignment) + cp.conflict * st.unresolved[a];
        let lead = st.leadership - 0.5;
        let m_s = 1.0
            + ws0 * (small_wins - 0.5)
            + ws1 * (security - 0.5)
            + ws2 * (relationships - 0.5)
            + ws3 * lead
            - retreat;
        let m_o = 1.0
            + wo0 * (small_wins - 0.5)
            + wo1 * (workload - 0.5)
            + wo2 * (relationships - 0.5)
            + wo3 * lead
            - retreat;
        let target_s = (ag.commitment_strategic * m_s).clamp(0.0, 1.0);
        let target_o = (ag.commitment_operational * m_o).clamp(0.0, 1.0);
        let mut rising = cp.rate;
        if ag.directed {
            rising *= cp.directed_rate_factor;
        }
        if ag.outside {
            rising *= cp.outside_council_rate_factor;
        }
        let cs = &mut st.commitment_strategic[a];
        *cs += if target_s > *cs { rising } else { cp.rate } * (target_s - *cs);
        let co = &mut st.commitment_operational[a];
        *co += if target_o > *co { rising } else { cp.rate } * (target_o - *co);
        st.commitment[a] = (st.commitment_strategic[a] * st.commitment_operational[a]).sqrt();
        weakest = weakest.min(st.commitment[a]);
    }
    st.weakest = weakest;
}
