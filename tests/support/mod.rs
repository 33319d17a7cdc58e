//! What the integration tests share: running the `routesim` binary as a user does and reading
//! what it printed, and the conservation of conversations in a run's results. Each test file
//! uses the part it needs (`mod support;`).
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

use routesim::metrics::{RunResults, Scope};

/// Runs `routesim args...` in `dir` and waits for it.
pub fn routesim(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_routesim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("routesim starts")
}

/// [`routesim`] with the arguments first, for the files that call it that way.
pub fn routesim_in(args: &[&str], dir: &Path) -> Output {
    routesim(dir, args)
}

/// What the run printed on stderr.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A small SMS centre that goes Waiting and resumes, valid as a file; with
/// [`cycle_at_one_instant`] its conversations cycle at one instant.
pub const LOOP_SMS: &str = r#"
name = "loop"
[simulation]
horizon = "8h"
seed = 3
[channels.sms]
kind = "sms"
arrivals = { per_hour = 20 }
handle_time = { kind = "constant", value = "1s" }
waiting = { probability = 0.5, resume_delay = { kind = "constant", value = "1s" } }
[workstreams.texts]
channels = ["sms"]
fallback_queue = "texts"
[queues.texts]
[agent_groups.agents]
count = 2
queues = ["texts"]
"#;

/// Makes channel 0 of `scenario` cycle at one instant: no handle time, always Waiting, resumed
/// at once. Validation refuses that cycle in a file, so tests of the stall net build it past
/// validation with this; the channel must already have a `waiting` setting.
pub fn cycle_at_one_instant(scenario: &mut routesim::model::Scenario) {
    use routesim::model::Distribution;
    let channel = &mut scenario.channels[0];
    channel.handle_time = Distribution::constant(0.0).expect("a valid constant");
    let waiting = channel
        .waiting
        .as_mut()
        .expect("the channel has a waiting setting");
    waiting.probability = 1.0;
    waiting.resume_delay = Distribution::constant(0.0).expect("a valid constant");
}

/// Every conversation offered ends in exactly one outcome or is still in the system.
#[track_caller]
pub fn assert_conserved(results: &RunResults) {
    let v = |measure: &str| {
        results
            .value(Scope::Overall, "all", measure)
            .unwrap_or_else(|| panic!("no overall measure {measure}"))
    };
    let outcomes = v("handled")
        + v("abandoned")
        + v("resume_abandoned")
        + v("auto_closed")
        + v("contained")
        + v("overflowed");
    let open =
        v("queued_at_end") + v("in_service_at_end") + v("waiting_at_end") + v("with_bot_at_end");
    assert_eq!(
        v("offered"),
        outcomes + open,
        "offered != outcomes + open at end (seed {})",
        results.seed
    );
}
