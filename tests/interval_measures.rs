//! The measures of the interval table and the per-interval semantics counts (issue 9 item 10),
//! checked on small inline scenarios whose figures follow from constant times: average handle
//! time, handled and resumed conversations per interval, the conservation of conversations in
//! every interval, interval counts that add up to the run totals, and the staffed agents of
//! all groups together.

use std::path::PathBuf;

use routesim::config::{parse_scenario, Origin};
use routesim::metrics::{run, RunResults, Scope};
use routesim::model::Scenario;

fn scenario(text: &str) -> Scenario {
    let origin = Origin {
        file: "inline.toml".into(),
        base_dir: PathBuf::from("."),
    };
    match parse_scenario(text, &origin) {
        Ok(scenario) => scenario,
        Err(error) => panic!("{error}\n{text}"),
    }
}

/// Arrivals in the first four hours only (30 an hour), then none, on a 24-hour horizon: every
/// conversation has closed long before the end. `channel` and `group` lines are added to their
/// tables.
fn morning(channel: &str, group: &str) -> Scenario {
    scenario(&format!(
        r#"
[simulation]
horizon = "24h"
interval = "1h"

[channels.c]
kind = "sms"
arrivals = {{ rates_per_hour = [30, 30, 30, 30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }}
handle_time = {{ kind = "constant", value = "5m" }}
{channel}

[workstreams.w]
channels = ["c"]
fallback_queue = "q"

[queues.q]

[agent_groups.g]
queues = ["q"]
{group}
"#
    ))
}

/// `(interval, value)` of one interval measure of one entity.
fn series(results: &RunResults, scope: Scope, name: &str, measure: &str) -> Vec<(usize, f64)> {
    results
        .intervals
        .iter()
        .filter(|r| r.row.scope == scope && r.row.name == name && r.row.measure == measure)
        .map(|r| (r.interval, r.row.value))
        .collect()
}

fn overall(results: &RunResults, measure: &str) -> Vec<f64> {
    series(results, Scope::Overall, "all", measure)
        .into_iter()
        .map(|(_, v)| v)
        .collect()
}

#[test]
fn the_handle_time_is_every_segment_with_its_agent_plus_wrap_up() {
    // Each conversation is Active 5 min per segment and ends with 1 min of wrap-up; half the
    // segments end in Waiting and come back after 10 min (no auto-close within a day). With
    // 40 agents nobody waits, every conversation closes, and the handle time of the
    // conversations that arrived in an interval is (handled + resumed) x 300 s + handled x 60 s:
    // each resume adds one segment. It holds exactly, interval by interval.
    let scenario = morning(
        r#"wrap_up = { kind = "constant", value = "1m" }
waiting = { probability = 0.5, resume_delay = { kind = "constant", value = "10m" } }"#,
        "count = 40",
    );
    for seed in 1..=3 {
        let results = run(&scenario, seed);
        let (handled, resumed, aht) = (
            overall(&results, "handled"),
            overall(&results, "resumed"),
            overall(&results, "aht_s"),
        );
        let mut resumes_seen = 0.0;
        for interval in 0..4 {
            assert!(handled[interval] > 0.0, "interval {interval}: {handled:?}");
            assert_eq!(handled[interval], overall(&results, "offered")[interval]);
            let expected = ((handled[interval] + resumed[interval]) * 300.0
                + handled[interval] * 60.0)
                / handled[interval];
            assert!(
                (aht[interval] - expected).abs() < 1e-6,
                "seed {seed} interval {interval}: aht {} expected {expected}",
                aht[interval]
            );
            resumes_seen += resumed[interval];
        }
        assert!(
            resumes_seen > 0.0,
            "the scenario must resume some conversations"
        );
        for interval in 4..24 {
            assert_eq!(handled[interval], 0.0);
            assert!(aht[interval].is_nan(), "no handled conversation, no AHT");
        }
        let run_aht = results.value(Scope::Overall, "all", "aht_s").unwrap();
        let total_handled: f64 = handled.iter().sum();
        let total_time: f64 = (0..4).map(|i| aht[i] * handled[i]).sum();
        assert!((run_aht - total_time / total_handled).abs() < 1e-6);
    }
}

#[test]
fn without_resumes_the_handle_time_is_the_constant_handle_time() {
    let scenario = morning("", "count = 40");
    let results = run(&scenario, 7);
    for (interval, aht) in series(&results, Scope::Channel, "c", "aht_s") {
        if interval < 4 {
            assert_eq!(aht, 300.0, "interval {interval}");
        }
    }
    assert_eq!(results.value(Scope::Queue, "q", "aht_s"), Some(300.0));
}

#[test]
fn every_conversation_of_an_interval_ends_in_one_outcome_of_that_interval() {
    // Short-staffed with impatient customers, Waiting segments that are auto-closed after 5
    // minutes half the time, rejections: every outcome occurs. Arrivals stop after 4 h and the
    // horizon is a day, so nothing is open at the end and, per interval of arrival,
    // offered = handled + abandoned + auto_closed.
    let scenario = morning(
        r#"patience = { kind = "exponential", mean = "2m" }
waiting = { probability = 0.4, resume_delay = { kind = "uniform", min = "1m", max = "9m" } }"#,
        r#"count = 2
notifications = { reject_probability = 0.2, response_time = { kind = "constant", value = "5s" } }"#,
    );
    let scenario = {
        let mut s = scenario;
        s.workstreams[0].auto_close_after = routesim::engine::SimDuration::from_secs(300);
        s
    };
    let mut seen = [0.0; 3];
    for seed in 1..=3 {
        let results = run(&scenario, seed);
        let offered = overall(&results, "offered");
        let handled = overall(&results, "handled");
        let abandoned = overall(&results, "abandoned");
        let auto_closed = overall(&results, "auto_closed");
        for i in 0..24 {
            assert_eq!(
                offered[i],
                handled[i] + abandoned[i] + auto_closed[i],
                "seed {seed} interval {i}"
            );
        }
        seen[0] += abandoned.iter().sum::<f64>();
        seen[1] += auto_closed.iter().sum::<f64>();
        seen[2] += overall(&results, "declines_rejected").iter().sum::<f64>();
    }
    assert!(
        seen.iter().all(|&n| n > 0.0),
        "every outcome occurs: {seen:?}"
    );
}

#[test]
fn interval_counts_add_up_to_the_run_totals_in_every_scope() {
    // The bundled scenarios that use the semantics: each per-interval count, summed over the
    // intervals, is the run's total (conversations count in their arrival interval).
    let counts = [
        "offered",
        "answered",
        "abandoned",
        "handled",
        "offers",
        "declines_rejected",
        "declines_timed_out",
        "contained",
        "overflowed",
        "overflow_transferred",
        "overflow_assigned_anyway",
        "auto_closed",
        "resumed",
        "affinity_kept",
        "affinity_broken",
        "resume_abandoned",
    ];
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut nonzero = std::collections::BTreeSet::new();
    let mut scenarios: Vec<(String, Scenario)> = [
        "social_affinity.toml",
        "bot_chat.toml",
        "full_featured.toml",
    ]
    .iter()
    .map(|file| {
        let scenario = routesim::config::load_scenario(&root.join(file)).unwrap();
        (file.to_string(), scenario)
    })
    .collect();
    // No bundled scenario overflows: an overloaded queue that holds at most 2 waiting items,
    // reached by a route-to-queue rule (an item that reaches the fallback queue because no rule
    // matched is not subject to its overflow conditions).
    let overflowing = scenario(
        r#"
[simulation]
horizon = "24h"
interval = "1h"
[channels.c]
kind = "sms"
arrivals = { rates_per_hour = [30, 30, 30, 30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }
handle_time = { kind = "constant", value = "5m" }
variables.topic = { values = ["any"], weights = [1.0] }
[workstreams.w]
channels = ["c"]
fallback_queue = "q"
[[workstreams.w.routing]]
queue = "q"
when = [{ variable = "topic", equals = "any" }]
[queues.q]
overflow = { work_item_limit = 2, action = "end" }
[agent_groups.g]
queues = ["q"]
count = 1
"#,
    );
    scenarios.push(("overflowing".into(), overflowing));
    for (file, scenario) in &scenarios {
        let results = run(scenario, scenario.simulation.seed);
        for row in &results.summary {
            if !counts.contains(&row.measure.as_str()) {
                continue;
            }
            let summed: f64 = series(&results, row.scope, &row.name, &row.measure)
                .iter()
                .map(|&(_, v)| v)
                .sum();
            assert_eq!(
                summed, row.value,
                "{file}: {} {} {}",
                row.scope, row.name, row.measure
            );
            if row.value > 0.0 {
                nonzero.insert(row.measure.clone());
            }
        }
    }
    for measure in ["offers", "contained", "resumed", "affinity_kept"] {
        assert!(
            nonzero.contains(measure),
            "{measure} never occurs, the test would prove nothing"
        );
    }
    assert!(
        nonzero.iter().any(|m| m.starts_with("overflow")),
        "no overflow occurs: {nonzero:?}"
    );
}

#[test]
fn the_staffed_agents_of_all_groups_are_the_sum_of_the_groups() {
    // Two groups on shifts: 3 agents 08:00-16:00 and 2 agents 12:00-20:00. Staffed agents per
    // hour, read off the shifts: 3 from 8 to 12, 5 from 12 to 16, 2 from 16 to 20, else 0.
    let mut text = String::from(
        r#"
[simulation]
horizon = "24h"
interval = "1h"

[channels.c]
kind = "live_chat"
arrivals = { per_hour = 10 }
handle_time = { kind = "constant", value = "3m" }

[workstreams.w]
channels = ["c"]
fallback_queue = "q"

[queues.q]
"#,
    );
    text.push_str(
        r#"
[agent_groups.early]
count = 3
queues = ["q"]
shift = { start = "08:00", end = "16:00" }

[agent_groups.late]
count = 2
queues = ["q"]
shift = { start = "12:00", end = "20:00" }
"#,
    );
    let results = run(&scenario(&text), 3);
    let staffed = overall(&results, "staffed_agents");
    for (hour, &agents) in staffed.iter().enumerate() {
        let expected = match hour {
            8..=11 => 3.0,
            12..=15 => 5.0,
            16..=19 => 2.0,
            _ => 0.0,
        };
        assert!(
            (agents - expected).abs() < 1e-9,
            "{hour}:00 staffed {agents}, expected {expected}"
        );
    }
    // Occupancy of all agents is the staffed-time-weighted mix of the groups'.
    for hour in 12..16 {
        let occupancy = |name: &str| series(&results, Scope::AgentGroup, name, "occupancy")[hour].1;
        let mixed = (3.0 * occupancy("early") + 2.0 * occupancy("late")) / 5.0;
        let all = overall(&results, "occupancy")[hour];
        assert!((all - mixed).abs() < 1e-9, "{hour}:00 {all} vs {mixed}");
    }
}
