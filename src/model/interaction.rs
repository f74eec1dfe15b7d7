//! Process 4: contacts between agencies build trust (slowed by culture distance) and
//! understanding; joint training, protocols and co-location speed both; communication quality
//! combines trust, contact and information sharing and falls with dispersion (reference §3–4).

use super::draw::uniform;
use super::fastmath;
use super::setup::RECIPROCAL;
use super::{Setup, State, pairs};

#[inline(always)]
pub(super) fn interaction<const NA: usize, R: rand::Rng>(s: &Setup, st: &mut State, rng: &mut R) {
    let ip = &s.params.interaction;
    let coordinator_factor = match s.coordinator_post {
        Some(p) if !st.filled[p] => ip.coordinator_absent_factor,
        _ => 1.0,
    };
    let noise_floor = 1.0 - 0.5 * ip.contact_noise;
    let mut trust_sum = 0.0;
    let mut contact_sum = 0.0;
    for k in 0..pairs(NA) {
        let u = uniform(rng); // one draw per pair per month
        let (a, b) = (s.pair[k].0 as usize, s.pair[k].1 as usize);
        let (na, nb) = (st.filled_count[a], st.filled_count[b]);
        // No contacts when either side has nobody in post: the root of the product is then 0.
        let time = 0.5 * (st.time_given[a] + st.time_given[b]);
        let contacts = s.pair_contact_rate[k]
            * coordinator_factor
            * s.root[usize::from(na * nb)]
            * time
            * (noise_floor + ip.contact_noise * u);
        let t = &mut st.trust[k];
        let gain = s.pair_trust_gain[k] * contacts;
        *t += (1.0 - *t) * (1.0 - fastmath::exp(-gain));
        *t *= 1.0 - ip.trust_decay;
        st.contacts[k] = contacts;
        trust_sum += *t;
        contact_sum += contacts;
    }
    let partners = NA - 1;
    for a in 0..NA {
        // Each agency's contacts per person and mean trust, summed over its pairs in pair order
        // in registers (accumulating into per-agency arrays inside the pair loop made every
        // addition wait on a store and a reload).
        let per_head = RECIPROCAL[usize::from(st.filled_count[a])];
        let mut per_person = 0.0;
        let mut trust = 0.0;
        for &k in &s.agency_pairs[a][..partners] {
            let k = usize::from(k);
            per_person += st.contacts[k] * per_head;
            trust += st.trust[k];
        }
        st.agency_trust[a] = trust * s.inv_partners;
        let g = 1.0 - fastmath::exp(-s.understanding_gain * per_person);
        let ag = &s.agency[a];
        // The mean is of understanding before this month's gain: what the staff brought to the
        // month, read by the roles challenge and the understanding factor.
        let mut before = 0.0;
        for p in ag.first_post as usize..(ag.first_post + ag.n_posts) as usize {
            // Vacant posts are updated too, without a branch: their value is never read, and
            // is set afresh when the post is filled.
            let held = if st.filled[p] { 1.0 } else { 0.0 };
            before += st.understanding[p] * held;
            st.understanding[p] += (1.0 - st.understanding[p]) * g;
        }
        // With no post filled, `before` is 0 and so is the mean.
        st.understanding_mean[a] = before * RECIPROCAL[usize::from(st.filled_count[a])];
    }
    let mean_trust = trust_sum * s.inv_pairs;
    // With nobody in post there are no contacts, and sufficiency is 0.
    let people = RECIPROCAL[st.filled_total as usize];
    let sufficiency = (contact_sum * people * s.contact_sufficiency).min(1.0);
    st.quality = ((0.5 * mean_trust + 0.5 * sufficiency) * s.quality_scale).clamp(0.0, 1.0);
}
