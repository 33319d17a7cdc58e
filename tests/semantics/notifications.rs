//! Notifications: response time, decline limits, missed and rejected offers, reserved capacity
//! while ringing.

use super::*;

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

/// Little's law, exactly: with nothing measured before the run starts, the time-average
/// queue length over the run is the sum of every wait measured (first segments answered or
/// abandoned, resumed segments answered), divided by the run's length, up to the waits still
/// running at the end (at most `open_wait_s` each for the conversations then queued or
/// ringing).
fn assert_queue_length_is_every_wait(r: &RunResults, open_wait_s: f64) {
    let v = |m: &str| value(r, Scope::Overall, "all", m);
    assert_eq!(r.warm_up_s, 0.0);
    let area = v("queue_length_mean") * r.horizon_s;
    // A mean of no waits is NaN: those count nothing.
    let sum = |mean: &str, count: f64| if count > 0.0 { v(mean) * count } else { 0.0 };
    let waits = sum("wait_mean_s", v("answered") + v("abandoned"))
        + sum("resume_wait_mean_s", v("resumed_answered"));
    let open = v("queued_at_end") * open_wait_s;
    assert!(
        waits <= area * (1.0 + 1e-9) && area <= waits * (1.0 + 1e-9) + open,
        "queue length x time {area} s against the waits {waits} s (+ at most {open} s open)"
    );
}

#[test]
fn a_ringing_offer_is_a_wait_in_the_queue_length_whether_or_not_the_item_queued_first() {
    // 20 agents for ~9.2 Erlangs (8.3 of handling, 0.8 of ringing on reserved capacity):
    // hardly anyone finds every agent busy, so nearly every wait is the 30 s an offer made on
    // arrival rings; the queue length counts it (Little's law) though p_wait, the share that
    // found no agent, stays near 0 (Erlang C with 20 servers at 9.2 Erlangs: about 0.2 %).
    let slow = runs(&scenario(
        "",
        CHAT,
        "",
        "count = 20\nnotifications = { response_time = { kind = \"constant\", value = \"30s\" } }",
    ));
    for r in &slow {
        let v = |m: &str| value(r, Scope::Overall, "all", m);
        assert_queue_length_is_every_wait(r, 30.0);
        // About 100 an hour each waiting 30 s: 0.83 on average.
        assert!(
            v("queue_length_mean") > 0.7 && v("queue_length_mean") < 1.0,
            "{}",
            v("queue_length_mean")
        );
        assert!(v("p_wait") < 0.01, "{}", v("p_wait"));
    }
    // An agent who rejects every offer (decline limit 2): an item rings, is rejected, rings
    // again, then waits in the queue; it counts from its arrival on, ringing or queued.
    let rejected = runs(&scenario(
        "decline_limit = 2",
        CHAT,
        "",
        "count = 1\nnotifications = { reject_probability = 1.0, response_time = { kind = \"constant\", value = \"10m\" } }",
    ));
    for r in &rejected {
        assert_queue_length_is_every_wait(r, 12.0 * 3600.0);
        let v = |m: &str| value(r, Scope::Overall, "all", m);
        assert_eq!(v("answered"), 0.0);
        // Every conversation waits from its arrival to the end of the 12 hours.
        let expected = v("offered") * 6.0 / 12.0;
        assert!(
            (v("queue_length_mean") - expected).abs() < 0.1 * expected,
            "{} against about {expected}",
            v("queue_length_mean")
        );
    }
    // The bundled day: offers ring, messaging customers resume, some abandon.
    let day = run(&load("default.toml"), 1);
    assert!(value(&day, Scope::Overall, "all", "resumed_answered") > 0.0);
    assert_queue_length_is_every_wait(&day, 24.0 * 3600.0);
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
