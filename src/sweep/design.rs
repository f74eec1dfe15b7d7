//! Designs: where in the unit cube each point sits. Every point is computed from its index and
//! the sweep seed alone, in constant memory, so a shard or a resumed run reproduces exactly the
//! points of an unsplit run.
//!
//! - Grid: mixed-radix level indices, the last parameter varying fastest.
//! - Latin hypercube (McKay, Beckman and Conover 1979): in each dimension a keyed pseudo-random
//!   permutation of the n strata (a Feistel network with cycle walking) plus a uniform jitter
//!   inside the stratum.
//! - Sobol / Saltelli: a Sobol low-discrepancy sequence (Sobol 1967) in 2d dimensions with the
//!   Joe and Kuo (2008) direction numbers and a random digital shift from the seed; its first d
//!   columns are the matrix A, the last d the matrix B, and base sample j gives the d + 2 points
//!   A_j, B_j, A_B^(1)_j … A_B^(d)_j (Saltelli et al. 2010), where A_B^(i) is A with column i
//!   taken from B.
//! - Morris (1991) trajectories on a p-level grid: a random start, then one step of
//!   Δ = p / (2 (p − 1)) in each dimension in a random order.

use super::spec::{DesignKind, Range, Spec};

/// SplitMix64 finaliser (Steele, Lea and Flood 2014).
#[inline]
pub fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A hash of (seed, stream, index): independent-looking 64-bit values for each triple.
#[inline]
pub fn hash3(seed: u64, stream: u64, index: u64) -> u64 {
    splitmix(splitmix(splitmix(seed) ^ stream.wrapping_mul(0xd1b5_4a32_d192_ed03)) ^ index)
}

/// A uniform value in [0, 1) from 64 random bits.
#[inline]
pub fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A small deterministic generator (SplitMix64) for trajectories and bootstrap resamples.
#[derive(Debug, Clone)]
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A uniform integer in `0..n` (n ≥ 1), by Lemire's multiply-shift (bias below 2^-32 for
    /// the sizes used here).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }
}

// Stream ids, so that no two uses of the seed share values.
const STREAM_LHS_PERM: u64 = 1;
const STREAM_LHS_JITTER: u64 = 2;
const STREAM_SOBOL_SHIFT: u64 = 3;
const STREAM_MORRIS: u64 = 4;

/// Joe and Kuo (2008) direction numbers, file `new-joe-kuo-6.21201`, dimensions 2 to 32: for
/// each, the degree s of its primitive polynomial, the polynomial's coefficients a, and the
/// initial direction integers m_1 … m_s.
const JOE_KUO: [(u32, u32, &[u32]); 31] = [
    (1, 0, &[1]),
    (2, 1, &[1, 3]),
    (3, 1, &[1, 3, 1]),
    (3, 2, &[1, 1, 1]),
    (4, 1, &[1, 1, 3, 3]),
    (4, 4, &[1, 3, 5, 13]),
    (5, 2, &[1, 1, 5, 5, 17]),
    (5, 4, &[1, 1, 5, 5, 5]),
    (5, 7, &[1, 1, 7, 11, 19]),
    (5, 11, &[1, 1, 5, 1, 1]),
    (5, 13, &[1, 1, 1, 3, 11]),
    (5, 14, &[1, 3, 5, 5, 31]),
    (6, 1, &[1, 3, 3, 9, 7, 49]),
    (6, 13, &[1, 1, 1, 15, 21, 21]),
    (6, 16, &[1, 3, 1, 13, 27, 49]),
    (6, 19, &[1, 1, 1, 15, 7, 5]),
    (6, 22, &[1, 3, 1, 15, 13, 25]),
    (6, 25, &[1, 1, 5, 5, 19, 61]),
    (7, 1, &[1, 3, 7, 11, 23, 15, 103]),
    (7, 4, &[1, 3, 7, 13, 13, 15, 69]),
    (7, 7, &[1, 1, 3, 13, 7, 35, 63]),
    (7, 8, &[1, 3, 5, 9, 1, 25, 53]),
    (7, 14, &[1, 3, 1, 13, 9, 35, 107]),
    (7, 19, &[1, 3, 1, 5, 27, 61, 31]),
    (7, 21, &[1, 1, 5, 11, 19, 41, 61]),
    (7, 28, &[1, 3, 5, 3, 3, 13, 69]),
    (7, 31, &[1, 1, 7, 13, 1, 19, 1]),
    (7, 32, &[1, 3, 7, 5, 13, 19, 59]),
    (7, 37, &[1, 1, 3, 9, 25, 29, 41]),
    (7, 41, &[1, 3, 5, 13, 23, 1, 55]),
    (7, 42, &[1, 3, 7, 3, 13, 59, 17]),
];

/// Most dimensions of [`Sobol`].
pub const SOBOL_MAX_DIMS: usize = JOE_KUO.len() + 1;
const BITS: usize = 32;

/// A Sobol sequence with 32-bit direction numbers (up to 2^32 points), optionally digitally
/// shifted: point i is the XOR of the direction numbers of the set bits of i (the sequence in
/// natural order; its first 2^m points are those of the Gray-code order), XOR the shift.
#[derive(Debug, Clone)]
pub struct Sobol {
    directions: Vec<[u32; BITS]>,
    shift: Vec<u32>,
}

impl Sobol {
    /// An unshifted sequence in `dims` dimensions (1 to [`SOBOL_MAX_DIMS`]).
    pub fn new(dims: usize) -> Sobol {
        assert!(
            (1..=SOBOL_MAX_DIMS).contains(&dims),
            "Sobol dimensions 1 to {SOBOL_MAX_DIMS}"
        );
        let mut directions = Vec::with_capacity(dims);
        let mut first = [0u32; BITS];
        for (k, v) in first.iter_mut().enumerate() {
            *v = 1 << (BITS - 1 - k);
        }
        directions.push(first);
        for &(s, a, m) in JOE_KUO.iter().take(dims - 1) {
            let s = s as usize;
            let mut v = [0u32; BITS];
            for k in 0..BITS {
                v[k] = if k < s {
                    m[k] << (BITS - 1 - k)
                } else {
                    let mut x = v[k - s] ^ (v[k - s] >> s);
                    for j in 1..s {
                        if (a >> (s - 1 - j)) & 1 == 1 {
                            x ^= v[k - j];
                        }
                    }
                    x
                };
            }
            directions.push(v);
        }
        Sobol {
            directions,
            shift: vec![0; dims],
        }
    }

    /// The sequence with a random digital shift per dimension drawn from `seed` (Owen's
    /// randomisation in its simplest form: it keeps the net properties and moves the first
    /// point off the origin).
    pub fn shifted(dims: usize, seed: u64) -> Sobol {
        let mut sobol = Sobol::new(dims);
        for (k, s) in sobol.shift.iter_mut().enumerate() {
            *s = (hash3(seed, STREAM_SOBOL_SHIFT, k as u64) >> 32) as u32;
        }
        sobol
    }

    /// Dimensions.
    pub fn dims(&self) -> usize {
        self.directions.len()
    }

    /// Point `index` (below 2^32) into `out` (length [`Sobol::dims`]), each coordinate in (0, 1).
    pub fn point(&self, index: u64, out: &mut [f64]) {
        assert!(index < 1 << BITS, "Sobol index beyond 2^32");
        for ((o, v), shift) in out.iter_mut().zip(&self.directions).zip(&self.shift) {
            let mut x = *shift;
            let mut i = index;
            let mut b = 0;
            while i != 0 {
                if i & 1 == 1 {
                    x ^= v[b];
                }
                i >>= 1;
                b += 1;
            }
            *o = (x as f64 + 0.5) / (1u64 << BITS) as f64;
        }
    }

    /// Point `index` without the half-cell offset, as the textbook sequence lists it.
    pub fn raw(&self, index: u64) -> Vec<f64> {
        let mut out = vec![0.0; self.dims()];
        self.point(index, &mut out);
        out.iter()
            .map(|x| x - 0.5 / (1u64 << BITS) as f64)
            .collect()
    }
}

/// A keyed pseudo-random permutation of `0..n`: a balanced four-round Feistel network on the
/// smallest even number of bits covering n, with cycle walking (Black and Rogaway 2002).
pub fn permute(i: u64, n: u64, key: u64) -> u64 {
    debug_assert!(i < n);
    let bits = (64 - n.saturating_sub(1).leading_zeros()).max(2);
    let bits = bits + bits % 2;
    let half = bits / 2;
    let mask = (1u64 << half) - 1;
    let mut x = i;
    loop {
        let (mut l, mut r) = (x >> half, x & mask);
        for round in 0..4 {
            let f = hash3(key, round, r) & mask;
            (l, r) = (r, l ^ f);
        }
        x = (l << half) | r;
        if x < n {
            return x;
        }
    }
}

/// The design of a sweep: computes point coordinates from indices.
#[derive(Debug, Clone)]
pub enum Design {
    /// Level counts per parameter.
    Grid {
        /// Number of `values` of each parameter, in parameter order; the plan has their product.
        sizes: Vec<u64>,
    },
    /// Latin hypercube: one point in each of `n` equal strata of every dimension.
    Lhs {
        /// Points (the sweep's `samples`), also the number of strata per dimension.
        n: u64,
        /// Dimensions: the number of parameters.
        d: usize,
        /// The sweep seed, keying each dimension's permutation of strata and the jitter.
        seed: u64,
    },
    /// Saltelli's matrices A, B and A_B^(i) for Sobol indices: N(d + 2) points.
    Saltelli {
        /// Base samples N (the sweep's `samples`): rows of A and B, the units the bootstrap
        /// resamples.
        n: u64,
        /// Dimensions: the number of parameters.
        d: usize,
        /// The shifted 2d-dimensional sequence: its first d coordinates give A, the last d B.
        sobol: Sobol,
    },
    /// Morris trajectories for elementary effects: r(d + 1) points.
    Morris(Morris),
}

/// Where a point sits.
#[derive(Debug, Clone, PartialEq)]
pub enum Coords {
    /// Index of each parameter's grid value.
    Levels(Vec<usize>),
    /// A point of the unit cube, mapped linearly onto each parameter's `[min, max]`.
    Unit(Vec<f64>),
}

impl Design {
    /// The design a spec asks for.
    pub fn new(spec: &Spec) -> Design {
        let d = spec.parameters.len();
        match spec.design {
            DesignKind::Grid => Design::Grid {
                sizes: spec
                    .parameters
                    .iter()
                    .map(|p| match &p.range {
                        Range::Values(v) => v.len() as u64,
                        Range::Interval { .. } => 1,
                    })
                    .collect(),
            },
            DesignKind::Lhs => Design::Lhs {
                n: spec.samples,
                d,
                seed: spec.seed,
            },
            DesignKind::Sobol => Design::Saltelli {
                n: spec.samples,
                d,
                sobol: Sobol::shifted(2 * d, spec.seed),
            },
            DesignKind::Morris => Design::Morris(Morris {
                r: spec.samples,
                d,
                levels: spec.levels,
                seed: spec.seed,
            }),
        }
    }

    /// Number of points.
    pub fn points(&self) -> u64 {
        match self {
            Design::Grid { sizes } => sizes.iter().product(),
            Design::Lhs { n, .. } => *n,
            Design::Saltelli { n, d, .. } => n * (*d as u64 + 2),
            Design::Morris(m) => m.r * (m.d as u64 + 1),
        }
    }

    /// Coordinates of point `i`.
    pub fn coords(&self, i: u64) -> Coords {
        match self {
            Design::Grid { sizes } => {
                let mut levels = vec![0; sizes.len()];
                let mut rest = i;
                for (l, size) in levels.iter_mut().zip(sizes).rev() {
                    *l = (rest % size) as usize;
                    rest /= size;
                }
                Coords::Levels(levels)
            }
            Design::Lhs { n, d, seed } => Coords::Unit(
                (0..*d as u64)
                    .map(|k| {
                        let key = hash3(*seed, STREAM_LHS_PERM, k);
                        let stratum = permute(i, *n, key);
                        let jitter = unit(hash3(*seed, STREAM_LHS_JITTER + 16 * k, i));
                        (stratum as f64 + jitter) / *n as f64
                    })
                    .collect(),
            ),
            Design::Saltelli { d, sobol, .. } => {
                let d = *d;
                let (j, k) = (i / (d as u64 + 2), (i % (d as u64 + 2)) as usize);
                let mut ab = vec![0.0; 2 * d];
                sobol.point(j, &mut ab);
                let (a, b) = ab.split_at(d);
                Coords::Unit(match k {
                    0 => a.to_vec(),
                    1 => b.to_vec(),
                    k => {
                        let mut x = a.to_vec();
                        x[k - 2] = b[k - 2];
                        x
                    }
                })
            }
            Design::Morris(m) => Coords::Unit(m.point(i)),
        }
    }
}

/// Morris trajectories: `r` of them, each d + 1 points on a `levels`-level grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Morris {
    /// Trajectories (the sweep's `samples`): the units the bootstrap resamples.
    pub r: u64,
    /// Dimensions: the number of parameters, each moved once per trajectory.
    pub d: usize,
    /// Grid levels p, even and at least 2: even so that the step Δ = p / (2 (p − 1)) is a whole
    /// p/2 levels, which [`Morris::step`] assumes.
    pub levels: u32,
    /// The sweep seed, from which each trajectory's start and order of moves are drawn.
    pub seed: u64,
}

impl Morris {
    /// The step Δ in unit-cube units.
    pub fn delta(&self) -> f64 {
        let p = self.levels as f64;
        p / (2.0 * (p - 1.0))
    }

    /// Trajectory `t`: its starting levels and the order in which dimensions move.
    fn trajectory(&self, t: u64) -> (Vec<u32>, Vec<usize>) {
        let mut rng = SplitMix(hash3(self.seed, STREAM_MORRIS, t));
        let start = (0..self.d)
            .map(|_| rng.below(self.levels as u64) as u32)
            .collect();
        let mut order: Vec<usize> = (0..self.d).collect();
        for i in (1..order.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            order.swap(i, j);
        }
        (start, order)
    }

    /// Level after one step from level `l`: up by p/2 levels when that stays on the grid,
    /// else down by p/2.
    fn moved(&self, l: u32) -> u32 {
        let jump = self.levels / 2;
        if l + jump < self.levels {
            l + jump
        } else {
            l - jump
        }
    }

    /// Unit coordinates of point `i` (trajectory i / (d + 1), step i mod (d + 1)).
    pub fn point(&self, i: u64) -> Vec<f64> {
        let (t, s) = (i / (self.d as u64 + 1), (i % (self.d as u64 + 1)) as usize);
        let (mut levels, order) = self.trajectory(t);
        for &k in &order[..s] {
            levels[k] = self.moved(levels[k]);
        }
        let top = (self.levels - 1) as f64;
        levels.iter().map(|&l| l as f64 / top).collect()
    }

    /// For step `s` (1 to d) of trajectory `t`: the dimension that moved and the signed step in
    /// unit-cube units.
    pub fn step(&self, t: u64, s: usize) -> (usize, f64) {
        let (levels, order) = self.trajectory(t);
        let k = order[s - 1];
        let sign = if self.moved(levels[k]) > levels[k] {
            1.0
        } else {
            -1.0
        };
        (k, sign * self.delta())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sobol_matches_the_textbook_start() {
        let s = Sobol::new(3);
        // Natural order of the unshifted sequence (Gray-code points 2 and 3 swapped).
        assert_eq!(s.raw(0), vec![0.0, 0.0, 0.0]);
        assert_eq!(s.raw(1), vec![0.5, 0.5, 0.5]);
        assert_eq!(s.raw(2), vec![0.25, 0.75, 0.75]);
        assert_eq!(s.raw(3), vec![0.75, 0.25, 0.25]);
    }

    #[test]
    fn sobol_is_stratified_in_every_dimension() {
        // The first 2^m points put exactly one point in each interval of width 2^-m.
        let s = Sobol::shifted(SOBOL_MAX_DIMS, 99);
        let m = 8;
        let n = 1u64 << m;
        let mut counts = vec![vec![0u32; n as usize]; s.dims()];
        let mut x = vec![0.0; s.dims()];
        for i in 0..n {
            s.point(i, &mut x);
            for (k, v) in x.iter().enumerate() {
                counts[k][(v * n as f64) as usize] += 1;
            }
        }
        for (k, c) in counts.iter().enumerate() {
            assert!(c.iter().all(|&c| c == 1), "dimension {k} not stratified");
        }
    }

    #[test]
    fn sobol_pairs_are_nets() {
        // Dimensions 1 and 2 (unshifted) form a (0, m, 2)-net: every 2^a × 2^(m−a) box holds one
        // point of the first 2^m.
        let s = Sobol::new(2);
        let m = 6u32;
        for a in 0..=m {
            let (nx, ny) = (1usize << a, 1usize << (m - a));
            let mut seen = vec![false; nx * ny];
            for i in 0..(1u64 << m) {
                let p = s.raw(i);
                let cell = (p[0] * nx as f64) as usize * ny + (p[1] * ny as f64) as usize;
                assert!(!seen[cell], "box {cell} hit twice for a = {a}");
                seen[cell] = true;
            }
        }
    }

    #[test]
    fn permutations_are_bijections() {
        for n in [1u64, 2, 3, 7, 64, 100, 1000] {
            let mut seen = vec![false; n as usize];
            for i in 0..n {
                let j = permute(i, n, 12345) as usize;
                assert!(!seen[j]);
                seen[j] = true;
            }
        }
    }

    #[test]
    fn lhs_has_one_point_per_stratum() {
        let design = Design::Lhs {
            n: 50,
            d: 3,
            seed: 7,
        };
        let mut counts = vec![[0u32; 50]; 3];
        for i in 0..50 {
            let Coords::Unit(x) = design.coords(i) else {
                panic!()
            };
            for (k, v) in x.iter().enumerate() {
                counts[k][(v * 50.0) as usize] += 1;
            }
        }
        assert!(counts.iter().flatten().all(|&c| c == 1));
    }

    #[test]
    fn morris_steps_move_one_dimension_by_delta() {
        let m = Morris {
            r: 5,
            d: 4,
            levels: 4,
            seed: 3,
        };
        for t in 0..5 {
            for s in 1..=4 {
                let before = m.point(t * 5 + s as u64 - 1);
                let after = m.point(t * 5 + s as u64);
                let (k, delta) = m.step(t, s);
                for j in 0..4 {
                    if j == k {
                        assert!((after[j] - before[j] - delta).abs() < 1e-12);
                    } else {
                        assert_eq!(after[j], before[j]);
                    }
                }
                assert!(after.iter().all(|x| (0.0..=1.0).contains(x)));
            }
        }
    }
}
