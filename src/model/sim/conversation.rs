//! The conversation life cycle after routing: patience and abandonment, service, Waiting and
//! resume (with affinity), auto-close, wrap-up and close.

use super::*;

impl<O: Observer> Sim<'_, O> {
    /// Starts the customer's patience clock for this segment if it has one and it is not
    /// already running: in the queue and while an offer rings alike.
    pub(super) fn arm_patience(&mut self, now: SimTime, id: ConversationId) {
        let conversation = &self.conversations[id.slot as usize];
        let deadline = conversation.patience_deadline;
        if deadline < SimTime::NEVER && conversation.abandon_event.is_none() {
            let event = self.events.schedule(deadline.max(now), Event::Abandon(id));
            self.conversations[id.slot as usize].abandon_event = Some(event);
        }
    }

    /// Stops the customer's patience clock (the conversation was answered or picked). The
    /// timer stays in the event queue and is skipped when it comes up, because the
    /// conversation no longer names it (`patience_pending` in `run.rs`): nothing is hashed.
    pub(super) fn withdraw_patience(&mut self, slot: usize) {
        let _withdrawn = self.conversations[slot].abandon_event.take();
        #[cfg(debug_assertions)]
        if let Some(event) = _withdrawn {
            self.withdrawn_timers.insert(event);
        }
    }

    /// The customer gives up: from the queue, or while an offer rings (the offer is withdrawn
    /// and whatever it held of the agent is given back).
    pub(super) fn on_abandon(&mut self, now: SimTime, id: ConversationId) {
        let Some(conversation) = self.conversation(id) else {
            return;
        };
        let (info, state) = (conversation.info, conversation.state);
        let (entered_queue, segment, agent) = (
            conversation.entered_queue,
            conversation.segment,
            conversation.agent,
        );
        let from = match (state, agent) {
            (State::Open, _) => {
                self.take_from_queue(id);
                Abandonment::Queue
            }
            (State::Offered, Some(agent_id)) => {
                let before = self.status(agent_id);
                if self.conversations[id.slot as usize].holding {
                    self.release_held(now, id, agent_id);
                } else {
                    self.agents[agent_id.index()].ringing_unreserved -= 1;
                }
                self.agent_update(now, agent_id, before);
                if entered_queue {
                    Abandonment::RingingAfterQueue
                } else {
                    Abandonment::Ringing
                }
            }
            _ => return,
        };
        self.conversations[id.slot as usize].abandon_event = None;
        if segment == 0 {
            self.observer.abandoned(now, &info, from);
        } else {
            self.observer.resume_abandoned(now, &info, from);
        }
        self.release_slot(id);
    }

    /// Offered → Active: the agent accepted. Reports the answer; the caller reports the
    /// agent's change.
    pub(super) fn start_service(&mut self, now: SimTime, id: ConversationId, agent_id: AgentId) {
        let slot = id.slot as usize;
        let info = self.conversations[slot].info;
        self.withdraw_patience(slot);
        if !self.conversations[slot].holding {
            // An offer that rang on capacity not yet taken (`reserve_capacity_on_offer = false`).
            self.agents[agent_id.index()].ringing_unreserved -= 1;
            let cause = if self.conversations[slot].affinity_offer {
                OverCapacityCause::Affinity
            } else if self.conversations[slot].preferred_offer {
                OverCapacityCause::PreferredAgent
            } else {
                OverCapacityCause::UnreservedOffer
            };
            self.hold(now, id, agent_id, cause);
        }
        self.agents[agent_id.index()].active += 1;
        let conversation = &mut self.conversations[slot];
        conversation.state = State::Active;
        let how = if conversation.entered_queue {
            Answer::FromQueue
        } else if conversation.queued {
            Answer::AfterRinging
        } else {
            Answer::AtOnce
        };
        let previous = conversation.last_agent.replace(agent_id);
        let (segment, resumed_at, affinity_offer) = (
            conversation.segment,
            conversation.resumed_at,
            conversation.affinity_offer,
        );
        self.schedule_service_end(now, id, agent_id);
        self.concurrency_changed(now, agent_id);
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

    pub(super) fn on_service_end(&mut self, now: SimTime, id: ConversationId) {
        let Some(conversation) = self.conversation(id) else {
            return;
        };
        let info = conversation.info;
        let Some(agent_id) = conversation.agent else {
            return;
        };
        let before = self.status(agent_id);
        self.service_ended(now, id, agent_id);
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
            self.release_held(now, id, agent_id);
            self.agents[agent_id.index()].active -= 1;
            self.concurrency_changed(now, agent_id);
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
                    WrapUpBlocking::Never => self.release_held(now, id, agent_id),
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
    pub(super) fn close(&mut self, now: SimTime, id: ConversationId, agent_id: AgentId) {
        let info = self.conversations[id.slot as usize].info;
        self.release_held(now, id, agent_id);
        self.agents[agent_id.index()].active -= 1;
        self.concurrency_changed(now, agent_id);
        self.observer.completed(now, &info, agent_id);
        self.release_slot(id);
    }

    pub(super) fn on_wrap_up_release(&mut self, now: SimTime, id: ConversationId) {
        let Some(conversation) = self.conversation(id) else {
            return;
        };
        let Some(agent_id) = conversation.agent else {
            return;
        };
        let before = self.status(agent_id);
        self.release_held(now, id, agent_id);
        self.agent_update(now, agent_id, before);
    }

    pub(super) fn on_wrap_up_end(&mut self, now: SimTime, id: ConversationId) {
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

    /// The customer of a Waiting conversation writes again: a new segment. Under affinity it
    /// goes straight to its last agent, whatever that agent's capacity and presence.
    pub(super) fn on_resume(&mut self, now: SimTime, id: ConversationId) {
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
        // The resumed segment's own patience, from its own stream (none: waits forever).
        let patience_deadline = match self
            .scenario
            .channel(info.channel)
            .waiting
            .as_ref()
            .and_then(|w| w.resume_patience.as_ref())
        {
            Some(patience) => {
                now + SimDuration::from_secs_f64(patience.sample(&mut streams.resume_patience))
            }
            None => SimTime::NEVER,
        };
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
        conversation.patience_deadline = patience_deadline;
        conversation.queued = false;
        conversation.entered_queue = false;
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

    pub(super) fn on_auto_close(&mut self, now: SimTime, id: ConversationId) {
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
}
