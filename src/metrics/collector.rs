//! The standard observer: collects every measure of SPEC §6 that the model reports today, per
//! channel, workstream, queue and overall, and per agent group, over the whole measured period
//! and per interval of the day.
//!
//! Conversations are attributed to the interval of the day in which they arrived (the usual
//! workforce-management convention); levels (queue length, agents staffed, busy...) are
//! integrated over time and split at interval boundaries. A multi-day run folds its days onto
//! one day, so interval figures are averages over the days and memory stays flat in the horizon;
//! with `report_days = "apart"` each day has its own intervals (the run's length is capped for
//! that at validation, so memory stays bounded).

use crate::engine::SimTime;
use crate::model::{
    Abandonment, AgentId, AgentStatus, Answer, ConversationInfo, Decline, GroupId, Observer,
    OfferVia, OpenState, OverCapacityCause, OverflowOutcome, Presence, ReportDays, Return,
    Scenario,
};

use super::results::{
    threshold_label, IntervalRow, MeasureRow, RunResults, Scope, WaitDistribution,
};
use super::stats::{IntervalAreas, LogHistogram};

const DAY: u64 = 86_400_000_000;
const MICROS: f64 = 1_000_000.0;
const HOUR_MICROS: f64 = 3_600_000_000.0;

/// Collects measures from a simulation; see the module docs.
#[derive(Debug)]
pub struct Collector {
    scenario_name: String,
    thresholds: Vec<u64>,
    warm_up: u64,
    interval: u64,
    /// Intervals kept: one day's, or every day's when days are kept apart.
    n_intervals: usize,
    /// Intervals in a day; `n_intervals` is a multiple of it.
    intervals_per_day: usize,
    /// Whether the intervals of each day are kept apart (else folded onto one day).
    days_apart: bool,
    measuring: bool,
    end: u64,
    // Flow scopes: overall, then channels, workstreams, queues.
    flow_names: Vec<(Scope, String)>,
    n_channels: usize,
    n_workstreams: usize,
    n_flows: usize,
    // Indexed [interval * flows.len() + scope].
    interval_flows: Vec<Flow>,
    semantic_flows: Vec<SemanticFlow>,
    queue_lengths: Vec<Level>,
    groups: Vec<GroupLevels>,
    group_names: Vec<String>,
    agent_group: Vec<GroupId>,
    group_first_agent: Vec<usize>,
    agent_assignments: Vec<u64>,
    /// Whether the scenario has preferred agents (only then is their over-capacity column
    /// reported, so other scenarios' reports stay as they were).
    preferred_agents: bool,
    progress: Option<ProgressHook>,
}

/// A function told of the simulated time now and then, for a progress bar.
pub struct ProgressHook(Box<dyn FnMut(SimTime) + Send>);

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressHook")
    }
}

#[derive(Debug, Clone, Default)]
struct Flow {
    offered: u64,
    answered: u64,
    answered_from_queue: u64,
    abandoned: u64,
    handled: u64,
    queued_at_end: u64,
    in_service_at_end: u64,
    answered_within: Vec<u64>,
    answer_wait: LogHistogram,
    abandon_wait_sum: u128,
}

impl Flow {
    fn merge(&mut self, other: &Flow) {
        self.offered += other.offered;
        self.answered += other.answered;
        self.answered_from_queue += other.answered_from_queue;
        self.abandoned += other.abandoned;
        self.handled += other.handled;
        self.queued_at_end += other.queued_at_end;
        self.in_service_at_end += other.in_service_at_end;
        for (mine, theirs) in self.answered_within.iter_mut().zip(&other.answered_within) {
            *mine += theirs;
        }
        self.answer_wait.merge(&other.answer_wait);
        self.abandon_wait_sum += other.abandon_wait_sum;
    }
}

/// Counts of the workstream semantics (notifications, bots, waiting and resume, affinity),
/// kept for the whole run only: per interval they would enlarge every interval's figures for
/// measures that few scenarios use.
#[derive(Debug, Clone, Default)]
struct SemanticFlow {
    overflowed: u64,
    overflow_transferred: u64,
    overflow_assigned_anyway: u64,
    offers: u64,
    rejected: u64,
    timed_out: u64,
    waiting_at_end: u64,
    with_bot_at_end: u64,
    contained: u64,
    auto_closed: u64,
    resumed: u64,
    resumed_answered: u64,
    resumed_same_agent: u64,
    affinity_kept: u64,
    affinity_broken: u64,
    /// First segments abandoned while an offer rang (also counted in `abandoned`).
    abandoned_ringing: u64,
    resume_abandoned: u64,
    resume_wait_sum: u128,
}

/// A step signal integrated per interval of the day (the total is the sum of the intervals),
/// with its maximum over the measured period.
#[derive(Debug, Clone)]
struct Level {
    by_interval: IntervalAreas,
    last_change: u64,
    value: i64,
    max: i64,
    // Most changes fall in the same interval as the previous one: their area is summed here
    // and handed to `by_interval` once, when the signal leaves the interval, which saves the
    // divisions of a general split on every change.
    pending_bucket: usize,
    pending_start: u64,
    pending_until: u64,
    pending_area: i128,
    pending_exposure: u64,
}

impl Level {
    fn new(interval: u64, n_intervals: usize) -> Level {
        let by_interval = IntervalAreas::new(interval, n_intervals);
        Level {
            pending_bucket: 0,
            pending_start: 0,
            pending_until: by_interval.bucket_end(0),
            by_interval,
            last_change: 0,
            value: 0,
            max: 0,
            pending_area: 0,
            pending_exposure: 0,
        }
    }

    fn add(&mut self, now: u64, delta: i64, measuring: bool) {
        if delta == 0 {
            return;
        }
        if measuring {
            self.integrate_until(now);
        }
        self.last_change = now;
        self.value += delta;
        self.max = self.max.max(self.value);
    }

    fn integrate_until(&mut self, now: u64) {
        if now <= self.last_change {
            return;
        }
        if now <= self.pending_until && self.last_change >= self.pending_start {
            let span = now - self.last_change;
            self.pending_area += i128::from(self.value) * i128::from(span);
            self.pending_exposure += span;
            return;
        }
        self.flush();
        self.by_interval
            .accumulate(self.last_change, now, self.value);
        self.pending_bucket = self.by_interval.bucket_of(now);
        self.pending_until = self.by_interval.bucket_end(now);
        self.pending_start = now;
    }

    fn flush(&mut self) {
        if self.pending_exposure > 0 {
            self.by_interval.add_to_bucket(
                self.pending_bucket,
                self.pending_area,
                self.pending_exposure,
            );
            self.pending_area = 0;
            self.pending_exposure = 0;
        }
    }

    /// Starts measuring at `now`: the maximum restarts at the current value.
    fn restart(&mut self, now: u64) {
        self.last_change = now;
        self.max = self.value;
        self.pending_bucket = self.by_interval.bucket_of(now);
        self.pending_until = self.by_interval.bucket_end(now);
        self.pending_start = now;
    }

    fn close(&mut self, now: u64) {
        self.integrate_until(now);
        self.last_change = now;
        self.flush();
    }

    /// The integral over the measured period (valid after `close`).
    fn area(&self) -> i128 {
        (0..self.by_interval.len())
            .map(|b| self.by_interval.area(b))
            .sum()
    }
}

#[derive(Debug, Clone)]
struct GroupLevels {
    handled: u64,
    staffed_units: Level,
    used_units_logged_in: Level,
    busy_logged_in: Level,
    logged_in: Level,
    working_after_shift: Level,
    presence: [Level; 5],
    declines: u64,
    over_capacity_assignments: u64,
    max_over_capacity_units: i64,
    /// Over-capacity assignments by cause: affinity, pick, self-selection, unreserved offer.
    over_capacity_by_cause: [u64; 5],
}

impl Collector {
    pub fn new(scenario: &Scenario) -> Collector {
        let sim = &scenario.simulation;
        let interval = sim.interval.as_micros();
        let intervals_per_day = (DAY / interval) as usize;
        let days_apart = sim.report_days == ReportDays::Apart;
        let n_days = if days_apart {
            sim.horizon.as_micros().div_ceil(DAY).max(1) as usize
        } else {
            1
        };
        let n_intervals = intervals_per_day * n_days;
        let mut flow_names = vec![(Scope::Overall, "all".to_string())];
        flow_names.extend(
            scenario
                .channels
                .iter()
                .map(|c| (Scope::Channel, c.name.clone())),
        );
        flow_names.extend(
            scenario
                .workstreams
                .iter()
                .map(|w| (Scope::Workstream, w.name.clone())),
        );
        flow_names.extend(
            scenario
                .queues
                .iter()
                .map(|q| (Scope::Queue, q.name.clone())),
        );
        let thresholds: Vec<u64> = scenario
            .measured_thresholds()
            .iter()
            .map(|t| t.as_micros())
            .collect();
        let empty_flow = Flow {
            answered_within: vec![0; thresholds.len()],
            ..Flow::default()
        };
        let level = || Level::new(interval, n_intervals);
        let mut agent_group = Vec::new();
        let mut group_first_agent = Vec::new();
        for (idx, group) in scenario.agent_groups.iter().enumerate() {
            group_first_agent.push(agent_group.len());
            agent_group.extend(std::iter::repeat_n(
                GroupId::from_index(idx),
                group.count as usize,
            ));
        }
        Collector {
            scenario_name: scenario.name.clone(),
            warm_up: sim.warm_up.as_micros(),
            interval,
            n_intervals,
            intervals_per_day,
            days_apart,
            measuring: false,
            end: sim.horizon.as_micros(),
            n_channels: scenario.channels.len(),
            n_workstreams: scenario.workstreams.len(),
            n_flows: flow_names.len(),
            interval_flows: vec![empty_flow; flow_names.len() * n_intervals],
            semantic_flows: vec![SemanticFlow::default(); flow_names.len()],
            queue_lengths: vec![level(); flow_names.len()],
            flow_names,
            thresholds,
            groups: scenario
                .agent_groups
                .iter()
                .map(|group| GroupLevels {
                    handled: 0,
                    staffed_units: level(),
                    used_units_logged_in: level(),
                    busy_logged_in: level(),
                    logged_in: level(),
                    working_after_shift: level(),
                    // Every agent starts Offline (see `Observer::agent_changed`).
                    presence: std::array::from_fn(|idx| {
                        let mut level = level();
                        if idx == Presence::Offline.index() {
                            level.value = i64::from(group.count);
                        }
                        level
                    }),
                    declines: 0,
                    over_capacity_assignments: 0,
                    max_over_capacity_units: 0,
                    over_capacity_by_cause: [0; 5],
                })
                .collect(),
            group_names: scenario
                .agent_groups
                .iter()
                .map(|g| g.name.clone())
                .collect(),
            agent_assignments: vec![0; agent_group.len()],
            progress: None,
            agent_group,
            group_first_agent,
            preferred_agents: scenario
                .workstreams
                .iter()
                .any(|w| w.preferred_agents.is_some()),
        }
    }

    fn scopes_of(&self, c: &ConversationInfo) -> [usize; 4] {
        [
            0,
            1 + c.channel.index(),
            1 + self.n_channels + c.workstream.index(),
            1 + self.n_channels + self.n_workstreams + c.queue.index(),
        ]
    }

    fn counted(&self, c: &ConversationInfo) -> bool {
        c.arrived.as_micros() >= self.warm_up
    }

    fn interval_of(&self, time: SimTime) -> usize {
        ((time.as_micros() / self.interval) % self.n_intervals as u64) as usize
    }

    /// Applies `update` to the overall, channel, workstream and queue figures of a counted
    /// conversation, both in total and in its arrival interval.
    fn update_flows(&mut self, c: &ConversationInfo, update: impl Fn(&mut Flow)) {
        if !self.counted(c) {
            return;
        }
        // Only the interval figures are kept up to date; totals are their sum, formed once at
        // the end, which halves the work per event.
        let base = self.interval_of(c.arrived) * self.n_flows;
        for scope in self.scopes_of(c) {
            update(&mut self.interval_flows[base + scope]);
        }
    }

    /// Applies `update` to the run totals of the workstream-semantics counts of a counted
    /// conversation.
    fn update_semantics(&mut self, c: &ConversationInfo, update: impl Fn(&mut SemanticFlow)) {
        if !self.counted(c) {
            return;
        }
        for scope in self.scopes_of(c) {
            update(&mut self.semantic_flows[scope]);
        }
    }

    fn change_queue_length(&mut self, now: SimTime, c: &ConversationInfo, delta: i64) {
        for scope in self.scopes_of(c) {
            self.queue_lengths[scope].add(now.as_micros(), delta, self.measuring);
        }
    }

    /// The measures, once the run has finished.
    pub fn into_results(self, seed: u64) -> RunResults {
        let measured_s = (self.end - self.warm_up.min(self.end)) as f64 / MICROS;
        let mut summary = Vec::new();
        for (idx, (scope, name)) in self.flow_names.iter().enumerate() {
            let level = &self.queue_lengths[idx];
            let queue_mean = if measured_s > 0.0 {
                level.area() as f64 / MICROS / measured_s
            } else {
                f64::NAN
            };
            let mut rows = self.flow_rows(&self.total_flow(idx), true);
            rows.push(("queue_length_mean".into(), queue_mean));
            rows.push(("queue_length_max".into(), level.max as f64));
            rows.extend(semantic_rows(&self.semantic_flows[idx]));
            summary.extend(rows.into_iter().map(|(measure, value)| MeasureRow {
                scope: *scope,
                name: name.clone(),
                measure,
                value,
            }));
        }

        let mut intervals = Vec::new();
        for bucket in 0..self.n_intervals {
            let interval = bucket % self.intervals_per_day;
            let day = self.days_apart.then_some(bucket / self.intervals_per_day);
            let start_s = interval as u64 * self.interval / 1_000_000;
            for (idx, (scope, name)) in self.flow_names.iter().enumerate() {
                let mut rows =
                    self.flow_rows(&self.interval_flows[bucket * self.n_flows + idx], false);
                rows.push((
                    "queue_length_mean".into(),
                    self.queue_lengths[idx]
                        .by_interval
                        .mean(bucket)
                        .unwrap_or(f64::NAN),
                ));
                intervals.extend(rows.into_iter().map(|(measure, value)| IntervalRow {
                    day,
                    interval,
                    start_s,
                    row: MeasureRow {
                        scope: *scope,
                        name: name.clone(),
                        measure,
                        value,
                    },
                }));
            }
            for (group_idx, group) in self.groups.iter().enumerate() {
                let area = |level: &Level| level.by_interval.area(bucket) as f64;
                let exposure = group.logged_in.by_interval.exposure(bucket) as f64;
                let mut rows = vec![
                    (
                        "staffed_agents",
                        if exposure > 0.0 {
                            area(&group.logged_in) / exposure
                        } else {
                            f64::NAN
                        },
                    ),
                    (
                        "utilization",
                        ratio(
                            area(&group.used_units_logged_in),
                            area(&group.staffed_units),
                        ),
                    ),
                    (
                        "occupancy",
                        ratio(area(&group.busy_logged_in), area(&group.logged_in)),
                    ),
                ];
                for presence in Presence::ALL {
                    let level = &group.presence[presence.index()];
                    let exposure = level.by_interval.exposure(bucket) as f64;
                    let mean = if exposure > 0.0 {
                        area(level) / exposure
                    } else {
                        f64::NAN
                    };
                    rows.push((presence_agents_measure(presence), mean));
                }
                intervals.extend(rows.into_iter().map(|(measure, value)| IntervalRow {
                    day,
                    interval,
                    start_s,
                    row: MeasureRow {
                        scope: Scope::AgentGroup,
                        name: self.group_names[group_idx].clone(),
                        measure: measure.to_string(),
                        value,
                    },
                }));
            }
        }

        RunResults {
            scenario: self.scenario_name.clone(),
            seed,
            horizon_s: self.end as f64 / MICROS,
            warm_up_s: self.warm_up as f64 / MICROS,
            interval_s: self.interval as f64 / MICROS,
            summary,
            intervals,
            agents: self.agent_rows(),
            wait_distribution: self.wait_distributions(),
        }
    }

    /// The figures of flow scope `idx` over the whole run: the sum of its intervals.
    fn total_flow(&self, idx: usize) -> Flow {
        let mut total = Flow {
            answered_within: vec![0; self.thresholds.len()],
            ..Flow::default()
        };
        for interval in 0..self.n_intervals {
            total.merge(&self.interval_flows[interval * self.n_flows + idx]);
        }
        total
    }

    /// Overall and per channel: the scopes a planner compares waits across.
    fn wait_distributions(&self) -> Vec<WaitDistribution> {
        self.flow_names[..=self.n_channels]
            .iter()
            .enumerate()
            .map(|(idx, (scope, name))| {
                let flow = &self.total_flow(idx);
                let wait = &flow.answer_wait;
                let total = wait.count().max(1) as f64;
                let mut seen = 0;
                let points = wait
                    .buckets()
                    .map(|(_, high, count)| {
                        seen += count;
                        (
                            high.min(wait.max().unwrap_or(high)) as f64 / MICROS,
                            seen as f64 / total,
                        )
                    })
                    .collect();
                WaitDistribution {
                    scope: *scope,
                    name: name.clone(),
                    answered: wait.count(),
                    points,
                }
            })
            .collect()
    }

    fn flow_rows(&self, flow: &Flow, with_end_state: bool) -> Vec<(String, f64)> {
        let resolved = (flow.answered + flow.abandoned) as f64;
        let mut rows = vec![
            ("offered".to_string(), flow.offered as f64),
            ("answered".to_string(), flow.answered as f64),
            ("abandoned".to_string(), flow.abandoned as f64),
        ];
        if with_end_state {
            rows.push(("handled".to_string(), flow.handled as f64));
            rows.push(("queued_at_end".to_string(), flow.queued_at_end as f64));
            rows.push((
                "in_service_at_end".to_string(),
                flow.in_service_at_end as f64,
            ));
        }
        rows.push((
            "abandon_rate".to_string(),
            ratio(flow.abandoned as f64, resolved),
        ));
        rows.push((
            "p_wait".to_string(),
            ratio((flow.answered_from_queue + flow.abandoned) as f64, resolved),
        ));
        for (idx, &threshold) in self.thresholds.iter().enumerate() {
            let label = threshold_label(threshold as f64 / MICROS);
            let within = flow.answered_within[idx] as f64;
            rows.push((
                format!("service_level_{label}_of_offered"),
                ratio(within, resolved),
            ));
            rows.push((
                format!("service_level_{label}_of_answered"),
                ratio(within, flow.answered as f64),
            ));
        }
        let wait = &flow.answer_wait;
        let seconds = |micros: Option<u64>| micros.map_or(f64::NAN, |m| m as f64 / MICROS);
        rows.push((
            "asa_s".to_string(),
            wait.mean().map_or(f64::NAN, |m| m / MICROS),
        ));
        let all_waits = (wait.sum() + flow.abandon_wait_sum) as f64 / MICROS;
        rows.push(("wait_mean_s".to_string(), ratio(all_waits, resolved)));
        for (label, q) in [("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99)] {
            rows.push((format!("wait_{label}_s"), seconds(wait.quantile(q))));
        }
        rows.push(("wait_max_s".to_string(), seconds(wait.max())));
        rows
    }

    fn agent_rows(&self) -> Vec<MeasureRow> {
        let mut rows = Vec::new();
        for (group_idx, group) in self.groups.iter().enumerate() {
            let area = |level: &Level| level.area() as f64;
            let first = self.group_first_agent[group_idx];
            let n_agents = self
                .group_first_agent
                .get(group_idx + 1)
                .copied()
                .unwrap_or(self.agent_group.len())
                - first;
            let assignments = &self.agent_assignments[first..first + n_agents];
            let staffed_hours = area(&group.logged_in) / HOUR_MICROS;
            let mut values = vec![
                ("agents".to_string(), n_agents as f64),
                ("staffed_agent_hours".to_string(), staffed_hours),
                (
                    "utilization".to_string(),
                    ratio(
                        area(&group.used_units_logged_in),
                        area(&group.staffed_units),
                    ),
                ),
                (
                    "occupancy".to_string(),
                    ratio(area(&group.busy_logged_in), area(&group.logged_in)),
                ),
                ("handled".to_string(), group.handled as f64),
                (
                    "handled_per_staffed_hour".to_string(),
                    ratio(group.handled as f64, staffed_hours),
                ),
                (
                    "assignment_cv".to_string(),
                    coefficient_of_variation(assignments),
                ),
                (
                    "work_after_shift_hours".to_string(),
                    area(&group.working_after_shift) / HOUR_MICROS,
                ),
                ("declines".to_string(), group.declines as f64),
                (
                    "over_capacity_assignments".to_string(),
                    group.over_capacity_assignments as f64,
                ),
                (
                    "max_over_capacity_units".to_string(),
                    group.max_over_capacity_units as f64,
                ),
                (
                    "over_capacity_by_affinity".to_string(),
                    group.over_capacity_by_cause[0] as f64,
                ),
                (
                    "over_capacity_by_pick".to_string(),
                    group.over_capacity_by_cause[1] as f64,
                ),
                (
                    "over_capacity_by_self_selection".to_string(),
                    group.over_capacity_by_cause[2] as f64,
                ),
                (
                    "over_capacity_by_unreserved_offer".to_string(),
                    group.over_capacity_by_cause[3] as f64,
                ),
            ];
            if self.preferred_agents {
                values.push((
                    "over_capacity_by_preferred_agent".to_string(),
                    group.over_capacity_by_cause[4] as f64,
                ));
            }
            for presence in Presence::ALL {
                values.push((
                    format!("{}_hours", presence.as_str()),
                    area(&group.presence[presence.index()]) / HOUR_MICROS,
                ));
            }
            rows.extend(values.into_iter().map(|(measure, value)| MeasureRow {
                scope: Scope::AgentGroup,
                name: self.group_names[group_idx].clone(),
                measure,
                value,
            }));
        }
        rows
    }
}

fn semantic_rows(flow: &SemanticFlow) -> Vec<(String, f64)> {
    let counts = [
        ("offers", flow.offers),
        ("declines_rejected", flow.rejected),
        ("declines_timed_out", flow.timed_out),
        ("contained", flow.contained),
        ("overflowed", flow.overflowed),
        ("overflow_transferred", flow.overflow_transferred),
        ("overflow_assigned_anyway", flow.overflow_assigned_anyway),
        ("auto_closed", flow.auto_closed),
        ("waiting_at_end", flow.waiting_at_end),
        ("with_bot_at_end", flow.with_bot_at_end),
        ("resumed", flow.resumed),
        ("resumed_answered", flow.resumed_answered),
        ("resumed_same_agent", flow.resumed_same_agent),
        ("affinity_kept", flow.affinity_kept),
        ("affinity_broken", flow.affinity_broken),
        ("abandoned_ringing", flow.abandoned_ringing),
        ("resume_abandoned", flow.resume_abandoned),
    ];
    let mut rows: Vec<(String, f64)> = counts
        .iter()
        .map(|&(name, count)| (name.to_string(), count as f64))
        .collect();
    rows.push((
        "resume_wait_mean_s".to_string(),
        ratio(
            flow.resume_wait_sum as f64 / MICROS,
            flow.resumed_answered as f64,
        ),
    ));
    rows
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

fn ratio(numerator: f64, denominator: f64) -> f64 {
    if denominator > 0.0 {
        numerator / denominator
    } else {
        f64::NAN
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

impl Collector {
    /// Calls `hook` with the simulated time every so many events (see
    /// [`crate::model::PROGRESS_EVERY`]); the measures do not depend on it.
    pub fn with_progress(mut self, hook: impl FnMut(SimTime) + Send + 'static) -> Collector {
        self.progress = Some(ProgressHook(Box::new(hook)));
        self
    }
}

impl Observer for Collector {
    fn progress(&mut self, now: SimTime) {
        if let Some(ProgressHook(hook)) = &mut self.progress {
            hook(now);
        }
    }

    fn arrived(&mut self, _now: SimTime, c: &ConversationInfo) {
        self.update_flows(c, |f| f.offered += 1);
    }

    fn queued(&mut self, now: SimTime, c: &ConversationInfo) {
        self.change_queue_length(now, c, 1);
    }

    fn answered(&mut self, now: SimTime, c: &ConversationInfo, agent: AgentId, how: Answer) {
        if how == Answer::FromQueue {
            self.change_queue_length(now, c, -1);
        }
        if self.measuring {
            self.agent_assignments[agent.index()] += 1;
        }
        let wait = now.since(c.queued_from).as_micros();
        // Thresholds ascend, so the wait meets every threshold from the first one it meets.
        let first_met = self
            .thresholds
            .partition_point(|&threshold| threshold < wait);
        self.update_flows(c, |f| {
            f.answered += 1;
            if how == Answer::FromQueue {
                f.answered_from_queue += 1;
            }
            f.answer_wait.record(wait);
            for count in &mut f.answered_within[first_met..] {
                *count += 1;
            }
        });
    }

    fn abandoned(&mut self, now: SimTime, c: &ConversationInfo, from: Abandonment) {
        // A ringing offer still counts in its queue's length if the item queued before it.
        if from != Abandonment::Ringing {
            self.change_queue_length(now, c, -1);
        }
        let wait = u128::from(now.since(c.queued_from).as_micros());
        self.update_flows(c, |f| {
            f.abandoned += 1;
            f.abandon_wait_sum += wait;
        });
        if from != Abandonment::Queue {
            self.update_semantics(c, |f| f.abandoned_ringing += 1);
        }
    }

    fn resume_abandoned(&mut self, now: SimTime, c: &ConversationInfo, from: Abandonment) {
        if from != Abandonment::Ringing {
            self.change_queue_length(now, c, -1);
        }
        self.update_semantics(c, |f| f.resume_abandoned += 1);
    }

    fn completed(&mut self, _now: SimTime, c: &ConversationInfo, agent: AgentId) {
        if self.measuring {
            self.groups[self.agent_group[agent.index()].index()].handled += 1;
        }
        self.update_flows(c, |f| f.handled += 1);
    }

    fn agent_changed(
        &mut self,
        now: SimTime,
        _agent: AgentId,
        group: GroupId,
        before: AgentStatus,
        after: AgentStatus,
    ) {
        let now = now.as_micros();
        let measuring = self.measuring;
        let levels = &mut self.groups[group.index()];
        let logged_in = |s: &AgentStatus| s.presence != Presence::Offline;
        let flag = |b: bool| i64::from(b);
        let used_logged = |s: &AgentStatus| if logged_in(s) { s.used_units } else { 0 };
        levels
            .staffed_units
            .add(now, after.staffed_units - before.staffed_units, measuring);
        levels
            .used_units_logged_in
            .add(now, used_logged(&after) - used_logged(&before), measuring);
        levels.busy_logged_in.add(
            now,
            flag(logged_in(&after) && after.active > 0)
                - flag(logged_in(&before) && before.active > 0),
            measuring,
        );
        levels.logged_in.add(
            now,
            flag(logged_in(&after)) - flag(logged_in(&before)),
            measuring,
        );
        levels.working_after_shift.add(
            now,
            flag(!logged_in(&after) && after.active > 0)
                - flag(!logged_in(&before) && before.active > 0),
            measuring,
        );
        if before.presence != after.presence {
            levels.presence[before.presence.index()].add(now, -1, measuring);
            levels.presence[after.presence.index()].add(now, 1, measuring);
        }
    }

    fn warm_up_ended(&mut self, now: SimTime) {
        let now = now.as_micros();
        self.measuring = true;
        for level in &mut self.queue_lengths {
            level.restart(now);
        }
        for group in &mut self.groups {
            for level in group_levels(group) {
                level.restart(now);
            }
        }
    }

    fn still_open(&mut self, _now: SimTime, c: &ConversationInfo, state: OpenState) {
        match state {
            OpenState::Queued => self.update_flows(c, |f| f.queued_at_end += 1),
            OpenState::InService => self.update_flows(c, |f| f.in_service_at_end += 1),
            OpenState::Waiting => self.update_semantics(c, |f| f.waiting_at_end += 1),
            OpenState::WithBot => self.update_semantics(c, |f| f.with_bot_at_end += 1),
        }
    }

    fn overflowed(&mut self, _now: SimTime, c: &ConversationInfo, outcome: OverflowOutcome) {
        self.update_semantics(c, |f| match outcome {
            OverflowOutcome::Ended => f.overflowed += 1,
            OverflowOutcome::Transferred => f.overflow_transferred += 1,
            OverflowOutcome::AssignedAnyway => f.overflow_assigned_anyway += 1,
        });
    }

    fn contained(&mut self, _now: SimTime, c: &ConversationInfo) {
        self.update_semantics(c, |f| f.contained += 1);
    }

    fn offered(&mut self, _now: SimTime, c: &ConversationInfo, _agent: AgentId, _via: OfferVia) {
        self.update_semantics(c, |f| f.offers += 1);
    }

    fn declined(
        &mut self,
        _now: SimTime,
        c: &ConversationInfo,
        _agent: AgentId,
        group: GroupId,
        how: Decline,
    ) {
        if self.measuring {
            self.groups[group.index()].declines += 1;
        }
        self.update_semantics(c, |f| match how {
            Decline::Rejected => f.rejected += 1,
            Decline::TimedOut => f.timed_out += 1,
        });
    }

    fn resumed(&mut self, _now: SimTime, c: &ConversationInfo) {
        self.update_semantics(c, |f| f.resumed += 1);
    }

    fn resume_answered(
        &mut self,
        now: SimTime,
        c: &ConversationInfo,
        agent: AgentId,
        how: Answer,
        resumed: SimTime,
        returned: Return,
    ) {
        if how == Answer::FromQueue {
            self.change_queue_length(now, c, -1);
        }
        if self.measuring {
            self.agent_assignments[agent.index()] += 1;
        }
        let wait = u128::from(now.since(resumed).as_micros());
        self.update_semantics(c, |f| {
            f.resumed_answered += 1;
            f.resume_wait_sum += wait;
            match returned {
                Return::AffinityKept => {
                    f.affinity_kept += 1;
                    f.resumed_same_agent += 1;
                }
                Return::AffinityBroken => f.affinity_broken += 1,
                Return::SameAgent => f.resumed_same_agent += 1,
                Return::OtherAgent => {}
            }
        });
    }

    fn auto_closed(&mut self, _now: SimTime, c: &ConversationInfo) {
        self.update_semantics(c, |f| f.auto_closed += 1);
    }

    fn over_capacity(
        &mut self,
        _now: SimTime,
        _agent: AgentId,
        group: GroupId,
        cause: OverCapacityCause,
        excess_units: i64,
    ) {
        if self.measuring {
            let group = &mut self.groups[group.index()];
            group.over_capacity_assignments += 1;
            let cause = match cause {
                OverCapacityCause::Affinity => 0,
                OverCapacityCause::Pick => 1,
                OverCapacityCause::SelfSelection => 2,
                OverCapacityCause::UnreservedOffer => 3,
                OverCapacityCause::PreferredAgent => 4,
            };
            group.over_capacity_by_cause[cause] += 1;
            group.max_over_capacity_units = group.max_over_capacity_units.max(excess_units);
        }
    }

    fn finished(&mut self, now: SimTime) {
        let now = now.as_micros();
        self.end = now;
        for level in &mut self.queue_lengths {
            level.close(now);
        }
        for group in &mut self.groups {
            for level in group_levels(group) {
                level.close(now);
            }
        }
    }
}

fn group_levels(group: &mut GroupLevels) -> impl Iterator<Item = &mut Level> {
    [
        &mut group.staffed_units,
        &mut group.used_units_logged_in,
        &mut group.busy_logged_in,
        &mut group.logged_in,
        &mut group.working_after_shift,
    ]
    .into_iter()
    .chain(group.presence.iter_mut())
}
