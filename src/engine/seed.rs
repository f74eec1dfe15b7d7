//! Random streams derived from `(seed, rollout index)` alone, so a rollout's result never depends
//! on the thread, shard or order it runs in. Each process gets its own ChaCha8 stream id under
//! the rollout's key (MODEL.md §4, common random numbers).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::model::Streams;

/// SplitMix64 finaliser: a bijective mix with full avalanche (Steele, Lea and Flood 2014).
#[inline]
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The 256-bit ChaCha key of rollout `index` under `seed`.
pub fn rollout_key(seed: u64, index: u64) -> [u8; 32] {
    let mut state = splitmix(seed) ^ splitmix(index.wrapping_add(0x5851_f42d_4c95_7f2d));
    let mut key = [0u8; 32];
    for chunk in key.chunks_exact_mut(8) {
        state = splitmix(state);
        chunk.copy_from_slice(&state.to_le_bytes());
    }
    key
}

/// An unrelated master seed for scenario `j` of an independent comparison
/// (`partnersim compare --independent`): a SplitMix64 mix of the seed and the scenario index, in a
/// domain apart from rollout keys.
pub fn independent_seed(seed: u64, j: u64) -> u64 {
    splitmix(
        splitmix(seed ^ 0x1d3e_95c4_a7f0_2b68) ^ splitmix(j.wrapping_add(0x6a09_e667_f3bc_c908)),
    )
}

/// The six process streams of one rollout; stream ids follow [`crate::model::draw::STREAM_NAMES`].
pub fn streams_for(seed: u64, index: u64) -> Streams<ChaCha8Rng> {
    let key = rollout_key(seed, index);
    let make = |id: u64| {
        let mut rng = ChaCha8Rng::from_seed(key);
        rng.set_stream(id);
        rng
    };
    Streams {
        shocks: make(0),
        funding: make(1),
        staffing: make(2),
        contacts: make(3),
        challenges: make(4),
        milestones: make(5),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn keys_differ_by_seed_and_index() {
        assert_ne!(rollout_key(1, 0), rollout_key(1, 1));
        assert_ne!(rollout_key(1, 0), rollout_key(2, 0));
        assert_ne!(rollout_key(0, 1), rollout_key(1, 0));
    }

    #[test]
    fn process_streams_are_distinct_and_repeatable() {
        let mut a = streams_for(42, 7);
        let mut b = streams_for(42, 7);
        let x = a.staffing.next_u64();
        assert_eq!(x, b.staffing.next_u64());
        assert_ne!(x, a.contacts.next_u64());
    }

    /// Every process has a stream of its own: the first draws of each of the six streams differ
    /// from those of every other (all 15 pairs), so no two processes share random numbers.
    #[test]
    fn all_six_process_streams_differ_pairwise() {
        for (seed, index) in [(42, 7), (0, 0), (1, 123_456)] {
            let mut s = streams_for(seed, index);
            let first =
                |rng: &mut ChaCha8Rng| -> [u64; 4] { std::array::from_fn(|_| rng.next_u64()) };
            let draws = [
                ("shocks", first(&mut s.shocks)),
                ("funding", first(&mut s.funding)),
                ("staffing", first(&mut s.staffing)),
                ("contacts", first(&mut s.contacts)),
                ("challenges", first(&mut s.challenges)),
                ("milestones", first(&mut s.milestones)),
            ];
            let mut pairs = 0;
            for (i, (a, x)) in draws.iter().enumerate() {
                for (b, y) in &draws[i + 1..] {
                    assert_ne!(
                        x, y,
                        "{a} and {b} share a stream (seed {seed}, rollout {index})"
                    );
                    pairs += 1;
                }
            }
            assert_eq!(pairs, 15);
            // And each is repeatable: the same seed and index give the same six streams.
            let mut again = streams_for(seed, index);
            assert_eq!(first(&mut again.challenges), draws[4].1);
            assert_eq!(first(&mut again.milestones), draws[5].1);
        }
    }
}
