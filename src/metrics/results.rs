//! The measures of one run as plain rows (scope, name, measure, value): the shape every later
//! stage (sweeps, reports, checks) consumes, so that adding a measure adds rows, not columns.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

use super::Text;

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
    pub name: Text,
    pub measure: Text,
    pub value: f64,
}

/// Which measure of which entity, e.g. (queue, english, asa_s): what sweeps aggregate and
/// checks pair by. It orders, compares and hashes by (scope, name, measure) as strings.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MeasureKey {
    pub scope: Scope,
    pub name: Text,
    pub measure: Text,
}

impl MeasureKey {
    /// The key of `row`'s measure.
    pub fn of(row: &MeasureRow) -> MeasureKey {
        MeasureKey {
            scope: row.scope,
            name: row.name.clone(),
            measure: row.measure.clone(),
        }
    }
}

impl fmt::Display for MeasureKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.scope, self.name, self.measure)
    }
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
    /// Where each summary and agent row is (see [`RunResults::locate`]).
    pub(crate) index: RowIndex,
}

/// The values of one run's rows, in the order of its summary, interval and agent rows (the
/// collector lays rows out by the scenario, not by events, so every replication of a scenario
/// has the same rows): what replications keep of a run after the first.
#[derive(Debug, Clone, PartialEq)]
pub struct RowValues {
    pub summary: Vec<f64>,
    pub intervals: Vec<f64>,
    pub agents: Vec<f64>,
}

impl RowValues {
    pub fn of(run: &RunResults) -> RowValues {
        RowValues {
            summary: run.summary.iter().map(|r| r.value).collect(),
            intervals: run.intervals.iter().map(|r| r.row.value).collect(),
            agents: run.agents.iter().map(|r| r.value).collect(),
        }
    }
}

/// Where a summary or agent row is in its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAt {
    Summary(usize),
    Agents(usize),
}

/// The position of every summary and agent row by (scope, name, measure), built at the first
/// lookup: a report of thousands of queues looks up tens of thousands of figures, and finding
/// each by scanning every row made reporting grow with the square of the centre's size. Rows
/// are only ever changed in value after a run is formed, never in key, so the index stays
/// true; a clone starts without one (it is rebuilt on demand) and it takes no part in
/// comparisons.
#[derive(Default)]
pub(crate) struct RowIndex(OnceLock<ByScope>);

/// `[scope] -> name -> measure -> row` (the first row of a key, as a scan would find it).
type ByScope = [HashMap<Text, HashMap<Text, RowAt>>; Scope::ALL.len()];

impl Clone for RowIndex {
    fn clone(&self) -> RowIndex {
        RowIndex::default()
    }
}

impl PartialEq for RowIndex {
    fn eq(&self, _: &RowIndex) -> bool {
        true
    }
}

impl fmt::Debug for RowIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RowIndex")
    }
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
        Some(match self.locate(scope, name, measure)? {
            RowAt::Summary(i) => self.summary[i].value,
            RowAt::Agents(i) => self.agents[i].value,
        })
    }

    /// Where the summary or agent row of (scope, name, measure) is: the first such row of the
    /// summary, else of the agent rows. Constant time after the first call.
    pub fn locate(&self, scope: Scope, name: &str, measure: &str) -> Option<RowAt> {
        let index = self.index.0.get_or_init(|| {
            let mut index: ByScope = Default::default();
            let rows = (self.summary.iter().enumerate())
                .map(|(i, r)| (r, RowAt::Summary(i)))
                .chain((self.agents.iter().enumerate()).map(|(i, r)| (r, RowAt::Agents(i))));
            for (row, at) in rows {
                index[row.scope as usize]
                    .entry(row.name.clone())
                    .or_default()
                    .entry(row.measure.clone())
                    .or_insert(at);
            }
            index
        });
        index[scope as usize].get(name)?.get(measure).copied()
    }

    /// The names of the entities of `scope` with summary or agent rows, in the order of their
    /// first row.
    pub fn names(&self, scope: Scope) -> Vec<&str> {
        let mut seen = HashSet::new();
        self.all_rows()
            .filter(|r| r.scope == scope && seen.insert(r.name.as_str()))
            .map(|r| r.name.as_str())
            .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(scope: Scope, name: &str, measure: &str, value: f64) -> MeasureRow {
        MeasureRow {
            scope,
            name: Text::copy_of(name),
            measure: Text::copy_of(measure),
            value,
        }
    }

    fn results(summary: Vec<MeasureRow>, agents: Vec<MeasureRow>) -> RunResults {
        RunResults {
            scenario: "s".into(),
            seed: 1,
            horizon_s: 3600.0,
            warm_up_s: 0.0,
            interval_s: 900.0,
            summary,
            intervals: vec![],
            agents,
            wait_distribution: vec![],
            index: RowIndex::default(),
        }
    }

    #[test]
    fn a_lookup_finds_the_row_a_scan_would_find() {
        let results = results(
            vec![
                row(Scope::Overall, "all", "offered", 10.0),
                row(Scope::Queue, "q", "offered", 4.0),
                row(Scope::Queue, "q", "offered", 5.0),
                row(Scope::Channel, "q", "offered", 6.0),
            ],
            vec![
                row(Scope::AgentGroup, "q", "offered", 7.0),
                row(Scope::AgentGroup, "a", "utilization", 0.5),
            ],
        );
        for scope in Scope::ALL {
            for name in ["all", "q", "a", "x"] {
                for measure in ["offered", "utilization", "asa_s"] {
                    let scan = results
                        .all_rows()
                        .find(|r| r.scope == scope && r.name == name && r.measure == measure)
                        .map(|r| r.value);
                    assert_eq!(results.value(scope, name, measure), scan);
                }
            }
        }
        assert_eq!(results.value(Scope::Queue, "q", "offered"), Some(4.0));
        assert_eq!(
            results.locate(Scope::AgentGroup, "a", "utilization"),
            Some(RowAt::Agents(1))
        );
    }

    #[test]
    fn a_clone_whose_rows_change_is_looked_up_afresh() {
        let original = results(vec![row(Scope::Queue, "q", "offered", 1.0)], vec![]);
        assert_eq!(original.value(Scope::Queue, "q", "offered"), Some(1.0));
        let mut renamed = original.clone();
        renamed.summary[0].name = "r".into();
        assert_eq!(renamed.value(Scope::Queue, "q", "offered"), None);
        assert_eq!(renamed.value(Scope::Queue, "r", "offered"), Some(1.0));
        assert_eq!(original.value(Scope::Queue, "q", "offered"), Some(1.0));
    }

    #[test]
    fn names_come_once_each_in_the_order_of_their_first_row() {
        let results = results(
            vec![
                row(Scope::Queue, "b", "offered", 1.0),
                row(Scope::Channel, "c", "offered", 1.0),
                row(Scope::Queue, "a", "offered", 1.0),
                row(Scope::Queue, "b", "asa_s", 1.0),
            ],
            vec![row(Scope::AgentGroup, "g", "agents", 2.0)],
        );
        assert_eq!(results.names(Scope::Queue), ["b", "a"]);
        assert_eq!(results.names(Scope::AgentGroup), ["g"]);
        assert!(results.names(Scope::Workstream).is_empty());
    }
}
