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
    /// When it started waiting for a human: `arrived`, or when a bot escalated it. Waits are
    /// measured from here.
    pub queued_from: SimTime,
}

/// How an answered conversation reached its agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// An agent was free when it arrived and accepted at once: it never waited.
    AtOnce,
    /// Offered the moment it arrived, it waited for the notification to be accepted (and was
    /// reported `queued` when it began to ring), but never in the queue.
    AfterRinging,
    /// It waited in the queue (and was reported `queued`) first.
    FromQueue,
}

/// The state of a conversation still in the system when the run stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenState {
    /// Waiting for an agent to accept its first segment (in the queue or while an offer rings).
    Queued,
    /// A resumed segment waiting for an agent (in the queue or while an offer rings).
    ResumeQueued,
    /// With an agent (offered, Active or in wrap-up).
    InService,
    /// Waiting for the customer to write again, holding no capacity.
    Waiting,
    /// Still with the workstream's bot.
    WithBot,
}

/// What a queue's overflow rule did with an arriving item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverflowOutcome {
    /// Ended at the door: the conversation's outcome.
    Ended,
    /// Sent to another queue (reported with the original queue).
    Transferred,
    /// Queued anyway.
    AssignedAnyway,
}

/// Where a customer was when it gave up waiting for an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abandonment {
    /// Waiting in the queue (reported `queued`).
    Queue,
    /// While an offer rang, having waited in the queue (reported `queued`) first.
    RingingAfterQueue,
    /// While an offer rang that was made the moment it arrived or resumed: it never entered
    /// the queue (but was reported `queued` when the offer began to ring).
    Ringing,
}

/// How an offer was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferVia {
    /// The queue's distribution chose the agent among the eligible ones.
    Queue,
    /// Agent affinity: straight to the last agent, whatever its capacity and presence.
    Affinity,
    /// A preferred agent in an allowed presence, whatever its capacity and skills.
    Preferred,
}

/// How an offer ended without being accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decline {
    Rejected,
    TimedOut,
}

/// Why an agent was given work beyond its capacity. These are the only ways it can happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverCapacityCause {
    /// A resumed conversation went back to its last agent regardless of capacity.
    Affinity,
    /// An agent picked from a pick workstream.
    Pick,
    /// An agent picked from a push workstream with self-selection enabled.
    SelfSelection,
    /// Capacity is taken on accept (`reserve_capacity_on_offer = false`) and the agent had
    /// filled up while the notification rang.
    UnreservedOffer,
    /// The conversation went to one of its preferred agents regardless of capacity.
    PreferredAgent,
}

/// Whether a resumed conversation came back to the agent of its previous segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Return {
    /// Affinity is on and the previous agent took it.
    AffinityKept,
    /// Affinity is on but another agent took it (the previous one declined).
    AffinityBroken,
    /// Affinity is off and routing happened to choose the previous agent.
    SameAgent,
    /// Affinity is off and another agent took it.
    OtherAgent,
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

/// Events between two calls of [`Observer::progress`].
pub const PROGRESS_EVERY: u64 = 1 << 16;

pub trait Observer {
    fn arrived(&mut self, _now: SimTime, _conversation: &ConversationInfo) {}
    /// The conversation began to wait for an agent to accept it: it entered its queue, or the
    /// offer made to it the moment it arrived (or resumed) rings instead of being accepted at
    /// once. Reported once per segment; the wait ends with its answer (not `AtOnce`), its
    /// abandonment or the end of the run.
    fn queued(&mut self, _now: SimTime, _conversation: &ConversationInfo) {}
    fn answered(
        &mut self,
        _now: SimTime,
        _conversation: &ConversationInfo,
        _agent: AgentId,
        _how: Answer,
    ) {
    }
    /// The customer ran out of patience while waiting for an agent to accept its first
    /// segment: in the queue or while an offer rang (the offer is withdrawn). It is the
    /// conversation's outcome.
    fn abandoned(&mut self, _now: SimTime, _conversation: &ConversationInfo, _from: Abandonment) {}
    /// A resumed customer ran out of its resume patience (a channel setting) while waiting for
    /// an agent; the conversation ends, and this is its outcome.
    fn resume_abandoned(
        &mut self,
        _now: SimTime,
        _conversation: &ConversationInfo,
        _from: Abandonment,
    ) {
    }
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
    /// Called every [`PROGRESS_EVERY`] events with the simulated time reached, for progress
    /// displays; nothing measured may depend on it.
    fn progress(&mut self, _now: SimTime) {}
    /// The conversation was offered to the agent (a notification started ringing).
    fn offered(
        &mut self,
        _now: SimTime,
        _conversation: &ConversationInfo,
        _agent: AgentId,
        _via: OfferVia,
    ) {
    }
    /// The agent rejected the offer or let it time out; the conversation went back to its queue.
    fn declined(
        &mut self,
        _now: SimTime,
        _conversation: &ConversationInfo,
        _agent: AgentId,
        _group: GroupId,
        _how: Decline,
    ) {
    }
    /// An Active segment ended in Waiting; the agent's capacity was released.
    fn went_waiting(&mut self, _now: SimTime, _conversation: &ConversationInfo, _agent: AgentId) {}
    /// The customer of a Waiting conversation wrote again.
    fn resumed(&mut self, _now: SimTime, _conversation: &ConversationInfo) {}
    /// A resumed segment was accepted by `agent`, `resumed` being when the customer came back.
    /// (The first segment is reported by `answered`.)
    fn resume_answered(
        &mut self,
        _now: SimTime,
        _conversation: &ConversationInfo,
        _agent: AgentId,
        _how: Answer,
        _resumed: SimTime,
        _return: Return,
    ) {
    }
    /// The queue overflowed when the conversation was about to enter it.
    fn overflowed(
        &mut self,
        _now: SimTime,
        _conversation: &ConversationInfo,
        _outcome: OverflowOutcome,
    ) {
    }
    /// The workstream's bot resolved the conversation: it closes without reaching an agent.
    fn contained(&mut self, _now: SimTime, _conversation: &ConversationInfo) {}
    /// A Waiting conversation was closed after the workstream's inactivity time.
    fn auto_closed(&mut self, _now: SimTime, _conversation: &ConversationInfo) {}
    /// The agent's capacity in use went `excess_units` beyond its capacity, for `cause`.
    fn over_capacity(
        &mut self,
        _now: SimTime,
        _agent: AgentId,
        _group: GroupId,
        _cause: OverCapacityCause,
        _excess_units: i64,
    ) {
    }
}

/// An observer that measures nothing, for benchmarks of the bare model.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoObserver;

impl Observer for NoObserver {}
