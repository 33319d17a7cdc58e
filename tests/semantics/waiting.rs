//! Waiting and resume, auto-close and agent affinity on persistent chats.

use super::*;

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
