//! A round-robin queue's candidate agents in turn order: a bit set over the members'
//! round-robin keys, so that moving a member to the back, taking it out and putting it back
//! each cost a bit or two, and the first candidate is found by skipping empty words. The keys
//! are renumbered, in order, when they outgrow the set, so its size stays a few times the
//! members whatever the length of the run.

/// No key: the member is not a candidate.
const NONE: u64 = u64::MAX;

/// The set's size, in keys, per member (at least [`MIN_KEYS`]): a renumbering leaves at most
/// two keys per member in use, so at least two per member are free for the turns after it.
const KEYS_PER_MEMBER: usize = 4;
const MIN_KEYS: usize = 64;

/// Candidates by round-robin key, smallest (the longest since its last turn) first. Keys are
/// unique within a queue (each turn takes the next number), so the order is the key's.
#[derive(Debug, Default)]
pub(super) struct Turns {
    /// Bit `k` set: key `k` is a candidate's.
    words: Vec<u64>,
    /// Bit `w` set: `words[w]` is not zero.
    summary: Vec<u64>,
    /// The member whose key is `k` (meaningful where bit `k` is set).
    member_of: Vec<u32>,
    /// Each member's key in the set, or [`NONE`].
    key_of: Vec<u64>,
}

impl Turns {
    /// An empty set for `members` members whose keys are below `next_key`.
    pub(super) fn new(members: usize, next_key: u64) -> Turns {
        let keys = (members * KEYS_PER_MEMBER)
            .max(MIN_KEYS)
            .max(next_key as usize + 1)
            .next_multiple_of(64);
        Turns {
            words: vec![0; keys / 64],
            summary: vec![0; (keys / 64).div_ceil(64)],
            member_of: vec![0; keys],
            key_of: vec![NONE; members],
        }
    }

    /// Keys must stay below this; see [`Turns::make_room`].
    fn capacity(&self) -> u64 {
        self.member_of.len() as u64
    }

    /// Puts `member` in the set at `key`, or takes it out (`None`).
    pub(super) fn set(&mut self, member: usize, key: Option<u64>) {
        let new = key.unwrap_or(NONE);
        let old = self.key_of[member];
        if old == new {
            return;
        }
        if old != NONE {
            self.clear_bit(old as usize);
        }
        if new != NONE {
            debug_assert!(
                new < self.capacity(),
                "a key beyond the set: make_room first"
            );
            let k = new as usize;
            debug_assert!(self.words[k / 64] & (1 << (k % 64)) == 0, "keys are unique");
            self.words[k / 64] |= 1 << (k % 64);
            self.summary[k / 4096] |= 1 << ((k / 64) % 64);
            self.member_of[k] = member as u32;
        }
        self.key_of[member] = new;
    }

    fn clear_bit(&mut self, k: usize) {
        let word = &mut self.words[k / 64];
        *word &= !(1 << (k % 64));
        if *word == 0 {
            self.summary[k / 4096] &= !(1 << ((k / 64) % 64));
        }
    }

    /// The first member, in turn order, that `take` accepts.
    pub(super) fn first(&self, mut take: impl FnMut(usize) -> bool) -> Option<usize> {
        for (s, &summary) in self.summary.iter().enumerate() {
            let mut words = summary;
            while words != 0 {
                let w = s * 64 + words.trailing_zeros() as usize;
                words &= words - 1;
                let mut bits = self.words[w];
                while bits != 0 {
                    let k = w * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    let member = self.member_of[k] as usize;
                    if take(member) {
                        return Some(member);
                    }
                }
            }
        }
        None
    }

    /// Before the queue hands out key `*next_key`: if it would not fit, renumbers every key in
    /// use (the members' `rr_keys` and the keys the set holds, which lag a member's turn until
    /// its presence is refreshed) to 0, 1, 2... in their order, so no comparison between two
    /// of them changes, and sets `*next_key` past them.
    pub(super) fn make_room(&mut self, rr_keys: &mut [u64], next_key: &mut u64) {
        if *next_key < self.capacity() {
            return;
        }
        let mut live: Vec<u64> = rr_keys
            .iter()
            .copied()
            .chain(self.key_of.iter().copied().filter(|&k| k != NONE))
            .collect();
        live.sort_unstable();
        live.dedup();
        let renumbered = |key: u64| live.binary_search(&key).expect("a key in use") as u64;
        for key in rr_keys.iter_mut() {
            *key = renumbered(*key);
        }
        let held: Vec<(usize, u64)> = self
            .key_of
            .iter()
            .enumerate()
            .filter(|&(_, &k)| k != NONE)
            .map(|(member, &k)| (member, renumbered(k)))
            .collect();
        *next_key = live.len() as u64;
        self.words.fill(0);
        self.summary.fill(0);
        self.key_of.fill(NONE);
        for (member, key) in held {
            self.set(member, Some(key));
        }
        debug_assert!(
            *next_key < self.capacity(),
            "at most two keys per member in use"
        );
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;

    /// A queue's turns driven at random (members taking turns, leaving and coming back, their
    /// keys in the set lagging their turns as `refresh_presence` lets them), beside a model
    /// that numbers turns without ever renumbering: the set's order is always the model's,
    /// through many renumberings, and so is the order of the members' keys.
    #[test]
    fn the_order_is_the_keys_through_renumbering() {
        for (members, seed) in [(1, 1), (3, 2), (40, 3), (700, 4)] {
            let mut rng = StdRng::seed_from_u64(seed);
            let mut rr_keys: Vec<u64> = (0..members as u64).collect();
            let mut next_key = members as u64;
            let mut turns = Turns::new(members, next_key);
            // The model: each member's turn number, and the one the set holds it at.
            let mut model_turn: Vec<u64> = rr_keys.clone();
            let mut model_next = next_key;
            let mut model_held: Vec<Option<u64>> = vec![None; members];
            let mut renumberings = 0;
            for step in 0..60_000 {
                let member = rng.random_range(0..members);
                match rng.random_range(0..3) {
                    0 => {
                        // A turn: a fresh key, not yet in the set.
                        let before = next_key;
                        turns.make_room(&mut rr_keys, &mut next_key);
                        renumberings += usize::from(next_key != before);
                        rr_keys[member] = next_key;
                        next_key += 1;
                        model_turn[member] = model_next;
                        model_next += 1;
                    }
                    1 => {
                        // The member's presence is refreshed: the set catches up.
                        turns.set(member, Some(rr_keys[member]));
                        model_held[member] = Some(model_turn[member]);
                    }
                    _ => {
                        turns.set(member, None);
                        model_held[member] = None;
                    }
                }
                if step % 7 == 0 || members < 50 {
                    let order: BTreeMap<u64, usize> = model_held
                        .iter()
                        .enumerate()
                        .filter_map(|(m, k)| k.map(|k| (k, m)))
                        .collect();
                    let expected: Vec<usize> = order.values().copied().collect();
                    let mut seen = Vec::new();
                    let none = turns.first(|m| {
                        seen.push(m);
                        false
                    });
                    assert_eq!(
                        (none, &seen),
                        (None, &expected),
                        "{members} members, step {step}"
                    );
                    if let Some(&wanted) = expected.get(expected.len() / 2) {
                        assert_eq!(turns.first(|m| m == wanted), Some(wanted));
                    }
                    // The members' keys order as their turns (the full scan ranks by them).
                    let (a, b) = (rng.random_range(0..members), rng.random_range(0..members));
                    assert_eq!(
                        rr_keys[a].cmp(&rr_keys[b]),
                        model_turn[a].cmp(&model_turn[b])
                    );
                }
            }
            assert!(
                renumberings > 0,
                "{members} members: the keys outgrew the set"
            );
            assert!(turns.capacity() <= ((members * 4).max(64).next_multiple_of(64)) as u64);
        }
    }
}
