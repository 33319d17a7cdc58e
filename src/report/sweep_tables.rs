//! The tables of a sweep, in tidy long format: `sweep.csv` (one row per point and measure, with
//! the estimate across replications and the paired difference from the reference point) and
//! `replications.csv` (one row per point, replication and measure). Each point carries one
//! column per swept field, so a table pivots on the settings directly. Pure: bytes out; the
//! numbers come from `sweep`.

use std::fmt::Write;

use super::csv_tables::format_value;
use crate::metrics::Scope;
use crate::sweep::{PointLabel, SweepLayout, SweepResults};

/// The columns that say which point a row is about.
fn point_header(layout: &SweepLayout) -> Vec<String> {
    let mut header = vec!["point".to_string(), "label".to_string()];
    if layout.has_variants {
        header.push("variant".into());
    }
    header.extend(layout.axes.iter().cloned());
    header
}

fn point_cells(layout: &SweepLayout, index: usize) -> Vec<String> {
    let PointLabel {
        label,
        variant,
        values,
    } = &layout.points[index];
    let mut cells = vec![index.to_string(), label.clone()];
    if layout.has_variants {
        cells.push(variant.clone().unwrap_or_default());
    }
    cells.extend(values.iter().cloned());
    cells
}

fn write_table(header: Vec<String>, rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(&header)
        .expect("writing to memory cannot fail");
    for row in rows {
        writer
            .write_record(&row)
            .expect("writing to memory cannot fail");
    }
    writer.into_inner().expect("writing to memory cannot fail")
}

/// `sweep.csv`. The `diff_*` columns are this point minus the reference point, paired by
/// replication (common random numbers); they are 0 on the reference point itself.
pub fn sweep_csv(results: &SweepResults) -> Vec<u8> {
    let layout = &results.layout;
    let mut header = point_header(layout);
    header.extend(
        [
            "scope",
            "name",
            "measure",
            "n",
            "mean",
            "sd",
            "ci95_low",
            "ci95_high",
            "diff_mean",
            "diff_sd",
            "diff_ci95_low",
            "diff_ci95_high",
        ]
        .map(String::from),
    );
    write_table(
        header,
        results.measures.iter().map(|m| {
            let mut cells = point_cells(layout, m.point);
            let (e, d) = (&m.estimate, &m.vs_reference);
            cells.extend([
                m.key.scope.to_string(),
                m.key.name.to_string(),
                m.key.measure.to_string(),
                e.n.to_string(),
            ]);
            cells.extend(
                [
                    e.mean,
                    e.sd,
                    e.ci95_low,
                    e.ci95_high,
                    d.mean,
                    d.sd,
                    d.ci95_low,
                    d.ci95_high,
                ]
                .map(format_value),
            );
            cells
        }),
    )
}

/// `replications.csv`: every value behind `sweep.csv`, with the seed of its replication.
pub fn replications_csv(results: &SweepResults) -> Vec<u8> {
    let layout = &results.layout;
    let mut header = point_header(layout);
    header.extend(["replication", "seed", "scope", "name", "measure", "value"].map(String::from));
    write_table(
        header,
        results.replications.iter().flat_map(|replication| {
            replication.rows.iter().map(move |row| {
                let mut cells = point_cells(layout, replication.point);
                cells.extend([
                    replication.replication.to_string(),
                    replication.seed.to_string(),
                    row.scope.to_string(),
                    row.name.to_string(),
                    row.measure.to_string(),
                    format_value(row.value),
                ]);
                cells
            })
        }),
    )
}

/// A short terminal table: per point, the overall service level, speed of answer and abandon
/// rate as mean ± 95% half-width, and the service level's paired difference from the reference.
pub fn sweep_summary_table(results: &SweepResults) -> String {
    let layout = &results.layout;
    let service_level = results
        .measures
        .iter()
        .find(|m| {
            m.key.scope == Scope::Overall
                && m.key.measure.starts_with("service_level_")
                && m.key.measure.ends_with("_of_offered")
        })
        .map(|m| m.key.measure.clone());
    let sl_label = service_level.as_deref().map_or("SL".to_string(), |m| {
        format!(
            "SL{}",
            m.trim_start_matches("service_level_")
                .trim_end_matches("_of_offered")
        )
    });
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} points x {} replications; differences are paired against point {} ({})",
        layout.points.len(),
        layout.replications,
        layout.reference,
        layout.points[layout.reference].label
    );
    let _ = writeln!(
        out,
        "{:>5}  {:>15}  {:>15}  {:>15}  {:>15}  label",
        "point",
        format!("{sl_label} %"),
        "ASA s",
        "abandon %",
        format!("d{sl_label} % pts")
    );
    for (index, point) in layout.points.iter().enumerate() {
        let cell = |measure: Option<&str>, scale: f64, paired: bool| {
            let Some(m) =
                measure.and_then(|measure| results.measure(index, Scope::Overall, "all", measure))
            else {
                return "-".to_string();
            };
            let e = if paired { m.vs_reference } else { m.estimate };
            if e.mean.is_nan() {
                "-".to_string()
            } else if e.half_width().is_nan() {
                format!("{:.2}", e.mean * scale)
            } else {
                format!("{:.2} ± {:.2}", e.mean * scale, e.half_width() * scale)
            }
        };
        let _ = writeln!(
            out,
            "{index:>5}  {:>15}  {:>15}  {:>15}  {:>15}  {}",
            cell(service_level.as_deref(), 100.0, false),
            cell(Some("asa_s"), 1.0, false),
            cell(Some("abandon_rate"), 100.0, false),
            cell(service_level.as_deref(), 100.0, true),
            point.label
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::MeasureRow;
    use crate::sweep::{aggregate, Replication};

    fn results() -> SweepResults {
        let layout = SweepLayout {
            fingerprint: "f".into(),
            scenario: "s".into(),
            axes: vec!["agent_groups.a.count".into()],
            has_variants: true,
            points: vec![
                PointLabel {
                    label: "v agent_groups.a.count=4".into(),
                    variant: Some("v".into()),
                    values: vec!["4".into()],
                },
                PointLabel {
                    label: "v agent_groups.a.count=5".into(),
                    variant: Some("v".into()),
                    values: vec!["5".into()],
                },
            ],
            reference: 0,
            replications: 2,
            base_seed: "1".into(),
            service_level_target: None,
        };
        let replication = |point, replication, value| Replication {
            point,
            replication,
            seed: 10 + u64::from(replication),
            rows: vec![MeasureRow {
                scope: Scope::Overall,
                name: "all".into(),
                measure: "asa_s".into(),
                value,
            }],
        };
        aggregate(
            layout,
            vec![
                replication(0, 0, 10.0),
                replication(0, 1, 20.0),
                replication(1, 0, 7.0),
                replication(1, 1, 15.0),
            ],
        )
    }

    #[test]
    fn sweep_csv_has_a_column_per_axis_and_the_paired_difference() {
        let text = String::from_utf8(sweep_csv(&results())).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "point,label,variant,agent_groups.a.count,scope,name,measure,n,mean,sd,ci95_low,ci95_high,diff_mean,diff_sd,diff_ci95_low,diff_ci95_high"
        );
        // Point 1: values 7 and 15 (mean 11); differences -3 and -5 (mean -4, sd 1.414214,
        // half-width 12.706 * 1 = 12.706205).
        assert!(
            lines[2].starts_with("1,v agent_groups.a.count=5,v,5,overall,all,asa_s,2,11,5.656854,"),
            "{}",
            lines[2]
        );
        assert!(
            lines[2].ends_with(",-4,1.414214,-16.706205,8.706205"),
            "{}",
            lines[2]
        );
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn replications_csv_has_a_row_per_replication_and_measure() {
        let text = String::from_utf8(replications_csv(&results())).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "point,label,variant,agent_groups.a.count,replication,seed,scope,name,measure,value"
        );
        assert_eq!(
            lines[4],
            "1,v agent_groups.a.count=5,v,5,1,11,overall,all,asa_s,15"
        );
        assert_eq!(lines.len(), 5);
    }
}
