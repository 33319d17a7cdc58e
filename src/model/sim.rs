//! One replication of a scenario: the run loop and the push distribution of SPEC §3.
//!
//! Assignment is event-driven and incremental. After every step the model keeps one invariant:
//! no (item in the top block of its queue, eligible agent) pair is left unassigned. A new item
//! can only create pairs involving itself, and an agent whose capacity or presence changed only
//! pairs involving that agent, so each trigger re-examines just that item or just that agent.
//! This gives the same assignments as re-running a full cycle over every queue, at a fraction
//! of the cost. Nothing here does I/O or returns errors: the scenario was validated.
//!
//! A conversation lives through segments: Open (queued) → Offered (a notification rings) →
//! Active → either Waiting (capacity released; the customer resumes later or the conversation
//! auto-closes) or wrap-up → Closed. An offer to an agent whose group answers at once is
//! accepted in the same step, with no event, so the classic queueing scenarios cost what they
//! did before notifications existed. A declined offer puts the item back in its queue with
//! its old key and pushes `Trigger::Item` (other agents first) and `Trigger::Agent`; presence
//! resets and capacity releases push `Trigger::Agent`; resumes route like arrivals, except that
//! under affinity the item is offered straight to its last agent.
//!
//! Pick mode is a second, agent-driven path beside push: an agent that may pick schedules a
//! `PickAttempt` after its think time and takes the oldest item it may see, without capacity
//! checks beyond its habit; an agent with nothing visible waits in its queues' idle lists and
//! is woken when an item arrives there. A bot holds a new conversation before it is queued;
//! overflow is decided just before an item would enter its queue. Capacity profiles count
//! items per profile beside units; every excess over capacity or a profile limit is reported
//! through `Observer::over_capacity` with its cause.
//!
//! Simplifications: a customer does not abandon while a notification rings (the abandon timer
//! stops at the offer and restarts on decline), and resumed segments have no patience.

use std::collections::BTreeMap;

use rand::Rng;

use crate::engine::{EventId, EventQueue, RandomStreams, SimDuration, SimTime, StreamRng};

use super::arrivals::ArrivalCursor;
use super::observer::{
    AgentStatus, Answer, ConversationInfo, Decline, Observer, OfferVia, OpenState,
    OverCapacityCause, OverflowOutcome, Return,
};
use super::{
    Affinity, AgentId, AssignmentMethod, Candidate, ChannelId, Condition, ConditionTest,
    ConversationId, DistributionMode, GroupId, MissedNotification, OfferCapacity, OverflowAction,
    PickWhen, Presence, PresenceSet, QueueId, RejectButton, RejectedNotification, Scenario,
    SelfSelection, SkillMatching, VariableGenerator, VariableValue, WorkstreamId, WrapUpBlocking,
};

const DAY: u64 = 86_400_000_000;

/// Counts of what a run did, for benchmarks and sanity checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunStats {
    pub events: u64,
    pub arrivals: u64,
    pub peak_conversations: usize,
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

/// Agent order for an item, smaller first: declines of this item, then the method's key, then
/// the round-robin key.
type AgentRank = (u32, i64, u64, u64);

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
    /// Whether this segment was reported `queued` (so its answer is `FromQueue`).
    queued: bool,
    /// 0 for the first segment; resumed segments count up.
    segment: u32,
    /// When the customer last wrote (arrival or resume).
    resumed_at: SimTime,
    /// The agent of the previous segment, for affinity.
    last_agent: Option<AgentId>,
    /// Whether the current offer goes to the last agent by affinity.
    affinity_offer: bool,
    /// Declines per agent of this item.
    declines: Vec<(AgentId, u32)>,
    /// The workstream's classification rule that matched (its skills and priority apply).
    class: Option<u32>,
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
    // Global order of capacity releases, for least active (0 = never released).
    last_release: u64,
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
    /// In a random Away episode.
    stepped_away: bool,
    /// Items held in each capacity profile (empty when the scenario has none).
    profile_used: Vec<u32>,
}

#[derive(Debug, Default)]
struct QueueState {
    waiting: BTreeMap<WaitKey, ConversationId>,
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
    route_split: StreamRng,
    bot_containment: StreamRng,
    bot_time: StreamRng,
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
    next_release: u64,
    live_conversations: usize,
    stats: RunStats,
    // Whether some workstream takes no unit capacity (then a full agent may still take work).
    zero_demand: bool,
    // Presences that some workstream allows.
    routable: PresenceSet,
    /// Whether any agent may ever pick: without it the pick machinery is skipped entirely.
    any_pickable: bool,
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
                route_split: streams.stream(&format!("route_split/{}", channel.name)),
                bot_containment: streams.stream(&format!("bot_containment/{}", channel.name)),
                bot_time: streams.stream(&format!("bot_time/{}", channel.name)),
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
            .map(|_| QueueState::default())
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
                    last_release: 0,
                    memberships,
                    forced: None,
                    forced_token: 0,
                    ringing_unreserved: 0,
                    pick_pending: false,
                    idle_picker: false,
                    stepped_away: false,
                    profile_used: vec![0; scenario.capacity_profiles.len()],
                });
            }
            group_agents.push(first..agents.len());
        }
        for queue in &mut queues {
            queue.next_rr_key = queue.members.len() as u64;
            queue.candidates = vec![0; queue.members.len().div_ceil(64)];
        }
        let zero_demand = scenario.workstreams.iter().any(|w| w.capacity_units == 0);
        let routable = scenario
            .workstreams
            .iter()
            .fold(PresenceSet::default(), |set, w| {
                set.union(w.allowed_presences)
            });
        let mut any_pickable = false;
        for workstream in &scenario.workstreams {
            if workstream.mode == DistributionMode::Pick
                || workstream.self_selection == SelfSelection::On
            {
                any_pickable = true;
                queues[workstream.fallback_queue.index()].pickable = true;
                for rule in &workstream.routing {
                    queues[rule.queue.index()].pickable = true;
                }
            }
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
            next_release: 0,
            live_conversations: 0,
            stats: RunStats::default(),
            zero_demand,
            routable,
            any_pickable,
        }
    }

    fn run(&mut self) {
        self.start();
        while let Some(scheduled) = self.events.pop_until(self.horizon) {
            self.stats.events += 1;
            let now = scheduled.time;
            match scheduled.event {
                Event::Arrival(channel) => self.on_arrival(now, channel),
                Event::Abandon(id) => self.on_abandon(now, id),
                Event::ServiceEnd(id) => self.on_service_end(now, id),
                Event::Shift(group, edge) => self.on_shift_edge(now, group, edge),
                Event::WarmUpEnd => self.observer.warm_up_ended(now),
                Event::OfferResponse(id, response) => self.on_offer_response(now, id, response),
                Event::WrapUpRelease(id) => self.on_wrap_up_release(now, id),
                Event::WrapUpEnd(id) => self.on_wrap_up_end(now, id),
                Event::Resume(id) => self.on_resume(now, id),
                Event::AutoClose(id) => self.on_auto_close(now, id),
                Event::PresenceReset(agent, token) => self.on_presence_reset(now, agent, token),
                Event::PickAttempt(agent) => self.on_pick_attempt(now, agent),
                Event::BotEnd(id, contained) => self.on_bot_end(now, id, contained),
                Event::AwayStart(agent) => self.on_away_start(now, agent),
                Event::AwayEnd(agent) => self.on_away_end(now, agent),
            }
            self.process_triggers(now);
        }
        self.finish();
    }

    fn start(&mut self) {
        let now = SimTime::ZERO;
        if self.scenario.simulation.warm_up > SimDuration::ZERO {
            self.events
                .schedule(now + self.scenario.simulation.warm_up, Event::WarmUpEnd);
        } else {
            self.observer.warm_up_ended(now);
        }
        for channel_idx in 0..self.scenario.channels.len() {
            self.schedule_next_arrival(ChannelId::from_index(channel_idx), now);
        }
        if self.any_pickable {
            for agent_idx in 0..self.agents.len() {
                self.triggers
                    .push(Trigger::Agent(AgentId::from_index(agent_idx)));
            }
        }
        for agent_idx in 0..self.agents.len() {
            self.schedule_away(now, AgentId::from_index(agent_idx));
        }
        for (group_idx, group) in self.scenario.agent_groups.iter().enumerate() {
            let group_id = GroupId::from_index(group_idx);
            let (on_shift, on_break) = match &group.shift {
                None => (true, false),
                Some(shift) => {
                    let start = shift.start.as_micros();
                    let end = shift.end.as_micros();
                    let in_shift = if start <= end {
                        start == 0 && end > 0
                    } else {
                        true
                    };
                    let in_break = shift
                        .breaks
                        .iter()
                        .any(|b| b.start.as_micros() == 0 && b.end.as_micros() > 0);
                    // Time 0 is midnight: inside a shift that starts at 0 or runs past midnight.
                    (in_shift, in_shift && in_break)
                }
            };
            for agent_idx in self.group_agents[group_idx].clone() {
                let agent_id = AgentId::from_index(agent_idx);
                let before = self.status(agent_id);
                let agent = &mut self.agents[agent_idx];
                agent.on_shift = on_shift;
                agent.on_break = on_break;
                self.refresh_presence(agent_id);
                let after = self.status(agent_id);
                self.observer
                    .agent_changed(now, agent_id, group_id, before, after);
            }
            if let Some(shift) = &group.shift {
                let mut edges = vec![(shift.start, ShiftEdge::Start), (shift.end, ShiftEdge::End)];
                for brk in &shift.breaks {
                    edges.push((brk.start, ShiftEdge::BreakStart));
                    edges.push((brk.end, ShiftEdge::BreakEnd));
                }
                for (offset, edge) in edges {
                    // Edges at exactly midnight were applied above; the next is a day later.
                    let first = if offset.as_micros() == 0 {
                        DAY
                    } else {
                        offset.as_micros()
                    };
                    self.events
                        .schedule(SimTime::from_micros(first), Event::Shift(group_id, edge));
                }
            }
        }
    }

    fn finish(&mut self) {
        let now = self.horizon;
        for conversation in self.conversations.iter().filter(|c| c.live) {
            let state = match conversation.state {
                // Not yet accepted: from the customer's side still waiting for an agent.
                State::Open | State::Offered => OpenState::Queued,
                State::Active | State::WrapUp => OpenState::InService,
                State::Waiting => OpenState::Waiting,
                State::WithBot => OpenState::WithBot,
            };
            self.observer.still_open(now, &conversation.info, state);
        }
        self.observer.finished(now);
    }

    // ---- arrivals and routing ----

    fn schedule_next_arrival(&mut self, channel: ChannelId, now: SimTime) {
        let process = &self.scenario.channel(channel).arrivals;
        let streams = &mut self.channels[channel.index()];
        if let Some(time) = streams
            .cursor
            .next_after(process, now, &mut streams.arrivals)
        {
            if time <= self.horizon {
                self.events.schedule(time, Event::Arrival(channel));
            }
        }
    }

    fn on_arrival(&mut self, now: SimTime, channel_id: ChannelId) {
        self.schedule_next_arrival(channel_id, now);
        self.stats.arrivals += 1;
        let channel = self.scenario.channel(channel_id);
        let slot = self.allocate_slot();

        // Every customer attribute is drawn now, from the channel's own streams, so that the
        // n-th customer of a channel is the same whatever the distribution policy does.
        let streams = &mut self.channels[channel_id.index()];
        let handle_time =
            SimDuration::from_secs_f64(channel.handle_time.sample(&mut streams.handle_time));
        let patience_deadline = match &channel.patience {
            Some(patience) => {
                now + SimDuration::from_secs_f64(patience.sample(&mut streams.patience))
            }
            None => SimTime::NEVER,
        };
        let conversation = &mut self.conversations[slot as usize];
        conversation.variables.clear();
        for (variable, rng) in channel.variables.iter().zip(&mut streams.variables) {
            conversation
                .variables
                .push(draw_variable(&variable.generator, rng));
        }
        let workstream_id = channel.workstream;
        let queue_id = route(
            self.scenario,
            channel_id,
            workstream_id,
            &conversation.variables,
            &mut streams.route_split,
        );
        let workstream = self.scenario.workstream(workstream_id);
        conversation.class = if workstream.classification.is_empty() {
            None
        } else {
            classify(
                self.scenario,
                channel_id,
                workstream_id,
                &conversation.variables,
            )
        };
        let priority = conversation
            .class
            .map_or(0, |rule| workstream.classification[rule as usize].priority);
        let seq = self.next_wait_seq;
        self.next_wait_seq += 1;
        conversation.info = ConversationInfo {
            channel: channel_id,
            workstream: workstream_id,
            queue: queue_id,
            arrived: now,
            queued_from: now,
        };
        conversation.state = State::Open;
        conversation.handle_time = handle_time;
        conversation.patience_deadline = patience_deadline;
        conversation.abandon_event = None;
        conversation.agent = None;
        conversation.wait_key = (1, -priority, now, seq);
        conversation.held = 0;
        conversation.holding = false;
        conversation.queued = false;
        conversation.segment = 0;
        conversation.resumed_at = now;
        conversation.last_agent = None;
        conversation.affinity_offer = false;
        conversation.declines.clear();
        let id = ConversationId {
            slot,
            generation: conversation.generation,
        };
        let has_bot = self.scenario.workstream(workstream_id).bot.is_some();
        // Overflow is checked before the arrival is reported, so that a transfer is counted in
        // the queue the item ends up in; behind a bot it is checked at escalation.
        let overflow = if has_bot {
            None
        } else {
            self.apply_overflow(now, id)
        };
        let info = self.conversations[slot as usize].info;
        self.observer.arrived(now, &info);
        if let Some(outcome) = overflow {
            self.observer.overflowed(now, &info, outcome);
            if outcome == OverflowOutcome::Ended {
                self.release_slot(id);
                return;
            }
        }
        if let Some(bot) = &self.scenario.workstream(workstream_id).bot {
            let streams = &mut self.channels[channel_id.index()];
            let contained = streams.bot_containment.random::<f64>() < bot.containment_probability;
            let time = SimDuration::from_secs_f64(bot.handling_time.sample(&mut streams.bot_time));
            self.conversations[slot as usize].state = State::WithBot;
            self.events
                .schedule(now + time, Event::BotEnd(id, contained));
            return;
        }
        self.enter_queue(now, id);
    }

    fn on_bot_end(&mut self, now: SimTime, id: ConversationId, contained: bool) {
        let Some(conversation) = self.conversation(id) else {
            return;
        };
        let info = conversation.info;
        if contained {
            self.observer.contained(now, &info);
            self.release_slot(id);
            return;
        }
        // Escalated: the customer starts waiting for a human now, with its patience from now.
        let conversation = &mut self.conversations[id.slot as usize];
        conversation.info.queued_from = now;
        if conversation.patience_deadline < SimTime::NEVER {
            conversation.patience_deadline =
                now + conversation.patience_deadline.since(info.arrived);
        }
        conversation.wait_key.2 = now;
        conversation.state = State::Open;
        if let Some(outcome) = self.apply_overflow(now, id) {
            let info = self.conversations[id.slot as usize].info;
            self.observer.overflowed(now, &info, outcome);
            if outcome == OverflowOutcome::Ended {
                self.release_slot(id);
                return;
            }
        }
        self.enter_queue(now, id);
    }

    /// Checks the conversation's queue for overflow and applies a transfer; returns what
    /// happened, if the queue overflowed.
    fn apply_overflow(&mut self, now: SimTime, id: ConversationId) -> Option<OverflowOutcome> {
        let queue_id = self.conversations[id.slot as usize].info.queue;
        let overflow = self.scenario.queue(queue_id).overflow.as_ref()?;
        let full = overflow
            .work_item_limit
            .is_some_and(|limit| self.queues[queue_id.index()].waiting.len() >= limit);
        let closed = overflow.operating_hours.is_some_and(|(start, end)| {
            let t = now.as_micros() % DAY;
            let (start, end) = (start.as_micros(), end.as_micros());
            let open = if start <= end {
                t >= start && t < end
            } else {
                t >= start || t < end
            };
            !open
        });
        if !full && !closed {
            return None;
        }
        Some(match overflow.action {
            OverflowAction::End => OverflowOutcome::Ended,
            OverflowAction::AssignAnyway => OverflowOutcome::AssignedAnyway,
            OverflowAction::Transfer(to) => {
                self.conversations[id.slot as usize].info.queue = to;
                OverflowOutcome::Transferred
            }
        })
    }

    /// Routes an Open item: offered at once if it would be in the top block and an agent may
    /// take it, else queued (with its abandon timer on the first segment).
    fn enter_queue(&mut self, now: SimTime, id: ConversationId) {
        let conversation = &self.conversations[id.slot as usize];
        let (info, key) = (conversation.info, conversation.wait_key);
        let queue_id = info.queue;
        if self.in_top_block(queue_id, key) {
            if let Some((agent, member)) = self.best_agent_for(id) {
                self.offer(now, id, agent, Route::Queue(member));
                return;
            }
        }
        self.queues[queue_id.index()].waiting.insert(key, id);
        self.conversations[id.slot as usize].queued = true;
        self.observer.queued(now, &info);
        self.arm_patience(now, id);
        if self.queues[queue_id.index()].pickable {
            self.wake_idle_pickers(now, queue_id);
        }
    }

    // ---- picking ----

    /// Whether the agent may pick this item now: presence allowed for a pick workstream (any
    /// presence but Offline under self-selection, which ignores presence), and room by habit.
    fn may_pick(&self, agent: &Agent, workstream: WorkstreamId) -> Option<OverCapacityCause> {
        let ws = self.scenario.workstream(workstream);
        let cause = match (ws.mode, ws.self_selection) {
            (DistributionMode::Pick, _) if ws.allowed_presences.contains(agent.presence) => {
                OverCapacityCause::Pick
            }
            (DistributionMode::Push, SelfSelection::On) if agent.presence != Presence::Offline => {
                OverCapacityCause::SelfSelection
            }
            _ => return None,
        };
        let room = match self.scenario.agent_group(agent.group).picking.when {
            PickWhen::Always => true,
            PickWhen::FreeCapacity => {
                self.scenario
                    .simulation
                    .capacity_compare
                    .admits(agent.capacity - agent.used, i64::from(ws.capacity_units))
                    && (ws.capacity_profiles.is_empty()
                        || self.profiles_admit(agent, &ws.capacity_profiles))
            }
        };
        room.then_some(cause)
    }

    /// The oldest item (in serving order across the agent's pickable queues) it may pick.
    fn best_pick_for(
        &self,
        agent_id: AgentId,
    ) -> Option<(ConversationId, usize, OverCapacityCause)> {
        let agent = &self.agents[agent_id.index()];
        let mut best: Option<(ItemRank, ConversationId, usize, OverCapacityCause)> = None;
        for &(queue_id, member) in &agent.memberships {
            if !self.queues[queue_id.index()].pickable {
                continue;
            }
            let queue = self.scenario.queue(queue_id);
            let found = self.queues[queue_id.index()]
                .waiting
                .iter()
                .take(queue.block_size)
                .find_map(|(&key, &id)| {
                    let workstream = self.conversations[id.slot as usize].info.workstream;
                    self.may_pick(agent, workstream)
                        .map(|cause| (key, id, cause))
                });
            if let Some((key, id, cause)) = found {
                let rank = (queue.priority, key, queue_id);
                if best
                    .as_ref()
                    .is_none_or(|(best_rank, ..)| rank < *best_rank)
                {
                    best = Some((rank, id, member, cause));
                }
            }
        }
        best.map(|(_, id, member, cause)| (id, member, cause))
    }

    /// Schedules a pick attempt after a think time if there is something the agent may pick.
    /// If its pickable queues hold nothing at all it waits idle until an item arrives; if they
    /// hold items it may not take now (no room, presence), its own next change brings it back.
    fn consider_picking(&mut self, now: SimTime, agent_id: AgentId) {
        let agent = &self.agents[agent_id.index()];
        if agent.pick_pending || agent.presence == Presence::Offline {
            return;
        }
        if self.best_pick_for(agent_id).is_some() {
            let group = agent.group;
            let think = self
                .scenario
                .agent_group(group)
                .picking
                .think_time
                .sample(&mut self.group_streams[group.index()].think_time);
            self.agents[agent_id.index()].pick_pending = true;
            self.events.schedule(
                now + SimDuration::from_secs_f64(think),
                Event::PickAttempt(agent_id),
            );
            return;
        }
        let nothing_queued = agent.memberships.iter().all(|&(queue, _)| {
            !self.queues[queue.index()].pickable || self.queues[queue.index()].waiting.is_empty()
        });
        if nothing_queued && !agent.idle_picker {
            self.agents[agent_id.index()].idle_picker = true;
            for idx in 0..self.agents[agent_id.index()].memberships.len() {
                let (queue, _) = self.agents[agent_id.index()].memberships[idx];
                let state = &mut self.queues[queue.index()];
                if state.pickable {
                    state.idle_pickers.push(agent_id);
                    // Entries go stale when the agent is woken through another queue; drop them
                    // before they pile up.
                    if state.idle_pickers.len() > 2 * state.members.len() + 8 {
                        let agents = &self.agents;
                        state.idle_pickers.retain(|a| agents[a.index()].idle_picker);
                        state.idle_pickers.sort_unstable();
                        state.idle_pickers.dedup();
                    }
                }
            }
        }
    }

    fn wake_idle_pickers(&mut self, now: SimTime, queue: QueueId) {
        let idle = std::mem::take(&mut self.queues[queue.index()].idle_pickers);
        for &agent_id in &idle {
            if std::mem::take(&mut self.agents[agent_id.index()].idle_picker) {
                self.consider_picking(now, agent_id);
            }
        }
        let mut idle = idle;
        idle.clear();
        // Keep the allocation; agents that went idle again meanwhile were pushed to the new list.
        let list = &mut self.queues[queue.index()].idle_pickers;
        if list.is_empty() {
            *list = idle;
        }
    }

    fn on_pick_attempt(&mut self, now: SimTime, agent_id: AgentId) {
        self.agents[agent_id.index()].pick_pending = false;
        if let Some((id, member, cause)) = self.best_pick_for(agent_id) {
            self.take_from_queue(id);
            let slot = id.slot as usize;
            if let Some(event) = self.conversations[slot].abandon_event.take() {
                self.events.cancel(event);
            }
            let before = self.status(agent_id);
            let queue = &mut self.queues[self.conversations[slot].info.queue.index()];
            queue.rr_keys[member] = queue.next_rr_key;
            queue.next_rr_key += 1;
            let conversation = &mut self.conversations[slot];
            conversation.state = State::Offered;
            conversation.agent = Some(agent_id);
            conversation.affinity_offer = false;
            // A pick is its own accept: no notification rings, and capacity is taken now.
            self.hold(now, id, agent_id, cause);
            self.start_service(now, id, agent_id);
            self.report_agent(now, agent_id, before);
        }
        self.consider_picking(now, agent_id);
    }

    fn arm_patience(&mut self, now: SimTime, id: ConversationId) {
        let conversation = &self.conversations[id.slot as usize];
        let deadline = conversation.patience_deadline;
        if conversation.segment == 0
            && deadline < SimTime::NEVER
            && conversation.abandon_event.is_none()
        {
            let event = self.events.schedule(deadline.max(now), Event::Abandon(id));
            self.conversations[id.slot as usize].abandon_event = Some(event);
        }
    }

    fn allocate_slot(&mut self) -> u32 {
        self.live_conversations += 1;
        self.stats.peak_conversations = self.stats.peak_conversations.max(self.live_conversations);
        if let Some(slot) = self.free_slots.pop() {
            let conversation = &mut self.conversations[slot as usize];
            conversation.generation = conversation.generation.wrapping_add(1);
            conversation.live = true;
            return slot;
        }
        let slot = self.conversations.len() as u32;
        self.conversations.push(Conversation {
            generation: 0,
            live: true,
            info: ConversationInfo {
                channel: ChannelId(0),
                workstream: WorkstreamId(0),
                queue: QueueId(0),
                arrived: SimTime::ZERO,
                queued_from: SimTime::ZERO,
            },
            state: State::Open,
            handle_time: SimDuration::ZERO,
            patience_deadline: SimTime::NEVER,
            abandon_event: None,
            agent: None,
            wait_key: (0, 0, SimTime::ZERO, 0),
            variables: Vec::new(),
            held: 0,
            holding: false,
            queued: false,
            segment: 0,
            resumed_at: SimTime::ZERO,
            last_agent: None,
            affinity_offer: false,
            declines: Vec::new(),
            class: None,
        });
        slot
    }

    fn release_slot(&mut self, id: ConversationId) {
        self.conversations[id.slot as usize].live = false;
        self.free_slots.push(id.slot);
        self.live_conversations -= 1;
    }

    fn conversation(&self, id: ConversationId) -> Option<&Conversation> {
        let conversation = &self.conversations[id.slot as usize];
        (conversation.live && conversation.generation == id.generation).then_some(conversation)
    }

    // ---- assignment ----

    /// Whether an item with this key would be among the first `block_size` of its queue.
    fn in_top_block(&self, queue: QueueId, key: WaitKey) -> bool {
        let block_size = self.scenario.queue(queue).block_size;
        let waiting = &self.queues[queue.index()].waiting;
        waiting.len() < block_size || waiting.keys().take(block_size).any(|&k| key <= k)
    }

    /// (missing rating points, surplus rating points) of the agent for the item's skills.
    fn skill_score(&self, agent: &Agent, conversation: &Conversation) -> (u64, u64) {
        let Some(class) = conversation.class else {
            return (0, 0);
        };
        let rule = &self
            .scenario
            .workstream(conversation.info.workstream)
            .classification[class as usize];
        let ratings = &self.group_ratings[agent.group.index()];
        rule.skills
            .iter()
            .fold((0, 0), |(missing, surplus), &(skill, wanted)| {
                let has = ratings[skill.index()];
                if has >= wanted {
                    (missing, surplus + u64::from(has - wanted))
                } else {
                    (missing + u64::from(wanted - has), surplus)
                }
            })
    }

    /// Exact match: the agent has every required skill at or above the required rating.
    fn skills_pass(&self, agent: &Agent, conversation: &Conversation) -> bool {
        let workstream = self.scenario.workstream(conversation.info.workstream);
        match (conversation.class, workstream.skill_matching) {
            (Some(class), SkillMatching::Exact) => {
                let ratings = &self.group_ratings[agent.group.index()];
                workstream.classification[class as usize]
                    .skills
                    .iter()
                    .all(|&(skill, wanted)| ratings[skill.index()] >= wanted)
            }
            _ => true,
        }
    }

    fn is_eligible(&self, agent: &Agent, conversation: &Conversation) -> bool {
        self.is_eligible_for_workstream(agent, conversation.info.workstream)
            && (conversation.class.is_none() || self.skills_pass(agent, conversation))
            && (self.scenario.capacity_profiles.is_empty()
                || self.profiles_admit(
                    agent,
                    &self
                        .scenario
                        .workstream(conversation.info.workstream)
                        .capacity_profiles,
                ))
    }

    /// Room in every profile the item needs, and no full blocking profile.
    fn profiles_admit(&self, agent: &Agent, needed: &[super::ProfileId]) -> bool {
        let limits = &self.group_profile_limits[agent.group.index()];
        let room = needed
            .iter()
            .all(|p| limits[p.index()].is_some_and(|limit| agent.profile_used[p.index()] < limit));
        room && !self.blocked_by_profile(agent)
    }

    fn blocked_by_profile(&self, agent: &Agent) -> bool {
        let limits = &self.group_profile_limits[agent.group.index()];
        self.scenario
            .capacity_profiles
            .iter()
            .enumerate()
            .any(|(p, profile)| {
                profile.blocking == super::ProfileBlocking::AllWork
                    && limits[p].is_some_and(|limit| agent.profile_used[p] >= limit)
            })
    }

    fn is_eligible_for_workstream(&self, agent: &Agent, workstream: WorkstreamId) -> bool {
        let workstream = self.scenario.workstream(workstream);
        workstream.mode == DistributionMode::Push
            && workstream.allowed_presences.contains(agent.presence)
            && agent.ringing_unreserved == 0
            && self.scenario.simulation.capacity_compare.admits(
                agent.capacity - agent.used,
                i64::from(workstream.capacity_units),
            )
    }

    /// How often `agent` declined the item; at the decline limit it is never offered again.
    fn declines_by(conversation: &Conversation, agent: AgentId) -> u32 {
        conversation
            .declines
            .iter()
            .find(|(a, _)| *a == agent)
            .map_or(0, |&(_, n)| n)
    }

    /// The best eligible member of the conversation's queue, by the queue's method. Agents
    /// that declined the item come after those that did not.
    fn best_agent_for(&self, id: ConversationId) -> Option<(AgentId, usize)> {
        let conversation = &self.conversations[id.slot as usize];
        let queue_id = conversation.info.queue;
        let queue = &self.queues[queue_id.index()];
        let method = self.scenario.queue(queue_id).assignment;
        let custom = self.scenario.queue(queue_id).custom_ordering.as_deref();
        let limit = self.scenario.simulation.decline_limit;
        let compare = self.scenario.simulation.capacity_compare;
        // Everything that depends only on the item is looked up once, outside the member loop
        // (this loop is the model's hot path).
        let workstream = self.scenario.workstream(conversation.info.workstream);
        if workstream.mode != DistributionMode::Push {
            return None;
        }
        let allowed = workstream.allowed_presences;
        let demand = i64::from(workstream.capacity_units);
        let check_skills =
            conversation.class.is_some() && workstream.skill_matching == SkillMatching::Exact;
        let check_profiles = !self.scenario.capacity_profiles.is_empty();
        // Closest match replaces the method's order for classified items.
        let closest =
            conversation.class.is_some() && workstream.skill_matching == SkillMatching::Closest;
        let any_declines = !conversation.declines.is_empty();
        let consider = |member: usize, best: &mut Option<(AgentRank, AgentId, usize)>| {
            let agent_id = queue.members[member];
            let rr_key = queue.rr_keys[member];
            let agent = &self.agents[agent_id.index()];
            if !allowed.contains(agent.presence)
                || agent.ringing_unreserved != 0
                || !compare.admits(agent.capacity - agent.used, demand)
                || (check_skills && !self.skills_pass(agent, conversation))
                || (check_profiles && !self.profiles_admit(agent, &workstream.capacity_profiles))
            {
                return;
            }
            let declines = if any_declines {
                Self::declines_by(conversation, agent_id)
            } else {
                0
            };
            if declines >= limit {
                return;
            }
            // Smaller is better; every method ends with the round-robin key, so ties go to the
            // agent whose last assignment in this queue is oldest.
            let rank = match method {
                _ if custom.is_some() => {
                    let candidate = Candidate {
                        agent: agent_id,
                        group: agent.group,
                        presence: agent.presence,
                        capacity_units: agent.capacity,
                        used_units: agent.used,
                        active: agent.active,
                        skill_ratings: &self.group_ratings[agent.group.index()],
                        declines,
                    };
                    let ordering = custom.expect("checked by the guard");
                    (
                        declines,
                        ordering.rank(self.events.now(), &conversation.info, &candidate),
                        0,
                        rr_key,
                    )
                }
                _ if closest => {
                    let (missing, surplus) = self.skill_score(agent, conversation);
                    (declines, missing as i64, surplus, member as u64)
                }
                AssignmentMethod::HighestCapacity => {
                    (declines, agent.used - agent.capacity, 0, rr_key)
                }
                AssignmentMethod::RoundRobin => (declines, 0, 0, rr_key),
                AssignmentMethod::LeastActive => (
                    declines,
                    i64::from(agent.active),
                    agent.last_release,
                    rr_key,
                ),
            };
            if best
                .as_ref()
                .is_none_or(|(best_rank, _, _)| rank < *best_rank)
            {
                *best = Some((rank, agent_id, member));
            }
        };
        // Only agents that may take work at all are looked at (see `refresh_presence`); in a
        // busy centre that is a handful instead of the whole queue.
        let mut best = None;
        for (word_idx, &word) in queue.candidates.iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                consider(word_idx * 64 + rest.trailing_zeros() as usize, &mut best);
                rest &= rest - 1;
            }
        }
        #[cfg(debug_assertions)]
        {
            let mut full_scan = None;
            for member in 0..queue.members.len() {
                consider(member, &mut full_scan);
            }
            debug_assert_eq!(
                full_scan.as_ref().map(|(_, _, member)| *member),
                best.as_ref().map(|(_, _, member)| *member),
                "the candidate set missed an eligible agent"
            );
        }
        best.map(|(_, agent, member)| (agent, member))
    }

    /// The first item (across the agent's queues, in serving order) the agent may take.
    fn best_item_for(&self, agent_id: AgentId) -> Option<(ConversationId, usize)> {
        let agent = &self.agents[agent_id.index()];
        if matches!(agent.presence, Presence::Offline) && !self.any_workstream_allows_offline() {
            return None;
        }
        let mut best: Option<(ItemRank, ConversationId, usize)> = None;
        for &(queue_id, member) in &agent.memberships {
            let queue = self.scenario.queue(queue_id);
            if let Some((rank, _, _)) = &best {
                // Memberships are sorted by priority: a lower-priority queue cannot win.
                if rank.0 < queue.priority {
                    break;
                }
            }
            let first_eligible = self.queues[queue_id.index()]
                .waiting
                .iter()
                .take(queue.block_size)
                .find(|(_, id)| {
                    let conversation = &self.conversations[id.slot as usize];
                    self.is_eligible(agent, conversation)
                        && (conversation.declines.is_empty()
                            || Self::declines_by(conversation, agent_id)
                                < self.scenario.simulation.decline_limit)
                });
            if let Some((&key, &id)) = first_eligible {
                let rank = (queue.priority, key, queue_id);
                if best
                    .as_ref()
                    .is_none_or(|(best_rank, _, _)| rank < *best_rank)
                {
                    best = Some((rank, id, member));
                }
            }
        }
        best.map(|(_, id, member)| (id, member))
    }

    fn any_workstream_allows_offline(&self) -> bool {
        self.scenario
            .workstreams
            .iter()
            .any(|w| w.allowed_presences.contains(Presence::Offline))
    }

    fn demand(&self, id: ConversationId) -> i64 {
        let workstream = self.conversations[id.slot as usize].info.workstream;
        i64::from(self.scenario.workstream(workstream).capacity_units)
    }

    /// Takes `units` of the agent's capacity for the conversation, reporting any excess.
    fn hold(
        &mut self,
        now: SimTime,
        id: ConversationId,
        agent_id: AgentId,
        cause: OverCapacityCause,
    ) {
        let units = self.demand(id);
        self.conversations[id.slot as usize].held = units;
        self.conversations[id.slot as usize].holding = true;
        let agent = &mut self.agents[agent_id.index()];
        agent.used += units;
        if units > 0 && agent.used > agent.capacity {
            let (group, excess) = (agent.group, agent.used - agent.capacity);
            self.observer
                .over_capacity(now, agent_id, group, cause, excess);
        }
        let workstream = self.conversations[id.slot as usize].info.workstream;
        for &profile in &self.scenario.workstream(workstream).capacity_profiles {
            let agent = &mut self.agents[agent_id.index()];
            agent.profile_used[profile.index()] += 1;
            let limit =
                self.group_profile_limits[agent.group.index()][profile.index()].unwrap_or(0);
            let used = agent.profile_used[profile.index()];
            if used > limit {
                // Profiles count items: the excess is in items.
                self.observer.over_capacity(
                    now,
                    agent_id,
                    agent.group,
                    cause,
                    i64::from(used - limit),
                );
            }
        }
    }

    /// Gives back what the conversation holds of its agent's capacity.
    fn release_held(&mut self, id: ConversationId, agent_id: AgentId) {
        let held = std::mem::take(&mut self.conversations[id.slot as usize].held);
        let was_holding =
            std::mem::replace(&mut self.conversations[id.slot as usize].holding, false);
        self.agents[agent_id.index()].used -= held;
        if was_holding {
            let workstream = self.conversations[id.slot as usize].info.workstream;
            for &profile in &self.scenario.workstream(workstream).capacity_profiles {
                self.agents[agent_id.index()].profile_used[profile.index()] -= 1;
            }
        }
        self.next_release += 1;
        self.agents[agent_id.index()].last_release = self.next_release;
    }

    /// Offers a conversation (already out of its queue) to an agent. An agent whose group
    /// answers at once accepts in the same step.
    fn offer(&mut self, now: SimTime, id: ConversationId, agent_id: AgentId, route: Route) {
        let slot = id.slot as usize;
        let info = self.conversations[slot].info;
        if let Some(event) = self.conversations[slot].abandon_event.take() {
            self.events.cancel(event);
        }
        let before = self.status(agent_id);
        if let Route::Queue(member) = route {
            let queue = &mut self.queues[info.queue.index()];
            queue.rr_keys[member] = queue.next_rr_key;
            queue.next_rr_key += 1;
        }
        let settings = self.scenario.workstream(info.workstream).notifications;
        let conversation = &mut self.conversations[slot];
        conversation.state = State::Offered;
        conversation.agent = Some(agent_id);
        conversation.affinity_offer = route == Route::Affinity;
        let cause = if route == Route::Affinity {
            OverCapacityCause::Affinity
        } else {
            OverCapacityCause::UnreservedOffer
        };
        match settings.offer_capacity {
            OfferCapacity::Reserved => self.hold(now, id, agent_id, cause),
            OfferCapacity::OnAccept => self.agents[agent_id.index()].ringing_unreserved += 1,
        }
        let via = if route == Route::Affinity {
            OfferVia::Affinity
        } else {
            OfferVia::Queue
        };
        self.observer.offered(now, &info, agent_id, via);
        let group = self.agents[agent_id.index()].group;
        let behaviour = &self.scenario.agent_group(group).response;
        let offline = self.agents[agent_id.index()].presence == Presence::Offline;
        if behaviour.is_instant() && !offline {
            self.start_service(now, id, agent_id);
        } else {
            let streams = &mut self.group_streams[group.index()];
            // Both draws are always made, so an agent's n-th offer sees the same numbers
            // whatever the previous offers' outcomes were.
            let u: f64 = streams.response.random();
            let delay = behaviour
                .response_time
                .as_ref()
                .map_or(SimDuration::ZERO, |d| {
                    SimDuration::from_secs_f64(d.sample(&mut streams.response_time))
                });
            let timeout = settings.timeout;
            let reject_shown = settings.reject == RejectButton::Shown;
            let (response, after) = if offline || u < behaviour.miss_probability || delay >= timeout
            {
                (Response::Timeout, timeout)
            } else if reject_shown && u < behaviour.miss_probability + behaviour.reject_probability
            {
                (Response::Reject, delay)
            } else {
                (Response::Accept, delay)
            };
            self.events
                .schedule(now + after, Event::OfferResponse(id, response));
        }
        self.report_agent(now, agent_id, before);
    }

    /// Offered → Active: the agent accepted. Reports the answer; the caller reports the
    /// agent's change.
    fn start_service(&mut self, now: SimTime, id: ConversationId, agent_id: AgentId) {
        let slot = id.slot as usize;
        let info = self.conversations[slot].info;
        if !self.conversations[slot].holding {
            // An offer that rang on capacity not yet taken (`reserve_capacity_on_offer = false`).
            self.agents[agent_id.index()].ringing_unreserved -= 1;
            let cause = if self.conversations[slot].affinity_offer {
                OverCapacityCause::Affinity
            } else {
                OverCapacityCause::UnreservedOffer
            };
            self.hold(now, id, agent_id, cause);
        }
        self.agents[agent_id.index()].active += 1;
        let conversation = &mut self.conversations[slot];
        conversation.state = State::Active;
        let how = if conversation.queued {
            Answer::FromQueue
        } else {
            Answer::AtOnce
        };
        let previous = conversation.last_agent.replace(agent_id);
        let (segment, resumed_at, affinity_offer) = (
            conversation.segment,
            conversation.resumed_at,
            conversation.affinity_offer,
        );
        let end = now + conversation.handle_time;
        self.events.schedule(end, Event::ServiceEnd(id));
        if segment == 0 {
            self.observer.answered(now, &info, agent_id, how);
        } else {
            let affinity = self.scenario.workstream(info.workstream).affinity == Affinity::On;
            let same = previous == Some(agent_id);
            let returned = match (affinity, same) {
                (true, true) => Return::AffinityKept,
                (true, false) => Return::AffinityBroken,
                (false, true) => Return::SameAgent,
                (false, false) => Return::OtherAgent,
            };
            debug_assert!(!affinity_offer || same);
            self.observer
                .resume_answered(now, &info, agent_id, how, resumed_at, returned);
        }
    }

    fn on_offer_response(&mut self, now: SimTime, id: ConversationId, response: Response) {
        let Some(conversation) = self.conversation(id) else {
            return;
        };
        let (Some(agent_id), State::Offered) = (conversation.agent, conversation.state) else {
            return;
        };
        let info = conversation.info;
        let group = self.agents[agent_id.index()].group;
        let before = self.status(agent_id);
        if response == Response::Accept {
            self.start_service(now, id, agent_id);
            self.report_agent(now, agent_id, before);
            return;
        }
        // Declined: the item goes back to its queue with its old key (affinity, if it had it,
        // is spent) and the agent is tried after the others from now on.
        let settings = self.scenario.workstream(info.workstream).notifications;
        match settings.offer_capacity {
            OfferCapacity::Reserved => self.release_held(id, agent_id),
            OfferCapacity::OnAccept => self.agents[agent_id.index()].ringing_unreserved -= 1,
        }
        let reset = self.scenario.agent_group(group).response.presence_reset;
        let forced = match response {
            Response::Timeout if settings.on_missed == MissedNotification::SetInactive => {
                Some(Presence::Away)
            }
            Response::Reject if settings.on_reject == RejectedNotification::SetBusyDnd => {
                Some(Presence::BusyDnd)
            }
            _ => None,
        };
        if let Some(presence) = forced {
            let agent = &mut self.agents[agent_id.index()];
            agent.forced = Some(presence);
            agent.forced_token = agent.forced_token.wrapping_add(1);
            let token = agent.forced_token;
            self.events
                .schedule(now + reset, Event::PresenceReset(agent_id, token));
        }
        let conversation = &mut self.conversations[id.slot as usize];
        match conversation
            .declines
            .iter_mut()
            .find(|(a, _)| *a == agent_id)
        {
            Some((_, count)) => *count += 1,
            None => conversation.declines.push((agent_id, 1)),
        }
        conversation.state = State::Open;
        conversation.agent = None;
        conversation.affinity_offer = false;
        conversation.wait_key.0 = 1;
        let key = conversation.wait_key;
        let how = if response == Response::Reject {
            Decline::Rejected
        } else {
            Decline::TimedOut
        };
        self.observer.declined(now, &info, agent_id, group, how);
        self.report_agent(now, agent_id, before);

        let block_size = self.scenario.queue(info.queue).block_size;
        let waiting = &mut self.queues[info.queue.index()].waiting;
        waiting.insert(key, id);
        let in_block =
            waiting.len() <= block_size || waiting.keys().take(block_size).any(|&k| k == key);
        if !self.conversations[id.slot as usize].queued {
            self.conversations[id.slot as usize].queued = true;
            self.observer.queued(now, &info);
        }
        self.arm_patience(now, id);
        if in_block {
            self.triggers.push(Trigger::Item(id));
        }
        if self.queues[info.queue.index()].pickable {
            self.wake_idle_pickers(now, info.queue);
        }
        self.triggers.push(Trigger::Agent(agent_id));
    }

    fn on_presence_reset(&mut self, now: SimTime, agent_id: AgentId, token: u32) {
        if self.agents[agent_id.index()].forced_token != token {
            return;
        }
        let before = self.status(agent_id);
        self.agents[agent_id.index()].forced = None;
        if self.report_agent(now, agent_id, before) {
            self.triggers.push(Trigger::Agent(agent_id));
        }
    }

    /// Takes an item out of its queue; if that lets another item into the top block, that item
    /// gets its chance.
    fn remove_from_queue(&mut self, queue_id: QueueId, key: WaitKey) {
        let block_size = self.scenario.queue(queue_id).block_size;
        let waiting = &mut self.queues[queue_id.index()].waiting;
        let was_full = waiting.len() > block_size;
        waiting.remove(&key);
        if was_full {
            if let Some((_, &entering)) = waiting.iter().nth(block_size - 1) {
                self.triggers.push(Trigger::Item(entering));
            }
        }
    }

    fn take_from_queue(&mut self, id: ConversationId) {
        let conversation = &self.conversations[id.slot as usize];
        let (queue, key) = (conversation.info.queue, conversation.wait_key);
        self.remove_from_queue(queue, key);
    }

    fn process_triggers(&mut self, now: SimTime) {
        // Oldest trigger first, so the order of assignments follows the order of causes.
        let mut next = 0;
        while next < self.triggers.len() {
            match self.triggers[next] {
                Trigger::Item(id) => {
                    let still_queued = self
                        .conversation(id)
                        .is_some_and(|c| c.state == State::Open);
                    if still_queued {
                        if let Some((agent, member)) = self.best_agent_for(id) {
                            self.take_from_queue(id);
                            self.offer(now, id, agent, Route::Queue(member));
                        }
                    }
                }
                Trigger::Agent(agent_id) => {
                    while let Some((id, member)) = self.best_item_for(agent_id) {
                        self.take_from_queue(id);
                        self.offer(now, id, agent_id, Route::Queue(member));
                    }
                    if self.any_pickable {
                        self.consider_picking(now, agent_id);
                    }
                }
            }
            next += 1;
        }
        self.triggers.clear();
    }

    // ---- departures ----

    fn on_abandon(&mut self, now: SimTime, id: ConversationId) {
        let Some(conversation) = self.conversation(id) else {
            return;
        };
        if conversation.state != State::Open {
            return;
        }
        let (info, key) = (conversation.info, conversation.wait_key);
        self.conversations[id.slot as usize].abandon_event = None;
        self.remove_from_queue(info.queue, key);
        self.observer.abandoned(now, &info);
        self.release_slot(id);
    }

    fn on_service_end(&mut self, now: SimTime, id: ConversationId) {
        let Some(conversation) = self.conversation(id) else {
            return;
        };
        let info = conversation.info;
        let Some(agent_id) = conversation.agent else {
            return;
        };
        let before = self.status(agent_id);
        let channel = self.scenario.channel(info.channel);
        let streams = &mut self.channels[info.channel.index()];
        let goes_waiting = channel
            .waiting
            .as_ref()
            .is_some_and(|w| streams.waiting.random::<f64>() < w.probability);
        if goes_waiting {
            // Active → Waiting: capacity released now; the customer comes back after a delay,
            // unless the workstream closes the conversation first.
            let delay = channel
                .waiting
                .as_ref()
                .map_or(0.0, |w| w.resume_delay.sample(&mut streams.resume_delay));
            let delay = SimDuration::from_secs_f64(delay);
            self.release_held(id, agent_id);
            self.agents[agent_id.index()].active -= 1;
            let conversation = &mut self.conversations[id.slot as usize];
            conversation.state = State::Waiting;
            conversation.agent = None;
            self.observer.went_waiting(now, &info, agent_id);
            let auto_close = self.scenario.workstream(info.workstream).auto_close_after;
            if delay < auto_close {
                self.events.schedule(now + delay, Event::Resume(id));
            } else {
                self.events.schedule(now + auto_close, Event::AutoClose(id));
            }
        } else {
            let wrap_up = channel.wrap_up.as_ref().map_or(SimDuration::ZERO, |d| {
                SimDuration::from_secs_f64(d.sample(&mut streams.wrap_up))
            });
            if wrap_up == SimDuration::ZERO {
                self.close(now, id, agent_id);
            } else {
                self.conversations[id.slot as usize].state = State::WrapUp;
                match self.scenario.workstream(info.workstream).wrap_up_blocking {
                    WrapUpBlocking::Always => {}
                    WrapUpBlocking::Never => self.release_held(id, agent_id),
                    WrapUpBlocking::For(block) => {
                        if block < wrap_up {
                            self.events.schedule(now + block, Event::WrapUpRelease(id));
                        }
                    }
                }
                self.events.schedule(now + wrap_up, Event::WrapUpEnd(id));
            }
        }
        self.agent_update(now, agent_id, before);
    }

    /// The conversation is over: capacity back, reported handled, slot freed. The caller
    /// reports the agent's change.
    fn close(&mut self, now: SimTime, id: ConversationId, agent_id: AgentId) {
        let info = self.conversations[id.slot as usize].info;
        self.release_held(id, agent_id);
        self.agents[agent_id.index()].active -= 1;
        self.observer.completed(now, &info, agent_id);
        self.release_slot(id);
    }

    fn on_wrap_up_release(&mut self, now: SimTime, id: ConversationId) {
        let Some(conversation) = self.conversation(id) else {
            return;
        };
        let Some(agent_id) = conversation.agent else {
            return;
        };
        let before = self.status(agent_id);
        self.release_held(id, agent_id);
        self.agent_update(now, agent_id, before);
    }

    fn on_wrap_up_end(&mut self, now: SimTime, id: ConversationId) {
        let Some(conversation) = self.conversation(id) else {
            return;
        };
        let Some(agent_id) = conversation.agent else {
            return;
        };
        let before = self.status(agent_id);
        self.close(now, id, agent_id);
        self.agent_update(now, agent_id, before);
    }

    /// Recomputes the agent's presence, reports the change and lets it look for work.
    fn agent_update(&mut self, now: SimTime, agent_id: AgentId, before: AgentStatus) {
        self.report_agent(now, agent_id, before);
        self.triggers.push(Trigger::Agent(agent_id));
    }

    /// Recomputes the agent's presence and reports the change from `before`, if any; returns
    /// whether the agent's status changed.
    fn report_agent(&mut self, now: SimTime, agent_id: AgentId, before: AgentStatus) -> bool {
        self.refresh_presence(agent_id);
        let after = self.status(agent_id);
        let changed = after != before;
        if changed {
            let group = self.agents[agent_id.index()].group;
            self.observer
                .agent_changed(now, agent_id, group, before, after);
        }
        changed
    }

    /// The customer of a Waiting conversation writes again: a new segment. Under affinity it
    /// goes straight to its last agent, whatever that agent's capacity and presence.
    fn on_resume(&mut self, now: SimTime, id: ConversationId) {
        let Some(conversation) = self.conversation(id) else {
            return;
        };
        if conversation.state != State::Waiting {
            return;
        }
        let info = conversation.info;
        let streams = &mut self.channels[info.channel.index()];
        let handle_time = SimDuration::from_secs_f64(
            self.scenario
                .channel(info.channel)
                .handle_time
                .sample(&mut streams.segment_handle_time),
        );
        let seq = self.next_wait_seq;
        self.next_wait_seq += 1;
        let workstream = self.scenario.workstream(info.workstream);
        let affinity =
            workstream.affinity == Affinity::On && workstream.mode == DistributionMode::Push;
        let conversation = &mut self.conversations[id.slot as usize];
        conversation.state = State::Open;
        conversation.segment += 1;
        conversation.resumed_at = now;
        conversation.handle_time = handle_time;
        conversation.queued = false;
        conversation.declines.clear();
        // Asynchronous channels queue by last customer activity, so "oldest" is the resume time.
        conversation.wait_key.0 = if affinity { 0 } else { 1 };
        conversation.wait_key.2 = now;
        conversation.wait_key.3 = seq;
        let last_agent = conversation.last_agent;
        self.observer.resumed(now, &info);
        match (affinity, last_agent) {
            (true, Some(agent)) => self.offer(now, id, agent, Route::Affinity),
            _ => self.enter_queue(now, id),
        }
    }

    fn on_auto_close(&mut self, now: SimTime, id: ConversationId) {
        let Some(conversation) = self.conversation(id) else {
            return;
        };
        if conversation.state != State::Waiting {
            return;
        }
        let info = conversation.info;
        self.observer.auto_closed(now, &info);
        self.release_slot(id);
    }

    // ---- agents ----

    fn on_shift_edge(&mut self, now: SimTime, group_id: GroupId, edge: ShiftEdge) {
        self.events.schedule(
            now + SimDuration::from_micros(DAY),
            Event::Shift(group_id, edge),
        );
        for agent_idx in self.group_agents[group_id.index()].clone() {
            let agent_id = AgentId::from_index(agent_idx);
            let before = self.status(agent_id);
            let agent = &mut self.agents[agent_idx];
            match edge {
                ShiftEdge::Start => agent.on_shift = true,
                ShiftEdge::End => {
                    agent.on_shift = false;
                    agent.on_break = false;
                }
                ShiftEdge::BreakStart => agent.on_break = agent.on_shift,
                ShiftEdge::BreakEnd => agent.on_break = false,
            }
            self.refresh_presence(agent_id);
            let after = self.status(agent_id);
            if after != before {
                self.observer
                    .agent_changed(now, agent_id, group_id, before, after);
                self.triggers.push(Trigger::Agent(agent_id));
            }
        }
    }

    /// Schedules the agent's next random Away episode, if its group has them.
    fn schedule_away(&mut self, now: SimTime, agent_id: AgentId) {
        let group = self.agents[agent_id.index()].group;
        let Some(episodes) = &self.scenario.agent_group(group).away_episodes else {
            return;
        };
        if episodes.per_hour <= 0.0 {
            return;
        }
        let u: f64 = self.group_streams[group.index()].away_gap.random();
        let gap_s = -(1.0 - u).ln() * 3600.0 / episodes.per_hour;
        self.events.schedule(
            now + SimDuration::from_secs_f64(gap_s),
            Event::AwayStart(agent_id),
        );
    }

    fn on_away_start(&mut self, now: SimTime, agent_id: AgentId) {
        let group = self.agents[agent_id.index()].group;
        let Some(episodes) = &self.scenario.agent_group(group).away_episodes else {
            return;
        };
        let duration = episodes
            .duration
            .sample(&mut self.group_streams[group.index()].away_duration);
        let agent = &self.agents[agent_id.index()];
        if !agent.on_shift || agent.on_break || agent.stepped_away {
            self.schedule_away(now, agent_id);
            return;
        }
        let before = self.status(agent_id);
        self.agents[agent_id.index()].stepped_away = true;
        self.refresh_presence(agent_id);
        let after = self.status(agent_id);
        if after != before {
            self.observer
                .agent_changed(now, agent_id, group, before, after);
        }
        self.events.schedule(
            now + SimDuration::from_secs_f64(duration),
            Event::AwayEnd(agent_id),
        );
    }

    fn on_away_end(&mut self, now: SimTime, agent_id: AgentId) {
        let before = self.status(agent_id);
        self.agents[agent_id.index()].stepped_away = false;
        self.agent_update(now, agent_id, before);
        self.schedule_away(now, agent_id);
    }

    fn refresh_presence(&mut self, agent_id: AgentId) {
        let full = self.scenario.simulation.full_capacity_presence;
        let (profiles_used, profiles_full) = self.profile_fill(agent_id);
        let agent = &mut self.agents[agent_id.index()];
        let units_full = agent.used >= agent.capacity;
        // With profiles the agent is full when a blocking profile is, or all its profiles are,
        // and (if it also has unit work) its units are too (SPEC §4).
        let is_full = match profiles_full {
            None => units_full,
            Some(profiles_full) => profiles_full && (units_full || agent.used <= 0),
        };
        agent.presence = if !agent.on_shift {
            Presence::Offline
        } else if agent.on_break || agent.stepped_away {
            Presence::Away
        } else if let Some(forced) = agent.forced {
            forced
        } else if agent.used <= 0 && !profiles_used {
            Presence::Available
        } else if is_full {
            full
        } else {
            Presence::Busy
        };
        let agent = &self.agents[agent_id.index()];
        let may_take_work = self.routable.contains(agent.presence)
            && (agent.used < agent.capacity || self.zero_demand);
        for &(queue_id, member) in &agent.memberships {
            let word = &mut self.queues[queue_id.index()].candidates[member / 64];
            if may_take_work {
                *word |= 1 << (member % 64);
            } else {
                *word &= !(1 << (member % 64));
            }
        }
    }

    /// (any profile in use, whether the profiles make the agent full); `None` for the second
    /// when the agent holds no profile.
    fn profile_fill(&self, agent_id: AgentId) -> (bool, Option<bool>) {
        if self.scenario.capacity_profiles.is_empty() {
            return (false, None);
        }
        let agent = &self.agents[agent_id.index()];
        let limits = &self.group_profile_limits[agent.group.index()];
        let mut any_used = false;
        let mut all_full = true;
        let mut has_any = false;
        for (p, limit) in limits.iter().enumerate() {
            let Some(limit) = *limit else { continue };
            has_any = true;
            any_used |= agent.profile_used[p] > 0;
            all_full &= agent.profile_used[p] >= limit;
        }
        if !has_any {
            return (false, None);
        }
        (any_used, Some(all_full || self.blocked_by_profile(agent)))
    }

    fn status(&self, agent_id: AgentId) -> AgentStatus {
        let agent = &self.agents[agent_id.index()];
        AgentStatus {
            presence: agent.presence,
            staffed_units: if agent.presence == Presence::Offline {
                0
            } else {
                agent.capacity
            },
            used_units: agent.used,
            active: agent.active,
        }
    }
}

fn draw_variable(generator: &VariableGenerator, rng: &mut StreamRng) -> VariableValue {
    match generator {
        VariableGenerator::Text { weights, .. } => {
            let total: f64 = weights.iter().sum();
            let mut u = rng.random::<f64>() * total;
            for (idx, &weight) in weights.iter().enumerate() {
                if u < weight {
                    return VariableValue::Text(idx as u32);
                }
                u -= weight;
            }
            // Rounding can leave u just above the last weight: that draw belongs to the last
            // value with positive weight.
            let last = weights.iter().rposition(|&w| w > 0.0).unwrap_or(0);
            VariableValue::Text(last as u32)
        }
        VariableGenerator::Number(distribution) => VariableValue::Number(distribution.sample(rng)),
    }
}

/// Whether every condition holds for a conversation of `channel` with these variables.
fn conditions_hold(conditions: &[Condition], channel: usize, variables: &[VariableValue]) -> bool {
    conditions.iter().all(|condition| {
        let Some(variable) = condition.variable_by_channel[channel] else {
            return false;
        };
        match (&condition.test, variables[variable]) {
            (ConditionTest::TextIn { values_by_channel }, VariableValue::Text(value)) => {
                values_by_channel[channel].contains(&value)
            }
            (ConditionTest::TextNotIn { values_by_channel }, VariableValue::Text(value)) => {
                !values_by_channel[channel].contains(&value)
            }
            (ConditionTest::Number { op, value }, VariableValue::Number(number)) => {
                op.holds(number, *value)
            }
            _ => false,
        }
    })
}

/// The queue a conversation goes to: the first route-to-queue rule whose conditions all hold,
/// else the workstream's fallback queue.
fn route(
    scenario: &Scenario,
    channel: ChannelId,
    workstream: WorkstreamId,
    variables: &[VariableValue],
    split_rng: &mut StreamRng,
) -> QueueId {
    let workstream = scenario.workstream(workstream);
    let channel = channel.index();
    let Some(rule) = workstream
        .routing
        .iter()
        .find(|rule| conditions_hold(&rule.conditions, channel, variables))
    else {
        return workstream.fallback_queue;
    };
    if rule.split.is_empty() {
        return rule.queue;
    }
    let mut u = split_rng.random::<f64>() * 100.0;
    for &(queue, percent) in &rule.split {
        if u < percent {
            return queue;
        }
        u -= percent;
    }
    rule.split[rule.split.len() - 1].0
}

/// The first classification rule whose conditions all hold.
fn classify(
    scenario: &Scenario,
    channel: ChannelId,
    workstream: WorkstreamId,
    variables: &[VariableValue],
) -> Option<u32> {
    let workstream = scenario.workstream(workstream);
    workstream
        .classification
        .iter()
        .position(|rule| conditions_hold(&rule.conditions, channel.index(), variables))
        .map(|idx| idx as u32)
}
