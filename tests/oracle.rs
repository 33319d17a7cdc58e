//! Analytic oracles: the simulator against Erlang C (M/M/c) and Erlang A (M/M/c+M).
//!
//! Each case runs R = 20 independent replications (different seeds) and compares the mean of
//! each measure with the closed-form value. The test passes when the analytic value lies inside
//! the replication mean's confidence interval, widened by a small allowance for the bias that
//! remains after warm-up and for the log histogram's resolution. The intervals are
//! Bonferroni-corrected over the 25 comparisons of the five oracle cases (per-comparison level
//! 1 - 0.05/25), so if the simulator is right the chance that any comparison fails by bad luck
//! is at most 5%, for any seed; the seeds are fixed so that a run is reproducible. Each case also
//! asserts that its interval is narrow (the test has power: an error of a few percent fails).

use routesim::analytic::{ErlangA, ErlangC, MmcParams};
use routesim::config::{parse_scenario, Origin};
use routesim::metrics::{RunResults, Scope};
use routesim::sweep::{run_replications, Threads};

const REPLICATIONS: u32 = 20;
/// Two-sided Student t quantile for 19 degrees of freedom at level 1 - 0.05/25 (upper tail
/// 0.001): t_{0.999, 19} = 3.883, from standard t tables.
const T_BONFERRONI_19: f64 = 3.883;

struct Case {
    name: &'static str,
    servers: u32,
    arrivals_per_hour: f64,
    mean_handle_s: f64,
    mean_patience_s: Option<f64>,
    horizon_h: u32,
    warm_up_h: u32,
}

fn scenario_text(case: &Case) -> String {
    let patience = match case.mean_patience_s {
        Some(p) => format!("patience = {{ kind = \"exponential\", mean = \"{p}s\" }}"),
        None => String::new(),
    };
    format!(
        r#"
name = "{name}"
[simulation]
horizon = "{horizon}h"
warm_up = "{warm}h"
interval = "1h"
service_level_thresholds = ["20s", "60s"]

[channels.calls]
kind = "voice"
arrivals = {{ per_hour = {rate} }}
handle_time = {{ kind = "exponential", mean = "{aht}s" }}
{patience}

[workstreams.voice]
channels = ["calls"]
allowed_presences = ["available"]
fallback_queue = "main"

[queues.main]
assignment = "round_robin"

[agent_groups.agents]
count = {servers}
queues = ["main"]
"#,
        name = case.name,
        horizon = case.horizon_h,
        warm = case.warm_up_h,
        rate = case.arrivals_per_hour,
        aht = case.mean_handle_s,
        servers = case.servers,
    )
}

fn simulate(case: &Case) -> Vec<RunResults> {
    let origin = Origin {
        file: format!("{}.toml", case.name),
        base_dir: ".".into(),
    };
    let scenario = parse_scenario(&scenario_text(case), &origin).expect("oracle scenario is valid");
    run_replications(&scenario, 1000, REPLICATIONS, Threads::default()).unwrap()
}

/// Mean and confidence half-width of one measure over the replications.
fn estimate(runs: &[RunResults], scope: Scope, name: &str, measure: &str) -> (f64, f64) {
    let values: Vec<f64> = runs
        .iter()
        .map(|r| r.value(scope, name, measure).expect("measure present"))
        .collect();
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, T_BONFERRONI_19 * (variance / n).sqrt())
}

/// Asserts that `expected` lies within the interval plus `allowance`, and that the interval is
/// narrower than `max_half_width` (so the comparison can detect an error of that size).
#[track_caller]
fn check(
    runs: &[RunResults],
    scope: Scope,
    name: &str,
    measure: &str,
    expected: f64,
    allowance: f64,
    max_half_width: f64,
) {
    let (mean, half_width) = estimate(runs, scope, name, measure);
    assert!(
        (mean - expected).abs() <= half_width + allowance,
        "{}: {measure} simulated {mean:.5} ± {half_width:.5}, analytic {expected:.5} (allowance {allowance})",
        runs[0].scenario
    );
    assert!(
        half_width <= max_half_width,
        "{}: {measure} interval ±{half_width:.5} too wide to be a test",
        runs[0].scenario
    );
}

fn params(case: &Case) -> MmcParams {
    MmcParams {
        arrival_rate: case.arrivals_per_hour / 3600.0,
        mean_handle_time: case.mean_handle_s,
        servers: case.servers,
    }
}

/// Erlang C cases: 5 comparisons each.
fn check_erlang_c(case: Case) {
    let runs = simulate(&case);
    let analytic = ErlangC::new(params(&case)).expect("stable load");
    let overall = |measure: &str, expected: f64, allowance: f64, width: f64| {
        check(
            &runs,
            Scope::Overall,
            "all",
            measure,
            expected,
            allowance,
            width,
        )
    };
    // Probabilities: allowance 0.005 absolute (warm-up bias and rounding to whole microseconds).
    overall("p_wait", analytic.p_wait, 0.005, 0.03);
    overall(
        "service_level_20s_of_offered",
        analytic.service_level(20.0),
        0.005,
        0.03,
    );
    overall(
        "service_level_1m_of_offered",
        analytic.service_level(60.0),
        0.005,
        0.03,
    );
    // Mean wait: 2% relative allowance; its interval must be within 15% of the value (waits
    // near saturation are noisy).
    overall(
        "wait_mean_s",
        analytic.mean_wait,
        0.02 * analytic.mean_wait,
        0.15 * analytic.mean_wait,
    );
    check(
        &runs,
        Scope::AgentGroup,
        "agents",
        "occupancy",
        analytic.occupancy,
        0.003,
        0.02,
    );
}

/// Erlang A cases: 5 comparisons each.
fn check_erlang_a(case: Case) {
    let runs = simulate(&case);
    let analytic =
        ErlangA::new(params(&case), case.mean_patience_s.unwrap()).expect("valid parameters");
    let overall = |measure: &str, expected: f64, allowance: f64, width: f64| {
        check(
            &runs,
            Scope::Overall,
            "all",
            measure,
            expected,
            allowance,
            width,
        )
    };
    overall("p_wait", analytic.p_wait(), 0.005, 0.03);
    overall("abandon_rate", analytic.p_abandon(), 0.005, 0.03);
    overall(
        "service_level_20s_of_offered",
        analytic.service_level_of_offered(20.0),
        0.005,
        0.03,
    );
    overall(
        "wait_mean_s",
        analytic.mean_wait(),
        0.02 * analytic.mean_wait(),
        0.15 * analytic.mean_wait(),
    );
    check(
        &runs,
        Scope::AgentGroup,
        "agents",
        "occupancy",
        analytic.occupancy(),
        0.003,
        0.02,
    );
}

#[test]
fn mm1_at_load_0_7_matches_erlang_c() {
    check_erlang_c(Case {
        name: "mm1-0.7",
        servers: 1,
        arrivals_per_hour: 8.4,
        mean_handle_s: 300.0,
        mean_patience_s: None,
        horizon_h: 2000,
        warm_up_h: 20,
    });
}

#[test]
fn mm10_at_load_0_85_matches_erlang_c() {
    check_erlang_c(Case {
        name: "mm10-0.85",
        servers: 10,
        arrivals_per_hour: 102.0,
        mean_handle_s: 300.0,
        mean_patience_s: None,
        horizon_h: 300,
        warm_up_h: 5,
    });
}

#[test]
fn mm100_at_load_0_95_matches_erlang_c() {
    check_erlang_c(Case {
        name: "mm100-0.95",
        servers: 100,
        arrivals_per_hour: 1140.0,
        mean_handle_s: 300.0,
        mean_patience_s: None,
        horizon_h: 200,
        warm_up_h: 4,
    });
}

#[test]
fn underloaded_mmc_with_abandonment_matches_erlang_a() {
    check_erlang_a(Case {
        name: "erlang-a-under",
        servers: 20,
        arrivals_per_hour: 216.0, // 18 Erlangs on 20 agents
        mean_handle_s: 300.0,
        mean_patience_s: Some(180.0),
        horizon_h: 200,
        warm_up_h: 4,
    });
}

#[test]
fn overloaded_mmc_with_abandonment_matches_erlang_a() {
    check_erlang_a(Case {
        name: "erlang-a-over",
        servers: 20,
        arrivals_per_hour: 288.0, // 24 Erlangs on 20 agents: stable only because customers leave
        mean_handle_s: 300.0,
        mean_patience_s: Some(120.0),
        horizon_h: 200,
        warm_up_h: 4,
    });
}

#[test]
fn a_wrong_staffing_level_is_detected() {
    // Power check: the same M/M/10 simulated with 11 agents must fail the 10-agent oracle.
    let case = Case {
        name: "mm10-vs-11",
        servers: 11,
        arrivals_per_hour: 102.0,
        mean_handle_s: 300.0,
        mean_patience_s: None,
        horizon_h: 300,
        warm_up_h: 5,
    };
    let runs = simulate(&case);
    let wrong = ErlangC::new(MmcParams {
        servers: 10,
        ..params(&case)
    })
    .unwrap();
    let (mean, half_width) = estimate(&runs, Scope::Overall, "all", "p_wait");
    assert!(
        (mean - wrong.p_wait).abs() > half_width + 0.005,
        "11 agents looked like 10: {mean} vs {}",
        wrong.p_wait
    );
}
