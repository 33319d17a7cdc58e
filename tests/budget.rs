//! Budgets before the run: the estimate of a run's events and memory follows the real counts
//! of the bundled scenarios, and the cases the hardening issue found (a 1 ms interval, 10^8
//! agents, 10^9 arrivals an hour, /dev/zero as arrivals, 10^9 away episodes an hour, a
//! 100,000-day horizon) are refused before anything runs, with a message, exit code 2.

use std::path::Path;

use routesim::budget::{Budget, Estimate, Held};
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
        // Agents in a few queues each, queues of tens of agents: visiting memberships and
        // ranking agents one by one are a small part of the work.
        assert!(
            estimate.membership_work + estimate.ranking_work < 0.5 * estimate.events,
            "{name}: membership work {} and ranking work {} against {} events",
            estimate.membership_work,
            estimate.ranking_work,
            estimate.events
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

/// The rows of interval figures the estimate counts (which the memory estimate rests on) are
/// those a run reports, or a few more: every entity's measures, each threshold's two service
/// levels, every group's, in every interval kept.
#[test]
fn the_estimate_counts_the_interval_rows_a_run_reports() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mmc = std::fs::read_to_string(root.join("scenarios/mmc.toml")).unwrap();
    let mmc_day = mmc.replacen("horizon = \"7d\"", "horizon = \"1d\"", 1);
    assert_ne!(mmc, mmc_day);
    let apart = mmc_day.replacen(
        "horizon = \"1d\"",
        "horizon = \"3d\"\nreport_days = \"apart\"",
        1,
    );
    let full = std::fs::read_to_string(root.join("scenarios/full_featured.toml")).unwrap();
    for (name, text) in [
        ("mmc day", &mmc_day),
        ("mmc 3 days apart", &apart),
        ("full-featured", &full),
    ] {
        let scenario = scenario(text);
        let estimate = Estimate::of(&scenario);
        let rows = routesim::metrics::run(&scenario, 1).intervals.len() as f64;
        assert!(
            rows <= estimate.interval_rows && estimate.interval_rows <= 1.25 * rows,
            "{name}: {rows} interval rows, estimated {}",
            estimate.interval_rows
        );
        assert_eq!(
            estimate.results_bytes,
            estimate.interval_rows * 450.0,
            "{name}"
        );
    }
    // Days kept apart are kept in full: three days, three times the rows and their memory.
    let folded = Estimate::of(&scenario(&mmc_day));
    let three = Estimate::of(&scenario(&apart));
    assert_eq!(three.intervals_kept, 3.0 * folded.intervals_kept);
    assert_eq!(three.interval_rows, 3.0 * folded.interval_rows);
    assert!(three.memory_bytes > folded.memory_bytes + 2.0 * folded.results_bytes);
}

/// Runs held together hold one run's memory plus what is kept of each other: a replicated run
/// the values of every row, a check the summary rows; runs one after another (a staffing
/// search) hold one run's. At the last count within the memory budget the runs are accepted,
/// one more is refused, and the message says what is held.
#[test]
fn runs_held_together_are_refused_on_memory_by_what_they_keep() {
    let day =
        centre(1, 50, 540.0, "1d").replacen("[simulation]", "[simulation]\ninterval = \"1m\"", 1);
    let estimate = Estimate::of(&scenario(&day));
    let budget = Budget {
        max_events: f64::INFINITY,
        ..Budget::default()
    };
    assert!(estimate.overrun(&budget).is_none());
    let refuse = |runs, held| {
        estimate.overrun_of_runs(
            runs,
            held,
            &budget,
            "the runs",
            "one per replication",
            "fewer",
        )
    };
    let mut kept_per_run = Vec::new();
    for (held, words) in [
        (
            Held::Values,
            "interval and summary rows each, held together",
        ),
        (Held::Summaries, "summary rows each, held together"),
    ] {
        let per_run = estimate.memory_of_runs(3, held) - estimate.memory_of_runs(2, held);
        assert!(per_run > 0.0, "{held:?}");
        // What is kept of a run is far less than the run's own results.
        assert!(
            per_run < estimate.results_bytes / 10.0,
            "{held:?}: {per_run}"
        );
        let most = 1
            + ((budget.max_memory_bytes - estimate.memory_of_runs(1, held)) / per_run).floor()
                as u64;
        assert!(
            estimate.memory_of_runs(most, held) <= budget.max_memory_bytes
                && estimate.memory_of_runs(most + 1, held) > budget.max_memory_bytes
        );
        assert_eq!(refuse(most, held), None, "{held:?}");
        let message = refuse(most + 1, held).expect("over budget");
        assert!(message.contains(words), "{held:?}: {message}");
        assert!(!message.contains("events in all"), "{message}");
        kept_per_run.push(per_run);
    }
    // A check keeps less of each run than a replicated run, which keeps every interval.
    assert!(kept_per_run[1] < kept_per_run[0]);
    // One after another, any number of runs holds one run's memory.
    assert_eq!(
        estimate.memory_of_runs(1_000_000, Held::OneRun),
        estimate.memory_bytes
    );
    assert_eq!(refuse(1_000_000, Held::OneRun), None);
}
