//! Unit tests of sweep specs: axes, ranges, variants, references and their messages.

use super::*;
use std::path::PathBuf;

const SCENARIO: &str = r#"
[simulation]
horizon = "8h"
seed = 5

[channels.chat]
kind = "live_chat"
arrivals = { per_hour = 60 }
handle_time = { kind = "exponential", mean = "5m" }

[workstreams.messaging]
channels = ["chat"]
fallback_queue = "sales"

[queues.sales]
assignment = "round_robin"

[agent_groups.tier1]
count = 5
queues = ["sales"]
"#;

#[test]
fn huge_ranges_are_refused_not_overflowed() {
    let range = |text: &str| range_values(&text.parse::<Table>().unwrap());
    // Found by the fuzz test: a float `to` far beyond any count once panicked.
    let err = range("from = 8\nstep = 2\nto = 11e92").unwrap_err();
    assert!(err.contains("more than the"), "{err}");
    let err = range(&format!("from = {}\nstep = 1\nto = {}", i64::MIN, i64::MAX)).unwrap_err();
    assert!(err.contains("more than the"), "{err}");
    assert_eq!(range("from = 8\nstep = 2\nto = 11").unwrap().len(), 2);
}

fn origin() -> Origin {
    Origin {
        file: "scenarios/s.toml".into(),
        base_dir: PathBuf::from("scenarios"),
    }
}

fn sweep(spec: &str) -> Result<Sweep, SweepError> {
    sweep_from_text(
        &format!("{SCENARIO}\n{spec}"),
        &origin(),
        SpecOverrides::default(),
    )
}

#[track_caller]
fn check_error(spec: &str, expected: &[&str]) {
    let error = sweep(spec)
        .expect_err("the spec should be rejected")
        .to_string();
    for fragment in expected {
        assert!(
            error.contains(fragment),
            "error {error:?} lacks {fragment:?}"
        );
    }
    assert!(error.contains("scenarios/s.toml: "), "{error}");
}

#[test]
fn a_grid_is_the_cartesian_product_with_the_last_axis_fastest() {
    let sweep = sweep(
        r#"
[sweep]
replications = 3
axes.agent_groups.tier1.count = { from = 4, to = 8, step = 2 }
axes."queues.sales.assignment" = ["round_robin", "least_active"]
"#,
    )
    .unwrap();
    let layout = &sweep.layout;
    assert_eq!(
        layout.axes,
        ["agent_groups.tier1.count", "queues.sales.assignment"]
    );
    let cells: Vec<Vec<&str>> = layout
        .points
        .iter()
        .map(|p| p.values.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        cells,
        [
            ["4", "round_robin"],
            ["4", "least_active"],
            ["6", "round_robin"],
            ["6", "least_active"],
            ["8", "round_robin"],
            ["8", "least_active"]
        ]
    );
    assert_eq!(
        layout.points[1].label,
        "agent_groups.tier1.count=4 queues.sales.assignment=least_active"
    );
    let counts: Vec<u32> = sweep
        .scenarios
        .iter()
        .map(|s| s.agent_groups[0].count)
        .collect();
    assert_eq!(counts, [4, 4, 6, 6, 8, 8]);
    assert_eq!(
        (layout.replications, layout.base_seed(), layout.reference),
        (3, 5, 0)
    );
}

#[test]
fn variants_cross_the_grid_and_the_reference_can_be_named() {
    let sweep = sweep(
        r#"
[sweep]
reference = "big"
axes."queues.sales.assignment" = ["round_robin", "least_active"]
[[sweep.variants]]
name = "small"
set = { agent_groups.tier1.count = 3 }
[[sweep.variants]]
name = "big"
set = { "agent_groups.tier1.count" = 9, "simulation.warm_up" = "1h" }
"#,
    )
    .unwrap();
    let labels: Vec<&str> = sweep
        .layout
        .points
        .iter()
        .map(|p| p.label.as_str())
        .collect();
    assert_eq!(labels[2], "big queues.sales.assignment=round_robin");
    assert_eq!(sweep.layout.reference, 2);
    assert_eq!(sweep.scenarios[3].agent_groups[0].count, 9);
    assert_eq!(sweep.scenarios[0].agent_groups[0].count, 3);
    assert_eq!(sweep.layout.replications, DEFAULT_REPLICATIONS);
}

#[test]
fn a_reference_can_be_given_by_axis_values() {
    let sweep = sweep("[sweep]\nreference = { agent_groups.tier1.count = 6 }\naxes.agent_groups.tier1.count = [4, 5, 6, 7]\n").unwrap();
    assert_eq!(sweep.layout.reference, 2);
}

#[test]
fn float_ranges_include_their_end() {
    let values =
        range_values(&"from = 0.1\nto = 0.7\nstep = 0.2".parse::<Table>().unwrap()).unwrap();
    assert_eq!(values.len(), 4);
    let shown: Vec<String> = values.iter().map(display_value).collect();
    assert_eq!(shown, ["0.1", "0.3", "0.5", "0.7"]);
}

#[test]
fn a_scenario_without_a_sweep_table_is_one_point() {
    let sweep = sweep("").unwrap();
    assert_eq!(sweep.layout.points.len(), 1);
    assert_eq!(sweep.layout.points[0].label, "base");
}

#[test]
fn the_fingerprint_changes_with_any_swept_input_but_not_with_comments() {
    let a = sweep("[sweep]\naxes.agent_groups.tier1.count = [4, 5]\n")
        .unwrap()
        .layout
        .fingerprint;
    let commented = sweep("# a comment\n[sweep]\naxes.agent_groups.tier1.count = [4, 5]\n")
        .unwrap()
        .layout
        .fingerprint;
    let other_values = sweep("[sweep]\naxes.agent_groups.tier1.count = [4, 6]\n")
        .unwrap()
        .layout
        .fingerprint;
    let other_seed = sweep("[sweep]\nbase_seed = 9\naxes.agent_groups.tier1.count = [4, 5]\n")
        .unwrap()
        .layout
        .fingerprint;
    let other_reps = sweep("[sweep]\nreplications = 3\naxes.agent_groups.tier1.count = [4, 5]\n")
        .unwrap()
        .layout
        .fingerprint;
    assert_eq!(a, commented);
    for other in [other_values, other_seed, other_reps] {
        assert_ne!(a, other);
    }
}

#[test]
fn bad_specs_name_the_field_and_what_was_expected() {
    check_error(
        "[sweep]\naxes.agent_groups.tier9.count = [1, 2]",
        &[
            "sweep.axes.agent_groups.tier9.count",
            "`agent_groups` has no `tier9` (it has: tier1)",
        ],
    );
    check_error(
        "[sweep]\naxes.agent_groups.tier1.count = 4",
        &[
            "sweep.axes.agent_groups.tier1.count",
            "expected a list of values",
        ],
    );
    check_error(
        "[sweep]\naxes.agent_groups.tier1.count = []",
        &["at least one value"],
    );
    check_error(
        "[sweep]\naxes.agent_groups.tier1.count = { from = 5, to = 1, step = 1 }",
        &["`to` (1) is below `from` (5)"],
    );
    check_error(
        "[sweep]\naxes.agent_groups.tier1.count = { from = 1, to = 5, step = 0 }",
        &["step must be above 0"],
    );
    check_error(
        "[sweep]\naxes.agent_groups.tier1.count = { from = 1, to = 5 }",
        &["`step` is missing"],
    );
    check_error(
        "[sweep]\naxes.simulation.seed = [1, 2]",
        &["sweep.base_seed"],
    );
    check_error(
        "[sweep]\naxes.\"queues.sales.assignment[0]\" = [1]",
        &["`queues.sales.assignment` is the text \"round_robin\", not a list"],
    );
    check_error(
        "[sweep]\nreplications = 0",
        &["sweep.replications", "at least 1"],
    );
    check_error(
        "[sweep]\nreplicatons = 3",
        &["sweep.replicatons", "unknown key"],
    );
    check_error(
        "[sweep]\nreference = \"nope\"",
        &["sweep.reference", "no variant is named \"nope\""],
    );
    check_error(
        "[sweep]\nreference = { agent_groups.tier1.count = 4 }",
        &["not one of the sweep's axes"],
    );
    check_error(
        "[[sweep.variants]]\nset = { agent_groups.tier1.count = 3 }",
        &["sweep.variants[0].name", "needs a name"],
    );
}

#[test]
fn bad_swept_values_get_the_scenario_message_and_the_point() {
    let error = sweep("[sweep]\naxes.agent_groups.tier1.count = [4, -1]\naxes.\"queues.sales.assignment\" = [\"round_robin\"]\n")
        .expect_err("a negative count is invalid")
        .to_string();
    assert!(error.starts_with("sweep point 1 (agent_groups.tier1.count=-1 queues.sales.assignment=round_robin): scenarios/s.toml: agent_groups.tier1.count"), "{error}");
    let error = sweep("[sweep]\naxes.\"queues.sales.assignment\" = [\"random\"]\n")
        .expect_err("unknown method")
        .to_string();
    assert!(
        error.contains("queues.sales.assignment: unknown assignment method \"random\""),
        "{error}"
    );
    let error = sweep("[sweep]\naxes.agent_groups.tier1.cuont = [4]\n")
        .expect_err("unknown field")
        .to_string();
    assert!(error.contains("cuont"), "{error}");
}

#[test]
fn a_spec_file_names_its_scenario_relative_to_itself() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), SCENARIO).unwrap();
    let spec = dir.path().join("spec.toml");
    std::fs::write(&spec, "scenario = \"s.toml\"\n[sweep]\nreplications = 2\naxes.agent_groups.tier1.count = [4, 5]\n").unwrap();
    let sweep = load_sweep(
        &spec,
        SpecOverrides {
            replications: Some(4),
        },
    )
    .unwrap();
    assert_eq!(
        (
            sweep.layout.points.len(),
            sweep.layout.replications,
            sweep.layout.scenario.as_str()
        ),
        (2, 4, "s")
    );
    std::fs::write(
        &spec,
        "scenario = \"s.toml\"\nsimulation.horizon = \"1h\"\n",
    )
    .unwrap();
    let error = load_sweep(&spec, SpecOverrides::default())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("spec.toml: simulation: unknown key"),
        "{error}"
    );
    std::fs::write(&spec, "scenario = \"missing.toml\"\n").unwrap();
    let error = load_sweep(&spec, SpecOverrides::default())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("spec.toml: scenario: cannot read the scenario file ")
            && error.contains("missing.toml: "),
        "{error}"
    );
}
