//! Progress is guaranteed: a scenario whose conversations could cycle without the clock moving
//! is refused by validation (exit code 2, with the field path), and the run loop itself stops
//! a run whose clock stays at one instant, with an error naming the instant and the channel.

mod support;
use support::{cycle_at_one_instant, routesim};

use routesim::config::{parse_scenario, Origin};
use routesim::metrics;
use routesim::model::{simulate, NoObserver, StallSubject};

/// An SMS channel that goes Waiting with `probability` and resumes after `resume`, with a
/// handle time of `handle`; `extra` is added to the workstream.
fn sms(handle: &str, probability: &str, resume: &str, extra: &str) -> String {
    format!(
        r#"
name = "loop"

[simulation]
horizon = "8h"
seed = 3

[channels.sms]
kind = "sms"
arrivals = {{ per_hour = 20 }}
handle_time = {handle}
waiting = {{ probability = {probability}, resume_delay = {resume} }}

[workstreams.texts]
channels = ["sms"]
fallback_queue = "texts"
{extra}

[queues.texts]

[agent_groups.agents]
count = 2
queues = ["texts"]
"#
    )
}

const ZERO: &str = r#"{ kind = "constant", value = "0s" }"#;

fn origin() -> Origin {
    Origin {
        file: "loop.toml".into(),
        base_dir: ".".into(),
    }
}

#[test]
fn a_zero_time_waiting_cycle_is_refused_plain_behind_a_bot_and_with_self_selection() {
    let bot = r#"bot = { containment_probability = 0.2, handling_time = { kind = "constant", value = "0s" } }"#;
    let variants = [
        ("plain", ""),
        ("behind a bot", bot),
        ("with self-selection", "allow_self_selection = true"),
        ("pick mode", "mode = \"pick\""),
    ];
    // Every way to write "always zero" counts, not only the constant.
    let zeros = [
        ZERO,
        r#"{ kind = "uniform", min = "0s", max = "0s" }"#,
        r#"{ kind = "empirical", samples = ["0s", "0s"] }"#,
    ];
    let dir = tempfile::tempdir().unwrap();
    for (what, extra) in variants {
        for zero in zeros {
            let text = sms(zero, "1.0", zero, extra);
            let error = parse_scenario(&text, &origin()).unwrap_err().to_string();
            assert!(
                error.contains("loop.toml: channels.sms.waiting: with probability 1, a resume delay that is always 0 and a handle time that is always 0"),
                "{what}, {zero}: {error}"
            );
            let file = dir.path().join("loop.toml");
            std::fs::write(&file, &text).unwrap();
            for args in [
                &["validate", "loop.toml"][..],
                &["run", "loop.toml", "--charts", "none"],
            ] {
                let output = routesim(dir.path(), args);
                assert_eq!(output.status.code(), Some(2), "{what}: {args:?}");
                let stderr = String::from_utf8_lossy(&output.stderr);
                assert!(stderr.contains("channels.sms.waiting"), "{stderr}");
            }
        }
    }
}

#[test]
fn a_zero_time_cycle_almost_certain_to_repeat_is_refused_too() {
    // At 0.999999 a conversation would resume about a million times at one instant, which
    // the run loop would stop as a stall after validating: validation refuses it instead.
    let text = sms(ZERO, "0.999999", ZERO, "");
    let error = parse_scenario(&text, &origin()).unwrap_err().to_string();
    assert!(
        error.contains("channels.sms.waiting: with a resume delay and a handle time that are always 0, a conversation goes Waiting and resumes about 1000000 times")
            && error.contains("a probability of at most 0.999"),
        "{error}"
    );
}

#[test]
fn any_positive_duration_or_a_probability_below_1_is_progress_and_validates() {
    let tiny = r#"{ kind = "constant", value = "1ms" }"#;
    let maybe_zero = r#"{ kind = "empirical", samples = ["0s", "2s"] }"#;
    for (handle, probability, resume) in [
        (tiny, "1.0", ZERO),
        (ZERO, "1.0", tiny),
        (ZERO, "0.99", ZERO),
        // The most a cycle of zero durations may have: about a thousand resumes each.
        (ZERO, "0.999", ZERO),
        (maybe_zero, "1.0", ZERO),
    ] {
        let text = sms(handle, probability, resume, "");
        let scenario = parse_scenario(&text, &origin())
            .unwrap_or_else(|e| panic!("{handle} {probability} {resume}: {e}"));
        // It finishes, and no stall is reported.
        let mut short = scenario.clone();
        short.simulation.horizon = routesim::engine::SimDuration::from_secs(600);
        assert_eq!(simulate(&short, 1, &mut NoObserver).stall, None);
    }
}

#[test]
fn the_run_loop_stops_a_clock_that_does_not_move_and_names_the_channel() {
    // Validation refuses this cycle, so build it past validation: the model must still stop.
    let text = sms(
        r#"{ kind = "constant", value = "1s" }"#,
        "0.5",
        r#"{ kind = "constant", value = "1s" }"#,
        "",
    );
    let mut scenario = parse_scenario(&text, &origin()).unwrap();
    cycle_at_one_instant(&mut scenario);

    let stats = simulate(&scenario, 3, &mut NoObserver);
    let stall = stats.stall.expect("the run is stopped as stalled");
    assert!(matches!(stall.subject, StallSubject::Conversation(c) if c.index() == 0));
    assert!(stall.at < routesim::engine::SimTime::ZERO + scenario.simulation.horizon);
    // Bounded: the limit plus 64 per conversation in the system (a handful here).
    assert!(stall.events < 2_000_000, "{}", stall.events);

    let error = metrics::try_run(&scenario, 3).unwrap_err().to_string();
    assert!(
        error.starts_with("scenario \"loop\", seed 3: the run made no progress: the simulated clock stayed at d0 "),
        "{error}"
    );
    assert!(
        error.contains("channel \"sms\" (workstream \"texts\")"),
        "{error}"
    );
    // The same scenario without the cycle runs to its end.
    assert!(metrics::try_run(&parse_scenario(&text, &origin()).unwrap(), 3).is_ok());
}

#[test]
fn a_million_customers_who_abandon_at_the_same_instant_are_not_a_stall() {
    // 1,050,000 arrivals at time 0 (a trace), one agent, and a constant patience of a minute:
    // all but one abandon at 00:01:00, a million events at one instant. The limit grows with
    // the conversations in the system during the instant (it used to count those left, and
    // stopped this run as stalled).
    let dir = tempfile::tempdir().unwrap();
    let n = 1_050_000;
    std::fs::write(
        dir.path().join("burst.csv"),
        format!("t\n{}", "0\n".repeat(n)),
    )
    .unwrap();
    let text = "name = \"burst\"\n[simulation]\nhorizon = \"1h\"\nwarm_up = \"0s\"\n\
                interval = \"1h\"\n[channels.chat]\nkind = \"live_chat\"\n\
                arrivals = { csv = \"burst.csv\", column = \"t\", trace = true }\n\
                handle_time = { kind = \"exponential\", mean = \"5m\" }\n\
                patience = { kind = \"constant\", value = \"1m\" }\n\
                [workstreams.w]\nchannels = [\"chat\"]\nfallback_queue = \"q\"\n[queues.q]\n\
                [agent_groups.team]\ncount = 1\nqueues = [\"q\"]\n";
    let origin = Origin {
        file: "burst.toml".into(),
        base_dir: dir.path().to_path_buf(),
    };
    let scenario = parse_scenario(text, &origin).unwrap();
    let stats = simulate(&scenario, 1, &mut NoObserver);
    assert_eq!(stats.stall, None);
    assert!(stats.events > 2 * n as u64 - 10, "{}", stats.events);
}
