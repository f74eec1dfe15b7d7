//! The virtual NFER study (MODEL.md §7; `docs/study.md`): the simulator observes its own
//! initiatives the way NFER observed real ones, and compares what it finds with the report.
//!
//! One replication:
//! 1. [`sample`]: 30 initiatives in the report's mix of models and agencies, each a rollout of
//!    its model's scenario that is delivering when visited at an age drawn from the design;
//! 2. [`observe`]: a [`observe::Recorder`] follows each rollout and keeps a record of the visit;
//! 3. [`sample::allocate`]: 139 interviews over agencies and levels (fewer when the initiatives
//!    have too few filled posts: [`Interviewed`] reports it);
//! 4. [`interview`]: each interviewee judges the stage and names rationales, challenges and key
//!    factors through the observation model;
//! 5. [`tabulate`](mod@tabulate): the answers become the report's tables.
//!
//! [`run`] repeats replications in parallel (results identical for any thread count: each
//! replication draws only from streams derived from `(seed, replication, …)` and results are
//! collected in replication order), then [`compare`] sets each published figure against the
//! simulated spread. [`calibrate`] searches model parameters so that the figures fit.

pub mod calibrate;
pub mod compare;
pub mod data;
pub mod interview;
pub mod observe;
pub mod sample;
pub mod tabulate;
pub mod vocab;

use rayon::prelude::*;
use serde::Serialize;

use crate::model::draw::uniform;
use crate::model::{MAX_POSTS, State};

pub use compare::{Breakdowns, FigureResult, RankAgreement, Verdict};
pub use data::{DataError, Published};
pub use interview::Observation;
pub use sample::{Design, Frame};
pub use tabulate::{Interview, Observed, Tables, tabulate};

use sample::{Purpose, allocate, slot_seed, stream};
use vocab::Composition;

/// Why a study could not be run.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    #[error(
        "the study needs a scenario of model {0}: pass one with --scenarios (the shipped one is scenarios/{0}.toml)"
    )]
    /// The design's model mix needs this model (its key), but no scenario of it was given.
    MissingModel(&'static str),
    #[error("more than one scenario of model {0} was given; the study takes one per model")]
    /// Two or more scenarios of this model (its key) were given; the frame takes one per model.
    DuplicateModel(&'static str),
    #[error(
        "scenario {scenario}: none of {attempts} rollouts was delivering when visited at {age_min} to {age_max} months; the study only visits initiatives that deliver, so widen the age range or check the scenario with `partnersim run`"
    )]
    /// No rollout of a scenario was delivering at its visit within `max_attempts` tries: the
    /// scenario rarely reaches delivery by the design's ages.
    NoDelivery {
        /// Name of the scenario that never delivered.
        scenario: String,
        /// Rollouts tried ([`Design::max_attempts`]).
        attempts: u32,
        /// Youngest visit age, months since the idea.
        age_min: u32,
        /// Oldest visit age, months since the idea.
        age_max: u32,
    },
    #[error("study design: {0}")]
    /// The design or the settings cannot be run (bad ages or counts, no replications, an agency
    /// mix the scenarios cannot take, a bad parameter path or value); the message says which.
    Design(String),
    #[error("figure {0:?} of the figures file is not one the study produces")]
    /// The figures file has an id (carried) that [`Tables::figure`] does not produce.
    UnknownFigure(String),
    #[error(transparent)]
    /// The figures file could not be parsed or checked.
    Data(#[from] DataError),
}

/// How many studies, under which seed, on how many threads (0 = all cores).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StudyConfig {
    /// Studies of 30 initiatives to run (`--replications`, default 200); at least 1. The 90%
    /// bands are taken over them.
    pub replications: u32,
    /// Master seed: with the replication index it derives every random stream, so that a study
    /// repeats exactly.
    pub seed: u64,
    /// Worker threads; results do not depend on it.
    pub threads: usize,
}

/// One replication of the study: what it observed, tabulated, and the rollouts it needed.
#[derive(Debug, Clone, PartialEq)]
pub struct Replication {
    /// The replication's tables: every figure's count in this replication is read from them.
    pub tables: Tables,
    /// Rollouts drawn to find 30 that were delivering when visited.
    pub attempts: u64,
}

impl Replication {
    /// People interviewed: the design's number, or fewer when the visited initiatives had too
    /// few filled posts ([`sample::allocate`]).
    pub fn interviewed(&self) -> u64 {
        self.tables.overall.interviewees
    }
}

/// How many people the replications interviewed, against the number the design asks for.
/// [`sample::allocate`] interviews only holders of filled posts, so a study whose initiatives
/// have fewer filled posts than that falls short; its interviewee counts are then out of fewer
/// people than the published ones, and the verdict says so.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interviewed {
    /// Interviews per replication the design asks for (NFER: 139).
    pub requested: u32,
    /// Fewest people interviewed in any one replication.
    pub fewest: u64,
    /// Mean people interviewed per replication.
    pub mean: f64,
    /// Replications that interviewed fewer than `requested` (0 when every one reached it).
    pub short_replications: u32,
}

impl Interviewed {
    /// Counts `replications` against the design's `requested` interviews.
    pub fn new(requested: u32, replications: &[Replication]) -> Self {
        let counts = replications.iter().map(Replication::interviewed);
        Interviewed {
            requested,
            fewest: counts.clone().min().unwrap_or(0),
            mean: counts.clone().sum::<u64>() as f64 / replications.len().max(1) as f64,
            short_replications: counts.filter(|&n| n < requested as u64).count() as u32,
        }
    }
}

/// Runs replication `rep` under `seed`.
pub fn replicate(
    frame: &Frame,
    obs: &Observation,
    seed: u64,
    rep: u64,
) -> Result<Replication, StudyError> {
    let mut design_rng = stream(seed, rep, u64::MAX, Purpose::Design);
    let assignment = frame.assign(&mut design_rng)?;
    let mut state = State::default();
    let mut records = Vec::with_capacity(assignment.len());
    let mut attempts = 0u64;
    for (j, &v) in assignment.iter().enumerate() {
        let mut ages = stream(seed, rep, j as u64, Purpose::Ages);
        let mut spread = stream(seed, rep, j as u64, Purpose::Spread);
        let (record, used) = frame.visit(
            v,
            slot_seed(seed, rep, j as u64),
            &mut ages,
            &mut spread,
            &mut state,
        )?;
        attempts += used as u64;
        records.push(record);
    }
    let priority: Vec<[f64; MAX_POSTS]> = (0..records.len())
        .map(|j| {
            let mut rng = stream(seed, rep, j as u64, Purpose::Allocation);
            std::array::from_fn(|_| uniform(&mut rng))
        })
        .collect();
    let people = allocate(&records, frame.design.interviews, &priority);
    let observed: Vec<Observed> = assignment
        .iter()
        .zip(&records)
        .zip(&people)
        .enumerate()
        .map(|(j, ((&v, record), who))| {
            let variant = &frame.variants[v];
            let mut rng = stream(seed, rep, j as u64, Purpose::Answers);
            Observed {
                model: variant.model,
                // The mix the sample reduced the scenario to, or, when it kept its own
                // agencies, the mix those make.
                composition: variant
                    .composition
                    .or_else(|| Composition::of(&variant.kinds)),
                agencies: variant.kinds.clone(),
                difficulties: record.difficulties,
                interviews: who
                    .iter()
                    .map(|w| Interview {
                        agency: variant.kinds[w.agency as usize],
                        level: w.level,
                        answers: interview::interview(
                            obs,
                            &variant.setup.params,
                            record,
                            w,
                            &mut rng,
                        ),
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(Replication {
        tables: tabulate(&observed),
        attempts,
    })
}

/// A finished study: every replication's tables and their comparison with the report.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyOutcome {
    /// Every replication, in replication order whatever the thread count.
    pub replications: Vec<Replication>,
    /// Each published figure against the replications, in figures-file order.
    pub figures: Vec<FigureResult>,
    /// Spearman's rank agreement of Tables 2.1, 6.1 and 7.1.
    pub rank_agreement: RankAgreement,
    /// How many figures sit inside their band, and which do not.
    pub verdict: Verdict,
    /// Answer shares by model, level and agency, pooled over replications.
    pub breakdowns: Breakdowns,
    /// Initiatives visited per replication (NFER: 30).
    pub initiatives: u32,
    /// People interviewed, against the design's number: whether any replication fell short.
    pub interviewed: Interviewed,
}

impl StudyOutcome {
    /// Mean rollouts drawn per visited initiative.
    pub fn mean_attempts(&self) -> f64 {
        let attempts: u64 = self.replications.iter().map(|r| r.attempts).sum();
        let visits: u64 = self.replications.iter().map(|r| r.tables.initiatives).sum();
        attempts as f64 / visits.max(1) as f64
    }
}

/// Runs `config.replications` studies in parallel and compares them with `published`.
pub fn run(
    frame: &Frame,
    obs: &Observation,
    published: &Published,
    config: &StudyConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<StudyOutcome, StudyError> {
    if config.replications == 0 {
        return Err(StudyError::Design(
            "at least one replication is needed".into(),
        ));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .expect("a thread pool can be built");
    let replications: Vec<Replication> = pool.install(|| {
        (0..config.replications as u64)
            .into_par_iter()
            .map(|rep| {
                let r = replicate(frame, obs, config.seed, rep);
                progress(1);
                r
            })
            .collect::<Result<Vec<_>, _>>()
    })?;
    let tables: Vec<Tables> = replications.iter().map(|r| r.tables.clone()).collect();
    let figures = compare::compare(published, &tables)?;
    let mut sum = Tables::default();
    for t in &tables {
        sum.merge(t);
    }
    Ok(StudyOutcome {
        rank_agreement: compare::rank_agreement(&figures),
        verdict: Verdict::new(&figures),
        breakdowns: Breakdowns::new(&sum, tables.len()),
        figures,
        initiatives: frame.design.initiatives(),
        interviewed: Interviewed::new(frame.design.interviews, &replications),
        replications,
    })
}

/// One scenario the study sampled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioInfo {
    /// Key of the scenario's model (`decision_making_group`, …): which slots it filled.
    pub model: &'static str,
    /// The scenario's own name, for readers; `scenario_sha256` identifies its content.
    pub name: String,
    /// SHA-256 of the fully resolved scenario (as in a run's manifest).
    pub scenario_sha256: String,
}

/// The settings a study ran with, and each scenario's hash to check a rerun against. It does not
/// hold everything needed to repeat the study: the command line, the git commit, the `--set`
/// values and the resolved scenarios are in the `manifest.json` that `partnersim study` writes
/// beside `study.json` ([`crate::manifest::StudyManifest`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudyInfo {
    /// The report the published figures come from, as in the figures file.
    pub citation: String,
    /// The partnersim version that ran the study: results may change between versions.
    pub version: &'static str,
    /// Replications run: each figure's band is the nearest-rank 5th to 95th percentile over
    /// this many studies.
    pub replications: u32,
    /// Master seed; with the version, design and scenarios (as run, identified by their
    /// hashes) it reproduces the study exactly.
    pub seed: u64,
    /// The sampling design, with any `--age-min`, `--age-max` or `--scenario-agencies`.
    pub design: Design,
    /// The observation model's constants the interviews used.
    pub observation: Observation,
    /// Each model's scenario as run (after any `--set`), with its hash, so that a rerun can
    /// check it uses the same ones.
    pub scenarios: Vec<ScenarioInfo>,
    /// Mean rollouts drawn per visited initiative (1 = every rollout was delivering).
    pub mean_attempts: f64,
    /// People actually interviewed, against `design.interviews`: `short_replications` above 0
    /// means some replications had too few filled posts to interview that many.
    pub interviewed: Interviewed,
}

/// `study.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report<'a> {
    /// The settings the study ran with (the rest of its provenance is in `manifest.json`).
    pub study: StudyInfo,
    /// Figures inside their band: the numbers of the printed verdict.
    pub verdict: &'a Verdict,
    /// Every figure, published against simulated: what `study.svg` plots.
    pub figures: &'a [FigureResult],
    /// Spearman's rank correlation for Tables 2.1, 6.1 and 7.1.
    pub rank_agreement: &'a RankAgreement,
    /// Answer shares overall and by model, level and agency.
    pub breakdowns: &'a Breakdowns,
}

impl<'a> Report<'a> {
    /// Gathers a finished study and the settings it ran with into the layout of `study.json`.
    pub fn new(
        outcome: &'a StudyOutcome,
        frame: &Frame,
        obs: &Observation,
        published: &Published,
        config: &StudyConfig,
    ) -> Self {
        Report {
            study: StudyInfo {
                citation: published.study.citation.clone(),
                version: crate::manifest::VERSION,
                replications: config.replications,
                seed: config.seed,
                design: frame.design.clone(),
                observation: obs.clone(),
                scenarios: frame
                    .scenarios
                    .iter()
                    .map(|s| ScenarioInfo {
                        model: s.model.key(),
                        name: s.name.clone(),
                        scenario_sha256: crate::manifest::scenario_sha256(s),
                    })
                    .collect(),
                mean_attempts: outcome.mean_attempts(),
                interviewed: outcome.interviewed,
            },
            verdict: &outcome.verdict,
            figures: &outcome.figures,
            rank_agreement: &outcome.rank_agreement,
            breakdowns: &outcome.breakdowns,
        }
    }

    /// Pretty-printed, newline-terminated JSON, byte-identical for any thread count.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a study report serialises");
        text.push('\n');
        text
    }
}

/// The short verdict printed after a study: the sample, and a warning when some replications
/// interviewed fewer people than the design asks for.
pub fn verdict_text(outcome: &StudyOutcome, config: &StudyConfig) -> String {
    let v = &outcome.verdict;
    let r = &outcome.rank_agreement;
    let n = &outcome.interviewed;
    let mut text = format!(
        "virtual NFER study: {} replications of {} initiatives and {} interviews (seed {})\n",
        config.replications, outcome.initiatives, n.requested, config.seed,
    );
    if n.short_replications > 0 {
        text.push_str(&format!(
            "  warning: {} of {} replications interviewed fewer than {} people (fewest {}, mean {:.1}): their initiatives had too few filled posts, so interviewee counts are out of fewer people than the report's\n",
            n.short_replications, config.replications, n.requested, n.fewest, n.mean,
        ));
    }
    text.push_str(&format!(
        "  {} of {} published outcome figures inside the simulated 90% band ({} of {} counting the sample's design figures)\n  rank agreement (Spearman, interviewee columns): Table 2.1 {:.2}, Table 6.1 {:.2}, Table 7.1 {:.2}\n",
        v.outcome_inside,
        v.outcome_figures,
        v.inside,
        v.figures,
        r.table_2_1,
        r.table_6_1,
        r.table_7_1
    ));
    if !v.outside.is_empty() {
        text.push_str("  outside the band:\n");
        for f in outcome.figures.iter().filter(|f| !f.inside) {
            text.push_str(&format!(
                "    {}: published {}, simulated {:.1} (90% band {} to {})\n",
                f.id, f.published, f.simulated_mean, f.p05, f.p95
            ));
        }
    }
    text
}
