//! What planners bring (SPEC §8): arrival counts per interval from a history file or inline,
//! the file's interval starts checked against the scenario's interval, week-long curves by
//! weekday or as dated rows, days reported apart, and service-level goals per channel.

mod support;
use support::routesim_in as routesim;

use std::fs;
use std::path::Path;

use routesim::config::{load_scenario, parse_scenario, Origin};
use routesim::metrics::{self, Scope};
use routesim::model::{ArrivalProcess, ChannelId, Entity, QueueId, Scenario, WorkstreamId};

/// A chat-only centre with generous staffing; `simulation` and `arrivals` are spliced in.
fn scenario_text(simulation: &str, arrivals: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "24h"
{simulation}

[channels.chat]
kind = "live_chat"
arrivals = {arrivals}
handle_time = {{ kind = "exponential", mean = "5m" }}

[workstreams.chat]
channels = ["chat"]
fallback_queue = "chat"

[queues.chat]

[agent_groups.team]
count = 30
queues = ["chat"]
"#
    )
}

fn load(dir: &Path, text: &str) -> Result<Scenario, String> {
    let path = dir.join("scenario.toml");
    fs::write(&path, text).unwrap();
    load_scenario(&path).map_err(|e| e.to_string())
}

/// A day of 15-minute counts: quiet at night, two peaks, summing to exactly `total`.
fn day_of_counts(total: u32) -> Vec<u32> {
    let shape: Vec<f64> = (0..96)
        .map(|i| {
            let hour = i as f64 / 4.0;
            if !(7.0..22.0).contains(&hour) {
                0.0
            } else {
                1.0 + 3.0 * (-((hour - 11.0) / 2.0).powi(2)).exp()
                    + 2.0 * (-((hour - 19.0) / 2.0).powi(2)).exp()
            }
        })
        .collect();
    let sum: f64 = shape.iter().sum();
    let mut counts: Vec<u32> = shape
        .iter()
        .map(|w| (w / sum * f64::from(total)).floor() as u32)
        .collect();
    let short = total - counts.iter().sum::<u32>();
    counts[44] += short; // 11:00, the peak
    counts
}

fn clock(interval: usize, minutes: usize) -> String {
    let m = interval * minutes % 1440;
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn write_counts_csv(path: &Path, counts: &[u32], minutes: usize) {
    let mut text = String::from("interval_start,chat\n");
    for (i, count) in counts.iter().enumerate() {
        text.push_str(&format!("{},{count}\n", clock(i, minutes)));
    }
    fs::write(path, text).unwrap();
}

#[test]
fn a_day_of_15_minute_counts_summing_to_1299_simulates_about_1299_chats() {
    let dir = tempfile::tempdir().unwrap();
    let counts = day_of_counts(1299);
    assert_eq!(counts.iter().sum::<u32>(), 1299);
    write_counts_csv(&dir.path().join("history.csv"), &counts, 15);
    let scenario = load(
        dir.path(),
        &scenario_text(
            "",
            r#"{ csv = "history.csv", column = "chat", counts = true }"#,
        ),
    )
    .unwrap();
    // Each count becomes a rate of count x 4 per hour over its 15 minutes.
    let ArrivalProcess::Piecewise {
        interval,
        rates_per_hour,
    } = &scenario.channels[0].arrivals
    else {
        panic!("counts give a piecewise curve");
    };
    assert_eq!(interval.as_secs_f64(), 900.0);
    assert_eq!(rates_per_hour[44], f64::from(counts[44]) * 4.0);

    // The day's offered total is Poisson with mean 1,299 (sd 36). Over 10 replications the
    // mean has sd sqrt(1299 / 10) = 11.4; 4 of them (46 chats) leaves a false failure at
    // about 6e-5, while the old misreading as hourly rates (325 chats) is 85 sd away.
    let replications = 10;
    let offered: Vec<f64> = (1..=replications)
        .map(|seed| {
            let results = metrics::run(&scenario, seed);
            results.value(Scope::Overall, "all", "offered").unwrap()
        })
        .collect();
    let mean = offered.iter().sum::<f64>() / replications as f64;
    let bound = 4.0 * (1299.0 / replications as f64).sqrt();
    assert!((mean - 1299.0).abs() < bound, "mean offered {mean}");
}

#[test]
fn inline_counts_are_read_at_the_scenario_interval_like_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let counts: Vec<String> = (0..48).map(|i| (i % 5).to_string()).collect();
    let scenario = load(
        dir.path(),
        &scenario_text(
            "interval = \"30m\"",
            &format!("{{ counts_per_interval = [{}] }}", counts.join(", ")),
        ),
    )
    .unwrap();
    let ArrivalProcess::Piecewise {
        interval,
        rates_per_hour,
    } = &scenario.channels[0].arrivals
    else {
        panic!("counts give a piecewise curve");
    };
    assert_eq!(interval.as_secs_f64(), 1800.0);
    let expected: Vec<f64> = (0..48).map(|i| f64::from(i % 5) * 2.0).collect();
    assert_eq!(rates_per_hour.to_vec(), expected);
}

#[test]
fn a_file_of_other_intervals_is_refused_with_the_row_named() {
    let dir = tempfile::tempdir().unwrap();
    // 48 half-hour rows, while the scenario reports (and reads counts) at 15 minutes.
    write_counts_csv(&dir.path().join("history.csv"), &[10; 48], 30);
    let text = scenario_text(
        "",
        r#"{ csv = "history.csv", column = "chat", counts = true }"#,
    );
    fs::write(dir.path().join("scenario.toml"), text).unwrap();
    let out = routesim(&["run", "scenario.toml", "--out", "out"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("scenario.toml: channels.chat.arrivals.csv: history.csv: row 3: interval_start is \"00:30\"")
            && stderr.contains("should start at 00:15")
            && stderr.contains("`simulation.interval` = \"15m\""),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists(), "nothing is written");

    // The same file with the curve's own interval is read right.
    let text = scenario_text(
        "",
        r#"{ csv = "history.csv", column = "chat", counts = true, interval = "30m" }"#,
    );
    let scenario = load(dir.path(), &text).unwrap();
    let ArrivalProcess::Piecewise { rates_per_hour, .. } = &scenario.channels[0].arrivals else {
        panic!("counts give a piecewise curve");
    };
    assert_eq!(rates_per_hour.len(), 48);
    assert_eq!(rates_per_hour[0], 20.0);
}

#[test]
fn curve_shape_errors_say_what_is_wrong_in_words() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("short.csv"),
        "interval_start,chat\n00:00,1\n00:15,2\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("negative.csv"),
        "interval_start,chat\n00:00,1\n00:15,-500\n",
    )
    .unwrap();
    fs::write(dir.path().join("empty.csv"), "interval_start,chat\n").unwrap();
    for (arrivals, expected) in [
        (
            r#"{ csv = "negative.csv", column = "chat", counts = true }"#,
            "negative.csv: row 3, column \"chat\": expected zero or more conversations, got -500",
        ),
        (
            r#"{ csv = "empty.csv", column = "chat" }"#,
            "empty.csv has no rows of \"chat\": a curve needs at least one interval",
        ),
        (
            r#"{ csv = "short.csv", column = "chat", counts = true }"#,
            "channels.chat.arrivals.csv: 2 counts of 15m cover 30m, not a whole number of days",
        ),
        (
            r#"{ csv = "short.csv", column = "chta", counts = true }"#,
            "has no column \"chta\" (did you mean \"chat\"?)",
        ),
        (
            r#"{ csv = "short.csv", column = "chat", interval_column = "start" }"#,
            "has no column \"start\"",
        ),
        (
            r#"{ rates_per_hour = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }"#,
            "11 rates split neither a day nor a week evenly; give `interval`",
        ),
        (
            r#"{ counts_per_interval = [1, -2] }"#,
            "channels.chat.arrivals.counts_per_interval[1]: expected zero or more conversations, got -2",
        ),
        (
            r#"{ per_hour = 10, counts = true }"#,
            "channels.chat.arrivals.counts: `counts` goes with `csv`",
        ),
    ] {
        let error = load(dir.path(), &scenario_text("", arrivals)).unwrap_err();
        assert!(error.contains(expected), "{arrivals}: {error}");
    }
}

/// A week of 15-minute counts by weekday: `per_interval(day)` chats in every interval from
/// 08:00 to 20:00 of that day (Monday is day 0), none on Sunday.
fn write_week_csv(path: &Path, per_interval: impl Fn(usize) -> u32, dated: bool) {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let mut text = String::from("interval_start,chat\n");
    for i in 0..672 {
        let day = i / 96;
        let label = if dated {
            format!("2026-03-{:02}", 2 + day)
        } else {
            DAYS[day].to_string()
        };
        let count = if (32..80).contains(&(i % 96)) {
            per_interval(day)
        } else {
            0
        };
        text.push_str(&format!("{label} {},{count}\n", clock(i, 15)));
    }
    fs::write(path, text).unwrap();
}

#[test]
fn a_week_by_weekday_is_kept_apart_in_intervals_csv() {
    let dir = tempfile::tempdir().unwrap();
    // Monday 10 per interval, rising by 2 a day, Sunday closed.
    let per_interval = |day: usize| if day == 6 { 0 } else { 10 + 2 * day as u32 };
    write_week_csv(&dir.path().join("week.csv"), per_interval, false);
    let text = scenario_text(
        "report_days = \"apart\"",
        r#"{ csv = "week.csv", column = "chat", counts = true }"#,
    )
    .replace("horizon = \"24h\"", "horizon = \"7d\"");
    fs::write(dir.path().join("scenario.toml"), &text).unwrap();
    let out = routesim(
        &["run", "scenario.toml", "--out", "out", "--charts", "none"],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = fs::read_to_string(dir.path().join("out/intervals.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("scenario,seed,day,interval,interval_start,scope,name,measure,value")
    );
    let mut offered_by_day = [0.0; 7];
    let mut rows_by_day = [0; 7];
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let day: usize = cells[2].parse().unwrap();
        if cells[5..8] == ["overall", "all", "offered"] {
            offered_by_day[day] += cells[8].parse::<f64>().unwrap();
            rows_by_day[day] += 1;
        }
    }
    assert_eq!(rows_by_day, [96; 7], "every day has its 96 intervals");
    assert_eq!(offered_by_day[6], 0.0, "Sunday is closed");
    for (day, &offered) in offered_by_day.iter().enumerate().take(6) {
        // Poisson with mean 48 intervals x the day's count; 4 sd either side.
        let mean = 48.0 * f64::from(per_interval(day));
        assert!(
            (offered - mean).abs() < 4.0 * mean.sqrt(),
            "day {day}: {offered} vs {mean}"
        );
    }
    // Saturday (16 per interval) is told apart from Monday (10): 768 vs 480, 8 sd apart.
    assert!(offered_by_day[5] > offered_by_day[0]);

    // Folded (the default), the same run has no day column and one set of intervals.
    fs::write(
        dir.path().join("folded.toml"),
        text.replace("report_days = \"apart\"", ""),
    )
    .unwrap();
    let out = routesim(
        &["run", "folded.toml", "--out", "folded", "--charts", "none"],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = fs::read_to_string(dir.path().join("folded/intervals.csv")).unwrap();
    assert!(
        csv.starts_with("scenario,seed,interval,interval_start,"),
        "{csv:.80}"
    );
    let folded_offered = csv
        .lines()
        .filter(|l| l.contains(",overall,all,offered,"))
        .count();
    assert_eq!(folded_offered, 96);
}

#[test]
fn dated_rows_and_weekday_rows_give_the_same_week() {
    let dir = tempfile::tempdir().unwrap();
    let per_interval = |day: usize| 3 * day as u32;
    write_week_csv(&dir.path().join("dated.csv"), per_interval, true);
    write_week_csv(&dir.path().join("weekday.csv"), per_interval, false);
    let rates = |file: &str| {
        let text = scenario_text(
            "",
            &format!(r#"{{ csv = "{file}", column = "chat", counts = true }}"#),
        );
        let scenario = load(dir.path(), &text).unwrap();
        match &scenario.channels[0].arrivals {
            ArrivalProcess::Piecewise { rates_per_hour, .. } => rates_per_hour.to_vec(),
            other => panic!("{other:?}"),
        }
    };
    let dated = rates("dated.csv");
    assert_eq!(dated.len(), 672);
    assert_eq!(dated, rates("weekday.csv"));
    // Wednesday 08:00 (day 2, interval 32): 6 per 15 minutes is 24 per hour.
    assert_eq!(dated[2 * 96 + 32], 24.0);

    // A dated file with a missing day is refused at the first row after the gap.
    let text = fs::read_to_string(dir.path().join("dated.csv")).unwrap();
    let gap: String = text.replace("2026-03-04", "2026-03-05");
    fs::write(dir.path().join("gap.csv"), gap).unwrap();
    let error = load(
        dir.path(),
        &scenario_text("", r#"{ csv = "gap.csv", column = "chat", counts = true }"#),
    )
    .unwrap_err();
    // Row 194 is the first of day 2 (header + 2 x 96 rows before it).
    assert!(
        error.contains("row 194: interval_start is \"2026-03-05 00:00\"")
            && error.contains("should start at 2026-03-04 00:00"),
        "{error}"
    );
}

#[test]
fn a_week_of_hourly_rates_is_recognised_without_an_interval() {
    let dir = tempfile::tempdir().unwrap();
    let rates: Vec<String> = (0..168).map(|h| (h / 24).to_string()).collect();
    let scenario = load(
        dir.path(),
        &scenario_text(
            "",
            &format!("{{ rates_per_hour = [{}] }}", rates.join(", ")),
        ),
    )
    .unwrap();
    let ArrivalProcess::Piecewise { interval, .. } = &scenario.channels[0].arrivals else {
        panic!("rates give a piecewise curve");
    };
    assert_eq!(interval.as_secs_f64(), 3600.0);
}

#[test]
fn days_apart_are_refused_for_runs_too_long_to_keep_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let text = scenario_text("report_days = \"apart\"", "{ per_hour = 1 }")
        .replace("horizon = \"24h\"", "horizon = \"100d\"");
    let error = load(dir.path(), &text).unwrap_err();
    assert!(
        error
            .contains("simulation.report_days: days can be kept apart for runs of at most 62 days"),
        "{error}"
    );
    let text = scenario_text("report_days = \"sideways\"", "{ per_hour = 1 }");
    let error = load(dir.path(), &text).unwrap_err();
    assert!(error.contains("expected \"folded\""), "{error}");
}

const GOALS: &str = r#"
[simulation]
horizon = "24h"
service_level_thresholds = ["20s", "60s"]
service_level_target = 0.8

[channels.chat]
kind = "live_chat"
arrivals = { per_hour = 20 }
handle_time = { kind = "exponential", mean = "5m" }

[channels.sms]
kind = "sms"
arrivals = { per_hour = 5 }
handle_time = { kind = "exponential", mean = "5m" }
service_level = { target = 0.7 }

[channels.email]
kind = "email"
arrivals = { per_hour = 10 }
handle_time = { kind = "exponential", mean = "10m" }
service_level = { threshold = "4h", target = 0.9 }

[workstreams.messaging]
channels = ["chat", "sms"]
fallback_queue = "messaging"

[workstreams.records]
channels = ["email"]
fallback_queue = "email"

[queues.messaging]
[queues.email]

[agent_groups.chat_team]
count = 4
queues = ["messaging"]

[agent_groups.email_team]
count = 3
queues = ["email"]
"#;

#[test]
fn each_channel_has_its_own_goal_and_entities_inherit_a_shared_one() {
    let origin = Origin {
        file: "goals.toml".into(),
        base_dir: ".".into(),
    };
    let scenario = parse_scenario(GOALS, &origin).unwrap();
    let goal = |entity| {
        let g = scenario.service_level_target(entity);
        (g.threshold.as_secs_f64(), g.target)
    };
    // Channels: alphabetical ids chat, email, sms.
    assert_eq!(goal(Entity::Channel(ChannelId::from_index(0))), (20.0, 0.8));
    assert_eq!(
        goal(Entity::Channel(ChannelId::from_index(1))),
        (14_400.0, 0.9)
    );
    assert_eq!(
        goal(Entity::Channel(ChannelId::from_index(2))),
        (20.0, 0.7),
        "a goal with only a target takes the scenario's first threshold"
    );
    // Workstreams messaging, records; queues email, messaging.
    assert_eq!(
        goal(Entity::Workstream(WorkstreamId::from_index(1))),
        (14_400.0, 0.9)
    );
    assert_eq!(
        goal(Entity::Workstream(WorkstreamId::from_index(0))),
        (20.0, 0.8),
        "chat and sms differ: the scenario's goal"
    );
    assert_eq!(goal(Entity::Queue(QueueId::from_index(0))), (14_400.0, 0.9));
    assert_eq!(goal(Entity::Overall), (20.0, 0.8));

    // The email threshold is measured for every entity, after the scenario's own thresholds.
    let results = metrics::run(&scenario, 1);
    let measures: Vec<&str> = results
        .summary
        .iter()
        .filter(|r| r.scope == Scope::Channel && r.name == "email")
        .map(|r| r.measure.as_str())
        .filter(|m| m.starts_with("service_level_") && m.ends_with("_of_offered"))
        .collect();
    assert_eq!(
        measures,
        [
            "service_level_20s_of_offered",
            "service_level_1m_of_offered",
            "service_level_4h_of_offered"
        ]
    );
    let email = metrics::service_level(&scenario, &results, Scope::Channel, "email").unwrap();
    assert_eq!(email.goal.target, 0.9);
    assert!(
        email.value > 0.9,
        "three agents for 10 emails an hour of 10 minutes answer within 4h"
    );
    assert_eq!(email.measure, "service_level_4h_of_offered");
}

#[test]
fn a_channel_goal_is_checked_like_the_scenario_goal() {
    for (goal, expected) in [
        ("{ }", "channels.sms.service_level: give `threshold`"),
        (
            "{ target = 1.5 }",
            "channels.sms.service_level.target: expected a fraction above 0",
        ),
        (
            "{ threshold = \"0s\" }",
            "channels.sms.service_level.threshold: expected a duration longer than zero",
        ),
        (
            "{ threshold = \"4 hours\" }",
            "channels.sms.service_level.threshold:",
        ),
    ] {
        let text = GOALS.replace(
            "service_level = { target = 0.7 }",
            &format!("service_level = {goal}"),
        );
        let origin = Origin {
            file: "goals.toml".into(),
            base_dir: ".".into(),
        };
        let error = parse_scenario(&text, &origin).unwrap_err().to_string();
        assert!(error.contains(expected), "{goal}: {error}");
    }
}
