//! The wait distribution of a run read for its two charts: the cumulative share answered
//! within a wait, and the histogram of those who waited, both from the collector's stored
//! quantile points (interpolated linearly between them).

use crate::metrics::WaitDistribution;

pub(super) fn value_at_fraction(distribution: &WaitDistribution, fraction: f64) -> Option<f64> {
    distribution
        .points
        .iter()
        .find(|&&(_, f)| f >= fraction - 1e-9)
        .map(|&(wait, _)| wait)
}

/// Fraction of waits at most `wait`, interpolated linearly between the stored quantiles.
pub(super) fn cumulative_fraction(points: &[(f64, f64)], wait: f64) -> f64 {
    let after = points.partition_point(|&(w, _)| w <= wait);
    if after == 0 {
        return 0.0;
    }
    let (w0, f0) = points[after - 1];
    match points.get(after) {
        Some(&(w1, f1)) if w1 > w0 => f0 + (f1 - f0) * (wait - w0) / (w1 - w0),
        _ => f0,
    }
}

/// The cumulative distribution from a wait of zero up to `cap`, ending exactly at `cap`.
pub(super) fn cdf_points(distribution: &WaitDistribution, cap: f64) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = distribution
        .points
        .iter()
        .copied()
        .filter(|&(wait, _)| wait < cap)
        .collect();
    if !matches!(points.first(), Some(&(wait, _)) if wait <= 0.0) {
        points.insert(0, (0.0, cumulative_fraction(&distribution.points, 0.0)));
    }
    points.push((cap, cumulative_fraction(&distribution.points, cap)));
    points
}

/// A step outline of the histogram of the waits on `(0, cap]` in `bins` equal bins: each bin's
/// share of the conversations that waited at all (answered on arrival they are left out),
/// from the cumulative distribution at its edges.
pub(super) fn histogram_steps(
    distribution: &WaitDistribution,
    cap: f64,
    bins: usize,
) -> Vec<(f64, f64)> {
    let width = cap / bins as f64;
    let at_once = cumulative_fraction(&distribution.points, 0.0);
    let waited = 1.0 - at_once;
    if waited <= 0.0 {
        return Vec::new();
    }
    let mut below = at_once;
    let mut steps = Vec::with_capacity(2 * bins);
    for bin in 0..bins {
        let (low, high) = (bin as f64 * width, (bin + 1) as f64 * width);
        let upto = cumulative_fraction(&distribution.points, high);
        steps.push((low, (upto - below) / waited));
        steps.push((high, (upto - below) / waited));
        below = upto;
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Scope;

    #[test]
    fn the_histogram_shares_come_from_the_cdf_and_add_up_to_the_share_below_the_cap() {
        // Waits uniform on [0, 100]: each of 10 bins up to 100 holds a tenth.
        let uniform = WaitDistribution {
            scope: Scope::Overall,
            name: "all".into(),
            answered: 101,
            points: (0..=100)
                .map(|i| (f64::from(i), f64::from(i) / 100.0))
                .collect(),
        };
        let steps = histogram_steps(&uniform, 100.0, 10);
        assert_eq!(steps.len(), 20);
        for pair in steps.chunks(2) {
            assert!((pair[0].1 - 0.1).abs() < 1e-9, "{pair:?}");
            assert_eq!(pair[0].1, pair[1].1, "a bin is flat");
        }
        let half = histogram_steps(&uniform, 50.0, 5);
        let total: f64 = half.iter().step_by(2).map(|p| p.1).sum();
        assert!((total - 0.5).abs() < 1e-9, "{total}");
    }

    #[test]
    fn waits_of_zero_are_left_out_of_the_bins() {
        // Half answered at once, the rest spread evenly up to 10 s: a tenth of them per second.
        let mut points: Vec<(f64, f64)> = (0..=50).map(|i| (0.0, f64::from(i) / 100.0)).collect();
        points.extend((51..=100).map(|i| (f64::from(i - 50) / 5.0, f64::from(i) / 100.0)));
        let distribution = WaitDistribution {
            scope: Scope::Overall,
            name: "all".into(),
            answered: 100,
            points,
        };
        assert_eq!(cumulative_fraction(&distribution.points, 0.0), 0.5);
        let steps = histogram_steps(&distribution, 10.0, 10);
        for pair in steps.chunks(2) {
            assert!((pair[0].1 - 0.1).abs() < 1e-9, "{pair:?}");
        }
    }
}
