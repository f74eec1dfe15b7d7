//! Random draws. Each stochastic process owns a generator, so that two scenarios differing in one
//! lever share every other process's draws (common random numbers). Every process draws a fixed
//! number of values per month whatever the state, which keeps the streams aligned across
//! scenarios with the same agencies, posts and funding streams.

use rand::Rng;

/// One generator per stochastic process (MODEL.md §4).
#[derive(Debug, Clone)]
pub struct Streams<R> {
    /// Budget-pressure noise and reorganisation shocks.
    pub shocks: R,
    /// Funding renewal at the end of terms.
    pub funding: R,
    /// Staffing: one draw per post per month decides a departure from a filled post, or a refill
    /// of a vacant one and whether the newcomer is hybrid; at month 0, initial vacancies.
    pub staffing: R,
    /// Volume of cross-agency contacts.
    pub contacts: R,
    /// Onset and resolution of challenges.
    pub challenges: R,
    /// Chance milestones: accommodation found, review held.
    pub milestones: R,
}

/// Names of the sub-streams, in stream-id order.
pub const STREAM_NAMES: [&str; 6] = [
    "shocks",
    "funding",
    "staffing",
    "contacts",
    "challenges",
    "milestones",
];

const TWO32: f64 = 4_294_967_296.0;

/// Integer threshold for an event of probability `p` tested against a `u32` draw.
#[inline]
pub fn threshold(p: f64) -> u64 {
    (p.clamp(0.0, 1.0) * TWO32) as u64
}

/// True when the `u32` draw `u` falls below probability `p`: with probability `p` for a fresh
/// draw (none below 0, all above 1). Compared as floats: converting a float to an integer
/// threshold saturates through a slow branchy sequence on x86-64, converting the draw to a float
/// is one instruction.
#[inline(always)]
pub fn below(u: u32, p: f64) -> bool {
    f64::from(u) < p * TWO32
}

/// True with probability `p`, from one `u32` draw.
#[inline(always)]
pub fn chance<R: Rng>(rng: &mut R, p: f64) -> bool {
    below(rng.next_u32(), p)
}

/// Uniform in (0, 1) from one `u32` draw.
#[inline(always)]
pub fn uniform<R: Rng>(rng: &mut R) -> f64 {
    (rng.next_u32() as f64 + 0.5) / TWO32
}

/// Approximately standard normal from one `u64` draw: the sum of four 16-bit uniforms,
/// centred and scaled to unit variance (Irwin–Hall with n = 4; tails cut at ±3.46).
#[inline(always)]
pub fn normal<R: Rng>(rng: &mut R) -> f64 {
    let x = rng.next_u64();
    let sum = (x & 0xffff) + ((x >> 16) & 0xffff) + ((x >> 32) & 0xffff) + (x >> 48);
    let u = (sum as f64 + 2.0) / 65536.0; // sum of four uniforms on (0, 1)
    (u - 2.0) * 3f64.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn normal_has_unit_moments() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| normal(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        // Standard errors: mean 1/sqrt(n) ≈ 0.0022, variance sqrt(2/n) ≈ 0.0032; allow 4 s.e.
        assert!(mean.abs() < 0.009, "mean {mean}");
        assert!((var - 1.0).abs() < 0.013, "variance {var}");
    }

    #[test]
    fn chance_matches_probability() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let n = 100_000;
        let hits = (0..n).filter(|_| chance(&mut rng, 0.3)).count() as f64 / n as f64;
        // s.e. = sqrt(0.21/n) ≈ 0.00145; 4 s.e.
        assert!((hits - 0.3).abs() < 0.006, "{hits}");
        assert!(!chance(&mut rng, 0.0));
        assert!(chance(&mut rng, 1.0));
    }
}
