//! Warnings: each one fires on the situation it describes and stays quiet without it, and the
//! binary prints them on stderr without changing its exit code.

mod support;
use support::routesim_in as routesim;

use std::fs;

use routesim::config::{default_scenario, parse_scenario, Origin};
use routesim::metrics;
use routesim::model::Scenario;
use routesim::warnings::{
    run_warnings, same_after_defaults, scenario_warnings, Warning, WarningKind,
};

fn scenario(text: &str) -> Scenario {
    let origin = Origin {
        file: "test.toml".into(),
        base_dir: ".".into(),
    };
    parse_scenario(text, &origin).unwrap_or_else(|e| panic!("{e}"))
}

fn of_kind(warnings: &[Warning], kind: WarningKind) -> Vec<String> {
    warnings
        .iter()
        .filter(|w| w.kind == kind)
        .map(|w| w.message.clone())
        .collect()
}

/// Chat around the clock at 20/h; `extra` is spliced into the agent group.
fn centre(group: &str, extra_sections: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "24h"

[channels.chat]
kind = "live_chat"
arrivals = {{ per_hour = 20 }}
patience = {{ kind = "exponential", mean = "3m" }}
handle_time = {{ kind = "exponential", mean = "5m" }}

[workstreams.chat]
channels = ["chat"]
fallback_queue = "chat"
{extra_sections}

[queues.chat]

[agent_groups.team]
count = 5
queues = ["chat"]
{group}
"#
    )
}

#[test]
fn arrivals_while_nobody_is_at_work_are_warned_about_with_the_hours() {
    let night_off = scenario(&centre(r#"shift = { start = "08:00", end = "20:00" }"#, ""));
    let found = of_kind(
        &scenario_warnings(&night_off),
        WarningKind::DemandWithoutAgents,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    // 12 hours at 20/h.
    assert!(
        found[0].starts_with("channels.chat: about 240 conversations over the run arrive when no agent who can take them is at work (20:00-08:00 each day"),
        "{}",
        found[0]
    );
    assert!(
        found[0].contains("abandon when their patience runs out"),
        "{}",
        found[0]
    );

    // A break taken by the whole group leaves its half hour uncovered.
    let with_break = scenario(&centre(
        r#"shift = { start = "00:00", end = "23:59", breaks = [{ start = "12:00", end = "12:30" }] }"#,
        "",
    ));
    let found = of_kind(
        &scenario_warnings(&with_break),
        WarningKind::DemandWithoutAgents,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("(12:00-12:30 each day"), "{}", found[0]);

    // ...unless the workstream lets agents on a break (Away) take work.
    let away_allowed = centre(
        r#"shift = { start = "00:00", end = "23:59", breaks = [{ start = "12:00", end = "12:30" }] }"#,
        r#"allowed_presences = ["available", "busy", "away"]"#,
    );
    assert!(of_kind(
        &scenario_warnings(&scenario(&away_allowed)),
        WarningKind::DemandWithoutAgents
    )
    .is_empty());

    // Shift edges count to the minute, whatever the report's interval (an hour here): the
    // shift ends at 20:20, not at the end of the 20:00 interval.
    let hourly = centre(r#"shift = { start = "08:00", end = "20:20" }"#, "").replacen(
        "horizon = \"24h\"",
        "horizon = \"24h\"\ninterval = \"1h\"",
        1,
    );
    let found = of_kind(
        &scenario_warnings(&scenario(&hourly)),
        WarningKind::DemandWithoutAgents,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    // 11 h 40 min at 20/h.
    assert!(
        found[0].starts_with("channels.chat: about 233 conversations over the run arrive when no agent who can take them is at work (20:20-08:00 each day"),
        "{}",
        found[0]
    );

    // Round the clock: nothing to say.
    assert!(scenario_warnings(&scenario(&centre("", ""))).is_empty());
}

#[test]
fn a_warm_up_and_a_curve_with_no_night_demand_are_taken_into_account() {
    // No arrivals at night: agents off at night are not a problem.
    let rates: Vec<&str> = (0..24)
        .map(|h| if (8..20).contains(&h) { "20" } else { "0" })
        .collect();
    let text = centre(r#"shift = { start = "08:00", end = "20:00" }"#, "").replace(
        "arrivals = { per_hour = 20 }",
        &format!("arrivals = {{ rates_per_hour = [{}] }}", rates.join(", ")),
    );
    assert!(scenario_warnings(&scenario(&text)).is_empty());
    // Nobody before 08:00, but the run measures from 08:00 and ends at 20:00.
    let text = centre(r#"shift = { start = "08:00", end = "20:00" }"#, "")
        .replace("horizon = \"24h\"", "horizon = \"20h\"\nwarm_up = \"8h\"");
    assert!(scenario_warnings(&scenario(&text)).is_empty());
}

#[test]
fn a_queue_no_group_serves_is_warned_about() {
    let text = centre("", "").replace("[queues.chat]", "[queues.chat]\n[queues.orphan]");
    let found = of_kind(
        &scenario_warnings(&scenario(&text)),
        WarningKind::QueueNotServed,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("queues.orphan: no agent group serves this queue"),
        "{}",
        found[0]
    );
    // Routed there, its conversations also have nobody at any hour.
    let text = text.replace("fallback_queue = \"chat\"", "fallback_queue = \"orphan\"");
    let all = scenario_warnings(&scenario(&text));
    let demand = of_kind(&all, WarningKind::DemandWithoutAgents);
    assert!(
        demand[0].contains("no agent group serves the queues they reach (all day)"),
        "{demand:?}"
    );
}

#[test]
fn required_skills_no_serving_agent_has_are_warned_about() {
    let with_rule = |rating: u32, matching: &str| {
        centre(
            "skills = { french = 2, english = 5 }",
            &format!(
                "skill_matching = \"{matching}\"\n[[workstreams.chat.classification]]\nskills = {{ french = {rating} }}"
            ),
        )
    };
    let found = of_kind(
        &scenario_warnings(&scenario(&with_rule(3, "exact"))),
        WarningKind::SkillsNobodyHas,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("workstreams.chat.classification[0]: requires \"french\" at 3, which no agent group serving this workstream's queues has"),
        "{}",
        found[0]
    );
    assert!(scenario_warnings(&scenario(&with_rule(2, "exact"))).is_empty());
    // Closest match does not filter: the items are still assigned.
    assert!(scenario_warnings(&scenario(&with_rule(3, "closest"))).is_empty());
}

#[test]
fn picking_always_that_stops_when_the_agent_is_full_is_warned_about() {
    let pick = |when: &str, workstream: &str, simulation: &str| {
        let text = centre(
            &format!(
                "capacity_units = 2\npicking = {{ think_time = {{ kind = \"constant\", value = \"10s\" }}, when = \"{when}\" }}"
            ),
            &format!("mode = \"pick\"\n{workstream}"),
        );
        let text = text.replacen(
            "horizon = \"24h\"",
            &format!("horizon = \"24h\"\n{simulation}"),
            1,
        );
        of_kind(
            &scenario_warnings(&scenario(&text)),
            WarningKind::PickingStopsWhenFull,
        )
    };
    // The default allowed presences leave out Busy-DND, a full agent's presence.
    let found = pick("always", "", "");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("agent_groups.team.picking.when: \"always\" lets an agent pick beyond its capacity, but a full agent is busy_dnd"),
        "{}",
        found[0]
    );
    assert!(
        found[0].contains("workstreams.chat.allowed_presences"),
        "{}",
        found[0]
    );
    let allowed = r#"allowed_presences = ["available", "busy", "busy_dnd"]"#;
    assert!(pick("always", allowed, "").is_empty());
    assert!(pick("free_capacity", "", "").is_empty());
    // A full agent that stays Busy may go on picking under the default presences.
    assert!(pick("always", "", "full_capacity_presence = \"busy\"").is_empty());
}

#[test]
fn affinity_on_a_workstream_whose_conversations_never_resume_is_warned_about() {
    let with = |kind: &str, affinity: &str| {
        let text = centre("", affinity).replacen("kind = \"live_chat\"", kind, 1);
        of_kind(
            &scenario_warnings(&scenario(&text)),
            WarningKind::AffinityWithoutResumes,
        )
    };
    let found = with("kind = \"live_chat\"", "affinity = true");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .starts_with("workstreams.chat.affinity: on, but its channels are live chat or voice"),
        "{}",
        found[0]
    );
    assert_eq!(with("kind = \"voice\"", "affinity = true").len(), 1);
    assert!(with("kind = \"live_chat\"", "").is_empty());
    // SMS can go Waiting and resume: affinity is its default.
    assert!(with("kind = \"sms\"", "affinity = true").is_empty());
}

#[test]
fn auto_close_on_a_workstream_whose_conversations_never_wait_is_warned_about() {
    let with = |kind: &str, ws: &str| {
        let text = centre("", ws).replacen("kind = \"live_chat\"", kind, 1);
        of_kind(
            &scenario_warnings(&scenario(&text)),
            WarningKind::AutoCloseWithoutWaiting,
        )
    };
    let found = with("kind = \"live_chat\"", "auto_close_after = \"2h\"");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "workstreams.chat.auto_close_after: set, but none of its channels goes Waiting"
        ),
        "{}",
        found[0]
    );
    // The default is no setting to warn about.
    assert!(with("kind = \"live_chat\"", "").is_empty());
    // SMS without `waiting` never waits either; with it, auto-close has work.
    assert_eq!(with("kind = \"sms\"", "auto_close_after = \"2h\"").len(), 1);
    let waits = "kind = \"sms\"\nwaiting = { probability = 0.3, resume_delay = { kind = \"exponential\", mean = \"1h\" } }";
    assert!(with(waits, "auto_close_after = \"2h\"").is_empty());
}

#[test]
fn utilization_above_100_percent_is_warned_about_with_its_cause() {
    // The default scenario: affinity sends resumed SMS and WhatsApp conversations back to
    // full agents.
    let default = default_scenario().unwrap();
    let results = metrics::run(&default, default.simulation.seed);
    let found = of_kind(
        &run_warnings(&default, &results),
        WarningKind::OverUtilization,
    );
    assert!(!found.is_empty());
    for message in &found {
        assert!(message.contains("utilization reaches 1"), "{message}");
        assert!(message.contains("by affinity"), "{message}");
    }
    // Push without affinity never exceeds capacity: no warning.
    let plain = scenario(&centre("", ""));
    let results = metrics::run(&plain, 1);
    assert!(run_warnings(&plain, &results).is_empty());
}

#[test]
fn scenarios_that_differ_only_in_written_defaults_are_the_same() {
    let a = scenario(&centre("", ""));
    let spelled_out = centre("capacity_units = 1", "mode = \"push\"")
        .replace(
            "[queues.chat]",
            "[queues.chat]\nassignment = \"highest_capacity\"\npriority = 0",
        )
        .replace(
            "horizon = \"24h\"",
            "horizon = \"24h\"\nseed = 99\ninterval = \"15m\"",
        );
    assert!(same_after_defaults(&a, &scenario(&spelled_out)));
    let different = centre("", "").replace("count = 5", "count = 6");
    assert!(!same_after_defaults(&a, &scenario(&different)));
}

#[test]
fn the_binary_prints_warnings_on_stderr_and_keeps_its_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.toml"),
        centre(r#"shift = { start = "08:00", end = "20:00" }"#, ""),
    )
    .unwrap();
    fs::write(
        dir.path().join("b.toml"),
        centre(
            r#"shift = { start = "08:00", end = "20:00" }"#,
            "mode = \"push\"",
        ),
    )
    .unwrap();
    let run = routesim(
        &["run", "a.toml", "--out", "out", "--charts", "none"],
        dir.path(),
    );
    assert_eq!(run.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.starts_with("warning: channels.chat: about 240 conversations"),
        "{stderr}"
    );
    // The page shows the same warnings as the terminal.
    let page = fs::read_to_string(dir.path().join("out/report.html")).unwrap();
    assert!(
        page.contains("Warning: channels.chat: about 240 conversations"),
        "the warning is not on the page"
    );

    let validate = routesim(&["validate", "a.toml"], dir.path());
    assert_eq!(validate.status.code(), Some(0));
    // `validate` may check several files at once: its warnings name the file.
    assert!(
        String::from_utf8_lossy(&validate.stderr).contains("warning: a.toml: channels.chat"),
        "{}",
        String::from_utf8_lossy(&validate.stderr)
    );

    let compare = routesim(
        &[
            "compare",
            "a.toml",
            "b.toml",
            "--replications",
            "3",
            "--out",
            "cmp",
        ],
        dir.path(),
    );
    assert_eq!(
        compare.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&compare.stderr)
    );
    assert!(
        String::from_utf8_lossy(&compare.stderr).contains(
            "warning: a.toml and b.toml are the same scenario once defaults are filled in"
        ),
        "{}",
        String::from_utf8_lossy(&compare.stderr)
    );
    fs::write(
        dir.path().join("c.toml"),
        centre(r#"shift = { start = "08:00", end = "21:00" }"#, ""),
    )
    .unwrap();
    let compare = routesim(
        &[
            "compare",
            "a.toml",
            "c.toml",
            "--replications",
            "3",
            "--out",
            "cmp2",
        ],
        dir.path(),
    );
    assert!(!String::from_utf8_lossy(&compare.stderr).contains("same scenario"));
}

#[test]
fn a_custom_wrap_up_block_outside_the_products_range_is_warned_about() {
    let with = |setting: &str| {
        let text = centre("", &format!("wrap_up_blocking = \"{setting}\""));
        of_kind(
            &scenario_warnings(&scenario(&text)),
            WarningKind::WrapUpBlockOutsideRange,
        )
    };
    let found = with("90m");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .starts_with("workstreams.chat.wrap_up_blocking: 5400s is outside the 30 s to 60 min"),
        "{}",
        found[0]
    );
    assert_eq!(with("10s").len(), 1);
    // The range's ends and what lies between are what the product offers; so are the other
    // two settings.
    for inside in ["30s", "5m", "60m", "1h", "always", "never"] {
        assert!(with(inside).is_empty(), "{inside}");
    }
}
