//! A queue's candidate agents in the order of its assignment method: a sorted vector while
//! few agents are candidates (the common case: at any load worth simulating most agents are
//! busy), an ordered tree when many are, so that both a queue of ten and one of ten thousand
//! free agents cost a few comparisons per change.

use std::collections::BTreeSet;

/// A queue member's place in its queue's method order: (method key, round-robin key, member),
/// smaller goes first.
pub(super) type RankedMember = ((i64, u64), u64, usize);

/// Above this many entries the vector becomes a tree; below a quarter of it, a vector again.
/// Moving 128 entries of 32 bytes costs less than one tree insertion does; the gap between the
/// two thresholds makes each conversion pay for itself over many changes.
const SMALL_MAX: usize = 128;
const SMALL_AGAIN: usize = SMALL_MAX / 4;
/// Up to this many entries a scan costs less than a binary search of tuple comparisons.
const SCAN_MAX: usize = 16;

#[derive(Debug)]
pub(super) enum Ranked {
    Small(Vec<RankedMember>),
    Large(BTreeSet<RankedMember>),
}

impl Default for Ranked {
    fn default() -> Self {
        Ranked::Small(Vec::new())
    }
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
                    *self = Ranked::Large(std::mem::take(entries).into_iter().collect());
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
                    let member = entry.2;
                    entries
                        .iter()
                        .position(|e| e.2 == member)
                        .unwrap_or(entries.len())
                } else {
                    entries.partition_point(|e| e < entry)
                };
                debug_assert_eq!(entries.get(at), Some(entry), "only ranked members leave");
                if entries.get(at) == Some(entry) {
                    entries.remove(at);
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
            Ranked::Small(entries) => entries.iter().map(|e| e.2).find(|&m| take(m)),
            Ranked::Large(entries) => entries.iter().map(|e| e.2).find(|&m| take(m)),
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
        let (mut went_large, mut went_small_again) = (false, false);
        for step in 0..36_000 {
            // Phases of growth (to about 1,500 entries) and of shrinkage (to none), each
            // crossing both thresholds.
            let growing = (step / 3_000) % 2 == 0;
            let grow = rng.random_bool(if growing { 0.75 } else { 0.05 });
            if grow || model.is_empty() {
                // Members are unique in a queue, as here; keys collide often.
                let entry = (
                    (rng.random_range(-3..3), rng.random_range(0..4)),
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
                let new = (
                    (rng.random_range(-3..3), rng.random_range(0..4)),
                    rng.random_range(0..1_000),
                    old.2,
                );
                if new != old {
                    model.remove(&old);
                    model.insert(new);
                    ranked.replace(&old, new);
                }
            }
            match ranked {
                Ranked::Large(_) => went_large = true,
                Ranked::Small(_) if went_large => went_small_again = true,
                Ranked::Small(_) => {}
            }
            let expected: Vec<usize> = model.iter().map(|e| e.2).collect();
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
        assert!(went_large && went_small_again, "both forms were exercised");
    }
}
