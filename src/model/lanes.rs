//! The monthly step for [`LANES`] rollouts at once, each lane its own rollout with its own random
//! streams, so that one vector instruction advances every lane's arithmetic (issue 6: the scalar
//! step retires about three instructions a cycle already, so only fewer instructions per rollout
//! could make it faster).
//!
//! Every field of [`LaneState`] is a field of [`State`] with the lane innermost, and every
//! process is the scalar process of the same name with each operation applied lane by lane, in
//! the same order, on the same operands: additions, multiplications, divisions, square roots and
//! comparisons are correctly rounded whatever their width, so each lane gives the same bits as
//! [`super::step`] on that rollout alone (`tests/lanes.rs` compares the whole state after every
//! month on every shipped scenario). Events are rare and differ between lanes, so their paths
//! (departures, appointments, renewals, challenges arising and resolving, gates, folding) are
//! the scalar code for one lane. There is no observer: a run that wants events uses the scalar
//! step.

// `for l in 0..LANES` with `x[l]` throughout, on purpose: each loop body reads as the scalar
// statement for one lane, which is what makes the two steps easy to compare line by line.
#![allow(clippy::needless_range_loop)]

use super::draw::{Streams, below, chance, normal, uniform};
use super::fastmath;
use super::funding;
use super::kinds::{ChallengeKind, Criterion, Factor, FoldCause, Level, Milestone, Stage};
use super::setup::RECIPROCAL;
use super::{MAX_AGENCIES, MAX_PAIRS, MAX_POSTS, MAX_STREAMS, Setup, State, pairs};

/// Rollouts advanced together: four doubles fill one AVX2 register.
pub const LANES: usize = 4;

const NC: usize = ChallengeKind::COUNT;
const NF: usize = Factor::COUNT;
const NM: usize = Milestone::COUNT;

type F = [f64; LANES];
/// 2³², as in `draw::below`: `below(u, p)` is `f64::from(u) < p · 2³²`.
const TWO32: f64 = 4_294_967_296.0;
type B = [bool; LANES];
type U = [u32; LANES];

/// [`State`] for [`LANES`] rollouts, lane innermost; see [`State`] for each field's meaning.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub struct LaneState {
    pub month: U,
    pub stage: [Stage; LANES],
    pub progress: F,
    pub months_delivering: U,
    pub last_advance: U,
    pub reached_well_established: [Option<u32>; LANES],
    pub milestones: [B; NM],
    pub pressure: [F; MAX_AGENCIES],
    pub pressure_noise: [F; MAX_AGENCIES],
    pub commitment_strategic: [F; MAX_AGENCIES],
    pub commitment_operational: [F; MAX_AGENCIES],
    pub commitment: [F; MAX_AGENCIES],
    pub weakest: F,
    pub unresolved: [F; MAX_AGENCIES],
    pub contribution: [F; MAX_AGENCIES],
    pub time_given: [F; MAX_AGENCIES],
    pub filled_count: [[u8; LANES]; MAX_AGENCIES],
    pub filled_total: U,
    pub strategic_filled: [[u8; LANES]; MAX_AGENCIES],
    pub understanding_mean: [F; MAX_AGENCIES],
    pub present: [[(bool, bool); LANES]; MAX_AGENCIES],
    pub filled: [B; MAX_POSTS],
    pub vacated: [B; MAX_POSTS],
    pub hybrid: [B; MAX_POSTS],
    /// The month a filled post's tenure counts from (`month − tenure`), as a float: tenure is
    /// then a subtraction where it is read, rather than an addition to every filled post every
    /// month.
    pub filled_at: [F; MAX_POSTS],
    /// A vacant post's tenure as the scalar state keeps it (never read by the model: 12 for a
    /// post vacant since month 0, 0 after a departure), so that [`LaneState::get`] is exact.
    pub vacant_tenure: [U; MAX_POSTS],
    /// `filled` as 1.0 or 0.0, for arithmetic and comparisons across lanes.
    pub held: [F; MAX_POSTS],
    pub understanding: [F; MAX_POSTS],
    pub trust: [F; MAX_PAIRS],
    pub contacts: [F; MAX_PAIRS],
    pub agency_trust: [F; MAX_AGENCIES],
    pub quality: F,
    pub stream_active: [B; MAX_STREAMS],
    pub stream_mainstream: [B; MAX_STREAMS],
    pub stream_term_end: [U; MAX_STREAMS],
    pub streams_ending: [u8; LANES],
    pub available: F,
    pub adequacy: F,
    pub funding_factor: F,
    pub adequacy_before: F,
    pub pooled_share: F,
    pub fund_holders: U,
    pub ending_share: F,
    pub vacancy_share: F,
    pub key_filled: U,
    pub leadership: F,
    pub challenge_active: [B; NC],
    /// `challenge_active` as 1.0 or 0.0, for comparisons across lanes.
    pub challenge_on: [F; NC],
    pub severity: [F; NC],
    pub challenge_agency: [[u8; LANES]; NC],
    pub challenges_met: [u8; LANES],
    pub drag: F,
    pub factors: [F; NF],
    pub readiness: F,
    /// Each factor's last floored value and its logarithm, per lane: the logarithm is reused
    /// when no lane's factor changed (the same bits either way).
    pub ln_memo: [[F; 2]; NF],
    pub binding: [Factor; LANES],
    pub low_lead: U,
    pub low_partner: U,
    pub low_funding: U,
    pub key_vacant: U,
    pub folded: [Option<(FoldCause, u32)>; LANES],
}

/// Copies every field listed between a [`State`] and one lane of a [`LaneState`]: `one` for
/// fields that are one value per rollout, `many` for arrays.
macro_rules! lane_copy {
    ($lanes:expr, $l:expr, $st:expr, one: [$($one:ident),*], many: [$($many:ident),*], $dir:tt) => {
        lane_copy!(@dir $dir, $lanes, $l, $st, [$($one),*], [$($many),*])
    };
    (@dir into, $lanes:expr, $l:expr, $st:expr, [$($one:ident),*], [$($many:ident),*]) => {{
        $( $lanes.$one[$l] = $st.$one; )*
        $( for (i, x) in $st.$many.iter().enumerate() { $lanes.$many[i][$l] = *x; } )*
    }};
    (@dir out, $lanes:expr, $l:expr, $st:expr, [$($one:ident),*], [$($many:ident),*]) => {{
        $( $st.$one = $lanes.$one[$l]; )*
        $( for (i, x) in $st.$many.iter_mut().enumerate() { *x = $lanes.$many[i][$l]; } )*
    }};
}

/// Calls `lane_copy!` with every field of [`State`] but `ln_memo`, which is a cache.
macro_rules! every_field {
    ($lanes:expr, $l:expr, $st:expr, $dir:tt) => {
        lane_copy!($lanes, $l, $st,
            one: [month, stage, progress, months_delivering, last_advance,
                reached_well_established, weakest, filled_total, quality, streams_ending,
                available, adequacy, funding_factor, adequacy_before, pooled_share, fund_holders,
                ending_share, vacancy_share, key_filled, leadership, challenges_met, drag,
                readiness, binding, low_lead, low_partner, low_funding, key_vacant, folded],
            many: [milestones, pressure, pressure_noise, commitment_strategic,
                commitment_operational, commitment, unresolved, contribution, time_given,
                filled_count, strategic_filled, understanding_mean, present, filled, vacated,
                hybrid, understanding, trust, contacts, agency_trust, stream_active,
                stream_mainstream, stream_term_end, challenge_active, severity,
                challenge_agency, factors],
            $dir)
    };
}

impl Default for LaneState {
    fn default() -> Self {
        let mut lanes = LaneState {
            month: [0; LANES],
            stage: [Stage::Idea; LANES],
            progress: [0.0; LANES],
            months_delivering: [0; LANES],
            last_advance: [0; LANES],
            reached_well_established: [None; LANES],
            milestones: [[false; LANES]; NM],
            pressure: [[0.0; LANES]; MAX_AGENCIES],
            pressure_noise: [[0.0; LANES]; MAX_AGENCIES],
            commitment_strategic: [[0.0; LANES]; MAX_AGENCIES],
            commitment_operational: [[0.0; LANES]; MAX_AGENCIES],
            commitment: [[0.0; LANES]; MAX_AGENCIES],
            weakest: [0.0; LANES],
            unresolved: [[0.0; LANES]; MAX_AGENCIES],
            contribution: [[0.0; LANES]; MAX_AGENCIES],
            time_given: [[0.0; LANES]; MAX_AGENCIES],
            filled_count: [[0; LANES]; MAX_AGENCIES],
            filled_total: [0; LANES],
            strategic_filled: [[0; LANES]; MAX_AGENCIES],
            understanding_mean: [[0.0; LANES]; MAX_AGENCIES],
            present: [[(false, false); LANES]; MAX_AGENCIES],
            filled: [[false; LANES]; MAX_POSTS],
            vacated: [[false; LANES]; MAX_POSTS],
            hybrid: [[false; LANES]; MAX_POSTS],
            filled_at: [[0.0; LANES]; MAX_POSTS],
            vacant_tenure: [[0; LANES]; MAX_POSTS],
            held: [[0.0; LANES]; MAX_POSTS],
            understanding: [[0.0; LANES]; MAX_POSTS],
            trust: [[0.0; LANES]; MAX_PAIRS],
            contacts: [[0.0; LANES]; MAX_PAIRS],
            agency_trust: [[0.0; LANES]; MAX_AGENCIES],
            quality: [0.0; LANES],
            stream_active: [[false; LANES]; MAX_STREAMS],
            stream_mainstream: [[false; LANES]; MAX_STREAMS],
            stream_term_end: [[0; LANES]; MAX_STREAMS],
            streams_ending: [0; LANES],
            available: [0.0; LANES],
            adequacy: [0.0; LANES],
            funding_factor: [0.0; LANES],
            adequacy_before: [0.0; LANES],
            pooled_share: [0.0; LANES],
            fund_holders: [0; LANES],
            ending_share: [0.0; LANES],
            vacancy_share: [0.0; LANES],
            key_filled: [0; LANES],
            leadership: [0.0; LANES],
            challenge_active: [[false; LANES]; NC],
            challenge_on: [[0.0; LANES]; NC],
            severity: [[0.0; LANES]; NC],
            challenge_agency: [[0; LANES]; NC],
            challenges_met: [0; LANES],
            drag: [0.0; LANES],
            factors: [[0.0; LANES]; NF],
            readiness: [0.0; LANES],
            ln_memo: [[[f64::NAN; LANES], [0.0; LANES]]; NF],
            binding: [Factor::Commitment; LANES],
            low_lead: [0; LANES],
            low_partner: [0; LANES],
            low_funding: [0; LANES],
            key_vacant: [0; LANES],
            folded: [None; LANES],
        };
        let blank = State::default();
        for l in 0..LANES {
            lanes.set(l, &blank);
        }
        lanes
    }
}

impl LaneState {
    /// Puts `state` into lane `l`: a lane starts a rollout from [`State::reset`], so that month 0
    /// is the scalar code's own.
    pub fn set(&mut self, l: usize, state: &State) {
        every_field!(self, l, state, into);
        for p in 0..MAX_POSTS {
            let (filled, tenure) = (state.filled[p], state.tenure[p]);
            self.filled_at[p][l] = f64::from(state.month) - f64::from(tenure);
            self.vacant_tenure[p][l] = if filled { 0 } else { tenure };
            self.held[p][l] = if filled { 1.0 } else { 0.0 };
        }
        for k in 0..NC {
            self.challenge_on[k][l] = if state.challenge_active[k] { 1.0 } else { 0.0 };
        }
        for i in 0..NF {
            // A fresh cache: NaN is never equal, so the first month computes every logarithm.
            self.ln_memo[i][0][l] = f64::NAN;
        }
    }

    /// Lane `l` as a [`State`] (its `ln_memo` is a fresh cache), for tests and for handing a
    /// lane to scalar code.
    pub fn get(&self, l: usize) -> State {
        let mut state = State::default();
        every_field!(self, l, state, out);
        for p in 0..MAX_POSTS {
            state.tenure[p] = self.tenure(p, l);
        }
        state
    }

    /// [`State::tenure`] of post `p` in lane `l`.
    #[inline(always)]
    fn tenure(&self, p: usize, l: usize) -> u32 {
        if self.filled[p][l] {
            (f64::from(self.month[l]) - self.filled_at[p][l]) as u32
        } else {
            self.vacant_tenure[p][l]
        }
    }

    #[inline(always)]
    fn has(&self, m: Milestone, l: usize) -> bool {
        self.milestones[m.index()][l]
    }

    #[inline(always)]
    fn occupy(&mut self, s: &Setup, p: usize, a: usize, l: usize) {
        self.filled[p][l] = true;
        self.held[p][l] = 1.0;
        self.filled_at[p][l] = f64::from(self.month[l]);
        self.filled_count[a][l] += 1;
        self.strategic_filled[a][l] += u8::from(s.post_level[p] == Level::Strategic);
        self.key_filled[l] += u32::from(s.post_key[p]);
    }

    #[inline(always)]
    fn vacate(&mut self, s: &Setup, p: usize, a: usize, l: usize) {
        self.filled[p][l] = false;
        self.held[p][l] = 0.0;
        self.vacant_tenure[p][l] = 0;
        self.filled_count[a][l] -= 1;
        self.strategic_filled[a][l] -= u8::from(s.post_level[p] == Level::Strategic);
        self.key_filled[l] -= u32::from(s.post_key[p]);
    }

    #[inline(always)]
    fn drop_stage(&mut self, l: usize) -> Stage {
        self.stage[l] = self.stage[l].previous();
        self.progress[l] = 0.5;
        self.stage[l]
    }

    /// [`State::held_at_gate`] for lane `l`.
    #[inline(always)]
    pub fn held_at_gate(&self, l: usize) -> bool {
        self.progress[l] >= 1.0 && self.stage[l] < Stage::WellEstablished
    }
}

/// [`step_lanes`] for the setup's agency count: for tests and tools that step month by month
/// (the engine's kernels call the copy for their count directly).
pub fn step<R: rand::Rng>(s: &Setup, st: &mut LaneState, rng: &mut [Streams<R>; LANES]) {
    super::with_agency_count!(s.n_agencies, NA => step_lanes::<NA, R>(s, st, rng))
}

/// [`super::step_with`] for every lane: the eight processes in MODEL.md §3's order.
#[inline(always)]
pub fn step_lanes<const NA: usize, R: rand::Rng>(
    s: &Setup,
    st: &mut LaneState,
    rng: &mut [Streams<R>; LANES],
) {
    for m in &mut st.month {
        *m += 1;
    }
    environment::<NA, R>(s, st, rng);
    funding(s, st, rng);
    staffing::<NA, R>(s, st, rng);
    interaction::<NA, R>(s, st, rng);
    commitment::<NA>(s, st);
    challenges::<NA, R>(s, st, rng);
    progress::<NA, R>(s, st, rng);
}

/// `[f(0), f(1), …]` as a plain loop: `std::array::from_fn` is not always inlined, and a call
/// per use would cost more than the lanes save.
#[inline(always)]
fn each<T: Copy + Default>(mut f: impl FnMut(usize) -> T) -> [T; LANES] {
    let mut out = [T::default(); LANES];
    for (l, x) in out.iter_mut().enumerate() {
        *x = f(l);
    }
    out
}

#[inline(always)]
fn environment<const NA: usize, R: rand::Rng>(
    s: &Setup,
    st: &mut LaneState,
    rng: &mut [Streams<R>; LANES],
) {
    let e = &s.params.environment;
    let month: F = each(|l| st.month[l] as f64);
    for a in 0..NA {
        let ag = &s.agency[a];
        let z: F = each(|l| normal(&mut rng[l].shocks));
        for l in 0..LANES {
            let noise = &mut st.pressure_noise[a][l];
            *noise = e.pressure_persistence * *noise + e.pressure_noise_sd * z[l];
            st.pressure[a][l] =
                (ag.pressure0 + ag.pressure_trend_monthly * month[l] + *noise).clamp(0.0, 1.0);
        }
    }
    for (l, r) in rng.iter_mut().enumerate() {
        if chance(&mut r.shocks, s.reorganisation_monthly) {
            for t in &mut st.trust[..pairs(NA)] {
                t[l] *= 1.0 - e.reorganisation_trust_loss;
            }
            for c in &mut st.commitment_strategic[..NA] {
                c[l] = (c[l] + e.reorganisation_commitment_boost).min(1.0);
            }
        }
    }
}

#[inline(always)]
fn funding<R: rand::Rng>(s: &Setup, st: &mut LaneState, rng: &mut [Streams<R>; LANES]) {
    let fp = &s.params.funding;
    let window = s.params.staffing.short_term_window;
    let sustain = s.params.challenges.sustainability_window;
    let mut available = [0.0; LANES];
    let mut pooled = [0.0; LANES];
    let mut ending = [0.0; LANES];
    let mut holders = [0u32; LANES];
    let mut streams_ending = [0u8; LANES];
    for i in 0..s.n_streams {
        let f = &s.stream[i];
        let u: U = each(|l| rng[l].funding.next_u32());
        if f.start == 0 && f.term == 0 {
            // Paying and in the base budget from month 0 in every lane, for good: no flag to
            // read, nothing ending.
            let holder = funding::holder(f);
            for l in 0..LANES {
                let amount = funding::amount(f, fp, |a| {
                    (st.pressure[a][l], st.commitment_strategic[a][l])
                });
                available[l] += amount;
                if f.pooled {
                    pooled[l] += amount;
                }
                holders[l] |= holder;
            }
            continue;
        }
        // A stream starts, or reaches the end of a term, in few months: find out for every lane
        // without a branch, and run the scalar code only for a lane where it does.
        let mut turning = [false; LANES];
        let mut any = false;
        for l in 0..LANES {
            let month = st.month[l];
            let active = st.stream_active[i][l];
            turning[l] = (!active & (month == f.start) & (f.start > 0))
                | (active & !st.stream_mainstream[i][l] & (month == st.stream_term_end[i][l]));
            any |= turning[l];
        }
        if any {
            for (l, &turning) in turning.iter().enumerate() {
                if turning {
                    turn(s, st, i, l, u[l]);
                }
            }
        }
        for l in 0..LANES {
            if !st.stream_active[i][l] {
                continue;
            }
            let amount = funding::amount(f, fp, |a| {
                (st.pressure[a][l], st.commitment_strategic[a][l])
            });
            available[l] += amount;
            if f.pooled {
                pooled[l] += amount;
            }
            holders[l] |= funding::holder(f);
            if !st.stream_mainstream[i][l] {
                let left = st.stream_term_end[i][l].saturating_sub(st.month[l]);
                if left <= window {
                    streams_ending[l] |= 1 << i;
                }
                if left <= sustain {
                    ending[l] += amount;
                }
            }
        }
    }
    for l in 0..LANES {
        let stage = st.stage[l].index().min(5);
        let (required, inv_required) = (s.required[stage], s.inv_required[stage]);
        (st.adequacy_before[l], st.adequacy[l]) = if required > 0.0 {
            (st.available[l] * inv_required, available[l] * inv_required)
        } else {
            (1.0, 1.0)
        };
        st.available[l] = available[l];
        st.funding_factor[l] = st.adequacy[l].min(1.0);
        let per_pound = if available[l] > 0.0 {
            1.0 / available[l]
        } else {
            0.0
        };
        st.pooled_share[l] = pooled[l] * per_pound;
        st.ending_share[l] = ending[l] * per_pound;
        st.fund_holders[l] = holders[l].count_ones();
        st.streams_ending[l] = streams_ending[l];
    }
}

/// Stream `i` of lane `l` starts, or reaches the end of a term: the scalar code's start, and
/// its draw among mainstreaming, renewal and ending.
#[inline(never)]
fn turn(s: &Setup, st: &mut LaneState, i: usize, l: usize, u: u32) {
    let f = &s.stream[i];
    let fp = &s.params.funding;
    let month = st.month[l];
    if !st.stream_active[i][l] && month == f.start && f.start > 0 {
        st.stream_active[i][l] = true;
    }
    if !st.stream_active[i][l] {
        return;
    }
    if !st.stream_mainstream[i][l] && month == st.stream_term_end[i][l] {
        let pressure = f.agency.map_or(0.0, |a| st.pressure[a as usize][l]);
        let renewal = f.renewal * (1.0 - fp.renewal_pressure_sensitivity * pressure);
        if below(u, f.mainstream) {
            st.stream_mainstream[i][l] = true;
        } else if below(u, f.mainstream + renewal) {
            st.stream_term_end[i][l] = st.stream_term_end[i][l].saturating_add(f.term);
        } else {
            st.stream_active[i][l] = false;
        }
    }
}

#[inline(always)]
fn staffing<const NA: usize, R: rand::Rng>(
    s: &Setup,
    st: &mut LaneState,
    rng: &mut [Streams<R>; LANES],
) {
    let sp = &s.params.staffing;
    let pp = &s.params.progress;
    let embedding = if s.protocols {
        pp.protocol_embedding
    } else {
        0.0
    };
    let mut refill = [[0.0f64; LANES]; MAX_AGENCIES];
    for (a, r) in refill.iter_mut().enumerate().take(NA) {
        let ag = &s.agency[a];
        for l in 0..LANES {
            r[l] = ag.refill_base
                * (1.0 - sp.refill_pressure_sensitivity * st.pressure[a][l])
                * (sp.refill_commitment_floor
                    + (1.0 - sp.refill_commitment_floor) * st.commitment[a][l]);
        }
    }
    let mut active_mask = [0u8; LANES];
    for i in 0..s.n_streams {
        for l in 0..LANES {
            active_mask[l] |= (st.stream_active[i][l] as u8) << i;
        }
    }
    // The departure thresholds are at most 2³², so as floats they are exact and compare with a
    // draw as the integers do.
    let mut leave = [[0.0; 2]; MAX_AGENCIES];
    for (a, limits) in leave.iter_mut().enumerate().take(NA) {
        let ag = &s.agency[a];
        *limits = [ag.leave_threshold as f64, ag.leave_threshold_short as f64];
    }
    for p in 0..s.n_posts {
        let a = s.post_agency[p] as usize;
        let ag = &s.agency[a];
        let streams = s.post_streams[p];
        let u: U = each(|l| rng[l].staffing.next_u32());
        // Most months no lane's post changes hands: decide that for every lane without a
        // branch, and run the scalar code only for a lane where it does. The draw is a departure
        // below the leaving threshold when the post is filled, and a refill below the refill
        // chance when it is vacant and funded (`below`'s p · 2³²); otherwise nothing (−1).
        let mut threshold = [0.0; LANES];
        if streams == 0 {
            // Never short-term, always funded.
            for l in 0..LANES {
                let refill = refill[a][l] * TWO32;
                threshold[l] = if st.held[p][l] != 0.0 {
                    leave[a][0]
                } else {
                    refill
                };
            }
        } else {
            for l in 0..LANES {
                let short = streams & st.streams_ending[l] != 0;
                let funded = streams & active_mask[l] != 0;
                threshold[l] = if st.filled[p][l] {
                    leave[a][usize::from(short)]
                } else if funded {
                    refill[a][l] * TWO32
                } else {
                    -1.0
                };
            }
        }
        let mut any = false;
        for l in 0..LANES {
            any |= f64::from(u[l]) < threshold[l];
        }
        if !any {
            continue;
        }
        for l in 0..LANES {
            if f64::from(u[l]) >= threshold[l] {
                continue;
            }
            if st.filled[p][l] {
                let limit = if streams & st.streams_ending[l] != 0 {
                    ag.leave_threshold_short
                } else {
                    ag.leave_threshold
                };
                depart(s, st, p, a, l, embedding, f64::from(u[l]) / limit as f64);
            } else {
                appoint(s, st, p, a, l, below(u[l], refill[a][l] * sp.hybrid_share));
            }
        }
    }
    summarise::<NA>(s, st);
}

/// The scalar model's appointment for lane `l`.
#[inline(never)]
fn appoint(s: &Setup, st: &mut LaneState, p: usize, a: usize, l: usize, hybrid: bool) {
    let sp = &s.params.staffing;
    st.occupy(s, p, a, l);
    st.hybrid[p][l] = hybrid;
    st.understanding[p][l] = if hybrid {
        sp.hybrid_understanding
    } else {
        sp.newcomer_understanding
    };
    if st.vacated[p][l] && st.stage[l].delivering() {
        st.milestones[Milestone::SurvivedPersonnelChange.index()][l] = true;
    }
    st.vacated[p][l] = false;
}

/// The scalar model's departure for lane `l`.
#[inline(never)]
fn depart(s: &Setup, st: &mut LaneState, p: usize, a: usize, l: usize, embedding: f64, u: f64) {
    let sp = &s.params.staffing;
    let pp = &s.params.progress;
    let key = s.post_key[p];
    st.vacate(s, p, a, l);
    st.vacated[p][l] = true;
    st.understanding[p][l] = 0.0;
    let weight = if key { sp.key_weight } else { 1.0 };
    let loss = (sp.trust_loss_per_departure * weight / s.agency[a].n_posts as f64
        * (1.0 - embedding))
        .min(1.0);
    for k in 0..s.n_pairs {
        let (x, y) = s.pair[k];
        if x as usize == a || y as usize == a {
            st.trust[k][l] *= 1.0 - loss;
        }
    }
    let stage = st.stage[l];
    if key && stage < Stage::WellEstablished && stage != Stage::Folded {
        let soften = 1.0 - embedding;
        st.progress[l] = (st.progress[l] - pp.key_loss_progress * soften).max(0.0);
        if stage >= Stage::SettingUp && u < pp.key_loss_drop * soften {
            st.drop_stage(l);
        }
    }
}

#[inline(always)]
fn summarise<const NA: usize>(s: &Setup, st: &mut LaneState) {
    let sp = &s.params.staffing;
    let pp = &s.params.progress;
    let mut filled_total = [0u32; LANES];
    for a in 0..NA {
        let ag = &s.agency[a];
        for l in 0..LANES {
            let filled = st.filled_count[a][l];
            let strategic = st.strategic_filled[a][l];
            filled_total[l] += u32::from(filled);
            let time =
                ag.ring_fenced + (1.0 - ag.ring_fenced) * (1.0 - sp.pullback * st.pressure[a][l]);
            st.time_given[a][l] = time;
            st.contribution[a][l] = f64::from(filled) * ag.inv_posts * time;
            st.present[a][l] = (strategic > 0, filled > strategic);
        }
    }
    let chair = if s.independent_chair {
        pp.chair_bonus
    } else {
        0.0
    };
    for l in 0..LANES {
        st.filled_total[l] = filled_total[l];
        st.vacancy_share[l] = (s.n_posts as u32 - filled_total[l]) as f64 * s.inv_posts;
    }
    let mut lead_sum = [0.0; LANES];
    let month: F = each(|l| f64::from(st.month[l]));
    for &p in &s.key_posts[..s.n_key_posts as usize] {
        let p = p as usize;
        for l in 0..LANES {
            // Tenure is a whole number of months, exact as a float. A vacant post adds
            // `lead · 0 = +0` (its `filled_at` is finite), which leaves the (non-negative) sum's
            // bits unchanged.
            let tenure = month[l] - st.filled_at[p][l];
            let lead = 0.5 + 0.5 * (tenure * s.inv_leader_ramp).min(1.0);
            lead_sum[l] += lead * st.held[p][l];
        }
    }
    for l in 0..LANES {
        st.leadership[l] = (lead_sum[l] * s.inv_key_posts + chair).min(1.0);
    }
}

#[inline(always)]
fn interaction<const NA: usize, R: rand::Rng>(
    s: &Setup,
    st: &mut LaneState,
    rng: &mut [Streams<R>; LANES],
) {
    let ip = &s.params.interaction;
    let coordinator_factor: F = each(|l| match s.coordinator_post {
        Some(p) if !st.filled[p][l] => ip.coordinator_absent_factor,
        _ => 1.0,
    });
    let noise_floor = 1.0 - 0.5 * ip.contact_noise;
    let mut trust_sum = [0.0; LANES];
    let mut contact_sum = [0.0; LANES];
    for k in 0..pairs(NA) {
        let u: F = each(|l| uniform(&mut rng[l].contacts));
        let (a, b) = (s.pair[k].0 as usize, s.pair[k].1 as usize);
        let root: F = each(|l| s.root[usize::from(st.filled_count[a][l] * st.filled_count[b][l])]);
        let mut gain = [0.0; LANES];
        for l in 0..LANES {
            let time = 0.5 * (st.time_given[a][l] + st.time_given[b][l]);
            let contacts = s.pair_contact_rate[k]
                * coordinator_factor[l]
                * root[l]
                * time
                * (noise_floor + ip.contact_noise * u[l]);
            st.contacts[k][l] = contacts;
            gain[l] = -(s.pair_trust_gain[k] * contacts);
        }
        let e = fastmath::exp_lanes(gain);
        for l in 0..LANES {
            let t = &mut st.trust[k][l];
            *t += (1.0 - *t) * (1.0 - e[l]);
            *t *= 1.0 - ip.trust_decay;
            trust_sum[l] += *t;
            contact_sum[l] += st.contacts[k][l];
        }
    }
    let partners = NA - 1;
    for a in 0..NA {
        let per_head: F = each(|l| RECIPROCAL[usize::from(st.filled_count[a][l])]);
        let mut per_person = [0.0; LANES];
        let mut trust = [0.0; LANES];
        for &k in &s.agency_pairs[a][..partners] {
            let k = usize::from(k);
            for l in 0..LANES {
                per_person[l] += st.contacts[k][l] * per_head[l];
                trust[l] += st.trust[k][l];
            }
        }
        let mut x = [0.0; LANES];
        for l in 0..LANES {
            st.agency_trust[a][l] = trust[l] * s.inv_partners;
            x[l] = -(s.understanding_gain * per_person[l]);
        }
        let e = fastmath::exp_lanes(x);
        let ag = &s.agency[a];
        let mut before = [0.0; LANES];
        for p in ag.first_post as usize..(ag.first_post + ag.n_posts) as usize {
            for l in 0..LANES {
                let g = 1.0 - e[l];
                let held = st.held[p][l];
                let un = &mut st.understanding[p][l];
                before[l] += *un * held;
                *un += (1.0 - *un) * g;
            }
        }
        for l in 0..LANES {
            st.understanding_mean[a][l] = before[l] * per_head[l];
        }
    }
    let people: F = each(|l| RECIPROCAL[st.filled_total[l] as usize]);
    for l in 0..LANES {
        let mean_trust = trust_sum[l] * s.inv_pairs;
        let sufficiency = (contact_sum[l] * people[l] * s.contact_sufficiency).min(1.0);
        st.quality[l] = ((0.5 * mean_trust + 0.5 * sufficiency) * s.quality_scale).clamp(0.0, 1.0);
    }
}

#[inline(always)]
fn commitment<const NA: usize>(s: &Setup, st: &mut LaneState) {
    let cp = &s.params.commitment;
    let small_wins: F =
        each(|l| ((st.stage[l].index().min(5) as f64 + st.progress[l]) * 0.2).min(1.0));
    let [ws0, ws1, ws2, ws3] = cp.strategic_weights;
    let [wo0, wo1, wo2, wo3] = cp.operational_weights;
    let mut weakest = [1.0f64; LANES];
    for a in 0..NA {
        let ag = &s.agency[a];
        let mut rising = cp.rate;
        if ag.directed {
            rising *= cp.directed_rate_factor;
        }
        if ag.outside {
            rising *= cp.outside_council_rate_factor;
        }
        for l in 0..LANES {
            let security = st.funding_factor[l] * (1.0 - st.ending_share[l]);
            let relationships = st.agency_trust[a][l];
            let workload = 1.0 - st.pressure[a][l] * (1.0 - ag.ring_fenced);
            let retreat = cp.retreat * st.pressure[a][l] * (1.0 - ag.alignment)
                + cp.conflict * st.unresolved[a][l];
            let lead = st.leadership[l] - 0.5;
            let m_s = 1.0
                + ws0 * (small_wins[l] - 0.5)
                + ws1 * (security - 0.5)
                + ws2 * (relationships - 0.5)
                + ws3 * lead
                - retreat;
            let m_o = 1.0
                + wo0 * (small_wins[l] - 0.5)
                + wo1 * (workload - 0.5)
                + wo2 * (relationships - 0.5)
                + wo3 * lead
                - retreat;
            let target_s = (ag.commitment_strategic * m_s).clamp(0.0, 1.0);
            let target_o = (ag.commitment_operational * m_o).clamp(0.0, 1.0);
            let cs = &mut st.commitment_strategic[a][l];
            *cs += if target_s > *cs { rising } else { cp.rate } * (target_s - *cs);
            let co = &mut st.commitment_operational[a][l];
            *co += if target_o > *co { rising } else { cp.rate } * (target_o - *co);
            let c = (st.commitment_strategic[a][l] * st.commitment_operational[a][l]).sqrt();
            st.commitment[a][l] = c;
            weakest[l] = weakest[l].min(c);
        }
    }
    st.weakest = weakest;
}

/// The largest value offered so far per lane and the first agency that offered it.
#[derive(Clone, Copy)]
struct Worst(F, [usize; LANES]);

impl Worst {
    #[inline(always)]
    fn new() -> Self {
        Worst([f64::NEG_INFINITY; LANES], [0; LANES])
    }

    #[inline(always)]
    fn offer(&mut self, v: F, a: usize) {
        for l in 0..LANES {
            if v[l] > self.0[l] {
                self.0[l] = v[l];
                self.1[l] = a;
            }
        }
    }
}

#[inline(always)]
fn challenges<const NA: usize, R: rand::Rng>(
    s: &Setup,
    st: &mut LaneState,
    rng: &mut [Streams<R>; LANES],
) {
    let cp = &s.params.challenges;
    let (drivers, affected) = drivers::<NA>(s, st);
    let [wc, wq, wl, wp] = cp.resolution_weights;
    let capacity: F = each(|l| {
        wc * st.weakest[l] + wq * st.quality[l] + wl * st.leadership[l] + wp * st.pooled_share[l]
    });
    for a in 0..NA {
        for l in 0..LANES {
            st.unresolved[a][l] *= 1.0 - cp.issue_decay;
        }
    }
    let mut drag = [0.0; LANES];
    for k in 0..NC {
        let [rate, severity_scale, resolution] = s.challenge[k];
        let u: U = each(|l| rng[l].challenges.next_u32());
        // The draw raises an inactive kind below its onset chance and resolves an active one
        // below its resolution chance (`below`'s p · 2³²): decide for every lane without a
        // branch, and run the scalar code only where one of them happens.
        let mut threshold = [0.0; LANES];
        let mut any = false;
        for l in 0..LANES {
            let d = drivers[k][l];
            let raise = rate * d * TWO32;
            let resolve = resolution * capacity[l] * (1.0 - 0.5 * d) * TWO32;
            threshold[l] = if st.challenge_on[k][l] != 0.0 {
                resolve
            } else {
                raise
            };
            any |= f64::from(u[l]) < threshold[l];
        }
        if any {
            for l in 0..LANES {
                if f64::from(u[l]) >= threshold[l] {
                    continue;
                }
                if st.challenge_active[k][l] {
                    let agency = st.challenge_agency[k][l] as usize;
                    st.challenge_active[k][l] = false;
                    st.challenge_on[k][l] = 0.0;
                    st.unresolved[agency][l] =
                        (st.unresolved[agency][l] - cp.issue_gain * st.severity[k][l]).max(0.0);
                    st.severity[k][l] = 0.0;
                } else {
                    let d = drivers[k][l];
                    let severity = (severity_scale * (0.5 + d)).min(1.0);
                    let agency = affected[k][l];
                    st.challenge_active[k][l] = true;
                    st.challenge_on[k][l] = 1.0;
                    st.severity[k][l] = severity;
                    st.challenge_agency[k][l] = agency as u8;
                    st.challenges_met[l] |= 1 << k;
                    st.unresolved[agency][l] =
                        (st.unresolved[agency][l] + cp.issue_gain * severity).min(1.0);
                }
            }
        }
        // An inactive kind's severity is +0 (it is set to 0 on resolution), which leaves the
        // (non-negative) sum's bits unchanged.
        for l in 0..LANES {
            drag[l] += st.severity[k][l];
        }
    }
    for l in 0..LANES {
        st.drag[l] = drag[l].min(1.0);
    }
}

/// Each kind's driver and the agency that feels it most, per lane (the scalar `drivers`).
#[inline(always)]
fn drivers<const NA: usize>(s: &Setup, st: &LaneState) -> ([F; NC], [[usize; LANES]; NC]) {
    let cp = &s.params.challenges;
    let mut clash = [[0.0f64; LANES]; MAX_AGENCIES];
    for k in 0..pairs(NA) {
        let (a, b) = (s.pair[k].0 as usize, s.pair[k].1 as usize);
        for l in 0..LANES {
            let v = s.pair_distance[k] * (1.0 - st.trust[k][l]);
            clash[a][l] = clash[a][l].max(v);
            clash[b][l] = clash[b][l].max(v);
        }
    }
    let mut pressure = Worst::new();
    let mut misfit = Worst::new();
    let mut short = Worst::new();
    let mut confusion = Worst::new();
    let mut isolation = Worst::new();
    let mut reluctance = Worst::new();
    let mut cultures = Worst::new();
    for (a, clash) in clash.iter().enumerate().take(NA) {
        let alignment = s.agency[a].alignment;
        pressure.offer(st.pressure[a], a);
        misfit.offer(each(|l| (1.0 - alignment) * st.pressure[a][l]), a);
        short.offer(each(|l| 1.0 - st.contribution[a][l]), a);
        confusion.offer(each(|l| 1.0 - st.understanding_mean[a][l]), a);
        isolation.offer(each(|l| 1.0 - st.agency_trust[a][l]), a);
        reluctance.offer(each(|l| 1.0 - st.commitment_strategic[a][l]), a);
        cultures.offer(*clash, a);
    }
    let mut d = [[0.0; LANES]; NC];
    let mut m = [0.0; LANES];
    for l in 0..LANES {
        let conflict = if st.fund_holders[l] >= 2 && st.pooled_share[l] < 0.5 {
            cp.fiscal_conflict
        } else {
            0.0
        };
        let stage = st.stage[l];
        let needs_money = s.required[stage.index().min(5)] > 0.0;
        d[0][l] = if needs_money {
            (1.0 - st.funding_factor[l])
                .max(conflict)
                .max(st.ending_share[l])
        } else {
            0.0
        };
        d[1][l] = confusion.0[l] * s.roles_scale;
        d[2][l] = misfit.0[l].min(1.0);
        let accommodation =
            if s.co_location && stage >= Stage::SettingUp && !st.has(Milestone::Accommodation, l) {
                cp.accommodation_weight
            } else {
                0.0
            };
        d[3][l] = (0.5 * st.vacancy_share[l] + 0.5 * short.0[l] + accommodation).min(1.0);
        d[4][l] = (1.0 - st.quality[l]) * s.communication_scale;
        d[5][l] = cultures.0[l];
        let mut mm = 0.0;
        if !s.coordinator && !st.has(Milestone::SteeringGroup, l) {
            mm += cp.no_manager_weight;
        }
        mm += cp.fund_holder_weight * st.fund_holders[l].saturating_sub(1) as f64;
        if st.month[l].saturating_sub(st.last_advance[l]) <= cp.growth_window
            && st.last_advance[l] > 0
        {
            mm += cp.growth_weight;
        }
        if s.independent_chair {
            mm *= 1.0 - cp.chair_relief;
        }
        m[l] = mm.min(1.0);
    }
    d[6] = m;
    let who = [
        pressure.1,
        confusion.1,
        misfit.1,
        short.1,
        isolation.1,
        cultures.1,
        reluctance.1,
    ];
    (d, who)
}

/// Smallest factor value in the geometric mean (the scalar `FACTOR_FLOOR`).
const FACTOR_FLOOR: f64 = 1e-3;

/// Factors whose logarithm is kept from month to month (the scalar `REMEMBERED`).
const REMEMBERED: [bool; NF] = [false, false, true, false, true, true, true, false, false];

#[inline(always)]
fn progress<const NA: usize, R: rand::Rng>(
    s: &Setup,
    st: &mut LaneState,
    rng: &mut [Streams<R>; LANES],
) {
    let pp = &s.params.progress;
    for (l, r) in rng.iter_mut().enumerate() {
        let found_accommodation = chance(&mut r.milestones, pp.accommodation_rate);
        let held_review = chance(&mut r.milestones, pp.review_rate);
        update_milestones::<NA>(s, st, l, found_accommodation, held_review);
    }
    readiness::<NA>(s, st);
    for l in 0..LANES {
        let stage = st.stage[l];
        if stage < Stage::WellEstablished {
            let rate = pp.stage_rate[stage.index()];
            st.progress[l] =
                (st.progress[l] + rate * st.readiness[l] * (1.0 - st.drag[l])).min(1.0);
            if st.progress[l] >= 1.0 && gate_open(s, st, l) {
                let to = stage.next();
                st.stage[l] = to;
                st.progress[l] = 0.0;
                st.last_advance[l] = st.month[l];
                if to == Stage::WellEstablished && st.reached_well_established[l].is_none() {
                    st.reached_well_established[l] = Some(st.month[l]);
                }
            }
        }
        let before = st.adequacy_before[l];
        if st.stage[l].delivering()
            && st.funding_factor[l] < pp.cliff_level
            && before >= pp.cliff_level
        {
            st.drop_stage(l);
        }
        if st.stage[l].delivering() {
            st.months_delivering[l] += 1;
        }
        fold::<NA>(s, st, l);
    }
}

#[inline(always)]
fn update_milestones<const NA: usize>(
    s: &Setup,
    st: &mut LaneState,
    l: usize,
    found_accommodation: bool,
    held_review: bool,
) {
    let pp = &s.params.progress;
    let ms = &mut st.milestones;
    let committed = (0..NA)
        .filter(|&a| st.commitment[a][l] >= pp.steering_commitment)
        .count();
    if committed >= 2 && st.commitment[s.lead][l] >= pp.steering_commitment {
        ms[Milestone::SteeringGroup.index()][l] = true;
    }
    let stage = st.stage[l];
    if stage >= Stage::Planning
        && st.commitment_strategic[..NA]
            .iter()
            .all(|c| c[l] >= pp.aims_commitment)
    {
        ms[Milestone::CommonAims.index()][l] = true;
    }
    ms[Milestone::KeyStaffAppointed.index()][l] = st.key_filled[l] == s.n_key_posts;
    let delivery = s.required[Stage::StartingToDeliver.index()];
    ms[Milestone::FundingSecured.index()][l] =
        delivery <= 0.0 || st.available[l] >= s.params.funding.secured_threshold * delivery;
    if s.co_location && stage >= Stage::SettingUp && found_accommodation {
        ms[Milestone::Accommodation.index()][l] = true;
    }
    if stage.delivering()
        && st.months_delivering[l] >= pp.review_after
        && st.key_filled[l] == s.n_key_posts
        && held_review
    {
        ms[Milestone::ReviewDone.index()][l] = true;
    }
    if st.pooled_share[l] >= 0.5 {
        ms[Milestone::PooledBudget.index()][l] = true;
    }
}

#[inline(always)]
fn readiness<const NA: usize>(s: &Setup, st: &mut LaneState) {
    let pp = &s.params.progress;
    let w = pp.weakest_agency_weight;
    let mut mean_c = [0.0; LANES];
    let mut involved = [0.0; LANES];
    let mut under = [0.0; LANES];
    let mut time = [0.0; LANES];
    for a in 0..NA {
        let involvement = s.agency[a].involvement;
        for l in 0..LANES {
            mean_c[l] += st.commitment[a][l];
            let (strategic, front) = st.present[a][l];
            let presence = if strategic && front {
                1.0
            } else if strategic || front {
                0.5
            } else {
                0.0
            };
            involved[l] += presence * involvement;
            under[l] += st.understanding_mean[a][l] * st.filled_count[a][l] as f64;
            time[l] += st.contribution[a][l];
        }
    }
    let mut trust = [0.0; LANES];
    for k in 0..pairs(NA) {
        for l in 0..LANES {
            trust[l] += st.trust[k][l];
        }
    }
    let ln_weakest = fastmath::ln_lanes(each(|l| st.weakest[l].max(FACTOR_FLOOR)));
    let ln_mean = fastmath::ln_lanes(each(|l| (mean_c[l] * s.inv_agencies).max(FACTOR_FLOOR)));
    let ln_commitment: F = each(|l| w * ln_weakest[l] + (1.0 - w) * ln_mean[l]);
    let aims: F = each(|l| {
        if st.has(Milestone::CommonAims, l) {
            1.0
        } else {
            pp.aims_floor
        }
    });
    let under_total: F = each(|l| RECIPROCAL[st.filled_total[l] as usize]);
    let f: [F; NF] = [
        fastmath::exp_lanes(ln_commitment),
        each(|l| under[l] * under_total[l]),
        each(|l| s.mean_alignment * aims[l]),
        st.quality,
        st.leadership,
        each(|l| involved[l] * s.inv_agencies),
        st.funding_factor,
        each(|l| trust[l] * s.inv_pairs),
        each(|l| time[l] * s.inv_agencies),
    ];
    let mut log_r: F = each(|l| s.factor_weights[0] * ln_commitment[l]);
    for i in 1..NF {
        let x: F = each(|l| f[i][l].max(FACTOR_FLOOR));
        let ln = if REMEMBERED[i] {
            let [last, last_ln] = st.ln_memo[i];
            if (0..LANES).all(|l| x[l] == last[l]) {
                last_ln
            } else {
                let ln = fastmath::ln_lanes(x);
                st.ln_memo[i] = [x, ln];
                ln
            }
        } else {
            fastmath::ln_lanes(x)
        };
        for l in 0..LANES {
            log_r[l] += s.factor_weights[i] * ln[l];
        }
    }
    for l in 0..LANES {
        let (mut lowest, mut low) = (1, f[1][l]);
        for (i, x) in f.iter().enumerate().skip(2) {
            if x[l] < low {
                (lowest, low) = (i, x[l]);
            }
        }
        if low.partial_cmp(&f[0][l]) != Some(std::cmp::Ordering::Less) {
            lowest = 0;
        }
        st.binding[l] = Factor::ALL[lowest];
    }
    st.factors = f;
    st.readiness = fastmath::exp_lanes(log_r);
}

/// The scalar gate for lane `l`.
#[inline(never)]
fn gate_open(s: &Setup, st: &LaneState, l: usize) -> bool {
    let pp = &s.params.progress;
    match st.stage[l] {
        Stage::Idea => st.has(Milestone::SteeringGroup, l),
        Stage::Planning => st.has(Milestone::CommonAims, l),
        Stage::SettingUp => {
            st.has(Milestone::KeyStaffAppointed, l)
                && st.has(Milestone::FundingSecured, l)
                && (!s.co_location || st.has(Milestone::Accommodation, l))
        }
        Stage::StartingToDeliver => st.months_delivering[l] >= pp.min_delivering_months,
        Stage::Developing => {
            let met = criteria(s, st, l).iter().filter(|&&c| c).count() as u32;
            met >= pp.criteria_required && max_unresolved(s, st, l) < pp.criteria_issues
        }
        Stage::WellEstablished | Stage::Folded => false,
    }
}

fn max_unresolved(s: &Setup, st: &LaneState, l: usize) -> f64 {
    st.unresolved[..s.n_agencies]
        .iter()
        .map(|u| u[l])
        .fold(0.0, f64::max)
}

/// The scalar `criteria` for lane `l`.
fn criteria(s: &Setup, st: &LaneState, l: usize) -> [bool; Criterion::COUNT] {
    let pp = &s.params.progress;
    let key_permanent = st.key_filled[l] == s.n_key_posts
        && (0..s.n_posts).all(|p| !s.post_key[p] || st.tenure(p, l) >= pp.permanent_tenure);
    let time_given: f64 = st.contribution[..s.n_agencies]
        .iter()
        .map(|c| c[l])
        .sum::<f64>()
        / s.n_agencies as f64;
    let delivering = st.months_delivering[l];
    [
        delivering >= pp.established_months,
        st.has(Milestone::CommonAims, l) && st.has(Milestone::SteeringGroup, l),
        st.has(Milestone::ReviewDone, l),
        st.weakest[l] >= pp.criteria_commitment,
        st.has(Milestone::SurvivedPersonnelChange, l),
        max_unresolved(s, st, l) < pp.criteria_issues,
        key_permanent,
        delivering >= pp.range_months && time_given >= 0.5,
    ]
}

#[inline(always)]
fn fold<const NA: usize>(s: &Setup, st: &mut LaneState, l: usize) {
    let fp = &s.params.folding;
    let bump = |counter: &mut u32, low: bool| *counter = if low { *counter + 1 } else { 0 };
    bump(
        &mut st.low_lead[l],
        st.commitment[s.lead][l] < fp.lead_commitment_floor,
    );
    let partner_low =
        (0..NA).any(|a| a != s.lead && st.commitment[a][l] < fp.partner_commitment_floor);
    bump(&mut st.low_partner[l], partner_low);
    bump(
        &mut st.low_funding[l],
        st.stage[l] >= Stage::SettingUp && st.funding_factor[l] < fp.funding_floor,
    );
    bump(
        &mut st.key_vacant[l],
        s.n_key_posts > 0 && st.key_filled[l] == 0,
    );
    let cause = if st.low_lead[l] >= fp.months {
        Some(FoldCause::LeadCommitment)
    } else if st.low_funding[l] >= fp.months {
        Some(FoldCause::Funding)
    } else if st.low_partner[l] >= fp.months {
        Some(FoldCause::PartnerWithdrawal)
    } else if st.key_vacant[l] >= fp.key_staff_months {
        Some(FoldCause::KeyStaff)
    } else {
        None
    };
    if let Some(cause) = cause {
        st.stage[l] = Stage::Folded;
        st.folded[l] = Some((cause, st.month[l]));
    }
}
