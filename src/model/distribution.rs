//! The random quantities of a scenario (handle times, patience, context numbers): a small closed
//! set of distributions, each validated when the scenario is built so that sampling never fails.

use std::sync::Arc;

use rand::Rng;
use rand_distr::{Distribution as _, Exp, Gamma, LogNormal, Normal, Weibull};

use super::ScenarioError;

/// A validated distribution of non-negative reals (seconds for durations).
#[derive(Debug, Clone)]
pub struct Distribution {
    kind: Kind,
    mean: f64,
}

#[derive(Debug, Clone)]
enum Kind {
    Constant(f64),
    Exponential(Exp<f64>),
    Uniform { min: f64, width: f64 },
    // Truncated at zero by rejection, as SPEC §5 asks.
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Gamma(Gamma<f64>),
    Weibull(Weibull<f64>),
    Empirical(Arc<[f64]>),
}

fn positive(what: &str, value: f64) -> Result<f64, ScenarioError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(ScenarioError::new(format!(
            "{what} must be a positive number, got {value}"
        )))
    }
}

fn non_negative(what: &str, value: f64) -> Result<f64, ScenarioError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(ScenarioError::new(format!(
            "{what} must be zero or more, got {value}"
        )))
    }
}

impl Distribution {
    pub fn constant(value: f64) -> Result<Distribution, ScenarioError> {
        let value = non_negative("value", value)?;
        Ok(Distribution {
            kind: Kind::Constant(value),
            mean: value,
        })
    }

    pub fn exponential(mean: f64) -> Result<Distribution, ScenarioError> {
        let mean = positive("mean", mean)?;
        let exp = Exp::new(1.0 / mean).map_err(|e| ScenarioError::new(e.to_string()))?;
        Ok(Distribution {
            kind: Kind::Exponential(exp),
            mean,
        })
    }

    pub fn uniform(min: f64, max: f64) -> Result<Distribution, ScenarioError> {
        let min = non_negative("min", min)?;
        let max = non_negative("max", max)?;
        if max < min {
            return Err(ScenarioError::new(format!(
                "max ({max}) must not be below min ({min})"
            )));
        }
        Ok(Distribution {
            kind: Kind::Uniform {
                min,
                width: max - min,
            },
            mean: (min + max) / 2.0,
        })
    }

    /// A normal distribution truncated at zero; `mean` here is the untruncated mean.
    pub fn normal(mean: f64, sd: f64) -> Result<Distribution, ScenarioError> {
        let mean = positive("mean", mean)?;
        let sd = non_negative("sd", sd)?;
        let normal = Normal::new(mean, sd).map_err(|e| ScenarioError::new(e.to_string()))?;
        Ok(Distribution {
            kind: Kind::Normal(normal),
            mean,
        })
    }

    /// A lognormal given by the mean and standard deviation of the variable itself (what a
    /// planner measures), not of its logarithm.
    pub fn lognormal(mean: f64, sd: f64) -> Result<Distribution, ScenarioError> {
        let mean = positive("mean", mean)?;
        let sd = positive("sd", sd)?;
        let sigma2 = (1.0 + (sd / mean).powi(2)).ln();
        let mu = mean.ln() - sigma2 / 2.0;
        let lognormal =
            LogNormal::new(mu, sigma2.sqrt()).map_err(|e| ScenarioError::new(e.to_string()))?;
        Ok(Distribution {
            kind: Kind::LogNormal(lognormal),
            mean,
        })
    }

    pub fn gamma(shape: f64, scale: f64) -> Result<Distribution, ScenarioError> {
        let shape = positive("shape", shape)?;
        let scale = positive("scale", scale)?;
        let gamma = Gamma::new(shape, scale).map_err(|e| ScenarioError::new(e.to_string()))?;
        Ok(Distribution {
            kind: Kind::Gamma(gamma),
            mean: shape * scale,
        })
    }

    /// Erlang-k with the given mean: the sum of k exponential phases.
    pub fn erlang(k: u32, mean: f64) -> Result<Distribution, ScenarioError> {
        if k == 0 {
            return Err(ScenarioError::new("k must be at least 1".to_string()));
        }
        let mean = positive("mean", mean)?;
        Distribution::gamma(f64::from(k), mean / f64::from(k))
    }

    pub fn weibull(shape: f64, scale: f64) -> Result<Distribution, ScenarioError> {
        let shape = positive("shape", shape)?;
        let scale = positive("scale", scale)?;
        let weibull = Weibull::new(scale, shape).map_err(|e| ScenarioError::new(e.to_string()))?;
        let mean = scale * gamma_fn(1.0 + 1.0 / shape);
        Ok(Distribution {
            kind: Kind::Weibull(weibull),
            mean,
        })
    }

    /// Draws uniformly from observed samples (all must be zero or more).
    pub fn empirical(samples: impl Into<Arc<[f64]>>) -> Result<Distribution, ScenarioError> {
        let samples: Arc<[f64]> = samples.into();
        if samples.is_empty() {
            return Err(ScenarioError::new(
                "an empirical distribution needs at least one sample".to_string(),
            ));
        }
        for (idx, &sample) in samples.iter().enumerate() {
            non_negative(&format!("sample {}", idx + 1), sample)?;
        }
        let mean = samples.iter().sum::<f64>() / samples.len() as f64;
        Ok(Distribution {
            kind: Kind::Empirical(samples),
            mean,
        })
    }

    /// The mean of the distribution (of the untruncated normal for `normal`).
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The largest value a draw can take (infinite for unbounded distributions), so validation
    /// can tell a duration that is always zero from one that only may be.
    pub fn largest(&self) -> f64 {
        match &self.kind {
            Kind::Constant(value) => *value,
            Kind::Uniform { min, width } => min + width,
            Kind::Normal(normal) if normal.std_dev() == 0.0 => normal.mean(),
            Kind::Empirical(samples) => samples.iter().copied().fold(0.0, f64::max),
            Kind::Normal(_)
            | Kind::Exponential(_)
            | Kind::LogNormal(_)
            | Kind::Gamma(_)
            | Kind::Weibull(_) => f64::INFINITY,
        }
    }

    /// Whether every draw is the same value (lets the model skip a random draw).
    pub fn is_constant(&self) -> bool {
        matches!(self.kind, Kind::Constant(_))
    }

    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.kind {
            Kind::Constant(value) => *value,
            Kind::Exponential(exp) => exp.sample(rng),
            Kind::Uniform { min, width } => min + width * rng.random::<f64>(),
            Kind::Normal(normal) => {
                // Rejection keeps the shape of the positive part; the validated mean is positive
                // so the acceptance rate is at least one half.
                loop {
                    let value = normal.sample(rng);
                    if value >= 0.0 {
                        return value;
                    }
                }
            }
            Kind::LogNormal(lognormal) => lognormal.sample(rng),
            Kind::Gamma(gamma) => gamma.sample(rng),
            Kind::Weibull(weibull) => weibull.sample(rng),
            Kind::Empirical(samples) => samples[rng.random_range(0..samples.len())],
        }
    }
}

/// The gamma function by the Lanczos approximation (g = 7), for the Weibull mean.
fn gamma_fn(x: f64) -> f64 {
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
        std::f64::consts::PI / ((std::f64::consts::PI * x).sin() * gamma_fn(1.0 - x))
    } else {
        let x = x - 1.0;
        let t = x + 7.5;
        let series = COEFFICIENTS[1..]
            .iter()
            .enumerate()
            .fold(COEFFICIENTS[0], |acc, (i, c)| {
                acc + c / (x + i as f64 + 1.0)
            });
        (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * series
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    use super::*;

    #[track_caller]
    fn check(dist: Distribution, expected_mean: f64, tolerance: f64) {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let n = 200_000;
        let draws: Vec<f64> = (0..n).map(|_| dist.sample(&mut rng)).collect();
        assert!(draws.iter().all(|&d| d >= 0.0), "negative draw");
        let mean = draws.iter().sum::<f64>() / n as f64;
        assert!(
            (mean - expected_mean).abs() <= tolerance * expected_mean,
            "sample mean {mean} vs {expected_mean}"
        );
        assert!(
            (dist.mean() - expected_mean).abs() <= 1e-9 * expected_mean.max(1.0),
            "declared mean {}",
            dist.mean()
        );
    }

    // Tolerances are about 5 standard errors of the sample mean for these coefficients of
    // variation at n = 200 000.
    #[test]
    fn sample_means_match_declared_means() {
        check(Distribution::constant(42.0).unwrap(), 42.0, 0.0);
        check(Distribution::exponential(300.0).unwrap(), 300.0, 0.012);
        check(Distribution::uniform(60.0, 180.0).unwrap(), 120.0, 0.005);
        check(Distribution::lognormal(360.0, 240.0).unwrap(), 360.0, 0.01);
        check(Distribution::gamma(2.0, 150.0).unwrap(), 300.0, 0.01);
        check(Distribution::erlang(3, 300.0).unwrap(), 300.0, 0.01);
        check(
            Distribution::weibull(1.5, 200.0).unwrap(),
            200.0 * 0.902_745_292_950_934,
            0.01,
        );
        check(
            Distribution::empirical(vec![10.0, 20.0, 60.0]).unwrap(),
            30.0,
            0.01,
        );
    }

    #[test]
    fn a_normal_truncated_at_zero_never_goes_negative_and_shifts_its_mean_up() {
        let dist = Distribution::normal(60.0, 60.0).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let draws: Vec<f64> = (0..100_000).map(|_| dist.sample(&mut rng)).collect();
        assert!(draws.iter().all(|&d| d >= 0.0));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        // E[X | X > 0] for N(60, 60^2) is 60 + 60 * phi(1) / Phi(1) = 60 + 60 * 0.2876.
        assert!((mean - 77.26).abs() < 1.0, "{mean}");
    }

    #[test]
    fn invalid_parameters_are_rejected_with_the_parameter_named() {
        let message = |r: Result<Distribution, ScenarioError>| r.unwrap_err().to_string();
        assert!(message(Distribution::exponential(-1.0)).contains("mean must be a positive number"));
        assert!(
            message(Distribution::uniform(5.0, 1.0)).contains("max (1) must not be below min (5)")
        );
        assert!(message(Distribution::lognormal(10.0, f64::NAN)).contains("sd"));
        assert!(message(Distribution::erlang(0, 10.0)).contains("k must be at least 1"));
        assert!(message(Distribution::empirical(vec![])).contains("at least one sample"));
        assert!(message(Distribution::empirical(vec![1.0, -2.0])).contains("sample 2"));
    }
}
