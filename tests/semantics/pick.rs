//! Pick mode and self-selection: picking habits, capacity and the over-capacity count.

use super::*;

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
