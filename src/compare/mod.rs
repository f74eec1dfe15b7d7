//! What-if comparisons: several scenarios run on common random numbers (or, for contrast,
//! independent draws), each metric reported per scenario with the difference from the first and
//! its 95% interval. `docs/compare.md` gives the method.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::engine::{self, PairedRun, Pairing, RunConfig};
use crate::model::Setup;
use crate::scenario::Scenario;
use crate::stats::Summary;
use crate::stats::paired::{
    BOOTSTRAP_RESAMPLES, Indicator, median_difference, newcombe_independent, paired_wald,
};

/// Key of the median metric in `compare.json`.
pub const MEDIAN_KEY: &str = "median_months_to_well_established";

/// One scenario of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compared {
    /// The scenario's `name` from its file; labels it in tables, charts and the report.
    pub name: String,
    /// The file as given on the command line.
    pub file: String,
    /// The seed its rollouts were drawn with.
    pub seed: u64,
    /// Its headline results, with exactly the keys and meaning of `summary.json`.
    pub summary: Summary,
    /// Whether its random draws go to the same agencies, posts and funding streams as the first
    /// scenario's ([`draw_layout`]; always true for the first). When they do not, its staffing,
    /// pressure, contact or funding draws are taken in another order, so those chance events are
    /// not matched with the first's: its intervals stay valid but pairing narrows them less.
    pub draws_matched: bool,
}

/// One metric of one scenario against the first: `a` is the first scenario's value, `b` this
/// one's, `difference` is b − a. Shares are fractions (0 to 1), the median is in months; `None`
/// (JSON `null`) where a value or a bound is undefined.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    /// Name of scenario b.
    pub scenario: String,
    /// The first (baseline) scenario's value; the same in every entry of a row.
    pub a: Option<f64>,
    /// Scenario b's value, as `partnersim run` gives it on b's own seed.
    pub b: Option<f64>,
    /// b − a: a fraction in [−1, 1] for shares, months for the median.
    pub difference: Option<f64>,
    /// Lower bound of the 95% interval of the difference; `None` when unbounded or undefined.
    pub ci_low: Option<f64>,
    /// Upper bound of the 95% interval of the difference; `None` when unbounded or undefined.
    pub ci_high: Option<f64>,
}

/// A metric and its entries, one per scenario after the first.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRow {
    /// Stable key in `compare.json`, such as `well_established` or `challenge_fiscal`.
    pub key: String,
    /// One entry per scenario after the first, in command-line order.
    pub entries: Vec<Entry>,
}

/// The methods used, written into `compare.json` so it describes itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Methods {
    /// How the intervals of differences in shares were computed.
    pub shares: &'static str,
    /// How the interval of the difference in median months was computed.
    pub median: &'static str,
    /// Confidence level of every interval, as a fraction (0.95).
    pub confidence: f64,
}

/// A finished comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Common random numbers or independent draws; decides which interval methods apply.
    pub pairing: Pairing,
    /// Rollouts per scenario (every scenario runs the same number).
    pub rollouts: u64,
    /// The master seed given on the command line; each scenario's own seed is in [`Compared`].
    pub seed: u64,
    /// The scenarios in command-line order; the first is the baseline.
    pub scenarios: Vec<Compared>,
    /// Every metric in the fixed output order of `compare.json` (`docs/compare.md`).
    pub metrics: Vec<MetricRow>,
}

impl Comparison {
    /// The methods behind the intervals under this pairing.
    pub fn methods(&self) -> Methods {
        match self.pairing {
            Pairing::Common => Methods {
                shares: "paired Wald interval on per-rollout differences (common random numbers)",
                median: "paired percentile bootstrap, 1000 resamples of rollout indices",
                confidence: 0.95,
            },
            Pairing::Independent => Methods {
                shares: "Newcombe hybrid score interval for independent proportions (method 10)",
                median: "independent percentile bootstrap, 1000 resamples per scenario",
                confidence: 0.95,
            },
        }
    }

    /// What titles call the comparison: "reference vs pooled-budget", or with more scenarios
    /// "reference vs 6 alternatives".
    pub fn label(&self) -> String {
        match self.scenarios.as_slice() {
            [a, b] => format!("{} vs {}", a.name, b.name),
            [a, rest @ ..] => format!("{} vs {} alternatives", a.name, rest.len()),
            [] => String::new(),
        }
    }

    /// The row of metric `key`.
    pub fn metric(&self, key: &str) -> Option<&MetricRow> {
        self.metrics.iter().find(|m| m.key == key)
    }
}

/// Runs `scenarios` (each with the file it came from) side by side and compares them.
pub fn compare(
    scenarios: &[(Scenario, String)],
    config: &RunConfig,
    pairing: Pairing,
    progress: &(dyn Fn(u64) + Sync),
) -> Comparison {
    let setups: Vec<Setup> = scenarios.iter().map(|(s, _)| Setup::new(s)).collect();
    let run = engine::run_paired(&setups, config, pairing, progress);
    from_run(scenarios, &run, pairing, config)
}

/// Derives the comparison from a paired run made with `config`: its seed fixes the bootstrap,
/// and the bootstrap runs on `config.threads` worker threads (0: rayon's default count), in a
/// pool of its own rather than rayon's global one. The result does not depend on the threads.
pub fn from_run(
    scenarios: &[(Scenario, String)],
    run: &PairedRun,
    pairing: Pairing,
    config: &RunConfig,
) -> Comparison {
    assert_eq!(scenarios.len(), run.aggregates.len());
    let seed = config.seed;
    let layouts: Vec<_> = scenarios.iter().map(|(s, _)| draw_layout(s)).collect();
    let compared: Vec<Compared> = scenarios
        .iter()
        .zip(&run.aggregates)
        .enumerate()
        .map(|(j, ((s, file), agg))| {
            let seed_j = pairing.seed_of(seed, j);
            Compared {
                name: s.name.clone(),
                file: file.clone(),
                seed: seed_j,
                summary: Summary::new(&s.name, s.model.key(), seed_j, agg),
                draws_matched: layouts[j] == layouts[0],
            }
        })
        .collect();
    let n = run.aggregates.first().map_or(0, |a| a.rollouts);
    let indicators = Indicator::all();
    let months_first = run.months_of(0);
    let others = 1..scenarios.len();

    let share_row = |i: usize| -> MetricRow {
        MetricRow {
            key: indicators[i].key(),
            entries: others
                .clone()
                .map(|j| {
                    let t = run.tables[j - 1].table(i);
                    let d = match pairing {
                        Pairing::Common => paired_wald(t),
                        Pairing::Independent => newcombe_independent(t.a(), n, t.b(), n),
                    };
                    let share = |k: u64| if n == 0 { 0.0 } else { k as f64 / n as f64 };
                    Entry {
                        scenario: compared[j].name.clone(),
                        a: Some(share(t.a())),
                        b: Some(share(t.b())),
                        difference: Some(d.difference),
                        ci_low: Some(d.ci_low),
                        ci_high: Some(d.ci_high),
                    }
                })
                .collect(),
        }
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .expect("a thread pool can be built");
    let median_row = pool.install(|| MetricRow {
        key: MEDIAN_KEY.to_string(),
        entries: others
            .clone()
            .map(|j| {
                let d = median_difference(
                    &months_first,
                    run.aggregates[0].months,
                    &run.months_of(j),
                    run.aggregates[j].months,
                    pairing == Pairing::Common,
                    resample_seed(seed, j),
                );
                Entry {
                    scenario: compared[j].name.clone(),
                    a: d.a.map(f64::from),
                    b: d.b.map(f64::from),
                    difference: d.difference,
                    ci_low: d.ci_low,
                    ci_high: d.ci_high,
                }
            })
            .collect(),
    });
    debug_assert_eq!(BOOTSTRAP_RESAMPLES, 1000, "Methods::median names 1000");

    // Output order: the three headline metrics, then challenges, then fold causes.
    let mut metrics = vec![share_row(0), median_row, share_row(1)];
    metrics.extend((2..indicators.len()).map(share_row));
    Comparison {
        pairing,
        rollouts: n,
        seed,
        scenarios: compared,
        metrics,
    }
}

/// What decides which post, agency, pair or stream each draw goes to (`model::draw`): every
/// process takes a fixed number of draws a month in a fixed order — staffing one per post (and
/// one per post at the start), budget pressure one per agency, contacts one per agency pair,
/// funding one per stream; challenges and milestones a fixed number whatever the scenario. So
/// the agency count, each post's agency and the stream count decide the match; names, levels
/// and values do not.
fn draw_layout(scenario: &Scenario) -> (usize, Vec<u8>, usize) {
    let setup = Setup::new(scenario);
    (
        setup.n_agencies,
        setup.post_agency[..setup.n_posts].to_vec(),
        setup.n_streams,
    )
}

/// Metrics in order, each an entry (two scenarios) or a list of entries (more).
struct MetricsMap<'a>(&'a [MetricRow]);

impl Serialize for MetricsMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for row in self.0 {
            match row.entries.as_slice() {
                [one] => map.serialize_entry(&row.key, one)?,
                many => map.serialize_entry(&row.key, many)?,
            }
        }
        map.end()
    }
}

#[derive(Serialize)]
struct Document<'a> {
    pairing: &'static str,
    rollouts: u64,
    seed: u64,
    methods: Methods,
    scenarios: &'a [Compared],
    metrics: MetricsMap<'a>,
}

/// `compare.json`: pretty-printed, newline-terminated, metrics in a fixed order. With two
/// scenarios each metric is one object `{scenario, a, b, difference, ci_low, ci_high}`; with more,
/// a list of such objects, one per scenario after the first. No timing is in it, so it is
/// byte-identical for any thread count.
pub fn to_json(c: &Comparison) -> String {
    let doc = Document {
        pairing: c.pairing.key(),
        rollouts: c.rollouts,
        seed: c.seed,
        methods: c.methods(),
        scenarios: &c.scenarios,
        metrics: MetricsMap(&c.metrics),
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("a comparison serialises");
    text.push('\n');
    text
}

/// The seed of compared scenario `j`'s bootstrap resamples under master seed `seed`: both run
/// through SplitMix64 ([`engine::seed::independent_seed`]), so that no two (seed, scenario)
/// pairs share resamples. Keying by `seed + j`, as before, gave scenario j at seed S + 1 the
/// resamples of scenario j + 1 at seed S, tying together runs meant to be independent.
fn resample_seed(seed: u64, j: usize) -> u64 {
    engine::seed::independent_seed(seed ^ RESAMPLE_SALT, j as u64)
}

/// Keeps the resample seeds apart from the rollout seeds of `--independent` runs, which are
/// `independent_seed(seed, j)`.
const RESAMPLE_SALT: u64 = 0x7265_7361_6d70_6c65;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resample_seeds_of_neighbouring_seeds_and_scenarios_differ() {
        for seed in [0u64, 1, 2, 41, u64::MAX - 1] {
            for j in 1..6 {
                let here = resample_seed(seed, j);
                assert_ne!(
                    here,
                    resample_seed(seed.wrapping_add(1), j - 1),
                    "seed {seed}, j {j}"
                );
                assert_ne!(here, resample_seed(seed, j + 1));
                assert_ne!(here, resample_seed(seed.wrapping_add(1), j));
                assert_ne!(here, engine::seed::independent_seed(seed, j as u64));
            }
        }
    }
}
