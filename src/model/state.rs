//! The state of one initiative: small fixed arrays, reused by a worker from rollout to rollout.

use super::draw::{Streams, below, uniform};
use super::kinds::{ChallengeKind, Factor, FoldCause, Level, Milestone, Stage};
use super::setup::Setup;
use super::{MAX_AGENCIES, MAX_PAIRS, MAX_POSTS, MAX_STREAMS};

const NC: usize = ChallengeKind::COUNT;

/// Everything that changes from month to month in one rollout.
#[derive(Debug, Clone)]
pub struct State {
    /// Months simulated so far: 0 after [`State::reset`], raised at the start of each step, so
    /// it is `t` throughout month `t`.
    pub month: u32,
    /// Current stage. Processes 1–2 see the stage at the start of the month; a key-person
    /// setback (staffing) or the progress process can change it.
    pub stage: Stage,
    /// 0..1 within the current stage; the stage advances when it reaches 1 and the gate holds
    /// (otherwise it waits at 1). Setbacks leave it at 0.5 in the lower stage.
    pub progress: f64,
    /// Cumulative months spent in a delivering stage; never reset, not even by a setback. Drives
    /// the time gate into `developing`, reviews and the time-based Table 2.1 criteria.
    pub months_delivering: u32,
    /// Month of the latest stage advance (0 before any): drives the rapid-growth part of the
    /// management challenge.
    pub last_advance: u32,
    /// Month the initiative first became well established.
    pub reached_well_established: Option<u32>,
    /// Which milestones hold, indexed by [`Milestone::index`] (see [`Milestone`] for which are
    /// sticky).
    pub milestones: [bool; Milestone::COUNT],
    // Agencies.
    /// Budget pressure `π_a` this month, 0..1: the agency's linear schedule plus AR(1) noise,
    /// clipped. Drives withdrawal of money, time pulled back, slower refills and retreat.
    pub pressure: [f64; MAX_AGENCIES],
    /// AR(1) noise `ε_a` of the pressure, unclipped (clipping the pressure does not feed back
    /// into it).
    pub pressure_noise: [f64; MAX_AGENCIES],
    /// Strategic (senior managers', "top down") commitment `c^S_a`, 0..1.
    pub commitment_strategic: [f64; MAX_AGENCIES],
    /// Operational (practitioners', "bottom up") commitment `c^O_a`, 0..1.
    pub commitment_operational: [f64; MAX_AGENCIES],
    /// Geometric mean of the two levels: both top-down and bottom-up commitment are needed.
    pub commitment: [f64; MAX_AGENCIES],
    /// Lowest effective commitment over agencies (1 with none), after this month's commitment
    /// process: read by resolution capacity, readiness and the commitment criterion.
    pub weakest: f64,
    /// Unresolved issues `I_a`, 0..1: raised when a challenge the agency feels arises, lowered
    /// when it resolves, fading by `issue_decay` a month. Lowers commitment (the conflict term) and
    /// must be below `criteria_issues` everywhere to become well established.
    pub unresolved: [f64; MAX_AGENCIES],
    /// Share of the agency's posts filled, times the time they can give.
    pub contribution: [f64; MAX_AGENCIES],
    /// Share of their time the agency's post holders can give this month: the ring-fenced part,
    /// and the rest less what pressure pulls back. Paces their contacts.
    pub time_given: [f64; MAX_AGENCIES],
    /// Filled posts of each agency, kept up to date on every departure and appointment.
    pub filled_count: [u8; MAX_AGENCIES],
    /// Filled posts over all agencies after this month's staffing.
    pub filled_total: u32,
    /// Filled strategic posts of each agency, kept up to date like `filled_count`: decides
    /// presence at strategic level.
    pub strategic_filled: [u8; MAX_AGENCIES],
    /// Mean understanding `Ū_a` of the agency's filled posts, 0..1 (0 with none filled): the
    /// roles challenge's driver.
    pub understanding_mean: [f64; MAX_AGENCIES],
    /// Agency present at strategic level, and at interface or operational level.
    pub present: [(bool, bool); MAX_AGENCIES],
    // Posts.
    /// The post has a holder.
    pub filled: [bool; MAX_POSTS],
    /// Vacated by a departure (not vacant from the start): refilling it counts as surviving a
    /// change of personnel.
    pub vacated: [bool; MAX_POSTS],
    /// The holder has worked in more than one agency, which set their starting understanding;
    /// meaningful only while the post is filled.
    pub hybrid: [bool; MAX_POSTS],
    /// Months the current holder has been in post (initial staff start at 12, newcomers at 0):
    /// ramps a key holder's leadership and decides whether key personnel count as permanent.
    pub tenure: [u32; MAX_POSTS],
    /// The holder's understanding of the other agencies' roles, cultures and procedures, 0..1:
    /// grows with contacts, never decays, and is lost when the holder leaves. Meaningless while
    /// the post is vacant: set afresh when it is filled.
    pub understanding: [f64; MAX_POSTS],
    // Between agencies.
    /// Trust (working relationship) `T_ab` of each pair, 0..1, in [`Setup::pair`] order; starts
    /// uniform on [0.1, 0.5] (prior working) and is lost with departures and reorganisations.
    pub trust: [f64; MAX_PAIRS],
    /// Contacts `χ_ab` between each pair's staff this month (0 when either agency has no filled
    /// post), in [`Setup::pair`] order.
    pub contacts: [f64; MAX_PAIRS],
    /// Mean trust between each agency and its partners, after this month's contacts.
    pub agency_trust: [f64; MAX_AGENCIES],
    /// Communication quality `Q`, 0..1: trust and contact sufficiency, lowered by dispersion and
    /// by the lack of protocols.
    pub quality: f64,
    // Funding.
    /// The stream is paying: it has started and has not ended (an ended stream never restarts).
    pub stream_active: [bool; MAX_STREAMS],
    /// The stream is in the base budget and has no further term end (true from the start when its
    /// term is 0).
    pub stream_mainstream: [bool; MAX_STREAMS],
    /// Month the stream's current term ends: `start + term`, extended by `term` at each renewal.
    /// Not used once the stream is mainstream.
    pub stream_term_end: [u32; MAX_STREAMS],
    /// Bit i set when stream i ends within the staffing window.
    pub streams_ending: u8,
    /// Money available this month `A`, thousand pounds: active streams after withdrawal under
    /// pressure.
    pub available: f64,
    /// Adequacy `α`: available money over the current stage's requirement (1 when nothing is
    /// required); may exceed 1.
    pub adequacy: f64,
    /// Funding factor `φ_F = min(1, α)`: the funding readiness factor, compared with the cliff
    /// level and the folding floor.
    pub funding_factor: f64,
    /// Last month's money over the requirement of the stage this month began in (1 when nothing
    /// is required): a funding cliff is this at or above the cliff level and `funding_factor`
    /// below it, money lost rather than a stage's higher needs.
    pub adequacy_before: f64,
    /// Share of available money from pooled streams, 0..1 (0 when nothing is available): helps
    /// resolve challenges and, below ½, lets fiscal conflict arise.
    pub pooled_share: f64,
    /// Distinct fund-holders among active streams `H`: each agency with non-pooled money, all
    /// non-pooled `grant`/`joint` money together, and the pool each count once. Drives fiscal
    /// conflict and the management challenge.
    pub fund_holders: u32,
    /// Ending share `E`, 0..1: share of available money from non-mainstream streams with at most
    /// `sustainability_window` months left. Lowers funding security and drives the fiscal challenge.
    pub ending_share: f64,
    // Staffing summaries.
    /// Vacant posts over all posts `V`, 0..1: part of the non-fiscal-resources driver.
    pub vacancy_share: f64,
    /// Number of key posts filled (compared with [`Setup::n_key_posts`]), kept up to date like
    /// `filled_count`.
    pub key_filled: u32,
    /// Leadership `L`, 0..1: filled key posts, each ramping from ½ to 1 over `leader_ramp`
    /// months of tenure, plus `chair_bonus` with an independent chair.
    pub leadership: f64,
    // Challenges.
    /// Whether an episode of each challenge kind is active, in [`ChallengeKind::ALL`] order.
    pub challenge_active: [bool; NC],
    /// Severity of each kind's active episode, 0..1 (0 when inactive); their sum, capped at 1,
    /// is the drag.
    pub severity: [f64; NC],
    /// Agency that feels each kind's current (or latest) episode; its unresolved issues rise at
    /// onset and fall at resolution.
    pub challenge_agency: [u8; NC],
    /// Bit k set when challenge kind k has arisen at least once in this rollout.
    pub challenges_met: u8,
    /// Drag on progress, `min(1, Σ active severities)`: progress grows by `1 − drag` of its rate.
    pub drag: f64,
    // Readiness.
    /// This month's nine key factors, each 0..1, in [`Factor::ALL`] order.
    pub factors: [f64; Factor::COUNT],
    /// Readiness `R`, 0..1: the weighted geometric mean of the factors; scales progress.
    pub readiness: f64,
    /// For each factor, its last floored value and that value's logarithm, so that a factor
    /// unchanged since last month costs no logarithm (NaN until first computed: never equal).
    pub ln_memo: [[f64; 2]; Factor::COUNT],
    /// The lowest factor this month (the first in table order on ties): what holds the initiative
    /// back.
    pub binding: Factor,
    // Folding.
    /// Consecutive months the lead agency's effective commitment was below
    /// `lead_commitment_floor`; folding at `folding.months`.
    pub low_lead: u32,
    /// Consecutive months some other agency's effective commitment was below
    /// `partner_commitment_floor`; folding at `folding.months`.
    pub low_partner: u32,
    /// Consecutive months, from `setting_up` on, with the funding factor below `funding_floor`;
    /// folding at `folding.months`.
    pub low_funding: u32,
    /// Consecutive months with every key post vacant (never counts without key posts); folding at
    /// `key_staff_months`.
    pub key_vacant: u32,
    /// Why and in which month the initiative folded; once set, the stage is `folded` and the
    /// rollout ends.
    pub folded: Option<(FoldCause, u32)>,
}

impl Default for State {
    fn default() -> Self {
        State {
            month: 0,
            stage: Stage::Idea,
            progress: 0.0,
            months_delivering: 0,
            last_advance: 0,
            reached_well_established: None,
            milestones: [false; Milestone::COUNT],
            pressure: [0.0; MAX_AGENCIES],
            pressure_noise: [0.0; MAX_AGENCIES],
            commitment_strategic: [0.0; MAX_AGENCIES],
            commitment_operational: [0.0; MAX_AGENCIES],
            commitment: [0.0; MAX_AGENCIES],
            weakest: 1.0,
            unresolved: [0.0; MAX_AGENCIES],
            contribution: [0.0; MAX_AGENCIES],
            time_given: [0.0; MAX_AGENCIES],
            filled_count: [0; MAX_AGENCIES],
            strategic_filled: [0; MAX_AGENCIES],
            filled_total: 0,
            understanding_mean: [0.0; MAX_AGENCIES],
            present: [(false, false); MAX_AGENCIES],
            filled: [false; MAX_POSTS],
            vacated: [false; MAX_POSTS],
            hybrid: [false; MAX_POSTS],
            tenure: [0; MAX_POSTS],
            understanding: [0.0; MAX_POSTS],
            trust: [0.0; MAX_PAIRS],
            contacts: [0.0; MAX_PAIRS],
            agency_trust: [0.0; MAX_AGENCIES],
            quality: 0.0,
            stream_active: [false; MAX_STREAMS],
            stream_mainstream: [false; MAX_STREAMS],
            stream_term_end: [0; MAX_STREAMS],
            streams_ending: 0,
            available: 0.0,
            adequacy: 1.0,
            funding_factor: 1.0,
            adequacy_before: 0.0,
            pooled_share: 0.0,
            fund_holders: 0,
            ending_share: 0.0,
            vacancy_share: 0.0,
            key_filled: 0,
            leadership: 0.0,
            challenge_active: [false; NC],
            severity: [0.0; NC],
            challenge_agency: [0; NC],
            challenges_met: 0,
            drag: 0.0,
            factors: [0.0; Factor::COUNT],
            readiness: 0.0,
            ln_memo: [[f64::NAN, 0.0]; Factor::COUNT],
            binding: Factor::Commitment,
            low_lead: 0,
            low_partner: 0,
            low_funding: 0,
            key_vacant: 0,
            folded: None,
        }
    }
}

impl State {
    /// Resets to month 0 of a new rollout (MODEL.md §5). Initial vacancies and the hybrid
    /// experience of initial staff draw from the staffing stream; initial trust is a prior
    /// relationship drawn from the shock stream (NFER interviewees split between poor and good
    /// prior multi-agency working: 19 against 17).
    pub fn reset<R: rand::Rng>(&mut self, setup: &Setup, rng: &mut Streams<R>) {
        *self = State::default();
        self.stage = setup.start_stage;
        for a in 0..setup.n_agencies {
            let ag = &setup.agency[a];
            self.pressure[a] = ag.pressure0;
            self.commitment_strategic[a] = ag.commitment_strategic;
            self.commitment_operational[a] = ag.commitment_operational;
            self.commitment[a] = (ag.commitment_strategic * ag.commitment_operational).sqrt();
            self.unresolved[a] = ag.unresolved0;
        }
        self.weakest = self.weakest_commitment(setup);
        let st = &setup.params.staffing;
        for p in 0..setup.n_posts {
            let ag = &setup.agency[setup.post_agency[p] as usize];
            let draw = rng.staffing.next_u64();
            let vacant = below((draw >> 32) as u32, ag.initial_vacancy);
            let hybrid = (draw & 0xffff_ffff) < setup.hybrid_threshold;
            if !vacant {
                self.occupy(setup, p, setup.post_agency[p] as usize);
            }
            self.hybrid[p] = hybrid && !vacant;
            self.understanding[p] = if hybrid {
                st.hybrid_understanding
            } else {
                st.newcomer_understanding
            };
            // Initial staff have been in post for a while already.
            self.tenure[p] = 12;
        }
        for k in 0..setup.n_pairs {
            // Prior working: a share between 0.1 and 0.5.
            self.trust[k] = 0.1 + 0.4 * uniform(&mut rng.shocks);
        }
        for i in 0..setup.n_streams {
            let s = &setup.stream[i];
            self.stream_active[i] = s.start == 0;
            self.stream_mainstream[i] = s.term == 0;
            // Saturating: a term longer than any horizon simply never ends (u32 would wrap).
            self.stream_term_end[i] = s.start.saturating_add(s.term);
        }
        self.milestones[Milestone::PooledBudget.index()] = setup.pooled_budget;
    }

    /// A newcomer takes post `p` of agency `a`: the only place, with [`State::vacate`], where
    /// the filled counts change, so that no process has to recount them.
    #[inline(always)]
    pub fn occupy(&mut self, setup: &Setup, p: usize, a: usize) {
        self.filled[p] = true;
        self.tenure[p] = 0;
        self.filled_count[a] += 1;
        self.strategic_filled[a] += u8::from(setup.post_level[p] == Level::Strategic);
        self.key_filled += u32::from(setup.post_key[p]);
    }

    /// The holder of post `p` of agency `a` leaves; the counterpart of [`State::occupy`].
    #[inline(always)]
    pub fn vacate(&mut self, setup: &Setup, p: usize, a: usize) {
        self.filled[p] = false;
        self.tenure[p] = 0;
        self.filled_count[a] -= 1;
        self.strategic_filled[a] -= u8::from(setup.post_level[p] == Level::Strategic);
        self.key_filled -= u32::from(setup.post_key[p]);
    }

    /// Lowest effective commitment over agencies.
    #[inline]
    pub fn weakest_commitment(&self, setup: &Setup) -> f64 {
        self.commitment[..setup.n_agencies]
            .iter()
            .copied()
            .fold(1.0, f64::min)
    }

    /// Falls back one stage, half-way through it (a setback, MODEL.md §3.7), and returns the new
    /// stage.
    #[inline(always)]
    pub fn drop_stage(&mut self) -> Stage {
        self.stage = self.stage.previous();
        self.progress = 0.5;
        self.stage
    }

    /// True when the month ended with the stage's progress complete but the gate out of it
    /// closed: what held the initiative back then was the gate ([`Stage::gate`]), not the lowest
    /// factor, which only sets the pace. Progress is set to 0 when a stage is left, and a folded
    /// rollout is past every gate.
    #[inline(always)]
    pub fn held_at_gate(&self) -> bool {
        self.progress >= 1.0 && self.stage < Stage::WellEstablished
    }

    /// True when the milestone has been reached.
    #[inline(always)]
    pub fn has(&self, m: Milestone) -> bool {
        self.milestones[m.index()]
    }
}
