//! `[simulation] replications = R` in the scenario file (what `routesim run` does when
//! `--replications` is not given; the flag overrides it; validated with its field path), and
//! replicated runs that make no progress: `run --replications`, a sweep and `compare` end
//! with exit code 1 and a message naming the replication (and the sweep point), as a single
//! run does, instead of using the truncated results.

mod support;
use support::{cycle_at_one_instant, routesim, stderr};

use std::fs;
use std::path::Path;

use routesim::config::{parse_scenario, Origin};
use routesim::sweep::{self, ReplicatedRun, Threads};

const SMALL: &str = r#"
name = "small"

[simulation]
horizon = "4h"
seed = 9
interval = "1h"

[channels.chat]
kind = "live_chat"
arrivals = { per_hour = 30 }
patience = { kind = "exponential", mean = "2m" }
handle_time = { kind = "exponential", mean = "6m" }

[workstreams.chat]
channels = ["chat"]
fallback_queue = "chat"

[queues.chat]

[agent_groups.team]
count = 4
queues = ["chat"]
"#;

fn with_replications(r: &str) -> String {
    SMALL.replace("seed = 9\n", &format!("seed = 9\nreplications = {r}\n"))
}

fn csv_files(dir: &Path) -> Vec<(String, String)> {
    ["summary.csv", "intervals.csv", "agents.csv"]
        .iter()
        .map(|name| {
            (
                name.to_string(),
                fs::read_to_string(dir.join(name)).unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_file_s_replications_are_used_unless_the_flag_overrides_them() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("plain.toml"), SMALL).unwrap();
    fs::write(dir.path().join("three.toml"), with_replications("3")).unwrap();
    for (out, args) in [
        ("from-file", vec!["run", "three.toml"]),
        (
            "from-flag",
            vec!["run", "plain.toml", "--replications", "3"],
        ),
        (
            "overridden",
            vec!["run", "three.toml", "--replications", "1"],
        ),
        ("single", vec!["run", "plain.toml"]),
    ] {
        let mut all = args.clone();
        all.extend(["--charts", "none", "--out", out]);
        let output = routesim(dir.path(), &all);
        assert_eq!(output.status.code(), Some(0), "{out}: {}", stderr(&output));
    }
    let from_file = csv_files(&dir.path().join("from-file"));
    assert_eq!(
        from_file,
        csv_files(&dir.path().join("from-flag")),
        "replications = 3 in the file runs what --replications 3 runs"
    );
    assert!(
        from_file[0]
            .1
            .starts_with("scenario,seed,scope,name,measure,value,n,ci95_low,ci95_high\n"),
        "means with intervals"
    );
    assert!(from_file[0].1.contains("small,9,overall,all,offered,"));
    let offered = from_file[0]
        .1
        .lines()
        .find(|l| l.starts_with("small,9,overall,all,offered,"))
        .unwrap()
        .to_string();
    assert_eq!(offered.split(',').nth(6), Some("3"), "n = 3: {offered}");
    assert_eq!(
        csv_files(&dir.path().join("overridden")),
        csv_files(&dir.path().join("single")),
        "--replications 1 overrides the file: a plain run"
    );
    let page = fs::read_to_string(dir.path().join("from-file/report.html")).unwrap();
    assert!(page.contains("mean of 3 replications"));
}

#[test]
fn replications_out_of_range_are_refused_with_the_field_path() {
    let dir = tempfile::tempdir().unwrap();
    for (value, expected) in [
        ("0", "simulation.replications: expected a whole number of replications from 1 to 1000 (1 = a single run), got 0"),
        ("1001", "simulation.replications: expected a whole number of replications from 1 to 1000 (1 = a single run), got 1001"),
        ("-2", "simulation.replications: expected a whole number of replications from 1 to 1000"),
        ("\"3\"", "simulation.replications"),
        ("2.5", "simulation.replications"),
    ] {
        fs::write(dir.path().join("bad.toml"), with_replications(value)).unwrap();
        let output = routesim(dir.path(), &["run", "bad.toml", "--out", "out"]);
        assert_eq!(output.status.code(), Some(2), "{value}: {}", stderr(&output));
        let error = stderr(&output);
        assert!(error.contains("bad.toml"), "{error}");
        assert!(error.contains(expected), "{value}: {expected:?} in {error}");
        assert!(!dir.path().join("out").exists(), "nothing written");
    }
    fs::write(dir.path().join("ok.toml"), SMALL).unwrap();
    for flag in ["0", "1001"] {
        let output = routesim(
            dir.path(),
            &["run", "ok.toml", "--replications", flag, "--out", "out"],
        );
        assert_eq!(output.status.code(), Some(2));
        assert!(
            stderr(&output).contains("--replications must be from 1 to 1000"),
            "{}",
            stderr(&output)
        );
    }
}

/// A scenario whose conversations cycle at one instant (built past validation, which refuses
/// it, as in `tests/progress.rs`).
fn cycling() -> routesim::model::Scenario {
    let text = support::LOOP_SMS;
    let origin = Origin {
        file: "loop.toml".into(),
        base_dir: ".".into(),
    };
    let mut scenario = parse_scenario(text, &origin).unwrap();
    cycle_at_one_instant(&mut scenario);
    scenario
}

#[test]
fn the_library_s_replications_report_the_first_stalled_replication() {
    let scenario = cycling();
    for threads in [1, 2] {
        let error = sweep::run_replications(&scenario, 3, 3, Threads(Some(threads))).unwrap_err();
        // Every replication stalls; the error is the first one's, whatever the thread count.
        assert_eq!((error.replication, error.replications), (0, 3));
        let text = error.to_string();
        assert!(
            text.starts_with(
                "replication 0 of 3: scenario \"loop\", seed 3: the run made no progress"
            ),
            "{text}"
        );
        assert!(ReplicatedRun::run(&scenario, 3, 2, Threads(Some(threads))).is_err());
    }
}

/// 2,000 chats arrive at once (a trace) and give up together a second later. No valid scenario
/// is known to stall (validation refuses every zero-time cycle known, and a crowd that leaves
/// at one instant is not a stall), so the test binary's stall limit is lowered to 1,000 events
/// at one instant (`ROUTESIM_TEST_STALL_LIMIT`, read by debug builds only): the binary must
/// report a stalled replicated run as it does a single one.
fn burst(dir: &Path) {
    let mut trace = String::from("t\n");
    for _ in 0..2_000 {
        trace.push_str("0\n");
    }
    fs::write(dir.join("burst.csv"), trace).unwrap();
    fs::write(
        dir.join("burst.toml"),
        r#"
name = "burst"

[simulation]
horizon = "1h"
seed = 3

[channels.chat]
kind = "live_chat"
arrivals = { csv = "burst.csv", column = "t", trace = true }
patience = { kind = "constant", value = "1s" }
handle_time = { kind = "constant", value = "10h" }

[workstreams.chat]
channels = ["chat"]
fallback_queue = "chat"

[queues.chat]

[agent_groups.agents]
count = 1
queues = ["chat"]
"#,
    )
    .unwrap();
}

/// The binary with the stall limit of [`burst`].
fn stalling(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_routesim"))
        .args(args)
        .current_dir(dir)
        .env("ROUTESIM_TEST_STALL_LIMIT", "1000")
        .output()
        .expect("routesim starts")
}

#[test]
fn replicated_runs_sweeps_and_compares_that_stall_end_with_exit_code_1() {
    let dir = tempfile::tempdir().unwrap();
    burst(dir.path());
    let single = stalling(
        dir.path(),
        &["run", "burst.toml", "--charts", "none", "--out", "one"],
    );
    assert_eq!(single.status.code(), Some(1), "{}", stderr(&single));
    // A stall names the file first, as a bad input does.
    assert!(
        stderr(&single)
            .starts_with("error: burst.toml: scenario \"burst\", seed 3: the run made no progress"),
        "{}",
        stderr(&single)
    );
    // With the limit every build has, the same crowd leaving at once is no stall.
    let unlowered = routesim(
        dir.path(),
        &["run", "burst.toml", "--charts", "none", "--out", "fine"],
    );
    assert_eq!(unlowered.status.code(), Some(0), "{}", stderr(&unlowered));

    let replicated = stalling(
        dir.path(),
        &[
            "run",
            "burst.toml",
            "--replications",
            "2",
            "--threads",
            "1",
            "--charts",
            "none",
            "--out",
            "two",
        ],
    );
    assert_eq!(replicated.status.code(), Some(1), "{}", stderr(&replicated));
    let error = stderr(&replicated);
    assert!(
        error.starts_with(
            "error: burst.toml: replication 0 of 2: scenario \"burst\", seed 3: the run made no progress"
        ),
        "{error}"
    );
    assert!(
        !dir.path().join("two").exists(),
        "no report of truncated runs"
    );

    let swept = stalling(
        dir.path(),
        &[
            "sweep",
            "burst.toml",
            "--replications",
            "1",
            "--threads",
            "1",
            "--charts",
            "none",
            "--out",
            "sweep",
        ],
    );
    assert_eq!(swept.status.code(), Some(1), "{}", stderr(&swept));
    let error = stderr(&swept);
    assert!(
        error.contains("\nerror: burst.toml: sweep point 0 (")
            && error.contains("), replication 0: scenario \"burst\""),
        "{error}"
    );
    assert!(error.contains("the run made no progress"), "{error}");
    assert!(!dir.path().join("sweep/sweep.csv").exists());

    let compared = stalling(
        dir.path(),
        &[
            "compare",
            "burst.toml",
            "burst.toml",
            "--replications",
            "2",
            "--threads",
            "1",
            "--out",
            "compare",
        ],
    );
    assert_eq!(compared.status.code(), Some(1), "{}", stderr(&compared));
    let error = stderr(&compared);
    assert!(
        error.contains("burst.toml: replication 0 of 2: scenario \"burst\""),
        "{error}"
    );

    // The staffing search's simulations stall too: exit 1 (not 4, "unreachable"), the file named.
    let burst = fs::read_to_string(dir.path().join("burst.toml")).unwrap();
    fs::write(
        dir.path().join("staffed.toml"),
        format!("{burst}\n[staffing]\nreplications = 2\nmax_agents = 3\n[[staffing.targets]]\nservice_level = 0.8\nthreshold = \"20s\"\n"),
    )
    .unwrap();
    let staffed = stalling(
        dir.path(),
        &[
            "staffing",
            "staffed.toml",
            "--charts",
            "none",
            "--out",
            "staffing",
        ],
    );
    assert_eq!(staffed.status.code(), Some(1), "{}", stderr(&staffed));
    let error = stderr(&staffed);
    assert!(
        error.starts_with(
            "error: staffed.toml: a simulation of the staffing search (seed 3) made no progress"
        ),
        "{error}"
    );
}

/// R replications are R runs: a horizon one run may have is refused for a thousand of them
/// (exit 2, before anything runs), and the message says why and how to go ahead.
#[test]
fn replications_whose_runs_together_exceed_the_budget_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mmc = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mmc.toml");
    let mmc = mmc.to_str().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    // About 910 k conversations (some 5 M events): within the budget once, not 1,000 times.
    let many = routesim(
        dir.path(),
        &[
            "run",
            mmc,
            "--horizon",
            "70d",
            "--replications",
            "1000",
            "--out",
            out,
        ],
    );
    assert_eq!(many.status.code(), Some(2), "{}", stderr(&many));
    let message = stderr(&many);
    assert!(message.contains("mmc.toml"), "{message}");
    assert!(
        message.contains("replicated run is far too large"),
        "{message}"
    );
    assert!(message.contains("1000 simulations"), "{message}");
    assert!(message.contains("--ignore-budget"), "{message}");
    assert!(!dir.path().join("out").exists(), "nothing is written");
}

/// A sweep whose later points stall reports the first stalled pair in (point, replication)
/// order whatever the thread count, and keeps the parts of the pairs before it.
#[test]
fn a_sweep_reports_its_first_stalled_pair_on_any_thread_count() {
    for threads in [1, 2] {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            "{}\n[sweep]\nreplications = 2\naxes.agent_groups.agents.count = [2, 3, 4, 5]\n",
            support::LOOP_SMS
        );
        let origin = Origin {
            file: "loop.toml".into(),
            base_dir: dir.path().to_path_buf(),
        };
        let mut swept =
            sweep::sweep_from_text(&text, &origin, sweep::SpecOverrides::default()).unwrap();
        for scenario in &mut swept.scenarios[1..] {
            cycle_at_one_instant(scenario);
        }
        let plan = sweep::plan(
            &swept,
            dir.path(),
            sweep::Shard::WHOLE,
            sweep::Continuation::Fresh,
        )
        .unwrap();
        let error = sweep::execute(&swept, &plan, Threads(Some(threads)), &|| {}).unwrap_err();
        let text = error.to_string();
        assert!(
            text.starts_with("sweep point 1 (agent_groups.agents.count=3), replication 0:"),
            "{threads} threads: {text}"
        );
        // Point 0 did not stall: both its parts were written.
        let parts = fs::read_dir(dir.path().join(sweep::PARTS_DIR))
            .unwrap()
            .filter(|entry| {
                let name = entry.as_ref().unwrap().file_name();
                name.to_string_lossy().starts_with("p00000-")
            })
            .count();
        assert_eq!(parts, 2, "{threads} threads");
    }
}

/// With two replications a t interval spans 12.7 standard errors, so the service level of a
/// well-staffed interval, near 100 %, would reach far above it. Every interval written is cut
/// to its measure's range: shares (and so their bounds) within 0..=1, nothing below 0; at
/// least one share's interval is cut at 1, so the check is not idle.
#[test]
fn replicated_intervals_stay_within_the_range_of_their_measure() {
    let dir = tempfile::tempdir().unwrap();
    let mmc = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mmc.toml");
    let output = routesim(
        dir.path(),
        &[
            "run",
            mmc.to_str().unwrap(),
            "--horizon",
            "6h",
            "--replications",
            "2",
            "--charts",
            "none",
            "--out",
            "out",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = fs::read_to_string(dir.path().join("out/intervals.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (measure, low, high) = (column("measure"), column("ci95_low"), column("ci95_high"));
    let mut cut_at_one = 0;
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        let (Ok(lo), Ok(hi)) = (fields[low].parse::<f64>(), fields[high].parse::<f64>()) else {
            continue;
        };
        let (min, max) = routesim::metrics::measure_range(fields[measure]);
        assert!(min <= lo && lo <= hi && hi <= max, "{line}");
        cut_at_one += usize::from(max == 1.0 && hi == 1.0 && lo < 1.0);
    }
    assert!(cut_at_one > 0, "no share's interval reached 1");
}
