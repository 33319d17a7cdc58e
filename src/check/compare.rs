//! The paired comparison of a candidate with a baseline, guard by guard, and its verdicts.
//!
//! For each guarded measure, replication r of the candidate is paired with replication r of
//! the baseline (same seed: common random numbers, so the customers are the same and only the
//! policy differs). The differences d_r = candidate_r − baseline_r get a two-sided t interval
//! at the per-guard confidence 1 − (1 − confidence)/k (Bonferroni over the k guards compared),
//! and the interval, not the point estimate, is set against the tolerance. This module never
//! turns a difference into a verdict without that interval.

use std::fmt;

use super::samples::Samples;
use super::spec::{Better, ResolvedGuard};
use super::stats::{mean_interval, MeanInterval};
use crate::metrics::MeasureKey;

/// What a guard says about the candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Worse than the tolerance allows, with confidence: the whole interval of the worsening
    /// lies above the tolerance.
    Regressed,
    /// The interval straddles the tolerance: neither a regression nor its absence is shown.
    /// More replications narrow it. Does not fail a check.
    Uncertain,
    /// Fewer than two replications where both sides define the measure (e.g. the speed of
    /// answer of a queue that answered nothing). Does not fail a check.
    Undefined,
    /// Better by more than the tolerance, with confidence (`higher`/`lower` guards only).
    Better,
    /// No worse than the tolerance, with confidence.
    Ok,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Regressed => "regressed",
            Verdict::Uncertain => "uncertain",
            Verdict::Undefined => "undefined",
            Verdict::Better => "better",
            Verdict::Ok => "ok",
        }
    }

    /// The verdict for a worsening interval `[low, high]` (positive = worse for `higher` and
    /// `lower` guards; the plain difference for `unchanged`) against a tolerance `>= 0`.
    pub fn of_interval(better: Better, low: f64, high: f64, tolerance: f64) -> Verdict {
        match better {
            Better::Higher | Better::Lower => {
                if low > tolerance {
                    Verdict::Regressed
                } else if high < -tolerance {
                    Verdict::Better
                } else if high <= tolerance {
                    Verdict::Ok
                } else {
                    Verdict::Uncertain
                }
            }
            Better::Unchanged => {
                if low > tolerance || high < -tolerance {
                    Verdict::Regressed
                } else if low >= -tolerance && high <= tolerance {
                    Verdict::Ok
                } else {
                    Verdict::Uncertain
                }
            }
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The comparison of one guarded measure.
#[derive(Debug, Clone, PartialEq)]
pub struct GuardOutcome {
    pub key: MeasureKey,
    pub better: Better,
    /// The tolerance in the measure's unit (a relative tolerance is resolved against the
    /// baseline mean).
    pub tolerance: f64,
    /// Means over the replications where both sides define the measure.
    pub baseline_mean: f64,
    pub candidate_mean: f64,
    /// Candidate − baseline, in the measure's unit, with its interval at the per-guard
    /// confidence; `None` with fewer than two pairs.
    pub difference: Option<MeanInterval>,
    pub pairs: usize,
    pub verdict: Verdict,
}

/// All guards' outcomes and the confidence they were judged at.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub outcomes: Vec<GuardOutcome>,
    /// Family-wise: the chance that no guard at all raises a false alarm is at least this.
    pub confidence: f64,
    /// Two-sided confidence of each guard's interval after the Bonferroni correction.
    pub guard_confidence: f64,
}

impl Comparison {
    pub fn count(&self, verdict: Verdict) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.verdict == verdict)
            .count()
    }

    pub fn regressed(&self) -> bool {
        self.count(Verdict::Regressed) > 0
    }
}

/// Compares `candidate` with `baseline` on `guards`, whose keys both must have.
pub fn compare(
    baseline: &Samples,
    candidate: &Samples,
    guards: &[ResolvedGuard],
    confidence: f64,
) -> Comparison {
    let k = guards.len().max(1) as f64;
    let guard_confidence = 1.0 - (1.0 - confidence) / k;
    let outcomes = guards
        .iter()
        .map(|guard| {
            let empty: &[f64] = &[];
            let base = baseline.series(&guard.key).unwrap_or(empty);
            let cand = candidate.series(&guard.key).unwrap_or(empty);
            outcome(guard, base, cand, guard_confidence)
        })
        .collect();
    Comparison {
        outcomes,
        confidence,
        guard_confidence,
    }
}

fn outcome(
    guard: &ResolvedGuard,
    baseline: &[f64],
    candidate: &[f64],
    guard_confidence: f64,
) -> GuardOutcome {
    let pairs: Vec<(f64, f64)> = baseline
        .iter()
        .zip(candidate)
        .map(|(b, c)| (*b, *c))
        .filter(|(b, c)| b.is_finite() && c.is_finite())
        .collect();
    let mean = |values: &mut dyn Iterator<Item = f64>| {
        let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
        if n == 0 {
            f64::NAN
        } else {
            sum / n as f64
        }
    };
    let baseline_mean = mean(&mut pairs.iter().map(|p| p.0));
    let candidate_mean = mean(&mut pairs.iter().map(|p| p.1));
    let tolerance = guard.tolerance.for_baseline(baseline_mean);
    let differences: Vec<f64> = pairs.iter().map(|(b, c)| c - b).collect();
    let difference = mean_interval(&differences, guard_confidence);
    let verdict = match difference {
        None => Verdict::Undefined,
        Some(d) => match guard.better {
            // Turned round so that positive means worse.
            Better::Higher => Verdict::of_interval(guard.better, -d.high, -d.low, tolerance),
            Better::Lower | Better::Unchanged => {
                Verdict::of_interval(guard.better, d.low, d.high, tolerance)
            }
        },
    };
    GuardOutcome {
        key: guard.key.clone(),
        better: guard.better,
        tolerance,
        baseline_mean,
        candidate_mean,
        difference,
        pairs: pairs.len(),
        verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::spec::Tolerance;
    use crate::metrics::Scope;

    #[test]
    fn verdicts_follow_where_the_interval_lies_against_the_tolerance() {
        use Better::{Higher, Lower, Unchanged};
        use Verdict as V;
        // (better, low, high, tolerance, expected); low/high are "how much worse".
        for (better, low, high, tolerance, expected) in [
            (Lower, 0.6, 0.9, 0.5, V::Regressed),
            (Lower, 0.5, 0.9, 0.5, V::Uncertain),
            (Lower, 0.1, 0.9, 0.5, V::Uncertain),
            (Lower, -0.3, 0.5, 0.5, V::Ok),
            (Lower, -0.9, -0.6, 0.5, V::Better),
            (Lower, -0.9, -0.5, 0.5, V::Ok),
            (Lower, 0.0, 0.0, 0.0, V::Ok),
            (Lower, 1e-9, 1e-9, 0.0, V::Regressed),
            (Higher, -2.0, -1.0, 0.0, V::Better),
            (Unchanged, -0.4, 0.4, 0.5, V::Ok),
            (Unchanged, -0.9, -0.6, 0.5, V::Regressed),
            (Unchanged, 0.6, 0.9, 0.5, V::Regressed),
            (Unchanged, -0.6, 0.0, 0.5, V::Uncertain),
        ] {
            assert_eq!(
                Verdict::of_interval(better, low, high, tolerance),
                expected,
                "{better} [{low}, {high}] tolerance {tolerance}"
            );
        }
    }

    fn samples(values: &[f64]) -> Samples {
        let mut samples = Samples::new(values.len());
        for (r, v) in values.iter().enumerate() {
            samples.set(key(), r, *v);
        }
        samples
    }

    fn key() -> MeasureKey {
        MeasureKey {
            scope: Scope::Overall,
            name: "all".into(),
            measure: "service_level_20s_of_offered".into(),
        }
    }

    fn guard(better: Better, absolute: f64) -> ResolvedGuard {
        ResolvedGuard {
            key: key(),
            better,
            tolerance: Tolerance {
                absolute,
                relative: 0.0,
            },
        }
    }

    #[test]
    fn a_drop_in_a_higher_is_better_measure_is_a_regression_and_a_rise_is_better() {
        let baseline = samples(&[0.80, 0.82, 0.78, 0.81, 0.79]);
        let worse = samples(&[0.70, 0.73, 0.69, 0.70, 0.70]);
        let result = compare(&baseline, &worse, &[guard(Better::Higher, 0.02)], 0.95);
        assert_eq!(result.outcomes[0].verdict, Verdict::Regressed);
        assert!((result.outcomes[0].difference.unwrap().mean - (-0.096)).abs() < 1e-12);
        let improved = compare(&worse, &baseline, &[guard(Better::Higher, 0.02)], 0.95);
        assert_eq!(improved.outcomes[0].verdict, Verdict::Better);
    }

    #[test]
    fn bonferroni_splits_the_false_alarm_budget_over_the_guards() {
        let baseline = samples(&[0.8, 0.8, 0.8]);
        let guards = vec![guard(Better::Higher, 0.0); 4];
        let result = compare(&baseline, &baseline, &guards, 0.9);
        assert!((result.guard_confidence - 0.975).abs() < 1e-12);
        assert!(result.outcomes.iter().all(|o| o.verdict == Verdict::Ok));
    }

    #[test]
    fn undefined_values_are_left_out_of_the_pairs_without_a_panic() {
        let baseline = samples(&[f64::NAN, 10.0, 12.0, 11.0]);
        let candidate = samples(&[9.0, f64::NAN, 12.5, 11.5]);
        let result = compare(&baseline, &candidate, &[guard(Better::Lower, 1.0)], 0.95);
        let outcome = &result.outcomes[0];
        assert_eq!((outcome.pairs, outcome.verdict), (2, Verdict::Ok));
        assert_eq!(
            (outcome.baseline_mean, outcome.candidate_mean),
            (11.5, 12.0)
        );
        let none = compare(
            &samples(&[f64::NAN; 3]),
            &samples(&[1.0; 3]),
            &[guard(Better::Lower, 1.0)],
            0.95,
        );
        assert_eq!(
            (none.outcomes[0].verdict, none.outcomes[0].difference),
            (Verdict::Undefined, None)
        );
        assert!(none.outcomes[0].baseline_mean.is_nan());
    }
}
