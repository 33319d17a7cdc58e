//! Offers and notifications: the offer to an agent, the agent's response (accept, reject,
//! time out), declines, and the presence a missed or rejected notification forces until reset.

use super::*;

impl<O: Observer> Sim<'_, O> {
    /// Offers a conversation (already out of its queue) to an agent. An agent whose group
    /// answers at once accepts in the same step.
    pub(super) fn offer(
        &mut self,
        now: SimTime,
        id: ConversationId,
        agent_id: AgentId,
        route: Route,
    ) {
        let slot = id.slot as usize;
        let info = self.conversations[slot].info;
        let before = self.status(agent_id);
        if let Route::Queue(member) = route {
            let queue = &mut self.queues[info.queue.index()];
            queue.take_turn(member);
        }
        let settings = self.scenario.workstream(info.workstream).notifications;
        let conversation = &mut self.conversations[slot];
        conversation.state = State::Offered;
        conversation.agent = Some(agent_id);
        conversation.affinity_offer = route == Route::Affinity;
        conversation.preferred_offer = route == Route::Preferred;
        conversation.offered_at = now;
        let cause = match route {
            Route::Affinity => OverCapacityCause::Affinity,
            Route::Preferred => OverCapacityCause::PreferredAgent,
            Route::Queue(_) => OverCapacityCause::UnreservedOffer,
        };
        match settings.offer_capacity {
            OfferCapacity::Reserved => self.hold(now, id, agent_id, cause),
            OfferCapacity::OnAccept => self.agents[agent_id.index()].ringing_unreserved += 1,
        }
        let via = match route {
            Route::Affinity => OfferVia::Affinity,
            Route::Preferred => OfferVia::Preferred,
            Route::Queue(_) => OfferVia::Queue,
        };
        self.observer.offered(now, &info, agent_id, via);
        let group = self.agents[agent_id.index()].group;
        let behaviour = &self.scenario.agent_group(group).response;
        let absent = self.is_absent(agent_id);
        if behaviour.is_instant() && !absent {
            self.start_service(now, id, agent_id);
        } else {
            // The customer waits for the agent to accept: an offer made the moment it arrived
            // (or resumed) now counts as waiting, as one made from the queue does.
            if !std::mem::replace(&mut self.conversations[slot].queued, true) {
                self.observer.queued(now, &info);
            }
            // The customer's patience keeps running while the notification rings.
            self.arm_patience(now, id);
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
            let (response, after) = if absent || u < behaviour.miss_probability || delay >= timeout
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

    pub(super) fn on_offer_response(
        &mut self,
        now: SimTime,
        id: ConversationId,
        response: Response,
    ) {
        let Some(conversation) = self.conversation(id) else {
            return;
        };
        let (Some(agent_id), State::Offered) = (conversation.agent, conversation.state) else {
            return;
        };
        let info = conversation.info;
        if response != Response::Timeout && self.is_absent(agent_id) {
            // Stepped away (or logged off) while the notification rang: nobody answers it, so
            // it rings on until its timeout.
            let timeout = self
                .scenario
                .workstream(info.workstream)
                .notifications
                .timeout;
            self.events.schedule(
                conversation.offered_at + timeout,
                Event::OfferResponse(id, Response::Timeout),
            );
            return;
        }
        let group = self.agents[agent_id.index()].group;
        let before = self.status(agent_id);
        if response == Response::Accept {
            // An unreserved offer takes its capacity now and stops ringing: the agent's
            // capacity and presence change, so it looks for work again (an older queued item
            // it can now take must not wait for a later arrival to overtake it).
            let unreserved = !conversation.holding;
            self.start_service(now, id, agent_id);
            if unreserved {
                self.agent_update(now, agent_id, before);
            } else {
                self.report_agent(now, agent_id, before);
            }
            return;
        }
        // Declined: the item goes back to its queue with its old key (affinity, if it had it,
        // is spent) and the agent is tried after the others from now on.
        let settings = self.scenario.workstream(info.workstream).notifications;
        match settings.offer_capacity {
            OfferCapacity::Reserved => self.release_held(now, id, agent_id),
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
        conversation.preferred_offer = false;
        conversation.wait_key.0 = 1;
        let key = conversation.wait_key;
        let how = if response == Response::Reject {
            Decline::Rejected
        } else {
            Decline::TimedOut
        };
        self.observer.declined(now, &info, agent_id, group, how);
        // Its trigger comes after the item's (below).
        self.report_change(now, agent_id, before);

        if self.any_preferred {
            self.note_queued_preferences(id);
        }
        let waiting = &mut self.queues[info.queue.index()].waiting;
        waiting.insert(key, id);
        let in_block = waiting.in_top_block(key);
        let conversation = &mut self.conversations[id.slot as usize];
        conversation.entered_queue = true;
        // An offer that rang was reported `queued` when it began to ring (`offer`).
        debug_assert!(conversation.queued, "a declined offer rang");
        if !std::mem::replace(&mut conversation.queued, true) {
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

    /// Whether the agent is not at the desk (Away: on a break, in an away episode or Inactive;
    /// or Offline) and its group lets such an agent miss offers rather than answer them.
    pub(super) fn is_absent(&self, agent_id: AgentId) -> bool {
        let agent = &self.agents[agent_id.index()];
        matches!(agent.presence, Presence::Away | Presence::Offline)
            && self.scenario.agent_group(agent.group).response.when_absent == WhenAbsent::Miss
    }

    pub(super) fn on_presence_reset(&mut self, now: SimTime, agent_id: AgentId, token: u32) {
        if self.agents[agent_id.index()].forced_token != token {
            return;
        }
        let before = self.status(agent_id);
        self.agents[agent_id.index()].forced = None;
        if self.report_change(now, agent_id, before) {
            self.triggers.push(Trigger::Agent(agent_id));
        }
    }
}
