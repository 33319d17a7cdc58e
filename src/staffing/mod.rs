//! Staffing (SPEC §7): how many agents each interval of the day needs to meet the scenario's
//! `[staffing]` targets, answered three ways side by side: Erlang C and Erlang A per interval
//! ([`erlang`]), the simulated requirement of the iterative staffing algorithm on this model,
//! and flat sizing of the chosen groups with their shifts ([`search`]).
//!
//! It drives many runs, as `sweep` does, and runs them through `sweep` (which keeps the
//! threads); results do not depend on the thread count. It writes nothing and prints nothing:
//! `report` formats a [`StaffingReport`] and the binary writes it.

pub mod erlang;
mod loads;
mod observer;
pub mod search;

use crate::config::{StaffingSpec, StaffingTarget, TargetScope};
use crate::metrics::Scope;
use crate::model::Scenario;
use crate::sweep::{Estimate, Threads};

pub use erlang::{required_agents, Formula, IntervalLoad};
pub use search::{FlatOutcome, IsaOutcome};

use loads::Loads;

/// The most simulations one staffing search of `spec` makes with `replications` per evaluated
/// staffing: up to five curves in each of `max_iterations` iterations of the ISA, one in each
/// of its `max_iterations + 1` raise rounds, the verification on fresh seeds, and flat
/// sizing's doubling and bisection (at most twice the bits of its limit, twice `max_agents`,
/// plus two). Each evaluated staffing is `replications` runs. What the budget of `routesim
/// staffing` multiplies one run's cost by.
pub fn most_runs(spec: &StaffingSpec, replications: u32) -> u64 {
    let iterations = u64::from(spec.max_iterations);
    let flat_limit = 2 * u64::from(spec.max_agents.unwrap_or(MAX_AGENTS_BOUND));
    let flat_probes = 2 * u64::from(u64::BITS - flat_limit.leading_zeros()) + 2;
    let curves = 5 * iterations + (iterations + 1) + 1 + flat_probes;
    curves * u64::from(replications)
}

/// The largest `max_agents` validation allows: the bound of flat sizing's probes when the
/// search derives `max_agents` itself.
const MAX_AGENTS_BOUND: u32 = 1_000_000;

/// The replications per evaluated staffing a search of `spec` uses with `options`.
pub fn effective_replications(spec: &StaffingSpec, options: &StaffingOptions) -> u32 {
    options.replications.map_or(spec.replications, |r| r.max(2))
}

/// How to run a staffing search.
#[derive(Debug, Clone, Copy, Default)]
pub struct StaffingOptions {
    /// Replaces `[staffing] replications`.
    pub replications: Option<u32>,
    /// Base seed [default: the scenario's seed].
    pub base_seed: Option<u64>,
    pub threads: Threads,
}

/// Why no staffing could be given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StaffingError {
    /// The targets cannot be met in these intervals even with `max_agents`.
    #[error("the targets cannot be met in {} interval(s) even with max_agents = {max_agents} sized agents: {}; loosen the targets or raise staffing.max_agents", intervals.len(), intervals.join(", "))]
    Unreachable {
        intervals: Vec<String>,
        max_agents: u32,
    },
    /// The iteration limit ran out with the targets still missed in these intervals.
    #[error("the search stopped at its limit of {max_iterations} iterations with the targets still missed in: {}; raise staffing.max_iterations", intervals.join(", "))]
    Unsettled {
        intervals: Vec<String>,
        max_iterations: u32,
    },
    /// A simulation of the search made no progress (see `model::Stall`): its figures, and so
    /// the search's, are not to be trusted.
    #[error("a simulation of the staffing search (seed {seed}) made no progress: {description}")]
    Stalled { seed: u64, description: String },
}

/// One target's figures, per interval of the day.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetReport {
    pub scope: Scope,
    pub name: String,
    pub target: StaffingTarget,
    /// Offered load in erlangs (busy conversation slots).
    pub offered_load: Vec<f64>,
    pub erlang_c: Vec<Option<u32>>,
    pub erlang_a: Vec<Option<u32>>,
    /// Achieved at the simulated requirement, on fresh seeds.
    pub service_level: Vec<Estimate>,
    pub asa_s: Vec<Estimate>,
    pub abandon_rate: Vec<Estimate>,
}

/// The three answers and how they were found.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffingReport {
    pub scenario: String,
    pub base_seed: u64,
    pub interval_s: u64,
    pub replications: u32,
    pub confidence: f64,
    pub shrinkage: f64,
    pub max_agents: u32,
    /// The sized groups and their shares.
    pub groups: Vec<(String, f64)>,
    pub targets: Vec<TargetReport>,
    /// The pool's Erlang figure: the largest of the overall target's, the sum over channel
    /// targets and the sum over queue targets (each scope staffed on its own).
    pub erlang_c: Vec<Option<u32>>,
    pub erlang_a: Vec<Option<u32>>,
    /// The simulated requirement (sized agents logged in) and with shrinkage.
    pub simulated: Vec<u32>,
    pub rostered: Vec<u32>,
    /// The sized groups' agents logged in by the scenario's own shifts or curves.
    pub scheduled: Option<Vec<f64>>,
    /// The sized groups' occupancy at the simulated requirement, on fresh seeds.
    pub occupancy: Vec<Estimate>,
    /// Per interval: whether the run reaches it (all of them unless the horizon is shorter
    /// than a day). The others are outside the plan: no load, no agents in any column.
    pub covered: Vec<bool>,
    /// Verification on fresh seeds: `None` without demand; otherwise whether every target is
    /// met, judged by the 95 % interval (not shown to miss) and by the mean.
    pub verified: Vec<Option<Verdict>>,
    pub isa: IsaOutcome,
    pub flat: FlatOutcome,
    /// Flat sizing's logged-in agents per interval.
    pub flat_scheduled: Vec<f64>,
    /// Simulations run in all.
    pub runs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub ci95: bool,
    pub mean: bool,
}

impl StaffingReport {
    pub fn n_intervals(&self) -> usize {
        self.simulated.len()
    }

    /// Agent-hours of a day of `agents` per interval.
    pub fn agent_hours(&self, agents: impl IntoIterator<Item = f64>) -> f64 {
        agents.into_iter().sum::<f64>() * self.interval_s as f64 / 3600.0
    }

    /// `08:15` for interval 33 of 15 minutes.
    pub fn interval_label(&self, interval: usize) -> String {
        interval_label(interval, self.interval_s)
    }
}

pub fn interval_label(interval: usize, interval_s: u64) -> String {
    let start = interval as u64 * interval_s;
    format!("{:02}:{:02}", start / 3600, (start % 3600) / 60)
}

/// Runs the three answers for `scenario` and its `[staffing]` `spec`.
pub fn staff(
    scenario: &Scenario,
    spec: &StaffingSpec,
    options: StaffingOptions,
) -> Result<StaffingReport, StaffingError> {
    let mut spec = spec.clone();
    spec.replications = effective_replications(&spec, &options);
    let spec = &spec;
    let base_seed = options.base_seed.unwrap_or(scenario.simulation.seed);
    let interval_s = scenario.simulation.interval.as_micros() / 1_000_000;
    let n = (86_400 / interval_s.max(1)) as usize;
    let loads = Loads::new(scenario, spec, n);

    // A generous start: the pooled load plus three standard deviations and three agents, the
    // most of an interval and its neighbours (demand carried over from a ramp).
    let pool: Vec<f64> = (0..n)
        .map(|i| {
            loads
                .channels
                .iter()
                .map(|c| {
                    let a = c[i].erlangs();
                    (a + 3.0 * a.sqrt() + if a > 0.0 { 3.0 } else { 0.0 }) / f64::from(c[i].slots)
                })
                .sum::<f64>()
        })
        .collect();
    let max_occupancy = spec
        .targets
        .iter()
        .filter_map(|t| t.max_occupancy)
        .fold(1.0_f64, f64::min);
    let start: Vec<u32> = (0..n)
        .map(|i| {
            let neighbours = pool[(i + n - 1) % n].max(pool[i]).max(pool[(i + 1) % n]);
            let busy: f64 = loads
                .channels
                .iter()
                .map(|c| c[i].erlangs() / f64::from(c[i].slots))
                .sum();
            neighbours.max(busy / max_occupancy + 1.0).ceil() as u32
        })
        .collect();
    let peak = start.iter().copied().max().unwrap_or(0);
    let max_agents = spec
        .max_agents
        .unwrap_or(4 * peak + 20)
        .max(spec.min_agents);

    let (seeds, fresh) = search::seeds(base_seed, spec.replications);
    let mut evaluator = search::Evaluator::new(scenario, spec, options.threads);
    let isa = search::iterate(&mut evaluator, start, max_agents, &seeds);
    // A stalled simulation makes every figure after it suspect, the search's verdict too.
    if let Some((seed, description)) = evaluator.stalled.take() {
        return Err(StaffingError::Stalled { seed, description });
    }
    let labels = |list: &[usize]| {
        list.iter()
            .map(|&i| {
                format!(
                    "{}-{}",
                    interval_label(i, interval_s),
                    interval_label(i + 1, interval_s)
                )
            })
            .collect::<Vec<_>>()
    };
    if !isa.unreachable.is_empty() {
        return Err(StaffingError::Unreachable {
            intervals: labels(&isa.unreachable),
            max_agents,
        });
    }
    if !isa.unsettled.is_empty() {
        return Err(StaffingError::Unsettled {
            intervals: labels(&isa.unsettled),
            max_iterations: spec.max_iterations,
        });
    }

    // Verification on fresh seeds.
    let check = verification(&mut evaluator, &isa.curve, &fresh);
    let mut targets = Vec::new();
    for (t, target) in spec.targets.iter().enumerate() {
        let (scope, name) = loads.scope_name(scenario, target.scope);
        let scope_loads = loads.for_target(t);
        targets.push(TargetReport {
            scope,
            name,
            target: target.clone(),
            offered_load: scope_loads.iter().map(IntervalLoad::erlangs).collect(),
            erlang_c: scope_loads
                .iter()
                .map(|load| required_agents(load, target, Formula::ErlangC, max_agents))
                .collect(),
            erlang_a: scope_loads
                .iter()
                .map(|load| required_agents(load, target, Formula::ErlangA, max_agents))
                .collect(),
            service_level: check.service_level[t].clone(),
            asa_s: check.asa_s[t].clone(),
            abandon_rate: check.abandon_rate[t].clone(),
        });
    }
    let (occupancy, verified) = (check.occupancy, check.verified);
    let pool_figure = |pick: fn(&TargetReport) -> &Vec<Option<u32>>| -> Vec<Option<u32>> {
        (0..n)
            .map(|i| {
                let mut by_kind = [Some(0u32); 3];
                let mut per_scope: Vec<(TargetScope, Option<u32>)> = Vec::new();
                for (t, report) in targets.iter().enumerate() {
                    let value = pick(report)[i];
                    let scope = spec.targets[t].scope;
                    match per_scope.iter_mut().find(|(s, _)| *s == scope) {
                        Some(entry) => entry.1 = max_opt(entry.1, value),
                        None => per_scope.push((scope, value)),
                    }
                }
                for (scope, value) in per_scope {
                    let kind = match scope {
                        TargetScope::Overall => 0,
                        TargetScope::Channel(_) => 1,
                        TargetScope::Queue(_) => 2,
                    };
                    by_kind[kind] = match (by_kind[kind], value) {
                        (Some(a), Some(b)) => Some(a + b),
                        _ => None,
                    };
                }
                by_kind.into_iter().fold(Some(0), max_opt)
            })
            .collect()
    };
    let erlang_c = pool_figure(|r| &r.erlang_c);
    let erlang_a = pool_figure(|r| &r.erlang_a);

    // Flat sizing, from the simulated curve's peak, a good first probe.
    let peak = isa.curve.iter().copied().max().unwrap_or(1);
    let flat = search::flat(&mut evaluator, peak.max(1), max_agents * 2, &seeds);
    let covered = loads::covered_intervals(scenario.simulation.horizon.as_secs_f64(), n);
    // Schedules count only where the run reaches, as every other column does.
    let within_run = |mut agents: Vec<f64>| {
        for (value, &c) in agents.iter_mut().zip(&covered) {
            if !c {
                *value = 0.0;
            }
        }
        agents
    };
    let flat_scheduled = match flat.total {
        Some(total) => within_run(scheduled(&evaluator.with_count(total), spec, n)),
        None => vec![f64::NAN; n],
    };
    let has_schedule = spec.groups.iter().any(|(g, _)| {
        let group = scenario.agent_group(*g);
        group.shift.is_some() || group.staffing_curve.is_some()
    });
    let rostered = isa
        .curve
        .iter()
        .map(|&a| {
            (f64::from(a) / (1.0 - spec.shrinkage) - 1e-9)
                .ceil()
                .max(0.0) as u32
        })
        .collect();
    if let Some((seed, description)) = evaluator.stalled.take() {
        return Err(StaffingError::Stalled { seed, description });
    }
    Ok(StaffingReport {
        scenario: scenario.name.clone(),
        base_seed,
        interval_s,
        replications: spec.replications,
        confidence: spec.confidence,
        shrinkage: spec.shrinkage,
        max_agents,
        groups: spec
            .groups
            .iter()
            .map(|(g, share)| (scenario.agent_group(*g).name.clone(), *share))
            .collect(),
        targets,
        erlang_c,
        erlang_a,
        simulated: isa.curve.clone(),
        rostered,
        scheduled: has_schedule.then(|| within_run(scheduled(scenario, spec, n))),
        occupancy,
        covered,
        verified,
        isa,
        flat,
        flat_scheduled,
        runs: evaluator.runs,
    })
}

fn max_opt(a: Option<u32>, b: Option<u32>) -> Option<u32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        _ => None,
    }
}

/// What a curve achieves on some seeds: per target and interval, and the verdicts.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    /// `[target][interval]`.
    pub service_level: Vec<Vec<Estimate>>,
    pub asa_s: Vec<Vec<Estimate>>,
    pub abandon_rate: Vec<Vec<Estimate>>,
    pub occupancy: Vec<Estimate>,
    pub verified: Vec<Option<Verdict>>,
}

/// Simulates `curve` (sized agents logged in per interval) on `seeds` and judges it: the
/// check the search's own answer gets on fresh seeds, open to any other curve (an Erlang
/// curve, a planner's own) for comparison.
pub fn verify_curve(
    scenario: &Scenario,
    spec: &StaffingSpec,
    curve: &[u32],
    seeds: &[u64],
    threads: Threads,
) -> Verification {
    let mut evaluator = search::Evaluator::new(scenario, spec, threads);
    verification(&mut evaluator, curve, seeds)
}

fn verification(evaluator: &mut search::Evaluator, curve: &[u32], seeds: &[u64]) -> Verification {
    let spec = evaluator.spec;
    let n = curve.len();
    let runs = evaluator.run(&[evaluator.with_curve(curve)], seeds);
    let reps = &runs[0];
    // Each interval cut to its measure's range: shares to 0..=1, the speed of answer to 0 and
    // above (no verdict moves: every goal lies in that range).
    let per_target = |f: fn(&search::Values) -> &Vec<f64>, high: f64| -> Vec<Vec<Estimate>> {
        (0..spec.targets.len())
            .map(|t| {
                (0..n)
                    .map(|i| {
                        Estimate::of(f(&search::target_values(reps, t, Some(i))).iter().copied())
                            .within(0.0, high)
                    })
                    .collect()
            })
            .collect()
    };
    let service_level = per_target(|v| &v.service_level, 1.0);
    let asa_s = per_target(|v| &v.asa_s, f64::INFINITY);
    let abandon_rate = per_target(|v| &v.abandon_rate, 1.0);
    let occupancy: Vec<Estimate> = (0..n)
        .map(|i| Estimate::of(search::occupancy_values(reps, Some(i))).within(0.0, 1.0))
        .collect();
    let verified = (0..n)
        .map(|i| {
            let demand = (0..spec.targets.len())
                .any(|t| search::target_values(reps, t, Some(i)).arrived > 0.0);
            demand.then(|| Verdict {
                ci95: spec.targets.iter().enumerate().all(|(t, target)| {
                    not_shown_to_miss(
                        target,
                        [&service_level[t][i], &asa_s[t][i], &abandon_rate[t][i]],
                        &occupancy[i],
                    )
                }),
                mean: evaluator.meets_by_mean(reps, i),
            })
        })
        .collect();
    Verification {
        service_level,
        asa_s,
        abandon_rate,
        occupancy,
        verified,
    }
}

/// Whether no target is shown to miss by its 95 % interval (service level, speed of answer,
/// abandon rate, then occupancy).
fn not_shown_to_miss(t: &StaffingTarget, e: [&Estimate; 3], occupancy: &Estimate) -> bool {
    let high = |e: &Estimate| if e.n >= 2 { e.ci95_high } else { e.mean };
    let low = |e: &Estimate| if e.n >= 2 { e.ci95_low } else { e.mean };
    if let Some((_, share)) = t.service_level {
        if e[0].n > 0 && (share >= 1.0 || high(e[0]) < share) {
            return false;
        }
    }
    if let Some(max) = t.max_asa {
        if e[1].n > 0 && (max.as_micros() == 0 || low(e[1]) > max.as_secs_f64()) {
            return false;
        }
    }
    if let Some(max) = t.max_abandon_rate {
        if e[2].n > 0 && low(e[2]) > max {
            return false;
        }
    }
    if let Some(max) = t.max_occupancy {
        if occupancy.n > 0 && low(occupancy) > max {
            return false;
        }
    }
    true
}

/// The sized groups' agents logged in (on shift, not on a break) at the middle of each
/// interval.
pub fn scheduled(scenario: &Scenario, spec: &StaffingSpec, n: usize) -> Vec<f64> {
    let width = 86_400_000_000 / n as u64;
    (0..n)
        .map(|i| {
            let mid = i as u64 * width + width / 2;
            spec.groups
                .iter()
                .map(|(g, _)| {
                    let group = scenario.agent_group(*g);
                    if let Some(curve) = &group.staffing_curve {
                        return curve
                            .mean_at_time_of_day(crate::engine::SimDuration::from_micros(mid));
                    }
                    let Some(shift) = &group.shift else {
                        return f64::from(group.count);
                    };
                    let inside = |start: u64, end: u64| {
                        if start <= end {
                            (start..end).contains(&mid)
                        } else {
                            mid >= start || mid < end
                        }
                    };
                    let on = inside(shift.start.as_micros(), shift.end.as_micros())
                        && !shift
                            .breaks
                            .iter()
                            .any(|b| inside(b.start.as_micros(), b.end.as_micros()));
                    if on {
                        f64::from(group.count)
                    } else {
                        0.0
                    }
                })
                .sum()
        })
        .collect()
}

/// The agent-hours two settings need for the same targets, batch by batch.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentHoursComparison {
    /// Simulated requirement, agent-hours a day, per batch.
    pub a: Vec<f64>,
    pub b: Vec<f64>,
    /// B - A, paired by batch, with its 95 % interval.
    pub difference: Estimate,
}

/// Which setting of a [`compare_agent_hours`] had no staffing, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("setting {}", if *.b { "B" } else { "A" })]
pub struct ComparisonError {
    /// The search of B failed (of A otherwise).
    pub b: bool,
    #[source]
    pub source: StaffingError,
}

/// Runs the whole staffing search for A and for B in `batches` batches, batch k of both on
/// the same seeds (common random numbers), and pairs their agent-hours: the requirement is a
/// function of the seeds, so the spread over batches is what its interval rests on.
pub fn compare_agent_hours(
    a: (&Scenario, &StaffingSpec),
    b: (&Scenario, &StaffingSpec),
    options: StaffingOptions,
    batches: u32,
) -> Result<AgentHoursComparison, ComparisonError> {
    let base = options.base_seed.unwrap_or(a.0.simulation.seed);
    let (mut hours_a, mut hours_b) = (Vec::new(), Vec::new());
    let hours = |r: &StaffingReport| r.agent_hours(r.simulated.iter().map(|&x| f64::from(x)));
    for batch in 0..batches {
        let options = StaffingOptions {
            base_seed: Some(crate::sweep::replication_seed(base, 1_000_000 + batch)),
            ..options
        };
        let side = |b| move |source| ComparisonError { b, source };
        hours_a.push(hours(&staff(a.0, a.1, options).map_err(side(false))?));
        hours_b.push(hours(&staff(b.0, b.1, options).map_err(side(true))?));
    }
    Ok(AgentHoursComparison {
        difference: crate::sweep::paired_difference(&hours_b, &hours_a),
        a: hours_a,
        b: hours_b,
    })
}
