//! A check's outcome as `check.csv` (one row per guarded measure, for tools), `check.md` (a
//! comment a CI system can post on a pull request: the guards, then the key measures side by
//! side) and a terminal table; `report.html` is `page.rs`'s. Pure functions from
//! a report to text; nothing here runs or decides anything.

use std::fmt::Write;

use crate::report::format_value;
use crate::report::labels::{format_change, format_with_interval, measure_label};
use crate::sweep::Estimate;

use super::compare::{GuardOutcome, Verdict};
use super::{CheckReport, Pairing, ReportKind, SideBySide};

pub use super::page::check_page;

/// `check.csv`: the guards in the order `[check]` lists them. `difference`, `ci_low` and
/// `ci_high` are candidate − baseline in the measure's unit; empty cells are undefined.
pub fn check_csv(report: &CheckReport) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "verdict",
        "scope",
        "name",
        "measure",
        "better",
        "tolerance",
        "baseline_mean",
        "candidate_mean",
        "difference",
        "ci_low",
        "ci_high",
        "pairs",
    ];
    writer
        .write_record(header)
        .expect("writing to memory cannot fail");
    for outcome in &report.comparison.outcomes {
        let (difference, low, high) = interval_parts(outcome, format_value);
        writer
            .write_record([
                outcome.verdict.as_str().to_string(),
                outcome.key.scope.to_string(),
                outcome.key.name.to_string(),
                outcome.key.measure.to_string(),
                outcome.better.to_string(),
                format_value(outcome.tolerance),
                format_value(outcome.baseline_mean),
                format_value(outcome.candidate_mean),
                difference,
                low,
                high,
                outcome.pairs.to_string(),
            ])
            .expect("writing to memory cannot fail");
    }
    writer.into_inner().expect("writing to memory cannot fail")
}

fn interval_parts(outcome: &GuardOutcome, format: fn(f64) -> String) -> (String, String, String) {
    match outcome.difference {
        Some(d) => (format(d.mean), format(d.low), format(d.high)),
        None => (format(f64::NAN), format(f64::NAN), format(f64::NAN)),
    }
}

/// The guards worst first (stable within a verdict), so a reader sees regressions at the top.
pub(super) fn by_severity(report: &CheckReport) -> Vec<&GuardOutcome> {
    let mut outcomes: Vec<&GuardOutcome> = report.comparison.outcomes.iter().collect();
    outcomes.sort_by_key(|o| o.verdict);
    outcomes
}

fn icon(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Regressed => "❌",
        Verdict::Uncertain => "⚠️",
        Verdict::Undefined => "➖",
        Verdict::Better => "🟢",
        Verdict::Ok => "✅",
    }
}

pub(super) fn counts(report: &CheckReport) -> String {
    let parts: Vec<String> = [
        Verdict::Regressed,
        Verdict::Uncertain,
        Verdict::Undefined,
        Verdict::Better,
        Verdict::Ok,
    ]
    .into_iter()
    .map(|v| format!("{} {v}", report.comparison.count(v)))
    .collect();
    parts.join(" · ")
}

pub(super) fn percent(confidence: f64) -> String {
    let text = format!("{:.2}", confidence * 100.0);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

/// `check.md`: a heading with the overall result, what was compared and how, the table of
/// guards, and the notes (changed scenario, changed routesim version, entities on one side).
pub fn check_markdown(report: &CheckReport) -> String {
    let mut out = String::new();
    let comparison = &report.comparison;
    let regressed = comparison.count(Verdict::Regressed);
    let result = if regressed > 0 {
        format!("❌ {regressed} regressed")
    } else {
        "✅ no regression".to_string()
    };
    let what = match report.kind {
        ReportKind::Check => "check",
        ReportKind::Compare => "compare",
    };
    let _ = writeln!(out, "## routesim {what}: {result}\n");
    let seeds = match report.pairing {
        Pairing::CommonRandomNumbers => format!("on the same seeds (base seed {}, common random numbers)", report.baseline.base_seed),
        Pairing::IndependentSeeds => format!(
            "on other seeds than the baseline's (base seed {} against {}, no common random numbers: wider intervals)",
            report.candidate.base_seed, report.baseline.base_seed
        ),
    };
    let role = match report.kind {
        ReportKind::Check => "baseline",
        ReportKind::Compare => "scenario",
    };
    let _ = writeln!(
        out,
        "`{}` against {role} `{}`: {} paired replications {seeds}.",
        report.candidate.label, report.baseline.label, report.replications
    );
    let k = comparison.outcomes.len();
    let _ = writeln!(
        out,
        "A guard regresses when its whole {} confidence interval of the change is worse than its tolerance \
         ({} family-wise over {k} guards, Bonferroni).\n",
        percent(comparison.guard_confidence),
        percent(comparison.confidence),
    );
    let _ = writeln!(out, "{}\n", counts(report));
    let _ = writeln!(
        out,
        "| | verdict | measure | scope | name | better | baseline | candidate | change [{} CI] | tolerance |",
        percent(comparison.guard_confidence)
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---:|---:|---:|---:|");
    for outcome in by_severity(report) {
        let (difference, low, high) = interval_parts(outcome, short);
        let change = if outcome.difference.is_some() {
            format!("{difference} [{low}, {high}]")
        } else {
            "–".into()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {change} | {} |",
            icon(outcome.verdict),
            outcome.verdict,
            outcome.key.measure,
            outcome.key.scope,
            markdown_cell(&outcome.key.name),
            outcome.better,
            short(outcome.baseline_mean),
            short(outcome.candidate_mean),
            short(outcome.tolerance),
        );
    }
    let notes = notes(report);
    if !notes.is_empty() {
        let _ = writeln!(out, "\nNotes:\n");
        for note in notes {
            let _ = writeln!(out, "- {note}");
        }
    }
    if !report.key_measures.is_empty() {
        let (a, b) = side_names(report);
        let _ = writeln!(
            out,
            "\n### Key measures side by side\n\nMean ± half-width of the 95% interval over the \
             {} replications; the change is {b} − {a} on the same seeds, with its 95% interval \
             (per measure, not a verdict).\n",
            report.replications
        );
        let _ = writeln!(
            out,
            "| scope | name | measure | {a} | {b} | change [95% CI] | |"
        );
        let _ = writeln!(out, "|---|---|---|---:|---:|---:|---|");
        for row in &report.key_measures {
            let cells = side_by_side_cells(row);
            let mark = match row.judgement() {
                Some("better") => "🟢",
                Some(_) => "🔴",
                None => "",
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {mark} |",
                row.key.scope,
                markdown_cell(&row.key.name),
                cells[0],
                cells[1],
                cells[2],
                cells[3],
            );
        }
    }
    out
}

/// The column names of the two sides: `baseline` / `candidate` for a check, `A` / `B` for a
/// comparison.
pub(super) fn side_names(report: &CheckReport) -> (&'static str, &'static str) {
    match report.kind {
        ReportKind::Check => ("baseline", "candidate"),
        ReportKind::Compare => ("A", "B"),
    }
}

/// Measure label, both sides with their intervals, and the change with its interval.
pub(super) fn side_by_side_cells(row: &SideBySide) -> [String; 4] {
    let measure = row.key.measure.as_str();
    let side = |e: &Estimate| format_with_interval(measure, e.mean, e.half_width());
    let d = &row.difference;
    let change = format_change(measure, d.mean, d.ci95_low, d.ci95_high);
    [
        measure_label(measure),
        side(&row.baseline),
        side(&row.candidate),
        change,
    ]
}

pub(super) fn notes(report: &CheckReport) -> Vec<String> {
    let mut notes = Vec::new();
    if report.scenario_changed() && report.kind == ReportKind::Check {
        notes.push(format!(
            "ℹ️ The scenario changed since the baseline ({} → {}): expected when the policy changed.",
            report.baseline.hash, report.candidate.hash
        ));
    }
    if report.version_changed() {
        notes.push(format!(
            "⚠️ The baseline was made by routesim {}, this is {}: a difference may come from the simulator, not the policy. Make the baseline again on the main branch.",
            report.baseline.routesim_version, report.candidate.routesim_version
        ));
    }
    if report.comparison.count(Verdict::Uncertain) > 0 {
        notes.push("⚠️ Uncertain guards do not fail the check; more replications (`[check] replications`) narrow their intervals.".into());
    }
    notes.extend(report.notes.iter().map(|n| format!("ℹ️ {n}")));
    notes
}

fn markdown_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// About four significant digits: enough to read a change, short enough for a table.
pub(super) fn short(value: f64) -> String {
    if value.is_nan() {
        return "–".into();
    }
    if value == 0.0 || !value.is_finite() {
        return format_value(value);
    }
    let decimals = (3 - value.abs().log10().floor() as i32).clamp(0, 6) as usize;
    let text = format!("{value:.decimals$}");
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        "0".into()
    } else {
        text
    }
}

/// The terminal table: one line per guard, worst first, then the counts and notes.
pub fn check_table(report: &CheckReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<10} {:<30} {:<11} {:<16} {:<9} {:>10} {:>10} {:>10} {:>23} {:>9}",
        "verdict",
        "measure",
        "scope",
        "name",
        "better",
        "baseline",
        "candidate",
        "change",
        "interval",
        "tolerance"
    );
    for outcome in by_severity(report) {
        let (difference, low, high) = interval_parts(outcome, short);
        let interval = if outcome.difference.is_some() {
            format!("[{low}, {high}]")
        } else {
            "-".into()
        };
        let _ = writeln!(
            out,
            "{:<10} {:<30} {:<11} {:<16} {:<9} {:>10} {:>10} {:>10} {:>23} {:>9}",
            outcome.verdict.as_str(),
            outcome.key.measure,
            outcome.key.scope.as_str(),
            outcome.key.name,
            outcome.better.as_str(),
            short(outcome.baseline_mean),
            short(outcome.candidate_mean),
            difference,
            interval,
            short(outcome.tolerance),
        );
    }
    let _ = writeln!(
        out,
        "\n{} ({} replications, {} per guard)",
        counts(report),
        report.replications,
        percent(report.comparison.guard_confidence)
    );
    for note in notes(report) {
        let _ = writeln!(out, "{note}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers_keep_about_four_significant_digits() {
        for (value, expected) in [
            (0.812_345, "0.8123"),
            (-0.012_345_6, "-0.01235"),
            (123.456, "123.5"),
            (12_345.6, "12346"),
            (0.0, "0"),
            (-1e-9, "0"),
            (f64::NAN, "–"),
        ] {
            assert_eq!(short(value), expected, "{value}");
        }
    }

    #[test]
    fn confidence_is_shown_without_trailing_zeros() {
        assert_eq!(percent(0.95), "95%");
        assert_eq!(percent(0.9975), "99.75%");
        assert_eq!(percent(1.0 - 0.05 / 6.0), "99.17%");
    }
}
