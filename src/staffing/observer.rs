//! A lean observer for the staffing search: per target and interval of the day, the counts
//! behind its service level, speed of answer and abandon rate, and the occupancy of the sized
//! groups. It measures what `metrics::Collector` measures for these figures (arrival
//! interval, waits from `queued_from`, answered + abandoned as the base, days folded, nothing
//! before the warm-up), without the thousands of rows a full run produces, because the search
//! runs hundreds of replications. Two differences, so that no understaffed interval passes
//! for want of figures: customers still waiting at the end past a target's threshold count as
//! missed (the collector leaves them out), and an interval the run never measures after its
//! warm-up is judged on the warm-up's conversations, and its occupancy on the warm-up's
//! levels.

use crate::config::{StaffingTarget, TargetScope};
use crate::engine::SimTime;
use crate::metrics::stats::IntervalAreas;
use crate::model::{
    Abandonment, AgentId, AgentStatus, Answer, ConversationInfo, GroupId, Observer, OpenState,
    Presence, Scenario,
};

const DAY: u64 = 86_400_000_000;

/// Counts of one target scope in one interval.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct IntervalCounts {
    pub arrived: u64,
    pub answered: u64,
    pub abandoned: u64,
    /// Answered within the target's threshold (0 when it has no service-level target).
    pub within: u64,
    /// Sum of the waits of answered conversations, seconds.
    pub wait_sum_s: f64,
    /// Still waiting for an agent when the run stopped (first segments) after waiting longer
    /// than the target's service-level threshold: they cannot be answered within it, so they
    /// count as missed.
    pub waiting_beyond: u64,
    /// Still waiting when the run stopped after waiting longer than the target's `max_asa`.
    pub waiting_past_asa: u64,
}

/// What one replication measured.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetMeasures {
    /// `[target][interval]`.
    pub counts: Vec<Vec<IntervalCounts>>,
    /// Occupancy of the sized groups per interval (NaN when nobody was logged in).
    pub occupancy: Vec<f64>,
    /// `(busy agent-seconds, logged-in agent-seconds)` of the sized groups per interval.
    pub occupancy_parts: Vec<(f64, f64)>,
}

pub struct TargetObserver<'a> {
    targets: &'a [StaffingTarget],
    thresholds: Vec<Option<u64>>,
    max_asa: Vec<Option<u64>>,
    warm_up: u64,
    /// Per interval of the day: whether some of the run after the warm-up falls in it. An
    /// interval that none does (inside the warm-up of a run that ends less than a day after
    /// it) is judged on the warm-up's conversations instead, so that no interval of the run
    /// goes unjudged (and unstaffed).
    measured: Vec<bool>,
    /// Whether every interval is measured after the warm-up (a run of a day or more past it):
    /// the warm-up's occupancy is then never needed.
    all_measured: bool,
    interval: u64,
    measuring: bool,
    counts: Vec<Vec<IntervalCounts>>,
    sized: Vec<bool>,
    logged_in: i64,
    busy: i64,
    last_change: u64,
    logged_in_area: IntervalAreas,
    busy_area: IntervalAreas,
}

impl<'a> TargetObserver<'a> {
    pub fn new(scenario: &Scenario, targets: &'a [StaffingTarget], sized: &[GroupId]) -> Self {
        let interval = scenario.simulation.interval.as_micros();
        let n = (DAY / interval) as usize;
        let measured = measured_intervals(
            scenario.simulation.warm_up.as_micros(),
            scenario.simulation.horizon.as_micros(),
            interval,
            n,
        );
        let mut is_sized = vec![false; scenario.agent_groups.len()];
        for g in sized {
            is_sized[g.index()] = true;
        }
        TargetObserver {
            targets,
            thresholds: targets
                .iter()
                .map(|t| t.service_level.map(|(d, _)| d.as_micros()))
                .collect(),
            max_asa: targets
                .iter()
                .map(|t| t.max_asa.map(|d| d.as_micros()))
                .collect(),
            warm_up: scenario.simulation.warm_up.as_micros(),
            all_measured: measured.iter().all(|&m| m),
            measured,
            interval,
            measuring: false,
            counts: vec![vec![IntervalCounts::default(); n]; targets.len()],
            sized: is_sized,
            logged_in: 0,
            busy: 0,
            last_change: 0,
            logged_in_area: IntervalAreas::new(interval, n),
            busy_area: IntervalAreas::new(interval, n),
        }
    }

    pub fn into_measures(self) -> TargetMeasures {
        let n = self.logged_in_area.len();
        let occupancy = (0..n)
            .map(|i| {
                let logged = self.logged_in_area.area(i);
                if logged > 0 {
                    self.busy_area.area(i) as f64 / logged as f64
                } else {
                    f64::NAN
                }
            })
            .collect();
        let occupancy_parts = (0..n)
            .map(|i| {
                (
                    self.busy_area.area(i) as f64 / 1e6,
                    self.logged_in_area.area(i) as f64 / 1e6,
                )
            })
            .collect();
        TargetMeasures {
            counts: self.counts,
            occupancy,
            occupancy_parts,
        }
    }

    fn update(&mut self, c: &ConversationInfo, f: impl Fn(&mut IntervalCounts, Option<u64>)) {
        self.update_with(c, |counts, threshold, _| f(counts, threshold));
    }

    /// Applies `f` to the counts of every target the conversation falls under, with the
    /// target's service-level threshold and `max_asa`.
    fn update_with(
        &mut self,
        c: &ConversationInfo,
        f: impl Fn(&mut IntervalCounts, Option<u64>, Option<u64>),
    ) {
        let interval = ((c.arrived.as_micros() % DAY) / self.interval) as usize;
        if c.arrived.as_micros() < self.warm_up && self.measured[interval] {
            return;
        }
        for (idx, target) in self.targets.iter().enumerate() {
            let applies = match target.scope {
                TargetScope::Overall => true,
                TargetScope::Channel(channel) => channel == c.channel,
                TargetScope::Queue(queue) => queue == c.queue,
            };
            if applies {
                f(
                    &mut self.counts[idx][interval],
                    self.thresholds[idx],
                    self.max_asa[idx],
                );
            }
        }
    }

    /// Integrates the sized groups' levels up to `now`: after the warm-up everywhere, during
    /// it only in the intervals the run never measures afterwards (judged on the warm-up, so
    /// their occupancy is the warm-up's too).
    fn advance(&mut self, now: u64) {
        if now > self.last_change {
            if self.measuring {
                self.logged_in_area
                    .accumulate(self.last_change, now, self.logged_in);
                self.busy_area.accumulate(self.last_change, now, self.busy);
            } else if !self.all_measured {
                let mut t = self.last_change;
                while t < now {
                    let end = (t - t % self.interval + self.interval).min(now);
                    if !self.measured[((t % DAY) / self.interval) as usize] {
                        self.logged_in_area.accumulate(t, end, self.logged_in);
                        self.busy_area.accumulate(t, end, self.busy);
                    }
                    t = end;
                }
            }
        }
        self.last_change = now;
    }
}

impl Observer for TargetObserver<'_> {
    fn arrived(&mut self, _now: SimTime, c: &ConversationInfo) {
        self.update(c, |counts, _| counts.arrived += 1);
    }

    fn answered(&mut self, now: SimTime, c: &ConversationInfo, _agent: AgentId, _how: Answer) {
        let wait = now.as_micros().saturating_sub(c.queued_from.as_micros());
        self.update(c, |counts, threshold| {
            counts.answered += 1;
            counts.wait_sum_s += wait as f64 / 1e6;
            if threshold.is_some_and(|t| wait <= t) {
                counts.within += 1;
            }
        });
    }

    fn abandoned(&mut self, _now: SimTime, c: &ConversationInfo, _from: Abandonment) {
        self.update(c, |counts, _| counts.abandoned += 1);
    }

    fn agent_changed(
        &mut self,
        now: SimTime,
        _agent: AgentId,
        group: GroupId,
        before: AgentStatus,
        after: AgentStatus,
    ) {
        if !self.sized[group.index()] {
            return;
        }
        self.advance(now.as_micros());
        let logged = |s: &AgentStatus| i64::from(s.presence != Presence::Offline);
        let busy = |s: &AgentStatus| i64::from(s.presence != Presence::Offline && s.active > 0);
        self.logged_in += logged(&after) - logged(&before);
        self.busy += busy(&after) - busy(&before);
    }

    fn still_open(&mut self, now: SimTime, c: &ConversationInfo, state: OpenState) {
        if state != OpenState::Queued {
            return;
        }
        let waited = now.as_micros().saturating_sub(c.queued_from.as_micros());
        self.update_with(c, |counts, threshold, max_asa| {
            counts.waiting_beyond += u64::from(threshold.is_some_and(|t| waited > t));
            counts.waiting_past_asa += u64::from(max_asa.is_some_and(|m| waited > m));
        });
    }

    fn warm_up_ended(&mut self, now: SimTime) {
        self.advance(now.as_micros());
        self.measuring = true;
    }

    fn finished(&mut self, now: SimTime) {
        self.advance(now.as_micros());
    }
}

/// Per interval of the day (`n` of `interval` micros): whether some instant of
/// `[warm_up, horizon)` falls in it on some day.
fn measured_intervals(warm_up: u64, horizon: u64, interval: u64, n: usize) -> Vec<bool> {
    if horizon.saturating_sub(warm_up) >= DAY {
        return vec![true; n];
    }
    let mut measured = vec![false; n];
    let mut t = warm_up;
    while t < horizon {
        let i = ((t % DAY) / interval) as usize;
        measured[i] = true;
        // The start of the next interval.
        t = (t / interval + 1) * interval;
    }
    measured
}

#[cfg(test)]
mod tests {
    use super::measured_intervals;

    const H: u64 = 3_600_000_000;

    #[test]
    fn intervals_inside_a_warm_up_the_run_never_leaves_are_not_measured() {
        // A day with a 2 h warm-up: the first two hours are never measured.
        let m = measured_intervals(2 * H, 24 * H, H, 24);
        assert_eq!(m.iter().filter(|&&x| !x).count(), 2);
        assert!(!m[0] && !m[1] && m[2] && m[23]);
        // Two days: the second day measures them.
        assert!(measured_intervals(2 * H, 48 * H, H, 24).iter().all(|&x| x));
        // Four hours with a one-hour warm-up: 01:00-04:00 only.
        let m = measured_intervals(H, 4 * H, H, 24);
        assert_eq!((0..24).filter(|&i| m[i]).collect::<Vec<_>>(), vec![1, 2, 3]);
        // A warm-up ending inside an interval: that interval is measured.
        assert!(measured_intervals(H / 2, 24 * H, H, 24)[0]);
    }
}
