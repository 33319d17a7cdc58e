//! The budget of a staffing search: `routesim staffing` and `compare --staffing` refuse a
//! search whose simulations together (the most the search can make, `staffing::most_runs`,
//! times one run's estimated events) are beyond the run budget, with exit code 2 and a
//! message saying where the count comes from; `--ignore-budget` goes ahead, and fewer
//! replications bring the same scenario within the budget.

mod support;
use support::{routesim, stderr};

use std::fs;

use routesim::budget::{Budget, Estimate, Held};
use routesim::config::{parse_table, scenario_and_staffing_from_table, Origin};
use routesim::staffing::{effective_replications, most_runs, StaffingOptions};

/// An hour of calls that one agent (the most the search may give) cannot serve: the search
/// finds the first interval unreachable after two evaluated staffings, so it ends quickly
/// whatever its budget says; the budget counts what the search could make, 608 staffings
/// (100 iterations) of 10,000 replications.
const HEAVY: &str = r#"
name = "heavy-search"

[simulation]
horizon = "1h"
seed = 4
interval = "1h"

[channels.calls]
kind = "voice"
arrivals = { per_hour = 60 }
patience = { kind = "exponential", mean = "1m" }
handle_time = { kind = "exponential", mean = "1h" }

[workstreams.voice]
channels = ["calls"]
fallback_queue = "main"

[queues.main]

[agent_groups.agents]
count = 1
queues = ["main"]

[staffing]
max_agents = 1
replications = 10000
max_iterations = 100

[[staffing.targets]]
service_level = 0.8
threshold = "20s"
"#;

#[test]
fn the_search_bound_counts_iterations_replications_and_flat_probes() {
    let origin = Origin {
        file: "heavy.toml".into(),
        base_dir: ".".into(),
    };
    let (scenario, spec) =
        scenario_and_staffing_from_table(parse_table(HEAVY, &origin).unwrap(), &origin).unwrap();
    let spec = spec.unwrap();
    // 5 x 100 ISA curves, 101 raise rounds, the verification, and flat sizing up to 2 agents
    // (2 bits: at most 6 probes): 608 staffings of 10,000 replications.
    assert_eq!(most_runs(&spec, 10_000), 6_080_000);
    assert_eq!(most_runs(&spec, 2), 1_216);
    let options = StaffingOptions {
        replications: Some(1),
        ..StaffingOptions::default()
    };
    assert_eq!(effective_replications(&spec, &options), 2, "at least 2");
    let one = Estimate::of(&scenario);
    let budget = Budget::default();
    assert!(one.overrun(&budget).is_none(), "one run is small");
    let message = one
        .overrun_of_runs(
            6_080_000,
            Held::OneRun,
            &budget,
            "the search",
            "words",
            "advice",
        )
        .expect("6 million runs are beyond the budget");
    assert!(
        message.starts_with("the search is far too large: up to 6080000 simulations (words)"),
        "{message}"
    );
    assert!(
        message.ends_with("advice, or go ahead with --ignore-budget"),
        "{message}"
    );
    assert!(one
        .overrun_of_runs(
            1_216,
            Held::OneRun,
            &budget,
            "the search",
            "words",
            "advice"
        )
        .is_none());
}

#[test]
fn staffing_and_compare_staffing_refuse_a_search_beyond_the_budget() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("heavy.toml"), HEAVY).unwrap();
    let refused = routesim(dir.path(), &["staffing", "heavy.toml", "--out", "out"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let error = stderr(&refused);
    for part in [
        "heavy.toml: the staffing search is far too large: up to 6080000 simulations (10000 replications of each staffing tried, [staffing] max_iterations = 100)",
        "(budget 1.0e9)",
        "lower [staffing] replications (or --replications) or max_iterations",
        "--ignore-budget",
    ] {
        assert!(error.contains(part), "{part:?} in {error}");
    }
    assert!(!dir.path().join("out").exists(), "nothing written");

    // The flag goes ahead: the search runs and finds the hour unreachable (exit code 4).
    let ahead = routesim(
        dir.path(),
        &["staffing", "heavy.toml", "--out", "out", "--ignore-budget"],
    );
    assert_eq!(ahead.status.code(), Some(4), "{}", stderr(&ahead));
    assert!(
        stderr(&ahead).contains("cannot be met"),
        "{}",
        stderr(&ahead)
    );
    // Proportionate: with 2 replications the same search is within the budget.
    let fewer = routesim(
        dir.path(),
        &[
            "staffing",
            "heavy.toml",
            "--out",
            "out",
            "--replications",
            "2",
        ],
    );
    assert_eq!(fewer.status.code(), Some(4), "{}", stderr(&fewer));

    let compared = routesim(
        dir.path(),
        &[
            "compare",
            "heavy.toml",
            "heavy.toml",
            "--staffing",
            "--out",
            "cmp",
        ],
    );
    assert_eq!(compared.status.code(), Some(2), "{}", stderr(&compared));
    assert!(
        stderr(&compared).contains("up to 24320000 simulations (10000 replications of each staffing tried, [staffing] max_iterations = 100, in 4 batches)"),
        "{}",
        stderr(&compared)
    );
}
