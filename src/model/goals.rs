//! Service-level goals (SPEC §8): a threshold and a target per channel, the scenario-wide one as
//! default, and the goal that applies to any entity of the report (channel, workstream, queue,
//! agent group, overall). Reports, charts, check guards and staffing ask
//! [`Scenario::service_level_target`] rather than reading the settings themselves, so they all
//! agree on which goal an entity is held to. Goals change no simulated result.

use crate::engine::SimDuration;

use super::{ChannelId, GroupId, OverflowAction, QueueId, Scenario, WorkstreamId};

/// "`target` of conversations answered within `threshold`" (e.g. 80 % within 20 s for chat,
/// 90 % within 4 h for email).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceLevelGoal {
    pub threshold: SimDuration,
    /// A fraction above 0 and at most 1.
    pub target: f64,
}

/// An entity of the scenario, as reports name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Overall,
    Channel(ChannelId),
    Workstream(WorkstreamId),
    Queue(QueueId),
    AgentGroup(GroupId),
}

impl Scenario {
    /// The scenario-wide goal: the first service-level threshold and `service_level_target`.
    pub fn default_service_level(&self) -> ServiceLevelGoal {
        let sim = &self.simulation;
        ServiceLevelGoal {
            threshold: sim
                .service_level_thresholds
                .first()
                .copied()
                .unwrap_or(SimDuration::from_secs(20)),
            target: sim.service_level_target,
        }
    }

    /// The goal an entity is held to. A channel has its own goal or the scenario's; a
    /// workstream, queue or agent group has the goal of the channels whose conversations can
    /// reach it when they all share one (an email queue is held to the email goal), and the
    /// scenario's when they differ or none can reach it; overall is the scenario's.
    pub fn service_level_target(&self, entity: Entity) -> ServiceLevelGoal {
        let default = self.default_service_level();
        let channels: Vec<ChannelId> = match entity {
            Entity::Overall => return default,
            Entity::Channel(channel) => {
                return self.channel(channel).service_level.unwrap_or(default)
            }
            Entity::Workstream(workstream) => self.channels_of(|w| w == workstream),
            Entity::Queue(queue) => self.channels_of(|w| self.reaches(w, queue)),
            Entity::AgentGroup(group) => {
                let queues = &self.agent_group(group).queues;
                self.channels_of(|w| queues.iter().any(|&q| self.reaches(w, q)))
            }
        };
        let mut goals = channels
            .iter()
            .map(|&c| self.channel(c).service_level.unwrap_or(default));
        match goals.next() {
            Some(first) if goals.all(|g| g == first) => first,
            _ => default,
        }
    }

    /// Every threshold the reports measure service levels at: the scenario's thresholds
    /// (ascending, as given), then the channels' own thresholds that are not among them
    /// (ascending). Keeping the scenario's first threshold first keeps "the first threshold"
    /// of reports and charts the scenario-wide one.
    pub fn measured_thresholds(&self) -> Vec<SimDuration> {
        let mut thresholds = self.simulation.service_level_thresholds.clone();
        let mut extra: Vec<SimDuration> = self
            .channels
            .iter()
            .filter_map(|c| c.service_level.map(|g| g.threshold))
            .filter(|t| !thresholds.contains(t))
            .collect();
        extra.sort();
        extra.dedup();
        thresholds.extend(extra);
        thresholds
    }

    /// The channels served by the workstreams `include` accepts.
    fn channels_of(&self, include: impl Fn(WorkstreamId) -> bool) -> Vec<ChannelId> {
        (0..self.channels.len())
            .map(ChannelId::from_index)
            .filter(|&c| include(self.channel(c).workstream))
            .collect()
    }

    /// Whether a workstream's conversations can end up in `queue`.
    fn reaches(&self, workstream: WorkstreamId, queue: QueueId) -> bool {
        self.queues_reached_by(workstream).contains(&queue)
    }

    /// The queues a workstream's conversations can end up in: by a route-to-queue rule or
    /// split, the fallback queue, or an overflow transfer from one of those; each once, in
    /// that order.
    pub fn queues_reached_by(&self, workstream: WorkstreamId) -> Vec<QueueId> {
        let ws = self.workstream(workstream);
        let mut direct: Vec<QueueId> = Vec::new();
        for rule in &ws.routing {
            direct.push(rule.queue);
            direct.extend(rule.split.iter().map(|&(q, _)| q));
        }
        direct.push(ws.fallback_queue);
        let mut reached: Vec<QueueId> = Vec::new();
        for q in direct {
            let transfer = match self.queue(q).overflow.as_ref().map(|o| &o.action) {
                Some(OverflowAction::Transfer(to)) => Some(*to),
                _ => None,
            };
            for queue in std::iter::once(q).chain(transfer) {
                if !reached.contains(&queue) {
                    reached.push(queue);
                }
            }
        }
        reached
    }
}
