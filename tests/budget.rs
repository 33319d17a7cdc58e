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
