//! A step signal (agents logged in, conversations queued...) integrated exactly per interval
//! of the day, with its maximum: the building block of every time-average the collector reports.

use super::stats::IntervalAreas;

/// A step signal integrated per interval of the day (the total is the sum of the intervals),
/// with its maximum over the measured period.
#[derive(Debug, Clone)]
pub(super) struct Level {
    pub(super) by_interval: IntervalAreas,
    last_change: u64,
    pub(super) value: i64,
    pub(super) max: i64,
    // Most changes fall in the same interval as the previous one: their area is summed here
    // and handed to `by_interval` once, when the signal leaves the interval, which saves the
    // divisions of a general split on every change.
    pending_bucket: usize,
    pending_start: u64,
    pending_until: u64,
    pending_area: i128,
    pending_exposure: u64,
}

impl Level {
    pub(super) fn new(interval: u64, n_intervals: usize) -> Level {
        let by_interval = IntervalAreas::new(interval, n_intervals);
        Level {
            pending_bucket: 0,
            pending_start: 0,
            pending_until: by_interval.bucket_end(0),
            by_interval,
            last_change: 0,
            value: 0,
            max: 0,
            pending_area: 0,
            pending_exposure: 0,
        }
    }

    pub(super) fn add(&mut self, now: u64, delta: i64, measuring: bool) {
        if delta == 0 {
            return;
        }
        if measuring {
            self.integrate_until(now);
        }
        self.last_change = now;
        self.value += delta;
        self.max = self.max.max(self.value);
    }

    fn integrate_until(&mut self, now: u64) {
        if now <= self.last_change {
            return;
        }
        if now <= self.pending_until && self.last_change >= self.pending_start {
            let span = now - self.last_change;
            self.pending_area += i128::from(self.value) * i128::from(span);
            self.pending_exposure += span;
            return;
        }
        self.flush();
        self.by_interval
            .accumulate(self.last_change, now, self.value);
        self.pending_bucket = self.by_interval.bucket_of(now);
        self.pending_until = self.by_interval.bucket_end(now);
        self.pending_start = now;
    }

    fn flush(&mut self) {
        if self.pending_exposure > 0 {
            self.by_interval.add_to_bucket(
                self.pending_bucket,
                self.pending_area,
                self.pending_exposure,
            );
            self.pending_area = 0;
            self.pending_exposure = 0;
        }
    }

    /// Starts measuring at `now`: the maximum restarts at the current value.
    pub(super) fn restart(&mut self, now: u64) {
        self.last_change = now;
        self.max = self.value;
        self.pending_bucket = self.by_interval.bucket_of(now);
        self.pending_until = self.by_interval.bucket_end(now);
        self.pending_start = now;
    }

    pub(super) fn close(&mut self, now: u64) {
        self.integrate_until(now);
        self.last_change = now;
        self.flush();
    }

    /// The integral over the measured period (valid after `close`).
    pub(super) fn area(&self) -> i128 {
        (0..self.by_interval.len())
            .map(|b| self.by_interval.area(b))
            .sum()
    }
}
