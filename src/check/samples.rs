//! Per-replication values of every measure of a set of runs: the data a baseline stores and a
//! check pairs replication by replication. It keeps every replication's value, not only the
//! mean, because paired differences need them; it does not compute any statistic.

use std::collections::BTreeMap;

use crate::metrics::{MeasureKey, MeasureRow};

/// The value of each measure in each replication, in the order the reports list measures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Samples {
    replications: usize,
    keys: Vec<MeasureKey>,
    index: BTreeMap<MeasureKey, usize>,
    /// `values[k][r]`: measure `keys[k]` in replication `r` (NaN when undefined or absent).
    values: Vec<Vec<f64>>,
}

impl Samples {
    /// An empty set for `replications` replications.
    pub fn new(replications: usize) -> Samples {
        Samples {
            replications,
            ..Samples::default()
        }
    }

    /// The measures of each replication's rows (a run's summary and agent rows), replication
    /// `r` being `rows[r]`.
    pub fn from_rows(rows: &[Vec<MeasureRow>]) -> Samples {
        let mut samples = Samples::new(rows.len());
        for (replication, run) in rows.iter().enumerate() {
            for row in run {
                samples.set(MeasureKey::of(row), replication, row.value);
            }
        }
        samples
    }

    /// Sets one value; a measure seen for the first time starts with NaN in every replication.
    /// Returns the value that was there (NaN if none).
    pub fn set(&mut self, key: MeasureKey, replication: usize, value: f64) -> f64 {
        let idx = match self.index.get(&key) {
            Some(idx) => *idx,
            None => {
                self.index.insert(key.clone(), self.keys.len());
                self.keys.push(key);
                self.values.push(vec![f64::NAN; self.replications]);
                self.keys.len() - 1
            }
        };
        std::mem::replace(&mut self.values[idx][replication], value)
    }

    pub fn replications(&self) -> usize {
        self.replications
    }

    pub fn keys(&self) -> &[MeasureKey] {
        &self.keys
    }

    pub fn contains(&self, key: &MeasureKey) -> bool {
        self.index.contains_key(key)
    }

    /// The value of `key` in every replication.
    pub fn series(&self, key: &MeasureKey) -> Option<&[f64]> {
        self.index.get(key).map(|idx| self.values[*idx].as_slice())
    }
}
