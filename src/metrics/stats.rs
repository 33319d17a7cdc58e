//! Streaming statistics for the simulator's hot path: a log-linear histogram of durations, the
//! time-weighted mean and maximum of a step signal (overall and split by interval of the day),
//! and a running mean/variance. Memory does not grow with the number of observations, recording
//! is O(1) and allocates only when a histogram first reaches a higher bucket, and every result
//! depends only on the sequence of calls, so runs are reproducible bit for bit. This module deliberately knows nothing about
//! contact centres (it sees only integers and microseconds) and does no formatting or I/O: turning
//! these numbers into service levels and report rows is the caller's business.

/// Bits of linear precision within each power of two: 64 sub-buckets, so a bucket is at most
/// 1/64 of its lower bound wide and its midpoint is within 1/128 of anything inside it.
const SUB_BITS: u32 = 6;
const SUB: u64 = 1 << SUB_BITS;

/// Buckets a quantile search skips at once when their sum does not reach the rank it seeks.
const SKIP: usize = 32;

/// Bucket index of `v`. Values below `2 * SUB` get their own bucket (exact); above, each power of
/// two `[2^h, 2^(h+1))` is split into `SUB` equal buckets. OR-ing in `2 * SUB - 1` gives small
/// values shift 0, so both ranges share one branch-free formula.
#[inline]
const fn bucket_of(v: u64) -> usize {
    let shift = (63 - SUB_BITS) - (v | (2 * SUB - 1)).leading_zeros();
    (shift as u64 * SUB + (v >> shift)) as usize
}

/// Inclusive `(low, high)` value range of bucket `i` (inverse of [`bucket_of`]).
fn bucket_bounds(i: usize) -> (u64, u64) {
    let i = i as u64;
    if i < 2 * SUB {
        return (i, i);
    }
    let shift = i / SUB - 1;
    let low = (SUB + i % SUB) << shift;
    (low, low + ((1 << shift) - 1))
}

/// Log-linear histogram of `u64` values (durations in microseconds), in the style of HdrHistogram
/// with 6 bits of sub-bucket precision: values 0..=127 are exact and any quantile is within 1/64
/// (in fact 1/128) relative of the true order statistic. Count, sum, min and max are exact.
///
/// Up to [`RAW_MAX`] observations are kept as recorded and only then counted into buckets:
/// most histograms of an interval of the day see a few conversations, whose bucket counts cost
/// more to allocate and to read than the few values. Counted, the zeros (a wait of a
/// conversation answered at once) are a count apart, and the other buckets are a window from
/// the lowest bucket used to the highest: a wait of minutes is in bucket 1,500 or so, and the
/// waits of one queue span a few hundred buckets of those, not all of them from 0. Every
/// answer is the same as if the values had gone into one vector of every bucket at once.
#[derive(Debug, Clone)]
pub struct LogHistogram {
    /// The observations while there are at most `RAW_MAX` and they are not counted (in the
    /// order recorded); empty once they are counted into buckets.
    raw: Vec<u64>,
    /// Whether the observations are counted into buckets (`zeros` and `counts`).
    counted: bool,
    /// Observations of 0 (bucket 0), once counted.
    zeros: u64,
    /// Bucket `low + i`'s count at `i`, for every bucket from 1 that holds an observation:
    /// allocated lazily, from the lowest bucket used to the highest, so an empty histogram (one
    /// per queue and per interval, most never used) costs no heap memory.
    counts: Vec<u64>,
    low: usize,
    count: u64,
    /// u128 cannot overflow: at most `u64::MAX` observations of at most `u64::MAX` each.
    sum: u128,
    /// `u64::MAX` while empty, so recording needs no "first value" branch.
    min: u64,
    max: u64,
}

/// Observations a histogram keeps as recorded before it counts them into buckets.
pub const RAW_MAX: usize = 32;

impl Default for LogHistogram {
    fn default() -> Self {
        Self::new()
    }
}

/// Equal when they hold the same observations by bucket (and the same exact count, sum, min
/// and max), whether kept as recorded or counted: what recording both streams gives.
impl PartialEq for LogHistogram {
    fn eq(&self, other: &LogHistogram) -> bool {
        (self.count, self.sum, self.min, self.max) == (other.count, other.sum, other.min, other.max)
            && self.bucket_counts() == other.bucket_counts()
    }
}

impl Eq for LogHistogram {}

impl LogHistogram {
    pub const fn new() -> Self {
        Self {
            raw: Vec::new(),
            counted: false,
            zeros: 0,
            counts: Vec::new(),
            low: 0,
            count: 0,
            sum: 0,
            min: u64::MAX,
            max: 0,
        }
    }

    #[inline]
    pub fn record(&mut self, value: u64) {
        self.record_n(value, 1);
    }

    /// Records `value` `n` times; `n == 0` is a no-op (it must not move min or max).
    #[inline]
    pub fn record_n(&mut self, value: u64, n: u64) {
        if n == 0 {
            return;
        }
        if !self.counted && self.count.saturating_add(n) <= RAW_MAX as u64 {
            self.keep_raw(value, n);
        } else {
            if !self.counted {
                self.count_raw();
            }
            self.add_counted(value, n);
        }
        self.count += n;
        self.sum += u128::from(value) * u128::from(n);
        self.min = self.min.min(value);
        self.max = self.max.max(value);
    }

    #[inline]
    fn keep_raw(&mut self, value: u64, n: u64) {
        if self.raw.capacity() == 0 {
            self.raw.reserve_exact(RAW_MAX);
        }
        self.raw.extend(std::iter::repeat_n(value, n as usize));
    }

    /// Counts `n` observations of `value` into the buckets (the totals aside).
    #[inline]
    fn add_counted(&mut self, value: u64, n: u64) {
        if value == 0 {
            self.zeros += n;
            return;
        }
        let b = bucket_of(value);
        if b < self.low || b >= self.low + self.counts.len() {
            self.widen(b, b);
        }
        self.counts[b - self.low] += n;
    }

    /// Counts the kept observations into buckets, once.
    #[cold]
    fn count_raw(&mut self) {
        self.counted = true;
        let raw = std::mem::take(&mut self.raw);
        let buckets = raw.iter().filter(|&&v| v > 0).map(|&v| bucket_of(v));
        if let (Some(low), Some(high)) = (buckets.clone().min(), buckets.max()) {
            self.widen(low, high);
        }
        for v in raw {
            self.add_counted(v, 1);
        }
    }

    /// Widens the window of counts to hold buckets `low..=high` (at least 1). Out of line:
    /// it happens at most once per new lowest or highest bucket; a window growing upwards
    /// amortizes as a vector does, and one growing downwards takes as much again below.
    #[cold]
    fn widen(&mut self, low: usize, high: usize) {
        debug_assert!(1 <= low && low <= high);
        if self.counts.is_empty() {
            self.low = low;
            self.counts = vec![0; high - low + 1];
            return;
        }
        if high >= self.low + self.counts.len() {
            self.counts.resize(high - self.low + 1, 0);
        }
        if low < self.low {
            let new_low = low.min(self.low.saturating_sub(self.counts.len())).max(1);
            let mut counts = vec![0; self.low - new_low + self.counts.len()];
            counts[self.low - new_low..].copy_from_slice(&self.counts);
            self.counts = counts;
            self.low = new_low;
        }
    }

    /// The count of every bucket up to the highest one used.
    fn bucket_counts(&self) -> Vec<u64> {
        if self.count == 0 {
            return Vec::new();
        }
        let mut counts = vec![0; bucket_of(self.max) + 1];
        if self.counted {
            counts[0] = self.zeros;
            for (i, &c) in self.counts.iter().enumerate() {
                if c > 0 {
                    counts[self.low + i] = c;
                }
            }
        } else {
            for &v in &self.raw {
                counts[bucket_of(v)] += 1;
            }
        }
        counts
    }

    pub fn count(&self) -> u64 {
        self.count
    }
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
    pub fn min(&self) -> Option<u64> {
        (self.count > 0).then_some(self.min)
    }
    pub fn max(&self) -> Option<u64> {
        (self.count > 0).then_some(self.max)
    }
    pub fn sum(&self) -> u128 {
        self.sum
    }
    /// From the exact integer sum, so rounding happens once at the end instead of accumulating.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum as f64 / self.count as f64)
    }

    /// Nearest-rank quantile: approximates the smallest recorded `v` such that at least
    /// `ceil(q * count)` observations are `<= v` (rank at least 1). Returns the midpoint of the
    /// bucket holding that order statistic, clamped to `[min, max]`; `q = 0` gives exactly `min`
    /// and `q = 1` exactly `max`. O(buckets), meant for reporting, not the hot path.
    ///
    /// # Panics
    /// If `q` is not in `[0, 1]` (including NaN): that is a caller bug, not a data condition.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        self.quantiles([q])[0]
    }

    /// [`quantile`](Self::quantile) of each of `qs`, in one pass over the buckets: equal to
    /// calling `quantile` for each.
    ///
    /// # Panics
    /// If a `q` is not in `[0, 1]` or `qs` does not ascend: caller bugs.
    pub fn quantiles<const K: usize>(&self, qs: [f64; K]) -> [Option<u64>; K] {
        assert!(qs.is_sorted(), "quantiles {qs:?} do not ascend");
        let mut out = [None; K];
        // The kept observations in order, on the stack (empty once counted into buckets).
        let mut kept = [0; RAW_MAX];
        let sorted = &mut kept[..self.raw.len()];
        sorted.copy_from_slice(&self.raw);
        sorted.sort_unstable();
        // Observations in buckets `..next`: none below the minimum's.
        let mut seen = 0;
        let mut next = if self.count == 0 {
            0
        } else {
            bucket_of(self.min)
        };
        for (slot, q) in out.iter_mut().zip(qs) {
            assert!((0.0..=1.0).contains(&q), "quantile {q} is outside [0, 1]");
            if self.count == 0 {
                continue;
            }
            let rank = ((q * self.count as f64).ceil() as u64).clamp(1, self.count);
            // The extreme order statistics are known exactly, so do not approximate them.
            *slot = Some(if rank == 1 {
                self.min
            } else if rank == self.count {
                self.max
            } else {
                let bucket = if sorted.is_empty() {
                    // Ranks ascend: this one is in the bucket of the last one or a later
                    // one. Bucket 0 (the zeros) first, then the window of counts, where
                    // whole blocks of buckets that do not reach the rank are skipped by their
                    // sum (a wait histogram spans hundreds of buckets, many empty).
                    if next == 0 {
                        seen += self.zeros;
                        next = 1;
                    }
                    if seen < rank {
                        let mut at = next.max(self.low) - self.low;
                        loop {
                            let block = &self.counts[at..(at + SKIP).min(self.counts.len())];
                            let block_sum: u64 = block.iter().sum();
                            if seen + block_sum >= rank {
                                break;
                            }
                            seen += block_sum;
                            at += block.len();
                        }
                        while seen < rank {
                            seen += self.counts[at];
                            at += 1;
                        }
                        next = self.low + at;
                    }
                    next - 1
                } else {
                    // The bucket the rank-th smallest observation is counted in.
                    bucket_of(sorted[rank as usize - 1])
                };
                let (low, high) = bucket_bounds(bucket);
                (low + (high - low) / 2).clamp(self.min, self.max)
            });
        }
        out
    }

    /// APPROXIMATE number of observations `<= threshold`: a lower bound that leaves out the
    /// observations sharing `threshold`'s bucket (within 1/64 of it) unless `threshold` is that
    /// bucket's top. Exact for thresholds below 128, below `min` or at least `max`. Callers that
    /// need an exact count against a fixed threshold (a service-level target) must count it
    /// themselves as they record: no bucketed summary can recover it afterwards.
    pub fn count_at_most(&self, threshold: u64) -> u64 {
        if threshold >= self.max {
            return self.count;
        }
        if threshold < self.min {
            return 0;
        }
        let b = bucket_of(threshold);
        let end = b + usize::from(bucket_bounds(b).1 == threshold);
        if self.counted {
            let window = self.counts[..end.saturating_sub(self.low).min(self.counts.len())]
                .iter()
                .sum::<u64>();
            self.zeros + window
        } else {
            self.raw.iter().filter(|&&v| bucket_of(v) < end).count() as u64
        }
    }

    /// The non-empty buckets in ascending order, as `(low, high, count)` with inclusive value
    /// bounds, for drawing the distribution. Values 0..=127 have a bucket each.
    pub fn buckets(&self) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
        let counts = self.bucket_counts();
        let buckets: Vec<(u64, u64, u64)> = counts
            .iter()
            .enumerate()
            .filter(|&(_, &count)| count > 0)
            .map(|(i, &count)| {
                let (low, high) = bucket_bounds(i);
                (low, high, count)
            })
            .collect();
        buckets.into_iter()
    }

    /// Adds `other`'s observations; the result equals (`==`) having recorded both streams.
    pub fn merge(&mut self, other: &LogHistogram) {
        if other.count == 0 {
            return;
        }
        if !self.counted
            && !other.counted
            && self.count.saturating_add(other.count) <= RAW_MAX as u64
        {
            if self.raw.capacity() == 0 {
                self.raw.reserve_exact(RAW_MAX);
            }
            self.raw.extend_from_slice(&other.raw);
        } else {
            if !self.counted {
                self.count_raw();
            }
            if other.counted {
                self.zeros += other.zeros;
                if !other.counts.is_empty() {
                    self.widen(other.low, other.low + other.counts.len() - 1);
                    let at = other.low - self.low;
                    for (a, b) in self.counts[at..].iter_mut().zip(&other.counts) {
                        *a += b;
                    }
                }
            } else {
                for &v in &other.raw {
                    self.add_counted(v, 1);
                }
            }
        }
        self.count += other.count;
        self.sum += other.sum;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }
}

/// Time-weighted integral, mean and maximum of a piecewise-constant integer signal (queue length,
/// agents busy) over integer time. The area is kept as an exact `i128`, so the mean has a single
/// rounding no matter how many changes there were.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimeWeighted {
    start: u64,
    /// Time of the last change; `area` covers `[start, last)`.
    last: u64,
    value: i64,
    max: i64,
    area: i128,
}

impl TimeWeighted {
    pub fn new(start: u64, initial: i64) -> Self {
        Self {
            start,
            last: start,
            value: initial,
            max: initial,
            area: 0,
        }
    }

    /// The signal takes `value` from `now` until the next change. Time must not go backwards
    /// (checked in debug builds; in release a step back counts as zero elapsed time).
    #[inline]
    pub fn set(&mut self, now: u64, value: i64) {
        debug_assert!(now >= self.last, "time went backwards");
        let elapsed = now.saturating_sub(self.last);
        self.area += i128::from(self.value) * i128::from(elapsed);
        self.last = self.last.max(now);
        self.value = value;
        self.max = self.max.max(value);
    }

    #[inline]
    pub fn add(&mut self, now: u64, delta: i64) {
        self.set(now, self.value + delta);
    }

    pub fn value(&self) -> i64 {
        self.value
    }
    /// Largest value held since construction or the last `restart`.
    pub fn max(&self) -> i64 {
        self.max
    }
    pub fn start(&self) -> u64 {
        self.start
    }

    /// Exact integral of the signal over `[start, now)`; `now` before the last change is treated
    /// as the last change.
    pub fn area_until(&self, now: u64) -> i128 {
        self.area + i128::from(self.value) * i128::from(now.saturating_sub(self.last))
    }

    /// Time-weighted mean over `[start, now)`. Over an empty span it is the current value (the
    /// limit of the mean as the span shrinks), so no caller sees a NaN.
    pub fn mean_until(&self, now: u64) -> f64 {
        let span = now.saturating_sub(self.start);
        if span == 0 {
            return self.value as f64;
        }
        self.area_until(now) as f64 / span as f64
    }

    /// Forgets the past but keeps the current value (end of warm-up): the area restarts at zero
    /// from `now` and the maximum restarts at the current value.
    pub fn restart(&mut self, now: u64) {
        *self = Self::new(now, self.value);
    }
}

/// The integral of a piecewise-constant signal split into fixed-width intervals of the day, days
/// folded together: time `t` belongs to bucket `(t / interval_len) % intervals_per_day`. Also
/// tracks how much time each bucket has seen (`exposure`), since a bucket may be covered by
/// several days or only partly, and a per-bucket maximum.
///
/// A caller that integrates a signal change by change (the staffing search's observer, at
/// every agent change) mostly adds spans inside the interval it added to last: the last bucket
/// touched is remembered with its `[start, end)`, so such a span costs no division.
#[derive(Debug, Clone)]
pub struct IntervalAreas {
    interval_len: u64,
    /// `interval_len * len()`, checked once at construction.
    day: u64,
    areas: Vec<i128>,
    exposure: Vec<u64>,
    maxima: Vec<Option<i64>>,
    /// The interval of the day a span last ended in: its `[start, end)` on that day and its
    /// bucket (an empty range until the first span). Times in that range always fall in that
    /// bucket, so it never goes stale.
    last: (u64, u64, usize),
}

/// Equal when they hold the same figures (which bucket was touched last does not count).
impl PartialEq for IntervalAreas {
    fn eq(&self, other: &IntervalAreas) -> bool {
        (self.interval_len, self.day) == (other.interval_len, other.day)
            && self.areas == other.areas
            && self.exposure == other.exposure
            && self.maxima == other.maxima
    }
}

impl Eq for IntervalAreas {}

impl IntervalAreas {
    /// # Panics
    /// If either argument is zero or a day (`interval_len * intervals_per_day`) overflows `u64`.
    pub fn new(interval_len: u64, intervals_per_day: usize) -> Self {
        let day = (interval_len.checked_mul(intervals_per_day as u64)).filter(|&d| d > 0);
        Self {
            interval_len,
            day: day.expect("interval length and count must be non-zero, their product fit u64"),
            areas: vec![0; intervals_per_day],
            exposure: vec![0; intervals_per_day],
            maxima: vec![None; intervals_per_day],
            last: (1, 0, 0),
        }
    }

    /// Adds `value * overlap` to every bucket `[from, to)` overlaps (exact), and the overlap to
    /// its exposure. Cost is O(min(buckets crossed, intervals_per_day)). `from > to` is a caller
    /// bug (checked in debug builds; ignored in release).
    pub fn accumulate(&mut self, mut from: u64, to: u64, value: i64) {
        debug_assert!(from <= to, "empty span [{from}, {to})");
        if from >= to {
            return;
        }
        let (start, end, bucket) = self.last;
        if start <= from && to <= end {
            self.areas[bucket] += i128::from(value) * i128::from(to - from);
            self.exposure[bucket] += to - from;
            return;
        }
        let n = self.areas.len();
        let len = self.interval_len;
        let whole_days = (to - from) / self.day;
        if whole_days > 0 {
            // A run of whole days covers every bucket the same amount, whatever its phase.
            let per_bucket = whole_days * len;
            for (a, e) in self.areas.iter_mut().zip(&mut self.exposure) {
                *a += i128::from(value) * i128::from(per_bucket);
                *e += per_bucket;
            }
            from += whole_days * self.day;
        }
        // Less than a day is left: walk the buckets, stepping the index instead of dividing.
        let mut bucket = ((from / len) % n as u64) as usize;
        let mut t = from;
        while t < to {
            // Saturating: the last interval below u64::MAX may be cut short.
            let bucket_start = t - t % len;
            let bucket_end = bucket_start.saturating_add(len);
            let end = bucket_end.min(to);
            self.areas[bucket] += i128::from(value) * i128::from(end - t);
            self.exposure[bucket] += end - t;
            self.last = (bucket_start, bucket_end, bucket);
            t = end;
            bucket = if bucket + 1 == n { 0 } else { bucket + 1 };
        }
    }

    /// Adds a precomputed area and exposure to one bucket: the fast path for callers that
    /// already know a span lies inside a single bucket.
    #[inline]
    pub fn add_to_bucket(&mut self, bucket: usize, area: i128, exposure: u64) {
        self.areas[bucket] += area;
        self.exposure[bucket] += exposure;
    }

    /// The bucket that time `at` falls in.
    #[inline]
    pub fn bucket_of(&self, at: u64) -> usize {
        ((at / self.interval_len) % self.areas.len() as u64) as usize
    }

    /// The first instant after `at` that starts a new bucket.
    #[inline]
    pub fn bucket_end(&self, at: u64) -> u64 {
        (at - at % self.interval_len).saturating_add(self.interval_len)
    }

    /// Raises the maximum of the bucket containing `at` to at least `value`.
    #[inline]
    pub fn observe_max(&mut self, at: u64, value: i64) {
        let m = &mut self.maxima[((at / self.interval_len) % self.areas.len() as u64) as usize];
        *m = Some(m.map_or(value, |old| old.max(value)));
    }

    /// Exact accumulated area of `bucket`. Panics if `bucket >= len()`, as do the other
    /// per-bucket accessors.
    pub fn area(&self, bucket: usize) -> i128 {
        self.areas[bucket]
    }
    /// Largest value observed in `bucket`, `None` if `observe_max` never hit it.
    pub fn max(&self, bucket: usize) -> Option<i64> {
        self.maxima[bucket]
    }
    /// Total time accumulated into `bucket`, over all days.
    pub fn exposure(&self, bucket: usize) -> u64 {
        self.exposure[bucket]
    }
    /// `area / exposure`, `None` if the bucket was never covered.
    pub fn mean(&self, bucket: usize) -> Option<f64> {
        let e = self.exposure[bucket];
        (e > 0).then(|| self.areas[bucket] as f64 / e as f64)
    }
    /// Number of buckets (intervals per day).
    // Never empty (construction requires a bucket), so an `is_empty` would be noise.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.areas.len()
    }
}

/// Running mean and sample variance of `f64` values in call order (Welford's update), mergeable
/// with Chan et al.'s parallel formula. Deterministic for a given order of `push` and `merge`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Welford {
    count: u64,
    mean: f64,
    /// Sum of squared deviations from the current mean.
    m2: f64,
}

impl Welford {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, x: f64) {
        self.count += 1;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
    }

    pub fn count(&self) -> u64 {
        self.count
    }
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then_some(self.mean)
    }
    /// Sample variance (divisor n - 1); `None` below two values.
    pub fn variance(&self) -> Option<f64> {
        (self.count > 1).then(|| self.m2 / (self.count - 1) as f64)
    }
    pub fn std_dev(&self) -> Option<f64> {
        self.variance().map(f64::sqrt)
    }

    pub fn merge(&mut self, other: &Welford) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = other.clone();
            return;
        }
        let (na, nb) = (self.count as f64, other.count as f64);
        let n = na + nb;
        let delta = other.mean - self.mean;
        self.mean += delta * nb / n;
        self.m2 += other.m2 + delta * delta * na * nb / n;
        self.count += other.count;
    }
}

#[cfg(test)]
mod tests;
