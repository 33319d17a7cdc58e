//! The levels and counts of one agent group (staffed capacity, units in use, agents logged in
//! and by presence, declines, over-capacity work) and the measure rows made of them, for the
//! whole run (`agents.csv`) and per interval of the day, per group and for all groups together.

use crate::model::Presence;

use super::flows::ratio;
use super::level::Levels;
use super::Text;

const HOUR_MICROS: f64 = 3_600_000_000.0;

#[derive(Debug, Clone)]
pub(super) struct GroupLevels {
    pub handled: u64,
    /// The signals below, integrated together (they change at the same instants).
    pub levels: Levels<N_LEVELS>,
    pub declines: u64,
    pub over_capacity_assignments: u64,
    pub max_over_capacity_units: i64,
    /// Over-capacity assignments by cause: affinity, pick, self-selection, unreserved offer,
    /// preferred agent.
    pub over_capacity_by_cause: [u64; 5],
}

/// Capacity units of the agents logged in.
pub(super) const STAFFED_UNITS: usize = 0;
/// Capacity units in use by agents logged in.
pub(super) const USED_UNITS_LOGGED_IN: usize = 1;
/// Agents logged in with at least one conversation.
pub(super) const BUSY_LOGGED_IN: usize = 2;
/// Agents logged in (not Offline).
pub(super) const LOGGED_IN: usize = 3;
/// Agents Offline but still finishing conversations.
pub(super) const WORKING_AFTER_SHIFT: usize = 4;
/// Agents in each presence: `PRESENCE + presence.index()`.
pub(super) const PRESENCE: usize = 5;
pub(super) const N_LEVELS: usize = PRESENCE + 5;

impl GroupLevels {
    /// A group of `count` agents, every one Offline (see `Observer::agent_changed`).
    pub fn new(count: u32, interval: u64, n_intervals: usize) -> GroupLevels {
        let mut start = [0; N_LEVELS];
        start[PRESENCE + Presence::Offline.index()] = i64::from(count);
        GroupLevels {
            handled: 0,
            levels: Levels::new(interval, n_intervals).with_values(start),
            declines: 0,
            over_capacity_assignments: 0,
            max_over_capacity_units: 0,
            over_capacity_by_cause: [0; 5],
        }
    }

    /// The rows of the whole run; `assignments` holds the count of each of its agents. The
    /// preferred-agent cause is reported only for a scenario that has preferred agents.
    pub fn run_rows(&self, assignments: &[u64], preferred_agents: bool) -> Vec<(Text, f64)> {
        let area = |k: usize| self.levels.total_area(k) as f64;
        let staffed_hours = area(LOGGED_IN) / HOUR_MICROS;
        let mut values = vec![
            ("agents".into(), assignments.len() as f64),
            ("staffed_agent_hours".into(), staffed_hours),
            (
                "utilization".into(),
                ratio(area(USED_UNITS_LOGGED_IN), area(STAFFED_UNITS)),
            ),
            (
                "occupancy".into(),
                ratio(area(BUSY_LOGGED_IN), area(LOGGED_IN)),
            ),
            ("handled".into(), self.handled as f64),
            (
                "handled_per_staffed_hour".into(),
                ratio(self.handled as f64, staffed_hours),
            ),
            (
                "assignment_cv".into(),
                coefficient_of_variation(assignments),
            ),
            (
                "work_after_shift_hours".into(),
                area(WORKING_AFTER_SHIFT) / HOUR_MICROS,
            ),
            ("declines".into(), self.declines as f64),
            (
                "over_capacity_assignments".into(),
                self.over_capacity_assignments as f64,
            ),
            (
                "max_over_capacity_units".into(),
                self.max_over_capacity_units as f64,
            ),
        ];
        let causes = [
            "over_capacity_by_affinity",
            "over_capacity_by_pick",
            "over_capacity_by_self_selection",
            "over_capacity_by_unreserved_offer",
        ];
        for (measure, count) in causes.iter().zip(self.over_capacity_by_cause) {
            values.push(((*measure).into(), count as f64));
        }
        if preferred_agents {
            values.push((
                "over_capacity_by_preferred_agent".into(),
                self.over_capacity_by_cause[4] as f64,
            ));
        }
        for presence in Presence::ALL {
            values.push((
                format!("{}_hours", presence.as_str()).into(),
                area(PRESENCE + presence.index()) / HOUR_MICROS,
            ));
        }
        values
    }

    /// The rows of one interval of the day.
    pub fn interval_rows(&self, interval: usize) -> Vec<(&'static str, f64)> {
        let area = |k: usize| self.levels.area(k, interval) as f64;
        let mut rows = vec![
            ("staffed_agents", self.mean_level(LOGGED_IN, interval)),
            (
                "utilization",
                ratio(area(USED_UNITS_LOGGED_IN), area(STAFFED_UNITS)),
            ),
            ("occupancy", ratio(area(BUSY_LOGGED_IN), area(LOGGED_IN))),
        ];
        for presence in Presence::ALL {
            rows.push((
                presence_agents_measure(presence),
                self.mean_level(PRESENCE + presence.index(), interval),
            ));
        }
        rows
    }

    /// The time-average of signal `k` over an interval (NaN if it was not measured).
    fn mean_level(&self, k: usize, interval: usize) -> f64 {
        let exposure = self.levels.exposure(interval) as f64;
        if exposure > 0.0 {
            self.levels.area(k, interval) as f64 / exposure
        } else {
            f64::NAN
        }
    }
}

/// The agent rows of one interval for all groups together (scope overall): agents logged in,
/// and utilization and occupancy over every group's staffed time.
pub(super) fn overall_interval_rows(
    groups: &[GroupLevels],
    interval: usize,
) -> Vec<(&'static str, f64)> {
    let total = |k: usize| -> f64 {
        groups
            .iter()
            .map(|g| g.levels.area(k, interval) as f64)
            .sum()
    };
    let exposure = groups
        .iter()
        .map(|g| g.levels.exposure(interval))
        .max()
        .unwrap_or(0) as f64;
    let logged_in = total(LOGGED_IN);
    vec![
        ("staffed_agents", ratio(logged_in, exposure)),
        (
            "utilization",
            ratio(total(USED_UNITS_LOGGED_IN), total(STAFFED_UNITS)),
        ),
        ("occupancy", ratio(total(BUSY_LOGGED_IN), logged_in)),
    ]
}

fn presence_agents_measure(presence: Presence) -> &'static str {
    match presence {
        Presence::Available => "available_agents",
        Presence::Busy => "busy_agents",
        Presence::BusyDnd => "busy_dnd_agents",
        Presence::Away => "away_agents",
        Presence::Offline => "offline_agents",
    }
}

fn coefficient_of_variation(counts: &[u64]) -> f64 {
    if counts.len() < 2 {
        return f64::NAN;
    }
    let n = counts.len() as f64;
    let mean = counts.iter().sum::<u64>() as f64 / n;
    if mean == 0.0 {
        return f64::NAN;
    }
    let variance = counts
        .iter()
        .map(|&c| (c as f64 - mean).powi(2))
        .sum::<f64>()
        / (n - 1.0);
    variance.sqrt() / mean
}
