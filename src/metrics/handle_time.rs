//! Handle time per conversation: the time agents spend on it, from each accept to the end of
//! that Active segment (a segment that ends in Waiting) or to the close (the last segment, with
//! its wrap-up). The observer reports segments, not conversation ids, so a conversation is
//! known by (channel, arrival time), and an open segment also by its agent.
//!
//! Memory follows the conversations in the system, not those of the run: an entry lives from
//! accept to close. Two conversations of one channel arriving in the same microsecond (only a
//! replayed trace can do that) may swap their handle times; the sum over both is unchanged.

use std::collections::HashMap;

use crate::engine::FastHash;
use crate::model::{AgentId, ConversationInfo};

/// (channel index, arrival in microseconds).
type ConversationKey = (usize, u64);

#[derive(Debug, Clone, Default)]
pub(super) struct HandleTimes {
    /// Open segments per agent: (conversation, segment start in microseconds). An agent holds
    /// a handful at once, so a linear scan beats a map.
    open: Vec<Vec<(ConversationKey, u64)>>,
    /// Time of the finished segments of conversations that went Waiting.
    /// Looked up only, never iterated, so the fast hash cannot reach an output.
    earlier: HashMap<ConversationKey, u64, FastHash>,
}

fn key(c: &ConversationInfo) -> ConversationKey {
    (c.channel.index(), c.arrived.as_micros())
}

impl HandleTimes {
    pub fn new(n_agents: usize) -> HandleTimes {
        HandleTimes {
            open: vec![Vec::new(); n_agents],
            earlier: HashMap::default(),
        }
    }

    /// An agent accepted a segment at `now`.
    pub fn start(&mut self, agent: AgentId, c: &ConversationInfo, now: u64) {
        self.open[agent.index()].push((key(c), now));
    }

    fn end_segment(&mut self, agent: AgentId, c: &ConversationInfo, now: u64) -> u64 {
        let open = &mut self.open[agent.index()];
        let wanted = key(c);
        match open.iter().position(|&(k, _)| k == wanted) {
            Some(at) => now.saturating_sub(open.swap_remove(at).1),
            None => 0,
        }
    }

    /// The segment ended in Waiting: its time is kept until the conversation closes.
    pub fn pause(&mut self, agent: AgentId, c: &ConversationInfo, now: u64) {
        let spent = self.end_segment(agent, c, now);
        *self.earlier.entry(key(c)).or_insert(0) += spent;
    }

    /// The conversation closed: its whole handle time, in microseconds.
    pub fn finish(&mut self, agent: AgentId, c: &ConversationInfo, now: u64) -> u64 {
        let last = self.end_segment(agent, c, now);
        // Most scenarios never put a conversation in Waiting: skip the hash then.
        let earlier = if self.earlier.is_empty() {
            0
        } else {
            self.earlier.remove(&key(c)).unwrap_or(0)
        };
        last + earlier
    }

    /// A Waiting conversation closed without an agent (auto-close): it is not handled.
    pub fn forget(&mut self, c: &ConversationInfo) {
        if !self.earlier.is_empty() {
            self.earlier.remove(&key(c));
        }
    }
}
