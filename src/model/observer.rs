//! The interface through which a simulation reports what happens, so that measuring (the
//! `metrics` module, or a user's own observer) stays out of the model. Every method has a
//! no-op default; the simulation is generic over the observer, so unused hooks cost nothing.

use crate::engine::SimTime;

use super::{AgentId, ChannelId, GroupId, Presence, QueueId, WorkstreamId};

/// What an observer may know about a conversation when something happens to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConversationInfo {
    pub channel: ChannelId,
    pub workstream: WorkstreamId,
    pub queue: QueueId,
    pub arrived: SimTime,
}

/// How an answered conversation reached its agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// An agent was free when it arrived: it never waited in the queue.
    AtOnce,
    /// It waited in the queue (and was reported `queued`) first.
    FromQueue,
}

/// The state of a conversation still in the system when the run stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenState {
    /// Waiting in a queue.
    Queued,
    /// With an agent.
    InService,
}

/// The part of an agent's state that measures are made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentStatus {
    pub presence: Presence,
    /// Units of capacity the agent has while logged in (zero while Offline).
    pub staffed_units: i64,
    /// Units in use (may exceed the capacity only through pick and affinity).
    pub used_units: i64,
    /// Conversations Active with the agent.
    pub active: u32,
}

pub trait Observer {
    fn arrived(&mut self, _now: SimTime, _conversation: &ConversationInfo) {}
    /// The conversation entered its queue to wait (it was not answered at once).
    fn queued(&mut self, _now: SimTime, _conversation: &ConversationInfo) {}
    fn answered(
        &mut self,
        _now: SimTime,
        _conversation: &ConversationInfo,
        _agent: AgentId,
        _how: Answer,
    ) {
    }
    /// The customer ran out of patience while queued.
    fn abandoned(&mut self, _now: SimTime, _conversation: &ConversationInfo) {}
    /// The agent finished the conversation and it closed.
    fn completed(&mut self, _now: SimTime, _conversation: &ConversationInfo, _agent: AgentId) {}
    /// An agent's status changed. Every agent starts the run Offline with nothing in use, and
    /// every change from there is reported, so an observer can follow each agent exactly.
    fn agent_changed(
        &mut self,
        _now: SimTime,
        _agent: AgentId,
        _group: GroupId,
        _before: AgentStatus,
        _after: AgentStatus,
    ) {
    }
    /// The warm-up period is over: measuring starts now.
    fn warm_up_ended(&mut self, _now: SimTime) {}
    /// Called once per conversation still in the system at the horizon, before `finished`.
    fn still_open(&mut self, _now: SimTime, _conversation: &ConversationInfo, _state: OpenState) {}
    fn finished(&mut self, _now: SimTime) {}
}

/// An observer that measures nothing, for benchmarks of the bare model.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl Observer for NoObserver {}
