//! The measures of one run as plain rows (scope, name, measure, value): the shape every later
//! stage (sweeps, reports, checks) consumes, so that adding a measure adds rows, not columns.

use std::fmt;

/// What a row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Overall,
    Channel,
    Workstream,
    Queue,
    AgentGroup,
}

impl Scope {
    pub const ALL: [Scope; 5] = [
        Scope::Overall,
        Scope::Channel,
        Scope::Workstream,
        Scope::Queue,
        Scope::AgentGroup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Overall => "overall",
            Scope::Channel => "channel",
            Scope::Workstream => "workstream",
            Scope::Queue => "queue",
            Scope::AgentGroup => "agent_group",
        }
    }

    pub fn parse(text: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One measure of one entity. `value` is NaN when the measure is undefined (an average of
/// nothing, e.g. the speed of answer of a channel that answered no conversation).
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureRow {
    pub scope: Scope,
    pub name: String,
    pub measure: String,
    pub value: f64,
}

/// One measure of one entity in one interval of the day.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalRow {
    /// The day of the run (0 first) when days are kept apart (`report_days = "apart"`);
    /// `None` when the interval covers that time of day on every day.
    pub day: Option<usize>,
    /// Index of the interval within the day (0 starts at midnight).
    pub interval: usize,
    /// Seconds from midnight to the start of the interval.
    pub start_s: u64,
    pub row: MeasureRow,
}

/// Everything one run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResults {
    pub scenario: String,
    pub seed: u64,
    pub horizon_s: f64,
    pub warm_up_s: f64,
    pub interval_s: f64,
    /// Conversations, by channel, workstream, queue and overall, for the measured period.
    pub summary: Vec<MeasureRow>,
    /// The same measures by interval of the day (folded over the days of the run, or one set
    /// per day with `report_days = "apart"`).
    pub intervals: Vec<IntervalRow>,
    /// Agents, by group and overall.
    pub agents: Vec<MeasureRow>,
    /// The distribution of the wait to answer, overall and per channel, for charts.
    pub wait_distribution: Vec<WaitDistribution>,
}

/// The distribution of the wait of answered conversations of one entity over the measured
/// period, as its cumulative distribution at the bounds of the collector's histogram buckets
/// (each within 1/64 of its value): enough to draw a CDF or a histogram, without every wait.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitDistribution {
    pub scope: Scope,
    pub name: String,
    /// How many waits the distribution is made of.
    pub answered: u64,
    /// `(wait in seconds, fraction of answered conversations that waited at most that long)`,
    /// ascending in both; the last fraction is 1; empty when nothing was answered.
    pub points: Vec<(f64, f64)>,
}

impl RunResults {
    /// The value of one summary or agent measure, if present.
    pub fn value(&self, scope: Scope, name: &str, measure: &str) -> Option<f64> {
        self.summary
            .iter()
            .chain(&self.agents)
            .find(|r| r.scope == scope && r.name == name && r.measure == measure)
            .map(|r| r.value)
    }

    /// Summary and agent rows together, in report order.
    pub fn all_rows(&self) -> impl Iterator<Item = &MeasureRow> {
        self.summary.iter().chain(&self.agents)
    }
}

/// The label of a service-level threshold in measure names: `20s`, `5m`, `1h`.
pub fn threshold_label(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    if (seconds - whole as f64).abs() > 1e-9 {
        format!("{seconds}s")
    } else if whole > 0 && whole % 3600 == 0 {
        format!("{}h", whole / 3600)
    } else if whole > 0 && whole % 60 == 0 {
        format!("{}m", whole / 60)
    } else {
        format!("{whole}s")
    }
}
