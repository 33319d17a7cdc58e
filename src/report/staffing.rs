//! The reports of `routesim staffing`: `staffing.csv` (tidy, with confidence intervals), the
//! step chart of required against scheduled agents, the staffing section of its
//! `report.html`, and the terminal table. Pure functions of a [`StaffingReport`].

use std::fmt::Write;

use crate::metrics::{threshold_label, Scope};
use crate::staffing::{StaffingReport, TargetReport};
use crate::sweep::Estimate;

use super::charts::{Chart, ChartKind, Mark, Series, XAxis, XyPlot, YFormat, YStart};
use super::csv_tables::format_value;
use super::html::{Page, Table};

const HEADER: [&str; 10] = [
    "scenario",
    "seed",
    "interval",
    "interval_start",
    "scope",
    "name",
    "measure",
    "value",
    "ci95_low",
    "ci95_high",
];

struct Rows<'a> {
    report: &'a StaffingReport,
    rows: Vec<Vec<String>>,
}

impl Rows<'_> {
    fn push(
        &mut self,
        interval: Option<usize>,
        scope: &str,
        name: &str,
        measure: &str,
        value: f64,
    ) {
        self.push_ci(interval, scope, name, measure, value, (f64::NAN, f64::NAN));
    }

    fn push_estimate(
        &mut self,
        interval: usize,
        scope: &str,
        name: &str,
        measure: &str,
        e: &Estimate,
    ) {
        self.push_ci(
            Some(interval),
            scope,
            name,
            measure,
            e.mean,
            (e.ci95_low, e.ci95_high),
        );
    }

    fn push_ci(
        &mut self,
        interval: Option<usize>,
        scope: &str,
        name: &str,
        measure: &str,
        value: f64,
        (low, high): (f64, f64),
    ) {
        let (index, start) = match interval {
            Some(i) => (i.to_string(), self.report.interval_label(i)),
            None => (String::new(), String::new()),
        };
        self.rows.push(vec![
            self.report.scenario.clone(),
            self.report.base_seed.to_string(),
            index,
            start,
            scope.to_string(),
            name.to_string(),
            measure.to_string(),
            format_value(value),
            format_value(low),
            format_value(high),
        ]);
    }
}

fn opt(value: Option<u32>) -> f64 {
    value.map_or(f64::NAN, f64::from)
}

/// The targets grouped by scope: one entry per scope, its Erlang figures the largest of its
/// targets' (the scope must meet all of them).
fn by_scope(report: &StaffingReport) -> Vec<Vec<&TargetReport>> {
    let mut groups: Vec<Vec<&TargetReport>> = Vec::new();
    for target in &report.targets {
        match groups
            .iter_mut()
            .find(|g| g[0].scope == target.scope && g[0].name == target.name)
        {
            Some(group) => group.push(target),
            None => groups.push(vec![target]),
        }
    }
    groups
}

fn scope_max(
    group: &[&TargetReport],
    i: usize,
    pick: fn(&TargetReport) -> &Vec<Option<u32>>,
) -> f64 {
    group
        .iter()
        .map(|t| pick(t)[i])
        .try_fold(0u32, |acc, v| v.map(|v| acc.max(v)))
        .map_or(f64::NAN, f64::from)
}

/// `staffing.csv`: per interval the pool's figures (scope `overall`, name `all`) and each
/// target scope's, then the day's totals (empty `interval`).
pub fn staffing_csv(report: &StaffingReport) -> Vec<u8> {
    let mut rows = Rows {
        report,
        rows: Vec::new(),
    };
    let groups = by_scope(report);
    let total_load: Vec<f64> = (0..report.n_intervals())
        .map(|i| {
            groups
                .iter()
                .filter(|g| g[0].scope == Scope::Channel)
                .map(|g| g[0].offered_load[i])
                .sum::<f64>()
        })
        .collect();
    let has_channels = groups.iter().any(|g| g[0].scope == Scope::Channel);
    for i in 0..report.n_intervals() {
        let (o, a) = ("overall", "all");
        if has_channels {
            rows.push(Some(i), o, a, "offered_load_erlangs", total_load[i]);
        }
        rows.push(
            Some(i),
            o,
            a,
            "required_agents_erlang_c",
            opt(report.erlang_c[i]),
        );
        rows.push(
            Some(i),
            o,
            a,
            "required_agents_erlang_a",
            opt(report.erlang_a[i]),
        );
        rows.push(
            Some(i),
            o,
            a,
            "required_agents_simulated",
            f64::from(report.simulated[i]),
        );
        rows.push(
            Some(i),
            o,
            a,
            "required_agents_rostered",
            f64::from(report.rostered[i]),
        );
        if let Some(scheduled) = &report.scheduled {
            rows.push(Some(i), o, a, "scheduled_agents", scheduled[i]);
        }
        rows.push(
            Some(i),
            o,
            a,
            "flat_sizing_agents",
            report.flat_scheduled[i],
        );
        rows.push_estimate(i, o, a, "occupancy", &report.occupancy[i]);
        if let Some(verdict) = report.verified[i] {
            rows.push(
                Some(i),
                o,
                a,
                "meets_targets",
                f64::from(u8::from(verdict.ci95)),
            );
            rows.push(
                Some(i),
                o,
                a,
                "meets_targets_by_mean",
                f64::from(u8::from(verdict.mean)),
            );
        }
        for group in &groups {
            let first = group[0];
            let (scope, name) = (first.scope.as_str(), first.name.as_str());
            rows.push(
                Some(i),
                scope,
                name,
                "offered_load_erlangs",
                first.offered_load[i],
            );
            rows.push(
                Some(i),
                scope,
                name,
                "required_agents_erlang_c",
                scope_max(group, i, |t| &t.erlang_c),
            );
            rows.push(
                Some(i),
                scope,
                name,
                "required_agents_erlang_a",
                scope_max(group, i, |t| &t.erlang_a),
            );
            let mut thresholds = Vec::new();
            for t in group {
                if let Some((threshold, _)) = t.target.service_level {
                    if !thresholds.contains(&threshold) {
                        thresholds.push(threshold);
                        let measure = format!(
                            "service_level_{}_of_offered",
                            threshold_label(threshold.as_secs_f64())
                        );
                        rows.push_estimate(i, scope, name, &measure, &t.service_level[i]);
                    }
                }
            }
            rows.push_estimate(i, scope, name, "asa_s", &first.asa_s[i]);
            rows.push_estimate(i, scope, name, "abandon_rate", &first.abandon_rate[i]);
        }
    }
    let hours = |v: &[f64]| report.agent_hours(v.iter().copied());
    let as_f64 = |v: &[u32]| v.iter().map(|&x| f64::from(x)).collect::<Vec<_>>();
    let opt_hours = |v: &[Option<u32>]| {
        if v.iter().all(Option::is_some) {
            hours(&v.iter().map(|&x| opt(x)).collect::<Vec<_>>())
        } else {
            f64::NAN
        }
    };
    let (o, a) = ("overall", "all");
    rows.push(
        None,
        o,
        a,
        "required_agent_hours_simulated",
        hours(&as_f64(&report.simulated)),
    );
    rows.push(
        None,
        o,
        a,
        "required_agent_hours_rostered",
        hours(&as_f64(&report.rostered)),
    );
    rows.push(
        None,
        o,
        a,
        "required_agent_hours_erlang_c",
        opt_hours(&report.erlang_c),
    );
    rows.push(
        None,
        o,
        a,
        "required_agent_hours_erlang_a",
        opt_hours(&report.erlang_a),
    );
    if let Some(scheduled) = &report.scheduled {
        rows.push(None, o, a, "scheduled_agent_hours", hours(scheduled));
    }
    rows.push(None, o, a, "flat_sizing_agents", opt(report.flat.total));
    rows.push(
        None,
        o,
        a,
        "flat_sizing_agent_hours",
        hours(&report.flat_scheduled),
    );
    for (name, share) in &report.groups {
        let count = report
            .flat
            .per_group
            .get(report.groups.iter().position(|g| &g.0 == name).unwrap_or(0))
            .copied();
        rows.push(None, "agent_group", name, "mix_share", *share);
        rows.push(None, "agent_group", name, "flat_sizing_agents", opt(count));
    }
    let judged: Vec<bool> = report.verified.iter().flatten().map(|v| v.ci95).collect();
    let share = judged.iter().filter(|&&m| m).count() as f64 / judged.len().max(1) as f64;
    rows.push(None, o, a, "intervals_meeting_targets_share", share);
    rows.push(
        None,
        o,
        a,
        "isa_iterations",
        f64::from(report.isa.iterations),
    );
    rows.push(
        None,
        o,
        a,
        "isa_converged",
        f64::from(u8::from(report.isa.converged)),
    );
    rows.push(None, o, a, "replications", f64::from(report.replications));
    rows.push(None, o, a, "simulations", report.runs as f64);

    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(HEADER)
        .expect("writing to memory cannot fail");
    for row in rows.rows {
        writer
            .write_record(&row)
            .expect("writing to memory cannot fail");
    }
    writer.into_inner().expect("writing to memory cannot fail")
}

/// The step chart of agents per interval: the simulated requirement, the Erlang figures, the
/// scenario's scheduled agents and flat sizing's.
pub fn staffing_chart(report: &StaffingReport) -> Chart {
    let width_h = report.interval_s as f64 / 3600.0;
    let steps = |values: &[f64]| -> Vec<(f64, f64)> {
        values
            .iter()
            .enumerate()
            .flat_map(|(i, &v)| [(i as f64 * width_h, v), ((i + 1) as f64 * width_h, v)])
            .collect()
    };
    let of = |v: &[Option<u32>]| v.iter().map(|&x| opt(x)).collect::<Vec<_>>();
    let mut series = vec![
        Series {
            label: "required (simulated)".into(),
            color: 0,
            mark: Mark::Line,
            points: steps(
                &report
                    .simulated
                    .iter()
                    .map(|&x| f64::from(x))
                    .collect::<Vec<_>>(),
            ),
        },
        Series {
            label: "Erlang C per interval".into(),
            color: 1,
            mark: Mark::Dashed,
            points: steps(&of(&report.erlang_c)),
        },
        Series {
            label: "Erlang A per interval".into(),
            color: 2,
            mark: Mark::Dashed,
            points: steps(&of(&report.erlang_a)),
        },
    ];
    if let Some(scheduled) = &report.scheduled {
        series.push(Series {
            label: "scheduled".into(),
            color: 3,
            mark: Mark::Line,
            points: steps(scheduled),
        });
    }
    if report.flat.total.is_some() {
        series.push(Series {
            label: "flat sizing".into(),
            color: 4,
            mark: Mark::Dashed,
            points: steps(&report.flat_scheduled),
        });
    }
    Chart {
        name: "staffing".into(),
        title: "Agents logged in per interval: required against scheduled".into(),
        caption: "Each step is one interval of the day: the agents the sized groups need logged in to meet the targets (simulated, and Erlang C / A for comparison) against those the scenario schedules. Where the simulated step is above the scheduled one, the interval is short of agents.".into(),
        kind: ChartKind::Xy(XyPlot {
            x: XAxis::HourOfDay,
            y_label: "agents (sized groups)".into(),
            y_format: YFormat::Number,
            y_start: YStart::Zero,
            series,
            references: Vec::new(),
        }),
    }
}

fn cell(value: f64, decimals: usize) -> String {
    if value.is_nan() {
        "-".into()
    } else {
        format!("{value:.decimals$}")
    }
}

fn first_service_level(report: &StaffingReport, i: usize) -> f64 {
    report
        .targets
        .iter()
        .find(|t| t.target.service_level.is_some())
        .map_or(f64::NAN, |t| t.service_level[i].mean)
}

/// The per-interval table and the totals, for the page and the terminal.
fn tables(report: &StaffingReport) -> (Table, Table) {
    let mut header: Vec<String> = [
        "interval",
        "load (E)",
        "Erlang C",
        "Erlang A",
        "simulated",
        "rostered",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if report.scheduled.is_some() {
        header.push("scheduled".into());
    }
    header.extend(["SL achieved".into(), "meets".into()]);
    let groups = by_scope(report);
    let rows = (0..report.n_intervals())
        .map(|i| {
            let load: f64 = groups
                .iter()
                .filter(|g| g[0].scope == Scope::Channel)
                .map(|g| g[0].offered_load[i])
                .sum();
            let load = if groups.iter().any(|g| g[0].scope == Scope::Channel) {
                load
            } else {
                groups.first().map_or(f64::NAN, |g| g[0].offered_load[i])
            };
            let mut row = vec![
                report.interval_label(i),
                cell(load, 1),
                cell(opt(report.erlang_c[i]), 0),
                cell(opt(report.erlang_a[i]), 0),
                report.simulated[i].to_string(),
                report.rostered[i].to_string(),
            ];
            if let Some(s) = &report.scheduled {
                row.push(cell(s[i], 0));
            }
            row.push(cell(first_service_level(report, i) * 100.0, 1));
            row.push(match report.verified[i] {
                None => "-".into(),
                Some(v) if v.ci95 => "yes".into(),
                Some(_) => "no".into(),
            });
            row
        })
        .collect();
    let per_interval = Table {
        classes: Vec::new(),
        folded: false,
        caption: "Agents per interval (sized groups logged in)".into(),
        header,
        rows,
    };
    let hours = |v: Vec<f64>| cell(report.agent_hours(v), 1);
    let of = |v: &[Option<u32>]| {
        if v.iter().all(Option::is_some) {
            hours(v.iter().map(|&x| opt(x)).collect())
        } else {
            "unreachable".into()
        }
    };
    let mut totals = vec![
        vec![
            "simulated requirement (ISA)".into(),
            hours(report.simulated.iter().map(|&x| f64::from(x)).collect()),
        ],
        vec![
            format!("rostered (shrinkage {:.0} %)", report.shrinkage * 100.0),
            hours(report.rostered.iter().map(|&x| f64::from(x)).collect()),
        ],
        vec!["Erlang C per interval".into(), of(&report.erlang_c)],
        vec!["Erlang A per interval".into(), of(&report.erlang_a)],
    ];
    if let Some(s) = &report.scheduled {
        totals.push(vec!["scheduled now".into(), hours(s.clone())]);
    }
    totals.push(vec![
        match report.flat.total {
            Some(n) => format!("flat sizing: {n} agents with their shifts"),
            None => "flat sizing: not reachable".into(),
        },
        hours(report.flat_scheduled.clone()),
    ]);
    let totals = Table {
        classes: Vec::new(),
        folded: false,
        caption: "Agent-hours a day".into(),
        header: vec!["answer".into(), "agent-hours".into()],
        rows: totals,
    };
    (per_interval, totals)
}

/// The facts of the search, for the page header and the terminal.
fn facts(report: &StaffingReport) -> Vec<(String, String)> {
    let groups: Vec<String> = report
        .groups
        .iter()
        .map(|(name, share)| format!("{name} ({:.0} %)", share * 100.0))
        .collect();
    let judged: Vec<bool> = report.verified.iter().flatten().map(|v| v.ci95).collect();
    let mut facts = vec![
        ("Scenario".into(), report.scenario.clone()),
        ("Base seed".into(), report.base_seed.to_string()),
        ("Sized groups (mix)".into(), groups.join(", ")),
        (
            "Iterative staffing".into(),
            format!(
                "{} iteration(s), {}; {} replications each on common random numbers; {} simulations in all",
                report.isa.iterations,
                if report.isa.converged { "converged" } else { "stopped at the limit, then raised where short" },
                report.replications,
                report.runs
            ),
        ),
        (
            "Verified on fresh seeds".into(),
            format!(
                "targets met in {} of {} intervals with demand (not shown to miss by a 95 % interval)",
                judged.iter().filter(|&&m| m).count(),
                judged.len()
            ),
        ),
        ("Confidence of the search".into(), format!("{}", report.confidence)),
        ("Max agents per interval".into(), report.max_agents.to_string()),
    ];
    let reached = report.covered.iter().filter(|&&c| c).count();
    if reached < report.covered.len() {
        facts.push((
            "Planned".into(),
            format!(
                "00:00 to {} only: the horizon is shorter than a day, so later intervals have no demand and no agents in any column or total",
                report.interval_label(reached)
            ),
        ));
    }
    facts
}

/// The staffing run's `report.html` page (the chart is added by the caller's renderer).
pub fn staffing_page(report: &StaffingReport, settings: &str) -> Page {
    let (per_interval, totals) = tables(report);
    Page {
        notes: Vec::new(),
        sections: Vec::new(),
        title: format!("routesim staffing: {}", report.scenario),
        facts: facts(report),
        tables: vec![totals, per_interval],
        charts: Vec::new(),
        settings: settings.to_string(),
    }
}

/// The terminal table: the facts, the totals, and the intervals with demand.
pub fn staffing_table(report: &StaffingReport) -> String {
    let mut out = String::new();
    for (label, value) in facts(report) {
        let _ = writeln!(out, "{label}: {value}");
    }
    let (per_interval, totals) = tables(report);
    let _ = writeln!(out);
    for row in &totals.rows {
        let _ = writeln!(out, "{:<44} {:>12}", row[0], row[1]);
    }
    let _ = writeln!(out);
    let widths: Vec<usize> = per_interval.header.iter().map(|h| h.len().max(8)).collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:>w$}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let _ = writeln!(out, "{}", line(&per_interval.header));
    for (i, row) in per_interval.rows.iter().enumerate() {
        if report.verified[i].is_some() || report.simulated[i] > 0 {
            let _ = writeln!(out, "{}", line(row));
        }
    }
    out
}
