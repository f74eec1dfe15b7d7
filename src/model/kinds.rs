//! The vocabularies of the model: models of activity, stages, levels, challenges, key factors and
//! fold causes. Each has a stable snake_case key used in every file the simulator writes.

macro_rules! keyed_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $key:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in the order used for arrays and outputs.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// How many values there are.
            pub const COUNT: usize = [$($key),+].len();
            /// The stable key used in files.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key),+ }
            }
            /// Position in [`Self::ALL`].
            pub fn index(self) -> usize { self as usize }
        }
    };
}
pub(crate) use keyed_enum;

keyed_enum! {
    /// The five models of multi-agency activity (NFER chapter 1).
    ModelKind {
        /// Strategic planning group; works through others (9 of 30).
        DecisionMakingGroup => "decision_making_group",
        /// Consultation and training for professionals (5 of 30).
        ConsultationTraining => "consultation_training",
        /// Services delivered from one site (4 of 30).
        CentreBased => "centre_based",
        /// A coordinator links agencies' separate delivery (9 of 30).
        CoordinatedDelivery => "coordinated_delivery",
        /// Professionals work side by side as one team (3 of 30).
        OperationalTeam => "operational_team",
    }
}

// The keyed-enum macro declares the enum, so no variant can carry `#[default]`.
#[allow(clippy::derivable_impls)]
impl Default for ModelKind {
    fn default() -> Self {
        ModelKind::CoordinatedDelivery
    }
}

/// Structural defaults of a model (MODEL.md §2 table).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelDefaults {
    /// Default `structure.contact_rate`: cross-agency contacts per person-month between two
    /// agencies' staff, before time given, noise and the coordinator and outside-council factors
    /// (1 for decision-making groups up to 20 for operational teams; an assumption).
    pub contact_rate: f64,
    /// Default `levers.co_location`: staff share one site (centre-based models and operational
    /// teams), which speeds understanding, halves the dispersion penalty and makes accommodation a
    /// gate out of setting up.
    pub co_located: bool,
    /// Default `structure.coordinator`: the lead agency's first interface post (if it has one) is
    /// a key coordinator post, and contacts fall while it is vacant.
    pub coordinator: bool,
    /// Default `structure.delivers_services`. Resolved and recorded in the manifest, but no rule
    /// reads it, so it has no effect on results.
    pub delivers_services: bool,
    /// Default `structure.dispersion`, 0..1 ("low" 0.2, "high" 0.7): lowers communication quality
    /// and raises the communication challenge's driver.
    pub dispersion: f64,
    /// Default `structure.role_overlap`, 0..1 ("low" 0.2, "medium" 0.5, "high" 0.8): raises the
    /// roles challenge's driver.
    pub role_overlap: f64,
    /// Default `structure.funding_need`: multiplier on `required_funding`, 1 for the delivering
    /// models and 0.4 and 0.6 for the two indirect ones. Not in MODEL.md; it is how the code makes
    /// required money higher for delivering models.
    pub funding_need: f64,
    /// Sample count in the NFER study.
    pub sample_count: u32,
}

impl ModelKind {
    /// MODEL.md §2: contact rate, co-location, coordinator, delivery, dispersion (low 0.2,
    /// high 0.7) and role overlap (low 0.2, medium 0.5, high 0.8). Indirect models need less money.
    pub fn defaults(self) -> ModelDefaults {
        let d = |contact_rate,
                 co_located,
                 coordinator,
                 delivers_services,
                 dispersion,
                 role_overlap,
                 funding_need,
                 sample_count| ModelDefaults {
            contact_rate,
            co_located,
            coordinator,
            delivers_services,
            dispersion,
            role_overlap,
            funding_need,
            sample_count,
        };
        match self {
            ModelKind::DecisionMakingGroup => d(1.0, false, false, false, 0.2, 0.2, 0.4, 9),
            ModelKind::ConsultationTraining => d(2.0, false, false, true, 0.2, 0.2, 0.6, 5),
            ModelKind::CentreBased => d(8.0, true, true, true, 0.2, 0.5, 1.0, 4),
            ModelKind::CoordinatedDelivery => d(2.0, false, true, true, 0.7, 0.2, 1.0, 9),
            ModelKind::OperationalTeam => d(20.0, true, true, true, 0.2, 0.8, 1.0, 3),
        }
    }
}

keyed_enum! {
    /// Stages of development (MODEL.md §2), in order, and the terminal `folded`.
    Stage {
        /// An initiative is proposed; by default it needs no money yet. Gate out: a steering
        /// group.
        Idea => "idea",
        /// Agencies plan together. Gate out: common aims agreed.
        Planning => "planning",
        /// Staff are appointed, money secured and (when co-located) a site found; all three gate
        /// the move to delivery. From here on a key-person loss can drop a stage and low funding
        /// counts toward folding.
        SettingUp => "setting_up",
        /// The first delivering stage: delivering months start to count. Gate out:
        /// `min_delivering_months` of delivery.
        StartingToDeliver => "starting_to_deliver",
        /// Delivering and consolidating. Gate out: `criteria_required` of the Table 2.1 criteria
        /// hold and no agency has `criteria_issues` or more unresolved issues.
        Developing => "developing",
        /// The outcome of interest. Progress stops here, but a funding cliff can drop it back to
        /// `developing` and it can still fold.
        WellEstablished => "well_established",
        /// Terminal and absorbing: the rollout ends in the month it folds.
        Folded => "folded",
    }
}

#[allow(clippy::derivable_impls)]
impl Default for Stage {
    fn default() -> Self {
        Stage::Idea
    }
}

impl Stage {
    /// The stage before this one (setbacks), if any.
    pub fn previous(self) -> Stage {
        match self {
            Stage::Idea | Stage::Planning => Stage::Idea,
            Stage::SettingUp => Stage::Planning,
            Stage::StartingToDeliver => Stage::SettingUp,
            Stage::Developing => Stage::StartingToDeliver,
            Stage::WellEstablished => Stage::Developing,
            Stage::Folded => Stage::Folded,
        }
    }
    /// The stage after this one, if any.
    pub fn next(self) -> Stage {
        match self {
            Stage::Idea => Stage::Planning,
            Stage::Planning => Stage::SettingUp,
            Stage::SettingUp => Stage::StartingToDeliver,
            Stage::StartingToDeliver => Stage::Developing,
            Stage::Developing | Stage::WellEstablished => Stage::WellEstablished,
            Stage::Folded => Stage::Folded,
        }
    }
    /// Stages with a gate out of them (all but `well_established` and `folded`), which index
    /// [`Stage::ALL`] from 0.
    pub const GATED: usize = 5;

    /// What the gate out of this stage waits for (MODEL.md §3.7), in a reader's words: a report
    /// or trace names it where progress is complete but the stage is not left.
    pub fn gate(self) -> &'static str {
        match self {
            Stage::Idea => {
                "a steering or management group (two agencies committed, the lead among them)"
            }
            Stage::Planning => "common aims (every agency's strategic commitment high enough)",
            Stage::SettingUp => {
                "key staff appointed, funding secured and, when co-located, accommodation"
            }
            Stage::StartingToDeliver => "the minimum months delivering",
            Stage::Developing => {
                "enough Table 2.1 criteria, and every agency's unresolved issues below the threshold"
            }
            Stage::WellEstablished | Stage::Folded => "no gate",
        }
    }

    /// The initiative delivers services in this stage.
    pub fn delivering(self) -> bool {
        matches!(
            self,
            Stage::StartingToDeliver | Stage::Developing | Stage::WellEstablished
        )
    }
}

keyed_enum! {
    /// Levels at which professionals work and challenges are felt.
    Level {
        /// Senior managers who sit on the steering group; an agency's first strategic post is its
        /// key (lead) post. Fiscal, competing-priorities and management challenges are felt here.
        Strategic => "strategic",
        /// Coordinators, team managers and link workers; the lead agency's first interface post is
        /// the key coordinator post when the model has one. The communication challenge is felt
        /// here.
        Interface => "interface",
        /// Front-line practitioners. Roles, non-fiscal-resources and cultures challenges are felt
        /// here.
        Operational => "operational",
    }
}

keyed_enum! {
    /// The seven challenge kinds of Table 6.1, in the table's order.
    ChallengeKind {
        /// Money: a shortfall against the stage's requirement, conflict between several
        /// fund-holders without a pool, or streams about to end (Table 6.1: 33% of interviewees).
        /// Felt by the agency under the highest budget pressure.
        Fiscal => "fiscal",
        /// Roles and responsibilities: low understanding of the other agencies, worse where roles
        /// overlap (Table 6.1: 32%). Felt by the agency with the lowest mean understanding.
        Roles => "roles",
        /// Competing priorities: misalignment with the agency's own targets under budget pressure
        /// (Table 6.1: 26%). Felt by the agency where that product is largest.
        CompetingPriorities => "competing_priorities",
        /// Non-fiscal resources: vacancies, staff time pulled back, no accommodation where it is
        /// needed (Table 6.1: 19%). Felt by the agency contributing least.
        NonFiscalResources => "non_fiscal_resources",
        /// Communication: low communication quality, worse with dispersion (Table 6.1: 14%). Felt
        /// by the agency with the lowest mean trust with its partners.
        Communication => "communication",
        /// Cultures: culture distance between two agencies times their lack of trust (Table 6.1:
        /// 10%). Felt by the first agency of the worst pair.
        Cultures => "cultures",
        /// Management: no coordinator or steering group, several fund-holders, rapid growth after
        /// an advance (Table 6.1: 10%). Felt by the agency with the lowest strategic commitment.
        Management => "management",
    }
}

impl ChallengeKind {
    /// The level at which the challenge is chiefly felt (reference §3: money, priorities and
    /// management are senior managers' business; roles, resources and cultures bite at the front
    /// line; communication at the interface between agencies).
    pub fn level(self) -> Level {
        match self {
            ChallengeKind::Fiscal
            | ChallengeKind::CompetingPriorities
            | ChallengeKind::Management => Level::Strategic,
            ChallengeKind::Communication => Level::Interface,
            ChallengeKind::Roles | ChallengeKind::NonFiscalResources | ChallengeKind::Cultures => {
                Level::Operational
            }
        }
    }
}

keyed_enum! {
    /// The nine key factors of Table 7.1, in the table's order.
    Factor {
        /// Effective commitment, weighted toward the weakest agency ("a brick wall"); cited by 81
        /// of 139 interviewees, the largest default weight.
        Commitment => "commitment",
        /// Mean understanding of the other agencies' roles over all filled posts (45).
        UnderstandingRoles => "understanding_roles",
        /// Mean alignment, scaled down by `aims_floor` until common aims are agreed (35).
        CommonAims => "common_aims",
        /// Communication quality `Q` (35).
        Communication => "communication",
        /// Leadership `L` from filled key posts and an independent chair (32).
        Leadership => "leadership",
        /// Agencies present at both strategic and front-line level, less for outside,
        /// non-coterminous agencies (25).
        InvolvingPersonnel => "involving_personnel",
        /// Funding factor `min(1, adequacy)` (24).
        Funding => "funding",
        /// Mean trust over agency pairs (24).
        Relationships => "relationships",
        /// Mean contribution: share of posts filled times the time staff can give (21).
        Time => "time",
    }
}

keyed_enum! {
    /// Why an initiative folded.
    FoldCause {
        /// The lead agency's commitment stayed below its floor.
        LeadCommitment => "lead_commitment",
        /// A partner agency withdrew (its commitment stayed below the partner floor).
        PartnerWithdrawal => "partner_withdrawal",
        /// Funding adequacy stayed below its floor.
        Funding => "funding",
        /// Every key post stood vacant for too long.
        KeyStaff => "key_staff",
    }
}

keyed_enum! {
    /// Milestones of MODEL.md §2.
    Milestone {
        /// At least two agencies, the lead among them, reach `steering_commitment`. Sticky; the
        /// gate out of `idea`.
        SteeringGroup => "steering_group",
        /// From `planning`, every agency's strategic commitment reaches `aims_commitment`.
        /// Sticky; the gate out of `planning`, and lifts the common-aims factor.
        CommonAims => "common_aims",
        /// Every key post is filled. Re-evaluated monthly; part of the gate out of `setting_up`.
        KeyStaffAppointed => "key_staff_appointed",
        /// A co-located initiative has found a site (a monthly chance from `setting_up`). Sticky;
        /// part of the gate out of `setting_up` when co-located.
        Accommodation => "accommodation",
        /// Money in hand covers `secured_threshold` of the `starting_to_deliver` requirement.
        /// Re-evaluated monthly; part of the gate out of `setting_up`.
        FundingSecured => "funding_secured",
        /// A review or evaluation was held while delivering, once due and with every key post
        /// filled. Sticky; a Table 2.1 criterion.
        ReviewDone => "review_done",
        /// A post vacated by a departure was refilled during delivery. Sticky; a Table 2.1
        /// criterion.
        SurvivedPersonnelChange => "survived_personnel_change",
        /// On from month 0 with the `pooled_budget` lever, or once half the money is pooled.
        /// Sticky; maintained, but no rule or output reads it yet.
        PooledBudget => "pooled_budget",
    }
}

keyed_enum! {
    /// The rationale criteria of Table 2.1, in the table's order.
    Criterion {
        /// Delivering for at least `established_months` (cumulative).
        LengthOfTime => "length_of_time",
        /// Common aims agreed and a steering group in place.
        FrameworkOrPlan => "framework_or_plan",
        /// The `review_done` milestone.
        ReviewOrEvaluation => "review_or_evaluation",
        /// The weakest agency's effective commitment is at least `criteria_commitment`.
        Commitment => "commitment",
        /// The `survived_personnel_change` milestone.
        SurvivingPersonnelChange => "surviving_personnel_change",
        /// Every agency's unresolved issues are below `criteria_issues`. The gate requires this
        /// anyway, so it always holds when the gate can open.
        NoRemainingIssues => "no_remaining_issues",
        /// Every key post filled, each holder in post for at least `permanent_tenure` months.
        KeyPersonnelPermanent => "key_personnel_permanent",
        /// Delivering for at least `range_months` with a mean contribution of at least 0.5.
        RangeOfServices => "range_of_services",
    }
}
