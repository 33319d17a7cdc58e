//! Preferred agents (push only, SPEC §3): up to three ordered agents per conversation, chosen
//! at arrival from the value of a context variable. The first one in an allowed presence gets
//! the conversation, whatever its capacity, skills and the queue's assignment method; when
//! none is, the workstream's fallback applies: the queue's method picks the next best agent,
//! or the conversation waits in its queue for a preferred agent.
//!
//! A preferred agent who declines the conversation is spent for it (as affinity is): the next
//! preferred agent, then the fallback, come next. When every preferred agent has declined,
//! the conversation is routed by the queue's method even under "leave in queue", so that it
//! is not stranded. Affinity comes first: a resumed conversation offered to its last agent
//! does not look at its preferences.
//!
//! It does not rank eligible agents (`push.rs` does) and changes nothing for conversations
//! without preferences.

use super::*;

/// What a conversation's preferences say about who may have it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Preference {
    /// No preference (or all spent): the queue's method decides.
    Method,
    /// This preferred agent, now.
    Agent(AgentId),
    /// No preferred agent is in an allowed presence, and the conversation waits for one.
    Wait,
}

impl<O: Observer> Sim<'_, O> {
    /// Draws the conversation's preferred agents from its variables (at arrival).
    pub(super) fn draw_preferred(&mut self, slot: usize) {
        let conversation = &mut self.conversations[slot];
        conversation.preferred = [None; 3];
        conversation.preferred_offer = false;
        if !self.any_preferred {
            return;
        }
        let info = conversation.info;
        let Some(rule) = &self.scenario.workstream(info.workstream).preferred_agents else {
            return;
        };
        let channel = info.channel.index();
        let Some(variable) = rule.variable_by_channel[channel] else {
            return;
        };
        let VariableValue::Text(value) = conversation.variables[variable] else {
            return;
        };
        let entries = &rule.by_channel_value[channel][value as usize];
        let rng = &mut self.channels[channel].preferred;
        for (position, entry) in entries.iter().enumerate() {
            let agents = &self.group_agents[entry.group.index()];
            let offset = match entry.agent {
                Some(agent) => agent as usize,
                None => rng.random_range(0..agents.len()),
            };
            self.conversations[slot].preferred[position] =
                Some(AgentId::from_index(agents.start + offset));
        }
    }

    pub(super) fn preference(&self, conversation: &Conversation) -> Preference {
        if conversation.preferred[0].is_none() {
            return Preference::Method;
        }
        let workstream = self.scenario.workstream(conversation.info.workstream);
        let mut all_spent = true;
        for agent_id in conversation.preferred.iter().flatten().copied() {
            if Self::declines_by(conversation, agent_id) > 0 {
                continue;
            }
            all_spent = false;
            if workstream
                .allowed_presences
                .contains(self.agents[agent_id.index()].presence)
            {
                return Preference::Agent(agent_id);
            }
        }
        let fallback = workstream
            .preferred_agents
            .as_ref()
            .map_or(PreferredFallback::NextBest, |p| p.fallback);
        match fallback {
            PreferredFallback::LeaveInQueue if !all_spent => Preference::Wait,
            _ => Preference::Method,
        }
    }

    /// Who an Open item goes to now: a preferred agent, else the queue's best agent (unless
    /// it waits for a preferred one).
    pub(super) fn choose_agent_for(&self, id: ConversationId) -> Option<(AgentId, Route)> {
        let conversation = &self.conversations[id.slot as usize];
        match self.preference(conversation) {
            Preference::Agent(agent) => Some((agent, Route::Preferred)),
            Preference::Wait => None,
            Preference::Method => self
                .best_agent_for(id)
                .map(|(agent, member)| (agent, Route::Queue(member))),
        }
    }

    /// The agent (and its member index in the item's queue) that the queue's method ranks
    /// first for item `id`, which `agent` (member `member`) may take: an item waiting for a
    /// preferred agent stays with `agent`, as does one no other agent ranks above it.
    pub(super) fn method_choice(
        &self,
        id: ConversationId,
        agent: AgentId,
        member: usize,
    ) -> (AgentId, usize) {
        let conversation = &self.conversations[id.slot as usize];
        if self.any_preferred && self.preference(conversation) != Preference::Method {
            return (agent, member);
        }
        self.best_agent_for(id).unwrap_or((agent, member))
    }

    /// Whether the queue's method may give this queued item to `agent` (not when the item
    /// waits for a preferred agent that is not this one).
    pub(super) fn method_may_assign(&self, conversation: &Conversation, agent: AgentId) -> bool {
        match self.preference(conversation) {
            Preference::Method => true,
            Preference::Agent(preferred) => preferred == agent,
            Preference::Wait => false,
        }
    }

    /// Lists a queued item with preferences under each of its preferred agents, so that they
    /// find it when their presence changes.
    pub(super) fn note_queued_preferences(&mut self, id: ConversationId) {
        let conversation = &self.conversations[id.slot as usize];
        let entry = (conversation.info.queue, conversation.wait_key);
        for agent in conversation.preferred.iter().flatten() {
            // An agent named twice is listed once.
            self.preferred_queued[agent.index()].insert(entry, id);
        }
    }

    /// Takes an item that leaves its queue off its preferred agents' lists.
    pub(super) fn unlist_preferences(&mut self, id: ConversationId) {
        let conversation = &self.conversations[id.slot as usize];
        let entry = (conversation.info.queue, conversation.wait_key);
        for agent in conversation.preferred.iter().flatten() {
            self.preferred_queued[agent.index()].remove(&entry);
        }
    }

    /// Offers the agent every queued item (in the top block of its queue) whose first
    /// available preferred agent it now is, in serving order, whatever its capacity. Only the
    /// items that name the agent are looked at, and of each queue only those in its top block:
    /// a turn costs no more than the blocks, however many items wait for the agent.
    pub(super) fn offer_preferred_items(&mut self, now: SimTime, agent_id: AgentId) {
        let list = &self.preferred_queued[agent_id.index()];
        // In a presence no workstream allows, the agent is no item's available preferred agent.
        if list.is_empty()
            || !self
                .routable
                .contains(self.agents[agent_id.index()].presence)
        {
            return;
        }
        let mut found: Vec<(ItemRank, ConversationId)> = Vec::new();
        let mut from = list.first_key_value().map(|(&(queue, _), _)| queue);
        while let Some(queue) = from {
            from = None;
            for (&(in_queue, key), &id) in list.range((queue, WAIT_KEY_MIN)..) {
                if in_queue != queue || !self.in_top_block(queue, key) {
                    // The rest of this queue is behind its top block: on to the next queue.
                    from = list
                        .range((QueueId::from_index(queue.index() + 1), WAIT_KEY_MIN)..)
                        .next()
                        .map(|(&(next, _), _)| next);
                    break;
                }
                let conversation = &self.conversations[id.slot as usize];
                debug_assert!(conversation.state == State::Open && conversation.wait_key == key);
                if self.preference(conversation) == Preference::Agent(agent_id) {
                    found.push(((self.scenario.queue(queue).priority, key, queue), id));
                }
            }
        }
        found.sort_unstable_by_key(|&(rank, _)| rank);
        #[cfg(debug_assertions)]
        self.check_preferred_found(agent_id, &found);
        for (_, id) in found {
            self.take_from_queue(id);
            self.offer(now, id, agent_id, Route::Preferred);
        }
    }
}

#[cfg(debug_assertions)]
impl<O: Observer> Sim<'_, O> {
    /// Debug builds: the items found through the agent's lists are exactly those a walk over
    /// every queue's top block finds (when the blocks are small enough to walk at every turn).
    fn check_preferred_found(&self, agent_id: AgentId, found: &[(ItemRank, ConversationId)]) {
        let blocks: usize = (self.queues.iter())
            .map(|q| q.waiting.len().min(q.waiting.block_size()))
            .sum();
        if blocks > 10_000 {
            return;
        }
        let mut walked = Vec::new();
        for (queue_idx, queue) in self.queues.iter().enumerate() {
            let queue_id = QueueId::from_index(queue_idx);
            for (&key, &id) in queue.waiting.iter().take(queue.waiting.block_size()) {
                let conversation = &self.conversations[id.slot as usize];
                if self.preference(conversation) == Preference::Agent(agent_id) {
                    walked.push(((self.scenario.queue(queue_id).priority, key, queue_id), id));
                }
            }
        }
        walked.sort_unstable_by_key(|&(rank, _)| rank);
        debug_assert_eq!(walked, found, "the preferred items of {agent_id:?}");
    }
}
