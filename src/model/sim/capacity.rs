//! Capacity: units and capacity profiles held and released by conversations, profile limits
//! and blocking, and the excess over capacity reported with its cause.

use super::*;

impl<O: Observer> Sim<'_, O> {
    pub(super) fn demand(&self, id: ConversationId) -> i64 {
        let workstream = self.conversations[id.slot as usize].info.workstream;
        i64::from(self.scenario.workstream(workstream).capacity_units)
    }

    /// Takes `units` of the agent's capacity for the conversation, reporting any excess.
    pub(super) fn hold(
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
    pub(super) fn release_held(&mut self, id: ConversationId, agent_id: AgentId) {
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

    /// Room in every profile the item needs, and no full blocking profile.
    pub(super) fn profiles_admit(&self, agent: &Agent, needed: &[ProfileId]) -> bool {
        let limits = &self.group_profile_limits[agent.group.index()];
        let room = needed
            .iter()
            .all(|p| limits[p.index()].is_some_and(|limit| agent.profile_used[p.index()] < limit));
        room && !self.blocked_by_profile(agent)
    }

    pub(super) fn blocked_by_profile(&self, agent: &Agent) -> bool {
        let limits = &self.group_profile_limits[agent.group.index()];
        self.scenario
            .capacity_profiles
            .iter()
            .enumerate()
            .any(|(p, profile)| {
                profile.blocking == ProfileBlocking::AllWork
                    && limits[p].is_some_and(|limit| agent.profile_used[p] >= limit)
            })
    }

    /// (any profile in use, whether the profiles make the agent full); `None` for the second
    /// when the agent holds no profile.
    pub(super) fn profile_fill(&self, agent_id: AgentId) -> (bool, Option<bool>) {
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
}
