//! Month-by-month history of one rollout: exactly the rollout `run` simulates with the same
//! seed and index, with every event, so a user can see why it folded or stalled.

use std::fmt::Write;

use crate::engine::{Outcome, simulate, streams_for};
use crate::model::observe::SetbackCause;
use crate::model::{Event, FoldCause, Observer, Setup, State};
use crate::scenario::Scenario;

/// Output format of a trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TraceFormat {
    /// A readable log: one line a month, events indented beneath.
    Text,
    /// One row a month; events joined by `;` in the last column.
    Csv,
}

/// Collects one row per month and the events between rows.
struct Recorder<'a> {
    agencies: &'a [String],
    streams: &'a [String],
    format: TraceFormat,
    events: Vec<String>,
    /// The month's fold, held back from `events` so that the text tells it after the clocks that
    /// ran out (cause, then consequence), wherever it falls among the month's events.
    folded: Option<String>,
    out: String,
}

impl Recorder<'_> {
    fn describe(&self, e: &Event) -> String {
        let agency = |a: u8| self.agencies.get(a as usize).map_or("?", String::as_str);
        let stream = |s: u8| self.streams.get(s as usize).map_or("?", String::as_str);
        match *e {
            Event::Departure {
                agency: a,
                level,
                key,
                ..
            } => {
                format!(
                    "departure: {} {}{}",
                    agency(a),
                    level.key(),
                    if key { " (key post)" } else { "" }
                )
            }
            Event::Appointment {
                agency: a,
                level,
                key,
                hybrid,
                ..
            } => format!(
                "appointment: {} {}{}{}",
                agency(a),
                level.key(),
                if key { " (key post)" } else { "" },
                if hybrid { ", hybrid professional" } else { "" }
            ),
            Event::FundingRenewed { stream: s } => format!("funding renewed: {}", stream(s)),
            Event::FundingMainstreamed { stream: s } => {
                format!("funding mainstreamed: {}", stream(s))
            }
            Event::FundingEnded { stream: s } => format!("funding ended: {}", stream(s)),
            Event::FundingStarted { stream: s } => format!("funding started: {}", stream(s)),
            Event::Reorganisation => "reorganisation".into(),
            Event::ChallengeRaised {
                kind,
                agency: a,
                level,
                severity,
            } => {
                format!(
                    // The level is the challenge's (Table 6.1), not a post's: the agency that
                    // feels it most may have nobody at that level.
                    "challenge raised: {} ({} {}-level challenge, felt most by {}, severity {severity:.2})",
                    kind.key(),
                    if level.key().starts_with(['a', 'e', 'i', 'o', 'u']) {
                        "an"
                    } else {
                        "a"
                    },
                    level.key(),
                    agency(a)
                )
            }
            Event::ChallengeResolved { kind, agency: a } => {
                format!("challenge resolved: {} ({})", kind.key(), agency(a))
            }
            Event::Advanced { to } => format!("advanced to {}", to.key()),
            Event::Setback { to, cause } => match cause {
                SetbackCause::KeyPersonLost => {
                    format!("setback (key person lost): now {}", to.key())
                }
                SetbackCause::FundingCliff => format!("setback (funding cliff): now {}", to.key()),
            },
            Event::Folded { cause } => format!("FOLDED: {}", cause.key()),
        }
    }
}

impl Observer for Recorder<'_> {
    fn event(&mut self, _month: u32, event: Event) {
        let text = self.describe(&event);
        if matches!(event, Event::Folded { .. }) && self.format == TraceFormat::Text {
            self.folded = Some(text);
        } else {
            self.events.push(text);
        }
    }

    fn month_end(&mut self, setup: &Setup, st: &State) {
        let n = setup.n_agencies;
        let trust = st.trust[..setup.n_pairs].iter().sum::<f64>() / setup.n_pairs as f64;
        let vacant = (0..setup.n_posts).filter(|&p| !st.filled[p]).count();
        let active: Vec<&str> = crate::model::ChallengeKind::ALL
            .iter()
            .filter(|k| st.challenge_active[k.index()])
            .map(|k| k.key())
            .collect();
        match self.format {
            TraceFormat::Text => {
                let commitments: Vec<String> = (0..n)
                    .map(|a| format!("{} {:.2}", self.agencies[a], st.commitment[a]))
                    .collect();
                writeln!(
                    self.out,
                    "month {:>3}  {:<19} progress {:.2}  readiness {:.2} (lowest: {})  money/need {:.2}  trust {:.2}  vacant {}  commitment [{}]  challenges [{}]",
                    st.month,
                    st.stage.key(),
                    st.progress,
                    st.readiness,
                    st.binding.key(),
                    st.adequacy,
                    trust,
                    vacant,
                    commitments.join(", "),
                    active.join(", ")
                )
                .expect("write to string");
                for e in self.events.drain(..) {
                    writeln!(self.out, "           - {e}").expect("write to string");
                }
                if st.held_at_gate() {
                    writeln!(
                        self.out,
                        "           = held at the gate: {} waits for {}",
                        st.stage.key(),
                        st.stage.gate()
                    )
                    .expect("write to string");
                }
                for risk in fold_risks(setup, st, self.agencies) {
                    writeln!(self.out, "           ! fold risk: {risk}").expect("write to string");
                }
                if let Some(e) = self.folded.take() {
                    writeln!(self.out, "           - {e}").expect("write to string");
                }
            }
            TraceFormat::Csv => {
                let mut row = format!(
                    "{},{},{},{},{},{},{},{},{}",
                    st.month,
                    st.stage.key(),
                    st.progress,
                    st.readiness,
                    st.binding.key(),
                    st.adequacy,
                    trust,
                    vacant,
                    u8::from(st.held_at_gate())
                );
                for a in 0..n {
                    write!(row, ",{}", st.commitment[a]).expect("write to string");
                }
                write!(
                    row,
                    ",{},{}",
                    csv_field(&active.join(";")),
                    csv_field(&self.events.join(";"))
                )
                .expect("write to string");
                self.events.clear();
                writeln!(self.out, "{row}").expect("write to string");
            }
        }
    }
}

/// The folding clocks that are running at the end of a month, in words: which floor a value is
/// below, and for how many of the months that fold the initiative (MODEL.md §3.7).
fn fold_risks(setup: &Setup, st: &State, agencies: &[String]) -> Vec<String> {
    let fp = &setup.params.folding;
    let name = |a: usize| agencies.get(a).map_or("?", String::as_str);
    let mut risks = Vec::new();
    if st.low_lead > 0 {
        risks.push(format!(
            "lead agency {}'s commitment {:.3} is below its floor {} ({} of {} months)",
            name(setup.lead),
            st.commitment[setup.lead],
            fp.lead_commitment_floor,
            st.low_lead,
            fp.months
        ));
    }
    if st.low_funding > 0 {
        risks.push(format!(
            "money/need (funding adequacy) {:.3} is below its floor {} ({} of {} months)",
            st.funding_factor, fp.funding_floor, st.low_funding, fp.months
        ));
    }
    if st.low_partner > 0 {
        let partners: Vec<String> = (0..setup.n_agencies)
            .filter(|&a| a != setup.lead && st.commitment[a] < fp.partner_commitment_floor)
            .map(|a| format!("{} {:.3}", name(a), st.commitment[a]))
            .collect();
        risks.push(format!(
            "partner commitment below its floor {} [{}] ({} of {} months)",
            fp.partner_commitment_floor,
            partners.join(", "),
            st.low_partner,
            fp.months
        ));
    }
    if st.key_vacant > 0 {
        risks.push(format!(
            "every key post is vacant ({} of {} months)",
            st.key_vacant, fp.key_staff_months
        ));
    }
    risks
}

/// Why a rollout folded, in words, from the scenario's folding parameters.
pub fn fold_reason(cause: FoldCause, setup: &Setup) -> String {
    let fp = &setup.params.folding;
    match cause {
        FoldCause::LeadCommitment => format!(
            "the lead agency's commitment stayed below its floor of {} for {} months in a row",
            fp.lead_commitment_floor, fp.months
        ),
        FoldCause::PartnerWithdrawal => format!(
            "a partner's commitment stayed below its floor of {} for {} months in a row",
            fp.partner_commitment_floor, fp.months
        ),
        FoldCause::Funding => format!(
            "funding adequacy stayed below its floor of {} for {} months in a row",
            fp.funding_floor, fp.months
        ),
        FoldCause::KeyStaff => format!(
            "every key post stood vacant for {} months in a row",
            fp.key_staff_months
        ),
    }
}

/// The history of rollout `index` of `scenario` under `seed`, and its outcome.
pub fn trace(scenario: &Scenario, seed: u64, index: u64, format: TraceFormat) -> (String, Outcome) {
    let setup = Setup::new(scenario);
    let agencies: Vec<String> = scenario.agencies.keys().cloned().collect();
    let streams: Vec<String> = scenario.funding.keys().cloned().collect();
    let mut rec = Recorder {
        agencies: &agencies,
        streams: &streams,
        format,
        events: Vec::new(),
        folded: None,
        out: String::new(),
    };
    if format == TraceFormat::Csv {
        let mut header = "month,stage,progress,readiness,binding_factor,funding_adequacy,mean_trust,vacant_posts,held_at_gate".to_string();
        for a in &agencies {
            write!(header, ",commitment_{a}").expect("write to string");
        }
        header.push_str(",active_challenges,events\n");
        rec.out.push_str(&header);
    } else {
        writeln!(
            rec.out,
            "{}: rollout {index}, seed {seed}, {} months",
            scenario.name, scenario.months
        )
        .expect("write to string");
    }
    let mut state = State::default();
    let mut rng = streams_for(seed, index);
    let outcome = simulate(&setup, &mut state, &mut rng, &mut rec);
    if format == TraceFormat::Text {
        let end = match outcome.fold {
            Some((cause, month)) => format!(
                "folded in month {month}: {} ({})",
                cause.key(),
                fold_reason(cause, &setup)
            ),
            None => format!(
                "stage at month {}: {}",
                outcome.months,
                outcome.final_stage.key()
            ),
        };
        let reached = outcome
            .reached_well_established
            .map_or("never well established".to_string(), |m| {
                format!("well established in month {m}")
            });
        writeln!(rec.out, "outcome: {end}; {reached}").expect("write to string");
    }
    (rec.out, outcome)
}

/// Quotes a CSV field when it holds a comma, quote or newline (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}
