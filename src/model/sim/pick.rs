//! Pick mode and self-selection: agents who pick the oldest item they may see after a think
//! time, and idle pickers woken when an item arrives.

use super::capacity::item_profiles;
use super::*;

impl<O: Observer> Sim<'_, O> {
    /// Whether the agent may pick this item now: presence allowed for a pick workstream (any
    /// presence but Offline under self-selection, which ignores presence), and room by habit.
    pub(super) fn may_pick(
        &self,
        agent: &Agent,
        conversation: &Conversation,
    ) -> Option<OverCapacityCause> {
        let ws = self.scenario.workstream(conversation.info.workstream);
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
                    && (item_profiles(self.scenario, conversation).next().is_none()
                        || self.profiles_admit(agent, conversation))
            }
        };
        room.then_some(cause)
    }

    /// Whether some item could be picked by the agent at all: in a presence some pick (or
    /// self-selection) workstream allows, and, if its group picks only with free capacity,
    /// with room for the smallest picked item. Debug builds check that an agent that may not
    /// is refused every queued item by `may_pick`.
    fn may_pick_some(&self, agent: &Agent) -> bool {
        self.pick_presences.contains(agent.presence)
            && match self.scenario.agent_group(agent.group).picking.when {
                PickWhen::Always => true,
                PickWhen::FreeCapacity => self
                    .scenario
                    .simulation
                    .capacity_compare
                    .admits(agent.capacity - agent.used, self.min_pick_units),
            }
    }

    /// The oldest item (in serving order across the agent's pickable queues) it may pick.
    pub(super) fn best_pick_for(
        &self,
        agent_id: AgentId,
    ) -> Option<(ConversationId, usize, OverCapacityCause)> {
        let agent = &self.agents[agent_id.index()];
        if !self.may_pick_some(agent) {
            #[cfg(debug_assertions)]
            for &(queue_id, _) in &agent.memberships {
                for (_, id) in self.queues[queue_id.index()].waiting.iter().take(1_000) {
                    let conversation = &self.conversations[id.slot as usize];
                    debug_assert!(self.may_pick(agent, conversation).is_none(), "{agent_id:?}");
                }
            }
            return None;
        }
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
                    self.may_pick(agent, &self.conversations[id.slot as usize])
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
    pub(super) fn consider_picking(&mut self, now: SimTime, agent_id: AgentId) {
        let agent = &self.agents[agent_id.index()];
        if !agent.picker || agent.pick_pending || agent.presence == Presence::Offline {
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

    pub(super) fn wake_idle_pickers(&mut self, now: SimTime, queue: QueueId) {
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

    pub(super) fn on_pick_attempt(&mut self, now: SimTime, agent_id: AgentId) {
        self.agents[agent_id.index()].pick_pending = false;
        if let Some((id, member, cause)) = self.best_pick_for(agent_id) {
            self.take_from_queue(id);
            let slot = id.slot as usize;
            self.withdraw_patience(slot);
            let before = self.status(agent_id);
            let queue = &mut self.queues[self.conversations[slot].info.queue.index()];
            queue.take_turn(member);
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
}
