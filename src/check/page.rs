//! `report.html` of a check or comparison: what was compared, the verdict, the guards (worst
//! first, coloured by verdict) and the key measures of both sides next to each other with
//! their intervals and the paired difference (coloured when it is clearly better or worse).
//! Built on `report::html`'s page, so it is as self-contained as a run's.

use crate::report::html::{Page, Section, Table};
use crate::report::labels::{format_measure, measure_label};

use super::compare::Verdict;
use super::render::{by_severity, counts, notes, percent, side_by_side_cells, side_names};
use super::{CheckReport, Pairing, ReportKind};

fn verdict_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Regressed => "worse",
        Verdict::Uncertain => "unsure",
        Verdict::Better => "better",
        Verdict::Ok | Verdict::Undefined => "",
    }
}

/// The page of a check or comparison. `settings` is shown verbatim at the end (both scenario
/// files, or the candidate and the baseline's metadata).
pub fn check_page(report: &CheckReport, settings: &str) -> Page {
    let (a, b) = side_names(report);
    let what = match report.kind {
        ReportKind::Check => "check",
        ReportKind::Compare => "compare",
    };
    let regressed = report.comparison.count(Verdict::Regressed);
    let result = if regressed > 0 {
        format!("{regressed} regressed")
    } else {
        "no regression".to_string()
    };
    let seeds = match report.pairing {
        Pairing::CommonRandomNumbers => format!(
            "same seeds (base seed {}, common random numbers)",
            report.baseline.base_seed
        ),
        Pairing::IndependentSeeds => format!(
            "other seeds (base seed {} against {})",
            report.candidate.base_seed, report.baseline.base_seed
        ),
    };
    let facts = vec![
        ("Result".to_string(), result),
        (
            a.to_string(),
            format!(
                "{} (scenario {})",
                report.baseline.label, report.baseline.scenario_name
            ),
        ),
        (
            b.to_string(),
            format!(
                "{} (scenario {})",
                report.candidate.label, report.candidate.scenario_name
            ),
        ),
        (
            "Replications".to_string(),
            format!("{} paired, {seeds}", report.replications),
        ),
        ("Verdicts".to_string(), counts(report)),
        (
            "routesim version".to_string(),
            report.candidate.routesim_version.clone(),
        ),
    ];
    let mut guards = Table {
        caption: format!(
            "Guards, worst first: a guard regresses when its whole {} interval of the change \
             is worse than its tolerance ({} family-wise, Bonferroni)",
            percent(report.comparison.guard_confidence),
            percent(report.comparison.confidence)
        ),
        header: [
            "verdict",
            "measure",
            "scope",
            "name",
            a,
            b,
            "change [interval]",
            "tolerance",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect(),
        ..Table::default()
    };
    for outcome in by_severity(report) {
        let measure = outcome.key.measure.as_str();
        let change = match outcome.difference {
            Some(d) => crate::report::labels::format_change(measure, d.mean, d.low, d.high),
            None => "-".into(),
        };
        let tolerance = if crate::report::labels::is_fraction(measure) {
            format!("{:.1} pts", outcome.tolerance * 100.0)
        } else {
            format!("{:.1}", outcome.tolerance)
        };
        guards.rows.push(vec![
            outcome.verdict.as_str().to_string(),
            measure_label(measure),
            outcome.key.scope.to_string(),
            outcome.key.name.to_string(),
            format_measure(measure, outcome.baseline_mean),
            format_measure(measure, outcome.candidate_mean),
            change,
            tolerance,
        ]);
        let class = verdict_class(outcome.verdict).to_string();
        guards.classes.push(vec![class; 1]);
    }
    let mut side_by_side = Table {
        caption: format!("Key measures: {a} and {b}, and the change {b} − {a}"),
        header: ["scope", "name", "measure", a, b, "change [95% CI]"]
            .iter()
            .map(|h| h.to_string())
            .collect(),
        ..Table::default()
    };
    for row in &report.key_measures {
        let [label, left, right, change] = side_by_side_cells(row);
        side_by_side.rows.push(vec![
            row.key.scope.to_string(),
            row.key.name.to_string(),
            label,
            left,
            right,
            change,
        ]);
        let mut classes = vec![String::new(); 6];
        classes[5] = row.judgement().unwrap_or("").to_string();
        side_by_side.classes.push(classes);
    }
    Page {
        title: format!("routesim {what}: {}", report.candidate.label),
        facts,
        notes: notes(report),
        tables: vec![guards],
        sections: vec![Section {
            heading: "Side by side".into(),
            paragraphs: vec![format!(
                "Each side is the mean ± the half-width of its 95 % interval over the {} \
                 replications; the change is paired replication by replication (same seeds), \
                 with its own 95 % interval. Green: clearly better, red: clearly worse; these \
                 intervals are per measure and decide nothing, the guards do.",
                report.replications
            )],
            tables: vec![side_by_side],
        }],
        charts: Vec::new(),
        settings: settings.to_string(),
    }
}
