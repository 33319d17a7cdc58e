//! A queue's open items in serving order, with the edge of its top block kept as items come
//! and go, so that "is this item in the top block?" and "which item enters it?" cost a lookup
//! rather than a walk over the block (up to `block_size` items, which a scenario may set to
//! millions). A short queue (the common case) is a sorted ring buffer, where items join at the
//! back and leave from the front without a search; a long one is an ordered map.

use std::collections::{btree_map, vec_deque, BTreeMap, VecDeque};
use std::ops::Bound::{Excluded, Unbounded};

use super::{ConversationId, WaitKey};

/// Above this many items the ring buffer becomes a map; below a quarter of it, a buffer again
/// (the gap makes each conversion pay for itself over many changes).
const SHORT_MAX: usize = 256;
const SHORT_AGAIN: usize = SHORT_MAX / 4;

#[derive(Debug)]
pub(super) struct Waiting {
    items: Items,
    block_size: usize,
}

#[derive(Debug)]
enum Items {
    /// Sorted by key. The block's edge is the item at `block_size - 1`.
    Short(VecDeque<(WaitKey, ConversationId)>),
    Long {
        map: BTreeMap<WaitKey, ConversationId>,
        /// The key of the last item of the top block (the `block_size`-th in order) when the
        /// queue holds at least `block_size` items; `None` when every item is in the block.
        edge: Option<WaitKey>,
    },
}

impl Default for Waiting {
    fn default() -> Self {
        Waiting::new(1)
    }
}

/// The items in serving order.
pub(super) enum Iter<'a> {
    Short(vec_deque::Iter<'a, (WaitKey, ConversationId)>),
    Long(btree_map::Iter<'a, WaitKey, ConversationId>),
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a WaitKey, &'a ConversationId);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Short(items) => items.next().map(|(key, id)| (key, id)),
            Iter::Long(items) => items.next(),
        }
    }
}

impl Waiting {
    pub(super) fn new(block_size: usize) -> Waiting {
        debug_assert!(block_size >= 1, "validation requires a block of at least 1");
        Waiting {
            items: Items::Short(VecDeque::new()),
            block_size: block_size.max(1),
        }
    }

    pub(super) fn len(&self) -> usize {
        match &self.items {
            Items::Short(items) => items.len(),
            Items::Long { map, .. } => map.len(),
        }
    }

    #[cfg(debug_assertions)]
    pub(super) fn block_size(&self) -> usize {
        self.block_size
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The items in serving order.
    #[inline]
    pub(super) fn iter(&self) -> Iter<'_> {
        match &self.items {
            Items::Short(items) => Iter::Short(items.iter()),
            Items::Long { map, .. } => Iter::Long(map.iter()),
        }
    }

    /// Whether an item with this key is (if queued) or would be (if not) among the first
    /// `block_size` of the queue.
    pub(super) fn in_top_block(&self, key: WaitKey) -> bool {
        match &self.items {
            Items::Short(items) => items.get(self.block_size - 1).is_none_or(|e| key <= e.0),
            Items::Long { edge, .. } => edge.is_none_or(|edge| key <= edge),
        }
    }

    pub(super) fn insert(&mut self, key: WaitKey, id: ConversationId) {
        let block_size = self.block_size;
        match &mut self.items {
            Items::Short(items) => {
                // Most items are the latest of their queue: they join at the back.
                let at = match items.back() {
                    Some(last) if key < last.0 => items.partition_point(|e| e.0 < key),
                    _ => items.len(),
                };
                debug_assert!(items.get(at).is_none_or(|e| e.0 != key), "queued once");
                if at == items.len() {
                    items.push_back((key, id));
                } else {
                    items.insert(at, (key, id));
                }
                if items.len() > SHORT_MAX {
                    let map: BTreeMap<_, _> = std::mem::take(items).into_iter().collect();
                    let edge = map.keys().nth(block_size - 1).copied();
                    self.items = Items::Long { map, edge };
                }
            }
            Items::Long { map, edge } => {
                let fresh = map.insert(key, id).is_none();
                debug_assert!(fresh, "an item is queued once");
                let len = map.len();
                *edge = if len < block_size {
                    None
                } else if len == block_size {
                    map.keys().next_back().copied()
                } else {
                    // An item ahead of the edge pushes the edge's item out of the block.
                    let old = edge.expect("a full block has an edge");
                    if key < old {
                        map.range(..old).next_back().map(|(&k, _)| k)
                    } else {
                        Some(old)
                    }
                };
            }
        }
        self.check();
    }

    /// Takes the item with this key out; returns the item then last in the top block if the
    /// queue held more than a block before (which may have just entered it).
    pub(super) fn remove(&mut self, key: WaitKey) -> Option<ConversationId> {
        let block_size = self.block_size;
        let entering = match &mut self.items {
            Items::Short(items) => {
                let was_full = items.len() > block_size;
                // Most items leave from the front.
                let at = if items.front().is_some_and(|e| e.0 == key) {
                    0
                } else {
                    items.partition_point(|e| e.0 < key)
                };
                debug_assert!(
                    items.get(at).is_some_and(|e| e.0 == key),
                    "only queued items leave"
                );
                if at == 0 && items.front().is_some_and(|e| e.0 == key) {
                    items.pop_front();
                } else if items.get(at).is_some_and(|e| e.0 == key) {
                    items.remove(at);
                }
                was_full.then(|| items[block_size - 1].1)
            }
            Items::Long { map, edge } => {
                let was_full = map.len() > block_size;
                let removed = map.remove(&key);
                debug_assert!(removed.is_some(), "only queued items are taken out");
                let entering = if was_full {
                    let old = edge.expect("a full block has an edge");
                    if key <= old {
                        // The first item behind the edge moves up into the block.
                        let (&next, &id) = map
                            .range((Excluded(old), Unbounded))
                            .next()
                            .expect("more than a block was queued");
                        *edge = Some(next);
                        Some(id)
                    } else {
                        Some(map[&old])
                    }
                } else {
                    *edge = None;
                    None
                };
                if map.len() < SHORT_AGAIN {
                    self.items = Items::Short(std::mem::take(map).into_iter().collect());
                }
                entering
            }
        };
        self.check();
        entering
    }

    /// Debug builds check the edge of a long queue against a walk over its block (of blocks
    /// small enough to walk at every change).
    fn check(&self) {
        #[cfg(debug_assertions)]
        if let Items::Long { map, edge } = &self.items {
            if self.block_size <= 10_000 {
                let walked = (map.len() >= self.block_size)
                    .then(|| map.keys().nth(self.block_size - 1).copied())
                    .flatten();
                debug_assert_eq!(*edge, walked, "the top block's edge");
            }
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

    /// Queues that grow past the ring buffer's limit and shrink back, with blocks shorter and
    /// longer than both thresholds: the same answers as a walk over a plain ordered map.
    #[test]
    fn long_and_short_queues_answer_alike_through_both_conversions() {
        let mut rng = StdRng::seed_from_u64(11);
        for block in [1, 7, 100, 300] {
            let mut waiting = Waiting::new(block);
            let mut model: BTreeMap<WaitKey, ConversationId> = BTreeMap::new();
            let (mut went_long, mut went_short_again) = (false, false);
            for step in 0..12_000 {
                let growing = (step / 1_500) % 2 == 0;
                let n = rng.random_range(0..1_000u64);
                let add = rng.random_bool(if growing { 0.8 } else { 0.2 });
                if add && !model.contains_key(&key(n)) {
                    waiting.insert(key(n), id(n));
                    model.insert(key(n), id(n));
                } else if let Some((&k, _)) = model.range(key(n)..).next() {
                    let was_full = model.len() > block;
                    model.remove(&k);
                    let entering = was_full
                        .then(|| model.values().nth(block - 1).copied())
                        .flatten();
                    assert_eq!(waiting.remove(k), entering, "block {block}, step {step}");
                }
                match waiting.items {
                    Items::Long { .. } => went_long = true,
                    Items::Short(_) if went_long => went_short_again = true,
                    Items::Short(_) => {}
                }
                assert_eq!(waiting.len(), model.len());
                let probe = key(rng.random_range(0..1_000u64));
                assert_eq!(
                    waiting.in_top_block(probe),
                    walked_in_block(&model, block, probe),
                    "block {block}, step {step}"
                );
                if step % 97 == 0 {
                    let listed: Vec<_> = waiting.iter().map(|(&k, &i)| (k, i)).collect();
                    let expected: Vec<_> = model.iter().map(|(&k, &i)| (k, i)).collect();
                    assert_eq!(listed, expected, "block {block}, step {step}");
                }
            }
            assert!(
                went_long && went_short_again,
                "block {block}: both forms were used"
            );
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
