//! The levels and counts of one agent group (staffed capacity, units in use, agents logged in
//! and by presence, declines, over-capacity work) and the measure rows made of them, for the
//! whole run (`agents.csv`) and per interval of the day, per group and for all groups together.

use crate::model::Presence;

use super::flows::ratio;
use super::level::Level;

const HOUR_MICROS: f64 = 3_600_000_000.0;

#[derive(Debug, Clone)]
pub(super) struct GroupLevels {
    pub handled: u64,
    pub staffed_units: Level,
    pub used_units_logged_in: Level,
    pub busy_logged_in: Level,
    pub logged_in: Level,
    pub working_after_shift: Level,
    pub presence: [Level; 5],
    pub declines: u64,
    pub over_capacity_assignments: u64,
    pub max_over_capacity_units: i64,
    /// Over-capacity assignments by cause: affinity, pick, self-selection, unreserved offer,
    /// preferred agent.
    pub over_capacity_by_cause: [u64; 5],
}

impl GroupLevels {
    /// A group of `count` agents, every one Offline (see `Observer::agent_changed`).
    pub fn new(count: u32, interval: u64, n_intervals: usize) -> GroupLevels {
        let level = || Level::new(interval, n_intervals);
        GroupLevels {
            handled: 0,
            staffed_units: level(),
            used_units_logged_in: level(),
            busy_logged_in: level(),
            logged_in: level(),
            working_after_shift: level(),
            presence: std::array::from_fn(|idx| {
                let mut level = level();
                if idx == Presence::Offline.index() {
                    level.value = i64::from(count);
                }
                level
            }),
            declines: 0,
            over_capacity_assignments: 0,
            max_over_capacity_units: 0,
            over_capacity_by_cause: [0; 5],
        }
    }

    pub fn levels(&mut self) -> impl Iterator<Item = &mut Level> {
        [
            &mut self.staffed_units,
            &mut self.used_units_logged_in,
            &mut self.busy_logged_in,
            &mut self.logged_in,
            &mut self.working_after_shift,
        ]
        .into_iter()
        .chain(self.presence.iter_mut())
    }

    /// The rows of the whole run; `assignments` holds the count of each of its agents. The
    /// preferred-agent cause is reported only for a scenario that has preferred agents.
    pub fn run_rows(&self, assignments: &[u64], preferred_agents: bool) -> Vec<(String, f64)> {
        let area = |level: &Level| level.area() as f64;
        let staffed_hours = area(&self.logged_in) / HOUR_MICROS;
        let mut values = vec![
            ("agents".to_string(), assignments.len() as f64),
            ("staffed_agent_hours".to_string(), staffed_hours),
            (
                "utilization".to_string(),
                ratio(area(&self.used_units_logged_in), area(&self.staffed_units)),
            ),
            (
                "occupancy".to_string(),
                ratio(area(&self.busy_logged_in), area(&self.logged_in)),
            ),
            ("handled".to_string(), self.handled as f64),
            (
                "handled_per_staffed_hour".to_string(),
                ratio(self.handled as f64, staffed_hours),
            ),
            (
                "assignment_cv".to_string(),
                coefficient_of_variation(assignments),
            ),
            (
                "work_after_shift_hours".to_string(),
                area(&self.working_after_shift) / HOUR_MICROS,
            ),
            ("declines".to_string(), self.declines as f64),
            (
                "over_capacity_assignments".to_string(),
                self.over_capacity_assignments as f64,
            ),
            (
                "max_over_capacity_units".to_string(),
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
            values.push((measure.to_string(), count as f64));
        }
        if preferred_agents {
            values.push((
                "over_capacity_by_preferred_agent".to_string(),
                self.over_capacity_by_cause[4] as f64,
            ));
        }
        for presence in Presence::ALL {
            values.push((
                format!("{}_hours", presence.as_str()),
                area(&self.presence[presence.index()]) / HOUR_MICROS,
            ));
        }
        values
    }

    /// The rows of one interval of the day.
    pub fn interval_rows(&self, interval: usize) -> Vec<(&'static str, f64)> {
        let area = |level: &Level| level.by_interval.area(interval) as f64;
        let mut rows = vec![
            ("staffed_agents", mean_level(&self.logged_in, interval)),
            (
                "utilization",
                ratio(area(&self.used_units_logged_in), area(&self.staffed_units)),
            ),
            (
                "occupancy",
                ratio(area(&self.busy_logged_in), area(&self.logged_in)),
            ),
        ];
        for presence in Presence::ALL {
            rows.push((
                presence_agents_measure(presence),
                mean_level(&self.presence[presence.index()], interval),
            ));
        }
        rows
    }
}

/// The agent rows of one interval for all groups together (scope overall): agents logged in,
/// and utilization and occupancy over every group's staffed time.
pub(super) fn overall_interval_rows(
    groups: &[GroupLevels],
    interval: usize,
) -> Vec<(&'static str, f64)> {
    let total = |pick: fn(&GroupLevels) -> &Level| -> f64 {
        groups
            .iter()
            .map(|g| pick(g).by_interval.area(interval) as f64)
            .sum()
    };
    let exposure = groups
        .iter()
        .map(|g| g.logged_in.by_interval.exposure(interval))
        .max()
        .unwrap_or(0) as f64;
    let logged_in = total(|g| &g.logged_in);
    vec![
        ("staffed_agents", ratio(logged_in, exposure)),
        (
            "utilization",
            ratio(
                total(|g| &g.used_units_logged_in),
                total(|g| &g.staffed_units),
            ),
        ),
        ("occupancy", ratio(total(|g| &g.busy_logged_in), logged_in)),
    ]
}

/// The time-average of a level over an interval (NaN if the interval was not measured).
fn mean_level(level: &Level, interval: usize) -> f64 {
    let exposure = level.by_interval.exposure(interval) as f64;
    if exposure > 0.0 {
        level.by_interval.area(interval) as f64 / exposure
    } else {
        f64::NAN
    }
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
