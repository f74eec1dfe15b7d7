//! The model's logarithm and exponential, written in plain IEEE-754 arithmetic.
//!
//! Two reasons not to call the platform's `ln` and `exp`. Reproducibility: results must be the
//! same to the bit on every machine a sweep runs on, and the C maths libraries of Linux (glibc,
//! musl), macOS and Windows are free to differ in the last bit, which would send a rollout down a
//! different path when a comparison falls the other way. Additions, multiplications, divisions
//! and bit operations are correctly rounded everywhere, so these functions give the same bits on
//! every platform (Rust never contracts `a * b + c` into a fused multiply-add on its own). Speed:
//! they inline into the monthly step and use short chains of dependent operations (a table and
//! a polynomial of degree 5 or 7), which is what bounds the monthly step's speed.
//!
//! Accuracy is far beyond what the model needs (tested against the standard library below): `exp`
//! within 1e-13 relative over the whole normal range; `ln` within 1e-13 absolute where
//! |ln x| < 1 (the model sums logarithms, so this is what reaches readiness) and 1e-13 relative
//! elsewhere; against parameters known to a few per cent.

/// ln 2 split in two so that `k · LN2_HI` is exact for the binary exponents k of every f64
/// (fdlibm's split).
/// The digits are fdlibm's as published, so that the constants can be checked against it.
#[allow(clippy::excessive_precision)]
const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
#[allow(clippy::excessive_precision)]
const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
/// ln 2 / 64 split likewise: `LN2_64_HI` keeps 35 significant bits, so `k · LN2_64_HI` is exact
/// for |k| < 2¹⁷, which covers every k of a finite result.
const LN2_64_HI: f64 = f64::from_bits(0x3f86_2e42_fefa_0000);
const LN2_64_LO: f64 = f64::from_bits(0x3d1c_f79a_bc9e_3b3a);
const INV_LN2_64: f64 = 64.0 * std::f64::consts::LOG2_E;
/// Adding and then subtracting 1.5 · 2⁵² rounds a float of magnitude below 2⁵¹ to the nearest
/// integer, without a call to `round`.
const ROUNDER: f64 = 6_755_399_441_055_744.0;
const MIN_NORMAL_BITS: u64 = 0x0010_0000_0000_0000;
const INFINITY_BITS: u64 = 0x7ff0_0000_0000_0000;
/// Bits of 0.6875: `ln` reduces its argument to [0.6875, 1.375), an octave around 1.
const LN_OFFSET: u64 = 0x3fe6_0000_0000_0000;

/// Natural logarithm. Exact special cases as the standard library: −∞ at 0, NaN below 0 and
/// for NaN, +∞ at +∞.
#[inline(always)]
pub fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    if bits.wrapping_sub(MIN_NORMAL_BITS) >= INFINITY_BITS - MIN_NORMAL_BITS {
        return ln_special(x);
    }
    ln_normal(bits)
}

/// `ln` of a positive normal number given by its bits. x = 2ᵏ · z with z in [0.6875, 1.375);
/// z falls in one of 128 intervals with centre c, and ln z = ln c + ln(1 + r), r = z / c − 1,
/// |r| < 0.0079, by its Taylor series to r⁵ (truncation error below r⁶/6 < 4e-14). The two intervals that meet at 1 use c = 1, so that
/// near 1 the result is accurate relative to its own small size.
#[inline(always)]
fn ln_normal(bits: u64) -> f64 {
    let shifted = bits.wrapping_sub(LN_OFFSET);
    let i = ((shifted >> 45) & 127) as usize;
    let k = (shifted as i64) >> 52;
    let z = f64::from_bits(bits.wrapping_sub((k as u64) << 52));
    let r = z * f64::from_bits(LN_INV_C[i]) - 1.0;
    let r2 = r * r;
    // Grouped (Estrin) rather than nested (Horner): shorter chains of dependent operations.
    let q = (-0.5 + r * (1.0 / 3.0)) + r2 * (-0.25 + r * 0.2);
    let k = k as f64;
    (k * LN2_HI + f64::from_bits(LN_LOG_C[i])) + (r + (r2 * q + k * LN2_LO))
}

#[cold]
fn ln_special(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        f64::NAN
    } else if x == 0.0 {
        f64::NEG_INFINITY
    } else if x.is_infinite() {
        f64::INFINITY
    } else {
        // Subnormal: scale into the normal range first.
        ln_normal((x * 18_014_398_509_481_984.0).to_bits()) - 54.0 * std::f64::consts::LN_2
    }
}

/// e to the power `x`. Results below the smallest normal number (x < −708.39) are flushed to
/// 0; above the largest finite number, +∞; NaN gives NaN.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    if !(-708.0..=709.0).contains(&x) {
        return exp_special(x);
    }
    exp_reduced(x)
}

/// x = (64m + j) · ln 2 / 64 + r with |r| ≤ ln 2 / 128; eˣ = 2ᵐ · 2^(j/64) · eʳ, with eʳ by its
/// Taylor series to r⁴ (truncation error below r⁵/120 < 4e-14) and 2^(j/64) from a table (m is
/// within [−1022, 1022] here).
#[inline(always)]
fn exp_reduced(x: f64) -> f64 {
    let shifted = x * INV_LN2_64 + ROUNDER;
    // The rounded integer sits in the low bits of the shifted sum's significand.
    let k = i64::from(shifted.to_bits() as i32);
    let kf = shifted - ROUNDER;
    let r = (x - kf * LN2_64_HI) - kf * LN2_64_LO;
    let r2 = r * r;
    let p = (1.0 + r) + r2 * ((0.5 + r * (1.0 / 6.0)) + r2 * (1.0 / 24.0));
    let scale = f64::from_bits((((k >> 6) + 1023) as u64) << 52);
    f64::from_bits(EXP_TABLE[(k & 63) as usize]) * p * scale
}

#[cold]
fn exp_special(x: f64) -> f64 {
    if x.is_nan() {
        f64::NAN
    } else if x > 709.0 {
        // Up to ln(f64::MAX) ≈ 709.78 the result is finite: compute e^(x − 1) · e.
        if x < 709.782_712_893_384 {
            exp_reduced(x - 1.0) * std::f64::consts::E
        } else {
            f64::INFINITY
        }
    } else if x > -708.396_418_532_264 {
        exp_reduced(x + 1.0) / std::f64::consts::E
    } else {
        0.0
    }
}

/// [`exp`] of each lane of a [`super::lanes`] vector: the same bits as four calls, with the
/// common case (every lane in the normal range) free of branches so that it vectorises.
#[inline(always)]
pub fn exp_lanes<const L: usize>(x: [f64; L]) -> [f64; L] {
    let mut out = [0.0; L];
    // Not `all`, which stops at the first lane out of range: one test of every lane is cheaper.
    if x.iter()
        .fold(true, |ok, v| ok & (*v >= -708.0) & (*v <= 709.0))
    {
        for l in 0..L {
            out[l] = exp_reduced(x[l]);
        }
    } else {
        for l in 0..L {
            out[l] = exp(x[l]);
        }
    }
    out
}

/// [`ln`] of each lane of a [`super::lanes`] vector: the same bits as four calls, with the common
/// case (every lane positive and normal) free of branches so that it vectorises.
#[inline(always)]
pub fn ln_lanes<const L: usize>(x: [f64; L]) -> [f64; L] {
    if x.iter()
        .all(|v| v.to_bits().wrapping_sub(MIN_NORMAL_BITS) < INFINITY_BITS - MIN_NORMAL_BITS)
    {
        let mut out = [0.0; L];
        for l in 0..L {
            out[l] = ln_normal(x[l].to_bits());
        }
        out
    } else {
        let mut out = [0.0; L];
        for l in 0..L {
            out[l] = ln(x[l]);
        }
        out
    }
}

/// `base` to the power `e`, for a positive base: exp(e · ln base).
#[inline]
pub fn powf(base: f64, e: f64) -> f64 {
    exp(e * ln(base))
}

// Tables generated with mpmath at 200 bits of precision and rounded once to f64 (see
// docs/performance.md); stored as bit patterns so that no decimal conversion can move them.
/// 2^(j/64), j = 0..63, correctly rounded.
const EXP_TABLE: [u64; 64] = [
    0x3ff0000000000000,
    0x3ff02c9a3e778061,
    0x3ff059b0d3158574,
    0x3ff0874518759bc8,
    0x3ff0b5586cf9890f,
    0x3ff0e3ec32d3d1a2,
    0x3ff11301d0125b51,
    0x3ff1429aaea92de0,
    0x3ff172b83c7d517b,
    0x3ff1a35beb6fcb75,
    0x3ff1d4873168b9aa,
    0x3ff2063b88628cd6,
    0x3ff2387a6e756238,
    0x3ff26b4565e27cdd,
    0x3ff29e9df51fdee1,
    0x3ff2d285a6e4030b,
    0x3ff306fe0a31b715,
    0x3ff33c08b26416ff,
    0x3ff371a7373aa9cb,
    0x3ff3a7db34e59ff7,
    0x3ff3dea64c123422,
    0x3ff4160a21f72e2a,
    0x3ff44e086061892d,
    0x3ff486a2b5c13cd0,
    0x3ff4bfdad5362a27,
    0x3ff4f9b2769d2ca7,
    0x3ff5342b569d4f82,
    0x3ff56f4736b527da,
    0x3ff5ab07dd485429,
    0x3ff5e76f15ad2148,
    0x3ff6247eb03a5585,
    0x3ff6623882552225,
    0x3ff6a09e667f3bcd,
    0x3ff6dfb23c651a2f,
    0x3ff71f75e8ec5f74,
    0x3ff75feb564267c9,
    0x3ff7a11473eb0187,
    0x3ff7e2f336cf4e62,
    0x3ff82589994cce13,
    0x3ff868d99b4492ed,
    0x3ff8ace5422aa0db,
    0x3ff8f1ae99157736,
    0x3ff93737b0cdc5e5,
    0x3ff97d829fde4e50,
    0x3ff9c49182a3f090,
    0x3ffa0c667b5de565,
    0x3ffa5503b23e255d,
    0x3ffa9e6b5579fdbf,
    0x3ffae89f995ad3ad,
    0x3ffb33a2b84f15fb,
    0x3ffb7f76f2fb5e47,
    0x3ffbcc1e904bc1d2,
    0x3ffc199bdd85529c,
    0x3ffc67f12e57d14b,
    0x3ffcb720dcef9069,
    0x3ffd072d4a07897c,
    0x3ffd5818dcfba487,
    0x3ffda9e603db3285,
    0x3ffdfc97337b9b5f,
    0x3ffe502ee78b3ff6,
    0x3ffea4afa2a490da,
    0x3ffefa1bee615a27,
    0x3fff50765b6e4540,
    0x3fffa7c1819e90d8,
];
/// 1/c for the 128 intervals of [0.6875, 1.375) (1 exactly for the two that meet at 1).
const LN_INV_C: [u64; 128] = [
    0x3ff734f0c541fe8d,
    0x3ff713786d9c7c09,
    0x3ff6f26016f26017,
    0x3ff6d1a62681c861,
    0x3ff6b1490aa31a3d,
    0x3ff691473a88d0c0,
    0x3ff6719f3601671a,
    0x3ff6524f853b4aa3,
    0x3ff63356b88ac0de,
    0x3ff614b36831ae94,
    0x3ff5f66434292dfc,
    0x3ff5d867c3ece2a5,
    0x3ff5babcc647fa91,
    0x3ff59d61f123ccaa,
    0x3ff5805601580560,
    0x3ff56397ba7c52e2,
    0x3ff54725e6bb82fe,
    0x3ff52aff56a8054b,
    0x3ff50f22e111c4c5,
    0x3ff4f38f62dd4c9b,
    0x3ff4d843bedc2c4c,
    0x3ff4bd3edda68fe1,
    0x3ff4a27fad76014a,
    0x3ff4880522014880,
    0x3ff46dce34596066,
    0x3ff453d9e2c776ca,
    0x3ff43a2730abee4d,
    0x3ff420b5265e5951,
    0x3ff40782d10e6566,
    0x3ff3ee8f42a5af07,
    0x3ff3d5d991aa75c6,
    0x3ff3bd60d9232955,
    0x3ff3a524387ac822,
    0x3ff38d22d366088e,
    0x3ff3755bd1c945ee,
    0x3ff35dce5f9f2af8,
    0x3ff34679ace01346,
    0x3ff32f5ced6a1dfa,
    0x3ff3187758e9ebb6,
    0x3ff301c82ac40260,
    0x3ff2eb4ea1fed14b,
    0x3ff2d50a012d50a0,
    0x3ff2bef98e5a3711,
    0x3ff2a91c92f3c105,
    0x3ff293725bb804a5,
    0x3ff27dfa38a1ce4d,
    0x3ff268b37cd60127,
    0x3ff2539d7e9177b2,
    0x3ff23eb79717605b,
    0x3ff22a0122a0122a,
    0x3ff21579804855e6,
    0x3ff2012012012012,
    0x3ff1ecf43c7fb84c,
    0x3ff1d8f5672e4abd,
    0x3ff1c522fc1ce059,
    0x3ff1b17c67f2bae3,
    0x3ff19e0119e0119e,
    0x3ff18ab083902bdb,
    0x3ff1778a191bd684,
    0x3ff1648d50fc3201,
    0x3ff151b9a3fdd5c9,
    0x3ff13f0e8d344724,
    0x3ff12c8b89edc0ac,
    0x3ff11a3019a74826,
    0x3ff107fbbe011080,
    0x3ff0f5edfab325a2,
    0x3ff0e40655826011,
    0x3ff0d24456359e3a,
    0x3ff0c0a7868b4171,
    0x3ff0af2f722eecb5,
    0x3ff09ddba6af8360,
    0x3ff08cabb37565e2,
    0x3ff07b9f29b8eae2,
    0x3ff06ab59c7912fb,
    0x3ff059eea0727586,
    0x3ff04949cc1664c5,
    0x3ff038c6b78247fc,
    0x3ff02864fc7729e9,
    0x3ff0182436517a37,
    0x3ff0000000000000,
    0x3ff0000000000000,
    0x3fefa11caa01fa12,
    0x3fef6310aca0dbb5,
    0x3fef25f644230ab5,
    0x3feee9c7f8458e02,
    0x3feeae807aba01eb,
    0x3fee741aa59750e4,
    0x3fee3a9179dc1a73,
    0x3fee01e01e01e01e,
    0x3fedca01dca01dca,
    0x3fed92f2231e7f8a,
    0x3fed5cac807572b2,
    0x3fed272ca3fc5b1a,
    0x3fecf26e5c44bfc6,
    0x3fecbe6d9601cbe7,
    0x3fec8b265afb8a42,
    0x3fec5894d10d4986,
    0x3fec26b5392ea01c,
    0x3febf583ee868d8b,
    0x3febc4fd65883e7b,
    0x3feb951e2b18ff23,
    0x3feb65e2e3beee05,
    0x3feb37484ad806ce,
    0x3feb094b31d922a4,
    0x3feadbe87f94905e,
    0x3feaaf1d2f87ebfd,
    0x3fea82e65130e159,
    0x3fea574107688a4a,
    0x3fea2c2a87c51ca0,
    0x3fea01a01a01a01a,
    0x3fe9d79f176b682d,
    0x3fe9ae24ea5510da,
    0x3fe9852f0d8ec0ff,
    0x3fe95cbb0be377ae,
    0x3fe934c67f9b2ce6,
    0x3fe90d4f120190d5,
    0x3fe8e6527af1373f,
    0x3fe8bfce8062ff3a,
    0x3fe899c0f601899c,
    0x3fe87427bcc092b9,
    0x3fe84f00c2780614,
    0x3fe82a4a0182a4a0,
    0x3fe8060180601806,
    0x3fe7e225515a4f1d,
    0x3fe7beb3922e017c,
    0x3fe79baa6bb6398b,
    0x3fe77908119ac60d,
    0x3fe756cac201756d,
];
/// −ln of each `LN_INV_C` entry, correctly rounded.
const LN_LOG_C: [u64; 128] = [
    0xbfd7cc7f7db46a0e,
    0xbfd76feecb947176,
    0xbfd713e33a46a17c,
    0xbfd6b85b4cffa3fd,
    0xbfd65d558d4ce00b,
    0xbfd602d08af091ec,
    0xbfd5a8cadbbedfa1,
    0xbfd54f431b7be1a8,
    0xbfd4f637ebba9810,
    0xbfd49da7f3bcc420,
    0xbfd44591e0539f49,
    0xbfd3edf463c1683e,
    0xbfd396ce359bbf53,
    0xbfd3401e12aecba0,
    0xbfd2e9e2bce12286,
    0xbfd2941afb186b7c,
    0xbfd23ec5991eba49,
    0xbfd1e9e1678899f5,
    0xbfd1956d3b9bc2f9,
    0xbfd14167ef367784,
    0xbfd0edd060b78082,
    0xbfd09aa572e6c6d4,
    0xbfd047e60cde83b7,
    0xbfcfeb2233ea07cb,
    0xbfcf474b134df228,
    0xbfcea4449f04aaf5,
    0xbfce020cc6235ab5,
    0xbfcd60a17f903514,
    0xbfccc000c9db3c52,
    0xbfcc2028ab17f9b5,
    0xbfcb811730b823d4,
    0xbfcae2ca6f672bd8,
    0xbfca454082e6ab03,
    0xbfc9a8778debaa3a,
    0xbfc90c6db9fcbcdb,
    0xbfc871213750e994,
    0xbfc7d6903caf5acd,
    0xbfc73cb9074fd14d,
    0xbfc6a399dabbd383,
    0xbfc60b3100b09474,
    0xbfc5737cc9018cdd,
    0xbfc4dc7b897bc1c7,
    0xbfc4462b9dc9b3dc,
    0xbfc3b08b6757f2a7,
    0xbfc31b994d3a4f86,
    0xbfc28753bc11aba2,
    0xbfc1f3b925f25d44,
    0xbfc160c8024b27b0,
    0xbfc0ce7ecdccc28b,
    0xbfc03cdc0a51ec0d,
    0xbfbf57bc7d9005db,
    0xbfbe3707ee30487b,
    0xbfbd179788219362,
    0xbfbbf968769fca18,
    0xbfbadc77ee5aea8e,
    0xbfb9c0c32d4d254d,
    0xbfb8a6477a91dc29,
    0xbfb78d02263d82d7,
    0xbfb674f089365a78,
    0xbfb55e10050e0382,
    0xbfb4485e03dbdfb0,
    0xbfb333d7f8183f4a,
    0xbfb2207b5c7854a1,
    0xbfb10e45b3cae829,
    0xbfaffa6911ab9309,
    0xbfadda8adc67ee59,
    0xbfabbcebfc68f424,
    0xbfa9a187b573de81,
    0xbfa788595a3577c8,
    0xbfa5715c4c03cee1,
    0xbfa35c8bfaa13069,
    0xbfa149e3e4005a8d,
    0xbf9e72bf2813ce6a,
    0xbf9a55f548c5c427,
    0xbf963d6178690bbe,
    0xbf9228fb1fea2e0a,
    0xbf8c317384c75f0d,
    0xbf841929f968330c,
    0xbf78121214586b02,
    0x0000000000000000,
    0x0000000000000000,
    0x3f87dc475f810a69,
    0x3f93cea44346a584,
    0x3f9b9fc027af919a,
    0x3fa1b0d98923d97f,
    0x3fa58a5bafc8e4d3,
    0x3fa95c830ec8e3f2,
    0x3fad276b8adb0b56,
    0x3fb075983598e471,
    0x3fb253f62f0a1417,
    0x3fb42edcbea646ee,
    0x3fb60658a93750c4,
    0x3fb7da766d7b12d0,
    0x3fb9ab42462033ae,
    0x3fbb78c82bb0eda0,
    0x3fbd4313d66cb35d,
    0x3fbf0a30c01162a4,
    0x3fc0671512ca596f,
    0x3fc14785846742ac,
    0x3fc2266f190a5acd,
    0x3fc303d718e47fd5,
    0x3fc3dfc2b0ecc62a,
    0x3fc4ba36f39a55e5,
    0x3fc59338d9982085,
    0x3fc66acd4272ad51,
    0x3fc740f8f54037a3,
    0x3fc815c0a14357e9,
    0x3fc8e928de886d41,
    0x3fc9bb362e7dfb85,
    0x3fca8becfc882f19,
    0x3fcb5b519e8fb5a6,
    0x3fcc2968558c18c2,
    0x3fccf6354e09c5dd,
    0x3fcdc1bca0abec7b,
    0x3fce8c0252aa5a60,
    0x3fcf550a564b7b37,
    0x3fd00e6c45ad501d,
    0x3fd071b85fcd590d,
    0x3fd0d46b579ab74b,
    0x3fd136870293a8b0,
    0x3fd1980d2dd4236f,
    0x3fd1f8ff9e48a2f3,
    0x3fd2596010df763a,
    0x3fd2b9303ab89d25,
    0x3fd31871c9544185,
    0x3fd3772662bfd85c,
    0x3fd3d54fa5c1f710,
    0x3fd432ef2a04e813,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn relative(a: f64, b: f64) -> f64 {
        if a == b { 0.0 } else { ((a - b) / b).abs() }
    }

    #[test]
    // 1.4142 and 1.4143 straddle √2 on purpose: they are test points, not an approximation.
    #[allow(clippy::approx_constant)]
    fn ln_matches_the_standard_library() {
        // Where |ln x| < 1 the model sums logarithms, so absolute error is what matters: dense
        // over 1/e..e, which holds the model's factors (0.001..1) nearest 1.
        let mut worst_absolute = 0.0f64;
        for i in 1..=400_000 {
            let x = 0.36 + 2.36 * i as f64 / 400_000.0;
            worst_absolute = worst_absolute.max((ln(x) - x.ln()).abs());
        }
        assert!(
            worst_absolute < 1e-13,
            "worst absolute error {worst_absolute:e}"
        );
        // Elsewhere, relative error, over the whole normal range.
        let mut worst = 0.0f64;
        for i in 1..=100_000 {
            let x = i as f64 / 100_000.0 * 0.36;
            worst = worst.max(relative(ln(x), x.ln()));
        }
        for e in -1020..1020 {
            for m in [1.0, 1.1, 1.4142, 1.4143, 1.7, 1.999] {
                let x = m * 2f64.powi(e);
                if x.ln().abs() >= 1.0 {
                    worst = worst.max(relative(ln(x), x.ln()));
                }
            }
        }
        assert!(worst < 1e-13, "worst relative error {worst:e}");
        // Next to 1 the result stays accurate relative to its own small size.
        for i in -1000..=1000 {
            let x = 1.0 + i as f64 * 1e-6;
            assert!(relative(ln(x), x.ln()) < 1e-12, "{x}");
        }
    }

    #[test]
    fn exp_matches_the_standard_library() {
        let mut worst = 0.0f64;
        for i in -2_000_000..=2_000_000 {
            let x = i as f64 * 1e-5; // −20..20, the model's range with room to spare
            worst = worst.max(relative(exp(x), x.exp()));
        }
        for i in -7080..=7090 {
            let x = i as f64 * 0.1;
            worst = worst.max(relative(exp(x), x.exp()));
        }
        assert!(worst < 1e-13, "worst relative error {worst:e}");
    }

    /// The lane versions give each lane the bits of the scalar function, whether every lane is
    /// in the common range (the branch-free path) or some lane is not (the fallback).
    #[test]
    fn lanes_give_the_scalar_bits_in_every_mix_of_lanes() {
        let values = [
            -1000.0,
            -708.5,
            -708.0,
            -0.3,
            -0.0,
            0.0,
            5e-324,
            1e-300,
            0.5,
            1.0,
            709.0,
            709.5,
            710.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        let same = |a: f64, b: f64| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
        let mut fallbacks = 0;
        for (i, &a) in values.iter().enumerate() {
            for &b in &values[i..] {
                // Each value beside an ordinary one, in both lanes, and beside another value.
                for x in [[a, 0.5, 2.0, b], [0.75, b, a, 3.0]] {
                    let (e, l) = (exp_lanes(x), ln_lanes(x));
                    for k in 0..4 {
                        assert!(same(e[k], exp(x[k])), "exp {x:?} lane {k}");
                        assert!(same(l[k], ln(x[k])), "ln {x:?} lane {k}");
                    }
                    fallbacks += usize::from(x.iter().any(|v| v.is_nan() || v.abs() >= 700.0));
                }
            }
        }
        assert!(fallbacks > 0);
    }

    #[test]
    fn special_values_follow_the_standard_library() {
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert!(ln(-1.0).is_nan() && ln(f64::NAN).is_nan());
        assert_eq!(ln(f64::INFINITY), f64::INFINITY);
        let tiny = f64::from_bits(1); // the smallest subnormal
        assert!(relative(ln(tiny), tiny.ln()) < 1e-13);
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-1000.0), 0.0);
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
        assert_eq!(exp(1000.0), f64::INFINITY);
        assert!(exp(f64::NAN).is_nan());
        assert!(relative(exp(709.5), 709.5f64.exp()) < 1e-13);
        assert!(relative(exp(-708.2), (-708.2f64).exp()) < 1e-13);
        assert!(relative(powf(0.9, 1.0 / 12.0), 0.9f64.powf(1.0 / 12.0)) < 1e-13);
    }
}
