//! A queue's candidate agents in the order of its assignment method: a sorted vector while
//! few agents are candidates (the common case: at any load worth simulating most agents are
//! busy), a sorted deque when many are and they change at the ends, an ordered tree when they
//! change anywhere, so that both a queue of ten and one of ten thousand free agents cost a
//! few comparisons per change. Least active uses it (its ranks are release
//! times, as many as the agents), and highest capacity where members have many units; round
//! robin and highest capacity over few units, whose ranks take few values, use the cheaper
//! `sim/turns.rs`.

use std::collections::{BTreeSet, VecDeque};

/// A queue member's place in its queue's method order, smaller first: (method rank, round-robin
/// key, member) packed into one 192-bit number, so that entries are 24 bytes and compare as
/// three words.
///
/// The method rank is below 2^96 (see `presence::method_rank`), the member below 2^32 (a queue
/// has fewer members than that: the run budget refuses scenarios anywhere near it). Word by
/// word: `hi` is the rank's top 64 bits; `mid` its low 32 bits, then the round-robin key's top
/// 32; `lo` the key's low 32 bits, then the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct RankedMember {
    hi: u64,
    mid: u64,
    lo: u64,
}

impl RankedMember {
    pub(super) fn new(rank: u128, rr_key: u64, member: usize) -> RankedMember {
        debug_assert!(rank >> 96 == 0, "a method rank takes 96 bits");
        debug_assert!(
            u32::try_from(member).is_ok(),
            "a queue has under 2^32 members"
        );
        RankedMember {
            hi: (rank >> 32) as u64,
            mid: ((rank as u64) << 32) | (rr_key >> 32),
            lo: (rr_key << 32) | (member as u64 & 0xFFFF_FFFF),
        }
    }

    pub(super) fn member(self) -> usize {
        (self.lo & 0xFFFF_FFFF) as usize
    }
}

/// Above this many entries the vector becomes a deque (or a tree); below a quarter of it, a
/// vector again. Moving 128 entries of 24 bytes costs less than one tree insertion does; the
/// gap between the two thresholds makes each conversion pay for itself over many changes. (A
/// ring buffer and vectors of up to 256 or 512 were measured, and were slower or no faster:
/// README, Performance.)
const SMALL_MAX: usize = 128;
const SMALL_AGAIN: usize = SMALL_MAX / 4;
/// Up to this many entries a scan costs less than a binary search.
const SCAN_MAX: usize = 16;
/// A deque stays one while every change is within this many entries of one of its ends (so a
/// change moves at most this many); the first change farther in makes it a tree.
const NEAR_END: usize = 32;

#[derive(Debug)]
pub(super) enum Ranked {
    Small(Vec<RankedMember>),
    /// Many candidates whose changes come at the ends: least active over agents of one unit,
    /// where a released agent's rank (its release time) is the latest, so it joins at the
    /// back, and the first in order is the one taken. Each change is a search and a move of a
    /// few entries, where the tree walks and rebalances nodes.
    Ends(VecDeque<RankedMember>),
    Large(BTreeSet<RankedMember>),
}

impl Default for Ranked {
    fn default() -> Self {
        Ranked::Small(Vec::new())
    }
}

/// Whether place `at` of `len` entries is near one of the ends.
fn near_an_end(at: usize, len: usize) -> bool {
    at.min(len - at) <= NEAR_END
}

impl Ranked {
    pub(super) fn insert(&mut self, entry: RankedMember) {
        match self {
            Ranked::Small(entries) => {
                // A member that leaves service was assigned recently: its place is near the
                // end, where the scan starts (short vectors; long ones are searched).
                let at = if entries.len() <= SCAN_MAX {
                    entries
                        .iter()
                        .rposition(|e| *e < entry)
                        .map_or(0, |i| i + 1)
                } else {
                    entries.partition_point(|e| *e < entry)
                };
                debug_assert!(entries.get(at) != Some(&entry), "a member is ranked once");
                entries.insert(at, entry);
                if entries.len() > SMALL_MAX {
                    *self = Ranked::Ends(std::mem::take(entries).into());
                }
            }
            Ranked::Ends(entries) => {
                // The back first: where a released member goes.
                let at = if entries.back().is_none_or(|last| *last < entry) {
                    entries.len()
                } else {
                    entries.partition_point(|e| *e < entry)
                };
                debug_assert!(entries.get(at) != Some(&entry), "a member is ranked once");
                if near_an_end(at, entries.len()) {
                    entries.insert(at, entry);
                } else {
                    let mut tree: BTreeSet<_> = std::mem::take(entries).into_iter().collect();
                    tree.insert(entry);
                    *self = Ranked::Large(tree);
                }
            }
            Ranked::Large(entries) => {
                let fresh = entries.insert(entry);
                debug_assert!(fresh, "a member is ranked once");
            }
        }
    }

    pub(super) fn remove(&mut self, entry: &RankedMember) {
        match self {
            Ranked::Small(entries) => {
                let at = if entries.len() <= SCAN_MAX {
                    entries
                        .iter()
                        .position(|e| e == entry)
                        .unwrap_or(entries.len())
                } else {
                    entries.partition_point(|e| e < entry)
                };
                debug_assert_eq!(entries.get(at), Some(entry), "only ranked members leave");
                if entries.get(at) == Some(entry) {
                    entries.remove(at);
                }
            }
            Ranked::Ends(entries) => {
                // The front first: the member taken.
                let at = if entries.front() == Some(entry) {
                    0
                } else {
                    entries.partition_point(|e| e < entry)
                };
                debug_assert_eq!(entries.get(at), Some(entry), "only ranked members leave");
                if entries.get(at) != Some(entry) {
                    return;
                }
                if near_an_end(at, entries.len()) {
                    entries.remove(at);
                    if entries.len() < SMALL_AGAIN {
                        *self = Ranked::Small(std::mem::take(entries).into());
                    }
                } else {
                    let mut tree: BTreeSet<_> = std::mem::take(entries).into_iter().collect();
                    tree.remove(entry);
                    *self = Ranked::Large(tree);
                }
            }
            Ranked::Large(entries) => {
                let removed = entries.remove(entry);
                debug_assert!(removed, "only ranked members leave");
                if entries.len() < SMALL_AGAIN {
                    *self = Ranked::Small(std::mem::take(entries).into_iter().collect());
                }
            }
        }
    }

    /// Moves a member from `old` to `new` (its key changed): in the vector, only the entries
    /// between its two places shift, by one (a remove and an insert shift everything after
    /// each place).
    pub(super) fn replace(&mut self, old: &RankedMember, new: RankedMember) {
        let Ranked::Small(entries) = self else {
            self.remove(old);
            self.insert(new);
            return;
        };
        let from = entries.partition_point(|e| e < old);
        debug_assert_eq!(entries.get(from), Some(old), "only ranked members move");
        if entries.get(from) != Some(old) {
            return;
        }
        // Where `new` goes among the others (`old` itself left out).
        let to = entries.partition_point(|e| e < &new);
        if to > from {
            let to = to - 1;
            entries[from..=to].rotate_left(1);
            entries[to] = new;
        } else {
            entries[to..=from].rotate_right(1);
            entries[to] = new;
        }
        debug_assert!(entries.is_sorted(), "the order is kept");
    }

    /// The first member, in method order, that `take` accepts.
    pub(super) fn first(&self, mut take: impl FnMut(usize) -> bool) -> Option<usize> {
        match self {
            Ranked::Small(entries) => entries.iter().map(|e| e.member()).find(|&m| take(m)),
            Ranked::Ends(entries) => entries.iter().map(|e| e.member()).find(|&m| take(m)),
            Ranked::Large(entries) => entries.iter().map(|e| e.member()).find(|&m| take(m)),
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;

    /// Random inserts, removes and moves that carry the set back and forth across both
    /// thresholds: the order is always the tree's.
    #[test]
    fn the_order_is_a_trees_through_growth_and_shrinkage() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut ranked = Ranked::default();
        let mut model = BTreeSet::new();
        let (mut went_ends, mut went_large, mut went_small_again) = (false, false, false);
        for step in 0..36_000 {
            // Phases of growth (to about 1,500 entries) and of shrinkage (to none), each
            // crossing both thresholds.
            let growing = (step / 3_000) % 2 == 0;
            let grow = rng.random_bool(if growing { 0.75 } else { 0.05 });
            if grow || model.is_empty() {
                // Members are unique in a queue, as here; keys collide often.
                let entry = RankedMember::new(
                    rng.random_range(0..6) << 64 | rng.random_range(0..4),
                    rng.random_range(0..1_000),
                    step,
                );
                if model.insert(entry) {
                    ranked.insert(entry);
                }
            } else if rng.random_bool(0.75) {
                let nth = rng.random_range(0..model.len());
                let entry = *model.iter().nth(nth).expect("in range");
                model.remove(&entry);
                ranked.remove(&entry);
            } else {
                // A member's key changes: it moves, forwards or backwards, maybe not at all.
                let nth = rng.random_range(0..model.len());
                let old = *model.iter().nth(nth).expect("in range");
                // Often to the back, as a round-robin member offered an item goes.
                let rr_key = if rng.random_bool(0.3) {
                    1_000 + step as u64
                } else {
                    rng.random_range(0..1_000)
                };
                let rank = if rng.random_bool(0.3) {
                    0
                } else {
                    rng.random_range(0..6) << 64 | rng.random_range(0..4)
                };
                let new = RankedMember::new(rank, rr_key, old.member());
                if new != old {
                    model.remove(&old);
                    model.insert(new);
                    ranked.replace(&old, new);
                }
            }
            match ranked {
                Ranked::Ends(_) => went_ends = true,
                Ranked::Large(_) => went_large = true,
                Ranked::Small(_) if went_large => went_small_again = true,
                Ranked::Small(_) => {}
            }
            let expected: Vec<usize> = model.iter().map(|e| e.member()).collect();
            let mut seen = Vec::new();
            let none = ranked.first(|member| {
                seen.push(member);
                false
            });
            assert_eq!((none, &seen), (None, &expected), "step {step}");
            if let Some(&wanted) = expected.get(expected.len() / 2) {
                assert_eq!(ranked.first(|m| m == wanted), Some(wanted));
            }
        }
        assert!(
            went_ends && went_large && went_small_again,
            "every form was exercised"
        );
    }

    /// Least active over one-unit agents: a released member joins at the back (its release is
    /// the latest), the first is taken, and now and then another leaves from near either end.
    /// The set stays a deque, in the tree's order; a change far from both ends makes it a tree,
    /// still in order.
    #[test]
    fn changes_at_the_ends_keep_a_deque_and_one_in_the_middle_makes_a_tree() {
        let mut rng = StdRng::seed_from_u64(5);
        let mut ranked = Ranked::default();
        let mut model = BTreeSet::new();
        let check = |ranked: &Ranked, model: &BTreeSet<RankedMember>| {
            let mut seen = Vec::new();
            ranked.first(|member| {
                seen.push(member);
                false
            });
            let expected: Vec<usize> = model.iter().map(|e| e.member()).collect();
            assert_eq!(seen, expected);
        };
        for step in 0..20_000usize {
            // Grow to about 500, then hover there.
            if model.len() < 500 || rng.random_bool(0.5) {
                let entry = RankedMember::new(step as u128, 0, step);
                model.insert(entry);
                ranked.insert(entry);
            } else {
                let nth = if rng.random_bool(0.8) {
                    0
                } else if rng.random_bool(0.5) {
                    rng.random_range(0..NEAR_END)
                } else {
                    model.len() - 1 - rng.random_range(0..NEAR_END)
                };
                let entry = *model.iter().nth(nth).expect("in range");
                model.remove(&entry);
                ranked.remove(&entry);
            }
            if model.len() > SMALL_MAX {
                assert!(matches!(ranked, Ranked::Ends(_)), "step {step}");
            }
            if step % 97 == 0 {
                check(&ranked, &model);
            }
        }
        check(&ranked, &model);
        // One member leaves from the middle: a tree now, the same order.
        let middle = *model.iter().nth(model.len() / 2).expect("in range");
        model.remove(&middle);
        ranked.remove(&middle);
        assert!(matches!(ranked, Ranked::Large(_)));
        check(&ranked, &model);
        // And one that joins in the middle of a deque makes one too.
        let mut ranked = Ranked::default();
        let mut model = BTreeSet::new();
        for k in 0..400u128 {
            let entry = RankedMember::new(2 * k, 0, k as usize);
            model.insert(entry);
            ranked.insert(entry);
        }
        assert!(matches!(ranked, Ranked::Ends(_)));
        let entry = RankedMember::new(401, 0, 1_000);
        model.insert(entry);
        ranked.insert(entry);
        assert!(matches!(ranked, Ranked::Large(_)));
        check(&ranked, &model);
    }

    /// Packed entries order as the (method rank, round-robin key, member) tuples they pack,
    /// and give their member back, over the whole range of each part.
    #[test]
    fn packed_entries_order_as_their_parts() {
        let mut rng = StdRng::seed_from_u64(11);
        let edge_rank = [
            0,
            1,
            u128::from(u64::MAX),
            (1 << 96) - 1,
            1 << 64,
            (1 << 95) + 7,
        ];
        let edge_u64 = [0, 1, u64::from(u32::MAX), 1 << 32, u64::MAX - 1, u64::MAX];
        let edge_member = [0, 1, 63, 64, u32::MAX as usize - 1, u32::MAX as usize];
        let part = |rng: &mut StdRng| {
            let rank = if rng.random_bool(0.3) {
                edge_rank[rng.random_range(0..edge_rank.len())]
            } else {
                rng.random_range(0..1u128 << 96)
            };
            let rr = if rng.random_bool(0.3) {
                edge_u64[rng.random_range(0..edge_u64.len())]
            } else {
                rng.random()
            };
            let member = if rng.random_bool(0.3) {
                edge_member[rng.random_range(0..edge_member.len())]
            } else {
                rng.random_range(0..=u32::MAX as usize)
            };
            (rank, rr, member)
        };
        for _ in 0..50_000 {
            let (a, b) = (part(&mut rng), part(&mut rng));
            // Often equal in the leading parts, so that the later ones decide.
            let b = match rng.random_range(0..3) {
                0 => (a.0, b.1, b.2),
                1 => (a.0, a.1, b.2),
                _ => b,
            };
            let (pa, pb) = (
                RankedMember::new(a.0, a.1, a.2),
                RankedMember::new(b.0, b.1, b.2),
            );
            assert_eq!(pa.cmp(&pb), a.cmp(&b), "{a:?} against {b:?}");
            assert_eq!((pa.member(), pb.member()), (a.2, b.2));
        }
    }
}
