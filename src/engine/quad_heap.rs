//! A 4-ary min-heap of small `Copy` entries: the event list's heap (`event_queue.rs`).
//!
//! Four children a node halve the levels of a binary heap, and a node's four children lie side
//! by side, so a level costs one or two cache lines and three comparisons, two of them
//! independent. A pop moves the hole down along the least children to the bottom and sifts
//! the last entry up from there, as std's `BinaryHeap` does (the last entry usually belongs
//! near the bottom). Entries are copied into the hole, not swapped.
//!
//! Measured against std's binary heap on the benches' days (criterion, alternating rounds in
//! one sitting; docs/performance-log.md): the full-featured day's heap of about 1,500 entries
//! is latency-bound, level after level, and the halved depth is what pays. Callgrind counts
//! more instructions for it, which is why earlier trials that judged by instructions left it.

/// What the heap orders by: distinct keys give a total order on the entries.
pub(super) trait Keyed {
    fn key(&self) -> u128;
}

/// See the module docs.
#[derive(Debug, Clone)]
pub(super) struct QuadHeap<T> {
    entries: Vec<T>,
}

impl<T> Default for QuadHeap<T> {
    fn default() -> Self {
        QuadHeap {
            entries: Vec::new(),
        }
    }
}

impl<T: Keyed + Copy> QuadHeap<T> {
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entry of the least key.
    pub(super) fn peek(&self) -> Option<&T> {
        self.entries.first()
    }

    pub(super) fn push(&mut self, entry: T) {
        self.entries.push(entry);
        let at = self.entries.len() - 1;
        self.sift_up(at, entry);
    }

    /// Takes the entry of the least key.
    pub(super) fn pop(&mut self) -> Option<T> {
        let last = self.entries.pop()?;
        let Some(&top) = self.entries.first() else {
            return Some(last);
        };
        let entries = &mut self.entries[..];
        let n = entries.len();
        let mut hole = 0;
        loop {
            let first = 4 * hole + 1;
            let child = if first + 3 < n {
                // The lesser of each pair, then of the two: no branch to mispredict.
                let a = first + usize::from(entries[first + 1].key() < entries[first].key());
                let b =
                    first + 2 + usize::from(entries[first + 3].key() < entries[first + 2].key());
                if entries[b].key() < entries[a].key() {
                    b
                } else {
                    a
                }
            } else if first < n {
                (first + 1..n).fold(first, |best, c| {
                    if entries[c].key() < entries[best].key() {
                        c
                    } else {
                        best
                    }
                })
            } else {
                break;
            };
            entries[hole] = entries[child];
            hole = child;
        }
        self.sift_up(hole, last);
        Some(top)
    }

    /// Puts `entry` into the hole at `at` or above it, moving greater parents down.
    fn sift_up(&mut self, mut at: usize, entry: T) {
        let key = entry.key();
        while at > 0 {
            let parent = (at - 1) / 4;
            let above = self.entries[parent];
            if above.key() < key {
                break;
            }
            self.entries[at] = above;
            at = parent;
        }
        self.entries[at] = entry;
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;

    impl Keyed for u128 {
        fn key(&self) -> u128 {
            *self
        }
    }

    /// Random pushes and pops against a sorted list, through sizes where the last node has
    /// one, two, three and four children.
    #[test]
    fn pops_come_out_least_first_through_any_interleaving() {
        let mut rng = StdRng::seed_from_u64(3);
        let mut next = move || rng.random::<u64>();
        let mut heap = QuadHeap::default();
        let mut reference: Vec<u128> = Vec::new();
        for step in 0..50_000u64 {
            // Growing for the first half, shrinking for the second.
            let push = if step < 25_000 {
                next() % 3 != 0
            } else {
                next() % 3 == 0
            };
            if push {
                // Distinct keys with a small high part, so that many share it.
                let key = u128::from(next() % 64) << 64 | u128::from(step);
                heap.push(key);
                reference.push(key);
            } else {
                reference.sort_unstable_by(|a, b| b.cmp(a));
                assert_eq!(heap.pop(), reference.pop(), "step {step}");
            }
            assert_eq!(heap.len(), reference.len());
            assert_eq!(heap.peek().copied(), reference.iter().min().copied());
        }
        reference.sort_unstable();
        let rest: Vec<u128> = std::iter::from_fn(|| heap.pop()).collect();
        assert_eq!(rest, reference);
    }
}
