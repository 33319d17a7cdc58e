//! The simulated answers: the iterative staffing algorithm (ISA) adapted to this model, and
//! flat sizing. Both judge a staffing by replications on common random numbers through
//! [`Evaluator`], and both are bounded: every level stays within `[min_agents, max_agents]`
//! and every loop has an iteration limit.
//!
//! ISA (after Feldman, Mandelbaum, Massey and Whitt, 2008): start from a generous curve;
//! each iteration simulates the current curve and the curves moved by -2, -1, +1 and +2 steps
//! in every interval (the same seeds for all: common random numbers), and sets each interval
//! to the smallest of these levels that meets its targets there (and so do all levels above
//! it). An interval's step starts at about an eighth of its level and halves whenever the
//! level moves by at most one step, so the search closes in geometrically; it doubles when
//! even +2 steps fail. The curve has converged when every interval has a step of one agent
//! and keeps its level (the level meets, one fewer does not). Because all intervals move
//! together, an interval is judged with neighbours that moved the same way: a lower
//! neighbour leaves more backlog, so the judgment errs towards more agents, never fewer; the
//! final curve is always judged as it is.

use crate::config::{StaffingSpec, StaffingTarget};
use crate::model::{AgentGroup, Scenario, StaffingCurve};
use crate::sweep::{self, replication_seed, student_t_quantile, Estimate, Threads};

use super::observer::{IntervalCounts, TargetMeasures, TargetObserver};

/// Runs replications of staffings of one scenario.
pub struct Evaluator<'a> {
    pub scenario: &'a Scenario,
    pub spec: &'a StaffingSpec,
    pub threads: Threads,
    /// One-sided t quantile at the spec's confidence, by number of values (0 below two).
    t_by_n: Vec<f64>,
    /// Simulations run so far.
    pub runs: u64,
    /// The first simulation whose clock stopped moving (seed, what stalled), in the order the
    /// runs were asked for: the search's figures are then not to be trusted.
    pub stalled: Option<(u64, String)>,
}

/// One target's per-replication values in one interval, or over the day.
#[derive(Debug, Clone, Default)]
pub struct Values {
    pub service_level: Vec<f64>,
    pub asa_s: Vec<f64>,
    pub abandon_rate: Vec<f64>,
    pub arrived: f64,
    /// Replications in which nobody was answered but customers were still waiting at the end,
    /// past the target's `max_asa`: no speed of answer to judge, but a sign it is missed.
    pub unanswered_past_asa: usize,
}

impl<'a> Evaluator<'a> {
    pub fn new(scenario: &'a Scenario, spec: &'a StaffingSpec, threads: Threads) -> Self {
        let n_max = spec.replications.max(2) as usize;
        let t_by_n = (0..=n_max)
            .map(|n| {
                if n < 2 || spec.confidence <= 0.5 {
                    0.0
                } else {
                    student_t_quantile(spec.confidence, (n - 1) as f64)
                }
            })
            .collect();
        Evaluator {
            scenario,
            spec,
            threads,
            t_by_n,
            runs: 0,
            stalled: None,
        }
    }

    /// The scenario with the sized groups staffed by `curve` (total agents per interval,
    /// split by the mix).
    pub fn with_curve(&self, curve: &[u32]) -> Scenario {
        let mut scenario = self.scenario.clone();
        let shares: Vec<f64> = self.spec.groups.iter().map(|g| g.1).collect();
        let mut per_group: Vec<Vec<u32>> = vec![Vec::with_capacity(curve.len()); shares.len()];
        for &total in curve {
            for (g, n) in split(total, &shares).into_iter().enumerate() {
                per_group[g].push(n);
            }
        }
        for ((group_id, _), agents) in self.spec.groups.iter().zip(per_group) {
            let group: &mut AgentGroup = &mut scenario.agent_groups[group_id.index()];
            let curve = StaffingCurve::new(agents);
            group.count = curve.peak();
            group.shift = None;
            group.staffing_curve = Some(curve);
        }
        scenario
    }

    /// The scenario with the sized groups at `total` agents (split by the mix), keeping their
    /// shifts; a group staffed by a curve gets that many agents all day.
    pub fn with_count(&self, total: u32) -> Scenario {
        let mut scenario = self.scenario.clone();
        let shares: Vec<f64> = self.spec.groups.iter().map(|g| g.1).collect();
        for ((group_id, _), n) in self.spec.groups.iter().zip(split(total, &shares)) {
            let group = &mut scenario.agent_groups[group_id.index()];
            group.count = n;
            group.staffing_curve = None;
        }
        scenario
    }

    /// Every scenario over every seed, in (scenario, seed) order.
    pub fn run(&mut self, scenarios: &[Scenario], seeds: &[u64]) -> Vec<Vec<TargetMeasures>> {
        let pairs: Vec<(usize, u64)> = (0..scenarios.len())
            .flat_map(|s| seeds.iter().map(move |&seed| (s, seed)))
            .collect();
        self.runs += pairs.len() as u64;
        let targets = &self.spec.targets;
        let sized: Vec<_> = self.spec.groups.iter().map(|g| g.0).collect();
        let done = sweep::map_in_parallel(&pairs, self.threads, |&(s, seed)| {
            let scenario = &scenarios[s];
            let mut observer = TargetObserver::new(scenario, targets, &sized);
            let stats = crate::model::simulate(scenario, seed, &mut observer);
            let stall = stats.stall.map(|stall| stall.describe(scenario));
            (observer.into_measures(), stall)
        });
        if self.stalled.is_none() {
            self.stalled = pairs
                .iter()
                .zip(&done)
                .find_map(|(&(_, seed), (_, stall))| Some((seed, stall.clone()?)));
        }
        let mut flat = done.into_iter().map(|(measures, _)| measures);
        (0..scenarios.len())
            .map(|_| flat.by_ref().take(seeds.len()).collect())
            .collect()
    }

    /// Whether every target is met in `interval` (`None`: over the whole day).
    pub fn meets(&self, reps: &[TargetMeasures], interval: Option<usize>) -> bool {
        self.meets_at(reps, interval, false)
    }

    /// Whether the means over the replications meet every target in `interval`, whatever
    /// the confidence asked for.
    pub fn meets_by_mean(&self, reps: &[TargetMeasures], interval: usize) -> bool {
        self.meets_at(reps, Some(interval), true)
    }

    fn meets_at(&self, reps: &[TargetMeasures], interval: Option<usize>, mean: bool) -> bool {
        let occupancy = occupancy_values(reps, interval);
        self.spec.targets.iter().enumerate().all(|(t, target)| {
            let values = target_values(reps, t, interval);
            self.target_met(target, &values, &occupancy, mean)
        })
    }

    fn bound(&self, values: &[f64], upper: bool, mean: bool) -> Option<f64> {
        let e = Estimate::of(values.iter().copied());
        if e.n == 0 {
            return None;
        }
        let t = if mean {
            0.0
        } else {
            self.t_by_n[e.n.min(self.t_by_n.len() - 1)]
        };
        let half = if e.n >= 2 && t > 0.0 {
            t * e.sd / (e.n as f64).sqrt()
        } else {
            0.0
        };
        Some(if upper { e.mean + half } else { e.mean - half })
    }

    fn target_met(
        &self,
        target: &StaffingTarget,
        values: &Values,
        occupancy: &[f64],
        mean: bool,
    ) -> bool {
        if let Some((_, share)) = target.service_level {
            if let Some(low) = self.bound(&values.service_level, false, mean) {
                // No finite staff guarantees 100 %: a sample where nobody waited proves nothing.
                if share >= 1.0 || low < share {
                    return false;
                }
            }
        }
        if let Some(max) = target.max_asa {
            // Nobody answered, and customers still waiting at the end had waited longer than
            // the limit: no mean to bound, but the interval is understaffed.
            if values.unanswered_past_asa > 0 {
                return false;
            }
            if let Some(high) = self.bound(&values.asa_s, true, mean) {
                if max.as_micros() == 0 || high > max.as_secs_f64() {
                    return false;
                }
            }
        }
        if let Some(max) = target.max_abandon_rate {
            if self
                .bound(&values.abandon_rate, true, mean)
                .is_some_and(|h| h > max)
            {
                return false;
            }
        }
        if let Some(max) = target.max_occupancy {
            if self.bound(occupancy, true, mean).is_some_and(|h| h > max) {
                return false;
            }
        }
        true
    }
}

/// `total` split by `shares` (largest remainder; ties to the earlier group).
pub fn split(total: u32, shares: &[f64]) -> Vec<u32> {
    let exact: Vec<f64> = shares.iter().map(|s| s * f64::from(total)).collect();
    let mut out: Vec<u32> = exact.iter().map(|x| x.floor() as u32).collect();
    let mut left = total.saturating_sub(out.iter().sum());
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        let (fa, fb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for &g in order.iter().cycle().take(shares.len() * 2) {
        if left == 0 {
            break;
        }
        out[g] += 1;
        left -= 1;
    }
    out
}

fn summed(counts: &[IntervalCounts], interval: Option<usize>) -> IntervalCounts {
    match interval {
        Some(i) => counts[i],
        None => counts
            .iter()
            .fold(IntervalCounts::default(), |a, c| IntervalCounts {
                arrived: a.arrived + c.arrived,
                answered: a.answered + c.answered,
                abandoned: a.abandoned + c.abandoned,
                within: a.within + c.within,
                wait_sum_s: a.wait_sum_s + c.wait_sum_s,
                waiting_beyond: a.waiting_beyond + c.waiting_beyond,
                waiting_past_asa: a.waiting_past_asa + c.waiting_past_asa,
            }),
    }
}

/// Target `t`'s per-replication values in `interval` (or over the day); undefined values
/// (no conversation) are left out.
pub fn target_values(reps: &[TargetMeasures], t: usize, interval: Option<usize>) -> Values {
    let mut values = Values::default();
    for rep in reps {
        let c = summed(&rep.counts[t], interval);
        let base = c.answered + c.abandoned;
        values.arrived += c.arrived as f64 / reps.len() as f64;
        // Customers still waiting at the end who had waited past the threshold are misses.
        let offered = base + c.waiting_beyond;
        if offered > 0 {
            values.service_level.push(c.within as f64 / offered as f64);
        }
        if base > 0 {
            values.abandon_rate.push(c.abandoned as f64 / base as f64);
        }
        if c.answered > 0 {
            values.asa_s.push(c.wait_sum_s / c.answered as f64);
        } else if c.waiting_past_asa > 0 {
            values.unanswered_past_asa += 1;
        }
    }
    values
}

/// The sized groups' occupancy per replication in `interval` (or over the day, weighting
/// intervals by nothing but their occupancy's definition: busy time / logged-in time).
pub fn occupancy_values(reps: &[TargetMeasures], interval: Option<usize>) -> Vec<f64> {
    reps.iter()
        .filter_map(|rep| match interval {
            Some(i) => Some(rep.occupancy[i]).filter(|v| !v.is_nan()),
            None => {
                let (busy, logged) = rep
                    .occupancy_parts
                    .iter()
                    .fold((0.0, 0.0), |(b, l), &(pb, pl)| (b + pb, l + pl));
                (logged > 0.0).then(|| busy / logged)
            }
        })
        .collect()
}

/// What the ISA found.
#[derive(Debug, Clone, PartialEq)]
pub struct IsaOutcome {
    pub curve: Vec<u32>,
    pub iterations: u32,
    pub converged: bool,
    /// Intervals whose targets are not met even at `max_agents`.
    pub unreachable: Vec<usize>,
    /// Intervals still not met when the iteration limit ran out (raise `max_iterations`).
    pub unsettled: Vec<usize>,
}

/// Steps tried around each level while some interval still takes big steps, and once every
/// step is one agent.
const WIDE: [i64; 5] = [-2, -1, 0, 1, 2];
const NARROW: [i64; 3] = [-1, 0, 1];

/// The ISA from `start` (see the module docs), on `seeds`.
pub fn iterate(
    evaluator: &mut Evaluator,
    start: Vec<u32>,
    max_agents: u32,
    seeds: &[u64],
) -> IsaOutcome {
    let spec = evaluator.spec;
    let (lo, hi) = (i64::from(spec.min_agents), i64::from(max_agents));
    let n = start.len();
    let mut level: Vec<i64> = start.iter().map(|&s| i64::from(s).clamp(lo, hi)).collect();
    let mut step: Vec<i64> = level.iter().map(|&s| (s / 8).max(1)).collect();
    let mut unreachable = vec![false; n];
    // The lowest level an interval may take: one above the highest level seen to miss its
    // targets at a step of one agent (with its neighbours one below as well, the minimality
    // of the stopping rule). Without it, an interval whose level − 1 meets while its
    // neighbours are higher and misses once they have come down swings between the two.
    let mut floor: Vec<i64> = vec![lo; n];
    let mut iterations = 0;
    let mut converged = false;
    while iterations < spec.max_iterations {
        iterations += 1;
        let offsets: &[i64] = if step.iter().all(|&h| h == 1) {
            &NARROW
        } else {
            &WIDE
        };
        let curves: Vec<Vec<u32>> = offsets
            .iter()
            .map(|&k| {
                (0..n)
                    .map(|i| (level[i] + k * step[i]).clamp(lo, hi) as u32)
                    .collect()
            })
            .collect();
        let scenarios: Vec<Scenario> = curves.iter().map(|c| evaluator.with_curve(c)).collect();
        let measures = evaluator.run(&scenarios, seeds);
        let mut settled = true;
        for i in 0..n {
            let met: Vec<bool> = measures
                .iter()
                .map(|reps| evaluator.meets(reps, Some(i)))
                .collect();
            // The smallest offset from which every larger one meets (robust to noise that
            // makes a lower level look better than a higher one).
            let mut chosen = None;
            for k in (0..offsets.len()).rev() {
                if met[k] {
                    chosen = Some(k);
                } else {
                    break;
                }
            }
            let before = (level[i], step[i]);
            // The highest level tried that misses, below the chosen one.
            let missed = match chosen {
                None => Some(offsets.len() - 1),
                Some(k) => k.checked_sub(1),
            };
            if step[i] == 1 {
                if let Some(m) = missed {
                    floor[i] = floor[i].max(i64::from(curves[m][i]) + 1).min(hi);
                }
            }
            match chosen {
                None => {
                    if level[i] >= hi {
                        unreachable[i] = true;
                    } else {
                        level[i] = i64::from(curves[offsets.len() - 1][i]);
                        step[i] = (step[i] * 2).min(hi.max(1));
                    }
                }
                Some(k) => {
                    unreachable[i] = false;
                    level[i] = i64::from(curves[k][i]).max(floor[i]);
                    if offsets[k].abs() <= 1 {
                        step[i] = (step[i] / 2).max(1);
                    }
                }
            }
            let stable = (level[i], step[i]) == before && step[i] == 1;
            settled &= stable || unreachable[i];
        }
        if settled {
            converged = !unreachable.iter().any(|&u| u);
            break;
        }
    }
    // Past the limit, or after convergence, the curve itself is what counts: raise whatever
    // interval it does not meet, one agent at a time, within a bounded number of rounds.
    let mut unsettled = Vec::new();
    for round in 0..=spec.max_iterations {
        let curve: Vec<u32> = level.iter().map(|&l| l as u32).collect();
        let measures = evaluator.run(&[evaluator.with_curve(&curve)], seeds);
        let failing: Vec<usize> = (0..n)
            .filter(|&i| !evaluator.meets(&measures[0], Some(i)))
            .collect();
        unsettled.clear();
        let mut raised = false;
        for &i in &failing {
            if level[i] >= hi {
                unreachable[i] = true;
            } else {
                unreachable[i] = false;
                unsettled.push(i);
                if round < spec.max_iterations {
                    level[i] += 1;
                    raised = true;
                }
            }
        }
        if !raised {
            break;
        }
        converged = false;
    }
    IsaOutcome {
        curve: level.iter().map(|&l| l as u32).collect(),
        iterations,
        converged,
        unreachable: (0..n).filter(|&i| unreachable[i]).collect(),
        unsettled,
    }
}

/// What flat sizing found.
#[derive(Debug, Clone, PartialEq)]
pub struct FlatOutcome {
    /// Total agents of the sized groups, or `None` when even `limit` misses the day's targets.
    pub total: Option<u32>,
    pub per_group: Vec<u32>,
    /// Totals tried, in order.
    pub probes: Vec<u32>,
}

/// The smallest total count of the sized groups (split by the mix, keeping shifts) that meets
/// every target over the whole day: doubling from `start` until it meets, then bisection
/// between the largest failing and the smallest meeting total, every probe on the same seeds
/// (paired). Assumes more agents never make the day worse, which holds for every target here
/// except occupancy (more agents lower it), so occupancy is a ceiling the search respects too.
pub fn flat(evaluator: &mut Evaluator, start: u32, limit: u32, seeds: &[u64]) -> FlatOutcome {
    fn test(evaluator: &mut Evaluator, probes: &mut Vec<u32>, seeds: &[u64], total: u32) -> bool {
        probes.push(total);
        let measures = evaluator.run(&[evaluator.with_count(total)], seeds);
        evaluator.meets(&measures[0], None)
    }
    let mut probes = Vec::new();
    let floor = evaluator.spec.min_agents.max(1);
    let limit = limit.max(floor);
    let mut hi = start.clamp(floor, limit);
    // Known (or, for the floor, assumed) to miss.
    let mut lo = floor - 1;
    if !test(evaluator, &mut probes, seeds, hi) {
        loop {
            if hi >= limit {
                return FlatOutcome {
                    total: None,
                    per_group: Vec::new(),
                    probes,
                };
            }
            lo = hi;
            hi = (hi * 2).min(limit);
            if test(evaluator, &mut probes, seeds, hi) {
                break;
            }
        }
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if test(evaluator, &mut probes, seeds, mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let shares: Vec<f64> = evaluator.spec.groups.iter().map(|g| g.1).collect();
    FlatOutcome {
        total: Some(hi),
        per_group: split(hi, &shares),
        probes,
    }
}

/// The seeds of the search (`replications` from `base`) and the fresh ones of the
/// verification (the next `replications`).
pub fn seeds(base: u64, replications: u32) -> (Vec<u64>, Vec<u64>) {
    let search = (0..replications)
        .map(|r| replication_seed(base, r))
        .collect();
    let fresh = (replications..2 * replications)
        .map(|r| replication_seed(base, r))
        .collect();
    (search, fresh)
}
