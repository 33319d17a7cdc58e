//! Pre-queue overflow: work-item limits and operating hours.

use super::*;

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
