//! The regression check's statistical promises, on a small two-queue scenario
//! (`tests/data/check/small.toml`, 20 agents, occupancy about 0.8) with the default guards
//! (overall service level within 20 s, speed of answer, abandon rate; service level per queue):
//!
//! - a neutral change (other seeds, or another tie-break among identical agents) passes in at
//!   least 19 of 20 trials: the design aims at a family-wise false-alarm rate of at most 2.5%
//!   (95% family-wise confidence, Bonferroni over the guards, one bad side per guard), so 2 or
//!   more false alarms in 20 trials would happen with probability below 9% even at that bound,
//!   and in practice the neutral differences sit well inside the tolerances;
//! - a clearly worse policy (10% fewer agents, a queue that loses most of its agents) fails;
//! - an improvement (10% more agents) passes and is reported `better`.

use std::path::PathBuf;

use routesim::check::{
    check_against_baseline, compare_scenarios, CheckOptions, CheckReport, PolicyScenario, Verdict,
};
use routesim::config::Origin;
use routesim::sweep::Threads;

fn small_text() -> String {
    std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/check/small.toml"),
    )
    .unwrap()
}

fn policy(text: &str) -> PolicyScenario {
    PolicyScenario::from_text(
        text,
        &Origin {
            file: "small.toml".into(),
            base_dir: PathBuf::from("."),
        },
    )
    .unwrap()
}

fn edited(from: &str, to: &str) -> PolicyScenario {
    let text = small_text();
    assert!(
        text.contains(from),
        "the fixture no longer contains {from:?}"
    );
    policy(&text.replace(from, to))
}

/// Makes a baseline of `base` from `baseline_seed` and checks `candidate` against it, on
/// `check_seed` (the baseline's seeds when equal).
fn check(
    base: &PolicyScenario,
    candidate: &PolicyScenario,
    baseline_seed: u64,
    check_seed: u64,
) -> CheckReport {
    let baseline = base
        .baseline(base.spec.replications, baseline_seed, Threads(None))
        .unwrap();
    let options = CheckOptions {
        base_seed: Some(check_seed),
        threads: Threads(None),
    };
    check_against_baseline(candidate, &baseline, "baseline.csv", options).unwrap()
}

fn verdict(report: &CheckReport, scope: &str, name: &str, measure: &str) -> Verdict {
    report
        .comparison
        .outcomes
        .iter()
        .find(|o| o.key.scope.as_str() == scope && o.key.name == name && o.key.measure == measure)
        .unwrap_or_else(|| panic!("no guard on {scope} {name} {measure}"))
        .verdict
}

fn regressions(report: &CheckReport) -> Vec<String> {
    report
        .comparison
        .outcomes
        .iter()
        .filter(|o| o.verdict == Verdict::Regressed)
        .map(|o| o.key.to_string())
        .collect()
}

#[test]
fn the_same_scenario_on_the_same_seeds_differs_by_exactly_nothing() {
    let base = policy(&small_text());
    let report = check(&base, &base, 1, 1);
    assert!(!report.scenario_changed());
    for outcome in &report.comparison.outcomes {
        let difference = outcome.difference.unwrap();
        assert_eq!(
            (difference.low, difference.high, outcome.verdict),
            (0.0, 0.0, Verdict::Ok),
            "{}",
            outcome.key
        );
    }
}

#[test]
fn checks_on_other_seeds_than_the_baseline_pass_in_at_least_19_of_20_trials() {
    let base = policy(&small_text());
    let mut failures = Vec::new();
    for trial in 0..20u64 {
        let seed = 100 + trial;
        let report = check(&base, &base, seed, seed + 1000 * (trial + 1));
        if report.regressed() {
            failures.push((trial, regressions(&report)));
        }
    }
    assert!(failures.len() <= 1, "false alarms: {failures:?}");
}

#[test]
fn another_tie_break_among_identical_agents_passes_in_at_least_19_of_20_trials() {
    let base = policy(&small_text());
    let candidate = edited(
        "assignment = \"round_robin\"",
        "assignment = \"least_active\"",
    );
    assert!(check(&base, &candidate, 1, 1).scenario_changed());
    let failures: Vec<u64> = (0..20u64)
        .filter(|trial| check(&base, &candidate, 500 + trial, 500 + trial).regressed())
        .collect();
    assert!(failures.len() <= 1, "false alarms in trials {failures:?}");
}

#[test]
fn ten_percent_fewer_agents_fails_the_check() {
    let base = policy(&small_text());
    let report = check(&base, &edited("count = 20", "count = 18"), 1, 1);
    assert!(report.regressed());
    assert_eq!(
        verdict(&report, "overall", "all", "service_level_20s_of_offered"),
        Verdict::Regressed
    );
    assert_eq!(
        verdict(&report, "overall", "all", "asa_s"),
        Verdict::Regressed
    );
}

#[test]
fn a_change_that_starves_one_queue_fails_on_that_queue() {
    // Chat keeps 3 of the 20 agents for its 6 Erlangs; voice gets the rest to itself.
    let base = policy(&small_text());
    let starved = edited(
        "count = 20\ncapacity_units = 1\nqueues = [\"voice\", \"chat\"]",
        "count = 17\ncapacity_units = 1\nqueues = [\"voice\"]\n\n[agent_groups.chat_team]\ncount = 3\nqueues = [\"chat\"]",
    );
    let report = check(&base, &starved, 1, 1);
    assert!(report.regressed());
    assert_eq!(
        verdict(&report, "queue", "chat", "service_level_20s_of_offered"),
        Verdict::Regressed
    );
    assert_ne!(
        verdict(&report, "queue", "voice", "service_level_20s_of_offered"),
        Verdict::Regressed
    );
}

#[test]
fn ten_percent_more_agents_passes_and_is_reported_better() {
    let base = policy(&small_text());
    let report = check(&base, &edited("count = 20", "count = 22"), 1, 1);
    assert!(!report.regressed(), "{:?}", regressions(&report));
    assert_eq!(
        verdict(&report, "overall", "all", "service_level_20s_of_offered"),
        Verdict::Better
    );
    // The speed of answer falls by about 3 s against a 2 s tolerance: better or ok, never worse.
    assert!(matches!(
        verdict(&report, "overall", "all", "asa_s"),
        Verdict::Better | Verdict::Ok
    ));
}

#[test]
fn compare_judges_b_against_a_on_common_random_numbers() {
    let a = policy(&small_text());
    let b = edited("count = 20", "count = 18");
    let worse = compare_scenarios(&a, &b, 10, 3, Threads(None)).unwrap();
    assert!(worse.regressed());
    let better = compare_scenarios(&b, &a, 10, 3, Threads(None)).unwrap();
    assert!(!better.regressed());
    assert_eq!(
        verdict(&better, "overall", "all", "service_level_20s_of_offered"),
        Verdict::Better
    );
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let base = policy(&small_text());
    let one = base.baseline(6, 9, Threads(Some(1))).unwrap();
    let many = base.baseline(6, 9, Threads(Some(3))).unwrap();
    assert_eq!(one.to_csv(), many.to_csv());
}

#[test]
fn an_undefined_measure_is_reported_not_a_panic() {
    // Nobody answers chat: its speed of answer is undefined in every replication.
    let text = small_text().replace("queues = [\"voice\", \"chat\"]", "queues = [\"voice\"]")
        + "\n[[check.guard]]\nmeasure = \"asa_s\"\nscope = \"queue\"\nname = \"chat\"\nbetter = \"lower\"\ntolerance = 1\n";
    let base = policy(&text);
    let report = check(&base, &base, 1, 1);
    assert_eq!(
        verdict(&report, "queue", "chat", "asa_s"),
        Verdict::Undefined
    );
    assert!(!report.regressed());
}
