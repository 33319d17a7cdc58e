//! The statistics of a paired comparison: the Student-t quantile and the confidence interval of
//! a mean. Small and self-contained on purpose, so the check's arithmetic can be read in one
//! place; it does not know about measures, guards or files.

/// The `p` quantile of Student's t distribution with `dof` degrees of freedom (`dof >= 1`,
/// `0 < p < 1`): the `t` with `P(T <= t) = p`.
///
/// Found by bisection on the upper tail probability, computed from the regularized incomplete
/// beta function, so that the small tail probabilities a Bonferroni correction asks for (1e-4
/// and below) keep their relative accuracy.
///
/// # Panics
///
/// When `p` is outside (0, 1) or `dof < 1`: callers derive both from validated settings.
pub fn student_t_quantile(p: f64, dof: f64) -> f64 {
    assert!(
        p > 0.0 && p < 1.0 && dof >= 1.0,
        "student_t_quantile: p must be in (0, 1) and dof >= 1"
    );
    if p < 0.5 {
        return -student_t_quantile(1.0 - p, dof);
    }
    let tail = 1.0 - p;
    if tail == 0.5 {
        return 0.0;
    }
    let mut low = 0.0;
    let mut high = 1.0;
    while upper_tail(high, dof) > tail {
        low = high;
        high *= 2.0;
    }
    // 200 halvings take any bracket below one ulp; the loop usually stops much earlier.
    for _ in 0..200 {
        let mid = 0.5 * (low + high);
        if mid <= low || mid >= high {
            break;
        }
        if upper_tail(mid, dof) > tail {
            low = mid;
        } else {
            high = mid;
        }
    }
    0.5 * (low + high)
}

/// `P(T > t)` for `t >= 0`.
fn upper_tail(t: f64, dof: f64) -> f64 {
    0.5 * regularized_incomplete_beta(dof / (dof + t * t), 0.5 * dof, 0.5)
}

/// `I_x(a, b)` by its continued fraction (Lentz's method), using the symmetry
/// `I_x(a, b) = 1 - I_{1-x}(b, a)` where the fraction converges slowly.
fn regularized_incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let log_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    if x < (a + 1.0) / (a + b + 2.0) {
        log_front.exp() * beta_continued_fraction(x, a, b) / a
    } else {
        1.0 - log_front.exp() * beta_continued_fraction(1.0 - x, b, a) / b
    }
}

fn beta_continued_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..1000 {
        let m = f64::from(m);
        let even = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        for numerator in [
            even,
            -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0)),
        ] {
            d = 1.0 + numerator * d;
            if d.abs() < TINY {
                d = TINY;
            }
            c = 1.0 + numerator / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            h *= d * c;
        }
        if (d * c - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// `ln Γ(x)` for `x > 0` (Lanczos, g = 7, nine coefficients: about 15 correct digits).
fn ln_gamma(x: f64) -> f64 {
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection keeps the series in its accurate range.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEFFICIENTS[0];
    for (i, c) in COEFFICIENTS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

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
    fn quantiles_match_printed_t_tables() {
        // Values from standard t tables (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2), 4 decimals.
        for (p, dof, expected) in [
            (0.975, 1.0, 12.7062),
            (0.975, 5.0, 2.5706),
            (0.975, 19.0, 2.0930),
            (0.95, 10.0, 1.8125),
            (0.995, 10.0, 3.1693),
            (0.995, 29.0, 2.7564),
            (0.9995, 19.0, 3.8834),
            (0.975, 100.0, 1.9840),
        ] {
            close(student_t_quantile(p, dof), expected, 5e-4);
        }
    }

    #[test]
    fn quantiles_match_closed_forms_for_one_and_two_degrees_of_freedom() {
        for p in [0.55, 0.8, 0.975, 0.999, 0.99999] {
            // dof 1 is the Cauchy distribution; dof 2 has t = (2p - 1) / sqrt(2p(1 - p)).
            let cauchy = (std::f64::consts::PI * (p - 0.5)).tan();
            close(student_t_quantile(p, 1.0), cauchy, 1e-9 * cauchy.max(1.0));
            let two = (2.0 * p - 1.0) / (2.0 * p * (1.0 - p)).sqrt();
            close(student_t_quantile(p, 2.0), two, 1e-9 * two.max(1.0));
        }
    }

    #[test]
    fn quantiles_are_symmetric_and_approach_the_normal() {
        close(
            student_t_quantile(0.025, 7.0),
            -student_t_quantile(0.975, 7.0),
            1e-12,
        );
        close(student_t_quantile(0.5, 3.0), 0.0, 1e-12);
        close(student_t_quantile(0.975, 1e7), 1.959_964, 1e-5);
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
