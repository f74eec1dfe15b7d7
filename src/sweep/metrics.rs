//! The metrics of one sweep point: estimate, 95% interval and seed-noise variance, from the
//! point's replicate-group aggregates.

use super::spec::Metric;
use crate::stats::{Aggregate, wilson};

/// A metric's value at one point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    /// The metric over all the point's rollouts: a share (0 to 1) or, for the median, a month;
    /// NaN when undefined.
    pub estimate: f64,
    /// Lower bound of the 95% interval (Wilson score for shares, order statistics for the
    /// median): the uncertainty left by the finite number of rollouts.
    pub ci_low: f64,
    /// Upper bound of the same 95% interval.
    pub ci_high: f64,
    /// Seed-noise variance of the estimate: the sample variance of the metric between the
    /// point's R replicate groups, divided by R (the variance of a mean of R replicates).
    pub noise_var: f64,
}

/// Month of the `rank`-th (1-based) earliest first arrival at well established, counting
/// rollouts that never arrive as `months + 1`.
fn arrival_at_rank(agg: &Aggregate, rank: u64) -> f64 {
    let mut cumulative = 0;
    for (m, k) in agg.reached_by_month.iter().enumerate() {
        cumulative += k;
        if cumulative >= rank {
            return m as f64;
        }
    }
    agg.months as f64 + 1.0
}

/// The 1-based ranks (l, n + 1 − l) of the order statistics that bound the distribution-free 95%
/// interval of the median of `n` ≥ 1 values. The count B of values at or below the median is
/// binomial(n, ½), and [X₍ₗ₎, X₍ₙ₊₁₋ₗ₎] misses the median only when B ≤ l − 1 or B ≥ n + 1 − l, so
/// its coverage is 1 − 2 P(B ≤ l − 1); l is the largest rank with P(B ≤ l − 1) ≤ 0.025
/// (n = 10: 2 and 9; n = 20: 6 and 15). For n ≤ 5 no rank reaches 95% (P(B = 0) = 2⁻ⁿ > 0.025):
/// l = 1, the sample's range.
fn median_ci_ranks(n: u64) -> (u64, u64) {
    // Binomial coefficients summed term by term, C(n, k) = C(n, k − 1)(n − k + 1)/k, both kept
    // as a float times 2^scale; rescaling by a power of two is exact. B ≤ k has probability
    // sum · 2^(scale − n), and the test sum · 2^(scale − n) ≤ 0.025 is done as
    // sum ≤ 0.025 · 2^(n − scale), which always holds when n − scale is large.
    let (mut term, mut sum, mut scale) = (1.0f64, 1.0f64, 0u64);
    let mut l = 0;
    loop {
        let room = n - scale;
        if room < 1000 && sum > 0.025 * 2f64.powi(room as i32) {
            break; // P(B ≤ l) > 0.025
        }
        l += 1; // P(B ≤ l − 1) ≤ 0.025
        term = term * (n - l + 1) as f64 / l as f64;
        sum += term;
        if term > 2f64.powi(512) {
            term *= 2f64.powi(-512);
            sum *= 2f64.powi(-512);
            scale += 512;
        }
    }
    let l = l.max(1);
    (l, n + 1 - l)
}

/// Estimate and 95% interval of `metric` over the rollouts of `agg`.
pub fn estimate(metric: Metric, agg: &Aggregate) -> (f64, f64, f64) {
    let n = agg.rollouts;
    match metric {
        Metric::WellEstablished => {
            let i = wilson(agg.reached_by(agg.months), n);
            (i.share, i.ci_low, i.ci_high)
        }
        Metric::Folded => {
            let i = wilson(agg.folded(), n);
            (i.share, i.ci_low, i.ci_high)
        }
        Metric::MedianMonthsToWellEstablished => {
            if n == 0 {
                return (f64::NAN, f64::NAN, f64::NAN);
            }
            // The sample median is the ⌈n/2⌉-th order statistic, as in `Summary`; its
            // distribution-free interval is bounded by order statistics of exact binomial ranks.
            let (low, high) = median_ci_ranks(n);
            (
                arrival_at_rank(agg, n.div_ceil(2)),
                arrival_at_rank(agg, low),
                arrival_at_rank(agg, high),
            )
        }
    }
}

/// `metric` at a point whose rollouts were run as replicate `groups`.
pub fn measure(metric: Metric, groups: &[Aggregate]) -> Measured {
    let mut total = groups[0].clone();
    for g in &groups[1..] {
        total.merge(g);
    }
    let (estimate_, ci_low, ci_high) = estimate(metric, &total);
    let r = groups.len();
    let noise_var = if r < 2 {
        f64::NAN
    } else {
        let ys: Vec<f64> = groups.iter().map(|g| estimate(metric, g).0).collect();
        let mean = ys.iter().sum::<f64>() / r as f64;
        let var = ys.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / (r - 1) as f64;
        var / r as f64
    };
    Measured {
        estimate: estimate_,
        ci_low,
        ci_high,
        noise_var,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrivals(months: u32, at: &[(usize, u64)], never: u64) -> Aggregate {
        let mut agg = Aggregate::new(months);
        for &(m, k) in at {
            agg.reached_by_month[m] += k;
            agg.rollouts += k;
        }
        agg.rollouts += never;
        agg
    }

    #[test]
    fn median_counts_never_as_after_the_horizon() {
        // 10 rollouts: 3 arrive in month 5, 3 in month 9, 4 never.
        let agg = arrivals(24, &[(5, 3), (9, 3)], 4);
        assert_eq!(estimate(Metric::MedianMonthsToWellEstablished, &agg).0, 9.0);
        let agg = arrivals(24, &[(5, 3)], 7);
        assert_eq!(
            estimate(Metric::MedianMonthsToWellEstablished, &agg).0,
            25.0
        );
    }

    /// The ranks by the definition, in exact integers: the largest l with
    /// 40 · Σ_{k < l} C(n, k) ≤ 2ⁿ, at least 1.
    fn exact_ranks(n: u64) -> (u64, u64) {
        let mut c = 1u128; // C(n, k)
        let mut below = 0u128; // Σ_{i < k} C(n, i)
        let mut k = 0;
        while 40 * (below + c) <= 1u128 << n {
            below += c;
            k += 1;
            c = c * (n - k + 1) as u128 / k as u128;
        }
        let l = k.max(1);
        (l, n + 1 - l)
    }

    #[test]
    fn median_ranks_are_the_tabulated_binomial_ones() {
        // n = 10: P(B ≤ 1) = 11/1024 ≈ 0.0107 ≤ 0.025 < P(B ≤ 2) = 56/1024 ≈ 0.0547, so the
        // interval runs from the 2nd to the 9th value (coverage 1 − 22/1024 ≈ 97.9%).
        assert_eq!(median_ci_ranks(10), (2, 9));
        // n = 20: P(B ≤ 5) ≈ 0.0207 ≤ 0.025 < P(B ≤ 6) ≈ 0.0577: the 6th to the 15th.
        assert_eq!(median_ci_ranks(20), (6, 15));
        // Too few values for 95%: the range. n = 6 is the first with P(B = 0) = 1/64 ≤ 0.025.
        assert_eq!(median_ci_ranks(1), (1, 1));
        assert_eq!(median_ci_ranks(5), (1, 5));
        assert_eq!(median_ci_ranks(6), (1, 6));
        for n in 1..=120 {
            assert_eq!(median_ci_ranks(n), exact_ranks(n), "n = {n}");
        }
        // Larger n, from exact big-integer sums (Python's math.comb).
        assert_eq!(median_ci_ranks(200), (86, 115));
        assert_eq!(median_ci_ranks(1000), (469, 532));
        assert_eq!(median_ci_ranks(10_000), (4902, 5099));
    }

    #[test]
    fn median_interval_takes_those_order_statistics() {
        // 10 rollouts arriving in months 1, 2, …, 10: the interval is the 2nd and 9th.
        let at: Vec<(usize, u64)> = (1..=10).map(|m| (m, 1)).collect();
        let agg = arrivals(24, &at, 0);
        assert_eq!(
            estimate(Metric::MedianMonthsToWellEstablished, &agg),
            (5.0, 2.0, 9.0)
        );
        // 20 rollouts, 12 arriving in months 1 to 12 and 8 never (counted as month 25): the
        // 10th value, then the 6th and the 15th.
        let at: Vec<(usize, u64)> = (1..=12).map(|m| (m, 1)).collect();
        let agg = arrivals(24, &at, 8);
        assert_eq!(
            estimate(Metric::MedianMonthsToWellEstablished, &agg),
            (10.0, 6.0, 25.0)
        );
    }

    #[test]
    fn median_interval_brackets_the_estimate() {
        let at: Vec<(usize, u64)> = (0..40).map(|m| (m, 5)).collect();
        let agg = arrivals(48, &at, 0);
        let (e, lo, hi) = estimate(Metric::MedianMonthsToWellEstablished, &agg);
        assert_eq!(e, 19.0);
        assert!(lo < e && e < hi, "{lo} {e} {hi}");
        assert!(lo >= 15.0 && hi <= 24.0, "{lo} {hi}");
    }

    #[test]
    fn noise_variance_of_identical_groups_is_zero() {
        let g = arrivals(12, &[(3, 5)], 5);
        let m = measure(Metric::WellEstablished, &[g.clone(), g.clone(), g]);
        assert_eq!(m.estimate, 0.5);
        assert_eq!(m.noise_var, 0.0);
        let a = arrivals(12, &[(3, 2)], 8);
        let b = arrivals(12, &[(3, 6)], 4);
        let m = measure(Metric::WellEstablished, &[a, b]);
        // Group shares 0.2 and 0.6: sample variance 0.08, over 2 groups 0.04.
        assert!((m.noise_var - 0.04).abs() < 1e-12);
    }
}
