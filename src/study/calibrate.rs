//! Calibration of the model's defaults against the published figures (`docs/calibration.md`).
//!
//! A deterministic coordinate search (compass search; Kolda, Lewis and Torczon 2003) over a few
//! named model parameters. Each evaluation runs the whole virtual study with the same seed and
//! replications (common random numbers: every candidate sees the same rollout, age, allocation
//! and answer draws), so that differences between candidates are the parameters' doing. The
//! objective, to minimise, is
//!
//! ```text
//! outside + 10 · Σ_{t ∈ {6.1, 7.1}} max(0, 0.8 − ρ_t) + 0.1 · mean_i min(z_i², 9)
//! ```
//!
//! where `outside` counts the outcome figures whose published value lies outside the simulated
//! 90% band, `ρ_t` is Spearman's rank correlation between the published and simulated mean counts
//! of Table t, and `z_i = (published − simulated mean) / max(sd, 1)` over the outcome figures, a
//! bounded tie-breaker that rewards moving toward figures before they cross into their band.
//! Only model parameters are searched; the observation model and the tabulation are fixed.

use serde::Serialize;

use crate::scenario::Params;

use super::compare::RankAgreement;
use super::data::Published;
use super::{Frame, Observation, StudyConfig, StudyError, StudyOutcome};

/// One searched parameter: its path in `[params]`, where the search starts, its range and its
/// initial step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Knob {
    /// Dotted path under `[params]`, with `[i]` for an array element.
    pub path: &'static str,
    /// Starting value: the default before calibration.
    pub start: f64,
    /// Lowest value the search may try: every step is clamped to `min..=max`.
    pub min: f64,
    /// Highest value the search may try.
    pub max: f64,
    /// First step; halved twice at most.
    pub step: f64,
    /// The parameter is a whole number (months, counts): values are rounded.
    pub integer: bool,
}

/// The parameters calibration searches, with their pre-calibration defaults as starting points
/// (docs/calibration.md argues each range).
pub const KNOBS: &[Knob] = &[
    Knob {
        path: "challenges.fiscal.rate",
        start: 0.08,
        min: 0.005,
        max: 0.5,
        step: 0.04,
        integer: false,
    },
    Knob {
        path: "challenges.roles.rate",
        start: 0.1,
        min: 0.005,
        max: 0.5,
        step: 0.04,
        integer: false,
    },
    Knob {
        path: "challenges.competing_priorities.rate",
        start: 0.15,
        min: 0.005,
        max: 0.5,
        step: 0.04,
        integer: false,
    },
    Knob {
        path: "challenges.non_fiscal_resources.rate",
        start: 0.1,
        min: 0.005,
        max: 0.5,
        step: 0.04,
        integer: false,
    },
    Knob {
        path: "challenges.communication.rate",
        start: 0.06,
        min: 0.005,
        max: 0.5,
        step: 0.04,
        integer: false,
    },
    Knob {
        path: "challenges.cultures.rate",
        start: 0.05,
        min: 0.005,
        max: 0.5,
        step: 0.04,
        integer: false,
    },
    Knob {
        path: "challenges.management.rate",
        start: 0.05,
        min: 0.005,
        max: 0.5,
        step: 0.04,
        integer: false,
    },
    Knob {
        path: "challenges.issue_gain",
        start: 0.5,
        min: 0.1,
        max: 5.0,
        step: 0.5,
        integer: false,
    },
    Knob {
        path: "progress.criteria_issues",
        start: 0.3,
        min: 0.05,
        max: 0.5,
        step: 0.05,
        integer: false,
    },
    Knob {
        path: "progress.stage_rate[3]",
        start: 0.15,
        min: 0.05,
        max: 0.5,
        step: 0.04,
        integer: false,
    },
    Knob {
        path: "progress.stage_rate[4]",
        start: 0.1,
        min: 0.05,
        max: 0.3,
        step: 0.04,
        integer: false,
    },
    Knob {
        path: "progress.criteria_commitment",
        start: 0.5,
        min: 0.3,
        max: 0.8,
        step: 0.05,
        integer: false,
    },
    Knob {
        path: "progress.established_months",
        start: 24.0,
        min: 12.0,
        max: 36.0,
        step: 6.0,
        integer: true,
    },
    Knob {
        path: "progress.range_months",
        start: 18.0,
        min: 12.0,
        max: 36.0,
        step: 6.0,
        integer: true,
    },
    Knob {
        path: "progress.factor_weights[0]",
        start: 81.0 / 21.0,
        min: 1.5,
        max: 8.0,
        step: 0.5,
        integer: false,
    },
    Knob {
        path: "progress.factor_weights[3]",
        start: 35.0 / 21.0,
        min: 0.5,
        max: 5.0,
        step: 0.5,
        integer: false,
    },
    Knob {
        path: "interaction.communication_contact_need",
        start: 2.0,
        min: 0.5,
        max: 8.0,
        step: 0.5,
        integer: false,
    },
];

fn bad_path(path: &str) -> StudyError {
    StudyError::Design(format!(
        "parameter {path:?} is not a number under [params]; see `partnersim check` for the paths"
    ))
}

/// Splits `a.b[3]` into keys and an optional final index; anything else (an empty key, a
/// missing or doubled bracket, an index that is not a plain number) is refused, so that one
/// parameter has one spelling ([`canonical`]).
fn split(path: &str) -> Result<(Vec<&str>, Option<usize>), StudyError> {
    let (keys, index) = match path.split_once('[') {
        Some((k, rest)) => {
            let digits = rest.strip_suffix(']').ok_or_else(|| bad_path(path))?;
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad_path(path));
            }
            (k, Some(digits.parse().map_err(|_| bad_path(path))?))
        }
        None => (path, None),
    };
    let keys: Vec<&str> = keys.split('.').collect();
    if keys.iter().any(|k| k.is_empty()) {
        return Err(bad_path(path));
    }
    Ok((keys, index))
}

/// The one spelling of a parameter path (`progress.stage_rate[03]` is `progress.stage_rate[3]`),
/// to compare a `--set` with the searched parameters.
pub fn canonical(path: &str) -> Result<String, StudyError> {
    let (keys, index) = split(path)?;
    let keys = keys.join(".");
    Ok(match index {
        Some(i) => format!("{keys}[{i}]"),
        None => keys,
    })
}

/// Checks the `--set` values before any is used: each path names a number under `[params]`,
/// each value is in the parameter's type (a whole number for a count, not rounded silently),
/// and the defaults with every value applied are valid. They are checked on the defaults, not
/// on the scenarios, so that a value the parameter cannot take is refused whether or not the
/// scenarios set the parameter themselves, and the message names the `--set`.
pub fn check_settings(values: &[(&str, f64)]) -> Result<(), StudyError> {
    let mut params = Params::default();
    for &(path, x) in values {
        if is_integer(&params, path)? && x.fract() != 0.0 {
            return Err(StudyError::Design(format!(
                "parameter {path:?} is a whole number (a count), got {x}"
            )));
        }
        set(&mut params, path, x)?;
    }
    let problems = crate::scenario::validate::params_problems(&params);
    if problems.is_empty() {
        return Ok(());
    }
    let why: Vec<String> = problems
        .iter()
        .map(|(segs, message)| {
            let key = crate::scenario::locate::format_path(segs);
            let key = key.strip_prefix("params.").unwrap_or(&key);
            match values
                .iter()
                .find(|(path, _)| canonical(path).is_ok_and(|c| c == key))
            {
                Some((path, x)) => format!("--set {path}={x}: {message}"),
                None => format!("with these --set values, {key} {message}"),
            }
        })
        .collect();
    Err(StudyError::Design(why.join("; ")))
}

fn is_integer(params: &Params, path: &str) -> Result<bool, StudyError> {
    Ok(matches!(value_at(params, path)?, toml::Value::Integer(_)))
}

/// The TOML value at `path` in `params`.
fn value_at(params: &Params, path: &str) -> Result<toml::Value, StudyError> {
    let value = toml::Value::try_from(params).map_err(|_| bad_path(path))?;
    let (keys, index) = split(path)?;
    let mut v = &value;
    for k in keys {
        v = v.get(k).ok_or_else(|| bad_path(path))?;
    }
    if let Some(i) = index {
        v = v.get(i).ok_or_else(|| bad_path(path))?;
    }
    Ok(v.clone())
}

/// The value of the parameter at `path`.
pub fn get(params: &Params, path: &str) -> Result<f64, StudyError> {
    let v = value_at(params, path)?;
    match v {
        toml::Value::Float(x) => Ok(x),
        toml::Value::Integer(x) => Ok(x as f64),
        _ => Err(bad_path(path)),
    }
}

/// Sets the parameter at `path` (integers are rounded).
pub fn set(params: &mut Params, path: &str, x: f64) -> Result<(), StudyError> {
    let mut value = toml::Value::try_from(&*params).map_err(|_| bad_path(path))?;
    let (keys, index) = split(path)?;
    let mut v = &mut value;
    for k in keys {
        v = v.get_mut(k).ok_or_else(|| bad_path(path))?;
    }
    if let Some(i) = index {
        v = v.get_mut(i).ok_or_else(|| bad_path(path))?;
    }
    *v = match v {
        toml::Value::Float(_) => toml::Value::Float(x),
        // Every integer parameter is a u32 count of months or criteria.
        toml::Value::Integer(_) if (0.0..=f64::from(u32::MAX)).contains(&x.round()) => {
            toml::Value::Integer(x.round() as i64)
        }
        toml::Value::Integer(_) => {
            let bound = crate::scenario::error::crossed_bound(x, 0, u32::MAX.into());
            return Err(StudyError::Design(format!(
                "parameter {path:?} is a whole number {bound}, got {x}"
            )));
        }
        _ => return Err(bad_path(path)),
    };
    *params = value.try_into().map_err(|e: toml::de::Error| {
        StudyError::Design(format!(
            "parameter {path:?} cannot be {x}: {}",
            e.message().trim()
        ))
    })?;
    Ok(())
}

/// The frame with `values` as the defaults of their parameters: a scenario whose files set a
/// parameter keeps its own value, as it would if the default changed, even when that value is
/// the default itself (the loader records which parameters were named,
/// [`Scenario::params_set`](crate::scenario::Scenario::params_set)). A path with an index
/// (`progress.stage_rate[3]`) counts as set when the scenario set the array.
pub fn with_defaults(frame: &Frame, values: &[(&str, f64)]) -> Result<Frame, StudyError> {
    // Every path and value is tried on the defaults first, so that applying them below cannot
    // fail.
    let mut trial = Params::default();
    for (path, x) in values {
        set(&mut trial, path, *x)?;
    }
    frame.with_params(|p, named| {
        for (path, x) in values {
            let key = path.split_once('[').map_or(*path, |(k, _)| k);
            if !named.contains(key) {
                set(p, path, *x).expect("checked path");
            }
        }
    })
}

/// The objective and its parts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Score {
    /// The value the search minimises (see the module documentation); a candidate is accepted
    /// only when it beats the best so far by more than 1e-9.
    pub objective: f64,
    /// Outcome figures outside their band.
    pub outside: usize,
    /// Outcome figures scored (design figures are left out): the denominator of `outside`.
    pub outcome_figures: usize,
    /// Spearman for the three ranked tables; only Tables 6.1 and 7.1 enter the objective, each
    /// penalised below 0.8.
    pub rank_agreement: RankAgreement,
    /// Mean of min(z², 9) over outcome figures.
    pub misfit: f64,
}

/// Scores a finished study (see the module documentation).
pub fn score(outcome: &StudyOutcome) -> Score {
    let outcome_figures: Vec<_> = outcome.figures.iter().filter(|f| !f.design).collect();
    let outside = outcome_figures.iter().filter(|f| !f.inside).count();
    let misfit = outcome_figures
        .iter()
        .map(|f| {
            ((f.published - f.simulated_mean) / f.sd.max(1.0))
                .powi(2)
                .min(9.0)
        })
        .sum::<f64>()
        / outcome_figures.len().max(1) as f64;
    let r = outcome.rank_agreement;
    let shortfall = (0.8 - r.table_6_1).max(0.0) + (0.8 - r.table_7_1).max(0.0);
    Score {
        objective: outside as f64 + 10.0 * shortfall + 0.1 * misfit,
        outside,
        outcome_figures: outcome_figures.len(),
        rank_agreement: r,
        misfit,
    }
}

/// One evaluation of the search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// Studies run so far, counting this one (1 is the starting point).
    pub evaluation: usize,
    /// The candidate's value of each searched parameter, in [`Calibration::knobs`] order.
    pub values: Vec<f64>,
    /// How the candidate's study fitted the published figures.
    pub score: Score,
    /// Became the best point so far.
    pub accepted: bool,
}

/// Why the search stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stop {
    /// No step of the smallest size improved any parameter.
    Converged,
    /// The evaluation budget ran out.
    Budget,
}

/// The result of a search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// The parameters searched, with their starts, ranges and steps, so that `calibration.json`
    /// says what was searched.
    pub knobs: Vec<Knob>,
    /// Best value of each knob, in `knobs` order: what `calibrated.toml` writes and what the
    /// shipped defaults in `src/scenario/schema.rs` should equal.
    pub best: Vec<f64>,
    /// Score of `best`.
    pub best_score: Score,
    /// Score of the starting point (every knob at its `start`): the baseline the summary
    /// compares `best_score` with.
    pub start_score: Score,
    /// Studies run, at most the budget.
    pub evaluations: usize,
    /// Whether the search converged or ran out of budget; a budget stop means `best` may not be
    /// a local optimum.
    pub stop: Stop,
    /// Every evaluation in order, accepted or not: the search's whole path, for
    /// `calibration.json`.
    pub steps: Vec<Step>,
}

/// Rounds a value to the grid the search moves on (whole numbers for integer knobs, else
/// 1e-4), so that printed values are exact.
fn tidy(x: f64, integer: bool) -> f64 {
    if integer {
        x.round()
    } else {
        (x * 1e4).round() / 1e4
    }
}

/// Runs the coordinate search from each knob's `start`, at most `budget` studies.
pub fn calibrate(
    frame: &Frame,
    obs: &Observation,
    published: &Published,
    config: &StudyConfig,
    knobs: &[Knob],
    budget: usize,
    report: &mut dyn FnMut(&Step),
) -> Result<Calibration, StudyError> {
    let mut evaluations = 0;
    let mut steps_log = Vec::new();
    let evaluate = |x: &[f64]| -> Result<Score, StudyError> {
        let values: Vec<(&str, f64)> = knobs
            .iter()
            .map(|k| k.path)
            .zip(x.iter().copied())
            .collect();
        let f = with_defaults(frame, &values)?;
        let outcome = super::run(&f, obs, published, config, &|_| {})?;
        Ok(score(&outcome))
    };
    let mut x: Vec<f64> = knobs.iter().map(|k| k.start).collect();
    let start_score = evaluate(&x)?;
    evaluations += 1;
    let mut best = start_score;
    let first = Step {
        evaluation: evaluations,
        values: x.clone(),
        score: best,
        accepted: true,
    };
    report(&first);
    steps_log.push(first);
    let mut step: Vec<f64> = knobs.iter().map(|k| k.step).collect();
    let mut halvings = 0;
    let stop = 'search: loop {
        let mut improved = false;
        for i in 0..knobs.len() {
            for dir in [1.0, -1.0] {
                if evaluations >= budget {
                    break 'search Stop::Budget;
                }
                let mut y = x.clone();
                y[i] = tidy(
                    (x[i] + dir * step[i]).clamp(knobs[i].min, knobs[i].max),
                    knobs[i].integer,
                );
                if y[i] == x[i] {
                    continue;
                }
                let s = evaluate(&y)?;
                evaluations += 1;
                let accepted = s.objective < best.objective - 1e-9;
                let logged = Step {
                    evaluation: evaluations,
                    values: y.clone(),
                    score: s,
                    accepted,
                };
                report(&logged);
                steps_log.push(logged);
                if accepted {
                    x = y;
                    best = s;
                    improved = true;
                    break;
                }
            }
        }
        if !improved {
            if halvings == 2 {
                break Stop::Converged;
            }
            halvings += 1;
            for s in &mut step {
                *s /= 2.0;
            }
        }
    };
    Ok(Calibration {
        knobs: knobs.to_vec(),
        best: x,
        best_score: best,
        start_score,
        evaluations,
        stop,
        steps: steps_log,
    })
}

/// The best values as a `[params]` overlay a scenario could include. `settings` are the `--set`
/// values the search ran with: they are written too, and an array holding both a searched and
/// a set element is written whole with both, so that the overlay alone gives the best point.
pub fn overlay_toml(c: &Calibration, settings: &[(&str, f64)]) -> String {
    let mut params = Params::default();
    for (path, x) in settings {
        set(&mut params, path, *x).expect("settings are checked before the search");
    }
    for (k, x) in c.knobs.iter().zip(&c.best) {
        set(&mut params, k.path, *x).expect("knob paths are valid");
    }
    let mut text = String::from(
        "# Calibrated values of the searched parameters (partnersim calibrate). They become the\n# shipped defaults (src/scenario/schema.rs) only after a search that converged with the\n# shipped calibration's settings: the run's summary says whether this one did.\n",
    );
    if !settings.is_empty() {
        text.push_str("# Also the values the search ran with, set by --set.\n");
    }
    let knobs = c.knobs.iter().map(|k| (k.path, k.integer));
    let set_paths = settings.iter().map(|(path, _)| {
        let integer = is_integer(&params, path).expect("settings are checked before the search");
        (*path, integer)
    });
    let mut sections: Vec<(String, Vec<String>)> = Vec::new();
    for (path, integer) in knobs.chain(set_paths) {
        let x = get(&params, path).expect("paths are valid");
        let (keys, index) = split(path).expect("paths are valid");
        let (section, key) = keys.split_at(keys.len() - 1);
        let section = format!("params.{}", section.join("."));
        let line = match index {
            Some(_) => format!(
                "{} = {:?}",
                key[0],
                get_array(&params, &keys).unwrap_or_default()
            ),
            None if integer => format!("{} = {}", key[0], x.round()),
            None => format!("{} = {}", key[0], fmt_value(x)),
        };
        match sections.iter_mut().find(|(s, _)| *s == section) {
            Some((_, lines)) => {
                if !lines.contains(&line) {
                    lines.push(line)
                }
            }
            None => sections.push((section, vec![line])),
        }
    }
    for (section, lines) in sections {
        text.push_str(&format!("\n[{section}]\n"));
        for l in lines {
            text.push_str(&l);
            text.push('\n');
        }
    }
    text
}

fn fmt_value(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.1}")
    } else if (x - tidy(x, false)).abs() > 1e-12 {
        format!("{x:.4}")
    } else {
        format!("{x}")
    }
}

fn get_array(params: &Params, keys: &[&str]) -> Option<Vec<f64>> {
    let value = toml::Value::try_from(params).ok()?;
    let mut v = &value;
    for k in keys {
        v = v.get(k)?;
    }
    v.as_array()?
        .iter()
        .map(|x| x.as_float().or_else(|| x.as_integer().map(|i| i as f64)))
        .collect()
}

/// The closing summary: objective before and after, and each parameter's start, best and
/// shipped default.
/// `standard` is true when the search ran as the shipped defaults were calibrated (default seed,
/// replications, design, scenarios and no `--set`): only then may its values replace them.
pub fn summary_text(c: &Calibration, config: &StudyConfig, standard: bool) -> String {
    let d = Params::default();
    let mut text = format!(
        "calibration: {} studies of {} replications (seed {}), stopped: {}\n  objective {:.3} -> {:.3}; outcome figures outside the band {} -> {} of {}; Spearman 6.1 {:.2} -> {:.2}, 7.1 {:.2} -> {:.2}\n  parameter                                   start      best   shipped default\n",
        c.evaluations,
        config.replications,
        config.seed,
        match c.stop {
            Stop::Converged => "converged",
            Stop::Budget => "budget spent",
        },
        c.start_score.objective,
        c.best_score.objective,
        c.start_score.outside,
        c.best_score.outside,
        c.best_score.outcome_figures,
        c.start_score.rank_agreement.table_6_1,
        c.best_score.rank_agreement.table_6_1,
        c.start_score.rank_agreement.table_7_1,
        c.best_score.rank_agreement.table_7_1,
    );
    let mut same = true;
    for (k, x) in c.knobs.iter().zip(&c.best) {
        let shipped = get(&d, k.path).unwrap_or(f64::NAN);
        same &= (shipped - x).abs() < 1e-9;
        text.push_str(&format!(
            "  {:<40} {:>8} {:>9} {:>9}\n",
            k.path,
            fmt_value(k.start),
            fmt_value(*x),
            fmt_value(shipped)
        ));
    }
    text.push_str(if same {
        "  the shipped defaults equal the calibrated values\n"
    } else if standard && c.stop == Stop::Converged {
        "  the shipped defaults differ from the calibrated values: copy calibrated.toml's values into src/scenario/schema.rs\n"
    } else if standard {
        "  the shipped defaults differ from these values, but the search stopped before it converged (raise --budget): not a replacement for them\n"
    } else {
        "  the shipped defaults differ from these values, found with other settings than the shipped calibration's (seed, replications, design, scenarios or --set): not a replacement for them\n"
    });
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_and_set_reach_nested_and_indexed_parameters() {
        let mut p = Params::default();
        assert_eq!(
            get(&p, "challenges.fiscal.rate").unwrap(),
            p.challenges.fiscal.rate
        );
        set(&mut p, "challenges.fiscal.rate", 0.2).unwrap();
        assert_eq!(p.challenges.fiscal.rate, 0.2);
        set(&mut p, "progress.stage_rate[4]", 0.3).unwrap();
        assert_eq!(p.progress.stage_rate[4], 0.3);
        set(&mut p, "progress.criteria_required", 4.4).unwrap();
        assert_eq!(p.progress.criteria_required, 4);
        assert!(get(&p, "challenges.nothing.rate").is_err());
        assert!(set(&mut p, "progress.stage_rate[9]", 1.0).is_err());
    }

    #[test]
    fn every_knob_starts_inside_its_range_at_a_real_parameter() {
        for k in KNOBS {
            assert!(get(&Params::default(), k.path).is_ok(), "{}", k.path);
            assert!(k.min <= k.start && k.start <= k.max, "{}", k.path);
            assert!(k.step > 0.0);
        }
    }
}
