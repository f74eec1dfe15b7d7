//! The command line: argument definitions and the pipeline each subcommand runs. `main` only
//! calls [`run`] and turns its error into a message and an exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::engine::{self, RunConfig};
use crate::manifest::{self, Manifest};
use crate::model::{ModelKind, Setup};
use crate::output::{OutputError, Staging};
use crate::plot::PlotError;
use crate::scenario::{Scenario, ScenarioError};
use crate::stats::Summary;
use crate::study::{self, Design, Frame, Observation, Published, StudyConfig, StudyError};
use crate::trace::TraceFormat;
use crate::{export, plot};

/// Exit codes, distinct per class of failure so scripts and schedulers can react.
pub mod exit {
    /// A bug or an unexpected failure.
    pub const INTERNAL: i32 = 1;
    /// Bad command-line usage (clap's own code).
    pub const USAGE: i32 = 2;
    /// A scenario file is invalid.
    pub const INVALID_INPUT: i32 = 3;
    /// An input file is missing or unreadable.
    pub const MISSING_FILE: i32 = 4;
    /// The output could not be written.
    pub const OUTPUT: i32 = 5;
}

/// Agent-based simulator of multi-agency partnership dynamics.
#[derive(Debug, Parser)]
#[command(name = "partnersim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate many seeded rollouts of a scenario and write summary, tables, charts and manifest.
    Run(RunArgs),
    /// Validate a scenario and print it fully resolved (defaults, model and kind values filled).
    Check {
        /// Scenario file (TOML).
        file: PathBuf,
    },
    /// Print the month-by-month history of one rollout: exactly the rollout `run` simulates.
    Trace {
        /// Scenario file (TOML).
        file: PathBuf,
        /// Index of the rollout (0-based), as numbered by `run`.
        #[arg(long, default_value_t = 0)]
        rollout: u64,
        /// Master seed, as given to `run`.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Override the scenario's horizon in months.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1200))]
        months: Option<u32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TraceFormat::Text)]
        format: TraceFormat,
    },
    /// Run the virtual NFER study: visit 30 simulated initiatives, interview 139 people, tabulate
    /// as the report did, repeat, and compare with the published figures.
    Study(StudyArgs),
    /// Search model parameters so that the virtual study fits the published figures; prints the
    /// best values, which are the shipped defaults (docs/calibration.md).
    Calibrate(CalibrateArgs),
}

/// Options shared by `study` and `calibrate`: which scenarios, how many studies, which seed.
#[derive(Debug, Args)]
pub struct StudyOptions {
    /// Replications of the whole study.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..))]
    pub replications: u32,
    /// Master seed; replication r draws from streams derived from (seed, r).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// One scenario per model of activity (default: scenarios/<model>.toml for the five models).
    #[arg(long, num_args = 1..)]
    pub scenarios: Vec<PathBuf>,
    /// Worker threads (0 = one per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Youngest age at the visit, months since the idea (default 24).
    #[arg(long)]
    pub age_min: Option<u32>,
    /// Oldest age at the visit, months since the idea (default 72).
    #[arg(long)]
    pub age_max: Option<u32>,
    /// Keep each scenario's own agencies instead of giving the sample NFER's agency mix.
    #[arg(long)]
    pub scenario_agencies: bool,
    /// Change a parameter's default for this study, e.g. `--set challenges.issue_gain=1.5`
    /// (a path under [params]; scenarios that set the parameter themselves keep their value).
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_setting)]
    pub set: Vec<(String, f64)>,
}

fn parse_setting(s: &str) -> Result<(String, f64), String> {
    let (path, value) = s
        .split_once('=')
        .ok_or_else(|| format!("expected PATH=VALUE, got {s:?}"))?;
    let value: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("{:?} is not a number", value.trim()))?;
    Ok((path.trim().to_string(), value))
}

/// Options of `partnersim study`.
#[derive(Debug, Args)]
pub struct StudyArgs {
    #[command(flatten)]
    pub study: StudyOptions,
    /// Output directory (default: output/study).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the output directory if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Options of `partnersim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// Number of rollouts.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub rollouts: u64,
    /// Master seed; rollout k draws from streams derived from (seed, k).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (0 = one per core). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Override the scenario's horizon in months.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1200))]
    pub months: Option<u32>,
    /// Output directory (default: output/<scenario name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the output directory if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Options of `partnersim calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    #[command(flatten)]
    pub study: StudyOptions,
    /// Most studies to run, each one evaluation of the objective.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..))]
    pub budget: u64,
    /// Output directory (default: output/calibration).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the output directory if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Everything that can stop a command, each with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(transparent)]
    Plot(#[from] PlotError),
    #[error(transparent)]
    Study(#[from] StudyError),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Scenario(e) if e.is_missing_file() => exit::MISSING_FILE,
            CliError::Scenario(_) | CliError::Study(_) => exit::INVALID_INPUT,
            CliError::Output(_) | CliError::Plot(_) => exit::OUTPUT,
        }
    }
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Run(args) => run_scenario(&args),
        Command::Check { file } => {
            let scenario = Scenario::from_file(&file)?;
            emit(&scenario.to_toml());
            Ok(())
        }
        Command::Trace {
            file,
            rollout,
            seed,
            months,
            format,
        } => {
            let scenario = load_scenario(&file, months)?;
            let (text, _) = crate::trace::trace(&scenario, seed, rollout, format);
            emit(&text);
            Ok(())
        }
        Command::Study(args) => run_study(&args),
        Command::Calibrate(args) => run_calibrate(&args),
    }
}

/// The study's frame from the command line: the scenarios (default: the five shipped model
/// scenarios) and the design with any overrides, checked before any compute.
pub fn study_frame(o: &StudyOptions) -> Result<Frame, CliError> {
    let files: Vec<PathBuf> = if o.scenarios.is_empty() {
        ModelKind::ALL
            .iter()
            .map(|m| Path::new("scenarios").join(format!("{}.toml", m.key())))
            .collect()
    } else {
        o.scenarios.clone()
    };
    let scenarios = files
        .iter()
        .map(|f| Scenario::from_file(f))
        .collect::<Result<Vec<_>, _>>()?;
    let mut design = Design::default();
    if let Some(a) = o.age_min {
        design.age_min_months = a;
    }
    if let Some(a) = o.age_max {
        design.age_max_months = a;
    }
    design.agency_mix = !o.scenario_agencies;
    let frame = Frame::new(design, scenarios)?;
    if o.set.is_empty() {
        return Ok(frame);
    }
    let values: Vec<(&str, f64)> = o.set.iter().map(|(p, v)| (p.as_str(), *v)).collect();
    Ok(study::calibrate::with_defaults(&frame, &values)?)
}

fn study_config(o: &StudyOptions) -> StudyConfig {
    StudyConfig {
        replications: o.replications,
        seed: o.seed,
        threads: if o.threads == 0 {
            rayon::current_num_threads()
        } else {
            o.threads
        },
    }
}

fn run_study(args: &StudyArgs) -> Result<(), CliError> {
    let frame = study_frame(&args.study)?;
    let target = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join("study"));
    let staging = Staging::begin(&target, args.force)?;
    let config = study_config(&args.study);
    let published = Published::nfer2002();
    let obs = Observation::default();
    let bar = progress_bar(config.replications as u64, "studies");
    let outcome = study::run(&frame, &obs, published, &config, &|n| bar.inc(n))?;
    bar.finish_and_clear();
    let report = study::Report::new(&outcome, &frame, &obs, published, &config);
    staging.write("study.json", report.to_json())?;
    plot::study::write(
        staging.dir(),
        &outcome,
        frame.design.initiatives() as f64,
        frame.design.interviews as f64,
    )?;
    let dir = staging.commit()?;
    emit(&format!(
        "{}  results: {}\n",
        study::verdict_text(&outcome, &config),
        dir.display()
    ));
    Ok(())
}

/// Loads a scenario with command-line overrides merged over it (STYLE habit 4: one merge).
pub fn load_scenario(file: &Path, months: Option<u32>) -> Result<Scenario, ScenarioError> {
    let mut overlay = toml::Table::new();
    if let Some(m) = months {
        overlay.insert("months".into(), toml::Value::Integer(m.into()));
    }
    Scenario::from_file_with(file, Some(&overlay))
}

fn run_scenario(args: &RunArgs) -> Result<(), CliError> {
    let scenario = load_scenario(&args.file, args.months)?;
    let target = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&scenario.name));
    let staging = Staging::begin(&target, args.force)?;
    let threads = if args.threads == 0 {
        rayon::current_num_threads()
    } else {
        args.threads
    };

    let started = SystemTime::now();
    let clock = Instant::now();
    let setup = Setup::new(&scenario);
    let bar = progress_bar(args.rollouts, "rollouts");
    let config = RunConfig::new(args.rollouts, args.seed, threads);
    let aggregate = engine::run(&setup, &config, &|n| bar.inc(n));
    bar.finish_and_clear();
    let summary = Summary::new(&scenario.name, scenario.model.key(), args.seed, &aggregate);

    staging.write("summary.json", export::json::summary(&summary))?;
    staging.write("stages.csv", export::csv::stages(&summary))?;
    staging.write("established.csv", export::csv::established(&summary))?;
    plot::write_all(staging.dir(), &summary)?;
    let manifest = Manifest {
        command: std::env::args().collect::<Vec<_>>().join(" "),
        version: manifest::VERSION,
        git_commit: manifest::GIT_COMMIT,
        seed: args.seed,
        rollouts: args.rollouts,
        months: scenario.months,
        threads,
        posts: scenario.total_posts(),
        scenario_file: args.file.display().to_string(),
        scenario_sha256: manifest::scenario_sha256(&scenario),
        started: manifest::rfc3339(started),
        finished: manifest::rfc3339(SystemTime::now()),
        elapsed_seconds: clock.elapsed().as_secs_f64(),
        scenario: scenario.clone(),
    };
    staging.write("manifest.json", manifest::to_json(&manifest))?;
    let dir = staging.commit()?;
    emit(&format!("{}\n", headline(&summary, &dir)));
    Ok(())
}

fn run_calibrate(args: &CalibrateArgs) -> Result<(), CliError> {
    use study::calibrate::{self, KNOBS};
    let frame = study_frame(&args.study)?;
    let target = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join("calibration"));
    let staging = Staging::begin(&target, args.force)?;
    let config = study_config(&args.study);
    let published = Published::nfer2002();
    let obs = Observation::default();
    let quiet = !std::io::stderr().is_terminal();
    let mut report = |step: &calibrate::Step| {
        if step.accepted && !quiet {
            eprintln!(
                "evaluation {:>4}: objective {:.3} ({} outside, Spearman 6.1 {:.2}, 7.1 {:.2})",
                step.evaluation,
                step.score.objective,
                step.score.outside,
                step.score.rank_agreement.table_6_1,
                step.score.rank_agreement.table_7_1
            );
        }
    };
    let result = calibrate::calibrate(
        &frame,
        &obs,
        published,
        &config,
        KNOBS,
        args.budget as usize,
        &mut report,
    )?;
    let mut json = serde_json::to_string_pretty(&result).expect("a calibration serialises");
    json.push('\n');
    staging.write("calibration.json", json)?;
    staging.write("calibrated.toml", calibrate::overlay_toml(&result))?;
    let dir = staging.commit()?;
    emit(&format!(
        "{}  results: {}\n",
        calibrate::summary_text(&result, &config),
        dir.display()
    ));
    Ok(())
}

/// Writes to stdout, ignoring a closed pipe (`partnersim trace … | head` is normal use).
fn emit(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().write_all(text.as_bytes());
}

/// One paragraph a planner can read in the terminal.
pub fn headline(s: &Summary, dir: &Path) -> String {
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    let median = s
        .median_months_to_well_established
        .map_or("not reached by half".to_string(), |m| format!("{m} months"));
    format!(
        "{}: {} rollouts x {} months\n  well established by month {}: {} (95% CI {} to {})\n  median time to well established: {}\n  folded: {}\n  results: {}",
        s.scenario,
        s.rollouts,
        s.months,
        s.months,
        pct(s.well_established.share),
        pct(s.well_established.ci_low),
        pct(s.well_established.ci_high),
        median,
        pct(s.folded.share),
        dir.display()
    )
}

fn progress_bar(total: u64, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} [{{elapsed_precise}}] {{bar:40}} {{pos}}/{{len}} {what} (ETA {{eta}})"
        ))
        .expect("a valid progress template"),
    );
    bar
}
