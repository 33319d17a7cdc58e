//! The `routesim` binary as a user runs it: the default scenario, determinism of the output
//! files, and bad input (exit code 2, a message naming file and field, nothing half-written).

mod support;
use support::routesim_in as routesim;

use std::fs;
use std::path::{Path, PathBuf};

/// Every file below `dir` (relative name, bytes), sorted by name.
fn read_outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, files: &mut Vec<(String, Vec<u8>)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, files);
            } else {
                let name = path.strip_prefix(root).unwrap().display().to_string();
                files.push((name, fs::read(&path).unwrap()));
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    files.sort();
    files
}

fn repo_file(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

#[test]
fn run_without_arguments_simulates_the_bundled_default_into_output() {
    let cwd = tempfile::tempdir().unwrap();
    let out = routesim(&["run"], cwd.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("overall") && stdout.contains("agent group"),
        "{stdout}"
    );
    let dir = cwd.path().join("output/retail-default");
    let names: Vec<String> = read_outputs(&dir).into_iter().map(|(n, _)| n).collect();
    for expected in ["agents.csv", "intervals.csv", "summary.csv"] {
        assert!(names.contains(&expected.to_string()), "{names:?}");
    }
    let summary = fs::read_to_string(dir.join("summary.csv")).unwrap();
    assert!(summary.starts_with("scenario,seed,scope,name,measure,value\n"));
    assert!(summary.contains("retail-default,20261124,channel,whatsapp,offered,"));
}

#[test]
fn the_same_seed_gives_byte_identical_files_and_another_seed_does_not() {
    let cwd = tempfile::tempdir().unwrap();
    for (dir, seed) in [("a", "7"), ("b", "7"), ("c", "8")] {
        let out = routesim(&["run", "--seed", seed, "--out", dir], cwd.path());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let a = read_outputs(&cwd.path().join("a"));
    let b = read_outputs(&cwd.path().join("b"));
    let c = read_outputs(&cwd.path().join("c"));
    assert!(
        a.len() > 4,
        "{:?}",
        a.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert!(a == b, "same seed, different files");
    for ((name, bytes_a), (_, bytes_c)) in a.iter().zip(&c) {
        if name.ends_with(".csv") || name.ends_with(".html") {
            assert_ne!(bytes_a, bytes_c, "{name} did not change with the seed");
        }
    }
}

/// A scenario that is valid, with a hook to break one thing at a time.
const VALID: &str = r#"
[simulation]
horizon = "2h"

[channels.chat]
kind = "live_chat"
arrivals = { per_hour = 30 }
handle_time = { kind = "exponential", mean = "5m" }

[workstreams.messaging]
channels = ["chat"]
fallback_queue = "sales"

[queues.sales]
[queues.support]

[agent_groups.tier1]
count = 3
queues = ["sales"]
"#;

#[track_caller]
fn check_bad_input(name: &str, edit: (&str, &str), expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let text = if edit.0.is_empty() {
        edit.1.to_string()
    } else {
        assert!(VALID.contains(edit.0), "{name}: edit target missing");
        VALID.replacen(edit.0, edit.1, 1)
    };
    let file = dir.path().join(format!("{name}.toml"));
    fs::write(&file, text).unwrap();
    // An earlier report in the output folder must survive a failed run untouched.
    let out_dir = dir.path().join("out");
    fs::create_dir(&out_dir).unwrap();
    fs::write(out_dir.join("summary.csv"), "earlier report").unwrap();

    let out = routesim(&["run", file.to_str().unwrap(), "--out", "out"], dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    assert!(
        stderr.contains(&format!("{name}.toml")),
        "{name}: message does not name the file: {stderr}"
    );
    for fragment in expected {
        assert!(
            stderr.contains(fragment),
            "{name}: {stderr:?} lacks {fragment:?}"
        );
    }
    assert_eq!(
        fs::read_to_string(out_dir.join("summary.csv")).unwrap(),
        "earlier report"
    );
    assert_eq!(
        fs::read_dir(&out_dir).unwrap().count(),
        1,
        "{name}: something was written"
    );

    let validate = routesim(&["validate", file.to_str().unwrap()], dir.path());
    assert_eq!(validate.status.code(), Some(2), "{name}: validate");
}

#[test]
fn bad_input_exits_2_naming_file_and_field_and_writes_nothing() {
    check_bad_input(
        "malformed",
        ("[queues.sales]", "[queues.sales"),
        &["not valid TOML", "line 14, column 14"],
    );
    check_bad_input(
        "unknown_field",
        ("count = 3", "count = 3\nskill = \"x\""),
        &["agent_groups.tier1.skill: unknown field `skill`"],
    );
    check_bad_input("missing_queue", ("queues = [\"sales\"]", "queues = [\"billing\"]"), &[
        "agent_groups.tier1.queues[0]: unknown queue \"billing\" (known: \"sales\", \"support\")",
    ]);
    check_bad_input("negative_rate", ("per_hour = 30", "per_hour = -30"), &[
        "channels.chat.arrivals.per_hour: expected a rate of zero or more arrivals per hour, got -30",
    ]);
    check_bad_input(
        "empty_group",
        ("count = 3", "count = 0"),
        &["agent_groups.tier1.count: an agent group needs at least 1 agent"],
    );
    check_bad_input(
        "missing_csv",
        (
            "arrivals = { per_hour = 30 }",
            "arrivals = { csv = \"curve.csv\", column = \"chat\" }",
        ),
        &[
            "channels.chat.arrivals.csv: cannot read CSV file",
            "curve.csv: no such file",
        ],
    );
    check_bad_input(
        "not_a_scenario",
        ("", "just some words"),
        &["not valid TOML"],
    );
}

#[test]
fn a_missing_scenario_file_is_bad_input_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = routesim(&["run", "nowhere.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere.toml: cannot read the file"));
    let out = routesim(&["run", "--horizon", "soon"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--horizon: expected a duration"));
}

#[test]
fn every_bundled_scenario_validates_and_runs() {
    let scenarios = repo_file("scenarios");
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(&scenarios).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let validate = routesim(&["validate", path.to_str().unwrap()], dir.path());
        assert!(
            validate.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&validate.stderr)
        );
        // A sweep file names its scenario instead of being one; tests/sweep.rs runs it.
        if fs::read_to_string(&path)
            .unwrap()
            .lines()
            .any(|l| l.starts_with("scenario = "))
        {
            continue;
        }
        let run = routesim(
            &[
                "run",
                path.to_str().unwrap(),
                "--charts",
                "none",
                "--out",
                "o",
            ],
            dir.path(),
        );
        assert!(
            run.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&run.stderr)
        );
    }
}

#[test]
fn run_with_replications_writes_means_and_intervals_independent_of_threads() {
    let cwd = tempfile::tempdir().unwrap();
    let scenario = repo_file("scenarios/mmc.toml");
    let scenario = scenario.to_str().unwrap();
    for (dir, args) in [
        ("one", vec!["--replications", "1"]),
        ("plain", vec![]),
        ("r3t1", vec!["--replications", "3", "--threads", "1"]),
        ("r3t2", vec!["--replications", "3", "--threads", "2"]),
    ] {
        let mut all = vec!["run", scenario, "--horizon", "1d", "--charts", "none"];
        all.extend(["--out", dir]);
        all.extend(args);
        let out = routesim(&all, cwd.path());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let read = |dir: &str| read_outputs(&cwd.path().join(dir));
    assert!(
        read("one") == read("plain"),
        "--replications 1 is a plain run"
    );
    assert!(
        read("r3t1") == read("r3t2"),
        "the thread count changes nothing"
    );
    let summary = fs::read_to_string(cwd.path().join("r3t1/summary.csv")).unwrap();
    assert!(
        summary.starts_with("scenario,seed,scope,name,measure,value,n,ci95_low,ci95_high\n"),
        "{summary}"
    );
    // Each row: the mean inside its interval, from 3 replications.
    let offered = summary
        .lines()
        .find(|l| l.starts_with("mmc,1,overall,all,offered,"))
        .unwrap();
    let cells: Vec<f64> = offered
        .split(',')
        .skip(5)
        .map(|c| c.parse().unwrap())
        .collect();
    assert_eq!(cells[1], 3.0, "{offered}");
    assert!(cells[2] < cells[0] && cells[0] < cells[3], "{offered}");
    let intervals = fs::read_to_string(cwd.path().join("r3t1/intervals.csv")).unwrap();
    assert!(intervals.starts_with(
        "scenario,seed,interval,interval_start,scope,name,measure,value,n,ci95_low,ci95_high\n"
    ));
    let page = fs::read_to_string(cwd.path().join("r3t1/report.html")).unwrap();
    assert!(page.contains("mean of 3 replications"));
    let out = routesim(&["run", scenario, "--replications", "0"], cwd.path());
    assert_eq!(out.status.code(), Some(2));
}
