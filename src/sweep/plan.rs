//! The plan: point i → parameter values and seed, fixed by the sweep file alone (never by how
//! the work is split), and the scenario overlay that applies a point.
//!
//! Seeds: with `common_seed = true` (the default) every point runs the same rollout streams, the
//! sweep seed's (common random numbers): differences between points then come from the
//! parameters, not from luck, which is what Sobol and Morris estimators difference. With
//! `common_seed = false` point i uses a seed derived from (seed, i).

use std::fmt;

use super::design::{Coords, Design, hash3};
use super::error::SweepError;
use super::spec::{Range, Sweep, ValueKind, param_line};
use crate::scenario::load::DEFAULT_NOTE;
use crate::scenario::locate::Seg;
use crate::scenario::{Scenario, ScenarioError};

/// A parameter value as applied to the scenario.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamValue {
    /// For a float field: the swept number as is.
    Float(f64),
    /// For an integer field: the swept number rounded to the nearest integer.
    Integer(i64),
    /// For a boolean field: true when the swept number is at least 0.5.
    Bool(bool),
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Float(x) => write!(f, "{x}"),
            ParamValue::Integer(x) => write!(f, "{x}"),
            ParamValue::Bool(x) => write!(f, "{x}"),
        }
    }
}

impl ParamValue {
    /// The TOML value written into the overlay.
    pub fn to_toml(self) -> toml::Value {
        match self {
            ParamValue::Float(x) => toml::Value::Float(x),
            ParamValue::Integer(x) => toml::Value::Integer(x),
            ParamValue::Bool(x) => toml::Value::Boolean(x),
        }
    }
}

/// Converts a swept number to the type of the scenario value: integers are rounded, booleans
/// are true from 0.5 up.
pub fn convert(v: f64, kind: ValueKind) -> ParamValue {
    match kind {
        ValueKind::Float => ParamValue::Float(v),
        ValueKind::Integer => ParamValue::Integer(v.round() as i64),
        ValueKind::Bool => ParamValue::Bool(v >= 0.5),
    }
}

/// A table that sets each `(path, value)` when merged over the scenario. An array element is
/// set by copying the whole array from `base` (arrays are replaced, not merged) and changing
/// the element.
pub fn overlay(base: &toml::Table, sets: &[(&Vec<Seg>, ParamValue)]) -> toml::Table {
    let mut root = toml::Value::Table(toml::Table::new());
    let base = toml::Value::Table(base.clone());
    for (segs, value) in sets {
        set_in(&mut root, Some(&base), segs, value.to_toml());
    }
    match root {
        toml::Value::Table(t) => t,
        _ => unreachable!("the root stays a table"),
    }
}

fn set_in(target: &mut toml::Value, base: Option<&toml::Value>, segs: &[Seg], value: toml::Value) {
    let Some((first, rest)) = segs.split_first() else {
        *target = value;
        return;
    };
    match first {
        Seg::Key(k) => {
            if !target.is_table() {
                *target = toml::Value::Table(toml::Table::new());
            }
            let base_next = base.and_then(|b| b.get(k.as_str()));
            let table = target.as_table_mut().expect("made a table above");
            let slot = table
                .entry(k.clone())
                .or_insert_with(|| match rest.first() {
                    Some(Seg::Index(_)) => {
                        base_next.cloned().unwrap_or(toml::Value::Array(Vec::new()))
                    }
                    _ => toml::Value::Table(toml::Table::new()),
                });
            set_in(slot, base_next, rest, value);
        }
        Seg::Index(i) => {
            let base_next = base.and_then(|b| b.as_array()).and_then(|a| a.get(*i));
            if let Some(slot) = target.as_array_mut().and_then(|a| a.get_mut(*i)) {
                set_in(slot, base_next, rest, value);
            }
        }
    }
}

/// One point of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Position in the plan, from 0: the `point` column, and what shards split and resumes count.
    pub index: u64,
    /// Master seed of the point's rollouts.
    pub seed: u64,
    /// Value of each parameter, in parameter order.
    pub values: Vec<ParamValue>,
}

impl Point {
    /// `path = value` pairs for messages.
    pub fn describe(&self, sweep: &Sweep) -> String {
        sweep
            .spec
            .parameters
            .iter()
            .zip(&self.values)
            .map(|(p, v)| format!("{} = {v}", p.path))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The seed of point `index`.
pub fn point_seed(seed: u64, common: bool, index: u64) -> u64 {
    if common {
        seed
    } else {
        hash3(seed, 0x5eed, index)
    }
}

/// Point i → values and seed, for a validated sweep.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    /// The sweep whose parameters, seed and base scenario the points are built from.
    pub sweep: &'a Sweep,
    /// The design built from the sweep's spec: places point i in the unit cube or on the grid.
    pub design: Design,
}

impl<'a> Plan<'a> {
    /// The plan of `sweep`. Cheap and holding nothing per point, since every point is computed
    /// from its index on demand; so shards and resumed runs build the same plan.
    pub fn new(sweep: &'a Sweep) -> Plan<'a> {
        Plan {
            sweep,
            design: Design::new(&sweep.spec),
        }
    }

    /// Points in the whole plan.
    pub fn points(&self) -> u64 {
        self.design.points()
    }

    /// Point `index` (below [`Plan::points`]).
    pub fn point(&self, index: u64) -> Point {
        let spec = &self.sweep.spec;
        let raw: Vec<f64> = match self.design.coords(index) {
            Coords::Levels(levels) => spec
                .parameters
                .iter()
                .zip(levels)
                .map(|(p, l)| match &p.range {
                    Range::Values(v) => v[l],
                    Range::Interval { min, .. } => *min,
                })
                .collect(),
            Coords::Unit(u) => spec
                .parameters
                .iter()
                .zip(u)
                .map(|(p, u)| match &p.range {
                    Range::Interval { min, max } => min + u * (max - min),
                    Range::Values(v) => v[0],
                })
                .collect(),
        };
        Point {
            index,
            seed: point_seed(spec.seed, spec.common_seed, index),
            values: raw
                .into_iter()
                .zip(&self.sweep.kinds)
                .map(|(v, k)| convert(v, *k))
                .collect(),
        }
    }

    /// The overlay that applies `point`.
    pub fn overlay(&self, point: &Point) -> toml::Table {
        let sets: Vec<(&Vec<Seg>, ParamValue)> = self
            .sweep
            .spec
            .parameters
            .iter()
            .map(|p| &p.segs)
            .zip(point.values.iter().copied())
            .collect();
        overlay(&self.sweep.base_table, &sets)
    }

    /// The scenario of `point`: the base scenario with the point's values merged over it, then
    /// resolved and validated like any scenario.
    pub fn scenario(&self, point: &Point) -> Result<Scenario, SweepError> {
        Scenario::from_file_with(&self.sweep.scenario_path, Some(&self.overlay(point))).map_err(
            |mut source| {
                // A value the sweep set is not where the base file writes it: name the sweep
                // file at that parameter's `path` line instead of the base's line, which holds
                // the replaced value.
                if let ScenarioError::Invalid(problems) = &mut source {
                    for problem in problems {
                        // The problem's key, or a table or array the sweep sets part of.
                        let key = problem.key.as_str();
                        let swept = self.sweep.spec.parameters.iter().position(|p| {
                            p.path.strip_prefix(key).is_some_and(|rest| {
                                rest.is_empty() || rest.starts_with('.') || rest.starts_with('[')
                            })
                        });
                        if let Some(i) = swept {
                            problem.file = self.sweep.file.clone();
                            problem.line = param_line(&self.sweep.text, i, "path");
                            if let Some(m) = problem.message.strip_suffix(DEFAULT_NOTE) {
                                problem.message = format!(
                                    "{m} (this point's value, from the design over the range of parameter {}; narrow the range)",
                                    i + 1
                                );
                            }
                        }
                    }
                }
                SweepError::Point {
                    index: point.index,
                    values: point.describe(self.sweep),
                    source: Box::new(source),
                }
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::locate::parse_path;

    #[test]
    fn overlay_sets_keys_and_array_elements() {
        let base: toml::Table = toml::from_str(
            "a = 1\n[params.funding]\nstage_requirement = [0.0, 0.1, 0.5]\nother = 2.0\n",
        )
        .unwrap();
        let p1 = parse_path("params.funding.stage_requirement[1]").unwrap();
        let p2 = parse_path("params.funding.stage_requirement[2]").unwrap();
        let p3 = parse_path("agencies.health.commitment_strategic").unwrap();
        let o = overlay(
            &base,
            &[
                (&p1, ParamValue::Float(0.2)),
                (&p2, ParamValue::Float(0.7)),
                (&p3, ParamValue::Float(0.9)),
            ],
        );
        let want: toml::Table = toml::from_str(
            "[params.funding]\nstage_requirement = [0.0, 0.2, 0.7]\n[agencies.health]\ncommitment_strategic = 0.9\n",
        )
        .unwrap();
        assert_eq!(o, want);
    }

    #[test]
    fn conversion_follows_the_field_type() {
        assert_eq!(convert(35.6, ValueKind::Integer), ParamValue::Integer(36));
        assert_eq!(convert(0.49, ValueKind::Bool), ParamValue::Bool(false));
        assert_eq!(convert(0.5, ValueKind::Bool), ParamValue::Bool(true));
        assert_eq!(ParamValue::Float(0.1).to_string(), "0.1");
        assert_eq!(ParamValue::Float(1.0).to_string(), "1");
    }
}
