//! Weekly staffing curves: an agent group's `staffing` read for a week (by weekday from a CSV
//! with an `interval_start` column, or 168 / 672 values), exactly like a week of arrivals. A
//! multi-day run uses each day's curve: with no agents on Sunday, Sunday's conversations are
//! never answered (`report_days = "apart"`), and each other day is staffed as its rows say. A
//! file with a row missing, or one short at the end, is refused with the file, the row and
//! the field path named (exit 2).

mod support;
use support::routesim_in as routesim;

use std::fs;
use std::path::Path;

use routesim::config::load_scenario;
use routesim::metrics::{self, Scope};

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A week of hourly rows (`interval_start` as `Mon 08:00`) with `agents(day)` all day.
fn week_csv(agents: impl Fn(usize) -> u32) -> Vec<String> {
    let mut rows = vec!["interval_start,agents".to_string()];
    for (day, name) in WEEKDAYS.iter().enumerate() {
        for hour in 0..24 {
            rows.push(format!("{name} {hour:02}:00,{}", agents(day)));
        }
    }
    rows
}

/// Chat around the clock for a week, days kept apart, staffed by the curve in `staffing.csv`.
const WEEK: &str = r#"
name = "week-staffing"

[simulation]
horizon = "7d"
seed = 3
interval = "1h"
report_days = "apart"

[channels.chat]
kind = "live_chat"
arrivals = { per_hour = 6 }
patience = { kind = "exponential", mean = "2m" }
handle_time = { kind = "exponential", mean = "5m" }

[workstreams.chat]
channels = ["chat"]
fallback_queue = "chat"

[queues.chat]

[agent_groups.team]
staffing = { csv = "staffing.csv", column = "agents" }
queues = ["chat"]
"#;

/// Day d (Monday 0) has d + 1 agents, Sunday none.
fn agents_on(day: usize) -> u32 {
    if day == 6 {
        0
    } else {
        day as u32 + 1
    }
}

#[test]
fn a_week_curve_with_nobody_on_sunday_answers_nothing_on_sunday() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("staffing.csv"),
        week_csv(agents_on).join("\n"),
    )
    .unwrap();
    fs::write(dir.path().join("week.toml"), WEEK).unwrap();
    let scenario = load_scenario(&dir.path().join("week.toml")).unwrap();
    let curve = scenario.agent_groups[0].staffing_curve.as_ref().unwrap();
    assert_eq!((curve.agents.len(), curve.days()), (168, 7));
    assert_eq!(scenario.agent_groups[0].count, 6, "the week's peak");

    let results = metrics::run(&scenario, 3);
    let per_day = |measure: &str, scope: Scope| {
        let mut sums = [0.0; 7];
        let mut rows = [0usize; 7];
        for r in results
            .intervals
            .iter()
            .filter(|r| r.row.scope == scope && r.row.measure == measure)
        {
            let day = r.day.expect("days are kept apart");
            sums[day] += r.row.value;
            rows[day] += 1;
        }
        assert_eq!(rows, [24; 7], "{measure}: 24 intervals a day");
        sums
    };
    let answered = per_day("answered", Scope::Overall);
    let offered = per_day("offered", Scope::Overall);
    assert_eq!(answered[6], 0.0, "nobody answers on Sunday");
    // 144 chats are expected on Sunday (Poisson): some certainly arrive, and all are lost.
    assert!(offered[6] > 0.0);
    for (day, &count) in answered.iter().enumerate().take(6) {
        assert!(count > 0.0, "day {day} is staffed: {answered:?}");
    }
    // Each day has its own curve: the mean agents logged in over a day's 24 intervals is the
    // day's row, exactly (logins happen at interval edges).
    let staffed = per_day("staffed_agents", Scope::AgentGroup);
    for (day, &logged_in) in staffed.iter().enumerate() {
        let expected = 24.0 * f64::from(agents_on(day));
        assert!(
            (logged_in - expected).abs() < 1e-9,
            "day {day}: {logged_in} vs {expected}"
        );
    }
    // With one agent on Monday and five on Friday for the same demand, Monday abandons more.
    let abandoned = per_day("abandoned", Scope::Overall);
    assert!(abandoned[0] > abandoned[4], "{abandoned:?}");
}

#[test]
fn a_week_of_values_inline_is_a_week_and_a_day_of_values_repeats_daily() {
    let dir = tempfile::tempdir().unwrap();
    let week: Vec<String> = (0..672).map(|i| agents_on(i / 96).to_string()).collect();
    let inline = WEEK.replace(
        "staffing = { csv = \"staffing.csv\", column = \"agents\" }",
        &format!("staffing = [{}]", week.join(", ")),
    );
    fs::write(dir.path().join("inline.toml"), &inline).unwrap();
    let scenario = load_scenario(&dir.path().join("inline.toml")).unwrap();
    let curve = scenario.agent_groups[0].staffing_curve.as_ref().unwrap();
    assert_eq!(curve.interval.as_secs_f64(), 900.0);
    assert_eq!(curve.days(), 7);
    let results = metrics::run(&scenario, 3);
    let sunday_answered: f64 = results
        .intervals
        .iter()
        .filter(|r| {
            r.day == Some(6) && r.row.scope == Scope::Overall && r.row.measure == "answered"
        })
        .map(|r| r.row.value)
        .sum();
    assert_eq!(sunday_answered, 0.0);

    // 24 hourly values are a day, every day alike.
    let daily = WEEK.replace(
        "staffing = { csv = \"staffing.csv\", column = \"agents\" }",
        &format!("staffing = [{}]", vec!["2"; 24].join(", ")),
    );
    fs::write(dir.path().join("daily.toml"), &daily).unwrap();
    let scenario = load_scenario(&dir.path().join("daily.toml")).unwrap();
    let curve = scenario.agent_groups[0].staffing_curve.as_ref().unwrap();
    assert_eq!(curve.days(), 1);
    let results = metrics::run(&scenario, 3);
    let staffed_sunday: f64 = results
        .intervals
        .iter()
        .filter(|r| {
            r.day == Some(6)
                && r.row.scope == Scope::AgentGroup
                && r.row.measure == "staffed_agents"
        })
        .map(|r| r.row.value)
        .sum();
    assert!((staffed_sunday - 48.0).abs() < 1e-9, "{staffed_sunday}");
}

fn refused(dir: &Path, csv: &[String]) -> String {
    fs::write(dir.join("staffing.csv"), csv.join("\n")).unwrap();
    fs::write(dir.join("week.toml"), WEEK).unwrap();
    let out = routesim(
        &["run", "week.toml", "--out", "out", "--charts", "none"],
        dir,
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "bad input: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!dir.join("out").exists(), "nothing is written");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_week_file_with_a_row_missing_is_refused_with_the_row_named() {
    let dir = tempfile::tempdir().unwrap();
    // Wednesday 10:00 left out: the row after it (file line 2 + 24 * 2 + 10) is out of step.
    let mut csv = week_csv(agents_on);
    let missing = 1 + 2 * 24 + 10;
    assert!(csv[missing].starts_with("Wed 10:00"));
    csv.remove(missing);
    let error = refused(dir.path(), &csv);
    let line = missing + 1;
    for part in [
        "agent_groups.team.staffing.csv",
        "staffing.csv: row",
        &format!("row {line}: interval_start is \"Wed 11:00\""),
        "should start at Wed 10:00",
    ] {
        assert!(error.contains(part), "{part:?} in:\n{error}");
    }

    // The week one hour short at the end: every row is in step, and the last is named.
    let mut csv = week_csv(agents_on);
    csv.pop();
    let error = refused(dir.path(), &csv);
    for part in [
        "agent_groups.team.staffing.csv",
        "167 values of 1h cover",
        "not a whole number of days",
        "the last row, row 168 (\"Sun 22:00\")",
        "from \"Sun 23:00\"",
    ] {
        assert!(error.contains(part), "{part:?} in:\n{error}");
    }
}

#[test]
fn a_staffing_file_of_other_intervals_or_bad_counts_is_refused_at_its_row() {
    let dir = tempfile::tempdir().unwrap();
    // Read at 30 minutes (`interval`), a file of hourly rows fails at its second data row.
    let csv = week_csv(agents_on);
    fs::write(dir.path().join("staffing.csv"), csv.join("\n")).unwrap();
    let at_30m = WEEK.replace(
        "column = \"agents\" }",
        "column = \"agents\", interval = \"30m\" }",
    );
    fs::write(dir.path().join("week.toml"), at_30m).unwrap();
    let out = routesim(&["run", "week.toml", "--out", "out"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(
        error.contains("row 3: interval_start is \"Mon 01:00\"")
            && error.contains("should start at Mon 00:30")
            && error.contains("`agent_groups.team.staffing.interval` = \"30m\""),
        "{error}"
    );

    // A count that is not a whole number of agents names its row.
    let mut csv = week_csv(agents_on);
    csv[30] = "Tue 05:00,2.5".into();
    let error = refused(dir.path(), &csv);
    assert!(
        error.contains("agent_groups.team.staffing.csv: row 31: expected a whole number of agents"),
        "{error}"
    );

    // A misspelt key gets a suggestion.
    fs::write(
        dir.path().join("week.toml"),
        WEEK.replace(
            "column = \"agents\" }",
            "column = \"agents\", intervall = \"1h\" }",
        ),
    )
    .unwrap();
    let out = routesim(&["run", "week.toml", "--out", "out"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let error = String::from_utf8_lossy(&out.stderr);
    assert!(
        error.contains(
            "agent_groups.team.staffing.intervall: unknown field (did you mean \"interval\"?)"
        ),
        "{error}"
    );
}

#[test]
fn the_bundled_week_staffs_email_by_weekday_and_warns_about_its_nights() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario = load_scenario(&root.join("scenarios/week.toml")).unwrap();
    let email_team = scenario
        .agent_groups
        .iter()
        .find(|g| g.name == "email_team")
        .unwrap();
    assert_eq!(email_team.staffing_curve.as_ref().unwrap().days(), 7);
    let results = metrics::run(&scenario, scenario.simulation.seed);
    let email_on = |day: usize, measure: &str| -> f64 {
        results
            .intervals
            .iter()
            .filter(|r| {
                r.day == Some(day)
                    && r.row.scope == Scope::Channel
                    && r.row.name == "email"
                    && r.row.measure == measure
            })
            .map(|r| r.row.value)
            .sum()
    };
    // Nobody works email on Sunday and the week ends at midnight: Sunday's mail is offered,
    // never answered; Monday's is.
    assert!(email_on(6, "offered") > 0.0);
    assert_eq!(email_on(6, "answered"), 0.0);
    assert!(email_on(0, "answered") > 0.0);
    // The warning about demand with nobody at work names the curve's nights (every day),
    // not the staggered lunch (three agents stay).
    let warnings: Vec<String> = routesim::warnings::scenario_warnings(&scenario)
        .iter()
        .map(ToString::to_string)
        .collect();
    let email = warnings
        .iter()
        .find(|w| w.starts_with("channels.email"))
        .expect("email has nights without agents");
    assert!(email.contains("(18:00-08:00 each day"), "{email}");
}
