//! The future event list: a heap ordered by (time, insertion order), so that events at the
//! same instant run in the order they were scheduled, with cancellation by id. The events of a
//! few recurring sources (the next arrival of each channel) wait in a small heap of their own,
//! so that they do not pay the depth of the main one. Both are 4-ary heaps (`quad_heap.rs`);
//! events are `Copy`, so the heaps move them without swapping.

use std::collections::HashSet;

use super::hash::FastHash;
use super::quad_heap::{Keyed, QuadHeap};
use super::SimTime;

/// Names one scheduled event, for cancellation. Ids are never reused within a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(u64);

/// An event taken off the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled<E> {
    pub time: SimTime,
    pub id: EventId,
    pub event: E,
}

/// Events waiting to happen. Cancelling is lazy: a cancelled event stays in the heap and is
/// skipped when it reaches the top, which keeps both operations O(log n).
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: QuadHeap<Entry<E>>,
    // Events scheduled with `schedule_source`: the same keys (one sequence for both heaps), so
    // the order of all events is the same as in one heap.
    sources: QuadHeap<Entry<E>>,
    // Invariant: every id in `cancelled` is still in `heap` (removed when skipped).
    // Sequence numbers are distinct integers: one multiply hashes them (see `FastHash`).
    cancelled: HashSet<u64, FastHash>,
    next_seq: u64,
    now: SimTime,
}

#[derive(Debug, Clone, Copy)]
struct Entry<E> {
    // (time << 64) | seq: one integer comparison orders by time, then scheduling order.
    key: u128,
    event: E,
}

impl<E> Keyed for Entry<E> {
    fn key(&self) -> u128 {
        self.key
    }
}

impl<E> Entry<E> {
    fn time(&self) -> SimTime {
        SimTime::from_micros((self.key >> 64) as u64)
    }
    fn seq(&self) -> u64 {
        self.key as u64
    }
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: QuadHeap::default(),
            sources: QuadHeap::default(),
            cancelled: HashSet::default(),
            next_seq: 0,
            now: SimTime::ZERO,
        }
    }
}

impl<E: Copy> EventQueue<E> {
    pub fn new() -> Self {
        Self::default()
    }

    /// The time of the last event popped (the current simulated time).
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at `time`. Scheduling in the past is a bug in the caller: the event
    /// is run at the current time instead, so time never goes backwards.
    pub fn schedule(&mut self, time: SimTime, event: E) -> EventId {
        let entry = self.entry(time, event);
        let id = EventId(entry.seq());
        self.heap.push(entry);
        id
    }

    /// As [`schedule`](Self::schedule), for the events of a recurring source that has a
    /// handful of events pending at any time (a channel's next arrival): they wait in a
    /// separate small heap. The order in which events run is the same either way.
    pub fn schedule_source(&mut self, time: SimTime, event: E) -> EventId {
        let entry = self.entry(time, event);
        let id = EventId(entry.seq());
        self.sources.push(entry);
        id
    }

    fn entry(&mut self, time: SimTime, event: E) -> Entry<E> {
        debug_assert!(
            time >= self.now,
            "event scheduled in the past: {time} < {}",
            self.now
        );
        let time = time.max(self.now);
        let seq = self.next_seq;
        self.next_seq += 1;
        let key = (u128::from(time.as_micros()) << 64) | u128::from(seq);
        Entry { key, event }
    }

    /// Cancels a scheduled event. Cancelling one that already ran or was cancelled is a no-op
    /// only if the caller never does it: ids are not tracked after they run, so callers must
    /// cancel only events they know to be pending.
    pub fn cancel(&mut self, id: EventId) {
        debug_assert!(id.0 < self.next_seq);
        self.cancelled.insert(id.0);
    }

    /// Takes the next event that is not cancelled and is due no later than `horizon`, and
    /// advances the clock to it. Returns `None` when no such event remains.
    pub fn pop_until(&mut self, horizon: SimTime) -> Option<Scheduled<E>> {
        loop {
            // The earlier of the two heaps' tops (keys are unique across both).
            let from_sources = match (self.heap.peek(), self.sources.peek()) {
                (Some(main), Some(source)) => source.key < main.key,
                (None, Some(_)) => true,
                (_, None) => false,
            };
            let heap = if from_sources {
                &mut self.sources
            } else {
                &mut self.heap
            };
            if heap.peek()?.time() > horizon {
                return None;
            }
            let entry = heap.pop()?;
            if !self.cancelled.is_empty() && self.cancelled.remove(&entry.seq()) {
                continue;
            }
            self.now = entry.time();
            return Some(Scheduled {
                time: self.now,
                id: EventId(entry.seq()),
                event: entry.event,
            });
        }
    }

    /// The time and event that `pop_until` would look at next (a cancelled one included).
    pub fn peek(&self) -> Option<(SimTime, &E)> {
        let top = match (self.heap.peek(), self.sources.peek()) {
            (Some(main), Some(source)) if source.key < main.key => source,
            (Some(main), _) => main,
            (None, source) => source?,
        };
        Some((top.time(), &top.event))
    }

    /// Number of pending events, cancelled ones included.
    pub fn len(&self) -> usize {
        self.heap.len() + self.sources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == self.cancelled.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(micros: u64) -> SimTime {
        SimTime::from_micros(micros)
    }

    fn drain(queue: &mut EventQueue<&'static str>, horizon: u64) -> Vec<(u64, &'static str)> {
        std::iter::from_fn(|| queue.pop_until(t(horizon)))
            .map(|s| (s.time.as_micros(), s.event))
            .collect()
    }

    #[test]
    fn peek_shows_the_next_event_of_either_heap_without_taking_it() {
        let mut queue = EventQueue::new();
        assert_eq!(queue.peek(), None);
        queue.schedule(t(20), "main");
        queue.schedule_source(t(10), "source");
        assert_eq!(queue.peek(), Some((t(10), &"source")));
        assert_eq!(queue.pop_until(t(100)).map(|s| s.event), Some("source"));
        assert_eq!(queue.peek(), Some((t(20), &"main")));
        // At equal times the one scheduled first is next, whichever heap holds it.
        queue.schedule_source(t(20), "later source");
        assert_eq!(queue.peek(), Some((t(20), &"main")));
        assert_eq!(queue.pop_until(t(100)).map(|s| s.event), Some("main"));
        assert_eq!(queue.peek(), Some((t(20), &"later source")));
    }

    #[test]
    fn events_run_by_time_then_by_scheduling_order() {
        let mut queue = EventQueue::new();
        queue.schedule(t(20), "c");
        queue.schedule(t(10), "a");
        queue.schedule(t(20), "d");
        queue.schedule(t(10), "b");
        assert_eq!(
            drain(&mut queue, 100),
            vec![(10, "a"), (10, "b"), (20, "c"), (20, "d")]
        );
        assert_eq!(queue.now(), t(20));
    }

    #[test]
    fn cancelled_events_never_run_and_others_keep_their_order() {
        let mut queue = EventQueue::new();
        let a = queue.schedule(t(5), "a");
        queue.schedule(t(5), "b");
        let c = queue.schedule(t(7), "c");
        queue.schedule(t(9), "d");
        queue.cancel(a);
        queue.cancel(c);
        assert_eq!(drain(&mut queue, 100), vec![(5, "b"), (9, "d")]);
        assert!(queue.is_empty());
    }

    /// Interleaved schedules, cancellations and pops, against a sorted list of what is
    /// pending: every pop is the earliest (time, scheduling order) that is not cancelled.
    #[test]
    fn pops_follow_time_then_scheduling_order_through_any_interleaving() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut queue = EventQueue::new();
        // (time, scheduling order, id) of the events still pending.
        let mut pending: Vec<(u64, u64, EventId)> = Vec::new();
        let mut order = 0;
        for step in 0..20_000 {
            let now = queue.now().as_micros();
            match next() % 8 {
                0..=3 => {
                    // Few distinct times, so many ties are broken by scheduling order.
                    let time = now + next() % 50;
                    // Some into the sources' heap: one order across both.
                    let id = if next() % 3 == 0 {
                        queue.schedule_source(t(time), order)
                    } else {
                        queue.schedule(t(time), order)
                    };
                    pending.push((time, order, id));
                    order += 1;
                }
                4 if !pending.is_empty() => {
                    let victim = pending.swap_remove((next() % pending.len() as u64) as usize);
                    queue.cancel(victim.2);
                }
                _ => {
                    pending.sort();
                    let expected = (!pending.is_empty()).then(|| pending.remove(0));
                    let got = queue.pop_until(t(u64::MAX));
                    assert_eq!(
                        got.map(|s| (s.time.as_micros(), s.event)),
                        expected.map(|(time, order, _)| (time, order)),
                        "step {step}"
                    );
                }
            }
        }
        assert_eq!(queue.len() - queue.cancelled.len(), pending.len());
    }

    #[test]
    fn the_horizon_stops_the_run_and_leaves_later_events_pending() {
        let mut queue = EventQueue::new();
        queue.schedule(t(5), "early");
        queue.schedule(t(50), "late");
        assert_eq!(drain(&mut queue, 49), vec![(5, "early")]);
        assert_eq!(queue.len(), 1);
        assert_eq!(drain(&mut queue, 50), vec![(50, "late")]);
    }
}
