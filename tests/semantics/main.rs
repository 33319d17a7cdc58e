//! Scenario-level tests of the workstream settings: each one runs small inline scenarios that
//! differ in one setting and checks that the difference shows in the measures, in the
//! direction and roughly the size the product's behaviour implies. Counts are summed over a
//! few replications (seeds 1..=REPS) so that no conclusion rests on one lucky seed; the
//! margins are wide next to the effects (each is explained where it is asserted).

use std::path::PathBuf;

#[path = "../support/mod.rs"]
mod support;

use routesim::config::{parse_scenario, Origin};
use routesim::metrics::{run, RunResults, Scope};
use routesim::model::Scenario;

const REPS: u64 = 4;

/// A one-queue, one-group scenario; each part is inserted as TOML lines into its table.
fn scenario(simulation: &str, channel: &str, workstream: &str, group: &str) -> Scenario {
    let text = format!(
        r#"
[simulation]
horizon = "12h"
{simulation}

[channels.c]
{channel}

[workstreams.w]
channels = ["c"]
fallback_queue = "q"
{workstream}

[queues.q]
assignment = "round_robin"

[agent_groups.g]
queues = ["q"]
{group}
"#
    );
    let origin = Origin {
        file: "inline.toml".into(),
        base_dir: PathBuf::from("."),
    };
    match parse_scenario(&text, &origin) {
        Ok(scenario) => scenario,
        Err(error) => panic!("{error}\n{text}"),
    }
}

fn runs(scenario: &Scenario) -> Vec<RunResults> {
    (1..=REPS)
        .map(|seed| {
            let results = run(scenario, seed);
            support::assert_conserved(&results);
            results
        })
        .collect()
}

fn value(results: &RunResults, scope: Scope, name: &str, measure: &str) -> f64 {
    results
        .value(scope, name, measure)
        .unwrap_or_else(|| panic!("no measure {scope} {name} {measure}"))
}

/// Sum over replications of an overall measure.
fn total(runs: &[RunResults], measure: &str) -> f64 {
    runs.iter()
        .map(|r| value(r, Scope::Overall, "all", measure))
        .sum()
}

/// Sum over replications of a measure of group `g`.
fn group_total(runs: &[RunResults], measure: &str) -> f64 {
    runs.iter()
        .map(|r| value(r, Scope::AgentGroup, "g", measure))
        .sum()
}

/// Mean over replications of a measure of group `g`.
fn group_mean(runs: &[RunResults], measure: &str) -> f64 {
    group_total(runs, measure) / runs.len() as f64
}

const CHAT: &str = r#"kind = "live_chat"
arrivals = { per_hour = 100 }
handle_time = { kind = "exponential", mean = "5m" }"#;

/// A bundled scenario from `scenarios/`.
fn load(name: &str) -> Scenario {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    routesim::config::load_scenario(&path).unwrap_or_else(|e| panic!("{e}"))
}

mod bots;
mod examples;
mod notifications;
mod ordering;
mod overflow;
mod pick;
mod presence;
mod profiles;
mod records;
mod skills;
mod waiting;
mod wrap_up;
