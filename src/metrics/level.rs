//! Step signals (agents logged in, conversations queued...) integrated exactly per interval of
//! the day: the building block of every time-average the collector reports. Signals that
//! change at the same instants (the levels of one agent group) are kept together, so one event
//! integrates all of them at once.

/// `N` step signals integrated per interval of the day (each total is the sum of its
/// intervals). The integrals are exact integers, so they do not depend on how the changes were
/// grouped.
#[derive(Debug, Clone)]
pub(super) struct Levels<const N: usize> {
    interval: u64,
    day: u64,
    /// Per interval of the day: each signal's area (value x microseconds).
    areas: Vec<[i128; N]>,
    /// Per interval of the day: the time integrated.
    exposure: Vec<u64>,
    last_change: u64,
    values: [i64; N],
    // Most changes fall in the same interval as the previous one: their area is summed here
    // and handed to `areas` once, when the signals leave the interval, which saves the
    // divisions of a general split on every change.
    pending_bucket: usize,
    pending_start: u64,
    pending_until: u64,
    pending_area: [i128; N],
    pending_exposure: u64,
}

/// One step signal.
pub(super) type Level = Levels<1>;

impl<const N: usize> Levels<N> {
    /// # Panics
    /// If `interval` or `n_intervals` is zero, or a day of them overflows `u64` (validation
    /// rules both out).
    pub(super) fn new(interval: u64, n_intervals: usize) -> Levels<N> {
        let day = interval
            .checked_mul(n_intervals as u64)
            .filter(|&day| day > 0)
            .expect("interval length and count must be non-zero, their product fit u64");
        Levels {
            interval,
            day,
            areas: vec![[0; N]; n_intervals],
            exposure: vec![0; n_intervals],
            last_change: 0,
            values: [0; N],
            pending_bucket: 0,
            pending_start: 0,
            pending_until: interval,
            pending_area: [0; N],
            pending_exposure: 0,
        }
    }

    /// Sets the signals' values before anything is measured.
    pub(super) fn with_values(mut self, values: [i64; N]) -> Levels<N> {
        self.values = values;
        self
    }

    /// Changes the signals by `deltas` at `now`; the time since the last change is integrated
    /// only while `measuring`.
    #[inline]
    pub(super) fn add(&mut self, now: u64, deltas: [i64; N], measuring: bool) {
        if deltas == [0; N] {
            return;
        }
        if measuring {
            self.integrate_until(now);
        }
        self.last_change = now;
        for (value, delta) in self.values.iter_mut().zip(deltas) {
            *value += delta;
        }
    }

    #[inline]
    fn integrate_until(&mut self, now: u64) {
        if now <= self.last_change {
            return;
        }
        if now <= self.pending_until && self.last_change >= self.pending_start {
            let span = now - self.last_change;
            for (area, value) in self.pending_area.iter_mut().zip(self.values) {
                *area += i128::from(value) * i128::from(span);
            }
            self.pending_exposure += span;
            return;
        }
        self.flush();
        self.accumulate(self.last_change, now);
        self.pending_bucket = self.bucket_of(now);
        self.pending_until = self.bucket_end(now);
        self.pending_start = now;
    }

    /// Adds the current values times the overlap to every bucket `[from, to)` overlaps.
    #[cold]
    fn accumulate(&mut self, mut from: u64, to: u64) {
        let n = self.areas.len();
        let whole_days = (to - from) / self.day;
        if whole_days > 0 {
            // A run of whole days covers every bucket the same amount, whatever its phase.
            let per_bucket = whole_days * self.interval;
            for bucket in 0..n {
                self.add_to_bucket(bucket, per_bucket);
            }
            from += whole_days * self.day;
        }
        let mut bucket = self.bucket_of(from);
        let mut t = from;
        while t < to {
            // Saturating: the last interval below u64::MAX may be cut short.
            let end = self.bucket_end(t).min(to);
            self.add_to_bucket(bucket, end - t);
            t = end;
            bucket = if bucket + 1 == n { 0 } else { bucket + 1 };
        }
    }

    fn add_to_bucket(&mut self, bucket: usize, span: u64) {
        for (area, value) in self.areas[bucket].iter_mut().zip(self.values) {
            *area += i128::from(value) * i128::from(span);
        }
        self.exposure[bucket] += span;
    }

    fn flush(&mut self) {
        if self.pending_exposure > 0 {
            let bucket = &mut self.areas[self.pending_bucket];
            for (area, pending) in bucket.iter_mut().zip(&mut self.pending_area) {
                *area += std::mem::take(pending);
            }
            self.exposure[self.pending_bucket] += std::mem::take(&mut self.pending_exposure);
        }
    }

    fn bucket_of(&self, at: u64) -> usize {
        ((at / self.interval) % self.areas.len() as u64) as usize
    }

    fn bucket_end(&self, at: u64) -> u64 {
        (at - at % self.interval).saturating_add(self.interval)
    }

    /// Starts measuring at `now`.
    pub(super) fn restart(&mut self, now: u64) {
        self.last_change = now;
        self.pending_bucket = self.bucket_of(now);
        self.pending_until = self.bucket_end(now);
        self.pending_start = now;
    }

    pub(super) fn close(&mut self, now: u64) {
        self.integrate_until(now);
        self.last_change = now;
        self.flush();
    }

    /// Signal `k`'s integral over interval `bucket` of the day (valid after `close`).
    pub(super) fn area(&self, k: usize, bucket: usize) -> i128 {
        self.areas[bucket][k]
    }

    /// The time integrated in interval `bucket` of the day.
    pub(super) fn exposure(&self, bucket: usize) -> u64 {
        self.exposure[bucket]
    }

    /// Signal `k`'s integral over the measured period (valid after `close`).
    pub(super) fn total_area(&self, k: usize) -> i128 {
        self.areas.iter().map(|bucket| bucket[k]).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One signal per grouping, driven by the same changes: grouping must not change any
    /// integral, and the integrals must be the exact areas under the steps.
    #[test]
    fn grouped_signals_integrate_exactly_as_single_ones() {
        let changes: [(u64, [i64; 2]); 5] = [
            (5, [2, 0]),
            (12, [0, 3]),
            (12, [-1, 0]),
            (47, [4, -2]),
            (95, [-5, 0]),
        ];
        let mut pair = Levels::<2>::new(10, 3);
        let mut single = [Level::new(10, 3), Level::new(10, 3)];
        pair.restart(0);
        single.iter_mut().for_each(|l| l.restart(0));
        for (at, deltas) in changes {
            pair.add(at, deltas, true);
            for (level, delta) in single.iter_mut().zip(deltas) {
                level.add(at, [delta], true);
            }
        }
        pair.close(100);
        single.iter_mut().for_each(|l| l.close(100));
        for bucket in 0..3 {
            for (k, level) in single.iter().enumerate() {
                assert_eq!(pair.area(k, bucket), level.area(0, bucket));
            }
            assert_eq!(pair.exposure(bucket), single[0].exposure(bucket));
        }
        // Signal 0: 0 on [0,5), 2 on [5,12), 1 on [12,47), 5 on [47,95), 0 after; a day is
        // 30, so the buckets fold [0,10) [30,40) [60,70) [90,100) onto bucket 0.
        let by_hand = 2 * 7 + 35 + 5 * 48;
        assert_eq!(pair.total_area(0), by_hand);
        // Signal 1: 3 on [12,47), 1 on [47,100).
        assert_eq!(pair.total_area(1), 3 * 35 + 53);
        // Bucket 0 covers [0,10), [30,40), [60,70) and [90,100): 40 microseconds.
        assert_eq!(pair.exposure(0), 40);
        assert_eq!(pair.area(0, 0), 2 * 5 + 10 + 5 * 10 + 5 * 5);
    }

    #[test]
    fn nothing_is_integrated_before_measuring_starts() {
        let mut level = Level::new(10, 2);
        level.add(3, [4], false);
        level.restart(15);
        level.close(20);
        assert_eq!(level.total_area(0), 4 * 5);
        assert_eq!(level.exposure(0), 0);
        assert_eq!(level.exposure(1), 5);
    }
}
