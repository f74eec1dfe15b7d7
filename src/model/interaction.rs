//! Process 4: contacts between agencies build trust (slowed by culture distance) and
//! understanding; joint training, protocols and co-location speed both; communication quality
//! combines trust, contact and information sharing and falls with dispersion (reference §3–4).

use super::draw::uniform;
use super::{MAX_AGENCIES, Setup, State};

#[inline]
pub(super) fn interaction<R: rand::Rng>(s: &Setup, st: &mut State, rng: &mut R) {
    let ip = &s.params.interaction;
    let boost =
        1.0 + if s.joint_training {
            ip.joint_training_boost
        } else {
            0.0
        } + if s.protocols { ip.protocol_boost } else { 0.0 };
    let coordinator_factor = match s.coordinator_post {
        Some(p) if !st.filled[p] => ip.coordinator_absent_factor,
        _ => 1.0,
    };
    let mut per_person = [0.0f64; MAX_AGENCIES];
    let mut agency_trust = [0.0f64; MAX_AGENCIES];
    let mut trust_sum = 0.0;
    let mut contact_sum = 0.0;
    for k in 0..s.n_pairs {
        let u = uniform(rng); // one draw per pair per month
        let (a, b) = (s.pair[k].0 as usize, s.pair[k].1 as usize);
        let (na, nb) = (st.filled_count[a] as f64, st.filled_count[b] as f64);
        let mut contacts = 0.0;
        if na > 0.0 && nb > 0.0 {
            let time = 0.5
                * (st.contribution[a] / na * s.agency[a].n_posts as f64
                    + st.contribution[b] / nb * s.agency[b].n_posts as f64);
            contacts = s.contact_rate
                * (na * nb).sqrt()
                * time
                * coordinator_factor
                * if s.pair_outside[k] {
                    ip.outside_council_factor
                } else {
                    1.0
                }
                * (1.0 - 0.5 * ip.contact_noise + ip.contact_noise * u);
            per_person[a] += contacts / na;
            per_person[b] += contacts / nb;
        }
        let t = &mut st.trust[k];
        let gain =
            ip.trust_gain * contacts * boost / (1.0 + ip.culture_slowdown * s.pair_distance[k]);
        *t += (1.0 - *t) * (1.0 - (-gain).exp());
        *t *= 1.0 - ip.trust_decay;
        st.contacts[k] = contacts;
        trust_sum += *t;
        agency_trust[a] += *t;
        agency_trust[b] += *t;
        contact_sum += contacts;
    }
    let u_boost = boost
        + if s.co_location {
            ip.co_location_boost
        } else {
            0.0
        };
    let mut people = 0.0;
    for a in 0..s.n_agencies {
        let g = 1.0 - (-ip.understanding_gain * per_person[a] * u_boost).exp();
        let ag = &s.agency[a];
        // The mean is of understanding before this month's gain: what the staff brought to the
        // month, read by the roles challenge and the understanding factor.
        let mut before = 0.0;
        for p in ag.first_post as usize..(ag.first_post + ag.n_posts) as usize {
            if st.filled[p] {
                before += st.understanding[p];
                st.understanding[p] += (1.0 - st.understanding[p]) * g;
            }
        }
        let filled = st.filled_count[a];
        st.understanding_mean[a] = if filled > 0 {
            before / f64::from(filled)
        } else {
            0.0
        };
        people += f64::from(filled);
    }
    let partners = (s.n_agencies - 1) as f64;
    for a in 0..s.n_agencies {
        st.agency_trust[a] = agency_trust[a] / partners;
    }
    let mean_trust = trust_sum / s.n_pairs as f64;
    let sufficiency = if people > 0.0 {
        (2.0 * contact_sum / people / ip.communication_contact_need).min(1.0)
    } else {
        0.0
    };
    let dispersion = s.dispersion * ip.dispersion_penalty * if s.co_location { 0.5 } else { 1.0 };
    let sharing = if s.protocols {
        1.0
    } else {
        1.0 - ip.no_protocol_penalty
    };
    st.quality =
        ((0.5 * mean_trust + 0.5 * sufficiency) * (1.0 - dispersion) * sharing).clamp(0.0, 1.0);
}
