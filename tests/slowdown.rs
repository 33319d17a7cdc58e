//! Concurrency slowdown (SPEC §5): hand-followed trace scenarios where the stretch of the
//! remaining work at every change of the agent's concurrency gives exact completion times,
//! the birth-death chain of one agent with K slots and load-dependent service rate as an
//! exact oracle (replications and a confidence interval), and validation of the setting.

use std::path::PathBuf;
use std::sync::Arc;

use routesim::config::{parse_scenario, Origin};
use routesim::engine::SimTime;
use routesim::metrics::Scope;
use routesim::model::{simulate, AgentId, ArrivalProcess, ConversationInfo, Observer, Scenario};
use routesim::sweep::confidence::{student_t_quantile, Estimate};
use routesim::sweep::{run_replications, Threads};

fn origin() -> Origin {
    Origin {
        file: "inline.toml".into(),
        base_dir: PathBuf::from("."),
    }
}

fn parse(text: &str) -> Scenario {
    parse_scenario(text, &origin()).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// One chat channel, one agent with `capacity` slots; `extra` goes into the workstream.
fn one_agent(capacity: u32, handle: &str, workstream_extra: &str, channel_extra: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "2h"

[channels.chat]
kind = "live_chat"
arrivals = {{ per_hour = 1 }}
handle_time = {handle}
{channel_extra}

[workstreams.w]
channels = ["chat"]
fallback_queue = "q"
{workstream_extra}

[queues.q]

[agent_groups.g]
count = 1
capacity_units = {capacity}
queues = ["q"]
"#
    )
}

/// Replaces the channel's arrivals by a trace at these seconds.
fn with_trace(mut scenario: Scenario, seconds: &[u64]) -> Scenario {
    let times: Vec<SimTime> = seconds
        .iter()
        .map(|s| SimTime::from_micros(s * 1_000_000))
        .collect();
    scenario.channels[0].arrivals = ArrivalProcess::Trace {
        times: Arc::from(times),
    };
    scenario
}

/// Records (arrival second, answer second, completion second) of each conversation.
#[derive(Default)]
struct Timeline {
    answered: Vec<(f64, f64)>,
    completed: Vec<(f64, f64)>,
}

impl Observer for Timeline {
    fn answered(
        &mut self,
        now: SimTime,
        c: &ConversationInfo,
        _agent: AgentId,
        _how: routesim::model::Answer,
    ) {
        self.answered
            .push((c.arrived.as_secs_f64(), now.as_secs_f64()));
    }
    fn completed(&mut self, now: SimTime, c: &ConversationInfo, _agent: AgentId) {
        self.completed
            .push((c.arrived.as_secs_f64(), now.as_secs_f64()));
    }
}

fn completions(scenario: &Scenario) -> Vec<(f64, f64)> {
    let mut timeline = Timeline::default();
    simulate(scenario, 1, &mut timeline);
    let mut done = timeline.completed;
    done.sort_by(|a, b| a.partial_cmp(b).unwrap());
    done
}

#[test]
fn a_second_conversation_stretches_the_remaining_work_of_the_first() {
    // One agent, 2 slots, 120 s of work each, factors [1, 2]; arrivals at 0 s and 60 s.
    // A works alone at full pace from 0: 60 s done by 60 s. B joins: both go at half pace.
    // A's last 60 s of work take 120 s: A ends at 180. B did 120/2 = 60 s of work by then,
    // and its last 60 s go at full pace: B ends at 240. (Stretching only at assignment would
    // give A 120 and B 60 + 240 = 300; no slowdown would give 120 and 180.)
    let text = one_agent(
        2,
        r#"{ kind = "constant", value = "120s" }"#,
        "concurrency_slowdown = [1.0, 2.0]",
        "",
    );
    let done = completions(&with_trace(parse(&text), &[0, 60]));
    assert_eq!(done, vec![(0.0, 180.0), (60.0, 240.0)]);

    let plain = one_agent(2, r#"{ kind = "constant", value = "120s" }"#, "", "");
    let done = completions(&with_trace(parse(&plain), &[0, 60]));
    assert_eq!(done, vec![(0.0, 120.0), (60.0, 180.0)]);
}

#[test]
fn every_change_of_concurrency_repaces_every_conversation_of_the_agent() {
    // 3 slots, 60 s of work each, factors [1, 1.5, 3]; arrivals at 0, 30 and 60 s.
    //  0: A alone (pace 1): A would end at 60.
    // 30: B joins (x1.5): A has 30 left -> 30 + 45 = 75; B 60 left -> 30 + 90 = 120.
    // 60: C joins (x3): A did 30/1.5 = 20, 10 left -> 60 + 30 = 90; B did 20, 40 left;
    //     C 60 left.
    // 90: A ends (x1.5): B did 30/3 = 10, 30 left -> 90 + 45 = 135; C did 10, 50 left.
    // 135: B ends (x1): C did 45/1.5 = 30, 20 left -> 135 + 20 = 155.
    let text = one_agent(
        3,
        r#"{ kind = "constant", value = "60s" }"#,
        "concurrency_slowdown = [1.0, 1.5, 3.0]",
        "",
    );
    let done = completions(&with_trace(parse(&text), &[0, 30, 60]));
    assert_eq!(done, vec![(0.0, 90.0), (30.0, 135.0), (60.0, 155.0)]);
}

#[test]
fn the_last_factor_holds_beyond_the_list_and_the_channel_overrides_the_workstream() {
    // Factors [1, 2] on the channel, [1, 10] on the workstream (overridden); 3 slots, three
    // arrivals at 0 s with 60 s of work: with 3 held the last factor (2) applies, so all go
    // at half pace and end together at 120 s.
    let text = one_agent(
        3,
        r#"{ kind = "constant", value = "60s" }"#,
        "concurrency_slowdown = [1.0, 10.0]",
        "concurrency_slowdown = [1.0, 2.0]",
    );
    let done = completions(&with_trace(parse(&text), &[0, 0, 0]));
    assert_eq!(done, vec![(0.0, 120.0), (0.0, 120.0), (0.0, 120.0)]);
}

#[test]
fn wrap_up_counts_as_held_but_is_not_stretched() {
    // 2 slots, factors [1, 2], 60 s of work then 60 s of wrap-up, arrivals at 0 and 60 s.
    // A's service ends at 60 (alone); its wrap-up holds a slot until 120 and is not
    // stretched. B starts at 60 with 2 held: half pace until 120 (30 s of work done), then
    // alone: its last 30 s end at 150, wrap-up to 210.
    let text = one_agent(
        2,
        r#"{ kind = "constant", value = "60s" }"#,
        "concurrency_slowdown = [1.0, 2.0]",
        r#"wrap_up = { kind = "constant", value = "60s" }"#,
    );
    let done = completions(&with_trace(parse(&text), &[0, 60]));
    assert_eq!(done, vec![(0.0, 120.0), (60.0, 210.0)]);
}

/// Stationary distribution of the birth-death chain of one agent with `factors.len()` slots:
/// birth rate `lambda` in every state, death rate `mu * n / factor[n]` with `n` conversations
/// held (at most K; the rest queue). Returns (mean held / K, mean queued).
fn birth_death(lambda: f64, mu: f64, factors: &[f64]) -> (f64, f64) {
    let k = factors.len();
    let death = |n: usize| mu * n.min(k) as f64 / factors[n.min(k) - 1];
    let mut p = vec![1.0];
    // Beyond K the chain is geometric with ratio lambda / death(K); 2000 states leave a tail
    // below 0.75^2000.
    for n in 1..2000 {
        let next = p[n - 1] * lambda / death(n);
        p.push(next);
    }
    let total: f64 = p.iter().sum();
    let held: f64 = p.iter().enumerate().map(|(n, q)| n.min(k) as f64 * q).sum();
    let queued: f64 = p
        .iter()
        .enumerate()
        .map(|(n, q)| n.saturating_sub(k) as f64 * q)
        .sum();
    (held / total / k as f64, queued / total)
}

#[test]
fn one_agent_with_slowdown_matches_the_birth_death_chain() {
    // One agent with K = 3 slots, Poisson arrivals 18/h, exponential work of mean 5 min
    // (mu = 12/h), factors [1, 1.25, 1.5]: in state n the agent completes n / factor[n] * mu
    // per hour (12, 19.2, 24), so the number in system is a birth-death chain, exact because
    // the remaining work is memoryless only if the pace changes at every change of n.
    // Utilization (E[min(N, 3)] / 3) and the mean queue length are compared with the chain
    // with 40 replications of 1000 h (after 10 h warm-up): the exact value must lie in the
    // 99.9% Student-t interval of the replication means, and the interval must be narrow
    // (under 2% of the value for utilization, 6% for the queue, whose geometric tail makes
    // it noisier) so that a wrong pace would be caught: without slowdown the same load gives
    // utilization 0.50 and queue 0.24, against 0.696 and 1.56 here.
    let factors = [1.0, 1.25, 1.5];
    let text = r#"
[simulation]
horizon = "1010h"
warm_up = "10h"

[channels.chat]
kind = "live_chat"
arrivals = { per_hour = 18 }
handle_time = { kind = "exponential", mean = "5m" }

[workstreams.w]
channels = ["chat"]
fallback_queue = "q"
concurrency_slowdown = [1.0, 1.25, 1.5]

[queues.q]

[agent_groups.g]
count = 1
capacity_units = 3
queues = ["q"]
"#;
    let scenario = parse(text);
    let runs = run_replications(&scenario, 11, 40, Threads(None)).unwrap();
    let (utilization, queued) = birth_death(18.0, 12.0, &factors);
    let check = |name: &str, exact: f64, width: f64, values: Vec<f64>| {
        let estimate = Estimate::of(values);
        let half = student_t_quantile(0.9995, (estimate.n - 1) as f64) * estimate.sd
            / (estimate.n as f64).sqrt();
        assert!(
            (estimate.mean - exact).abs() <= half,
            "{name}: simulated {} ± {half}, exact {exact}",
            estimate.mean
        );
        assert!(
            half < width * exact,
            "{name}: interval ±{half} too wide ({} vs {exact})",
            estimate.mean
        );
    };
    check(
        "utilization",
        utilization,
        0.02,
        runs.iter()
            .map(|r| r.value(Scope::AgentGroup, "g", "utilization").unwrap())
            .collect(),
    );
    check(
        "queue_length_mean",
        queued,
        0.06,
        runs.iter()
            .map(|r| r.value(Scope::Overall, "all", "queue_length_mean").unwrap())
            .collect(),
    );
    // The no-slowdown chain is far outside: the test has the power to see a wrong pace.
    let (plain_utilization, _) = birth_death(18.0, 12.0, &[1.0, 1.0, 1.0]);
    assert!((plain_utilization - utilization).abs() > 0.1);
}

#[test]
fn bad_slowdown_lists_are_refused_with_their_paths() {
    for (setting, path, expected) in [
        (
            "concurrency_slowdown = []",
            "workstreams.w.concurrency_slowdown",
            "expected 1 to 100 factors",
        ),
        (
            "concurrency_slowdown = [1.0, 0.0]",
            "workstreams.w.concurrency_slowdown[1]",
            "expected a handle-time factor above 0",
        ),
        (
            "concurrency_slowdown = [1.0, -2.0, 1e9]",
            "workstreams.w.concurrency_slowdown[2]",
            "at most 1000",
        ),
    ] {
        let text = one_agent(2, r#"{ kind = "constant", value = "60s" }"#, setting, "");
        let error = parse_scenario(&text, &origin()).unwrap_err().to_string();
        assert!(
            error.contains(path) && error.contains(expected),
            "{setting}: {error}"
        );
    }
    let text = one_agent(
        2,
        r#"{ kind = "constant", value = "60s" }"#,
        "",
        "concurrency_slowdown = [\"fast\"]",
    );
    let error = parse_scenario(&text, &origin()).unwrap_err().to_string();
    assert!(
        error.contains("channels.chat.concurrency_slowdown"),
        "{error}"
    );
}
