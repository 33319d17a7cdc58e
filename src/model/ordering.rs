//! The extension point for custom assignment methods: a library user implements
//! [`AgentOrdering`] to rank the eligible agents of a queue, and sets it on the queue in Rust
//! code (`scenario.queues[i].custom_ordering`). The engine still decides eligibility
//! (presence, capacity, skills, declines) and breaks ties round robin; the ordering only ranks.
//! It cannot be set from a scenario file, which holds data, not code.

use std::fmt;

use crate::engine::SimTime;

use super::{AgentId, ConversationInfo, GroupId, Presence};

/// What an ordering may know about one eligible agent.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub agent: AgentId,
    pub group: GroupId,
    pub presence: Presence,
    pub capacity_units: i64,
    pub used_units: i64,
    /// Conversations Active with the agent.
    pub active: u32,
    /// The agent's rating of each skill, indexed by `SkillId` (0: lacks it).
    pub skill_ratings: &'a [u32],
    /// How many times this agent declined this item already.
    pub declines: u32,
}

/// Ranks the eligible agents for an item: the smallest rank is offered the item; equal ranks
/// go to the agent whose last assignment in the queue is oldest. Must be deterministic (the
/// same inputs give the same rank) so that runs stay reproducible.
pub trait AgentOrdering: fmt::Debug + Send + Sync {
    fn rank(&self, now: SimTime, item: &ConversationInfo, candidate: &Candidate<'_>) -> i64;
}
