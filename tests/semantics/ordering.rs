//! A custom assignment ordering written in Rust decides who gets the work.

use super::*;

/// Prefers the agents of one group, ignoring everything else.
#[derive(Debug)]
struct PreferGroup(routesim::model::GroupId);

impl routesim::model::AgentOrdering for PreferGroup {
    fn rank(
        &self,
        _now: routesim::engine::SimTime,
        _item: &routesim::model::ConversationInfo,
        candidate: &routesim::model::Candidate<'_>,
    ) -> i64 {
        i64::from(candidate.group != self.0)
    }
}

#[test]
fn a_custom_ordering_set_in_rust_decides_who_gets_the_work() {
    // Two equal groups of 10 in a round-robin queue at 8.3 Erlangs: round robin shares the
    // work about evenly; an ordering that prefers `other` gives it nearly everything (the
    // preferred group is rarely all busy at this load).
    let mut scenario = scenario("", CHAT, "", "count = 10");
    let mut other = scenario.agent_groups[0].clone();
    other.name = "other".into();
    scenario.agent_groups.push(other);
    let share_of_other = |scenario: &Scenario| {
        let runs = runs(scenario);
        let g = group_total(&runs, "handled");
        let other: f64 = runs
            .iter()
            .map(|r| value(r, Scope::AgentGroup, "other", "handled"))
            .sum();
        other / (g + other)
    };
    let even = share_of_other(&scenario);
    assert!((even - 0.5).abs() < 0.05, "{even}");
    scenario.queues[0].custom_ordering = Some(std::sync::Arc::new(PreferGroup(
        routesim::model::GroupId::from_index(1),
    )));
    let preferred = share_of_other(&scenario);
    assert!(preferred > 0.8, "{preferred}");
}
