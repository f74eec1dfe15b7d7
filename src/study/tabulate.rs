//! Tabulation as the report did it (MODEL.md §7 step 4): pure, from what was observed and said
//! to counts. Interviewee counts count people who gave an answer; initiative counts count
//! initiatives where at least one interviewee gave it. Several answers per person are allowed, so
//! columns do not sum to the number of people.
//!
//! Agreement on the stage: an initiative agrees when all its interviewees gave the same stage
//! answer (one interviewee agrees with themself); an initiative where nobody was interviewed does
//! not agree. In a breakdown, a group's agreement is the share of initiatives with at least two
//! interviewees in the group whose group members all agreed.

use crate::model::{ChallengeKind, Factor, Level, ModelKind};
use crate::scenario::AgencyKind;

use super::interview::Answers;
use super::vocab::{Composition, Difficulty, Rationale, StageAnswer};

const NS: usize = StageAnswer::COUNT;
const NR: usize = Rationale::COUNT;
const NC: usize = ChallengeKind::COUNT;
const NF: usize = Factor::COUNT;

/// One interviewee and what they said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interview {
    /// Kind of the interviewee's agency, for the breakdown by agency.
    pub agency: AgencyKind,
    /// The interviewee's level, for the breakdown by level.
    pub level: Level,
    /// What they said: the coded answers to the four questions.
    pub answers: Answers,
}

/// One visited initiative: what the sample drew and what was observed and said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The initiative's model: the sample's model figures and the breakdown by model.
    pub model: ModelKind,
    /// Its agency mix ([`Composition::of`] its agencies when the scenario kept its own), or
    /// `None` for a mix outside the report's four (then no agency-mix figure counts it).
    pub composition: Option<Composition>,
    /// Kinds of its agencies: whether Health took part (`sample.health_involved`).
    pub agencies: Vec<AgencyKind>,
    /// Research Vignette 4, [`Difficulty::ALL`] order.
    pub difficulties: [bool; Difficulty::COUNT],
    /// Everyone interviewed there, with their answers.
    pub interviews: Vec<Interview>,
}

/// Answer counts of a group of interviewees (all, a model, a level, an agency kind).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupCounts {
    /// Interviewees in the group (summed over studies once merged): the denominator of the
    /// breakdown's shares.
    pub interviewees: u64,
    /// Initiatives with at least one interviewee in the group.
    pub initiatives: u64,
    /// Interviewees giving each stage answer, [`StageAnswer::ALL`] order.
    pub stage: [u64; NS],
    /// Interviewees naming each rationale, [`Rationale::ALL`] order.
    pub rationales: [u64; NR],
    /// Interviewees naming each challenge kind, [`ChallengeKind::ALL`] order.
    pub challenges: [u64; NC],
    /// Interviewees naming each key factor, [`Factor::ALL`] order.
    pub factors: [u64; NF],
    /// Initiatives with at least two interviewees in the group.
    pub agreement_base: u64,
    /// Of those, initiatives whose group members all gave the same stage answer.
    pub agreed: u64,
}

impl GroupCounts {
    fn add_people<'a>(&mut self, people: impl Iterator<Item = &'a Interview> + Clone) {
        let n = people.clone().count() as u64;
        if n == 0 {
            return;
        }
        self.interviewees += n;
        self.initiatives += 1;
        for i in people.clone() {
            let a = &i.answers;
            self.stage[a.stage.index()] += 1;
            add_flags(&mut self.rationales, &a.rationales);
            add_flags(&mut self.challenges, &a.challenges);
            add_flags(&mut self.factors, &a.factors);
        }
        if n >= 2 {
            self.agreement_base += 1;
            if agree(people) {
                self.agreed += 1;
            }
        }
    }

    /// Adds another group's counts.
    pub fn merge(&mut self, o: &GroupCounts) {
        self.interviewees += o.interviewees;
        self.initiatives += o.initiatives;
        add_arrays(&mut self.stage, &o.stage);
        add_arrays(&mut self.rationales, &o.rationales);
        add_arrays(&mut self.challenges, &o.challenges);
        add_arrays(&mut self.factors, &o.factors);
        self.agreement_base += o.agreement_base;
        self.agreed += o.agreed;
    }
}

fn add_flags<const N: usize>(to: &mut [u64; N], flags: &[bool; N]) {
    for (t, &f) in to.iter_mut().zip(flags) {
        *t += f as u64;
    }
}

fn add_arrays<const N: usize>(to: &mut [u64; N], from: &[u64; N]) {
    for (t, f) in to.iter_mut().zip(from) {
        *t += f;
    }
}

/// Whether everyone interviewed gave the same stage answer; `false` when nobody was: no one
/// agreed on anything.
fn agree<'a>(mut people: impl Iterator<Item = &'a Interview>) -> bool {
    match people.next() {
        None => false,
        Some(first) => people.all(|i| i.answers.stage == first.answers.stage),
    }
}

/// Everything one study (or the sum of several) tabulates to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tables {
    /// Initiatives tabulated (30 per study with the NFER design).
    pub initiatives: u64,
    /// Initiatives of each model, [`ModelKind::ALL`] order.
    pub models: [u64; ModelKind::COUNT],
    /// Initiatives of each agency mix, [`Composition::ALL`] order.
    pub compositions: [u64; Composition::COUNT],
    /// Initiatives in which Health took part.
    pub health: u64,
    /// Initiatives where at least one interviewee gave each stage answer.
    pub stage_initiatives: [u64; NS],
    /// Initiatives where at least one interviewee gave each rationale (Table 2.1's initiative
    /// column), [`Rationale::ALL`] order.
    pub rationale_initiatives: [u64; NR],
    /// Initiatives where at least one interviewee named each challenge kind,
    /// [`ChallengeKind::ALL`] order (Table 6.1 publishes only interviewees).
    pub challenge_initiatives: [u64; NC],
    /// Initiatives where at least one interviewee named each key factor (Table 7.1's initiative
    /// column), [`Factor::ALL`] order.
    pub factor_initiatives: [u64; NF],
    /// Initiatives whose interviewees all gave the same stage answer (Vignette 1: 18 of 30); an
    /// initiative without interviewees does not count.
    pub agreed_initiatives: u64,
    /// Initiatives with each early difficulty (Research Vignette 4).
    pub difficulties: [u64; Difficulty::COUNT],
    /// Counts over all interviewees: the interviewee columns of the published figures.
    pub overall: GroupCounts,
    /// Counts by model, [`ModelKind::ALL`] order.
    pub by_model: [GroupCounts; ModelKind::COUNT],
    /// Counts by level, [`Level::ALL`] order.
    pub by_level: [GroupCounts; Level::COUNT],
    /// Counts by agency kind, [`AgencyKind::ALL`] order (kinds without interviewees stay 0).
    pub by_agency: [GroupCounts; AgencyKind::ALL.len()],
}

fn kind_index(k: AgencyKind) -> usize {
    AgencyKind::ALL
        .iter()
        .position(|x| *x == k)
        .expect("every kind is listed")
}

fn any_flag<const N: usize>(
    to: &mut [u64; N],
    interviews: &[Interview],
    f: impl Fn(&Answers) -> [bool; N],
) {
    let mut seen = [false; N];
    for i in interviews {
        for (s, x) in seen.iter_mut().zip(f(&i.answers)) {
            *s |= x;
        }
    }
    add_flags(to, &seen);
}

/// Tabulates one study.
pub fn tabulate(initiatives: &[Observed]) -> Tables {
    let mut t = Tables::default();
    for o in initiatives {
        t.initiatives += 1;
        t.models[o.model.index()] += 1;
        if let Some(c) = o.composition {
            t.compositions[c.index()] += 1;
        }
        t.health += o.agencies.contains(&AgencyKind::Health) as u64;
        add_flags(&mut t.difficulties, &o.difficulties);
        let iv = &o.interviews;
        any_flag(&mut t.stage_initiatives, iv, |a| {
            std::array::from_fn(|s| a.stage.index() == s)
        });
        any_flag(&mut t.rationale_initiatives, iv, |a| a.rationales);
        any_flag(&mut t.challenge_initiatives, iv, |a| a.challenges);
        any_flag(&mut t.factor_initiatives, iv, |a| a.factors);
        // Vignette 1's agreement is a count of 30 ("agreed on the stage in 18 of 30
        // initiatives"), compared as such with the simulated count: its denominator is fixed at
        // the sample's initiatives, so an initiative where nobody could be interviewed (no filled
        // post) stays in it and counts as not agreeing rather than being dropped from it.
        t.agreed_initiatives += agree(iv.iter()) as u64;

        t.overall.add_people(iv.iter());
        t.by_model[o.model.index()].add_people(iv.iter());
        for &level in Level::ALL {
            t.by_level[level.index()].add_people(iv.iter().filter(move |i| i.level == level));
        }
        for &kind in AgencyKind::ALL.iter() {
            t.by_agency[kind_index(kind)].add_people(iv.iter().filter(move |i| i.agency == kind));
        }
    }
    t
}

impl Tables {
    /// Adds another study's tables (for breakdowns pooled over replications).
    pub fn merge(&mut self, o: &Tables) {
        self.initiatives += o.initiatives;
        add_arrays(&mut self.models, &o.models);
        add_arrays(&mut self.compositions, &o.compositions);
        self.health += o.health;
        add_arrays(&mut self.stage_initiatives, &o.stage_initiatives);
        add_arrays(&mut self.rationale_initiatives, &o.rationale_initiatives);
        add_arrays(&mut self.challenge_initiatives, &o.challenge_initiatives);
        add_arrays(&mut self.factor_initiatives, &o.factor_initiatives);
        self.agreed_initiatives += o.agreed_initiatives;
        add_arrays(&mut self.difficulties, &o.difficulties);
        self.overall.merge(&o.overall);
        for (a, b) in self.by_model.iter_mut().zip(&o.by_model) {
            a.merge(b);
        }
        for (a, b) in self.by_level.iter_mut().zip(&o.by_level) {
            a.merge(b);
        }
        for (a, b) in self.by_agency.iter_mut().zip(&o.by_agency) {
            a.merge(b);
        }
    }

    /// The count behind a figure id of `data/nfer2002.toml` (`<table>.<item>.<unit>`), or
    /// `None` when the study does not produce it.
    pub fn figure(&self, id: &str) -> Option<f64> {
        let mut parts = id.split('.');
        let (table, item, unit) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let people = unit == "interviewees";
        if !people && unit != "initiatives" {
            return None;
        }
        let pick = |keys: &[&str], by_people: &[u64], by_initiative: &[u64]| {
            let i = keys.iter().position(|k| *k == item)?;
            Some(if people {
                by_people[i]
            } else {
                by_initiative[i]
            } as f64)
        };
        match table {
            "sample" => match (item, people) {
                ("interviews", true) => Some(self.overall.interviewees as f64),
                ("health_involved", false) => Some(self.health as f64),
                (_, false) => {
                    let models: Vec<&str> = ModelKind::ALL.iter().map(|m| m.key()).collect();
                    let mixes: Vec<&str> = Composition::ALL.iter().map(|c| c.key()).collect();
                    pick(&models, &[], &self.models)
                        .or_else(|| pick(&mixes, &[], &self.compositions))
                }
                _ => None,
            },
            "vignette_1" if item == "agreement" && !people => Some(self.agreed_initiatives as f64),
            "vignette_1" => pick(
                &StageAnswer::ALL.iter().map(|s| s.key()).collect::<Vec<_>>(),
                &self.overall.stage,
                &self.stage_initiatives,
            ),
            "table_2_1" => pick(
                &Rationale::ALL.iter().map(|s| s.key()).collect::<Vec<_>>(),
                &self.overall.rationales,
                &self.rationale_initiatives,
            ),
            "table_6_1" => pick(
                &ChallengeKind::ALL
                    .iter()
                    .map(|s| s.key())
                    .collect::<Vec<_>>(),
                &self.overall.challenges,
                &self.challenge_initiatives,
            ),
            "table_7_1" => pick(
                &Factor::ALL.iter().map(|s| s.key()).collect::<Vec<_>>(),
                &self.overall.factors,
                &self.factor_initiatives,
            ),
            "vignette_4" if !people => pick(
                &Difficulty::ALL.iter().map(|s| s.key()).collect::<Vec<_>>(),
                &[],
                &self.difficulties,
            ),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChallengeKind as C, Factor as F};

    fn answers(
        stage: StageAnswer,
        rationales: &[Rationale],
        challenges: &[C],
        factors: &[F],
    ) -> Answers {
        Answers {
            stage,
            rationales: std::array::from_fn(|i| rationales.iter().any(|r| r.index() == i)),
            challenges: std::array::from_fn(|i| challenges.iter().any(|c| c.index() == i)),
            factors: std::array::from_fn(|i| factors.iter().any(|f| f.index() == i)),
        }
    }

    fn person(agency: AgencyKind, level: Level, a: Answers) -> Interview {
        Interview {
            agency,
            level,
            answers: a,
        }
    }

    /// Two initiatives, five interviewees, counted by hand:
    ///
    /// | initiative | who | stage | rationales | challenges | factors |
    /// |---|---|---|---|---|---|
    /// | A (coordinated, E+SS+H) | E strategic | well | time, framework | fiscal | commitment, funding |
    /// | A | SS operational | well | time | fiscal, roles | commitment |
    /// | A | H operational | early | issues | roles | — |
    /// | B (decision group, E+SS) | E strategic | between | framework | fiscal | commitment, aims |
    /// | B | SS interface | between | — | — | aims |
    #[test]
    fn a_hand_computed_case() {
        use AgencyKind::*;
        use Level::*;
        use Rationale as R;
        use StageAnswer as S;
        let a = Observed {
            model: ModelKind::CoordinatedDelivery,
            composition: Some(Composition::EducationSocialServicesHealth),
            agencies: vec![Education, SocialServices, Health],
            difficulties: [true, false, false, false, false, false, false, true],
            interviews: vec![
                person(
                    Education,
                    Strategic,
                    answers(
                        S::WellEstablished,
                        &[R::LengthOfTime, R::FrameworkOrPlan],
                        &[C::Fiscal],
                        &[F::Commitment, F::Funding],
                    ),
                ),
                person(
                    SocialServices,
                    Operational,
                    answers(
                        S::WellEstablished,
                        &[R::LengthOfTime],
                        &[C::Fiscal, C::Roles],
                        &[F::Commitment],
                    ),
                ),
                person(
                    Health,
                    Operational,
                    answers(S::Early, &[R::RemainingIssues], &[C::Roles], &[]),
                ),
            ],
        };
        let b = Observed {
            model: ModelKind::DecisionMakingGroup,
            composition: Some(Composition::EducationSocialServices),
            agencies: vec![Education, SocialServices],
            difficulties: [true, false, false, false, false, false, false, false],
            interviews: vec![
                person(
                    Education,
                    Strategic,
                    answers(
                        S::Between,
                        &[R::FrameworkOrPlan],
                        &[C::Fiscal],
                        &[F::Commitment, F::CommonAims],
                    ),
                ),
                person(
                    SocialServices,
                    Interface,
                    answers(S::Between, &[], &[], &[F::CommonAims]),
                ),
            ],
        };
        let t = tabulate(&[a, b]);
        let f = |id: &str| t.figure(id).unwrap_or_else(|| panic!("{id}"));

        assert_eq!(f("sample.coordinated_delivery.initiatives"), 1.0);
        assert_eq!(f("sample.decision_making_group.initiatives"), 1.0);
        assert_eq!(f("sample.operational_team.initiatives"), 0.0);
        assert_eq!(f("sample.education_social_services.initiatives"), 1.0);
        assert_eq!(f("sample.health_involved.initiatives"), 1.0);
        assert_eq!(f("sample.interviews.interviewees"), 5.0);

        assert_eq!(f("vignette_1.well_established.interviewees"), 2.0);
        assert_eq!(f("vignette_1.well_established.initiatives"), 1.0);
        assert_eq!(f("vignette_1.early.interviewees"), 1.0);
        assert_eq!(f("vignette_1.between.interviewees"), 2.0);
        assert_eq!(f("vignette_1.between.initiatives"), 1.0);
        assert_eq!(f("vignette_1.developing.initiatives"), 0.0);
        // A disagrees (well, well, early); B agrees (between, between).
        assert_eq!(f("vignette_1.agreement.initiatives"), 1.0);

        assert_eq!(f("table_2_1.length_of_time.interviewees"), 2.0);
        assert_eq!(f("table_2_1.length_of_time.initiatives"), 1.0);
        assert_eq!(f("table_2_1.framework_or_plan.interviewees"), 2.0);
        assert_eq!(f("table_2_1.framework_or_plan.initiatives"), 2.0);
        assert_eq!(f("table_2_1.remaining_issues.interviewees"), 1.0);

        assert_eq!(f("table_6_1.fiscal.interviewees"), 3.0);
        assert_eq!(f("table_6_1.roles.interviewees"), 2.0);
        assert_eq!(f("table_6_1.management.interviewees"), 0.0);

        assert_eq!(f("table_7_1.commitment.interviewees"), 3.0);
        assert_eq!(f("table_7_1.commitment.initiatives"), 2.0);
        assert_eq!(f("table_7_1.common_aims.interviewees"), 2.0);
        assert_eq!(f("table_7_1.common_aims.initiatives"), 1.0);
        assert_eq!(f("table_7_1.funding.initiatives"), 1.0);
        assert_eq!(f("table_7_1.time.interviewees"), 0.0);

        assert_eq!(f("vignette_4.policies_procedures.initiatives"), 2.0);
        assert_eq!(f("vignette_4.involving_health.initiatives"), 1.0);
        assert_eq!(t.figure("table_6_1.nonsense.interviewees"), None);
        assert_eq!(t.figure("vignette_4.accommodation.interviewees"), None);

        // Breakdowns.
        let strategic = &t.by_level[Strategic.index()];
        assert_eq!(strategic.interviewees, 2);
        assert_eq!(strategic.initiatives, 2);
        assert_eq!(strategic.challenges[C::Fiscal.index()], 2);
        assert_eq!(strategic.agreement_base, 0);
        let operational = &t.by_level[Operational.index()];
        assert_eq!(operational.interviewees, 2);
        assert_eq!((operational.agreement_base, operational.agreed), (1, 0));
        let education = &t.by_agency[kind_index(Education)];
        assert_eq!(education.interviewees, 2);
        assert_eq!(education.factors[F::Commitment.index()], 2);
        assert_eq!(t.by_agency[kind_index(Voluntary)].interviewees, 0);
        let dmg = &t.by_model[ModelKind::DecisionMakingGroup.index()];
        assert_eq!(
            (dmg.interviewees, dmg.agreement_base, dmg.agreed),
            (2, 1, 1)
        );
        assert_eq!((t.overall.agreement_base, t.overall.agreed), (2, 1));

        // Merging two copies doubles every count.
        let mut twice = t.clone();
        twice.merge(&t);
        assert_eq!(twice.figure("table_6_1.fiscal.interviewees"), Some(6.0));
        assert_eq!(twice.overall.agreed, 2);
    }

    /// An initiative where nobody could be interviewed (no filled post) stays among the 30 but
    /// does not agree; a lone interviewee still does.
    #[test]
    fn an_initiative_nobody_was_interviewed_in_does_not_agree() {
        use AgencyKind::*;
        let initiative = |interviews: Vec<Interview>| Observed {
            model: ModelKind::CentreBased,
            composition: Some(Composition::EducationHealth),
            agencies: vec![Education, Health],
            difficulties: [false; Difficulty::COUNT],
            interviews,
        };
        let lone = person(
            Education,
            Level::Strategic,
            answers(StageAnswer::Between, &[], &[], &[]),
        );
        let t = tabulate(&[initiative(vec![]), initiative(vec![lone])]);
        assert_eq!(t.initiatives, 2);
        assert_eq!(t.figure("vignette_1.agreement.initiatives"), Some(1.0));
        assert_eq!(t.figure("sample.interviews.interviewees"), Some(1.0));
        // Nobody to tabulate: no answer counts it, no breakdown group holds it.
        assert_eq!(t.figure("vignette_1.between.initiatives"), Some(1.0));
        assert_eq!((t.overall.initiatives, t.overall.agreement_base), (1, 0));
        let empty = tabulate(&[initiative(vec![])]);
        assert_eq!(empty.figure("vignette_1.agreement.initiatives"), Some(0.0));
    }
}
