//! What the hardening issue found, one test each, through the binary: inputs that validated but
//! could not finish (a 1 ms interval, 10^8 agents, 10^9 arrivals or away episodes an hour,
//! /dev/zero or a named pipe as a CSV, a 100,000-day horizon, interval rows beyond memory, one
//! replication's results held 100,000 times, a sweep of a million runs, agents in thousands of
//! queues), names that are paths, CSV
//! excerpts, and messages. Each is refused with exit code 2, a message naming the file and the
//! field, quickly (every command runs under a deadline) and without writing anything.

mod support;
use support::stderr;

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A small valid scenario; cases edit one line of it.
const VALID: &str = r#"name = "small"

[simulation]
horizon = "8h"
seed = 5

[channels.chat]
kind = "live_chat"
arrivals = { per_hour = 30 }
handle_time = { kind = "exponential", mean = "4m" }

[workstreams.messaging]
channels = ["chat"]
fallback_queue = "sales"

[queues.sales]

[agent_groups.tier1]
count = 3
queues = ["sales"]
"#;

/// Longer than any refusal needs by far; a command still running then is a hang.
const DEADLINE: Duration = Duration::from_secs(30);

fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_routesim"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("routesim starts")
}

/// Runs `routesim args` in `dir`, failing the test if it does not end within [`DEADLINE`].
fn routesim(dir: &Path, args: &[&str]) -> Output {
    let mut child = spawn(dir, args);
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > DEADLINE {
            child.kill().unwrap();
            panic!("routesim {args:?} did not end within {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Writes VALID with `from` replaced by `to` as `dir/case.toml`, then checks that `validate`
/// and `run` both refuse it with exit code 2 and every `expected` fragment, writing nothing.
#[track_caller]
fn refused(from: &str, to: &str, expected: &[&str]) {
    assert!(VALID.contains(from), "{from}");
    refused_text(to, &VALID.replacen(from, to, 1), expected);
}

/// Writes `text` as `dir/case.toml` and checks that `validate` and `run` both refuse it with
/// exit code 2 and every `expected` fragment, writing nothing; `to` names the case.
#[track_caller]
fn refused_text(to: &str, text: &str, expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("case.toml"), text).unwrap();
    let before = listing(dir.path());
    for args in [
        &["validate", "case.toml"][..],
        &["run", "case.toml", "--charts", "none"],
    ] {
        let output = routesim(dir.path(), args);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{to}: {args:?}: {message}");
        assert!(message.contains("case.toml: "), "{message}");
        for fragment in expected {
            assert!(
                message.contains(fragment),
                "{to}: {args:?}: {message:?} lacks {fragment:?}"
            );
        }
        assert!(!message.contains("panicked"), "{message}");
    }
    assert_eq!(listing(dir.path()), before, "{to}: something was written");
}

#[test]
fn a_one_millisecond_interval_is_refused() {
    refused(
        "seed = 5",
        "seed = 5\ninterval = \"1ms\"",
        &["simulation.interval: the reporting interval must be at least 1m"],
    );
}

#[test]
fn a_hundred_million_agents_and_a_count_beyond_32_bits_are_refused_as_too_many() {
    refused(
        "count = 3",
        "count = 100000000",
        &["agent_groups.tier1.count: expected at most 100000 agents in a group, got 100000000"],
    );
    // Not "needs at least 1 agent": the value is too large, not too small.
    refused(
        "count = 3",
        "count = 4294967296",
        &["agent_groups.tier1.count: expected at most 100000 agents in a group, got 4294967296"],
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("case.toml"),
        VALID.replacen("count = 3", "count = 4294967296", 1),
    )
    .unwrap();
    let message = stderr(&routesim(dir.path(), &["validate", "case.toml"]));
    assert!(!message.contains("at least 1 agent"), "{message}");
}

#[test]
fn a_billion_arrivals_an_hour_is_refused_inline_and_in_a_curve() {
    refused(
        "per_hour = 30",
        "per_hour = 1e9",
        &["channels.chat.arrivals.per_hour: expected at most 1000000 arrivals per hour, got 1000000000"],
    );
    refused(
        "arrivals = { per_hour = 30 }",
        "arrivals = { rates_per_hour = [10, 1e9] }",
        &["channels.chat.arrivals.rates_per_hour: rate 2 is 1000000000: expected from 0 to 1000000"],
    );
}

#[test]
fn a_billion_away_episodes_an_hour_is_refused() {
    refused(
        "count = 3",
        "count = 3\naway_episodes = { per_hour = 1e9, duration = { kind = \"constant\", value = \"1m\" } }",
        &["agent_groups.tier1.away_episodes.per_hour: expected from 0 to 60 episodes per hour"],
    );
}

#[test]
fn dev_zero_a_named_pipe_and_a_folder_are_not_read_as_csv() {
    if !Path::new("/dev/zero").exists() {
        return;
    }
    refused(
        "arrivals = { per_hour = 30 }",
        "arrivals = { csv = \"/dev/zero\", column = \"chat\" }",
        &["channels.chat.arrivals.csv: cannot read CSV file /dev/zero: it is not a regular file"],
    );
    refused(
        "handle_time = { kind = \"exponential\", mean = \"4m\" }",
        "handle_time = { kind = \"empirical\", csv = \"/dev/zero\", column = \"s\" }",
        &["channels.chat.handle_time", "not a regular file"],
    );
    // A named pipe with no writer: opening it for reading would block for ever.
    let dir = tempfile::tempdir().unwrap();
    let made = Command::new("mkfifo")
        .arg(dir.path().join("pipe.csv"))
        .status();
    if made.is_ok_and(|s| s.success()) {
        std::fs::write(
            dir.path().join("case.toml"),
            VALID.replacen(
                "arrivals = { per_hour = 30 }",
                "arrivals = { csv = \"pipe.csv\", column = \"chat\" }",
                1,
            ),
        )
        .unwrap();
        for args in [&["validate", "case.toml"][..], &["validate", "pipe.csv"]] {
            let output = routesim(dir.path(), args);
            assert_eq!(output.status.code(), Some(2), "{args:?}");
            assert!(
                stderr(&output).contains("not a regular file"),
                "{}",
                stderr(&output)
            );
        }
    }
    refused(
        "arrivals = { per_hour = 30 }",
        "arrivals = { csv = \".\", column = \"chat\" }",
        &["cannot read CSV file", "it is a folder"],
    );
}

#[test]
fn a_file_that_is_not_a_csv_is_not_quoted_and_cells_are_quoted_short() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("secret.csv"),
        "root:x:0:0:s3cret-token:/root:/bin/bash\n1\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("long.csv"),
        format!("chat\n10\n{}\n", "9".repeat(5000) + "x"),
    )
    .unwrap();
    let case = |csv: &str| {
        std::fs::write(
            dir.path().join("case.toml"),
            VALID.replacen(
                "arrivals = { per_hour = 30 }",
                &format!("arrivals = {{ csv = \"{csv}\", column = \"chat\", interval = \"12h\" }}"),
                1,
            ),
        )
        .unwrap();
        let output = routesim(dir.path(), &["validate", "case.toml"]);
        assert_eq!(output.status.code(), Some(2));
        stderr(&output)
    };
    let message = case("secret.csv");
    assert!(
        message.contains("secret.csv does not look like a CSV file"),
        "{message}"
    );
    assert!(!message.contains("s3cret"), "{message}");
    let message = case("long.csv");
    assert!(
        message.contains("long.csv: row 3, column \"chat\": expected a number, got \"9999"),
        "{message}"
    );
    assert!(message.len() < 400, "the excerpt is short: {message}");
}

#[test]
fn a_name_is_a_name_and_only_out_chooses_a_folder_elsewhere() {
    for name in [
        "../x",
        "a/../../b",
        "/tmp/abs",
        "..",
        ".",
        "",
        "x\\\\y",
        "c:x",
    ] {
        refused(
            "name = \"small\"",
            &format!("name = \"{name}\""),
            &[
                "name: the name ",
                "it names the report folder output/<name>",
            ],
        );
    }
    // --out may point anywhere, including outside the working folder.
    let root = tempfile::tempdir().unwrap();
    let cwd = root.path().join("work");
    std::fs::create_dir(&cwd).unwrap();
    std::fs::write(cwd.join("case.toml"), VALID).unwrap();
    let output = routesim(
        &cwd,
        &[
            "run",
            "case.toml",
            "--charts",
            "none",
            "--out",
            "../elsewhere",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(root.path().join("elsewhere/summary.csv").exists());
}

#[test]
fn a_hundred_thousand_day_horizon_is_refused_by_the_budget_unless_told_to_go_ahead() {
    // The bundled default day (about 4,700 conversations) for 100,000 days: over 10^9 events.
    let default = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/default.toml"),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let long = default.replacen("horizon = \"24h\"", "horizon = \"100000d\"", 1);
    assert_ne!(long, default);
    std::fs::write(dir.path().join("long.toml"), &long).unwrap();
    std::fs::write(dir.path().join("day.toml"), &default).unwrap();
    std::fs::write(
        dir.path().join("spec.toml"),
        "scenario = \"long.toml\"\n[sweep]\nreplications = 2\n",
    )
    .unwrap();
    let expected = [
        "the run is far too large: about ",
        "events (budget 1.0e9)",
        "conversations over the horizon",
        "--ignore-budget",
    ];
    for (args, file) in [
        (&["validate", "long.toml"][..], "long.toml: "),
        (&["run", "long.toml", "--charts", "none"], "long.toml: "),
        (&["run", "day.toml", "--horizon", "100000d"], "day.toml: "),
        (&["run", "--horizon", "100000d"], "scenarios/default.toml: "),
        (&["baseline", "long.toml", "--out", "b.csv"], "long.toml: "),
        (
            &["sweep", "spec.toml", "--out", "s"],
            "spec.toml: sweep point 0: ",
        ),
        (&["validate", "spec.toml"], "spec.toml: sweep point 0: "),
    ] {
        let output = routesim(dir.path(), args);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        assert!(message.contains(file), "{args:?}: {message}");
        for fragment in expected {
            assert!(message.contains(fragment), "{args:?}: {message}");
        }
    }
    assert_eq!(listing(dir.path()), ["day.toml", "long.toml", "spec.toml"]);
    // With --ignore-budget the run starts (and is stopped here: it would take many minutes).
    let mut child = spawn(
        dir.path(),
        &["run", "long.toml", "--charts", "none", "--ignore-budget"],
    );
    std::thread::sleep(Duration::from_millis(1500));
    let still_running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let output = child.wait_with_output().unwrap();
    assert!(still_running, "{}", stderr(&output));
}

#[test]
fn one_minute_intervals_kept_apart_for_62_days_are_refused_before_they_fill_memory() {
    // A 3 KB file whose run reports 12 million interval rows: it used to be accepted and then
    // fill the machine's memory (a variant with 8 channels and queues was killed at 24 GB).
    refused(
        "horizon = \"8h\"",
        "horizon = \"62d\"\ninterval = \"1m\"\nreport_days = \"apart\"",
        &[
            "the run is far too large: about ",
            "of memory (budget 4.0 GiB)",
            "89280 intervals kept",
            "interval rows",
            "report_days = \"folded\"",
            "--ignore-budget",
        ],
    );
    // Folded onto one day, the same run is small.
    let dir = tempfile::tempdir().unwrap();
    let folded = VALID.replacen(
        "horizon = \"8h\"",
        "horizon = \"62d\"\ninterval = \"1m\"",
        1,
    );
    std::fs::write(dir.path().join("case.toml"), folded).unwrap();
    let output = routesim(dir.path(), &["validate", "case.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// VALID with its agents serving `queues` queues (`sales` and `queues - 1` others), `count`
/// agents, `per_hour` chats an hour over `horizon`.
fn serving_many_queues(queues: usize, count: u32, per_hour: u32, horizon: &str) -> String {
    let names: Vec<String> = (1..queues).map(|q| format!("\"q{q}\"")).collect();
    let mut text = VALID
        .replacen("count = 3", &format!("count = {count}"), 1)
        .replacen("per_hour = 30", &format!("per_hour = {per_hour}"), 1)
        .replacen("horizon = \"8h\"", &format!("horizon = \"{horizon}\""), 1)
        .replacen(
            "queues = [\"sales\"]",
            &format!("queues = [\"sales\", {}]", names.join(", ")),
            1,
        );
    for q in 1..queues {
        text += &format!("\n[queues.q{q}]\n");
    }
    text
}

#[test]
fn agents_serving_thousands_of_queues_are_weighed_by_their_memberships() {
    // 100,000 agents each in 2,000 queues: a few kilobytes of file, 2e8 memberships (about
    // 20 GB of queue state) for a handful of conversations. It used to validate.
    refused_text(
        "100000 agents in 2000 queues",
        &serving_many_queues(2_000, 100_000, 30, "8h"),
        &[
            "the run is far too large: about ",
            "of memory (budget 4.0 GiB)",
            "2.0e8 queue memberships",
            "let fewer agents serve so many queues",
        ],
    );
    // 100 agents each in 2,000 queues for 60 days: 3 million events, but every assignment and
    // release moves the agent in 2,000 queues (a day takes about 9 s, so 60 days take minutes).
    refused_text(
        "100 agents in 2000 queues for 60 days",
        &serving_many_queues(2_000, 100, 1_080, "60d"),
        &[
            "events (budget 1.0e9)",
            "200000 queue memberships",
            "changes of an agent's presence",
        ],
    );
    // The same centre with its agents in one queue, or the 2,000 queues for one day, is small.
    let dir = tempfile::tempdir().unwrap();
    for text in [
        serving_many_queues(1, 100_000, 30, "8h"),
        serving_many_queues(1, 100, 1_080, "60d"),
        serving_many_queues(2_000, 100, 1_080, "1d"),
    ] {
        std::fs::write(dir.path().join("case.toml"), text).unwrap();
        let output = routesim(dir.path(), &["validate", "case.toml"]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
}

#[test]
fn items_ranked_against_every_free_agent_of_a_huge_queue_are_weighed_by_those_agents() {
    // Closest-match skills compare each item with every free agent of its queue. 100,000
    // agents and 600,000 items an hour are 3e7 events for a day, but 1.4e12 agents ranked
    // (hours of work: 10,000 agents at a tenth of the rate take 9 s for two hours).
    let text = |count: u32, per_hour: u32| {
        format!(
            "name = \"closest\"\n[simulation]\nhorizon = \"1d\"\nseed = 1\n\
             [channels.calls]\nkind = \"voice\"\narrivals = {{ per_hour = {per_hour} }}\n\
             handle_time = {{ kind = \"exponential\", mean = \"5m\" }}\n\
             [workstreams.voice]\nchannels = [\"calls\"]\nfallback_queue = \"q0\"\n\
             skill_matching = \"closest\"\n\
             [[workstreams.voice.classification]]\nskills = {{ billing = 5 }}\n\
             [queues.q0]\n\
             [agent_groups.agents]\ncount = {count}\nqueues = [\"q0\"]\n\
             skills = {{ billing = 7 }}\n"
        )
    };
    refused_text(
        "100000 agents, closest match",
        &text(100_000, 600_000),
        &[
            "events (budget 1.0e9)",
            "1.4e12 agents ranked one by one",
            "use exact skill matching",
        ],
    );
    // Offers that are nearly always rejected come back to the queue, and each offer again
    // ranks every free agent (the item's declines make the rank its own): 20,000 agents
    // rejecting 99 % of offers are 100 offers an item, 4.8e12 agents ranked in a day.
    let rejecting = |count: u32, per_hour: u32, horizon: &str| {
        format!(
            "name = \"rejecting\"\n[simulation]\nhorizon = \"{horizon}\"\nseed = 1\n\
             [channels.chat]\nkind = \"live_chat\"\narrivals = {{ per_hour = {per_hour} }}\n\
             handle_time = {{ kind = \"exponential\", mean = \"5m\" }}\n\
             [workstreams.w]\nchannels = [\"chat\"]\nfallback_queue = \"q\"\n[queues.q]\n\
             [agent_groups.team]\ncount = {count}\nqueues = [\"q\"]\n\
             notifications = {{ response_time = {{ kind = \"exponential\", mean = \"5s\" }}, \
             reject_probability = 0.99 }}\n"
        )
    };
    refused_text(
        "20000 agents rejecting 99 % of offers",
        &rejecting(20_000, 100_000, "1d"),
        &[
            "events (budget 1.0e9)",
            "4.8e12 agents ranked one by one",
            "declined offers",
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("case.toml"), rejecting(2_000, 10_000, "1h")).unwrap();
    let output = routesim(dir.path(), &["validate", "case.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for (count, per_hour, matching) in [(10_000, 60_000, "closest"), (100_000, 600_000, "exact")] {
        let text = text(count, per_hour).replace(
            "skill_matching = \"closest\"",
            &format!("skill_matching = \"{matching}\""),
        );
        std::fs::write(dir.path().join("case.toml"), text).unwrap();
        let output = routesim(dir.path(), &["validate", "case.toml"]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
}

#[test]
fn a_block_of_a_hundred_thousand_items_over_a_growing_queue_runs_as_fast_as_a_small_one() {
    // Ten agents and 10,000 arrivals an hour: the queue grows to about 200,000 items. Each
    // arrival asked whether it was in the top block by walking the block, and each agent that
    // had just taken an item walked it again for nothing: 93 s with `block_size = 100000`
    // against 0.3 s with 100. Every item is eligible for every agent, so the block size
    // changes nothing here: the two runs must give the same figures.
    let text = |block: u32| {
        format!(
            "name = \"blk\"\n[simulation]\nhorizon = \"1d\"\nwarm_up = \"0s\"\nseed = 1\n\
             interval = \"6h\"\n[channels.calls]\nkind = \"voice\"\n\
             arrivals = {{ per_hour = 10000 }}\n\
             handle_time = {{ kind = \"exponential\", mean = \"5m\" }}\n\
             [workstreams.voice]\nchannels = [\"calls\"]\nfallback_queue = \"q0\"\n\
             [queues.q0]\nblock_size = {block}\n\
             [agent_groups.agents]\ncount = 10\nqueues = [\"q0\"]\n"
        )
    };
    let dir = tempfile::tempdir().unwrap();
    let mut summaries = Vec::new();
    // A large block whose head may hold items some agents may not take is weighed by what is
    // looked through: here half the items need a skill no agent has (the validation warns),
    // and each agent's turn looks through the waiting ones. A day at 2,000 items an hour takes
    // 7.5 s; a week at ten times the rate with a block of a million is refused.
    let skills = |per_hour: u32, count: u32, block: u32, horizon: &str| {
        format!(
            "name = \"skl\"\n[simulation]\nhorizon = \"{horizon}\"\nseed = 1\n\
             [channels.calls]\nkind = \"voice\"\narrivals = {{ per_hour = {per_hour} }}\n\
             handle_time = {{ kind = \"exponential\", mean = \"5m\" }}\n\
             variables.intent = {{ values = [\"billing\", \"other\"], weights = [0.5, 0.5] }}\n\
             [workstreams.voice]\nchannels = [\"calls\"]\nfallback_queue = \"q0\"\n\
             [[workstreams.voice.classification]]\n\
             when = [{{ variable = \"intent\", equals = \"billing\" }}]\n\
             skills = {{ billing = 5 }}\n\
             [queues.q0]\nblock_size = {block}\n\
             [agent_groups.agents]\ncount = {count}\nqueues = [\"q0\"]\n"
        )
    };
    refused_text(
        "a block of a million headed by items no agent may take",
        &skills(20_000, 1_000, 1_000_000, "7d"),
        &[
            "events (budget 1.0e9)",
            "queued items looked through at agents' turns",
            "use a smaller queues.<name>.block_size",
        ],
    );
    for text in [
        skills(2_000, 100, 100_000, "1d"),
        skills(20_000, 1_000, 100, "7d"),
    ] {
        std::fs::write(dir.path().join("case.toml"), text).unwrap();
        let output = routesim(dir.path(), &["validate", "case.toml"]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    for block in [100, 100_000] {
        std::fs::write(dir.path().join("case.toml"), text(block)).unwrap();
        let out = format!("out{block}");
        let output = routesim(
            dir.path(),
            &["run", "case.toml", "--charts", "none", "--out", &out],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        summaries.push(std::fs::read_to_string(dir.path().join(out).join("summary.csv")).unwrap());
    }
    assert!(summaries[0].contains("queued_at_end"), "{}", summaries[0]);
    assert_eq!(summaries[0], summaries[1]);
}

/// Runs a scenario text through the binary (no charts); the folder and its summary.csv.
fn run_text(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("case.toml"), text).unwrap();
    let output = routesim(
        dir.path(),
        &["run", "case.toml", "--charts", "none", "--out", "out"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary = std::fs::read_to_string(dir.path().join("out/summary.csv")).unwrap();
    (dir, summary)
}

/// An overall figure of a summary.csv.
fn overall(summary: &str, measure: &str) -> f64 {
    summary
        .lines()
        .find(|l| l.contains(&format!(",overall,all,{measure},")))
        .and_then(|l| l.rsplit(',').next())
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no overall {measure} in {summary}"))
}

/// Three days of chats that all prefer an agent of `group` and wait for it (`leave_in_queue`),
/// in one queue `q` served by `groups`.
fn preferring(
    per_hour: &str,
    interval: &str,
    workstream: &str,
    group: &str,
    groups: &str,
) -> String {
    format!(
        "name = \"pref\"\n[simulation]\nhorizon = \"3d\"\nwarm_up = \"0s\"\nseed = 1\n\
         interval = \"{interval}\"\n[channels.chat]\nkind = \"live_chat\"\n\
         arrivals = {{ per_hour = {per_hour} }}\n\
         handle_time = {{ kind = \"exponential\", mean = \"5m\" }}\n\
         variables.account = {{ values = [\"gold\"], weights = [1] }}\n\
         [workstreams.w]\nchannels = [\"chat\"]\nfallback_queue = \"q\"\n{workstream}\
         preferred_agents = {{ variable = \"account\", by_value = {{ gold = [\"{group}\"] }}, \
         fallback = \"leave_in_queue\" }}\n[queues.q]\n{groups}"
    )
}

#[test]
fn items_waiting_for_their_preferred_agents_in_a_growing_queue_run_in_time() {
    // 100 agents, 2,400 chats an hour (twice what they can answer) for three days, each chat
    // waiting for one agent of the team drawn for it: the queue grows to 86,000 items. Every
    // agent's turn looked at every waiting item to find those that prefer it (108 s); now
    // each agent keeps the items that name it (under 2 s).
    let text = preferring(
        "2400",
        "6h",
        "",
        "team",
        "[agent_groups.team]\ncount = 100\nqueues = [\"q\"]\n",
    );
    let (_dir, summary) = run_text(&text);
    let queued_at_end = overall(&summary, "queued_at_end");
    assert!(queued_at_end > 50_000.0, "{queued_at_end}");
}

#[test]
fn thousands_of_items_waiting_for_one_busy_agent_run_in_time() {
    // Every customer prefers the one agent of "star", who may take items only when Available;
    // the items wait for it. It is Busy while it holds any, and each of its completions was a
    // turn that looked at every item waiting for it: two days took 54 s, a week did not end.
    // Now a Busy agent's turn looks at none, an Available one's only at its queue's top block.
    let text = preferring(
        "6000",
        "1h",
        "allowed_presences = [\"available\"]\n",
        "star",
        "[agent_groups.star]\ncount = 1\nqueues = [\"q\"]\n\
         [agent_groups.team]\ncount = 600\nqueues = [\"q\"]\n",
    );
    let (dir, summary) = run_text(&text);
    // The team never gets an item (none falls back to it), so the star answers every one it
    // is offered and the rest pile up.
    assert!(overall(&summary, "queued_at_end") > 300_000.0, "{summary}");
    assert!(overall(&summary, "answered") > 1_000.0, "{summary}");
    let agents = std::fs::read_to_string(dir.path().join("out/agents.csv")).unwrap();
    assert!(agents.contains(",agent_group,team,handled,0\n"), "{agents}");
    assert!(
        !agents.contains(",agent_group,star,handled,0\n"),
        "{agents}"
    );
}

#[test]
fn replications_whose_results_cannot_all_be_held_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // One run of a day in one-minute intervals is within the budget. A check keeps every
    // replication's summary rows until it combines them, and 100,000 of those are too many; a
    // replicated run keeps every row's value, and 1,000 runs of four days kept apart are.
    let day = VALID.replacen(
        "horizon = \"8h\"",
        "horizon = \"24h\"\ninterval = \"1m\"",
        1,
    );
    let apart = VALID.replacen(
        "horizon = \"8h\"",
        "horizon = \"4d\"\ninterval = \"1m\"\nreport_days = \"apart\"",
        1,
    );
    std::fs::write(dir.path().join("day.toml"), &day).unwrap();
    std::fs::write(dir.path().join("apart.toml"), &apart).unwrap();
    std::fs::write(
        dir.path().join("check.toml"),
        format!("{day}\n[check]\nreplications = 100000\n"),
    )
    .unwrap();
    let before = listing(dir.path());
    for (args, expected, held) in [
        (
            &["baseline", "check.toml", "--out", "b.csv"][..],
            "check.toml: the check is far too large: up to 100000 simulations",
            "summary rows each, held together: about ",
        ),
        (
            &[
                "compare",
                "day.toml",
                "check.toml",
                "--replications",
                "100000",
                "--out",
                "c",
            ],
            "day.toml: the check is far too large: up to 100000 simulations",
            "summary rows each, held together: about ",
        ),
        (
            &[
                "run",
                "apart.toml",
                "--replications",
                "1000",
                "--charts",
                "none",
            ],
            "apart.toml: the replicated run is far too large: up to 1000 simulations",
            "interval and summary rows each, held together: about ",
        ),
    ] {
        let output = routesim(dir.path(), args);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        for fragment in [expected, held, "--ignore-budget"] {
            assert!(message.contains(fragment), "{args:?}: {message}");
        }
    }
    assert_eq!(listing(dir.path()), before, "something was written");
    // A single run of the four days is within the budget.
    let output = routesim(dir.path(), &["validate", "apart.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn a_sweep_whose_merged_results_cannot_be_held_is_refused_before_any_run() {
    // A million runs of a small day: each is within the budget, but merging them holds every
    // run's summary rows at once (about 40 GB). It used to run for hours and then fail.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("case.toml"), VALID).unwrap();
    let spec = "scenario = \"case.toml\"\n[sweep]\nreplications = 1000\naxes.agent_groups.tier1.count = { from = 1, to = 1000, step = 1 }\n";
    std::fs::write(dir.path().join("spec.toml"), spec).unwrap();
    let before = listing(dir.path());
    for args in [
        &["validate", "spec.toml"][..],
        &["sweep", "spec.toml", "--out", "s", "--charts", "none"],
        &["sweep", "spec.toml", "--shard", "0/100", "--out", "s"],
    ] {
        let output = routesim(dir.path(), args);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        for fragment in [
            "spec.toml: the sweep is far too large: 1000000 runs (points x replications)",
            "held together when they are merged",
            "of memory (budget 4.0 GiB)",
            "--ignore-budget",
        ] {
            assert!(message.contains(fragment), "{args:?}: {message}");
        }
    }
    assert_eq!(listing(dir.path()), before, "something was written");
    // A hundred times fewer replications is a sweep like any other.
    let small = spec.replacen("replications = 1000", "replications = 10", 1);
    std::fs::write(dir.path().join("spec.toml"), small).unwrap();
    let output = routesim(dir.path(), &["validate", "spec.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn missing_tables_are_named_by_their_path() {
    refused(
        "[simulation]\nhorizon = \"8h\"\nseed = 5\n",
        "",
        &["case.toml: simulation: missing: a scenario needs a [simulation] table"],
    );
    let dir = tempfile::tempdir().unwrap();
    let without_workstreams = VALID.replacen(
        "[workstreams.messaging]\nchannels = [\"chat\"]\nfallback_queue = \"sales\"\n",
        "",
        1,
    );
    assert_ne!(without_workstreams, VALID);
    std::fs::write(dir.path().join("case.toml"), without_workstreams).unwrap();
    let output = routesim(dir.path(), &["validate", "case.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "case.toml: workstreams: missing: a scenario needs at least one [workstreams.<name>] table"
        ),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_io_error_says_the_reason_once() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["run", "nowhere.toml"][..],
        &["validate", "nowhere.toml"],
        &["check", "nowhere.toml", "--baseline", "b.csv"],
    ] {
        let output = routesim(dir.path(), args);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            message.contains("nowhere.toml: cannot read the file"),
            "{message}"
        );
        let reason = "No such file or directory";
        assert_eq!(message.matches(reason).count(), 1, "{args:?}: {message}");
    }
    std::fs::write(dir.path().join("case.toml"), VALID).unwrap();
    let output = routesim(
        dir.path(),
        &["check", "case.toml", "--baseline", "nowhere.csv"],
    );
    let message = stderr(&output);
    assert!(
        message.contains("nowhere.csv: cannot read the baseline"),
        "{message}"
    );
    assert_eq!(
        message.matches("No such file or directory").count(),
        1,
        "{message}"
    );
}

#[test]
fn a_long_run_draws_a_progress_bar_when_stderr_is_a_terminal_and_none_otherwise() {
    // `script` (util-linux) gives the command a terminal; without it there is nothing to show.
    let has_script = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let dir = tempfile::tempdir().unwrap();
    let mmc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mmc.toml"))
            .unwrap();
    // About 2.3 x 10^7 events: past the bar's threshold, well within the budget.
    let long = mmc.replacen("horizon = \"7d\"", "horizon = \"900d\"", 1);
    assert_ne!(long, mmc);
    std::fs::write(dir.path().join("long.toml"), long).unwrap();
    // Piped stderr (not a terminal): no bar, whatever the length (checked on a short run).
    std::fs::write(dir.path().join("short.toml"), &mmc).unwrap();
    let quiet = routesim(dir.path(), &["run", "short.toml", "--charts", "none"]);
    assert_eq!(quiet.status.code(), Some(0));
    assert!(
        !stderr(&quiet).contains("simulated horizon"),
        "{}",
        stderr(&quiet)
    );
    if !has_script {
        return;
    }
    let command = format!(
        "{} run long.toml --charts none --out o",
        env!("CARGO_BIN_EXE_routesim")
    );
    let mut child = Command::new("script")
        .args(["-qefc", &command, "/dev/null"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buffer = [0u8; 4096];
        while let Ok(n) = std::io::Read::read(&mut stdout, &mut buffer) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buffer[..n]);
            if String::from_utf8_lossy(&seen).contains("of the simulated horizon") {
                let _ = sender.send(());
                break;
            }
        }
    });
    let shown = receiver.recv_timeout(DEADLINE).is_ok();
    // SIGTERM, so that `script` ends the run it started.
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let _ = child.wait();
    assert!(shown, "no progress bar within {DEADLINE:?}");
}
