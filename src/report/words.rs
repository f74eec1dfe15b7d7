//! A scenario and the model's vocabulary in plain words, for readers who never open a TOML file.
//! Everything returned is plain text; the page escapes it.

use crate::model::{ChallengeKind, Factor, FoldCause, ModelKind, Stage};
use crate::scenario::{AgencyKind, Scenario};

/// A 0..1 level in words.
pub fn level(x: f64) -> &'static str {
    match x {
        x if x < 0.2 => "very low",
        x if x < 0.4 => "low",
        x if x < 0.6 => "moderate",
        x if x < 0.8 => "fairly high",
        _ => "high",
    }
}

/// The model of multi-agency activity, as one clause.
pub fn model(m: ModelKind) -> &'static str {
    match m {
        ModelKind::DecisionMakingGroup => {
            "a decision-making group: a strategic planning group that works through others"
        }
        ModelKind::ConsultationTraining => {
            "consultation and training: professionals advise and train other professionals"
        }
        ModelKind::CentreBased => "centre-based delivery: services delivered from one site",
        ModelKind::CoordinatedDelivery => {
            "coordinated delivery: a coordinator links each agency's separate delivery"
        }
        ModelKind::OperationalTeam => {
            "an operational team: professionals from the agencies work side by side as one team"
        }
    }
}

/// "social_services" → "Social Services".
pub fn agency(key: &str) -> String {
    key.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// "Health's", "Social Services'".
pub fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

/// Thousand pounds as money: 6.0 → "£6,000", 0.25 → "£250".
pub fn money(thousands: f64) -> String {
    let pounds = (thousands * 1000.0).round() as i64;
    let grouped = self::thousands(pounds.unsigned_abs());
    format!("{}£{grouped}", if pounds < 0 { "-" } else { "" })
}

/// A count with thousands separated by commas, as the reports and charts print counts:
/// "2,000", "10,000,000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// "a", "a and b", "a, b and c".
pub fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Months, with years when whole: "72 months (6 years)".
pub fn duration(months: u32) -> String {
    if months >= 24 && months.is_multiple_of(12) {
        format!("{months} months ({} years)", months / 12)
    } else {
        format!("{months} months")
    }
}

/// A stage in words.
pub fn stage(s: Stage) -> &'static str {
    match s {
        Stage::Idea => "still an idea",
        Stage::Planning => "planning",
        Stage::SettingUp => "setting up",
        Stage::StartingToDeliver => "starting to deliver",
        Stage::Developing => "developing",
        Stage::WellEstablished => "well established",
        Stage::Folded => "folded",
    }
}

/// Why an initiative folded, in words.
pub fn fold_cause(c: FoldCause) -> &'static str {
    match c {
        FoldCause::LeadCommitment => "the lead agency's commitment stayed too low",
        FoldCause::PartnerWithdrawal => "a partner agency withdrew",
        FoldCause::Funding => "the money ran too short for too long",
        FoldCause::KeyStaff => "every key post stood vacant for too long",
    }
}

/// A challenge of Table 6.1 and what it covers.
pub fn challenge(c: ChallengeKind) -> (&'static str, &'static str) {
    match c {
        ChallengeKind::Fiscal => (
            "Fiscal resources",
            "conflicts over money, too little of it, money running out",
        ),
        ChallengeKind::Roles => (
            "Roles and responsibilities",
            "who does what, overlapping or unclear professional roles",
        ),
        ChallengeKind::CompetingPriorities => (
            "Competing priorities",
            "work that does not count towards an agency's own targets is dropped first",
        ),
        ChallengeKind::NonFiscalResources => (
            "Non-fiscal resources",
            "time, staff shortages and turnover, accommodation",
        ),
        ChallengeKind::Communication => (
            "Communication",
            "information not shared, staff dispersed, too little contact",
        ),
        ChallengeKind::Cultures => (
            "Professional and agency cultures",
            "different procedures, rules on confidentiality, ways of working",
        ),
        ChallengeKind::Management => (
            "Management",
            "senior commitment not visible or equal, the wrong people at the table",
        ),
    }
}

/// A key factor of Table 7.1 in words.
pub fn factor(f: Factor) -> &'static str {
    match f {
        Factor::Commitment => "commitment or willingness to be involved",
        Factor::UnderstandingRoles => "understanding roles and responsibilities",
        Factor::CommonAims => "common aims and objectives",
        Factor::Communication => "communication and information sharing",
        Factor::Leadership => "leadership or drive",
        Factor::InvolvingPersonnel => "involving the relevant personnel",
        Factor::Funding => "sharing and access to funding and resources",
        Factor::Relationships => "good working relationships",
        Factor::Time => "having adequate time",
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// The scenario in plain words: a paragraph on the initiative, one line per agency, one per
/// funding stream, and the levers.
pub struct Description {
    /// The scenario's own description, then its model, agencies, lead, horizon and start stage.
    pub overview: String,
    /// One sentence per agency, in name order: commitment, alignment, pressure, posts, turnover.
    pub agencies: Vec<String>,
    /// The money needed each month at full delivery, introducing the list of streams.
    pub money: String,
    /// One sentence per funding stream, in name order: amount, source, terms and posts it pays for.
    pub streams: Vec<String>,
    /// Each lever's plain name and whether it is in place ("yes" or "no").
    pub levers: Vec<(String, &'static str)>,
}

/// Describes a resolved scenario.
pub fn describe(s: &Scenario) -> Description {
    let names: Vec<String> = s.agencies.keys().map(|k| agency(k)).collect();
    let overview = format!(
        "{} It follows the model of {}. It brings together {}, led by {}, and is followed for {}, {}.",
        if s.description.is_empty() {
            String::new()
        } else {
            s.description.trim().to_string()
        },
        model(s.model),
        list(&names),
        agency(&s.lead),
        duration(s.months),
        match s.start_stage {
            Stage::Idea => "starting from an idea".to_string(),
            other => format!("starting at the {} stage", stage(other)),
        },
    )
    .trim_start()
    .to_string();

    let agencies = s
        .agencies
        .iter()
        .map(|(key, a)| {
            let posts = a.posts.strategic + a.posts.interface + a.posts.operational;
            let mut line = format!(
                "{}: senior managers' commitment {} ({:.2}), practitioners' {} ({:.2}); the initiative fits its own targets {} (alignment {:.2}); budget pressure {} ({:.2}); {} post{} ({} strategic, {} interface, {} operational); staff turnover {:.0}% a year; {:.0}% of staff time ring-fenced for the initiative",
                agency(key),
                level(a.commitment_strategic),
                a.commitment_strategic,
                level(a.commitment_operational),
                a.commitment_operational,
                match a.alignment {
                    x if x >= 0.7 => "well",
                    x if x >= 0.4 => "partly",
                    _ => "poorly",
                },
                a.alignment,
                level(a.budget_pressure),
                a.budget_pressure,
                posts,
                if posts == 1 { "" } else { "s" },
                a.posts.strategic,
                a.posts.interface,
                a.posts.operational,
                100.0 * a.annual_turnover.unwrap_or(0.0),
                100.0 * a.ring_fenced,
            );
            if a.outside_council == Some(true)
                && !(a.kind == Some(AgencyKind::Health) && s.levers.coterminous_health)
            {
                line.push_str("; sits outside the council and is not coterminous with it");
            }
            if a.directed {
                line.push_str("; its staff were directed to take part");
            }
            line.push('.');
            line
        })
        .collect();

    let need = s.required_funding * s.structure.funding_need.unwrap_or(1.0);
    let money_line = format!(
        "At full delivery the initiative needs about {} a month. Its funding:",
        money(need)
    );
    let streams = s
        .funding
        .iter()
        .map(|(key, f)| {
            let from = if f.source == "grant" {
                "a time-limited grant".to_string()
            } else if f.source == "joint" {
                "joint funding".to_string()
            } else {
                format!("{} own budget", possessive(&agency(&f.source)))
            };
            let mut line = format!("{}: {} a month from {from}", agency(key), money(f.monthly));
            if f.start > 0 {
                line.push_str(&format!(", starting in month {}", f.start));
            }
            if f.term_months == 0 {
                line.push_str(", with no end date");
            } else {
                line.push_str(&format!(
                    ", in {}-month terms; at the end of each term a {:.0}% chance of renewal and a {:.0}% chance of moving into the base budget",
                    f.term_months,
                    100.0 * f.renewal_probability,
                    100.0 * f.mainstream_probability
                ));
            }
            if f.pooled || s.levers.pooled_budget {
                line.push_str("; pooled");
            }
            if !f.funds_posts.is_empty() {
                let posts: Vec<String> = f
                    .funds_posts
                    .iter()
                    .map(|p| match p.split_once('.') {
                        Some((a, l)) => format!("{} {l}", agency(a)),
                        None => format!("all {}", agency(p)),
                    })
                    .collect();
                line.push_str(&format!(
                    "; it pays for the {} post{}",
                    list(&posts),
                    if posts.len() == 1 { "" } else { "s" }
                ));
            }
            line.push('.');
            line
        })
        .collect();

    let l = &s.levers;
    let levers = vec![
        ("Pooled budget".to_string(), yes_no(l.pooled_budget)),
        ("Joint training".to_string(), yes_no(l.joint_training)),
        ("Written protocols".to_string(), yes_no(l.protocols)),
        (
            "Staff share one site".to_string(),
            yes_no(l.co_location.unwrap_or(false)),
        ),
        (
            "Health coterminous with the council".to_string(),
            yes_no(l.coterminous_health),
        ),
        ("Independent chair".to_string(), yes_no(l.independent_chair)),
    ];
    Description {
        overview,
        agencies,
        money: money_line,
        streams,
        levers,
    }
}

/// Settings that differ between two resolved scenarios, as (setting, value in a, value in b),
/// name and description left out. Settings are dotted paths made readable.
pub fn differences(a: &Scenario, b: &Scenario) -> Vec<(String, String, String)> {
    let flat = |s: &Scenario| {
        let mut out = Vec::new();
        if let Ok(toml::Value::Table(t)) = toml::Value::try_from(s) {
            flatten("", &toml::Value::Table(t), &mut out);
        }
        out
    };
    let (fa, fb) = (flat(a), flat(b));
    let mut keys: Vec<&String> = fa.iter().chain(&fb).map(|(k, _)| k).collect();
    keys.sort();
    keys.dedup();
    let get = |f: &[(String, String)], k: &str| {
        f.iter()
            .find(|(x, _)| x == k)
            .map_or("(not set)".to_string(), |(_, v)| v.clone())
    };
    keys.into_iter()
        .filter(|k| *k != "name" && *k != "description")
        .filter_map(|k| {
            let (va, vb) = (get(&fa, k), get(&fb, k));
            (va != vb).then(|| (readable_key(k), va, vb))
        })
        .collect()
}

fn flatten(prefix: &str, v: &toml::Value, out: &mut Vec<(String, String)>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        other => out.push((prefix.to_string(), value(other))),
    }
}

fn value(v: &toml::Value) -> String {
    match v {
        toml::Value::Boolean(b) => yes_no(*b).to_string(),
        toml::Value::String(s) => s.clone(),
        toml::Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(value).collect();
            format!("[{}]", parts.join(", "))
        }
        other => other.to_string(),
    }
}

/// "agencies.social_services.annual_turnover" → "agencies › social services › annual turnover".
pub fn readable_key(key: &str) -> String {
    key.split('.')
        .map(|p| p.replace('_', " "))
        .collect::<Vec<_>>()
        .join(" \u{203a} ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_for_numbers_and_names() {
        assert_eq!(level(0.75), "fairly high");
        assert_eq!(level(0.1), "very low");
        assert_eq!(agency("social_services"), "Social Services");
        assert_eq!(money(6.0), "£6,000");
        assert_eq!(money(1234.5), "£1,234,500");
        assert_eq!(list(&["a".into(), "b".into(), "c".into()]), "a, b and c");
        assert_eq!(duration(72), "72 months (6 years)");
        assert_eq!(duration(30), "30 months");
    }

    #[test]
    fn differences_name_the_changed_lever_only() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let a = Scenario::from_file(&path.join("scenarios/reference.toml")).unwrap();
        let b =
            Scenario::from_file(&path.join("scenarios/what-if/five-year-funding.toml")).unwrap();
        let d = differences(&a, &b);
        assert_eq!(
            d,
            vec![(
                "funding \u{203a} grant \u{203a} term months".to_string(),
                "36".to_string(),
                "60".to_string()
            )]
        );
        assert!(differences(&a, &a).is_empty());
    }
}
