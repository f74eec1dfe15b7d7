//! Process 3: departures, vacancies and newcomers. A departing holder takes their share of the
//! agency's trust with them ("dependent on individuals", reference §5); a key departure before
//! establishment is a setback, softened where protocols embed the links (reference §2).

use super::draw::below;
use super::kinds::{Milestone, Stage};
use super::observe::SetbackCause;
use super::{Event, Observer, Setup, State};

#[inline(always)]
pub(super) fn staffing<const NA: usize, R: rand::Rng, O: Observer>(
    s: &Setup,
    st: &mut State,
    rng: &mut R,
    obs: &mut O,
) {
    let sp = &s.params.staffing;
    let pp = &s.params.progress;
    let embedding = if s.protocols {
        pp.protocol_embedding
    } else {
        0.0
    };
    let mut refill = [0.0f64; super::MAX_AGENCIES];
    for (a, r) in refill.iter_mut().enumerate().take(NA) {
        let ag = &s.agency[a];
        *r = ag.refill_base
            * (1.0 - sp.refill_pressure_sensitivity * st.pressure[a])
            * (sp.refill_commitment_floor + (1.0 - sp.refill_commitment_floor) * st.commitment[a]);
    }
    let mut active_mask = 0u8;
    for i in 0..s.n_streams {
        active_mask |= (st.stream_active[i] as u8) << i;
    }
    for p in 0..s.n_posts {
        let a = s.post_agency[p] as usize;
        let ag = &s.agency[a];
        // One draw per post per month, whatever the post's state, keeps the stream aligned: a
        // filled post reads it as a departure, a vacant one as a refill.
        let u = rng.next_u32();
        if st.filled[p] {
            st.tenure[p] += 1;
            let limit = if s.post_streams[p] & st.streams_ending != 0 {
                ag.leave_threshold_short
            } else {
                ag.leave_threshold
            };
            if u64::from(u) < limit {
                depart(s, st, p, a, embedding, f64::from(u) / limit as f64, obs);
            }
        } else {
            // A post whose every funding stream has ended is not refilled: cross-agency posts are
            // cut first (reference §3).
            let funded = s.post_streams[p] == 0 || s.post_streams[p] & active_mask != 0;
            if funded && below(u, refill[a]) {
                // Given a refill the draw is uniform below the threshold: where it falls decides
                // whether the newcomer is hybrid, without a second draw.
                let hybrid = below(u, refill[a] * sp.hybrid_share);
                st.occupy(s, p, a);
                st.hybrid[p] = hybrid;
                st.understanding[p] = if hybrid {
                    sp.hybrid_understanding
                } else {
                    sp.newcomer_understanding
                };
                if st.vacated[p] && st.stage.delivering() {
                    st.milestones[Milestone::SurvivedPersonnelChange.index()] = true;
                }
                st.vacated[p] = false;
                obs.event(
                    st.month,
                    Event::Appointment {
                        agency: a as u8,
                        post: p as u8,
                        level: s.post_level[p],
                        key: s.post_key[p],
                        hybrid,
                    },
                );
            }
        }
    }
    summarise::<NA>(s, st);
}

/// A post holder leaves. `u` is the departure draw rescaled to (0, 1), reused for the setback
/// draw so that the count of draws stays fixed.
#[inline]
fn depart<O: Observer>(
    s: &Setup,
    st: &mut State,
    p: usize,
    a: usize,
    embedding: f64,
    u: f64,
    obs: &mut O,
) {
    let sp = &s.params.staffing;
    let pp = &s.params.progress;
    let key = s.post_key[p];
    st.vacate(s, p, a);
    st.vacated[p] = true;
    st.understanding[p] = 0.0;
    let weight = if key { sp.key_weight } else { 1.0 };
    let loss = (sp.trust_loss_per_departure * weight / s.agency[a].n_posts as f64
        * (1.0 - embedding))
        .min(1.0);
    for k in 0..s.n_pairs {
        let (x, y) = s.pair[k];
        if x as usize == a || y as usize == a {
            st.trust[k] *= 1.0 - loss;
        }
    }
    obs.event(
        st.month,
        Event::Departure {
            agency: a as u8,
            post: p as u8,
            level: s.post_level[p],
            key,
        },
    );
    if key && st.stage < Stage::WellEstablished && st.stage != Stage::Folded {
        let soften = 1.0 - embedding;
        st.progress = (st.progress - pp.key_loss_progress * soften).max(0.0);
        let mut to = st.stage;
        if st.stage >= Stage::SettingUp && u < pp.key_loss_drop * soften {
            to = st.drop_stage();
        }
        obs.event(
            st.month,
            Event::Setback {
                to,
                cause: SetbackCause::KeyPersonLost,
            },
        );
    }
}

/// Per-agency contributions and leadership, read by the later processes. Filled counts are kept
/// up to date by [`State::occupy`] and [`State::vacate`] rather than recounted here; the
/// understanding mean is taken by the interaction process as it updates understanding.
#[inline(always)]
fn summarise<const NA: usize>(s: &Setup, st: &mut State) {
    let sp = &s.params.staffing;
    let pp = &s.params.progress;
    let mut filled_total = 0u32;
    for a in 0..NA {
        let ag = &s.agency[a];
        let filled = st.filled_count[a];
        let strategic = st.strategic_filled[a];
        filled_total += u32::from(filled);
        let time = ag.ring_fenced + (1.0 - ag.ring_fenced) * (1.0 - sp.pullback * st.pressure[a]);
        st.time_given[a] = time;
        st.contribution[a] = f64::from(filled) * ag.inv_posts * time;
        st.present[a] = (strategic > 0, filled > strategic);
    }
    st.filled_total = filled_total;
    st.vacancy_share = (s.n_posts as u32 - filled_total) as f64 * s.inv_posts;
    let mut lead_sum = 0.0;
    for &p in &s.key_posts[..s.n_key_posts as usize] {
        let p = p as usize;
        if st.filled[p] {
            lead_sum += 0.5 + 0.5 * (st.tenure[p] as f64 * s.inv_leader_ramp).min(1.0);
        }
    }
    let chair = if s.independent_chair {
        pp.chair_bonus
    } else {
        0.0
    };
    st.leadership = (lead_sum * s.inv_key_posts + chair).min(1.0);
}
