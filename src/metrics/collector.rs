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
//! The rows themselves are made in `flows.rs` (conversations) and `groups.rs` (agents).

use std::cell::Cell;

use crate::engine::SimTime;
use crate::model::{
    Abandonment, AgentId, AgentStatus, Answer, ConversationInfo, Decline, GroupId, Observer,
    OfferVia, OpenState, OverCapacityCause, OverflowOutcome, Presence, ReportDays, Return,
    Scenario,
};

use super::cells::{ByScope, Cells};
use super::flows::{
    flow_rows, interval_semantic_rows, semantic_rows, service_level_names, Flow, Period,
    SemanticFlow, MICROS,
};
use super::groups::{
    overall_interval_rows, GroupLevels, BUSY_LOGGED_IN, LOGGED_IN, N_LEVELS, PRESENCE,
    STAFFED_UNITS, USED_UNITS_LOGGED_IN, WORKING_AFTER_SHIFT,
};
use super::handle_time::HandleTimes;
use super::results::{IntervalRow, MeasureRow, RowValues, RunResults, Scope, WaitDistribution};
use super::stats::IntervalAreas;
use super::Text;

const DAY: u64 = 86_400_000_000;

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
    /// The last arrival time's interval, `[start, end)` and its index: most events are of
    /// conversations that arrived in the current interval, which spares two divisions each.
    last_interval: Cell<(u64, u64, usize)>,
    measuring: bool,
    end: u64,
    // Flow scopes: overall, then channels, workstreams, queues.
    flow_names: Vec<(Scope, Text)>,
    n_channels: usize,
    n_workstreams: usize,
    n_flows: usize,
    /// The figures per (channel, workstream, queue): the scopes' are their sums.
    cells: Cells,
    /// Queue length now and its maximum over the measured period, per flow scope.
    queue_now: Vec<(i64, i64)>,
    /// When measuring began (the end of the warm-up).
    measure_start: Option<u64>,
    /// Measured time per interval: what every queue-length integral is divided by.
    exposure: IntervalAreas,
    groups: Vec<GroupLevels>,
    group_names: Vec<Text>,
    agent_group: Vec<GroupId>,
    group_first_agent: Vec<usize>,
    agent_assignments: Vec<u64>,
    handle_times: HandleTimes,
    /// Whether the scenario has preferred agents (only then is their over-capacity column
    /// reported, so other scenarios' reports stay as they were).
    preferred_agents: bool,
    progress: Option<ProgressHook>,
    /// Whether `into_results` forms the interval rows (see [`Collector::without_interval_rows`]).
    interval_rows: bool,
}

/// A function told of the simulated time now and then, for a progress bar.
pub struct ProgressHook(Box<dyn FnMut(SimTime) + Send>);

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressHook")
    }
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
        let mut flow_names = vec![(Scope::Overall, Text::from("all"))];
        flow_names.extend(
            scenario
                .channels
                .iter()
                .map(|c| (Scope::Channel, Text::from(&c.name))),
        );
        flow_names.extend(
            scenario
                .workstreams
                .iter()
                .map(|w| (Scope::Workstream, Text::from(&w.name))),
        );
        flow_names.extend(
            scenario
                .queues
                .iter()
                .map(|q| (Scope::Queue, Text::from(&q.name))),
        );
        let thresholds: Vec<u64> = scenario
            .measured_thresholds()
            .iter()
            .map(|t| t.as_micros())
            .collect();
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
            last_interval: Cell::new((1, 0, 0)),
            measuring: false,
            end: sim.horizon.as_micros(),
            n_channels: scenario.channels.len(),
            n_workstreams: scenario.workstreams.len(),
            n_flows: flow_names.len(),
            cells: Cells::new(
                scenario.queues.len(),
                thresholds.len(),
                interval,
                n_intervals,
            ),
            queue_now: vec![(0, 0); flow_names.len()],
            measure_start: None,
            exposure: IntervalAreas::new(interval, n_intervals),
            flow_names,
            thresholds,
            groups: scenario
                .agent_groups
                .iter()
                .map(|group| GroupLevels::new(group.count, interval, n_intervals))
                .collect(),
            group_names: scenario
                .agent_groups
                .iter()
                .map(|g| Text::from(&g.name))
                .collect(),
            agent_assignments: vec![0; agent_group.len()],
            progress: None,
            interval_rows: true,
            handle_times: HandleTimes::new(agent_group.len()),
            agent_group,
            group_first_agent,
            preferred_agents: scenario
                .workstreams
                .iter()
                .any(|w| w.preferred_agents.is_some()),
        }
    }

    /// The flow scopes of (channel, workstream, queue) indices: overall, channel, workstream,
    /// queue.
    fn scopes_of(&self, [channel, workstream, queue]: [usize; 3]) -> [usize; 4] {
        [
            0,
            1 + channel,
            1 + self.n_channels + workstream,
            1 + self.n_channels + self.n_workstreams + queue,
        ]
    }

    fn counted(&self, c: &ConversationInfo) -> bool {
        c.arrived.as_micros() >= self.warm_up
    }

    fn interval_of(&self, time: SimTime) -> usize {
        let t = time.as_micros();
        let (start, end, index) = self.last_interval.get();
        if start <= t && t < end {
            return index;
        }
        let k = t / self.interval;
        let index = (k % self.n_intervals as u64) as usize;
        let start = k * self.interval;
        self.last_interval
            .set((start, start.saturating_add(self.interval), index));
        index
    }

    /// Applies `update` to the overall, channel, workstream and queue figures of a counted
    /// conversation in its arrival interval.
    fn update_flows(&mut self, c: &ConversationInfo, update: impl Fn(&mut Flow)) {
        if !self.counted(c) {
            return;
        }
        // Only one cell's interval figures are kept up to date; the scopes' figures and the
        // totals are their sums, formed once at the end.
        let interval = self.interval_of(c.arrived);
        let cell = self.cells.of(c);
        update(self.cells.flow(cell, interval));
    }

    /// Applies `update` to the workstream-semantics counts of a counted conversation in its
    /// arrival interval.
    fn update_semantics(&mut self, c: &ConversationInfo, update: impl Fn(&mut SemanticFlow)) {
        if !self.counted(c) {
            return;
        }
        let interval = self.interval_of(c.arrived);
        let cell = self.cells.of(c);
        update(self.cells.semantics(cell, interval));
    }

    fn change_queue_length(&mut self, now: SimTime, c: &ConversationInfo, delta: i64) {
        let cell = self.cells.of(c);
        self.cells
            .queue_length(cell)
            .add(now.as_micros(), [delta], self.measuring);
        let scopes = self.scopes_of([c.channel.index(), c.workstream.index(), c.queue.index()]);
        for scope in scopes {
            let (value, max) = &mut self.queue_now[scope];
            *value += delta;
            *max = (*max).max(*value);
        }
    }

    /// The measures, once the run has finished.
    pub fn into_results(self, seed: u64) -> RunResults {
        self.finish(seed, false).0
    }

    /// The values of the rows [`into_results`](Self::into_results) would form, in the same
    /// order, without forming the interval rows: what a replication after the first keeps.
    pub fn into_row_values(self, seed: u64) -> RowValues {
        let (results, intervals) = self.finish(seed, true);
        RowValues {
            intervals,
            ..RowValues::of(&results)
        }
    }

    /// The results, and the interval rows' values alone instead of the rows if `values_only`
    /// (no interval rows at all with [`without_interval_rows`](Self::without_interval_rows)).
    fn finish(self, seed: u64, values_only: bool) -> (RunResults, Vec<f64>) {
        let measured_s = (self.end - self.warm_up.min(self.end)) as f64 / MICROS;
        let by_scope = self.cells.by_scope(self.n_flows, |key| self.scopes_of(key));
        let service_levels = service_level_names(&self.thresholds);
        // A scope of one cell (the overall, channel, workstream and queue scopes of a centre of
        // one queue) has that cell's totals: formed once per cell, shared by its scopes.
        let mut formed: Vec<Flow> = Vec::new();
        let mut cell_total: Vec<Option<usize>> = vec![None; self.cells.len()];
        let total_at: Vec<usize> = (0..self.n_flows)
            .map(|idx| {
                let only = by_scope.only_cell[idx];
                if let Some(at) = only.and_then(|cell| cell_total[cell]) {
                    return at;
                }
                formed.push(self.total_flow(&by_scope, idx));
                if let Some(cell) = only {
                    cell_total[cell] = Some(formed.len() - 1);
                }
                formed.len() - 1
            })
            .collect();
        let totals: Vec<&Flow> = total_at.iter().map(|&at| &formed[at]).collect();
        let mut summary = Vec::new();
        for (idx, (scope, name)) in self.flow_names.iter().enumerate() {
            let queue_area: i128 = (0..self.n_intervals)
                .map(|bucket| by_scope.queue_areas[bucket * self.n_flows + idx])
                .sum();
            let queue_mean = if measured_s > 0.0 {
                queue_area as f64 / MICROS / measured_s
            } else {
                f64::NAN
            };
            let mut rows = Vec::with_capacity(64);
            flow_rows(&mut rows, &service_levels, totals[idx], Period::Run);
            rows.push(("queue_length_mean".into(), queue_mean));
            rows.push(("queue_length_max".into(), self.queue_now[idx].1 as f64));
            rows.extend(semantic_rows(&self.total_semantics(&by_scope, idx)));
            summary.extend(rows.into_iter().map(|(measure, value)| MeasureRow {
                scope: *scope,
                name: name.clone(),
                measure,
                value,
            }));
        }

        let (intervals, interval_values) = match (self.interval_rows, values_only) {
            (false, _) => (Vec::new(), Vec::new()),
            (true, false) => (self.interval_rows(&by_scope, &service_levels), Vec::new()),
            (true, true) => (Vec::new(), self.interval_values(&by_scope, &service_levels)),
        };

        let results = RunResults {
            scenario: self.scenario_name.clone(),
            seed,
            horizon_s: self.end as f64 / MICROS,
            warm_up_s: self.warm_up as f64 / MICROS,
            interval_s: self.interval as f64 / MICROS,
            summary,
            intervals,
            agents: self.agent_rows(),
            wait_distribution: self.wait_distributions(&totals),
            index: Default::default(),
        };
        (results, interval_values)
    }

    /// The rows of every interval and scope (`RunResults::intervals`).
    fn interval_rows(
        &self,
        by_scope: &ByScope,
        service_levels: &[(Text, Text)],
    ) -> Vec<IntervalRow> {
        let mut intervals = Vec::new();
        let mut reserved = false;
        self.each_interval_row(by_scope, service_levels, |bucket, scope, name, rows| {
            if bucket == 1 && !reserved {
                // Every interval has as many rows as the first.
                intervals.reserve_exact(intervals.len() * (self.n_intervals - 1));
                reserved = true;
            }
            let interval = bucket % self.intervals_per_day;
            let day = self.days_apart.then_some(bucket / self.intervals_per_day);
            let start_s = interval as u64 * self.interval / 1_000_000;
            intervals.extend(rows.drain(..).map(|(measure, value)| IntervalRow {
                day,
                interval,
                start_s,
                row: MeasureRow {
                    scope,
                    name: name.clone(),
                    measure,
                    value,
                },
            }));
        });
        intervals
    }

    /// The values of [`interval_rows`](Self::interval_rows), in the same order, without the
    /// rows: what a replication after the first keeps.
    fn interval_values(&self, by_scope: &ByScope, service_levels: &[(Text, Text)]) -> Vec<f64> {
        let mut values = Vec::new();
        let mut reserved = false;
        self.each_interval_row(by_scope, service_levels, |bucket, _, _, rows| {
            if bucket == 1 && !reserved {
                values.reserve_exact(values.len() * (self.n_intervals - 1));
                reserved = true;
            }
            values.extend(rows.drain(..).map(|(_, value)| value));
        });
        values
    }

    /// Calls `take(bucket, scope, name, rows)` with the (measure, value) rows of each interval
    /// and scope in report order; `take` empties `rows`.
    fn each_interval_row(
        &self,
        by_scope: &ByScope,
        service_levels: &[(Text, Text)],
        mut take: impl FnMut(usize, Scope, &Text, &mut Vec<(Text, f64)>),
    ) {
        // One buffer for the rows of each (interval, scope) in turn.
        let mut rows: Vec<(Text, f64)> = Vec::with_capacity(64);
        for bucket in 0..self.n_intervals {
            for (idx, (scope, name)) in self.flow_names.iter().enumerate() {
                let cell = bucket * self.n_flows + idx;
                flow_rows(
                    &mut rows,
                    service_levels,
                    &by_scope.flows[cell],
                    Period::Interval,
                );
                let exposure = self.exposure.exposure(bucket);
                rows.push((
                    "queue_length_mean".into(),
                    if exposure > 0 {
                        by_scope.queue_areas[cell] as f64 / exposure as f64
                    } else {
                        f64::NAN
                    },
                ));
                interval_semantic_rows(&mut rows, &by_scope.semantics[cell]);
                if *scope == Scope::Overall {
                    rows.extend(
                        overall_interval_rows(&self.groups, bucket)
                            .into_iter()
                            .map(|(measure, value)| (measure.into(), value)),
                    );
                }
                take(bucket, *scope, name, &mut rows);
            }
            for (group_idx, group) in self.groups.iter().enumerate() {
                rows.extend(
                    group
                        .interval_rows(bucket)
                        .into_iter()
                        .map(|(measure, value)| (measure.into(), value)),
                );
                take(
                    bucket,
                    Scope::AgentGroup,
                    &self.group_names[group_idx],
                    &mut rows,
                );
            }
        }
    }

    /// The figures of flow scope `idx` over the whole run: the sum of its intervals.
    fn total_flow(&self, by_scope: &ByScope, idx: usize) -> Flow {
        let mut total = Flow {
            answered_within: vec![0; self.thresholds.len()],
            ..Flow::default()
        };
        for interval in 0..self.n_intervals {
            total.merge(&by_scope.flows[interval * self.n_flows + idx]);
        }
        total
    }

    fn total_semantics(&self, by_scope: &ByScope, idx: usize) -> SemanticFlow {
        let mut total = SemanticFlow::default();
        for interval in 0..self.n_intervals {
            total.merge(&by_scope.semantics[interval * self.n_flows + idx]);
        }
        total
    }

    /// Overall and per channel: the scopes a planner compares waits across; `totals` holds
    /// each flow scope's figures over the run.
    fn wait_distributions(&self, totals: &[&Flow]) -> Vec<WaitDistribution> {
        self.flow_names[..=self.n_channels]
            .iter()
            .enumerate()
            .map(|(idx, (scope, name))| {
                let wait = &totals[idx].answer_wait;
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
                    name: name.to_string(),
                    answered: wait.count(),
                    points,
                }
            })
            .collect()
    }

    fn agent_rows(&self) -> Vec<MeasureRow> {
        let mut rows = Vec::new();
        for (group_idx, group) in self.groups.iter().enumerate() {
            let first = self.group_first_agent[group_idx];
            let end = self
                .group_first_agent
                .get(group_idx + 1)
                .copied()
                .unwrap_or(self.agent_group.len());
            let values = group.run_rows(&self.agent_assignments[first..end], self.preferred_agents);
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

impl Collector {
    /// Leaves the interval rows out of the results (`intervals` is empty); every other figure
    /// is the same. For runs of which only the summary and agent rows are read (each pair of a
    /// sweep, each replication of a check): on a week kept by day, forming the rows of every
    /// interval costs several times the simulation.
    pub fn without_interval_rows(mut self) -> Collector {
        self.interval_rows = false;
        self
    }

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
        // It was waiting (reported `queued`) unless accepted the moment it arrived.
        if how != Answer::AtOnce {
            self.change_queue_length(now, c, -1);
        }
        if self.measuring {
            self.agent_assignments[agent.index()] += 1;
        }
        if self.counted(c) {
            self.handle_times.start(agent, c, now.as_micros());
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
        // Every abandonment ends a wait: in the queue, or while an offer rang (reported
        // `queued` when it began to ring).
        self.change_queue_length(now, c, -1);
        let wait = u128::from(now.since(c.queued_from).as_micros());
        self.update_flows(c, |f| {
            f.abandoned += 1;
            f.abandon_wait_sum += wait;
        });
        if from != Abandonment::Queue {
            self.update_semantics(c, |f| f.abandoned_ringing += 1);
        }
    }

    fn resume_abandoned(&mut self, now: SimTime, c: &ConversationInfo, _from: Abandonment) {
        self.change_queue_length(now, c, -1);
        // The conversation ends unhandled: its earlier segments are no handle time.
        self.handle_times.forget(c);
        self.update_semantics(c, |f| f.resume_abandoned += 1);
    }

    fn completed(&mut self, now: SimTime, c: &ConversationInfo, agent: AgentId) {
        if self.measuring {
            self.groups[self.agent_group[agent.index()].index()].handled += 1;
        }
        if !self.counted(c) {
            return;
        }
        let spent = u128::from(self.handle_times.finish(agent, c, now.as_micros()));
        self.update_flows(c, |f| {
            f.handled += 1;
            f.handle_time_sum += spent;
        });
    }

    fn went_waiting(&mut self, now: SimTime, c: &ConversationInfo, agent: AgentId) {
        if self.counted(c) {
            self.handle_times.pause(agent, c, now.as_micros());
        }
    }

    fn agent_changed(
        &mut self,
        now: SimTime,
        _agent: AgentId,
        group: GroupId,
        before: AgentStatus,
        after: AgentStatus,
    ) {
        let logged_in = |s: &AgentStatus| s.presence != Presence::Offline;
        let flag = |b: bool| i64::from(b);
        let used_logged = |s: &AgentStatus| if logged_in(s) { s.used_units } else { 0 };
        let mut deltas = [0; N_LEVELS];
        deltas[STAFFED_UNITS] = after.staffed_units - before.staffed_units;
        deltas[USED_UNITS_LOGGED_IN] = used_logged(&after) - used_logged(&before);
        deltas[BUSY_LOGGED_IN] = flag(logged_in(&after) && after.active > 0)
            - flag(logged_in(&before) && before.active > 0);
        deltas[LOGGED_IN] = flag(logged_in(&after)) - flag(logged_in(&before));
        deltas[WORKING_AFTER_SHIFT] = flag(!logged_in(&after) && after.active > 0)
            - flag(!logged_in(&before) && before.active > 0);
        if before.presence != after.presence {
            deltas[PRESENCE + before.presence.index()] -= 1;
            deltas[PRESENCE + after.presence.index()] += 1;
        }
        self.groups[group.index()]
            .levels
            .add(now.as_micros(), deltas, self.measuring);
    }

    fn warm_up_ended(&mut self, now: SimTime) {
        let now = now.as_micros();
        self.measuring = true;
        self.measure_start = Some(now);
        self.cells.start_measuring(now);
        for (value, max) in &mut self.queue_now {
            *max = *value;
        }
        for group in &mut self.groups {
            group.levels.restart(now);
        }
    }

    fn still_open(&mut self, _now: SimTime, c: &ConversationInfo, state: OpenState) {
        match state {
            OpenState::Queued | OpenState::ResumeQueued => {
                self.update_flows(c, |f| f.queued_at_end += 1)
            }
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
        if how != Answer::AtOnce {
            self.change_queue_length(now, c, -1);
        }
        if self.measuring {
            self.agent_assignments[agent.index()] += 1;
        }
        if self.counted(c) {
            self.handle_times.start(agent, c, now.as_micros());
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
        self.handle_times.forget(c);
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
        for level in self.cells.queue_lengths() {
            level.close(now);
        }
        if let Some(start) = self.measure_start.filter(|&start| start < now) {
            self.exposure.accumulate(start, now, 0);
        }
        for group in &mut self.groups {
            group.levels.close(now);
        }
    }
}
