//! A queue's open items in serving order, with the edge of its top block kept as items come
//! and go, so that "is this item in the top block?" and "which item enters it?" cost a lookup
//! in the ordered map rather than a walk over the block (up to `block_size` items, which a
//! scenario may set to millions).

use std::collections::BTreeMap;
use std::ops::Bound::{Excluded, Unbounded};

use super::{ConversationId, WaitKey};

#[derive(Debug, Default)]
pub(super) struct Waiting {
    items: BTreeMap<WaitKey, ConversationId>,
    block_size: usize,
    /// The key of the last item of the top block (the `block_size`-th in order) when the
    /// queue holds at least `block_size` items; `None` when every item is in the block.
    edge: Option<WaitKey>,
}

impl Waiting {
    pub(super) fn new(block_size: usize) -> Waiting {
        debug_assert!(block_size >= 1, "validation requires a block of at least 1");
        Waiting {
            block_size: block_size.max(1),
            ..Waiting::default()
        }
    }

    pub(super) fn len(&self) -> usize {
        self.items.len()
    }

    #[cfg(debug_assertions)]
    pub(super) fn block_size(&self) -> usize {
        self.block_size
    }

    pub(super) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items in serving order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&WaitKey, &ConversationId)> {
        self.items.iter()
    }

    /// Whether an item with this key is (if queued) or would be (if not) among the first
    /// `block_size` of the queue.
    pub(super) fn in_top_block(&self, key: WaitKey) -> bool {
        self.edge.is_none_or(|edge| key <= edge)
    }

    pub(super) fn insert(&mut self, key: WaitKey, id: ConversationId) {
        let fresh = self.items.insert(key, id).is_none();
        debug_assert!(fresh, "an item is queued once");
        let len = self.items.len();
        self.edge = if len < self.block_size {
            None
        } else if len == self.block_size {
            self.items.keys().next_back().copied()
        } else {
            // An item ahead of the edge pushes the edge's item out of the block.
            let edge = self.edge.expect("a full block has an edge");
            if key < edge {
                self.items.range(..edge).next_back().map(|(&k, _)| k)
            } else {
                Some(edge)
            }
        };
        self.check();
    }

    /// Takes the item with this key out; returns the item then last in the top block if the
    /// queue held more than a block before (which may have just entered it).
    pub(super) fn remove(&mut self, key: WaitKey) -> Option<ConversationId> {
        let was_full = self.items.len() > self.block_size;
        let removed = self.items.remove(&key);
        debug_assert!(removed.is_some(), "only queued items are taken out");
        let entering = if was_full {
            let edge = self.edge.expect("a full block has an edge");
            if key <= edge {
                // The first item behind the edge moves up into the block.
                let (&next, &id) = self
                    .items
                    .range((Excluded(edge), Unbounded))
                    .next()
                    .expect("more than a block was queued");
                self.edge = Some(next);
                Some(id)
            } else {
                Some(self.items[&edge])
            }
        } else {
            self.edge = None;
            None
        };
        self.check();
        entering
    }

    /// Debug builds check the edge against a walk over the block (of blocks small enough to
    /// walk at every change).
    fn check(&self) {
        #[cfg(debug_assertions)]
        if self.block_size <= 10_000 {
            let walked = (self.items.len() >= self.block_size)
                .then(|| self.items.keys().nth(self.block_size - 1).copied())
                .flatten();
            debug_assert_eq!(self.edge, walked, "the top block's edge");
        }
    }
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;
    use crate::engine::SimTime;

    fn key(n: u64) -> WaitKey {
        (1, 0, SimTime::from_micros(n), n)
    }

    fn id(n: u64) -> ConversationId {
        ConversationId {
            slot: n as u32,
            generation: 0,
        }
    }

    /// The block by walking it, as the queue did before it kept the edge.
    fn walked_in_block(
        items: &BTreeMap<WaitKey, ConversationId>,
        block: usize,
        k: WaitKey,
    ) -> bool {
        items.len() < block || items.keys().take(block).any(|&other| k <= other)
    }

    #[test]
    fn the_edge_follows_a_walk_of_the_block_through_random_arrivals_and_departures() {
        let mut rng = StdRng::seed_from_u64(7);
        for block in [1, 2, 3, 5, 8] {
            let mut waiting = Waiting::new(block);
            let mut model: BTreeMap<WaitKey, ConversationId> = BTreeMap::new();
            for _ in 0..4_000 {
                let n = rng.random_range(0..40u64);
                if let Some(&queued) = model.get(&key(n)) {
                    assert_eq!(queued, id(n));
                    let was_full = model.len() > block;
                    model.remove(&key(n));
                    let entering = was_full
                        .then(|| model.values().nth(block - 1).copied())
                        .flatten();
                    assert_eq!(waiting.remove(key(n)), entering, "block {block}");
                } else {
                    assert_eq!(
                        waiting.in_top_block(key(n)),
                        walked_in_block(&model, block, key(n)),
                        "block {block}: before {n} is queued"
                    );
                    waiting.insert(key(n), id(n));
                    model.insert(key(n), id(n));
                }
                assert_eq!(waiting.len(), model.len());
                for m in 0..40 {
                    assert_eq!(
                        waiting.in_top_block(key(m)),
                        walked_in_block(&model, block, key(m)),
                        "block {block}, key {m}, queue {:?}",
                        model.keys().map(|k| k.3).collect::<Vec<_>>()
                    );
                }
            }
        }
    }

    #[test]
    fn only_a_queue_longer_than_its_block_lets_an_item_enter_it() {
        let mut waiting = Waiting::new(2);
        for n in [10, 20, 30] {
            waiting.insert(key(n), id(n));
        }
        assert!(waiting.in_top_block(key(20)) && !waiting.in_top_block(key(30)));
        // Taking the head lets 30 into the block; then the queue is no longer longer than it.
        assert_eq!(waiting.remove(key(10)), Some(id(30)));
        assert!(waiting.in_top_block(key(30)));
        assert_eq!(waiting.remove(key(20)), None);
        // An item behind the edge leaving names the edge's item, as the walk did.
        for n in [40, 50] {
            waiting.insert(key(n), id(n));
        }
        assert_eq!(waiting.remove(key(50)), Some(id(40)));
    }
}
