//! Confidence intervals for shares.

use serde::Serialize;

/// 97.5th percentile of the standard normal: two-sided 95% intervals.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A share with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Point estimate `k / n`, 0..1 (0 when `n = 0`).
    pub share: f64,
    /// Lower bound of the two-sided 95% interval, ≥ 0; exactly 0 when `k = 0`.
    pub ci_low: f64,
    /// Upper bound of the two-sided 95% interval, ≤ 1; exactly 1 when `k = n`.
    pub ci_high: f64,
}

/// Wilson score interval (Wilson 1927) for `k` successes in `n` trials at 95%: unlike the Wald
/// interval it stays inside [0, 1] and keeps its coverage near 0 and 1, where shares of folded
/// or well-established rollouts often sit. `n = 0` gives the uninformative [0, 1].
pub fn wilson(k: u64, n: u64) -> Interval {
    if n == 0 {
        return Interval {
            share: 0.0,
            ci_low: 0.0,
            ci_high: 1.0,
        };
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    // At k = 0 and k = n the bounds are exactly 0 and 1; rounding would otherwise leave them a
    // hair inside.
    let ci_low = if k == 0.0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let ci_high = if k == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    Interval {
        share: p,
        ci_low,
        ci_high,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_a_published_value() {
        // Newcombe (1998), Table I: 81 of 263 gives 0.2553 to 0.3662.
        let i = wilson(81, 263);
        assert!((i.ci_low - 0.2553).abs() < 5e-4, "{i:?}");
        assert!((i.ci_high - 0.3662).abs() < 5e-4, "{i:?}");
    }

    #[test]
    fn wilson_edges_stay_in_unit_interval() {
        let zero = wilson(0, 10);
        assert_eq!(zero.ci_low, 0.0);
        assert!(zero.ci_high > 0.2 && zero.ci_high < 0.35);
        let all = wilson(10, 10);
        assert_eq!(all.ci_high, 1.0);
        assert!(all.ci_low > 0.65);
    }
}
