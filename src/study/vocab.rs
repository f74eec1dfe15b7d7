//! The study's vocabularies: interview answers and early difficulties, each with a stable key.

use crate::model::Criterion;

// The model's keyed-enum macro: the same shape (ALL, COUNT, key, index) for every vocabulary.
use crate::model::kinds::keyed_enum as keyed;
use crate::scenario::AgencyKind;

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
        /// Length of time delivering.
        LengthOfTime => "length_of_time",
        /// A framework or plan in place.
        FrameworkOrPlan => "framework_or_plan",
        /// A review or evaluation done.
        ReviewOrEvaluation => "review_or_evaluation",
        /// Commitment of those involved.
        Commitment => "commitment",
        /// Survived a change of personnel.
        SurvivingPersonnelChange => "surviving_personnel_change",
        /// Issues remain: offered as a reason the initiative is *not* yet established.
        RemainingIssues => "remaining_issues",
        /// Key personnel permanent.
        KeyPersonnelPermanent => "key_personnel_permanent",
        /// A range of services running.
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
        /// Different agency policies and procedures: a cultures challenge arose.
        PoliciesProcedures => "policies_procedures",
        /// Accommodation: a co-located model was ready for delivery but for its site.
        Accommodation => "accommodation",
        /// Ensuring commitment: some agency's commitment fell below `criteria_commitment`.
        EnsuringCommitment => "ensuring_commitment",
        /// Old attitudes: a roles challenge arose (low understanding of the others' roles).
        OldAttitudes => "old_attitudes",
        /// Relationships take time: they were the binding factor when delivery began.
        RelationshipsTakeTime => "relationships_take_time",
        /// Getting the right people together: a management challenge arose.
        RightPeopleTogether => "right_people_together",
        /// Sustaining through changes in personnel: a key departure set the initiative back a
        /// stage.
        SustainingPersonnelChanges => "sustaining_personnel_changes",
        /// Involving Health: Health's commitment fell below `criteria_commitment`.
        InvolvingHealth => "involving_health",
    }
}

keyed! {
    /// Agency mixes of the NFER sample (§1): 13, 8, 8 and 1 of 30.
    Composition {
        /// Education, Social Services and Health (13 of 30).
        EducationSocialServicesHealth => "education_social_services_health",
        /// Education and Social Services (8 of 30).
        EducationSocialServices => "education_social_services",
        /// Education and Health (8 of 30); never a decision-making group.
        EducationHealth => "education_health",
        /// A voluntary agency with Education and Social Services (Health took part in 21 of 30
        /// = 13 + 8, so not in this one).
        VoluntaryWithPartners => "voluntary_with_partners",
    }
}

impl Composition {
    /// Initiatives of each mix in the NFER sample, in [`Self::ALL`] order.
    pub const NFER: [u32; 4] = [13, 8, 8, 1];

    /// The mix an initiative's agencies make, by their kinds (several agencies of one kind count
    /// once), or `None` for a mix outside the four the report counts: how a sample that keeps
    /// each scenario's own agencies (`--scenario-agencies`) is still counted by mix.
    pub fn of(kinds: &[AgencyKind]) -> Option<Composition> {
        use AgencyKind::*;
        let has = |k: AgencyKind| kinds.contains(&k);
        let only = |set: &[AgencyKind]| kinds.iter().all(|k| set.contains(k));
        let (e, s, h, v) = (
            has(Education),
            has(SocialServices),
            has(Health),
            has(Voluntary),
        );
        match (e, s, h, v) {
            (true, true, true, false) if only(&[Education, SocialServices, Health]) => {
                Some(Composition::EducationSocialServicesHealth)
            }
            (true, true, false, false) if only(&[Education, SocialServices]) => {
                Some(Composition::EducationSocialServices)
            }
            (true, false, true, false) if only(&[Education, Health]) => {
                Some(Composition::EducationHealth)
            }
            (true, true, false, true) if only(&[Voluntary, Education, SocialServices]) => {
                Some(Composition::VoluntaryWithPartners)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AgencyKind::*;

    #[test]
    fn mixes_are_read_from_agency_kinds() {
        let of = Composition::of;
        assert_eq!(
            of(&[Education, SocialServices, Health]),
            Some(Composition::EducationSocialServicesHealth)
        );
        assert_eq!(
            of(&[Health, Education, Education]),
            Some(Composition::EducationHealth)
        );
        assert_eq!(
            of(&[SocialServices, Education]),
            Some(Composition::EducationSocialServices)
        );
        assert_eq!(
            of(&[Voluntary, SocialServices, Education]),
            Some(Composition::VoluntaryWithPartners)
        );
        assert_eq!(of(&[Education, SocialServices, Health, Other]), None);
        assert_eq!(of(&[Voluntary, Education]), None);
        assert_eq!(of(&[Health, SocialServices]), None);
    }
}
