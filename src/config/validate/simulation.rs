//! Validation of `[simulation]` and `[capacity_profiles]`: horizon, warm-up, seed, intervals,
//! report days, service-level thresholds and default target, global distribution settings, and the profiles' limits.

use super::*;

impl Validator<'_> {
    pub(super) fn simulation(&mut self, file: &ScenarioFile) -> Option<SimulationSettings> {
        let sim = &file.simulation;
        let horizon = self.check("simulation.horizon", parse_duration(&sim.horizon));
        let warm_up = match &sim.warm_up {
            Some(text) => self.check("simulation.warm_up", parse_duration(text)),
            None => Some(SimDuration::ZERO),
        };
        if let (Some(h), Some(w)) = (horizon, warm_up) {
            if h == SimDuration::ZERO {
                self.problem("simulation.horizon", "expected a horizon longer than zero");
            } else if w >= h {
                self.problem(
                    "simulation.warm_up",
                    format!("the warm-up ({w}) must be shorter than the horizon ({h})"),
                );
            }
        }
        let interval = match &sim.interval {
            Some(text) => self.check("simulation.interval", parse_duration(text)),
            None => Some(SimDuration::from_secs(900)),
        };
        if let Some(i) = interval {
            if i == SimDuration::ZERO || DAY.as_micros() % i.as_micros() != 0 {
                self.problem("simulation.interval", format!("the reporting interval must divide 24h evenly (e.g. \"15m\", \"30m\", \"1h\"), got {i}"));
            } else if i < SimDuration::from_secs(limits::MIN_INTERVAL_SECS) {
                self.problem("simulation.interval", format!("the reporting interval must be at least 1m (figures are kept for every interval of the day), got {i}"));
            }
        }
        let mut thresholds = Vec::new();
        match &sim.service_level_thresholds {
            None => thresholds = vec![SimDuration::from_secs(20), SimDuration::from_secs(60)],
            Some(list) => {
                for (idx, text) in list.iter().enumerate() {
                    thresholds.extend(self.check(
                        &format!("simulation.service_level_thresholds[{idx}]"),
                        parse_duration(text),
                    ));
                }
                thresholds.sort();
                thresholds.dedup();
            }
        }
        let capacity_compare = match sim.capacity_compare.as_deref().unwrap_or(">=") {
            ">=" => CapacityCompare::AtLeast,
            ">" => CapacityCompare::MoreThan,
            other => {
                self.problem(
                    "simulation.capacity_compare",
                    format!("expected \">=\" or \">\", got \"{other}\""),
                );
                CapacityCompare::AtLeast
            }
        };
        let full_capacity_presence =
            match sim.full_capacity_presence.as_deref().unwrap_or("busy_dnd") {
                "busy_dnd" => Presence::BusyDnd,
                "busy" => Presence::Busy,
                other => {
                    self.problem(
                        "simulation.full_capacity_presence",
                        format!("expected \"busy_dnd\" or \"busy\", got \"{other}\""),
                    );
                    Presence::BusyDnd
                }
            };
        let service_level_target = sim.service_level_target.unwrap_or(0.8);
        if !(service_level_target > 0.0 && service_level_target <= 1.0) {
            self.problem(
                "simulation.service_level_target",
                format!("expected a fraction above 0 and at most 1 (0.8 = 80 %), got {service_level_target}"),
            );
        }
        let report_days = match sim.report_days.as_deref().unwrap_or("folded") {
            "folded" => ReportDays::Folded,
            "apart" => ReportDays::Apart,
            other => {
                self.problem(
                    "simulation.report_days",
                    format!("expected \"folded\" (every day onto one day) or \"apart\" (each day its own intervals), got \"{other}\""),
                );
                ReportDays::Folded
            }
        };
        if let (ReportDays::Apart, Some(h)) = (report_days, horizon) {
            let max = ReportDays::MAX_DAYS_APART;
            if h.as_micros() > max * DAY.as_micros() {
                self.problem(
                    "simulation.report_days",
                    format!("days can be kept apart for runs of at most {max} days; the horizon is {h} (use \"folded\", or a shorter horizon)"),
                );
            }
        }
        let decline_limit = match sim.decline_limit {
            None => 3,
            Some(limit @ 1..=5) => limit as u32,
            Some(other) => {
                self.problem(
                    "simulation.decline_limit",
                    format!(
                        "expected a decline limit from 1 to 5 (the product's range), got {other}"
                    ),
                );
                3
            }
        };
        let max = limits::MAX_RUN_REPLICATIONS;
        let replications = match sim.replications {
            None => 1,
            Some(r) if (1..=i64::from(max)).contains(&r) => r as u32,
            Some(other) => {
                self.problem(
                    "simulation.replications",
                    format!("expected a whole number of replications from 1 to {max} (1 = a single run), got {other}"),
                );
                1
            }
        };
        Some(SimulationSettings {
            decline_limit,
            replications,
            horizon: horizon?,
            warm_up: warm_up?,
            seed: sim.seed.unwrap_or(1),
            interval: interval?,
            report_days,
            service_level_thresholds: thresholds,
            capacity_compare,
            full_capacity_presence,
            service_level_target,
        })
    }

    /// The `[capacity_profiles]` table.
    pub(super) fn capacity_profiles(&mut self, file: &ScenarioFile) -> Vec<CapacityProfile> {
        let mut capacity_profiles = Vec::new();
        for (name, profile) in &file.capacity_profiles {
            let limit = match u32::try_from(profile.work_item_limit) {
                Ok(limit) if limit <= 100 => limit,
                _ => {
                    self.problem(&format!("{}.work_item_limit", path::join("capacity_profiles", name)), format!("expected a work-item limit from 0 to 100 (the product's range), got {}", profile.work_item_limit));
                    0
                }
            };
            let path = path::join("capacity_profiles", name);
            let blocking = match (profile.blocking, profile.blocking_scope.as_deref()) {
                (Some(true), None | Some("all_work")) => ProfileBlocking::AllWork,
                (Some(true), Some("same_profile")) => ProfileBlocking::SameProfile,
                (Some(true), Some(other)) => {
                    self.problem(
                        &format!("{path}.blocking_scope"),
                        format!("expected \"all_work\" or \"same_profile\", got \"{other}\""),
                    );
                    ProfileBlocking::AllWork
                }
                (_, Some(_)) => {
                    self.problem(
                        &format!("{path}.blocking_scope"),
                        "a blocking scope applies only to a blocking profile (set `blocking = true`)",
                    );
                    ProfileBlocking::OwnWork
                }
                (_, None) => ProfileBlocking::OwnWork,
            };
            let reset = match profile.reset.as_deref() {
                None | Some("immediate") => ProfileReset::Immediate,
                Some("end_of_day") => ProfileReset::EndOfDay,
                Some(other) => {
                    self.problem(
                        &format!("{path}.reset"),
                        format!("expected \"immediate\" or \"end_of_day\", got \"{other}\""),
                    );
                    ProfileReset::Immediate
                }
            };
            capacity_profiles.push(CapacityProfile {
                name: name.clone(),
                work_item_limit: limit,
                blocking,
                reset,
            });
        }
        capacity_profiles
    }
}
