//! Typed ids for the entities of a scenario, so an agent index can never be used as a queue.

use std::fmt;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub(crate) u32);

        impl $name {
            /// The position of the entity in its scenario list.
            pub fn index(self) -> usize {
                self.0 as usize
            }
            pub fn from_index(index: usize) -> Self {
                $name(index as u32)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}#{}", stringify!($name), self.0)
            }
        }
    };
}

typed_id!(
    /// A channel (live chat, SMS, ...), in `Scenario::channels`.
    ChannelId
);
typed_id!(
    /// A workstream, in `Scenario::workstreams`.
    WorkstreamId
);
typed_id!(
    /// A queue, in `Scenario::queues`.
    QueueId
);
typed_id!(
    /// A group of identical agents, in `Scenario::agent_groups`.
    GroupId
);
typed_id!(
    /// One agent: agents are numbered group by group, in group order.
    AgentId
);
typed_id!(
    /// A skill, in `Scenario::skills`.
    SkillId
);
typed_id!(
    /// A capacity profile, in `Scenario::capacity_profiles`.
    ProfileId
);

/// A conversation in flight. Slots are reused once a conversation closes, so the generation
/// tells a stale event (for an earlier conversation in the same slot) from a current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConversationId {
    pub(crate) slot: u32,
    pub(crate) generation: u32,
}
