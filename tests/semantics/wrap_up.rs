//! Wrap-up: how long capacity is held, and what blocking it does to waits.

use super::*;

/// 100 chats an hour, 4 minutes of handling and 2 of wrap-up each.
const WRAP_CHAT: &str = r#"kind = "live_chat"
arrivals = { per_hour = 100 }
handle_time = { kind = "exponential", mean = "4m" }
wrap_up = { kind = "constant", value = "2m" }"#;

#[test]
fn wrap_up_blocking_decides_how_long_capacity_is_held() {
    // 4 min of handling + 2 min of wrap-up; 30 agents keep everyone served at once, so the
    // units in use are proportional to the time each conversation holds capacity: 6 min when
    // always blocking, 5 min with a 1-minute block, 4 min when never blocking.
    let utilization = |blocking: &str| {
        let workstream = format!("wrap_up_blocking = \"{blocking}\"");
        group_mean(
            &runs(&scenario("", WRAP_CHAT, &workstream, "count = 30")),
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
    let wait = |blocking: &str| {
        let workstream = format!("wrap_up_blocking = \"{blocking}\"");
        total(
            &runs(&scenario("", WRAP_CHAT, &workstream, "count = 11")),
            "wait_mean_s",
        ) / REPS as f64
    };
    let (always, never) = (wait("always"), wait("never"));
    assert!(always > 5.0 * never, "{always} {never}");
}
