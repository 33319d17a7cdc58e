//! Skills and classification: matching, blocked queues, priorities and percentage splits.

use super::*;

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
