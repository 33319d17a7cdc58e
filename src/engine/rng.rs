//! Per-purpose seeded random streams. Each source of randomness (a channel's arrivals, its
//! handle times, an agent group's behaviour...) draws from its own ChaCha8 stream named by a
//! stable key, so that changing one part of a scenario does not reshuffle the random numbers of
//! the others (common random numbers), and a run depends only on (scenario, seed).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The generator behind every stream. ChaCha8's output is specified, so it is the same on every
/// platform and every version of rand_chacha.
pub type StreamRng = ChaCha8Rng;

/// Hands out independent streams derived from one run seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandomStreams {
    seed: [u8; 32],
}

impl RandomStreams {
    pub fn new(seed: u64) -> RandomStreams {
        // SplitMix64 expands the 64-bit seed into ChaCha's 256-bit key; written out here rather
        // than using `seed_from_u64`, whose expansion rand_core does not promise to keep.
        let mut state = seed;
        let mut key = [0u8; 32];
        for chunk in key.chunks_exact_mut(8) {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes());
        }
        RandomStreams { seed: key }
    }

    /// The stream for `purpose`, e.g. `stream("arrivals/chat")`. The same purpose always gives
    /// the same sequence for the same run seed.
    pub fn stream(&self, purpose: &str) -> StreamRng {
        let mut rng = ChaCha8Rng::from_seed(self.seed);
        rng.set_stream(stream_key(purpose));
        rng
    }
}

/// A stable 64-bit name for a purpose string (FNV-1a: fixed forever, unlike std's hasher).
pub fn stream_key(purpose: &str) -> u64 {
    purpose.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use rand::Rng;

    use super::*;

    const PINNED_FIRST_DRAW: u64 = 16_788_365_755_478_493_351;

    fn first_draws(streams: &RandomStreams, purpose: &str) -> Vec<u64> {
        let mut rng = streams.stream(purpose);
        (0..4).map(|_| rng.random()).collect()
    }

    #[test]
    fn a_stream_depends_only_on_seed_and_purpose() {
        let streams = RandomStreams::new(7);
        assert_eq!(
            first_draws(&streams, "arrivals/chat"),
            first_draws(&RandomStreams::new(7), "arrivals/chat")
        );
        assert_ne!(
            first_draws(&streams, "arrivals/chat"),
            first_draws(&streams, "arrivals/sms")
        );
        assert_ne!(
            first_draws(&streams, "arrivals/chat"),
            first_draws(&RandomStreams::new(8), "arrivals/chat")
        );
    }

    #[test]
    fn streams_are_pinned_so_results_survive_dependency_upgrades() {
        // If either changes, every stored baseline and golden file changes with it. The key is
        // FNV-1a of the purpose (checked independently); the draw pins ChaCha8 and SplitMix64.
        assert_eq!(stream_key("arrivals/chat"), 0xdbd8_d7d8_3459_1e32);
        let first: u64 = RandomStreams::new(1).stream("arrivals/chat").random();
        assert_eq!(first, PINNED_FIRST_DRAW);
    }
}
