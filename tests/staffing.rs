//! Staffing: the simulated requirement (iterative staffing algorithm on the model) against
//! Erlang C and Erlang A on stationary queues, a day with a steep ramp verified on fresh seeds,
//! multi-session chat against the naive multi-slot Erlang figure, unreachable and invalid
//! targets, and determinism across thread counts.

use routesim::config::{parse_table, scenario_and_staffing_from_table, Origin, StaffingSpec};
use routesim::model::Scenario;
use routesim::staffing::{self, StaffingError, StaffingOptions, StaffingReport};
use routesim::sweep::Threads;

fn load(text: &str) -> (Scenario, StaffingSpec) {
    let origin = Origin {
        file: "test.toml".into(),
        base_dir: ".".into(),
    };
    let table = parse_table(text, &origin).expect("valid TOML");
    let (scenario, spec) =
        scenario_and_staffing_from_table(table, &origin).unwrap_or_else(|e| panic!("{e}"));
    (scenario, spec.expect("a [staffing] table"))
}

fn staff(text: &str, threads: Option<usize>) -> Result<StaffingReport, StaffingError> {
    let (scenario, spec) = load(text);
    staffing::staff(
        &scenario,
        &spec,
        StaffingOptions {
            threads: Threads(threads),
            ..StaffingOptions::default()
        },
    )
}

/// One stationary queue, measured as a single interval of the day ("24h"): `hours` of traffic
/// after a one-hour warm-up.
fn stationary(
    per_hour: f64,
    aht_s: f64,
    patience_s: Option<f64>,
    hours: u32,
    target: &str,
) -> String {
    let patience = patience_s
        .map(|p| format!("patience = {{ kind = \"exponential\", mean = \"{p}s\" }}"))
        .unwrap_or_default();
    format!(
        r#"
[simulation]
horizon = "{h}h"
warm_up = "1h"
interval = "24h"
seed = 7

[channels.calls]
kind = "voice"
arrivals = {{ per_hour = {per_hour} }}
handle_time = {{ kind = "exponential", mean = "{aht_s}s" }}
{patience}

[workstreams.voice]
channels = ["calls"]
allowed_presences = ["available"]
fallback_queue = "main"

[queues.main]

[agent_groups.agents]
count = 1
queues = ["main"]

[staffing]
replications = 16
{target}
"#,
        h = hours + 1
    )
}

const SL_80_20: &str = "[[staffing.targets]]\nservice_level = 0.8\nthreshold = \"20s\"";

#[test]
fn the_textbook_example_needs_51_agents() {
    let report = staff(&stationary(540.0, 300.0, None, 24, SL_80_20), None).unwrap();
    eprintln!("{:?} runs {}", report.targets[0].service_level, report.runs);
    assert_eq!(report.targets[0].erlang_c, vec![Some(51)]);
    assert_eq!(report.simulated, vec![51], "{:?}", report.isa);
}
