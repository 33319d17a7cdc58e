//! The Erlang answer, interval by interval (the stationary independent period-by-period
//! method): each interval's offered load is treated as a stationary M/M/c queue (Erlang C) or
//! M/M/c+M queue (Erlang A, with the scope's mean patience) on its own, and the smallest number
//! of servers meeting the scope's targets is its requirement. A multi-session agent counts as
//! `slots` servers (the "naive multi-slot" figure), so the requirement in agents is the servers
//! divided by the slots, rounded up. It knows nothing of routing, carry-over between intervals
//! or anything else the simulation models: that is the point of the comparison.

use crate::analytic::{ErlangA, ErlangC, MmcParams};
use crate::config::StaffingTarget;

/// One scope in one interval, as the Erlang formulas see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalLoad {
    /// Conversations per second.
    pub arrival_rate: f64,
    /// Agent time per conversation (one slot), seconds.
    pub work_s: f64,
    /// Mean patience, seconds; `None`: customers never abandon.
    pub patience_s: Option<f64>,
    /// Conversations one agent handles at once.
    pub slots: u32,
}

impl IntervalLoad {
    /// The offered load in erlangs (busy slots).
    pub fn erlangs(&self) -> f64 {
        self.arrival_rate * self.work_s
    }
}

/// Which of the two formulas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formula {
    ErlangC,
    ErlangA,
}

/// The smallest number of agents meeting every target of `target` under `formula`; `Some(0)`
/// without demand, `None` when no number up to `limit_agents` does (for example 100 % within a
/// threshold, which no finite staff guarantees).
pub fn required_agents(
    load: &IntervalLoad,
    target: &StaffingTarget,
    formula: Formula,
    limit_agents: u32,
) -> Option<u32> {
    if load.arrival_rate <= 0.0 || load.work_s <= 0.0 {
        return Some(0);
    }
    let slots = load.slots.max(1);
    let a = load.erlangs();
    let limit_servers = u64::from(limit_agents) * u64::from(slots);
    let patience = match formula {
        Formula::ErlangC => None,
        Formula::ErlangA => load.patience_s,
    };
    // Below the load Erlang C is unstable; Erlang A can meet loose targets below it, so start
    // lower there.
    let first = match patience {
        None => a.floor() as u64 + 1,
        Some(_) => ((a * 0.3).floor() as u64).max(1),
    };
    let mut servers = first;
    while servers <= limit_servers.max(first) {
        if meets(load, target, patience, servers as u32) {
            return Some(servers.div_ceil(u64::from(slots)) as u32);
        }
        servers += 1;
        if servers > limit_servers {
            return None;
        }
    }
    None
}

fn meets(load: &IntervalLoad, target: &StaffingTarget, patience: Option<f64>, c: u32) -> bool {
    let params = MmcParams {
        arrival_rate: load.arrival_rate,
        mean_handle_time: load.work_s,
        servers: c,
    };
    // The same "perfect" targets the simulated search never counts as met (see `search`).
    if target.service_level.is_some_and(|(_, share)| share >= 1.0)
        || target.max_asa.is_some_and(|asa| asa.as_micros() == 0)
    {
        return false;
    }
    let (sl, asa, abandon, occupancy) = match patience {
        None => {
            let Some(q) = ErlangC::new(params) else {
                return false;
            };
            let sl = target
                .service_level
                .map(|(t, _)| q.service_level(t.as_secs_f64()));
            (sl, q.mean_wait, 0.0, q.occupancy)
        }
        Some(patience) => {
            let Some(q) = ErlangA::new(params, patience) else {
                return false;
            };
            let sl = target
                .service_level
                .map(|(t, _)| q.service_level_of_offered(t.as_secs_f64()));
            (sl, q.mean_wait(), q.p_abandon(), q.occupancy())
        }
    };
    if let (Some((_, share)), Some(sl)) = (target.service_level, sl) {
        if sl < share {
            return false;
        }
    }
    if target.max_asa.is_some_and(|max| asa > max.as_secs_f64()) {
        return false;
    }
    if target.max_abandon_rate.is_some_and(|max| abandon > max) {
        return false;
    }
    if target.max_occupancy.is_some_and(|max| occupancy > max) {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TargetScope;
    use crate::engine::SimDuration;

    fn target(share: f64, threshold_s: u64) -> StaffingTarget {
        StaffingTarget {
            scope: TargetScope::Overall,
            service_level: Some((SimDuration::from_secs(threshold_s), share)),
            max_asa: None,
            max_abandon_rate: None,
            max_occupancy: None,
        }
    }

    fn load(per_hour: f64, aht_s: f64, slots: u32) -> IntervalLoad {
        IntervalLoad {
            arrival_rate: per_hour / 3600.0,
            work_s: aht_s,
            patience_s: Some(300.0),
            slots,
        }
    }

    #[test]
    fn the_textbook_example_needs_51_agents() {
        // 540 an hour, 5 minutes, 80 % within 20 s: 45 erlangs, 51 agents (e.g. pyworkforce,
        // and every Erlang C table).
        let l = load(540.0, 300.0, 1);
        assert_eq!(l.erlangs(), 45.0);
        assert_eq!(
            required_agents(&l, &target(0.8, 20), Formula::ErlangC, 1000),
            Some(51)
        );
        // 50 agents miss: 79.6 %.
        let q = ErlangC::new(MmcParams {
            arrival_rate: 0.15,
            mean_handle_time: 300.0,
            servers: 50,
        })
        .unwrap();
        assert!(q.service_level(20.0) < 0.8);
    }

    #[test]
    fn abandonment_lowers_the_requirement_and_slots_divide_it() {
        let l = load(540.0, 300.0, 1);
        let c = required_agents(&l, &target(0.8, 20), Formula::ErlangC, 1000).unwrap();
        let a = required_agents(&l, &target(0.8, 20), Formula::ErlangA, 1000).unwrap();
        assert!(a <= c, "Erlang A {a} should not exceed Erlang C {c}");
        let three = required_agents(
            &load(540.0, 300.0, 3),
            &target(0.8, 20),
            Formula::ErlangC,
            1000,
        );
        assert_eq!(three, Some(51_u32.div_ceil(3)));
    }

    #[test]
    fn perfect_targets_and_low_limits_are_unreachable() {
        let l = load(540.0, 300.0, 1);
        assert_eq!(
            required_agents(&l, &target(1.0, 0), Formula::ErlangC, 1000),
            None
        );
        assert_eq!(
            required_agents(&l, &target(0.8, 20), Formula::ErlangC, 50),
            None
        );
        assert_eq!(
            required_agents(&load(0.0, 300.0, 1), &target(0.8, 20), Formula::ErlangA, 10),
            Some(0)
        );
    }
}
