//! Step signals (agents logged in, conversations queued...) integrated exactly per interval of
//! the day: the building block of every time-average the collector reports. Signals that
//! change at the same instants (the levels of one agent group) are kept together, so one event
//! updates all of them at once, and only those that change cost a multiply-add.

/// `N` step signals integrated per interval of the day (each total is the sum of its
/// intervals). The integrals are exact integers, so they do not depend on how the changes were
/// grouped.
///
/// Within the interval being measured, a signal's area is kept as its moment: a change of
/// `delta` at `t` adds `delta * t`, and the area over `[start, end)` is
/// `value(end) * end - value(start) * start - moment`. A change then costs one multiply-add per
/// signal that changes, whatever the time since the last change, and the signals that do not
/// change cost nothing but a test.
#[derive(Debug, Clone)]
pub(super) struct Levels<const N: usize> {
    interval: u64,
    day: u64,
    /// Per interval of the day: each signal's area (value x microseconds).
    areas: Vec<[i128; N]>,
    /// Per interval of the day: the time integrated.
    exposure: Vec<u64>,
    values: [i64; N],
    /// The interval being measured: its index, where its measured part began, where it ends,
    /// the values when it began and the moments of the changes since.
    open_bucket: usize,
    open_start: u64,
    open_until: u64,
    open_values: [i64; N],
    moments: [i128; N],
    /// Whether measuring has started (`restart`): nothing before it is integrated.
    started: bool,
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
            values: [0; N],
            open_bucket: 0,
            open_start: 0,
            open_until: interval,
            open_values: [0; N],
            moments: [0; N],
            started: false,
        }
    }

    /// Sets the signals' values before anything is measured.
    pub(super) fn with_values(mut self, values: [i64; N]) -> Levels<N> {
        self.values = values;
        self.open_values = values;
        self
    }

    /// Changes the signals by `deltas` at `now` (never earlier than the last change); the time
    /// since the last change is integrated only while `measuring`.
    #[inline]
    pub(super) fn add(&mut self, now: u64, deltas: [i64; N], measuring: bool) {
        if measuring {
            debug_assert!(self.started, "a level measured before `restart`");
            if now > self.open_until {
                self.roll(now);
            }
            for (moment, delta) in self.moments.iter_mut().zip(deltas) {
                if delta != 0 {
                    *moment += i128::from(delta) * i128::from(now);
                }
            }
        }
        for (value, delta) in self.values.iter_mut().zip(deltas) {
            *value += delta;
        }
    }

    /// Closes the interval being measured at its end, integrates the values (unchanged since)
    /// up to `now` and opens `now`'s interval.
    #[cold]
    fn roll(&mut self, now: u64) {
        let until = self.open_until;
        self.close_open(until);
        self.accumulate(until, now);
        self.open_at(now);
    }

    /// Adds the open interval's area up to `end` to its bucket.
    fn close_open(&mut self, end: u64) {
        let start = self.open_start;
        let bucket = &mut self.areas[self.open_bucket];
        for (k, area) in bucket.iter_mut().enumerate() {
            *area += i128::from(self.values[k]) * i128::from(end)
                - i128::from(self.open_values[k]) * i128::from(start)
                - self.moments[k];
        }
        self.exposure[self.open_bucket] += end - start;
    }

    /// Opens the interval of `now`, measured from `now`.
    fn open_at(&mut self, now: u64) {
        self.open_bucket = self.bucket_of(now);
        self.open_start = now;
        self.open_until = self.bucket_end(now);
        self.open_values = self.values;
        self.moments = [0; N];
    }

    /// Adds the current values times the overlap to every bucket `[from, to)` overlaps.
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

    fn bucket_of(&self, at: u64) -> usize {
        ((at / self.interval) % self.areas.len() as u64) as usize
    }

    fn bucket_end(&self, at: u64) -> u64 {
        (at - at % self.interval).saturating_add(self.interval)
    }

    /// Starts measuring at `now`.
    pub(super) fn restart(&mut self, now: u64) {
        self.started = true;
        self.open_at(now);
    }

    /// Integrates up to `now` (measuring); the figures are then complete.
    pub(super) fn close(&mut self, now: u64) {
        if !self.started {
            return;
        }
        if now > self.open_until {
            self.roll(now);
        }
        self.close_open(now);
        self.open_at(now);
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

    /// Random signals with changes at random times (some in the same instant, some days
    /// apart), checked against the areas summed span by span, microsecond-exact, per bucket.
    #[test]
    fn moments_give_the_same_areas_as_summing_every_span() {
        use rand::rngs::StdRng;
        use rand::{Rng, SeedableRng};
        let mut rng = StdRng::seed_from_u64(20261201);
        for case in 0..300 {
            let interval = rng.random_range(1..50u64);
            let n = rng.random_range(1..6usize);
            let day = interval * n as u64;
            let mut levels = Levels::<3>::new(interval, n).with_values([1, 0, -2]);
            let mut values = [1i64, 0, -2];
            let mut areas = vec![[0i128; 3]; n];
            let mut exposure = vec![0u64; n];
            let start = rng.random_range(0..3 * day);
            let mut t = 0u64;
            let mut measuring = false;
            // Integrates the reference from `from` to `to`, one microsecond at a time.
            let mut integrate = |from: u64, to: u64, values: [i64; 3]| {
                for at in from..to {
                    let bucket = ((at / interval) % n as u64) as usize;
                    for (area, value) in areas[bucket].iter_mut().zip(values) {
                        *area += i128::from(value);
                    }
                    exposure[bucket] += 1;
                }
            };
            for _ in 0..rng.random_range(0..40) {
                let gap = match rng.random_range(0..4) {
                    0 => 0,
                    1 => rng.random_range(0..interval),
                    2 => rng.random_range(0..4 * interval),
                    _ => rng.random_range(0..3 * day),
                };
                let at = t + gap;
                if !measuring && at >= start {
                    integrate(start, at, values);
                    levels.restart(start);
                    measuring = true;
                } else if measuring {
                    integrate(t, at, values);
                }
                t = at;
                let mut deltas = [0i64; 3];
                for delta in &mut deltas {
                    if rng.random_bool(0.5) {
                        *delta = rng.random_range(-3..=3);
                    }
                }
                levels.add(at, deltas, measuring);
                for (value, delta) in values.iter_mut().zip(deltas) {
                    *value += delta;
                }
            }
            let end = t.max(start) + rng.random_range(0..2 * day);
            if !measuring {
                levels.restart(start);
                integrate(start, end, values);
            } else {
                integrate(t, end, values);
            }
            levels.close(end);
            for bucket in 0..n {
                for (k, &area) in areas[bucket].iter().enumerate() {
                    assert_eq!(levels.area(k, bucket), area, "case {case}");
                }
                assert_eq!(levels.exposure(bucket), exposure[bucket], "case {case}");
            }
        }
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
