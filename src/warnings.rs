//! Warnings: things a scenario or a run does that are allowed but are probably not what the
//! planner meant, said in words. They never change an exit code or a result; the binary prints
//! them on stderr and the library returns them as a list (for the HTML page).
//!
//! From the scenario alone ([`scenario_warnings`]): demand in intervals with no agent logged in
//! who could take it, a queue no agent group serves, required skills no serving agent has,
//! picking "always" that stops when the agent is full, affinity where nothing resumes,
//! auto-close where nothing waits, a custom wrap-up block outside the product's range.
//! From a run ([`run_warnings`]): utilization above 100 % and what caused it. Between two
//! scenarios ([`same_after_defaults`]): a comparison of two scenarios that are the same.

use std::collections::HashMap;
use std::fmt;

use crate::engine::SimDuration;
use crate::metrics::{IntervalRow, RunResults, Scope};
use crate::model::{
    Affinity, AgentGroup, ArrivalProcess, Channel, ChannelId, ChannelKind, DistributionMode,
    GroupId, PickWhen, Presence, QueueId, Scenario, SkillMatching, WorkstreamId, WrapUpBlocking,
};

const DAY: u64 = 86_400_000_000;
const HOUR: f64 = 3_600_000_000.0;

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningKind {
    /// Conversations arrive while no agent who could take them is logged in.
    DemandWithoutAgents,
    /// A queue that no agent group is a member of.
    QueueNotServed,
    /// A classification rule requires skills that no agent serving the workstream has.
    SkillsNobodyHas,
    /// Agents who pick whatever their capacity never get beyond it: a full agent is in a
    /// presence the pick workstream does not allow.
    PickingStopsWhenFull,
    /// Agent affinity on a workstream whose channels never go Waiting, so nothing resumes.
    AffinityWithoutResumes,
    /// An auto-close time set on a workstream none of whose channels goes Waiting, so it
    /// closes nothing.
    AutoCloseWithoutWaiting,
    /// A custom wrap-up block outside the product page's range (30 s to 60 min): accepted and
    /// simulated as given, since the product's schema takes more, but probably not a setting
    /// the product's form would take.
    WrapUpBlockOutsideRange,
    /// An agent group's utilization went above 100 %.
    OverUtilization,
    /// Two scenarios compared are the same once defaults are filled in.
    SameScenarios,
}

/// One warning: its kind and a sentence naming the entity (and the field path where there is
/// one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub kind: WarningKind,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn warning(kind: WarningKind, message: String) -> Warning {
    Warning { kind, message }
}

/// Warnings about a validated scenario, without simulating it.
pub fn scenario_warnings(scenario: &Scenario) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for (idx, queue) in scenario.queues.iter().enumerate() {
        let queue_id = QueueId::from_index(idx);
        if !scenario
            .agent_groups
            .iter()
            .any(|g| g.queues.contains(&queue_id))
        {
            warnings.push(warning(
                WarningKind::QueueNotServed,
                format!(
                    "queues.{}: no agent group serves this queue (list it in an agent group's `queues`); conversations routed to it are never answered",
                    queue.name
                ),
            ));
        }
    }
    for idx in 0..scenario.workstreams.len() {
        let workstream = WorkstreamId::from_index(idx);
        warnings.extend(skills_nobody_has(scenario, workstream));
        warnings.extend(picking_stops_when_full(scenario, workstream));
        warnings.extend(affinity_without_resumes(scenario, workstream));
        warnings.extend(auto_close_without_waiting(scenario, workstream));
        warnings.extend(wrap_up_block_outside_range(scenario, workstream));
    }
    for idx in 0..scenario.channels.len() {
        warnings.extend(demand_without_agents(scenario, ChannelId::from_index(idx)));
    }
    warnings
}

/// The agent groups that are members of a queue the workstream's conversations can reach.
fn serving_groups(scenario: &Scenario, workstream: WorkstreamId) -> Vec<GroupId> {
    let queues = scenario.queues_reached_by(workstream);
    (0..scenario.agent_groups.len())
        .map(GroupId::from_index)
        .filter(|&g| {
            scenario
                .agent_group(g)
                .queues
                .iter()
                .any(|q| queues.contains(q))
        })
        .collect()
}

fn skills_nobody_has(scenario: &Scenario, workstream: WorkstreamId) -> Vec<Warning> {
    let ws = scenario.workstream(workstream);
    if ws.skill_matching != SkillMatching::Exact {
        return Vec::new();
    }
    let groups = serving_groups(scenario, workstream);
    let mut warnings = Vec::new();
    for (rule_idx, rule) in ws.classification.iter().enumerate() {
        if rule.skills.is_empty() {
            continue;
        }
        let qualified = groups.iter().any(|&g| {
            let group = scenario.agent_group(g);
            rule.skills.iter().all(|&(skill, rating)| {
                group
                    .skills
                    .iter()
                    .any(|&(has, level)| has == skill && level >= rating)
            })
        });
        if qualified {
            continue;
        }
        let needs: Vec<String> = rule
            .skills
            .iter()
            .map(|&(skill, rating)| format!("\"{}\" at {rating}", scenario.skills[skill.index()]))
            .collect();
        warnings.push(warning(
            WarningKind::SkillsNobodyHas,
            format!(
                "workstreams.{}.classification[{rule_idx}]: requires {}, which no agent group serving this workstream's queues has together; with exact skill matching these conversations are never assigned",
                ws.name,
                needs.join(" and ")
            ),
        ));
    }
    warnings
}

/// A group that picks "always" (beyond its capacity) from a pick workstream that does not
/// allow the presence of a full agent: once full it may pick nothing more, so it never gets
/// beyond its capacity, which is what "always" is usually meant for.
fn picking_stops_when_full(scenario: &Scenario, workstream: WorkstreamId) -> Vec<Warning> {
    let ws = scenario.workstream(workstream);
    let full = scenario.simulation.full_capacity_presence;
    if ws.mode != DistributionMode::Pick || ws.allowed_presences.contains(full) {
        return Vec::new();
    }
    serving_groups(scenario, workstream)
        .into_iter()
        .map(|g| scenario.agent_group(g))
        .filter(|group| group.picking.when == PickWhen::Always)
        .map(|group| {
            warning(
                WarningKind::PickingStopsWhenFull,
                format!(
                    "agent_groups.{}.picking.when: \"always\" lets an agent pick beyond its capacity, but a full agent is {} (`simulation.full_capacity_presence`), which workstreams.{}.allowed_presences does not list, so this group's agents stop picking its work when full; add \"{}\" to the allowed presences to let them go on",
                    group.name,
                    full.as_str(),
                    ws.name,
                    full.as_str()
                ),
            )
        })
        .collect()
}

/// Whether `holds` is true of every channel the workstream serves; `None` if it serves none.
fn every_channel_of(
    scenario: &Scenario,
    workstream: WorkstreamId,
    holds: impl Fn(&Channel) -> bool,
) -> Option<bool> {
    let mut channels = scenario
        .channels
        .iter()
        .filter(|c| c.workstream == workstream)
        .peekable();
    channels.peek()?;
    Some(channels.all(holds))
}

/// Affinity keeps a resumed conversation with its last agent; a workstream of live chat and
/// voice only (which never go Waiting, and whose affinity is off unless set) has none.
fn affinity_without_resumes(scenario: &Scenario, workstream: WorkstreamId) -> Option<Warning> {
    let ws = scenario.workstream(workstream);
    let synchronous = every_channel_of(scenario, workstream, |c| {
        matches!(c.kind, ChannelKind::LiveChat | ChannelKind::Voice)
    })?;
    (ws.affinity == Affinity::On && synchronous).then(|| {
        warning(
            WarningKind::AffinityWithoutResumes,
            format!(
                "workstreams.{}.affinity: on, but its channels are live chat or voice, which never go Waiting: no conversation resumes, so affinity changes nothing",
                ws.name
            ),
        )
    })
}

/// Auto-close ends a conversation left Waiting; in the product only persistent chat, SMS,
/// social and Teams go Waiting, and here a conversation does only when its channel has
/// `waiting`. A time other than the default on a workstream with none such closes nothing.
fn auto_close_without_waiting(scenario: &Scenario, workstream: WorkstreamId) -> Option<Warning> {
    let ws = scenario.workstream(workstream);
    if ws.auto_close_after.as_micros() == DAY {
        return None;
    }
    let none_waits = every_channel_of(scenario, workstream, |c| {
        c.waiting.as_ref().is_none_or(|w| w.probability == 0.0)
    })?;
    none_waits.then(|| {
        warning(
            WarningKind::AutoCloseWithoutWaiting,
            format!(
                "workstreams.{}.auto_close_after: set, but none of its channels goes Waiting (live chat and voice never do; a messaging channel does with `waiting`): no conversation is auto-closed",
                ws.name
            ),
        )
    })
}

/// The product's page offers a custom wrap-up block of 30 s to 60 min (its schema field takes
/// up to 43,200 of an unnamed unit), so a time outside that is simulated but said.
fn wrap_up_block_outside_range(scenario: &Scenario, workstream: WorkstreamId) -> Option<Warning> {
    const MIN: u64 = 30_000_000;
    const MAX: u64 = 3_600_000_000;
    let ws = scenario.workstream(workstream);
    let WrapUpBlocking::For(block) = ws.wrap_up_blocking else {
        return None;
    };
    let micros = block.as_micros();
    (!(MIN..=MAX).contains(&micros)).then(|| {
        warning(
            WarningKind::WrapUpBlockOutsideRange,
            format!(
                "workstreams.{}.wrap_up_blocking: {block} is outside the 30 s to 60 min the product's workstream settings offer for a custom block; simulated as given",
                ws.name
            ),
        )
    })
}

fn demand_without_agents(scenario: &Scenario, channel: ChannelId) -> Option<Warning> {
    let sim = &scenario.simulation;
    let ch = scenario.channel(channel);
    // Cells of a minute (or finer, if the interval is not whole minutes): shift and break
    // edges are minutes, so a shift ending at 00:20 leaves 00:20-01:00 uncovered even when
    // the report's interval is an hour.
    let cell = gcd(sim.interval.as_micros(), 60_000_000);
    let per_day = (DAY / cell) as usize;
    let workstream = scenario.workstream(ch.workstream);
    let away_allowed = workstream.allowed_presences.contains(Presence::Away);
    let groups = serving_groups(scenario, ch.workstream);
    // Cells some agent is at work in (at some instant): each group's stretches of duty mark
    // theirs, so the cost is the cells plus the groups' edges, not their product.
    let mut starts = vec![0i64; per_day + 1];
    for &g in &groups {
        for (from, to) in duty_of_day(scenario.agent_group(g), away_allowed) {
            starts[(from / cell) as usize] += 1;
            starts[((to - 1) / cell) as usize + 1] -= 1;
        }
    }
    let covered: Vec<bool> = starts[..per_day]
        .iter()
        .scan(0i64, |open, &delta| {
            *open += delta;
            Some(*open > 0)
        })
        .collect();
    if covered.iter().all(|&c| c) {
        return None;
    }
    let demand = demand_by_interval_of_day(
        &ch.arrivals,
        cell,
        sim.warm_up.as_micros(),
        sim.horizon.as_micros(),
    );
    let mut uncovered: Vec<bool> = (0..per_day)
        .map(|i| !covered[i] && demand[i] > 0.0)
        .collect();
    // A stretch of the day too short to expect half a conversation over the run in it (the
    // minute before midnight of a shift written to end at 23:59) is not worth a warning.
    for stretch in stretches(&uncovered) {
        let expected: f64 = stretch.clone().map(|i| demand[i % per_day]).sum();
        if expected < 0.5 {
            stretch.for_each(|i| uncovered[i % per_day] = false);
        }
    }
    let total: f64 = (0..per_day)
        .filter(|&i| uncovered[i])
        .map(|i| demand[i])
        .sum();
    if total < 0.5 {
        return None;
    }
    let when = ranges_of_day(&uncovered, cell);
    let who = if groups.is_empty() {
        format!("no agent group serves the queues they reach ({when})")
    } else {
        format!("no agent who can take them is at work ({when} each day: outside every shift, or in breaks)")
    };
    let fate = if ch.patience.is_some() {
        "they wait, or abandon when their patience runs out"
    } else {
        "they wait (the channel has no patience, so nobody abandons)"
    };
    Some(warning(
        WarningKind::DemandWithoutAgents,
        format!(
            "channels.{}: about {} conversations over the run arrive when {who}; {fate}",
            ch.name,
            total.round() as u64,
        ),
    ))
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The stretches of marked cells of a day, as ranges of cell indices that may run past the
/// last cell into the next day (index `i` is cell `i % n`): a stretch across midnight is one.
fn stretches(marked: &[bool]) -> Vec<std::ops::Range<usize>> {
    let n = marked.len();
    let Some(offset) = marked.iter().position(|&m| !m) else {
        return std::iter::once(0..n).collect();
    };
    let mut found = Vec::new();
    let mut start = None;
    for step in 1..=n {
        let i = offset + step;
        match (step < n && marked[i % n], start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                found.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    found
}

/// The stretches `[from, to)` of the day (micros, within `[0, DAY)`, non-empty) in which some
/// agent of the group is logged in and at work: on shift, and not on a break unless the
/// workstream allows Away. A group on a staffing curve is at work at a time of day if the
/// curve logs anyone in then on some day of the curve (a week curve with nobody on Sunday
/// still covers Sunday's daytime by Monday's rows: the warning is about times of day).
fn duty_of_day(group: &AgentGroup, away_allowed: bool) -> Vec<(u64, u64)> {
    // A stretch of the day that may run past midnight, split there.
    let circular = |start: u64, len: u64| -> Vec<(u64, u64)> {
        if len >= DAY {
            return vec![(0, DAY)];
        }
        let start = start % DAY;
        if start + len <= DAY {
            vec![(start, start + len)]
        } else {
            vec![(start, DAY), (0, start + len - DAY)]
        }
    };
    if let Some(curve) = &group.staffing_curve {
        let width = curve.interval.as_micros();
        return curve
            .agents
            .iter()
            .enumerate()
            .filter(|&(_, &agents)| agents > 0)
            .flat_map(|(k, _)| circular(k as u64 * width, width))
            .filter(|&(from, to)| from < to)
            .collect();
    }
    let Some(shift) = &group.shift else {
        return vec![(0, DAY)];
    };
    let within = |t: u64, start: SimDuration, end: SimDuration| {
        let (start, end) = (start.as_micros() % DAY, end.as_micros() % DAY);
        if start <= end {
            start <= t && t < end
        } else {
            t >= start || t < end
        }
    };
    let on_duty = |t: u64| {
        within(t, shift.start, shift.end)
            && (away_allowed || !shift.breaks.iter().any(|b| within(t, b.start, b.end)))
    };
    // Duty changes only at shift and break edges: between two edges it is what it is at the
    // first.
    let mut edges: Vec<u64> = [shift.start, shift.end]
        .into_iter()
        .chain(shift.breaks.iter().flat_map(|b| [b.start, b.end]))
        .map(|e| e.as_micros() % DAY)
        .chain([0, DAY])
        .collect();
    edges.sort_unstable();
    edges.dedup();
    edges
        .windows(2)
        .map(|pair| (pair[0], pair[1]))
        .filter(|&(from, _)| on_duty(from))
        .collect()
}

/// Expected arrivals in each interval of the day, summed over the measured days of the run
/// (after the warm-up, before the horizon).
fn demand_by_interval_of_day(
    process: &ArrivalProcess,
    interval: u64,
    warm_up: u64,
    horizon: u64,
) -> Vec<f64> {
    let per_day = (DAY / interval) as usize;
    let mut demand = vec![0.0; per_day];
    if let ArrivalProcess::Trace { times } = process {
        for t in times.iter().map(|t| t.as_micros()) {
            if (warm_up..horizon).contains(&t) {
                demand[((t % DAY) / interval) as usize] += 1.0;
            }
        }
        return demand;
    }
    // The curve repeats after `period_days`; whole days are counted by their phase in it, and
    // only the first and last (partial) days are integrated on their own.
    let period_days = match process {
        ArrivalProcess::Piecewise {
            interval: width,
            rates_per_hour,
        } => (width.as_micros() * rates_per_hour.len() as u64 / DAY).max(1),
        _ => 1,
    };
    let first_day = warm_up / DAY;
    let last_day = horizon.div_ceil(DAY);
    let mut phase_count = vec![0u64; period_days as usize];
    for (day, count) in phase_count.iter_mut().enumerate() {
        let day = day as u64;
        // Days d in [first_day, last_day) with d % period == day.
        let first = first_day + (day + period_days - first_day % period_days) % period_days;
        if first < last_day {
            *count = (last_day - first).div_ceil(period_days);
        }
    }
    for (phase, &count) in phase_count.iter().enumerate() {
        if count == 0 {
            continue;
        }
        for (i, slot) in demand.iter_mut().enumerate() {
            let from = phase as u64 * DAY + i as u64 * interval;
            *slot += count as f64 * expected_arrivals(process, from, from + interval);
        }
    }
    // Take off what falls before the warm-up on the first day and after the horizon on the
    // last, which the whole-day counts included.
    for (from, to) in [(first_day * DAY, warm_up), (horizon, last_day * DAY)] {
        let mut t = from;
        while t < to {
            let end = ((t / interval + 1) * interval).min(to);
            demand[((t % DAY) / interval) as usize] -= expected_arrivals(process, t, end);
            t = end;
        }
    }
    demand.iter().map(|d| d.max(0.0)).collect()
}

/// Expected arrivals of a Poisson or piecewise process in `[from, to)`.
fn expected_arrivals(process: &ArrivalProcess, from: u64, to: u64) -> f64 {
    match process {
        ArrivalProcess::Poisson { rate_per_hour } => rate_per_hour * (to - from) as f64 / HOUR,
        ArrivalProcess::Piecewise {
            interval,
            rates_per_hour,
        } => {
            let width = interval.as_micros();
            let pieces = rates_per_hour.len() as u64;
            let mut total = 0.0;
            let mut t = from;
            while t < to {
                let end = ((t / width + 1) * width).min(to);
                total += rates_per_hour[((t / width) % pieces) as usize] * (end - t) as f64 / HOUR;
                t = end;
            }
            total
        }
        ArrivalProcess::Trace { .. } => 0.0,
    }
}

/// The marked intervals of the day as time ranges, `20:00-08:00` (joined across midnight).
fn ranges_of_day(marked: &[bool], interval: u64) -> String {
    let n = marked.len();
    let clock = |i: usize| {
        let minutes = i as u64 * interval / 60_000_000;
        format!("{:02}:{:02}", minutes / 60, minutes % 60)
    };
    if marked.iter().all(|&m| m) {
        return "all day".to_string();
    }
    // Start from an unmarked interval so that a range across midnight stays whole.
    let offset = marked.iter().position(|&m| !m).unwrap_or(0);
    let mut ranges = Vec::new();
    let mut start = None;
    for step in 0..=n {
        let i = (offset + step) % n;
        let on = step < n && marked[i];
        match (on, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let end = if i == 0 {
                    "24:00".to_string()
                } else {
                    clock(i)
                };
                ranges.push((s, format!("{}-{end}", clock(s))));
                start = None;
            }
            _ => {}
        }
    }
    ranges.sort();
    let ranges: Vec<String> = ranges.into_iter().map(|(_, r)| r).collect();
    ranges.join(", ")
}

/// Warnings about a finished run of `scenario`.
pub fn run_warnings(scenario: &Scenario, results: &RunResults) -> Vec<Warning> {
    let mut warnings = Vec::new();
    // Each group's peak interval utilization, in one pass over the interval rows (the last of
    // equal peaks, as `max_by` would give).
    let mut peaks: HashMap<&str, &IntervalRow> = HashMap::new();
    for r in &results.intervals {
        if r.row.scope == Scope::AgentGroup
            && r.row.measure == "utilization"
            && !r.row.value.is_nan()
        {
            let peak = peaks.entry(r.row.name.as_str()).or_insert(r);
            if r.row.value.total_cmp(&peak.row.value).is_ge() {
                *peak = r;
            }
        }
    }
    for group in &scenario.agent_groups {
        let name = group.name.as_str();
        let value = |measure: &str| {
            results
                .value(Scope::AgentGroup, name, measure)
                .unwrap_or(f64::NAN)
        };
        let peak = peaks.get(name).copied();
        let overall = value("utilization");
        let Some(peak) = peak.filter(|p| p.row.value > 1.0 + 1e-9) else {
            continue;
        };
        let when = {
            let s = peak.start_s;
            let time = format!("{:02}:{:02}", s / 3600, s % 3600 / 60);
            match peak.day {
                Some(day) => format!("day {day} {time}"),
                None => time,
            }
        };
        let causes: Vec<String> = [
            ("over_capacity_by_pick", "pick, which does not enforce capacity"),
            ("over_capacity_by_self_selection", "self-selection from push queues (`allow_self_selection`), which ignores capacity"),
            ("over_capacity_by_affinity", "affinity, which offers a resumed conversation to its last agent whatever its capacity"),
            ("over_capacity_by_unreserved_offer", "offers that do not reserve capacity (`reserve_capacity_on_offer = false`), several of which can ring and be accepted at once"),
        ]
        .into_iter()
        .filter_map(|(measure, why)| {
            let n = value(measure);
            (n > 0.0).then(|| format!("{why} ({} assignments)", n as u64))
        })
        .collect();
        let cause = if causes.is_empty() {
            "no assignment beyond capacity was counted".to_string()
        } else {
            format!(
                "agents were given work beyond their capacity by {}",
                causes.join("; ")
            )
        };
        let overall = if overall.is_nan() {
            String::new()
        } else {
            format!(", {:.0} % over the run", overall * 100.0)
        };
        warnings.push(warning(
            WarningKind::OverUtilization,
            format!(
                "agent group \"{name}\": utilization reaches {:.0} % (at {when}{overall}): {cause}",
                peak.row.value * 100.0
            ),
        ));
    }
    warnings
}

/// Whether two scenarios simulate the same thing once every default is filled in: the same
/// validated settings, whatever their names and seeds (which a comparison sets itself).
///
/// Compared through their `Debug` form, which prints every setting (floats exactly, in
/// shortest round-trip form): the model types cannot all derive `PartialEq`, since
/// distributions hold `rand_distr` samplers and queues may hold a Rust ordering.
pub fn same_after_defaults(a: &Scenario, b: &Scenario) -> bool {
    let mut b = b.clone();
    b.name = a.name.clone();
    b.simulation.seed = a.simulation.seed;
    format!("{a:?}") == format!("{b:?}")
}

/// The warning for a comparison of two scenarios that are the same after defaults.
pub fn same_scenarios_warning(a_file: &str, b_file: &str) -> Warning {
    warning(
        WarningKind::SameScenarios,
        format!(
            "{a_file} and {b_file} are the same scenario once defaults are filled in: every difference will be zero"
        ),
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn ranges_join_across_midnight_and_read_as_clock_times() {
        let hour = 3_600_000_000;
        let mut marked = vec![false; 24];
        for h in (0..8).chain(20..24) {
            marked[h] = true;
        }
        assert_eq!(ranges_of_day(&marked, hour), "20:00-08:00");
        marked[12] = true;
        assert_eq!(ranges_of_day(&marked, hour), "12:00-13:00, 20:00-08:00");
        assert_eq!(ranges_of_day(&[true; 4], 6 * hour), "all day");
        let mut marked = vec![false; 24];
        marked[23] = true;
        assert_eq!(ranges_of_day(&marked, hour), "23:00-24:00");
    }

    #[test]
    fn demand_over_a_run_counts_each_day_of_a_weekly_curve_once() {
        // A week of daily rates: 24/h on day k is 24 x 24 x k a day.
        let process = ArrivalProcess::Piecewise {
            interval: SimDuration::from_secs(86_400),
            rates_per_hour: Arc::from((0..7).map(|k| 24.0 * k as f64).collect::<Vec<_>>()),
        };
        let hour = 3_600_000_000;
        // Ten days from 12:00 of day 0: half of day 0 (0), days 1-6, day 7 (0), day 8 (24x24).
        let demand = demand_by_interval_of_day(&process, hour, 12 * hour, 10 * DAY);
        let total: f64 = demand.iter().sum();
        let expected = 576.0 * (1.0 + 2.0 + 3.0 + 4.0 + 5.0 + 6.0 + 0.0 + 1.0 + 2.0);
        assert!((total - expected).abs() < 1e-6, "{total} vs {expected}");
        // Rates are flat within each day, so every hour of the day gets the same share.
        for hour_of_day in [3, 15] {
            assert!((demand[hour_of_day] - expected / 24.0).abs() < 1e-6);
        }
    }

    #[test]
    fn demand_leaves_out_the_warm_up_and_what_lies_past_the_horizon() {
        // 10/h from 06:00 (warm-up) to 30:00 (horizon): each hour of the day seen once.
        let process = ArrivalProcess::Poisson {
            rate_per_hour: 10.0,
        };
        let hour = 3_600_000_000;
        let demand = demand_by_interval_of_day(&process, hour, 6 * hour, 30 * hour);
        for (h, d) in demand.iter().enumerate() {
            assert!((d - 10.0).abs() < 1e-9, "hour {h}: {d}");
        }
    }
}
