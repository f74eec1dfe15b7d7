//! Differences between scenarios: per-rollout yes/no indicators tallied in paired 2×2 tables,
//! confidence intervals for a difference of proportions (paired and independent), and a
//! bootstrap interval for a difference of medians.
//!
//! Tallies are integers, so merging them in any order gives the same bits for any thread count;
//! every interval is a pure function of those integers (and, for the bootstrap, of a fixed seed).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::interval::{Z95, wilson};
use crate::engine::Outcome;
use crate::model::{ChallengeKind, FoldCause};

/// A yes/no property of one rollout, compared between scenarios rollout by rollout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indicator {
    /// Became well established by the horizon.
    WellEstablished,
    /// Folded before the horizon.
    Folded,
    /// Met this challenge at least once.
    Challenge(ChallengeKind),
    /// Folded for this reason.
    FoldCause(FoldCause),
}

/// How many indicators there are.
pub const INDICATORS: usize = 2 + ChallengeKind::COUNT + FoldCause::COUNT;

impl Indicator {
    /// Every indicator, in output order: the headline two, the challenges (Table 6.1 order), the
    /// fold causes.
    pub fn all() -> [Indicator; INDICATORS] {
        let mut all = [Indicator::WellEstablished; INDICATORS];
        all[1] = Indicator::Folded;
        for (i, c) in ChallengeKind::ALL.iter().enumerate() {
            all[2 + i] = Indicator::Challenge(*c);
        }
        for (i, c) in FoldCause::ALL.iter().enumerate() {
            all[2 + ChallengeKind::COUNT + i] = Indicator::FoldCause(*c);
        }
        all
    }

    /// Stable key in `compare.json`: `well_established`, `folded`, `challenge_<kind>`,
    /// `folded_<cause>`.
    pub fn key(self) -> String {
        match self {
            Indicator::WellEstablished => "well_established".into(),
            Indicator::Folded => "folded".into(),
            Indicator::Challenge(c) => format!("challenge_{}", c.key()),
            Indicator::FoldCause(c) => format!("folded_{}", c.key()),
        }
    }

    /// Whether the rollout has the property.
    pub fn of(self, o: &Outcome) -> bool {
        match self {
            Indicator::WellEstablished => o.reached_well_established.is_some(),
            Indicator::Folded => o.fold.is_some(),
            Indicator::Challenge(c) => o.met(c),
            Indicator::FoldCause(c) => o.fold.is_some_and(|(cause, _)| cause == c),
        }
    }

    /// All indicators of a rollout as bits, bit i for `Indicator::all()[i]`.
    pub fn bits(o: &Outcome) -> u16 {
        let mut bits = 0u16;
        for (i, ind) in Indicator::all().iter().enumerate() {
            bits |= (ind.of(o) as u16) << i;
        }
        bits
    }
}

/// For each indicator, the paired 2×2 table of one scenario (b) against the first (a): counts of
/// rollouts with (a, b) = (no, no), (no, yes), (yes, no), (yes, yes), indexed `2·a + b`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairTables {
    /// One row per indicator in [`Indicator::all`] order; cell `2·a + b` counts rollouts.
    pub counts: [[u64; 4]; INDICATORS],
}

impl Default for PairTables {
    fn default() -> Self {
        PairTables {
            counts: [[0; 4]; INDICATORS],
        }
    }
}

impl PairTables {
    /// Tallies one rollout index: `a` and `b` are the two scenarios' [`Indicator::bits`].
    #[inline]
    pub fn add(&mut self, a: u16, b: u16) {
        for (i, row) in self.counts.iter_mut().enumerate() {
            let cell = (((a >> i) & 1) << 1 | ((b >> i) & 1)) as usize;
            row[cell] += 1;
        }
    }

    /// Adds another tally.
    pub fn merge(&mut self, other: &PairTables) {
        for (row, o) in self.counts.iter_mut().zip(&other.counts) {
            for (x, y) in row.iter_mut().zip(o) {
                *x += y;
            }
        }
    }

    /// The table of indicator `i`.
    pub fn table(&self, i: usize) -> Table2 {
        let [n00, n01, n10, n11] = self.counts[i];
        Table2 { n00, n01, n10, n11 }
    }
}

/// A paired 2×2 table: `n10` rollouts had the property under a but not b, `n01` under b only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table2 {
    /// Rollouts with the property under neither scenario.
    pub n00: u64,
    /// Rollouts with the property under b only (discordant).
    pub n01: u64,
    /// Rollouts with the property under a only (discordant).
    pub n10: u64,
    /// Rollouts with the property under both.
    pub n11: u64,
}

impl Table2 {
    /// Rollouts tallied.
    pub fn n(&self) -> u64 {
        self.n00 + self.n01 + self.n10 + self.n11
    }
    /// Rollouts with the property under a.
    pub fn a(&self) -> u64 {
        self.n10 + self.n11
    }
    /// Rollouts with the property under b.
    pub fn b(&self) -> u64 {
        self.n01 + self.n11
    }
}

/// A difference b − a with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Difference {
    /// b − a, a fraction in [−1, 1].
    pub difference: f64,
    /// Lower bound of the 95% interval, at least −1.
    pub ci_low: f64,
    /// Upper bound of the 95% interval, at most 1.
    pub ci_high: f64,
}

/// Wald interval for the mean of paired differences d_k = b_k − a_k ∈ {−1, 0, 1} (the paired
/// t-interval with a normal quantile). From the table, Σd = n01 − n10 and Σd² = n01 + n10, so
/// the mean is (n01 − n10)/n and its standard error s/√n with the sample variance
/// s² = (Σd² − n·mean²)/(n − 1). With common random numbers most pairs agree, s is small and the
/// interval narrow; when no pair disagrees it is exactly [0, 0]. Its coverage is poor only when
/// very few pairs disagree (fewer than about ten), where it can be too narrow; n < 2 gives the
/// uninformative [−1, 1]. Clamped to [−1, 1].
pub fn paired_wald(t: Table2) -> Difference {
    let n = t.n();
    let diff = if n == 0 {
        0.0
    } else {
        (t.n01 as f64 - t.n10 as f64) / n as f64
    };
    if n < 2 {
        return Difference {
            difference: diff,
            ci_low: -1.0,
            ci_high: 1.0,
        };
    }
    let nf = n as f64;
    let discordant = (t.n01 + t.n10) as f64;
    let var = ((discordant - nf * diff * diff) / (nf - 1.0)).max(0.0);
    let half = Z95 * (var / nf).sqrt();
    Difference {
        difference: diff,
        ci_low: (diff - half).max(-1.0),
        ci_high: (diff + half).min(1.0),
    }
}

/// Newcombe's hybrid score interval for the difference p_b − p_a of two independent proportions
/// (Newcombe 1998, Statistics in Medicine 17:873–890, method 10): the Wilson intervals
/// [l, u] of each proportion combined as
/// (p_b − p_a) − √((p_b − l_b)² + (u_a − p_a)²) to (p_b − p_a) + √((u_b − p_b)² + (p_a − l_a)²).
pub fn newcombe_independent(ka: u64, na: u64, kb: u64, nb: u64) -> Difference {
    let a = wilson(ka, na);
    let b = wilson(kb, nb);
    let diff = b.share - a.share;
    Difference {
        difference: diff,
        ci_low: (diff - ((b.share - b.ci_low).powi(2) + (a.ci_high - a.share).powi(2)).sqrt())
            .max(-1.0),
        ci_high: (diff + ((b.ci_high - b.share).powi(2) + (a.share - a.ci_low).powi(2)).sqrt())
            .min(1.0),
    }
}

/// Month of first reaching well established, or this when the rollout never did.
pub const NEVER: u16 = u16::MAX;

/// Resamples of the median bootstrap.
pub const BOOTSTRAP_RESAMPLES: u32 = 1000;

/// Median month from a histogram over months `0..=months` (last bin: never reached), with the
/// definition of [`crate::stats::Summary`]: the smallest month m by which at least half of the
/// rollouts were well established; `None` when fewer than half ever were.
fn median_of(hist: &[u64], n: u64) -> Option<u32> {
    let mut cumulative = 0;
    for (m, k) in hist[..hist.len() - 1].iter().enumerate() {
        cumulative += k;
        if n > 0 && 2 * cumulative >= n {
            return Some(m as u32);
        }
    }
    None
}

/// Histogram bin of a month: itself, or the last bin (after the horizon) for [`NEVER`].
#[inline]
fn bin(month: u16, months: u32) -> usize {
    (month as usize).min(months as usize + 1)
}

/// Median month to well established of per-rollout months ([`NEVER`] when never).
pub fn median_month(values: impl Iterator<Item = u16>, months: u32) -> Option<u32> {
    let mut hist = vec![0u64; months as usize + 2];
    let mut n = 0;
    for v in values {
        hist[bin(v, months)] += 1;
        n += 1;
    }
    median_of(&hist, n)
}

/// A difference of medians in months with its 95% interval; `None` where undefined.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MedianDifference {
    /// Scenario a's median month; `None` when fewer than half of its rollouts got there.
    pub a: Option<u32>,
    /// Scenario b's median month; `None` when fewer than half of its rollouts got there.
    pub b: Option<u32>,
    /// b − a in months; `None` when either median is.
    pub difference: Option<f64>,
    /// Lower bound of the bootstrap interval in months; `None` when unbounded or undefined.
    pub ci_low: Option<f64>,
    /// Upper bound of the bootstrap interval in months; `None` when unbounded or undefined.
    pub ci_high: Option<f64>,
}

/// Uniform index below `n` from one `u64` draw (Lemire's multiply-shift; bias below n/2⁶⁴).
#[inline]
fn index_below<R: Rng>(rng: &mut R, n: usize) -> usize {
    ((rng.next_u64() as u128 * n as u128) >> 64) as usize
}

/// Difference of median months to well established, b − a, with a 95% percentile-bootstrap
/// interval from [`BOOTSTRAP_RESAMPLES`] resamples of the rollouts. `paired`: one resample of
/// rollout indices serves both scenarios, keeping each rollout's pair together (common random
/// numbers); otherwise each scenario is resampled on its own. Resample r draws from ChaCha8
/// keyed by `rollout_key(seed XOR 0xb0075742b0075742, r)` (SplitMix64 of both), so the interval
/// is fixed by the seed and does not depend on threads; `compare` passes a seed of its own for each
/// compared scenario (docs/compare.md).
/// A median not reached by half the rollouts counts as later than any month; a bound that
/// involves one is unbounded and reported as `None`, as is the whole interval when either point
/// estimate is undefined.
pub fn median_difference(
    a: &[u16],
    months_a: u32,
    b: &[u16],
    months_b: u32,
    paired: bool,
    seed: u64,
) -> MedianDifference {
    use rayon::prelude::*;

    let med_a = median_month(a.iter().copied(), months_a);
    let med_b = median_month(b.iter().copied(), months_b);
    let (Some(ma), Some(mb)) = (med_a, med_b) else {
        return MedianDifference {
            a: med_a,
            b: med_b,
            difference: None,
            ci_low: None,
            ci_high: None,
        };
    };
    let point = mb as f64 - ma as f64;
    assert!(
        !paired || a.len() == b.len(),
        "paired samples of different sizes"
    );
    // Encoded so that an unreached median sorts after every month: f64::INFINITY; a resample in
    // which neither reaches its median has no defined difference (NaN).
    let diffs: Vec<f64> = (0..BOOTSTRAP_RESAMPLES)
        .into_par_iter()
        .map(|r| {
            let mut rng = ChaCha8Rng::from_seed(crate::engine::seed::rollout_key(
                seed ^ 0xb007_5742_b007_5742,
                r as u64,
            ));
            let mut ha = vec![0u64; months_a as usize + 2];
            let mut hb = vec![0u64; months_b as usize + 2];
            if paired {
                for _ in 0..a.len() {
                    let k = index_below(&mut rng, a.len());
                    ha[bin(a[k], months_a)] += 1;
                    hb[bin(b[k], months_b)] += 1;
                }
            } else {
                for _ in 0..a.len() {
                    ha[bin(a[index_below(&mut rng, a.len())], months_a)] += 1;
                }
                for _ in 0..b.len() {
                    hb[bin(b[index_below(&mut rng, b.len())], months_b)] += 1;
                }
            }
            let ra = median_of(&ha, a.len() as u64).map_or(f64::INFINITY, f64::from);
            let rb = median_of(&hb, b.len() as u64).map_or(f64::INFINITY, f64::from);
            rb - ra
        })
        .collect();
    let (ci_low, ci_high) = percentile_interval(diffs);
    MedianDifference {
        a: med_a,
        b: med_b,
        difference: Some(point),
        ci_low,
        ci_high,
    }
}

/// The 2.5th and 97.5th percentiles (order statistics ⌊0.025·B⌋ and ⌈0.975·B⌉ − 1, from 0), `None`
/// for an unbounded end. A resample whose difference is undefined (NaN) could sort anywhere, so a
/// bound is reported only when it is the same wherever the undefined ones fall: with m of them,
/// order statistic r lies between the (r − m)-th and the r-th of the defined values.
fn percentile_interval(diffs: Vec<f64>) -> (Option<f64>, Option<f64>) {
    let b = diffs.len();
    if b == 0 {
        return (None, None);
    }
    let mut defined: Vec<f64> = diffs.into_iter().filter(|d| !d.is_nan()).collect();
    let undefined = b - defined.len();
    defined.sort_by(f64::total_cmp);
    let at = |r: usize| -> Option<f64> {
        let lowest = defined.get(r.checked_sub(undefined)?)?;
        let highest = defined.get(r)?;
        (lowest == highest && lowest.is_finite()).then_some(*lowest)
    };
    (at(b * 25 / 1000), at((b * 975).div_ceil(1000) - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(n00: u64, n01: u64, n10: u64, n11: u64) -> Table2 {
        Table2 { n00, n01, n10, n11 }
    }

    /// 1000 resamples: 100 where b's median is unreached (−∞), one where neither is (NaN), and
    /// defined values above. The upper bound is the same wherever the NaN falls; the lower is not
    /// bounded.
    #[test]
    fn an_undefined_resample_leaves_a_bound_it_cannot_move() {
        let mut diffs = vec![f64::NEG_INFINITY; 100];
        diffs.push(f64::NAN);
        diffs.extend([-3.0; 500]);
        diffs.extend([-1.0; 399]);
        assert_eq!(percentile_interval(diffs), (None, Some(-1.0)));
        // Ranks 973 and 974 of the defined values differ: the NaN decides the bound.
        let mut diffs = vec![f64::NEG_INFINITY; 100];
        diffs.push(f64::NAN);
        diffs.extend([-3.0; 874]);
        diffs.extend([-1.0; 25]);
        assert_eq!(percentile_interval(diffs), (None, None));
        // Without undefined resamples: the 26th and 975th values.
        let diffs: Vec<f64> = (0..1000).map(f64::from).collect();
        assert_eq!(percentile_interval(diffs), (Some(25.0), Some(974.0)));
    }

    #[test]
    fn identical_scenarios_differ_by_exactly_zero() {
        let d = paired_wald(table(40, 0, 0, 60));
        assert_eq!(d.difference, 0.0);
        assert_eq!((d.ci_low, d.ci_high), (0.0, 0.0));
    }

    #[test]
    fn paired_wald_matches_a_hand_computation() {
        // 1000 pairs, 30 improve, 10 worsen: mean 0.02; s² = (40 − 1000·0.0004)/999.
        let d = paired_wald(table(500, 30, 10, 460));
        let se = ((40.0 - 0.4) / 999.0 / 1000.0f64).sqrt();
        assert!((d.difference - 0.02).abs() < 1e-15);
        assert!((d.ci_low - (0.02 - Z95 * se)).abs() < 1e-12);
        assert!((d.ci_high - (0.02 + Z95 * se)).abs() < 1e-12);
    }

    #[test]
    fn newcombe_matches_the_published_example() {
        // Newcombe (1998a), Table II example (d): 56/70 − 48/80 = 0.2, method 10 gives
        // 0.0524 to 0.3339.
        let d = newcombe_independent(48, 80, 56, 70);
        assert!((d.difference - 0.2).abs() < 1e-12);
        assert!((d.ci_low - 0.0524).abs() < 5e-4, "{d:?}");
        assert!((d.ci_high - 0.3339).abs() < 5e-4, "{d:?}");
    }

    #[test]
    fn tables_tally_and_merge() {
        let mut t = PairTables::default();
        t.add(0b01, 0b11);
        t.add(0b00, 0b10);
        let mut u = PairTables::default();
        u.add(0b11, 0b01);
        t.merge(&u);
        // Indicator 0: (1,1), (0,0), (1,1).
        assert_eq!(t.table(0), table(1, 0, 0, 2));
        // Indicator 1: (0,1), (0,1), (1,0).
        assert_eq!(t.table(1), table(0, 2, 1, 0));
    }

    #[test]
    fn medians_follow_the_summary_definition() {
        assert_eq!(median_month([3, 5, NEVER, 7].into_iter(), 12), Some(5));
        assert_eq!(median_month([3, NEVER, NEVER, NEVER].into_iter(), 12), None);
        assert_eq!(median_month(std::iter::empty(), 12), None);
    }

    #[test]
    fn median_bootstrap_of_a_scenario_against_itself_is_zero() {
        let a: Vec<u16> = (0..500)
            .map(|k| if k % 5 == 0 { NEVER } else { (k % 40) as u16 })
            .collect();
        let d = median_difference(&a, 48, &a, 48, true, 9);
        assert_eq!(d.difference, Some(0.0));
        assert_eq!((d.ci_low, d.ci_high), (Some(0.0), Some(0.0)));
    }

    #[test]
    fn median_bootstrap_brackets_a_shift() {
        let a: Vec<u16> = (0..2000).map(|k| (k % 40) as u16).collect();
        let b: Vec<u16> = a.iter().map(|m| m + 6).collect();
        for paired in [true, false] {
            let d = median_difference(&a, 60, &b, 60, paired, 3);
            assert_eq!(d.difference, Some(6.0));
            let (lo, hi) = (d.ci_low.unwrap(), d.ci_high.unwrap());
            assert!(lo <= 6.0 && 6.0 <= hi, "{d:?}");
            if paired {
                // Every pair moves by exactly 6 months.
                assert_eq!((lo, hi), (6.0, 6.0));
            }
        }
    }

    #[test]
    fn unreached_medians_give_no_interval() {
        let a: Vec<u16> = vec![NEVER; 100];
        let b: Vec<u16> = (0..100).map(|k| k as u16 % 10).collect();
        let d = median_difference(&a, 24, &b, 24, true, 1);
        assert_eq!(d.a, None);
        assert_eq!(d.difference, None);
        assert_eq!((d.ci_low, d.ci_high), (None, None));
    }
}
