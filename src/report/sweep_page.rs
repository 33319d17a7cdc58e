//! From a sweep's results to its charts and report page: picks the measures to chart, lays the
//! sweep's dimensions (named variants and swept fields) onto chart axes, and fills the chart
//! inputs of `charts::sweep` with the means, confidence intervals and paired differences the
//! sweep computed. Nothing is aggregated here; points that differ from the reference in a
//! dimension that is not on a chart are left off that chart.

use super::charts::{
    PairedDifference, PairedDifferences, SweepAxis, SweepCharts, SweepHeatMap, SweepPoint,
    SweepSeries,
};
use super::html::{Page, Table};
use super::labels::{better_of, format_change, format_with_interval, measure_label, Better};
use crate::metrics::{Scope, Text};
use crate::sweep::{MeasureKey, SweepResults};

/// The measures a sweep report charts: the overall service level at the first threshold, the
/// speed of answer and the abandonment rate (those the results hold).
pub fn sweep_chart_measures(results: &SweepResults) -> Vec<MeasureKey> {
    let overall = |measure: Text| MeasureKey {
        scope: Scope::Overall,
        name: "all".into(),
        measure,
    };
    let first_service_level = results
        .measures
        .iter()
        .find(|m| {
            m.key.scope == Scope::Overall
                && m.key.measure.starts_with("service_level_")
                && m.key.measure.ends_with("_of_offered")
        })
        .map(|m| m.key.measure.clone());
    first_service_level
        .into_iter()
        .chain(["asa_s".into(), "abandon_rate".into()])
        .map(overall)
        .filter(|key| results.measures.iter().any(|m| &m.key == key))
        .collect()
}

/// One dimension of a sweep: the variant name or a swept field, with each point's value.
struct Dimension {
    name: String,
    /// Distinct values in order of first appearance.
    values: Vec<String>,
    /// Per point, the index into `values`.
    of_point: Vec<usize>,
}

fn dimensions(results: &SweepResults) -> Vec<Dimension> {
    let layout = &results.layout;
    let mut columns: Vec<(String, Vec<String>)> = Vec::new();
    if layout.has_variants {
        let values = layout
            .points
            .iter()
            .map(|p| p.variant.clone().unwrap_or_default())
            .collect();
        columns.push(("variant".to_string(), values));
    }
    for (axis_idx, axis) in layout.axes.iter().enumerate() {
        let values = layout
            .points
            .iter()
            .map(|p| p.values[axis_idx].clone())
            .collect();
        columns.push((short_path(axis), values));
    }
    if columns.is_empty() {
        let labels = layout.points.iter().map(|p| p.label.clone()).collect();
        columns.push(("point".to_string(), labels));
    }
    columns
        .into_iter()
        .map(|(name, per_point)| {
            let mut values: Vec<String> = Vec::new();
            let of_point = per_point
                .iter()
                .map(|value| match values.iter().position(|v| v == value) {
                    Some(idx) => idx,
                    None => {
                        values.push(value.clone());
                        values.len() - 1
                    }
                })
                .collect();
            Dimension {
                name,
                values,
                of_point,
            }
        })
        .filter(|d| d.values.len() > 1 || d.name == "point")
        .collect()
}

/// The last two segments of a field path (`english_early.count`): enough to tell axes apart on
/// a chart without overflowing its title; the page's table gives the full labels.
fn short_path(path: &str) -> String {
    use crate::config::path::{key, split, Segment};
    let Ok(segments) = split(path) else {
        return path.to_string();
    };
    // Each name with the list indices after it; a quoted name (`"tier.1"`) is one.
    let mut names: Vec<String> = Vec::new();
    for segment in segments {
        match segment {
            Segment::Key(name) => names.push(key(&name).into_owned()),
            Segment::Index(index) => {
                if let Some(last) = names.last_mut() {
                    last.push_str(&format!("[{index}]"));
                }
            }
        }
    }
    names[names.len().saturating_sub(2)..].join(".")
}

/// A point by its values in the dimensions that vary (variant name first): `push-affinity / 8`.
fn point_name(dims: &[Dimension], point: usize) -> String {
    dims.iter()
        .map(|d| d.values[d.of_point[point]].clone())
        .collect::<Vec<_>>()
        .join(" / ")
}

fn is_numeric(dimension: &Dimension) -> bool {
    dimension
        .values
        .iter()
        .all(|v| v.trim().parse::<f64>().is_ok())
}

/// The chart inputs of a sweep for `measures`: one measure-against-axis chart each (the first
/// numeric dimension on x, the next dimension as lines), a heat map when there are two
/// dimensions or more, and the paired differences of every point to the reference.
pub fn sweep_chart_data(results: &SweepResults, measures: &[MeasureKey]) -> SweepCharts {
    let dims = dimensions(results);
    let reference = results.layout.reference;
    let x_dim = dims.iter().position(is_numeric).unwrap_or(0);
    let line_dim = (0..dims.len()).find(|&d| d != x_dim);
    // A point is on the charts when it matches the reference in every other dimension.
    let on_chart = |point: usize| {
        dims.iter().enumerate().all(|(d, dim)| {
            d == x_dim || Some(d) == line_dim || dim.of_point[point] == dim.of_point[reference]
        })
    };
    let axis = |d: usize| SweepAxis {
        name: dims[d].name.clone(),
        values: dims[d].values.clone(),
    };
    let mut charts = SweepCharts {
        service_level_target: results.layout.service_level_target(),
        ..SweepCharts::default()
    };
    for key in measures {
        let estimate = |point: usize| {
            results
                .measure(point, key.scope, &key.name, &key.measure)
                .map(|m| &m.estimate)
        };
        let points: Vec<SweepPoint> = (0..results.layout.points.len())
            .filter(|&p| on_chart(p))
            .filter_map(|p| {
                let e = estimate(p)?;
                Some(SweepPoint {
                    x: dims[x_dim].of_point[p],
                    line: line_dim.map_or(0, |d| dims[d].of_point[p]),
                    mean: e.mean,
                    ci_low: e.ci95_low,
                    ci_high: e.ci95_high,
                })
            })
            .collect();
        charts.series.push(SweepSeries {
            measure: key.measure.to_string(),
            axis_x: axis(x_dim),
            axis_line: line_dim.map(axis),
            points: points.clone(),
        });
        if let Some(y_dim) = line_dim {
            let mut values =
                vec![vec![f64::NAN; dims[x_dim].values.len()]; dims[y_dim].values.len()];
            for point in &points {
                values[point.line][point.x] = point.mean;
            }
            charts.heat_maps.push(SweepHeatMap {
                measure: key.measure.to_string(),
                axis_x: axis(x_dim),
                axis_y: axis(y_dim),
                values,
            });
        }
        let differences = (0..results.layout.points.len())
            .filter(|&p| p != reference)
            .filter_map(|p| {
                let m = results.measure(p, key.scope, &key.name, &key.measure)?;
                Some(PairedDifference {
                    label: point_name(&dims, p),
                    mean: m.vs_reference.mean,
                    ci_low: m.vs_reference.ci95_low,
                    ci_high: m.vs_reference.ci95_high,
                })
            })
            .collect();
        charts.differences.push(PairedDifferences {
            measure: key.measure.to_string(),
            reference: point_name(&dims, reference),
            differences,
        });
    }
    charts
}

/// The page of a sweep report (charts are added by `sweep_report_files`): the sweep's facts,
/// what was swept, a table of every point's charted measures in plain words and percentages
/// with the change from the reference (coloured when clearly better or worse), and the spec
/// as it was used.
pub fn sweep_page(results: &SweepResults, measures: &[MeasureKey], settings: &str) -> Page {
    let layout = &results.layout;
    let dims = dimensions(results);
    let mut facts = vec![
        ("Scenario".to_string(), layout.scenario.clone()),
        ("Points".to_string(), layout.points.len().to_string()),
        (
            "Replications per point".to_string(),
            format!(
                "{} (common random numbers from base seed {})",
                layout.replications, layout.base_seed
            ),
        ),
        (
            "Reference point".to_string(),
            point_name(&dims, layout.reference),
        ),
    ];
    if let Some(goal) = layout.service_level_target() {
        facts.push((
            "Service-level target".to_string(),
            format!("{:.0}%", goal * 100.0),
        ));
    }
    facts.push((
        "routesim version".to_string(),
        env!("CARGO_PKG_VERSION").to_string(),
    ));
    let mut swept = Table {
        caption: "What was swept".to_string(),
        header: vec!["setting".to_string(), "values".to_string()],
        ..Table::default()
    };
    if layout.has_variants {
        let mut names: Vec<String> = Vec::new();
        for p in &layout.points {
            if let Some(v) = &p.variant {
                if !names.contains(v) {
                    names.push(v.clone());
                }
            }
        }
        swept
            .rows
            .push(vec!["variant".to_string(), names.join(", ")]);
    }
    for (idx, axis) in layout.axes.iter().enumerate() {
        let mut values: Vec<String> = Vec::new();
        for p in &layout.points {
            if !values.contains(&p.values[idx]) {
                values.push(p.values[idx].clone());
            }
        }
        swept.rows.push(vec![axis.clone(), values.join(", ")]);
    }
    let mut header = vec!["point".to_string()];
    for key in measures {
        let label = measure_label(&key.measure);
        header.push(label.clone());
        header.push(format!("change in {label}"));
    }
    let mut points = Table {
        caption: "Points: mean ± half-width of the 95% interval; change from the reference on \
                  the same seeds [95% interval]"
            .to_string(),
        header,
        ..Table::default()
    };
    for p in 0..layout.points.len() {
        let mut row = vec![point_name(&dims, p)];
        let mut classes = vec![if p == layout.reference {
            "reference".to_string()
        } else {
            String::new()
        }];
        for key in measures {
            let measure = key.measure.as_str();
            match results.measure(p, key.scope, &key.name, measure) {
                Some(m) => {
                    row.push(format_with_interval(
                        measure,
                        m.estimate.mean,
                        m.estimate.half_width(),
                    ));
                    classes.push(String::new());
                    if p == layout.reference {
                        row.push("reference".to_string());
                        classes.push(String::new());
                        continue;
                    }
                    let d = &m.vs_reference;
                    row.push(format_change(measure, d.mean, d.ci95_low, d.ci95_high));
                    let clear = d.ci95_low > 0.0 || d.ci95_high < 0.0;
                    let up = d.mean > 0.0;
                    classes.push(
                        match (clear, better_of(measure), up) {
                            (false, _, _) | (_, Better::Neither, _) => "",
                            (true, Better::Higher, true) | (true, Better::Lower, false) => "better",
                            _ => "worse",
                        }
                        .to_string(),
                    );
                }
                None => {
                    row.extend(["-".to_string(), "-".to_string()]);
                    classes.extend([String::new(), String::new()]);
                }
            }
        }
        points.rows.push(row);
        points.classes.push(classes);
    }
    Page {
        title: format!("Sweep: {}", layout.scenario),
        facts,
        notes: vec![format!(
            "Each point ran {} replications on the same seeds as every other point, so the \
             changes from the reference come from the settings, not from luck. Green: clearly \
             better than the reference; red: clearly worse (the 95% interval of the change \
             excludes zero).",
            layout.replications
        )],
        tables: vec![swept, points],
        settings: settings.to_string(),
        ..Page::default()
    }
}
