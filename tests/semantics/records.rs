//! Record workstreams beside messaging: capacity demand competes with chat.

use super::*;

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
