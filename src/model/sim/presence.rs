//! Presence: shifts and breaks, staffing curves (agents logged in per interval), random away
//! episodes, presence from capacity, the candidate
//! set of each queue, and the agent status reported to the observer.

use super::*;

impl<O: Observer> Sim<'_, O> {
    pub(super) fn on_shift_edge(&mut self, now: SimTime, group_id: GroupId, edge: ShiftEdge) {
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
            if edge == ShiftEdge::End {
                self.reset_day_profiles(agent_id);
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

    /// Logs in the agents of the curve's first interval (the run starts at midnight) and
    /// schedules every interval edge at which the curve changes.
    pub(super) fn start_staffing_curve(&mut self, group_id: GroupId) {
        let Some(curve) = &self.scenario.agent_group(group_id).staffing_curve else {
            return;
        };
        let n = curve.agents.len();
        let width = curve.interval.as_micros();
        let period = curve.period().as_micros();
        for k in 0..n {
            if curve.agents[k] != curve.agents[(k + n - 1) % n] {
                // Edge 0 is midnight, applied below; its next occurrence is a period (a day,
                // a week...) later.
                let first = if k == 0 { period } else { k as u64 * width };
                self.events.schedule(
                    SimTime::from_micros(first),
                    Event::StaffingEdge(group_id, k as u32),
                );
            }
        }
        self.log_in_curve(SimTime::ZERO, group_id, curve.agents[0]);
    }

    pub(super) fn on_staffing_edge(&mut self, now: SimTime, group_id: GroupId, k: u32) {
        let Some(curve) = &self.scenario.agent_group(group_id).staffing_curve else {
            return;
        };
        self.events
            .schedule(now + curve.period(), Event::StaffingEdge(group_id, k));
        let logged_in = curve.agents[k as usize];
        self.log_in_curve(now, group_id, logged_in);
    }

    /// The group's first `logged_in` agents are on shift, the others off: like a shift end,
    /// logging out takes no work away (the agent is Offline and finishes what it holds).
    fn log_in_curve(&mut self, now: SimTime, group_id: GroupId, logged_in: u32) {
        let range = self.group_agents[group_id.index()].clone();
        let first = range.start;
        for agent_idx in range {
            let on_shift = agent_idx - first < logged_in as usize;
            if self.agents[agent_idx].on_shift == on_shift {
                continue;
            }
            let agent_id = AgentId::from_index(agent_idx);
            let before = self.status(agent_id);
            self.agents[agent_idx].on_shift = on_shift;
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
    pub(super) fn schedule_away(&mut self, now: SimTime, agent_id: AgentId) {
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

    pub(super) fn on_away_start(&mut self, now: SimTime, agent_id: AgentId) {
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
        // Away may be allowed where the presence it replaces (a forced Busy - DND) was not.
        self.report_agent(now, agent_id, before);
        self.events.schedule(
            now + SimDuration::from_secs_f64(duration),
            Event::AwayEnd(agent_id),
        );
    }

    pub(super) fn on_away_end(&mut self, now: SimTime, agent_id: AgentId) {
        let before = self.status(agent_id);
        self.agents[agent_id.index()].stepped_away = false;
        self.agent_update(now, agent_id, before);
        self.schedule_away(now, agent_id);
    }

    pub(super) fn refresh_presence(&mut self, agent_id: AgentId) {
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
        let may_take_work = self.may_take_work(agent);
        for &(queue_id, member) in &agent.memberships {
            let queue = &mut self.queues[queue_id.index()];
            let word = &mut queue.candidates[member / 64];
            if may_take_work {
                *word |= 1 << (member % 64);
            } else {
                *word &= !(1 << (member % 64));
            }
            if let Some(turns) = &mut queue.turns {
                let place = may_take_work.then(|| (turn_rank(turns, agent), queue.rr_keys[member]));
                turns.set(member, place);
                continue;
            }
            let key = may_take_work.then(|| {
                let method = self.scenario.queue(queue_id).assignment;
                RankedMember::new(method_rank(method, agent), queue.rr_keys[member], member)
            });
            if key != queue.ranked_key[member] {
                match (queue.ranked_key[member], key) {
                    (Some(old), Some(new)) => queue.ranked.replace(&old, new),
                    (Some(old), None) => queue.ranked.remove(&old),
                    (None, Some(new)) => queue.ranked.insert(new),
                    (None, None) => {}
                }
                queue.ranked_key[member] = key;
            }
        }
    }

    /// Whether the agent may take some push item at all: in a presence some workstream allows,
    /// with room for an item (or some workstream's items take no room). An agent that may not
    /// is eligible for no item (debug builds check the candidate sets built on this).
    pub(super) fn may_take_work(&self, agent: &Agent) -> bool {
        self.routable.contains(agent.presence) && (agent.used < agent.capacity || self.zero_demand)
    }

    pub(super) fn status(&self, agent_id: AgentId) -> AgentStatus {
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

    /// Recomputes the agent's presence, reports the change and lets it look for work.
    pub(super) fn agent_update(&mut self, now: SimTime, agent_id: AgentId, before: AgentStatus) {
        self.report_change(now, agent_id, before);
        self.triggers.push(Trigger::Agent(agent_id));
    }

    /// Recomputes the agent's presence and reports the change from `before`, if any; returns
    /// whether the agent's status changed. A move into a presence that some workstream allows
    /// and the old one was not (`opens`) lets the agent look for work: it may now be eligible
    /// for items that waited beside it.
    pub(super) fn report_agent(
        &mut self,
        now: SimTime,
        agent_id: AgentId,
        before: AgentStatus,
    ) -> bool {
        let changed = self.report_change(now, agent_id, before);
        let after = self.agents[agent_id.index()].presence;
        if changed && self.opens[before.presence.index()].contains(after) {
            self.triggers.push(Trigger::Agent(agent_id));
        }
        changed
    }

    /// `report_agent` without the trigger, for callers that push one anyway.
    pub(super) fn report_change(
        &mut self,
        now: SimTime,
        agent_id: AgentId,
        before: AgentStatus,
    ) -> bool {
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
}

/// The part of an agent's rank that its queue's assignment method gives (smaller first), below
/// 2^96; the round-robin key breaks ties. Must agree with the ranks `best_agent_for` computes
/// (highest capacity over capacity profiles ranks by the item's profiles and is searched
/// without it).
pub(super) fn method_rank(method: AssignmentMethod, agent: &Agent) -> u128 {
    match method {
        // Less free room (used − capacity, signed) ranks later.
        AssignmentMethod::HighestCapacity => {
            u128::from(unsigned_order(agent.used - agent.capacity))
        }
        AssignmentMethod::RoundRobin => 0,
        // (active conversations, last release): 32 + 64 bits.
        AssignmentMethod::LeastActive => {
            u128::from(agent.active) << 64 | u128::from(agent.last_release.as_micros())
        }
    }
}

/// The rank of a member of a queue kept in turns (`sim/turns.rs`): highest capacity's (as
/// [`method_rank`]'s, which fits 64 bits), or round robin's (none).
fn turn_rank(turns: &Turns, agent: &Agent) -> u64 {
    if turns.by_room {
        unsigned_order(agent.used - agent.capacity)
    } else {
        0
    }
}

/// The signed value as an unsigned one of the same order: the sign bit flipped.
fn unsigned_order(value: i64) -> u64 {
    (value as u64) ^ (1 << 63)
}

#[cfg(test)]
mod tests {
    use super::unsigned_order;

    #[test]
    fn signed_values_keep_their_order_unsigned() {
        let values = [
            i64::MIN,
            i64::MIN + 1,
            -1_000,
            -3,
            -1,
            0,
            1,
            2,
            1_000,
            i64::MAX,
        ];
        for pair in values.windows(2) {
            assert!(
                unsigned_order(pair[0]) < unsigned_order(pair[1]),
                "{pair:?}"
            );
        }
    }
}
