//! Validation of `[staffing]` (the targets and limits of `routesim staffing`) and of an agent
//! group's `staffing` curve (agents logged in per interval of the day, inline or from a CSV
//! column). The validated targets are plain data ([`StaffingSpec`]); searching for the
//! staffing that meets them is the `staffing` module's job, not this one's.

use super::curve::{read_curve_csv, StartColumn};
use super::interval_starts::IntervalSource;
use super::*;

use crate::config::file::{StaffingFile, StaffingTargetFile};
use crate::model::{ChannelId, Entity, GroupId, StaffingCurve};

/// Replications per evaluated staffing when `[staffing]` does not say.
pub const DEFAULT_REPLICATIONS: u32 = 10;
/// Iterations of the iterative staffing algorithm when `[staffing]` does not say.
pub const DEFAULT_MAX_ITERATIONS: u32 = 10;
/// The default confidence: a target is met when the mean over replications meets it.
pub const DEFAULT_CONFIDENCE: f64 = 0.5;

/// What `routesim staffing` sizes, for which targets, within which limits.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffingSpec {
    /// The sized groups with their share of a requirement (positive, adding up to 1).
    pub groups: Vec<(GroupId, f64)>,
    /// Every target, with channel and queue targets written without a name expanded to one
    /// target per channel or queue.
    pub targets: Vec<StaffingTarget>,
    /// Share of paid time agents are not available (breaks, training, absence): rostered =
    /// required / (1 - shrinkage).
    pub shrinkage: f64,
    /// Bounds on the sized agents logged in, per interval.
    pub min_agents: u32,
    /// `None`: derived from the offered load by the search.
    pub max_agents: Option<u32>,
    /// One-sided confidence with which a target must be shown met over the replications (0.5:
    /// the mean meets it).
    pub confidence: f64,
    pub replications: u32,
    pub max_iterations: u32,
}

/// Where a target is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TargetScope {
    Overall,
    Channel(ChannelId),
    Queue(QueueId),
}

/// Targets for one scope, each interval of the day; at least one is set.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffingTarget {
    pub scope: TargetScope,
    /// `(threshold, share)`: at least `share` of the conversations answered within
    /// `threshold` (answered within T / (answered + abandoned), as `service_level_<T>_of_offered`).
    pub service_level: Option<(SimDuration, f64)>,
    pub max_asa: Option<SimDuration>,
    /// abandoned / (answered + abandoned).
    pub max_abandon_rate: Option<f64>,
    /// Of the sized groups: time with at least one conversation / time logged in.
    pub max_occupancy: Option<f64>,
}

impl Validator<'_> {
    /// An agent group's `staffing`: `[n0, n1, ...]` (one count per interval of a day or a
    /// week: 96 or 672 fifteen-minute values) or `{ csv = "file.csv", column = "name" }`, with
    /// optional `interval` and `interval_column`, read and checked like an arrival curve
    /// (`curve.rs`): the interval-start column (`interval_start`: `08:15`, `Mon 08:15` or a
    /// date) must step by the interval from midnight, and the curve must cover whole days.
    pub(super) fn staffing_curve(
        &mut self,
        path: &str,
        value: &toml::Value,
    ) -> Option<StaffingCurve> {
        let mut csv_rows: Option<(String, Vec<(usize, String)>)> = None;
        let mut interval_text: Option<String> = None;
        let (values, values_path): (Vec<f64>, String) = match value {
            toml::Value::Array(items) => {
                let mut values = Vec::new();
                for (idx, item) in items.iter().enumerate() {
                    match item {
                        toml::Value::Integer(n) => values.push(*n as f64),
                        toml::Value::Float(x) => values.push(*x),
                        other => {
                            self.problem(
                                &format!("{path}[{idx}]"),
                                format!("expected a number of agents, got {other}"),
                            );
                            return None;
                        }
                    }
                }
                (values, path.to_string())
            }
            toml::Value::Table(table) => {
                const KEYS: [&str; 4] = ["csv", "column", "interval", "interval_column"];
                for key in table.keys() {
                    if !KEYS.contains(&key.as_str()) {
                        let hint = suggest::did_you_mean(key, KEYS);
                        self.problem(
                            &path::join(path, key),
                            format!("unknown field{hint} (expected `csv`, `column`, and optionally `interval` and `interval_column`)"),
                        );
                        return None;
                    }
                }
                let text = |key: &str| table.get(key).and_then(|v| v.as_str());
                for key in ["interval", "interval_column"] {
                    if table.contains_key(key) && text(key).is_none() {
                        self.problem(&format!("{path}.{key}"), "expected text");
                        return None;
                    }
                }
                let (Some(csv), Some(column)) = (text("csv"), text("column")) else {
                    self.problem(path, "a CSV staffing curve needs `csv` (the file) and `column` (the header of the column to read), both text");
                    return None;
                };
                let start_column = match text("interval_column") {
                    Some(name) => StartColumn::Named(name),
                    None => StartColumn::IfPresent("interval_start"),
                };
                let table_read = self.check(
                    &format!("{path}.csv"),
                    read_curve_csv(&self.base_dir.join(csv), column, start_column),
                )?;
                csv_rows = table_read.starts.map(|rows| (csv.to_string(), rows));
                interval_text = text("interval").map(String::from);
                (table_read.values, format!("{path}.csv"))
            }
            other => {
                self.problem(
                    path,
                    format!("expected a list of agents per interval ([10, 12, ...]) or {{ csv = \"file.csv\", column = \"name\" }}, got {other}"),
                );
                return None;
            }
        };
        let n = values.len();
        if n == 0 {
            self.problem(
                &values_path,
                "no agents: a curve needs at least one interval",
            );
            return None;
        }
        let rows = csv_rows
            .as_ref()
            .map(|(csv, rows)| (csv.as_str(), rows.as_slice()));
        let (interval, source) = match &interval_text {
            Some(text) => (
                self.positive_duration(&format!("{path}.interval"), text)?,
                IntervalSource::Arrivals(format!("{path}.interval")),
            ),
            None => {
                let hint = if values_path.ends_with(".csv") {
                    "; give `interval`"
                } else {
                    " (a day or a week of values: 24 or 96 a day, 168 or 672 a week)"
                };
                self.inferred_curve_interval(&values_path, n, "values", rows, hint)?
            }
        };
        self.check_curve_span(&values_path, n, interval, &source, rows, "values")?;
        let mut agents = Vec::with_capacity(values.len());
        for (idx, &value) in values.iter().enumerate() {
            if !(value.is_finite() && value >= 0.0 && value.fract() == 0.0 && value <= 1e6) {
                let at = match rows.and_then(|(_, rows)| rows.get(idx)) {
                    Some((line, _)) => format!("row {line}"),
                    None => format!("value {}", idx + 1),
                };
                self.problem(
                    &values_path,
                    format!(
                        "{at}: expected a whole number of agents from 0 to 1000000, got {value}"
                    ),
                );
                return None;
            }
            agents.push(value as u32);
        }
        Some(StaffingCurve::with_interval(interval, agents))
    }

    /// The `[staffing]` table, once the groups, channels and queues are known. The indices of
    /// the targets held to their scope's own goal (`service_level_goal = true`) are pushed to
    /// `goal_targets`: [`fill_goals`] sets their service level once the scenario is built.
    pub(super) fn staffing_spec(
        &mut self,
        file: &StaffingFile,
        names: &Names,
        groups: &[&String],
        group_sizes: &[u32],
        goal_targets: &mut Vec<usize>,
    ) -> Option<StaffingSpec> {
        let mut ok = true;
        let mut sized: Vec<usize> = Vec::new();
        match &file.groups {
            None => sized.extend(0..groups.len()),
            Some(list) => {
                if list.is_empty() {
                    self.problem("staffing.groups", "name at least one agent group to size");
                    ok = false;
                }
                for (idx, name) in list.iter().enumerate() {
                    match self.resolve(
                        &format!("staffing.groups[{idx}]"),
                        "agent group",
                        name,
                        groups,
                    ) {
                        Some(g) if sized.contains(&g) => {
                            self.problem(
                                &format!("staffing.groups[{idx}]"),
                                format!("agent group \"{name}\" is listed twice"),
                            );
                            ok = false;
                        }
                        Some(g) => sized.push(g),
                        None => ok = false,
                    }
                }
            }
        }
        let mut weights: Vec<f64> = sized
            .iter()
            .map(|&g| f64::from(group_sizes.get(g).copied().unwrap_or(0)))
            .collect();
        if let Some(mix) = &file.mix {
            weights = vec![0.0; sized.len()];
            for (name, &share) in mix {
                let mpath = path::join("staffing.mix", name);
                let Some(pos) = sized.iter().position(|&g| groups[g] == name) else {
                    self.problem(
                        &mpath,
                        format!("\"{name}\" is not a sized group (list it in `staffing.groups`)"),
                    );
                    ok = false;
                    continue;
                };
                if !(share.is_finite() && share >= 0.0) {
                    self.problem(
                        &mpath,
                        format!("expected a share of 0 or more, got {share}"),
                    );
                    ok = false;
                    continue;
                }
                weights[pos] = share;
            }
            if ok && weights.iter().sum::<f64>() <= 0.0 {
                self.problem("staffing.mix", "the shares must not all be 0");
                ok = false;
            }
        }
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            weights = vec![1.0; sized.len()];
        }
        let total: f64 = weights.iter().sum();
        let groups_mix = sized
            .iter()
            .zip(&weights)
            .map(|(&g, &w)| (GroupId::from_index(g), w / total))
            .collect();

        let shrinkage = file.shrinkage.unwrap_or(0.0);
        if !(0.0..1.0).contains(&shrinkage) {
            self.problem(
                "staffing.shrinkage",
                format!("expected a share from 0 to below 1 (0.3 = 30 % of paid time away), got {shrinkage}"),
            );
            ok = false;
        }
        let whole = |v: &mut Self, field: &str, value: Option<i64>, min: i64, max: i64| match value
        {
            None => Some(None),
            Some(n) if (min..=max).contains(&n) => Some(Some(n as u32)),
            Some(n) => {
                v.problem(
                    &format!("staffing.{field}"),
                    format!("expected a whole number from {min} to {max}, got {n}"),
                );
                None
            }
        };
        let min_agents = whole(self, "min_agents", file.min_agents, 0, 1_000_000);
        let max_agents = whole(self, "max_agents", file.max_agents, 1, 1_000_000);
        let replications = whole(self, "replications", file.replications, 2, 10_000);
        let max_iterations = whole(self, "max_iterations", file.max_iterations, 1, 100);
        if let (Some(Some(lo)), Some(Some(hi))) = (min_agents, max_agents) {
            if lo > hi {
                self.problem(
                    "staffing.min_agents",
                    format!("min_agents ({lo}) is more than max_agents ({hi})"),
                );
                ok = false;
            }
        }
        let confidence = file.confidence.unwrap_or(DEFAULT_CONFIDENCE);
        if !(0.5..1.0).contains(&confidence) {
            self.problem(
                "staffing.confidence",
                format!("expected a one-sided confidence from 0.5 (the mean meets the target) to below 1, got {confidence}"),
            );
            ok = false;
        }
        if file.targets.is_empty() {
            self.problem(
                "staffing.targets",
                "give at least one target ([[staffing.targets]] with service_level and threshold, max_asa, max_abandon_rate or max_occupancy)",
            );
            ok = false;
        }
        let mut targets = Vec::new();
        for (idx, target) in file.targets.iter().enumerate() {
            match self.staffing_target(&format!("staffing.targets[{idx}]"), target, names) {
                Some(list) => {
                    if target.service_level_goal == Some(true) {
                        goal_targets.extend(targets.len()..targets.len() + list.len());
                    }
                    targets.extend(list);
                }
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        Some(StaffingSpec {
            groups: groups_mix,
            targets,
            shrinkage,
            min_agents: min_agents?.unwrap_or(0),
            max_agents: max_agents?,
            confidence,
            replications: replications?.unwrap_or(DEFAULT_REPLICATIONS),
            max_iterations: max_iterations?.unwrap_or(DEFAULT_MAX_ITERATIONS),
        })
    }

    fn staffing_target(
        &mut self,
        path: &str,
        file: &StaffingTargetFile,
        names: &Names,
    ) -> Option<Vec<StaffingTarget>> {
        let mut ok = true;
        let scopes: Vec<TargetScope> =
            match (file.scope.as_deref().unwrap_or("overall"), &file.name) {
                ("overall", None) => vec![TargetScope::Overall],
                ("overall", Some(_)) => {
                    self.problem(
                        &format!("{path}.name"),
                        "an overall target has no name (leave `name` out)",
                    );
                    return None;
                }
                ("channel", None) => (0..names.channels.len())
                    .map(|c| TargetScope::Channel(ChannelId::from_index(c)))
                    .collect(),
                ("channel", Some(name)) => vec![TargetScope::Channel(ChannelId::from_index(
                    self.resolve(&format!("{path}.name"), "channel", name, &names.channels)?,
                ))],
                ("queue", None) => (0..names.queues.len())
                    .map(|q| TargetScope::Queue(QueueId::from_index(q)))
                    .collect(),
                ("queue", Some(name)) => vec![TargetScope::Queue(QueueId::from_index(
                    self.resolve(&format!("{path}.name"), "queue", name, &names.queues)?,
                ))],
                (other, _) => {
                    self.problem(
                        &format!("{path}.scope"),
                        format!("expected \"overall\", \"channel\" or \"queue\", got \"{other}\""),
                    );
                    return None;
                }
            };
        let goal = file.service_level_goal == Some(true);
        if goal && (file.service_level.is_some() || file.threshold.is_some()) {
            self.problem(
                &format!("{path}.service_level_goal"),
                "the goal gives the threshold and the share: leave `service_level` and `threshold` out, or `service_level_goal` out",
            );
            return None;
        }
        let service_level = match (file.service_level, &file.threshold) {
            (None, None) => None,
            (Some(_), None) => {
                self.problem(
                    &format!("{path}.threshold"),
                    "a service-level target needs `threshold`, the T of \"answered within T\" (e.g. \"20s\")",
                );
                ok = false;
                None
            }
            (None, Some(_)) => {
                self.problem(
                    &format!("{path}.service_level"),
                    "a threshold needs `service_level`, the share to answer within it (e.g. 0.8)",
                );
                ok = false;
                None
            }
            (Some(share), Some(text)) => {
                let threshold = self.check(&format!("{path}.threshold"), parse_duration(text));
                if !(share > 0.0 && share <= 1.0) {
                    self.problem(
                        &format!("{path}.service_level"),
                        format!("expected a share above 0 and at most 1 (0.8 = 80 %), got {share}"),
                    );
                    ok = false;
                }
                threshold.map(|t| (t, share))
            }
        };
        let max_asa = match &file.max_asa {
            None => None,
            Some(text) => {
                let asa = self.check(&format!("{path}.max_asa"), parse_duration(text));
                ok &= asa.is_some();
                asa
            }
        };
        let rate = |v: &mut Self, field: &str, value: Option<f64>, what: &str, zero: bool| {
            let value = value?;
            let low_ok = if zero { value >= 0.0 } else { value > 0.0 };
            if low_ok && value <= 1.0 {
                Some(Ok(value))
            } else {
                v.problem(
                    &format!("{path}.{field}"),
                    format!("expected {what}, got {value}"),
                );
                Some(Err(()))
            }
        };
        let max_abandon_rate = match rate(
            self,
            "max_abandon_rate",
            file.max_abandon_rate,
            "a share from 0 to 1 (0.05 = 5 %)",
            true,
        ) {
            Some(Err(())) => {
                ok = false;
                None
            }
            other => other.and_then(Result::ok),
        };
        let max_occupancy = match rate(
            self,
            "max_occupancy",
            file.max_occupancy,
            "a share above 0 and at most 1 (0.85 = 85 %)",
            false,
        ) {
            Some(Err(())) => {
                ok = false;
                None
            }
            other => other.and_then(Result::ok),
        };
        if ok
            && !goal
            && service_level.is_none()
            && max_asa.is_none()
            && max_abandon_rate.is_none()
            && max_occupancy.is_none()
        {
            self.problem(
                path,
                "a target needs at least one of: service_level with threshold (or service_level_goal = true), max_asa, max_abandon_rate, max_occupancy",
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        Some(
            scopes
                .into_iter()
                .map(|scope| StaffingTarget {
                    scope,
                    service_level,
                    max_asa,
                    max_abandon_rate,
                    max_occupancy,
                })
                .collect(),
        )
    }
}

/// Sets the service level of the targets at `goal_targets` to their scope's own goal
/// ([`Scenario::service_level_target`]): a channel's `service_level` (email at its hours), a
/// queue's channels' shared goal, else the scenario's.
pub(super) fn fill_goals(spec: &mut StaffingSpec, goal_targets: &[usize], scenario: &Scenario) {
    for &idx in goal_targets {
        let target = &mut spec.targets[idx];
        let entity = match target.scope {
            TargetScope::Overall => Entity::Overall,
            TargetScope::Channel(c) => Entity::Channel(c),
            TargetScope::Queue(q) => Entity::Queue(q),
        };
        let goal = scenario.service_level_target(entity);
        target.service_level = Some((goal.threshold, goal.target));
    }
}
