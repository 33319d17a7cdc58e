//! Bots: containment and escalation, without counting the bot's time as wait.

use super::*;

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
