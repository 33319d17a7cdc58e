//! A fast hasher for the integer keys of hot-path sets and maps (event sequence numbers,
//! conversation keys): one multiply-and-rotate per integer (Fibonacci hashing).
//!
//! The keys are the program's own integers, not chosen by anyone, so SipHash's protection
//! against chosen keys buys nothing there, and it costs a few percent of a run. No set or map
//! hashed this way may be iterated into an output: only lookups, so results cannot depend on
//! the hash.

use std::hash::{BuildHasherDefault, Hasher};

/// `HashMap<K, V, FastHash>` / `HashSet<K, FastHash>` for integer keys.
pub type FastHash = BuildHasherDefault<IntHasher>;

/// The hasher behind [`FastHash`].
#[derive(Debug, Default, Clone, Copy)]
pub struct IntHasher(u64);

const K: u64 = 0x9e37_79b9_7f4a_7c15;

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(26) ^ value).wrapping_mul(K);
    }
    fn write_usize(&mut self, value: usize) {
        self.write_u64(value as u64);
    }
    fn write_u32(&mut self, value: u32) {
        self.write_u64(u64::from(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn tuple_keys_are_told_apart_and_found_again() {
        let mut map: HashMap<(usize, u64), u32, FastHash> = HashMap::default();
        for channel in 0..4 {
            for arrival in 0..1000u64 {
                map.insert(
                    (channel, arrival * 7),
                    (channel * 1000) as u32 + arrival as u32,
                );
            }
        }
        assert_eq!(map.len(), 4000);
        assert_eq!(map.get(&(3, 7 * 999)), Some(&3999));
        assert_eq!(map.get(&(1, 7)), Some(&1001));
        assert_eq!(map.get(&(0, 1)), None);
    }
}
