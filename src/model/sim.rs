//! One replication of a scenario: the run loop and the push distribution of SPEC §3.
//!
//! Assignment is event-driven and incremental. After every step the model keeps one invariant:
//! no (item in the top block of its queue, eligible agent) pair is left unassigned. A new item
//! can only create pairs involving itself, and an agent whose capacity or presence changed only
//! pairs involving that agent, so each trigger re-examines just that item or just that agent.
//! This gives the same assignments as re-running a full cycle over every queue, at a fraction
//! of the cost. Nothing here does I/O or returns errors: the scenario was validated.

use std::collections::BTreeMap;

use rand::Rng;

use crate::engine::{EventId, EventQueue, RandomStreams, SimDuration, SimTime, StreamRng};

use super::arrivals::ArrivalCursor;
use super::observer::{AgentStatus, Answer, ConversationInfo, Observer, OpenState};
use super::{
    AgentId, AssignmentMethod, ChannelId, ConditionTest, ConversationId, GroupId, Presence,
    PresenceSet, QueueId, Scenario, VariableGenerator, VariableValue, WorkstreamId,
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
    Open,
    Active,
}

/// Queue order: affinity items first (rank 0), then priority, then oldest, then arrival order.
type WaitKey = (u8, i32, SimTime, u64);

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
}

#[derive(Debug, Default)]
struct QueueState {
    waiting: BTreeMap<WaitKey, ConversationId>,
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
}

struct Sim<'a, O> {
    scenario: &'a Scenario,
    observer: &'a mut O,
    events: EventQueue<Event>,
    horizon: SimTime,
    channels: Vec<ChannelStreams>,
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
    // Whether some workstream takes no capacity (then a full agent may still take work).
    zero_demand: bool,
    // Presences that some workstream allows.
    routable: PresenceSet,
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

        Sim {
            scenario,
            observer,
            events: EventQueue::new(),
            horizon: SimTime::ZERO + scenario.simulation.horizon,
            channels,
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
                State::Open => OpenState::Queued,
                State::Active => OpenState::InService,
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
        );
        let seq = self.next_wait_seq;
        self.next_wait_seq += 1;
        conversation.info = ConversationInfo {
            channel: channel_id,
            workstream: workstream_id,
            queue: queue_id,
            arrived: now,
        };
        conversation.state = State::Open;
        conversation.handle_time = handle_time;
        conversation.patience_deadline = patience_deadline;
        conversation.abandon_event = None;
        conversation.agent = None;
        conversation.wait_key = (1, 0, now, seq);
        let id = ConversationId {
            slot,
            generation: conversation.generation,
        };
        let info = conversation.info;
        self.observer.arrived(now, &info);

        let key = conversation.wait_key;
        if self.in_top_block(queue_id, key) {
            if let Some((agent, member)) = self.best_agent_for(id) {
                self.assign(now, id, agent, member, Answer::AtOnce);
                return;
            }
        }
        self.queues[queue_id.index()].waiting.insert(key, id);
        self.observer.queued(now, &info);
        if patience_deadline < SimTime::NEVER {
            let event = self
                .events
                .schedule(patience_deadline.max(now), Event::Abandon(id));
            self.conversations[slot as usize].abandon_event = Some(event);
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
            },
            state: State::Open,
            handle_time: SimDuration::ZERO,
            patience_deadline: SimTime::NEVER,
            abandon_event: None,
            agent: None,
            wait_key: (0, 0, SimTime::ZERO, 0),
            variables: Vec::new(),
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

    fn is_eligible(&self, agent: &Agent, workstream: WorkstreamId) -> bool {
        let workstream = self.scenario.workstream(workstream);
        workstream.allowed_presences.contains(agent.presence)
            && self.scenario.simulation.capacity_compare.admits(
                agent.capacity - agent.used,
                i64::from(workstream.capacity_units),
            )
    }

    /// The best eligible member of the conversation's queue, by the queue's method.
    fn best_agent_for(&self, id: ConversationId) -> Option<(AgentId, usize)> {
        let conversation = &self.conversations[id.slot as usize];
        let queue_id = conversation.info.queue;
        let queue = &self.queues[queue_id.index()];
        let method = self.scenario.queue(queue_id).assignment;
        let workstream = self.scenario.workstream(conversation.info.workstream);
        let allowed = workstream.allowed_presences;
        let demand = i64::from(workstream.capacity_units);
        let compare = self.scenario.simulation.capacity_compare;
        // Smaller is better; every method ends with the round-robin key, so ties go to the agent
        // whose last assignment in this queue is oldest.
        let mut best: Option<((i64, u64, u64), usize)> = None;
        for (word_idx, &word) in queue.candidates.iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                let member = word_idx * 64 + rest.trailing_zeros() as usize;
                rest &= rest - 1;
                let agent = &self.agents[queue.members[member].index()];
                if !(allowed.contains(agent.presence)
                    && compare.admits(agent.capacity - agent.used, demand))
                {
                    continue;
                }
                let rr_key = queue.rr_keys[member];
                let rank = match method {
                    AssignmentMethod::HighestCapacity => (agent.used - agent.capacity, 0, rr_key),
                    AssignmentMethod::RoundRobin => (0, 0, rr_key),
                    AssignmentMethod::LeastActive => {
                        (i64::from(agent.active), agent.last_release, rr_key)
                    }
                };
                if best.is_none_or(|(best_rank, _)| rank < best_rank) {
                    best = Some((rank, member));
                }
            }
        }
        best.map(|(_, member)| (queue.members[member], member))
    }

    /// The first item (across the agent's queues, in serving order) the agent may take.
    fn best_item_for(&self, agent_id: AgentId) -> Option<(ConversationId, usize)> {
        let agent = &self.agents[agent_id.index()];
        if matches!(agent.presence, Presence::Offline) && !self.any_workstream_allows_offline() {
            return None;
        }
        let mut best: Option<((i32, WaitKey, QueueId), ConversationId, usize)> = None;
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
                    self.is_eligible(agent, self.conversations[id.slot as usize].info.workstream)
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

    fn assign(
        &mut self,
        now: SimTime,
        id: ConversationId,
        agent_id: AgentId,
        member: usize,
        how: Answer,
    ) {
        let slot = id.slot as usize;
        let info = self.conversations[slot].info;
        if how == Answer::FromQueue {
            let key = self.conversations[slot].wait_key;
            self.remove_from_queue(info.queue, key);
        }
        if let Some(event) = self.conversations[slot].abandon_event.take() {
            self.events.cancel(event);
        }
        let demand = i64::from(self.scenario.workstream(info.workstream).capacity_units);
        let before = self.status(agent_id);
        let agent = &mut self.agents[agent_id.index()];
        agent.used += demand;
        agent.active += 1;
        let group = agent.group;
        let queue = &mut self.queues[info.queue.index()];
        queue.rr_keys[member] = queue.next_rr_key;
        queue.next_rr_key += 1;
        self.refresh_presence(agent_id);
        let conversation = &mut self.conversations[slot];
        conversation.state = State::Active;
        conversation.agent = Some(agent_id);
        let end = now + conversation.handle_time;
        self.events.schedule(end, Event::ServiceEnd(id));
        self.observer.answered(now, &info, agent_id, how);
        let after = self.status(agent_id);
        self.observer
            .agent_changed(now, agent_id, group, before, after);
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
                            self.assign(now, id, agent, member, Answer::FromQueue);
                        }
                    }
                }
                Trigger::Agent(agent_id) => {
                    while let Some((id, member)) = self.best_item_for(agent_id) {
                        self.assign(now, id, agent_id, member, Answer::FromQueue);
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
        let demand = i64::from(self.scenario.workstream(info.workstream).capacity_units);
        let before = self.status(agent_id);
        self.next_release += 1;
        let agent = &mut self.agents[agent_id.index()];
        agent.used -= demand;
        agent.active -= 1;
        agent.last_release = self.next_release;
        let group = agent.group;
        self.refresh_presence(agent_id);
        self.observer.completed(now, &info, agent_id);
        let after = self.status(agent_id);
        self.observer
            .agent_changed(now, agent_id, group, before, after);
        self.release_slot(id);
        self.triggers.push(Trigger::Agent(agent_id));
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

    /// Recomputes the agent's presence from its shift and capacity, and whether it may take
    /// work at all. Every change of an agent's capacity use or presence must end here: the
    /// candidate bits are a superset of the agents eligible for any item, and assignment looks
    /// at no one else.
    fn refresh_presence(&mut self, agent_id: AgentId) {
        let full = self.scenario.simulation.full_capacity_presence;
        let agent = &mut self.agents[agent_id.index()];
        agent.presence = if !agent.on_shift {
            Presence::Offline
        } else if agent.on_break {
            Presence::Away
        } else if agent.used <= 0 {
            Presence::Available
        } else if agent.used >= agent.capacity {
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

/// The queue a conversation goes to: the first route-to-queue rule whose conditions all hold,
/// else the workstream's fallback queue.
fn route(
    scenario: &Scenario,
    channel: ChannelId,
    workstream: WorkstreamId,
    variables: &[VariableValue],
) -> QueueId {
    let workstream = scenario.workstream(workstream);
    let channel = channel.index();
    for rule in &workstream.routing {
        let matches = rule.conditions.iter().all(|condition| {
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
        });
        if matches {
            return rule.queue;
        }
    }
    workstream.fallback_queue
}
