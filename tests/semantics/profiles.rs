//! Capacity profiles: a blocking profile, several profiles per item, and group limits.

use super::*;

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
