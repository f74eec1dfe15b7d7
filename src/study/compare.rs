//! Published against simulated (MODEL.md §7 step 5): for each figure, the mean over replications
//! and the 90% band (5th to 95th percentile, nearest-rank method: the values at ranks
//! ⌈0.05 R⌉ and ⌈0.95 R⌉ of the sorted R replications); Spearman's rank correlation between the
//! published and the simulated mean counts of each table; and the breakdowns by model, level and
//! agency, pooled over replications.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::model::{ChallengeKind, Factor, Level, ModelKind};
use crate::scenario::AgencyKind;
use crate::stats::summary::Shares;

use super::StudyError;
use super::data::{Published, Unit};
use super::tabulate::{GroupCounts, Tables};
use super::vocab::{Rationale, StageAnswer};

/// One published figure against the simulated studies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureResult {
    /// The figure's stable id, `<table>.<item>.<unit>`; `verdict.outside` lists these.
    pub id: String,
    /// Table, vignette or section of the report, copied from the figures file for readers of
    /// `study.json`.
    pub source: String,
    /// What is counted, in the report's words: the figure's label in `study.svg`.
    pub label: String,
    /// Initiatives (of 30) or interviewees (of 139): the plot divides by the matching total to
    /// show percentages.
    pub unit: Unit,
    /// The count NFER published.
    pub published: f64,
    /// Reproduced by the sample's construction.
    pub design: bool,
    /// Mean count over the replications.
    pub simulated_mean: f64,
    /// Lower end of the 90% band: the nearest-rank 5th percentile of the replications' counts.
    pub p05: f64,
    /// Upper end of the 90% band: the nearest-rank 95th percentile.
    pub p95: f64,
    /// `p05 <= published <= p95`.
    pub inside: bool,
    /// Standard deviation over replications (for the calibration objective).
    #[serde(skip)]
    pub sd: f64,
}

/// The value at rank ⌈q·n⌉ (1-based) of sorted `values`: the nearest-rank quantile
/// (Hyndman and Fan 1996, definition 1).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (q * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

/// Compares every figure of `published` with its value in each replication's tables.
pub fn compare(published: &Published, reps: &[Tables]) -> Result<Vec<FigureResult>, StudyError> {
    published
        .figures
        .iter()
        .map(|f| {
            let mut values = Vec::with_capacity(reps.len());
            for t in reps {
                values.push(
                    t.figure(&f.id)
                        .ok_or_else(|| StudyError::UnknownFigure(f.id.clone()))?,
                );
            }
            let n = values.len().max(1) as f64;
            let mean = values.iter().sum::<f64>() / n;
            let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
            values.sort_by(f64::total_cmp);
            let (p05, p95) = (quantile(&values, 0.05), quantile(&values, 0.95));
            Ok(FigureResult {
                id: f.id.clone(),
                source: f.source.clone(),
                label: f.label.clone(),
                unit: f.unit,
                published: f.published,
                design: f.design,
                simulated_mean: mean,
                p05,
                p95,
                inside: p05 <= f.published && f.published <= p95,
                sd,
            })
        })
        .collect()
}

/// Ranks from 1, ties sharing their average rank.
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && x[order[j + 1]] == x[order[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            r[order[k]] = avg;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation: Pearson's correlation of the ranks, ties given their average
/// rank. 0 when either side has no spread (no ranking to agree with).
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    assert_eq!(x.len(), y.len(), "paired values");
    let (rx, ry) = (ranks(x), ranks(y));
    let n = x.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    if sxx == 0.0 || syy == 0.0 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// Spearman between published and simulated mean interviewee counts of each ranked table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RankAgreement {
    /// Table 2.1, rationales for the stage (eight items); from -1 to 1, 0 when either side has
    /// no spread.
    pub table_2_1: f64,
    /// Table 6.1, challenges (seven items); calibration penalises values below 0.8.
    pub table_6_1: f64,
    /// Table 7.1, key factors (nine items); calibration penalises values below 0.8.
    pub table_7_1: f64,
}

/// The interviewee column of `table`: (published, simulated mean) in file order.
pub fn column(figures: &[FigureResult], table: &str) -> (Vec<f64>, Vec<f64>) {
    figures
        .iter()
        .filter(|f| f.unit == Unit::Interviewees && f.id.split('.').next() == Some(table))
        .map(|f| (f.published, f.simulated_mean))
        .unzip()
}

/// Rank agreement of Tables 2.1, 6.1 and 7.1 (interviewee columns, the report's ranking).
pub fn rank_agreement(figures: &[FigureResult]) -> RankAgreement {
    let rho = |t: &str| {
        let (p, s) = column(figures, t);
        spearman(&p, &s)
    };
    RankAgreement {
        table_2_1: rho("table_2_1"),
        table_6_1: rho("table_6_1"),
        table_7_1: rho("table_7_1"),
    }
}

/// How many figures sit inside their band.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// Figures compared, design and outcome together.
    pub figures: usize,
    /// Figures whose published count lies inside the simulated 90% band.
    pub inside: usize,
    /// Figures that must emerge from the model (not fixed by the sample's design).
    pub outcome_figures: usize,
    /// Outcome figures inside their band: the study's headline measure of fit.
    pub outcome_inside: usize,
    /// Ids of the figures outside their band.
    pub outside: Vec<String>,
}

impl Verdict {
    /// Counts the figures inside their band, overall and among the outcome figures, and lists the
    /// ids of those outside.
    pub fn new(figures: &[FigureResult]) -> Self {
        let outcome: Vec<&FigureResult> = figures.iter().filter(|f| !f.design).collect();
        Verdict {
            figures: figures.len(),
            inside: figures.iter().filter(|f| f.inside).count(),
            outcome_figures: outcome.len(),
            outcome_inside: outcome.iter().filter(|f| f.inside).count(),
            outside: figures
                .iter()
                .filter(|f| !f.inside)
                .map(|f| f.id.clone())
                .collect(),
        }
    }
}

/// One group's answers as shares of its interviewees, pooled over replications.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// Mean interviewees in the group per study.
    pub interviewees: f64,
    /// Mean initiatives per study with at least one interviewee in the group.
    pub initiatives: f64,
    /// Share of the group's interviewees giving each stage answer (Research Vignette 1), keyed
    /// as [`StageAnswer`]; one answer each, so the shares sum to 1.
    pub stage_judgement: Shares,
    /// Share naming each Table 2.1 rationale, keyed as [`Rationale`]. Several answers are
    /// allowed, so this and the next two need not sum to 1.
    pub rationales: Shares,
    /// Share naming each Table 6.1 challenge kind, keyed as [`ChallengeKind`].
    pub challenges: Shares,
    /// Share naming each Table 7.1 key factor, keyed as [`Factor`].
    pub key_factors: Shares,
    /// Share of initiatives with two or more of the group's interviewees in which they all gave
    /// the same stage answer; `null` when there were none.
    pub agreement: Option<f64>,
}

impl Group {
    fn new(g: &GroupCounts, replications: usize) -> Self {
        let n = g.interviewees.max(1) as f64;
        let shares = |keys: Vec<&'static str>, counts: &[u64]| {
            Shares(
                keys.into_iter()
                    .zip(counts)
                    .map(|(k, &c)| (k, c as f64 / n))
                    .collect(),
            )
        };
        let reps = replications.max(1) as f64;
        Group {
            interviewees: g.interviewees as f64 / reps,
            initiatives: g.initiatives as f64 / reps,
            stage_judgement: shares(StageAnswer::ALL.iter().map(|s| s.key()).collect(), &g.stage),
            rationales: shares(
                Rationale::ALL.iter().map(|s| s.key()).collect(),
                &g.rationales,
            ),
            challenges: shares(
                ChallengeKind::ALL.iter().map(|s| s.key()).collect(),
                &g.challenges,
            ),
            key_factors: shares(Factor::ALL.iter().map(|s| s.key()).collect(), &g.factors),
            agreement: (g.agreement_base > 0).then(|| g.agreed as f64 / g.agreement_base as f64),
        }
    }
}

/// Named values serialised as a JSON object in a fixed order.
#[derive(Debug, Clone, PartialEq)]
pub struct Named<T>(pub Vec<(&'static str, T)>);

impl<T: Serialize> Serialize for Named<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// The simulated tables split the way the report discusses them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breakdowns {
    /// All interviewees together.
    pub overall: Group,
    /// One group per model, keyed by [`ModelKind`] key; all five are listed, whatever the mix.
    pub by_model: Named<Group>,
    /// One group per level (`strategic`, `interface`, `operational`): how the levels' views
    /// differ, which the report discusses at length.
    pub by_level: Named<Group>,
    /// Agency kinds with at least one interviewee.
    pub by_agency: Named<Group>,
}

impl Breakdowns {
    /// From the tables summed over `replications` studies.
    pub fn new(sum: &Tables, replications: usize) -> Self {
        Breakdowns {
            overall: Group::new(&sum.overall, replications),
            by_model: Named(
                ModelKind::ALL
                    .iter()
                    .map(|m| (m.key(), Group::new(&sum.by_model[m.index()], replications)))
                    .collect(),
            ),
            by_level: Named(
                Level::ALL
                    .iter()
                    .map(|l| (l.key(), Group::new(&sum.by_level[l.index()], replications)))
                    .collect(),
            ),
            by_agency: Named(
                AgencyKind::ALL
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| sum.by_agency[*i].interviewees > 0)
                    .map(|(i, k)| (k.key(), Group::new(&sum.by_agency[i], replications)))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_known_values() {
        assert!((spearman(&[1.0, 2.0, 3.0, 4.0], &[10.0, 20.0, 30.0, 40.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&[1.0, 2.0, 3.0, 4.0], &[4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        // With ties: ranks (1.5, 1.5, 3, 4) against (1, 2, 3, 4): r = 0.9486833.
        assert!(
            (spearman(&[5.0, 5.0, 7.0, 9.0], &[1.0, 2.0, 3.0, 4.0]) - 0.948_683_3).abs() < 1e-6
        );
        assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), 0.0);
    }

    #[test]
    fn nearest_rank_quantiles() {
        let v: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.05), 10.0);
        assert_eq!(quantile(&v, 0.95), 190.0);
        assert_eq!(quantile(&[3.0], 0.05), 3.0);
        assert_eq!(quantile(&[1.0, 2.0], 0.95), 2.0);
    }
}
