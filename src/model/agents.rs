//! Agent groups as the scenario describes them: their capacity, queues and skills, shifts,
//! breaks and staffing curves, away episodes, pick habits, how they answer notifications, and
//! the presences an agent can be in.

use std::fmt;
use std::sync::Arc;

use crate::engine::SimDuration;

use super::{Distribution, ProfileId, QueueId, SkillId};

/// Identical agents: same capacity, same queues, same shift.
#[derive(Debug, Clone)]
pub struct AgentGroup {
    pub name: String,
    /// At least 1 for a group with a fixed count; for a group with a staffing curve, the
    /// curve's largest value (which may be 0).
    pub count: u32,
    pub capacity_units: u32,
    /// The queues the agents are members of; they join in group order.
    pub queues: Vec<QueueId>,
    /// `None` works around the clock.
    pub shift: Option<Shift>,
    /// Agents logged in per interval (of a day, a week...), instead of `count` agents on
    /// `shift`.
    /// Invariant: with a curve, `shift` is `None` and `count` is the curve's maximum.
    pub staffing_curve: Option<StaffingCurve>,
    pub response: AgentResponse,
    pub picking: PickHabit,
    /// Skills with their ratings (positive).
    pub skills: Vec<(SkillId, u32)>,
    /// Random Away episodes during the shift (none when `None`).
    pub away_episodes: Option<AwayEpisodes>,
    /// The profiles the agents hold, with each one's limit (the profile's, or an override).
    pub capacity_profiles: Vec<(ProfileId, u32)>,
}

/// Agents logged in per interval (SPEC §7): in interval k the group's first `agents[k]`
/// agents are logged in and the others Offline. Agents log in and out at interval edges; one
/// logging out finishes the work in progress, as at a shift end. The curve covers a day, a
/// week or any whole number of days from the start of the run, and then repeats (a week curve
/// gives each weekday its own staffing). Invariant: `interval * agents.len()` is a positive
/// whole number of days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffingCurve {
    pub interval: SimDuration,
    pub agents: Arc<[u32]>,
}

const CURVE_DAY_MICROS: u64 = 86_400_000_000;

impl StaffingCurve {
    /// The curve with `agents` per interval spread over a day.
    pub fn new(agents: Vec<u32>) -> StaffingCurve {
        let n = agents.len().max(1) as u64;
        StaffingCurve {
            interval: SimDuration::from_micros(CURVE_DAY_MICROS / n),
            agents: agents.into(),
        }
    }

    /// The curve with `agents` per `interval`, covering `interval * agents.len()` (validated
    /// to be whole days).
    pub fn with_interval(interval: SimDuration, agents: Vec<u32>) -> StaffingCurve {
        StaffingCurve {
            interval,
            agents: agents.into(),
        }
    }

    /// How long the curve runs before it repeats: a day, a week, ...
    pub fn period(&self) -> SimDuration {
        SimDuration::from_micros(self.interval.as_micros() * self.agents.len() as u64)
    }

    /// How many days the curve covers (1 for a day curve, 7 for a week).
    pub fn days(&self) -> u64 {
        (self.period().as_micros() / CURVE_DAY_MICROS).max(1)
    }

    /// The largest number of agents logged in at once.
    pub fn peak(&self) -> u32 {
        self.agents.iter().copied().max().unwrap_or(0)
    }

    /// Agents logged in at `offset` from the start of the run (the curve repeats).
    pub fn at(&self, offset: SimDuration) -> u32 {
        let n = self.agents.len() as u64;
        let k = (offset.as_micros() / self.interval.as_micros().max(1)) % n.max(1);
        self.agents[(k as usize).min(self.agents.len() - 1)]
    }

    /// Agents logged in at `offset` from midnight, averaged over the days of the curve.
    pub fn mean_at_time_of_day(&self, offset: SimDuration) -> f64 {
        let days = self.days();
        let total: u64 = (0..days)
            .map(|d| {
                u64::from(self.at(SimDuration::from_micros(
                    d * CURVE_DAY_MICROS + offset.as_micros() % CURVE_DAY_MICROS,
                )))
            })
            .sum();
        total as f64 / days as f64
    }
}

/// Agents step away at random: the gaps between episodes are exponential (a Poisson rate per
/// agent) and each episode lasts a random time. Episodes that would start outside the shift or
/// during a break are skipped.
#[derive(Debug, Clone)]
pub struct AwayEpisodes {
    pub per_hour: f64,
    /// Seconds each episode lasts.
    pub duration: Distribution,
}

/// How agents pick from pick workstreams (and from push workstreams with self-selection):
/// the product leaves it to people, so it is a setting. An agent that may pick looks at its
/// queues after a think time and takes the oldest item it may see.
#[derive(Debug, Clone)]
pub struct PickHabit {
    /// Seconds between being able to pick (or having picked) and picking.
    pub think_time: Distribution,
    pub when: PickWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickWhen {
    /// Only with free capacity for the item (by the capacity comparison).
    FreeCapacity,
    /// Whatever its capacity: capacity in use can exceed the capacity.
    Always,
}

/// How the agents of a group answer notifications. The default answers every offer at once,
/// which is the classic queueing model (no ringing time, no declines).
#[derive(Debug, Clone)]
pub struct AgentResponse {
    /// Time from offer to accept or reject, in seconds; `None`: at once. A response slower than
    /// the notification timeout is a miss.
    pub response_time: Option<Distribution>,
    /// Probability of rejecting an offer (when the template shows the reject button).
    pub reject_probability: f64,
    /// Probability of not answering an offer at all, so that it times out.
    pub miss_probability: f64,
    /// Time an agent set Inactive or Busy-DND by a notification takes to reset its presence.
    pub presence_reset: SimDuration,
    /// Whether an agent who is not at the desk (Away or Offline) answers offers.
    pub when_absent: WhenAbsent,
}

/// How an agent who is Away (on a break, in an away episode, Inactive after a missed
/// notification) or Offline answers an offer, which only affinity or a workstream that allows
/// those presences can bring it (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenAbsent {
    /// It does not answer: the offer rings until its timeout and counts as a miss (default).
    Miss,
    /// It answers as at the desk, by its usual response (the product's auto-assign template).
    Answer,
}

impl Default for AgentResponse {
    fn default() -> Self {
        AgentResponse {
            response_time: None,
            reject_probability: 0.0,
            miss_probability: 0.0,
            presence_reset: SimDuration::from_secs(300),
            when_absent: WhenAbsent::Miss,
        }
    }
}

impl AgentResponse {
    /// Whether every offer is accepted the moment it is made.
    pub fn is_instant(&self) -> bool {
        self.response_time.is_none()
            && self.reject_probability == 0.0
            && self.miss_probability == 0.0
    }
}

/// A daily shift. Times are offsets from midnight; `end` before `start` means the shift runs
/// past midnight. Breaks lie inside the shift and do not overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub start: SimDuration,
    pub end: SimDuration,
    pub breaks: Vec<Break>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Break {
    pub start: SimDuration,
    pub end: SimDuration,
}

/// An agent's base presence (SPEC §4). `Inactive` routes as Away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Presence {
    Available,
    Busy,
    BusyDnd,
    Away,
    Offline,
}

impl Presence {
    pub const ALL: [Presence; 5] = [
        Presence::Available,
        Presence::Busy,
        Presence::BusyDnd,
        Presence::Away,
        Presence::Offline,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Available => "available",
            Presence::Busy => "busy",
            Presence::BusyDnd => "busy_dnd",
            Presence::Away => "away",
            Presence::Offline => "offline",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Presence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of presences, as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PresenceSet(u8);

impl PresenceSet {
    pub fn of(presences: &[Presence]) -> PresenceSet {
        PresenceSet(presences.iter().fold(0, |bits, p| bits | (1 << p.index())))
    }
    pub fn contains(self, presence: Presence) -> bool {
        self.0 & (1 << presence.index()) != 0
    }
    pub fn union(self, other: PresenceSet) -> PresenceSet {
        PresenceSet(self.0 | other.0)
    }
}
