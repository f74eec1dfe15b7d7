//! The vocabularies of the model: models of activity, stages, levels, challenges, key factors and
//! fold causes. Each has a stable snake_case key used in every file the simulator writes.

use serde::{Deserialize, Serialize};

macro_rules! keyed_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $key:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

impl Default for ModelKind {
    fn default() -> Self {
        ModelKind::CoordinatedDelivery
    }
}

/// Structural defaults of a model (MODEL.md §2 table).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelDefaults {
    pub contact_rate: f64,
    pub co_located: bool,
    pub coordinator: bool,
    pub delivers_services: bool,
    pub dispersion: f64,
    pub role_overlap: f64,
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
        Idea => "idea",
        Planning => "planning",
        SettingUp => "setting_up",
        StartingToDeliver => "starting_to_deliver",
        Developing => "developing",
        WellEstablished => "well_established",
        Folded => "folded",
    }
}

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
        Strategic => "strategic",
        Interface => "interface",
        Operational => "operational",
    }
}

keyed_enum! {
    /// The seven challenge kinds of Table 6.1, in the table's order.
    ChallengeKind {
        Fiscal => "fiscal",
        Roles => "roles",
        CompetingPriorities => "competing_priorities",
        NonFiscalResources => "non_fiscal_resources",
        Communication => "communication",
        Cultures => "cultures",
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
        Commitment => "commitment",
        UnderstandingRoles => "understanding_roles",
        CommonAims => "common_aims",
        Communication => "communication",
        Leadership => "leadership",
        InvolvingPersonnel => "involving_personnel",
        Funding => "funding",
        Relationships => "relationships",
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
        SteeringGroup => "steering_group",
        CommonAims => "common_aims",
        KeyStaffAppointed => "key_staff_appointed",
        Accommodation => "accommodation",
        FundingSecured => "funding_secured",
        ReviewDone => "review_done",
        SurvivedPersonnelChange => "survived_personnel_change",
        PooledBudget => "pooled_budget",
    }
}

keyed_enum! {
    /// The rationale criteria of Table 2.1, in the table's order.
    Criterion {
        LengthOfTime => "length_of_time",
        FrameworkOrPlan => "framework_or_plan",
        ReviewOrEvaluation => "review_or_evaluation",
        Commitment => "commitment",
        SurvivedPersonnelChange => "surviving_personnel_change",
        NoRemainingIssues => "no_remaining_issues",
        KeyPersonnelPermanent => "key_personnel_permanent",
        RangeOfServices => "range_of_services",
    }
}
