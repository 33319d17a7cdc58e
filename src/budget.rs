//! The size of a run before it runs: an estimate of the events it will process and of the
//! memory it will hold, from the scenario alone (conversations over the horizon, segments per
//! conversation, agents and their away episodes, interval figures), and the budget a command
//! refuses to start beyond unless told to go ahead.
//!
//! The estimate is deliberately rough (within a small factor of the real counts for ordinary
//! scenarios, and on the high side for overloaded ones): it exists to catch runs that are
//! orders of magnitude too large (a 100,000-day horizon, a billion arrivals an hour), not to
//! predict run times. It depends only on the scenario, never on the machine, so the same file
//! is refused or accepted everywhere.

use std::collections::BTreeSet;

use crate::model::{
    ArrivalProcess, AssignmentMethod, DistributionMode, OverflowAction, QueueId, ReportDays,
    Scenario, SelfSelection, SkillMatching, WorkstreamId,
};

/// Events a run may process: about a minute or two of one core at the model's speed.
pub const DEFAULT_MAX_EVENTS: f64 = 1e9;
/// Memory a run may hold.
pub const DEFAULT_MAX_MEMORY_BYTES: f64 = 4.0 * GIB;

const GIB: f64 = (1u64 << 30) as f64;
/// Memory of an empty run (the program, the scenario, the report being built).
const BASE_BYTES: f64 = 16.0 * (1u64 << 20) as f64;
/// One row of interval figures (one measure of one entity in one interval), as a run holds it:
/// the row itself, its share of `intervals.csv` and of the run page's interval table. Measured:
/// 430 bytes of peak memory per row on a run of 8.6 million rows (8 channels and queues, seven
/// thresholds, one-minute intervals kept apart for 8 days), the rows being 95 % of that run's
/// memory.
const BYTES_PER_INTERVAL_ROW: f64 = 450.0;
/// The collector's figures of one entity (or one channel x workstream x queue cell) in one
/// interval, before it forms the rows, plus 8 bytes per service-level threshold.
const BYTES_PER_FLOW_STATE: f64 = 700.0;
/// The collector's figures of one agent group in one interval.
const BYTES_PER_GROUP_STATE: f64 = 300.0;
/// Interval measures of an entity (channel, workstream, queue, overall) besides the two
/// service levels of each threshold (overall has the most: 30).
const MEASURES_PER_FLOW: f64 = 30.0;
/// Interval measures of an agent group.
const MEASURES_PER_GROUP: f64 = 8.0;
/// Summary measures of an entity besides the service levels (40 with two thresholds), and of
/// an agent group: the rows a sweep keeps of every run.
const SUMMARY_MEASURES_PER_FLOW: f64 = 36.0;
const SUMMARY_MEASURES_PER_GROUP: f64 = 20.0;
/// One summary row of one run as a sweep holds it when it merges (with its share of
/// `replications.csv`): measured 220 bytes on 2,000 runs of 180 rows.
const BYTES_PER_HELD_SUMMARY_ROW: f64 = 250.0;
/// One row's value of one run, as a replicated run keeps it until it combines the runs.
const BYTES_PER_HELD_VALUE: f64 = 8.0;
const BYTES_PER_AGENT: f64 = 1_000.0;
/// A conversation in the system: its slot, its queue entry and its pending events.
const BYTES_PER_CONVERSATION: f64 = 400.0;
/// A replayed arrival time.
const BYTES_PER_TRACE_ARRIVAL: f64 = 8.0;
/// One agent's membership of one queue: its place in the queue's members, candidate set and
/// ordered set, and in the agent's list. Measured (peak RSS, 2026-12-03) between 4 and 8
/// million memberships (2,000 and 4,000 agents each in 2,000 queues): 85 bytes a membership
/// with least active (its ordered candidates), 42 with round robin (turn-order sets).
const BYTES_PER_MEMBERSHIP: f64 = 100.0;
/// The work of visiting one more queue membership of an agent whose presence or capacity
/// changed (its place in the queue's ordered candidates moves, and its queues are searched for
/// work), as a share of one event's. Measured: 85 ns a visit with 100 agents each in 2,000
/// queues (a day of 26,000 conversations in 8.9 s; 50 ns a visit with 1,000 queues), against
/// about 0.3 µs an event of the bundled scenarios.
const MEMBERSHIP_VISIT_EVENTS: f64 = 0.3;
/// The work of ranking one free agent for an item whose rank depends on the item (closest-match
/// skills, highest capacity over profiles), as a share of one event's. Measured: 14 ns an
/// agent (10,000 agents, closest match, 60,000 items an hour at half load: 8.7 s for two
/// hours), against about 0.3 µs an event.
const RANKED_VISIT_EVENTS: f64 = 0.05;
/// The work of checking one queued item of a top block for an agent, as a share of one event's.
/// Measured: 21 ns an item (`block_size = 100000`, half the items needing a skill no agent
/// has: a day of 2,000 items an hour in 7.5 s), against about 0.3 µs an event.
const BLOCK_ITEM_EVENTS: f64 = 0.07;
/// The product's top block: up to this many items checked at an agent's turn are part of an
/// event's usual cost.
const USUAL_BLOCK: f64 = 100.0;

/// What a run is expected to cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// Conversations arriving over the horizon.
    pub conversations: f64,
    /// Events processed: conversations (all their segments) and agents (shifts, away).
    pub events: f64,
    /// Events of agents' away episodes alone (part of `events`).
    pub away_events: f64,
    /// Agents' queue memberships (each agent once for every queue its group serves).
    pub memberships: f64,
    /// Changes of an agent's presence or capacity (an assignment, a release, an away
    /// episode's edges, a shift's), at each of which the agent's memberships are visited.
    pub presence_changes: f64,
    /// The work of those visits beyond the first membership (which an event's cost already
    /// includes), in events: the budget weighs it with the events (see [`Estimate::work`]).
    pub membership_work: f64,
    /// Agents ranked one by one for items whose rank depends on the item (every free member
    /// of the queue, for each such item), and their work in events (see [`Estimate::work`]).
    pub ranked_visits: f64,
    pub ranking_work: f64,
    /// Queued items checked at agents' turns in top blocks longer than the usual 100 whose
    /// items some members may not take, and their work in events (see [`Estimate::work`]).
    pub block_items_checked: f64,
    pub block_work: f64,
    /// Conversations in the system at the busiest moment.
    pub peak_conversations: f64,
    pub agents: f64,
    pub intervals_per_day: f64,
    /// Intervals whose figures the run keeps: a day's, or every day's with
    /// `report_days = "apart"`.
    pub intervals_kept: f64,
    /// Rows of interval figures the run reports (`intervals.csv`).
    pub interval_rows: f64,
    /// Rows of summary and agent-group figures the run reports, which a sweep keeps of every
    /// run until it merges them.
    pub summary_rows: f64,
    /// Memory of the run's results (its report rows).
    pub results_bytes: f64,
    /// Peak memory of one run.
    pub memory_bytes: f64,
}

/// The most a command runs without being told to go ahead.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub max_events: f64,
    pub max_memory_bytes: f64,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            max_events: DEFAULT_MAX_EVENTS,
            max_memory_bytes: DEFAULT_MAX_MEMORY_BYTES,
        }
    }
}

impl Estimate {
    /// The estimate of one run of `scenario`.
    pub fn of(scenario: &Scenario) -> Estimate {
        let hours = scenario.simulation.horizon.as_secs_f64() / 3600.0;
        let days = hours / 24.0;
        let any_response_time = scenario
            .agent_groups
            .iter()
            .any(|g| g.response.response_time.is_some());
        let slots: f64 = scenario
            .agent_groups
            .iter()
            .map(|g| f64::from(g.count) * f64::from(g.capacity_units.max(1)))
            .sum();

        struct ChannelLoad {
            conversations: f64,
            peak_per_hour: f64,
            busy_hours_each: f64,
            residence_hours: f64,
            waits_forever: bool,
        }
        let mut loads = Vec::new();
        let mut segment_counts = Vec::new();
        let mut ranked_visits = 0.0;
        let mut events = 0.0;
        let mut trace_bytes = 0.0;
        for channel in &scenario.channels {
            let (conversations, peak_per_hour) = match &channel.arrivals {
                ArrivalProcess::Poisson { rate_per_hour } => {
                    (rate_per_hour * hours, *rate_per_hour)
                }
                ArrivalProcess::Piecewise { rates_per_hour, .. } => {
                    let mean =
                        rates_per_hour.iter().sum::<f64>() / rates_per_hour.len().max(1) as f64;
                    let peak = rates_per_hour.iter().copied().fold(0.0, f64::max);
                    (mean * hours, peak)
                }
                ArrivalProcess::Trace { times } => {
                    trace_bytes += times.len() as f64 * BYTES_PER_TRACE_ARRIVAL;
                    let count = times
                        .iter()
                        .filter(|t| t.as_micros() < scenario.simulation.horizon.as_micros())
                        .count() as f64;
                    (count, count / hours.max(1.0 / 3600.0))
                }
            };
            let handle_hours = channel.handle_time.mean() / 3600.0;
            let (segments, resume_hours) = match &channel.waiting {
                None => (1.0, 0.0),
                Some(waiting) => {
                    let resume_hours = waiting.resume_delay.mean() / 3600.0;
                    let cycle = (handle_hours + resume_hours).max(1e-9);
                    // Geometric number of segments, but no more than fit into the horizon.
                    let geometric = if waiting.probability < 1.0 {
                        1.0 / (1.0 - waiting.probability)
                    } else {
                        f64::INFINITY
                    };
                    (geometric.min(1.0 + hours / cycle), resume_hours)
                }
            };
            let workstream = scenario.workstream(channel.workstream);
            let picked = workstream.mode == DistributionMode::Pick
                || workstream.self_selection == SelfSelection::On;
            let per_segment = 2.0
                + f64::from(u8::from(channel.patience.is_some()))
                + 2.0 * f64::from(u8::from(channel.wrap_up.is_some()))
                + f64::from(u8::from(any_response_time))
                + f64::from(u8::from(picked));
            let bot = f64::from(u8::from(workstream.bot.is_some()));
            events += conversations * (segments * per_segment + bot);
            segment_counts.push(conversations * segments);
            if let Some(members) = ranked_members(scenario, channel.workstream) {
                ranked_visits += conversations * segments * members;
            }
            // Declined offers (rejected or missed) put the item back: each offer again is an
            // event, and ranks every free member of the queue (a decline makes the rank
            // depend on the item).
            let (decline_probability, members) = declines(scenario, channel.workstream);
            if decline_probability > 0.0 {
                let most = f64::from(scenario.simulation.decline_limit) * members;
                let offers = (1.0 / (1.0 - decline_probability).max(1e-9)).min(most + 1.0);
                events += conversations * segments * (offers - 1.0);
                ranked_visits += conversations * segments * (offers - 1.0) * members;
            }
            let wrap_hours = channel.wrap_up.as_ref().map_or(0.0, |w| w.mean() / 3600.0);
            let busy_hours_each = segments * (handle_hours + wrap_hours);
            let waiting_allowance = channel.patience.as_ref().map_or(1.0, |p| p.mean() / 3600.0);
            loads.push(ChannelLoad {
                conversations,
                peak_per_hour,
                busy_hours_each,
                residence_hours: busy_hours_each
                    + (segments - 1.0) * resume_hours
                    + waiting_allowance,
                waits_forever: channel.patience.is_none(),
            });
        }
        let conversations: f64 = loads.iter().map(|l| l.conversations).sum();

        // Offered work against the agents' slots: beyond 1 the queues grow over the run.
        let offered_erlangs: f64 = loads
            .iter()
            .map(|l| l.conversations / hours.max(1e-9) * l.busy_hours_each)
            .sum();
        let load = offered_erlangs / slots.max(1.0);
        let peak_conversations: f64 = loads
            .iter()
            .map(|l| {
                let steady = l.peak_per_hour * l.residence_hours;
                let piling = if load > 1.0 && l.waits_forever {
                    l.conversations * (1.0 - 1.0 / load)
                } else {
                    0.0
                };
                steady.max(piling).min(l.conversations)
            })
            .sum();

        let mut away_events = 0.0;
        for group in &scenario.agent_groups {
            let shift_edges = group
                .shift
                .as_ref()
                .map_or(0.0, |s| 2.0 + 2.0 * s.breaks.len() as f64);
            events += shift_edges * (days + 1.0);
            if let Some(away) = &group.away_episodes {
                away_events += f64::from(group.count) * away.per_hour * hours * 2.0;
            }
        }
        events += away_events;

        // Each change of an agent's presence or capacity visits every queue it serves. Per
        // conversation segment the agent who takes it changes twice (assigned, released).
        let memberships: f64 = scenario
            .agent_groups
            .iter()
            .map(|g| f64::from(g.count) * g.queues.len() as f64)
            .sum();
        let segments: f64 = segment_counts.iter().sum();
        let mut presence_changes = 2.0 * segments + away_events;
        let mut membership_visits =
            (2.0 * segments + away_events) * memberships / (scenario.n_agents() as f64).max(1.0);
        for group in &scenario.agent_groups {
            let shift_edges = group
                .shift
                .as_ref()
                .map_or(0.0, |s| 2.0 + 2.0 * s.breaks.len() as f64)
                * (days + 1.0);
            presence_changes += shift_edges * f64::from(group.count);
            membership_visits += shift_edges * f64::from(group.count) * group.queues.len() as f64;
        }
        let membership_work =
            MEMBERSHIP_VISIT_EVENTS * (membership_visits - presence_changes).max(0.0);
        let ranking_work = RANKED_VISIT_EVENTS * ranked_visits;

        // An agent with room looks through each top block for the first item it may take: in
        // a block longer than the usual 100, headed by items some agents may not take, that is
        // up to the whole block at each of its turns.
        let mut block_items_checked: f64 = 0.0;
        let large_blocks = (scenario.queues.iter()).any(|q| q.block_size as f64 > USUAL_BLOCK);
        if large_blocks {
            let refusing = refusing_queues(scenario);
            for (channel, &segments) in scenario.channels.iter().zip(&segment_counts) {
                let longest = routed_queues(scenario, channel.workstream)
                    .into_iter()
                    .filter(|&queue| refusing[queue.index()])
                    .map(|queue| scenario.queue(queue).block_size as f64)
                    .fold(0.0, f64::max);
                let looked_through = (longest.min(peak_conversations) - USUAL_BLOCK).max(0.0);
                block_items_checked += 2.0 * segments * looked_through;
            }
        }
        let block_work = BLOCK_ITEM_EVENTS * block_items_checked;

        let agents = scenario.n_agents() as f64;
        let intervals_per_day = 86_400.0 / scenario.simulation.interval.as_secs_f64().max(1e-6);
        let days_kept = match scenario.simulation.report_days {
            ReportDays::Folded => 1.0,
            ReportDays::Apart => days.ceil().max(1.0),
        };
        let intervals_kept = intervals_per_day * days_kept;
        let thresholds = scenario.measured_thresholds().len() as f64;
        let flows = 1.0
            + (scenario.channels.len() + scenario.workstreams.len() + scenario.queues.len()) as f64;
        let groups = scenario.agent_groups.len() as f64;
        let interval_rows = intervals_kept
            * (flows * (MEASURES_PER_FLOW + 2.0 * thresholds) + groups * MEASURES_PER_GROUP);
        let results_bytes = interval_rows * BYTES_PER_INTERVAL_ROW;
        let summary_rows = flows * (SUMMARY_MEASURES_PER_FLOW + 2.0 * thresholds)
            + groups * SUMMARY_MEASURES_PER_GROUP;
        let state_bytes = intervals_kept
            * ((flows + cells(scenario)) * (BYTES_PER_FLOW_STATE + 8.0 * thresholds)
                + groups * BYTES_PER_GROUP_STATE);
        let memory_bytes = BASE_BYTES
            + state_bytes
            + results_bytes
            + agents * BYTES_PER_AGENT
            + memberships * BYTES_PER_MEMBERSHIP
            + peak_conversations * BYTES_PER_CONVERSATION
            + trace_bytes;
        Estimate {
            conversations,
            events,
            away_events,
            memberships,
            presence_changes,
            membership_work,
            ranked_visits,
            ranking_work,
            block_items_checked,
            block_work,
            peak_conversations,
            agents,
            intervals_per_day,
            intervals_kept,
            interval_rows,
            summary_rows,
            results_bytes,
            memory_bytes,
        }
    }

    /// The work of the run in events: its events, and what costs more than an event's usual
    /// work counted as a share of an event each: the visits of agents' queue memberships at
    /// each change of their presence, the agents ranked one by one, and the items looked
    /// through in large top blocks. A run of a thousand queues that every agent serves is many
    /// times the work its events alone say.
    pub fn work(&self) -> f64 {
        self.events + self.membership_work + self.ranking_work + self.block_work
    }

    /// Why the run is beyond `budget`, in a sentence naming what makes it large; `None` if
    /// it is within.
    pub fn overrun(&self, budget: &Budget) -> Option<String> {
        let mut over = Vec::new();
        let work_over = self.work() > budget.max_events;
        let memory_over = self.memory_bytes > budget.max_memory_bytes;
        if work_over {
            over.push(format!(
                "about {} events (budget {})",
                approx(self.work()),
                approx(budget.max_events)
            ));
        }
        if memory_over {
            over.push(format!(
                "about {} of memory (budget {})",
                bytes(self.memory_bytes),
                bytes(budget.max_memory_bytes)
            ));
        }
        if over.is_empty() {
            return None;
        }
        let mut causes = vec![format!(
            "{} conversations over the horizon",
            approx(self.conversations)
        )];
        if self.away_events > 0.1 * self.events {
            causes.push(format!("{} away-episode events", approx(self.away_events)));
        }
        let visits_matter = work_over && self.membership_work > 0.1 * self.work();
        let memberships_memory_matter =
            memory_over && self.memberships * BYTES_PER_MEMBERSHIP > 0.25 * self.memory_bytes;
        if visits_matter {
            causes.push(format!(
                "{} queue memberships (agents times the queues their group serves), visited at \
                 each of {} changes of an agent's presence: about {} events' worth",
                approx(self.memberships),
                approx(self.presence_changes),
                approx(self.membership_work)
            ));
        } else if memberships_memory_matter {
            causes.push(format!(
                "{} queue memberships (agents times the queues their group serves)",
                approx(self.memberships)
            ));
        }
        let ranking_matters = work_over && self.ranking_work > 0.1 * self.work();
        if ranking_matters {
            causes.push(format!(
                "{} agents ranked one by one for items that closest-match skills, capacity \
                 profiles under highest capacity or declined offers compare with every free \
                 agent of their queue: about {} events' worth",
                approx(self.ranked_visits),
                approx(self.ranking_work)
            ));
        }
        let blocks_matter = work_over && self.block_work > 0.1 * self.work();
        if blocks_matter {
            causes.push(format!(
                "{} queued items looked through at agents' turns, in top blocks longer than 100 \
                 whose items some agents may not take: about {} events' worth",
                approx(self.block_items_checked),
                approx(self.block_work)
            ));
        }
        if self.peak_conversations > 1e6 {
            causes.push(format!(
                "up to {} conversations in the system at once",
                approx(self.peak_conversations)
            ));
        }
        causes.push(format!("{} agents", approx(self.agents)));
        causes.push(format!(
            "{} intervals a day",
            approx(self.intervals_per_day)
        ));
        let rows_matter = memory_over && self.results_bytes > 0.25 * self.memory_bytes;
        if rows_matter {
            causes.push(format!(
                "{} intervals kept, {} interval rows",
                approx(self.intervals_kept),
                approx(self.interval_rows)
            ));
        }
        let advice = if rows_matter {
            "use a longer simulation.interval, report_days = \"folded\" or a shorter simulation.horizon"
        } else if blocks_matter {
            "use a smaller queues.<name>.block_size (the product's is 100), shorten simulation.horizon or lower the rates"
        } else if ranking_matters {
            "split the agents into several queues, use exact skill matching, lower the agents' reject and miss probabilities, shorten simulation.horizon or lower the rates"
        } else if visits_matter || memberships_memory_matter {
            "let fewer agents serve so many queues (a group for each set of queues), shorten simulation.horizon or lower the rates"
        } else {
            "shorten simulation.horizon or lower the rates"
        };
        Some(format!(
            "the run is far too large: {} ({}); {advice}, or go ahead with --ignore-budget",
            over.join(" and "),
            causes.join(", ")
        ))
    }
}

impl Estimate {
    /// Why `runs` runs of this scenario are beyond `budget`, or `None`: one run's estimate must
    /// be within it (see [`Estimate::overrun`]), the events of all the runs together within its
    /// events, and one run's memory plus what is kept of the others (see [`Held`]) within its
    /// memory. `what`
    /// names the work in the sentence ("the staffing search"), `runs_words` says where the
    /// count comes from and `advice` how to make it smaller.
    pub fn overrun_of_runs(
        &self,
        runs: u64,
        held: Held,
        budget: &Budget,
        what: &str,
        runs_words: &str,
        advice: &str,
    ) -> Option<String> {
        if let Some(one) = self.overrun(budget) {
            return Some(one);
        }
        let mut over = Vec::new();
        let total = self.work() * runs as f64;
        if total > budget.max_events {
            over.push(format!(
                "about {} events each, about {} events in all (budget {})",
                approx(self.work()),
                approx(total),
                approx(budget.max_events)
            ));
        }
        let memory = self.memory_of_runs(runs, held);
        if memory > budget.max_memory_bytes {
            let each = match held {
                Held::OneRun => String::new(),
                Held::Values => format!(
                    "the values of {} interval and summary rows each, ",
                    approx(self.interval_rows + self.summary_rows)
                ),
                Held::Summaries => {
                    format!("about {} summary rows each, ", approx(self.summary_rows))
                }
            };
            over.push(format!(
                "{each}held together: about {} of memory (budget {})",
                bytes(memory),
                bytes(budget.max_memory_bytes)
            ));
        }
        (!over.is_empty()).then(|| {
            format!(
                "{what} is far too large: up to {runs} simulations ({runs_words}) of {}; {advice}, or go ahead with --ignore-budget",
                over.join(" and ")
            )
        })
    }

    /// The memory of `runs` runs that hold `held`: one run's, plus what is kept of the others.
    pub fn memory_of_runs(&self, runs: u64, held: Held) -> f64 {
        let others = runs.saturating_sub(1) as f64;
        match held {
            Held::OneRun => self.memory_bytes,
            Held::Values => {
                self.memory_bytes
                    + others * (self.interval_rows + self.summary_rows) * BYTES_PER_HELD_VALUE
            }
            Held::Summaries => {
                self.memory_bytes + runs as f64 * self.summary_rows * BYTES_PER_HELD_SUMMARY_ROW
            }
        }
    }
}

/// What a set of runs keeps of each run until it combines them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// Nothing: each run's memory is given back before the next (a staffing search).
    OneRun,
    /// Every run's values, one number per row, interval rows included (a replicated run).
    Values,
    /// Every run's summary and agent rows (a check's replications).
    Summaries,
}

/// An upper bound on the collector's cells: each channel's conversations are counted per queue
/// its workstream can route them to (routing rules, splits, the fallback queue, and the queues
/// those overflow to).
fn cells(scenario: &Scenario) -> f64 {
    (scenario.channels.iter())
        .map(|channel| routed_queues(scenario, channel.workstream).len() as f64)
        .sum()
}

/// The queues a workstream can route an item to: its routing rules and splits, the fallback
/// queue, and the queues those overflow to.
fn routed_queues(scenario: &Scenario, workstream: WorkstreamId) -> BTreeSet<QueueId> {
    let overflow_target = |queue: QueueId| match scenario.queue(queue).overflow.as_ref() {
        Some(overflow) => match overflow.action {
            OverflowAction::Transfer(to) => Some(to),
            OverflowAction::End | OverflowAction::AssignAnyway => None,
        },
        None => None,
    };
    let workstream = scenario.workstream(workstream);
    let mut queues: BTreeSet<QueueId> = BTreeSet::new();
    queues.insert(workstream.fallback_queue);
    for rule in &workstream.routing {
        queues.insert(rule.queue);
        queues.extend(rule.split.iter().map(|&(queue, _)| queue));
    }
    let targets: Vec<QueueId> = queues.iter().filter_map(|&q| overflow_target(q)).collect();
    queues.extend(targets);
    queues
}

/// Per queue: whether some of its items may be refused by some agent that serves it, so that
/// agents look past them in the top block: classified items with exact skills, capacity
/// profiles, or items of several workstreams (each with its own presences and demand).
fn refusing_queues(scenario: &Scenario) -> Vec<bool> {
    let mut refusing = vec![false; scenario.queues.len()];
    let mut workstreams = vec![0u32; scenario.queues.len()];
    for (idx, workstream) in scenario.workstreams.iter().enumerate() {
        let skills = workstream.skill_matching == SkillMatching::Exact
            && (workstream.classification.iter()).any(|c| !c.skills.is_empty());
        let profiled = !workstream.capacity_profiles.is_empty()
            || (workstream.classification.iter()).any(|c| !c.capacity_profiles.is_empty());
        for queue in routed_queues(scenario, WorkstreamId::from_index(idx)) {
            workstreams[queue.index()] += 1;
            refusing[queue.index()] |= skills || profiled || workstreams[queue.index()] > 1;
        }
    }
    refusing
}

/// The highest chance that an agent who may be offered an item of `workstream` declines it
/// (rejects or misses the notification), and the members of the largest queue it can be
/// routed to.
fn declines(scenario: &Scenario, workstream_id: WorkstreamId) -> (f64, f64) {
    let mut probability: f64 = 0.0;
    let mut largest: f64 = 0.0;
    if scenario.workstream(workstream_id).mode != DistributionMode::Push {
        return (0.0, 0.0); // picked, never offered
    }
    for queue in routed_queues(scenario, workstream_id) {
        let mut members = 0.0;
        for group in scenario
            .agent_groups
            .iter()
            .filter(|g| g.queues.contains(&queue))
        {
            members += f64::from(group.count);
            let response = &group.response;
            probability =
                probability.max((response.reject_probability + response.miss_probability).min(1.0));
        }
        largest = largest.max(members);
    }
    (probability, largest)
}

/// How many agents an item of `workstream` is compared against when it is assigned, if its
/// assignment ranks every free member of its queue (closest-match skills, or highest capacity
/// over capacity profiles: the rank depends on the item, so no standing order serves); `None`
/// when the first eligible agent of the queue's standing order is taken. The largest queue it
/// can be routed to counts, with all its members (at low load nearly all are free).
fn ranked_members(scenario: &Scenario, workstream_id: WorkstreamId) -> Option<f64> {
    let workstream = scenario.workstream(workstream_id);
    let closest = workstream.skill_matching == SkillMatching::Closest
        && !workstream.classification.is_empty();
    let queues = routed_queues(scenario, workstream_id);
    let profiled = !workstream.capacity_profiles.is_empty()
        || (workstream.classification.iter()).any(|c| !c.capacity_profiles.is_empty());
    let ranks_all = |queue: QueueId| {
        closest
            || (profiled && scenario.queue(queue).assignment == AssignmentMethod::HighestCapacity)
    };
    queues
        .into_iter()
        .filter(|&queue| ranks_all(queue))
        .map(|queue| {
            (scenario.agent_groups.iter())
                .filter(|g| g.queues.contains(&queue))
                .map(|g| f64::from(g.count))
                .sum::<f64>()
        })
        .reduce(f64::max)
}

/// Why a sweep whose runs keep these many summary rows in all is beyond `budget` when its
/// results are merged (every run's rows are held together then), or `None`.
pub fn sweep_overrun(runs: u64, summary_rows: f64, budget: &Budget) -> Option<String> {
    let memory = BASE_BYTES + summary_rows * BYTES_PER_HELD_SUMMARY_ROW;
    (memory > budget.max_memory_bytes).then(|| {
        format!(
            "the sweep is far too large: {runs} runs (points x replications) of about {} summary rows each, held together when they are merged: about {} of memory (budget {}); use fewer points or replications, or go ahead with --ignore-budget",
            approx(summary_rows / runs.max(1) as f64),
            bytes(memory),
            bytes(budget.max_memory_bytes)
        )
    })
}

/// `2.3e9`-style for large counts, plain below a million.
fn approx(value: f64) -> String {
    if !value.is_finite() {
        "unbounded".to_string()
    } else if value < 1e6 {
        format!("{value:.0}")
    } else {
        format!("{value:.1e}")
    }
}

fn bytes(value: f64) -> String {
    if value >= GIB {
        format!("{:.1} GiB", value / GIB)
    } else {
        format!("{:.0} MiB", value / (1u64 << 20) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_written_so_a_planner_reads_them() {
        assert_eq!(approx(4700.4), "4700");
        assert_eq!(approx(2.34e9), "2.3e9");
        assert_eq!(approx(f64::INFINITY), "unbounded");
        assert_eq!(bytes(4.0 * GIB), "4.0 GiB");
        assert_eq!(bytes(12.0 * (1u64 << 20) as f64), "12 MiB");
    }
}
