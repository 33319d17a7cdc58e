//! The charts of a sweep: a measure against one axis with 95 % confidence bars (one line per
//! value of a second axis), a heat map over two axes, and paired differences to the reference
//! point. The inputs are small types of this module that the sweep side fills with means and
//! confidence intervals it has already computed: nothing here aggregates replications or knows
//! how a sweep is run.

use super::super::labels::{better_of, measure_label, Better};
use super::{
    file_stem, Chart, ChartKind, HeatMap, Mark, Reference, Series, XAxis, XyPlot, YFormat, YStart,
};

/// One swept parameter and its values, in sweep order, as shown on the axis (`"24"`,
/// `"round_robin"`). If every value reads as a number, the axis is numeric and spaced by value.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepAxis {
    pub name: String,
    pub values: Vec<String>,
}

/// A measure's mean and 95 % confidence interval at one sweep point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepPoint {
    /// Index into `SweepSeries::axis_x.values`.
    pub x: usize,
    /// Index into `SweepSeries::axis_line.values` (0 when there is no second axis).
    pub line: usize,
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// One measure over the sweep: plotted against `axis_x`, one line per value of `axis_line`.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSeries {
    pub measure: String,
    pub axis_x: SweepAxis,
    pub axis_line: Option<SweepAxis>,
    pub points: Vec<SweepPoint>,
}

/// A measure's mean over two axes: `values[y][x]`.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepHeatMap {
    pub measure: String,
    pub axis_x: SweepAxis,
    pub axis_y: SweepAxis,
    pub values: Vec<Vec<f64>>,
}

/// A point's paired (same seeds) difference to the reference point, with its 95 % interval.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedDifference {
    /// The point, e.g. `agents=26, assignment=round_robin`.
    pub label: String,
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// The paired differences of one measure, point minus reference.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedDifferences {
    pub measure: String,
    /// The reference point's label.
    pub reference: String,
    pub differences: Vec<PairedDifference>,
}

/// Everything the sweep side hands over for charts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SweepCharts {
    pub series: Vec<SweepSeries>,
    pub heat_maps: Vec<SweepHeatMap>,
    pub differences: Vec<PairedDifferences>,
    /// The service-level goal, drawn on service-level charts (a fraction).
    pub service_level_target: Option<f64>,
}

/// Every chart of a sweep: `sweep-<measure>`, `heatmap-<measure>`, `difference-<measure>`.
pub fn sweep_charts(sweep: &SweepCharts) -> Vec<Chart> {
    let target = sweep.service_level_target;
    let mut charts: Vec<Chart> = sweep
        .series
        .iter()
        .map(|s| series_chart(s, target))
        .collect();
    charts.extend(sweep.heat_maps.iter().map(|map| {
        let label = measure_label(&map.measure);
        let better = better_of(&map.measure);
        let colours = match better {
            Better::Neither => "darker is higher",
            _ => "green is better, red is worse",
        };
        Chart {
            name: format!("heatmap-{}", file_stem(&map.measure)),
            title: format!("{label} by {} and {}", map.axis_x.name, map.axis_y.name),
            caption: format!(
                "Each cell is the mean over the replications of the point with those two \
                 values ({colours}); the other dimensions are at the reference."
            ),
            kind: ChartKind::HeatMap(HeatMap {
                x_label: map.axis_x.name.clone(),
                x_names: map.axis_x.values.clone(),
                y_label: map.axis_y.name.clone(),
                y_names: map.axis_y.values.clone(),
                values: map.values.clone(),
                value_label: label,
                format: YFormat::of_measure(&map.measure),
                better,
            }),
        }
    }));
    charts.extend(sweep.differences.iter().map(difference_chart));
    charts
}

/// The target line of a measure's chart: the goal on service-level charts.
fn target_line(measure: &str, target: Option<f64>) -> Vec<Reference> {
    match target {
        Some(goal) if measure.starts_with("service_level_") && measure.ends_with("_of_offered") => {
            vec![Reference {
                label: format!("target {:.0}%", goal * 100.0),
                y: goal,
            }]
        }
        _ => vec![],
    }
}

/// Positions of an axis's values: the values themselves when all are numbers, else 0, 1, ...
fn positions(axis: &SweepAxis) -> (XAxis, Vec<f64>) {
    let numbers: Option<Vec<f64>> = axis
        .values
        .iter()
        .map(|v| v.trim().parse::<f64>().ok().filter(|n| n.is_finite()))
        .collect();
    match numbers {
        Some(numbers) if !numbers.is_empty() => (
            XAxis::Numeric {
                label: axis.name.clone(),
                whole: numbers.iter().all(|n| n.fract() == 0.0),
            },
            numbers,
        ),
        _ => (
            XAxis::Categories {
                label: axis.name.clone(),
                names: axis.values.clone(),
            },
            (0..axis.values.len()).map(|i| i as f64).collect(),
        ),
    }
}

fn series_chart(sweep: &SweepSeries, target: Option<f64>) -> Chart {
    let label = measure_label(&sweep.measure);
    let (x, xs) = positions(&sweep.axis_x);
    let lines: Vec<String> = match &sweep.axis_line {
        Some(axis) => axis
            .values
            .iter()
            .map(|v| format!("{} = {v}", axis.name))
            .collect(),
        None => vec![label.clone()],
    };
    let series = lines
        .into_iter()
        .enumerate()
        .map(|(line, label)| {
            let mut points: Vec<&super::SweepPoint> = sweep
                .points
                .iter()
                .filter(|p| p.line == line && p.x < xs.len())
                .collect();
            points.sort_by(|a, b| xs[a.x].total_cmp(&xs[b.x]));
            Series {
                label,
                color: line,
                mark: Mark::LineWithBars {
                    intervals: points.iter().map(|p| (p.ci_low, p.ci_high)).collect(),
                },
                points: points.iter().map(|p| (xs[p.x], p.mean)).collect(),
            }
        })
        .collect();
    let by_line = sweep
        .axis_line
        .as_ref()
        .map(|a| format!(", by {}", a.name))
        .unwrap_or_default();
    Chart {
        name: format!("sweep-{}", file_stem(&sweep.measure)),
        title: format!("{label} against {}{by_line}", sweep.axis_x.name),
        caption: format!(
            "Each point is the mean over the replications with its 95 % confidence bar{}; \
             lines whose bars do not overlap differ. For a fair comparison of two points use the \
             paired differences.",
            match better_of(&sweep.measure) {
                Better::Higher => " (higher is better)",
                Better::Lower => " (lower is better)",
                Better::Neither => "",
            }
        ),
        kind: ChartKind::Xy(XyPlot {
            x,
            y_label: label,
            y_format: YFormat::of_measure(&sweep.measure),
            // Sweep points are compared with each other, often a few per cent apart.
            y_start: YStart::Data,
            series,
            references: target_line(&sweep.measure, target),
        }),
    }
}

fn difference_chart(paired: &PairedDifferences) -> Chart {
    let label = measure_label(&paired.measure);
    let better = better_of(&paired.measure);
    let names = paired.differences.iter().map(|d| d.label.clone()).collect();
    // Three series by what the interval says: clearly better (green), clearly worse (red),
    // not clearly different (grey). Points outside a series are NaN, so each keeps its place.
    let judgement = |d: &PairedDifference| {
        let sign = if d.ci_low > 0.0 {
            1
        } else if d.ci_high < 0.0 {
            -1
        } else {
            0
        };
        match (better, sign) {
            (_, 0) | (Better::Neither, _) => 0,
            (Better::Higher, 1) | (Better::Lower, -1) => 1,
            _ => -1,
        }
    };
    let classes: [(i32, &str, usize); 3] = [
        (1, "better than the reference", 2),
        (-1, "worse than the reference", 3),
        (0, "no clear difference", 7),
    ];
    let series = classes
        .iter()
        .filter(|(class, _, _)| paired.differences.iter().any(|d| judgement(d) == *class))
        .map(|&(class, name, color)| {
            let keep = |d: &PairedDifference| judgement(d) == class;
            Series {
                label: name.to_string(),
                color,
                mark: Mark::PointsWithBars {
                    intervals: paired
                        .differences
                        .iter()
                        .map(|d| {
                            if keep(d) {
                                (d.ci_low, d.ci_high)
                            } else {
                                (f64::NAN, f64::NAN)
                            }
                        })
                        .collect(),
                },
                points: paired
                    .differences
                    .iter()
                    .enumerate()
                    .map(|(i, d)| (i as f64, if keep(d) { d.mean } else { f64::NAN }))
                    .collect(),
            }
        })
        .collect();
    Chart {
        name: format!("difference-{}", file_stem(&paired.measure)),
        title: format!("{label}: change from the reference ({})", paired.reference),
        caption: format!(
            "Each point's difference to the reference point {} on the same seeds, with its 95 % \
             interval: green is clearly better, red clearly worse, grey within the noise (the \
             bar crosses the dashed zero line).",
            paired.reference
        ),
        kind: ChartKind::Xy(XyPlot {
            x: XAxis::Categories {
                label: "sweep point".into(),
                names,
            },
            y_label: format!("change in {label}"),
            y_format: YFormat::of_measure(&paired.measure),
            y_start: YStart::Zero,
            series,
            references: vec![Reference {
                label: "no difference".into(),
                y: 0.0,
            }],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn axis(name: &str, values: &[&str]) -> SweepAxis {
        SweepAxis {
            name: name.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn numeric_axis_values_are_spaced_by_value_and_others_by_order() {
        let (kind, xs) = positions(&axis("agents", &["20", "22", "30"]));
        assert_eq!(
            kind,
            XAxis::Numeric {
                label: "agents".into(),
                whole: true,
            }
        );
        assert_eq!(xs, vec![20.0, 22.0, 30.0]);
        let (kind, xs) = positions(&axis("assignment", &["round_robin", "most_idle"]));
        assert!(matches!(kind, XAxis::Categories { .. }));
        assert_eq!(xs, vec![0.0, 1.0]);
    }

    #[test]
    fn each_line_gets_its_own_points_in_axis_order() {
        let point = |x, line, mean| SweepPoint {
            x,
            line,
            mean,
            ci_low: mean - 1.0,
            ci_high: mean + 1.0,
        };
        let sweep = SweepSeries {
            measure: "asa_s".into(),
            axis_x: axis("agents", &["30", "20"]),
            axis_line: Some(axis("assignment", &["a", "b"])),
            points: vec![
                point(0, 0, 5.0),
                point(1, 0, 9.0),
                point(0, 1, 6.0),
                point(1, 1, 12.0),
            ],
        };
        let ChartKind::Xy(plot) = series_chart(&sweep, None).kind else {
            panic!("an xy chart")
        };
        assert_eq!(plot.series.len(), 2);
        assert_eq!(plot.series[0].label, "assignment = a");
        assert_eq!(plot.series[0].points, vec![(20.0, 9.0), (30.0, 5.0)]);
        assert_eq!(plot.series[1].points, vec![(20.0, 12.0), (30.0, 6.0)]);
        assert_eq!(
            plot.series[1].mark,
            Mark::LineWithBars {
                intervals: vec![(11.0, 13.0), (5.0, 7.0)]
            }
        );
    }
}
