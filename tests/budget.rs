//! Budgets before the run: the estimate of a run's events and memory follows the real counts
//! of the bundled scenarios, and the cases the hardening issue found (a 1 ms interval, 10^8
//! agents, 10^9 arrivals an hour, /dev/zero as arrivals, 10^9 away episodes an hour, a
//! 100,000-day horizon) are refused before anything runs, with a message, exit code 2.

use std::path::Path;

use routesim::budget::{Budget, Estimate};
use routesim::config::load_scenario;
use routesim::model::{simulate, NoObserver};

#[test]
fn the_estimate_follows_the_events_and_conversations_of_every_bundled_scenario() {
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut checked = 0;
    for entry in std::fs::read_dir(&scenarios).unwrap() {
        let path = entry.unwrap().path();
        let Ok(scenario) = load_scenario(&path) else {
            continue; // a sweep spec
        };
        let estimate = Estimate::of(&scenario);
        let stats = simulate(&scenario, scenario.simulation.seed, &mut NoObserver);
        let events = stats.events as f64;
        let arrivals = stats.arrivals as f64;
        let name = path.display();
        // Arrivals are Poisson with at least 1,800 expected: 10% is over four standard
        // deviations, so only a wrong rate, horizon or curve fails.
        assert!(
            (arrivals / estimate.conversations - 1.0).abs() < 0.10,
            "{name}: {arrivals} arrivals, estimated {}",
            estimate.conversations
        );
        // Events per conversation are a rough count per segment: within a factor of 2.5.
        let ratio = estimate.events / events;
        assert!(
            (0.4..2.5).contains(&ratio),
            "{name}: {events} events, estimated {}",
            estimate.events
        );
        // The peak in the system is an upper estimate (waits are allowed an hour).
        let peak = stats.peak_conversations as f64;
        assert!(
            estimate.peak_conversations >= 0.5 * peak && estimate.peak_conversations < 10.0 * peak,
            "{name}: peak {peak}, estimated {}",
            estimate.peak_conversations
        );
        assert!(estimate.overrun(&Budget::default()).is_none(), "{name}");
        checked += 1;
    }
    assert!(checked >= 5);
}

fn scenario(text: &str) -> routesim::model::Scenario {
    let origin = routesim::config::Origin {
        file: "b.toml".into(),
        base_dir: ".".into(),
    };
    routesim::config::parse_scenario(text, &origin).unwrap()
}

/// A centre of `groups` groups of `count` agents with one channel at `per_hour`, no patience.
fn centre(groups: usize, count: u32, per_hour: f64, horizon: &str) -> String {
    let mut text = format!(
        "[simulation]\nhorizon = \"{horizon}\"\n\n[channels.chat]\nkind = \"live_chat\"\narrivals = {{ per_hour = {per_hour} }}\nhandle_time = {{ kind = \"exponential\", mean = \"5m\" }}\n\n[workstreams.w]\nchannels = [\"chat\"]\nfallback_queue = \"q\"\n\n[queues.q]\n"
    );
    for g in 0..groups {
        text.push_str(&format!(
            "\n[agent_groups.g{g}]\ncount = {count}\nqueues = [\"q\"]\n"
        ));
    }
    text
}

#[test]
fn memory_is_over_budget_for_millions_of_agents_or_a_queue_that_grows_all_run() {
    let budget = Budget::default();
    // 60 groups of 100,000 agents (each group within its bound): about 6 GB of agents.
    let many = Estimate::of(&scenario(&centre(60, 100_000, 10.0, "1h")));
    let message = many.overrun(&budget).expect("over budget");
    assert!(message.contains("of memory (budget 4.0 GiB)"), "{message}");
    assert!(message.contains("6.0e6 agents"), "{message}");
    assert!(
        !message.contains("events (budget"),
        "events are few: {message}"
    );
    // Overloaded (load 10) and nobody gives up: the queue holds most of 10^8 conversations.
    let growing = Estimate::of(&scenario(&centre(1, 10, 1200.0, "10000d")));
    assert!(growing.peak_conversations > 0.8 * growing.conversations);
    let message = growing.overrun(&budget).expect("over budget");
    assert!(
        message.contains("conversations in the system at once"),
        "{message}"
    );
    // The same load with patience stays small in memory.
    let patient = centre(1, 10, 1200.0, "100d").replace(
        "handle_time =",
        "patience = { kind = \"exponential\", mean = \"2m\" }\nhandle_time =",
    );
    let patient = Estimate::of(&scenario(&patient));
    assert!(
        patient.peak_conversations < 1_000.0,
        "{}",
        patient.peak_conversations
    );
    // A budget is a pair of limits: just under an estimate refuses, just over accepts.
    let small = Estimate::of(&scenario(&centre(1, 10, 10.0, "1d")));
    let tight = Budget {
        max_events: small.events * 0.99,
        max_memory_bytes: f64::INFINITY,
    };
    assert!(small.overrun(&tight).unwrap().contains("events (budget"));
    let loose = Budget {
        max_events: small.events * 1.01,
        max_memory_bytes: small.memory_bytes * 1.01,
    };
    assert_eq!(small.overrun(&loose), None);
}
