//! The validated scenario: plain data describing channels, workstreams, queues and agent
//! groups, with every cross-reference resolved to a typed id.
//!
//! `config` builds it from a file and is where every invariant is checked; the simulation
//! trusts it and does not return errors. Code that builds a `Scenario` by hand must keep the
//! invariants written on each type (ids in range, non-empty lists where stated).

use std::sync::Arc;

use crate::engine::{SimDuration, SimTime};

pub use super::agents::{
    AgentGroup, AgentResponse, AwayEpisodes, Break, PickHabit, PickWhen, Presence, PresenceSet,
    Shift, StaffingCurve, WhenAbsent,
};
use super::{
    AgentOrdering, ChannelId, Distribution, GroupId, ProfileId, QueueId, ServiceLevelGoal, SkillId,
    WorkstreamId,
};

/// A whole contact centre, ready to simulate.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub simulation: SimulationSettings,
    pub channels: Vec<Channel>,
    pub workstreams: Vec<Workstream>,
    pub queues: Vec<Queue>,
    pub agent_groups: Vec<AgentGroup>,
    /// Skill names, indexed by `SkillId`.
    pub skills: Vec<String>,
    pub capacity_profiles: Vec<CapacityProfile>,
}

/// A capacity profile (SPEC §3): a count of concurrent items per agent, separate from units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapacityProfile {
    pub name: String,
    /// Items an agent may hold in this profile at once, unless its group overrides it.
    pub work_item_limit: u32,
    pub blocking: ProfileBlocking,
    pub reset: ProfileReset,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileBlocking {
    /// A full profile only stops items that need this profile.
    OwnWork,
    /// A full profile stops all automatic assignment to the agent ("no other work while on a
    /// call").
    AllWork,
    /// A full blocking profile stops items that need it and makes the agent Busy-DND at once;
    /// other work stops only where Busy-DND is not an allowed presence (the "same profile"
    /// reading of the product's blocking).
    SameProfile,
}

/// When the items an agent took in a profile stop counting against its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileReset {
    /// As each item releases its capacity (product "Immediate").
    Immediate,
    /// Only at the end of the agent's shift (midnight for round-the-clock groups): the limit
    /// is a quota per shift, and items still open then do not count in the next one.
    EndOfDay,
}

#[derive(Debug, Clone)]
pub struct SimulationSettings {
    /// Simulated time runs from 0 (midnight of day 0) to the horizon.
    pub horizon: SimDuration,
    /// Conversations arriving before this are simulated but not measured.
    pub warm_up: SimDuration,
    pub seed: u64,
    /// Width of the reporting intervals of the day; divides 24 h.
    pub interval: SimDuration,
    /// Whether interval figures fold every day onto one day or keep the days apart.
    pub report_days: ReportDays,
    /// Service-level thresholds, ascending; the first is the default threshold of the
    /// service-level goal (see [`Scenario::service_level_target`]).
    pub service_level_thresholds: Vec<SimDuration>,
    /// `>=` (default) or `>` when comparing free capacity with an item's demand.
    pub capacity_compare: CapacityCompare,
    /// The presence of an agent whose capacity is all used.
    pub full_capacity_presence: Presence,
    /// The default service-level target (a fraction), for channels without their own; it
    /// changes no result.
    pub service_level_target: f64,
    /// How many times one agent may decline (reject or let time out) the same item before it
    /// is never offered that item again (product default 3, range 1 to 5).
    pub decline_limit: u32,
    /// Replications `routesim run` makes when `--replications` is not given (1: a single
    /// run). No result of a replication depends on it.
    pub replications: u32,
}

/// How interval figures treat the days of a multi-day run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReportDays {
    /// Every day onto one day: an interval's figures cover that time of day on every day.
    #[default]
    Folded,
    /// Each day its own intervals (at most [`ReportDays::MAX_DAYS_APART`] days).
    Apart,
}

impl ReportDays {
    /// The longest run whose days can be kept apart: interval figures then take memory in
    /// proportion to the days, so the limit keeps it bounded.
    pub const MAX_DAYS_APART: u64 = 62;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapacityCompare {
    AtLeast,
    MoreThan,
}

impl CapacityCompare {
    pub fn admits(self, free: i64, demand: i64) -> bool {
        match self {
            CapacityCompare::AtLeast => free >= demand,
            CapacityCompare::MoreThan => free > demand,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChannelKind {
    LiveChat,
    PersistentChat,
    Sms,
    WhatsApp,
    Facebook,
    WeChat,
    Line,
    Twitter,
    Teams,
    Custom,
    Voice,
    Case,
    Email,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 13] = [
        ChannelKind::LiveChat,
        ChannelKind::PersistentChat,
        ChannelKind::Sms,
        ChannelKind::WhatsApp,
        ChannelKind::Facebook,
        ChannelKind::WeChat,
        ChannelKind::Line,
        ChannelKind::Twitter,
        ChannelKind::Teams,
        ChannelKind::Custom,
        ChannelKind::Voice,
        ChannelKind::Case,
        ChannelKind::Email,
    ];

    /// The name used in scenario files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::LiveChat => "live_chat",
            ChannelKind::PersistentChat => "persistent_chat",
            ChannelKind::Sms => "sms",
            ChannelKind::WhatsApp => "whatsapp",
            ChannelKind::Facebook => "facebook",
            ChannelKind::WeChat => "wechat",
            ChannelKind::Line => "line",
            ChannelKind::Twitter => "twitter",
            ChannelKind::Teams => "teams",
            ChannelKind::Custom => "custom",
            ChannelKind::Voice => "voice",
            ChannelKind::Case => "case",
            ChannelKind::Email => "email",
        }
    }
}

impl ChannelKind {
    /// Whether the product turns agent affinity on by default for a workstream of this kind
    /// (persistent chat, SMS, social and Teams).
    pub fn affinity_by_default(self) -> bool {
        matches!(
            self,
            ChannelKind::PersistentChat
                | ChannelKind::Sms
                | ChannelKind::WhatsApp
                | ChannelKind::Facebook
                | ChannelKind::WeChat
                | ChannelKind::Line
                | ChannelKind::Twitter
                | ChannelKind::Teams
        )
    }
}

/// Where conversations come from and how their customers behave.
#[derive(Debug, Clone)]
pub struct Channel {
    pub name: String,
    pub kind: ChannelKind,
    /// The workstream that serves this channel (each channel is served by exactly one).
    pub workstream: WorkstreamId,
    pub arrivals: ArrivalProcess,
    pub variables: Vec<ContextVariable>,
    /// Time a customer waits in Open before abandoning; `None` waits forever.
    pub patience: Option<Distribution>,
    /// Time an agent spends on the conversation once it is Active, in seconds (per segment:
    /// a conversation resumed from Waiting draws a new one).
    pub handle_time: Distribution,
    /// Whether Active segments can end in Waiting (asynchronous channels); `None`: never.
    pub waiting: Option<WaitingBehaviour>,
    /// Time the agent spends in wrap-up after the last segment, in seconds; `None`: no wrap-up.
    pub wrap_up: Option<Distribution>,
    /// Concurrency slowdown of this channel's conversations, overriding the workstream's;
    /// empty: the workstream's applies.
    pub concurrency_slowdown: Vec<f64>,
    /// The channel's own service-level goal; `None` takes the scenario's (the first threshold
    /// and `service_level_target`). See [`Scenario::service_level_target`].
    pub service_level: Option<ServiceLevelGoal>,
}

/// How customers of an asynchronous channel go quiet and come back (SPEC §2).
#[derive(Debug, Clone)]
pub struct WaitingBehaviour {
    /// Probability that an Active segment ends in Waiting rather than closing.
    pub probability: f64,
    /// Time from entering Waiting until the customer writes again, in seconds.
    pub resume_delay: Distribution,
    /// How long a resumed customer waits for an agent (in the queue or while an offer rings)
    /// before giving up, in seconds; `None`: forever.
    pub resume_patience: Option<Distribution>,
}

#[derive(Debug, Clone)]
pub enum ArrivalProcess {
    /// A homogeneous Poisson process.
    Poisson { rate_per_hour: f64 },
    /// A Poisson process whose rate is constant within each interval and that repeats after
    /// its last interval. Invariant: `interval * rates_per_hour.len()` is a whole number of
    /// days (one day for a daily curve, seven for a week), and `interval` is not zero.
    Piecewise {
        interval: SimDuration,
        rates_per_hour: Arc<[f64]>,
    },
    /// Arrivals at exactly these times (ascending), e.g. replayed from production logs.
    Trace { times: Arc<[SimTime]> },
}

/// A value attached to each conversation at arrival, read by routing rules.
#[derive(Debug, Clone)]
pub struct ContextVariable {
    pub name: String,
    pub generator: VariableGenerator,
}

#[derive(Debug, Clone)]
pub enum VariableGenerator {
    /// One of `values`, drawn with probabilities proportional to `weights` (same length,
    /// positive total).
    Text {
        values: Vec<String>,
        weights: Vec<f64>,
    },
    Number(Distribution),
}

/// The value of a context variable on one conversation. Text values are stored as the index
/// of the value in the generator's list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum VariableValue {
    Text(u32),
    Number(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistributionMode {
    Push,
    Pick,
}

#[derive(Debug, Clone)]
pub struct Workstream {
    pub name: String,
    pub mode: DistributionMode,
    /// Units of capacity one conversation takes while Active.
    pub capacity_units: u32,
    pub allowed_presences: PresenceSet,
    /// Ordered; the first matching rule sets the conversation's required skills and priority.
    pub classification: Vec<ClassificationRule>,
    pub skill_matching: SkillMatching,
    /// Ordered; the first matching rule chooses the queue.
    pub routing: Vec<RouteRule>,
    pub fallback_queue: QueueId,
    pub notifications: NotificationSettings,
    /// Whether a conversation resumed from Waiting goes back to its last agent.
    pub affinity: Affinity,
    /// A Waiting conversation with no customer activity for this long is closed.
    pub auto_close_after: SimDuration,
    pub wrap_up_blocking: WrapUpBlocking,
    /// "Enable selecting from push-based workstreams": agents may also pick this push
    /// workstream's items themselves, by their picking habit.
    pub self_selection: SelfSelection,
    /// A bot that takes each new conversation first (push workstreams only).
    pub bot: Option<Bot>,
    /// Profiles each item takes a place in while Active, beside `capacity_units`.
    pub capacity_profiles: Vec<ProfileId>,
    /// Concurrency slowdown (SPEC §5): entry `n - 1` stretches the handle time of a
    /// conversation while its agent holds `n` conversations (the last entry holds beyond the
    /// list); each is above zero. Empty: no slowdown.
    pub concurrency_slowdown: Vec<f64>,
    /// Preferred agents chosen by a context variable (push workstreams only).
    pub preferred_agents: Option<PreferredAgents>,
}

/// Up to three ordered preferred agents per conversation, chosen by the value of a text
/// context variable (SPEC §3): the first in an allowed presence gets the conversation,
/// whatever its capacity, skills and the queue's assignment method.
#[derive(Debug, Clone)]
pub struct PreferredAgents {
    /// Index of the variable on each channel (by channel id); `None`: no preference there.
    pub variable_by_channel: Vec<Option<usize>>,
    /// For each channel (by channel id) and each value of its variable (by value index), the
    /// ordered preferred agents (at most 3; empty: no preference).
    pub by_channel_value: Vec<Vec<Vec<PreferredAgent>>>,
    pub fallback: PreferredFallback,
}

/// One preferred agent: a given agent of a group, or one agent of the group drawn per
/// conversation (each customer has their own among the group).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreferredAgent {
    pub group: GroupId,
    /// 0-based agent of the group (below its count); `None`: drawn per conversation.
    pub agent: Option<u32>,
}

/// What happens when no preferred agent is in an allowed presence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreferredFallback {
    /// The queue's assignment method picks the next best agent.
    NextBest,
    /// The conversation waits in its queue for a preferred agent.
    LeaveInQueue,
}

/// A bot as first assignee: unlimited capacity; after its handling time it either contains
/// the conversation (closes it) or escalates it to the workstream's queues.
#[derive(Debug, Clone)]
pub struct Bot {
    pub containment_probability: f64,
    /// Seconds the bot spends before containing or escalating.
    pub handling_time: Distribution,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelfSelection {
    Off,
    On,
}

/// The workstream's notification template and the org-level notification features (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotificationSettings {
    /// The countdown after which an unanswered offer counts as declined (default 120 s).
    pub timeout: SimDuration,
    pub reject: RejectButton,
    pub on_missed: MissedNotification,
    pub on_reject: RejectedNotification,
    pub offer_capacity: OfferCapacity,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        NotificationSettings {
            timeout: SimDuration::from_secs(120),
            reject: RejectButton::Shown,
            on_missed: MissedNotification::KeepPresence,
            on_reject: RejectedNotification::KeepPresence,
            offer_capacity: OfferCapacity::Reserved,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectButton {
    Shown,
    Hidden,
}

/// What happens to an agent who lets a notification time out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissedNotification {
    KeepPresence,
    /// The agent goes Inactive (routes as Away) until it resets its presence.
    SetInactive,
}

/// What happens to an agent who rejects a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectedNotification {
    KeepPresence,
    /// The agent goes Busy-DND until it resets its presence.
    SetBusyDnd,
}

/// Whether an offer that is still ringing holds the agent's capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferCapacity {
    Reserved,
    /// Taken only on accept. An agent then has at most one such offer from its queues ringing
    /// (it looks for its next item the moment it accepts); an affinity or preferred-agent
    /// offer may still come, and filling up meanwhile overfills it on accept.
    OnAccept,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Affinity {
    On,
    Off,
}

/// How long a conversation in wrap-up keeps holding the agent's capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrapUpBlocking {
    /// Until the conversation closes (product default).
    Always,
    /// For at most this long after wrap-up starts.
    For(SimDuration),
    /// Not at all: released when wrap-up starts.
    Never,
}

/// A classification rule: when all conditions hold, the conversation requires these skills
/// (at least these ratings) and gets this priority.
#[derive(Debug, Clone)]
pub struct ClassificationRule {
    pub conditions: Vec<Condition>,
    pub skills: Vec<(SkillId, u32)>,
    /// Higher is served first within a queue (after affinity items); unclassified items have 0.
    pub priority: i32,
    /// Profiles appended to the workstream's for the matched item (none of them already the
    /// workstream's).
    pub capacity_profiles: Vec<ProfileId>,
}

/// How required skills filter and order agents (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkillMatching {
    /// Only agents with every required skill at or above the required rating.
    Exact,
    /// No filter; agents ordered by fewest missing rating points, then fewest surplus points;
    /// equal scores keep going to the same agent (no round robin), as the product does.
    Closest,
    /// Skills are ignored.
    None,
}

#[derive(Debug, Clone)]
pub struct RouteRule {
    /// All must hold (an empty list always matches).
    pub conditions: Vec<Condition>,
    pub queue: QueueId,
    /// When not empty, the queue is drawn from these (queue, percentage) pairs instead
    /// (percentages add up to 100; `queue` is then the first of them).
    pub split: Vec<(QueueId, f64)>,
}

/// A test on one context variable of the conversation's channel.
#[derive(Debug, Clone)]
pub struct Condition {
    /// Index into each channel's `variables`, indexed by channel id: conditions name variables,
    /// and each channel may hold them at a different position (or not at all, in which case
    /// the condition is false for that channel).
    pub variable_by_channel: Vec<Option<usize>>,
    pub test: ConditionTest,
}

#[derive(Debug, Clone)]
pub enum ConditionTest {
    /// The text value is one of these, given per channel (indexed by channel id) as indices
    /// into that channel's list of values.
    TextIn {
        values_by_channel: Vec<Vec<u32>>,
    },
    TextNotIn {
        values_by_channel: Vec<Vec<u32>>,
    },
    Number {
        op: NumberOp,
        value: f64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberOp {
    Less,
    AtMost,
    Greater,
    AtLeast,
    Equal,
}

impl NumberOp {
    pub fn holds(self, left: f64, right: f64) -> bool {
        match self {
            NumberOp::Less => left < right,
            NumberOp::AtMost => left <= right,
            NumberOp::Greater => left > right,
            NumberOp::AtLeast => left >= right,
            NumberOp::Equal => left == right,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Queue {
    pub name: String,
    /// Lower numbers are served first, across queues.
    pub priority: i32,
    pub assignment: AssignmentMethod,
    /// A cycle considers at most this many items from the head of the queue.
    pub block_size: usize,
    /// A library user's ranking of eligible agents, replacing `assignment` (set in Rust code).
    pub custom_ordering: Option<Arc<dyn AgentOrdering>>,
    /// What happens to a new item when the queue is full or closed (pre-queue overflow).
    pub overflow: Option<Overflow>,
}

/// Pre-queue overflow (SPEC §3): checked when a new item (or a bot's escalation) is about to
/// enter the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overflow {
    /// The queue overflows when it already holds this many Open items.
    pub work_item_limit: Option<usize>,
    /// Daily hours (offsets from midnight; `end` before `start` runs past midnight); outside
    /// them the queue overflows.
    pub operating_hours: Option<(SimDuration, SimDuration)>,
    pub action: OverflowAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverflowAction {
    /// The conversation is ended at the door.
    End,
    /// It goes to this queue instead (which is not checked for overflow again).
    Transfer(QueueId),
    /// It enters the queue anyway (the overflow is only counted).
    AssignAnyway,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentMethod {
    HighestCapacity,
    RoundRobin,
    LeastActive,
}

impl AssignmentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentMethod::HighestCapacity => "highest_capacity",
            AssignmentMethod::RoundRobin => "round_robin",
            AssignmentMethod::LeastActive => "least_active",
        }
    }
}

/// A problem with a value of the scenario, without its location (the caller adds the path).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ScenarioError {
    message: String,
}

impl ScenarioError {
    pub fn new(message: String) -> ScenarioError {
        ScenarioError { message }
    }
}

impl Scenario {
    pub fn channel(&self, id: ChannelId) -> &Channel {
        &self.channels[id.index()]
    }
    pub fn workstream(&self, id: WorkstreamId) -> &Workstream {
        &self.workstreams[id.index()]
    }
    pub fn queue(&self, id: QueueId) -> &Queue {
        &self.queues[id.index()]
    }
    pub fn agent_group(&self, id: GroupId) -> &AgentGroup {
        &self.agent_groups[id.index()]
    }
    /// Number of agents over all groups.
    pub fn n_agents(&self) -> usize {
        self.agent_groups.iter().map(|g| g.count as usize).sum()
    }
}
