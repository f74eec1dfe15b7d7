//! The observation model: what one simulated interviewee says about an initiative, from what
//! its level and agency look at (MODEL.md §7, `docs/study.md`).
//!
//! NFER asked each of 139 professionals, at strategic and operational level in each agency, what
//! stage the initiative had reached and why, what the main challenges were and what made it work.
//! Answers were open and coded, several per question. So each simulated interviewee
//!
//! * **judges the stage** from what anyone can see, whether the initiative has only just
//!   started delivering, is still developing or has settled (the model's stage), and whether its
//!   own level sees it as established: strategic staff weigh the framework or plan, review,
//!   commitment and secure money; operational staff weigh time delivering, stable staffing
//!   (surviving changes, permanent key personnel) and services running; both weigh remaining
//!   issues; of what the other level watches, a person knows each thing with probability
//!   `cross_level_attention`. A level sees the initiative as established when the share of what
//!   it knows of that is in place reaches the model's own bar (`criteria_required` of 8) and the
//!   interviewee's agency has no unresolved issues (`criteria_issues`, the model's own
//!   threshold). See [`judge_stage`] for the table.
//!   Interface staff (coordinators, link workers) see both levels: when the two views differ
//!   they say different levels are at different stages;
//! * **gives rationales**: the criteria it saw in place (length of time always, being true of
//!   any initiative), and remaining issues when some agency has them, weighted by its attention;
//! * **names challenges** met so far, each with salience severity × recency
//!   (`exp(−months since last active / memory_months)`), at full weight when felt by its own
//!   agency and at its own level, else at the attention weights;
//! * **names key factors** with salience weight × value: what mattered to progress (the
//!   factor's weight in readiness is its elasticity) and was there for its agency and level;
//!   an absent factor cannot have made it work.
//!
//! How many things a person names is Poisson with the question's mean mentions per interviewee
//! in the report (total mentions over 139, a property of the interviews and their coding, not of
//! the initiatives), capped by how many things there are to name; which things are named is a
//! weighted draw without replacement (Efraimidis and Spirakis 2006). Every interviewee draws the
//! same number of uniforms whatever its answers, so that studies of two parameter sets share
//! their random numbers.

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::model::draw::uniform;
use crate::model::{ChallengeKind, Criterion, Factor, Level, Stage};
use crate::scenario::Params;

use super::data::{Published, Unit};
use super::observe::Record;
use super::vocab::{Rationale, StageAnswer};

const NC: usize = ChallengeKind::COUNT;
const NF: usize = Factor::COUNT;
const NR: usize = Rationale::COUNT;

/// The observation model's constants. Few, and fixed by argument (`docs/study.md`), never
/// calibrated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// Weight of what is chiefly the other level's business (a criterion the other level
    /// watches, a challenge felt at the other level), and the chance of knowing of such a
    /// criterion at all: half, as a person hears of it second hand.
    pub cross_level_attention: f64,
    /// Weight of a challenge or of issues felt chiefly by another agency: half, likewise.
    pub other_agency_attention: f64,
    /// Months over which a resolved challenge fades from mind (e-folding time): a year, the
    /// cycle of plans, budgets and reviews by which services look back.
    pub memory_months: f64,
    /// Mean rationales per interviewee: Table 2.1's interviewee column summed, over 139.
    pub rationales_per_interviewee: f64,
    /// Mean challenges per interviewee: Table 6.1 summed, over 139.
    pub challenges_per_interviewee: f64,
    /// Mean key factors per interviewee: Table 7.1's interviewee column summed, over 139.
    pub factors_per_interviewee: f64,
}

impl Default for Observation {
    fn default() -> Self {
        Observation::from_published(Published::nfer2002())
    }
}

impl Observation {
    /// The constants, with answer counts from the published totals of `p`.
    pub fn from_published(p: &Published) -> Self {
        let per = |table: &str| {
            p.column(table, Unit::Interviewees)
                .iter()
                .map(|(_, v)| v)
                .sum::<f64>()
                / p.study.interviewees as f64
        };
        Observation {
            cross_level_attention: 0.5,
            other_agency_attention: 0.5,
            memory_months: 12.0,
            rationales_per_interviewee: per("table_2_1"),
            challenges_per_interviewee: per("table_6_1"),
            factors_per_interviewee: per("table_7_1"),
        }
    }
}

/// Who is interviewed: a filled post of one agency at one level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interviewee {
    /// Index of the agency in the initiative.
    pub agency: u8,
    /// The post's level: what the interviewee watches, which challenges they feel at full weight
    /// and which commitment is theirs.
    pub level: Level,
    /// Index of the post.
    pub post: u8,
}

/// Everything one interviewee said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answers {
    /// How they described the stage (Research Vignette 1): exactly one answer each.
    pub stage: StageAnswer,
    /// Table 2.1, [`Rationale::ALL`] order.
    pub rationales: [bool; NR],
    /// Table 6.1, [`ChallengeKind::ALL`] order.
    pub challenges: [bool; NC],
    /// Table 7.1, [`Factor::ALL`] order.
    pub factors: [bool; NF],
}

/// Indicators of establishment: the eight criteria and secure money.
pub const N_IND: usize = 9;
const MONEY: usize = 8;

/// Indicators a level watches (MODEL.md §7; reference §2: strategic staff judged by plans,
/// frameworks and pooled budgets, operational staff by delivery, time and stable services).
fn watches(level: Level, indicator: usize) -> bool {
    use Criterion as C;
    let c = |x: C| x.index() == indicator;
    match level {
        Level::Strategic => {
            c(C::FrameworkOrPlan)
                || c(C::ReviewOrEvaluation)
                || c(C::Commitment)
                || c(C::NoRemainingIssues)
                || indicator == MONEY
        }
        Level::Operational => {
            c(C::LengthOfTime)
                || c(C::SurvivingPersonnelChange)
                || c(C::NoRemainingIssues)
                || c(C::KeyPersonnelPermanent)
                || c(C::RangeOfServices)
        }
        Level::Interface => true,
    }
}

/// Whether a level, by what it knows of, sees the initiative as established: the share of the
/// indicators it knows of that are in place reaches the model's own bar (`criteria_required` of
/// 8), and the interviewee's agency has no unresolved issues. A level knows of what it watches,
/// and of each other indicator with probability `cross_level_attention` (`notice[i]` is the
/// interviewee's uniform for indicator `i`).
pub fn sees_established(
    obs: &Observation,
    params: &Params,
    r: &Record,
    level: Level,
    issues: bool,
    notice: &[f64; N_IND],
) -> bool {
    let mut met = [false; N_IND];
    met[..8].copy_from_slice(&r.criteria);
    met[MONEY] = r.money_secure;
    let (mut seen, mut known) = (0, 0);
    for (i, &m) in met.iter().enumerate() {
        if watches(level, i) || notice[i] < obs.cross_level_attention {
            known += 1;
            seen += m as u32;
        }
    }
    let bar = params.progress.criteria_required as f64 / Criterion::COUNT as f64;
    !issues && known > 0 && seen as f64 / known as f64 >= bar
}

/// The stage answer from the stage anyone can see (whether the initiative has only just started
/// delivering, is still developing, or has settled: the model's stage) and whether the
/// interviewee's level sees it as established:
///
/// | stage | sees established | does not |
/// |---|---|---|
/// | starting to deliver | between | early |
/// | developing | well established | developing |
/// | well established | well established | between |
///
/// Interface staff see both levels; when one sees the initiative as established and the other
/// does not, they say different levels are at different stages.
pub fn judge_stage(
    obs: &Observation,
    params: &Params,
    r: &Record,
    level: Level,
    issues: bool,
    notice: &[f64; N_IND],
) -> StageAnswer {
    let answer = |established: bool| match (r.stage, established) {
        (Stage::StartingToDeliver, true) | (Stage::WellEstablished, false) => StageAnswer::Between,
        (Stage::StartingToDeliver, false) => StageAnswer::Early,
        (Stage::Developing, false) => StageAnswer::Developing,
        _ => StageAnswer::WellEstablished,
    };
    match level {
        Level::Interface => {
            let s = sees_established(obs, params, r, Level::Strategic, issues, notice);
            let o = sees_established(obs, params, r, Level::Operational, issues, notice);
            if s == o {
                answer(s)
            } else {
                StageAnswer::DifferentLevels
            }
        }
        _ => answer(sees_established(obs, params, r, level, issues, notice)),
    }
}

/// Rationale saliences for one interviewee (0 = nothing to say).
pub fn rationale_weights(
    obs: &Observation,
    params: &Params,
    r: &Record,
    who: &Interviewee,
) -> [f64; NR] {
    let mut w = [0.0; NR];
    let own_issues = r.agencies[who.agency as usize].unresolved >= params.progress.criteria_issues;
    for rat in Rationale::ALL {
        let c = rat.criterion();
        let attention = if watches(who.level, c.index()) {
            1.0
        } else {
            obs.cross_level_attention
        };
        let available = match rat {
            Rationale::LengthOfTime => 1.0,
            Rationale::RemainingIssues if own_issues => 1.0,
            Rationale::RemainingIssues if !r.criteria[c.index()] => obs.other_agency_attention,
            Rationale::RemainingIssues => 0.0,
            _ if r.criteria[c.index()] => 1.0,
            _ => 0.0,
        };
        w[rat.index()] = attention * available;
    }
    w
}

/// Challenge saliences for one interviewee.
pub fn challenge_weights(obs: &Observation, r: &Record, who: &Interviewee) -> [f64; NC] {
    let mut w = [0.0; NC];
    for kind in ChallengeKind::ALL {
        let level = if who.level == Level::Interface || who.level == kind.level() {
            1.0
        } else {
            obs.cross_level_attention
        };
        let mut best: f64 = 0.0;
        for (b, ep) in r.challenges[kind.index()][..r.n_agencies]
            .iter()
            .enumerate()
        {
            if !ep.met {
                continue;
            }
            let since = r.month.saturating_sub(ep.last_month) as f64;
            let recency = (-since / obs.memory_months).exp();
            let agency = if b == who.agency as usize {
                1.0
            } else {
                obs.other_agency_attention
            };
            best = best.max(ep.severity * recency * agency);
        }
        w[kind.index()] = best * level;
    }
    w
}

/// Each key factor's value as the interviewee's agency and level have it.
pub fn factor_values(params: &Params, r: &Record, who: &Interviewee) -> [f64; NF] {
    let a = &r.agencies[who.agency as usize];
    let commitment = match who.level {
        Level::Strategic => a.commitment_strategic,
        Level::Operational => a.commitment_operational,
        Level::Interface => (a.commitment_strategic * a.commitment_operational).sqrt(),
    };
    let aims = if r.common_aims {
        1.0
    } else {
        params.progress.aims_floor
    };
    [
        commitment,
        a.understanding,
        a.alignment * aims,
        r.quality,
        r.leadership,
        a.involvement,
        r.funding,
        a.trust,
        a.contribution,
    ]
    .map(|v| v.clamp(0.0, 1.0))
}

/// Key-factor saliences: weight in readiness (normalised) times value.
pub fn factor_weights(params: &Params, r: &Record, who: &Interviewee) -> [f64; NF] {
    let weights = &params.progress.factor_weights;
    let sum: f64 = weights.iter().sum();
    let values = factor_values(params, r, who);
    std::array::from_fn(|i| weights[i] / sum * values[i])
}

/// Smallest `k` with `P(Poisson(mean) ≤ k) ≥ u`: Poisson by inversion of one uniform.
pub fn poisson(mean: f64, u: f64) -> usize {
    let mut p = (-mean).exp();
    let mut cdf = p;
    let mut k = 0;
    while cdf < u && k < 64 {
        k += 1;
        p *= mean / k as f64;
        cdf += p;
    }
    k
}

/// Picks `n` items by weighted sampling without replacement (Efraimidis and Spirakis 2006):
/// item i gets key `ln(u_i) / w_i` and the `n` largest keys win. Zero weights never win; ties
/// go to the earlier item. Uses exactly one uniform per item.
pub fn pick<const N: usize>(weights: &[f64; N], n: usize, u: &[f64; N]) -> [bool; N] {
    let mut keys: Vec<(f64, usize)> = (0..N)
        .filter(|&i| weights[i] > 0.0)
        .map(|i| (u[i].ln() / weights[i], i))
        .collect();
    keys.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out = [false; N];
    for &(_, i) in keys.iter().take(n) {
        out[i] = true;
    }
    out
}

fn draw<R: Rng, const N: usize>(rng: &mut R, mean: f64, weights: &[f64; N]) -> [bool; N] {
    let count = poisson(mean, uniform(rng));
    let u: [f64; N] = std::array::from_fn(|_| uniform(rng));
    pick(weights, count, &u)
}

/// Everything `who` says about the initiative of record `r`. Draws exactly
/// `9 + (1 + 8) + (1 + 7) + (1 + 9)` uniforms from `rng`.
pub fn interview<R: Rng>(
    obs: &Observation,
    params: &Params,
    r: &Record,
    who: &Interviewee,
    rng: &mut R,
) -> Answers {
    let issues = r.agencies[who.agency as usize].unresolved >= params.progress.criteria_issues;
    let notice: [f64; N_IND] = std::array::from_fn(|_| uniform(rng));
    let stage = judge_stage(obs, params, r, who.level, issues, &notice);
    let rationales = draw(
        rng,
        obs.rationales_per_interviewee,
        &rationale_weights(obs, params, r, who),
    );
    let challenges = draw(
        rng,
        obs.challenges_per_interviewee,
        &challenge_weights(obs, r, who),
    );
    let factors = draw(
        rng,
        obs.factors_per_interviewee,
        &factor_weights(params, r, who),
    );
    Answers {
        stage,
        rationales,
        challenges,
        factors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poisson_inversion_has_the_right_mean() {
        let n = 20_000;
        let mean = 2.3;
        let total: usize = (0..n)
            .map(|i| poisson(mean, (i as f64 + 0.5) / n as f64))
            .sum();
        assert!((total as f64 / n as f64 - mean).abs() < 0.01);
        assert_eq!(poisson(1.0, 1e-9), 0);
    }

    #[test]
    fn pick_takes_the_largest_keys_and_skips_zero_weights() {
        let w = [1.0, 0.0, 1.0, 1.0];
        let u = [0.9, 0.99, 0.1, 0.5];
        assert_eq!(pick(&w, 2, &u), [true, false, false, true]);
        assert_eq!(pick(&w, 9, &u), [true, false, true, true]);
        assert_eq!(pick(&w, 0, &u), [false; 4]);
    }

    #[test]
    fn default_answer_counts_come_from_the_published_totals() {
        let o = Observation::default();
        assert!((o.rationales_per_interviewee - 106.0 / 139.0).abs() < 1e-12);
        assert!((o.challenges_per_interviewee - 200.0 / 139.0).abs() < 1e-12);
        assert!((o.factors_per_interviewee - 322.0 / 139.0).abs() < 1e-12);
    }
}
