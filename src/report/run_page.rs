//! The content of a run's `report.html`: the header facts, the key figures (per channel,
//! workstream and queue, and per agent group, with the count of intervals below target), and
//! the interval table planners read (volume, handled, AHT, answered, abandoned, service level
//! against target with met / missed marked, ASA, occupancy, staffed agents). With several
//! replications every figure is a mean with the half-width of its 95 % interval.

use std::collections::HashMap;

use crate::metrics::{IntervalRow, RunResults, Scope};
use crate::sweep::{Estimate, ReplicatedRun};

use super::html::{Page, Section, Table};
use super::targets::{Target, Targets};

/// How a figure is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// Conversations: whole numbers (one decimal when a mean of replications).
    Count,
    /// A fraction, as a percentage with one decimal.
    Percent,
    /// Seconds, one decimal under 100.
    Seconds,
    /// Agents or other levels: one decimal.
    Level,
}

/// A figure as text: `-` when undefined, `value ± half-width` when it has an interval.
fn figure(estimate: Option<Estimate>, unit: Unit, replicated: bool) -> String {
    let Some(e) = estimate.filter(|e| e.mean.is_finite()) else {
        return "-".into();
    };
    let (scale, decimals, suffix) = match unit {
        Unit::Count if replicated => (1.0, 1, ""),
        Unit::Count => (1.0, 0, ""),
        Unit::Percent => (100.0, 1, "%"),
        Unit::Seconds if e.mean.abs() >= 100.0 => (1.0, 0, ""),
        Unit::Seconds => (1.0, 1, ""),
        Unit::Level => (1.0, 1, ""),
    };
    let value = format!("{:.decimals$}{suffix}", e.mean * scale);
    let half = e.half_width() * scale;
    if replicated && half.is_finite() {
        format!("{value} ± {half:.decimals$}")
    } else {
        value
    }
}

/// Whether an interval's service level meets its target: by the mean, and `unsure` when the
/// 95 % interval of several replications straddles the goal.
fn verdict(target: &Target, estimate: Option<Estimate>) -> (&'static str, &'static str) {
    let Some(e) = estimate else {
        return ("-", "");
    };
    match target.met_by(e.mean) {
        None => ("-", ""),
        Some(_) if e.ci95_low < target.goal && e.ci95_high >= target.goal => ("unsure", "unsure"),
        Some(true) => ("met", "met"),
        Some(false) => ("missed", "missed"),
    }
}

/// The interval rows of a run by (interval, scope, name, measure). An "interval" here counts
/// through the intervals of every day when the days are kept apart (`report_days = "apart"`):
/// day d's interval i is `d * intervals_per_day + i`.
struct IntervalIndex<'a> {
    rows: Rows<'a>,
    n_intervals: usize,
    intervals_per_day: usize,
    days_apart: bool,
}

/// Where each row is.
enum Rows<'a> {
    /// The collector's layout: every interval has the same rows in the same order, interval
    /// after interval, so a row is found by its place in the first interval (a week of fine
    /// intervals has hundreds of thousands of rows, and a map of every one cost more than the
    /// rest of the page).
    Blocks {
        offsets: HashMap<(Scope, &'a str, &'a str), usize>,
        per_interval: usize,
        estimates: &'a [Estimate],
    },
    /// Any other order (rows put together by hand).
    Each(HashMap<(usize, Scope, &'a str, &'a str), Estimate>),
}

impl<'a> IntervalIndex<'a> {
    fn new(run: &'a ReplicatedRun) -> Self {
        let intervals = &run.mean.intervals;
        let intervals_per_day = (86_400.0 / run.mean.interval_s).round().max(1.0) as usize;
        let days_apart = intervals.iter().any(|r| r.day.is_some());
        let at = |r: &IntervalRow| r.day.unwrap_or(0) * intervals_per_day + r.interval;
        let n_intervals = intervals.iter().map(|r| at(r) + 1).max().unwrap_or(0);
        let key = |r: &'a IntervalRow| (r.row.scope, r.row.name.as_str(), r.row.measure.as_str());
        let per_interval = intervals.iter().take_while(|r| at(r) == 0).count();
        let blocks = per_interval > 0
            && intervals.len() == per_interval * n_intervals
            && intervals.iter().enumerate().all(|(i, r)| {
                at(r) == i / per_interval && key(r) == key(&intervals[i % per_interval])
            });
        let offsets: HashMap<_, _> = if blocks {
            intervals[..per_interval]
                .iter()
                .enumerate()
                .map(|(i, r)| (key(r), i))
                .collect()
        } else {
            HashMap::new()
        };
        // A key twice in one interval has no single place: then every row is indexed.
        let rows = if blocks && offsets.len() == per_interval {
            Rows::Blocks {
                offsets,
                per_interval,
                estimates: &run.intervals,
            }
        } else {
            Rows::Each(
                intervals
                    .iter()
                    .zip(&run.intervals)
                    .map(|(r, e)| {
                        let (scope, name, measure) = key(r);
                        ((at(r), scope, name, measure), *e)
                    })
                    .collect(),
            )
        };
        IntervalIndex {
            rows,
            n_intervals,
            intervals_per_day,
            days_apart,
        }
    }

    /// How the table names interval `at`: `08:00–08:15`, or `day 2 08:00–08:15` when the
    /// days are kept apart (day 0 is the first, as in `intervals.csv`).
    fn label(&self, at: usize, length: u64) -> String {
        let start = (at % self.intervals_per_day) as u64 * length;
        let span = format!("{}–{}", clock(start), clock(start + length));
        if self.days_apart {
            format!("day {} {span}", at / self.intervals_per_day)
        } else {
            span
        }
    }

    fn get(&self, interval: usize, scope: Scope, name: &str, measure: &str) -> Option<Estimate> {
        match &self.rows {
            Rows::Blocks {
                offsets,
                per_interval,
                estimates,
            } => {
                let offset = offsets.get(&(scope, name, measure))?;
                estimates.get(interval * per_interval + offset).copied()
            }
            Rows::Each(rows) => rows.get(&(interval, scope, name, measure)).copied(),
        }
    }

    /// `(intervals below target, intervals judged)` of one scope: those with a service level,
    /// and those in which nobody was answered or gave up while customers waited (below).
    fn below_target(&self, target: &Target, scope: Scope, name: &str) -> (usize, usize) {
        let levels: Vec<f64> = (0..self.n_intervals)
            .filter_map(|i| self.get(i, scope, name, &target.measure))
            .map(|e| e.mean)
            .filter(|v| v.is_finite())
            .collect();
        let unanswered = (0..self.n_intervals)
            .filter(|&i| self.unanswered(i, target, scope, name))
            .count();
        let below = levels
            .iter()
            .filter(|&&v| target.met_by(v) == Some(false))
            .count();
        (below + unanswered, levels.len() + unanswered)
    }

    /// Whether customers arrived in the interval but none was answered or gave up by the end
    /// of the run (no service level), some still waiting for an agent then: those not
    /// contained by a bot or ended by overflow.
    fn unanswered(&self, interval: usize, target: &Target, scope: Scope, name: &str) -> bool {
        let count = |measure: &str| {
            self.get(interval, scope, name, measure)
                .map_or(0.0, |e| e.mean)
        };
        let no_level = self
            .get(interval, scope, name, &target.measure)
            .is_none_or(|e| !e.mean.is_finite());
        let resolved = count("answered") + count("abandoned");
        let left = count("offered") - count("contained") - count("overflowed");
        no_level && resolved == 0.0 && left > 0.0
    }
}

fn names_in(rows: &RunResults, scope: Scope) -> Vec<String> {
    rows.names(scope).into_iter().map(str::to_string).collect()
}

fn duration_text(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    match whole {
        0 => "0 s".into(),
        w if w % 86_400 == 0 => format!("{} d", w / 86_400),
        w if w % 3600 == 0 => format!("{} h", w / 3600),
        w if w % 60 == 0 => format!("{} min", w / 60),
        w => format!("{w} s"),
    }
}

fn clock(seconds: u64) -> String {
    format!("{:02}:{:02}", seconds / 3600 % 24, seconds % 3600 / 60)
}

/// The page of a run (or of its replications): header facts, notes, key figures and the
/// interval table; `settings` is shown verbatim. Charts are added by the caller.
pub fn run_page(run: &ReplicatedRun, settings: &str, targets: &Targets) -> Page {
    let results = &run.mean;
    let replicated = run.has_intervals();
    let mut facts = vec![("Scenario".to_string(), results.scenario.clone())];
    if replicated {
        facts.push((
            "Replications".to_string(),
            format!(
                "{} (base seed {}, common random numbers)",
                run.replications, run.base_seed
            ),
        ));
    } else {
        facts.push(("Seed".to_string(), results.seed.to_string()));
    }
    facts.extend([
        ("Horizon".to_string(), duration_text(results.horizon_s)),
        ("Warm-up".to_string(), duration_text(results.warm_up_s)),
        ("Interval".to_string(), duration_text(results.interval_s)),
    ]);
    let overall_target = targets.target_for(results, Scope::Overall, "all");
    if let Some(t) = &overall_target {
        facts.push((
            "Service-level target".to_string(),
            format!("{:.0}% answered within {}", t.goal * 100.0, t.threshold),
        ));
        let own: Vec<String> = names_in(results, Scope::Channel)
            .into_iter()
            .filter_map(|name| {
                let target = targets.target_for(results, Scope::Channel, &name)?;
                (target != *t).then(|| format!("{name}: {}", target.describe()))
            })
            .collect();
        if !own.is_empty() {
            facts.push(("Channels' own goals".to_string(), own.join("; ")));
        }
    }
    facts.push((
        "routesim version".to_string(),
        env!("CARGO_PKG_VERSION").to_string(),
    ));
    let note = if replicated {
        format!(
            "Every figure is the mean of {} replications on common-random-number seeds; \
             \"± h\" is the half-width of its 95 % confidence interval (Student t). A service \
             level marked unsure has an interval that straddles the target.",
            run.replications
        )
    } else {
        "Every figure comes from a single replication (one seed) and carries no confidence \
         interval: interval figures in particular are noisy. Run with --replications R for \
         means with 95 % intervals."
            .to_string()
    };
    let mut multi_day = Vec::new();
    let days_apart = results.intervals.iter().any(|r| r.day.is_some());
    if days_apart {
        multi_day.push(
            "The days are kept apart (report_days = \"apart\"): the interval tables have a row \
             for every interval of every day, day 0 being the first (conversations count in \
             the interval in which they arrived)."
                .to_string(),
        );
    } else if results.horizon_s > 86_400.0 {
        multi_day.push(
            "The run is longer than a day: interval figures fold the days onto one day \
             (conversations count in the interval of the day in which they arrived)."
                .to_string(),
        );
    }
    let index = IntervalIndex::new(run);
    Page {
        title: format!("routesim run: {}", results.scenario),
        facts,
        notes: std::iter::once(note).chain(multi_day).collect(),
        tables: key_figure_tables(run, &index, targets),
        sections: vec![interval_section(run, &index, targets)],
        charts: Vec::new(),
        settings: settings.to_string(),
    }
}

fn key_figure_tables(run: &ReplicatedRun, index: &IntervalIndex, targets: &Targets) -> Vec<Table> {
    let results = &run.mean;
    let replicated = run.has_intervals();
    let mut flows = Table {
        caption: "Conversations (measured period)".into(),
        header: [
            "scope",
            "name",
            "offered",
            "handled",
            "AHT s",
            "abandon rate",
            "service level",
            "goal",
            "intervals below target",
            "ASA s",
            "wait p90 s",
            "queue mean",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect(),
        ..Table::default()
    };
    for scope in [
        Scope::Overall,
        Scope::Channel,
        Scope::Workstream,
        Scope::Queue,
    ] {
        for name in names_in(results, scope) {
            let value = |measure: &str| run.estimate(scope, &name, measure);
            let target = targets.target_for(results, scope, &name);
            let (sl, goal, below, class) = match &target {
                Some(t) => {
                    let (below, of) = index.below_target(t, scope, &name);
                    let (_, class) = verdict(t, value(&t.measure));
                    (
                        figure(value(&t.measure), Unit::Percent, replicated),
                        t.describe(),
                        format!("{below} of {of}"),
                        class,
                    )
                }
                None => ("-".into(), "-".into(), "-".into(), ""),
            };
            flows.rows.push(vec![
                scope.as_str().to_string(),
                name.clone(),
                figure(value("offered"), Unit::Count, replicated),
                figure(value("handled"), Unit::Count, replicated),
                figure(value("aht_s"), Unit::Seconds, replicated),
                figure(value("abandon_rate"), Unit::Percent, replicated),
                sl,
                goal,
                below,
                figure(value("asa_s"), Unit::Seconds, replicated),
                figure(value("wait_p90_s"), Unit::Seconds, replicated),
                figure(value("queue_length_mean"), Unit::Level, replicated),
            ]);
            let mut classes = vec![String::new(); 12];
            classes[6] = class.to_string();
            flows.classes.push(classes);
        }
    }
    let mut agents = Table {
        caption: "Agent groups (measured period)".into(),
        header: [
            "group",
            "agents",
            "staffed hours",
            "utilization",
            "occupancy",
            "handled",
            "handled per staffed hour",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect(),
        ..Table::default()
    };
    for name in names_in(results, Scope::AgentGroup) {
        let value = |measure: &str| run.estimate(Scope::AgentGroup, &name, measure);
        agents.rows.push(vec![
            name.clone(),
            figure(value("agents"), Unit::Count, false),
            figure(value("staffed_agent_hours"), Unit::Level, replicated),
            figure(value("utilization"), Unit::Percent, replicated),
            figure(value("occupancy"), Unit::Percent, replicated),
            figure(value("handled"), Unit::Count, replicated),
            figure(value("handled_per_staffed_hour"), Unit::Level, replicated),
        ]);
    }
    vec![flows, agents]
}

/// The interval table of one scope: one row per interval of the day (of each day when the days
/// are kept apart). The agent columns (occupancy, staffed agents) exist for all channels
/// together only: agents are not per channel.
fn interval_table(
    run: &ReplicatedRun,
    index: &IntervalIndex,
    target: &Target,
    scope: Scope,
    name: &str,
) -> Table {
    let replicated = run.has_intervals();
    let with_agents = scope == Scope::Overall;
    let mut header: Vec<String> = [
        "interval",
        "volume",
        "handled",
        "AHT s",
        "answered",
        "abandoned",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    header.push(format!("SL {}", target.threshold));
    header.push(format!("vs {:.0}%", target.goal * 100.0));
    header.push("ASA s".into());
    if with_agents {
        header.push("occupancy".into());
        header.push("staffed agents".into());
    }
    let (below, of) = index.below_target(target, scope, name);
    let label = if scope == Scope::Overall {
        "all channels".to_string()
    } else {
        format!("{scope} {name}")
    };
    let mut table = Table {
        caption: format!("Per interval, {label}: {below} of {of} intervals below target"),
        header,
        folded: scope != Scope::Overall,
        ..Table::default()
    };
    let length = run.mean.interval_s.round() as u64;
    for interval in 0..index.n_intervals {
        let get = |measure: &str| index.get(interval, scope, name, measure);
        let sl = get(&target.measure);
        let (mark, class) = if index.unanswered(interval, target, scope, name) {
            ("none answered", "missed")
        } else {
            verdict(target, sl)
        };
        let mut row = vec![
            index.label(interval, length),
            figure(get("offered"), Unit::Count, replicated),
            figure(get("handled"), Unit::Count, replicated),
            figure(get("aht_s"), Unit::Seconds, replicated),
            figure(get("answered"), Unit::Count, replicated),
            figure(get("abandoned"), Unit::Count, replicated),
            figure(sl, Unit::Percent, replicated),
            mark.to_string(),
            figure(get("asa_s"), Unit::Seconds, replicated),
        ];
        let mut classes = vec![String::new(); row.len()];
        classes[6] = class.to_string();
        classes[7] = class.to_string();
        if with_agents {
            row.push(figure(get("occupancy"), Unit::Percent, replicated));
            row.push(figure(get("staffed_agents"), Unit::Level, replicated));
            classes.extend([String::new(), String::new()]);
        }
        table.rows.push(row);
        table.classes.push(classes);
    }
    table
}

fn interval_section(run: &ReplicatedRun, index: &IntervalIndex, targets: &Targets) -> Section {
    let results = &run.mean;
    let mut tables = Vec::new();
    let mut scopes = vec![(Scope::Overall, "all".to_string())];
    scopes.extend(
        names_in(results, Scope::Channel)
            .into_iter()
            .map(|n| (Scope::Channel, n)),
    );
    for (scope, name) in &scopes {
        if let Some(target) = targets.target_for(results, *scope, name) {
            tables.push(interval_table(run, index, &target, *scope, name));
        }
    }
    Section {
        heading: "Interval table".into(),
        paragraphs: vec![
            "Conversations count in the interval in which they arrived. Volume: conversations \
             offered; handled: finished by an agent; AHT: average handle time, the time agents \
             spent on a handled conversation (every segment with its wrap-up); SL: answered \
             within the threshold, of answered and abandoned; vs target: met or missed (none \
             answered: customers arrived but nobody was answered or gave up before the run \
             ended); ASA: \
             mean wait of those answered; occupancy: share of logged-in agents with at least \
             one conversation; staffed agents: mean number of agents logged in."
                .into(),
        ],
        tables,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_index_finds_every_row_in_the_collectors_layout_and_in_any_other() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/week.toml");
        let scenario = crate::config::load_scenario(&path).unwrap();
        let mut run = ReplicatedRun::single(crate::metrics::run(&scenario, 1));
        // Distinct estimates, so that a row found at the wrong place shows.
        for (i, e) in run.intervals.iter_mut().enumerate() {
            *e = Estimate::of([i as f64]);
        }
        let check = |run: &ReplicatedRun, blocks: bool| {
            let index = IntervalIndex::new(run);
            assert_eq!(matches!(index.rows, Rows::Blocks { .. }), blocks);
            assert_eq!(index.n_intervals, 7 * 96);
            for (r, e) in run.mean.intervals.iter().zip(&run.intervals) {
                let at = r.day.unwrap() * 96 + r.interval;
                let found = index.get(at, r.row.scope, &r.row.name, &r.row.measure);
                assert_eq!(found.map(|f| f.mean), Some(e.mean), "{r:?}");
            }
            assert!(index
                .get(7 * 96, Scope::Overall, "all", "offered")
                .is_none());
            assert!(index.get(0, Scope::Overall, "all", "no_such").is_none());
        };
        check(&run, true);
        // Rows in another order are found too (each indexed on its own).
        run.mean.intervals.reverse();
        run.intervals.reverse();
        check(&run, false);
    }

    #[test]
    fn durations_read_in_the_largest_whole_unit() {
        for (seconds, text) in [
            (86_400.0 * 7.0, "7 d"),
            (7200.0, "2 h"),
            (900.0, "15 min"),
            (90.0, "90 s"),
            (0.0, "0 s"),
        ] {
            assert_eq!(duration_text(seconds), text);
        }
    }

    #[test]
    fn figures_carry_their_interval_only_when_replicated() {
        let e = Estimate::of([0.80, 0.84, 0.82]);
        assert_eq!(figure(Some(e), Unit::Percent, false), "82.0%");
        let text = figure(Some(e), Unit::Percent, true);
        assert!(text.starts_with("82.0% ± "), "{text}");
        assert_eq!(figure(None, Unit::Count, true), "-");
        assert_eq!(
            figure(Some(Estimate::of([f64::NAN])), Unit::Count, false),
            "-"
        );
    }

    #[test]
    fn a_service_level_is_met_missed_or_unsure_against_its_goal() {
        let target = Target {
            measure: "service_level_20s_of_offered".into(),
            threshold: "20s".into(),
            goal: 0.8,
        };
        assert_eq!(verdict(&target, Some(Estimate::of([0.8]))).0, "met");
        assert_eq!(verdict(&target, Some(Estimate::of([0.79]))).0, "missed");
        assert_eq!(verdict(&target, Some(Estimate::of([0.95, 0.96]))).0, "met");
        assert_eq!(
            verdict(&target, Some(Estimate::of([0.70, 0.90]))).0,
            "unsure"
        );
        assert_eq!(verdict(&target, Some(Estimate::of([f64::NAN]))).0, "-");
        assert_eq!(verdict(&target, None).0, "-");
    }
}
