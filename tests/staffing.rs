//! Staffing: the simulated requirement (iterative staffing algorithm on the model) against
//! Erlang C and Erlang A on stationary queues, a day with a steep ramp verified on fresh seeds,
//! multi-session chat against the naive multi-slot Erlang figure, unreachable and invalid
//! targets, and determinism across thread counts.

mod support;

use routesim::config::{parse_table, scenario_and_staffing_from_table, Origin, StaffingSpec};
use routesim::model::Scenario;
use routesim::staffing::{self, StaffingError, StaffingOptions, StaffingReport};
use routesim::sweep::Threads;

fn load(text: &str) -> (Scenario, StaffingSpec) {
    let origin = Origin {
        file: "test.toml".into(),
        base_dir: ".".into(),
    };
    let table = parse_table(text, &origin).expect("valid TOML");
    let (scenario, spec) =
        scenario_and_staffing_from_table(table, &origin).unwrap_or_else(|e| panic!("{e}"));
    (scenario, spec.expect("a [staffing] table"))
}

fn staff(text: &str, threads: Option<usize>) -> Result<StaffingReport, StaffingError> {
    let (scenario, spec) = load(text);
    staffing::staff(
        &scenario,
        &spec,
        StaffingOptions {
            threads: Threads(threads),
            ..StaffingOptions::default()
        },
    )
}

/// One stationary queue, measured as a single interval of the day ("24h"): `hours` of traffic
/// after a one-hour warm-up.
fn stationary(
    per_hour: f64,
    aht_s: f64,
    patience_s: Option<f64>,
    hours: u32,
    target: &str,
) -> String {
    let patience = patience_s
        .map(|p| format!("patience = {{ kind = \"exponential\", mean = \"{p}s\" }}"))
        .unwrap_or_default();
    format!(
        r#"
[simulation]
horizon = "{h}h"
warm_up = "1h"
interval = "24h"
seed = 7

[channels.calls]
kind = "voice"
arrivals = {{ per_hour = {per_hour} }}
handle_time = {{ kind = "exponential", mean = "{aht_s}s" }}
{patience}

[workstreams.voice]
channels = ["calls"]
allowed_presences = ["available"]
fallback_queue = "main"

[queues.main]

[agent_groups.agents]
count = 1
queues = ["main"]

[staffing]
replications = 8
{target}
"#,
        h = hours + 1
    )
}

const SL_80_20: &str = "[[staffing.targets]]\nservice_level = 0.8\nthreshold = \"20s\"";

/// The simulated requirement equals the Erlang one within one agent. Tolerance: the search
/// decides on the mean over replications, whose standard error here (about 0.01 to 0.03 of
/// service level) is below the gain of one agent near the target (0.05 to 0.07 at 10 to 50
/// erlangs, 0.03 at 200), so noise can move the answer by one agent, not two. Horizons are
/// short to keep CI fast; the Erlang figure itself is exact.
#[track_caller]
fn within_one_agent(per_hour: f64, patience_s: Option<f64>, hours: u32) {
    let report = staff(
        &stationary(per_hour, 300.0, patience_s, hours, SL_80_20),
        None,
    )
    .unwrap();
    let target = &report.targets[0];
    let erlang = if patience_s.is_some() {
        target.erlang_a[0]
    } else {
        target.erlang_c[0]
    }
    .expect("reachable");
    let simulated = report.simulated[0];
    assert!(
        simulated.abs_diff(erlang) <= 1,
        "{per_hour}/h, patience {patience_s:?}: simulated {simulated}, Erlang {erlang} ({:?})",
        report.isa
    );
    assert!(report.isa.converged, "{:?}", report.isa);
}

/// The textbook queue (540 an hour, 5 minutes, no patience) over one day of hourly
/// intervals, with `extra` in `[simulation]` and `staffing` in `[staffing]`.
fn hourly_day(extra: &str, staffing: &str) -> String {
    stationary(540.0, 300.0, None, 23, staffing)
        .replace("interval = \"24h\"", "interval = \"1h\"")
        .replace("warm_up = \"1h\"", extra)
        .replace("replications = 8\n", "")
}

#[test]
fn intervals_inside_the_warm_up_of_a_one_day_run_are_staffed_like_the_others() {
    // A 2 h warm-up in a one-day run: 00:00-02:00 are never measured after it, so they are
    // judged on the warm-up's own conversations. Were they left unjudged, the search would
    // leave them unstaffed, and the backlog would make 02:00 impossible to meet.
    let report = staff(
        &hourly_day("warm_up = \"2h\"", &format!("replications = 4\n{SL_80_20}")),
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // Erlang C: 51 for every hour. Four replications judged on their mean move an hour by a
    // few agents, most at 02:00, the first hour judged on a warm system.
    for (i, &agents) in report.simulated.iter().enumerate() {
        assert!((45..=60).contains(&agents), "{i}: {:?}", report.simulated);
    }
    // Their occupancy too comes from the warm-up: 45 erlangs on about 51 agents, some 0.88
    // (the first hour starts empty, so a little lower), not undefined.
    for i in 0..2 {
        let occupancy = report.occupancy[i].mean;
        assert!(
            (0.6..=1.0).contains(&occupancy),
            "{i}: {:?}",
            report.occupancy[i]
        );
    }
}

#[test]
fn a_horizon_shorter_than_a_day_plans_only_the_hours_it_reaches() {
    // Four hours (one of warm-up) of the textbook queue, in hourly intervals: 00:00-04:00 are
    // planned; the other twenty hours are not reached, so no column counts them (the Erlang
    // side used to size all 24 hours, against the simulation's four).
    let text = stationary(540.0, 300.0, None, 3, SL_80_20)
        .replace("interval = \"24h\"", "interval = \"1h\"")
        .replace("replications = 8\n", "replications = 2\n");
    let report = staff(&text, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.covered.iter().filter(|&&c| c).count(), 4);
    assert!(report.covered[..4].iter().all(|&c| c));
    for i in 0..4 {
        assert_eq!(report.erlang_c[i], Some(51), "{i}");
        assert!(report.simulated[i] > 0, "{i}");
    }
    for i in 4..24 {
        assert_eq!(
            (report.erlang_c[i], report.simulated[i]),
            (Some(0), 0),
            "{i}"
        );
        assert_eq!(report.flat_scheduled[i], 0.0, "{i}");
    }
    let erlang_hours = report.agent_hours(report.erlang_c.iter().map(|a| f64::from(a.unwrap())));
    assert_eq!(erlang_hours, 204.0);
    let table = routesim::report::staffing_table(&report);
    assert!(table.contains("Planned: 00:00 to 04:00 only"), "{table}");
}

#[test]
fn customers_still_waiting_at_the_end_count_against_the_targets() {
    // 30 agents for 45 erlangs and nobody abandons: from mid-morning on nobody who arrives is
    // answered before the day ends. Those customers, still waiting at the end long past the
    // threshold, are misses, so every interval is out of reach (not only the ones in which
    // someone was answered late).
    for target in [SL_80_20, "[[staffing.targets]]\nmax_asa = \"30s\""] {
        let text = hourly_day(
            "warm_up = \"0s\"",
            &format!("replications = 2\nmax_agents = 30\n{target}"),
        );
        match staff(&text, None) {
            Err(StaffingError::Unreachable { intervals, .. }) => {
                assert_eq!(intervals.len(), 24, "{target}: {intervals:?}");
            }
            other => panic!("{target}: expected unreachable, got {other:?}"),
        }
    }
}

#[test]
fn the_textbook_example_needs_51_agents() {
    // 540 an hour, 5 minutes, 80 % in 20 s: Erlang C gives 51 exactly (SL 80.7 %; 50 give
    // 73.9 %), and the simulation agrees within one agent.
    let report = staff(&stationary(540.0, 300.0, None, 6, SL_80_20), None).unwrap();
    assert_eq!(report.targets[0].erlang_c, vec![Some(51)]);
    assert_eq!(report.targets[0].offered_load, vec![45.0]);
    assert!(report.simulated[0].abs_diff(51) <= 1, "{:?}", report.isa);
}

#[test]
fn mmc_requirement_matches_erlang_c_at_10_50_and_200_erlangs() {
    within_one_agent(120.0, None, 12);
    within_one_agent(600.0, None, 6);
    within_one_agent(2400.0, None, 3);
}

#[test]
fn mmc_with_abandonment_matches_erlang_a_at_10_50_and_200_erlangs() {
    within_one_agent(120.0, Some(180.0), 12);
    within_one_agent(600.0, Some(180.0), 6);
    within_one_agent(2400.0, Some(180.0), 3);
}

/// A day staffed by the hour (the planner's interval) with a 15-minute forecast: a steep
/// morning ramp (10 to 600 an hour between 06:00 and 08:00), a plateau, a fall at noon to 150
/// and at 18:00 to 10; customers abandon after 3 minutes on average.
fn ramp_day(extra: &str) -> String {
    let mut rates = vec![10.0; 96];
    let ramp = [10.0, 20.0, 40.0, 80.0, 160.0, 320.0, 480.0, 600.0];
    rates[24..32].copy_from_slice(&ramp);
    for r in &mut rates[32..48] {
        *r = 600.0;
    }
    rates[48..52].copy_from_slice(&[450.0, 300.0, 200.0, 150.0]);
    for r in &mut rates[52..72] {
        *r = 150.0;
    }
    let rates: Vec<String> = rates.iter().map(|r| format!("{r}")).collect();
    format!(
        r#"
[simulation]
horizon = "24h"
interval = "1h"
seed = 11

[channels.calls]
kind = "voice"
arrivals = {{ rates_per_hour = [{rates}] }}
handle_time = {{ kind = "exponential", mean = "8m" }}
patience = {{ kind = "exponential", mean = "3m" }}

[workstreams.voice]
channels = ["calls"]
allowed_presences = ["available"]
fallback_queue = "main"

[queues.main]

[agent_groups.agents]
count = 1
queues = ["main"]

[staffing]
replications = 10
{extra}
[[staffing.targets]]
service_level = 0.8
threshold = "20s"
"#,
        rates = rates.join(", ")
    )
}

#[test]
fn a_ramp_day_meets_the_target_on_fresh_seeds_where_erlang_per_interval_misses() {
    let text = ramp_day("");
    let report = staff(&text, None).unwrap();
    let judged: Vec<bool> = report.verified.iter().flatten().map(|v| v.ci95).collect();
    let met = judged.iter().filter(|&&m| m).count();
    assert_eq!(judged.len(), 24, "every hour has demand");
    // Each interval passes unless its fresh 95 % interval lies wholly below the target.
    assert!(
        met as f64 >= 0.95 * judged.len() as f64,
        "met in {met} of {} intervals",
        judged.len()
    );
    // The same check for the per-interval Erlang curves, on the same fresh seeds.
    let (scenario, spec) = load(&text);
    let (_, fresh) = routesim::staffing::search::seeds(report.base_seed, spec.replications);
    let curve = |figures: &[Option<u32>]| -> Vec<u32> {
        figures.iter().map(|r| r.expect("reachable")).collect()
    };
    let erlang_c = curve(&report.targets[0].erlang_c);
    let erlang_a = curve(&report.targets[0].erlang_a);
    let shown_to_miss = |c: &[u32]| -> Vec<String> {
        staffing::verify_curve(&scenario, &spec, c, &fresh, Threads(None))
            .verified
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_some_and(|v| !v.ci95))
            .map(|(i, _)| report.interval_label(i))
            .collect()
    };
    let (missed_c, missed_a) = (shown_to_miss(&erlang_c), shown_to_miss(&erlang_a));
    eprintln!("Erlang C per interval is shown to miss 80/20 at {missed_c:?}");
    eprintln!("Erlang A per interval is shown to miss 80/20 at {missed_a:?}");
    eprintln!(
        "simulated {:?}\nerlang c  {erlang_c:?}\nerlang a  {erlang_a:?}",
        report.simulated
    );
    // Within the ramp hour the rate climbs from 160 to 600 an hour: the stationary figures
    // staff for its mean and miss; the simulated curve staffs for the hour as it happens.
    let ramp = 7;
    for (name, missed, figures) in [("C", &missed_c, &erlang_c), ("A", &missed_a, &erlang_a)] {
        assert!(
            missed.iter().any(|l| l.as_str() == "07:00"),
            "Erlang {name} should miss in the ramp hour 07:00: {missed:?}"
        );
        assert!(report.simulated[ramp] > figures[ramp], "Erlang {name}");
    }
}

#[test]
fn unreachable_targets_name_the_intervals() {
    // 100 % within 0 s: no finite staff guarantees it.
    let text = stationary(
        120.0,
        300.0,
        None,
        2,
        "max_agents = 40\n[[staffing.targets]]\nservice_level = 1.0\nthreshold = \"0s\"",
    );
    match staff(&text, None) {
        Err(StaffingError::Unreachable {
            intervals,
            max_agents,
        }) => {
            assert_eq!(intervals, vec!["00:00-24:00".to_string()]);
            assert_eq!(max_agents, 40);
        }
        other => panic!("expected unreachable, got {other:?}"),
    }
    // A maximum below what the load needs (10 erlangs need about 13 agents).
    let text = stationary(
        120.0,
        300.0,
        None,
        2,
        &format!("max_agents = 8\n{SL_80_20}"),
    );
    let error = staff(&text, None).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("00:00-24:00") && message.contains("max_agents = 8"),
        "{message}"
    );
}

#[test]
fn invalid_targets_are_refused_with_their_field_path() {
    let cases = [
        (
            "[[staffing.targets]]\nservice_level = 1.5\nthreshold = \"20s\"",
            "staffing.targets[0].service_level: expected a share above 0 and at most 1",
        ),
        (
            "[[staffing.targets]]\nservice_level = 0.8",
            "staffing.targets[0].threshold: a service-level target needs `threshold`",
        ),
        (
            "[[staffing.targets]]\nmax_asa = \"soon\"",
            "staffing.targets[0].max_asa:",
        ),
        (
            "[[staffing.targets]]\nscope = \"queue\"\nname = \"mian\"\nmax_asa = \"30s\"",
            "staffing.targets[0].name: unknown queue \"mian\"",
        ),
        (
            "[[staffing.targets]]\nmax_occupancy = 0",
            "staffing.targets[0].max_occupancy: expected a share above 0",
        ),
        (
            "[[staffing.targets]]\nscope = \"channel\"",
            "staffing.targets[0]: a target needs at least one of",
        ),
        (
            "groups = [\"agnets\"]\n[[staffing.targets]]\nmax_asa = \"30s\"",
            "staffing.groups[0]: unknown agent group \"agnets\"",
        ),
        (
            "shrinkage = 1\n[[staffing.targets]]\nmax_asa = \"30s\"",
            "staffing.shrinkage: expected a share from 0 to below 1",
        ),
        (
            "min_agents = 9\nmax_agents = 3\n[[staffing.targets]]\nmax_asa = \"30s\"",
            "staffing.min_agents: min_agents (9) is more than max_agents (3)",
        ),
        (
            "confidence = 1\n[[staffing.targets]]\nmax_asa = \"30s\"",
            "staffing.confidence:",
        ),
        (
            "replications = 1\n[[staffing.targets]]\nmax_asa = \"30s\"",
            "staffing.replications: expected a whole number from 2",
        ),
        ("", "staffing.targets: give at least one target"),
    ];
    for (table, expected) in cases {
        let text = stationary(120.0, 300.0, None, 2, "").replace("replications = 8\n", "") + table;
        let origin = Origin {
            file: "t.toml".into(),
            base_dir: ".".into(),
        };
        let error = scenario_and_staffing_from_table(parse_table(&text, &origin).unwrap(), &origin)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains(expected),
            "expected {expected:?} in:\n{error}"
        );
    }
}

#[test]
fn the_curve_does_not_depend_on_the_thread_count() {
    let text = ramp_day("max_iterations = 6\nreplications = 3").replace("replications = 10\n", "");
    let one = staff(&text, Some(1));
    let two = staff(&text, Some(2));
    assert!(one.is_ok(), "{one:?}");
    assert_eq!(one, two);
}

/// Multi-session chat: agents hold three chats at once. The naive multi-slot Erlang figure
/// treats each agent as three independent servers; the simulation routes each chat to the
/// agent with the most free capacity, so agents fill up one slot at a time across the whole
/// group and a new chat waits only when every slot of every agent is taken: the same pooled
/// M/M/(3n) queue, and the same requirement within one agent. (With a concurrency slowdown
/// the naive figure is wrong: see the next test.)
#[test]
fn multi_session_chat_against_the_naive_multi_slot_erlang_figure() {
    let text = stationary(1200.0, 450.0, None, 4, SL_80_20)
        .replace("kind = \"voice\"", "kind = \"live_chat\"")
        .replace("count = 1\n", "count = 1\ncapacity_units = 3\n")
        .replace(
            "allowed_presences = [\"available\"]",
            "allowed_presences = [\"available\", \"busy\"]",
        );
    let report = staff(&text, None).unwrap();
    let naive = report.targets[0].erlang_c[0].unwrap();
    // 150 erlangs of chat: about 160 slots, so 54 agents of three.
    assert!((50..=56).contains(&naive), "naive figure {naive}");
    assert!(
        report.simulated[0].abs_diff(naive) <= 1,
        "simulated {} vs naive {naive}",
        report.simulated[0]
    );
}

/// Multi-session chat with a concurrency slowdown of [1.0, 1.2, 1.5]: an agent holding n chats
/// works each at 1/factor[n] of its speed, so it finishes at most n / factor[n] chats per mean
/// handle time: 1, 1.67, 2. At 150 erlangs of chat no fewer than 150 / 2 = 75 agents can keep
/// up at all, whatever the service level, while the naive multi-slot Erlang figure (three
/// independent servers per agent) stays near 54. The simulated requirement must respect the
/// bound, which is the direction the README explains: slowdown makes every extra session cost
/// more agent time than Erlang assumes.
#[test]
fn multi_session_chat_with_slowdown_needs_more_than_the_naive_multi_slot_erlang_figure() {
    let text = stationary(1200.0, 450.0, None, 4, SL_80_20)
        .replace("kind = \"voice\"", "kind = \"live_chat\"")
        .replace("count = 1\n", "count = 1\ncapacity_units = 3\n")
        .replace(
            "allowed_presences = [\"available\"]",
            "allowed_presences = [\"available\", \"busy\"]\nconcurrency_slowdown = [1.0, 1.2, 1.5]",
        );
    assert!(text.contains("concurrency_slowdown"), "{text}");
    let report = staff(&text, None).unwrap();
    let naive = report.targets[0].erlang_c[0].unwrap();
    let simulated = report.simulated[0];
    assert!((50..=56).contains(&naive), "naive figure {naive}");
    assert!(
        simulated >= 75,
        "simulated {simulated} is below the throughput bound of 75 agents (naive {naive})"
    );
    assert!(
        simulated <= 2 * naive,
        "simulated {simulated} vs naive {naive}"
    );
}

/// A staffing curve logs agents in and out at interval edges; logging out finishes the work in
/// progress (as at a shift end) and takes no new work.
#[test]
fn a_staffing_curve_logs_agents_in_and_out_at_interval_edges() {
    let text = r#"
[simulation]
horizon = "24h"
interval = "1h"

[channels.calls]
kind = "voice"
arrivals = { per_hour = 60 }
handle_time = { kind = "constant", value = "50m" }

[workstreams.voice]
channels = ["calls"]
fallback_queue = "main"

[queues.main]

[agent_groups.curve]
staffing = [0, 3, 1, 0]
queues = ["main"]
"#;
    let origin = Origin {
        file: "t.toml".into(),
        base_dir: ".".into(),
    };
    let (scenario, _) =
        scenario_and_staffing_from_table(parse_table(text, &origin).unwrap(), &origin).unwrap();
    assert_eq!(scenario.agent_groups[0].count, 3);
    let results = routesim::metrics::run(&scenario, 1);
    let value = |m: &str| {
        results
            .value(routesim::metrics::Scope::AgentGroup, "curve", m)
            .unwrap()
    };
    // 3 agents for 6 hours, then 1 for 6: 24 agent-hours logged in.
    assert!(
        (value("staffed_agent_hours") - 24.0).abs() < 1e-9,
        "{}",
        value("staffed_agent_hours")
    );
    // At 12:00 two agents and at 18:00 the last one log out mid-conversation and finish it.
    let after = value("work_after_shift_hours");
    assert!(after > 0.0 && after <= 3.0 * 50.0 / 60.0 + 1e-9, "{after}");
    // Agents logged in, per hour, follow the curve's six-hour steps.
    let staffed = |hour: usize| {
        results
            .intervals
            .iter()
            .find(|r| {
                r.interval == hour
                    && r.row.scope == routesim::metrics::Scope::AgentGroup
                    && r.row.measure == "staffed_agents"
            })
            .map(|r| r.row.value)
            .unwrap()
    };
    assert_eq!(
        [3, 7, 14, 20].map(staffed),
        [0.0, 3.0, 1.0, 0.0],
        "agents logged in at 03:00, 07:00, 14:00, 20:00"
    );
}

#[test]
fn a_staffing_curve_is_validated_with_its_path() {
    let base = |group: &str| {
        format!(
            "[simulation]\nhorizon = \"1h\"\n[channels.c]\nkind = \"voice\"\narrivals = {{ per_hour = 1 }}\nhandle_time = {{ kind = \"constant\", value = \"1m\" }}\n[workstreams.w]\nchannels = [\"c\"]\nfallback_queue = \"q\"\n[queues.q]\n[agent_groups.g]\nqueues = [\"q\"]\n{group}"
        )
    };
    let cases = [
        (
            "staffing = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]",
            "agent_groups.g.staffing: 11 values split neither a day nor a week evenly (a day or a week of values",
        ),
        (
            "staffing = [1, -2]",
            "agent_groups.g.staffing: value 2: expected a whole number of agents",
        ),
        (
            "staffing = [1, 2]\ncount = 3",
            "agent_groups.g.count: give either `count` or `staffing`",
        ),
        (
            "staffing = [1, 2]\nshift = { start = \"08:00\", end = \"16:00\" }",
            "agent_groups.g.shift: a group with a staffing curve",
        ),
        (
            "staffing = { csv = \"nowhere.csv\", column = \"n\" }",
            "agent_groups.g.staffing.csv: cannot read CSV file",
        ),
        ("", "agent_groups.g: an agent group needs `count`"),
    ];
    let origin = Origin {
        file: "t.toml".into(),
        base_dir: ".".into(),
    };
    for (group, expected) in cases {
        let error =
            scenario_and_staffing_from_table(parse_table(&base(group), &origin).unwrap(), &origin)
                .unwrap_err()
                .to_string();
        assert!(
            error.contains(expected),
            "expected {expected:?} in:\n{error}"
        );
    }
}

/// The default day's search settles: an interval never goes back below a level seen to miss
/// at a step of one agent, so it cannot swing between a level that meets while its neighbours
/// are high and one that misses once they have come down, and a search that does not swing
/// converges. How many iterations it takes depends on the sample path: on this day 8 to 11
/// for every seed tried (against the default limit of 10, past which the search raises the
/// intervals still short and says so), so the limit here is 20 and the check runs on several
/// base seeds; a search that swings would not converge on any.
#[test]
fn the_default_day_s_search_converges_on_every_seed() {
    let (scenario, spec) = routesim::config::load_scenario_and_staffing(None).unwrap();
    let mut spec = spec.expect("the default scenario has [staffing] targets");
    spec.max_iterations = 20;
    for base_seed in [None, Some(1), Some(2), Some(3)] {
        let options = StaffingOptions {
            base_seed,
            ..StaffingOptions::default()
        };
        let report = staffing::staff(&scenario, &spec, options).unwrap();
        assert!(
            report.isa.converged && report.isa.iterations < spec.max_iterations,
            "seed {base_seed:?}: {} iterations, converged: {}",
            report.isa.iterations,
            report.isa.converged
        );
        // Converged means settled and met: no interval was left for the raise rounds.
        assert!(report.isa.unsettled.is_empty() && report.isa.unreachable.is_empty());
    }
}

/// A search whose simulations stall (a zero-time Waiting/resume cycle, which validation
/// refuses in files; made here through the library) is an error naming the stall, not a
/// staffing computed from runs cut short, whatever the thread count.
#[test]
fn a_search_whose_simulations_stall_is_an_error() {
    let (mut scenario, spec) = load(
        &format!(
            "{}[staffing]\nreplications = 2\n[[staffing.targets]]\nservice_level = 0.8\nthreshold = \"20s\"\n",
            support::LOOP_SMS
        ),
    );
    support::cycle_at_one_instant(&mut scenario);
    for threads in [1, 2] {
        let options = StaffingOptions {
            threads: Threads(Some(threads)),
            ..StaffingOptions::default()
        };
        match staffing::staff(&scenario, &spec, options) {
            Err(StaffingError::Stalled { description, .. }) => {
                assert!(!description.is_empty());
            }
            other => panic!("expected a stall, got {other:?}"),
        }
    }
}
