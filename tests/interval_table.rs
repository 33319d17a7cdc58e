//! The interval table of `report.html`: a golden file pins its layout and formatting (one
//! hourly day of a small centre whose agents leave at 16:00, so the afternoon misses the
//! target), and its marks are checked against the interval figures they come from: every
//! interval marked missed has a service level below the goal, the caption counts them, and
//! with replications every cell carries its interval.

use std::path::{Path, PathBuf};

use routesim::config::{parse_scenario, Origin};
use routesim::metrics::{run, Scope};
use routesim::model::Scenario;
use routesim::report::{run_page, Table, Targets};
use routesim::sweep::{ReplicatedRun, Threads};

const SCENARIO: &str = r#"
name = "interval-table"

[simulation]
horizon = "24h"
seed = 11
interval = "1h"
service_level_thresholds = ["30s"]
service_level_target = 0.8

[channels.chat]
kind = "live_chat"
arrivals = { rates_per_hour = [0, 0, 0, 0, 0, 0, 0, 0, 20, 30, 40, 40, 30, 30, 30, 30, 30, 20, 10, 0, 0, 0, 0, 0] }
patience = { kind = "exponential", mean = "3m" }
handle_time = { kind = "exponential", mean = "6m" }

[workstreams.w]
channels = ["chat"]
fallback_queue = "q"

[queues.q]

[agent_groups.day]
count = 5
queues = ["q"]
shift = { start = "08:00", end = "16:00" }

[agent_groups.late]
count = 1
queues = ["q"]
shift = { start = "12:00", end = "20:00" }
"#;

fn scenario() -> Scenario {
    parse_scenario(
        SCENARIO,
        &Origin {
            file: "interval-table.toml".into(),
            base_dir: PathBuf::from("."),
        },
    )
    .unwrap()
}

fn overall_table(run: &ReplicatedRun, scenario: &Scenario) -> Table {
    let page = run_page(run, "", &Targets::of_scenario(scenario));
    let section = page
        .sections
        .iter()
        .find(|s| s.heading == "Interval table")
        .expect("the page has an interval table");
    section.tables[0].clone()
}

/// The table as text: the caption, then one line per row with its cells and their marks.
fn as_text(table: &Table) -> String {
    let mut out = format!("{}\n{}\n", table.caption, table.header.join(" | "));
    for (row, classes) in table.rows.iter().zip(&table.classes) {
        let cells: Vec<String> = row
            .iter()
            .zip(classes)
            .map(|(cell, class)| {
                if class.is_empty() {
                    cell.clone()
                } else {
                    format!("{cell} [{class}]")
                }
            })
            .collect();
        out.push_str(&cells.join(" | "));
        out.push('\n');
    }
    out
}

fn assert_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
    assert!(
        expected == actual,
        "the interval table differs from tests/golden/{name}; if intended, run \
         UPDATE_GOLDEN=1 cargo test --test interval_table\n--- actual ---\n{actual}"
    );
}

#[test]
fn the_interval_table_matches_the_golden_file() {
    let scenario = scenario();
    let results = run(&scenario, scenario.simulation.seed);
    let table = overall_table(&ReplicatedRun::single(results), &scenario);
    assert_golden("interval-table.txt", &as_text(&table));
}

#[test]
fn the_marks_follow_the_service_level_and_the_caption_counts_the_misses() {
    let scenario = scenario();
    let results = run(&scenario, scenario.simulation.seed);
    let levels: Vec<f64> = results
        .intervals
        .iter()
        .filter(|r| {
            r.row.scope == Scope::Overall && r.row.measure == "service_level_30s_of_offered"
        })
        .map(|r| r.row.value)
        .collect();
    let table = overall_table(&ReplicatedRun::single(results), &scenario);
    assert_eq!(table.rows.len(), 24, "one row per hour");
    let vs = table.header.iter().position(|h| h == "vs 80%").unwrap();
    let mut missed = 0;
    for (hour, (row, level)) in table.rows.iter().zip(&levels).enumerate() {
        let expected = if level.is_nan() {
            "-"
        } else if *level >= 0.8 {
            "met"
        } else {
            missed += 1;
            "missed"
        };
        assert_eq!(row[vs], expected, "{hour}:00 at {level}");
        assert_eq!(row[0], format!("{hour:02}:00–{:02}:00", (hour + 1) % 24));
    }
    // After 16:00 one agent is left for 30 chats an hour of 6 minutes: the target is missed.
    assert!(missed >= 3, "{missed}");
    let with_level = levels.iter().filter(|l| !l.is_nan()).count();
    assert_eq!(
        table.caption,
        format!("Per interval, all channels: {missed} of {with_level} intervals below target")
    );
    // Nobody is logged in before 08:00 or after 20:00, five agents from 08:00 to 12:00.
    let staffed = table
        .header
        .iter()
        .position(|h| h == "staffed agents")
        .unwrap();
    assert_eq!(table.rows[3][staffed], "0.0");
    assert_eq!(table.rows[9][staffed], "5.0");
    assert_eq!(table.rows[13][staffed], "6.0");
}

#[test]
fn with_replications_every_figure_carries_its_interval() {
    let scenario = scenario();
    let replicated = ReplicatedRun::run(&scenario, 11, 4, Threads(Some(2))).unwrap();
    let table = overall_table(&replicated, &scenario);
    let volume = table.header.iter().position(|h| h == "volume").unwrap();
    // 10:00-11:00 has 40 arrivals an hour: four replications never agree exactly.
    let cell = &table.rows[10][volume];
    assert!(cell.contains(" ± "), "{cell}");
    let page = run_page(&replicated, "", &Targets::of_scenario(&scenario));
    assert!(
        page.notes[0].contains("mean of 4 replications"),
        "{:?}",
        page.notes
    );
    let single = run_page(
        &ReplicatedRun::single(run(&scenario, 11)),
        "",
        &Targets::of_scenario(&scenario),
    );
    assert!(
        single.notes[0].contains("single replication"),
        "{:?}",
        single.notes
    );
}

/// With the days kept apart, the table has a row per interval of every day, each showing that
/// day's figures (not one day's figures overwritten by the next).
#[test]
fn with_the_days_apart_every_day_has_its_own_rows() {
    let text = SCENARIO.replace(
        "horizon = \"24h\"",
        "horizon = \"48h\"\nreport_days = \"apart\"",
    );
    let origin = Origin {
        file: "two-days.toml".into(),
        base_dir: PathBuf::from("."),
    };
    let scenario = parse_scenario(&text, &origin).unwrap();
    let results = run(&scenario, scenario.simulation.seed);
    let offered = |day: usize, interval: usize| {
        results
            .intervals
            .iter()
            .find(|r| {
                r.day == Some(day)
                    && r.interval == interval
                    && r.row.scope == Scope::Overall
                    && r.row.measure == "offered"
            })
            .map(|r| r.row.value)
            .unwrap()
    };
    let table = overall_table(&ReplicatedRun::single(results.clone()), &scenario);
    assert_eq!(table.rows.len(), 48, "one row per hour of each of two days");
    assert_eq!(table.rows[9][0], "day 0 09:00–10:00");
    assert_eq!(table.rows[24 + 9][0], "day 1 09:00–10:00");
    let volume = table.header.iter().position(|h| h == "volume").unwrap();
    for hour in 0..24 {
        for day in 0..2 {
            let shown: f64 = table.rows[day * 24 + hour][volume].parse().unwrap();
            assert_eq!(shown, offered(day, hour), "day {day}, hour {hour}");
        }
    }
    // The days differ (Poisson arrivals), so one day's figures shown for both would fail above.
    assert!((8..19).any(|hour| offered(0, hour) != offered(1, hour)));
}

#[test]
fn intervals_whose_customers_are_all_still_waiting_are_marked_none_answered() {
    // Nobody abandons and nobody works after 16:00: the customers of 16:00-19:00 are all
    // still waiting at the end of the day. They have no service level, but they are not an
    // interval without arrivals: the table marks them, and the caption counts them.
    let text = SCENARIO
        .replace("patience = { kind = \"exponential\", mean = \"3m\" }\n", "")
        .replace(
            "shift = { start = \"12:00\", end = \"20:00\" }",
            "shift = { start = \"12:00\", end = \"16:00\" }",
        );
    let scenario = parse_scenario(
        &text,
        &Origin {
            file: "interval-table.toml".into(),
            base_dir: PathBuf::from("."),
        },
    )
    .unwrap();
    let results = run(&scenario, scenario.simulation.seed);
    let table = overall_table(&ReplicatedRun::single(results), &scenario);
    let vs = table.header.iter().position(|h| h == "vs 80%").unwrap();
    for hour in 17..19 {
        assert_eq!(table.rows[hour][vs], "none answered", "{hour}:00");
        assert_eq!(table.classes[hour][vs], "missed", "{hour}:00");
    }
    // Nothing arrives after 19:00: those stay "-".
    assert_eq!(table.rows[20][vs], "-");
    let none = table
        .rows
        .iter()
        .filter(|r| r[vs] == "none answered")
        .count();
    assert!(none >= 2, "{none}");
    assert!(
        table.caption.ends_with("intervals below target"),
        "{}",
        table.caption
    );
    let (below, of): (usize, usize) = {
        let words: Vec<&str> = table.caption.split_whitespace().collect();
        let below = words[words.len() - 6].parse().unwrap();
        let of = words[words.len() - 4].parse().unwrap();
        (below, of)
    };
    let missed = table.rows.iter().filter(|r| r[vs] == "missed").count();
    assert_eq!(below, missed + none, "{}", table.caption);
    let met = table.rows.iter().filter(|r| r[vs] == "met").count();
    assert_eq!(of, met + missed + none, "{}", table.caption);
}
