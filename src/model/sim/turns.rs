//! A queue's candidate agents in turn order, for the assignment methods whose rank takes few
//! values (round robin: one; highest capacity: the free room): per rank a bit set over the
//! members' round-robin keys, so that a turn, a change of room, a leave and a return each set
//! or clear a bit or two, and the first candidate is found by skipping empty words. The keys
//! are renumbered, in order, when they outgrow the sets, so each set stays a few times the
//! members whatever the length of the run.

/// No key: the member is not a candidate.
const NONE: u64 = u64::MAX;

/// The sets' size, in keys, per member (at least [`MIN_KEYS`]): a renumbering leaves at most
/// two keys per member in use, so at least two per member are free for the turns after it.
const KEYS_PER_MEMBER: usize = 4;
const MIN_KEYS: usize = 64;
/// Past this many ranks, a rank whose last member leaves takes its set with it (below it,
/// empty sets stay, so that a rank emptied and filled again allocates nothing).
const KEEP_EMPTY_RANKS: usize = 8;

/// The candidates of one rank, by key.
#[derive(Debug)]
struct Rank {
    rank: u64,
    /// Bit `k` set: key `k` is a candidate's.
    words: Vec<u64>,
    /// Bit `w` set: `words[w]` is not zero.
    summary: Vec<u64>,
    members: u32,
}

impl Rank {
    fn new(rank: u64, keys: usize) -> Rank {
        Rank {
            rank,
            words: vec![0; keys / 64],
            summary: vec![0; (keys / 64).div_ceil(64)],
            members: 0,
        }
    }

    #[inline]
    fn insert(&mut self, k: usize) {
        debug_assert!(self.words[k / 64] & (1 << (k % 64)) == 0, "keys are unique");
        self.words[k / 64] |= 1 << (k % 64);
        self.summary[k / 4096] |= 1 << ((k / 64) % 64);
        self.members += 1;
    }

    #[inline]
    fn remove(&mut self, k: usize) {
        let word = &mut self.words[k / 64];
        *word &= !(1 << (k % 64));
        if *word == 0 {
            self.summary[k / 4096] &= !(1 << ((k / 64) % 64));
        }
        self.members -= 1;
    }

    fn clear(&mut self) {
        self.words.fill(0);
        self.summary.fill(0);
        self.members = 0;
    }
}

/// Candidates by (rank, round-robin key), smaller first. Keys are unique within a queue (each
/// turn takes the next number), so within a rank the order is the key's.
#[derive(Debug, Default)]
pub(super) struct Turns {
    /// In rank order.
    ranks: Vec<Rank>,
    /// The member whose key is `k` (meaningful where some rank's bit `k` is set).
    member_of: Vec<u32>,
    /// Each member's (rank, key) in the sets; key [`NONE`] when not a candidate.
    held: Vec<(u64, u64)>,
    /// Members are ranked by free room (highest capacity); else all share one rank.
    pub(super) by_room: bool,
}

impl Turns {
    /// Empty sets for `members` members whose keys are below `next_key`, ranked `by_room` or
    /// all of one rank.
    pub(super) fn new(members: usize, next_key: u64, by_room: bool) -> Turns {
        let keys = (members * KEYS_PER_MEMBER)
            .max(MIN_KEYS)
            .max(next_key as usize + 1)
            .next_multiple_of(64);
        Turns {
            // One rank only: its set is made now, and found without a search.
            ranks: if by_room {
                Vec::new()
            } else {
                vec![Rank::new(0, keys)]
            },
            member_of: vec![0; keys],
            held: vec![(0, NONE); members],
            by_room,
        }
    }

    /// Keys must stay below this; see [`Turns::make_room`].
    fn capacity(&self) -> u64 {
        self.member_of.len() as u64
    }

    /// The set of `rank`, made if missing.
    #[inline]
    fn rank_mut(&mut self, rank: u64) -> &mut Rank {
        if !self.by_room {
            return &mut self.ranks[0];
        }
        self.rank_by_room(rank)
    }

    /// [`rank_mut`](Self::rank_mut) of highest capacity.
    fn rank_by_room(&mut self, rank: u64) -> &mut Rank {
        if let Some(at) = self.ranks.iter().position(|r| r.rank == rank) {
            return &mut self.ranks[at];
        }
        let at = self.ranks.partition_point(|r| r.rank < rank);
        let keys = self.member_of.len();
        self.ranks.insert(at, Rank::new(rank, keys));
        &mut self.ranks[at]
    }

    /// Where the set of `rank`, which exists, is (ranks are few: a scan).
    fn position(&self, rank: u64) -> usize {
        if !self.by_room {
            return 0;
        }
        let at = self.ranks.iter().position(|r| r.rank == rank);
        debug_assert!(at.is_some(), "a held member's rank has a set");
        at.unwrap_or(0)
    }

    /// Puts `member` in the sets at (rank, key), or takes it out (`None`).
    #[inline]
    pub(super) fn set(&mut self, member: usize, place: Option<(u64, u64)>) {
        let new = place.unwrap_or((0, NONE));
        let old = self.held[member];
        if old == new {
            return;
        }
        self.held[member] = new;
        if old.1 != NONE {
            let at = self.position(old.0);
            let set = &mut self.ranks[at];
            set.remove(old.1 as usize);
            if new.1 != NONE && new.0 == old.0 {
                // A turn within the rank (round robin's every one): one set.
                set.insert(new.1 as usize);
                self.member_of[new.1 as usize] = member as u32;
                return;
            }
            if set.members == 0 && self.ranks.len() > KEEP_EMPTY_RANKS {
                self.ranks.remove(at);
            }
        }
        if new.1 != NONE {
            debug_assert!(
                new.1 < self.capacity(),
                "a key beyond the sets: make_room first"
            );
            self.rank_mut(new.0).insert(new.1 as usize);
            self.member_of[new.1 as usize] = member as u32;
        }
    }

    /// The first member, in (rank, turn) order, that `take` accepts.
    pub(super) fn first(&self, mut take: impl FnMut(usize) -> bool) -> Option<usize> {
        for set in self.ranks.iter().filter(|set| set.members > 0) {
            for (s, &summary) in set.summary.iter().enumerate() {
                let mut words = summary;
                while words != 0 {
                    let w = s * 64 + words.trailing_zeros() as usize;
                    words &= words - 1;
                    let mut bits = set.words[w];
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
        }
        None
    }

    /// Before the queue hands out key `*next_key`: if it would not fit, renumbers every key in
    /// use (the members' `rr_keys` and the keys the sets hold, which lag a member's turn until
    /// its presence is refreshed) to 0, 1, 2... in their order, so no comparison between two
    /// of them changes, and sets `*next_key` past them.
    pub(super) fn make_room(&mut self, rr_keys: &mut [u64], next_key: &mut u64) {
        if *next_key < self.capacity() {
            return;
        }
        let mut live: Vec<u64> = rr_keys
            .iter()
            .copied()
            .chain(self.held.iter().map(|&(_, k)| k).filter(|&k| k != NONE))
            .collect();
        live.sort_unstable();
        live.dedup();
        let renumbered = |key: u64| live.binary_search(&key).expect("a key in use") as u64;
        for key in rr_keys.iter_mut() {
            *key = renumbered(*key);
        }
        let held: Vec<(usize, (u64, u64))> = self
            .held
            .iter()
            .enumerate()
            .filter(|&(_, &(_, k))| k != NONE)
            .map(|(member, &(rank, k))| (member, (rank, renumbered(k))))
            .collect();
        *next_key = live.len() as u64;
        for set in &mut self.ranks {
            set.clear();
        }
        self.held.fill((0, NONE));
        for (member, place) in held {
            self.set(member, Some(place));
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

    /// A queue's turns driven at random (members taking turns, changing rank, leaving and
    /// coming back, their keys in the sets lagging their turns as `refresh_presence` lets
    /// them), beside a model that numbers turns without ever renumbering: the order is always
    /// the model's (rank, then turn), through many renumberings, and so is the order of the
    /// members' keys. With many ranks, empty sets are dropped.
    fn check_against_a_model(members: usize, ranks: u64, seed: u64) {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut rr_keys: Vec<u64> = (0..members as u64).collect();
        let mut next_key = members as u64;
        let mut turns = Turns::new(members, next_key, ranks > 1);
        // The model: each member's turn number, and the (rank, turn) the sets hold it at.
        let mut model_turn: Vec<u64> = rr_keys.clone();
        let mut model_next = next_key;
        let mut model_held: Vec<Option<(u64, u64)>> = vec![None; members];
        let mut renumberings = 0;
        for step in 0..60_000 {
            let member = rng.random_range(0..members);
            match rng.random_range(0..3) {
                0 => {
                    // A turn: a fresh key, not yet in the sets.
                    let before = next_key;
                    turns.make_room(&mut rr_keys, &mut next_key);
                    renumberings += usize::from(next_key != before);
                    rr_keys[member] = next_key;
                    next_key += 1;
                    model_turn[member] = model_next;
                    model_next += 1;
                }
                1 => {
                    // The member's presence is refreshed: the sets catch up, maybe at
                    // another rank (spread over the whole range of a rank).
                    let rank = rng
                        .random_range(0..ranks)
                        .wrapping_mul(u64::MAX / ranks.max(2));
                    turns.set(member, Some((rank, rr_keys[member])));
                    model_held[member] = Some((rank, model_turn[member]));
                }
                _ => {
                    turns.set(member, None);
                    model_held[member] = None;
                }
            }
            if step % 7 == 0 || members < 50 {
                let order: BTreeMap<(u64, u64), usize> = model_held
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
                    "{members} members, {ranks} ranks, step {step}"
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
                let empty = turns.ranks.iter().filter(|set| set.members == 0).count();
                assert!(
                    empty <= KEEP_EMPTY_RANKS,
                    "{empty} empty sets kept of {}",
                    turns.ranks.len()
                );
            }
        }
        assert!(
            renumberings > 0,
            "{members} members: the keys outgrew the sets"
        );
        assert!(turns.capacity() <= (members * 4).max(64).next_multiple_of(64) as u64);
    }

    #[test]
    fn one_rank_the_order_is_the_turns_through_renumbering() {
        for (members, seed) in [(1, 1), (3, 2), (40, 3), (700, 4)] {
            check_against_a_model(members, 1, seed);
        }
    }

    #[test]
    fn ranks_then_turns_through_renumbering() {
        check_against_a_model(3, 2, 5);
        check_against_a_model(40, 4, 6);
        check_against_a_model(300, 3, 7);
        check_against_a_model(200, 60, 8);
    }
}
