//! Service levels against their goals, by the names reports use: which goal an entity
//! (`Scope`, name) is held to ([`crate::model::Scenario::service_level_target`]), the measure
//! that holds its service level at that goal's threshold, and whether a run met it. Reports,
//! charts, check guards and staffing go through here so that an email queue is scored on its
//! hours and a chat queue on its seconds.

use crate::model::{ChannelId, Entity, GroupId, QueueId, Scenario, ServiceLevelGoal, WorkstreamId};

use super::results::{threshold_label, RunResults, Scope};

/// The entity of the scenario that a report row names, if there is one.
pub fn entity(scenario: &Scenario, scope: Scope, name: &str) -> Option<Entity> {
    fn position<'a>(mut names: impl Iterator<Item = &'a String>, name: &str) -> Option<usize> {
        names.position(|n| n == name)
    }
    Some(match scope {
        Scope::Overall => Entity::Overall,
        Scope::Channel => Entity::Channel(ChannelId::from_index(position(
            scenario.channels.iter().map(|c| &c.name),
            name,
        )?)),
        Scope::Workstream => Entity::Workstream(WorkstreamId::from_index(position(
            scenario.workstreams.iter().map(|w| &w.name),
            name,
        )?)),
        Scope::Queue => Entity::Queue(QueueId::from_index(position(
            scenario.queues.iter().map(|q| &q.name),
            name,
        )?)),
        Scope::AgentGroup => Entity::AgentGroup(GroupId::from_index(position(
            scenario.agent_groups.iter().map(|g| &g.name),
            name,
        )?)),
    })
}

/// The goal of the entity a report row names; `None` for a name the scenario does not have.
pub fn service_level_target(
    scenario: &Scenario,
    scope: Scope,
    name: &str,
) -> Option<ServiceLevelGoal> {
    entity(scenario, scope, name).map(|e| scenario.service_level_target(e))
}

/// The measure holding the service level (of offered) at the goal's threshold:
/// `service_level_20s_of_offered`.
pub fn service_level_measure(goal: &ServiceLevelGoal) -> String {
    format!(
        "service_level_{}_of_offered",
        threshold_label(goal.threshold.as_secs_f64())
    )
}

/// An entity's service level over the run, against its goal.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceLevelAgainstGoal {
    pub goal: ServiceLevelGoal,
    /// The measure the value comes from.
    pub measure: String,
    /// NaN when undefined (nothing answered or abandoned).
    pub value: f64,
}

impl ServiceLevelAgainstGoal {
    /// Whether the goal was met; `None` when the service level is undefined.
    pub fn met(&self) -> Option<bool> {
        (!self.value.is_nan()).then_some(self.value >= self.goal.target)
    }
}

/// The service level of one entity of a run of `scenario`, against the entity's goal.
/// Agent groups have no service level of their own: `None`.
pub fn service_level(
    scenario: &Scenario,
    results: &RunResults,
    scope: Scope,
    name: &str,
) -> Option<ServiceLevelAgainstGoal> {
    let goal = service_level_target(scenario, scope, name)?;
    let measure = service_level_measure(&goal);
    let value = results.value(scope, name, &measure)?;
    Some(ServiceLevelAgainstGoal {
        goal,
        measure,
        value,
    })
}
