//! The service-level target each scope of a report is scored against: the threshold of
//! "answered within T" and the goal for the share answered within it. Every report, chart and
//! met / missed mark asks [`Targets::target_for`], the one place to extend when targets come
//! per channel.

use crate::metrics::{RunResults, Scope};
use crate::model::Scenario;

/// The target of one scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The measure that is scored: `service_level_20s_of_offered`.
    pub measure: String,
    /// The threshold as written in measure names: `20s`.
    pub threshold: String,
    /// The goal, a fraction: 0.8 means 80 % answered within the threshold.
    pub goal: f64,
}

impl Target {
    /// Whether a service level meets the goal (undefined values meet nothing).
    pub fn met_by(&self, service_level: f64) -> Option<bool> {
        service_level
            .is_finite()
            .then_some(service_level >= self.goal - 1e-12)
    }
}

/// The targets of a run: today one goal for every scope, scored at the run's first threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Targets {
    /// The goal of every scope (`[simulation] service_level_target`).
    pub goal: f64,
}

impl Default for Targets {
    fn default() -> Self {
        // The customary "80 % within the threshold" of contact-centre planning.
        Targets { goal: 0.8 }
    }
}

impl Targets {
    pub fn of_scenario(scenario: &Scenario) -> Targets {
        Targets {
            goal: scenario.simulation.service_level_target,
        }
    }

    /// The target of `scope` / `name` in `results`: `None` when the results have no service
    /// level at all.
    pub fn target_for(&self, results: &RunResults, _scope: Scope, _name: &str) -> Option<Target> {
        let measure = results
            .summary
            .iter()
            .find(|r| {
                r.measure.starts_with("service_level_") && r.measure.ends_with("_of_offered")
            })?
            .measure
            .clone();
        let threshold = measure
            .trim_start_matches("service_level_")
            .trim_end_matches("_of_offered")
            .to_string();
        Some(Target {
            measure,
            threshold,
            goal: self.goal,
        })
    }
}
