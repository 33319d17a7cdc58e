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

use crate::engine::SimTime;
use crate::model::{
    Abandonment, AgentId, AgentStatus, Answer, ConversationInfo, Decline, GroupId, Observer,
    OfferVia, OpenState, OverCapacityCause, OverflowOutcome, Presence, ReportDays, Return,
    Scenario,
};

use super::flows::{
    flow_rows, interval_semantic_rows, semantic_rows, Flow, Period, SemanticFlow, MICROS,
};
use super::groups::{overall_interval_rows, GroupLevels};
use super::handle_time::HandleTimes;
use super::level::Level;
use super::results::{IntervalRow, MeasureRow, RunResults, Scope, WaitDistribution};

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
    measuring: bool,
    end: u64,
    // Flow scopes: overall, then channels, workstreams, queues.
    flow_names: Vec<(Scope, String)>,
    n_channels: usize,
    n_workstreams: usize,
    n_flows: usize,
    // Indexed [interval * flows.len() + scope].
    interval_flows: Vec<Flow>,
    // Indexed like `interval_flows`.
    interval_semantics: Vec<SemanticFlow>,
    queue_lengths: Vec<Level>,
    groups: Vec<GroupLevels>,
    group_names: Vec<String>,
    agent_group: Vec<GroupId>,
    group_first_agent: Vec<usize>,
    agent_assignments: Vec<u64>,
    handle_times: HandleTimes,
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
        let mut agent_group = Vec::new();
        let mut group_first_agent = Vec::new();
        for (idx, group) in scenario.agent_groups.iter().enumerate() {
            group_first_agent.push(agent_group.len());
            agent_group.extend(std::iter::repeat_n(
                GroupId::from_index(idx),
                group.count as usize,
            ));
        }
        let n_cells = flow_names.len() * n_intervals;
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
            interval_flows: vec![empty_flow; n_cells],
            interval_semantics: vec![SemanticFlow::default(); n_cells],
            queue_lengths: vec![Level::new(interval, n_intervals); flow_names.len()],
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
                .map(|g| g.name.clone())
                .collect(),
            agent_assignments: vec![0; agent_group.len()],
            progress: None,
            handle_times: HandleTimes::new(agent_group.len()),
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
    /// conversation in its arrival interval.
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

    /// Applies `update` to the workstream-semantics counts of a counted conversation in its
    /// arrival interval.
    fn update_semantics(&mut self, c: &ConversationInfo, update: impl Fn(&mut SemanticFlow)) {
        if !self.counted(c) {
            return;
        }
        let base = self.interval_of(c.arrived) * self.n_flows;
        for scope in self.scopes_of(c) {
            update(&mut self.interval_semantics[base + scope]);
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
            let mut rows = flow_rows(&self.thresholds, &self.total_flow(idx), Period::Run);
            rows.push(("queue_length_mean".into(), queue_mean));
            rows.push(("queue_length_max".into(), level.max as f64));
            rows.extend(semantic_rows(&self.total_semantics(idx)));
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
            let mut push = |scope: Scope, name: &str, rows: Vec<(String, f64)>| {
                intervals.extend(rows.into_iter().map(|(measure, value)| IntervalRow {
                    day,
                    interval,
                    start_s,
                    row: MeasureRow {
                        scope,
                        name: name.to_string(),
                        measure,
                        value,
                    },
                }));
            };
            for (idx, (scope, name)) in self.flow_names.iter().enumerate() {
                let cell = bucket * self.n_flows + idx;
                let mut rows = flow_rows(
                    &self.thresholds,
                    &self.interval_flows[cell],
                    Period::Interval,
                );
                rows.push((
                    "queue_length_mean".into(),
                    self.queue_lengths[idx]
                        .by_interval
                        .mean(bucket)
                        .unwrap_or(f64::NAN),
                ));
                rows.extend(interval_semantic_rows(&self.interval_semantics[cell]));
                if *scope == Scope::Overall {
                    rows.extend(
                        overall_interval_rows(&self.groups, bucket)
                            .into_iter()
                            .map(|(measure, value)| (measure.to_string(), value)),
                    );
                }
                push(*scope, name, rows);
            }
            for (group_idx, group) in self.groups.iter().enumerate() {
                let rows = group
                    .interval_rows(bucket)
                    .into_iter()
                    .map(|(measure, value)| (measure.to_string(), value))
                    .collect();
                push(Scope::AgentGroup, &self.group_names[group_idx], rows);
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

    fn total_semantics(&self, idx: usize) -> SemanticFlow {
        let mut total = SemanticFlow::default();
        for interval in 0..self.n_intervals {
            total.merge(&self.interval_semantics[interval * self.n_flows + idx]);
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
            for level in group.levels() {
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
        for level in &mut self.queue_lengths {
            level.close(now);
        }
        for group in &mut self.groups {
            for level in group.levels() {
                level.close(now);
            }
        }
    }
}
