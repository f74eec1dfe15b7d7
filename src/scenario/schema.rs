//! The scenario schema: every input of the model, with its default and its source.
//!
//! Each struct denies unknown keys so that a typo is an error rather than a silently ignored
//! setting. Values that depend on the model of multi-agency activity or on an agency's kind are
//! `Option`s here and are filled by [`super::resolve`]; after resolution every field holds a value,
//! which is what `partnersim check` prints and what every manifest records.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::{ChallengeKind, ModelKind, Stage};

/// One initiative design. Agencies and funding streams are keyed by name so that a scenario that
/// `extends` another can change one agency (`[agencies.health] commitment_strategic = 0.9`) without
/// repeating the rest, and so that sweep paths read naturally.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Path of a base scenario, relative to this file, whose values this file overrides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Short name; the default output directory is `output/<name>/`.
    #[serde(default)]
    pub name: String,
    /// One or two sentences for the reader of a report.
    #[serde(default)]
    pub description: String,
    /// Model of multi-agency activity (NFER chapter 1); sets the structural defaults.
    #[serde(default)]
    pub model: ModelKind,
    /// Horizon in months (default 72, MODEL.md §2).
    #[serde(default = "default_months")]
    pub months: u32,
    /// Stage at month 0 (default `idea`, MODEL.md §5).
    #[serde(default)]
    pub start_stage: Stage,
    /// Name of the lead agency: its commitment decides folding (MODEL.md §3.7). Defaults to the
    /// first agency in name order.
    #[serde(default)]
    pub lead: String,
    /// Money the initiative needs each month at full delivery, in thousand pounds. Adequacy is
    /// available money over this times the stage requirement and the model's funding need.
    #[serde(default = "default_required_funding")]
    pub required_funding: f64,
    /// Structural properties of the model; unset values come from the model's defaults.
    #[serde(default)]
    pub structure: Structure,
    /// Policy levers a planner can pull.
    #[serde(default)]
    pub levers: Levers,
    /// The partner agencies (2 to 5), keyed by a name of the scenario's choosing.
    #[serde(default)]
    pub agencies: BTreeMap<String, Agency>,
    /// Funding streams, keyed by name.
    #[serde(default)]
    pub funding: BTreeMap<String, FundingStream>,
    /// The model's constants.
    #[serde(default)]
    pub params: Params,
    /// Which of `params` the scenario's files (or an overlay) named, as dotted paths under
    /// `[params]` (`challenges.issue_gain`, `progress.stage_rate`): a study that changes the
    /// defaults must leave these alone even when they equal the default. Filled by the loader;
    /// not part of the scenario's text, so never serialised.
    #[serde(skip)]
    pub params_set: BTreeSet<String>,
}

fn default_months() -> u32 {
    72
}
fn default_required_funding() -> f64 {
    10.0
}

/// Structural properties that distinguish the five models (MODEL.md §2 table).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Structure {
    /// Scale of cross-agency contact: a pair of agencies has `contact_rate · √(n_a · n_b)`
    /// contacts a month (before time, noise and the coordinator), so per person it is the rate
    /// only when both sides have as many staff in post.
    pub contact_rate: Option<f64>,
    /// A coordinator or manager post exists (the lead agency's first interface post): contacts
    /// pass through it, so they fall while it is vacant.
    pub coordinator: Option<bool>,
    /// The initiative delivers services directly (not only decisions or advice).
    pub delivers_services: Option<bool>,
    /// 0..1, how dispersed participants are; lowers communication quality and raises the
    /// communication challenge.
    pub dispersion: Option<f64>,
    /// 0..1, how much professional roles overlap or merge; raises the roles challenge.
    pub role_overlap: Option<f64>,
    /// Multiplier on the money required at full delivery (indirect models need less).
    pub funding_need: Option<f64>,
}

/// Levers of MODEL.md §2 and the reference's findings on what helps.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Levers {
    /// All streams are pooled: protected from withdrawal, one fund-holder, resolves challenges
    /// (Table 7.1: sharing funding is the main factor in overcoming challenges).
    pub pooled_budget: bool,
    /// Joint training speeds trust and understanding (reference §4).
    pub joint_training: bool,
    /// Written protocols: information sharing, and links that survive staff changes (§2).
    pub protocols: bool,
    /// Staff share one site; defaults to the model's co-location.
    pub co_location: Option<bool>,
    /// Health's boundaries match the authority's, so Health is not slower to involve.
    pub coterminous_health: bool,
    /// An independent chair: leadership without single-agency domination (case study 1).
    pub independent_chair: bool,
}

/// Kinds of agency in the NFER sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    /// The local education authority and schools: annual turnover 0.14, vacancy rounds of 3
    /// months, culture [0.2, 0.3].
    Education,
    /// Social services: annual turnover 0.15, vacancy rounds of 4 months, culture [0.6, 0.6].
    SocialServices,
    /// Health: the only kind outside the council by default, and the only one that
    /// `levers.coterminous_health` brings inside; annual turnover 0.11, vacancy rounds of 3
    /// months, culture [0.9, 0.8].
    Health,
    /// A voluntary-sector organisation: annual turnover 0.25, vacancy rounds of 2 months,
    /// culture [0.4, 0.2].
    Voluntary,
    /// Any other agency (a scenario file names it; only scenarios built in code get it by
    /// default): annual turnover 0.15, vacancy rounds of 3 months, culture [0.5, 0.5].
    Other,
}

impl AgencyKind {
    /// All kinds, in output order.
    pub const ALL: [AgencyKind; 5] = [
        AgencyKind::Education,
        AgencyKind::SocialServices,
        AgencyKind::Health,
        AgencyKind::Voluntary,
        AgencyKind::Other,
    ];

    /// The snake_case name used in files.
    pub fn key(self) -> &'static str {
        match self {
            AgencyKind::Education => "education",
            AgencyKind::SocialServices => "social_services",
            AgencyKind::Health => "health",
            AgencyKind::Voluntary => "voluntary",
            AgencyKind::Other => "other",
        }
    }

    /// Parses the snake_case name.
    pub fn from_key(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == s)
    }
}

/// Posts an agency puts into the initiative, by level (1 to 8 in all, MODEL.md §2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Posts {
    /// Managers who sit on the steering group; the first is the agency's key (lead) post.
    pub strategic: u32,
    /// Coordinators, team managers and link workers; in the lead agency the first is key.
    pub interface: u32,
    /// Front-line practitioners.
    pub operational: u32,
}

impl Default for Posts {
    fn default() -> Self {
        Posts {
            strategic: 1,
            interface: 1,
            operational: 2,
        }
    }
}

/// One partner agency. Unset values take the defaults of its kind (reference §7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Agency {
    /// Kind of agency; defaults to the table's key when that names a kind, and must be given
    /// otherwise, so that a misspelt `[agencies.heath]` is refused rather than taken for a new
    /// agency of kind `other`.
    pub kind: Option<AgencyKind>,
    /// 0..1, initial and anchoring willingness of senior managers ("top down").
    pub commitment_strategic: f64,
    /// 0..1, initial and anchoring willingness of practitioners ("bottom up").
    pub commitment_operational: f64,
    /// 0..1, how well the initiative serves the agency's own targets (1 − competing priorities).
    pub alignment: f64,
    /// 0..1, budget pressure at month 0.
    pub budget_pressure: f64,
    /// Change of budget pressure per year (a linear schedule; noise is added monthly).
    pub budget_pressure_trend: f64,
    /// Staff were told to take part rather than volunteering: commitment rises more slowly.
    pub directed: bool,
    /// Sits outside the local authority (Health by default): slower to involve unless coterminous.
    pub outside_council: Option<bool>,
    /// Position on two culture axes, each 0..1 (procedures and confidentiality; professional
    /// model). Distance between agencies slows trust.
    pub culture: Option<[f64; 2]>,
    /// 0..1, issues the agency has with the initiative at month 0.
    pub unresolved_issues: f64,
    /// Share of staff leaving per year; default by kind (reference §7).
    pub annual_turnover: Option<f64>,
    /// Months a recruitment round takes (at least 1): a vacancy is refilled each month with
    /// chance `replace_probability / vacancy_months`, lowered by budget pressure and low
    /// commitment, so the mean vacancy lasts `vacancy_months / replace_probability` months or more.
    pub vacancy_months: Option<f64>,
    /// Share of recruitment rounds that succeed (the monthly refill chance is this over
    /// `vacancy_months`); a post whose every funding stream has ended is never refilled.
    pub replace_probability: f64,
    /// 0..1, share of staff time funded for the initiative rather than taken from caseloads.
    pub ring_fenced: f64,
    /// 0..1, share of posts vacant at month 0 (default 0; reference §7 gives 16–20% for social
    /// work vacancies, which a scenario may set).
    pub initial_vacancy: f64,
    /// Posts by level.
    pub posts: Posts,
}

impl Default for Agency {
    fn default() -> Self {
        Agency {
            kind: None,
            commitment_strategic: 0.7,
            commitment_operational: 0.7,
            alignment: 0.7,
            budget_pressure: 0.3,
            budget_pressure_trend: 0.0,
            directed: false,
            outside_council: None,
            culture: None,
            unresolved_issues: 0.0,
            annual_turnover: None,
            vacancy_months: None,
            replace_probability: 0.9,
            ring_fenced: 0.5,
            initial_vacancy: 0.0,
            posts: Posts::default(),
        }
    }
}

/// One funding stream (MODEL.md §2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FundingStream {
    /// An agency's name, `grant` (time-limited external money) or `joint`. Defaults to `grant`,
    /// except that a stream named after an agency must give it: `[funding.health]` without a
    /// source reads as Health's budget, and quietly making it grant money changes results.
    pub source: String,
    /// Thousand pounds per month.
    pub monthly: f64,
    /// Month the stream starts.
    pub start: u32,
    /// Length of each term in months; 0 means mainstream (base budget, no end).
    pub term_months: u32,
    /// Probability the stream is renewed for another term when a term ends.
    pub renewal_probability: f64,
    /// Probability the stream moves into the base budget when a term ends ("a quantum leap").
    pub mainstream_probability: f64,
    /// Part of a pooled budget.
    pub pooled: bool,
    /// Posts whose salaries rest on this stream: `agency` (all its posts) or `agency.level`.
    pub funds_posts: Vec<String>,
}

impl Default for FundingStream {
    fn default() -> Self {
        FundingStream {
            source: "grant".into(),
            monthly: 0.0,
            start: 0,
            term_months: 0,
            renewal_probability: 0.0,
            mainstream_probability: 0.0,
            pooled: false,
            funds_posts: Vec::new(),
        }
    }
}

/// Every constant of the monthly step, grouped by process (MODEL.md §3). `docs/model.md` gives
/// each one's unit and source.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Params {
    /// `[params.environment]`: budget pressure and reorganisations.
    pub environment: EnvironmentParams,
    /// `[params.funding]`: stage requirements, withdrawal and renewal of money.
    pub funding: FundingParams,
    /// `[params.staffing]`: departures, refills and what newcomers bring.
    pub staffing: StaffingParams,
    /// `[params.interaction]`: contacts, trust, understanding and communication quality.
    pub interaction: InteractionParams,
    /// `[params.commitment]`: how each agency's commitment moves toward its target.
    pub commitment: CommitmentParams,
    /// `[params.challenges]`: onset, severity and resolution of the seven challenges.
    pub challenges: ChallengeParams,
    /// `[params.progress]`: readiness, stage progress, gates and setbacks.
    pub progress: ProgressParams,
    /// `[params.folding]`: the floors and durations after which an initiative folds.
    pub folding: FoldingParams,
}

/// Process 1: budget pressure and reorganisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EnvironmentParams {
    /// Standard deviation of the monthly budget-pressure innovation.
    pub pressure_noise_sd: f64,
    /// AR(1) persistence of budget-pressure noise, per month.
    pub pressure_persistence: f64,
    /// Expected reorganisations per year, a Poisson rate (reference §5: the commonest catalyst).
    pub reorganisation_rate: f64,
    /// Share of every trust value lost in a reorganisation.
    pub reorganisation_trust_loss: f64,
    /// Strategic commitment gained by every agency in a reorganisation (it brings them together).
    pub reorganisation_commitment_boost: f64,
}

impl Default for EnvironmentParams {
    fn default() -> Self {
        EnvironmentParams {
            pressure_noise_sd: 0.04,
            pressure_persistence: 0.9,
            reorganisation_rate: 0.05,
            reorganisation_trust_loss: 0.3,
            reorganisation_commitment_boost: 0.1,
        }
    }
}

/// Process 2: funding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FundingParams {
    /// Share of the full requirement needed in each stage, idea to well established.
    pub stage_requirement: [f64; 6],
    /// Share of an agency's non-pooled contribution withdrawn at full budget pressure and zero
    /// strategic commitment ("retreat to core business", reference §3).
    pub pressure_withdrawal: f64,
    /// Share of the delivery-stage requirement that money in hand must cover for funding to count
    /// as secured (the setting-up gate).
    pub secured_threshold: f64,
    /// How much an agency-sourced stream's renewal probability falls per unit budget pressure.
    pub renewal_pressure_sensitivity: f64,
}

impl Default for FundingParams {
    fn default() -> Self {
        FundingParams {
            stage_requirement: [0.0, 0.1, 0.5, 0.9, 1.0, 1.0],
            pressure_withdrawal: 0.5,
            secured_threshold: 0.8,
            renewal_pressure_sensitivity: 0.5,
        }
    }
}

/// Process 3: staffing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StaffingParams {
    /// Turnover hazard multiplier for posts on a stream ending within the window (reference §3:
    /// holders of 3-year posts look for other jobs after two).
    pub short_term_hazard_multiplier: f64,
    /// Months before a stream's end in which its posts' holders are more likely to leave.
    pub short_term_window: u32,
    /// Fall in refill probability per unit budget pressure.
    pub refill_pressure_sensitivity: f64,
    /// Refill probability at zero commitment, as a share of that at full commitment.
    pub refill_commitment_floor: f64,
    /// Understanding of other agencies a newcomer starts with.
    pub newcomer_understanding: f64,
    /// Share of newcomers who have worked in more than one agency (reference §4: 38%).
    pub hybrid_share: f64,
    /// Understanding a hybrid newcomer starts with.
    pub hybrid_understanding: f64,
    /// Share of non-ring-fenced time pulled back to core business at full budget pressure.
    pub pullback: f64,
    /// Share of an agency's trust held by one departing ordinary post, per post it has.
    pub trust_loss_per_departure: f64,
    /// How much more trust a key post holds than an ordinary one.
    pub key_weight: f64,
}

impl Default for StaffingParams {
    fn default() -> Self {
        StaffingParams {
            short_term_hazard_multiplier: 2.0,
            short_term_window: 12,
            refill_pressure_sensitivity: 0.5,
            refill_commitment_floor: 0.3,
            newcomer_understanding: 0.1,
            hybrid_share: 0.38,
            hybrid_understanding: 0.5,
            pullback: 0.6,
            trust_loss_per_departure: 0.5,
            key_weight: 2.0,
        }
    }
}

/// Process 4: interaction, trust, understanding and communication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InteractionParams {
    /// Trust gained per contact, as a rate toward 1.
    pub trust_gain: f64,
    /// Understanding gained per contact a person has, as a rate toward 1.
    pub understanding_gain: f64,
    /// How much a unit of culture distance divides trust gain.
    pub culture_slowdown: f64,
    /// Share of trust lost each month (relationships need upkeep).
    pub trust_decay: f64,
    /// Relative speed-up of trust and understanding from joint training.
    pub joint_training_boost: f64,
    /// Relative speed-up of trust and understanding from written protocols.
    pub protocol_boost: f64,
    /// Relative speed-up of understanding from co-location.
    pub co_location_boost: f64,
    /// Spread of monthly contact volume around its mean (uniform, mean preserved), 0 to 2.
    pub contact_noise: f64,
    /// Contacts in a coordinator-mediated model while the coordinator post is vacant, as a share.
    pub coordinator_absent_factor: f64,
    /// Contacts with an outside-council agency that is not coterminous, as a share.
    pub outside_council_factor: f64,
    /// Contacts per person-month that give full contact sufficiency in communication quality.
    pub communication_contact_need: f64,
    /// Fall in communication quality per unit dispersion (halved by co-location).
    pub dispersion_penalty: f64,
    /// Fall in communication quality without information-sharing protocols.
    pub no_protocol_penalty: f64,
}

impl Default for InteractionParams {
    fn default() -> Self {
        InteractionParams {
            trust_gain: 0.02,
            understanding_gain: 0.03,
            culture_slowdown: 2.0,
            trust_decay: 0.01,
            joint_training_boost: 0.5,
            protocol_boost: 0.3,
            co_location_boost: 0.3,
            contact_noise: 1.0,
            coordinator_absent_factor: 0.3,
            outside_council_factor: 0.5,
            // Set by calibration (docs/calibration.md).
            communication_contact_need: 1.625,
            dispersion_penalty: 0.4,
            no_protocol_penalty: 0.15,
        }
    }
}

/// Process 5: commitment. Targets are the agency's anchoring commitment times a modifier
/// `1 + Σ w·(x − ½) − retreat·pressure·(1 − alignment) − conflict·issues`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommitmentParams {
    /// Share of the gap to the target closed each month.
    pub rate: f64,
    /// Rate multiplier while rising for directed agencies (reference §4: wanting beats directed).
    pub directed_rate_factor: f64,
    /// Rate multiplier while rising for outside-council agencies that are not coterminous.
    pub outside_council_rate_factor: f64,
    /// Strategic weights: visible progress (small wins), funding security, relationships,
    /// leadership.
    pub strategic_weights: [f64; 4],
    /// Operational weights: visible progress, manageable workload, relationships, leadership.
    pub operational_weights: [f64; 4],
    /// Retreat to core business: weight of budget pressure times misalignment.
    pub retreat: f64,
    /// Weight of the agency's unresolved issues (active conflicts).
    pub conflict: f64,
}

impl Default for CommitmentParams {
    fn default() -> Self {
        CommitmentParams {
            rate: 0.1,
            directed_rate_factor: 0.5,
            outside_council_rate_factor: 0.6,
            strategic_weights: [0.3, 0.4, 0.15, 0.2],
            operational_weights: [0.3, 0.4, 0.3, 0.1],
            retreat: 0.8,
            conflict: 0.5,
        }
    }
}

/// Onset, severity and resolution of one challenge kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChallengeKindParams {
    /// Monthly onset hazard when the driver is 1.
    pub rate: f64,
    /// Severity scale: a challenge arising at driver d has severity `this × (½ + d)`, capped at 1;
    /// the summed severity of active challenges drags progress.
    pub severity: f64,
    /// Monthly resolution probability at full resolving capacity and zero driver (it is scaled
    /// by capacity and by `1 − ½·driver`).
    pub resolution: f64,
}

impl Default for ChallengeKindParams {
    fn default() -> Self {
        ChallengeKindParams {
            rate: 0.1,
            severity: 0.2,
            resolution: 0.2,
        }
    }
}

impl ChallengeKindParams {
    const fn new(rate: f64, severity: f64, resolution: f64) -> Self {
        ChallengeKindParams {
            rate,
            severity,
            resolution,
        }
    }
}

/// Process 6: the seven challenges of Table 6.1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChallengeParams {
    /// Fiscal resources, felt at strategic level by the agency under the highest budget pressure
    /// (default rate 0.06 calibrated, severity 0.15, resolution 0.25).
    pub fiscal: ChallengeKindParams,
    /// Roles and responsibilities, felt at operational level by the agency that understands the
    /// others least (default rate 0.24 calibrated, severity 0.1, resolution 0.3).
    pub roles: ChallengeKindParams,
    /// Competing priorities, felt at strategic level where misalignment times pressure is largest
    /// (default rate 0.2 calibrated, severity 0.1, resolution 0.25).
    pub competing_priorities: ChallengeKindParams,
    /// Non-fiscal resources, felt at operational level by the agency contributing least
    /// (default rate 0.13 calibrated, severity 0.1, resolution 0.35).
    pub non_fiscal_resources: ChallengeKindParams,
    /// Communication, felt at interface level by the agency with the lowest mean trust
    /// (default rate 0.04 calibrated, severity 0.1, resolution 0.35).
    pub communication: ChallengeKindParams,
    /// Cultures, felt at operational level by the first agency of the worst pair
    /// (default rate 0.05 calibrated, severity 0.1, resolution 0.3).
    pub cultures: ChallengeKindParams,
    /// Management, felt at strategic level by the agency with the lowest strategic commitment
    /// (default rate 0.02 calibrated, severity 0.1, resolution 0.35).
    pub management: ChallengeKindParams,
    /// Unresolved issues added to the affected agency per unit severity.
    pub issue_gain: f64,
    /// Share of unresolved issues that fade each month.
    pub issue_decay: f64,
    /// Resolution weights: weakest commitment, communication, leadership, pooled funding
    /// (reference §4: pooled funding first in overcoming challenges).
    pub resolution_weights: [f64; 4],
    /// Fiscal driver when two or more fund-holders are not pooled (conflict over money, over
    /// half the fiscal mentions).
    pub fiscal_conflict: f64,
    /// Months before a stream's end in which sustainability worries start.
    pub sustainability_window: u32,
    /// Non-fiscal driver while accommodation is needed but not found.
    pub accommodation_weight: f64,
    /// How strongly role overlap spreads the roles driver across models: the driver is scaled by
    /// `(1 + overlap_factor · role_overlap) / (1 + overlap_factor)`, which is 1 at full overlap
    /// and falls with less; 0 gives every model the full driver.
    pub overlap_factor: f64,
    /// Management driver without a coordinator or steering group.
    pub no_manager_weight: f64,
    /// Management driver per fund-holder beyond the first.
    pub fund_holder_weight: f64,
    /// Management driver in the months after a stage advance (rapid growth).
    pub growth_weight: f64,
    /// Months after a stage advance that count as rapid growth.
    pub growth_window: u32,
    /// Share of the management driver removed by an independent chair.
    pub chair_relief: f64,
}

impl Default for ChallengeParams {
    fn default() -> Self {
        ChallengeParams {
            // Onset rates and issue_gain set by calibration (docs/calibration.md).
            fiscal: ChallengeKindParams::new(0.06, 0.15, 0.25),
            roles: ChallengeKindParams::new(0.24, 0.1, 0.3),
            competing_priorities: ChallengeKindParams::new(0.2, 0.1, 0.25),
            non_fiscal_resources: ChallengeKindParams::new(0.13, 0.1, 0.35),
            communication: ChallengeKindParams::new(0.04, 0.1, 0.35),
            cultures: ChallengeKindParams::new(0.05, 0.1, 0.3),
            management: ChallengeKindParams::new(0.02, 0.1, 0.35),
            issue_gain: 1.875,
            issue_decay: 0.03,
            resolution_weights: [0.3, 0.2, 0.2, 0.3],
            fiscal_conflict: 0.4,
            sustainability_window: 6,
            accommodation_weight: 0.5,
            overlap_factor: 1.0,
            no_manager_weight: 0.5,
            fund_holder_weight: 0.15,
            growth_weight: 0.3,
            growth_window: 6,
            chair_relief: 0.5,
        }
    }
}

impl ChallengeParams {
    /// One kind's parameters: lets the challenge process loop over [`ChallengeKind::ALL`] while
    /// the TOML keeps one named table per kind.
    pub fn kind(&self, kind: ChallengeKind) -> &ChallengeKindParams {
        match kind {
            ChallengeKind::Fiscal => &self.fiscal,
            ChallengeKind::Roles => &self.roles,
            ChallengeKind::CompetingPriorities => &self.competing_priorities,
            ChallengeKind::NonFiscalResources => &self.non_fiscal_resources,
            ChallengeKind::Communication => &self.communication,
            ChallengeKind::Cultures => &self.cultures,
            ChallengeKind::Management => &self.management,
        }
    }
}

/// Process 7: readiness, progress, gates and setbacks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProgressParams {
    /// Weights of the nine key factors in readiness, in Table 7.1 order; the defaults are the
    /// table's interviewee counts (81, 45, 35, 35, 32, 25, 24, 24, 21) divided by 21, except
    /// commitment and communication, set by calibration (docs/calibration.md).
    pub factor_weights: [f64; 9],
    /// Share of the commitment factor given by the weakest agency ("a brick wall").
    pub weakest_agency_weight: f64,
    /// Progress per month at readiness 1, by stage (idea to developing).
    pub stage_rate: [f64; 5],
    /// Effective commitment an agency needs to sit on a steering group.
    pub steering_commitment: f64,
    /// Strategic commitment every agency needs for common aims to be agreed.
    pub aims_commitment: f64,
    /// Common-aims factor before aims are agreed, as a share.
    pub aims_floor: f64,
    /// Monthly chance of finding accommodation in setting up, where the model needs it.
    pub accommodation_rate: f64,
    /// Months delivering before moving from starting to deliver to developing.
    pub min_delivering_months: u32,
    /// Months delivering before a review or evaluation can happen.
    pub review_after: u32,
    /// Monthly chance of a review once due, while key posts are filled (case study 4).
    pub review_rate: f64,
    /// Months delivering for the "length of time" criterion of Table 2.1.
    pub established_months: u32,
    /// Weakest effective commitment for the "commitment" criterion.
    pub criteria_commitment: f64,
    /// Highest unresolved issues of any agency for "no remaining issues" and for the final gate.
    pub criteria_issues: f64,
    /// Months delivering for the "number and range of services" criterion.
    pub range_months: u32,
    /// Tenure in months after which a key post holder counts as permanent.
    pub permanent_tenure: u32,
    /// Table 2.1 criteria (of 8) that must hold to become well established.
    pub criteria_required: u32,
    /// Progress lost when a key person leaves before establishment.
    pub key_loss_progress: f64,
    /// Chance that losing a key person before establishment drops a stage (from setting up on).
    pub key_loss_drop: f64,
    /// How far protocols soften the loss of a key person (links embedded in ground rules): the
    /// progress lost, the chance of dropping a stage and the trust a departure takes are each
    /// scaled by `1 − protocol_embedding` when protocols are in place.
    pub protocol_embedding: f64,
    /// Funding adequacy under which a fall in funding during delivery drops a stage.
    pub cliff_level: f64,
    /// Leadership added by an independent chair.
    pub chair_bonus: f64,
    /// Months a key post holder needs to reach full leadership (vision takes time).
    pub leader_ramp: f64,
}

impl Default for ProgressParams {
    fn default() -> Self {
        let counts = [81.0, 45.0, 35.0, 35.0, 32.0, 25.0, 24.0, 24.0, 21.0];
        let mut factor_weights = counts.map(|c: f64| c / 21.0);
        // Set by calibration (docs/calibration.md), as are the stage rates of starting to deliver
        // and developing, criteria_commitment, criteria_issues, established_months and
        // range_months.
        factor_weights[0] = 5.3571;
        factor_weights[3] = 2.6667;
        ProgressParams {
            factor_weights,
            weakest_agency_weight: 0.6,
            stage_rate: [0.5, 0.25, 0.2, 0.2, 0.1],
            steering_commitment: 0.35,
            aims_commitment: 0.4,
            aims_floor: 0.3,
            accommodation_rate: 0.15,
            min_delivering_months: 6,
            review_after: 12,
            review_rate: 0.08,
            established_months: 34,
            criteria_commitment: 0.6,
            criteria_issues: 0.1,
            range_months: 31,
            permanent_tenure: 12,
            criteria_required: 5,
            key_loss_progress: 0.3,
            key_loss_drop: 0.25,
            protocol_embedding: 0.6,
            cliff_level: 0.6,
            chair_bonus: 0.15,
            leader_ramp: 6.0,
        }
    }
}

/// Folding: when an initiative stops.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FoldingParams {
    /// Lead agency's effective commitment below which the months count toward folding.
    pub lead_commitment_floor: f64,
    /// Any partner's effective commitment below which it counts as withdrawn.
    pub partner_commitment_floor: f64,
    /// Funding adequacy below which the months count toward folding (from setting up on).
    pub funding_floor: f64,
    /// Consecutive months below a floor before the initiative folds.
    pub months: u32,
    /// Consecutive months with every key post vacant before the initiative folds.
    pub key_staff_months: u32,
}

impl Default for FoldingParams {
    fn default() -> Self {
        FoldingParams {
            lead_commitment_floor: 0.15,
            partner_commitment_floor: 0.08,
            funding_floor: 0.3,
            months: 6,
            key_staff_months: 12,
        }
    }
}
