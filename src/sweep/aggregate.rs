//! From replications to per-point estimates: for every point and measure, the mean, spread and
//! confidence interval across replications, and the paired difference from the reference point.
//!
//! The input order does not matter (replications are sorted by point and replication first),
//! which is what makes a multi-threaded, sharded or resumed sweep give the same numbers as a
//! single-threaded one. Formatting belongs to `report`.

use std::collections::HashMap;

use super::confidence::{paired_difference, Estimate};
use super::spec::SweepLayout;
use crate::metrics::{MeasureKey, MeasureRow, Scope};

/// The measures of one replication of one point.
#[derive(Debug, Clone, PartialEq)]
pub struct Replication {
    pub point: usize,
    pub replication: u32,
    pub seed: u64,
    /// Summary and agent-group rows of the run, in report order.
    pub rows: Vec<MeasureRow>,
}

/// One measure of one point across its replications.
#[derive(Debug, Clone, PartialEq)]
pub struct PointMeasure {
    pub point: usize,
    pub key: MeasureKey,
    pub estimate: Estimate,
    /// This point minus the reference point, paired by replication.
    pub vs_reference: Estimate,
}

/// Everything a sweep produced.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepResults {
    pub layout: SweepLayout,
    /// Sorted by point, then replication.
    pub replications: Vec<Replication>,
    /// Sorted by point, then in the order the measures first appear in the point's runs.
    pub measures: Vec<PointMeasure>,
}

impl SweepResults {
    /// The estimate of one measure of one point, if it was measured.
    pub fn measure(
        &self,
        point: usize,
        scope: Scope,
        name: &str,
        measure: &str,
    ) -> Option<&PointMeasure> {
        // Sorted by point: only the point's own measures are looked at, so a page of many
        // points costs in proportion to them, not to their square.
        let start = self.measures.partition_point(|m| m.point < point);
        self.measures[start..]
            .iter()
            .take_while(|m| m.point == point)
            .find(|m| m.key.scope == scope && m.key.name == name && m.key.measure == measure)
    }

    /// The values of one measure of one point by replication (NaN where undefined or absent).
    pub fn values(&self, point: usize, scope: Scope, name: &str, measure: &str) -> Vec<f64> {
        let start = self.replications.partition_point(|r| r.point < point);
        self.replications[start..]
            .iter()
            .take_while(|r| r.point == point)
            .map(|r| {
                r.rows
                    .iter()
                    .find(|row| row.scope == scope && row.name == name && row.measure == measure)
                    .map_or(f64::NAN, |row| row.value)
            })
            .collect()
    }
}

/// Per point: the measure keys in order of appearance and each key's values by replication.
struct PointTable {
    keys: Vec<MeasureKey>,
    values: HashMap<MeasureKey, Vec<f64>>,
}

fn point_table(replications: &[Replication], n_replications: usize) -> PointTable {
    let mut table = PointTable {
        keys: Vec::new(),
        values: HashMap::new(),
    };
    for (slot, replication) in replications.iter().enumerate() {
        for row in &replication.rows {
            let key = MeasureKey::of(row);
            let values = table.values.entry(key.clone()).or_insert_with(|| {
                table.keys.push(key);
                vec![f64::NAN; n_replications]
            });
            values[slot] = row.value;
        }
    }
    table
}

/// Aggregates the replications of a sweep. Points without replications get no rows.
pub fn aggregate(layout: SweepLayout, mut replications: Vec<Replication>) -> SweepResults {
    replications.sort_by_key(|r| (r.point, r.replication));
    let n_replications = layout.replications as usize;
    let by_point = |point: usize| {
        let start = replications.partition_point(|r| r.point < point);
        let end = replications.partition_point(|r| r.point <= point);
        &replications[start..end]
    };
    let reference = point_table(by_point(layout.reference), n_replications);
    let mut measures = Vec::new();
    for point in 0..layout.points.len() {
        let table = point_table(by_point(point), n_replications);
        for key in &table.keys {
            let values = &table.values[key];
            let vs_reference = match reference.values.get(key) {
                Some(reference_values) => paired_difference(values, reference_values),
                None => Estimate::UNDEFINED,
            };
            measures.push(PointMeasure {
                point,
                key: key.clone(),
                estimate: Estimate::of_measure(&key.measure, values.iter().copied()),
                vs_reference,
            });
        }
    }
    SweepResults {
        layout,
        replications,
        measures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Text;
    use crate::sweep::spec::PointLabel;

    fn layout(points: usize, replications: u32, reference: usize) -> SweepLayout {
        SweepLayout {
            fingerprint: "f".into(),
            scenario: "s".into(),
            axes: vec!["x".into()],
            has_variants: false,
            points: (0..points)
                .map(|p| PointLabel {
                    label: format!("x={p}"),
                    variant: None,
                    values: vec![p.to_string()],
                })
                .collect(),
            reference,
            replications,
            base_seed: "1".into(),
            service_level_target: None,
        }
    }

    fn replication(point: usize, replication: u32, values: &[(&str, f64)]) -> Replication {
        let rows = values
            .iter()
            .map(|(measure, value)| MeasureRow {
                scope: Scope::Overall,
                name: "all".into(),
                measure: Text::copy_of(measure),
                value: *value,
            })
            .collect();
        Replication {
            point,
            replication,
            seed: u64::from(replication),
            rows,
        }
    }

    #[test]
    fn estimates_and_paired_differences_do_not_depend_on_input_order() {
        let replications = vec![
            replication(0, 0, &[("wait", 10.0)]),
            replication(0, 1, &[("wait", 20.0)]),
            replication(0, 2, &[("wait", 30.0)]),
            replication(1, 0, &[("wait", 8.0)]),
            replication(1, 1, &[("wait", 17.0)]),
            replication(1, 2, &[("wait", 26.0)]),
        ];
        let mut shuffled = replications.clone();
        shuffled.reverse();
        shuffled.swap(0, 3);
        let results = aggregate(layout(2, 3, 0), replications);
        assert_eq!(results, aggregate(layout(2, 3, 0), shuffled));
        let point1 = results.measure(1, Scope::Overall, "all", "wait").unwrap();
        assert_eq!(point1.estimate.mean, 17.0);
        // Differences are -2, -3, -4: mean -3, sd 1, t(2) = 4.303.
        assert_eq!(point1.vs_reference.mean, -3.0);
        assert!((point1.vs_reference.half_width() - 4.302653 / 3f64.sqrt()).abs() < 1e-5);
        let reference = results.measure(0, Scope::Overall, "all", "wait").unwrap();
        assert_eq!(
            (
                reference.vs_reference.mean,
                reference.vs_reference.half_width()
            ),
            (0.0, 0.0)
        );
    }

    #[test]
    fn pairs_are_formed_by_replication_and_undefined_values_are_left_out() {
        let results = aggregate(
            layout(2, 3, 1),
            vec![
                replication(0, 0, &[("asa", 5.0), ("only_here", 1.0)]),
                replication(0, 1, &[("asa", f64::NAN)]),
                replication(0, 2, &[("asa", 9.0)]),
                replication(1, 0, &[("asa", 4.0)]),
                replication(1, 1, &[("asa", 6.0)]),
                replication(1, 2, &[("asa", 6.0)]),
            ],
        );
        let asa = results.measure(0, Scope::Overall, "all", "asa").unwrap();
        assert_eq!((asa.estimate.n, asa.estimate.mean), (2, 7.0));
        // Pairs (5, 4) and (9, 6): differences 1 and 3.
        assert_eq!((asa.vs_reference.n, asa.vs_reference.mean), (2, 2.0));
        let only = results
            .measure(0, Scope::Overall, "all", "only_here")
            .unwrap();
        assert_eq!(
            only.vs_reference.n, 0,
            "a measure the reference lacks has no difference"
        );
        assert_eq!(
            results.values(0, Scope::Overall, "all", "only_here")[1..]
                .iter()
                .filter(|v| v.is_nan())
                .count(),
            2
        );
    }
}
