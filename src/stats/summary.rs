//! The headline numbers of a run, computed from an [`Aggregate`]; what `summary.json`, the charts
//! and reports show. No timing is in it, so it is byte-identical across thread counts.

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::aggregate::Aggregate;
use super::interval::{Interval, wilson};
use crate::model::{ChallengeKind, Factor, FoldCause, Stage};

/// Named shares in a fixed order, serialised as a JSON object.
#[derive(Debug, Clone, PartialEq)]
pub struct Shares(pub Vec<(&'static str, f64)>);

impl Serialize for Shares {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Share folded, its interval and the share of rollouts folding for each cause.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Folded {
    /// Share of all rollouts that folded by the horizon.
    pub share: f64,
    /// Lower bound of its Wilson 95% interval.
    pub ci_low: f64,
    /// Upper bound of its Wilson 95% interval.
    pub ci_high: f64,
    /// For each fold cause (in [`FoldCause::ALL`] order), the share of all rollouts that folded
    /// for it; they sum to `share`.
    pub causes: Shares,
}

/// The headline numbers of one run.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Key of the model of multi-agency activity, e.g. `coordinated_delivery`.
    pub model: String,
    /// Number of rollouts `n`, the denominator of every share.
    pub rollouts: u64,
    /// Horizon in months.
    pub months: u32,
    /// Master seed of the run.
    pub seed: u64,
    /// Share well established by the horizon (ever reached), Wilson 95%.
    pub well_established: Interval,
    /// Median month of first reaching well established; `None` when under half reach it.
    pub median_months_to_well_established: Option<u32>,
    /// Share of rollouts in each stage at the end, in [`Stage::ALL`] order (folded rollouts count
    /// as `folded`); sums to 1.
    pub stage_at_horizon: Shares,
    /// Share folded, with its interval and its split by cause.
    pub folded: Folded,
    /// Share of rollouts that met each challenge at least once.
    pub challenges: Shares,
    /// Share of rollout-months in which each factor was the lowest.
    pub binding_factors: Shares,
    /// Share of rollout-months that ended with progress complete but the initiative held at the
    /// gate out of its stage, by stage (`idea` to `developing`): the lowest factor sets the pace
    /// of progress, a closed gate stops it whatever the pace.
    pub held_at_gate: Shares,
    /// Cumulative share well established by the end of each month (index = month).
    #[serde(skip)]
    pub established_by_month: Vec<Interval>,
    /// Share in each stage at the end of each month, [`Stage::ALL`] order.
    #[serde(skip)]
    pub stages_by_month: Vec<[Interval; Stage::COUNT]>,
}

impl Summary {
    /// Derives the summary of `agg`.
    pub fn new(scenario: &str, model: &str, seed: u64, agg: &Aggregate) -> Summary {
        let n = agg.rollouts;
        let share = |k: u64| if n == 0 { 0.0 } else { k as f64 / n as f64 };
        let reached = agg.reached_by(agg.months);
        let median = if n > 0 && 2 * reached >= n {
            (0..=agg.months).find(|&m| 2 * agg.reached_by(m) >= n)
        } else {
            None
        };
        let folded = wilson(agg.folded(), n);
        let months_total = agg.active_months.max(1) as f64;
        let mut cumulative = 0;
        let established_by_month = agg
            .reached_by_month
            .iter()
            .map(|&k| {
                cumulative += k;
                wilson(cumulative, n)
            })
            .collect();
        let stages_by_month = agg
            .stage_by_month
            .iter()
            .map(|row| row.map(|k| wilson(k, n)))
            .collect();
        Summary {
            scenario: scenario.to_string(),
            model: model.to_string(),
            rollouts: n,
            months: agg.months,
            seed,
            well_established: wilson(reached, n),
            median_months_to_well_established: median,
            stage_at_horizon: Shares(
                Stage::ALL
                    .iter()
                    .map(|s| (s.key(), share(agg.final_stage[s.index()])))
                    .collect(),
            ),
            folded: Folded {
                share: folded.share,
                ci_low: folded.ci_low,
                ci_high: folded.ci_high,
                causes: Shares(
                    FoldCause::ALL
                        .iter()
                        .map(|c| (c.key(), share(agg.fold_causes[c.index()])))
                        .collect(),
                ),
            },
            challenges: Shares(
                ChallengeKind::ALL
                    .iter()
                    .map(|c| (c.key(), share(agg.challenges_met[c.index()])))
                    .collect(),
            ),
            binding_factors: Shares(
                Factor::ALL
                    .iter()
                    .map(|f| (f.key(), agg.binding[f.index()] as f64 / months_total))
                    .collect(),
            ),
            held_at_gate: Shares(
                Stage::ALL[..Stage::GATED]
                    .iter()
                    .map(|s| (s.key(), agg.held_at_gate[s.index()] as f64 / months_total))
                    .collect(),
            ),
            established_by_month,
            stages_by_month,
        }
    }
}
