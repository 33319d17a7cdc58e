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
    if value.is_nan() {
        return String::new();
    }
    if value.is_infinite() {
        return if value > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    if value == value.trunc() && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    let text = format!("{value:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.to_string()
    }
}

fn write_rows(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(header)
        .expect("writing to memory cannot fail");
    for row in rows {
        writer
            .write_record(&row)
            .expect("writing to memory cannot fail");
    }
    writer.into_inner().expect("writing to memory cannot fail")
}

fn measure_cells(results: &RunResults, row: &MeasureRow) -> Vec<String> {
    vec![
        results.scenario.clone(),
        results.seed.to_string(),
        row.scope.to_string(),
        row.name.clone(),
        row.measure.clone(),
        format_value(row.value),
    ]
}

/// `summary.csv`: the measured period, per overall / channel / workstream / queue.
pub fn summary_csv(results: &RunResults) -> Vec<u8> {
    write_rows(
        &MEASURE_HEADER,
        results
            .summary
            .iter()
            .map(|row| measure_cells(results, row)),
    )
}

/// `agents.csv`: per agent group.
pub fn agents_csv(results: &RunResults) -> Vec<u8> {
    write_rows(
        &MEASURE_HEADER,
        results.agents.iter().map(|row| measure_cells(results, row)),
    )
}

fn interval_cells(results: &RunResults, row: &IntervalRow) -> Vec<String> {
    let IntervalRow {
        day,
        interval,
        start_s,
        row,
    } = row;
    let mut cells = measure_cells(results, row);
    let mut at = 2;
    if let Some(day) = day {
        cells.insert(at, day.to_string());
        at += 1;
    }
    cells.insert(at, interval.to_string());
    cells.insert(
        at + 1,
        format!("{:02}:{:02}", start_s / 3600, start_s % 3600 / 60),
    );
    cells
}

/// `intervals.csv`: per interval of the day; with the days kept apart
/// (`report_days = "apart"`), a `day` column (0 is the first day) comes before `interval`.
pub fn intervals_csv(results: &RunResults) -> Vec<u8> {
    write_rows(
        &interval_header(results),
        results
            .intervals
            .iter()
            .map(|row| interval_cells(results, row)),
    )
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

fn with_interval(mut cells: Vec<String>, estimate: &Estimate) -> Vec<String> {
    cells.push(estimate.n.to_string());
    cells.push(format_value(estimate.ci95_low));
    cells.push(format_value(estimate.ci95_high));
    cells
}

fn header_with_interval(header: &[&'static str]) -> Vec<&'static str> {
    header.iter().copied().chain(CI_COLUMNS).collect()
}

/// `summary.csv` of several replications: `value` is the mean, `seed` the base seed, then
/// `n` (replications where the measure is defined), `ci95_low`, `ci95_high`.
pub fn replicated_summary_csv(run: &ReplicatedRun) -> Vec<u8> {
    write_rows(
        &header_with_interval(&MEASURE_HEADER),
        run.mean
            .summary
            .iter()
            .zip(&run.summary)
            .map(|(row, e)| with_interval(measure_cells(&run.mean, row), e)),
    )
}

/// `agents.csv` of several replications, with the interval columns of
/// [`replicated_summary_csv`].
pub fn replicated_agents_csv(run: &ReplicatedRun) -> Vec<u8> {
    write_rows(
        &header_with_interval(&MEASURE_HEADER),
        run.mean
            .agents
            .iter()
            .zip(&run.agents)
            .map(|(row, e)| with_interval(measure_cells(&run.mean, row), e)),
    )
}

/// `intervals.csv` of several replications, with the interval columns of
/// [`replicated_summary_csv`].
pub fn replicated_intervals_csv(run: &ReplicatedRun) -> Vec<u8> {
    write_rows(
        &header_with_interval(&interval_header(&run.mean)),
        run.mean
            .intervals
            .iter()
            .zip(&run.intervals)
            .map(|(row, e)| with_interval(interval_cells(&run.mean, row), e)),
    )
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
}
