//! What a finished sweep adds to its `points.csv`: `sensitivity.json` and the charts. Both are
//! computed from `points.csv` and the sweep file alone, so a merge of shards writes the same
//! bytes as the unsharded sweep.

use std::path::Path;

use serde::ser::{Serialize, SerializeMap, Serializer};

use super::design::Design;
use super::error::SweepError;
use super::sensitivity::{self, Ci, NoiseShare};
use super::spec::{DesignKind, Metric, Range, Spec};
use super::table::{self, Columns};
use super::write_atomic;
use crate::plot::sweep as charts;

/// Named entries in a fixed order, serialised as a JSON object.
#[derive(Debug, Clone, PartialEq)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<T: Serialize> Serialize for Ordered<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// The indices of one parameter.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum ParameterIndices {
    /// Indices of a Sobol (Saltelli) design, shares of the output variance; sampling error and
    /// seed noise can carry estimates a little outside 0 to 1.
    Sobol {
        /// S_i (Saltelli et al. 2010): the share of the variance due to this parameter alone.
        first_order: Ci,
        /// S_Ti (Jansen 1999): the share due to this parameter with all its interactions; a
        /// total well above the first order means the parameter matters through interactions.
        total: Ci,
    },
    /// Elementary-effect measures of a Morris design, in the metric's units per full range of
    /// the parameter.
    Morris {
        /// μ*: mean absolute elementary effect (Campolongo et al. 2007), the ranking measure:
        /// effects of opposite sign do not cancel.
        mu_star: Ci,
        /// μ: mean signed elementary effect; well below μ* in size when the sign of the effect
        /// changes across the space.
        mu: Ci,
        /// σ: standard deviation of the elementary effects across trajectories; large when the
        /// effect depends on the other parameters (interactions) or is non-linear.
        sigma: Ci,
    },
}

/// Sensitivity of one metric.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MetricSensitivity {
    /// How much of the spread between points is seed noise; its fields are written at the
    /// metric's top level (`noise_share`, `output_variance`, `noise_variance`).
    #[serde(flatten)]
    pub noise: NoiseShare,
    /// Indices per parameter path, in the sweep file's order; empty for grid and LHS designs,
    /// which estimate no indices.
    pub parameters: Ordered<ParameterIndices>,
}

/// `sensitivity.json`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Sensitivity {
    /// The design's name as in the sweep file ([`DesignKind::key`]).
    pub design: &'static str,
    /// The estimators and interval method in words, with references, so that the file can be
    /// read without this code.
    pub method: &'static str,
    /// Points in the whole plan.
    pub points: u64,
    /// The sweep file's `samples`: LHS points, Sobol base samples N or Morris trajectories r;
    /// 0 for a grid. Sobol and Morris intervals resample these units.
    pub samples: u64,
    /// Bootstrap resamples behind each interval.
    pub bootstrap: u32,
    /// Coverage of every interval in the file (always 0.95).
    pub confidence: f64,
    /// Per metric key, in the sweep file's order.
    pub metrics: Ordered<MetricSensitivity>,
}

/// Each parameter's value at each point as applied, in units of its whole swept range (booleans:
/// false 0, true 1), so that a Morris effect divides by the change actually made: a boolean
/// flips all the way at every step, and rounding moves an integer by more or less than the
/// design's step.
fn realized_inputs(spec: &Spec, cols: &Columns) -> Vec<Vec<f64>> {
    spec.parameters
        .iter()
        .zip(&cols.values)
        .zip(&cols.booleans)
        .map(|((p, values), &boolean)| match p.range {
            Range::Interval { min, max } if !boolean => {
                values.iter().map(|v| (v - min) / (max - min)).collect()
            }
            _ => values.clone(),
        })
        .collect()
}

/// The sensitivity analysis of a sweep's points.
pub fn sensitivity(spec: &Spec, cols: &Columns) -> Sensitivity {
    let design = Design::new(spec);
    let d = spec.parameters.len();
    let names: Vec<String> = spec.parameters.iter().map(|p| p.path.clone()).collect();
    let metrics = cols
        .metrics
        .iter()
        .map(|(metric, [est, _, _, noise])| {
            let parameters = match &design {
                Design::Saltelli { .. } => {
                    let s = sensitivity::sobol_indices(est, d, spec.bootstrap, spec.seed);
                    names
                        .iter()
                        .enumerate()
                        .map(|(k, n)| {
                            (
                                n.clone(),
                                ParameterIndices::Sobol {
                                    first_order: s.first_order[k],
                                    total: s.total[k],
                                },
                            )
                        })
                        .collect()
                }
                Design::Morris(m) => {
                    let s = sensitivity::morris_indices(
                        est,
                        m,
                        Some(&realized_inputs(spec, cols)),
                        spec.bootstrap,
                        spec.seed,
                    );
                    names
                        .iter()
                        .enumerate()
                        .map(|(k, n)| {
                            (
                                n.clone(),
                                ParameterIndices::Morris {
                                    mu_star: s.mu_star[k],
                                    mu: s.mu[k],
                                    sigma: s.sigma[k],
                                },
                            )
                        })
                        .collect()
                }
                _ => Vec::new(),
            };
            (
                metric.key().to_string(),
                MetricSensitivity {
                    noise: sensitivity::noise_share(est, noise),
                    parameters: Ordered(parameters),
                },
            )
        })
        .collect();
    Sensitivity {
        design: spec.design.key(),
        method: match spec.design {
            DesignKind::Sobol => {
                "Sobol indices from Saltelli sampling: first order by Saltelli et al. (2010), total by Jansen (1999); 95% percentile bootstrap over base samples"
            }
            DesignKind::Morris => {
                "Morris elementary effects per full parameter range: mu_star (Campolongo et al. 2007), mu, sigma; 95% percentile bootstrap over trajectories"
            }
            _ => "noise share only: this design does not estimate sensitivity indices",
        },
        points: design.points(),
        samples: spec.samples,
        bootstrap: spec.bootstrap,
        confidence: 0.95,
        metrics: Ordered(metrics),
    }
}

/// `sensitivity.json` text.
pub fn to_json(s: &Sensitivity) -> String {
    let mut text = serde_json::to_string_pretty(s).expect("sensitivity serialises");
    text.push('\n');
    text
}

/// Writes `sensitivity.json` and the charts into `dir`, which holds the sweep's `points.csv`.
/// `name` titles the charts.
pub fn write(dir: &Path, spec: &Spec, name: &str) -> Result<(), SweepError> {
    let path = dir.join("points.csv");
    let text = std::fs::read_to_string(&path).map_err(|source| SweepError::Read {
        path: path.clone(),
        source,
    })?;
    let names: Vec<String> = spec.parameters.iter().map(|p| p.path.clone()).collect();
    let cols = table::columns(&text, &names, &spec.metrics)
        .map_err(|m| SweepError::Points(format!("{}: {m}", path.display())))?;
    let report = sensitivity(spec, &cols);
    write_atomic(&dir.join("sensitivity.json"), to_json(&report).as_bytes())?;
    draw(dir, spec, name, &cols, &report)
}

/// The value axis title of a sensitivity chart, saying why bars or intervals are missing rather
/// than leaving them out silently: no indices when the output does not vary between points, no
/// intervals when the bootstrap cannot vary (one base sample or trajectory).
fn index_axis(spec: &Spec, metric: Metric, axis: &str, series: &[(&str, Vec<Ci>)]) -> String {
    let all = || series.iter().flat_map(|(_, v)| v.iter());
    if all().all(|c| !c.estimate.is_finite()) {
        return format!("Not defined: {} does not vary", metric.label());
    }
    if all().all(|c| !(c.ci_low.is_finite() && c.ci_high.is_finite())) {
        let why = match (spec.design, spec.samples) {
            (DesignKind::Sobol, n) if n < 2 => "one base sample: no 95% intervals",
            (DesignKind::Morris, n) if n < 2 => "one trajectory: no intervals or sigma",
            _ => "too few bootstrap resamples: no 95% intervals",
        };
        return format!("{axis} ({why})");
    }
    axis.to_string()
}

fn draw(
    dir: &Path,
    spec: &Spec,
    name: &str,
    cols: &Columns,
    report: &Sensitivity,
) -> Result<(), SweepError> {
    let rollouts = spec.rollouts;
    for (j, (metric, [est, lo, hi, _])) in cols.metrics.iter().enumerate() {
        let metric: Metric = *metric;
        if spec.parameters.len() == 1 {
            let mut points: Vec<charts::LinePoint> = (0..est.len())
                .map(|i| charts::LinePoint {
                    x: cols.values[0][i],
                    estimate: est[i],
                    ci_low: lo[i],
                    ci_high: hi[i],
                })
                .collect();
            points.sort_by(|a, b| a.x.total_cmp(&b.x));
            charts::write_line(
                dir,
                &format!("sweep-{}", metric.key()),
                &charts::MetricLine {
                    title: name,
                    parameter: &cols.parameters[0],
                    boolean: cols.booleans[0],
                    metric,
                    rollouts,
                    points,
                },
            )?;
        }
        if spec.design == DesignKind::Grid && spec.parameters.len() == 2 {
            let levels = |k: usize| match &spec.parameters[k].range {
                Range::Values(v) => v.len(),
                Range::Interval { .. } => 1,
            };
            let (nx, ny) = (levels(0), levels(1));
            // Grid order: the second parameter varies fastest.
            let xs = (0..nx).map(|i| cols.values[0][i * ny]).collect();
            let ys = (0..ny).map(|i| cols.values[1][i]).collect();
            let z = (0..nx)
                .map(|i| (0..ny).map(|k| est[i * ny + k]).collect())
                .collect();
            charts::write_heatmap(
                dir,
                &format!("heatmap-{}", metric.key()),
                &charts::Heatmap {
                    title: name,
                    x_name: &cols.parameters[0],
                    y_name: &cols.parameters[1],
                    booleans: [cols.booleans[0], cols.booleans[1]],
                    metric,
                    rollouts,
                    xs,
                    ys,
                    z,
                },
            )?;
        }
        let (_, sens) = &report.metrics.0[j];
        if !sens.parameters.0.is_empty() {
            let names: Vec<String> = sens.parameters.0.iter().map(|(n, _)| n.clone()).collect();
            let pick = |f: &dyn Fn(&ParameterIndices) -> Ci| -> Vec<Ci> {
                sens.parameters.0.iter().map(|(_, p)| f(p)).collect()
            };
            let (series, axis) = match spec.design {
                DesignKind::Sobol => (
                    vec![
                        (
                            "first order",
                            pick(&|p| match p {
                                ParameterIndices::Sobol { first_order, .. } => *first_order,
                                ParameterIndices::Morris { mu_star, .. } => *mu_star,
                            }),
                        ),
                        (
                            "total",
                            pick(&|p| match p {
                                ParameterIndices::Sobol { total, .. } => *total,
                                ParameterIndices::Morris { sigma, .. } => *sigma,
                            }),
                        ),
                    ],
                    "Sobol index",
                ),
                _ => (
                    vec![
                        (
                            "mu* (mean |effect|)",
                            pick(&|p| match p {
                                ParameterIndices::Morris { mu_star, .. } => *mu_star,
                                ParameterIndices::Sobol { first_order, .. } => *first_order,
                            }),
                        ),
                        (
                            "sigma",
                            pick(&|p| match p {
                                ParameterIndices::Morris { sigma, .. } => *sigma,
                                ParameterIndices::Sobol { total, .. } => *total,
                            }),
                        ),
                    ],
                    "Elementary effect per full range",
                ),
            };
            let axis = index_axis(spec, metric, axis, &series);
            charts::write_indices(
                dir,
                &format!("sensitivity-{}", metric.key()),
                &charts::IndexBars {
                    title: name,
                    metric,
                    axis: &axis,
                    noise_share: sens.noise.noise_share,
                    names,
                    series,
                },
            )?;
        }
    }
    Ok(())
}
