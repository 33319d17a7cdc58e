//! The key measures of both sides of a check or comparison, next to each other: per overall,
//! channel, queue and agent group, each side's mean with its 95 % interval over the
//! replications and the paired difference (same seeds) with its own. Descriptive, beside the
//! guards' verdicts: these intervals are per measure (no Bonferroni), they decide nothing.

use std::collections::HashSet;

use crate::metrics::{self, MeasureKey, Scope, Text};
use crate::model::Scenario;
use crate::report::labels::{better_of, Better};
use crate::sweep::{paired_difference, Estimate};

use super::samples::Samples;

/// One measure of one entity on both sides.
#[derive(Debug, Clone, PartialEq)]
pub struct SideBySide {
    pub key: MeasureKey,
    pub baseline: Estimate,
    pub candidate: Estimate,
    /// candidate − baseline, replication by replication.
    pub difference: Estimate,
}

impl SideBySide {
    /// `better` or `worse` when the difference's interval excludes zero in a direction that
    /// matters; `None` otherwise.
    pub fn judgement(&self) -> Option<&'static str> {
        let d = &self.difference;
        let sign = if d.ci95_low > 0.0 {
            1.0
        } else if d.ci95_high < 0.0 {
            -1.0
        } else {
            return None;
        };
        match (better_of(&self.key.measure), sign > 0.0) {
            (Better::Neither, _) => None,
            (Better::Higher, true) | (Better::Lower, false) => Some("better"),
            _ => Some("worse"),
        }
    }
}

/// The measures shown, per kind of scope. The service level is the one at the entity's goal.
fn measures_of(scope: Scope, service_level: &str) -> Vec<String> {
    let names: &[&str] = match scope {
        Scope::AgentGroup => &["utilization", "occupancy", "handled"],
        _ => &["offered", service_level, "asa_s", "abandon_rate", "aht_s"],
    };
    names.iter().map(|n| n.to_string()).collect()
}

/// The key measures present on both sides, scope by scope (overall, channels, queues, agent
/// groups), entities in the baseline's order. Each entity's service level is the one at its
/// goal in `scenario` (the side whose guards judge); an entity `scenario` does not have is
/// shown at the first threshold the samples hold.
pub fn side_by_side(
    baseline: &Samples,
    candidate: &Samples,
    scenario: &Scenario,
) -> Vec<SideBySide> {
    let first_service_level = baseline
        .keys()
        .iter()
        .find(|k| k.measure.starts_with("service_level_") && k.measure.ends_with("_of_offered"))
        .map(|k| k.measure.to_string())
        .unwrap_or_default();
    let mut rows = Vec::new();
    for scope in [
        Scope::Overall,
        Scope::Channel,
        Scope::Queue,
        Scope::AgentGroup,
    ] {
        let mut seen = HashSet::new();
        let names: Vec<&str> = (baseline.keys().iter())
            .filter(|k| k.scope == scope && seen.insert(k.name.as_str()))
            .map(|k| k.name.as_str())
            .collect();
        for name in names {
            let service_level = metrics::service_level_target(scenario, scope, name).map_or_else(
                || first_service_level.clone(),
                |goal| metrics::service_level_measure(&goal),
            );
            for measure in measures_of(scope, &service_level) {
                let key = MeasureKey {
                    scope,
                    name: Text::copy_of(name),
                    measure: measure.into(),
                };
                let (Some(a), Some(b)) = (baseline.series(&key), candidate.series(&key)) else {
                    continue;
                };
                rows.push(SideBySide {
                    baseline: Estimate::of_measure(&key.measure, a.iter().copied()),
                    candidate: Estimate::of_measure(&key.measure, b.iter().copied()),
                    difference: paired_difference(b, a),
                    key,
                });
            }
        }
    }
    rows
}
