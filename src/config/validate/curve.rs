//! What curves by interval share, whatever their values (arrival rates or counts, agents
//! logged in): reading a curve's column and interval-start column from CSV, the interval a
//! curve of `n` values is read at when the scenario gives none (a day or a week of them), and
//! the checks that its rows start where they should (`interval_starts.rs`) and that it covers
//! a whole number of days, with the row named where it does not. `arrivals.rs` and
//! `staffing.rs` both read their curves through here, so a week of staffing is read exactly
//! like a week of arrivals.

use super::arrivals::duration_words;
use super::interval_starts::{
    check_interval_starts, start_after_first, step_of_first_rows, IntervalSource,
};
use super::*;

const WEEK: SimDuration = SimDuration::from_secs(7 * 86_400);

impl Validator<'_> {
    /// The interval of a curve of `n` values that gives none: a day or a week of them
    /// ([`inferred_interval`]). `noun` names the values in messages (`rates`, `values`). A
    /// count that fits neither is a problem at `values_path`, ending with `hint`; when the CSV
    /// has interval starts, the problem names the first row out of step, or the rows missing
    /// at the end.
    pub(super) fn inferred_curve_interval(
        &mut self,
        values_path: &str,
        n: usize,
        noun: &'static str,
        starts: Option<(&str, &[(usize, String)])>,
        hint: &str,
    ) -> Option<(SimDuration, IntervalSource)> {
        if let Some(interval) = inferred_interval(n) {
            return Some((interval, IntervalSource::Inferred(n, noun)));
        }
        if let Some((csv, rows)) = starts {
            if let Some(step) = step_of_first_rows(rows) {
                // Rows in step end short of a whole day: the span check names what is missing.
                let source = IntervalSource::FirstRows;
                self.check_curve_span(values_path, n, step, &source, Some((csv, rows)), noun)?;
            }
        }
        self.problem(
            values_path,
            format!("{n} {noun} split neither a day nor a week evenly{hint}"),
        );
        None
    }

    /// Checks a curve of `n` values read at `interval`: each CSV row's interval start first
    /// (a file of other intervals is best told by its first wrong row), then that the curve
    /// covers a whole number of days (a day, a week, or the days of a dated file).
    pub(super) fn check_curve_span(
        &mut self,
        values_path: &str,
        n: usize,
        interval: SimDuration,
        source: &IntervalSource,
        starts: Option<(&str, &[(usize, String)])>,
        noun: &str,
    ) -> Option<()> {
        if let Some((csv, rows)) = starts {
            self.check(
                values_path,
                check_interval_starts(csv, rows, interval, source),
            )?;
        }
        let covered = interval.as_micros().saturating_mul(n as u64);
        if covered % DAY.as_micros() == 0 {
            return Some(());
        }
        let missing = match starts {
            Some((_, rows)) => match (rows.last(), start_after_first(rows, SimDuration::from_micros(covered))) {
                (Some((line, text)), Some(next)) => format!(
                    ": the last row, row {line} (\"{text}\"), does not end a day; the rows from \"{next}\" to the end of that day are missing"
                ),
                _ => String::new(),
            },
            None => String::new(),
        };
        self.problem(
            values_path,
            format!(
                "{n} {noun} of {} cover {}, not a whole number of days (a day, a week, or the days of a dated file){missing}",
                duration_words(interval),
                duration_words(SimDuration::from_micros(covered)),
            ),
        );
        None
    }
}

/// The interval of `n` rates with no `interval` given: a day's worth if `n` splits a day
/// evenly (24 hourly, 96 fifteen-minute), else a week's if `n` splits a week into whole
/// intervals of a day (168 hourly, 672 fifteen-minute). No `n` can be both, since 7 does not
/// divide a day's seconds.
pub(super) fn inferred_interval(n: usize) -> Option<SimDuration> {
    let n = n as u64;
    if n > 0 && DAY.as_micros() % n == 0 {
        return Some(SimDuration::from_micros(DAY.as_micros() / n));
    }
    let per_day = n / 7;
    (n % 7 == 0 && per_day > 0 && DAY.as_micros() % per_day == 0)
        .then(|| SimDuration::from_micros(WEEK.as_micros() / n))
}

/// Which CSV column holds each row's interval start.
#[derive(Debug, Clone, Copy)]
pub(super) enum StartColumn<'a> {
    /// Given by the scenario: it must be there.
    Named(&'a str),
    /// The conventional name, read when the file has it.
    IfPresent(&'a str),
}

/// A curve read from CSV: its values, and each row's interval-start cell if the file has that
/// column, as (line in the file, text).
#[derive(Debug, Clone)]
pub(super) struct CurveTable {
    pub(super) values: Vec<f64>,
    pub(super) starts: Option<Vec<(usize, String)>>,
}

/// Reads a curve from CSV (see [`read_curve_csv_afresh`]), once per file, column and start
/// column while reads are shared (see `csv_cache`).
pub(super) fn read_curve_csv(
    path: &Path,
    column: &str,
    start: StartColumn,
) -> Result<CurveTable, String> {
    super::csv_cache::cached(path, &format!("curve {column} {start:?}"), || {
        read_curve_csv_afresh(path, column, start)
    })
    .map(|table| CurveTable::clone(&table))
}

fn read_curve_csv_afresh(
    path: &Path,
    column: &str,
    start: StartColumn,
) -> Result<CurveTable, String> {
    let (mut reader, headers) = super::channels::open_csv(path)?;
    let find = |name: &str| headers.iter().position(|h| h.trim() == name);
    let missing = |name: &str| {
        let names: Vec<String> = headers.iter().map(|h| format!("\"{h}\"")).collect();
        let hint = super::suggest::did_you_mean(name, headers.iter().map(str::trim));
        format!(
            "{} has no column \"{name}\"{hint} (columns: {})",
            path.display(),
            names.join(", ")
        )
    };
    let position = find(column).ok_or_else(|| missing(column))?;
    let start_position = match start {
        StartColumn::Named(name) => Some(find(name).ok_or_else(|| missing(name))?),
        StartColumn::IfPresent(name) => find(name),
    };
    let mut values = Vec::new();
    let mut starts = start_position.map(|_| Vec::new());
    for (row, record) in reader.records().enumerate() {
        let line = row + 2;
        let record = record.map_err(|e| format!("{}: row {line}: {e}", path.display()))?;
        let cell = record.get(position).unwrap_or("").trim();
        let value: f64 = cell.parse().map_err(|_| {
            format!(
                "{}: row {line}, column \"{column}\": expected a number, got \"{}\"",
                path.display(),
                super::channels::excerpt(cell)
            )
        })?;
        values.push(value);
        if let (Some(starts), Some(at)) = (&mut starts, start_position) {
            starts.push((
                line,
                super::channels::excerpt(record.get(at).unwrap_or("").trim()),
            ));
        }
    }
    Ok(CurveTable { values, starts })
}
