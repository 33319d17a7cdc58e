//! The service-level target each scope of a report is scored against: the threshold of
//! "answered within T" and the goal for the share answered within it. Every report, chart and
//! met / missed mark asks [`Targets::target_for`]. Built from a scenario
//! ([`Targets::of_scenario`]) it holds each entity's own goal
//! ([`crate::model::Scenario::service_level_target`]: email at its hours, chat at its seconds);
//! built without one ([`Targets::uniform`]) every scope is scored at the run's first threshold.

use std::collections::BTreeMap;

use crate::metrics::{self, threshold_label, RunResults, Scope};
use crate::model::{Scenario, ServiceLevelGoal};

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

    /// The target of a goal of the model.
    pub fn of_goal(goal: &ServiceLevelGoal) -> Target {
        Target {
            measure: metrics::service_level_measure(goal),
            threshold: threshold_label(goal.threshold.as_secs_f64()),
            goal: goal.target,
        }
    }

    /// "80% within 20s".
    pub fn describe(&self) -> String {
        format!("{:.0}% within {}", self.goal * 100.0, self.threshold)
    }
}

/// The targets of a run: each entity's own goal where a scenario gave them, and one goal at
/// the run's first threshold for any other scope.
#[derive(Debug, Clone, PartialEq)]
pub struct Targets {
    /// The goal of scopes without a goal of their own (`[simulation] service_level_target`).
    pub goal: f64,
    /// (scope, name) → the entity's target, for every entity of the scenario with a goal.
    entities: BTreeMap<(Scope, String), Target>,
}

impl Default for Targets {
    fn default() -> Self {
        // The customary "80 % within the threshold" of contact-centre planning.
        Targets::uniform(0.8)
    }
}

impl Targets {
    /// One goal for every scope, scored at the run's first threshold.
    pub fn uniform(goal: f64) -> Targets {
        Targets {
            goal,
            entities: BTreeMap::new(),
        }
    }

    /// The goal of every entity of `scenario` (overall, channels, workstreams, queues).
    pub fn of_scenario(scenario: &Scenario) -> Targets {
        let mut entities = BTreeMap::new();
        let names = [
            (Scope::Overall, vec!["all".to_string()]),
            (
                Scope::Channel,
                scenario.channels.iter().map(|c| c.name.clone()).collect(),
            ),
            (
                Scope::Workstream,
                scenario
                    .workstreams
                    .iter()
                    .map(|w| w.name.clone())
                    .collect(),
            ),
            (
                Scope::Queue,
                scenario.queues.iter().map(|q| q.name.clone()).collect(),
            ),
        ];
        for (scope, list) in names {
            for name in list {
                if let Some(goal) = metrics::service_level_target(scenario, scope, &name) {
                    entities
                        .entry((scope, name))
                        .or_insert_with(|| Target::of_goal(&goal));
                }
            }
        }
        Targets {
            goal: scenario.simulation.service_level_target,
            entities,
        }
    }

    /// The target of `scope` / `name` in `results`: the entity's own goal when it has one and
    /// the results measure it, else the run's first threshold at [`Targets::goal`]; `None`
    /// when the results have no service level at all.
    pub fn target_for(&self, results: &RunResults, scope: Scope, name: &str) -> Option<Target> {
        let own = self
            .entities
            .get(&(scope, name.to_string()))
            .filter(|t| results.summary.iter().any(|r| r.measure == t.measure));
        if let Some(target) = own {
            return Some(target.clone());
        }
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
            measure: measure.to_string(),
            threshold,
            goal: self.goal,
        })
    }
}
