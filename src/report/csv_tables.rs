//! The CSV tables of a run, in tidy long format: one row per (entity, measure), with stable
//! column names, so pandas, R and spreadsheets read them directly and new measures add rows
//! rather than columns.

use crate::metrics::{IntervalRow, MeasureRow, RunResults};
use crate::sweep::{Estimate, ReplicatedRun};

const MEASURE_HEADER: [&str; 6] = ["scenario", "seed", "scope", "name", "measure", "value"];
const INTERVAL_HEADER: [&str; 8] = [
    "scenario",
    "seed",
    "interval",
    "interval_start",
    "scope",
    "name",
    "measure",
    "value",
];

/// Formats a measure value: empty for undefined (NaN), integers without decimals, others with
/// at most 6 decimals and no trailing zeros. Fixed formatting keeps files byte-identical.
pub fn format_value(value: f64) -> String {
    let mut text = String::new();
    format_value_into(value, &mut text);
    text
}

/// [`format_value`] into `out` (cleared first), so a table reuses one buffer for all cells.
fn format_value_into(value: f64, out: &mut String) {
    use std::fmt::Write;
    out.clear();
    if value.is_nan() {
        return;
    }
    if value.is_infinite() {
        out.push_str(if value > 0.0 { "inf" } else { "-inf" });
        return;
    }
    // Writing to a String cannot fail.
    if value == value.trunc() && value.abs() < 1e15 {
        let _ = write!(out, "{}", value as i64);
        return;
    }
    let _ = write!(out, "{value:.6}");
    let kept = out.trim_end_matches('0').trim_end_matches('.').len();
    out.truncate(kept);
    if out == "-0" {
        out.clear();
        out.push('0');
    }
}

/// (day, interval) of an interval row.
type IntervalKey = (Option<usize>, usize);

/// A CSV table written field by field into memory, with no allocation per row or cell:
/// numbers are formatted into one reused buffer, the seed and interval columns once. Fields
/// are quoted as the csv crate quotes them (its default "necessary" style: a field holding a
/// comma, a quote, CR or LF is put in quotes with its quotes doubled; rows have several
/// fields, so an empty one stays bare), which a unit test holds it to.
struct Table {
    out: Vec<u8>,
    /// Whether the next field starts its row.
    row_start: bool,
    scratch: String,
    /// The seed of the rows, formatted once.
    seed: Option<(u64, String)>,
    /// The interval columns of the last row (rows come interval by interval).
    interval: Option<(IntervalKey, [String; 3])>,
}

impl Table {
    fn new(header: &[&str]) -> Table {
        let mut table = Table {
            out: Vec::new(),
            row_start: true,
            scratch: String::new(),
            seed: None,
            interval: None,
        };
        for name in header {
            table.text(name);
        }
        table.end_row();
        table
    }

    fn text(&mut self, text: &str) {
        if !std::mem::replace(&mut self.row_start, false) {
            self.out.push(b',');
        }
        let bytes = text.as_bytes();
        if bytes
            .iter()
            .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
        {
            self.out.push(b'"');
            for &byte in bytes {
                if byte == b'"' {
                    self.out.push(b'"');
                }
                self.out.push(byte);
            }
            self.out.push(b'"');
        } else {
            self.out.extend_from_slice(bytes);
        }
    }

    fn scratch_field(&mut self) {
        let scratch = std::mem::take(&mut self.scratch);
        self.text(&scratch);
        self.scratch = scratch;
    }

    fn value(&mut self, value: f64) {
        format_value_into(value, &mut self.scratch);
        self.scratch_field();
    }

    fn display(&mut self, value: impl std::fmt::Display) {
        use std::fmt::Write;
        self.scratch.clear();
        // Writing to a String cannot fail.
        let _ = write!(self.scratch, "{value}");
        self.scratch_field();
    }

    fn end_row(&mut self) {
        self.out.push(b'\n');
        self.row_start = true;
    }

    fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    /// scenario, seed, scope, name, measure, value; `extra` after `seed` (interval columns).
    fn measure_row(
        &mut self,
        results: &RunResults,
        row: &MeasureRow,
        extra: impl FnOnce(&mut Table),
    ) {
        self.text(&results.scenario);
        if self
            .seed
            .as_ref()
            .is_none_or(|(seed, _)| *seed != results.seed)
        {
            self.seed = Some((results.seed, results.seed.to_string()));
        }
        if let Some((_, seed)) = self.seed.take() {
            self.text(&seed);
            self.seed = Some((results.seed, seed));
        }
        extra(self);
        self.text(row.scope.as_str());
        self.text(&row.name);
        self.text(&row.measure);
        self.value(row.value);
    }

    /// The day (when kept apart), interval and interval start columns.
    fn interval_columns(&mut self, row: &IntervalRow) {
        let key = (row.day, row.interval);
        if self.interval.as_ref().is_none_or(|(last, _)| *last != key) {
            let texts = [
                row.day.map(|day| day.to_string()).unwrap_or_default(),
                row.interval.to_string(),
                format!("{:02}:{:02}", row.start_s / 3600, row.start_s % 3600 / 60),
            ];
            self.interval = Some((key, texts));
        }
        if let Some((key, [day, interval, start])) = self.interval.take() {
            if row.day.is_some() {
                self.text(&day);
            }
            self.text(&interval);
            self.text(&start);
            self.interval = Some((key, [day, interval, start]));
        }
    }

    fn estimate(&mut self, estimate: &Estimate) {
        self.display(estimate.n);
        self.value(estimate.ci95_low);
        self.value(estimate.ci95_high);
    }
}

fn measure_table(header: &[&str], results: &RunResults, rows: &[MeasureRow]) -> Vec<u8> {
    let mut table = Table::new(header);
    for row in rows {
        table.measure_row(results, row, |_| {});
        table.end_row();
    }
    table.into_bytes()
}

/// `summary.csv`: the measured period, per overall / channel / workstream / queue.
pub fn summary_csv(results: &RunResults) -> Vec<u8> {
    measure_table(&MEASURE_HEADER, results, &results.summary)
}

/// `agents.csv`: per agent group.
pub fn agents_csv(results: &RunResults) -> Vec<u8> {
    measure_table(&MEASURE_HEADER, results, &results.agents)
}

/// `intervals.csv`: per interval of the day; with the days kept apart
/// (`report_days = "apart"`), a `day` column (0 is the first day) comes before `interval`.
pub fn intervals_csv(results: &RunResults) -> Vec<u8> {
    let mut table = Table::new(&interval_header(results));
    for row in &results.intervals {
        table.measure_row(results, &row.row, |t| t.interval_columns(row));
        table.end_row();
    }
    table.into_bytes()
}

/// The columns of `intervals.csv`: `day` after `seed` when the days are kept apart.
fn interval_header(results: &RunResults) -> Vec<&'static str> {
    let mut header = INTERVAL_HEADER.to_vec();
    if results.intervals.iter().any(|r| r.day.is_some()) {
        header.insert(2, "day");
    }
    header
}

const CI_COLUMNS: [&str; 3] = ["n", "ci95_low", "ci95_high"];

fn header_with_interval(header: &[&'static str]) -> Vec<&'static str> {
    header.iter().copied().chain(CI_COLUMNS).collect()
}

fn replicated_measure_table(
    header: &[&'static str],
    mean: &RunResults,
    rows: &[MeasureRow],
    estimates: &[Estimate],
) -> Vec<u8> {
    let mut table = Table::new(&header_with_interval(header));
    for (row, estimate) in rows.iter().zip(estimates) {
        table.measure_row(mean, row, |_| {});
        table.estimate(estimate);
        table.end_row();
    }
    table.into_bytes()
}

/// `summary.csv` of several replications: `value` is the mean, `seed` the base seed, then
/// `n` (replications where the measure is defined), `ci95_low`, `ci95_high`.
pub fn replicated_summary_csv(run: &ReplicatedRun) -> Vec<u8> {
    replicated_measure_table(&MEASURE_HEADER, &run.mean, &run.mean.summary, &run.summary)
}

/// `agents.csv` of several replications, with the interval columns of
/// [`replicated_summary_csv`].
pub fn replicated_agents_csv(run: &ReplicatedRun) -> Vec<u8> {
    replicated_measure_table(&MEASURE_HEADER, &run.mean, &run.mean.agents, &run.agents)
}

/// `intervals.csv` of several replications, with the interval columns of
/// [`replicated_summary_csv`].
pub fn replicated_intervals_csv(run: &ReplicatedRun) -> Vec<u8> {
    let mut table = Table::new(&header_with_interval(&interval_header(&run.mean)));
    for (row, estimate) in run.mean.intervals.iter().zip(&run.intervals) {
        table.measure_row(&run.mean, &row.row, |t| t.interval_columns(row));
        table.estimate(estimate);
        table.end_row();
    }
    table.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_formatted_compactly_and_stably() {
        for (value, text) in [
            (f64::NAN, ""),
            (3.0, "3"),
            (0.1 + 0.2, "0.3"),
            (2.0 / 3.0, "0.666667"),
            (-0.0000001, "0"),
            (1e20, "100000000000000000000"),
        ] {
            assert_eq!(format_value(value), text, "{value}");
        }
    }

    /// The hand-written writer quotes exactly as the csv crate does.
    #[test]
    fn fields_are_quoted_as_the_csv_crate_quotes_them() {
        let rows: [&[&str]; 4] = [
            &["plain", "", "with space", " lead", "trail "],
            &["a,b", "say \"hi\"", "\"", "line\nbreak", "cr\rhere"],
            &["ünïcode", "tab\there", "semi;colon", "'single'", "#hash"],
            &["", "", "x", "", ""],
        ];
        let mut ours = Table::new(&["h1", "h,2", "h3", "h4", "h5"]);
        let mut theirs = csv::Writer::from_writer(Vec::new());
        theirs
            .write_record(["h1", "h,2", "h3", "h4", "h5"])
            .unwrap();
        for row in rows {
            for field in row {
                ours.text(field);
            }
            ours.end_row();
            theirs.write_record(row).unwrap();
        }
        assert_eq!(
            String::from_utf8(ours.into_bytes()).unwrap(),
            String::from_utf8(theirs.into_inner().unwrap()).unwrap()
        );
    }
}
