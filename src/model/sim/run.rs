//! The event loop: start of day, dispatch of each event to its behaviour, the assignment
//! triggers that follow every event, the end of the run, and the conversation slots.

use super::*;

impl<O: Observer> Sim<'_, O> {
    pub(super) fn run(&mut self) {
        self.start();
        // Events at the current instant since the clock last moved or a customer arrived, and
        // the most conversations in the system meanwhile: a million customers who abandon at
        // the same instant are a million events there, not a stall.
        let (mut instant, mut at_instant) = (SimTime::ZERO, 0u64);
        let mut instant_peak = 0;
        while let Some(scheduled) = self.events.pop_until(self.horizon) {
            // A withdrawn patience timer is skipped before it counts as an event, as a
            // cancelled one would be (see `withdraw_patience`). The queue's clock stopping at
            // it is not seen: anything scheduled next is scheduled by a later event.
            if let Event::Abandon(c) = scheduled.event {
                let pending = patience_pending(&self.conversations, c, scheduled.id);
                #[cfg(debug_assertions)]
                debug_assert_eq!(
                    !pending,
                    self.withdrawn_timers.remove(&scheduled.id),
                    "patience timer {:?}",
                    scheduled.id
                );
                if !pending {
                    continue;
                }
            }
            self.stats.events += 1;
            let now = scheduled.time;
            if now != instant || matches!(scheduled.event, Event::Arrival(_)) {
                (instant, at_instant, instant_peak) = (now, 0, 0);
            }
            at_instant += 1;
            instant_peak = instant_peak.max(self.live_conversations);
            if self.stats.events % PROGRESS_EVERY == 0 {
                self.observer.progress(now);
            }
            if at_instant > self.stall_limit(instant_peak) {
                self.stats.stall = Some(self.stall(now, at_instant, &scheduled.event));
                break;
            }
            match scheduled.event {
                Event::Arrival(channel) => self.on_arrival(now, channel),
                Event::Abandon(id) => self.on_abandon(now, id),
                Event::ServiceEnd(id) => self.on_service_end(now, id),
                Event::Shift(group, edge) => self.on_shift_edge(now, group, edge),
                Event::StaffingEdge(group, k) => self.on_staffing_edge(now, group, k),
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
                Event::DayEnd(group) => self.on_day_end(now, group),
            }
            // Groups whose rosters change at the same instant (two shifts starting at 09:00)
            // change together: their agents look for work once all of them have changed, so
            // the first group does not take the whole backlog.
            if is_roster_change(&scheduled.event)
                && self
                    .events
                    .peek()
                    .is_some_and(|(next, event)| next == now && is_roster_change(event))
            {
                continue;
            }
            self.process_triggers(now);
            #[cfg(debug_assertions)]
            self.check_nothing_left_to_assign(now);
        }
        self.finish();
    }

    /// Debug builds, small centres: the invariant itself, by a full look over every queue's
    /// top block after the step (what a product cycle would assign now, nothing may be left).
    #[cfg(debug_assertions)]
    fn check_nothing_left_to_assign(&self, now: SimTime) {
        if self.agents.len() > 32 {
            return;
        }
        for (q, queue) in self.queues.iter().enumerate() {
            let block = self.scenario.queues[q].block_size.min(200);
            for (_, &id) in queue.waiting.iter().take(block) {
                debug_assert!(
                    self.choose_agent_for(id).is_none(),
                    "at {now:?}, {id:?} in queue {q} waits beside {:?}",
                    self.choose_agent_for(id)
                );
            }
        }
    }

    pub(super) fn start(&mut self) {
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
                None if group.staffing_curve.is_some() => (false, false),
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
            let end_of_day = self
                .scenario
                .capacity_profiles
                .iter()
                .any(|p| p.reset == ProfileReset::EndOfDay);
            if group.shift.is_none() && end_of_day {
                self.events
                    .schedule(SimTime::from_micros(DAY), Event::DayEnd(group_id));
            }
            if group.staffing_curve.is_some() {
                self.start_staffing_curve(group_id);
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

    /// Reports what is still open at the horizon (or where a stalled run stopped).
    pub(super) fn finish(&mut self) {
        let now = self.stats.stall.map_or(self.horizon, |stall| stall.at);
        for conversation in self.conversations.iter().filter(|c| c.live) {
            let state = match conversation.state {
                // Not yet accepted: from the customer's side still waiting for an agent.
                State::Open | State::Offered if conversation.segment == 0 => OpenState::Queued,
                State::Open | State::Offered => OpenState::ResumeQueued,
                State::Active | State::WrapUp => OpenState::InService,
                State::Waiting => OpenState::Waiting,
                State::WithBot => OpenState::WithBot,
            };
            self.observer.still_open(now, &conversation.info, state);
        }
        self.observer.finished(now);
    }

    pub(super) fn process_triggers(&mut self, now: SimTime) {
        // Oldest trigger first, so the order of assignments follows the order of causes.
        let mut next = 0;
        while next < self.triggers.len() {
            match self.triggers[next] {
                Trigger::Item(id) => {
                    let still_queued = self
                        .conversation(id)
                        .is_some_and(|c| c.state == State::Open);
                    if still_queued {
                        if let Some((agent, route)) = self.choose_agent_for(id) {
                            self.take_from_queue(id);
                            self.offer(now, id, agent, route);
                        }
                    }
                }
                Trigger::Agent(agent_id) => {
                    if self.any_preferred {
                        self.offer_preferred_items(now, agent_id);
                    }
                    // The agent's items in serving order, each to the agent its queue's method
                    // ranks first: when several agents changed at once (a shift starts, a
                    // staffing edge, a day's profiles reset), the first of them must not take
                    // the whole backlog, nor the agent of an earlier trigger an item whose own
                    // trigger is still to come. With no trigger left behind this one, the agent
                    // is the only eligible one for what it finds (the agents of earlier
                    // triggers found nothing more, and the others had nothing: the invariant
                    // above), so it takes it without ranking the others.
                    while let Some((id, member)) = self.best_item_for(agent_id) {
                        let (to, member) = if next + 1 < self.triggers.len() {
                            self.method_choice(id, agent_id, member)
                        } else {
                            debug_assert_eq!(
                                self.method_choice(id, agent_id, member).0,
                                agent_id,
                                "the last trigger's agent was not the only eligible one"
                            );
                            (agent_id, member)
                        };
                        self.take_from_queue(id);
                        self.offer(now, id, to, Route::Queue(member));
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

    pub(super) fn allocate_slot(&mut self) -> u32 {
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
            entered_queue: false,
            segment: 0,
            resumed_at: SimTime::ZERO,
            last_agent: None,
            affinity_offer: false,
            offered_at: SimTime::ZERO,
            declines: Vec::new(),
            route_rule: None,
            class: None,
            work_left: 0.0,
            work_since: SimTime::ZERO,
            work_factor: 1.0,
            service_event: None,
            preferred: [None; 3],
            preferred_offer: false,
        });
        slot
    }

    pub(super) fn release_slot(&mut self, id: ConversationId) {
        self.conversations[id.slot as usize].live = false;
        self.free_slots.push(id.slot);
        self.live_conversations -= 1;
    }

    pub(super) fn conversation(&self, id: ConversationId) -> Option<&Conversation> {
        let conversation = &self.conversations[id.slot as usize];
        (conversation.live && conversation.generation == id.generation).then_some(conversation)
    }
}

/// Whether `id` is the patience timer conversation `c` still has running: a timer withdrawn
/// (answered, picked) or belonging to an earlier occupant of the slot is not.
fn patience_pending(conversations: &[Conversation], c: ConversationId, id: EventId) -> bool {
    let conversation = &conversations[c.slot as usize];
    conversation.live
        && conversation.generation == c.generation
        && conversation.abandon_event == Some(id)
}

/// A change of which agents are on shift or of their day's quotas, made for a whole group at
/// an instant of the roster.
fn is_roster_change(event: &Event) -> bool {
    matches!(
        event,
        Event::Shift(..) | Event::StaffingEdge(..) | Event::DayEnd(..)
    )
}
