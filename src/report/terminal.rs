//! The short summary table printed to the terminal after a run: the key figures per channel,
//! queue and agent group, so a planner sees the answer without opening a file.

use std::fmt::Write;

use crate::metrics::{RunResults, Scope};

/// A fixed-width text table of the key figures.
pub fn summary_table(results: &RunResults) -> String {
    let mut out = String::new();
    let first_sl = results
        .summary
        .iter()
        .find(|r| r.measure.starts_with("service_level_") && r.measure.ends_with("_of_offered"))
        .map(|r| r.measure.clone());
    let sl_label = first_sl.as_deref().map(|m| {
        m.trim_start_matches("service_level_")
            .trim_end_matches("_of_offered")
            .to_string()
    });
    let _ = writeln!(
        out,
        "{:<11} {:<16} {:>8} {:>8} {:>7} {:>8} {:>8} {:>8} {:>7}",
        "scope",
        "name",
        "offered",
        "answered",
        "aband%",
        &format!("SL{}", sl_label.as_deref().unwrap_or("")),
        "ASA s",
        "p90 s",
        "queue",
    );
    for scope in [Scope::Overall, Scope::Channel, Scope::Queue] {
        let names: Vec<&String> = {
            let mut seen: Vec<&String> = Vec::new();
            for row in results.summary.iter().filter(|r| r.scope == scope) {
                if !seen.contains(&&row.name) {
                    seen.push(&row.name);
                }
            }
            seen
        };
        for name in names {
            let value = |measure: &str| results.value(scope, name, measure).unwrap_or(f64::NAN);
            let sl = first_sl.as_deref().map_or(f64::NAN, value);
            let _ = writeln!(
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
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<28} {:>7} {:>9} {:>8} {:>8} {:>9}",
        "agent group", "agents", "staffed h", "util%", "occ%", "handled"
    );
    let mut groups: Vec<&String> = Vec::new();
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
