//! Scenario-level tests of the workstream settings: each one runs small inline scenarios that
//! differ in one setting and checks that the difference shows in the measures, in the
//! direction and roughly the size the product's behaviour implies. Counts are summed over a
//! few replications (seeds 1..=REPS) so that no conclusion rests on one lucky seed; the
//! margins are wide next to the effects (each is explained where it is asserted).

use std::path::PathBuf;

use routesim::config::{parse_scenario, Origin};
use routesim::metrics::{run, RunResults, Scope};
use routesim::model::Scenario;

const REPS: u64 = 4;

/// A one-queue, one-group scenario; each part is inserted as TOML lines into its table.
fn scenario(simulation: &str, channel: &str, workstream: &str, group: &str) -> Scenario {
    let text = format!(
        r#"
[simulation]
horizon = "12h"
{simulation}

[channels.c]
{channel}

[workstreams.w]
channels = ["c"]
fallback_queue = "q"
{workstream}

[queues.q]
assignment = "round_robin"

[agent_groups.g]
queues = ["q"]
{group}
"#
    );
    let origin = Origin {
        file: "inline.toml".into(),
        base_dir: PathBuf::from("."),
    };
    match parse_scenario(&text, &origin) {
        Ok(scenario) => scenario,
        Err(error) => panic!("{error}\n{text}"),
    }
}

fn runs(scenario: &Scenario) -> Vec<RunResults> {
    (1..=REPS)
        .map(|seed| {
            let results = run(scenario, seed);
            check_conservation(&results);
            results
        })
        .collect()
}

fn value(results: &RunResults, scope: Scope, name: &str, measure: &str) -> f64 {
    results
        .value(scope, name, measure)
        .unwrap_or_else(|| panic!("no measure {scope} {name} {measure}"))
}

/// Sum over replications of an overall measure.
fn total(runs: &[RunResults], measure: &str) -> f64 {
    runs.iter()
        .map(|r| value(r, Scope::Overall, "all", measure))
        .sum()
}

/// Sum over replications of a measure of group `g`.
fn group_total(runs: &[RunResults], measure: &str) -> f64 {
    runs.iter()
        .map(|r| value(r, Scope::AgentGroup, "g", measure))
        .sum()
}

/// Mean over replications of a measure of group `g`.
fn group_mean(runs: &[RunResults], measure: &str) -> f64 {
    group_total(runs, measure) / runs.len() as f64
}

/// Every conversation offered ends in exactly one outcome or is still in the system.
#[track_caller]
fn check_conservation(results: &RunResults) {
    let v = |m: &str| value(results, Scope::Overall, "all", m);
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

const CHAT: &str = r#"kind = "live_chat"
arrivals = { per_hour = 100 }
handle_time = { kind = "exponential", mean = "5m" }"#;

// ---- notifications ----

#[test]
fn a_response_time_delays_every_answer_by_at_least_that_time() {
    // 20 agents for ~8.3 Erlangs: nobody waits for an agent, so the wait is the ringing time.
    let quick = runs(&scenario("", CHAT, "", "count = 20"));
    let slow = runs(&scenario(
        "",
        CHAT,
        "",
        "count = 20\nnotifications = { response_time = { kind = \"constant\", value = \"30s\" } }",
    ));
    let asa = |runs: &[RunResults]| {
        runs.iter()
            .map(|r| value(r, Scope::Overall, "all", "asa_s"))
            .sum::<f64>()
            / REPS as f64
    };
    assert!(asa(&quick) < 1.0, "{}", asa(&quick));
    assert!(asa(&slow) >= 30.0 && asa(&slow) < 33.0, "{}", asa(&slow));
    for r in &slow {
        assert!(value(r, Scope::Overall, "all", "wait_p50_s") >= 29.9);
    }
}

#[test]
fn an_item_is_offered_to_one_agent_at_most_the_decline_limit_times() {
    // One agent who rejects everything: each item rings exactly `limit` times, then stays queued.
    for limit in 1..=5 {
        let mut scenario = scenario(
            &format!("decline_limit = {limit}"),
            CHAT,
            "",
            "count = 1\nnotifications = { reject_probability = 1.0 }",
        );
        // With the default block of 100 the first 100 stuck items would hide the rest.
        scenario.queues[0].block_size = 1_000_000;
        for r in runs(&scenario) {
            let v = |m: &str| value(&r, Scope::Overall, "all", m);
            assert_eq!(v("offers"), limit as f64 * v("offered"), "limit {limit}");
            assert_eq!(v("declines_rejected"), v("offers"));
            assert_eq!(v("answered"), 0.0);
            assert_eq!(v("queued_at_end"), v("offered"));
        }
    }
}

#[test]
fn a_declined_item_goes_to_the_other_agents_first() {
    // Two groups in one queue: `g`, one agent, rejects every offer; `other`, 30 agents for 8.3
    // Erlangs (never all busy), accepts. Everything ends with `other`, and `g` is offered each
    // item at most once: the re-offer goes to the others first.
    let text_group = "count = 1\nnotifications = { reject_probability = 1.0 }";
    let mut scenario = scenario("", CHAT, "", text_group);
    let mut other = scenario.agent_groups[0].clone();
    other.name = "other".into();
    other.count = 30;
    other.response = Default::default();
    scenario.agent_groups.push(other);
    for r in runs(&scenario) {
        let v = |m: &str| value(&r, Scope::Overall, "all", m);
        assert_eq!(v("answered") + v("queued_at_end"), v("offered"));
        assert_eq!(value(&r, Scope::AgentGroup, "g", "handled"), 0.0);
        assert!(v("declines_rejected") > 0.0);
        assert!(
            v("declines_rejected") <= v("offered"),
            "an item went back to a rejecting agent"
        );
    }
}

#[test]
fn missed_notifications_set_inactive_raise_away_time() {
    let group = "count = 14\nnotifications = { miss_probability = 0.2, presence_reset = \"10m\" }";
    let off = runs(&scenario("", CHAT, "", group));
    let on = runs(&scenario(
        "",
        CHAT,
        "notifications = { missed_sets_inactive = true }",
        group,
    ));
    // No breaks or shifts: without the feature nobody is ever Away.
    assert_eq!(group_total(&off, "away_hours"), 0.0);
    // ~100 offers/h * 12 h * 0.2 misses ≈ 240 resets of 10 min a day: tens of Away hours.
    assert!(
        group_mean(&on, "away_hours") > 10.0,
        "{}",
        group_mean(&on, "away_hours")
    );
    assert!(total(&on, "declines_timed_out") > 0.0 && total(&off, "declines_timed_out") > 0.0);
    // Agents who went Inactive leave fewer agents to answer: waits grow.
    assert!(total(&on, "wait_mean_s") > total(&off, "wait_mean_s"));
}

#[test]
fn rejections_set_busy_dnd_when_the_feature_is_on() {
    let simulation = "full_capacity_presence = \"busy\"";
    let group = "count = 14\nnotifications = { reject_probability = 0.2, presence_reset = \"5m\" }";
    let off = runs(&scenario(simulation, CHAT, "", group));
    let on = runs(&scenario(
        simulation,
        CHAT,
        "notifications = { reject_sets_busy_dnd = true }",
        group,
    ));
    assert_eq!(group_total(&off, "busy_dnd_hours"), 0.0);
    assert!(
        group_mean(&on, "busy_dnd_hours") > 5.0,
        "{}",
        group_mean(&on, "busy_dnd_hours")
    );
    // With the reject button hidden nobody can reject.
    let hidden = runs(&scenario(
        simulation,
        CHAT,
        "notifications = { reject_button = false }",
        group,
    ));
    assert_eq!(total(&hidden, "declines_rejected"), 0.0);
}

#[test]
fn a_ringing_offer_holds_capacity_only_when_reserved() {
    // One minute of ringing per 5-minute conversation: reserving it adds ~20% to the units in use.
    let group =
        "count = 20\nnotifications = { response_time = { kind = \"constant\", value = \"60s\" } }";
    let reserved = runs(&scenario("", CHAT, "", group));
    let on_accept = runs(&scenario(
        "",
        CHAT,
        "notifications = { reserve_capacity_on_offer = false }",
        group,
    ));
    let ratio = group_mean(&reserved, "utilization") / group_mean(&on_accept, "utilization");
    assert!((1.12..1.28).contains(&ratio), "{ratio}");
}

// ---- waiting, resume, auto-close, affinity ----

const PERSISTENT: &str = r#"kind = "persistent_chat"
arrivals = { per_hour = 60 }
handle_time = { kind = "exponential", mean = "4m" }
waiting = { probability = 0.5, resume_delay = { kind = "exponential", mean = "10m" } }"#;

#[test]
fn affinity_sends_resumed_conversations_back_to_their_agent() {
    let group = "count = 8\ncapacity_units = 3";
    let on = runs(&scenario("", PERSISTENT, "", group));
    let off = runs(&scenario("", PERSISTENT, "affinity = false", group));
    let share =
        |runs: &[RunResults]| total(runs, "resumed_same_agent") / total(runs, "resumed_answered");
    // Persistent chat has affinity on by default; nobody rejects, so every return is kept.
    assert!(total(&on, "resumed_answered") > 500.0);
    assert_eq!(share(&on), 1.0);
    assert_eq!(total(&on, "affinity_broken"), 0.0);
    // Without it, round robin over 8 agents brings the customer back to the same one about
    // 1 time in 8; 0.3 leaves room for chance and for the light load's idle agents.
    assert!(share(&off) < 0.3, "{}", share(&off));
    assert_eq!(
        total(&off, "affinity_kept") + total(&off, "affinity_broken"),
        0.0
    );
}

#[test]
fn affinity_pushes_agents_over_capacity_and_the_excess_is_counted() {
    // One conversation per agent and a busy queue: the last agent is usually full when its
    // customer comes back, so affinity assigns beyond capacity; without affinity never.
    let channel = PERSISTENT.replace("per_hour = 60", "per_hour = 110");
    let group = "count = 8\ncapacity_units = 1";
    let on = runs(&scenario("", &channel, "", group));
    let off = runs(&scenario("", &channel, "affinity = false", group));
    assert!(
        group_total(&on, "over_capacity_assignments") > 50.0,
        "{}",
        group_total(&on, "over_capacity_assignments")
    );
    assert!(group_total(&on, "max_over_capacity_units") >= REPS as f64);
    assert_eq!(
        group_total(&on, "over_capacity_by_affinity"),
        group_total(&on, "over_capacity_assignments")
    );
    assert_eq!(group_total(&off, "over_capacity_assignments"), 0.0);
}

#[test]
fn a_rejected_affinity_offer_is_routed_to_another_agent() {
    let group = "count = 8\ncapacity_units = 3\nnotifications = { reject_probability = 0.2 }";
    let runs = runs(&scenario("", PERSISTENT, "", group));
    let kept = total(&runs, "affinity_kept");
    let broken = total(&runs, "affinity_broken");
    // 20% of affinity offers are rejected; a few of those still come back to the same agent
    // when nobody else is free, so the kept share is a little over 0.8.
    let share = kept / (kept + broken);
    assert!((0.72..0.92).contains(&share), "{share}");
}

#[test]
fn waiting_conversations_auto_close_after_the_inactivity_time() {
    let channel = PERSISTENT.replace(
        r#"{ kind = "exponential", mean = "10m" }"#,
        r#"{ kind = "constant", value = "10m" }"#,
    );
    let group = "count = 8\ncapacity_units = 3";
    let quick_close = runs(&scenario("", &channel, "auto_close_after = \"5m\"", group));
    let default = runs(&scenario("", &channel, "", group));
    // Customers come back after exactly 10 min: a 5-minute inactivity close gets them all first.
    assert_eq!(total(&quick_close, "resumed"), 0.0);
    assert!(total(&quick_close, "auto_closed") > 500.0);
    // The default (1 day) never fires within a 12-hour run.
    assert_eq!(total(&default, "auto_closed"), 0.0);
    assert!(total(&default, "resumed") > 500.0);
    // A conversation that auto-closed is not handled again: fewer handled than offered.
    assert!(total(&quick_close, "handled") < total(&default, "handled"));
}

// ---- wrap-up ----

#[test]
fn wrap_up_blocking_decides_how_long_capacity_is_held() {
    // 4 min of handling + 2 min of wrap-up; 30 agents keep everyone served at once, so the
    // units in use are proportional to the time each conversation holds capacity: 6 min when
    // always blocking, 5 min with a 1-minute block, 4 min when never blocking.
    let channel = r#"kind = "live_chat"
arrivals = { per_hour = 100 }
handle_time = { kind = "exponential", mean = "4m" }
wrap_up = { kind = "constant", value = "2m" }"#;
    let utilization = |blocking: &str| {
        let workstream = format!("wrap_up_blocking = \"{blocking}\"");
        group_mean(
            &runs(&scenario("", channel, &workstream, "count = 30")),
            "utilization",
        )
    };
    let (always, custom, never) = (
        utilization("always"),
        utilization("1m"),
        utilization("never"),
    );
    let close = |a: f64, b: f64, expected: f64| ((a / b) / expected - 1.0).abs() < 0.05;
    assert!(close(always, never, 6.0 / 4.0), "{always} {never}");
    assert!(close(custom, never, 5.0 / 4.0), "{custom} {never}");
}

#[test]
fn blocking_wrap_up_raises_waits_when_staffing_is_tight() {
    // 11 agents for 100/h: 6.7 Erlangs of handling, 10 of handling + wrap-up. Blocking the
    // whole wrap-up leaves the queue close to saturation; not blocking leaves it comfortable.
    let channel = r#"kind = "live_chat"
arrivals = { per_hour = 100 }
handle_time = { kind = "exponential", mean = "4m" }
wrap_up = { kind = "constant", value = "2m" }"#;
    let wait = |blocking: &str| {
        let workstream = format!("wrap_up_blocking = \"{blocking}\"");
        total(
            &runs(&scenario("", channel, &workstream, "count = 11")),
            "wait_mean_s",
        ) / REPS as f64
    };
    let (always, never) = (wait("always"), wait("never"));
    assert!(always > 5.0 * never, "{always} {never}");
}

// ---- pick mode and self-selection ----

#[test]
fn a_slow_picking_habit_raises_waits() {
    // Pick mode: nothing is pushed; agents look at the open items after a think time.
    let picking = |think: &str| {
        let group = format!("count = 14\npicking = {{ think_time = {{ kind = \"exponential\", mean = \"{think}\" }} }}");
        runs(&scenario("", CHAT, "mode = \"pick\"", &group))
    };
    let (quick, slow) = (picking("5s"), picking("2m"));
    assert_eq!(
        total(&quick, "offers"),
        0.0,
        "pick mode sends no notifications"
    );
    let wait = |runs: &[RunResults]| total(runs, "wait_mean_s") / REPS as f64;
    // A quick picker's wait is about its think time (a few seconds); a slow one's is minutes.
    assert!(wait(&quick) < 30.0, "{}", wait(&quick));
    assert!(wait(&slow) > 60.0, "{}", wait(&slow));
    assert!(total(&quick, "handled") > 0.9 * total(&quick, "offered"));
}

#[test]
fn picking_regardless_of_capacity_overfills_agents_and_is_counted() {
    // 6 agents with room for 1 conversation each, 8.3 Erlangs offered: agents who pick only
    // with free capacity leave a queue; agents who pick regardless take work beyond capacity.
    let simulation = "full_capacity_presence = \"busy\"";
    let group = |when: &str| {
        format!("count = 6\npicking = {{ think_time = {{ kind = \"exponential\", mean = \"20s\" }}, when = \"{when}\" }}")
    };
    let polite = runs(&scenario(
        simulation,
        CHAT,
        "mode = \"pick\"",
        &group("free_capacity"),
    ));
    let greedy = runs(&scenario(
        simulation,
        CHAT,
        "mode = \"pick\"",
        &group("always"),
    ));
    assert_eq!(group_total(&polite, "over_capacity_assignments"), 0.0);
    assert!(group_total(&greedy, "over_capacity_assignments") > 100.0);
    assert_eq!(
        group_total(&greedy, "over_capacity_by_pick"),
        group_total(&greedy, "over_capacity_assignments")
    );
    assert!(group_mean(&greedy, "max_over_capacity_units") >= 1.0);
    // Utilization (units in use / units staffed) goes above 1 only when capacity goes negative.
    assert!(group_mean(&polite, "utilization") <= 1.0);
    assert!(group_mean(&greedy, "utilization") > 1.0);
}

#[test]
fn self_selection_lets_agents_pick_from_a_push_workstream_beyond_capacity() {
    // An overloaded push queue: 6 single-conversation agents for 8.3 Erlangs. With
    // self-selection, agents who pick regardless of capacity take work the push cannot give.
    let simulation = "full_capacity_presence = \"busy\"";
    let group = "count = 6\npicking = { think_time = { kind = \"exponential\", mean = \"20s\" }, when = \"always\" }";
    let push_only = runs(&scenario(simulation, CHAT, "", group));
    let with_self_selection = runs(&scenario(
        simulation,
        CHAT,
        "allow_self_selection = true",
        group,
    ));
    assert_eq!(group_total(&push_only, "over_capacity_assignments"), 0.0);
    assert!(group_total(&with_self_selection, "over_capacity_assignments") > 100.0);
    assert_eq!(
        group_total(&with_self_selection, "over_capacity_by_self_selection"),
        group_total(&with_self_selection, "over_capacity_assignments")
    );
    assert!(total(&with_self_selection, "wait_mean_s") < total(&push_only, "wait_mean_s"));
}

// ---- skills and classification ----

/// French-speaking customers need `french` at 5 or more. `g` (10 agents) has no French;
/// `experts` (4 agents) have it at 8. Both are in the one round-robin queue.
fn french_scenario(matching: &str) -> Scenario {
    let channel = r#"kind = "live_chat"
arrivals = { per_hour = 30 }
handle_time = { kind = "exponential", mean = "5m" }
variables.language = { values = ["fr"] }"#;
    let workstream = format!(
        "skill_matching = \"{matching}\"\n[[workstreams.w.classification]]\nwhen = [{{ variable = \"language\", equals = \"fr\" }}]\nskills = {{ french = 5 }}"
    );
    let mut scenario = scenario("", channel, &workstream, "count = 10");
    let mut experts = scenario.agent_groups[0].clone();
    experts.name = "experts".into();
    experts.count = 4;
    experts.skills = vec![(routesim::model::SkillId::from_index(0), 8)];
    scenario.agent_groups.push(experts);
    scenario
}

#[test]
fn skill_matching_decides_who_handles_what() {
    let share_of_g = |matching: &str| {
        let runs = runs(&french_scenario(matching));
        let g = group_total(&runs, "handled");
        let experts: f64 = runs
            .iter()
            .map(|r| value(r, Scope::AgentGroup, "experts", "handled"))
            .sum();
        g / (g + experts)
    };
    let (exact, closest, none) = (
        share_of_g("exact"),
        share_of_g("closest"),
        share_of_g("none"),
    );
    // Exact match: only the experts qualify.
    assert_eq!(exact, 0.0);
    // No matching: round robin over 14 agents gives `g` about 10/14 of the work.
    assert!(none > 0.6, "{none}");
    // Closest match: experts first (no missing points); `g` only when all 4 experts are busy,
    // which at 2.5 Erlangs happens a minority of the time.
    assert!(closest > 0.0 && closest < 0.35, "{closest}");
}

#[test]
fn a_skill_nobody_has_blocks_the_queue_under_exact_match_only() {
    // Required rating 9, best agent has 8: exact match leaves every item queued; closest
    // match serves them with the nearest agents.
    let demanding = |matching: &str| {
        let mut scenario = french_scenario(matching);
        scenario.workstreams[0].classification[0].skills[0].1 = 9;
        runs(&scenario)
    };
    let exact = demanding("exact");
    assert_eq!(total(&exact, "answered"), 0.0);
    let closest = demanding("closest");
    assert!(total(&closest, "answered") > 0.95 * total(&closest, "offered"));
}

#[test]
fn classification_priority_serves_urgent_items_first() {
    let text = |rule: &str| {
        format!(
            r#"
[simulation]
horizon = "12h"

[channels.vip]
kind = "live_chat"
arrivals = {{ per_hour = 20 }}
handle_time = {{ kind = "exponential", mean = "5m" }}
variables.tier = {{ values = ["vip"] }}

[channels.normal]
kind = "live_chat"
arrivals = {{ per_hour = 80 }}
handle_time = {{ kind = "exponential", mean = "5m" }}
variables.tier = {{ values = ["normal"] }}

[workstreams.w]
channels = ["vip", "normal"]
fallback_queue = "q"
{rule}

[queues.q]

[agent_groups.g]
count = 9
queues = ["q"]
"#
        )
    };
    let with_rule = "[[workstreams.w.classification]]\nwhen = [{ variable = \"tier\", equals = \"vip\" }]\npriority = 10";
    let origin = Origin {
        file: "inline.toml".into(),
        base_dir: PathBuf::from("."),
    };
    let wait = |rule: &str, channel: &str| {
        let scenario = parse_scenario(&text(rule), &origin).unwrap();
        runs(&scenario)
            .iter()
            .map(|r| value(r, Scope::Channel, channel, "wait_mean_s"))
            .sum::<f64>()
            / REPS as f64
    };
    // 8.3 Erlangs on 9 agents: waits of minutes. Without priority both channels wait alike;
    // with it VIP customers jump the queue and wait a fraction of the others' wait.
    let (vip_fifo, normal_fifo) = (wait("", "vip"), wait("", "normal"));
    assert!(
        (vip_fifo / normal_fifo - 1.0).abs() < 0.3,
        "{vip_fifo} {normal_fifo}"
    );
    let (vip, normal) = (wait(with_rule, "vip"), wait(with_rule, "normal"));
    assert!(vip < 0.25 * normal, "{vip} {normal}");
}

#[test]
fn a_percentage_split_shares_arrivals_between_queues() {
    let text = r#"
[simulation]
horizon = "24h"

[channels.c]
kind = "live_chat"
arrivals = { per_hour = 200 }
handle_time = { kind = "exponential", mean = "5m" }

[workstreams.w]
channels = ["c"]
fallback_queue = "a"
routing = [{ split = [{ queue = "a", percent = 70 }, { queue = "b", percent = 20 }, { queue = "c", percent = 10 }] }]

[queues.a]
[queues.b]
[queues.c]

[agent_groups.g]
count = 30
queues = ["a", "b", "c"]
"#;
    let origin = Origin {
        file: "inline.toml".into(),
        base_dir: PathBuf::from("."),
    };
    let runs = runs(&parse_scenario(text, &origin).unwrap());
    let offered = |queue: &str| {
        runs.iter()
            .map(|r| value(r, Scope::Queue, queue, "offered"))
            .sum::<f64>()
    };
    let all = total(&runs, "offered");
    // ~19,200 arrivals over the replications: a share's standard error is under 0.004, so
    // 0.02 is five standard errors.
    for (queue, share) in [("a", 0.7), ("b", 0.2), ("c", 0.1)] {
        assert!(
            (offered(queue) / all - share).abs() < 0.02,
            "{queue}: {}",
            offered(queue) / all
        );
    }
}

// ---- the example scenarios ----

fn load(name: &str) -> Scenario {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    routesim::config::load_scenario(&path).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_social_affinity_scenario_keeps_most_returns_with_their_agent() {
    let scenario = load("social_affinity.toml");
    let runs = runs(&scenario);
    let (kept, broken) = (
        total(&runs, "affinity_kept"),
        total(&runs, "affinity_broken"),
    );
    assert!(total(&runs, "resumed") > 1000.0);
    // 3-5% rejects and 2-5% misses break affinity for a small minority of returns, and so do
    // returns to an agent who is not at the desk (its 30-minute break, or gone home), whose
    // offer rings out: about 13% in all (seeds 1-4), so kept is over 5 times broken.
    assert!(broken > 0.0 && kept > 5.0 * broken, "{kept} {broken}");
    // Returning customers do not queue behind new ones: kept returns are answered within
    // seconds. A broken one rings out its 90 s first, and while the whole day group is on its
    // shared break nobody else covers it: the mean is about a minute (62-72 s for seeds 1-4).
    assert!(total(&runs, "resume_wait_mean_s") / (REPS as f64) < 120.0);
    let over: f64 = ["day", "evening", "night"]
        .iter()
        .map(|g| {
            runs.iter()
                .map(|r| value(r, Scope::AgentGroup, g, "over_capacity_assignments"))
                .sum::<f64>()
        })
        .sum();
    assert!(over > 0.0, "affinity never went over capacity");
}

#[test]
fn in_the_pick_cases_scenario_only_the_greedy_group_goes_over_capacity() {
    let scenario = load("pick_cases.toml");
    let runs = runs(&scenario);
    let of = |group: &str, measure: &str| {
        runs.iter()
            .map(|r| value(r, Scope::AgentGroup, group, measure))
            .sum::<f64>()
    };
    assert_eq!(of("back_office", "over_capacity_assignments"), 0.0);
    assert!(of("senior", "over_capacity_assignments") > 0.0);
    assert!(of("senior", "max_over_capacity_units") > 0.0);
    assert_eq!(
        total(&runs, "offers"),
        0.0,
        "pick mode sends no notifications"
    );
    assert!(
        total(&runs, "handled")
            > 0.9
                * (total(&runs, "offered")
                    - total(&runs, "queued_at_end")
                    - total(&runs, "in_service_at_end"))
    );
}

// ---- bots ----

#[test]
fn a_bot_contains_its_share_and_escalates_the_rest_without_counting_its_time_as_wait() {
    let with_bot = "bot = { containment_probability = 0.6, handling_time = { kind = \"constant\", value = \"2m\" } }";
    let bot = runs(&scenario("", CHAT, with_bot, "count = 20"));
    let share = total(&bot, "contained") / total(&bot, "offered");
    // ~4,800 conversations: the share's standard error is 0.007; 0.03 is four of them.
    assert!((share - 0.6).abs() < 0.03, "{share}");
    // 20 agents for the escalated 40% never queue: the 2 minutes with the bot are not wait.
    assert!(total(&bot, "asa_s") / (REPS as f64) < 1.0);
    let without = runs(&scenario("", CHAT, "", "count = 20"));
    assert!(group_total(&bot, "handled") < 0.5 * group_total(&without, "handled"));
}

#[test]
fn the_bot_chat_scenario_contains_its_share_and_serves_billing_with_skilled_agents() {
    let runs = runs(&load("bot_chat.toml"));
    let share = total(&runs, "contained") / total(&runs, "offered");
    assert!((share - 0.45).abs() < 0.02, "{share}");
    // Billing items need `billing` at 6: the generalists (no billing) never get them, but they
    // do take general and team_b work; the billing queue is served.
    let billing_answered: f64 = runs
        .iter()
        .map(|r| value(r, Scope::Queue, "billing", "answered"))
        .sum();
    assert!(billing_answered > 0.0);
    let split = |q: &str| {
        runs.iter()
            .map(|r| value(r, Scope::Queue, q, "offered"))
            .sum::<f64>()
    };
    let team_b_share = split("team_b") / (split("team_b") + split("general"));
    assert!((team_b_share - 0.3).abs() < 0.03, "{team_b_share}");
}

#[test]
fn the_full_featured_scenario_uses_every_feature_at_scale() {
    let scenario = load("full_featured.toml");
    assert!(scenario.n_agents() >= 300);
    let results = run(&scenario, 1);
    check_conservation(&results);
    let v = |m: &str| value(&results, Scope::Overall, "all", m);
    assert!(v("offered") > 100_000.0, "{}", v("offered"));
    for measure in [
        "contained",
        "affinity_kept",
        "declines_rejected",
        "declines_timed_out",
        "resumed",
    ] {
        assert!(
            v(measure) > 0.0,
            "{measure} is 0: the feature is not exercised"
        );
    }
    assert!(
        value(&results, Scope::Queue, "email", "answered") > 0.0,
        "nobody picked an email"
    );
}

// ---- custom assignment ordering ----

/// Prefers the agents of one group, ignoring everything else.
#[derive(Debug)]
struct PreferGroup(routesim::model::GroupId);

impl routesim::model::AgentOrdering for PreferGroup {
    fn rank(
        &self,
        _now: routesim::engine::SimTime,
        _item: &routesim::model::ConversationInfo,
        candidate: &routesim::model::Candidate<'_>,
    ) -> i64 {
        i64::from(candidate.group != self.0)
    }
}

#[test]
fn a_custom_ordering_set_in_rust_decides_who_gets_the_work() {
    // Two equal groups of 10 in a round-robin queue at 8.3 Erlangs: round robin shares the
    // work about evenly; an ordering that prefers `other` gives it nearly everything (the
    // preferred group is rarely all busy at this load).
    let mut scenario = scenario("", CHAT, "", "count = 10");
    let mut other = scenario.agent_groups[0].clone();
    other.name = "other".into();
    scenario.agent_groups.push(other);
    let share_of_other = |scenario: &Scenario| {
        let runs = runs(scenario);
        let g = group_total(&runs, "handled");
        let other: f64 = runs
            .iter()
            .map(|r| value(r, Scope::AgentGroup, "other", "handled"))
            .sum();
        other / (g + other)
    };
    let even = share_of_other(&scenario);
    assert!((even - 0.5).abs() < 0.05, "{even}");
    scenario.queues[0].custom_ordering = Some(std::sync::Arc::new(PreferGroup(
        routesim::model::GroupId::from_index(1),
    )));
    let preferred = share_of_other(&scenario);
    assert!(preferred > 0.8, "{preferred}");
}

// ---- overflow ----

fn overflow_scenario(overflow: &str) -> Scenario {
    let text = format!(
        r#"
[simulation]
horizon = "24h"

[channels.c]
kind = "live_chat"
arrivals = {{ per_hour = 100 }}
handle_time = {{ kind = "exponential", mean = "5m" }}

[workstreams.w]
channels = ["c"]
fallback_queue = "main"
# A rule routes every item to `main`: items that reach a fallback queue because no rule
# matched are not subject to its overflow.
routing = [{{ queue = "main" }}]

[queues.main]
overflow = {overflow}

[queues.backup]

[agent_groups.g]
count = 7
queues = ["main"]

[agent_groups.backup]
count = 5
queues = ["backup"]
"#
    );
    let origin = Origin {
        file: "inline.toml".into(),
        base_dir: PathBuf::from("."),
    };
    parse_scenario(&text, &origin).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_work_item_limit_ends_or_transfers_what_does_not_fit() {
    // 8.3 Erlangs on 7 agents: the queue grows without bound unless something caps it.
    let ended = runs(&overflow_scenario(
        "{ work_item_limit = 5, action = \"end\" }",
    ));
    assert!(total(&ended, "overflowed") > 100.0);
    for r in &ended {
        assert!(value(r, Scope::Queue, "main", "queue_length_max") <= 5.0);
    }
    let transferred = runs(&overflow_scenario(
        "{ work_item_limit = 5, action = \"transfer\", transfer_to = \"backup\" }",
    ));
    assert_eq!(total(&transferred, "overflowed"), 0.0);
    let backup: f64 = transferred
        .iter()
        .map(|r| value(r, Scope::Queue, "backup", "answered"))
        .sum();
    assert!(backup > 100.0, "{backup}");
    assert!(group_total(&transferred, "handled") > 0.0);
    let anyway = runs(&overflow_scenario(
        "{ work_item_limit = 5, action = \"assign_anyway\" }",
    ));
    assert!(total(&anyway, "overflow_assigned_anyway") > 100.0);
    assert_eq!(total(&anyway, "overflowed"), 0.0);
    let max_len: f64 = anyway
        .iter()
        .map(|r| value(r, Scope::Queue, "main", "queue_length_max"))
        .fold(0.0, f64::max);
    assert!(max_len > 5.0);
}

#[test]
fn a_closed_queue_ends_conversations_arriving_outside_its_hours() {
    let runs = runs(&overflow_scenario(
        "{ operating_hours = { start = \"08:00\", end = \"20:00\" }, action = \"end\" }",
    ));
    // Flat arrivals, open 12 hours of 24: about half are ended (±0.02 is over 4 standard errors).
    let share = total(&runs, "overflowed") / total(&runs, "offered");
    assert!((share - 0.5).abs() < 0.02, "{share}");
}

// ---- presence: random away episodes ----

#[test]
fn random_away_episodes_take_their_share_of_staffed_time() {
    // One episode an hour on average (exponential gaps), 10 minutes each: agents are away
    // (1/6) / (1 + 1/6) = 1/7 of the time, renewal theory says. 14 agents * 12 h = 168 agent
    // hours, so about 24 away hours; ±15% covers the spread of four replications.
    let group = "count = 14\naway_episodes = { per_hour = 1, duration = { kind = \"constant\", value = \"10m\" } }";
    let away = runs(&scenario("", CHAT, "", group));
    let present = runs(&scenario("", CHAT, "", "count = 14"));
    let hours = group_mean(&away, "away_hours");
    assert!((hours / 24.0 - 1.0).abs() < 0.15, "{hours}");
    assert_eq!(group_total(&present, "away_hours"), 0.0);
    assert!(total(&away, "wait_mean_s") > total(&present, "wait_mean_s"));
}

// ---- record workstreams beside messaging ----

#[test]
fn a_record_workstreams_capacity_demand_competes_with_chat() {
    // Agents of 3 units take chats (1 unit) and cases from a second workstream. When a case
    // takes all 3 units an agent working one can take no chat: chat waits grow.
    let text = |case_units: u32| {
        format!(
            r#"
[simulation]
horizon = "12h"

[channels.chat]
kind = "live_chat"
arrivals = {{ per_hour = 150 }}
handle_time = {{ kind = "exponential", mean = "5m" }}

[channels.cases]
kind = "case"
arrivals = {{ per_hour = 30 }}
handle_time = {{ kind = "exponential", mean = "20m" }}

[workstreams.messaging]
channels = ["chat"]
fallback_queue = "chat"

[workstreams.records]
channels = ["cases"]
capacity_units = {case_units}
fallback_queue = "cases"

[queues.chat]
[queues.cases]

[agent_groups.g]
count = 8
capacity_units = 3
queues = ["chat", "cases"]
"#
        )
    };
    let origin = Origin {
        file: "inline.toml".into(),
        base_dir: PathBuf::from("."),
    };
    let chat_wait = |units: u32| {
        let runs = runs(&parse_scenario(&text(units), &origin).unwrap());
        runs.iter()
            .map(|r| value(r, Scope::Workstream, "messaging", "wait_mean_s"))
            .sum::<f64>()
            / REPS as f64
    };
    let (light, heavy) = (chat_wait(1), chat_wait(3));
    assert!(heavy > 2.0 * light + 1.0, "{light} {heavy}");
}

// ---- capacity profiles ----

fn profile_scenario(voice_blocking: bool, chat_profiles: &str, group_limits: &str) -> Scenario {
    let text = format!(
        r#"
[simulation]
horizon = "12h"

[capacity_profiles.chat]
work_item_limit = 3

[capacity_profiles.premium]
work_item_limit = 3

[capacity_profiles.voice]
work_item_limit = 1
blocking = {voice_blocking}

[channels.chat]
kind = "live_chat"
arrivals = {{ per_hour = 100 }}
handle_time = {{ kind = "exponential", mean = "5m" }}

[channels.calls]
kind = "voice"
arrivals = {{ per_hour = 60 }}
handle_time = {{ kind = "exponential", mean = "8m" }}

[workstreams.messaging]
channels = ["chat"]
fallback_queue = "chat"
capacity_profiles = {chat_profiles}

[workstreams.voice]
channels = ["calls"]
fallback_queue = "voice"
capacity_profiles = ["voice"]

[queues.chat]
[queues.voice]

[agent_groups.g]
count = 11
queues = ["voice", "chat"]
capacity_profiles = ["chat", "premium", "voice"]
{group_limits}
"#
    );
    let origin = Origin {
        file: "inline.toml".into(),
        base_dir: PathBuf::from("."),
    };
    parse_scenario(&text, &origin).unwrap_or_else(|e| panic!("{e}"))
}

fn chat_wait(scenario: &Scenario) -> f64 {
    runs(scenario)
        .iter()
        .map(|r| value(r, Scope::Workstream, "messaging", "wait_mean_s"))
        .sum::<f64>()
        / REPS as f64
}

#[test]
fn a_blocking_profile_stops_other_work_while_it_is_full() {
    // 8 Erlangs of calls on 11 agents: with a blocking voice profile an agent on a call takes
    // no chat, leaving ~3 agents (9 chat places) for 8.3 Erlangs of chat; non-blocking, chats
    // have 33 places.
    let open = chat_wait(&profile_scenario(false, "[\"chat\"]", ""));
    let blocked = chat_wait(&profile_scenario(true, "[\"chat\"]", ""));
    assert!(open < 5.0, "{open}");
    assert!(blocked > 10.0 * open.max(1.0), "{open} {blocked}");
}

#[test]
fn an_item_with_several_profiles_needs_room_in_all_and_group_limits_override() {
    // Chats need both `chat` (3) and `premium`; lowering the group's premium limit to 1
    // leaves one chat per agent: 11 places for 8.3 Erlangs instead of 33, so chats wait.
    let roomy = chat_wait(&profile_scenario(false, "[\"chat\", \"premium\"]", ""));
    let tight = chat_wait(&profile_scenario(
        false,
        "[\"chat\", \"premium\"]",
        "profile_limits = { premium = 1 }",
    ));
    assert!(tight > 5.0 * roomy.max(1.0), "{roomy} {tight}");
}

#[test]
fn the_full_featured_scenario_is_a_pure_function_of_its_seed() {
    // Every new random quantity has its own stream: two runs with a seed give the same bytes,
    // and replications run in parallel give the same bytes as one by one.
    let scenario = load("full_featured.toml");
    let bytes = |r: &RunResults| {
        (
            routesim::report::summary_csv(r),
            routesim::report::agents_csv(r),
        )
    };
    let once = run(&scenario, 9);
    assert_eq!(bytes(&once), bytes(&run(&scenario, 9)));
    let parallel =
        routesim::sweep::run_replications(&scenario, 9, 3, routesim::sweep::Threads(Some(2)))
            .unwrap();
    let serial =
        routesim::sweep::run_replications(&scenario, 9, 3, routesim::sweep::Threads(Some(1)))
            .unwrap();
    for (a, b) in parallel.iter().zip(&serial) {
        assert_eq!(bytes(a), bytes(b));
    }
}
