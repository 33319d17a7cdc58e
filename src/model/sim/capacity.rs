//! Capacity: units and capacity profiles held and released by conversations, profile limits
//! and blocking, profiles appended by classification, end-of-day profile resets, and the
//! excess over capacity reported with its cause.

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
        let scenario = self.scenario;
        for profile in item_profiles(scenario, &self.conversations[id.slot as usize]) {
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

    /// Gives back what the conversation holds of its agent's capacity. Only a real release
    /// (something was held) stamps the agent's last release, which least active ranks by: a
    /// conversation whose wrap-up released its capacity earlier does not stamp it again when it
    /// closes.
    pub(super) fn release_held(&mut self, now: SimTime, id: ConversationId, agent_id: AgentId) {
        let held = std::mem::take(&mut self.conversations[id.slot as usize].held);
        let was_holding =
            std::mem::replace(&mut self.conversations[id.slot as usize].holding, false);
        self.agents[agent_id.index()].used -= held;
        if was_holding {
            let scenario = self.scenario;
            for profile in item_profiles(scenario, &self.conversations[id.slot as usize]) {
                // An end-of-day profile counts the item until the agent's shift ends.
                if scenario.capacity_profiles[profile.index()].reset == ProfileReset::Immediate {
                    self.agents[agent_id.index()].profile_used[profile.index()] -= 1;
                }
            }
            self.agents[agent_id.index()].last_release = now;
        }
    }

    /// Room in every profile the item needs (its workstream's and those its classification
    /// appended), and no full profile that blocks all work.
    pub(super) fn profiles_admit(&self, agent: &Agent, conversation: &Conversation) -> bool {
        let limits = &self.group_profile_limits[agent.group.index()];
        let room = item_profiles(self.scenario, conversation)
            .all(|p| limits[p.index()].is_some_and(|limit| agent.profile_used[p.index()] < limit));
        room && !self.blocked_by_profile(agent, &[ProfileBlocking::AllWork])
    }

    /// Items the agent could still take in the tightest of the item's profiles (0 for none); the
    /// agent holds every one of them when it is eligible.
    pub(super) fn profile_room(&self, agent: &Agent, conversation: &Conversation) -> i64 {
        let limits = &self.group_profile_limits[agent.group.index()];
        item_profiles(self.scenario, conversation)
            .map(|p| {
                i64::from(limits[p.index()].unwrap_or(0)) - i64::from(agent.profile_used[p.index()])
            })
            .min()
            .unwrap_or(0)
    }

    /// Whether a full profile with one of these blockings stops the agent.
    pub(super) fn blocked_by_profile(&self, agent: &Agent, blockings: &[ProfileBlocking]) -> bool {
        let limits = &self.group_profile_limits[agent.group.index()];
        self.scenario
            .capacity_profiles
            .iter()
            .enumerate()
            .any(|(p, profile)| {
                blockings.contains(&profile.blocking)
                    && limits[p].is_some_and(|limit| agent.profile_used[p] >= limit)
            })
    }

    /// End of an agent's day: its end-of-day profiles start again from zero, whatever it
    /// still holds (those items no longer count).
    pub(super) fn reset_day_profiles(&mut self, agent_id: AgentId) {
        let agent = &mut self.agents[agent_id.index()];
        for (p, profile) in self.scenario.capacity_profiles.iter().enumerate() {
            if profile.reset == ProfileReset::EndOfDay {
                agent.profile_used[p] = 0;
            }
        }
    }

    /// Midnight for a group that works around the clock: its end-of-day profiles reset.
    pub(super) fn on_day_end(&mut self, now: SimTime, group: GroupId) {
        self.events
            .schedule(now + SimDuration::from_micros(DAY), Event::DayEnd(group));
        for agent_idx in self.group_agents[group.index()].clone() {
            let agent_id = AgentId::from_index(agent_idx);
            let before = self.status(agent_id);
            self.reset_day_profiles(agent_id);
            self.agent_update(now, agent_id, before);
        }
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
        let blocked = self.blocked_by_profile(
            agent,
            &[ProfileBlocking::AllWork, ProfileBlocking::SameProfile],
        );
        (any_used, Some(all_full || blocked))
    }
}

/// The profiles an item takes a place in: its workstream's, then those its classification
/// rule appended.
pub(super) fn item_profiles<'s>(
    scenario: &'s Scenario,
    conversation: &Conversation,
) -> impl Iterator<Item = ProfileId> + 's {
    let workstream = scenario.workstream(conversation.info.workstream);
    let appended: &'s [ProfileId] = match conversation.class {
        Some(class) => &workstream.classification[class as usize].capacity_profiles,
        None => &[],
    };
    workstream.capacity_profiles.iter().chain(appended).copied()
}
