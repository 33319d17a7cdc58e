//! Tests of scenario loading: every problem is reported with its path, and valid files become
//! the scenario they describe.

use super::*;

const MINIMAL: &str = r#"
[simulation]
horizon = "8h"

[channels.chat]
kind = "live_chat"
arrivals = { per_hour = 60 }
handle_time = { kind = "exponential", mean = "5m" }
variables.language = { values = ["en", "fr"], weights = [3, 1] }

[workstreams.messaging]
channels = ["chat"]
fallback_queue = "sales"

[[workstreams.messaging.routing]]
queue = "support"
when = [{ variable = "language", equals = "fr" }]

[queues.sales]
[queues.support]

[agent_groups.tier1]
count = 5
queues = ["sales", "support"]
"#;

fn origin() -> Origin {
    Origin {
        file: "scenarios/x.toml".into(),
        base_dir: PathBuf::from("scenarios"),
    }
}

/// Applies `edit` (old, new) to the minimal scenario and returns the error text.
#[track_caller]
fn check_error(edit: (&str, &str), expected: &[&str]) {
    assert!(
        MINIMAL.contains(edit.0),
        "edit target {:?} not in the minimal scenario",
        edit.0
    );
    let text = MINIMAL.replacen(edit.0, edit.1, 1);
    let error = parse_scenario(&text, &origin())
        .expect_err("scenario should be rejected")
        .to_string();
    for fragment in expected {
        assert!(
            error.contains(fragment),
            "error {error:?} lacks {fragment:?}"
        );
    }
    assert!(error.starts_with("scenarios/x.toml: "), "{error}");
}

#[test]
fn the_minimal_scenario_is_valid_and_resolves_names_to_ids() {
    let scenario = parse_scenario(MINIMAL, &origin()).unwrap();
    assert_eq!(scenario.name, "x");
    assert_eq!(
        scenario
            .queues
            .iter()
            .map(|q| q.name.as_str())
            .collect::<Vec<_>>(),
        ["sales", "support"]
    );
    let workstream = &scenario.workstreams[0];
    assert_eq!(workstream.fallback_queue.index(), 0);
    assert_eq!(workstream.routing[0].queue.index(), 1);
    assert_eq!(scenario.simulation.service_level_thresholds.len(), 2);
    assert_eq!(scenario.agent_groups[0].queues.len(), 2);
}

#[test]
fn bad_values_are_reported_with_file_and_field_path() {
    check_error(("fallback_queue = \"sales\"", "fallback_queue = \"billing\""), &[
        "workstreams.messaging.fallback_queue: unknown queue \"billing\" (known: \"sales\", \"support\")",
    ]);
    check_error(
        ("per_hour = 60", "per_hour = -3"),
        &["channels.chat.arrivals.per_hour: expected a rate of zero or more"],
    );
    check_error(
        ("count = 5", "count = 0"),
        &["agent_groups.tier1.count: an agent group needs at least 1 agent, got 0"],
    );
    check_error(
        ("mean = \"5m\"", "mean = 5"),
        &["channels.chat.handle_time: mean: expected a duration with a unit"],
    );
    check_error(
        ("horizon = \"8h\"", "horizon = \"8 hours\""),
        &["simulation.horizon: expected a duration with a unit"],
    );
    check_error(("equals = \"fr\"", "equals = \"de\""), &[
        "workstreams.messaging.routing[0].when[0]: \"de\" is never a value of variable \"language\"",
    ]);
    check_error(
        ("kind = \"live_chat\"", "kind = \"pigeon\""),
        &["channels.chat.kind: unknown channel kind \"pigeon\""],
    );
    check_error(
        (
            "kind = \"exponential\"",
            "kind = \"exponential\", sd = \"1m\"",
        ),
        &["channels.chat.handle_time: `sd` does not apply to a exponential distribution"],
    );
}

#[test]
fn unknown_fields_are_errors_with_their_path() {
    check_error(("count = 5", "count = 5\ncapacity = 3"), &["agent_groups.tier1.capacity: unknown field `capacity`, expected one of `count`, `capacity_units`"]);
    check_error(
        ("horizon = \"8h\"", "horizon = \"8h\"\nhorizn = \"9h\""),
        &["simulation.horizn: unknown field `horizn`"],
    );
}

#[test]
fn a_staffing_table_of_the_wrong_shape_is_reported_at_its_field_not_as_an_unknown_table() {
    // The [staffing] table is known: a shape error inside it names the field inside it (it
    // was reported as "unknown field `staffing`" at the top of the file).
    let staffing = |table: &str| {
        (
            "[queues.sales]",
            format!("[staffing]\n{table}\n[queues.sales]"),
        )
    };
    for (table, expected) in [
        (
            "targets = { service_level = 0.8 }",
            "staffing.targets: invalid type: map, expected a list",
        ),
        (
            "shrinkge = 0.3",
            "staffing.shrinkge: unknown field `shrinkge` (did you mean `shrinkage`?)",
        ),
        (
            "[[staffing.targets]]\nservice_level = \"x\"",
            "staffing.targets[0].service_level: invalid type: string \"x\", expected a number",
        ),
    ] {
        let (old, new) = staffing(table);
        check_error((old, &new), &[expected]);
        let error = parse_scenario(&MINIMAL.replacen(old, &new, 1), &origin()).unwrap_err();
        assert!(
            !error.to_string().contains("unknown field `staffing`"),
            "{error}"
        );
    }
}

#[test]
fn malformed_toml_is_a_syntax_error_with_a_line_number() {
    check_error(
        ("[queues.sales]", "[queues.sales"),
        &["not valid TOML", "line"],
    );
}

/// A value the parser cannot read (an integer beyond TOML's 64 bits, an unclosed string) is a
/// syntax error, so no table says where it is: the error still names the field path, from the
/// lines above it, and says the range in words.
#[test]
fn a_value_that_does_not_parse_names_its_field_path() {
    let text = MINIMAL.replacen("count = 5", "count = 99999999999999999999", 1);
    let error = parse_scenario(&text, &origin()).unwrap_err().to_string();
    let group = MINIMAL[..MINIMAL.find("count = 5").unwrap()]
        .rsplit("[agent_groups.")
        .next()
        .and_then(|rest| rest.split(']').next())
        .unwrap();
    assert!(
        error.starts_with(&format!(
            "{}: agent_groups.{group}.count: not valid TOML: ",
            origin().file
        )),
        "{error}"
    );
    assert!(
        error.contains("the integer 99999999999999999999 is beyond TOML's range")
            && !error.contains("i128"),
        "{error}"
    );
}

/// A syntax error inside an array written over several lines (a planner's hourly rates, one
/// row a line) names the element, as a type error there does.
#[test]
fn a_syntax_error_in_a_multi_line_array_names_the_element() {
    let text = MINIMAL.replacen(
        "arrivals = { per_hour = 60 }",
        "arrivals = { rates_per_hour = [\n  10, 20,\n  30 40,\n] }",
        1,
    );
    assert_ne!(text, MINIMAL, "the scenario's arrivals line moved");
    let error = parse_scenario(&text, &origin()).unwrap_err().to_string();
    assert!(
        error.contains(": channels.chat.arrivals.rates_per_hour[2]: not valid TOML: ")
            && error.contains("line "),
        "{error}"
    );
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let text = MINIMAL
        .replace("fallback_queue = \"sales\"", "fallback_queue = \"nowhere\"")
        .replace("count = 5", "count = -1")
        .replace("queue = \"support\"", "queue = \"elsewhere\"");
    let error = parse_scenario(&text, &origin()).unwrap_err();
    let paths: Vec<&str> = error.issues().iter().map(|i| i.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "workstreams.messaging.fallback_queue",
            "workstreams.messaging.routing[0].queue",
            "agent_groups.tier1.count"
        ]
    );
}

#[test]
fn a_missing_csv_file_names_the_field_and_the_file() {
    check_error(
        (
            "arrivals = { per_hour = 60 }",
            "arrivals = { csv = \"curve.csv\", column = \"chat\" }",
        ),
        &["channels.chat.arrivals.csv: cannot read CSV file scenarios/curve.csv: no such file"],
    );
}

#[test]
fn shifts_and_breaks_are_checked() {
    let with_shift =
        |shift: &str| MINIMAL.replace("count = 5", &format!("count = 5\nshift = {shift}"));
    let ok = parse_scenario(
        &with_shift(
            r#"{ start = "22:00", end = "06:00", breaks = [{ start = "02:00", end = "02:30" }] }"#,
        ),
        &origin(),
    );
    assert_eq!(
        ok.unwrap().agent_groups[0]
            .shift
            .as_ref()
            .unwrap()
            .breaks
            .len(),
        1
    );
    let error = parse_scenario(
        &with_shift(
            r#"{ start = "08:00", end = "16:00", breaks = [{ start = "17:00", end = "17:30" }] }"#,
        ),
        &origin(),
    )
    .unwrap_err()
    .to_string();
    assert!(error.contains("agent_groups.tier1.shift.breaks[0]: the break 17:00 to 17:30 must lie strictly inside the shift"), "{error}");
}

#[test]
fn bundled_scenarios_are_valid() {
    default_scenario().unwrap();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = std::fs::read_to_string(&path).unwrap();
            let table = parse_table(&text, &Origin::of_path(&path)).unwrap();
            if table.contains_key("scenario") {
                // A sweep file naming its scenario, not a scenario: tests/sweep.rs runs it.
                continue;
            }
            // Sweep files are scenarios too (with a [sweep] table); all must validate.
            scenario_from_table(table, &Origin::of_path(&path)).unwrap_or_else(|e| panic!("{e}"));
        }
    }
}

#[test]
fn the_service_level_target_defaults_to_80_percent_and_must_be_a_fraction() {
    assert_eq!(
        parse_scenario(MINIMAL, &origin())
            .unwrap()
            .simulation
            .service_level_target,
        0.8
    );
    let text = MINIMAL.replacen(
        "horizon = \"8h\"",
        "horizon = \"8h\"\nservice_level_target = 0.9",
        1,
    );
    assert_eq!(
        parse_scenario(&text, &origin())
            .unwrap()
            .simulation
            .service_level_target,
        0.9
    );
    for bad in ["80", "0", "-0.5"] {
        check_error(
            (
                "horizon = \"8h\"",
                &format!("horizon = \"8h\"\nservice_level_target = {bad}"),
            ),
            &["simulation.service_level_target: expected a fraction above 0 and at most 1"],
        );
    }
}

#[test]
fn workstream_semantics_settings_are_checked_with_their_path() {
    check_error(
        ("horizon = \"8h\"", "horizon = \"8h\"\ndecline_limit = 7"),
        &["simulation.decline_limit: expected a decline limit from 1 to 5"],
    );
    check_error(
        (
            "fallback_queue = \"sales\"",
            "fallback_queue = \"sales\"\nnotifications = { timeout = \"0s\" }",
        ),
        &["workstreams.messaging.notifications.timeout: expected a duration longer than zero"],
    );
    check_error(
        (
            "fallback_queue = \"sales\"",
            "fallback_queue = \"sales\"\nwrap_up_blocking = \"sometimes\"",
        ),
        &["workstreams.messaging.wrap_up_blocking: expected \"always\", \"never\" or a duration"],
    );
    check_error(
        (
            "fallback_queue = \"sales\"",
            "fallback_queue = \"sales\"\nmode = \"pick\"\naffinity = true",
        ),
        &["workstreams.messaging.affinity: agent affinity works only with push workstreams"],
    );
    check_error(
        (
            "fallback_queue = \"sales\"",
            "fallback_queue = \"sales\"\nauto_close_after = \"soon\"",
        ),
        &["workstreams.messaging.auto_close_after: expected a duration"],
    );
    check_error(("count = 5", "count = 5\nnotifications = { reject_probability = 1.5 }"), &[
        "agent_groups.tier1.notifications.reject_probability: expected a probability from 0 to 1, got 1.5",
    ]);
    check_error(("count = 5", "count = 5\nnotifications = { reject_probability = 0.6, miss_probability = 0.6 }"), &[
        "agent_groups.tier1.notifications: reject_probability + miss_probability is 1.2, more than 1",
    ]);
    check_error(
        (
            "count = 5",
            "count = 5\nnotifications = { answer = \"fast\" }",
        ),
        &["agent_groups.tier1.notifications.answer: unknown field `answer`"],
    );
    check_error(("mean = \"5m\" }", "mean = \"5m\" }\nwaiting = { probability = 0.3, resume_delay = { kind = \"constant\", value = \"1m\" } }"), &[
        "channels.chat.waiting: a live_chat conversation never goes Waiting",
    ]);
    check_error(
        (
            "mean = \"5m\" }",
            "mean = \"5m\" }\nwrap_up = { kind = \"constant\", value = 30 }",
        ),
        &["channels.chat.wrap_up: value: expected a duration with a unit"],
    );
    check_error(("count = 5", "count = 5\npicking = { when = \"never\" }"), &[
        "agent_groups.tier1.picking.when: expected \"free_capacity\" or \"always\", got \"never\"",
    ]);
    check_error(
        (
            "count = 5",
            "count = 5\npicking = { think_time = { kind = \"exponential\", mean = \"-5s\" } }",
        ),
        &["agent_groups.tier1.picking.think_time"],
    );
    check_error(("fallback_queue = \"sales\"", "fallback_queue = \"sales\"\nmode = \"pick\"\nallow_self_selection = true"), &[
        "workstreams.messaging.allow_self_selection: selecting from push-based workstreams applies to push workstreams",
    ]);
    check_error(
        (
            "queue = \"support\"",
            "split = [{ queue = \"support\", percent = 60 }, { queue = \"sales\", percent = 30 }]",
        ),
        &["workstreams.messaging.routing[0].split: percentages add up to 90, not 100"],
    );
    check_error(
        ("queue = \"support\"", "queue = \"support\"\nsplit = []"),
        &["workstreams.messaging.routing[0]: give either `queue` or `split`"],
    );
    check_error(("fallback_queue = \"sales\"", "fallback_queue = \"sales\"\nbot = { containment_probability = 2, handling_time = { kind = \"constant\", value = \"1m\" } }"), &[
        "workstreams.messaging.bot.containment_probability: expected a probability from 0 to 1, got 2",
    ]);
    check_error(
        (
            "[queues.sales]",
            "[queues.sales]\noverflow = { action = \"end\" }",
        ),
        &["queues.sales.overflow: give `work_item_limit`, `operating_hours` or both"],
    );
    check_error(
        (
            "[queues.sales]",
            "[queues.sales]\noverflow = { work_item_limit = 3, action = \"transfer\" }",
        ),
        &["queues.sales.overflow.transfer_to: action \"transfer\" needs `transfer_to`"],
    );
    check_error(("[queues.sales]", "[queues.sales]\noverflow = { work_item_limit = 3, action = \"transfer\", transfer_to = \"sales\" }"), &[
        "queues.sales.overflow.transfer_to: a queue cannot overflow into itself",
    ]);
    check_error(("[queues.sales]", "[queues.sales]\noverflow = { work_item_limit = 0, action = \"end\" }"), &[
        "queues.sales.overflow.work_item_limit: expected a limit from 1 to 100 open items (the product's range), got 0",
    ]);
    check_error(("[queues.sales]", "[queues.sales]\noverflow = { operating_hours = { start = \"8am\", end = \"20:00\" }, action = \"end\" }"), &[
        "queues.sales.overflow.operating_hours.start",
    ]);
    check_error(("count = 5", "count = 5\naway_episodes = { per_hour = -1, duration = { kind = \"constant\", value = \"5m\" } }"), &[
        "agent_groups.tier1.away_episodes.per_hour: expected from 0 to 60 episodes per hour (one a minute), got -1",
    ]);
    check_error(
        (
            "fallback_queue = \"sales\"",
            "fallback_queue = \"sales\"\ncapacity_profiles = [\"voice\"]",
        ),
        &["workstreams.messaging.capacity_profiles[0]: unknown capacity profile \"voice\""],
    );
    check_error(
        (
            "[queues.sales]",
            "[capacity_profiles.chat]\nwork_item_limit = 101\n\n[queues.sales]",
        ),
        &["capacity_profiles.chat.work_item_limit: expected a work-item limit from 0 to 100"],
    );
    check_error(
        (
            "[queues.sales]",
            "[queues.sales]\noverflow = { work_item_limit = 101, action = \"end\" }",
        ),
        &["queues.sales.overflow.work_item_limit: expected a limit from 1 to 100 open items"],
    );
    check_error(
        (
            "fallback_queue = \"sales\"",
            "fallback_queue = \"sales\"\nallowed_presences = []",
        ),
        &["workstreams.messaging.allowed_presences: expected at least one presence"],
    );
    check_error(
        ("count = 5", "count = 5\nprofile_limits = { chat = 2 }"),
        &["agent_groups.tier1.profile_limits.chat: unknown capacity profile \"chat\""],
    );
    check_error(
        ("count = 5", "count = 5\nskills = { english = 0 }"),
        &["agent_groups.tier1.skills.english: expected a rating of 1 or more, got 0"],
    );
    check_error(("fallback_queue = \"sales\"", "fallback_queue = \"sales\"\nskill_matching = \"fuzzy\""), &[
        "workstreams.messaging.skill_matching: expected \"exact\", \"closest\" or \"none\", got \"fuzzy\"",
    ]);
    check_error(("fallback_queue = \"sales\"", "fallback_queue = \"sales\"\nclassification = [{ when = [{ variable = \"language\", equals = \"fr\" }] }]"), &[
        "workstreams.messaging.classification[0]: a classification rule needs `skills`, `priority` or `capacity_profiles`",
    ]);
    check_error(("fallback_queue = \"sales\"", "fallback_queue = \"sales\"\nclassification = [{ when = [{ variable = \"lang\", equals = \"fr\" }], priority = 1 }]"), &[
        "workstreams.messaging.classification[0].when[0].variable: no channel of this workstream has a context variable \"lang\"",
    ]);
}

#[test]
fn affinity_defaults_follow_the_channel_kind() {
    let scenario = parse_scenario(MINIMAL, &origin()).unwrap();
    assert_eq!(
        scenario.workstreams[0].affinity,
        crate::model::Affinity::Off,
        "live chat has no affinity by default"
    );
    let sms = parse_scenario(
        &MINIMAL.replace("kind = \"live_chat\"", "kind = \"sms\""),
        &origin(),
    )
    .unwrap();
    assert_eq!(sms.workstreams[0].affinity, crate::model::Affinity::On);
    let settings = sms.workstreams[0].notifications;
    assert_eq!(settings.timeout.as_secs_f64(), 120.0);
    assert_eq!(
        settings.offer_capacity,
        crate::model::OfferCapacity::Reserved
    );
    assert_eq!(sms.simulation.decline_limit, 3);
    assert_eq!(
        sms.workstreams[0].wrap_up_blocking,
        crate::model::WrapUpBlocking::Always
    );
}

#[test]
fn absent_agents_and_resume_patience_are_settings_checked_with_their_path() {
    check_error(("count = 5", "count = 5\nnotifications = { when_absent = \"sometimes\" }"), &[
        "agent_groups.tier1.notifications.when_absent: expected \"miss\" or \"answer\", got \"sometimes\"",
    ]);
    check_error(("kind = \"live_chat\"", "kind = \"sms\"\nwaiting = { probability = 0.3, resume_delay = { kind = \"constant\", value = \"1m\" }, resume_patience = { kind = \"constant\", value = 5 } }"), &[
        "channels.chat.waiting.resume_patience: value: expected a duration with a unit",
    ]);
    let defaults = parse_scenario(MINIMAL, &origin()).unwrap();
    assert_eq!(
        defaults.agent_groups[0].response.when_absent,
        crate::model::WhenAbsent::Miss
    );
    let text = MINIMAL
        .replacen("count = 5", "count = 5\nnotifications = { when_absent = \"answer\" }", 1)
        .replacen("kind = \"live_chat\"", "kind = \"sms\"\nwaiting = { probability = 0.3, resume_delay = { kind = \"constant\", value = \"1m\" }, resume_patience = { kind = \"constant\", value = \"2m\" } }", 1);
    let scenario = parse_scenario(&text, &origin()).unwrap();
    assert_eq!(
        scenario.agent_groups[0].response.when_absent,
        crate::model::WhenAbsent::Answer
    );
    let waiting = scenario.channels[0].waiting.as_ref().unwrap();
    assert!(waiting.resume_patience.is_some());
    assert!(defaults.channels[0].waiting.is_none());
}
