//! Confidence intervals across replications: the mean, the sample standard deviation and a 95%
//! Student t interval, for one point's values and for differences between points — paired (the
//! replications share their random numbers) or unpaired (Welch), so the gain from common random
//! numbers can be seen.
//!
//! Replications are independent and their means are close to normal when the run is long, which
//! is what the t interval assumes; nothing here corrects for autocorrelation within a run.
//! Undefined values (NaN, e.g. the wait of a run that answered nobody) are left out and the
//! count `n` says how many values an estimate rests on.

use crate::metrics::stats::Welford;

/// The two-sided confidence level of every interval.
pub const CONFIDENCE: f64 = 0.95;

/// Mean, spread and 95% confidence interval of the mean of some values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// How many defined values it rests on.
    pub n: usize,
    pub mean: f64,
    /// Sample standard deviation (NaN below two values; NaN for a Welch difference, whose
    /// spread is not one sample's).
    pub sd: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
}

impl Estimate {
    pub const UNDEFINED: Estimate = Estimate {
        n: 0,
        mean: f64::NAN,
        sd: f64::NAN,
        ci95_low: f64::NAN,
        ci95_high: f64::NAN,
    };

    /// The estimate from `values` in the order given (NaNs skipped).
    pub fn of(values: impl IntoIterator<Item = f64>) -> Estimate {
        let mut welford = Welford::new();
        for value in values.into_iter().filter(|v| !v.is_nan()) {
            welford.push(value);
        }
        let n = welford.count() as usize;
        let Some(mean) = welford.mean() else {
            return Estimate::UNDEFINED;
        };
        let Some(sd) = welford.std_dev() else {
            return Estimate {
                n,
                mean,
                sd: f64::NAN,
                ci95_low: f64::NAN,
                ci95_high: f64::NAN,
            };
        };
        let half = t_of_confidence(n - 1) * sd / (n as f64).sqrt();
        Estimate {
            n,
            mean,
            sd,
            ci95_low: mean - half,
            ci95_high: mean + half,
        }
    }

    /// The interval cut to the values the measure can take (`low..=high`): the t interval is
    /// symmetric, so with few replications of a share near 1 it reaches past 1, where the mean
    /// cannot be. Cutting it there keeps every mean it covered that is possible, so its
    /// coverage is not less. An undefined bound stays undefined; the mean is unchanged.
    pub fn within(self, low: f64, high: f64) -> Estimate {
        let clip = |bound: f64| {
            if bound.is_nan() {
                bound
            } else {
                bound.clamp(low, high)
            }
        };
        Estimate {
            ci95_low: clip(self.ci95_low),
            ci95_high: clip(self.ci95_high),
            ..self
        }
    }

    /// [`Estimate::of`] for a measure's values, its interval cut to the measure's range
    /// ([`crate::metrics::measure_range`]).
    pub fn of_measure(measure: &str, values: impl IntoIterator<Item = f64>) -> Estimate {
        let (low, high) = crate::metrics::measure_range(measure);
        Estimate::of(values).within(low, high)
    }

    /// Half the width of the interval.
    pub fn half_width(&self) -> f64 {
        (self.ci95_high - self.ci95_low) / 2.0
    }
}

/// The two-sided [`CONFIDENCE`] quantile of Student's t with `df` degrees of freedom, each
/// computed once: the bisection of [`student_t_quantile`] costs about 200,000 instructions,
/// and a staffing search asks for it thousands of times between its batches of runs (it was a
/// tenth of a search's work, on one thread while the other waited). The same numbers as
/// computing it every time.
fn t_of_confidence(df: usize) -> f64 {
    const KEPT: usize = 1024;
    static QUANTILES: [std::sync::OnceLock<f64>; KEPT] =
        [const { std::sync::OnceLock::new() }; KEPT];
    let compute = || student_t_quantile(0.5 + CONFIDENCE / 2.0, df as f64);
    match QUANTILES.get(df) {
        Some(kept) => *kept.get_or_init(compute),
        None => compute(),
    }
}

/// `values[r] - reference[r]` over the replications where both are defined: the comparison
/// that common random numbers make sharp.
pub fn paired_difference(values: &[f64], reference: &[f64]) -> Estimate {
    Estimate::of(values.iter().zip(reference).map(|(v, r)| v - r))
}

/// The difference of the means as if the two samples were independent (Welch's interval with
/// Satterthwaite's degrees of freedom). `n` is the total count; `sd` is NaN.
pub fn unpaired_difference(values: &[f64], reference: &[f64]) -> Estimate {
    let (a, b) = (
        Estimate::of(values.iter().copied()),
        Estimate::of(reference.iter().copied()),
    );
    if a.n < 2 || b.n < 2 {
        return Estimate::UNDEFINED;
    }
    let (va, vb) = (a.sd * a.sd / a.n as f64, b.sd * b.sd / b.n as f64);
    let se = (va + vb).sqrt();
    let mean = a.mean - b.mean;
    let half = if se == 0.0 {
        0.0
    } else {
        let df = (va + vb).powi(2) / (va * va / (a.n - 1) as f64 + vb * vb / (b.n - 1) as f64);
        student_t_quantile(0.5 + CONFIDENCE / 2.0, df) * se
    };
    Estimate {
        n: a.n + b.n,
        mean,
        sd: f64::NAN,
        ci95_low: mean - half,
        ci95_high: mean + half,
    }
}

/// The `p` quantile of Student's t distribution with `df` degrees of freedom (`df` may be
/// fractional, as Welch's is); NaN outside `0 <= p <= 1` or for `df <= 0`. Inverts the upper
/// tail by bisection, so the small tails a Bonferroni correction asks for (1e-4 and below) keep
/// their relative accuracy; slow next to a rational approximation, but simple to check. This is
/// the one t quantile of the crate: `check` uses it too.
pub fn student_t_quantile(p: f64, df: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if p == 0.5 {
        return 0.0;
    }
    if p < 0.5 {
        return -student_t_quantile(1.0 - p, df);
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let tail = 1.0 - p;
    let upper_tail = |t: f64| 0.5 * regularized_incomplete_beta(df / (df + t * t), df / 2.0, 0.5);
    let mut high = 1.0;
    while upper_tail(high) > tail {
        high *= 2.0;
        if high > 1e300 {
            return f64::INFINITY;
        }
    }
    let mut low = 0.0;
    for _ in 0..200 {
        let mid = 0.5 * (low + high);
        if mid == low || mid == high {
            break;
        }
        if upper_tail(mid) > tail {
            low = mid;
        } else {
            high = mid;
        }
    }
    0.5 * (low + high)
}

/// P(T <= t) for Student's t with `df` degrees of freedom.
pub fn student_t_cdf(t: f64, df: f64) -> f64 {
    let tail = 0.5 * regularized_incomplete_beta(df / (df + t * t), df / 2.0, 0.5);
    if t >= 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// I_x(a, b), by the continued fraction of Numerical Recipes (modified Lentz), using the
/// symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where the fraction converges slowly.
fn regularized_incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let log_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    if x < (a + 1.0) / (a + b + 2.0) {
        log_front.exp() * beta_fraction(x, a, b) / a
    } else {
        1.0 - log_front.exp() * beta_fraction(1.0 - x, b, a) / b
    }
}

fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error near 1e-15).
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
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEFFICIENTS[0];
    for (i, c) in COEFFICIENTS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_quantiles_are_those_computed_afresh() {
        for df in [1, 2, 5, 9, 29, 1023, 1024, 5000] {
            let fresh = student_t_quantile(0.5 + CONFIDENCE / 2.0, df as f64);
            assert_eq!(t_of_confidence(df).to_bits(), fresh.to_bits(), "df {df}");
            assert_eq!(
                t_of_confidence(df).to_bits(),
                fresh.to_bits(),
                "df {df}, kept"
            );
        }
    }

    #[test]
    fn t_quantiles_match_the_printed_tables() {
        // Two-sided 95% critical values from any statistics table (4 significant digits), and
        // the normal 1.959964 as df grows without bound.
        for (df, expected) in [
            (1.0, 12.706),
            (2.0, 4.303),
            (3.0, 3.182),
            (4.0, 2.776),
            (9.0, 2.262),
            (19.0, 2.093),
            (29.0, 2.045),
            (99.0, 1.984),
            (1e7, 1.95996),
        ] {
            let q = student_t_quantile(0.975, df);
            assert!((q - expected).abs() < 6e-4, "df {df}: {q} vs {expected}");
        }
        // Other levels: the one-sided 95% of df 10 and the 99.5% of df 5.
        assert!((student_t_quantile(0.95, 10.0) - 1.812).abs() < 6e-4);
        assert!((student_t_quantile(0.995, 5.0) - 4.032).abs() < 6e-4);
        assert!(
            (student_t_quantile(0.025, 4.0) + 2.776).abs() < 6e-4,
            "lower tail is the mirror image"
        );
    }

    #[test]
    fn t_quantiles_match_closed_forms_and_keep_small_tails_accurate() {
        let close = |actual: f64, expected: f64| {
            assert!(
                (actual - expected).abs() <= 1e-9 * expected.abs().max(1.0),
                "{actual} vs {expected}"
            )
        };
        for p in [0.55, 0.8, 0.975, 0.999, 0.99999] {
            // df 1 is the Cauchy distribution; df 2 has t = (2p - 1) / sqrt(2p(1 - p)).
            close(
                student_t_quantile(p, 1.0),
                (std::f64::consts::PI * (p - 0.5)).tan(),
            );
            close(
                student_t_quantile(p, 2.0),
                (2.0 * p - 1.0) / (2.0 * p * (1.0 - p)).sqrt(),
            );
        }
        // A Bonferroni level: t(0.9995, 19) = 3.8834 in printed tables.
        assert!((student_t_quantile(0.9995, 19.0) - 3.8834).abs() < 5e-4);
    }

    #[test]
    fn the_t_distribution_function_is_symmetric_and_exact_for_one_degree() {
        // With df = 1, t is Cauchy: F(t) = 1/2 + atan(t)/pi.
        for t in [-30.0, -1.0, 0.0, 0.3, 2.0, 50.0] {
            let expected = 0.5 + f64::atan(t) / std::f64::consts::PI;
            assert!((student_t_cdf(t, 1.0) - expected).abs() < 1e-12, "t {t}");
        }
        assert!((student_t_cdf(1.3, 7.0) + student_t_cdf(-1.3, 7.0) - 1.0).abs() < 1e-14);
    }

    #[test]
    fn an_estimate_skips_undefined_values_and_uses_n_minus_one() {
        let estimate = Estimate::of([1.0, f64::NAN, 2.0, 3.0, 4.0]);
        assert_eq!(estimate.n, 4);
        assert_eq!(estimate.mean, 2.5);
        // Sample variance of 1..4 is 5/3; the 97.5% t quantile for 3 df is 3.1824.
        let sd = (5.0f64 / 3.0).sqrt();
        assert!((estimate.sd - sd).abs() < 1e-12);
        assert!((estimate.half_width() - 3.182446 * sd / 2.0).abs() < 1e-5);
        let single = Estimate::of([7.0]);
        assert_eq!((single.n, single.mean), (1, 7.0));
        assert!(single.sd.is_nan() && single.ci95_low.is_nan());
        // Cutting to a range keeps an undefined bound undefined.
        assert!(single.within(0.0, 1.0).ci95_low.is_nan());
        assert_eq!(Estimate::of([f64::NAN]).n, 0);
        let constant = Estimate::of([2.0, 2.0, 2.0]);
        assert_eq!((constant.ci95_low, constant.ci95_high), (2.0, 2.0));
    }

    #[test]
    fn pairing_removes_the_shared_noise_and_welch_does_not() {
        // b = a + 1 exactly: the paired difference is 1 with no spread, while the unpaired
        // interval carries both samples' spread.
        let a = [3.0, 9.0, 4.0, 12.0, 7.0];
        let b: Vec<f64> = a.iter().map(|x| x + 1.0).collect();
        let paired = paired_difference(&b, &a);
        assert_eq!((paired.mean, paired.half_width()), (1.0, 0.0));
        let unpaired = unpaired_difference(&b, &a);
        assert!((unpaired.mean - 1.0).abs() < 1e-12);
        assert!(unpaired.half_width() > 3.0, "{unpaired:?}");
        // Equal variances and sizes: Welch's df is 2(n-1) = 8, t = 2.306.
        let sd = Estimate::of(a).sd;
        let expected = 2.306004 * (2.0 * sd * sd / 5.0).sqrt();
        assert!(
            (unpaired.half_width() - expected).abs() < 1e-4,
            "{} vs {expected}",
            unpaired.half_width()
        );
    }
}
