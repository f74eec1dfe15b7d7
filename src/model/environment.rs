//! Process 1: budget pressure follows each agency's schedule plus AR(1) noise; a rare
//! reorganisation resets part of trust and brings agencies together (reference §5: local
//! government reorganisation was the commonest catalyst).

use super::draw::{chance, normal};
use super::{Event, Observer, Setup, State, pairs};

#[inline(always)]
pub(super) fn environment<const NA: usize, R: rand::Rng, O: Observer>(
    s: &Setup,
    st: &mut State,
    rng: &mut R,
    obs: &mut O,
) {
    let e = &s.params.environment;
    for a in 0..NA {
        let ag = &s.agency[a];
        let z = normal(rng);
        st.pressure_noise[a] =
            e.pressure_persistence * st.pressure_noise[a] + e.pressure_noise_sd * z;
        st.pressure[a] =
            (ag.pressure0 + ag.pressure_trend_monthly * st.month as f64 + st.pressure_noise[a])
                .clamp(0.0, 1.0);
    }
    if chance(rng, s.reorganisation_monthly) {
        for t in &mut st.trust[..pairs(NA)] {
            *t *= 1.0 - e.reorganisation_trust_loss;
        }
        for c in &mut st.commitment_strategic[..NA] {
            *c = (*c + e.reorganisation_commitment_boost).min(1.0);
        }
        obs.event(st.month, Event::Reorganisation);
    }
}
