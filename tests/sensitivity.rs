//! The sensitivity estimators on functions whose indices are known analytically.

use std::f64::consts::PI;

use partnersim::sweep::design::{Design, Morris, Sobol};
use partnersim::sweep::sensitivity::{Ci, evaluate, morris_indices, sobol_indices};

fn undefined(c: &Ci) -> bool {
    c.estimate.is_nan() && c.ci_low.is_nan() && c.ci_high.is_nan()
}

/// Ishigami and Homma (1990) with a = 7, b = 0.1, inputs uniform on [−π, π].
fn ishigami(u: &[f64]) -> f64 {
    let x: Vec<f64> = u.iter().map(|u| -PI + 2.0 * PI * u).collect();
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

#[test]
fn sobol_indices_of_ishigami_match_the_analytic_values() {
    // Analytic indices (e.g. Saltelli et al. 2008, §4.5).
    let first = [0.3139, 0.4424, 0.0];
    let total = [0.5576, 0.4424, 0.2437];
    let design = Design::Saltelli {
        n: 4096,
        d: 3,
        sobol: Sobol::shifted(6, 2024),
    };
    let y = evaluate(&design, ishigami);
    assert_eq!(y.len(), 4096 * 5);
    let s = sobol_indices(&y, 3, 1000, 2024);
    for i in 0..3 {
        let (f, t) = (s.first_order[i], s.total[i]);
        eprintln!("S{0} = {f:?}\nST{0} = {t:?}", i + 1);
        assert!(
            f.contains(first[i]),
            "S{}: {f:?} misses {}",
            i + 1,
            first[i]
        );
        assert!(
            t.contains(total[i]),
            "ST{}: {t:?} misses {}",
            i + 1,
            total[i]
        );
        assert!(
            f.ci_high - f.ci_low < 0.15,
            "S{} interval too wide: {f:?}",
            i + 1
        );
        assert!(
            t.ci_high - t.ci_low < 0.15,
            "ST{} interval too wide: {t:?}",
            i + 1
        );
        assert!((f.estimate - first[i]).abs() < 0.05, "S{}: {f:?}", i + 1);
        assert!((t.estimate - total[i]).abs() < 0.05, "ST{}: {t:?}", i + 1);
    }
}

#[test]
fn sobol_intervals_shrink_with_more_samples() {
    let width = |n: u64| {
        let design = Design::Saltelli {
            n,
            d: 3,
            sobol: Sobol::shifted(6, 5),
        };
        let s = sobol_indices(&evaluate(&design, ishigami), 3, 400, 5);
        s.total[0].ci_high - s.total[0].ci_low
    };
    assert!(width(4096) < width(256));
}

#[test]
fn morris_measures_of_a_linear_function_are_its_slopes() {
    let c = [1.0, -2.0, 0.5, 0.0];
    let morris = Morris {
        r: 12,
        d: 4,
        levels: 4,
        seed: 9,
    };
    let design = Design::Morris(morris.clone());
    let y = evaluate(&design, |u| u.iter().zip(c).map(|(u, c)| u * c).sum());
    let m = morris_indices(&y, &morris, None, 200, 9);
    for (k, c) in c.iter().enumerate() {
        assert!(
            (m.mu_star[k].estimate - c.abs()).abs() < 1e-9,
            "{:?}",
            m.mu_star[k]
        );
        assert!((m.mu[k].estimate - c).abs() < 1e-9, "{:?}", m.mu[k]);
        assert!(m.sigma[k].estimate.abs() < 1e-9, "{:?}", m.sigma[k]);
    }
}

#[test]
fn morris_ranks_ishigami_inputs() {
    // x3 acts only through its interaction with x1: its μ* is large and its σ comparable.
    let morris = Morris {
        r: 50,
        d: 3,
        levels: 4,
        seed: 1,
    };
    let y = evaluate(&Design::Morris(morris.clone()), ishigami);
    let m = morris_indices(&y, &morris, None, 200, 1);
    assert!(m.mu_star.iter().all(|c| c.estimate > 0.0));
    assert!(m.sigma[2].estimate > 0.5 * m.mu_star[2].estimate);
}

/// An output that does not vary has undefined Morris measures, as it has undefined Sobol
/// indices: not μ* = 0 with a [0, 0] "interval".
#[test]
fn morris_measures_of_a_constant_output_are_undefined() {
    let morris = Morris {
        r: 8,
        d: 3,
        levels: 4,
        seed: 2,
    };
    let design = Design::Morris(morris.clone());
    for c in [0.0, 0.55] {
        let y = evaluate(&design, |_| c);
        let m = morris_indices(&y, &morris, None, 200, 2);
        for k in 0..3 {
            for ci in [m.mu_star[k], m.mu[k], m.sigma[k]] {
                assert!(undefined(&ci), "{c}: {ci:?}");
            }
        }
    }
    // An input without effect on an output that varies keeps its defined 0.
    let y = evaluate(&design, |u| u[0]);
    let m = morris_indices(&y, &morris, None, 200, 2);
    assert_eq!(m.mu_star[1].estimate, 0.0);
    assert_eq!((m.mu_star[1].ci_low, m.mu_star[1].ci_high), (0.0, 0.0));
}

/// One base sample (Sobol) or one trajectory (Morris) gives every resample the same sample: the
/// estimates stand, the "95%" intervals would have zero width and are undefined instead.
#[test]
fn one_sample_gives_estimates_without_intervals() {
    let design = Design::Saltelli {
        n: 1,
        d: 3,
        sobol: Sobol::shifted(6, 11),
    };
    let s = sobol_indices(&evaluate(&design, ishigami), 3, 500, 11);
    for ci in s.first_order.iter().chain(&s.total) {
        assert!(ci.ci_low.is_nan() && ci.ci_high.is_nan(), "{ci:?}");
    }
    assert!(s.total.iter().any(|c| c.estimate.is_finite()), "{s:?}");
    let morris = Morris {
        r: 1,
        d: 3,
        levels: 4,
        seed: 11,
    };
    let y = evaluate(&Design::Morris(morris.clone()), |u| u[0] + 2.0 * u[1]);
    let m = morris_indices(&y, &morris, None, 500, 11);
    for k in 0..3 {
        assert!(m.mu_star[k].estimate.is_finite(), "{:?}", m.mu_star[k]);
        assert!(m.mu_star[k].ci_low.is_nan() && m.mu_star[k].ci_high.is_nan());
        assert!(undefined(&m.sigma[k]), "{:?}", m.sigma[k]);
    }
    // Two samples already vary.
    let design = Design::Saltelli {
        n: 2,
        d: 3,
        sobol: Sobol::shifted(6, 11),
    };
    let s = sobol_indices(&evaluate(&design, ishigami), 3, 500, 11);
    assert!(s.total.iter().any(|c| c.ci_low < c.ci_high), "{s:?}");
}
