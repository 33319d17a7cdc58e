//! Validation of a parsed scenario file into a model [`Scenario`]: every name resolved to an
//! id, every unit parsed, every range checked. It keeps going after a problem so that one run
//! reports every problem, each with the path of the field it is about.
//!
//! One file per section of the scenario file: `simulation.rs`, `channels.rs`,
//! `distributions.rs`, `workstreams.rs`, `rules.rs` (route-to-queue and classification),
//! `preferred.rs` (a workstream's preferred agents),
//! `queues.rs` and `agents.rs`; this file holds the validator itself and the small checks
//! the sections share.

mod agents;
mod arrivals;
mod channels;
mod csv_cache;
mod curve;
mod distributions;
mod interval_starts;
mod preferred;
mod queues;
mod rules;
mod simulation;
mod staffing;
pub(super) mod suggest;
mod workstreams;

pub use csv_cache::sharing_csv_reads;
pub use staffing::{StaffingSpec, StaffingTarget, TargetScope};

use super::path;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use crate::engine::{SimDuration, SimTime};
use crate::model::{
    Affinity, AgentGroup, AgentResponse, ArrivalProcess, AssignmentMethod, AwayEpisodes, Bot,
    Break, CapacityCompare, CapacityProfile, Channel, ChannelKind, ClassificationRule, Condition,
    ConditionTest, ContextVariable, Distribution, DistributionMode, MissedNotification,
    NotificationSettings, NumberOp, OfferCapacity, Overflow, OverflowAction, PickHabit, PickWhen,
    Presence, PresenceSet, ProfileBlocking, ProfileId, ProfileReset, Queue, QueueId, RejectButton,
    RejectedNotification, ReportDays, RouteRule, Scenario, ScenarioError, SelfSelection,
    ServiceLevelGoal, Shift, SimulationSettings, SkillId, SkillMatching, VariableGenerator,
    WaitingBehaviour, WhenAbsent, Workstream, WorkstreamId, WrapUpBlocking,
};

use super::file::{
    AgentGroupFile, AgentNotificationsFile, ArrivalsFile, ChannelFile, ConditionFile,
    DistributionFile, NotificationsFile, OverflowFile, PickingFile, ScenarioFile, ServiceLevelFile,
    ShiftFile, VariableFile, WorkstreamFile,
};
use super::units::{parse_duration, parse_time_of_day};
use super::{limits, Issue};

const DAY: SimDuration = SimDuration::from_secs(86_400);

/// What a distribution's quantities mean where it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quantity {
    /// Written as durations ("5m"); sampled in seconds.
    Duration,
    /// Written as plain numbers.
    Number,
}

/// The `[simulation]` values other sections default to, read leniently: `simulation.rs`
/// reports their problems, and a bad value falls back to the documented default here.
pub(super) struct SimulationDefaults {
    pub(super) interval: SimDuration,
    pub(super) threshold: SimDuration,
    pub(super) target: f64,
}

impl SimulationDefaults {
    pub(super) fn of(file: &ScenarioFile) -> SimulationDefaults {
        let sim = &file.simulation;
        let interval = sim
            .interval
            .as_deref()
            .and_then(|t| parse_duration(t).ok())
            .filter(|i| *i > SimDuration::ZERO && DAY.as_micros() % i.as_micros() == 0)
            .unwrap_or(SimDuration::from_secs(900));
        let threshold = match &sim.service_level_thresholds {
            None => SimDuration::from_secs(20),
            Some(list) => list
                .iter()
                .filter_map(|t| parse_duration(t).ok())
                .min()
                .unwrap_or(SimDuration::from_secs(20)),
        };
        SimulationDefaults {
            interval,
            threshold,
            target: sim.service_level_target.unwrap_or(0.8),
        }
    }
}

pub(super) struct Validator<'a> {
    base_dir: &'a Path,
    issues: Vec<Issue>,
}

/// The names of each section, in file order: a name's position is its id.
pub(super) struct Names<'f> {
    pub(super) queues: Vec<&'f String>,
    pub(super) channels: Vec<&'f String>,
    pub(super) workstreams: Vec<&'f String>,
    pub(super) skills: Vec<&'f String>,
    pub(super) profiles: Vec<&'f String>,
}

impl<'a> Validator<'a> {
    pub(super) fn new(base_dir: &'a Path) -> Self {
        Validator {
            base_dir,
            issues: Vec::new(),
        }
    }

    pub(super) fn problem(&mut self, path: &str, message: impl Into<String>) {
        self.issues.push(Issue {
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// `Some(value)` if `result` is ok, else records the problem at `path`.
    pub(super) fn check<T>(&mut self, path: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.problem(path, message);
                None
            }
        }
    }

    pub(super) fn validate(
        mut self,
        file: ScenarioFile,
        default_name: &str,
    ) -> Result<(Scenario, Option<StaffingSpec>), Vec<Issue>> {
        let simulation = self.simulation(&file);
        let queue_names: Vec<&String> = file.queues.keys().collect();
        let channel_names: Vec<&String> = file.channels.keys().collect();
        let workstream_names: Vec<&String> = file.workstreams.keys().collect();
        // Every skill named anywhere, in name order, so ids do not depend on where it appears.
        let mut skill_set: BTreeSet<&String> = BTreeSet::new();
        for group in file.agent_groups.values() {
            skill_set.extend(group.skills.iter().flat_map(|s| s.keys()));
        }
        for workstream in file.workstreams.values() {
            for rule in &workstream.classification {
                skill_set.extend(rule.skills.iter().flat_map(|s| s.keys()));
            }
        }
        let skill_names: Vec<&String> = skill_set.into_iter().collect();
        let profile_names: Vec<&String> = file.capacity_profiles.keys().collect();
        let names = Names {
            queues: queue_names,
            channels: channel_names,
            workstreams: workstream_names,
            skills: skill_names,
            profiles: profile_names,
        };
        let capacity_profiles = self.capacity_profiles(&file);

        if file.channels.is_empty() {
            self.problem("channels", "a scenario needs at least one channel");
        }
        if file.queues.is_empty() {
            self.problem("queues", "a scenario needs at least one queue");
        }

        let channels = self.channels(&file, &names);
        let queues = self.queues(&file, &names);
        let mut workstreams = Vec::new();
        for (name, workstream) in &file.workstreams {
            workstreams.extend(self.workstream(name, workstream, &file, &names));
        }

        let mut agent_groups = Vec::new();
        if file.agent_groups.is_empty() {
            self.problem("agent_groups", "a scenario needs at least one agent group");
        }
        for (name, group) in &file.agent_groups {
            if let Some(group) = self.agent_group(
                &path::join("agent_groups", name),
                name,
                group,
                &names.queues,
                &names.skills,
                &file.capacity_profiles,
            ) {
                agent_groups.push(group);
            }
        }

        let mut goal_targets = Vec::new();
        let staffing = file.staffing.as_ref().and_then(|staffing| {
            let group_names: Vec<&String> = file.agent_groups.keys().collect();
            let sizes: Vec<u32> = agent_groups.iter().map(|g| g.count).collect();
            let spec =
                self.staffing_spec(staffing, &names, &group_names, &sizes, &mut goal_targets);
            if spec.is_none() && self.issues.is_empty() {
                self.problem("staffing", "invalid staffing table");
            }
            spec
        });

        if let Some(Err(message)) = file.name.as_deref().map(check_scenario_name) {
            self.problem("name", message);
        }
        if !self.issues.is_empty() {
            return Err(self.issues);
        }
        let Some(simulation) = simulation else {
            return Err(self.issues);
        };
        let scenario = Scenario {
            name: file.name.unwrap_or_else(|| default_name.to_string()),
            simulation,
            channels,
            workstreams,
            queues,
            agent_groups,
            skills: names.skills.iter().map(|n| n.to_string()).collect(),
            capacity_profiles,
        };
        let mut staffing = staffing;
        if let Some(spec) = &mut staffing {
            staffing::fill_goals(spec, &goal_targets, &scenario);
        }
        Ok((scenario, staffing))
    }

    pub(super) fn resolve(
        &mut self,
        path: &str,
        what: &str,
        name: &str,
        known: &[&String],
    ) -> Option<usize> {
        let found = known.iter().position(|k| *k == name);
        if found.is_none() {
            let list: Vec<String> = known.iter().map(|k| format!("\"{k}\"")).collect();
            let list = if list.is_empty() {
                "none defined".to_string()
            } else {
                list.join(", ")
            };
            let hint = suggest::did_you_mean(name, known.iter().map(|k| k.as_str()));
            self.problem(
                path,
                format!("unknown {what} \"{name}\"{hint} (known: {list})"),
            );
        }
        found
    }

    pub(super) fn probability(&mut self, path: &str, value: f64) -> Option<f64> {
        if (0.0..=1.0).contains(&value) {
            Some(value)
        } else {
            self.problem(
                path,
                format!("expected a probability from 0 to 1, got {value}"),
            );
            None
        }
    }

    /// A duration longer than zero.
    pub(super) fn positive_duration(&mut self, path: &str, text: &str) -> Option<SimDuration> {
        let duration = self.check(path, parse_duration(text))?;
        if duration == SimDuration::ZERO {
            self.problem(path, "expected a duration longer than zero");
            return None;
        }
        Some(duration)
    }
}

pub(super) fn parse_presence(text: &str) -> Result<Presence, String> {
    Presence::ALL.iter().copied().find(|p| p.as_str() == text).ok_or_else(|| {
        format!("unknown presence \"{text}\" (expected one of: \"available\", \"busy\", \"busy_dnd\", \"away\", \"offline\")")
    })
}

/// A scenario's name becomes the folder of its reports (`output/<name>`), so it must be a name
/// and not a path: only `--out` chooses a folder elsewhere.
fn check_scenario_name(name: &str) -> Result<(), String> {
    let problem = if name.trim().is_empty() {
        Some("is empty")
    } else if name == "." || name == ".." {
        Some("is a relative folder")
    } else if name.contains(['/', '\\']) {
        Some("holds a path separator")
    } else if name.contains(':') {
        Some("holds a `:` (a drive or stream on Windows)")
    } else if name.chars().any(char::is_control) {
        Some("holds a control character")
    } else if name.starts_with('.') {
        Some("starts with a dot (a hidden folder)")
    } else if name.chars().count() > 200 {
        Some("is longer than 200 characters")
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(format!(
            "the name {problem}: it names the report folder output/<name>, so it must be a plain name (choose another folder with --out), got \"{}\"",
            name.escape_debug()
        )),
    }
}
