//! Sensitivity estimators, written over plain output vectors so that they can be checked on
//! functions with known indices (Ishigami) as well as on simulated metrics.
//!
//! - Sobol indices from a Saltelli design (outputs in the order of
//!   [`super::design::Design::Saltelli`]: for base sample j, f(A_j), f(B_j), f(A_B^(1)_j) …):
//!   first order by Saltelli et al. (2010), S_i = mean((f(B) − f0)(f(A_B^(i)) − f(A))) / V
//!   (centred on the mean f0, which leaves its expectation unchanged); total effect
//!   by Jansen (1999), S_Ti = mean((f(A) − f(A_B^(i)))²) / (2V); V the variance of f(A) and f(B)
//!   pooled.
//! - Morris elementary effects: μ* (mean absolute effect, Campolongo et al. 2007), μ and σ, in
//!   output units per full range of the parameter.
//! - 95% intervals: percentile bootstrap, resampling base samples (Sobol) or trajectories
//!   (Morris) with replacement, from a seeded generator; undefined (NaN, `null`) when the
//!   bootstrap cannot vary: fewer than 2 units to resample, or fewer than 2 resamples where the
//!   statistic is defined.
//! - An output that does not vary between points has undefined indices, Sobol and Morris alike:
//!   NaN estimates and intervals, not 0 (no influence).
//! - Noise share: the share of the variance of point estimates between points that is seed
//!   noise, mean(noise variance) / variance(estimates).

use serde::Serialize;

use super::design::{Coords, Design, Morris, SplitMix, hash3};

/// An estimate with its 95% interval; `null` in JSON when not defined (no output variance).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ci {
    /// The statistic on the full sample; NaN (`null`) when undefined.
    pub estimate: f64,
    /// 2.5th percentile of the statistic over the bootstrap resamples where it is defined;
    /// NaN when the estimate is, or when the bootstrap cannot vary (fewer than 2 units or
    /// defined resamples).
    pub ci_low: f64,
    /// 97.5th percentile of the same draws; NaN likewise.
    pub ci_high: f64,
}

impl Ci {
    /// True when `x` lies in the interval.
    pub fn contains(&self, x: f64) -> bool {
        self.ci_low <= x && x <= self.ci_high
    }
}

/// Evaluates `f` at every point of a continuous design (unit-cube coordinates), in point order:
/// the outputs the estimators below expect.
pub fn evaluate<F: Fn(&[f64]) -> f64>(design: &Design, f: F) -> Vec<f64> {
    (0..design.points())
        .map(|i| match design.coords(i) {
            Coords::Unit(x) => f(&x),
            Coords::Levels(l) => f(&l.iter().map(|&l| l as f64).collect::<Vec<_>>()),
        })
        .collect()
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    // Linear interpolation between closest ranks (Hyndman and Fan type 7).
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Percentile-bootstrap intervals: `stat(sample indices)` returns one value per output; it is
/// computed on the full sample for the estimates and on `resamples` resamples of the `n` units.
/// With fewer than 2 units every resample is the sample itself, and with fewer than 2 defined
/// resampled values there is no spread to take percentiles of: the interval is then undefined
/// (NaN), not the zero-width interval the percentiles would give.
fn bootstrap<S: Fn(&[usize]) -> Vec<f64>>(n: usize, resamples: u32, seed: u64, stat: S) -> Vec<Ci> {
    let all: Vec<usize> = (0..n).collect();
    let estimates = stat(&all);
    let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(resamples as usize); estimates.len()];
    let mut rng = SplitMix(hash3(seed, 0xb007, n as u64));
    let mut idx = vec![0usize; n];
    for _ in 0..resamples {
        for i in idx.iter_mut() {
            *i = rng.below(n as u64) as usize;
        }
        for (d, v) in draws.iter_mut().zip(stat(&idx)) {
            if v.is_finite() {
                d.push(v);
            }
        }
    }
    estimates
        .iter()
        .zip(draws)
        .map(|(&estimate, mut d)| {
            if !estimate.is_finite() || n < 2 || d.len() < 2 {
                return Ci {
                    estimate,
                    ci_low: f64::NAN,
                    ci_high: f64::NAN,
                };
            }
            d.sort_by(f64::total_cmp);
            Ci {
                estimate,
                ci_low: percentile(&d, 0.025),
                ci_high: percentile(&d, 0.975),
            }
        })
        .collect()
}

/// First-order and total Sobol indices of each parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    /// S_i per parameter, in parameter order: the variance share of the parameter alone.
    pub first_order: Vec<Ci>,
    /// S_Ti per parameter, in parameter order: the share with all its interactions.
    pub total: Vec<Ci>,
}

/// First-order then total indices from the base samples `js` (with repeats for a resample).
fn sobol_estimates(y: &[f64], d: usize, js: &[usize]) -> Vec<f64> {
    let stride = d + 2;
    let n = js.len() as f64;
    let (mut sum, mut sum2) = (0.0, 0.0);
    for &j in js {
        for k in 0..2 {
            let v = y[j * stride + k];
            sum += v;
            sum2 += v * v;
        }
    }
    let mean = sum / (2.0 * n);
    let var = sum2 / (2.0 * n) - mean * mean;
    let mut out = vec![0.0; 2 * d];
    for i in 0..d {
        let (mut first, mut total) = (0.0, 0.0);
        for &j in js {
            let (a, b, ab) = (y[j * stride], y[j * stride + 1], y[j * stride + 2 + i]);
            // Centred on the mean: the same expectation, a much smaller variance when the
            // output's mean is far from zero.
            first += (b - mean) * (ab - a);
            total += (a - ab) * (a - ab);
        }
        out[i] = first / n / var;
        out[d + i] = total / (2.0 * n) / var;
    }
    // The one-pass variance of an output that does not vary is the rounding error of the two
    // sums, of either sign and at most about 2n·ε·E[y²]: below a few times that bound the
    // output is taken as constant and the indices as undefined, not 0 (no influence) or ±∞.
    let noise = 8.0 * (2.0 * n) * f64::EPSILON * (sum2 / (2.0 * n));
    if var.partial_cmp(&noise) != Some(std::cmp::Ordering::Greater) {
        out.iter_mut().for_each(|v| *v = f64::NAN);
    }
    out
}

/// Sobol indices of `d` parameters from outputs `y` of a Saltelli design (length N(d + 2)).
pub fn sobol_indices(y: &[f64], d: usize, resamples: u32, seed: u64) -> SobolIndices {
    let n = y.len() / (d + 2);
    let mut cis = bootstrap(n, resamples, seed, |js| sobol_estimates(y, d, js));
    let total = cis.split_off(d);
    SobolIndices {
        first_order: cis,
        total,
    }
}

/// Morris measures of each parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisIndices {
    /// μ* per parameter: mean absolute elementary effect, per full range of the parameter.
    pub mu_star: Vec<Ci>,
    /// μ per parameter: mean signed elementary effect, in the same units.
    pub mu: Vec<Ci>,
    /// σ per parameter: standard deviation of the elementary effects across trajectories
    /// (interactions and non-linearity); NaN with a single trajectory.
    pub sigma: Vec<Ci>,
}

/// Morris μ*, μ and σ from outputs `y` in trajectory order (length r(d + 1)). An elementary
/// effect is the output's change over the input's (Morris 1991): `realized[k][i]`, when given, is
/// parameter k's value at point i as applied, in units of its whole range, and a step divides by
/// its change there; without it, or where the applied value did not move (an integer rounded to
/// the same value), by the design's step Δ.
pub fn morris_indices(
    y: &[f64],
    morris: &Morris,
    realized: Option<&[Vec<f64>]>,
    resamples: u32,
    seed: u64,
) -> MorrisIndices {
    let d = morris.d;
    let r = morris.r as usize;
    // An output that does not vary has no elementary effects to speak of: every measure is
    // undefined, as Sobol indices are, rather than 0 with a [0, 0] interval.
    if y.windows(2).all(|w| w[0] == w[1]) {
        let none = vec![
            Ci {
                estimate: f64::NAN,
                ci_low: f64::NAN,
                ci_high: f64::NAN,
            };
            d
        ];
        return MorrisIndices {
            mu_star: none.clone(),
            mu: none.clone(),
            sigma: none,
        };
    }
    // effects[t][k]: the elementary effect of parameter k in trajectory t.
    let mut effects = vec![vec![0.0; d]; r];
    for (t, row) in effects.iter_mut().enumerate() {
        let base = t * (d + 1);
        for s in 1..=d {
            let (k, nominal) = morris.step(t as u64, s);
            let applied = realized.map_or(0.0, |x| x[k][base + s] - x[k][base + s - 1]);
            let step = if applied != 0.0 && applied.is_finite() {
                applied
            } else {
                nominal
            };
            row[k] = (y[base + s] - y[base + s - 1]) / step;
        }
    }
    let stat = |ts: &[usize]| {
        let n = ts.len() as f64;
        let mut out = vec![0.0; 3 * d];
        for k in 0..d {
            let mean = ts.iter().map(|&t| effects[t][k]).sum::<f64>() / n;
            let abs = ts.iter().map(|&t| effects[t][k].abs()).sum::<f64>() / n;
            let var = if ts.len() > 1 {
                ts.iter()
                    .map(|&t| (effects[t][k] - mean).powi(2))
                    .sum::<f64>()
                    / (n - 1.0)
            } else {
                f64::NAN
            };
            out[k] = abs;
            out[d + k] = mean;
            out[2 * d + k] = var.sqrt();
        }
        out
    };
    let mut cis = bootstrap(r, resamples, seed, stat);
    let sigma = cis.split_off(2 * d);
    let mu = cis.split_off(d);
    MorrisIndices {
        mu_star: cis,
        mu,
        sigma,
    }
}

/// How much of the spread of point estimates is seed noise.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NoiseShare {
    /// mean(noise variance) / variance of the estimates, capped at 1; NaN (`null`) when
    /// undefined: no noise variance (no replicate groups), a single point, or 0/0 (an output
    /// that does not vary, without seed noise either).
    pub noise_share: f64,
    /// Sample variance of the point estimates across points.
    pub output_variance: f64,
    /// Mean seed-noise variance of a point estimate.
    pub noise_variance: f64,
}

/// The noise share of estimates `y` with seed-noise variances `noise`.
pub fn noise_share(y: &[f64], noise: &[f64]) -> NoiseShare {
    let n = y.len() as f64;
    let mean = y.iter().sum::<f64>() / n;
    let output_variance = if y.len() > 1 && y.windows(2).all(|w| w[0] == w[1]) {
        // Exactly, not the rounding error of a mean that is not a binary fraction.
        0.0
    } else if y.len() > 1 {
        y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        f64::NAN
    };
    let noise_variance = noise.iter().sum::<f64>() / noise.len() as f64;
    // An undefined noise variance (one rollout per point: no replicate groups) leaves the share
    // undefined too, not 1: `f64::min` would turn NaN into 1.
    let noise_share = if noise_variance.is_nan() || output_variance.is_nan() {
        f64::NAN
    } else if output_variance > 0.0 {
        (noise_variance / output_variance).min(1.0)
    } else if noise_variance == 0.0 {
        // 0/0: the output is the same at every point and has no seed noise either.
        f64::NAN
    } else {
        1.0
    };
    NoiseShare {
        noise_share,
        output_variance,
        noise_variance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A constant output whose value is not a binary fraction: the one-pass variance is rounding
    /// noise, and the indices are undefined, not 0.
    #[test]
    fn a_constant_output_has_undefined_indices() {
        for (n, d) in [(64, 1), (96, 2), (100, 3)] {
            for c in [0.55, 0.1, 67.3, 1e-3] {
                let y = vec![c; n * (d + 2)];
                let js: Vec<usize> = (0..n).collect();
                let est = sobol_estimates(&y, d, &js);
                assert!(
                    est.iter().all(|v| v.is_nan()),
                    "{c} (n {n}, d {d}): {est:?}"
                );
            }
        }
        // A small but real spread still gives indices.
        let n = 64;
        let y: Vec<f64> = (0..n * 3)
            .map(|i| 0.55 + 1e-4 * ((i * 7) % 13) as f64)
            .collect();
        let js: Vec<usize> = (0..n).collect();
        assert!(sobol_estimates(&y, 1, &js).iter().all(|v| v.is_finite()));
    }

    #[test]
    fn percentiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile(&v, 0.5), 3.0);
        assert_eq!(percentile(&v, 0.0), 1.0);
        assert_eq!(percentile(&v, 1.0), 5.0);
        assert_eq!(percentile(&v, 0.125), 1.5);
    }

    #[test]
    fn noise_share_of_pure_noise_is_one() {
        let s = noise_share(&[0.4, 0.6, 0.5, 0.5], &[0.02, 0.02, 0.02, 0.02]);
        assert_eq!(s.noise_share, 1.0);
        let s = noise_share(&[0.0, 1.0, 0.0, 1.0], &[0.0; 4]);
        assert_eq!(s.noise_share, 0.0);
        assert!((s.output_variance - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn noise_share_of_an_output_that_never_varies_is_undefined() {
        // 0/0: `folded` at 0 in every rollout of every point.
        let s = noise_share(&[0.0; 5], &[0.0; 5]);
        assert!(s.noise_share.is_nan(), "{}", s.noise_share);
        assert_eq!((s.output_variance, s.noise_variance), (0.0, 0.0));
        // A constant that is not a binary fraction is as constant.
        let s = noise_share(&[0.55; 7], &[0.0; 7]);
        assert!(s.noise_share.is_nan(), "{}", s.noise_share);
        // Seed noise over no spread between points is all noise.
        assert_eq!(noise_share(&[0.5; 3], &[0.01; 3]).noise_share, 1.0);
    }

    #[test]
    fn bootstrap_intervals_need_two_units_and_two_resamples() {
        let mean = |js: &[usize]| vec![js.iter().map(|&j| j as f64).sum::<f64>() / js.len() as f64];
        let one = bootstrap(1, 1000, 3, mean);
        assert_eq!(one[0].estimate, 0.0);
        assert!(one[0].ci_low.is_nan() && one[0].ci_high.is_nan(), "{one:?}");
        let single_draw = bootstrap(10, 1, 3, mean);
        assert!(single_draw[0].ci_low.is_nan(), "{single_draw:?}");
        let ten = bootstrap(10, 1000, 3, mean);
        assert!(ten[0].ci_low < 4.5 && 4.5 < ten[0].ci_high, "{ten:?}");
    }

    #[test]
    fn noise_share_without_replicates_is_undefined() {
        let s = noise_share(&[0.4, 0.6, 0.5], &[f64::NAN, f64::NAN, f64::NAN]);
        assert!(s.noise_share.is_nan(), "{}", s.noise_share);
        let s = noise_share(&[0.4], &[0.02]);
        assert!(s.noise_share.is_nan(), "{}", s.noise_share);
    }
}
