//! The short summary table printed to the terminal after a run: the key figures per channel,
//! queue and agent group, so a planner sees the answer without opening a file.

use std::fmt::Write;

use crate::metrics::{RunResults, Scope, Text};

use super::targets::{Target, Targets};

/// A fixed-width text table of the key figures. Each row's service level is at its entity's
/// goal ([`Targets::target_for`]); when the goals differ, a `goal` column says which.
pub fn summary_table(results: &RunResults, targets: &Targets) -> String {
    let mut out = String::new();
    let mut rows: Vec<(Scope, &str, Option<Target>)> = Vec::new();
    for scope in [Scope::Overall, Scope::Channel, Scope::Queue] {
        for name in results.names(scope) {
            rows.push((scope, name, targets.target_for(results, scope, name)));
        }
    }
    let shared = rows.windows(2).all(|pair| pair[0].2 == pair[1].2);
    let sl_heading = match rows.first().and_then(|r| r.2.as_ref()) {
        Some(t) if shared => format!("SL{}", t.threshold),
        _ => "SL%".to_string(),
    };
    let _ = write!(
        out,
        "{:<11} {:<16} {:>8} {:>8} {:>7} {:>8} {:>8} {:>8} {:>7}",
        "scope", "name", "offered", "answered", "aband%", &sl_heading, "ASA s", "p90 s", "queue",
    );
    let _ = writeln!(out, "{}", if shared { "" } else { "  goal" });
    for (scope, name, target) in rows {
        let value = |measure: &str| results.value(scope, name, measure).unwrap_or(f64::NAN);
        let sl = target.as_ref().map_or(f64::NAN, |t| value(&t.measure));
        let _ = write!(
            out,
            "{:<11} {:<16} {:>8} {:>8} {:>7} {:>8} {:>8} {:>8} {:>7}",
            scope.as_str(),
            truncate(name, 16),
            number(value("offered"), 0),
            number(value("answered"), 0),
            number(value("abandon_rate") * 100.0, 1),
            number(sl * 100.0, 1),
            number(value("asa_s"), 1),
            number(value("wait_p90_s"), 1),
            number(value("queue_length_mean"), 1),
        );
        let goal = match (&target, shared) {
            (Some(t), false) => format!("  {}", t.describe()),
            _ => String::new(),
        };
        let _ = writeln!(out, "{goal}");
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<28} {:>7} {:>9} {:>8} {:>8} {:>9}",
        "agent group", "agents", "staffed h", "util%", "occ%", "handled"
    );
    let mut groups: Vec<&Text> = Vec::new();
    for row in &results.agents {
        if !groups.contains(&&row.name) {
            groups.push(&row.name);
        }
    }
    for name in groups {
        let value = |measure: &str| {
            results
                .value(Scope::AgentGroup, name, measure)
                .unwrap_or(f64::NAN)
        };
        let _ = writeln!(
            out,
            "{:<28} {:>7} {:>9} {:>8} {:>8} {:>9}",
            truncate(name, 28),
            number(value("agents"), 0),
            number(value("staffed_agent_hours"), 1),
            number(value("utilization") * 100.0, 1),
            number(value("occupancy") * 100.0, 1),
            number(value("handled"), 0),
        );
    }
    out
}

fn number(value: f64, decimals: usize) -> String {
    if value.is_nan() {
        "-".into()
    } else {
        format!("{value:.decimals$}")
    }
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let kept: String = text.chars().take(width - 1).collect();
        format!("{kept}~")
    }
}
