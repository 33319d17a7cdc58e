//! The guarantee of progress: a run whose clock stays at one instant for far more events than
//! any real burst needs stops and says where, instead of looping for ever. Validation refuses
//! the zero-time cycles known (a channel that goes Waiting and resumes with no time passing);
//! this is the net below it, for any cycle not foreseen.
//!
//! The count restarts whenever the clock moves and at every arrival (arrivals at one instant
//! come from a finite trace, so they are progress); the limit grows with the conversations in
//! the system, so that a legitimate burst (a shift start serving a long queue with zero handle
//! times) is never taken for a stall.

use super::*;

/// Events at one instant, without an arrival, beyond which a run is stalled (plus
/// [`STALL_EVENTS_PER_CONVERSATION`] for each conversation in the system).
pub(super) const STALL_EVENTS: u64 = 1_000_000;
pub(super) const STALL_EVENTS_PER_CONVERSATION: u64 = 64;

/// Why a run stopped early: its clock did not move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stall {
    /// The instant the clock stayed at.
    pub at: SimTime,
    /// Events processed at that instant (since the last arrival) when the run stopped.
    pub events: u64,
    /// What the last event was about.
    pub subject: StallSubject,
    /// The kind of the last event, e.g. `"resume"`.
    pub event: &'static str,
}

/// The entity of the event at which a stall was detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StallSubject {
    /// A conversation of this channel (served by the channel's workstream).
    Conversation(ChannelId),
    Agent(AgentId, GroupId),
    Group(GroupId),
    /// The run itself (the end of the warm-up).
    Run,
}

impl Stall {
    /// A sentence for a planner: when, how many events, and which channel or agent group.
    pub fn describe(&self, scenario: &Scenario) -> String {
        let subject = match self.subject {
            StallSubject::Conversation(channel) => {
                let channel = scenario.channel(channel);
                format!(
                    "a conversation of channel \"{}\" (workstream \"{}\")",
                    channel.name,
                    scenario.workstream(channel.workstream).name
                )
            }
            StallSubject::Agent(agent, group) => format!(
                "agent {} of agent group \"{}\"",
                agent.index(),
                scenario.agent_group(group).name
            ),
            StallSubject::Group(group) => {
                format!("agent group \"{}\"", scenario.agent_group(group).name)
            }
            StallSubject::Run => "the run".to_string(),
        };
        format!(
            "the simulated clock stayed at {} for {} events without moving (the last: {} of {}); a cycle of zero durations keeps it there: give the durations involved a positive value",
            self.at, self.events, self.event, subject
        )
    }
}

impl<O: Observer> Sim<'_, O> {
    /// The limit of events at one instant during which at most `live` conversations were in
    /// the system.
    pub(super) fn stall_limit(&self, live: usize) -> u64 {
        self.stall_override
            .unwrap_or(STALL_EVENTS + STALL_EVENTS_PER_CONVERSATION * live as u64)
    }

    pub(super) fn stall(&self, at: SimTime, events: u64, event: &Event) -> Stall {
        let conversation = |id: &ConversationId| {
            self.conversation(*id).map_or(StallSubject::Run, |c| {
                StallSubject::Conversation(c.info.channel)
            })
        };
        let agent = |id: &AgentId| StallSubject::Agent(*id, self.agents[id.index()].group);
        let (event, subject) = match event {
            Event::Arrival(channel) => ("arrival", StallSubject::Conversation(*channel)),
            Event::Abandon(id) => ("abandonment", conversation(id)),
            Event::ServiceEnd(id) => ("end of service", conversation(id)),
            Event::Shift(group, _) => ("shift change", StallSubject::Group(*group)),
            Event::WarmUpEnd => ("end of the warm-up", StallSubject::Run),
            Event::OfferResponse(id, _) => ("response to an offer", conversation(id)),
            Event::WrapUpRelease(id) => ("capacity release in wrap-up", conversation(id)),
            Event::WrapUpEnd(id) => ("end of wrap-up", conversation(id)),
            Event::Resume(id) => ("resume from Waiting", conversation(id)),
            Event::AutoClose(id) => ("auto-close", conversation(id)),
            Event::PresenceReset(id, _) => ("presence reset", agent(id)),
            Event::PickAttempt(id) => ("pick", agent(id)),
            Event::BotEnd(id, _) => ("end of the bot", conversation(id)),
            Event::AwayStart(id) => ("start of an away episode", agent(id)),
            Event::AwayEnd(id) => ("end of an away episode", agent(id)),
            Event::StaffingEdge(group, _) => ("staffing-curve change", StallSubject::Group(*group)),
            Event::DayEnd(group) => ("end-of-day profile reset", StallSubject::Group(*group)),
        };
        Stall {
            at,
            events,
            subject,
            event,
        }
    }
}

/// Debug and test builds only: `ROUTESIM_TEST_STALL_LIMIT=N` replaces the limit by a fixed `N`
/// events at one instant, so that tests can drive the binary's handling of a stalled run (no
/// valid scenario is known to stall: validation refuses every zero-time cycle known). Release
/// builds ignore it.
pub(super) fn stall_override() -> Option<u64> {
    #[cfg(debug_assertions)]
    if let Some(limit) = std::env::var("ROUTESIM_TEST_STALL_LIMIT")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        return Some(limit);
    }
    None
}
