//! One replication of a scenario: the run loop and the push distribution of SPEC §3.
//!
//! Assignment is event-driven and incremental. After every step the model keeps one invariant:
//! no (item in the top block of its queue, eligible agent) pair is left unassigned. A new item
//! can only create pairs involving itself, and an agent whose capacity or presence changed only
//! pairs involving that agent, so each trigger re-examines just that item or just that agent.
//! When several agents changed in one step (a shift start, a staffing edge), each item the
//! first of them could take goes to the agent its queue's method ranks first among all of them,
//! as a full cycle over the items would give it. This costs a fraction of re-running a full
//! cycle over every queue. Nothing here does I/O or returns errors: the scenario was validated.
//!
//! A conversation lives through segments: Open (queued) → Offered (a notification rings) →
//! Active → either Waiting (capacity released; the customer resumes later or the conversation
//! auto-closes) or wrap-up → Closed. An offer to an agent whose group answers at once is
//! accepted in the same step, with no event, so the classic queueing scenarios cost what they
//! did before notifications existed. A declined offer puts the item back in its queue with
//! its old key and pushes `Trigger::Item` (other agents first) and `Trigger::Agent`; presence
//! resets, capacity releases and every move into a presence some workstream allows and the old
//! one was not (`report_agent`: stepping Away from a forced Busy - DND where Away is allowed, a
//! pick that makes the agent Busy where only Busy is) push `Trigger::Agent`; resumes route like
//! arrivals, except that under affinity the item is offered straight to its last agent.
//!
//! Pick mode is a second, agent-driven path beside push: an agent that may pick schedules a
//! `PickAttempt` after its think time and takes the oldest item it may see, without capacity
//! checks beyond its habit; an agent with nothing visible waits in its queues' idle lists and
//! is woken when an item arrives there. A bot holds a new conversation before it is queued;
//! overflow is decided just before an item would enter its queue. Capacity profiles count
//! items per profile beside units; every excess over capacity or a profile limit is reported
//! through `Observer::over_capacity` with its cause.
//!
//! One behaviour per file, all `impl` blocks of the one `Sim` state defined here: `run.rs`
//! (event loop, dispatch, triggers, slots), `routing.rs` (arrivals, classification,
//! route-to-queue), `overflow.rs`, `bot.rs`, `push.rs` (queue order, eligibility, assignment
//! methods), `offers.rs` (notifications and responses), `pick.rs`, `capacity.rs` (units and
//! profiles), `presence.rs` (shifts, breaks, away, presence from capacity),
//! `conversation.rs` (patience, service, waiting, resume, affinity, wrap-up, close),
//! `slowdown.rs` (concurrency slowdown), `preferred.rs` (preferred agents) and `stall.rs` (the
//! guarantee of progress: a clock that does not move stops the run).
//!
//! The customer's patience runs in the queue and while an offer rings alike (an abandonment
//! withdraws the offer); resumed segments have their own optional patience. An agent who is
//! Away or Offline does not answer (unless its group says so): its offers ring out.
//!
//! Simplifications: an answer that would fall in a break rings out to the timeout even if the
//! agent is back before it; overflow is a pre-queue check only (no in-queue overflow);
//! least active counts conversations in wrap-up as active, and a declined or withdrawn
//! reserved offer is a capacity release like any other.

mod bot;
mod capacity;
mod conversation;
mod offers;
mod overflow;
mod pick;
mod preferred;
mod presence;
mod push;
mod ranked;
mod routing;
mod run;
mod slowdown;
mod stall;
mod top_block;
mod turns;

use ranked::{Ranked, RankedMember};
pub use stall::{Stall, StallSubject};
use top_block::Waiting;
use turns::Turns;

use std::collections::BTreeMap;

use rand::Rng;

use crate::engine::{EventId, EventQueue, RandomStreams, SimDuration, SimTime, StreamRng};

use super::arrivals::ArrivalCursor;
use super::observer::{
    Abandonment, AgentStatus, Answer, ConversationInfo, Decline, Observer, OfferVia, OpenState,
    OverCapacityCause, OverflowOutcome, Return, PROGRESS_EVERY,
};
use super::{
    Affinity, AgentId, AssignmentMethod, Candidate, ChannelId, Condition, ConditionTest,
    ConversationId, DistributionMode, GroupId, MissedNotification, OfferCapacity, OverflowAction,
    PickWhen, PreferredFallback, Presence, PresenceSet, ProfileBlocking, ProfileId, ProfileReset,
    QueueId, RejectButton, RejectedNotification, RouteRule, Scenario, SelfSelection, SkillMatching,
    VariableGenerator, VariableValue, WhenAbsent, WorkstreamId, WrapUpBlocking,
};

const DAY: u64 = 86_400_000_000;

/// Counts of what a run did, for benchmarks and sanity checks, and whether it stalled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunStats {
    pub events: u64,
    pub arrivals: u64,
    pub peak_conversations: usize,
    /// Set when the run stopped early because its clock did not move (see [`Stall`]); its
    /// measures then cover the time up to the stall only and must not be used.
    pub stall: Option<Stall>,
}

/// Simulates `scenario` with the given seed up to its horizon, reporting to `observer`.
pub fn simulate<O: Observer>(scenario: &Scenario, seed: u64, observer: &mut O) -> RunStats {
    let mut sim = Sim::new(scenario, seed, observer);
    sim.run();
    sim.stats
}

#[derive(Debug, Clone, Copy)]
enum Event {
    Arrival(ChannelId),
    Abandon(ConversationId),
    ServiceEnd(ConversationId),
    Shift(GroupId, ShiftEdge),
    /// A group with a staffing curve moves to interval `u32` of its curve.
    StaffingEdge(GroupId, u32),
    WarmUpEnd,
    OfferResponse(ConversationId, Response),
    WrapUpRelease(ConversationId),
    WrapUpEnd(ConversationId),
    Resume(ConversationId),
    AutoClose(ConversationId),
    /// The agent resets a presence forced by a notification; stale unless the token matches.
    PresenceReset(AgentId, u32),
    /// The agent looks at its queues' open items to pick one.
    PickAttempt(AgentId),
    /// The bot is done with the conversation: contained (true) or escalated.
    BotEnd(ConversationId, bool),
    /// A random Away episode starts (or, if the agent is not working then, is skipped).
    AwayStart(AgentId),
    AwayEnd(AgentId),
    /// Midnight for a round-the-clock group with end-of-day profiles.
    DayEnd(GroupId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Response {
    Accept,
    Reject,
    Timeout,
}

/// How an offer came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    /// Chosen by the queue's assignment method; `usize` is the agent's member index.
    Queue(usize),
    /// Straight to the last agent of a resumed conversation.
    Affinity,
    /// To a preferred agent in an allowed presence (no round-robin turn is used up).
    Preferred,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ShiftEdge {
    Start,
    End,
    BreakStart,
    BreakEnd,
}

/// Something whose state changed, so its assignment pairs must be looked at again.
#[derive(Debug, Clone, Copy)]
enum Trigger {
    Item(ConversationId),
    Agent(AgentId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    WithBot,
    Open,
    Offered,
    Active,
    Waiting,
    WrapUp,
}

/// Queue order: affinity items first (rank 0), then priority, then oldest, then arrival order.
type WaitKey = (u8, i32, SimTime, u64);
/// No wait key orders before this one.
const WAIT_KEY_MIN: WaitKey = (0, i32::MIN, SimTime::ZERO, 0);

/// Agent order for an item, smaller first: declines of this item, then the method's two keys,
/// then the round-robin key.
type AgentRank = (u32, i64, i64, u64);

/// Item order for an agent across its queues: queue priority, then the queue's order.
type ItemRank = (i32, WaitKey, QueueId);

#[derive(Debug)]
struct Conversation {
    generation: u32,
    live: bool,
    info: ConversationInfo,
    state: State,
    handle_time: SimDuration,
    patience_deadline: SimTime,
    abandon_event: Option<EventId>,
    agent: Option<AgentId>,
    wait_key: WaitKey,
    // Reused across the slot's lifetimes so a conversation costs no allocation.
    variables: Vec<VariableValue>,
    /// Units `agent` holds for this conversation (0 when released or not yet taken).
    held: i64,
    /// Whether the conversation's capacity was taken (and not yet released).
    holding: bool,
    /// Whether this segment was reported `queued`: it entered its queue, or its offer made at
    /// once rang (its answer is then not `AtOnce`).
    queued: bool,
    /// Whether this segment entered its queue (its answer is then `FromQueue`).
    entered_queue: bool,
    /// 0 for the first segment; resumed segments count up.
    segment: u32,
    /// When the customer last wrote (arrival or resume).
    resumed_at: SimTime,
    /// The agent of the previous segment, for affinity.
    last_agent: Option<AgentId>,
    /// Whether the current offer goes to the last agent by affinity.
    affinity_offer: bool,
    /// When the current offer started ringing.
    offered_at: SimTime,
    /// Declines per agent of this item.
    declines: Vec<(AgentId, u32)>,
    /// The route-to-queue rule that chose `info.queue` (`None`: the fallback queue, because no
    /// rule matched, which exempts the item from that queue's overflow).
    route_rule: Option<u32>,
    /// The workstream's classification rule that matched (its skills and priority apply).
    class: Option<u32>,
    /// Under a concurrency slowdown: unstretched work left (µs) as of `work_since`, the
    /// factor it has gone at since, and the pending service end (see `slowdown.rs`).
    work_left: f64,
    work_since: SimTime,
    work_factor: f64,
    service_event: Option<EventId>,
    /// Preferred agents, in order (see `preferred.rs`); all `None` without preferences.
    preferred: [Option<AgentId>; 3],
    /// Whether the current offer goes to a preferred agent.
    preferred_offer: bool,
}

#[derive(Debug)]
struct Agent {
    group: GroupId,
    capacity: i64,
    used: i64,
    active: u32,
    on_shift: bool,
    on_break: bool,
    presence: Presence,
    /// When the agent last released capacity, for least active (`ZERO`: never, which ranks
    /// first; equal times go round robin).
    last_release: SimTime,
    // (queue, member index) in the order queues are served: priority, then id.
    memberships: Vec<(QueueId, usize)>,
    /// A presence set by a missed or rejected notification, until the agent resets it.
    forced: Option<Presence>,
    forced_token: u32,
    /// Offers ringing on capacity not yet taken (`reserve_capacity_on_offer = false`).
    ringing_unreserved: u32,
    /// A pick attempt is scheduled.
    pick_pending: bool,
    /// Found nothing to pick: waits in its pickable queues' idle lists for an item.
    idle_picker: bool,
    /// Some queue of the agent's may be picked from (fixed for the run): an agent with none
    /// never picks, so its changes skip the pick path.
    picker: bool,
    /// In a random Away episode.
    stepped_away: bool,
    /// Items held in each capacity profile (empty when the scenario has none).
    profile_used: Vec<u32>,
    /// Active conversations with a concurrency slowdown (empty without one).
    serving: Vec<ConversationId>,
}

#[derive(Debug, Default)]
struct QueueState {
    waiting: Waiting,
    /// Some workstream that routes here may be picked from (pick mode or self-selection).
    pickable: bool,
    /// Members that found nothing to pick, to wake when an item arrives.
    idle_pickers: Vec<AgentId>,
    members: Vec<AgentId>,
    // Round-robin order of each member: smaller goes first. Members that were never assigned
    // keep their join order (0..n); each assignment gives the member the next number.
    rr_keys: Vec<u64>,
    next_rr_key: u64,
    // Bit set over members: set for every member that `may_take_work`. Assignment scans only
    // these, which at high load is a handful of agents instead of the whole queue.
    candidates: Vec<u64>,
    /// The candidates in the order of the queue's assignment method (least active; the others
    /// use `turns`): (method key, round-robin key, member). Without skill scoring or a custom
    /// ordering, the best agent is the first eligible entry (declines aside), found without
    /// visiting every idle agent.
    ranked: Ranked,
    /// Each member's entry in `ranked`, if it is a candidate (empty with `turns`).
    ranked_key: Vec<Option<RankedMember>>,
    /// Round robin, and highest capacity where members have few units: the candidates by rank,
    /// then turn, in place of `ranked` (whose entries would move through a tree at every
    /// assignment).
    turns: Option<Turns>,
}

/// Highest capacity keeps its candidates in turns (`sim/turns.rs`) where no member has more
/// capacity units than this, so that the free-room values, and their bit sets, are few.
const MAX_UNITS_IN_TURNS: u32 = 32;

impl QueueState {
    /// Gives `member` the queue's next round-robin turn: it goes after every other member.
    fn take_turn(&mut self, member: usize) {
        if let Some(turns) = &mut self.turns {
            turns.make_room(&mut self.rr_keys, &mut self.next_rr_key);
        }
        self.rr_keys[member] = self.next_rr_key;
        self.next_rr_key += 1;
    }
}

struct ChannelStreams {
    arrivals: StreamRng,
    handle_time: StreamRng,
    patience: StreamRng,
    variables: Vec<StreamRng>,
    cursor: ArrivalCursor,
    // Drawn per segment, in their own streams so the arrival-time draws above stay put.
    waiting: StreamRng,
    resume_delay: StreamRng,
    segment_handle_time: StreamRng,
    wrap_up: StreamRng,
    resume_patience: StreamRng,
    route_split: StreamRng,
    bot_containment: StreamRng,
    bot_time: StreamRng,
    preferred: StreamRng,
}

/// Agent behaviour is drawn per group, apart from customers, so customers stay the same when
/// agents behave differently.
struct GroupStreams {
    response: StreamRng,
    response_time: StreamRng,
    think_time: StreamRng,
    away_gap: StreamRng,
    away_duration: StreamRng,
}

struct Sim<'a, O> {
    scenario: &'a Scenario,
    observer: &'a mut O,
    events: EventQueue<Event>,
    horizon: SimTime,
    channels: Vec<ChannelStreams>,
    group_streams: Vec<GroupStreams>,
    /// Each group's rating of each skill (0: lacks it), indexed [group][skill].
    group_ratings: Vec<Vec<u32>>,
    /// Each group's limit in each profile (`None`: lacks it), indexed [group][profile].
    group_profile_limits: Vec<Vec<Option<u32>>>,
    agents: Vec<Agent>,
    group_agents: Vec<std::ops::Range<usize>>,
    queues: Vec<QueueState>,
    conversations: Vec<Conversation>,
    free_slots: Vec<u32>,
    triggers: Vec<Trigger>,
    next_wait_seq: u64,
    live_conversations: usize,
    /// A fixed stall limit (debug builds, `ROUTESIM_TEST_STALL_LIMIT`; see `stall.rs`).
    stall_override: Option<u64>,
    stats: RunStats,
    // Whether some workstream takes no unit capacity (then a full agent may still take work).
    zero_demand: bool,
    // Presences that some workstream allows.
    routable: PresenceSet,
    /// For each presence, the presences some workstream allows and it does not: an agent moving
    /// from the one into one of these may become eligible for items it was not (`report_agent`).
    opens: [PresenceSet; 5],
    /// Whether any agent may ever pick: without it the pick machinery is skipped entirely.
    any_pickable: bool,
    /// The presences in which some item may be picked (a pick workstream's allowed presences;
    /// all but Offline under self-selection), and the fewest units a picked item needs: an
    /// agent outside them picks nothing, and its queues are not looked through.
    pick_presences: PresenceSet,
    min_pick_units: i64,
    /// Whether some channel or workstream has a concurrency slowdown.
    any_slowdown: bool,
    /// Whether some workstream has preferred agents.
    any_preferred: bool,
    /// Per agent: the queued items that name it among their preferred agents, by queue and in
    /// serving order. An item is listed when it is queued and unlisted when it leaves its queue
    /// (`take_from_queue`), so an agent's turn looks only at the heads of these lists.
    preferred_queued: Vec<BTreeMap<(QueueId, WaitKey), ConversationId>>,
    /// Debug builds: the patience timers withdrawn and not yet skipped, to check that the
    /// timers the run loop skips are exactly those (see `withdraw_patience`).
    #[cfg(debug_assertions)]
    withdrawn_timers: std::collections::HashSet<EventId>,
}

impl<'a, O: Observer> Sim<'a, O> {
    fn new(scenario: &'a Scenario, seed: u64, observer: &'a mut O) -> Self {
        let streams = RandomStreams::new(seed);
        let channels = scenario
            .channels
            .iter()
            .map(|channel| ChannelStreams {
                arrivals: streams.stream(&format!("arrivals/{}", channel.name)),
                handle_time: streams.stream(&format!("handle_time/{}", channel.name)),
                patience: streams.stream(&format!("patience/{}", channel.name)),
                variables: channel
                    .variables
                    .iter()
                    .map(|v| streams.stream(&format!("variable/{}/{}", channel.name, v.name)))
                    .collect(),
                cursor: ArrivalCursor::default(),
                waiting: streams.stream(&format!("waiting/{}", channel.name)),
                resume_delay: streams.stream(&format!("resume_delay/{}", channel.name)),
                segment_handle_time: streams
                    .stream(&format!("segment_handle_time/{}", channel.name)),
                wrap_up: streams.stream(&format!("wrap_up/{}", channel.name)),
                resume_patience: streams.stream(&format!("resume_patience/{}", channel.name)),
                route_split: streams.stream(&format!("route_split/{}", channel.name)),
                bot_containment: streams.stream(&format!("bot_containment/{}", channel.name)),
                bot_time: streams.stream(&format!("bot_time/{}", channel.name)),
                preferred: streams.stream(&format!("preferred_agents/{}", channel.name)),
            })
            .collect();
        let group_streams = scenario
            .agent_groups
            .iter()
            .map(|group| GroupStreams {
                response: streams.stream(&format!("offer_response/{}", group.name)),
                response_time: streams.stream(&format!("response_time/{}", group.name)),
                think_time: streams.stream(&format!("think_time/{}", group.name)),
                away_gap: streams.stream(&format!("away_gap/{}", group.name)),
                away_duration: streams.stream(&format!("away_duration/{}", group.name)),
            })
            .collect();

        let mut queues: Vec<QueueState> = scenario
            .queues
            .iter()
            .map(|queue| QueueState {
                waiting: Waiting::new(queue.block_size),
                ..QueueState::default()
            })
            .collect();
        let mut agents = Vec::with_capacity(scenario.n_agents());
        let mut group_agents = Vec::with_capacity(scenario.agent_groups.len());
        for (group_idx, group) in scenario.agent_groups.iter().enumerate() {
            let first = agents.len();
            for _ in 0..group.count {
                let agent_id = AgentId::from_index(agents.len());
                let mut memberships: Vec<(QueueId, usize)> = group
                    .queues
                    .iter()
                    .map(|&queue_id| {
                        let queue = &mut queues[queue_id.index()];
                        queue.members.push(agent_id);
                        queue.rr_keys.push(queue.members.len() as u64 - 1);
                        (queue_id, queue.members.len() - 1)
                    })
                    .collect();
                memberships
                    .sort_by_key(|&(queue_id, _)| (scenario.queue(queue_id).priority, queue_id));
                agents.push(Agent {
                    group: GroupId::from_index(group_idx),
                    capacity: i64::from(group.capacity_units),
                    used: 0,
                    active: 0,
                    on_shift: false,
                    on_break: false,
                    presence: Presence::Offline,
                    last_release: SimTime::ZERO,
                    memberships,
                    forced: None,
                    forced_token: 0,
                    ringing_unreserved: 0,
                    pick_pending: false,
                    idle_picker: false,
                    picker: false,
                    stepped_away: false,
                    profile_used: vec![0; scenario.capacity_profiles.len()],
                    serving: Vec::new(),
                });
            }
            group_agents.push(first..agents.len());
        }
        for (queue_idx, (queue, spec)) in queues.iter_mut().zip(&scenario.queues).enumerate() {
            queue.next_rr_key = queue.members.len() as u64;
            queue.candidates = vec![0; queue.members.len().div_ceil(64)];
            // Highest capacity is kept in turns, a bit set per free-room value, only where the
            // values are few: each set costs an eighth of a byte per key.
            let most_units = scenario
                .agent_groups
                .iter()
                .filter(|group| group.queues.contains(&QueueId::from_index(queue_idx)))
                .map(|group| group.capacity_units)
                .max()
                .unwrap_or(0);
            let in_turns = match spec.assignment {
                AssignmentMethod::RoundRobin => true,
                AssignmentMethod::HighestCapacity => most_units <= MAX_UNITS_IN_TURNS,
                AssignmentMethod::LeastActive => false,
            };
            if in_turns {
                let by_room = spec.assignment == AssignmentMethod::HighestCapacity;
                queue.turns = Some(Turns::new(queue.members.len(), queue.next_rr_key, by_room));
            } else {
                queue.ranked_key = vec![None; queue.members.len()];
            }
        }
        let zero_demand = scenario.workstreams.iter().any(|w| w.capacity_units == 0);
        let routable = scenario
            .workstreams
            .iter()
            .fold(PresenceSet::default(), |set, w| {
                set.union(w.allowed_presences)
            });
        let opens = Presence::ALL.map(|from| {
            let to = Presence::ALL.iter().copied().filter(|&to| {
                scenario.workstreams.iter().any(|w| {
                    w.allowed_presences.contains(to) && !w.allowed_presences.contains(from)
                })
            });
            PresenceSet::of(&to.collect::<Vec<_>>())
        });
        let mut any_pickable = false;
        let mut pick_presences = PresenceSet::default();
        let mut min_pick_units = i64::MAX;
        for workstream in &scenario.workstreams {
            if workstream.mode == DistributionMode::Pick
                || workstream.self_selection == SelfSelection::On
            {
                any_pickable = true;
                pick_presences = pick_presences.union(match workstream.mode {
                    DistributionMode::Pick => workstream.allowed_presences,
                    DistributionMode::Push => PresenceSet::of(&[
                        Presence::Available,
                        Presence::Busy,
                        Presence::BusyDnd,
                        Presence::Away,
                    ]),
                });
                min_pick_units = min_pick_units.min(i64::from(workstream.capacity_units));
                queues[workstream.fallback_queue.index()].pickable = true;
                for rule in &workstream.routing {
                    queues[rule.queue.index()].pickable = true;
                }
            }
        }
        for agent in &mut agents {
            agent.picker = agent
                .memberships
                .iter()
                .any(|&(queue, _)| queues[queue.index()].pickable);
        }

        let group_ratings = scenario
            .agent_groups
            .iter()
            .map(|group| {
                let mut ratings = vec![0; scenario.skills.len()];
                for &(skill, rating) in &group.skills {
                    ratings[skill.index()] = rating;
                }
                ratings
            })
            .collect();
        let group_profile_limits = scenario
            .agent_groups
            .iter()
            .map(|group| {
                let mut limits = vec![None; scenario.capacity_profiles.len()];
                for &(profile, limit) in &group.capacity_profiles {
                    limits[profile.index()] = Some(limit);
                }
                limits
            })
            .collect();
        Sim {
            group_profile_limits,
            group_ratings,
            scenario,
            observer,
            events: EventQueue::new(),
            horizon: SimTime::ZERO + scenario.simulation.horizon,
            channels,
            group_streams,
            agents,
            group_agents,
            queues,
            conversations: Vec::new(),
            free_slots: Vec::new(),
            triggers: Vec::new(),
            next_wait_seq: 0,
            live_conversations: 0,
            stall_override: stall::stall_override(),
            stats: RunStats::default(),
            zero_demand,
            routable,
            opens,
            any_pickable,
            pick_presences,
            min_pick_units,
            any_slowdown: scenario
                .channels
                .iter()
                .any(|c| !c.concurrency_slowdown.is_empty())
                || scenario
                    .workstreams
                    .iter()
                    .any(|w| !w.concurrency_slowdown.is_empty()),
            any_preferred: scenario
                .workstreams
                .iter()
                .any(|w| w.preferred_agents.is_some()),
            preferred_queued: if scenario
                .workstreams
                .iter()
                .any(|w| w.preferred_agents.is_some())
            {
                vec![BTreeMap::new(); scenario.n_agents()]
            } else {
                Vec::new()
            },
            #[cfg(debug_assertions)]
            withdrawn_timers: std::collections::HashSet::new(),
        }
    }
}
