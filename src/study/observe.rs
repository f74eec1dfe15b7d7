//! What the visiting researcher could find out about one simulated initiative: an [`Observer`]
//! that follows a rollout to the month of the visit and keeps a [`Record`] of it: the stage, the
//! Table 2.1 criteria, every challenge met so far (last episode per kind and agency, with its
//! severity and when it was last active), the key factors as each agency has them, each agency's
//! unresolved issues, which posts are filled (who can be interviewed), and the difficulties of
//! the early stages (Research Vignette 4).

use crate::model::observe::SetbackCause;
use crate::model::{
    ChallengeKind, Event, Factor, Level, MAX_AGENCIES, MAX_POSTS, Milestone, Observer, Setup,
    Stage, State, criteria,
};
use crate::scenario::AgencyKind;

use super::vocab::Difficulty;

const NC: usize = ChallengeKind::COUNT;

/// The latest episode of one challenge kind felt by one agency.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Episode {
    /// The kind arose for this agency at least once.
    pub met: bool,
    /// Still active at the visit.
    pub active: bool,
    /// Last month the episode was active (the month it resolved, or the visit if active).
    pub last_month: u32,
    /// Severity of the latest episode, 0..1.
    pub severity: f64,
}

/// One agency as its own staff see it at the visit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgencyView {
    /// Which kind of agency it is (Education, Social Services, Health…).
    pub kind: AgencyKind,
    /// Senior managers' commitment, 0..1: the commitment a strategic interviewee of this agency
    /// can name as a key factor.
    pub commitment_strategic: f64,
    /// Front-line commitment, 0..1: what an operational interviewee can name; interface staff
    /// take the geometric mean of the two levels.
    pub commitment_operational: f64,
    /// 0..1, issues the agency still has with the initiative.
    pub unresolved: f64,
    /// Mean understanding of the other agencies among its filled posts.
    pub understanding: f64,
    /// 1 present at both levels, ½ at one, 0 absent (the model's involvement factor).
    pub involvement: f64,
    /// Share of its posts filled times the time they can give (the model's time factor).
    pub contribution: f64,
    /// Mean trust between it and its partners.
    pub trust: f64,
    /// How well the initiative serves its own targets.
    pub alignment: f64,
}

impl Default for AgencyView {
    fn default() -> Self {
        AgencyView {
            kind: AgencyKind::Other,
            commitment_strategic: 0.0,
            commitment_operational: 0.0,
            unresolved: 0.0,
            understanding: 0.0,
            involvement: 0.0,
            contribution: 0.0,
            trust: 0.0,
            alignment: 0.0,
        }
    }
}

/// One post at the visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Post {
    /// Index of the post's agency in the initiative, as in `Record::agencies`.
    pub agency: u8,
    /// Level of the post: decides whether it can be a strategic lead, front-line or coordinator
    /// interview, and what its holder watches.
    pub level: Level,
    /// Lead, coordinator or team-manager post.
    pub key: bool,
    /// The post has a holder at the visit: only filled posts can be interviewed.
    pub filled: bool,
}

/// One initiative as observed at the visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Month of the visit (the initiative's age).
    pub month: u32,
    /// The model's stage at the visit (a delivering one for every visited initiative): what
    /// anyone can see, the base of every stage answer.
    pub stage: Stage,
    /// Months of delivery so far (cumulative): the length-of-time criterion's measure.
    pub months_delivering: u32,
    /// The eight Table 2.1 criteria as the model defines them, [`crate::model::Criterion`] order.
    pub criteria: [bool; 8],
    /// Enough money, none of it about to run out, no fiscal challenge active: what strategic
    /// staff mean by secure funding ("adulthood", "a quantum leap" into the base budget).
    pub money_secure: bool,
    /// Common aims agreed (a milestone).
    pub common_aims: bool,
    /// Communication quality, 0..1. With `leadership` and `funding`, the initiative-wide key
    /// factors: the same for every interviewee of the initiative.
    pub quality: f64,
    /// Leadership, 0..1: filled key posts, ramping with their holders' tenure.
    pub leadership: f64,
    /// Funding adequacy, 0..1: the model's funding factor, `min(1, adequacy)`.
    pub funding: f64,
    /// Agencies in the initiative: how much of `agencies` and of each `challenges` row is used.
    pub n_agencies: usize,
    /// Each agency as its staff see it; the first `n_agencies` are used.
    pub agencies: [AgencyView; MAX_AGENCIES],
    /// `challenges[kind][agency]`.
    pub challenges: [[Episode; MAX_AGENCIES]; NC],
    /// Posts in the initiative: how much of `posts` is used.
    pub n_posts: usize,
    /// Every post at the visit; the first `n_posts` are used. The sample interviews from these.
    pub posts: [Post; MAX_POSTS],
    /// Research Vignette 4, [`Difficulty::ALL`] order.
    pub difficulties: [bool; Difficulty::COUNT],
}

impl Default for Record {
    fn default() -> Self {
        Record {
            month: 0,
            stage: Stage::Idea,
            months_delivering: 0,
            criteria: [false; 8],
            money_secure: false,
            common_aims: false,
            quality: 0.0,
            leadership: 0.0,
            funding: 0.0,
            n_agencies: 0,
            agencies: [AgencyView::default(); MAX_AGENCIES],
            challenges: [[Episode::default(); MAX_AGENCIES]; NC],
            n_posts: 0,
            posts: [Post {
                agency: 0,
                level: Level::Operational,
                key: false,
                filled: false,
            }; MAX_POSTS],
            difficulties: [false; Difficulty::COUNT],
        }
    }
}

impl Record {
    /// The highest unresolved issues of any agency.
    pub fn max_unresolved(&self) -> f64 {
        self.agencies[..self.n_agencies]
            .iter()
            .map(|a| a.unresolved)
            .fold(0.0, f64::max)
    }
}

/// Follows one rollout and fills a [`Record`] at month `visit`.
#[derive(Debug, Clone)]
pub struct Recorder {
    visit: u32,
    kinds: [AgencyKind; MAX_AGENCIES],
    /// Before the initiative first reached `developing`: the early stages of Vignette 4.
    early: bool,
    delivery_seen: bool,
    /// Stage at the end of the previous month.
    stage: Stage,
    /// What was observed; complete only once the rollout has reached the visit month.
    pub record: Record,
}

impl Recorder {
    /// A recorder for a visit in month `visit` to an initiative whose agencies have `kinds`.
    pub fn new(visit: u32, kinds: &[AgencyKind]) -> Self {
        let mut k = [AgencyKind::Other; MAX_AGENCIES];
        k[..kinds.len()].copy_from_slice(kinds);
        Recorder {
            visit,
            kinds: k,
            early: true,
            delivery_seen: false,
            stage: Stage::Idea,
            record: Record::default(),
        }
    }

    fn flag(&mut self, d: Difficulty) {
        self.record.difficulties[d.index()] = true;
    }
}

impl Observer for Recorder {
    fn event(&mut self, month: u32, event: Event) {
        match event {
            Event::ChallengeRaised {
                kind,
                agency,
                severity,
                ..
            } => {
                let ep = &mut self.record.challenges[kind.index()][agency as usize];
                *ep = Episode {
                    met: true,
                    active: true,
                    last_month: month,
                    severity,
                };
                if self.early {
                    match kind {
                        // "Different policies, procedures, legislation, confidentiality rules
                        // and ways of working" is the report's own gloss of cultures (§3).
                        ChallengeKind::Cultures => self.flag(Difficulty::PoliciesProcedures),
                        // Old attitudes to the other professions' roles: the roles challenge,
                        // driven by low understanding of the others ("we didn't know each
                        // other, or each other's agencies", §4).
                        ChallengeKind::Roles => self.flag(Difficulty::OldAttitudes),
                        // "The right people at the table" is the report's gloss of management.
                        ChallengeKind::Management => self.flag(Difficulty::RightPeopleTogether),
                        _ => {}
                    }
                }
            }
            Event::ChallengeResolved { kind, agency } => {
                let ep = &mut self.record.challenges[kind.index()][agency as usize];
                ep.active = false;
                ep.last_month = month;
            }
            // Losing a key person set the initiative back a stage (reference §2: before
            // establishment, turnover meant "always having to build up new relationships").
            Event::Setback {
                to,
                cause: SetbackCause::KeyPersonLost,
            } if self.early && to < self.stage => {
                self.flag(Difficulty::SustainingPersonnelChanges);
            }
            Event::Advanced {
                to: Stage::Developing,
            } => self.early = false,
            _ => {}
        }
    }

    fn month_end(&mut self, setup: &Setup, state: &State) {
        let pp = &setup.params.progress;
        if self.early {
            for a in 0..setup.n_agencies {
                // Short of what the model counts as "commitment of those involved" (Table 2.1):
                // commitment had to be won.
                if state.commitment[a] < pp.criteria_commitment {
                    self.flag(Difficulty::EnsuringCommitment);
                    if self.kinds[a] == AgencyKind::Health {
                        self.flag(Difficulty::InvolvingHealth);
                    }
                }
            }
            // Accommodation held the initiative up: everything else for delivery was ready.
            if setup.co_location
                && state.stage == Stage::SettingUp
                && state.progress >= 1.0
                && state.has(Milestone::KeyStaffAppointed)
                && state.has(Milestone::FundingSecured)
                && !state.has(Milestone::Accommodation)
            {
                self.flag(Difficulty::Accommodation);
            }
        }
        if !self.delivery_seen && state.stage.delivering() {
            self.delivery_seen = true;
            // Relationships were what held progress back when delivery began.
            if state.binding == Factor::Relationships {
                self.flag(Difficulty::RelationshipsTakeTime);
            }
        }
        self.stage = state.stage;
        if state.month == self.visit {
            self.snapshot(setup, state);
        }
    }
}

impl Recorder {
    fn snapshot(&mut self, s: &Setup, st: &State) {
        let r = &mut self.record;
        r.month = st.month;
        r.stage = st.stage;
        r.months_delivering = st.months_delivering;
        r.criteria = criteria(s, st);
        r.money_secure = st.funding_factor >= s.params.funding.secured_threshold
            && st.streams_ending == 0
            && !st.challenge_active[ChallengeKind::Fiscal.index()];
        r.common_aims = st.has(Milestone::CommonAims);
        r.quality = st.quality;
        r.leadership = st.leadership;
        r.funding = st.funding_factor;
        r.n_agencies = s.n_agencies;
        for a in 0..s.n_agencies {
            let (strategic, front) = st.present[a];
            let mut trust = 0.0;
            for k in 0..s.n_pairs {
                let (x, y) = s.pair[k];
                if x as usize == a || y as usize == a {
                    trust += st.trust[k];
                }
            }
            r.agencies[a] = AgencyView {
                kind: self.kinds[a],
                commitment_strategic: st.commitment_strategic[a],
                commitment_operational: st.commitment_operational[a],
                unresolved: st.unresolved[a],
                understanding: st.understanding_mean[a],
                involvement: (strategic as u8 + front as u8) as f64 / 2.0,
                contribution: st.contribution[a],
                trust: trust / (s.n_agencies - 1).max(1) as f64,
                alignment: s.agency[a].alignment,
            };
        }
        for (k, row) in r.challenges.iter_mut().enumerate() {
            for (a, ep) in row.iter_mut().enumerate().take(s.n_agencies) {
                if ep.active {
                    ep.last_month = st.month;
                    // The model keeps one active episode per kind: its severity is current.
                    if st.challenge_active[k] && st.challenge_agency[k] as usize == a {
                        ep.severity = st.severity[k];
                    }
                }
            }
        }
        r.n_posts = s.n_posts;
        for p in 0..s.n_posts {
            r.posts[p] = Post {
                agency: s.post_agency[p],
                level: s.post_level[p],
                key: s.post_key[p],
                filled: st.filled[p],
            };
        }
    }
}
