//! Presence: random away episodes take their share of staffed time.

use super::*;

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
