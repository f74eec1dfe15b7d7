//! The study's vocabularies: interview answers and early difficulties, each with a stable key.

use crate::model::Criterion;

// The model's keyed-enum macro: the same shape (ALL, COUNT, key, index) for every vocabulary.
use crate::model::kinds::keyed_enum as keyed;

keyed! {
    /// How an interviewee described the stage (Research Vignette 1). The five groups partition
    /// the 139 interviewees: 55 + 30 + 11 + 14 + 29 = 139.
    StageAnswer {
        /// "Well established".
        WellEstablished => "well_established",
        /// Between just starting to deliver and well established.
        Between => "between",
        /// "Early stages": just starting to deliver.
        Early => "early",
        /// Different levels of the initiative at different stages.
        DifferentLevels => "different_levels",
        /// Still developing or evolving.
        Developing => "developing",
    }
}

keyed! {
    /// Rationales offered for the stage (Table 2.1), in the table's order. Seven are the model's
    /// criteria seen to hold; `RemainingIssues` is the eighth criterion seen *not* to hold.
    Rationale {
        LengthOfTime => "length_of_time",
        FrameworkOrPlan => "framework_or_plan",
        ReviewOrEvaluation => "review_or_evaluation",
        Commitment => "commitment",
        SurvivingPersonnelChange => "surviving_personnel_change",
        RemainingIssues => "remaining_issues",
        KeyPersonnelPermanent => "key_personnel_permanent",
        RangeOfServices => "range_of_services",
    }
}

impl Rationale {
    /// The model criterion this rationale speaks to (same position in Table 2.1).
    pub fn criterion(self) -> Criterion {
        Criterion::ALL[self.index()]
    }
}

keyed! {
    /// Difficulties of the early stages with a count in Research Vignette 4.
    Difficulty {
        PoliciesProcedures => "policies_procedures",
        Accommodation => "accommodation",
        EnsuringCommitment => "ensuring_commitment",
        OldAttitudes => "old_attitudes",
        RelationshipsTakeTime => "relationships_take_time",
        RightPeopleTogether => "right_people_together",
        SustainingPersonnelChanges => "sustaining_personnel_changes",
        InvolvingHealth => "involving_health",
    }
}

keyed! {
    /// Agency mixes of the NFER sample (§1): 13, 8, 8 and 1 of 30.
    Composition {
        EducationSocialServicesHealth => "education_social_services_health",
        EducationSocialServices => "education_social_services",
        EducationHealth => "education_health",
        /// A voluntary agency with Education and Social Services (Health took part in 21 of 30
        /// = 13 + 8, so not in this one).
        VoluntaryWithPartners => "voluntary_with_partners",
    }
}

impl Composition {
    /// Initiatives of each mix in the NFER sample, in [`Self::ALL`] order.
    pub const NFER: [u32; 4] = [13, 8, 8, 1];
}
