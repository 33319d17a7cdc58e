//! The statistics of a paired comparison: the confidence interval of a mean, with the Student-t
//! quantile of `sweep::confidence` (the crate's one implementation). It does not know about
//! measures, guards or files.

use crate::sweep::student_t_quantile;

/// The mean of a sample and its two-sided confidence interval from the t distribution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanInterval {
    pub n: usize,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

/// The mean of `values` with a two-sided `confidence` interval (`mean ± t(1 - α/2, n - 1) ·
/// s / √n`), or `None` with fewer than two values: one value says nothing about the noise.
pub fn mean_interval(values: &[f64], confidence: f64) -> Option<MeanInterval> {
    let n = values.len();
    if n < 2 {
        return None;
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64;
    let half_width = if variance > 0.0 {
        student_t_quantile(0.5 + 0.5 * confidence, (n - 1) as f64) * (variance / n as f64).sqrt()
    } else {
        0.0
    };
    Some(MeanInterval {
        n,
        mean,
        low: mean - half_width,
        high: mean + half_width,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance,
            "{actual} differs from {expected} by more than {tolerance}"
        );
    }

    #[test]
    fn interval_of_one_to_five_is_computed_by_hand() {
        // mean 3, s = sqrt(2.5), s/sqrt(5) = sqrt(1/2), t(0.975, 4) = 2.77645.
        let interval = mean_interval(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.95).unwrap();
        let standard_error = std::f64::consts::FRAC_1_SQRT_2;
        close(interval.mean, 3.0, 1e-12);
        close(interval.low, 3.0 - 2.776_445 * standard_error, 1e-5);
        close(interval.high, 3.0 + 2.776_445 * standard_error, 1e-5);
    }

    #[test]
    fn constant_samples_have_a_zero_width_interval_and_one_value_has_none() {
        assert_eq!(
            mean_interval(&[0.25; 4], 0.95),
            Some(MeanInterval {
                n: 4,
                mean: 0.25,
                low: 0.25,
                high: 0.25
            })
        );
        assert_eq!(mean_interval(&[1.0], 0.95), None);
    }
}
