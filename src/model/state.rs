//! The state of one initiative: small fixed arrays, reused by a worker from rollout to rollout.

use super::draw::{Streams, uniform};
use super::kinds::{ChallengeKind, Factor, FoldCause, Milestone, Stage};
use super::setup::Setup;
use super::{MAX_AGENCIES, MAX_PAIRS, MAX_POSTS, MAX_STREAMS};

const NC: usize = ChallengeKind::COUNT;

/// Everything that changes from month to month in one rollout.
#[derive(Debug, Clone)]
pub struct State {
    pub month: u32,
    pub stage: Stage,
    pub progress: f64,
    pub months_in_stage: u32,
    pub months_delivering: u32,
    pub last_advance: u32,
    /// Month the initiative first became well established.
    pub reached_well_established: Option<u32>,
    pub milestones: [bool; Milestone::COUNT],
    // Agencies.
    pub pressure: [f64; MAX_AGENCIES],
    pub pressure_noise: [f64; MAX_AGENCIES],
    pub commitment_strategic: [f64; MAX_AGENCIES],
    pub commitment_operational: [f64; MAX_AGENCIES],
    /// Geometric mean of the two levels: both top-down and bottom-up commitment are needed.
    pub commitment: [f64; MAX_AGENCIES],
    pub unresolved: [f64; MAX_AGENCIES],
    /// Share of the agency's posts filled, times the time they can give.
    pub contribution: [f64; MAX_AGENCIES],
    pub filled_count: [u8; MAX_AGENCIES],
    pub understanding_mean: [f64; MAX_AGENCIES],
    /// Agency present at strategic level, and at interface or operational level.
    pub present: [(bool, bool); MAX_AGENCIES],
    // Posts.
    pub filled: [bool; MAX_POSTS],
    /// Vacated by a departure (not vacant from the start): refilling it counts as surviving a
    /// change of personnel.
    pub vacated: [bool; MAX_POSTS],
    pub hybrid: [bool; MAX_POSTS],
    pub tenure: [u32; MAX_POSTS],
    pub understanding: [f64; MAX_POSTS],
    // Between agencies.
    pub trust: [f64; MAX_PAIRS],
    pub contacts: [f64; MAX_PAIRS],
    /// Mean trust between each agency and its partners, after this month's contacts.
    pub agency_trust: [f64; MAX_AGENCIES],
    pub quality: f64,
    // Funding.
    pub stream_active: [bool; MAX_STREAMS],
    pub stream_mainstream: [bool; MAX_STREAMS],
    pub stream_term_end: [u32; MAX_STREAMS],
    /// Bit i set when stream i ends within the staffing window.
    pub streams_ending: u8,
    pub available: f64,
    pub adequacy: f64,
    pub funding_factor: f64,
    /// Money available last month, to tell a cliff (money lost) from a stage's higher needs.
    pub previous_available: f64,
    pub pooled_share: f64,
    pub fund_holders: u32,
    pub ending_share: f64,
    // Staffing summaries.
    pub vacancy_share: f64,
    pub key_filled: u32,
    pub leadership: f64,
    // Challenges.
    pub challenge_active: [bool; NC],
    pub severity: [f64; NC],
    pub challenge_agency: [u8; NC],
    pub challenges_met: u8,
    pub drag: f64,
    // Readiness.
    pub factors: [f64; Factor::COUNT],
    pub readiness: f64,
    pub binding: Factor,
    // Folding.
    pub low_lead: u32,
    pub low_partner: u32,
    pub low_funding: u32,
    pub key_vacant: u32,
    pub folded: Option<(FoldCause, u32)>,
}

impl Default for State {
    fn default() -> Self {
        State {
            month: 0,
            stage: Stage::Idea,
            progress: 0.0,
            months_in_stage: 0,
            months_delivering: 0,
            last_advance: 0,
            reached_well_established: None,
            milestones: [false; Milestone::COUNT],
            pressure: [0.0; MAX_AGENCIES],
            pressure_noise: [0.0; MAX_AGENCIES],
            commitment_strategic: [0.0; MAX_AGENCIES],
            commitment_operational: [0.0; MAX_AGENCIES],
            commitment: [0.0; MAX_AGENCIES],
            unresolved: [0.0; MAX_AGENCIES],
            contribution: [0.0; MAX_AGENCIES],
            filled_count: [0; MAX_AGENCIES],
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
            previous_available: 0.0,
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
    /// experience of initial staff draw from the vacancy stream; initial trust is a prior
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
        let st = &setup.params.staffing;
        for p in 0..setup.n_posts {
            let ag = &setup.agency[setup.post_agency[p] as usize];
            let draw = rng.vacancies.next_u64();
            let vacant = ((draw >> 32) as f64) < ag.initial_vacancy * 4_294_967_296.0;
            let hybrid = ((draw & 0xffff_ffff) as u64) < setup.hybrid_threshold;
            self.filled[p] = !vacant;
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
            self.stream_term_end[i] = s.start + s.term;
        }
        self.milestones[Milestone::PooledBudget.index()] = setup.pooled_budget;
    }

    /// Lowest effective commitment over agencies.
    #[inline]
    pub fn weakest_commitment(&self, setup: &Setup) -> f64 {
        self.commitment[..setup.n_agencies]
            .iter()
            .copied()
            .fold(1.0, f64::min)
    }

    /// True when the milestone has been reached.
    #[inline]
    pub fn has(&self, m: Milestone) -> bool {
        self.milestones[m.index()]
    }
}
