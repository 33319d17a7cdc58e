//! The contact-centre domain: channels, workstreams, queues, agents and presence, capacity,
//! conversations, routing rules, push distribution and the generators of arrivals, shifts and
//! durations.
//!
//! The model reads no files, prints nothing, uses no threads and derives no serde: it receives a
//! validated [`Scenario`] and a seed, runs on the [`crate::engine`] kernel, and reports what
//! happens to an [`Observer`].

mod agents;
mod arrivals;
mod distribution;
mod goals;
mod ids;
mod observer;
mod ordering;
mod scenario;
mod sim;

pub use distribution::Distribution;
pub use goals::{Entity, ServiceLevelGoal};
pub use ids::{
    AgentId, ChannelId, ConversationId, GroupId, ProfileId, QueueId, SkillId, WorkstreamId,
};
pub use observer::{
    Abandonment, AgentStatus, Answer, ConversationInfo, Decline, NoObserver, Observer, OfferVia,
    OpenState, OverCapacityCause, OverflowOutcome, Return, PROGRESS_EVERY,
};
pub use ordering::{AgentOrdering, Candidate};
pub use scenario::{
    Affinity, AgentGroup, AgentResponse, ArrivalProcess, AssignmentMethod, AwayEpisodes, Bot,
    Break, CapacityCompare, CapacityProfile, Channel, ChannelKind, ClassificationRule, Condition,
    ConditionTest, ContextVariable, DistributionMode, MissedNotification, NotificationSettings,
    NumberOp, OfferCapacity, Overflow, OverflowAction, PickHabit, PickWhen, PreferredAgent,
    PreferredAgents, PreferredFallback, Presence, PresenceSet, ProfileBlocking, ProfileReset,
    Queue, RejectButton, RejectedNotification, ReportDays, RouteRule, Scenario, ScenarioError,
    SelfSelection, Shift, SimulationSettings, SkillMatching, StaffingCurve, VariableGenerator,
    VariableValue, WaitingBehaviour, WhenAbsent, Workstream, WrapUpBlocking,
};
pub use sim::{simulate, RunStats, Stall, StallSubject};
