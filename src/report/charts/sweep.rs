//! The charts of a sweep: a measure against one axis with 95 % confidence bars (one line per
//! value of a second axis), a heat map over two axes, and paired differences to the reference
//! point. The inputs are small types of this module that the sweep side fills with means and
//! confidence intervals it has already computed: nothing here aggregates replications or knows
//! how a sweep is run.

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
}

/// Every chart of a sweep: `sweep-<measure>`, `heatmap-<measure>`, `difference-<measure>`.
pub fn sweep_charts(sweep: &SweepCharts) -> Vec<Chart> {
    let mut charts: Vec<Chart> = sweep.series.iter().map(series_chart).collect();
    charts.extend(sweep.heat_maps.iter().map(|map| {
        Chart {
            name: format!("heatmap-{}", file_stem(&map.measure)),
            title: format!(
                "{} by {} and {}",
                map.measure, map.axis_x.name, map.axis_y.name
            ),
            caption: "Each cell is the mean over the replications of the point with those two \
                  values; the other dimensions are at the reference."
                .into(),
            kind: ChartKind::HeatMap(HeatMap {
                x_label: map.axis_x.name.clone(),
                x_names: map.axis_x.values.clone(),
                y_label: map.axis_y.name.clone(),
                y_names: map.axis_y.values.clone(),
                values: map.values.clone(),
                value_label: map.measure.clone(),
                format: YFormat::of_measure(&map.measure),
            }),
        }
    }));
    charts.extend(sweep.differences.iter().map(difference_chart));
    charts
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

fn series_chart(sweep: &SweepSeries) -> Chart {
    let (x, xs) = positions(&sweep.axis_x);
    let lines: Vec<String> = match &sweep.axis_line {
        Some(axis) => axis
            .values
            .iter()
            .map(|v| format!("{} = {v}", axis.name))
            .collect(),
        None => vec![sweep.measure.clone()],
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
        title: format!(
            "{} against {}{by_line} (mean, 95% CI)",
            sweep.measure, sweep.axis_x.name
        ),
        caption: "Each point is the mean over the replications with its 95 % confidence bar; \
                  lines whose bars do not overlap differ. For a fair comparison of two points \
                  use the paired differences."
            .into(),
        kind: ChartKind::Xy(XyPlot {
            x,
            y_label: sweep.measure.clone(),
            y_format: YFormat::of_measure(&sweep.measure),
            // Sweep points are compared with each other, often a few per cent apart.
            y_start: YStart::Data,
            series,
            references: vec![],
        }),
    }
}

fn difference_chart(paired: &PairedDifferences) -> Chart {
    let names = paired.differences.iter().map(|d| d.label.clone()).collect();
    let series = vec![Series {
        label: format!("{} minus reference", paired.measure),
        color: 0,
        mark: Mark::PointsWithBars {
            intervals: paired
                .differences
                .iter()
                .map(|d| (d.ci_low, d.ci_high))
                .collect(),
        },
        points: paired
            .differences
            .iter()
            .enumerate()
            .map(|(i, d)| (i as f64, d.mean))
            .collect(),
    }];
    Chart {
        name: format!("difference-{}", file_stem(&paired.measure)),
        title: format!(
            "{}: paired difference to {} (mean, 95% CI)",
            paired.measure, paired.reference
        ),
        caption: "Each point's difference to the reference on the same seeds, with its 95 % \
                  interval: a bar that does not cross the dashed zero line is a real \
                  difference."
            .into(),
        kind: ChartKind::Xy(XyPlot {
            x: XAxis::Categories {
                label: "sweep point".into(),
                names,
            },
            y_label: format!("difference in {}", paired.measure),
            y_format: YFormat::of_measure(&paired.measure),
            y_start: YStart::Zero,
            series,
            references: vec![Reference {
                label: format!("no difference ({})", paired.reference),
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
                label: "agents".into()
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
        let ChartKind::Xy(plot) = series_chart(&sweep).kind else {
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
