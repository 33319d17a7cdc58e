//! The charts of one run, built from its [`RunResults`]: flow, service level and speed of
//! answer, queue length, agent utilization and occupancy, and presence, per interval of the day;
//! and the wait distribution per channel. Only descriptions are built here; drawing is
//! `render.rs`'s job, and no figure is computed that the results do not already hold (except
//! the histogram, which is read off the wait quantiles).

use std::collections::HashMap;

use crate::metrics::{RunResults, Scope, WaitDistribution};

use super::{file_stem, Chart, ChartKind, Mark, Reference, Series, XAxis, XyPlot, YFormat, YStart};

/// What a run's charts are drawn against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChartOptions {
    /// The service-level goal drawn on the service-level chart, as a fraction (0.8 = 80 %).
    pub service_level_target: f64,
}

impl Default for ChartOptions {
    fn default() -> Self {
        // The customary "80 % within the threshold" of contact-centre planning.
        ChartOptions {
            service_level_target: 0.8,
        }
    }
}

/// Number of bins of the wait histogram.
const HISTOGRAM_BINS: usize = 30;

/// Every chart of a run, in the order the HTML report shows them.
pub fn run_charts(results: &RunResults, options: &ChartOptions) -> Vec<Chart> {
    let index = IntervalIndex::new(results);
    let channels = names_of(results, Scope::Channel);
    let queues = names_of(results, Scope::Queue);
    let groups: Vec<String> = {
        let mut seen: Vec<String> = Vec::new();
        for row in &results.agents {
            if row.scope == Scope::AgentGroup && !seen.contains(&row.name) {
                seen.push(row.name.clone());
            }
        }
        seen
    };
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
        kind: hourly(
            "conversations per interval",
            YFormat::Number,
            volume,
            vec![],
        ),
    });

    if let Some((measure, label)) = first_service_level(results) {
        let series = flows
            .iter()
            .enumerate()
            .map(|(color, (scope, name))| {
                line(
                    &flow_label(*scope, name),
                    color,
                    interval_points(&index, *scope, name, &measure),
                )
            })
            .collect();
        let target = Reference {
            label: format!("target {:.0}%", options.service_level_target * 100.0),
            y: options.service_level_target,
        };
        charts.push(Chart {
            name: "service-level".into(),
            title: format!("Service level: answered within {label}, of offered"),
            kind: hourly("service level", YFormat::Percent, series, vec![target]),
        });
    }

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
    let threshold = first_service_level(results).and_then(|(_, label)| {
        threshold_seconds(&label).map(|s| Reference {
            label: format!("threshold {label}"),
            y: s,
        })
    });
    charts.push(Chart {
        name: "asa".into(),
        title: "Average speed of answer".into(),
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
        kind: hourly(
            "conversations waiting",
            YFormat::Number,
            queue_series,
            vec![],
        ),
    });

    let mut agent_series = Vec::new();
    for (color, group) in groups.iter().enumerate() {
        agent_series.push(line(
            &format!("{group} utilization"),
            color,
            interval_points(&index, Scope::AgentGroup, group, "utilization"),
        ));
        agent_series.push(Series {
            label: format!("{group} occupancy"),
            color,
            mark: Mark::Dashed,
            points: interval_points(&index, Scope::AgentGroup, group, "occupancy"),
        });
    }
    charts.push(Chart {
        name: "agent-utilization".into(),
        title: "Agent utilization (solid) and occupancy (dashed) by group".into(),
        kind: hourly(
            "share of staffed capacity / agents",
            YFormat::Percent,
            agent_series,
            vec![],
        ),
    });

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
    let cdf_series = distributions
        .iter()
        .enumerate()
        .map(|(color, (label, d))| line(label, color, cdf_points(d, cap)))
        .collect();
    charts.push(Chart {
        name: "wait-cdf".into(),
        title: "Wait to answer: share answered within a wait".into(),
        kind: ChartKind::Xy(XyPlot {
            x: XAxis::Numeric {
                label: "wait (seconds)".into(),
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
        kind: ChartKind::Xy(XyPlot {
            x: XAxis::Numeric {
                label: "wait (seconds)".into(),
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
            kind: hourly(
                "agents",
                YFormat::Number,
                presence_layers(&index, group),
                vec![],
            ),
        });
    }
    charts
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
    let mut names: Vec<String> = Vec::new();
    for row in results.summary.iter().filter(|r| r.scope == scope) {
        if !names.contains(&row.name) {
            names.push(row.name.clone());
        }
    }
    names
}

/// The interval rows of a run as `(hour of day at the middle of the interval, value)` series
/// by (scope, name, measure), gathered in one pass: the charts look up some forty series, and
/// scanning every row for each would cost more than drawing them.
struct IntervalIndex<'a> {
    series: HashMap<SeriesKey<'a>, Vec<(f64, f64)>>,
}

/// (scope, entity name, measure).
type SeriesKey<'a> = (Scope, &'a str, &'a str);

impl<'a> IntervalIndex<'a> {
    fn new(results: &'a RunResults) -> Self {
        let half = results.interval_s / 2.0;
        let mut series: HashMap<SeriesKey, Vec<(f64, f64)>> = HashMap::new();
        for r in &results.intervals {
            series
                .entry((r.row.scope, r.row.name.as_str(), r.row.measure.as_str()))
                .or_default()
                // Days kept apart run on along the axis: day 1's 08:00 is at hour 32.
                .push((
                    (r.day.unwrap_or(0) as f64 * 86_400.0 + r.start_s as f64 + half) / 3600.0,
                    r.row.value,
                ));
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

/// The first service-level measure (of offered) and its threshold label: `20s`.
fn first_service_level(results: &RunResults) -> Option<(String, String)> {
    results
        .summary
        .iter()
        .find(|r| r.measure.starts_with("service_level_") && r.measure.ends_with("_of_offered"))
        .map(|r| {
            let label = r
                .measure
                .trim_start_matches("service_level_")
                .trim_end_matches("_of_offered")
                .to_string();
            (r.measure.clone(), label)
        })
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

fn value_at_fraction(distribution: &WaitDistribution, fraction: f64) -> Option<f64> {
    distribution
        .points
        .iter()
        .find(|&&(_, f)| f >= fraction - 1e-9)
        .map(|&(wait, _)| wait)
}

/// Fraction of waits at most `wait`, interpolated linearly between the stored quantiles.
fn cumulative_fraction(points: &[(f64, f64)], wait: f64) -> f64 {
    let after = points.partition_point(|&(w, _)| w <= wait);
    if after == 0 {
        return 0.0;
    }
    let (w0, f0) = points[after - 1];
    match points.get(after) {
        Some(&(w1, f1)) if w1 > w0 => f0 + (f1 - f0) * (wait - w0) / (w1 - w0),
        _ => f0,
    }
}

/// The cumulative distribution from a wait of zero up to `cap`, ending exactly at `cap`.
fn cdf_points(distribution: &WaitDistribution, cap: f64) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = distribution
        .points
        .iter()
        .copied()
        .filter(|&(wait, _)| wait < cap)
        .collect();
    if !matches!(points.first(), Some(&(wait, _)) if wait <= 0.0) {
        points.insert(0, (0.0, cumulative_fraction(&distribution.points, 0.0)));
    }
    points.push((cap, cumulative_fraction(&distribution.points, cap)));
    points
}

/// A step outline of the histogram of the waits on `(0, cap]` in `bins` equal bins: each bin's
/// share of the conversations that waited at all (answered on arrival they are left out),
/// from the cumulative distribution at its edges.
fn histogram_steps(distribution: &WaitDistribution, cap: f64, bins: usize) -> Vec<(f64, f64)> {
    let width = cap / bins as f64;
    let at_once = cumulative_fraction(&distribution.points, 0.0);
    let waited = 1.0 - at_once;
    if waited <= 0.0 {
        return Vec::new();
    }
    let mut below = at_once;
    let mut steps = Vec::with_capacity(2 * bins);
    for bin in 0..bins {
        let (low, high) = (bin as f64 * width, (bin + 1) as f64 * width);
        let upto = cumulative_fraction(&distribution.points, high);
        steps.push((low, (upto - below) / waited));
        steps.push((high, (upto - below) / waited));
        below = upto;
    }
    steps
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

    #[test]
    fn the_histogram_shares_come_from_the_cdf_and_add_up_to_the_share_below_the_cap() {
        // Waits uniform on [0, 100]: each of 10 bins up to 100 holds a tenth.
        let uniform = WaitDistribution {
            scope: Scope::Overall,
            name: "all".into(),
            answered: 101,
            points: (0..=100)
                .map(|i| (f64::from(i), f64::from(i) / 100.0))
                .collect(),
        };
        let steps = histogram_steps(&uniform, 100.0, 10);
        assert_eq!(steps.len(), 20);
        for pair in steps.chunks(2) {
            assert!((pair[0].1 - 0.1).abs() < 1e-9, "{pair:?}");
            assert_eq!(pair[0].1, pair[1].1, "a bin is flat");
        }
        let half = histogram_steps(&uniform, 50.0, 5);
        let total: f64 = half.iter().step_by(2).map(|p| p.1).sum();
        assert!((total - 0.5).abs() < 1e-9, "{total}");
    }

    #[test]
    fn waits_of_zero_are_left_out_of_the_bins() {
        // Half answered at once, the rest spread evenly up to 10 s: a tenth of them per second.
        let mut points: Vec<(f64, f64)> = (0..=50).map(|i| (0.0, f64::from(i) / 100.0)).collect();
        points.extend((51..=100).map(|i| (f64::from(i - 50) / 5.0, f64::from(i) / 100.0)));
        let distribution = WaitDistribution {
            scope: Scope::Overall,
            name: "all".into(),
            answered: 100,
            points,
        };
        assert_eq!(cumulative_fraction(&distribution.points, 0.0), 0.5);
        let steps = histogram_steps(&distribution, 10.0, 10);
        for pair in steps.chunks(2) {
            assert!((pair[0].1 - 0.1).abs() < 1e-9, "{pair:?}");
        }
    }
}
