//! The charts of one run, built from its [`RunResults`]: flow, service level and speed of
//! answer, queue length, agent utilization and occupancy, and presence, per interval of the day;
//! and the wait distribution per channel. Only descriptions are built here; drawing is
//! `render.rs`'s job, and no figure is computed that the results do not already hold (except
//! the histogram, which is read off the wait quantiles). Interval data are drawn as steps.

use std::collections::HashMap;

use crate::metrics::{RunResults, Scope, WaitDistribution};

use super::waits::{cdf_points, cumulative_fraction, histogram_steps, value_at_fraction};
use super::{
    file_stem, Chart, ChartKind, Mark, Panels, Reference, Series, XAxis, XyPlot, YFormat, YStart,
};
use crate::model::Scenario;
use crate::report::targets::{Target, Targets};

/// What a run's charts are drawn against.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChartOptions {
    /// The service-level targets drawn on the service-level chart: each channel at its own
    /// goal's threshold when built by [`Targets::of_scenario`].
    pub targets: Targets,
    /// How many replications the figures are the means of (0 or 1: a single run).
    pub replications: u32,
}

impl ChartOptions {
    /// The options of a single run of `scenario`: its entities' own goals.
    pub fn of_scenario(scenario: &Scenario) -> ChartOptions {
        ChartOptions {
            targets: Targets::of_scenario(scenario),
            replications: 1,
        }
    }
}

/// Number of bins of the wait histogram.
const HISTOGRAM_BINS: usize = 30;

/// Above this many agent groups, the utilization chart becomes small multiples (one panel per
/// group): more than four pairs of lines on one plot cannot be told apart.
const MAX_GROUPS_ON_ONE_PLOT: usize = 4;

/// Every chart of a run, in the order the HTML report shows them.
pub fn run_charts(results: &RunResults, options: &ChartOptions) -> Vec<Chart> {
    let index = IntervalIndex::new(results);
    let channels = names_of(results, Scope::Channel);
    let queues = names_of(results, Scope::Queue);
    let groups = names_of(results, Scope::AgentGroup);
    let flows: Vec<(Scope, String)> = std::iter::once((Scope::Overall, "all".to_string()))
        .chain(channels.iter().map(|c| (Scope::Channel, c.clone())))
        .collect();
    let flow_label = |scope: Scope, name: &str| {
        if scope == Scope::Overall {
            "all channels".to_string()
        } else {
            name.to_string()
        }
    };
    let means = if options.replications > 1 {
        format!(
            " Each step is the mean of {} replications.",
            options.replications
        )
    } else {
        String::new()
    };
    let steps_note = format!(
        "Each flat step is one interval of the day{}.{means}",
        if results.horizon_s > 86_400.0 {
            ", averaged over the days of the run"
        } else {
            ""
        }
    );

    let mut charts = Vec::new();
    let hourly = |y_label: &str, y_format, series, references| {
        ChartKind::Xy(XyPlot {
            x: XAxis::HourOfDay,
            y_label: y_label.to_string(),
            y_format,
            y_start: YStart::Zero,
            series,
            references,
        })
    };

    // Arrivals as a filled area, so the answered line drawn over it shows the gap between them.
    let arrived = interval_points(&index, Scope::Overall, "all", "offered");
    let volume = vec![
        Series {
            label: "arrived".into(),
            color: 0,
            mark: Mark::Area {
                lower: vec![0.0; arrived.len()],
            },
            points: arrived,
        },
        line(
            "answered",
            1,
            interval_points(&index, Scope::Overall, "all", "answered"),
        ),
        line(
            "abandoned",
            3,
            interval_points(&index, Scope::Overall, "all", "abandoned"),
        ),
    ];
    charts.push(Chart {
        name: "volume".into(),
        title: "Conversations per interval: arrived, answered, abandoned".into(),
        caption: format!(
            "Conversations counted in the interval in which they arrived. Where the answered \
             line falls below the shaded arrivals, customers are still waiting or gave up; the \
             abandoned line says how many gave up. {steps_note}"
        ),
        kind: hourly("conversations per interval", YFormat::Count, volume, vec![]),
    });

    // Each flow at its own goal: a channel held to 4 h is drawn at 4 h, with its own target.
    let flow_targets: Vec<(Scope, String, &str, Target)> = flows
        .iter()
        .filter_map(|(scope, name)| {
            let target = options.targets.target_for(results, *scope, name)?;
            Some((*scope, flow_label(*scope, name), name.as_str(), target))
        })
        .collect();
    if let Some((_, _, _, first)) = flow_targets.first() {
        let shared = flow_targets.iter().all(|(_, _, _, t)| t == first);
        let series = flow_targets
            .iter()
            .enumerate()
            .map(|(color, (scope, label, name, target))| {
                let label = if shared {
                    label.clone()
                } else {
                    format!("{label} (within {})", target.threshold)
                };
                line(
                    &label,
                    color,
                    interval_points(&index, *scope, name, &target.measure),
                )
            })
            .collect();
        let references = if shared {
            vec![Reference {
                label: format!("target {:.0}%", first.goal * 100.0),
                y: first.goal,
            }]
        } else {
            let mut goals: Vec<(f64, Vec<&str>)> = Vec::new();
            for (_, label, _, target) in &flow_targets {
                match goals.iter_mut().find(|(g, _)| *g == target.goal) {
                    Some((_, labels)) => labels.push(label),
                    None => goals.push((target.goal, vec![label])),
                }
            }
            goals
                .into_iter()
                .map(|(goal, labels)| Reference {
                    label: format!("target {:.0}% ({})", goal * 100.0, labels.join(", ")),
                    y: goal,
                })
                .collect()
        };
        let (title, within) = if shared {
            (
                format!(
                    "Service level: answered within {}, of offered",
                    first.threshold
                ),
                first.threshold.clone(),
            )
        } else {
            let each: Vec<String> = flow_targets
                .iter()
                .map(|(_, label, _, t)| {
                    format!(
                        "{label} within {} (target {:.0}%)",
                        t.threshold,
                        t.goal * 100.0
                    )
                })
                .collect();
            (
                "Service level: answered within each channel's own threshold, of offered"
                    .to_string(),
                format!("its own goal's threshold: {}", each.join(", ")),
            )
        };
        charts.push(Chart {
            name: "service-level".into(),
            title,
            caption: format!(
                "The share of the conversations arriving in each interval that were answered \
                 within {within}. Steps below the dashed target line are intervals that miss the \
                 target: look there for short staffing, breaks or shift edges. A gap means no \
                 conversation arrived. {steps_note}"
            ),
            kind: hourly("service level", YFormat::Percent, series, references),
        });
    }
    let target = flow_targets
        .iter()
        .find(|(scope, ..)| *scope == Scope::Overall)
        .map(|(.., t)| t.clone());

    let asa = flows
        .iter()
        .enumerate()
        .map(|(color, (scope, name))| {
            line(
                &flow_label(*scope, name),
                color,
                interval_points(&index, *scope, name, "asa_s"),
            )
        })
        .collect();
    let threshold = target.as_ref().and_then(|t| {
        threshold_seconds(&t.threshold).map(|s| Reference {
            label: format!("threshold {}", t.threshold),
            y: s,
        })
    });
    charts.push(Chart {
        name: "asa".into(),
        title: "Average speed of answer".into(),
        caption: format!(
            "The mean wait, in seconds, of the conversations answered that arrived in each \
             interval, with the service-level threshold dashed. A rising speed of answer shows \
             a queue building before the service level drops. {steps_note}"
        ),
        kind: hourly(
            "ASA (seconds)",
            YFormat::Number,
            asa,
            threshold.into_iter().collect(),
        ),
    });

    let queue_series = queues
        .iter()
        .enumerate()
        .map(|(color, name)| {
            line(
                name,
                color,
                interval_points(&index, Scope::Queue, name, "queue_length_mean"),
            )
        })
        .collect();
    charts.push(Chart {
        name: "queue-length".into(),
        title: "Queue length (mean over each interval)".into(),
        caption: format!(
            "The time-average number of conversations waiting in each queue: which queue is \
             short of agents, and when. {steps_note}"
        ),
        kind: hourly(
            "conversations waiting",
            YFormat::Number,
            queue_series,
            vec![],
        ),
    });

    charts.push(utilization_chart(results, &index, &groups, &steps_note));

    let distributions: Vec<(String, &WaitDistribution)> = flows
        .iter()
        .filter_map(|(scope, name)| {
            results
                .wait_distribution
                .iter()
                .find(|d| d.scope == *scope && &d.name == name)
                .map(|d| (flow_label(*scope, name), d))
        })
        .filter(|(_, d)| !d.points.is_empty())
        .collect();
    // Most conversations may be answered at once: the charts look at the others, up to the
    // largest 99th percentile of their waits, since the last per cent is a long tail that would
    // squash everything a planner looks at into the left edge.
    let cap = distributions
        .iter()
        .filter_map(|(_, d)| {
            let at_once = cumulative_fraction(&d.points, 0.0);
            value_at_fraction(d, at_once + 0.99 * (1.0 - at_once))
        })
        .fold(0.0, f64::max);
    let cap = if cap > 0.0 { cap } else { 1.0 };
    let first_replication = if options.replications > 1 {
        " Drawn from the first replication."
    } else {
        ""
    };
    let cdf_series = distributions
        .iter()
        .enumerate()
        .map(|(color, (label, d))| line(label, color, cdf_points(d, cap)))
        .collect();
    charts.push(Chart {
        name: "wait-cdf".into(),
        title: "Wait to answer: share answered within a wait".into(),
        caption: format!(
            "Read up from a wait on the x axis to the share of answered conversations answered \
             by then; the curve starts at the share answered at once and stops at the 99th \
             percentile of those who waited.{first_replication}"
        ),
        kind: ChartKind::Xy(XyPlot {
            x: XAxis::Numeric {
                label: "wait (seconds)".into(),
                whole: false,
            },
            y_label: "answered within".into(),
            y_format: YFormat::Percent,
            y_start: YStart::Data,
            series: cdf_series,
            references: vec![],
        }),
    });
    // The share answered at once goes in the legend, and the bins show how the others waited.
    let histogram_series = distributions
        .iter()
        .enumerate()
        .map(|(color, (label, d))| {
            let at_once = cumulative_fraction(&d.points, 0.0);
            line(
                &format!("{label} ({:.0}% at once)", at_once * 100.0),
                color,
                histogram_steps(d, cap, HISTOGRAM_BINS),
            )
        })
        .collect();
    charts.push(Chart {
        name: "wait-histogram".into(),
        title: "Wait to answer: how those who waited waited".into(),
        caption: format!(
            "Of the conversations that waited at all, the share in each of {HISTOGRAM_BINS} \
             equal wait bins (the legend gives the share answered at once). A long flat tail \
             means a few customers wait very long even when the averages look fine.\
             {first_replication}"
        ),
        kind: ChartKind::Xy(XyPlot {
            x: XAxis::Numeric {
                label: "wait (seconds)".into(),
                whole: false,
            },
            y_label: "share of conversations that waited".into(),
            y_format: YFormat::Percent,
            y_start: YStart::Zero,
            series: histogram_series,
            references: vec![],
        }),
    });

    for group in &groups {
        charts.push(Chart {
            name: format!("presence-{}", file_stem(group)),
            title: format!("Presence of agent group {group} (agents, stacked)"),
            caption: format!(
                "The agents of {group} by presence, stacked: the outline is the headcount, the \
                 coloured part who is logged in (the shift), away shows breaks, and available \
                 the slack. {steps_note}"
            ),
            kind: hourly(
                "agents",
                YFormat::Count,
                presence_layers(&index, group),
                vec![],
            ),
        });
    }
    charts
}

/// Utilization (solid) and occupancy (dashed) per group: one plot for a few groups, small
/// multiples beyond [`MAX_GROUPS_ON_ONE_PLOT`]. The caption explains utilization above 100 %
/// by the over-capacity assignments the run counted.
fn utilization_chart(
    results: &RunResults,
    index: &IntervalIndex,
    groups: &[String],
    steps_note: &str,
) -> Chart {
    let pair = |group: &str, color: usize, with_name: bool| {
        let prefix = if with_name {
            format!("{group} ")
        } else {
            String::new()
        };
        vec![
            line(
                &format!("{prefix}utilization"),
                color,
                interval_points(index, Scope::AgentGroup, group, "utilization"),
            ),
            Series {
                label: format!("{prefix}occupancy"),
                color,
                mark: Mark::Dashed,
                points: interval_points(index, Scope::AgentGroup, group, "occupancy"),
            },
        ]
    };
    let full = Reference {
        label: "full capacity".into(),
        y: 1.0,
    };
    let plot = |series| XyPlot {
        x: XAxis::HourOfDay,
        y_label: "share of staffed capacity / agents".into(),
        y_format: YFormat::Percent,
        y_start: YStart::Zero,
        series,
        references: vec![full.clone()],
    };
    let kind = if groups.len() > MAX_GROUPS_ON_ONE_PLOT {
        ChartKind::Panels(Panels {
            panels: groups
                .iter()
                .map(|g| (g.clone(), plot(pair(g, 0, false))))
                .collect(),
        })
    } else {
        ChartKind::Xy(plot(
            groups
                .iter()
                .enumerate()
                .flat_map(|(color, g)| pair(g, color, true))
                .collect(),
        ))
    };
    let over: Vec<String> = groups
        .iter()
        .filter_map(|g| {
            let count = |m: &str| results.value(Scope::AgentGroup, g, m).unwrap_or(0.0);
            let causes: Vec<&str> = [
                ("over_capacity_by_affinity", "affinity"),
                ("over_capacity_by_pick", "pick"),
                ("over_capacity_by_self_selection", "self-selection"),
                ("over_capacity_by_unreserved_offer", "unreserved offers"),
                ("over_capacity_by_preferred_agent", "preferred agents"),
            ]
            .into_iter()
            .filter(|(m, _)| count(m) > 0.0)
            .map(|(_, label)| label)
            .collect();
            (!causes.is_empty()).then(|| format!("{g} ({})", causes.join(", ")))
        })
        .collect();
    let above = if over.is_empty() {
        "No assignment went beyond an agent's capacity in this run, so utilization stays at or \
         below 100 %."
            .to_string()
    } else {
        format!(
            "Utilization above 100 % (the dashed full-capacity line) means agents held more \
             units than their capacity: only pick, self-selection, affinity, unreserved \
             offers and preferred agents assign beyond capacity. In this run: {} (agents.csv, \
             over_capacity_by_*).",
            over.join("; ")
        )
    };
    Chart {
        name: "agent-utilization".into(),
        title: "Agent utilization (solid) and occupancy (dashed) by group".into(),
        caption: format!(
            "Utilization is the share of the staffed capacity units in use, occupancy the share \
             of logged-in agents with at least one conversation: multi-session agents can be \
             fully occupied at low utilization, and a group near 100 % occupancy has no slack. \
             {above} {steps_note}"
        ),
        kind,
    }
}

fn line(label: &str, color: usize, points: Vec<(f64, f64)>) -> Series {
    Series {
        label: label.to_string(),
        color,
        mark: Mark::Line,
        points,
    }
}

fn names_of(results: &RunResults, scope: Scope) -> Vec<String> {
    results
        .names(scope)
        .into_iter()
        .map(str::to_string)
        .collect()
}

/// The interval rows of a run as step series by (scope, name, measure): each interval is two
/// points, `(start hour, value)` and `(end hour, value)`, so a line through them is flat over
/// the interval and jumps at its edges (a shift change is a step, not a slope). Gathered in
/// one pass: the charts look up some forty series, and
/// scanning every row for each would cost more than drawing them.
struct IntervalIndex<'a> {
    series: HashMap<SeriesKey<'a>, Vec<(f64, f64)>>,
}

/// (scope, entity name, measure).
type SeriesKey<'a> = (Scope, &'a str, &'a str);

impl<'a> IntervalIndex<'a> {
    fn new(results: &'a RunResults) -> Self {
        let length = results.interval_s;
        let mut series: HashMap<SeriesKey, Vec<(f64, f64)>> = HashMap::new();
        for r in &results.intervals {
            let points = series
                .entry((r.row.scope, r.row.name.as_str(), r.row.measure.as_str()))
                .or_default();
            // Days kept apart run on along the axis: day 1's 08:00 is at hour 32.
            let start = r.day.unwrap_or(0) as f64 * 86_400.0 + r.start_s as f64;
            points.push((start / 3600.0, r.row.value));
            points.push(((start + length) / 3600.0, r.row.value));
        }
        IntervalIndex { series }
    }
}

/// One measure of one entity over the intervals of the day (empty if the run has none).
fn interval_points(
    index: &IntervalIndex,
    scope: Scope,
    name: &str,
    measure: &str,
) -> Vec<(f64, f64)> {
    index
        .series
        .get(&(scope, name, measure))
        .cloned()
        .unwrap_or_default()
}

/// Seconds of a threshold label as `metrics::threshold_label` writes it (`20s`, `5m`, `1h`).
fn threshold_seconds(label: &str) -> Option<f64> {
    let (number, unit) = label.split_at(label.len().checked_sub(1)?);
    let number: f64 = number.parse().ok()?;
    match unit {
        "s" => Some(number),
        "m" => Some(number * 60.0),
        "h" => Some(number * 3600.0),
        _ => None,
    }
}

/// Stacked layers of the agents of `group` by presence: available at the bottom, offline on
/// top, so the outline is the group's headcount and the coloured part who is logged in.
fn presence_layers(index: &IntervalIndex, group: &str) -> Vec<Series> {
    let layers = [
        ("available_agents", "available", 2),
        ("busy_agents", "busy", 0),
        ("busy_dnd_agents", "busy - do not disturb", 3),
        ("away_agents", "away", 1),
        ("offline_agents", "offline", 7),
    ];
    let mut lower: Vec<f64> = Vec::new();
    let mut series = Vec::new();
    for (measure, label, color) in layers {
        let points = interval_points(index, Scope::AgentGroup, group, measure);
        if lower.is_empty() {
            lower = vec![0.0; points.len()];
        }
        // An interval with no exposure is undefined; for a stack, it contributes nothing.
        let upper: Vec<(f64, f64)> = points
            .iter()
            .zip(&lower)
            .map(|(&(x, value), &base)| (x, base + if value.is_finite() { value } else { 0.0 }))
            .collect();
        let next_lower = upper.iter().map(|p| p.1).collect();
        series.push(Series {
            label: label.to_string(),
            color,
            mark: Mark::Area {
                lower: std::mem::replace(&mut lower, next_lower),
            },
            points: upper,
        });
    }
    series
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_labels_read_back_as_seconds() {
        for (label, seconds) in [
            ("20s", Some(20.0)),
            ("5m", Some(300.0)),
            ("1h", Some(3600.0)),
            ("", None),
            ("x", None),
        ] {
            assert_eq!(threshold_seconds(label), seconds, "{label}");
        }
    }
}
