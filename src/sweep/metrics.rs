//! The metrics of one sweep point: estimate, 95% interval and seed-noise variance, from the
//! point's replicate-group aggregates.

use super::spec::Metric;
use crate::stats::{Aggregate, interval::Z95, wilson};

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
            // The sample median is the ⌈n/2⌉-th order statistic, as in `Summary`. Its
            // distribution-free interval takes the order statistics of ranks n/2 ∓ z√n/2
            // (normal approximation to the binomial; Conover 1999, §3.2).
            let half = n as f64 / 2.0;
            let spread = Z95 * (n as f64).sqrt() / 2.0;
            let low = ((half - spread).floor() as i64).clamp(1, n as i64) as u64;
            let high = ((half + spread).ceil() as i64 + 1).clamp(1, n as i64) as u64;
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
