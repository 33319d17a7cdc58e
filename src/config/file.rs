//! The scenario file format: serde types that mirror the TOML one to one. Every struct denies
//! unknown fields, so a typo is an error instead of a silently ignored setting. Values stay as
//! written (durations as text, names as strings); `validate` turns them into a model scenario.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    pub name: Option<String>,
    pub description: Option<String>,
    pub simulation: SimulationFile,
    pub channels: BTreeMap<String, ChannelFile>,
    pub workstreams: BTreeMap<String, WorkstreamFile>,
    pub queues: BTreeMap<String, QueueFile>,
    pub agent_groups: BTreeMap<String, AgentGroupFile>,
    #[serde(default)]
    pub capacity_profiles: BTreeMap<String, CapacityProfileFile>,
    /// Read by `sweep`; ignored by a plain run.
    pub sweep: Option<toml::Value>,
    /// Read by `check`; ignored by a plain run.
    pub check: Option<toml::Value>,
    /// The targets of `routesim staffing`; validated with the scenario, ignored by a plain run.
    pub staffing: Option<StaffingFile>,
}

/// `[staffing]`: what `routesim staffing` sizes and for which targets.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffingFile {
    /// The agent groups that are sized (default: every group).
    pub groups: Option<Vec<String>>,
    /// Share of each sized group in a requirement (default: in proportion to their counts).
    pub mix: Option<BTreeMap<String, f64>>,
    pub shrinkage: Option<f64>,
    pub min_agents: Option<i64>,
    pub max_agents: Option<i64>,
    pub confidence: Option<f64>,
    pub replications: Option<i64>,
    pub max_iterations: Option<i64>,
    #[serde(default)]
    pub targets: Vec<StaffingTargetFile>,
}

/// One `[[staffing.targets]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffingTargetFile {
    pub scope: Option<String>,
    pub name: Option<String>,
    pub service_level: Option<f64>,
    pub threshold: Option<String>,
    /// `true`: the service level of the scope's own goal (a channel's `service_level`, else
    /// the scenario's first threshold and `service_level_target`), instead of `service_level`
    /// and `threshold`.
    pub service_level_goal: Option<bool>,
    pub max_asa: Option<String>,
    pub max_abandon_rate: Option<f64>,
    pub max_occupancy: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityProfileFile {
    pub work_item_limit: i64,
    pub blocking: Option<bool>,
    /// What a full blocking profile stops: "all_work" (default) or "same_profile".
    pub blocking_scope: Option<String>,
    /// "immediate" (default) or "end_of_day".
    pub reset: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationFile {
    pub horizon: String,
    pub warm_up: Option<String>,
    pub seed: Option<u64>,
    pub interval: Option<String>,
    pub service_level_thresholds: Option<Vec<String>>,
    pub capacity_compare: Option<String>,
    pub full_capacity_presence: Option<String>,
    /// The default service-level target, as a fraction (default 0.8).
    pub service_level_target: Option<f64>,
    /// `"folded"` (default: every day onto one day) or `"apart"` (intervals.csv gains `day`).
    pub report_days: Option<String>,
    pub decline_limit: Option<i64>,
    /// Replications of `routesim run` when `--replications` is not given (default 1).
    pub replications: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelFile {
    pub kind: String,
    pub arrivals: ArrivalsFile,
    #[serde(default)]
    pub variables: BTreeMap<String, VariableFile>,
    pub patience: Option<DistributionFile>,
    pub handle_time: DistributionFile,
    pub waiting: Option<WaitingFile>,
    pub wrap_up: Option<DistributionFile>,
    /// Handle-time factors by the number of conversations the agent holds (overrides the
    /// workstream's).
    pub concurrency_slowdown: Option<Vec<f64>>,
    /// The channel's own service-level goal (default: the scenario's).
    pub service_level: Option<ServiceLevelFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceLevelFile {
    /// Default: the first of `simulation.service_level_thresholds`.
    pub threshold: Option<String>,
    /// Default: `simulation.service_level_target`.
    pub target: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitingFile {
    pub probability: f64,
    pub resume_delay: DistributionFile,
    /// Patience of a resumed segment (default: none, waits forever).
    pub resume_patience: Option<DistributionFile>,
}

/// Exactly one of the shapes must be given; `validate` says which fields clash.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrivalsFile {
    pub per_hour: Option<f64>,
    pub interval: Option<String>,
    pub rates_per_hour: Option<Vec<f64>>,
    /// Conversations per interval (of `interval`, else `simulation.interval`).
    pub counts_per_interval: Option<Vec<f64>>,
    pub csv: Option<String>,
    pub column: Option<String>,
    /// `csv`'s `column` holds conversations per interval rather than rates per hour.
    pub counts: Option<bool>,
    /// The CSV column with each row's interval start (default: `interval_start`, if present).
    pub interval_column: Option<String>,
    /// Arrival times in seconds from the start, read from `csv`'s `column` (a trace).
    pub trace: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableFile {
    pub values: Option<Vec<String>>,
    pub weights: Option<Vec<f64>>,
    pub number: Option<DistributionFile>,
}

/// A distribution: `kind` plus the parameters that kind takes. Parameters are kept as TOML
/// values because their unit (duration or plain number) depends on where the distribution is.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistributionFile {
    pub kind: String,
    pub value: Option<toml::Value>,
    pub mean: Option<toml::Value>,
    pub sd: Option<toml::Value>,
    pub min: Option<toml::Value>,
    pub max: Option<toml::Value>,
    pub scale: Option<toml::Value>,
    pub shape: Option<f64>,
    pub k: Option<u32>,
    pub samples: Option<Vec<toml::Value>>,
    pub csv: Option<String>,
    pub column: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkstreamFile {
    pub channels: Vec<String>,
    pub mode: Option<String>,
    pub capacity_units: Option<u32>,
    pub allowed_presences: Option<Vec<String>>,
    #[serde(default)]
    pub routing: Vec<RouteRuleFile>,
    pub fallback_queue: String,
    pub notifications: Option<NotificationsFile>,
    pub affinity: Option<bool>,
    pub auto_close_after: Option<String>,
    pub wrap_up_blocking: Option<String>,
    pub allow_self_selection: Option<bool>,
    pub skill_matching: Option<String>,
    #[serde(default)]
    pub classification: Vec<ClassificationFile>,
    pub bot: Option<BotFile>,
    pub capacity_profiles: Option<Vec<String>>,
    /// Handle-time factors by the number of conversations the agent holds.
    pub concurrency_slowdown: Option<Vec<f64>>,
    pub preferred_agents: Option<PreferredAgentsFile>,
}

/// Preferred agents by the value of a text context variable.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreferredAgentsFile {
    pub variable: String,
    /// "next_best" (default) or "leave_in_queue".
    pub fallback: Option<String>,
    /// Value → up to 3 agents, each "group" (one of the group, drawn per conversation) or
    /// "group:N" (its N-th agent, from 1).
    pub by_value: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotFile {
    pub containment_probability: f64,
    pub handling_time: DistributionFile,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassificationFile {
    #[serde(default)]
    pub when: Vec<ConditionFile>,
    /// Required skills with their minimum ratings.
    pub skills: Option<BTreeMap<String, i64>>,
    pub priority: Option<i32>,
    /// Capacity profiles appended to the workstream's for the matched item.
    pub capacity_profiles: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotificationsFile {
    pub timeout: Option<String>,
    pub reject_button: Option<bool>,
    pub missed_sets_inactive: Option<bool>,
    pub reject_sets_busy_dnd: Option<bool>,
    pub reserve_capacity_on_offer: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteRuleFile {
    /// The queue; or give `split` instead.
    pub queue: Option<String>,
    /// A percentage split across up to 5 queues (percentages add up to 100).
    pub split: Option<Vec<SplitFile>>,
    #[serde(default)]
    pub when: Vec<ConditionFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitFile {
    pub queue: String,
    pub percent: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionFile {
    pub variable: String,
    pub equals: Option<toml::Value>,
    pub not_equals: Option<toml::Value>,
    #[serde(rename = "in")]
    pub one_of: Option<Vec<String>>,
    pub not_in: Option<Vec<String>>,
    pub less_than: Option<f64>,
    pub at_most: Option<f64>,
    pub greater_than: Option<f64>,
    pub at_least: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueFile {
    pub assignment: Option<String>,
    pub priority: Option<i32>,
    pub block_size: Option<usize>,
    pub overflow: Option<OverflowFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverflowFile {
    pub work_item_limit: Option<i64>,
    pub operating_hours: Option<HoursFile>,
    pub action: String,
    pub transfer_to: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoursFile {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentGroupFile {
    /// Required unless `staffing` gives agents per interval instead.
    pub count: Option<i64>,
    pub capacity_units: Option<u32>,
    pub queues: Vec<String>,
    pub shift: Option<ShiftFile>,
    pub notifications: Option<AgentNotificationsFile>,
    pub picking: Option<PickingFile>,
    /// Skills with their ratings.
    pub skills: Option<BTreeMap<String, i64>>,
    pub away_episodes: Option<AwayEpisodesFile>,
    pub capacity_profiles: Option<Vec<String>>,
    /// Per-group overrides of the profiles' work-item limits.
    pub profile_limits: Option<BTreeMap<String, i64>>,
    /// Agents logged in per interval of the day instead of `count` and `shift`: a list of
    /// counts, or `{ csv, column }`.
    pub staffing: Option<toml::Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwayEpisodesFile {
    pub per_hour: f64,
    pub duration: DistributionFile,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PickingFile {
    pub think_time: Option<DistributionFile>,
    pub when: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentNotificationsFile {
    pub response_time: Option<DistributionFile>,
    pub reject_probability: Option<f64>,
    pub miss_probability: Option<f64>,
    pub presence_reset: Option<String>,
    /// "miss" (default) or "answer": whether an Away or Offline agent answers offers.
    pub when_absent: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftFile {
    pub start: String,
    pub end: String,
    #[serde(default)]
    pub breaks: Vec<BreakFile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreakFile {
    pub start: String,
    pub end: String,
}
