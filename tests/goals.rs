//! Per-channel service-level goals everywhere a service level is scored: with chat held to
//! 80 % within 20 s and email to 90 % within 4 h, the run's service-level chart draws each
//! channel at its own threshold with its own target line, the key figures and interval tables
//! score each at its goal, the default guards of `check` / `compare` guard email at
//! `service_level_4h_of_offered`, the side-by-side key measures show it, and the binary's
//! files say so.

mod support;
use support::routesim;

use std::path::PathBuf;

use routesim::check::{self, default_guards, GuardOrigin, PolicyScenario};
use routesim::config::{parse_scenario, Origin};
use routesim::metrics::{self, Scope};
use routesim::model::Scenario;
use routesim::report::charts::ChartKind;
use routesim::report::{self, ChartOptions, Targets};
use routesim::sweep::{ReplicatedRun, Threads};

/// Chat and email into their own queues; email has its own goal in hours.
const TWO_GOALS: &str = r#"
name = "two-goals"

[simulation]
horizon = "10h"
warm_up = "0s"
seed = 5
interval = "1h"
service_level_thresholds = ["20s"]
service_level_target = 0.8

[channels.chat]
kind = "live_chat"
arrivals = { per_hour = 30 }
patience = { kind = "exponential", mean = "3m" }
handle_time = { kind = "exponential", mean = "5m" }

[channels.email]
kind = "email"
arrivals = { per_hour = 12 }
handle_time = { kind = "exponential", mean = "10m" }
service_level = { threshold = "4h", target = 0.9 }

[workstreams.chat]
channels = ["chat"]
fallback_queue = "chat_q"

[workstreams.email]
channels = ["email"]
fallback_queue = "email_q"

[queues.chat_q]

[queues.email_q]

[agent_groups.chat_team]
count = 4
queues = ["chat_q"]

[agent_groups.email_team]
count = 2
queues = ["email_q"]
"#;

fn origin() -> Origin {
    Origin {
        file: "two-goals.toml".into(),
        base_dir: PathBuf::from("."),
    }
}

fn scenario(text: &str) -> Scenario {
    parse_scenario(text, &origin()).unwrap()
}

#[test]
fn the_service_level_chart_draws_each_channel_at_its_own_goal() {
    let scenario = scenario(TWO_GOALS);
    let results = metrics::run(&scenario, 5);
    let charts = report::run_charts(&results, &ChartOptions::of_scenario(&scenario));
    let chart = charts.iter().find(|c| c.name == "service-level").unwrap();
    let ChartKind::Xy(plot) = &chart.kind else {
        panic!("the service-level chart is an xy chart")
    };
    let labels: Vec<&str> = plot.series.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "all channels (within 20s)",
            "chat (within 20s)",
            "email (within 4h)"
        ]
    );
    // Email's line is its 4-hour service level, interval by interval, not the 20 s one.
    let email_4h: Vec<f64> = results
        .intervals
        .iter()
        .filter(|r| {
            r.row.scope == Scope::Channel
                && r.row.name == "email"
                && r.row.measure == "service_level_4h_of_offered"
        })
        .map(|r| r.row.value)
        .collect();
    let drawn: Vec<f64> = plot.series[2]
        .points
        .iter()
        .step_by(2)
        .map(|p| p.1)
        .collect();
    assert_eq!(drawn.len(), email_4h.len());
    for (d, e) in drawn.iter().zip(&email_4h) {
        assert!(d == e || (d.is_nan() && e.is_nan()), "{d} vs {e}");
    }
    let email_20s: Vec<f64> = results
        .intervals
        .iter()
        .filter(|r| {
            r.row.scope == Scope::Channel
                && r.row.name == "email"
                && r.row.measure == "service_level_20s_of_offered"
        })
        .map(|r| r.row.value)
        .collect();
    assert_ne!(drawn, email_20s, "email is not scored at 20 s");
    // One target line per goal, each saying whose it is.
    let references: Vec<(String, f64)> = plot
        .references
        .iter()
        .map(|r| (r.label.clone(), r.y))
        .collect();
    assert_eq!(
        references,
        [
            ("target 80% (all channels, chat)".to_string(), 0.8),
            ("target 90% (email)".to_string(), 0.9)
        ]
    );
    assert!(
        chart.caption.contains("email within 4h (target 90%)")
            && chart.caption.contains("chat within 20s (target 80%)"),
        "{}",
        chart.caption
    );
}

#[test]
fn with_one_goal_for_all_the_chart_keeps_one_threshold_and_one_target() {
    let one_goal = TWO_GOALS.replace("service_level = { threshold = \"4h\", target = 0.9 }\n", "");
    let scenario = scenario(&one_goal);
    let results = metrics::run(&scenario, 5);
    let charts = report::run_charts(&results, &ChartOptions::of_scenario(&scenario));
    let chart = charts.iter().find(|c| c.name == "service-level").unwrap();
    let ChartKind::Xy(plot) = &chart.kind else {
        panic!("xy")
    };
    assert_eq!(
        chart.title,
        "Service level: answered within 20s, of offered"
    );
    let labels: Vec<&str> = plot.series.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["all channels", "chat", "email"]);
    assert_eq!(plot.references.len(), 1);
    assert_eq!(plot.references[0].label, "target 80%");
}

#[test]
fn key_figures_and_interval_tables_score_each_channel_at_its_goal() {
    let scenario = scenario(TWO_GOALS);
    let run = ReplicatedRun::single(metrics::run(&scenario, 5));
    let page = report::run_page(&run, "", &Targets::of_scenario(&scenario));
    let flows = &page.tables[0];
    let goal = flows.header.iter().position(|h| h == "goal").unwrap();
    let sl = flows
        .header
        .iter()
        .position(|h| h == "service level")
        .unwrap();
    let row = |scope: &str, name: &str| {
        flows
            .rows
            .iter()
            .find(|r| r[0] == scope && r[1] == name)
            .unwrap_or_else(|| panic!("{scope} {name}"))
            .clone()
    };
    assert_eq!(row("channel", "email")[goal], "90% within 4h");
    assert_eq!(row("queue", "email_q")[goal], "90% within 4h");
    assert_eq!(row("workstream", "email")[goal], "90% within 4h");
    assert_eq!(row("channel", "chat")[goal], "80% within 20s");
    assert_eq!(row("overall", "all")[goal], "80% within 20s");
    let email_4h = run
        .mean
        .value(Scope::Channel, "email", "service_level_4h_of_offered")
        .unwrap();
    assert_eq!(
        row("channel", "email")[sl],
        format!("{:.1}%", email_4h * 100.0)
    );
    assert!(page
        .facts
        .iter()
        .any(|(k, v)| k == "Channels' own goals" && v == "email: 90% within 4h"));

    let section = page
        .sections
        .iter()
        .find(|s| s.heading == "Interval table")
        .unwrap();
    let email = section
        .tables
        .iter()
        .find(|t| t.caption.contains("channel email"))
        .unwrap();
    assert!(
        email.header.contains(&"SL 4h".to_string()),
        "{:?}",
        email.header
    );
    assert!(
        email.header.contains(&"vs 90%".to_string()),
        "{:?}",
        email.header
    );
    let chat = section
        .tables
        .iter()
        .find(|t| t.caption.contains("channel chat"))
        .unwrap();
    assert!(
        chat.header.contains(&"SL 20s".to_string()),
        "{:?}",
        chat.header
    );
}

#[test]
fn default_guards_hold_each_channel_and_queue_to_its_goal() {
    let guards = default_guards(&scenario(TWO_GOALS));
    let listed: Vec<(Scope, Option<&str>, &str)> = guards
        .iter()
        .map(|g| (g.scope, g.name.as_deref(), g.measure.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            (Scope::Overall, None, "service_level_20s_of_offered"),
            (Scope::Overall, None, "asa_s"),
            (Scope::Overall, None, "abandon_rate"),
            (Scope::Channel, Some("chat"), "service_level_20s_of_offered"),
            (Scope::Channel, Some("email"), "service_level_4h_of_offered"),
            (Scope::Queue, Some("chat_q"), "service_level_20s_of_offered"),
            (Scope::Queue, Some("email_q"), "service_level_4h_of_offered"),
        ]
    );
    assert!(guards.iter().all(|g| g.origin == GuardOrigin::Default));

    // One goal for all: one scope-wide queue guard, no channel guards (as before goals).
    let one_goal = TWO_GOALS.replace("service_level = { threshold = \"4h\", target = 0.9 }\n", "");
    let listed: Vec<(Scope, Option<String>, String)> = default_guards(&scenario(&one_goal))
        .into_iter()
        .map(|g| (g.scope, g.name, g.measure))
        .collect();
    assert_eq!(
        listed,
        [
            (Scope::Overall, None, "service_level_20s_of_offered".into()),
            (Scope::Overall, None, "asa_s".into()),
            (Scope::Overall, None, "abandon_rate".into()),
            (Scope::Queue, None, "service_level_20s_of_offered".into()),
        ]
    );
}

#[test]
fn compare_key_measures_show_each_entity_at_its_goal() {
    let a = PolicyScenario::from_text(TWO_GOALS, &origin()).unwrap();
    let b = PolicyScenario::from_text(&TWO_GOALS.replace("count = 2\n", "count = 3\n"), &origin())
        .unwrap();
    let report = check::compare_scenarios(&a, &b, 3, 5, Threads(Some(1))).unwrap();
    let service_levels: Vec<(Scope, &str, &str)> = report
        .key_measures
        .iter()
        .filter(|row| row.key.measure.starts_with("service_level_"))
        .map(|row| {
            (
                row.key.scope,
                row.key.name.as_str(),
                row.key.measure.as_str(),
            )
        })
        .collect();
    assert_eq!(
        service_levels,
        [
            (Scope::Overall, "all", "service_level_20s_of_offered"),
            (Scope::Channel, "chat", "service_level_20s_of_offered"),
            (Scope::Channel, "email", "service_level_4h_of_offered"),
            (Scope::Queue, "chat_q", "service_level_20s_of_offered"),
            (Scope::Queue, "email_q", "service_level_4h_of_offered"),
        ]
    );
    let guarded: Vec<String> = report
        .comparison
        .outcomes
        .iter()
        .map(|o| format!("{} {} {}", o.key.scope, o.key.name, o.key.measure))
        .collect();
    assert!(
        guarded.contains(&"channel email service_level_4h_of_offered".to_string())
            && guarded.contains(&"queue email_q service_level_4h_of_offered".to_string()),
        "{guarded:?}"
    );
}

#[test]
fn the_binary_guards_and_draws_email_at_its_hours() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), TWO_GOALS).unwrap();
    std::fs::write(
        dir.path().join("b.toml"),
        TWO_GOALS.replace("count = 2\n", "count = 3\n"),
    )
    .unwrap();
    let compare = routesim(
        dir.path(),
        &[
            "compare",
            "a.toml",
            "b.toml",
            "--replications",
            "4",
            "--out",
            "ab",
        ],
    );
    assert!(
        matches!(compare.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&compare.stderr)
    );
    let csv = std::fs::read_to_string(dir.path().join("ab/check.csv")).unwrap();
    let guarded: Vec<String> = csv
        .lines()
        .skip(1)
        .map(|line| {
            line.split(',')
                .skip(1)
                .take(3)
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect();
    for expected in [
        "overall,all,service_level_20s_of_offered",
        "channel,chat,service_level_20s_of_offered",
        "channel,email,service_level_4h_of_offered",
        "queue,chat_q,service_level_20s_of_offered",
        "queue,email_q,service_level_4h_of_offered",
    ] {
        assert!(
            guarded.contains(&expected.to_string()),
            "{expected} in\n{csv}"
        );
    }
    assert!(
        !guarded.contains(&"channel,email,service_level_20s_of_offered".to_string()),
        "{csv}"
    );

    let run = routesim(dir.path(), &["run", "a.toml", "--out", "run"]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    let email_line = stdout
        .lines()
        .find(|l| l.starts_with("channel") && l.contains("email"))
        .unwrap();
    assert!(email_line.ends_with("90% within 4h"), "{stdout}");
    let html = std::fs::read_to_string(dir.path().join("run/report.html")).unwrap();
    for text in ["email (within 4h)", "target 90% (email)", "90% within 4h"] {
        assert!(html.contains(text), "report.html shows {text}");
    }
}

#[test]
fn staffing_targets_can_hold_each_scope_to_its_own_goal() {
    use routesim::config::{parse_table, scenario_and_staffing_from_table, TargetScope};
    use routesim::engine::SimDuration;
    use routesim::model::{ChannelId, QueueId};
    let with = |targets: &str| {
        let text = format!("{TWO_GOALS}\n[staffing]\n{targets}");
        scenario_and_staffing_from_table(parse_table(&text, &origin()).unwrap(), &origin())
    };
    let (_, spec) = with(
        "[[staffing.targets]]\nscope = \"channel\"\nservice_level_goal = true\nmax_abandon_rate = 0.1\n\
         [[staffing.targets]]\nscope = \"queue\"\nname = \"email_q\"\nservice_level_goal = true\n\
         [[staffing.targets]]\nservice_level_goal = true\n",
    )
    .unwrap();
    let levels: Vec<(TargetScope, Option<(SimDuration, f64)>)> = spec
        .unwrap()
        .targets
        .iter()
        .map(|t| (t.scope, t.service_level))
        .collect();
    let (s20, h4) = (SimDuration::from_secs(20), SimDuration::from_secs(4 * 3600));
    assert_eq!(
        levels,
        [
            (
                TargetScope::Channel(ChannelId::from_index(0)),
                Some((s20, 0.8))
            ),
            (
                TargetScope::Channel(ChannelId::from_index(1)),
                Some((h4, 0.9))
            ),
            (TargetScope::Queue(QueueId::from_index(1)), Some((h4, 0.9))),
            (TargetScope::Overall, Some((s20, 0.8))),
        ]
    );
    let error = with("[[staffing.targets]]\nservice_level_goal = true\nthreshold = \"1m\"\n")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(
            "staffing.targets[0].service_level_goal: the goal gives the threshold and the share"
        ),
        "{error}"
    );
}
