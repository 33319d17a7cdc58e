//! Unit tests of the streaming statistics: histogram quantiles against exact order statistics,
//! exact integrals of step signals split at interval boundaries, Welford against two passes.
#[test]
fn buckets_hold_every_observation_within_their_bounds() {
    let mut histogram = LogHistogram::new();
    let values = [0, 0, 5, 127, 128, 1_000, 1_001, 90_000_000];
    for v in values {
        histogram.record(v);
    }
    let buckets: Vec<(u64, u64, u64)> = histogram.buckets().collect();
    assert_eq!(
        buckets.iter().map(|b| b.2).sum::<u64>(),
        values.len() as u64
    );
    assert_eq!(buckets[0], (0, 0, 2), "small values are exact");
    assert!(
        buckets.windows(2).all(|w| w[0].1 < w[1].0),
        "ascending and disjoint: {buckets:?}"
    );
    for v in values {
        assert!(
            buckets.iter().any(|&(low, high, _)| low <= v && v <= high),
            "{v} in no bucket"
        );
    }
}

use super::*;

/// Buckets needed to cover all of `u64`: the count vector never grows beyond this.
const MAX_BUCKETS: usize = bucket_of(u64::MAX) + 1;

fn xorshift(state: &mut u64) -> u64 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    x
}

const TEN_DAYS: u64 = 10 * 86_400 * 1_000_000;

/// Log-uniform-ish values over 1 µs..=10 days; about one in `zero_one_in` (if non-zero) is 0.
fn data_set(seed: u64, n: usize, zero_one_in: u64) -> Vec<u64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            if zero_one_in > 0 && xorshift(&mut s) % zero_one_in == 0 {
                return 0;
            }
            let bits = 1 + xorshift(&mut s) % 40;
            (xorshift(&mut s) >> (64 - bits)).clamp(1, TEN_DAYS)
        })
        .collect()
}

fn histogram_of(data: &[u64]) -> LogHistogram {
    let mut h = LogHistogram::new();
    data.iter().for_each(|&v| h.record(v));
    h
}

fn nearest_rank(sorted: &[u64], q: f64) -> u64 {
    sorted[((q * sorted.len() as f64).ceil() as usize).max(1) - 1]
}

/// Compares `h` with the exact statistics of `data`: quantiles within 1/`tolerance` relative,
/// or exact if `tolerance` is 0.
#[track_caller]
fn check(h: &LogHistogram, data: &[u64], qs: &[f64], tolerance: u64) {
    let mut sorted = data.to_vec();
    sorted.sort_unstable();
    assert_eq!(h.count(), data.len() as u64);
    assert_eq!(h.sum(), data.iter().map(|&v| u128::from(v)).sum::<u128>());
    assert_eq!(h.min(), sorted.first().copied());
    assert_eq!(h.max(), sorted.last().copied());
    assert_eq!(h.quantile(0.0), h.min());
    assert_eq!(h.quantile(1.0), h.max());
    for &q in qs {
        let (got, exact) = (h.quantile(q).unwrap(), nearest_rank(&sorted, q));
        let ok = u128::from(got.abs_diff(exact)) * u128::from(tolerance.max(1))
            <= u128::from(exact) * u128::from(tolerance > 0);
        assert!(ok, "q={q}: got {got}, exact {exact} (n={})", data.len());
    }
    // count_at_most is a lower bound missing at most the threshold's own bucket.
    for &t in sorted.iter().step_by(sorted.len() / 50 + 1) {
        for t in [t.saturating_sub(1), t, t + 1] {
            let approx = h.count_at_most(t);
            let exact = sorted.partition_point(|&v| v <= t) as u64;
            let floor = sorted.partition_point(|&v| v < bucket_bounds(bucket_of(t)).0) as u64;
            assert!((floor..=exact).contains(&approx), "t={t}");
        }
    }
}

#[test]
fn bucket_layout_is_contiguous_and_fine_enough() {
    assert_eq!(bucket_bounds(0), (0, 0));
    assert_eq!(bucket_bounds(MAX_BUCKETS - 1).1, u64::MAX);
    for i in 0..MAX_BUCKETS {
        let (low, high) = bucket_bounds(i);
        assert_eq!((bucket_of(low), bucket_of(high)), (i, i), "bucket {i}");
        let fine = i < 128 && low == high || (high - low + 1) * SUB <= low;
        assert!(fine, "bucket {i} is too wide");
        if i + 1 < MAX_BUCKETS {
            assert_eq!(high + 1, bucket_bounds(i + 1).0, "gap after bucket {i}");
        }
    }
}

#[test]
fn quantiles_match_order_statistics_within_half_a_bucket() {
    // The brief asks for 1/64; the midpoint actually guarantees 1/128, which also catches a
    // representative drifting to the bucket's edge.
    // (seed, observations, one in how many is zero; 0 for none)
    let small = [(1, 1, 4), (2, 2, 4), (3, 7, 2), (4, 100, 1)];
    let large = [(5, 1_000, 4), (6, 100_000, 3), (7, 50_000, 0)];
    for (seed, n, zeros) in small.into_iter().chain(large) {
        let data = data_set(seed, n, zeros);
        check(&histogram_of(&data), &data, &[0.5, 0.9, 0.95, 0.99], 128);
    }
}

/// The nearest-rank quantile read off `buckets()` one bucket at a time: the definition,
/// written independently of the search `quantiles` does.
fn quantile_by_walking_buckets(h: &LogHistogram, q: f64) -> Option<u64> {
    let (min, max) = (h.min()?, h.max()?);
    let rank = ((q * h.count() as f64).ceil() as u64).clamp(1, h.count());
    if rank == 1 {
        return Some(min);
    }
    if rank == h.count() {
        return Some(max);
    }
    let mut seen = 0;
    h.buckets().find_map(|(low, high, count)| {
        seen += count;
        (seen >= rank).then(|| (low + (high - low) / 2).clamp(min, max))
    })
}

#[test]
fn quantiles_in_one_pass_equal_the_bucket_walk() {
    let qs = [0.0, 0.01, 0.5, 0.5, 0.9, 0.95, 0.99, 1.0];
    for (seed, n, zeros) in [(1, 1, 4), (2, 2, 4), (3, 7, 2), (8, 3, 1), (6, 10_000, 3)] {
        let h = histogram_of(&data_set(seed, n, zeros));
        let each: Vec<_> = qs
            .iter()
            .map(|&q| quantile_by_walking_buckets(&h, q))
            .collect();
        assert_eq!(
            h.quantiles(qs).to_vec(),
            each,
            "seed {seed}, {n} observations"
        );
    }
    assert_eq!(LogHistogram::default().quantiles([0.5, 0.9]), [None, None]);
    // Every percentile: neighbouring ranks in the same bucket, in the same block of buckets
    // the search skips by its sum, and in the next block; kept and counted observations.
    let every: [f64; 101] = std::array::from_fn(|i| i as f64 / 100.0);
    for (seed, n, zeros) in [(9, 5_000, 0), (10, 200, 2), (11, 20_000, 5), (12, 30, 3)] {
        let h = histogram_of(&data_set(seed, n, zeros));
        let each: Vec<_> = every
            .iter()
            .map(|&q| quantile_by_walking_buckets(&h, q))
            .collect();
        assert_eq!(h.quantiles(every).to_vec(), each, "seed {seed}");
        assert_eq!(h.quantile(0.37), quantile_by_walking_buckets(&h, 0.37));
    }
}

/// A histogram that counts into buckets from its first observation.
fn counted_of(data: &[u64]) -> LogHistogram {
    let mut h = LogHistogram::new();
    h.count_raw();
    data.iter().for_each(|&v| h.record(v));
    h
}

#[test]
fn kept_observations_answer_as_buckets_do() {
    let every: [f64; 101] = std::array::from_fn(|i| i as f64 / 100.0);
    for (seed, n, zeros) in [
        (13, 1, 0),
        (14, 2, 2),
        (15, 17, 3),
        (16, RAW_MAX, 4),
        (17, 9, 0),
    ] {
        let data = data_set(seed, n, zeros);
        let kept = histogram_of(&data);
        assert!(!kept.raw.is_empty() && !kept.counted, "seed {seed}: kept");
        let counted = counted_of(&data);
        assert!(counted.raw.is_empty(), "seed {seed}: counted");
        assert_eq!(kept, counted, "seed {seed}");
        assert_eq!(
            kept.quantiles(every),
            counted.quantiles(every),
            "seed {seed}"
        );
        assert_eq!(
            kept.buckets().collect::<Vec<_>>(),
            counted.buckets().collect::<Vec<_>>()
        );
        let mut thresholds: Vec<u64> = data.iter().flat_map(|&v| [v, v + 1, v / 2]).collect();
        thresholds.extend([0, 127, 128, u64::MAX]);
        for t in thresholds {
            assert_eq!(kept.count_at_most(t), counted.count_at_most(t), "t={t}");
        }
        assert_eq!(
            (kept.count(), kept.sum(), kept.min(), kept.max()),
            (counted.count(), counted.sum(), counted.min(), counted.max())
        );
    }
    // One more than the histogram keeps: every observation is then in the buckets.
    let data = data_set(18, RAW_MAX + 1, 3);
    let h = histogram_of(&data);
    assert!(h.raw.is_empty() && h.zeros + h.counts.iter().sum::<u64>() == data.len() as u64);
    assert_eq!(h, counted_of(&data));
    // Repeats: three kept, then more than fit.
    let mut repeated = LogHistogram::new();
    repeated.record_n(500, 3);
    repeated.record_n(70, RAW_MAX as u64);
    assert_eq!(repeated.count(), RAW_MAX as u64 + 3);
    assert!(repeated.raw.is_empty());
    let mut many = vec![500; 3];
    many.extend(vec![70; RAW_MAX]);
    assert_eq!(repeated, counted_of(&many));
    // Empty buckets at the end do not make two histograms of the same values differ.
    assert_eq!(counted_of(&[]), LogHistogram::new());
    assert_ne!(counted_of(&[5]), LogHistogram::new());
}

#[test]
fn merges_of_kept_and_counted_equal_recording_both_streams() {
    let data = data_set(19, 60, 4);
    // Kept + kept (fits, and does not), kept + counted, counted + kept.
    for (split, a_counted, b_counted) in [
        (10, false, false),
        (20, false, false),
        (30, false, false),
        (5, false, true),
        (50, true, false),
        (30, true, true),
    ] {
        let (a, b) = data[..split + 20.min(60 - split)].split_at(split);
        let both: Vec<u64> = a.iter().chain(b).copied().collect();
        let of = |part: &[u64], counted: bool| {
            if counted {
                counted_of(part)
            } else {
                histogram_of(part)
            }
        };
        let mut merged = of(a, a_counted);
        merged.merge(&of(b, b_counted));
        assert_eq!(merged, histogram_of(&both), "split {split}");
        assert_eq!(merged, counted_of(&both), "split {split}");
        let every: [f64; 21] = std::array::from_fn(|i| i as f64 / 20.0);
        assert_eq!(merged.quantiles(every), counted_of(&both).quantiles(every));
    }
}

/// The counted buckets are a window from the lowest bucket used (the zeros apart): values
/// arriving from the top down widen it below, merges of histograms whose windows lie above,
/// below, around or apart from each other widen it both ways. Every result must be the one of
/// recording everything into one histogram, and the window must span the values used, not
/// every bucket from 0.
#[test]
fn windows_widen_both_ways_and_answer_as_one_histogram() {
    let every: [f64; 101] = std::array::from_fn(|i| i as f64 / 100.0);
    let second = 1_000_000u64;
    // Waits of 1 s to 10 min, a third of them zero, in descending order.
    let mut s = 20261203;
    let mut waits: Vec<u64> = (0..400)
        .map(|_| {
            if xorshift(&mut s) % 3 == 0 {
                0
            } else {
                second + xorshift(&mut s) % (600 * second)
            }
        })
        .collect();
    waits.sort_unstable_by(|a, b| b.cmp(a));
    let descending = histogram_of(&waits);
    let mut ascending_order = waits.clone();
    ascending_order.sort_unstable();
    assert_eq!(descending, histogram_of(&ascending_order));
    assert_eq!(
        descending.quantiles(every),
        histogram_of(&ascending_order).quantiles(every)
    );
    assert!(
        descending.counts.len() < bucket_of(descending.max) / 2,
        "a window of {} buckets for waits up to bucket {}",
        descending.counts.len(),
        bucket_of(descending.max)
    );
    // Merges of ranges: above, below, overlapping, inside, far apart, zeros only, raw.
    let ranges: [(u64, u64, usize); 7] = [
        (10 * second, 20 * second, 200),
        (200, 5_000, 100),
        (15 * second, 90 * second, 150),
        (12 * second, 13 * second, 60),
        (3_000 * second, 9_000 * second, 80),
        (0, 0, 50),
        (40, 90_000, 7),
    ];
    for order in 0..ranges.len() {
        let mut merged = LogHistogram::new();
        let mut all = Vec::new();
        for k in 0..ranges.len() {
            let (from, to, n) = ranges[(order + k) % ranges.len()];
            let part: Vec<u64> = (0..n)
                .map(|_| from + xorshift(&mut s) % (to - from + 1))
                .collect();
            merged.merge(&histogram_of(&part));
            all.extend(part);
            let one = histogram_of(&all);
            assert_eq!(merged, one, "order {order}, after {k}");
            assert_eq!(
                merged.quantiles(every),
                one.quantiles(every),
                "order {order}"
            );
        }
        let one = histogram_of(&all);
        assert_eq!(
            merged.buckets().collect::<Vec<_>>(),
            one.buckets().collect::<Vec<_>>()
        );
        let mut thresholds: Vec<u64> = all.iter().flat_map(|&v| [v, v + 1, v / 2]).collect();
        thresholds.extend([0, 1, 127, 128, u64::MAX]);
        for t in thresholds {
            assert_eq!(merged.count_at_most(t), one.count_at_most(t), "t={t}");
        }
        check(&merged, &all, &every, 128);
    }
}

#[test]
fn small_values_are_exact() {
    // Each value 0..=127 recorded 1 to 5 times; every rank must come back exactly.
    let data: Vec<u64> = (0..=127)
        .flat_map(|v| vec![v; v as usize % 5 + 1])
        .collect();
    let n = data.len();
    let qs: Vec<f64> = (1..=n).map(|r| r as f64 / n as f64).collect();
    let h = histogram_of(&data);
    check(&h, &data, &qs, 0);
    for t in 0..=130 {
        let exact = data.iter().filter(|&&v| v <= t).count() as u64;
        assert_eq!(h.count_at_most(t), exact, "t={t}");
    }
}

#[test]
fn merge_equals_recording_both_streams() {
    let data = data_set(11, 20_000, 5);
    for split in [0, 1, 777, 19_999, 20_000] {
        let (a, b) = data.split_at(split);
        let mut merged = histogram_of(a);
        merged.merge(&histogram_of(b));
        assert_eq!(merged, histogram_of(&data), "split at {split}");
    }
    let mut repeated = LogHistogram::new();
    repeated.record_n(500, 3);
    assert_eq!(repeated, histogram_of(&[500, 500, 500]));
}

#[test]
fn empty_histogram_is_empty_and_allocates_nothing() {
    let mut h = LogHistogram::default();
    h.record_n(12_345, 0);
    h.merge(&LogHistogram::new());
    assert!(h.is_empty() && h.counts.capacity() == 0 && h.raw.capacity() == 0);
    assert_eq!((h.count(), h.sum(), h.count_at_most(u64::MAX)), (0, 0, 0));
    assert_eq!((h.min(), h.max(), h.quantile(0.5)), (None, None, None));
    assert_eq!(h.mean(), None);
    h.record(u64::MAX);
    assert_eq!(
        (h.quantile(0.5), h.sum()),
        (Some(u64::MAX), u128::from(u64::MAX))
    );
}

#[test]
fn time_weighted_hand_worked_signal_and_restart() {
    // 2 on [10,15), 5 on [15,20), 2 on [20,30), -1 on [30,34), 0 on [34,40)
    // area = 10 + 25 + 20 - 4 + 0 = 51 over 30 µs; max 5.
    let mut tw = TimeWeighted::new(10, 2);
    tw.set(15, 5);
    tw.add(20, -3);
    tw.set(30, -1);
    tw.add(34, 1);
    assert_eq!((tw.value(), tw.max(), tw.area_until(34)), (0, 5, 51));
    assert_eq!(tw.area_until(40), 51);
    assert_eq!(tw.mean_until(40), 51.0 / 30.0);
    assert_eq!(tw.mean_until(10), 0.0, "empty span: current value");
    // Restart at 40 keeps the value (0 -> set to 3 first) but forgets area and max.
    tw.set(40, 3);
    tw.restart(50);
    assert_eq!((tw.value(), tw.max(), tw.start()), (3, 3, 50));
    assert_eq!(tw.area_until(50), 0);
    assert_eq!(tw.mean_until(50), 3.0);
    tw.set(60, 1);
    assert_eq!((tw.max(), tw.area_until(100)), (3, 30 + 40));
    assert_eq!(tw.mean_until(100), 70.0 / 50.0);
}

#[test]
fn interval_areas_fold_days_and_match_time_weighted() {
    // 6 intervals of 10 µs: a 60 µs day. Segments cross midnight and one spans over a day.
    let segments = [
        (5, 25, 3),
        (25, 58, -1),
        (58, 75, 2),
        (75, 75, 9),
        (75, 200, 1),
    ];
    let mut ia = IntervalAreas::new(10, 6);
    let mut tw = TimeWeighted::new(5, 0);
    let (mut area, mut exposure) = ([0i128; 6], [0u64; 6]);
    for (from, to, value) in segments {
        ia.accumulate(from, to, value);
        tw.set(from, value);
        for t in from..to {
            area[(t / 10 % 6) as usize] += i128::from(value);
            exposure[(t / 10 % 6) as usize] += 1;
        }
    }
    assert_eq!(ia.len(), 6);
    for b in 0..6 {
        let got = (ia.area(b), ia.exposure(b));
        assert_eq!(got, (area[b], exposure[b]), "bucket {b}");
    }
    // Hand-worked: bucket 5 gets [50,58) at -1, [58,60) at 2, [110,120) and [170,180) at 1.
    assert_eq!((ia.area(5), ia.exposure(5)), (-8 + 4 + 20, 30));
    assert_eq!((0..6).map(|b| ia.area(b)).sum::<i128>(), tw.area_until(200));
    assert_eq!((0..6).map(|b| ia.exposure(b)).sum::<u64>(), 195);
    assert_eq!(ia.mean(5), Some(16.0 / 30.0));

    ia.observe_max(65, 4);
    ia.observe_max(5, 2);
    ia.observe_max(119, -7);
    assert_eq!((ia.max(0), ia.max(5), ia.max(2)), (Some(4), Some(-7), None));
}

/// Spans one after another, as an observer integrating a signal change by change adds them:
/// mostly inside the interval of the last one (the remembered bucket), some ending exactly on a
/// boundary, some crossing several intervals or whole days. Every bucket's area and exposure
/// must equal the sums taken microsecond by microsecond.
#[test]
fn consecutive_spans_integrate_exactly_whether_or_not_in_the_last_bucket() {
    let mut s = 20261203;
    for case in 0..200 {
        let len = 1 + xorshift(&mut s) % 20;
        let n = 1 + (xorshift(&mut s) % 6) as usize;
        let day = len * n as u64;
        let mut ia = IntervalAreas::new(len, n);
        let (mut area, mut exposure) = (vec![0i128; n], vec![0u64; n]);
        let mut t = xorshift(&mut s) % (3 * day);
        for _ in 0..60 {
            let gap = match xorshift(&mut s) % 5 {
                0 => 0,
                1 => len - t % len,
                2 => xorshift(&mut s) % (4 * len),
                3 => xorshift(&mut s) % (3 * day),
                _ => xorshift(&mut s) % len.max(2) / 2,
            };
            let value = (xorshift(&mut s) % 7) as i64 - 3;
            ia.accumulate(t, t + gap, value);
            for at in t..t + gap {
                let b = ((at / len) % n as u64) as usize;
                area[b] += i128::from(value);
                exposure[b] += 1;
            }
            t += gap;
        }
        for b in 0..n {
            assert_eq!(
                (ia.area(b), ia.exposure(b)),
                (area[b], exposure[b]),
                "case {case}"
            );
        }
    }
}

#[test]
fn welford_matches_two_pass_and_merges() {
    let mut s = 42;
    let xs: Vec<f64> = (0..1_000)
        .map(|_| 1e6 + (xorshift(&mut s) % 1_000_000) as f64 / 997.0)
        .collect();
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs();
    let mut all = Welford::new();
    xs.iter().for_each(|&x| all.push(x));
    assert_eq!(all.count(), 1_000);
    assert!(close(all.mean().unwrap(), mean) && close(all.variance().unwrap(), var));
    assert!(close(all.std_dev().unwrap(), var.sqrt()));
    for split in [0, 1, 500, 999, 1_000] {
        let (mut a, mut b) = (Welford::new(), Welford::new());
        xs[..split].iter().for_each(|&x| a.push(x));
        xs[split..].iter().for_each(|&x| b.push(x));
        a.merge(&b);
        assert_eq!(a.count(), all.count());
        assert!(close(a.mean().unwrap(), mean), "split {split}");
        assert!(close(a.variance().unwrap(), var), "split {split}");
    }
    let mut one = Welford::new();
    assert_eq!((one.mean(), one.variance()), (None, None));
    one.push(3.0);
    assert_eq!((one.mean(), one.variance()), (Some(3.0), None));
}
