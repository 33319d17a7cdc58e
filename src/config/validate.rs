//! Validation of a parsed scenario file into a model [`Scenario`]: every name resolved to an
//! id, every unit parsed, every range checked. It keeps going after a problem so that one run
//! reports every problem, each with the path of the field it is about.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use crate::engine::{SimDuration, SimTime};
use crate::model::{
    Affinity, AgentGroup, AgentResponse, ArrivalProcess, AssignmentMethod, AwayEpisodes, Bot,
    Break, CapacityCompare, CapacityProfile, Channel, ChannelKind, ClassificationRule, Condition,
    ConditionTest, ContextVariable, Distribution, DistributionMode, MissedNotification,
    NotificationSettings, NumberOp, OfferCapacity, Overflow, OverflowAction, PickHabit, PickWhen,
    Presence, PresenceSet, ProfileBlocking, ProfileId, Queue, QueueId, RejectButton,
    RejectedNotification, RouteRule, Scenario, ScenarioError, SelfSelection, Shift,
    SimulationSettings, SkillId, SkillMatching, VariableGenerator, WaitingBehaviour, Workstream,
    WorkstreamId, WrapUpBlocking,
};

use super::file::{
    AgentGroupFile, AgentNotificationsFile, ArrivalsFile, ChannelFile, ConditionFile,
    DistributionFile, NotificationsFile, OverflowFile, PickingFile, ScenarioFile, ShiftFile,
    VariableFile, WorkstreamFile,
};
use super::units::{parse_duration, parse_time_of_day};
use super::Issue;

const DAY: SimDuration = SimDuration::from_secs(86_400);

/// What a distribution's quantities mean where it is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quantity {
    /// Written as durations ("5m"); sampled in seconds.
    Duration,
    /// Written as plain numbers.
    Number,
}

pub(super) struct Validator<'a> {
    base_dir: &'a Path,
    issues: Vec<Issue>,
}

impl<'a> Validator<'a> {
    pub(super) fn new(base_dir: &'a Path) -> Self {
        Validator {
            base_dir,
            issues: Vec::new(),
        }
    }

    fn problem(&mut self, path: &str, message: impl Into<String>) {
        self.issues.push(Issue {
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// `Some(value)` if `result` is ok, else records the problem at `path`.
    fn check<T>(&mut self, path: &str, result: Result<T, String>) -> Option<T> {
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
    ) -> Result<Scenario, Vec<Issue>> {
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
        let mut capacity_profiles = Vec::new();
        for (name, profile) in &file.capacity_profiles {
            let limit = match u32::try_from(profile.work_item_limit) {
                Ok(limit) if limit <= 100 => limit,
                _ => {
                    self.problem(&format!("capacity_profiles.{name}.work_item_limit"), format!("expected a work-item limit from 0 to 100 (the product's range), got {}", profile.work_item_limit));
                    0
                }
            };
            let blocking = if profile.blocking == Some(true) {
                ProfileBlocking::AllWork
            } else {
                ProfileBlocking::OwnWork
            };
            capacity_profiles.push(CapacityProfile {
                name: name.clone(),
                work_item_limit: limit,
                blocking,
            });
        }

        if file.channels.is_empty() {
            self.problem("channels", "a scenario needs at least one channel");
        }
        if file.queues.is_empty() {
            self.problem("queues", "a scenario needs at least one queue");
        }

        // Each channel is served by exactly one workstream.
        let mut served_by: Vec<Vec<WorkstreamId>> = vec![Vec::new(); channel_names.len()];
        for (ws_idx, (ws_name, workstream)) in file.workstreams.iter().enumerate() {
            for (idx, channel) in workstream.channels.iter().enumerate() {
                let path = format!("workstreams.{ws_name}.channels[{idx}]");
                if let Some(channel_idx) = self.resolve(&path, "channel", channel, &channel_names) {
                    served_by[channel_idx].push(WorkstreamId::from_index(ws_idx));
                }
            }
            if workstream.channels.is_empty() {
                self.problem(
                    &format!("workstreams.{ws_name}.channels"),
                    "a workstream needs at least one channel",
                );
            }
        }

        let mut channels = Vec::new();
        for (idx, (name, channel)) in file.channels.iter().enumerate() {
            let path = format!("channels.{name}");
            let workstream = match served_by[idx].as_slice() {
                [one] => Some(*one),
                [] => {
                    self.problem(&path, format!("channel \"{name}\" is not served by any workstream (list it in a workstream's `channels`)"));
                    None
                }
                several => {
                    let names: Vec<String> = several
                        .iter()
                        .map(|w| format!("\"{}\"", workstream_names[w.index()]))
                        .collect();
                    self.problem(&path, format!("channel \"{name}\" is served by several workstreams ({}); a channel belongs to exactly one", names.join(", ")));
                    None
                }
            };
            if let Some(channel) = self.channel(
                &path,
                name,
                channel,
                workstream.unwrap_or(WorkstreamId::from_index(0)),
            ) {
                channels.push(channel);
            }
        }

        let queues: Vec<Queue> = file
            .queues
            .iter()
            .filter_map(|(name, queue)| {
                let path = format!("queues.{name}");
                let assignment = match queue.assignment.as_deref().unwrap_or("highest_capacity") {
                    "highest_capacity" => AssignmentMethod::HighestCapacity,
                    "round_robin" => AssignmentMethod::RoundRobin,
                    "least_active" => AssignmentMethod::LeastActive,
                    other => {
                        self.problem(&format!("{path}.assignment"), format!("unknown assignment method \"{other}\" (expected one of: \"highest_capacity\", \"round_robin\", \"least_active\")"));
                        return None;
                    }
                };
                let block_size = queue.block_size.unwrap_or(100);
                if block_size == 0 {
                    self.problem(&format!("{path}.block_size"), "expected at least 1");
                    return None;
                }
                let overflow = match &queue.overflow {
                    None => None,
                    Some(file) => Some(self.overflow(&format!("{path}.overflow"), name, file, &queue_names)?),
                };
                Some(Queue { name: name.clone(), priority: queue.priority.unwrap_or(0), assignment, block_size, custom_ordering: None, overflow })
            })
            .collect();

        let mut workstreams = Vec::new();
        for (name, workstream) in &file.workstreams {
            let path = format!("workstreams.{name}");
            let mode = match workstream.mode.as_deref().unwrap_or("push") {
                "push" => Some(DistributionMode::Push),
                "pick" => Some(DistributionMode::Pick),
                other => {
                    self.problem(
                        &format!("{path}.mode"),
                        format!("unknown mode \"{other}\" (expected \"push\" or \"pick\")"),
                    );
                    None
                }
            };
            let allowed = match &workstream.allowed_presences {
                None => Some(PresenceSet::of(&[Presence::Available, Presence::Busy])),
                Some(names) => {
                    let mut presences = Vec::new();
                    for (idx, presence) in names.iter().enumerate() {
                        let found = self.check(
                            &format!("{path}.allowed_presences[{idx}]"),
                            parse_presence(presence),
                        );
                        presences.extend(found);
                    }
                    Some(PresenceSet::of(&presences))
                }
            };
            let fallback = self.resolve(
                &format!("{path}.fallback_queue"),
                "queue",
                &workstream.fallback_queue,
                &queue_names,
            );
            let ws_channels: Vec<usize> = workstream
                .channels
                .iter()
                .filter_map(|c| channel_names.iter().position(|n| *n == c))
                .collect();
            let mut routing = Vec::new();
            for (rule_idx, rule) in workstream.routing.iter().enumerate() {
                let rule_path = format!("{path}.routing[{rule_idx}]");
                let mut split = Vec::new();
                let queue = match (&rule.queue, &rule.split) {
                    (Some(queue), None) => {
                        self.resolve(&format!("{rule_path}.queue"), "queue", queue, &queue_names)
                    }
                    (None, Some(parts)) => {
                        let mut ok = true;
                        if parts.is_empty() || parts.len() > 5 {
                            self.problem(
                                &format!("{rule_path}.split"),
                                format!(
                                    "expected 1 to 5 queues (as the product allows), got {}",
                                    parts.len()
                                ),
                            );
                            ok = false;
                        }
                        for (idx, part) in parts.iter().enumerate() {
                            let found = self.resolve(
                                &format!("{rule_path}.split[{idx}].queue"),
                                "queue",
                                &part.queue,
                                &queue_names,
                            );
                            if !(part.percent.is_finite() && part.percent > 0.0) {
                                self.problem(
                                    &format!("{rule_path}.split[{idx}].percent"),
                                    format!("expected a percentage above 0, got {}", part.percent),
                                );
                                ok = false;
                            }
                            match found {
                                Some(q) => split.push((QueueId::from_index(q), part.percent)),
                                None => ok = false,
                            }
                        }
                        let sum: f64 = parts.iter().map(|p| p.percent).sum();
                        if ok && (sum - 100.0).abs() > 1e-6 {
                            self.problem(
                                &format!("{rule_path}.split"),
                                format!("percentages add up to {sum}, not 100"),
                            );
                            ok = false;
                        }
                        split.first().filter(|_| ok).map(|(q, _)| q.index())
                    }
                    _ => {
                        self.problem(
                            &rule_path,
                            "give either `queue` or `split` (a percentage split across queues)",
                        );
                        None
                    }
                };
                let conditions =
                    self.conditions(&rule_path, &rule.when, &file, &channel_names, &ws_channels);
                if let (Some(queue), Some(conditions)) = (queue, conditions) {
                    routing.push(RouteRule {
                        conditions,
                        queue: QueueId::from_index(queue),
                        split,
                    });
                }
            }
            let notifications = self.notifications(
                &format!("{path}.notifications"),
                workstream.notifications.as_ref(),
            );
            let kinds: Vec<ChannelKind> = workstream
                .channels
                .iter()
                .filter_map(|c| file.channels.get(c))
                .filter_map(|c| {
                    ChannelKind::ALL
                        .iter()
                        .copied()
                        .find(|k| k.as_str() == c.kind)
                })
                .collect();
            let settings = self.workstream_settings(&path, workstream, mode, &kinds);
            let skill_matching = match workstream.skill_matching.as_deref().unwrap_or("exact") {
                "exact" => Some(SkillMatching::Exact),
                "closest" => Some(SkillMatching::Closest),
                "none" => Some(SkillMatching::None),
                other => {
                    self.problem(
                        &format!("{path}.skill_matching"),
                        format!("expected \"exact\", \"closest\" or \"none\", got \"{other}\""),
                    );
                    None
                }
            };
            let bot = match &workstream.bot {
                None => Some(None),
                Some(bot) => {
                    if mode == Some(DistributionMode::Pick) {
                        self.problem(
                            &format!("{path}.bot"),
                            "a bot works only in a push workstream",
                        );
                    }
                    let p = self.probability(
                        &format!("{path}.bot.containment_probability"),
                        bot.containment_probability,
                    );
                    let time = self.distribution(
                        &format!("{path}.bot.handling_time"),
                        &bot.handling_time,
                        Quantity::Duration,
                    );
                    match (p, time) {
                        (Some(containment_probability), Some(handling_time)) => Some(Some(Bot {
                            containment_probability,
                            handling_time,
                        })),
                        _ => None,
                    }
                }
            };
            let mut classification = Vec::new();
            for (rule_idx, rule) in workstream.classification.iter().enumerate() {
                let rule_path = format!("{path}.classification[{rule_idx}]");
                let conditions =
                    self.conditions(&rule_path, &rule.when, &file, &channel_names, &ws_channels);
                let skills = self.ratings(
                    &format!("{rule_path}.skills"),
                    rule.skills.as_ref(),
                    &skill_names,
                );
                if rule.skills.is_none() && rule.priority.is_none() {
                    self.problem(
                        &rule_path,
                        "a classification rule needs `skills`, `priority` or both",
                    );
                }
                if let (Some(skills), Some(conditions)) = (skills, conditions) {
                    classification.push(ClassificationRule {
                        conditions,
                        skills,
                        priority: rule.priority.unwrap_or(0),
                    });
                }
            }
            let self_selection = match workstream.allow_self_selection {
                Some(true) if mode == Some(DistributionMode::Pick) => {
                    self.problem(&format!("{path}.allow_self_selection"), "selecting from push-based workstreams applies to push workstreams; a pick workstream is always picked from");
                    SelfSelection::Off
                }
                Some(true) => SelfSelection::On,
                _ => SelfSelection::Off,
            };
            if let (
                Some(mode),
                Some(allowed_presences),
                Some(fallback_queue),
                Some(notifications),
                Some((affinity, auto_close_after, wrap_up_blocking)),
                Some(skill_matching),
                Some(bot),
            ) = (
                mode,
                allowed,
                fallback,
                notifications,
                settings,
                skill_matching,
                bot,
            ) {
                let mut ws_profiles = Vec::new();
                for (idx, profile) in workstream.capacity_profiles.iter().flatten().enumerate() {
                    let found = self.resolve(
                        &format!("{path}.capacity_profiles[{idx}]"),
                        "capacity profile",
                        profile,
                        &profile_names,
                    );
                    ws_profiles.extend(found.map(ProfileId::from_index));
                }
                // A profile-based workstream takes no units unless it says so.
                let default_units = if ws_profiles.is_empty() { 1 } else { 0 };
                let capacity_units = workstream.capacity_units.unwrap_or(default_units);
                workstreams.push(Workstream {
                    capacity_profiles: ws_profiles,
                    name: name.clone(),
                    mode,
                    capacity_units,
                    allowed_presences,
                    routing,
                    fallback_queue: QueueId::from_index(fallback_queue),
                    notifications,
                    affinity,
                    auto_close_after,
                    wrap_up_blocking,
                    self_selection,
                    classification,
                    skill_matching,
                    bot,
                });
            }
        }

        let mut agent_groups = Vec::new();
        if file.agent_groups.is_empty() {
            self.problem("agent_groups", "a scenario needs at least one agent group");
        }
        for (name, group) in &file.agent_groups {
            if let Some(group) = self.agent_group(
                &format!("agent_groups.{name}"),
                name,
                group,
                &queue_names,
                &skill_names,
                &file.capacity_profiles,
            ) {
                agent_groups.push(group);
            }
        }

        if !self.issues.is_empty() {
            return Err(self.issues);
        }
        let Some(simulation) = simulation else {
            return Err(self.issues);
        };
        Ok(Scenario {
            name: file.name.unwrap_or_else(|| default_name.to_string()),
            simulation,
            channels,
            workstreams,
            queues,
            agent_groups,
            skills: skill_names.iter().map(|n| n.to_string()).collect(),
            capacity_profiles,
        })
    }

    fn resolve(&mut self, path: &str, what: &str, name: &str, known: &[&String]) -> Option<usize> {
        let found = known.iter().position(|k| *k == name);
        if found.is_none() {
            let list: Vec<String> = known.iter().map(|k| format!("\"{k}\"")).collect();
            let list = if list.is_empty() {
                "none defined".to_string()
            } else {
                list.join(", ")
            };
            self.problem(path, format!("unknown {what} \"{name}\" (known: {list})"));
        }
        found
    }

    fn simulation(&mut self, file: &ScenarioFile) -> Option<SimulationSettings> {
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
        Some(SimulationSettings {
            decline_limit,
            horizon: horizon?,
            warm_up: warm_up?,
            seed: sim.seed.unwrap_or(1),
            interval: interval?,
            service_level_thresholds: thresholds,
            capacity_compare,
            full_capacity_presence,
            service_level_target,
        })
    }

    fn channel(
        &mut self,
        path: &str,
        name: &str,
        file: &ChannelFile,
        workstream: WorkstreamId,
    ) -> Option<Channel> {
        let kind = ChannelKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == file.kind);
        if kind.is_none() {
            let names: Vec<String> = ChannelKind::ALL
                .iter()
                .map(|k| format!("\"{}\"", k.as_str()))
                .collect();
            self.problem(
                &format!("{path}.kind"),
                format!(
                    "unknown channel kind \"{}\" (expected one of: {})",
                    file.kind,
                    names.join(", ")
                ),
            );
        }
        let arrivals = self.arrivals(&format!("{path}.arrivals"), &file.arrivals);
        let mut variables = Vec::new();
        for (var_name, variable) in &file.variables {
            if let Some(generator) =
                self.variable(&format!("{path}.variables.{var_name}"), variable)
            {
                variables.push(ContextVariable {
                    name: var_name.clone(),
                    generator,
                });
            }
        }
        let patience = match &file.patience {
            Some(p) => {
                Some(self.distribution(&format!("{path}.patience"), p, Quantity::Duration)?)
            }
            None => None,
        };
        let handle_time = self.distribution(
            &format!("{path}.handle_time"),
            &file.handle_time,
            Quantity::Duration,
        );
        let waiting = match &file.waiting {
            None => Some(None),
            Some(waiting) => {
                let probability =
                    self.probability(&format!("{path}.waiting.probability"), waiting.probability);
                let resume_delay = self.distribution(
                    &format!("{path}.waiting.resume_delay"),
                    &waiting.resume_delay,
                    Quantity::Duration,
                );
                if let Some(kind) =
                    kind.filter(|k| matches!(k, ChannelKind::LiveChat | ChannelKind::Voice))
                {
                    self.problem(&format!("{path}.waiting"), format!("a {} conversation never goes Waiting (only asynchronous channels such as persistent chat, SMS and social do)", kind.as_str()));
                }
                match (probability, resume_delay) {
                    (Some(probability), Some(resume_delay)) => Some(Some(WaitingBehaviour {
                        probability,
                        resume_delay,
                    })),
                    _ => None,
                }
            }
        };
        let wrap_up = match &file.wrap_up {
            Some(w) => Some(Some(self.distribution(
                &format!("{path}.wrap_up"),
                w,
                Quantity::Duration,
            )?)),
            None => Some(None),
        };
        Some(Channel {
            waiting: waiting?,
            wrap_up: wrap_up?,
            name: name.to_string(),
            kind: kind?,
            workstream,
            arrivals: arrivals?,
            variables,
            patience,
            handle_time: handle_time?,
        })
    }

    fn arrivals(&mut self, path: &str, file: &ArrivalsFile) -> Option<ArrivalProcess> {
        let shapes = [
            file.per_hour.is_some(),
            file.rates_per_hour.is_some(),
            file.csv.is_some(),
        ];
        if shapes.iter().filter(|&&given| given).count() != 1 {
            self.problem(path, "give exactly one of `per_hour` (Poisson), `rates_per_hour` (inline rates by interval of the day) or `csv` + `column` (rates, or a trace with `trace = true`, from a CSV file)");
            return None;
        }
        if let Some(rate) = file.per_hour {
            if !rate.is_finite() || rate < 0.0 {
                self.problem(
                    &format!("{path}.per_hour"),
                    format!("expected a rate of zero or more arrivals per hour, got {rate}"),
                );
                return None;
            }
            return Some(ArrivalProcess::Poisson {
                rate_per_hour: rate,
            });
        }
        let (values, values_path) = match (&file.rates_per_hour, &file.csv) {
            (Some(rates), _) => (rates.clone(), format!("{path}.rates_per_hour")),
            (None, Some(csv)) => {
                let Some(column) = &file.column else {
                    self.problem(
                        &format!("{path}.column"),
                        "a CSV source needs `column`, the header of the column to read",
                    );
                    return None;
                };
                let values = self.check(
                    &format!("{path}.csv"),
                    read_csv_column(&self.base_dir.join(csv), column),
                )?;
                (values, format!("{path}.csv"))
            }
            (None, None) => unreachable!("one shape is given"),
        };
        if file.trace == Some(true) {
            let mut times = Vec::with_capacity(values.len());
            for (idx, &seconds) in values.iter().enumerate() {
                if !seconds.is_finite() || seconds < 0.0 {
                    self.problem(
                        &values_path,
                        format!(
                            "row {}: expected a time of zero or more seconds, got {seconds}",
                            idx + 1
                        ),
                    );
                    return None;
                }
                times.push(SimTime::ZERO + SimDuration::from_secs_f64(seconds));
            }
            times.sort();
            return Some(ArrivalProcess::Trace {
                times: Arc::from(times),
            });
        }
        for (idx, &rate) in values.iter().enumerate() {
            if !rate.is_finite() || rate < 0.0 {
                self.problem(
                    &values_path,
                    format!(
                        "rate {} is {rate}: expected zero or more arrivals per hour",
                        idx + 1
                    ),
                );
                return None;
            }
        }
        let interval = match &file.interval {
            Some(text) => self.check(&format!("{path}.interval"), parse_duration(text))?,
            None => {
                if values.is_empty() || DAY.as_micros() % values.len() as u64 != 0 {
                    self.problem(
                        &values_path,
                        format!(
                            "{} rates do not split a day evenly; give `interval`",
                            values.len()
                        ),
                    );
                    return None;
                }
                SimDuration::from_micros(DAY.as_micros() / values.len() as u64)
            }
        };
        if interval.as_micros() * values.len() as u64 != DAY.as_micros() {
            self.problem(
                &values_path,
                format!(
                    "{} rates of {interval} cover {}h, not a day of 24h",
                    values.len(),
                    interval.as_secs_f64() * values.len() as f64 / 3600.0
                ),
            );
            return None;
        }
        Some(ArrivalProcess::Piecewise {
            interval,
            rates_per_hour: Arc::from(values),
        })
    }

    fn variable(&mut self, path: &str, file: &VariableFile) -> Option<VariableGenerator> {
        match (&file.values, &file.number) {
            (Some(values), None) => {
                let weights = file
                    .weights
                    .clone()
                    .unwrap_or_else(|| vec![1.0; values.len()]);
                if values.is_empty() {
                    self.problem(&format!("{path}.values"), "expected at least one value");
                    return None;
                }
                if weights.len() != values.len() {
                    self.problem(
                        &format!("{path}.weights"),
                        format!(
                            "expected {} weights (one per value), got {}",
                            values.len(),
                            weights.len()
                        ),
                    );
                    return None;
                }
                if weights.iter().any(|w| !w.is_finite() || *w < 0.0)
                    || weights.iter().sum::<f64>() <= 0.0
                {
                    self.problem(
                        &format!("{path}.weights"),
                        "weights must be zero or more with a positive total",
                    );
                    return None;
                }
                Some(VariableGenerator::Text {
                    values: values.clone(),
                    weights,
                })
            }
            (None, Some(number)) => Some(VariableGenerator::Number(self.distribution(
                &format!("{path}.number"),
                number,
                Quantity::Number,
            )?)),
            _ => {
                self.problem(path, "give either `values` (text, with optional `weights`) or `number` (a distribution)");
                None
            }
        }
    }

    fn distribution(
        &mut self,
        path: &str,
        file: &DistributionFile,
        quantity: Quantity,
    ) -> Option<Distribution> {
        let result = self.build_distribution(path, file, quantity);
        self.check(path, result.map_err(|e| e.to_string()))
    }

    fn build_distribution(
        &self,
        path: &str,
        file: &DistributionFile,
        quantity: Quantity,
    ) -> Result<Distribution, String> {
        let param = |field: &str, value: &Option<toml::Value>| -> Result<f64, String> {
            match value {
                None => Err(format!("a {} distribution needs `{field}`", file.kind)),
                Some(value) => read_quantity(value, quantity).map_err(|m| format!("{field}: {m}")),
            }
        };
        let allowed: &[&str] = match file.kind.as_str() {
            "constant" => &["value"],
            "exponential" => &["mean"],
            "uniform" => &["min", "max"],
            "normal" | "lognormal" => &["mean", "sd"],
            "gamma" => &["shape", "mean"],
            "erlang" => &["k", "mean"],
            "weibull" => &["shape", "scale"],
            "empirical" => &["samples", "csv", "column"],
            other => {
                return Err(format!("unknown distribution kind \"{other}\" (expected one of: \"constant\", \"exponential\", \"uniform\", \"normal\", \"lognormal\", \"gamma\", \"erlang\", \"weibull\", \"empirical\")"))
            }
        };
        let given = [
            ("value", file.value.is_some()),
            ("mean", file.mean.is_some()),
            ("sd", file.sd.is_some()),
            ("min", file.min.is_some()),
            ("max", file.max.is_some()),
            ("scale", file.scale.is_some()),
            ("shape", file.shape.is_some()),
            ("k", file.k.is_some()),
            ("samples", file.samples.is_some()),
            ("csv", file.csv.is_some()),
            ("column", file.column.is_some()),
        ];
        if let Some((field, _)) = given
            .iter()
            .find(|(field, is_given)| *is_given && !allowed.contains(field))
        {
            return Err(format!(
                "`{field}` does not apply to a {} distribution (it takes: {})",
                file.kind,
                allowed.join(", ")
            ));
        }
        let built = match file.kind.as_str() {
            "constant" => Distribution::constant(param("value", &file.value)?),
            "exponential" => Distribution::exponential(param("mean", &file.mean)?),
            "uniform" => Distribution::uniform(param("min", &file.min)?, param("max", &file.max)?),
            "normal" => Distribution::normal(param("mean", &file.mean)?, param("sd", &file.sd)?),
            "lognormal" => {
                Distribution::lognormal(param("mean", &file.mean)?, param("sd", &file.sd)?)
            }
            "gamma" => {
                let shape = file.shape.ok_or("a gamma distribution needs `shape`")?;
                let mean = param("mean", &file.mean)?;
                Distribution::gamma(shape, if shape > 0.0 { mean / shape } else { f64::NAN })
            }
            "erlang" => Distribution::erlang(
                file.k.ok_or("an erlang distribution needs `k`")?,
                param("mean", &file.mean)?,
            ),
            "weibull" => Distribution::weibull(
                file.shape.ok_or("a weibull distribution needs `shape`")?,
                param("scale", &file.scale)?,
            ),
            "empirical" => {
                let samples = match (&file.samples, &file.csv, &file.column) {
                    (Some(samples), None, None) => samples
                        .iter()
                        .enumerate()
                        .map(|(idx, v)| read_quantity(v, quantity).map_err(|m| format!("samples[{idx}]: {m}")))
                        .collect::<Result<Vec<f64>, String>>()?,
                    (None, Some(csv), Some(column)) => {
                        // CSV samples are plain numbers: seconds for durations.
                        read_csv_column(&self.base_dir.join(csv), column)?
                    }
                    _ => return Err(format!("{path}: an empirical distribution needs either `samples` or both `csv` and `column`")),
                };
                Distribution::empirical(samples)
            }
            _ => unreachable!("kind checked above"),
        };
        built.map_err(|e: ScenarioError| e.to_string())
    }

    /// The conditions of a rule's `when` list; `None` if any is invalid (each problem is
    /// recorded with its path).
    fn conditions(
        &mut self,
        rule_path: &str,
        when: &[ConditionFile],
        file: &ScenarioFile,
        channel_names: &[&String],
        ws_channels: &[usize],
    ) -> Option<Vec<Condition>> {
        let conditions: Vec<Option<Condition>> = when
            .iter()
            .enumerate()
            .map(|(idx, condition)| {
                let path = format!("{rule_path}.when[{idx}]");
                self.condition(&path, condition, file, channel_names, ws_channels)
            })
            .collect();
        conditions.into_iter().collect()
    }

    fn condition(
        &mut self,
        path: &str,
        file: &ConditionFile,
        scenario: &ScenarioFile,
        channel_names: &[&String],
        ws_channels: &[usize],
    ) -> Option<Condition> {
        let n_tests = [
            file.equals.is_some(),
            file.not_equals.is_some(),
            file.one_of.is_some(),
            file.not_in.is_some(),
            file.less_than.is_some(),
            file.at_most.is_some(),
            file.greater_than.is_some(),
            file.at_least.is_some(),
        ]
        .iter()
        .filter(|&&g| g)
        .count();
        if n_tests != 1 {
            self.problem(path, "give exactly one test: `equals`, `not_equals`, `in`, `not_in`, `less_than`, `at_most`, `greater_than` or `at_least`");
            return None;
        }
        // Where the variable sits on each channel of the workstream.
        let mut variable_by_channel = vec![None; channel_names.len()];
        let mut text_values: Vec<Option<&Vec<String>>> = vec![None; channel_names.len()];
        let mut found_text = false;
        let mut found_number = false;
        for &channel_idx in ws_channels {
            let channel = &scenario.channels[channel_names[channel_idx]];
            if let Some(position) = channel.variables.keys().position(|k| *k == file.variable) {
                variable_by_channel[channel_idx] = Some(position);
                let variable = &channel.variables[&file.variable];
                match &variable.values {
                    Some(values) => {
                        text_values[channel_idx] = Some(values);
                        found_text = true;
                    }
                    None => found_number = true,
                }
            }
        }
        if !found_text && !found_number {
            self.problem(
                &format!("{path}.variable"),
                format!(
                    "no channel of this workstream has a context variable \"{}\"",
                    file.variable
                ),
            );
            return None;
        }
        let text_test = |wanted: &[String], this: &mut Self| -> Option<Vec<Vec<u32>>> {
            if found_number {
                this.problem(
                    path,
                    format!(
                        "variable \"{}\" is a number on some channel: use a number test",
                        file.variable
                    ),
                );
                return None;
            }
            let mut by_channel = vec![Vec::new(); channel_names.len()];
            for want in wanted {
                let mut known_somewhere = false;
                for (channel_idx, values) in text_values.iter().enumerate() {
                    if let Some(position) = values.and_then(|v| v.iter().position(|x| x == want)) {
                        by_channel[channel_idx].push(position as u32);
                        known_somewhere = true;
                    }
                }
                if !known_somewhere {
                    this.problem(path, format!("\"{want}\" is never a value of variable \"{}\", so this test can never match", file.variable));
                    return None;
                }
            }
            Some(by_channel)
        };
        let number = |value: &toml::Value| {
            value
                .as_float()
                .or_else(|| value.as_integer().map(|i| i as f64))
        };
        let test = if let Some(value) = file.equals.as_ref().or(file.not_equals.as_ref()) {
            let negate = file.not_equals.is_some();
            match (value.as_str(), number(value)) {
                (Some(text), _) => {
                    let values_by_channel = text_test(&[text.to_string()], self)?;
                    if negate {
                        ConditionTest::TextNotIn { values_by_channel }
                    } else {
                        ConditionTest::TextIn { values_by_channel }
                    }
                }
                (None, Some(n)) if !negate && !found_text => ConditionTest::Number {
                    op: NumberOp::Equal,
                    value: n,
                },
                _ => {
                    self.problem(path, "expected a text value, or a number for a number variable (`not_equals` takes text)");
                    return None;
                }
            }
        } else if let Some(list) = &file.one_of {
            ConditionTest::TextIn {
                values_by_channel: text_test(list, self)?,
            }
        } else if let Some(list) = &file.not_in {
            ConditionTest::TextNotIn {
                values_by_channel: text_test(list, self)?,
            }
        } else {
            if found_text {
                self.problem(
                    path,
                    format!(
                        "variable \"{}\" is text on some channel: compare it with `equals` or `in`",
                        file.variable
                    ),
                );
                return None;
            }
            let (op, value) = [
                (NumberOp::Less, file.less_than),
                (NumberOp::AtMost, file.at_most),
                (NumberOp::Greater, file.greater_than),
                (NumberOp::AtLeast, file.at_least),
            ]
            .into_iter()
            .find_map(|(op, v)| v.map(|v| (op, v)))?;
            ConditionTest::Number { op, value }
        };
        Some(Condition {
            variable_by_channel,
            test,
        })
    }

    fn agent_group(
        &mut self,
        path: &str,
        name: &str,
        file: &AgentGroupFile,
        queue_names: &[&String],
        skill_names: &[&String],
        profiles: &std::collections::BTreeMap<String, super::file::CapacityProfileFile>,
    ) -> Option<AgentGroup> {
        let profile_names: Vec<&String> = profiles.keys().collect();
        let mut capacity_profiles = Vec::new();
        for (idx, profile) in file.capacity_profiles.iter().flatten().enumerate() {
            if let Some(found) = self.resolve(
                &format!("{path}.capacity_profiles[{idx}]"),
                "capacity profile",
                profile,
                &profile_names,
            ) {
                let default = u32::try_from(profiles[profile].work_item_limit).unwrap_or(0);
                capacity_profiles.push((ProfileId::from_index(found), default));
            }
        }
        for (profile, &limit) in file.profile_limits.iter().flatten() {
            let lpath = format!("{path}.profile_limits.{profile}");
            let Some(idx) = profile_names.iter().position(|n| *n == profile) else {
                self.problem(&lpath, format!("unknown capacity profile \"{profile}\""));
                continue;
            };
            match (capacity_profiles.iter_mut().find(|(p, _)| p.index() == idx), u32::try_from(limit)) {
                (Some(entry), Ok(limit)) if limit <= 100 => entry.1 = limit,
                (None, _) => self.problem(&lpath, format!("the group does not hold profile \"{profile}\" (list it in `capacity_profiles`)")),
                _ => self.problem(&lpath, format!("expected a work-item limit from 0 to 100, got {limit}")),
            }
        }
        let count = match u32::try_from(file.count) {
            Ok(count) if count >= 1 => Some(count),
            _ => {
                self.problem(
                    &format!("{path}.count"),
                    format!("an agent group needs at least 1 agent, got {}", file.count),
                );
                None
            }
        };
        let capacity_units = file.capacity_units.unwrap_or(1);
        if capacity_units == 0 {
            self.problem(
                &format!("{path}.capacity_units"),
                "expected at least 1 unit of capacity",
            );
        }
        if file.queues.is_empty() {
            self.problem(
                &format!("{path}.queues"),
                "an agent group needs at least one queue to work",
            );
        }
        let mut queues: Vec<QueueId> = Vec::new();
        for (idx, queue) in file.queues.iter().enumerate() {
            let found = self.resolve(
                &format!("{path}.queues[{idx}]"),
                "queue",
                queue,
                queue_names,
            );
            queues.extend(found.map(QueueId::from_index));
        }
        queues.dedup();
        let shift = match &file.shift {
            Some(shift) => Some(self.shift(&format!("{path}.shift"), shift)?),
            None => None,
        };
        let response = self.agent_response(
            &format!("{path}.notifications"),
            file.notifications.as_ref(),
        );
        let picking = self.picking(&format!("{path}.picking"), file.picking.as_ref());
        let skills = self.ratings(&format!("{path}.skills"), file.skills.as_ref(), skill_names);
        let away_episodes = match &file.away_episodes {
            None => Some(None),
            Some(away) => {
                let rate_ok = away.per_hour.is_finite() && away.per_hour >= 0.0;
                if !rate_ok {
                    self.problem(
                        &format!("{path}.away_episodes.per_hour"),
                        format!(
                            "expected zero or more episodes per hour, got {}",
                            away.per_hour
                        ),
                    );
                }
                let duration = self.distribution(
                    &format!("{path}.away_episodes.duration"),
                    &away.duration,
                    Quantity::Duration,
                );
                match (rate_ok, duration) {
                    (true, Some(duration)) => Some(Some(AwayEpisodes {
                        per_hour: away.per_hour,
                        duration,
                    })),
                    _ => None,
                }
            }
        };
        Some(AgentGroup {
            capacity_profiles,
            away_episodes: away_episodes?,
            name: name.to_string(),
            count: count?,
            capacity_units,
            queues,
            shift,
            response: response?,
            picking: picking?,
            skills: skills?,
        })
    }

    /// Skill ratings (`{ english = 7 }`): each a whole number of at least 1.
    fn ratings(
        &mut self,
        path: &str,
        file: Option<&std::collections::BTreeMap<String, i64>>,
        skill_names: &[&String],
    ) -> Option<Vec<(SkillId, u32)>> {
        let mut ratings = Vec::new();
        let mut ok = true;
        for (skill, &rating) in file.into_iter().flatten() {
            let id = skill_names
                .iter()
                .position(|n| *n == skill)
                .map(SkillId::from_index);
            match (id, u32::try_from(rating)) {
                (Some(id), Ok(rating)) if rating >= 1 => ratings.push((id, rating)),
                _ => {
                    self.problem(
                        &format!("{path}.{skill}"),
                        format!("expected a rating of 1 or more, got {rating}"),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(ratings)
    }

    fn picking(&mut self, path: &str, file: Option<&PickingFile>) -> Option<PickHabit> {
        let default_think = || Distribution::exponential(30.0).expect("a positive mean is valid");
        let Some(file) = file else {
            return Some(PickHabit {
                think_time: default_think(),
                when: PickWhen::FreeCapacity,
            });
        };
        let think_time = match &file.think_time {
            Some(d) => self.distribution(&format!("{path}.think_time"), d, Quantity::Duration),
            None => Some(default_think()),
        };
        let when = match file.when.as_deref() {
            None | Some("free_capacity") => Some(PickWhen::FreeCapacity),
            Some("always") => Some(PickWhen::Always),
            Some(other) => {
                self.problem(
                    &format!("{path}.when"),
                    format!("expected \"free_capacity\" or \"always\", got \"{other}\""),
                );
                None
            }
        };
        Some(PickHabit {
            think_time: think_time?,
            when: when?,
        })
    }

    fn overflow(
        &mut self,
        path: &str,
        queue: &str,
        file: &OverflowFile,
        queue_names: &[&String],
    ) -> Option<Overflow> {
        let work_item_limit = match file.work_item_limit {
            None => None,
            Some(limit) if limit >= 1 => Some(limit as usize),
            Some(other) => {
                self.problem(
                    &format!("{path}.work_item_limit"),
                    format!("expected a limit of 1 or more open items, got {other}"),
                );
                return None;
            }
        };
        let operating_hours = match &file.operating_hours {
            None => None,
            Some(hours) => {
                let start = self.check(
                    &format!("{path}.operating_hours.start"),
                    parse_time_of_day(&hours.start),
                );
                let end = self.check(
                    &format!("{path}.operating_hours.end"),
                    parse_time_of_day(&hours.end),
                );
                let (start, end) = (start?, end?);
                let (start, end) = (
                    SimDuration::from_micros(start.as_micros() % DAY.as_micros()),
                    SimDuration::from_micros(end.as_micros() % DAY.as_micros()),
                );
                if start == end {
                    self.problem(&format!("{path}.operating_hours"), "opening and closing times are equal (leave `operating_hours` out for a queue open round the clock)");
                    return None;
                }
                Some((start, end))
            }
        };
        if work_item_limit.is_none() && operating_hours.is_none() {
            self.problem(path, "give `work_item_limit`, `operating_hours` or both: the conditions under which the queue overflows");
            return None;
        }
        let action = match (file.action.as_str(), &file.transfer_to) {
            ("end", None) => OverflowAction::End,
            ("assign_anyway", None) => OverflowAction::AssignAnyway,
            ("transfer", Some(to)) => {
                let found =
                    self.resolve(&format!("{path}.transfer_to"), "queue", to, queue_names)?;
                if queue_names[found] == queue {
                    self.problem(
                        &format!("{path}.transfer_to"),
                        "a queue cannot overflow into itself",
                    );
                    return None;
                }
                OverflowAction::Transfer(QueueId::from_index(found))
            }
            ("transfer", None) => {
                self.problem(
                    &format!("{path}.transfer_to"),
                    "action \"transfer\" needs `transfer_to`, the queue to send items to",
                );
                return None;
            }
            ("end" | "assign_anyway", Some(_)) => {
                self.problem(
                    &format!("{path}.transfer_to"),
                    "`transfer_to` applies only to action \"transfer\"",
                );
                return None;
            }
            (other, _) => {
                self.problem(
                    &format!("{path}.action"),
                    format!("expected \"end\", \"transfer\" or \"assign_anyway\", got \"{other}\""),
                );
                return None;
            }
        };
        Some(Overflow {
            work_item_limit,
            operating_hours,
            action,
        })
    }

    fn probability(&mut self, path: &str, value: f64) -> Option<f64> {
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
    fn positive_duration(&mut self, path: &str, text: &str) -> Option<SimDuration> {
        let duration = self.check(path, parse_duration(text))?;
        if duration == SimDuration::ZERO {
            self.problem(path, "expected a duration longer than zero");
            return None;
        }
        Some(duration)
    }

    fn notifications(
        &mut self,
        path: &str,
        file: Option<&NotificationsFile>,
    ) -> Option<NotificationSettings> {
        let mut settings = NotificationSettings::default();
        let Some(file) = file else {
            return Some(settings);
        };
        if let Some(text) = &file.timeout {
            settings.timeout = self.positive_duration(&format!("{path}.timeout"), text)?;
        }
        if file.reject_button == Some(false) {
            settings.reject = RejectButton::Hidden;
        }
        if file.missed_sets_inactive == Some(true) {
            settings.on_missed = MissedNotification::SetInactive;
        }
        if file.reject_sets_busy_dnd == Some(true) {
            settings.on_reject = RejectedNotification::SetBusyDnd;
        }
        if file.reserve_capacity_on_offer == Some(false) {
            settings.offer_capacity = OfferCapacity::OnAccept;
        }
        Some(settings)
    }

    fn workstream_settings(
        &mut self,
        path: &str,
        file: &WorkstreamFile,
        mode: Option<DistributionMode>,
        kinds: &[ChannelKind],
    ) -> Option<(Affinity, SimDuration, WrapUpBlocking)> {
        let affinity = match file.affinity {
            Some(true) if mode == Some(DistributionMode::Pick) => {
                self.problem(&format!("{path}.affinity"), "agent affinity works only with push workstreams (set `mode = \"push\"` or leave `affinity` out)");
                None
            }
            Some(true) => Some(Affinity::On),
            Some(false) => Some(Affinity::Off),
            // The product turns it on for persistent chat, SMS, social and Teams workstreams.
            None if mode == Some(DistributionMode::Push)
                && !kinds.is_empty()
                && kinds.iter().all(|k| k.affinity_by_default()) =>
            {
                Some(Affinity::On)
            }
            None => Some(Affinity::Off),
        };
        let auto_close_after = match &file.auto_close_after {
            Some(text) => self.positive_duration(&format!("{path}.auto_close_after"), text),
            None => Some(DAY),
        };
        let wrap_up_blocking = match file.wrap_up_blocking.as_deref() {
            None | Some("always") => Some(WrapUpBlocking::Always),
            Some("never") => Some(WrapUpBlocking::Never),
            Some(text) => match parse_duration(text) {
                Ok(duration) if duration > SimDuration::ZERO => Some(WrapUpBlocking::For(duration)),
                _ => {
                    self.problem(&format!("{path}.wrap_up_blocking"), format!("expected \"always\", \"never\" or a duration such as \"5m\", got \"{text}\""));
                    None
                }
            },
        };
        Some((affinity?, auto_close_after?, wrap_up_blocking?))
    }

    fn agent_response(
        &mut self,
        path: &str,
        file: Option<&AgentNotificationsFile>,
    ) -> Option<AgentResponse> {
        let mut response = AgentResponse::default();
        let Some(file) = file else {
            return Some(response);
        };
        let mut ok = true;
        if let Some(d) = &file.response_time {
            response.response_time =
                self.distribution(&format!("{path}.response_time"), d, Quantity::Duration);
            ok &= response.response_time.is_some();
        }
        if let Some(p) = file.reject_probability {
            response.reject_probability = self
                .probability(&format!("{path}.reject_probability"), p)
                .unwrap_or_else(|| {
                    ok = false;
                    0.0
                });
        }
        if let Some(p) = file.miss_probability {
            response.miss_probability = self
                .probability(&format!("{path}.miss_probability"), p)
                .unwrap_or_else(|| {
                    ok = false;
                    0.0
                });
        }
        if ok && response.reject_probability + response.miss_probability > 1.0 {
            self.problem(
                path,
                format!(
                    "reject_probability + miss_probability is {}, more than 1",
                    response.reject_probability + response.miss_probability
                ),
            );
            ok = false;
        }
        if let Some(text) = &file.presence_reset {
            match self.positive_duration(&format!("{path}.presence_reset"), text) {
                Some(d) => response.presence_reset = d,
                None => ok = false,
            }
        }
        ok.then_some(response)
    }

    fn shift(&mut self, path: &str, file: &ShiftFile) -> Option<Shift> {
        let start = self.check(&format!("{path}.start"), parse_time_of_day(&file.start));
        let end = self.check(&format!("{path}.end"), parse_time_of_day(&file.end));
        let (start, end) = (start?, end?);
        let start = SimDuration::from_micros(start.as_micros() % DAY.as_micros());
        let end = SimDuration::from_micros(end.as_micros() % DAY.as_micros());
        if start == end {
            self.problem(path, "a shift must not start and end at the same time (leave `shift` out for round-the-clock work)");
            return None;
        }
        // Offsets into the shift, to check that breaks lie inside it and do not overlap.
        let into_shift = |t: SimDuration| {
            (t.as_micros() + DAY.as_micros() - start.as_micros()) % DAY.as_micros()
        };
        let length = into_shift(end);
        let mut breaks = Vec::new();
        for (idx, brk) in file.breaks.iter().enumerate() {
            let bpath = format!("{path}.breaks[{idx}]");
            let b_start = self.check(&format!("{bpath}.start"), parse_time_of_day(&brk.start));
            let b_end = self.check(&format!("{bpath}.end"), parse_time_of_day(&brk.end));
            let (Some(b_start), Some(b_end)) = (b_start, b_end) else {
                continue;
            };
            let b_start = SimDuration::from_micros(b_start.as_micros() % DAY.as_micros());
            let b_end = SimDuration::from_micros(b_end.as_micros() % DAY.as_micros());
            let (from, to) = (into_shift(b_start), into_shift(b_end));
            if from == 0 || to <= from || to >= length {
                self.problem(
                    &bpath,
                    format!(
                        "the break {} to {} must lie strictly inside the shift {} to {}",
                        brk.start, brk.end, file.start, file.end
                    ),
                );
                continue;
            }
            breaks.push((
                from,
                to,
                Break {
                    start: b_start,
                    end: b_end,
                },
            ));
        }
        breaks.sort_by_key(|b| b.0);
        if breaks.windows(2).any(|w| w[1].0 < w[0].1) {
            self.problem(&format!("{path}.breaks"), "breaks must not overlap");
            return None;
        }
        Some(Shift {
            start,
            end,
            breaks: breaks.into_iter().map(|b| b.2).collect(),
        })
    }
}

fn parse_presence(text: &str) -> Result<Presence, String> {
    Presence::ALL.iter().copied().find(|p| p.as_str() == text).ok_or_else(|| {
        format!("unknown presence \"{text}\" (expected one of: \"available\", \"busy\", \"busy_dnd\", \"away\", \"offline\")")
    })
}

fn read_quantity(value: &toml::Value, quantity: Quantity) -> Result<f64, String> {
    match (quantity, value) {
        (Quantity::Duration, toml::Value::String(text)) => {
            parse_duration(text).map(|d| d.as_secs_f64())
        }
        (Quantity::Duration, other) => Err(format!(
            "expected a duration with a unit such as \"90s\" or \"5m\", got {other}"
        )),
        (Quantity::Number, toml::Value::Float(f)) => Ok(*f),
        (Quantity::Number, toml::Value::Integer(i)) => Ok(*i as f64),
        (Quantity::Number, other) => Err(format!("expected a number, got {other}")),
    }
}

/// Reads one numeric column of a CSV file with a header row.
pub(super) fn read_csv_column(path: &Path, column: &str) -> Result<Vec<f64>, String> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| {
        format!(
            "cannot read CSV file {}: {}",
            path.display(),
            io_message(&e)
        )
    })?;
    let headers = reader
        .headers()
        .map_err(|e| format!("cannot read the header of {}: {e}", path.display()))?
        .clone();
    let position = headers
        .iter()
        .position(|h| h.trim() == column)
        .ok_or_else(|| {
            let names: Vec<String> = headers.iter().map(|h| format!("\"{h}\"")).collect();
            format!(
                "{} has no column \"{column}\" (columns: {})",
                path.display(),
                names.join(", ")
            )
        })?;
    let mut values = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{}: row {}: {e}", path.display(), row + 2))?;
        let cell = record.get(position).unwrap_or("").trim();
        let value: f64 = cell.parse().map_err(|_| {
            format!(
                "{}: row {}, column \"{column}\": expected a number, got \"{cell}\"",
                path.display(),
                row + 2
            )
        })?;
        values.push(value);
    }
    Ok(values)
}

fn io_message(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
            "no such file".to_string()
        }
        _ => error.to_string(),
    }
}
