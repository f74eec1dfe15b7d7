//! The command line: argument definitions and the pipeline each subcommand runs. `main` only
//! calls [`run`] and turns its error into a message and an exit code.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::compare::{self, Comparison};
use crate::engine::{self, Pairing, RunConfig};
use crate::manifest::{
    self, CompareManifest, ComparedScenario, Manifest, Setting, StudiedScenario, StudyManifest,
};
use crate::model::{ModelKind, Setup};
use crate::output::{OutputError, Staging};
use crate::plot::PlotError;
use crate::report::{self, Provenance};
use crate::scenario::{Scenario, ScenarioError};
use crate::stats::Summary;
use crate::study::{self, Design, Frame, Observation, Published, StudyConfig, StudyError};
use crate::sweep::{self, Shard, ShardSource, Sweep, SweepError};
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
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Oldest visit age the study design accepts (100 years), checked when the command line is parsed.
pub const MAX_AGE_MONTHS: u32 = 1200;

impl Cli {
    /// Parses the command line, then checks what clap cannot check one argument at a time, so
    /// that every mistake on the command line is a usage error (exit 2) found before any work.
    pub fn parse_checked() -> Cli {
        let cli = Cli::parse();
        if let Err(e) = cli.check() {
            e.exit();
        }
        cli
    }

    /// Checks what clap's attributes cannot say: compare's number of scenarios, and `--age-min`
    /// no later than `--age-max` (each against the other's default when only one is given).
    pub fn check(&self) -> Result<(), clap::Error> {
        if let Command::Compare(a) = &self.command {
            let most = crate::plot::style::SCENARIO_COLOURS.len();
            if a.files.len() > most {
                return Err(subcommand_error(
                    "compare",
                    clap::error::ErrorKind::TooManyValues,
                    format!(
                        "compare takes at most {most} scenarios, got {}: the charts tell them apart by {most} colours (for many variants of one scenario, use a sweep)",
                        a.files.len()
                    ),
                ));
            }
        }
        let study = match &self.command {
            Command::Study(a) => &a.study,
            Command::Calibrate(a) => &a.study,
            _ => return Ok(()),
        };
        let design = Design::default();
        let min = study.age_min.unwrap_or(design.age_min_months);
        let max = study.age_max.unwrap_or(design.age_max_months);
        if min > max {
            return Err(subcommand_error(
                if matches!(self.command, Command::Study(_)) {
                    "study"
                } else {
                    "calibrate"
                },
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "the visit ages are empty: --age-min {min} is later than --age-max {max} (defaults {} and {})",
                    design.age_min_months, design.age_max_months
                ),
            ));
        }
        Ok(())
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate many seeded rollouts of a scenario and write summary, tables, charts and manifest.
    Run(RunArgs),
    /// Compare scenarios on common random numbers: each metric per scenario, and the difference
    /// from the first with a paired 95% interval.
    Compare(CompareArgs),
    /// Validate a scenario and print it fully resolved (defaults, model and kind values filled).
    Check {
        /// Scenario file (TOML).
        file: PathBuf,
        /// Override the scenario's horizon in months (1 to 1200), as `run --months` does, so
        /// that the printed scenario (and its SHA-256) is the one such a run records.
        #[arg(long, value_parser = months_flag())]
        months: Option<u32>,
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
        /// Override the scenario's horizon in months (1 to 1200).
        #[arg(long, value_parser = months_flag())]
        months: Option<u32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TraceFormat::Text)]
        format: TraceFormat,
    },
    /// Run a parameter sweep (grid, LHS, Sobol or Morris): points.csv, sensitivity.json, charts.
    Sweep(SweepArgs),
    /// Merge the result directories of a sharded sweep into one, checking every point is there
    /// exactly once.
    Merge(MergeArgs),
    /// Run the virtual NFER study: visit 30 simulated initiatives, interview 139 people, tabulate
    /// as the report did, repeat, and compare with the published figures.
    Study(StudyArgs),
    /// Search model parameters so that the virtual study fits the published figures; prints the
    /// best values, which are the shipped defaults (docs/calibration.md).
    Calibrate(CalibrateArgs),
}

/// `--threads`, the same for every command that simulates: 0 asks for one worker per core.
#[derive(Debug, Clone, Copy, Args)]
pub struct Threads {
    /// Worker threads (0 = one per core, at most 1024). Results do not depend on it.
    #[arg(long, default_value_t = 0, value_parser = at_most_max_threads)]
    pub threads: usize,
}

/// Most worker threads `--threads` accepts: far beyond any machine's cores, and low enough that
/// a mistyped count is refused at once rather than spent starting threads (100,000 took minutes).
pub const MAX_THREADS: usize = 1024;

fn at_most_max_threads(s: &str) -> Result<usize, String> {
    let n: usize = s
        .parse()
        .map_err(|e: std::num::ParseIntError| e.to_string())?;
    if n > MAX_THREADS {
        return Err(format!("must be at most {MAX_THREADS}"));
    }
    Ok(n)
}

impl Threads {
    /// The number of workers to start: the one asked for, or rayon's one per core for 0.
    pub fn count(self) -> usize {
        if self.threads == 0 {
            rayon::current_num_threads()
        } else {
            self.threads
        }
    }
}

/// `--out` and `--force` of the commands that write one result directory and replace an
/// existing one only when asked. Each command gives `--out` a help naming its own default,
/// with `#[command(mut_arg("out", …))]`.
#[derive(Debug, Args)]
pub struct Output {
    /// Output directory (each command names its default).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the output directory if it holds an earlier result (or nothing); a directory of
    /// other files is never replaced.
    #[arg(long)]
    pub force: bool,
}

impl Output {
    /// Starts writing the result directory: `--out`, else `default()`. An existing directory
    /// is refused unless `--force`, before any compute.
    pub fn begin(&self, default: impl FnOnce() -> PathBuf) -> Result<Staging, OutputError> {
        let target = self.out.clone().unwrap_or_else(default);
        Staging::begin(&target, self.force)
    }
}

/// `--months`: the horizons a scenario may give itself (`scenario::validate::MONTHS`).
fn months_flag() -> clap::builder::RangedI64ValueParser<u32> {
    let m = crate::scenario::validate::MONTHS;
    clap::value_parser!(u32).range(i64::from(*m.start())..=i64::from(*m.end()))
}

/// Parses a count that must be at least 1 (`--rollouts`, `--replications`, `--budget`): zero
/// is a usage error naming the flag, as every other bad value.
fn at_least_one<T>(s: &str) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + From<u8>,
    T::Err: std::fmt::Display,
{
    let n: T = s.parse().map_err(|e: T::Err| e.to_string())?;
    if n < T::from(1) {
        return Err("must be at least 1".into());
    }
    Ok(n)
}

/// Options shared by `study` and `calibrate`: which scenarios, how many studies, which seed.
#[derive(Debug, Args)]
pub struct StudyOptions {
    /// Replications of the whole study.
    #[arg(long, default_value_t = 200, value_parser = at_least_one::<u32>)]
    pub replications: u32,
    /// Master seed; replication r draws from streams derived from (seed, r).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// One scenario per model of activity (default: `scenarios/<model>.toml` for the five
    /// models).
    #[arg(
        long,
        num_args = 1..,
        help = "One scenario per model of activity (default: scenarios/<model>.toml for the five models)"
    )]
    pub scenarios: Vec<PathBuf>,
    /// Worker threads.
    #[command(flatten)]
    pub threads: Threads,
    /// Youngest age at the visit, months since the idea (default: 24).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_AGE_MONTHS)))]
    pub age_min: Option<u32>,
    /// Oldest age at the visit, months since the idea (default: 72).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_AGE_MONTHS)))]
    pub age_max: Option<u32>,
    /// Keep each scenario's own agencies instead of giving the sample NFER's agency mix.
    #[arg(long)]
    pub scenario_agencies: bool,
    /// Change a parameter's default for this study, e.g. `--set challenges.issue_gain=1.5`
    /// (a path under `[params]`; scenarios that set the parameter themselves keep their value).
    #[arg(
        long = "set",
        value_name = "PATH=VALUE",
        value_parser = parse_setting,
        help = "Change a parameter's default for this study, e.g. `--set challenges.issue_gain=1.5` (a path under [params]; scenarios that set the parameter themselves keep their value)"
    )]
    pub set: Vec<(String, f64)>,
}

/// A usage error of one subcommand, printed with that subcommand's usage line rather than the
/// top level's.
fn subcommand_error(name: &str, kind: clap::error::ErrorKind, message: String) -> clap::Error {
    use clap::CommandFactory;
    let mut cli = Cli::command();
    cli.build();
    let sub = cli
        .find_subcommand_mut(name)
        .expect("the subcommand exists");
    sub.error(kind, message)
}

fn parse_setting(s: &str) -> Result<(String, f64), String> {
    let (path, value) = s
        .split_once('=')
        .ok_or_else(|| format!("expected PATH=VALUE, got {s:?}"))?;
    let value: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("{:?} is not a number", value.trim()))?;
    // Sweep files write parameter paths from the scenario's top (`params.progress.…`); a
    // `--set` is always under [params], so the prefix is optional.
    let path = path.trim();
    let path = path.strip_prefix("params.").unwrap_or(path);
    Ok((path.to_string(), value))
}

/// Options of `partnersim study`.
#[derive(Debug, Args)]
#[command(mut_arg("out", |a| a.help("Output directory (default: output/study)")))]
pub struct StudyArgs {
    /// Scenarios, replications, seed and design overrides.
    #[command(flatten)]
    pub study: StudyOptions,
    /// Output directory and whether it may be replaced.
    #[command(flatten)]
    pub output: Output,
}

/// Options of `partnersim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Sweep file (TOML); see docs/sweeps.md.
    pub file: PathBuf,
    /// Rollouts per point, overriding the sweep file's `rollouts` (default: 1000).
    #[arg(long, value_parser = at_least_one::<u64>)]
    pub rollouts: Option<u64>,
    /// Output directory (default: `output/<sweep name>`, or
    /// `output/<sweep name>-shard-I-of-N`). Unlike the other commands' [`Output`], it has no
    /// `--force`: an existing directory is resumed with `--resume`.
    #[arg(
        long,
        help = "Output directory (default: output/<sweep name>, or output/<sweep name>-shard-I-of-N)"
    )]
    pub out: Option<PathBuf>,
    /// Run shard I of N (every N-th point from I). Without it, SLURM_ARRAY_TASK_ID and
    /// SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX and PARTNERSIM_SHARD_COUNT, are honoured.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Continue an interrupted sweep in the output directory (or start it when absent).
    #[arg(long)]
    pub resume: bool,
    /// Worker threads.
    #[command(flatten)]
    pub threads: Threads,
    /// Only validate the sweep file and every point's scenario, print the plan's size, and exit.
    #[arg(long)]
    pub check: bool,
}

/// Options of `partnersim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard result directories, as written by `partnersim sweep --shard`.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Output directory for the merged sweep; must not exist.
    #[arg(long)]
    pub out: PathBuf,
}

/// Options of `partnersim run`.
#[derive(Debug, Args)]
#[command(mut_arg("out", |a| a.help("Output directory (default: output/<scenario name>)")))]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// Number of rollouts.
    #[arg(long, default_value_t = 10_000, value_parser = at_least_one::<u64>)]
    pub rollouts: u64,
    /// Master seed; rollout k draws from streams derived from (seed, k).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads.
    #[command(flatten)]
    pub threads: Threads,
    /// Override the scenario's horizon in months (1 to 1200).
    #[arg(long, value_parser = months_flag())]
    pub months: Option<u32>,
    /// Output directory and whether it may be replaced.
    #[command(flatten)]
    pub output: Output,
}

/// Options of `partnersim compare`.
#[derive(Debug, Args)]
#[command(mut_arg("out", |a| a.help("Output directory (default: output/compare-<first>-vs-<second>…)")))]
pub struct CompareArgs {
    /// Scenario files (TOML), 2 to 8: the first is the baseline every other is compared with.
    /// The charts overlay the scenarios in eight colour-blind-safe colours; for more variants
    /// of one scenario, a sweep is the tool.
    #[arg(required = true, num_args = 2..)]
    pub files: Vec<PathBuf>,
    /// Number of rollouts of each scenario.
    #[arg(long, default_value_t = 10_000, value_parser = at_least_one::<u64>)]
    pub rollouts: u64,
    /// Master seed; rollout k of every scenario draws from streams derived from (seed, k).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Draw each scenario from an unrelated seed instead of common random numbers, to see how
    /// much pairing narrows the intervals.
    #[arg(long)]
    pub independent: bool,
    /// Worker threads.
    #[command(flatten)]
    pub threads: Threads,
    /// Override every scenario's horizon in months (1 to 1200).
    #[arg(long, value_parser = months_flag())]
    pub months: Option<u32>,
    /// Output directory and whether it may be replaced.
    #[command(flatten)]
    pub output: Output,
}

/// Options of `partnersim calibrate`.
#[derive(Debug, Args)]
#[command(mut_arg("out", |a| a.help("Output directory (default: output/calibration)")))]
pub struct CalibrateArgs {
    /// The study each evaluation runs: scenarios, replications, seed and design overrides.
    #[command(flatten)]
    pub study: StudyOptions,
    /// Most studies to run, each one evaluation of the objective.
    #[arg(long, default_value_t = 1000, value_parser = at_least_one::<u64>)]
    pub budget: u64,
    /// Output directory and whether it may be replaced.
    #[command(flatten)]
    pub output: Output,
}

/// Everything that can stop a command, each with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A scenario file is missing (exit 4) or invalid (exit 3).
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The result directory exists without `--force`, or could not be written (exit 5).
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A chart could not be drawn or written (exit 5).
    #[error(transparent)]
    Plot(#[from] PlotError),
    /// The study or calibration cannot run as asked: a model's scenario missing or given twice,
    /// no rollout delivering at the visit ages, or a bad design or `--set` (exit 3).
    #[error(transparent)]
    Study(#[from] StudyError),
    /// A sweep or merge failed; the exit code follows the cause: 4 missing file, 5 output,
    /// 2 bad shard, else 3 (see [`CliError::exit_code`]).
    #[error(transparent)]
    Sweep(#[from] SweepError),
    /// A default model scenario of `study` or `calibrate` is missing: they are read from
    /// `scenarios/` in the working directory, so the command ran outside the project's folder
    /// (exit 4). The message says so, since the bare path does not.
    #[error(
        "{0}; without --scenarios, study and calibrate read the five model scenarios from ./scenarios/: run from the project's folder, or name them with --scenarios"
    )]
    DefaultScenarioMissing(ScenarioError),
    /// The inputs are valid one by one but cannot be used together (exit 3).
    #[error("{0}")]
    Input(String),
    /// Standard output could not be written, other than by a closed pipe (exit 5): a full disk
    /// under `trace … > file.csv` must not pass for success.
    #[error("cannot write to standard output: {0}")]
    Stdout(std::io::Error),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Scenario(e) if e.is_missing_file() => exit::MISSING_FILE,
            CliError::DefaultScenarioMissing(_) => exit::MISSING_FILE,
            CliError::Scenario(_) | CliError::Study(_) | CliError::Input(_) => exit::INVALID_INPUT,
            CliError::Output(_) | CliError::Plot(_) | CliError::Stdout(_) => exit::OUTPUT,
            CliError::Sweep(e) if e.is_missing_file() => exit::MISSING_FILE,
            CliError::Sweep(e) if e.is_output() => exit::OUTPUT,
            CliError::Sweep(e) if e.is_usage() => exit::USAGE,
            CliError::Sweep(_) => exit::INVALID_INPUT,
        }
    }
}

/// Runs the parsed command.
pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Run(args) => run_scenario(&args),
        Command::Compare(args) => compare_scenarios(&args),
        Command::Check { file, months } => {
            let scenario = load_scenario(&file, months)?;
            emit(&scenario.to_toml())?;
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
            emit(&text)?;
            Ok(())
        }
        Command::Study(args) => run_study(&args),
        Command::Calibrate(args) => run_calibrate(&args),
        Command::Sweep(args) => run_sweep(&args),
        Command::Merge(args) => {
            let merged = sweep::merge(&args.dirs, &args.out, &manifest::command_line())?;
            emit(&format!(
                "merged {} points from {} shards\n  results: {}\n",
                merged.points,
                merged.shards,
                merged.dir.display()
            ))?;
            Ok(())
        }
    }
}

fn run_sweep(args: &SweepArgs) -> Result<(), CliError> {
    let (shard, source) = Shard::resolve(args.shard.as_deref())?;
    let loaded = Sweep::load(&args.file, args.rollouts)?;
    let name = sweep::run::sweep_name(&args.file);
    let out = args.out.clone().unwrap_or_else(|| {
        let dir = if shard.count > 1 {
            format!("{name}-shard-{}-of-{}", shard.index, shard.count)
        } else {
            name.clone()
        };
        Path::new("output").join(dir)
    });
    let plan = sweep::Plan::new(&loaded);
    let total = plan.points();
    if args.check {
        sweep::run::validate_points(&plan, Shard::ALL)?;
        // The hashes are those a resume compares (the sweep file's text and the resolved base
        // scenario), so that a script can tell whether a rerun could resume (run-sweep.sh).
        emit(&format!(
            "{name}: {} design, {total} points x {} rollouts, every point valid\n  sweep file sha256 {}\n  base scenario sha256 {}\n",
            loaded.spec.design.key(),
            loaded.spec.rollouts,
            loaded.sha256,
            crate::manifest::scenario_sha256(&loaded.base)
        ))?;
        return Ok(());
    }
    match source {
        ShardSource::Slurm => eprintln!("shard {shard} from SLURM_ARRAY_TASK_ID"),
        ShardSource::Kubernetes => eprintln!("shard {shard} from JOB_COMPLETION_INDEX"),
        _ => {}
    }
    let opts = sweep::Options {
        out,
        shard,
        resume: args.resume,
        threads: args.threads.count(),
        command: manifest::command_line(),
    };
    let mut report = SweepProgress::new(shard.len(total));
    let finished = sweep::run(&loaded, &opts, &mut |p| report.update(p))?;
    report.finish();
    let what = if finished.already_complete {
        "already complete".to_string()
    } else if finished.computed < finished.points {
        format!(
            "{} points ({} resumed)",
            finished.points,
            finished.points - finished.computed
        )
    } else {
        format!("{} points", finished.points)
    };
    let shard_note = if shard.count > 1 {
        format!(", shard {shard} of {total} points")
    } else {
        String::new()
    };
    emit(&format!(
        "{name}: {} design, {what}{shard_note}, {} rollouts each\n  results: {}\n",
        loaded.spec.design.key(),
        loaded.spec.rollouts,
        finished.dir.display()
    ))?;
    Ok(())
}

/// Sweep progress: a bar with ETA on a terminal, else a plain line at most every 10 seconds
/// (batch logs).
struct SweepProgress {
    bar: Option<ProgressBar>,
    last: Option<Instant>,
}

impl SweepProgress {
    fn new(total: u64) -> Self {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} points (ETA {eta})",
                )
                .expect("a valid progress template"),
            );
            SweepProgress {
                bar: Some(bar),
                last: None,
            }
        } else {
            SweepProgress {
                bar: None,
                last: None,
            }
        }
    }

    fn update(&mut self, p: &sweep::Progress) {
        if let Some(bar) = &self.bar {
            bar.set_position(p.done);
            if p.done == p.resumed {
                // Resumed points took no time in this run: estimate the pace from here on.
                bar.reset_eta();
            }
            return;
        }
        let due = self.last.is_none_or(|t| t.elapsed().as_secs() >= 10) || p.done == p.total;
        if due {
            self.last = Some(Instant::now());
            let eta = p
                .eta()
                .map_or("unknown".to_string(), |d| format!("{}s", d.as_secs()));
            eprintln!(
                "sweep: {}/{} points ({:.0}%), elapsed {}s, ETA {eta}",
                p.done,
                p.total,
                if p.total == 0 {
                    100.0
                } else {
                    100.0 * p.done as f64 / p.total as f64
                },
                p.elapsed.as_secs()
            );
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The study's frame from the command line: the scenarios (default: the five shipped model
/// scenarios) and the design with any overrides, checked before any compute.
pub fn study_frame(o: &StudyOptions) -> Result<Frame, CliError> {
    let scenarios = study_files(o)
        .iter()
        .map(|f| {
            Scenario::from_file(f).map_err(|e| {
                if o.scenarios.is_empty() && e.is_missing_file() {
                    CliError::DefaultScenarioMissing(e)
                } else {
                    e.into()
                }
            })
        })
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
    study::calibrate::check_settings(&values)?;
    Ok(study::calibrate::with_defaults(&frame, &values)?)
}

fn study_config(o: &StudyOptions) -> StudyConfig {
    StudyConfig {
        replications: o.replications,
        seed: o.seed,
        threads: o.threads.count(),
    }
}

/// The scenario files of a study as given (`--scenarios`), or the default ones [`study_frame`]
/// loads, in the frame's order.
fn study_files(o: &StudyOptions) -> Vec<PathBuf> {
    if o.scenarios.is_empty() {
        ModelKind::ALL
            .iter()
            .map(|m| Path::new("scenarios").join(format!("{}.toml", m.key())))
            .collect()
    } else {
        o.scenarios.clone()
    }
}

/// `manifest.json` of a study or calibration: the command line, the settings, every `--set` as
/// given and each scenario as `frame` holds it (after `--set`), timed from `started` and `clock`.
fn study_manifest(
    o: &StudyOptions,
    frame: &Frame,
    config: &StudyConfig,
    search: Option<manifest::Search>,
    started: SystemTime,
    clock: Instant,
) -> StudyManifest {
    let files = study_files(o);
    debug_assert_eq!(files.len(), frame.scenarios.len());
    StudyManifest {
        command: manifest::command_line(),
        version: manifest::VERSION,
        git_commit: manifest::GIT_COMMIT,
        seed: config.seed,
        replications: config.replications,
        threads: config.threads,
        design: frame.design.clone(),
        set: o
            .set
            .iter()
            .map(|(path, value)| Setting {
                path: path.clone(),
                value: *value,
            })
            .collect(),
        search,
        started: manifest::rfc3339(started),
        finished: manifest::rfc3339(SystemTime::now()),
        elapsed_seconds: clock.elapsed().as_secs_f64(),
        scenarios: files
            .into_iter()
            .zip(&frame.scenarios)
            .map(|(file, s)| StudiedScenario {
                file: file.display().to_string(),
                model: s.model.key(),
                scenario_sha256: manifest::scenario_sha256(s),
                scenario: s.clone(),
            })
            .collect(),
    }
}

fn run_study(args: &StudyArgs) -> Result<(), CliError> {
    let frame = study_frame(&args.study)?;
    let staging = args.output.begin(|| Path::new("output").join("study"))?;
    let config = study_config(&args.study);
    let started = SystemTime::now();
    let clock = Instant::now();
    let published = Published::nfer2002();
    let obs = Observation::default();
    let bar = progress_bar_for(config.replications as u64, "studies");
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
    let manifest = study_manifest(&args.study, &frame, &config, None, started, clock);
    staging.write("manifest.json", manifest::to_json(&manifest))?;
    let dir = staging.commit()?;
    emit(&format!(
        "{}  results: {}\n",
        study::verdict_text(&outcome, &config),
        dir.display()
    ))?;
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
    let staging = args
        .output
        .begin(|| Path::new("output").join(&scenario.name))?;
    let threads = args.threads.count();

    let started = SystemTime::now();
    let clock = Instant::now();
    let setup = Setup::new(&scenario);
    let bar = progress_bar(args.rollouts);
    let config = RunConfig::new(args.rollouts, args.seed, threads);
    let aggregate = engine::run(&setup, &config, &|n| bar.inc(n));
    bar.finish_and_clear();
    let summary = Summary::new(&scenario.name, scenario.model.key(), args.seed, &aggregate);

    staging.write("summary.json", export::json::summary(&summary))?;
    staging.write("stages.csv", export::csv::stages(&summary))?;
    staging.write("established.csv", export::csv::established(&summary))?;
    plot::write_all(staging.dir(), &summary)?;
    let command = manifest::command_line();
    let provenance = Provenance {
        version: manifest::VERSION,
        git_commit: manifest::GIT_COMMIT,
        command: &command,
    };
    staging.write(
        "report.html",
        report::run_report(&scenario, &summary, &provenance)?,
    )?;
    let manifest = Manifest {
        command: manifest::command_line(),
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
    emit(&format!("{}\n", headline(&summary, &dir)))?;
    Ok(())
}

/// Longest default `compare` directory name that joins every scenario name: a scenario name is at
/// most 200 bytes, and the directory is staged as `.<name>.partial-<pid>` within 255.
const COMPARE_NAME_MAX: usize = 220;

/// True when the paths `a` and `b` name one file (both were read, so both exist).
fn same_file(a: &str, b: &str) -> bool {
    match (Path::new(a).canonicalize(), Path::new(b).canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn compare_scenarios(args: &CompareArgs) -> Result<(), CliError> {
    // Every scenario is loaded and validated before any output or compute.
    let mut scenarios = Vec::with_capacity(args.files.len());
    for file in &args.files {
        scenarios.push((
            load_scenario(file, args.months)?,
            file.display().to_string(),
        ));
    }
    // Shares "by the horizon" and medians are comparable only over one horizon.
    let first = &scenarios[0].0;
    if let Some((other, _)) = scenarios.iter().find(|(s, _)| s.months != first.months) {
        return Err(CliError::Input(format!(
            "{} runs {} months and {} runs {}: a comparison needs one horizon; pass --months to compare them over the same one",
            first.name, first.months, other.name, other.months
        )));
    }
    // Tables, charts and the report label each scenario by its name: two different scenarios
    // under one name could not be told apart (a file compared with itself is one scenario).
    for (j, (s, file)) in scenarios.iter().enumerate() {
        if let Some((_, other)) = scenarios[..j]
            .iter()
            .find(|(t, other)| t.name == s.name && !same_file(other, file))
        {
            return Err(CliError::Input(format!(
                "{other} and {file} are both named `{}`: a comparison labels each scenario by its name, so give one of them its own `name`",
                s.name
            )));
        }
    }
    let staging = args.output.begin(|| {
        let names: Vec<&str> = scenarios.iter().map(|(s, _)| s.name.as_str()).collect();
        let all = format!("compare-{}", names.join("-vs-"));
        // Names of up to 200 bytes each can join into more than a file name holds (255 bytes,
        // with the staging prefix): then the first name and how many others.
        let name = if all.len() <= COMPARE_NAME_MAX {
            all
        } else {
            format!("compare-{}-and-{}-more", names[0], names.len() - 1)
        };
        Path::new("output").join(name)
    })?;
    let threads = args.threads.count();
    let pairing = if args.independent {
        Pairing::Independent
    } else {
        Pairing::Common
    };

    let started = SystemTime::now();
    let clock = Instant::now();
    let bar = progress_bar(args.rollouts);
    let config = RunConfig::new(args.rollouts, args.seed, threads);
    let comparison = compare::compare(&scenarios, &config, pairing, &|n| bar.inc(n));
    bar.finish_and_clear();

    staging.write("compare.json", compare::to_json(&comparison))?;
    let summaries: Vec<&Summary> = comparison.scenarios.iter().map(|c| &c.summary).collect();
    let label = comparison.label();
    plot::write_compare(
        staging.dir(),
        plot::Scenarios {
            summaries: &summaries,
            label: &label,
        },
    )?;
    let manifest = CompareManifest {
        command: manifest::command_line(),
        version: manifest::VERSION,
        git_commit: manifest::GIT_COMMIT,
        pairing: pairing.key(),
        seed: args.seed,
        rollouts: args.rollouts,
        threads,
        started: manifest::rfc3339(started),
        finished: manifest::rfc3339(SystemTime::now()),
        elapsed_seconds: clock.elapsed().as_secs_f64(),
        scenarios: scenarios
            .iter()
            .enumerate()
            .map(|(j, (s, file))| ComparedScenario {
                file: file.clone(),
                seed: pairing.seed_of(args.seed, j),
                posts: s.total_posts(),
                scenario_sha256: manifest::scenario_sha256(s),
                scenario: s.clone(),
            })
            .collect(),
    };
    staging.write("manifest.json", manifest::to_json(&manifest))?;
    let provenance = Provenance {
        version: manifest::VERSION,
        git_commit: manifest::GIT_COMMIT,
        command: &manifest.command,
    };
    staging.write(
        "report.html",
        report::compare_report(&scenarios, &comparison, &provenance)?,
    )?;
    let dir = staging.commit()?;
    emit(&format!("{}\n", compare_headline(&comparison, &dir)))?;
    Ok(())
}

/// The comparison of the share well established, one line per scenario after the first.
pub fn compare_headline(c: &Comparison, dir: &Path) -> String {
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    // As the report writes them (`+<0.1` for a bound that is not zero but rounds to it).
    let pp = |x: f64| crate::report::html::points(x).replace('\u{2212}', "-");
    let first = &c.scenarios[0].summary;
    let mut text = format!(
        "{} scenarios x {} rollouts ({}), seed {}\n  {}: well established by month {}: {}",
        c.scenarios.len(),
        c.rollouts,
        match c.pairing {
            Pairing::Common => "common random numbers",
            Pairing::Independent => "independent draws",
        },
        c.seed,
        first.scenario,
        first.months,
        pct(first.well_established.share),
    );
    if let Some(row) = c.metric("well_established") {
        for e in &row.entries {
            let (Some(b), Some(d), Some(lo), Some(hi)) = (e.b, e.difference, e.ci_low, e.ci_high)
            else {
                continue;
            };
            text.push_str(&format!(
                "\n  {}: {} ({} points, 95% CI {} to {})",
                e.scenario,
                pct(b),
                pp(d),
                pp(lo),
                pp(hi)
            ));
        }
    }
    text.push_str(&format!("\n  results: {}", dir.display()));
    text
}

fn run_calibrate(args: &CalibrateArgs) -> Result<(), CliError> {
    use study::calibrate::{self, KNOBS};
    // The search sets every knob itself, so a `--set` of one would be silently overridden.
    // Compared by their one spelling: `stage_rate[03]` is `stage_rate[3]`. The values are
    // checked with the study's frame, below.
    for (path, _) in &args.study.set {
        let canonical = calibrate::canonical(path)?;
        if KNOBS.iter().any(|k| k.path == canonical) {
            return Err(CliError::Study(StudyError::Design(format!(
                "--set {path}: calibrate searches this parameter itself (docs/calibration.md), so it cannot be fixed with --set"
            ))));
        }
    }
    let frame = study_frame(&args.study)?;
    let staging = args
        .output
        .begin(|| Path::new("output").join("calibration"))?;
    let config = study_config(&args.study);
    let started = SystemTime::now();
    let clock = Instant::now();
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
    let settings: Vec<(&str, f64)> = args
        .study
        .set
        .iter()
        .map(|(p, x)| (p.as_str(), *x))
        .collect();
    staging.write(
        "calibrated.toml",
        calibrate::overlay_toml(&result, &settings),
    )?;
    let search = manifest::Search {
        budget: args.budget,
        knobs: result.knobs.iter().map(|k| k.path).collect(),
    };
    let manifest = study_manifest(&args.study, &frame, &config, Some(search), started, clock);
    staging.write("manifest.json", manifest::to_json(&manifest))?;
    let dir = staging.commit()?;
    emit(&format!(
        "{}  results: {}\n",
        calibrate::summary_text(&result, &config, standard_calibration(&args.study)),
        dir.display()
    ))?;
    Ok(())
}

/// True when a calibration runs as the shipped defaults were calibrated (docs/calibration.md):
/// only then may its values replace them.
fn standard_calibration(o: &StudyOptions) -> bool {
    let defaults = Cli::parse_from(["partnersim", "calibrate"]);
    let Command::Calibrate(d) = defaults.command else {
        unreachable!("parsed as calibrate")
    };
    let d = d.study;
    o.replications == d.replications
        && o.seed == d.seed
        && o.scenarios.is_empty()
        && o.age_min.is_none()
        && o.age_max.is_none()
        && !o.scenario_agencies
        && o.set.is_empty()
}

/// Writes to stdout, ignoring a closed pipe (`partnersim trace … | head` is normal use).
/// Writes to standard output. A closed pipe (`partnersim trace … | head`) is not an error: the
/// reader has what it wanted. Any other failure is.
fn emit(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Stdout(e)),
        _ => Ok(()),
    }
}

/// One paragraph a planner can read in the terminal.
pub fn headline(s: &Summary, dir: &Path) -> String {
    let pct = |x: f64| format!("{:.1}%", 100.0 * x);
    let median = s
        .median_months_to_well_established
        .map_or("not reached by half".to_string(), |m| format!("{m} months"));
    format!(
        "{}: {} {} x {} months\n  well established by month {}: {} (95% CI {} to {})\n  median time to well established: {}\n  folded: {}\n  results: {}",
        s.scenario,
        s.rollouts,
        if s.rollouts == 1 {
            "rollout"
        } else {
            "rollouts"
        },
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

fn progress_bar(total: u64) -> ProgressBar {
    progress_bar_for(total, "rollouts")
}

/// A progress bar with ETA on stderr counting `what`; hidden when stderr is not a terminal.
fn progress_bar_for(total: u64, what: &str) -> ProgressBar {
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
