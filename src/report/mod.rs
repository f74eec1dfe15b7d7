//! `report.html`: one self-contained page a planner can e-mail, for `run` and for `compare`.
//! Inline CSS and SVG only: no scripts, fonts, images or links to fetch, so it opens the same
//! anywhere, offline. It gives the scenario in plain words, the headline numbers with their
//! intervals, the charts, what stopped the rest (fold causes, challenges, binding factors) and
//! the resolved scenario.

pub mod html;
pub mod words;

use std::fmt::Write;

use html::{Cell, bar, card, esc, figure, months_diff, page, pct, points, swatch, table};

use crate::compare::{Comparison, Entry, MEDIAN_KEY};
use crate::engine::Pairing;
use crate::model::{ChallengeKind, Factor, FoldCause, Stage};
use crate::plot::{self, PlotError, STAGE_COLOURS, Scenarios};
use crate::scenario::Scenario;
use crate::stats::Summary;
use crate::stats::paired::Indicator;
use words::thousands;

/// Where a result came from, for the page's footer.
#[derive(Debug, Clone, Copy)]
pub struct Provenance<'a> {
    /// Crate version of the binary that made the result ([`crate::manifest::VERSION`]).
    pub version: &'a str,
    /// Commit the binary was built from ([`crate::manifest::GIT_COMMIT`]), so a reader can tell
    /// whether two reports came from the same model.
    pub git_commit: &'a str,
    /// The command line that made the result.
    pub command: &'a str,
}

/// Chart colours as CSS, scenario `j`.
fn css_colour(j: usize) -> String {
    let c = plot::scenario_rgb(j);
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn stage_css(stage: Stage) -> String {
    let c = STAGE_COLOURS[stage.index()];
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

fn share_of(shares: &[(&'static str, f64)], key: &str) -> f64 {
    shares
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(0.0, |(_, v)| *v)
}

fn header(kicker: &str, title: &str, lede: &str) -> String {
    format!(
        "<header class=\"top\"><p class=\"kicker\">{}</p><h1>{}</h1><p class=\"lede\">{}</p></header>\n",
        esc(kicker),
        esc(title),
        esc(lede)
    )
}

/// The scenario in plain words (HTML).
fn plain_words(s: &Scenario) -> String {
    let d = words::describe(s);
    let mut out = format!(
        "<p>{}</p>\n<h3>The agencies</h3>\n<ul class=\"plain\">\n",
        esc(&d.overview)
    );
    for line in &d.agencies {
        writeln!(out, "<li>{}</li>", esc(line)).expect("write to string");
    }
    writeln!(
        out,
        "</ul>\n<h3>Money</h3>\n<p>{}</p>\n<ul class=\"plain\">",
        esc(&d.money)
    )
    .expect("write to string");
    for line in &d.streams {
        writeln!(out, "<li>{}</li>", esc(line)).expect("write to string");
    }
    out.push_str("</ul>\n<h3>Ways of working</h3>\n");
    let rows: Vec<Vec<Cell>> = d
        .levers
        .iter()
        .map(|(name, on)| vec![Cell::Text(name.clone()), Cell::Text(on.to_string())])
        .collect();
    out.push_str(&table(
        &[Cell::Text("Lever".into()), Cell::Text("In place".into())],
        &rows,
    ));
    out
}

/// The three headline cards of one summary.
fn headline_cards(s: &Summary) -> String {
    let w = s.well_established;
    let median = s
        .median_months_to_well_established
        .map_or("not reached".to_string(), |m| format!("{m} months"));
    let mut out = String::from("<div class=\"cards\">\n");
    out.push_str(&card(
        &format!("Well established by month {}", s.months),
        &pct(w.share),
        &format!("95% interval {} to {}", pct(w.ci_low), pct(w.ci_high)),
        &format!(
            "Share of the {} that reached well-established delivery at some point within {}.",
            counted(s.rollouts, "simulated initiative", "simulated initiatives"),
            words::duration(s.months)
        ),
    ));
    out.push_str(&card(
        "Median time to well established",
        &median,
        if s.median_months_to_well_established.is_some() {
            "half of the initiatives got there by then"
        } else {
            "fewer than half got there in time"
        },
        "Months from the start until half of the simulated initiatives were well established.",
    ));
    out.push_str(&card(
        "Folded",
        &pct(s.folded.share),
        &format!(
            "95% interval {} to {}",
            pct(s.folded.ci_low),
            pct(s.folded.ci_high)
        ),
        &format!("Share that stopped altogether by month {}.", s.months),
    ));
    out.push_str("</div>\n");
    out
}

/// `n` things with the noun in the right number: "1 simulated run", "10,000 simulated runs".
fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

const INTERVALS: &str = "Each figure comes from many simulated runs of the same initiative, each meeting different chance events (staff leaving, funding decisions, reorganisations). The 95% interval says how precisely these runs pin the figure down: in 95 of 100 such sets of runs, the interval would contain the figure that unlimited runs of the same model give. Narrow means precise. It says nothing about whether the model itself is right; the model's evidence is the NFER study of 30 initiatives (Atkinson et al. 2002).";

/// "What stopped the rest" for one summary.
fn stopped(s: &Summary) -> String {
    let not = 1.0 - s.well_established.share;
    let mut out = format!(
        "<p>{} of the simulated initiatives did not become well established within {}. This section shows where they stood at the end, why some stopped, and what got in the way.</p>\n",
        pct(not),
        words::duration(s.months)
    );
    writeln!(
        out,
        "<h3>Where the initiatives stood at month {}</h3>",
        s.months
    )
    .expect("write to string");
    out.push_str("<p class=\"note\">An initiative that became well established can slip back a stage later (for example when a key person leaves or money falls away), so the share well established at the end can be below the share that ever got there.</p>\n");
    let rows = Stage::ALL.iter().map(|st| {
        let label = Cell::Raw(format!(
            "{}{}",
            swatch(&stage_css(*st)),
            esc(&capitalise(words::stage(*st)))
        ));
        ShareRow::new(
            vec![label],
            share_of(&s.stage_at_horizon.0, st.key()),
            stage_css(*st),
        )
    });
    out.push_str(&share_table(&["Stage"], "Share", rows));

    out.push_str("<h3>Why some folded</h3>\n");
    if s.folded.share == 0.0 {
        if s.rollouts == 1 {
            out.push_str("<p>The simulated initiative did not fold.</p>\n");
        } else {
            writeln!(
                out,
                "<p>None of the {} simulated initiatives folded.</p>",
                thousands(s.rollouts)
            )
            .expect("write to string");
        }
    } else {
        writeln!(
            out,
            "<p>{} folded. The reasons, as shares of all the simulated initiatives:</p>",
            pct(s.folded.share)
        )
        .expect("write to string");
        let rows = FoldCause::ALL.iter().map(|c| {
            let label = Cell::Text(capitalise(words::fold_cause(*c)));
            ShareRow::new(
                vec![label],
                share_of(&s.folded.causes.0, c.key()),
                "#8a8a8a",
            )
        });
        out.push_str(&share_table(&["Reason"], "Share", rows));
    }

    out.push_str("<h3>Challenges met along the way</h3>\n<p>The seven challenges NFER interviewees named (Table 6.1), and how often a simulated initiative met each at least once, most common first.</p>\n");
    let mut challenges: Vec<(ChallengeKind, f64)> = ChallengeKind::ALL
        .iter()
        .map(|c| (*c, share_of(&s.challenges.0, c.key())))
        .collect();
    challenges.sort_by(|a, b| b.1.total_cmp(&a.1));
    let rows = challenges.iter().map(|(c, share)| {
        let (name, what) = words::challenge(*c);
        let labels = vec![Cell::Text(name.into()), Cell::Text(what.into())];
        ShareRow::new(labels, *share, "#1f6fb4")
    });
    out.push_str(&share_table(&["Challenge", "What it covers"], "Met", rows));

    out.push_str(&held_at_gate(s));
    out.push_str("<h3>What slowed progress most</h3>\n<p>Each month, the pace of progress is set by the weakest of the nine key factors NFER interviewees named (Table 7.1). This is how often each factor was the weakest, as a share of all simulated months. A factor sets the pace only: where progress is complete and a gate is closed (above), the gate is what holds the initiative back.</p>\n");
    let mut factors: Vec<(Factor, f64)> = Factor::ALL
        .iter()
        .map(|f| (*f, share_of(&s.binding_factors.0, f.key())))
        .collect();
    factors.sort_by(|a, b| b.1.total_cmp(&a.1));
    if let Some((top, share)) = factors.first() {
        writeln!(
            out,
            "<p class=\"callout\">Most often the weakest factor: <strong>{}</strong>, in {} of months.</p>",
            esc(words::factor(*top)),
            pct(*share)
        )
        .expect("write to string");
    }
    let rows = factors.iter().map(|(f, share)| {
        let label = Cell::Text(capitalise(words::factor(*f)));
        ShareRow::new(vec![label], *share, "#5b636b")
    });
    out.push_str(&share_table(&["Key factor"], "Weakest in", rows));
    out
}

/// Months spent waiting at a closed gate, by stage: the months the weakest factor cannot explain,
/// since progress was already complete.
fn held_at_gate(s: &Summary) -> String {
    let mut gates: Vec<(Stage, f64)> = Stage::ALL[..Stage::GATED]
        .iter()
        .map(|st| (*st, share_of(&s.held_at_gate.0, st.key())))
        .collect();
    let total: f64 = gates.iter().map(|(_, share)| share).sum();
    let mut out = String::from("<h3>Held at a gate</h3>\n");
    if total == 0.0 {
        out.push_str("<p>No simulated initiative ever waited at a gate with its progress complete: each stage was left as soon as its work was done.</p>\n");
        return out;
    }
    gates.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (top, share) = gates[0];
    writeln!(
        out,
        "<p>A stage is left when its progress is complete <em>and</em> its gate is open. In {} of all simulated months, progress was complete but the gate was closed.</p>\n<p class=\"callout\">Most often held at the gate out of <strong>{}</strong> ({} of months), which waits for {}.</p>",
        pct(total),
        esc(words::stage(top)),
        pct(share),
        esc(top.gate())
    )
    .expect("write to string");
    let rows = gates
        .iter()
        .filter(|(_, share)| *share > 0.0)
        .map(|(st, share)| {
            let labels = vec![
                Cell::Text(capitalise(words::stage(*st))),
                Cell::Text(st.gate().to_string()),
            ];
            ShareRow::new(labels, *share, "#5b636b")
        });
    out.push_str(&share_table(
        &["Stage", "Its gate waits for"],
        "Held in",
        rows,
    ));
    out
}

/// One row of a [`share_table`]: its label cells, the share (0 to 1) and the bar's colour.
struct ShareRow {
    labels: Vec<Cell>,
    share: f64,
    colour: String,
}

impl ShareRow {
    fn new(labels: Vec<Cell>, share: f64, colour: impl Into<String>) -> ShareRow {
        ShareRow {
            labels,
            share,
            colour: colour.into(),
        }
    }
}

/// The run report's tables of shares (stages, fold causes, challenges, gates, factors) share one
/// layout: label columns, the share as a percentage under `share_head`, and a bar of it.
fn share_table(labels: &[&str], share_head: &str, rows: impl Iterator<Item = ShareRow>) -> String {
    let mut head: Vec<Cell> = labels.iter().map(|l| Cell::Text(l.to_string())).collect();
    head.push(Cell::Num(share_head.into()));
    head.push(Cell::Text(String::new()));
    let rows: Vec<Vec<Cell>> = rows
        .map(|r| {
            let mut cells = r.labels;
            cells.push(Cell::Num(pct(r.share)));
            cells.push(Cell::Raw(bar(r.share, &r.colour, 180)));
            cells
        })
        .collect();
    table(&head, &rows)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn resolved(s: &Scenario, title: &str) -> String {
    format!(
        "<details><summary>{}</summary>\n<p class=\"note\">Every setting the simulation used, defaults included, as <code>partnersim check</code> prints it.</p>\n<pre>{}</pre>\n</details>\n",
        esc(title),
        esc(&s.to_toml())
    )
}

fn footer(p: &Provenance, seed: u64, rollouts: u64) -> String {
    format!(
        "<footer>Made by partnersim {} (commit {}) with {} and seed {}: the same command gives the same numbers.<br>Command: <code>{}</code><br>Model evidence: Atkinson, Wilkin, Stott, Doherty and Kinder (2002), <em>Multi-agency working: a detailed study</em>, NFER.</footer>\n",
        esc(p.version),
        esc(p.git_commit),
        counted(rollouts, "rollout", "rollouts"),
        seed,
        esc(p.command)
    )
}

/// `report.html` of `partnersim run`.
pub fn run_report(
    scenario: &Scenario,
    summary: &Summary,
    provenance: &Provenance,
) -> Result<String, PlotError> {
    let s = summary;
    let mut body = header(
        "partnersim report",
        &scenario.name,
        &format!(
            "What happened in {} of this initiative over {}.",
            counted(s.rollouts, "simulated run", "simulated runs"),
            words::duration(s.months)
        ),
    );
    body.push_str("<h2>The scenario in plain words</h2>\n");
    body.push_str(&plain_words(scenario));
    body.push_str("<h2>The headline</h2>\n");
    body.push_str(&headline_cards(s));
    writeln!(body, "<p class=\"note\">{}</p>", esc(INTERVALS)).expect("write to string");

    body.push_str("<h2>Charts</h2>\n");
    let captions = [
        (
            "Share well established by month",
            "The line is the share of simulated initiatives that had become well established by each month; the shaded band is its 95% interval.",
        ),
        (
            "Stage by month",
            "Where the simulated initiatives stood each month, from idea (top) to well established and folded (bottom).",
        ),
        (
            "Challenges met",
            "How often a simulated initiative met each challenge at least once.",
        ),
    ];
    for ((_, svg), (label, caption)) in plot::svgs(s)?.iter().zip(captions) {
        body.push_str(&figure(svg, label, caption));
    }

    body.push_str("<h2>What stopped the rest</h2>\n");
    body.push_str(&stopped(s));
    body.push_str("<h2>The full scenario</h2>\n");
    body.push_str(&resolved(scenario, "Show every setting of the scenario"));
    body.push_str(&footer(provenance, s.seed, s.rollouts));
    Ok(page(
        &format!("{}: partnersim report", scenario.name),
        &body,
    ))
}

/// A readable name for a metric key of `compare.json`.
fn metric_label(key: &str, months: u32) -> String {
    if key == "well_established" {
        return format!("Well established by month {months}");
    }
    if key == MEDIAN_KEY {
        return "Median months to well established".into();
    }
    for ind in Indicator::all() {
        if ind.key() == key {
            return match ind {
                Indicator::Folded => "Folded".into(),
                Indicator::Challenge(c) => format!("Challenge met: {}", words::challenge(c).0),
                Indicator::FoldCause(c) => format!("Folded because {}", words::fold_cause(c)),
                Indicator::WellEstablished => unreachable!("handled above"),
            };
        }
    }
    key.replace('_', " ")
}

/// An entry's value, difference and interval as text: shares in % and points, the median in
/// months.
fn entry_text(key: &str, e: &Entry) -> (String, String, String, String) {
    let median = key == MEDIAN_KEY;
    let value = |v: Option<f64>| match v {
        None if median => "not reached".to_string(),
        None => "n/a".to_string(),
        Some(x) if median => format!("{x:.0}"),
        Some(x) => pct(x),
    };
    let diff = |v: Option<f64>| match v {
        None => "unbounded".to_string(),
        Some(x) if median => months_diff(x),
        Some(x) => points(x),
    };
    let d = match e.difference {
        None => "n/a".to_string(),
        x => diff(x),
    };
    let ci = if e.difference.is_none() {
        "n/a".to_string()
    } else {
        format!("{} to {}", diff(e.ci_low), diff(e.ci_high))
    };
    (value(e.a), value(e.b), d, ci)
}

/// Whether an interval excludes zero. A missing end is unbounded on its side, so an interval
/// with one known end is clear when that end already excludes zero; `None` only when the
/// difference itself is undefined or neither end is known.
fn clear(e: &Entry) -> Option<bool> {
    e.difference?;
    match (e.ci_low, e.ci_high) {
        (Some(lo), Some(hi)) => Some(lo > 0.0 || hi < 0.0),
        (Some(lo), None) => Some(lo > 0.0),
        (None, Some(hi)) => Some(hi < 0.0),
        (None, None) => None,
    }
}

/// The caveat for scenarios whose draws go to other agencies, posts or streams than the first's
/// (`Compared::draws_matched`): a reader told "same chance events" would otherwise take their
/// intervals to be as narrow as pairing makes them. Empty when every scenario's are matched.
fn unmatched_note(c: &Comparison) -> String {
    let names: Vec<String> = c
        .scenarios
        .iter()
        .filter(|s| !s.draws_matched)
        .map(|s| esc(&s.name))
        .collect();
    if names.is_empty() {
        return String::new();
    }
    let (has, its, their) = if names.len() == 1 {
        ("has", "its", "Its")
    } else {
        ("have", "their", "Their")
    };
    format!(
        " But {} {has} a different number of agencies, posts or funding streams than {}, or posts in other agencies: {its} staff departures and appointments, budget pressures, contacts or funding renewals are drawn in another order and are not matched with {}'s (challenges and chance milestones still are). {their} intervals remain valid but are less narrowed by the pairing.",
        words::list(&names),
        esc(&c.scenarios[0].name),
        esc(&c.scenarios[0].name)
    )
}

/// A plain sentence per alternative: the change in the share well established, in the median
/// time, and the largest clear change in a challenge.
fn finding(c: &Comparison, j: usize) -> String {
    let first = &c.scenarios[0].summary;
    let name = &c.scenarios[j].name;
    let mut out = format!("<div class=\"finding\"><strong>{}</strong> ", esc(name));
    let e = |key: &str| c.metric(key).map(|m| &m.entries[j - 1]);
    if let Some(w) = e("well_established")
        && let (Some(a), Some(b), Some(d), Some(lo), Some(hi)) =
            (w.a, w.b, w.difference, w.ci_low, w.ci_high)
    {
        let what = format!("the share well established by month {}", first.months);
        if clear(w) == Some(true) {
            let (verb, class) = if d > 0.0 {
                ("raises", "up")
            } else {
                ("lowers", "down")
            };
            write!(
                out,
                "<strong class=\"{class}\">{verb}</strong> {what} from {} to {}: {} percentage points (95% interval {} to {}).",
                pct(a),
                pct(b),
                points(d),
                points(lo),
                points(hi)
            )
            .expect("write to string");
        } else {
            write!(
                out,
                "makes no clear difference to {what}: {} against {} ({} points, 95% interval {} to {}).",
                pct(b),
                pct(a),
                points(d),
                points(lo),
                points(hi)
            )
            .expect("write to string");
        }
    }
    if let Some(m) = e(MEDIAN_KEY) {
        match (m.a, m.b, m.difference) {
            (Some(a), Some(b), Some(d)) => {
                let ci = match (m.ci_low, m.ci_high) {
                    (Some(lo), Some(hi)) if lo == hi => {
                        " (95% interval: exactly that; medians are whole months)".to_string()
                    }
                    (Some(lo), Some(hi)) => format!(" (95% interval {})", months_range(lo, hi)),
                    // One end unbounded: say what the known end rules out.
                    (None, Some(hi)) if hi < 0.0 => {
                        format!(" (95% interval: at least {})", sooner_later(hi))
                    }
                    (Some(lo), None) if lo > 0.0 => {
                        format!(" (95% interval: at least {})", sooner_later(lo))
                    }
                    _ => " (95% interval unbounded)".to_string(),
                };
                let change = sooner_later(d);
                write!(
                    out,
                    " Half were well established by month {b:.0} instead of month {a:.0}: {change}{ci}.",
                )
                .expect("write to string");
            }
            (Some(a), None, _) => write!(
                out,
                " Fewer than half became well established in time, against half by month {a:.0}."
            )
            .expect("write to string"),
            (None, Some(b), _) => write!(
                out,
                " Half were well established by month {b:.0}, where fewer than half of {} were in time.",
                esc(&c.scenarios[0].name)
            )
            .expect("write to string"),
            _ => {}
        }
    }
    // The largest clear change in a challenge.
    let mut biggest: Option<(ChallengeKind, &Entry)> = None;
    for kind in ChallengeKind::ALL {
        if let Some(x) = e(&Indicator::Challenge(*kind).key())
            && clear(x) == Some(true)
            && biggest.is_none_or(|(_, y)| {
                x.difference.unwrap_or(0.0).abs() > y.difference.unwrap_or(0.0).abs()
            })
        {
            biggest = Some((*kind, x));
        }
    }
    if let Some((kind, x)) = biggest
        && let (Some(a), Some(b)) = (x.a, x.b)
        && (b - a).abs() >= 0.005
    {
        write!(
            out,
            " Biggest change along the way: {} met in {} instead of {} of initiatives.",
            esc(&words::challenge(kind).0.to_lowercase()),
            pct(b),
            pct(a)
        )
        .expect("write to string");
    }
    out.push_str("</div>\n");
    out
}

/// "4 months sooner", "1 month later", "no sooner or later".
fn sooner_later(d: f64) -> String {
    let n = d.abs().round();
    let unit = if n == 1.0 { "month" } else { "months" };
    match d {
        d if d < 0.0 => format!("{n:.0} {unit} sooner"),
        d if d > 0.0 => format!("{n:.0} {unit} later"),
        _ => "no sooner or later".to_string(),
    }
}

/// An interval of month differences in words: "7 to 8 months sooner", "2 months sooner to 1
/// month later".
fn months_range(lo: f64, hi: f64) -> String {
    if hi < 0.0 {
        format!("{:.0} to {:.0} months sooner", -hi, -lo)
    } else if lo > 0.0 {
        format!("{lo:.0} to {hi:.0} months later")
    } else {
        // An end at zero reads "no change", not "no sooner or later".
        let end = |x: f64| {
            if x == 0.0 {
                "no change".to_string()
            } else {
                sooner_later(x)
            }
        };
        format!("{} to {}", end(lo), end(hi))
    }
}

/// A table with one row per item and one column per scenario, values as shares.
fn per_scenario_table(
    c: &Comparison,
    first_col: &str,
    items: &[(String, Vec<f64>)],
    with_bars: bool,
) -> String {
    let bars = with_bars && c.scenarios.len() <= 3;
    let mut head = vec![Cell::Text(first_col.into())];
    for (j, s) in c.scenarios.iter().enumerate() {
        head.push(Cell::Raw(format!(
            "<span style=\"float:{}\">{}{}</span>",
            if bars { "left" } else { "right" },
            swatch(&css_colour(j)),
            esc(&s.name)
        )));
    }
    let rows: Vec<Vec<Cell>> = items
        .iter()
        .map(|(label, values)| {
            let mut row = vec![Cell::Text(label.clone())];
            for (j, v) in values.iter().enumerate() {
                if bars {
                    row.push(Cell::Raw(format!(
                        "{} <span style=\"font-variant-numeric:tabular-nums\">{}</span>",
                        bar(*v, &css_colour(j), 90),
                        esc(&pct(*v))
                    )));
                } else {
                    row.push(Cell::Num(pct(*v)));
                }
            }
            row
        })
        .collect();
    table(&head, &rows)
}

/// `report.html` of `partnersim compare`.
pub fn compare_report(
    scenarios: &[(Scenario, String)],
    c: &Comparison,
    provenance: &Provenance,
) -> Result<String, PlotError> {
    let first = &c.scenarios[0];
    let months = first.summary.months;
    let label = c.label();
    let runs = counted(c.rollouts, "simulated run", "simulated runs");
    let times = if c.rollouts == 1 {
        "once".to_string()
    } else {
        format!("{} times", thousands(c.rollouts))
    };
    let mut body = header(
        "partnersim what-if comparison",
        &label,
        &format!(
            "What changes when one thing changes: {} of each scenario over {}, compared with {}.",
            runs,
            words::duration(months),
            first.name
        ),
    );
    let pairing = match c.pairing {
        Pairing::Common => format!(
            "Each scenario was simulated {times} with the <strong>same chance events</strong>: run 1 of every scenario meets the same staff departures, funding decisions, reorganisations and challenges as run 1 of the others, except where the change itself alters them. Differences therefore come from the change, not from luck, and are measured far more precisely than by comparing separate runs. Intervals of differences are paired 95% intervals.{}",
            unmatched_note(c)
        ),
        Pairing::Independent => format!(
            "Each scenario was simulated {times} with its <strong>own, unrelated chance events</strong> (<code>--independent</code>). Differences mix the effect of the change with luck, so their intervals are wider than with common chance events; run without <code>--independent</code> to narrow them."
        ),
    };
    writeln!(body, "<p class=\"callout\">{pairing}</p>").expect("write to string");

    body.push_str("<h2>The findings</h2>\n");
    for j in 1..c.scenarios.len() {
        body.push_str(&finding(c, j));
    }
    body.push_str("<h3>Headline numbers</h3>\n");
    let mut rows = Vec::new();
    for (j, s) in c.scenarios.iter().enumerate() {
        let x = &s.summary;
        rows.push(vec![
            Cell::Raw(format!("{}{}", swatch(&css_colour(j)), esc(&s.name))),
            Cell::Num(pct(x.well_established.share)),
            Cell::Num(format!(
                "{} to {}",
                pct(x.well_established.ci_low),
                pct(x.well_established.ci_high)
            )),
            Cell::Num(
                x.median_months_to_well_established
                    .map_or("not reached".into(), |m| m.to_string()),
            ),
            Cell::Num(pct(x.folded.share)),
        ]);
    }
    body.push_str(&table(
        &[
            Cell::Text("Scenario".into()),
            Cell::Num(format!("Well established by month {months}")),
            Cell::Num("95% interval".into()),
            Cell::Num("Median months".into()),
            Cell::Num("Folded".into()),
        ],
        &rows,
    ));
    writeln!(
        body,
        "<h3>Differences from {}</h3>\n<p class=\"note\">Percentage points for shares, months for the median time. A difference is clear when its 95% interval does not include zero.</p>",
        esc(&first.name)
    )
    .expect("write to string");
    let mut rows = Vec::new();
    for key in ["well_established", MEDIAN_KEY, "folded"] {
        if let Some(m) = c.metric(key) {
            for (j, e) in m.entries.iter().enumerate() {
                let (_, _, d, ci) = entry_text(key, e);
                rows.push(vec![
                    Cell::Text(metric_label(key, months)),
                    Cell::Raw(format!(
                        "<span class=\"nowrap\">{}{}</span>",
                        swatch(&css_colour(j + 1)),
                        esc(&e.scenario)
                    )),
                    Cell::Num(d),
                    Cell::Num(ci),
                    Cell::Text(match (clear(e), e.ci_low, e.ci_high) {
                        (Some(true), _, _) => "yes".into(),
                        // For a share, a [0, 0] paired interval means no rollout's outcome
                        // changed; a resampled median can stay put while runs change.
                        (_, Some(lo), Some(hi)) if lo == 0.0 && hi == 0.0 && key != MEDIAN_KEY => {
                            "no change in any run".into()
                        }
                        (Some(false), _, _) => "no: it could be zero".into(),
                        _ if key == MEDIAN_KEY && (e.a.is_none() || e.b.is_none()) => {
                            "fewer than half got there".into()
                        }
                        _ if key == MEDIAN_KEY => "no: the interval is unbounded".into(),
                        _ => "n/a".into(),
                    }),
                ]);
            }
        }
    }
    body.push_str(&table(
        &[
            Cell::Text("Measure".into()),
            Cell::Text("Scenario".into()),
            Cell::Num("Difference".into()),
            Cell::Num("95% interval".into()),
            Cell::Text("Clear?".into()),
        ],
        &rows,
    ));
    writeln!(body, "<p class=\"note\">{}</p>", esc(INTERVALS)).expect("write to string");

    body.push_str("<h2>The scenarios</h2>\n");
    writeln!(body, "<h3>{} (the baseline)</h3>", esc(&first.name)).expect("write to string");
    body.push_str(&plain_words(&scenarios[0].0));
    for (j, (s, file)) in scenarios.iter().enumerate().skip(1) {
        writeln!(
            body,
            "<h3>{}{}</h3>\n<p>{}</p>",
            swatch(&css_colour(j)),
            esc(&s.name),
            esc(if s.description.is_empty() {
                file
            } else {
                &s.description
            })
        )
        .expect("write to string");
        let diffs = words::differences(&scenarios[0].0, s);
        if diffs.is_empty() {
            writeln!(body, "<p>No setting differs from {}.</p>", esc(&first.name))
                .expect("write to string");
        } else {
            let rows: Vec<Vec<Cell>> = diffs
                .into_iter()
                .map(|(k, a, b)| vec![Cell::Text(k), Cell::Text(a), Cell::Text(b)])
                .collect();
            body.push_str(&table(
                &[
                    Cell::Text("What changes".into()),
                    Cell::Text(format!("In {}", first.name)),
                    Cell::Text(format!("In {}", s.name)),
                ],
                &rows,
            ));
        }
    }

    body.push_str("<h2>Charts</h2>\n");
    let summaries: Vec<&Summary> = c.scenarios.iter().map(|x| &x.summary).collect();
    let captions = [
        (
            "Share well established by month, per scenario",
            "Each line is the share of a scenario's simulated initiatives that had become well established by each month; shaded bands are 95% intervals.",
        ),
        (
            "Stage at the horizon, per scenario",
            "Where each scenario's simulated initiatives stood at the end.",
        ),
        (
            "Challenges met, per scenario",
            "How often a simulated initiative met each challenge at least once, per scenario.",
        ),
    ];
    let svgs = plot::compare_svgs(Scenarios {
        summaries: &summaries,
        label: &label,
    })?;
    for ((_, svg), (l, caption)) in svgs.iter().zip(captions) {
        body.push_str(&figure(svg, l, caption));
    }

    body.push_str("<h2>What stopped the rest</h2>\n");
    let stage_rows: Vec<(String, Vec<f64>)> = Stage::ALL
        .iter()
        .map(|st| {
            (
                capitalise(words::stage(*st)),
                summaries
                    .iter()
                    .map(|x| share_of(&x.stage_at_horizon.0, st.key()))
                    .collect(),
            )
        })
        .collect();
    writeln!(body, "<h3>Where the initiatives stood at the end</h3>").expect("write to string");
    body.push_str(&per_scenario_table(c, "Stage", &stage_rows, false));
    body.push_str("<h3>Why some folded</h3>\n");
    if summaries.iter().all(|x| x.folded.share == 0.0) {
        body.push_str("<p>No simulated initiative folded in any scenario.</p>\n");
    } else {
        let rows: Vec<(String, Vec<f64>)> = std::iter::once((
            "Folded, for any reason".to_string(),
            summaries.iter().map(|x| x.folded.share).collect(),
        ))
        .chain(FoldCause::ALL.iter().map(|cause| {
            (
                capitalise(words::fold_cause(*cause)),
                summaries
                    .iter()
                    .map(|x| share_of(&x.folded.causes.0, cause.key()))
                    .collect(),
            )
        }))
        .collect();
        body.push_str(&per_scenario_table(c, "Reason", &rows, false));
    }
    body.push_str("<h3>Challenges met along the way</h3>\n");
    let rows: Vec<(String, Vec<f64>)> = ChallengeKind::ALL
        .iter()
        .map(|k| {
            (
                words::challenge(*k).0.to_string(),
                summaries
                    .iter()
                    .map(|x| share_of(&x.challenges.0, k.key()))
                    .collect(),
            )
        })
        .collect();
    body.push_str(&per_scenario_table(c, "Challenge", &rows, true));
    body.push_str("<h3>Held at a gate</h3>\n<p>Share of simulated months that ended with the stage's progress complete but its gate closed, by the stage waited in: what held the initiative back then was the gate, whatever the factors.</p>\n");
    let rows: Vec<(String, Vec<f64>)> = Stage::ALL[..Stage::GATED]
        .iter()
        .map(|st| {
            (
                format!(
                    "{} (waits for {})",
                    capitalise(words::stage(*st)),
                    st.gate()
                ),
                summaries
                    .iter()
                    .map(|x| share_of(&x.held_at_gate.0, st.key()))
                    .collect(),
            )
        })
        .collect();
    body.push_str(&per_scenario_table(c, "Stage", &rows, false));
    body.push_str("<h3>What slowed progress most</h3>\n<p>Share of simulated months in which each of the nine key factors (NFER Table 7.1) was the weakest, setting the pace of progress.</p>\n");
    let rows: Vec<(String, Vec<f64>)> = Factor::ALL
        .iter()
        .map(|f| {
            (
                capitalise(words::factor(*f)),
                summaries
                    .iter()
                    .map(|x| share_of(&x.binding_factors.0, f.key()))
                    .collect(),
            )
        })
        .collect();
    body.push_str(&per_scenario_table(c, "Key factor", &rows, false));

    body.push_str("<h2>Every measure</h2>\n");
    let methods = c.methods();
    writeln!(
        body,
        "<p class=\"note\">Intervals of differences in shares: {}. Interval of the difference in median months: {}. Both at 95%.</p>",
        esc(methods.shares),
        esc(methods.median)
    )
    .expect("write to string");
    let mut rows = Vec::new();
    for m in &c.metrics {
        for e in &m.entries {
            let (a, b, d, ci) = entry_text(&m.key, e);
            rows.push(vec![
                Cell::Text(metric_label(&m.key, months)),
                Cell::NoWrap(e.scenario.clone()),
                Cell::Num(a),
                Cell::Num(b),
                Cell::Num(d),
                Cell::Num(ci),
            ]);
        }
    }
    body.push_str(&table(
        &[
            Cell::Text("Measure".into()),
            Cell::Text("Alternative".into()),
            Cell::Num(format!("In {}", first.name)),
            Cell::Num("With the alternative".into()),
            Cell::Num("Difference".into()),
            Cell::Num("95% interval".into()),
        ],
        &rows,
    ));

    body.push_str("<h2>The full scenarios</h2>\n");
    for (s, file) in scenarios {
        body.push_str(&resolved(
            s,
            &format!("Show every setting of {} ({file})", s.name),
        ));
    }
    body.push_str(&footer(provenance, c.seed, c.rollouts));
    Ok(page(
        &format!("{label}: partnersim what-if comparison"),
        &body,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(difference: Option<f64>, lo: Option<f64>, hi: Option<f64>) -> Entry {
        Entry {
            scenario: "b".into(),
            a: Some(65.0),
            b: Some(57.0),
            difference,
            ci_low: lo,
            ci_high: hi,
        }
    }

    /// A missing end is unbounded on its side only: the known end can still exclude zero.
    #[test]
    fn an_interval_with_one_end_can_be_clear() {
        assert_eq!(clear(&entry(Some(-8.0), None, Some(-6.0))), Some(true));
        assert_eq!(clear(&entry(Some(-8.0), None, Some(1.0))), Some(false));
        assert_eq!(clear(&entry(Some(3.0), Some(2.0), None)), Some(true));
        assert_eq!(clear(&entry(Some(3.0), Some(-1.0), None)), Some(false));
        assert_eq!(clear(&entry(Some(0.0), None, None)), None);
        assert_eq!(clear(&entry(None, None, None)), None);
        assert_eq!(
            clear(&entry(Some(-8.0), Some(-9.0), Some(-6.0))),
            Some(true)
        );
    }

    #[test]
    fn month_intervals_read_plainly() {
        assert_eq!(months_range(-8.0, -7.0), "7 to 8 months sooner");
        assert_eq!(months_range(-3.0, 0.0), "3 months sooner to no change");
        assert_eq!(months_range(-1.0, 2.0), "1 month sooner to 2 months later");
    }

    #[test]
    fn counts_take_the_right_number() {
        assert_eq!(counted(1, "rollout", "rollouts"), "1 rollout");
        assert_eq!(counted(10_000, "rollout", "rollouts"), "10,000 rollouts");
    }
}
