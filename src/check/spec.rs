//! The `[check]` table of a scenario: how many replications a baseline runs, from which seed,
//! at which confidence, and which measures are guarded in which direction with which
//! tolerance. Parsed here (the config module only reserves the table) with every problem
//! reported at its path, e.g. `check.guard[2].tolerance`.
//!
//! It does not know which measures a run produces: guards are matched against real results in
//! [`resolve_guards`], after the runs.

use std::collections::HashSet;
use std::fmt;

use crate::config::Issue;
use crate::metrics::{service_level_measure, Scope};
use crate::model::{ChannelId, Entity, QueueId, Scenario};

use super::samples::Samples;
use crate::metrics::MeasureKey;

/// Replications of a baseline when `[check]` does not say.
pub const DEFAULT_REPLICATIONS: u32 = 20;
/// Family-wise confidence when `[check]` does not say.
pub const DEFAULT_CONFIDENCE: f64 = 0.95;

/// Which way a measure should move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
    /// Neither way: a move beyond the tolerance either way is a regression (a drift guard).
    Unchanged,
}

impl Better {
    pub fn as_str(self) -> &'static str {
        match self {
            Better::Higher => "higher",
            Better::Lower => "lower",
            Better::Unchanged => "unchanged",
        }
    }
}

impl fmt::Display for Better {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How far a measure may move the wrong way before it counts: the larger of `absolute` (in the
/// measure's unit) and `relative` × |baseline mean|.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    pub absolute: f64,
    pub relative: f64,
}

impl Tolerance {
    pub fn for_baseline(&self, baseline_mean: f64) -> f64 {
        let relative = if baseline_mean.is_finite() {
            self.relative * baseline_mean.abs()
        } else {
            0.0
        };
        self.absolute.max(relative)
    }
}

/// Where a guard comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardOrigin {
    /// Written in `[[check.guard]]`: an entity it names must exist on both sides.
    Written,
    /// One of [`default_guards`]: an entity it names that one side lacks is a note, not an
    /// error (the user never asked for it by name).
    Default,
}

/// One guarded measure: for every entity of `scope` (or only `name`).
#[derive(Debug, Clone, PartialEq)]
pub struct Guard {
    pub measure: String,
    pub scope: Scope,
    pub name: Option<String>,
    pub better: Better,
    pub tolerance: Tolerance,
    pub origin: GuardOrigin,
}

/// The parsed `[check]` table, with defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckSpec {
    pub replications: u32,
    pub base_seed: u64,
    /// The family-wise confidence: the chance that no guard at all raises a false alarm.
    pub confidence: f64,
    pub guards: Vec<Guard>,
}

/// The guards used when `[check]` lists none: the overall service level at the scenario's
/// goal, the overall speed of answer and abandon rate, the service level of every queue (so
/// that a policy which starves one queue while the total looks fine is caught) and, when the
/// channels have goals of their own, of every channel. Each entity's service level is
/// guarded at its own goal's threshold
/// ([`Scenario::service_level_target`](crate::model::Scenario::service_level_target)): an
/// email queue at `service_level_4h_of_offered`, a chat queue at
/// `service_level_20s_of_offered`. When every queue shares one goal, one scope-wide guard
/// covers them.
///
/// Utilization is deliberately not guarded by default: whether more or less of it is better
/// depends on whether the team optimises cost or headroom.
pub fn default_guards(scenario: &Scenario) -> Vec<Guard> {
    let guard =
        |measure: String, scope: Scope, name: Option<String>, better, absolute, relative| Guard {
            measure,
            scope,
            name,
            better,
            tolerance: Tolerance { absolute, relative },
            origin: GuardOrigin::Default,
        };
    let measured = !scenario.measured_thresholds().is_empty();
    let measure_of = |entity: Entity| service_level_measure(&scenario.service_level_target(entity));
    let mut guards = Vec::new();
    if measured {
        guards.push(guard(
            measure_of(Entity::Overall),
            Scope::Overall,
            None,
            Better::Higher,
            0.02,
            0.0,
        ));
    }
    guards.push(guard(
        "asa_s".into(),
        Scope::Overall,
        None,
        Better::Lower,
        2.0,
        0.10,
    ));
    guards.push(guard(
        "abandon_rate".into(),
        Scope::Overall,
        None,
        Better::Lower,
        0.01,
        0.0,
    ));
    if !measured {
        return guards;
    }
    let default_measure = service_level_measure(&scenario.default_service_level());
    let channels: Vec<(String, String)> = (0..scenario.channels.len())
        .map(|c| {
            let id = ChannelId::from_index(c);
            (
                scenario.channel(id).name.clone(),
                measure_of(Entity::Channel(id)),
            )
        })
        .collect();
    if channels.iter().any(|(_, m)| *m != default_measure) {
        for (name, measure) in channels {
            guards.push(guard(
                measure,
                Scope::Channel,
                Some(name),
                Better::Higher,
                0.03,
                0.0,
            ));
        }
    }
    if scenario.queues.len() > 1 {
        let queues: Vec<(String, String)> = (0..scenario.queues.len())
            .map(|q| {
                let id = QueueId::from_index(q);
                (
                    scenario.queue(id).name.clone(),
                    measure_of(Entity::Queue(id)),
                )
            })
            .collect();
        if queues.iter().all(|(_, m)| *m == queues[0].1) {
            guards.push(guard(
                queues[0].1.clone(),
                Scope::Queue,
                None,
                Better::Higher,
                0.03,
                0.0,
            ));
        } else {
            for (name, measure) in queues {
                guards.push(guard(
                    measure,
                    Scope::Queue,
                    Some(name),
                    Better::Higher,
                    0.03,
                    0.0,
                ));
            }
        }
    }
    guards
}

/// Reads the `[check]` table (`None` when the scenario has none).
pub fn parse_check_table(
    value: Option<&toml::Value>,
    scenario: &Scenario,
) -> Result<CheckSpec, Vec<Issue>> {
    let mut issues = Vec::new();
    let mut spec = CheckSpec {
        replications: DEFAULT_REPLICATIONS,
        base_seed: scenario.simulation.seed,
        confidence: DEFAULT_CONFIDENCE,
        guards: default_guards(scenario),
    };
    let Some(value) = value else { return Ok(spec) };
    let Some(table) = value.as_table() else {
        return Err(vec![issue("check", "expected a table ([check])")]);
    };
    for (key, value) in table {
        let path = crate::config::path::join("check", key);
        match key.as_str() {
            "replications" => match value.as_integer() {
                Some(n @ 2..=100_000) => spec.replications = n as u32,
                _ => issues.push(issue(&path, "expected a whole number from 2 to 100000")),
            },
            "base_seed" => match value.as_integer() {
                Some(n) if n >= 0 => spec.base_seed = n as u64,
                _ => issues.push(issue(&path, "expected a whole number >= 0")),
            },
            "confidence" => match value.as_float() {
                Some(c) if c > 0.5 && c < 1.0 => spec.confidence = c,
                _ => issues.push(issue(
                    &path,
                    "expected a number between 0.5 and 1 (exclusive), e.g. 0.95",
                )),
            },
            "guard" => match value.as_array() {
                Some(items) if !items.is_empty() => {
                    spec.guards.clear();
                    for (idx, item) in items.iter().enumerate() {
                        match parse_guard(item, &format!("check.guard[{idx}]")) {
                            Ok(guard) => spec.guards.push(guard),
                            Err(mut more) => issues.append(&mut more),
                        }
                    }
                }
                _ => issues.push(issue(&path, "expected one or more [[check.guard]] tables")),
            },
            _ => issues.push(issue(
                &path,
                "unknown key (expected replications, base_seed, confidence or guard)",
            )),
        }
    }
    if issues.is_empty() {
        Ok(spec)
    } else {
        Err(issues)
    }
}

fn parse_guard(value: &toml::Value, path: &str) -> Result<Guard, Vec<Issue>> {
    let Some(table) = value.as_table() else {
        return Err(vec![issue(
            path,
            "expected a table with measure, scope, better and a tolerance",
        )]);
    };
    let mut issues = Vec::new();
    let text = |key: &str, issues: &mut Vec<Issue>| -> Option<String> {
        match table.get(key) {
            None => None,
            Some(toml::Value::String(text)) => Some(text.clone()),
            Some(_) => {
                issues.push(issue(&format!("{path}.{key}"), "expected a string"));
                None
            }
        }
    };
    let tolerance = |key: &str, issues: &mut Vec<Issue>| -> Option<f64> {
        let value = table.get(key)?;
        match value
            .as_float()
            .or_else(|| value.as_integer().map(|n| n as f64))
        {
            Some(number) if number >= 0.0 && number.is_finite() => Some(number),
            _ => {
                issues.push(issue(&format!("{path}.{key}"), "expected a number >= 0"));
                None
            }
        }
    };
    for key in table.keys() {
        if ![
            "measure",
            "scope",
            "name",
            "better",
            "tolerance",
            "relative_tolerance",
        ]
        .contains(&key.as_str())
        {
            issues.push(issue(
                &crate::config::path::join(path, key),
                "unknown key (expected measure, scope, name, better, tolerance or relative_tolerance)",
            ));
        }
    }
    let measure = text("measure", &mut issues);
    if measure.is_none() && !table.contains_key("measure") {
        issues.push(issue(
            &format!("{path}.measure"),
            "missing: which measure to guard, e.g. \"asa_s\"",
        ));
    }
    let scope = match text("scope", &mut issues) {
        None => Some(Scope::Overall),
        Some(text) => {
            let scope = Scope::parse(&text);
            if scope.is_none() {
                issues.push(issue(
                    &format!("{path}.scope"),
                    &format!("unknown scope \"{text}\" (expected overall, channel, workstream, queue or agent_group)"),
                ));
            }
            scope
        }
    };
    let name = text("name", &mut issues);
    let better = match text("better", &mut issues) {
        Some(text) => match text.as_str() {
            "higher" => Some(Better::Higher),
            "lower" => Some(Better::Lower),
            "unchanged" => Some(Better::Unchanged),
            _ => {
                issues.push(issue(
                    &format!("{path}.better"),
                    &format!("\"{text}\" is not one of \"higher\", \"lower\", \"unchanged\""),
                ));
                None
            }
        },
        None => {
            if !table.contains_key("better") {
                issues.push(issue(
                    &format!("{path}.better"),
                    "missing: \"higher\", \"lower\" or \"unchanged\"",
                ));
            }
            None
        }
    };
    let absolute = tolerance("tolerance", &mut issues);
    let relative = tolerance("relative_tolerance", &mut issues);
    if !table.contains_key("tolerance") && !table.contains_key("relative_tolerance") {
        issues.push(issue(
            &format!("{path}.tolerance"),
            "missing: give tolerance (in the measure's unit) and/or relative_tolerance (a fraction of the baseline mean); 0 is allowed",
        ));
    }
    match (measure, scope, better, issues.is_empty()) {
        (Some(measure), Some(scope), Some(better), true) => Ok(Guard {
            measure,
            scope,
            name,
            better,
            tolerance: Tolerance {
                absolute: absolute.unwrap_or(0.0),
                relative: relative.unwrap_or(0.0),
            },
            origin: GuardOrigin::Written,
        }),
        _ => Err(issues),
    }
}

fn issue(path: &str, message: &str) -> Issue {
    Issue {
        path: path.to_string(),
        message: message.to_string(),
    }
}

/// A guard applied to one entity.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedGuard {
    pub key: MeasureKey,
    pub better: Better,
    pub tolerance: Tolerance,
}

/// Expands the guards to the entities that `samples` has. A guard naming an entity or a
/// measure that the results do not have is an issue at the guard's path.
pub fn resolve_guards(
    guards: &[Guard],
    samples: &Samples,
) -> Result<Vec<ResolvedGuard>, Vec<Issue>> {
    let mut issues = Vec::new();
    let mut resolved: Vec<ResolvedGuard> = Vec::new();
    for (idx, guard) in guards.iter().enumerate() {
        let path = format!("check.guard[{idx}]");
        let in_scope: Vec<&MeasureKey> = samples
            .keys()
            .iter()
            .filter(|k| k.scope == guard.scope)
            .collect();
        let mut seen = HashSet::new();
        let names: Vec<&str> = (in_scope.iter())
            .map(|key| key.name.as_str())
            .filter(|name| seen.insert(*name))
            .collect();
        if let Some(name) = &guard.name {
            if !seen.contains(name.as_str()) {
                if guard.origin == GuardOrigin::Default {
                    // Asked for by no one: the caller notes what one side lacks.
                    continue;
                }
                issues.push(issue(
                    &format!("{path}.name"),
                    &format!(
                        "no {} named \"{name}\" (known: {})",
                        guard.scope,
                        known(&names)
                    ),
                ));
                continue;
            }
        }
        let matching: Vec<&&MeasureKey> = in_scope
            .iter()
            .filter(|k| {
                k.measure == guard.measure && guard.name.as_ref().is_none_or(|n| k.name == *n)
            })
            .collect();
        if matching.is_empty() {
            let mut measures: Vec<&str> = Vec::new();
            for key in &in_scope {
                if !measures.contains(&key.measure.as_str()) {
                    measures.push(&key.measure);
                }
            }
            issues.push(issue(
                &format!("{path}.measure"),
                &format!(
                    "no measure \"{}\" for scope {} (known: {})",
                    guard.measure,
                    guard.scope,
                    known(&measures)
                ),
            ));
            continue;
        }
        for key in matching {
            // A later guard on the same measure replaces an earlier one: the most specific
            // entry is usually written last, and a measure counted twice would double its
            // share of the false-alarm budget.
            resolved.retain(|r| r.key != **key);
            resolved.push(ResolvedGuard {
                key: (*key).clone(),
                better: guard.better,
                tolerance: guard.tolerance,
            });
        }
    }
    if issues.is_empty() {
        Ok(resolved)
    } else {
        Err(issues)
    }
}

fn known(items: &[&str]) -> String {
    if items.is_empty() {
        return "none".into();
    }
    let shown: Vec<&str> = items.iter().take(12).copied().collect();
    let more = if items.len() > shown.len() {
        format!(", and {} more", items.len() - shown.len())
    } else {
        String::new()
    };
    format!("{}{more}", shown.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{parse_scenario, Origin};

    const SCENARIO: &str = r#"
[simulation]
horizon = "4h"
seed = 7
service_level_thresholds = ["20s", "1m"]
[channels.calls]
kind = "voice"
arrivals = { per_hour = 60 }
handle_time = { kind = "exponential", mean = "5m" }
[workstreams.voice]
channels = ["calls"]
fallback_queue = "main"
[queues.main]
[agent_groups.agents]
count = 6
queues = ["main"]
"#;

    fn scenario() -> Scenario {
        parse_scenario(
            SCENARIO,
            &Origin {
                file: "s.toml".into(),
                base_dir: ".".into(),
            },
        )
        .unwrap()
    }

    fn parse(check: &str) -> Result<CheckSpec, Vec<Issue>> {
        let table: toml::Table = check.parse().unwrap();
        parse_check_table(table.get("check"), &scenario())
    }

    fn paths(issues: Vec<Issue>) -> Vec<String> {
        issues
            .into_iter()
            .map(|i| format!("{}: {}", i.path, i.message))
            .collect()
    }

    #[test]
    fn without_a_check_table_the_defaults_guard_service_level_speed_and_abandonment() {
        let spec = parse("").unwrap();
        assert_eq!(
            (spec.replications, spec.base_seed, spec.confidence),
            (20, 7, 0.95)
        );
        let measures: Vec<&str> = spec.guards.iter().map(|g| g.measure.as_str()).collect();
        assert_eq!(
            measures,
            ["service_level_20s_of_offered", "asa_s", "abandon_rate"]
        );
        assert_eq!(spec.guards[0].better, Better::Higher);
    }

    #[test]
    fn a_full_check_table_is_read() {
        let spec = parse(
            r#"
[check]
replications = 30
base_seed = 99
confidence = 0.9
[[check.guard]]
measure = "wait_p90_s"
scope = "queue"
name = "main"
better = "lower"
relative_tolerance = 0.05
tolerance = 3
"#,
        )
        .unwrap();
        assert_eq!(
            (spec.replications, spec.base_seed, spec.confidence),
            (30, 99, 0.9)
        );
        assert_eq!(
            spec.guards,
            [Guard {
                measure: "wait_p90_s".into(),
                scope: Scope::Queue,
                name: Some("main".into()),
                better: Better::Lower,
                tolerance: Tolerance {
                    absolute: 3.0,
                    relative: 0.05
                },
                origin: GuardOrigin::Written,
            }]
        );
    }

    #[test]
    fn every_problem_is_reported_at_its_path() {
        let issues = parse(
            r#"
[check]
replications = 1
colour = "red"
[[check.guard]]
measure = "asa_s"
better = "lower"
tolerance = 1
[[check.guard]]
measure = "asa_s"
scope = "room"
better = "faster"
tolerance = -1
[[check.guard]]
better = "higher"
"#,
        )
        .unwrap_err();
        assert_eq!(
            paths(issues),
            [
                "check.colour: unknown key (expected replications, base_seed, confidence or guard)",
                "check.guard[1].scope: unknown scope \"room\" (expected overall, channel, workstream, queue or agent_group)",
                "check.guard[1].better: \"faster\" is not one of \"higher\", \"lower\", \"unchanged\"",
                "check.guard[1].tolerance: expected a number >= 0",
                "check.guard[2].measure: missing: which measure to guard, e.g. \"asa_s\"",
                "check.guard[2].tolerance: missing: give tolerance (in the measure's unit) and/or relative_tolerance (a fraction of the baseline mean); 0 is allowed",
                "check.replications: expected a whole number from 2 to 100000",
            ]
        );
    }

    #[test]
    fn tolerance_is_the_larger_of_absolute_and_relative() {
        let tolerance = Tolerance {
            absolute: 2.0,
            relative: 0.1,
        };
        assert_eq!(tolerance.for_baseline(10.0), 2.0);
        assert_eq!(tolerance.for_baseline(-50.0), 5.0);
        assert_eq!(tolerance.for_baseline(f64::NAN), 2.0);
    }

    fn samples() -> Samples {
        let mut samples = Samples::new(2);
        for (scope, name, measure) in [
            (Scope::Overall, "all", "asa_s"),
            (Scope::Queue, "a", "asa_s"),
            (Scope::Queue, "b", "asa_s"),
            (Scope::Queue, "b", "offered"),
        ] {
            samples.set(
                MeasureKey {
                    scope,
                    name: name.into(),
                    measure: measure.into(),
                },
                0,
                1.0,
            );
        }
        samples
    }

    fn guard(scope: Scope, name: Option<&str>, measure: &str) -> Guard {
        Guard {
            measure: measure.into(),
            scope,
            name: name.map(String::from),
            better: Better::Lower,
            tolerance: Tolerance {
                absolute: 0.0,
                relative: 0.0,
            },
            origin: GuardOrigin::Written,
        }
    }

    #[test]
    fn a_guard_without_a_name_covers_every_entity_of_its_scope_once() {
        let guards = [
            guard(Scope::Queue, None, "asa_s"),
            guard(Scope::Queue, Some("b"), "asa_s"),
        ];
        let resolved = resolve_guards(&guards, &samples()).unwrap();
        let names: Vec<&str> = resolved.iter().map(|r| r.key.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn unknown_entities_and_measures_are_issues_listing_what_exists() {
        let guards = [
            guard(Scope::Queue, Some("c"), "asa_s"),
            guard(Scope::Queue, None, "asa"),
        ];
        assert_eq!(
            paths(resolve_guards(&guards, &samples()).unwrap_err()),
            [
                "check.guard[0].name: no queue named \"c\" (known: a, b)",
                "check.guard[1].measure: no measure \"asa\" for scope queue (known: asa_s, offered)",
            ]
        );
    }
}
