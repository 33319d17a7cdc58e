//! Push assignment: queue order and the top block, eligibility (presence, capacity, skills,
//! profiles, declines), the assignment methods, best agent for an item and best item for an
//! agent.

use super::*;

impl<O: Observer> Sim<'_, O> {
    /// Routes an Open item: offered at once if it would be in the top block and an agent may
    /// take it, else queued (with its abandon timer on the first segment).
    pub(super) fn enter_queue(&mut self, now: SimTime, id: ConversationId) {
        let conversation = &self.conversations[id.slot as usize];
        let (info, key) = (conversation.info, conversation.wait_key);
        let queue_id = info.queue;
        if self.in_top_block(queue_id, key) {
            if let Some((agent, route)) = self.choose_agent_for(id) {
                self.offer(now, id, agent, route);
                return;
            }
        }
        self.queues[queue_id.index()].waiting.insert(key, id);
        if self.any_preferred {
            self.note_queued_preferences(id);
        }
        let conversation = &mut self.conversations[id.slot as usize];
        conversation.entered_queue = true;
        // Not reported again if its offer made at once rang and was declined (`offers.rs`).
        if !std::mem::replace(&mut conversation.queued, true) {
            self.observer.queued(now, &info);
        }
        self.arm_patience(now, id);
        if self.queues[queue_id.index()].pickable {
            self.wake_idle_pickers(now, queue_id);
        }
    }

    /// Whether an item with this key would be among the first `block_size` of its queue.
    pub(super) fn in_top_block(&self, queue: QueueId, key: WaitKey) -> bool {
        self.queues[queue.index()].waiting.in_top_block(key)
    }

    /// Takes an item out of its queue; if that lets another item into the top block, that item
    /// gets its chance.
    fn remove_from_queue(&mut self, queue_id: QueueId, key: WaitKey) {
        if let Some(entering) = self.queues[queue_id.index()].waiting.remove(key) {
            self.triggers.push(Trigger::Item(entering));
        }
    }

    /// Takes a queued item out of its queue (and out of its preferred agents' lists).
    pub(super) fn take_from_queue(&mut self, id: ConversationId) {
        let conversation = &self.conversations[id.slot as usize];
        let (queue, key) = (conversation.info.queue, conversation.wait_key);
        if self.any_preferred {
            self.unlist_preferences(id);
        }
        self.remove_from_queue(queue, key);
    }

    /// (missing rating points, surplus rating points) of the agent for the item's skills.
    pub(super) fn skill_score(&self, agent: &Agent, conversation: &Conversation) -> (u64, u64) {
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
    pub(super) fn skills_pass(&self, agent: &Agent, conversation: &Conversation) -> bool {
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

    pub(super) fn is_eligible(&self, agent: &Agent, conversation: &Conversation) -> bool {
        self.is_eligible_for_workstream(agent, conversation.info.workstream)
            && (conversation.class.is_none() || self.skills_pass(agent, conversation))
            && (self.scenario.capacity_profiles.is_empty()
                || self.profiles_admit(agent, conversation))
    }

    pub(super) fn is_eligible_for_workstream(
        &self,
        agent: &Agent,
        workstream: WorkstreamId,
    ) -> bool {
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
    pub(super) fn declines_by(conversation: &Conversation, agent: AgentId) -> u32 {
        conversation
            .declines
            .iter()
            .find(|(a, _)| *a == agent)
            .map_or(0, |&(_, n)| n)
    }

    /// The best eligible member of the conversation's queue, by the queue's method. Agents
    /// that declined the item come after those that did not.
    pub(super) fn best_agent_for(&self, id: ConversationId) -> Option<(AgentId, usize)> {
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
                || (check_profiles && !self.profiles_admit(agent, conversation))
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
                    (declines, missing as i64, surplus as i64, member as u64)
                }
                // Most room first: in the item's profiles, then in units (SPEC §3). Without
                // profiles the first key is 0 for everyone and units decide.
                AssignmentMethod::HighestCapacity => (
                    declines,
                    -self.profile_room(agent, conversation),
                    agent.used - agent.capacity,
                    rr_key,
                ),
                AssignmentMethod::RoundRobin => (declines, 0, 0, rr_key),
                AssignmentMethod::LeastActive => (
                    declines,
                    i64::from(agent.active),
                    agent.last_release.as_micros() as i64,
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
        // Highest capacity over profiles ranks by the room in this item's profiles, which the
        // queue's standing order (by units) does not know.
        let profile_ranked = method == AssignmentMethod::HighestCapacity
            && super::capacity::item_profiles(self.scenario, conversation)
                .next()
                .is_some();
        let mut best = None;
        let in_method_order = custom.is_none() && !closest && !profile_ranked;
        if in_method_order {
            // The candidates are kept in the method's order (see `refresh_presence`), so the
            // first eligible one is the best: the search does not grow with the idle agents.
            // Declines rank first, so an agent that has not declined the item goes before
            // every one that has: the first such agent is the best, if there is one.
            let take = |member: usize| {
                if any_declines && Self::declines_by(conversation, queue.members[member]) > 0 {
                    return false;
                }
                consider(member, &mut best);
                best.is_some()
            };
            match &queue.turns {
                Some(turns) => turns.first(take),
                None => queue.ranked.first(take),
            };
        }
        if !in_method_order || (any_declines && best.is_none()) {
            // Only agents that may take work at all are looked at; the rank depends on the
            // item (declines, skill scores, profiles, a custom ordering), so every candidate
            // is ranked.
            for (word_idx, &word) in queue.candidates.iter().enumerate() {
                let mut rest = word;
                while rest != 0 {
                    consider(word_idx * 64 + rest.trailing_zeros() as usize, &mut best);
                    rest &= rest - 1;
                }
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
    pub(super) fn best_item_for(&self, agent_id: AgentId) -> Option<(ConversationId, usize)> {
        let agent = &self.agents[agent_id.index()];
        if matches!(agent.presence, Presence::Offline) && !self.any_workstream_allows_offline() {
            return None;
        }
        // An agent that is full (or ringing with an unreserved offer) may take no item: the
        // top blocks are not walked for nothing (they may hold millions of items).
        if !self.may_take_work(agent) || agent.ringing_unreserved != 0 {
            #[cfg(debug_assertions)]
            for &(queue_id, _) in &agent.memberships {
                let block = self.scenario.queue(queue_id).block_size.min(1_000);
                for (_, id) in self.queues[queue_id.index()].waiting.iter().take(block) {
                    let conversation = &self.conversations[id.slot as usize];
                    debug_assert!(!self.is_eligible(agent, conversation), "{agent_id:?}");
                }
            }
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
                        && (!self.any_preferred || self.method_may_assign(conversation, agent_id))
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

    pub(super) fn any_workstream_allows_offline(&self) -> bool {
        self.scenario
            .workstreams
            .iter()
            .any(|w| w.allowed_presences.contains(Presence::Offline))
    }
}
