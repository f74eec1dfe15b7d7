//! Range and consistency checks on a resolved scenario, run before any compute.

use super::locate::{Seg, parse_path};
use super::schema::{Params, Scenario};
use crate::model::{Level, MAX_AGENCIES, MAX_POSTS_PER_AGENCY, MAX_STREAMS};

/// A problem with a value: its key path and what is wrong.
pub type Problem = (Vec<Seg>, String);

/// Parameters that are shares or probabilities and must lie in [0, 1].
const UNIT_PARAMS: &[&str] = &[
    "environment.pressure_persistence",
    "environment.reorganisation_trust_loss",
    "environment.reorganisation_commitment_boost",
    "funding.pressure_withdrawal",
    "funding.renewal_pressure_sensitivity",
    "staffing.refill_pressure_sensitivity",
    "staffing.refill_commitment_floor",
    "staffing.newcomer_understanding",
    "staffing.hybrid_share",
    "staffing.hybrid_understanding",
    "staffing.pullback",
    "staffing.trust_loss_per_departure",
    "interaction.trust_decay",
    "interaction.coordinator_absent_factor",
    "interaction.outside_council_factor",
    "interaction.dispersion_penalty",
    "interaction.no_protocol_penalty",
    "commitment.rate",
    "commitment.directed_rate_factor",
    "commitment.outside_council_rate_factor",
    "challenges.issue_decay",
    "challenges.fiscal_conflict",
    "challenges.chair_relief",
    "progress.weakest_agency_weight",
    "progress.steering_commitment",
    "progress.aims_commitment",
    "progress.aims_floor",
    "progress.accommodation_rate",
    "progress.review_rate",
    "progress.criteria_commitment",
    "progress.criteria_issues",
    "progress.key_loss_progress",
    "progress.key_loss_drop",
    "progress.protocol_embedding",
    "progress.cliff_level",
    "progress.chair_bonus",
    "folding.lead_commitment_floor",
    "folding.partner_commitment_floor",
    "folding.funding_floor",
];

fn key(path: &str) -> Vec<Seg> {
    parse_path(path).expect("validation paths are well formed")
}

fn unit(problems: &mut Vec<Problem>, path: &str, v: f64) {
    if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
        problems.push((
            key(path),
            format!("must be a probability or share between 0 and 1, got {v:?}"),
        ));
    }
}

fn range(problems: &mut Vec<Problem>, path: &str, v: f64, lo: f64, hi: f64) {
    if !(v.is_finite() && v >= lo && v <= hi) {
        problems.push((
            key(path),
            format!("must be a finite number from {lo} to {hi}, got {v:?}"),
        ));
    }
}

/// The horizons a scenario may run: a month to a century.
pub const MONTHS: std::ops::RangeInclusive<u32> = 1..=1200;

/// Whole-number fields whose valid range is narrower than their type's, with that range: a
/// value that does not even fit the type (`months = -12`) is told the field's range at once,
/// rather than the type's bound first and the field's on the next try.
pub fn integer_field_range(key: &str) -> Option<(u32, u32)> {
    match key {
        "months" => Some((*MONTHS.start(), *MONTHS.end())),
        "params.progress.criteria_required" => Some((0, 8)),
        "params.folding.months" | "params.folding.key_staff_months" => Some((1, u32::MAX)),
        _ => None,
    }
}

/// Every problem found in a resolved scenario (empty when it is valid).
pub fn validate(s: &Scenario) -> Vec<Problem> {
    let mut p = Vec::new();
    if let Some(why) = output_name_problem(&s.name) {
        p.push((
            key("name"),
            format!(
                "{:?} cannot name the output directory: {why} (without a `name`, the file name is used)",
                s.name
            ),
        ));
    }
    if !MONTHS.contains(&s.months) {
        p.push((
            key("months"),
            format!(
                "must be from {} to {} months, got {}",
                MONTHS.start(),
                MONTHS.end(),
                s.months
            ),
        ));
    }
    range(&mut p, "required_funding", s.required_funding, 1e-9, 1e9);
    if s.start_stage == crate::model::Stage::Folded
        || s.start_stage == crate::model::Stage::WellEstablished
    {
        p.push((
            key("start_stage"),
            "must be a stage before well_established".into(),
        ));
    }
    let n = s.agencies.len();
    if !(2..=MAX_AGENCIES).contains(&n) {
        p.push((
            key("agencies"),
            format!("an initiative needs 2 to {MAX_AGENCIES} agencies, found {n}"),
        ));
    }
    if !s.agencies.contains_key(&s.lead) {
        let names: Vec<&str> = s.agencies.keys().map(String::as_str).collect();
        p.push((
            key("lead"),
            format!("names no agency; expected one of {names:?}"),
        ));
    }

    let st = &s.structure;
    range(
        &mut p,
        "structure.contact_rate",
        st.contact_rate.unwrap_or(f64::NAN),
        0.0,
        100.0,
    );
    unit(
        &mut p,
        "structure.dispersion",
        st.dispersion.unwrap_or(f64::NAN),
    );
    unit(
        &mut p,
        "structure.role_overlap",
        st.role_overlap.unwrap_or(f64::NAN),
    );
    let funding_need = st.funding_need.unwrap_or(f64::NAN);
    range(&mut p, "structure.funding_need", funding_need, 0.0, 100.0);
    if funding_need > 0.0 && funding_need < DIVISOR_MIN {
        p.push((
            key("structure.funding_need"),
            format!("must be 0 or at least {DIVISOR_MIN:e} (the money required is divided by it), got {funding_need:?}"),
        ));
    }

    for (name, a) in &s.agencies {
        let at = |field: &str| format!("agencies.{name}.{field}");
        if !plain_name(name) {
            p.push((
                vec![Seg::Key("agencies".into()), Seg::Key(name.clone())],
                "agency names use only letters, digits, '_' and '-' (they appear in key paths and CSV headers)".into(),
            ));
            continue;
        }
        if RESERVED_SOURCES.contains(&name.as_str()) {
            p.push((
                vec![Seg::Key("agencies".into()), Seg::Key(name.clone())],
                format!("`{name}` is reserved: a funding stream's `source` of `grant` or `joint` means money from outside the agencies"),
            ));
        }
        for (field, v) in [
            ("commitment_strategic", a.commitment_strategic),
            ("commitment_operational", a.commitment_operational),
            ("alignment", a.alignment),
            ("budget_pressure", a.budget_pressure),
            ("unresolved_issues", a.unresolved_issues),
            ("annual_turnover", a.annual_turnover.unwrap_or(f64::NAN)),
            ("replace_probability", a.replace_probability),
            ("ring_fenced", a.ring_fenced),
            ("initial_vacancy", a.initial_vacancy),
        ] {
            unit(&mut p, &at(field), v);
        }
        range(
            &mut p,
            &at("budget_pressure_trend"),
            a.budget_pressure_trend,
            -1.0,
            1.0,
        );
        range(
            &mut p,
            &at("vacancy_months"),
            a.vacancy_months.unwrap_or(f64::NAN),
            1.0,
            120.0,
        );
        for (i, c) in a.culture.unwrap_or([f64::NAN; 2]).iter().enumerate() {
            unit(&mut p, &format!("agencies.{name}.culture[{i}]"), *c);
        }
        // Summed wide: counts near u32::MAX must not wrap round into the allowed range.
        let total = u64::from(a.posts.strategic)
            + u64::from(a.posts.interface)
            + u64::from(a.posts.operational);
        if !(1..=MAX_POSTS_PER_AGENCY as u64).contains(&total) {
            p.push((
                key(&at("posts")),
                format!("an agency has 1 to {MAX_POSTS_PER_AGENCY} posts in all, found {total}"),
            ));
        }
    }

    if s.funding.len() > MAX_STREAMS {
        p.push((
            key("funding"),
            format!(
                "at most {MAX_STREAMS} funding streams, found {}",
                s.funding.len()
            ),
        ));
    }
    for (name, f) in &s.funding {
        if !plain_name(name) {
            p.push((
                vec![Seg::Key("funding".into()), Seg::Key(name.clone())],
                "stream names use only letters, digits, '_' and '-' (they appear in key paths and traces)".into(),
            ));
            continue;
        }
        let at = |field: &str| format!("funding.{name}.{field}");
        if !RESERVED_SOURCES.contains(&f.source.as_str()) && !s.agencies.contains_key(&f.source) {
            p.push((
                key(&at("source")),
                format!("`{}` is not an agency, `grant` or `joint`", f.source),
            ));
        }
        range(&mut p, &at("monthly"), f.monthly, 0.0, 1e9);
        unit(&mut p, &at("renewal_probability"), f.renewal_probability);
        unit(
            &mut p,
            &at("mainstream_probability"),
            f.mainstream_probability,
        );
        if f.renewal_probability + f.mainstream_probability > 1.0 + 1e-12 {
            p.push((
                key(&at("renewal_probability")),
                "renewal_probability + mainstream_probability must not exceed 1".into(),
            ));
        }
        for (i, target) in f.funds_posts.iter().enumerate() {
            let (agency, level) = match target.split_once('.') {
                Some((a, l)) => (a, Some(l)),
                None => (target.as_str(), None),
            };
            let at = vec![
                Seg::Key("funding".into()),
                Seg::Key(name.clone()),
                Seg::Key("funds_posts".into()),
                Seg::Index(i),
            ];
            // `Err` for a level that is not one of the three.
            let level = level.map_or(Ok(None), |l| {
                Level::ALL
                    .iter()
                    .copied()
                    .find(|x| x.key() == l)
                    .map(Some)
                    .ok_or(())
            });
            let (Some(a), Ok(level)) = (s.agencies.get(agency), level) else {
                p.push((at, format!("`{target}` must be an agency name, optionally followed by .strategic, .interface or .operational")));
                continue;
            };
            if let Some(l) = level {
                let posts = match l {
                    Level::Strategic => a.posts.strategic,
                    Level::Interface => a.posts.interface,
                    Level::Operational => a.posts.operational,
                };
                if posts == 0 {
                    p.push((
                        at.clone(),
                        format!(
                            "`{target}` funds no post: {agency} has no {} posts",
                            l.key()
                        ),
                    ));
                }
            }
            if f.funds_posts[..i].contains(target) {
                p.push((at, format!("`{target}` is listed twice")));
            }
        }
    }

    p.extend(params_problems(&s.params));
    p
}

/// Every problem with the model's parameters, each key once with its own range (a key with a
/// narrower rule than the generic 0 to [`PARAM_MAX`] is reported by that rule alone; a
/// scenario's problems are then put in line order). Used for scenarios and for
/// `study`/`calibrate --set` values, which are checked on the defaults whatever the scenarios set.
pub fn params_problems(params: &Params) -> Vec<Problem> {
    let mut p = Vec::new();
    // Paths with a rule of their own below; the generic walk skips them.
    let mut ruled: Vec<String> = UNIT_PARAMS.iter().map(|k| format!("params.{k}")).collect();
    let table = toml::Table::try_from(params).expect("parameters serialise");
    for path in UNIT_PARAMS {
        if let Some(v) = lookup(&table, path).and_then(toml::Value::as_float) {
            unit(&mut p, &format!("params.{path}"), v);
        }
    }
    let c = &params.challenges;
    for kind in crate::model::ChallengeKind::ALL {
        let k = c.kind(*kind);
        for (field, v) in [
            ("rate", k.rate),
            ("severity", k.severity),
            ("resolution", k.resolution),
        ] {
            let path = format!("params.challenges.{}.{field}", kind.key());
            unit(&mut p, &path, v);
            ruled.push(path);
        }
    }
    let pr = &params.progress;
    for (i, r) in pr.stage_rate.iter().enumerate() {
        let path = format!("params.progress.stage_rate[{i}]");
        if !(*r > 0.0 && *r <= 1.0) {
            p.push((
                key(&path),
                format!("must be above 0 and at most 1 per month, got {r:?}"),
            ));
        }
        ruled.push(path);
    }
    for (path, v, lo, hi) in [
        (
            "params.staffing.short_term_hazard_multiplier",
            params.staffing.short_term_hazard_multiplier,
            1.0,
            20.0,
        ),
        (
            "params.interaction.contact_noise",
            params.interaction.contact_noise,
            0.0,
            2.0,
        ),
        (
            "params.environment.reorganisation_rate",
            params.environment.reorganisation_rate,
            0.0,
            12.0,
        ),
    ] {
        range(&mut p, path, v, lo, hi);
        ruled.push(path.into());
    }
    // Divisors: 0 would make leadership's ramp and communication's sufficiency undefined, and a
    // value so small that its reciprocal overflows would make "no contact" count as sufficient.
    for (path, v) in [
        ("params.progress.leader_ramp", pr.leader_ramp),
        (
            "params.interaction.communication_contact_need",
            params.interaction.communication_contact_need,
        ),
    ] {
        if !(v.is_finite() && (DIVISOR_MIN..=PARAM_MAX).contains(&v)) {
            p.push((
                key(path),
                format!(
                    "must be a finite number from {DIVISOR_MIN:e} to {PARAM_MAX:e} (it divides), got {v:?}"
                ),
            ));
        }
        ruled.push(path.into());
    }
    // The money a stage requires is a product of three numbers; a positive product so small
    // that its reciprocal overflows would turn adequacy into NaN, so each factor is either 0
    // (nothing required) or at least DIVISOR_MIN.
    for (i, r) in params.funding.stage_requirement.iter().enumerate() {
        let path = format!("params.funding.stage_requirement[{i}]");
        if !(*r == 0.0 || (r.is_finite() && (DIVISOR_MIN..=PARAM_MAX).contains(r))) {
            p.push((
                key(&path),
                format!(
                    "must be 0 or a finite number from {DIVISOR_MIN:e} to {PARAM_MAX:e}, got {r:?}"
                ),
            ));
        }
        ruled.push(path);
    }
    // Every other number must be finite and non-negative: walk them generically so that a new
    // parameter is covered without a new line here.
    let mut stack: Vec<(String, &toml::Value)> = table
        .iter()
        .rev()
        .map(|(k, v)| (format!("params.{k}"), v))
        .collect();
    while let Some((path, value)) = stack.pop() {
        match value {
            toml::Value::Float(f) if !plausible(*f) && !ruled.contains(&path) => {
                p.push((
                    key(&path),
                    format!("must be a finite number from 0 to {PARAM_MAX:e}, got {f:?}"),
                ));
            }
            toml::Value::Table(t) => {
                stack.extend(t.iter().rev().map(|(k, v)| (format!("{path}.{k}"), v)))
            }
            toml::Value::Array(a) => stack.extend(
                a.iter()
                    .enumerate()
                    .rev()
                    .map(|(i, v)| (format!("{path}[{i}]"), v)),
            ),
            _ => {}
        }
    }
    if pr.factor_weights.iter().sum::<f64>() <= 0.0 {
        p.push((
            key("params.progress.factor_weights"),
            "at least one factor weight must be positive".into(),
        ));
    }
    if pr.criteria_required > 8 {
        p.push((
            key("params.progress.criteria_required"),
            format!("Table 2.1 has 8 criteria, got {}", pr.criteria_required),
        ));
    }
    if params.folding.key_staff_months == 0 {
        p.push((
            key("params.folding.key_staff_months"),
            "must be at least 1 month".into(),
        ));
    }
    if params.folding.months == 0 {
        p.push((
            key("params.folding.months"),
            "must be at least 1 month".into(),
        ));
    }
    p
}

/// Largest value of a parameter without a narrower range. No parameter means anything near it,
/// and products of a few parameters stay far from overflow (factor weights summing to infinity
/// would make every normalised weight 0, a noise of 1e308 makes pressures NaN).
const PARAM_MAX: f64 = 1e6;

/// Smallest positive value of a quantity the model divides by: its reciprocal stays finite.
const DIVISOR_MIN: f64 = 1e-6;

fn plausible(v: f64) -> bool {
    v.is_finite() && (0.0..=PARAM_MAX).contains(&v)
}

fn lookup<'a>(table: &'a toml::Table, dotted: &str) -> Option<&'a toml::Value> {
    let mut parts = dotted.split('.');
    let mut value = table.get(parts.next()?)?;
    for part in parts {
        value = value.as_table()?.get(part)?;
    }
    Some(value)
}

/// Funding sources that are not agencies; no agency may take these names.
const RESERVED_SOURCES: [&str; 2] = ["grant", "joint"];

/// Longest scenario name in bytes: file systems allow 255 for a directory name, and the
/// output is staged under `.<name>.partial-<pid>` first.
const NAME_MAX: usize = 200;

/// Scenario names, which name the default output directory `output/<name>`: one path component
/// (no separator, so no `..` and no absolute path), not hidden, nothing a terminal would act on.
/// Otherwise free text, as a planner's label may be. Says which rule a name breaks.
fn output_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        Some("it is empty".into())
    } else if name.len() > NAME_MAX {
        Some(format!(
            "it is {} bytes long, more than {NAME_MAX} (accented letters take 2 bytes)",
            name.len()
        ))
    } else if name.starts_with('.') {
        Some("it starts with '.'".into())
    } else if name.contains(['/', '\\']) {
        Some("it contains '/' or '\\'".into())
    } else if name.chars().any(char::is_control) {
        Some("it contains a control character".into())
    } else {
        None
    }
}

/// Names that are safe in key paths, CSV headers and file names.
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
