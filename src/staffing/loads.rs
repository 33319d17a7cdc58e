//! The Erlang side's inputs: each channel's arrival rate per interval (from its arrival
//! process, exactly), the agent time a conversation takes (segments, wrap-up that holds
//! capacity), escalation past a bot, patience, and how many conversations one sized agent
//! holds at once; pooled per target scope.

use crate::config::{StaffingSpec, TargetScope};
use crate::metrics::Scope;
use crate::model::{ArrivalProcess, Scenario, WorkstreamId, WrapUpBlocking};

use super::IntervalLoad;

const DAY_S: f64 = 86_400.0;

/// Per interval of the day (`n` of them): whether the run reaches it, i.e. some instant of
/// `[0, horizon)` falls in it. Only a run shorter than a day leaves some out; those are not
/// part of the plan (no demand, no agents), so the day's totals compare like with like.
pub(super) fn covered_intervals(horizon_s: f64, n: usize) -> Vec<bool> {
    let width_s = DAY_S / n as f64;
    (0..n)
        .map(|i| horizon_s >= DAY_S || (i as f64) * width_s < horizon_s)
        .collect()
}

/// The Erlang inputs of every channel and target, per interval.
pub(super) struct Loads {
    /// `[channel][interval]`.
    pub(super) channels: Vec<Vec<IntervalLoad>>,
    /// `[target][interval]`.
    targets: Vec<Vec<IntervalLoad>>,
}

impl Loads {
    pub(super) fn new(scenario: &Scenario, spec: &StaffingSpec, n: usize) -> Loads {
        let sim = &scenario.simulation;
        let width_s = DAY_S / n as f64;
        let covered = covered_intervals(sim.horizon.as_secs_f64(), n);
        let channels: Vec<Vec<IntervalLoad>> =
            scenario
                .channels
                .iter()
                .map(|channel| {
                    let workstream = scenario.workstream(channel.workstream);
                    let segments = channel
                        .waiting
                        .as_ref()
                        .map_or(1.0, |w| 1.0 / (1.0 - w.probability.min(0.99)));
                    let wrap = channel.wrap_up.as_ref().map_or(0.0, |w| {
                        match workstream.wrap_up_blocking {
                            WrapUpBlocking::Always => w.mean(),
                            WrapUpBlocking::For(d) => w.mean().min(d.as_secs_f64()),
                            WrapUpBlocking::Never => 0.0,
                        }
                    });
                    let work_s = channel.handle_time.mean() * segments + wrap;
                    let escalated = workstream
                        .bot
                        .as_ref()
                        .map_or(1.0, |b| 1.0 - b.containment_probability);
                    let slots = slots_per_agent(scenario, spec, channel.workstream);
                    let patience_s = channel.patience.as_ref().map(|p| p.mean());
                    (0..n)
                        .map(|i| IntervalLoad {
                            // An interval the run never reaches is outside the plan.
                            arrival_rate: if covered[i] {
                                arrival_rate(
                                    &channel.arrivals,
                                    i,
                                    width_s,
                                    sim.warm_up.as_secs_f64(),
                                    sim.horizon.as_secs_f64(),
                                ) * escalated
                            } else {
                                0.0
                            },
                            work_s,
                            patience_s,
                            slots,
                        })
                        .collect()
                })
                .collect();
        let targets = spec
            .targets
            .iter()
            .map(|target| {
                let members: Vec<usize> = match target.scope {
                    TargetScope::Overall => (0..scenario.channels.len()).collect(),
                    TargetScope::Channel(c) => vec![c.index()],
                    TargetScope::Queue(q) => (0..scenario.channels.len())
                        .filter(|&c| {
                            let ws = scenario.workstream(scenario.channels[c].workstream);
                            ws.fallback_queue == q
                                || ws
                                    .routing
                                    .iter()
                                    .any(|r| r.queue == q || r.split.iter().any(|s| s.0 == q))
                        })
                        .collect(),
                };
                (0..n)
                    .map(|i| combine(members.iter().map(|&c| channels[c][i])))
                    .collect()
            })
            .collect();
        Loads { channels, targets }
    }

    pub(super) fn for_target(&self, t: usize) -> &[IntervalLoad] {
        &self.targets[t]
    }

    pub(super) fn scope_name(&self, scenario: &Scenario, scope: TargetScope) -> (Scope, String) {
        match scope {
            TargetScope::Overall => (Scope::Overall, "all".into()),
            TargetScope::Channel(c) => (Scope::Channel, scenario.channel(c).name.clone()),
            TargetScope::Queue(q) => (Scope::Queue, scenario.queue(q).name.clone()),
        }
    }
}

/// Channels pooled: rates add, work and patience are rate-weighted means (no patience if a
/// channel has none), slots the fewest. A queue fed by several channels gets all of their
/// traffic: the Erlang side does not model routing rules' shares, a stated limit.
fn combine(loads: impl Iterator<Item = IntervalLoad>) -> IntervalLoad {
    let loads: Vec<IntervalLoad> = loads.collect();
    let rate: f64 = loads.iter().map(|l| l.arrival_rate).sum();
    let weight = |f: &dyn Fn(&IntervalLoad) -> f64| {
        if rate > 0.0 {
            loads.iter().map(|l| l.arrival_rate * f(l)).sum::<f64>() / rate
        } else {
            loads.iter().map(f).sum::<f64>() / loads.len().max(1) as f64
        }
    };
    let patience = if loads.iter().all(|l| l.patience_s.is_some()) {
        Some(weight(&|l| l.patience_s.unwrap_or(0.0)))
    } else {
        None
    };
    IntervalLoad {
        arrival_rate: rate,
        work_s: weight(&|l| l.work_s),
        patience_s: patience.filter(|p| *p > 0.0),
        slots: loads.iter().map(|l| l.slots).min().unwrap_or(1),
    }
}

/// Conversations of `workstream` one sized agent holds at once (mix-weighted, rounded down).
fn slots_per_agent(scenario: &Scenario, spec: &StaffingSpec, workstream: WorkstreamId) -> u32 {
    let ws = scenario.workstream(workstream);
    let mut total = 0.0;
    for (g, share) in &spec.groups {
        let group = scenario.agent_group(*g);
        let by_units = group
            .capacity_units
            .checked_div(ws.capacity_units)
            .unwrap_or(u32::MAX);
        let by_profiles = ws
            .capacity_profiles
            .iter()
            .map(|p| {
                group
                    .capacity_profiles
                    .iter()
                    .find(|(q, _)| q == p)
                    .map_or(0, |(_, limit)| *limit)
            })
            .min()
            .unwrap_or(u32::MAX);
        let slots = by_units.min(by_profiles);
        total += share * f64::from(if slots == u32::MAX { 1 } else { slots });
    }
    (total.floor() as u32).max(1)
}

/// Mean arrival rate (per second) of a channel in interval `i` of width `width_s`.
fn arrival_rate(
    arrivals: &ArrivalProcess,
    i: usize,
    width_s: f64,
    warm_up_s: f64,
    horizon_s: f64,
) -> f64 {
    match arrivals {
        ArrivalProcess::Poisson { rate_per_hour } => rate_per_hour / 3600.0,
        ArrivalProcess::Piecewise {
            interval,
            rates_per_hour,
        } => {
            // The average of the piecewise rate over [i w, (i + 1) w), exactly.
            let step = interval.as_secs_f64();
            let (from, to) = (i as f64 * width_s, (i + 1) as f64 * width_s);
            let mut t = from;
            let mut area = 0.0;
            while t < to - 1e-9 {
                let k = ((t / step).floor() as usize).min(rates_per_hour.len() - 1);
                let end = ((k + 1) as f64 * step).min(to);
                area += rates_per_hour[k] * (end - t);
                t = end;
            }
            area / width_s / 3600.0
        }
        ArrivalProcess::Trace { times } => {
            let days = ((horizon_s - warm_up_s) / DAY_S).max(1e-9);
            let count = times
                .iter()
                .map(|t| t.as_secs_f64())
                .filter(|&t| t >= warm_up_s && t < horizon_s)
                .filter(|&t| ((t % DAY_S) / width_s) as usize == i)
                .count();
            count as f64 / days / width_s
        }
    }
}
