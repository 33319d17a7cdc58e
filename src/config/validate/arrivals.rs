//! Validation of a channel's `arrivals`: Poisson, rates or counts per interval (inline or from a
//! CSV column) for a day, a week or the dated days of a file, and replayed traces. Counts are
//! turned into rates here; a CSV's interval-start column is checked against the interval the
//! curve is read at (`interval_starts.rs`), so a file of 15-minute counts is never read as
//! hourly rates without a word.

use super::channels::read_csv_column;
use super::curve::{read_curve_csv, StartColumn};
use super::interval_starts::IntervalSource;
use super::*;

/// What the numbers of a curve are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Values {
    RatesPerHour,
    CountsPerInterval,
}

impl Values {
    fn plural(self) -> &'static str {
        match self {
            Values::RatesPerHour => "rates",
            Values::CountsPerInterval => "counts",
        }
    }
}

impl Validator<'_> {
    /// A channel's arrival process; `simulation_interval` is the interval counts are read at
    /// when `arrivals.interval` is not given.
    pub(super) fn arrivals(
        &mut self,
        path: &str,
        file: &ArrivalsFile,
        simulation_interval: SimDuration,
    ) -> Option<ArrivalProcess> {
        let shapes = [
            file.per_hour.is_some(),
            file.rates_per_hour.is_some(),
            file.counts_per_interval.is_some(),
            file.csv.is_some(),
        ];
        if shapes.iter().filter(|&&given| given).count() != 1 {
            self.problem(path, "give exactly one of `per_hour` (Poisson), `rates_per_hour` (inline rates by interval), `counts_per_interval` (inline conversations per interval) or `csv` + `column` (rates, counts with `counts = true`, or a trace with `trace = true`, from a CSV file)");
            return None;
        }
        if file.csv.is_none() {
            for (given, field) in [
                (file.column.is_some(), "column"),
                (file.counts.is_some(), "counts"),
                (file.interval_column.is_some(), "interval_column"),
                (file.trace.is_some(), "trace"),
            ] {
                if given {
                    self.problem(
                        &format!("{path}.{field}"),
                        format!("`{field}` goes with `csv` (a CSV source); there is none here"),
                    );
                }
            }
        }
        if let Some(rate) = file.per_hour {
            if !rate.is_finite() || rate < 0.0 {
                self.problem(
                    &format!("{path}.per_hour"),
                    format!("expected a rate of zero or more arrivals per hour, got {rate}"),
                );
                return None;
            }
            if rate > limits::MAX_ARRIVALS_PER_HOUR {
                self.problem(
                    &format!("{path}.per_hour"),
                    format!(
                        "expected at most {} arrivals per hour, got {rate}",
                        limits::MAX_ARRIVALS_PER_HOUR
                    ),
                );
                return None;
            }
            return Some(ArrivalProcess::Poisson {
                rate_per_hour: rate,
            });
        }
        if file.trace == Some(true) {
            return self.trace(path, file);
        }
        // The CSV file and column the values come from, to name a bad value's row.
        let mut source: Option<(String, String)> = None;
        let (values, kind, starts, values_path) = if let Some(rates) = &file.rates_per_hour {
            let path = format!("{path}.rates_per_hour");
            (rates.clone(), Values::RatesPerHour, None, path)
        } else if let Some(counts) = &file.counts_per_interval {
            let path = format!("{path}.counts_per_interval");
            (counts.clone(), Values::CountsPerInterval, None, path)
        } else {
            let csv_path = format!("{path}.csv");
            let column = self.csv_column(path, file)?;
            let start_column = match &file.interval_column {
                Some(name) => StartColumn::Named(name),
                None => StartColumn::IfPresent("interval_start"),
            };
            let csv = file.csv.as_deref().unwrap_or_default();
            let table = self.check(
                &csv_path,
                read_curve_csv(&self.base_dir.join(csv), column, start_column),
            )?;
            source = Some((
                self.base_dir.join(csv).display().to_string(),
                column.to_string(),
            ));
            let kind = if file.counts == Some(true) {
                Values::CountsPerInterval
            } else {
                Values::RatesPerHour
            };
            (table.values, kind, Some((csv, table.starts)), csv_path)
        };
        for (idx, &value) in values.iter().enumerate() {
            if !value.is_finite() || value < 0.0 {
                let expected = match kind {
                    Values::RatesPerHour => "zero or more arrivals per hour",
                    Values::CountsPerInterval => "zero or more conversations",
                };
                match &source {
                    // Rows count from the header, row 1.
                    Some((csv, column)) => self.problem(
                        &values_path,
                        format!(
                            "{csv}: row {}, column \"{column}\": expected {expected}, got {value}",
                            idx + 2
                        ),
                    ),
                    None => self.problem(
                        &format!("{values_path}[{idx}]"),
                        format!("expected {expected}, got {value}"),
                    ),
                }
                return None;
            }
        }
        if values.is_empty() {
            let what = match &source {
                Some((csv, column)) => format!("{csv} has no rows of \"{column}\""),
                None => format!("no {}", kind.plural()),
            };
            self.problem(
                &values_path,
                format!("{what}: a curve needs at least one interval"),
            );
            return None;
        }
        let n = values.len();
        let rows = match &starts {
            Some((csv, Some(rows))) => Some((*csv, rows.as_slice())),
            _ => None,
        };
        let (interval, source) = match (&file.interval, kind) {
            (Some(text), _) => (
                self.positive_duration(&format!("{path}.interval"), text)?,
                IntervalSource::Arrivals(format!("{path}.interval")),
            ),
            (None, Values::CountsPerInterval) => (simulation_interval, IntervalSource::Simulation),
            (None, Values::RatesPerHour) => self.inferred_curve_interval(
                &values_path,
                n,
                kind.plural(),
                rows,
                "; give `interval`",
            )?,
        };
        self.check_curve_span(&values_path, n, interval, &source, rows, kind.plural())?;
        let rates: Vec<f64> = match kind {
            Values::RatesPerHour => values,
            Values::CountsPerInterval => {
                let per_hour = 3600.0 / interval.as_secs_f64();
                values.iter().map(|count| count * per_hour).collect()
            }
        };
        if let Some((idx, rate)) = rates
            .iter()
            .enumerate()
            .find(|(_, &rate)| rate > limits::MAX_ARRIVALS_PER_HOUR)
        {
            self.problem(
                &values_path,
                format!(
                    "rate {} is {rate}: expected from 0 to {} arrivals per hour",
                    idx + 1,
                    limits::MAX_ARRIVALS_PER_HOUR
                ),
            );
            return None;
        }
        Some(ArrivalProcess::Piecewise {
            interval,
            rates_per_hour: Arc::from(rates),
        })
    }

    fn csv_column<'f>(&mut self, path: &str, file: &'f ArrivalsFile) -> Option<&'f str> {
        let column = file.column.as_deref();
        if column.is_none() {
            self.problem(
                &format!("{path}.column"),
                "a CSV source needs `column`, the header of the column to read",
            );
        }
        column
    }

    fn trace(&mut self, path: &str, file: &ArrivalsFile) -> Option<ArrivalProcess> {
        for (given, field) in [
            (file.counts.is_some(), "counts"),
            (file.interval.is_some(), "interval"),
            (file.interval_column.is_some(), "interval_column"),
        ] {
            if given {
                self.problem(
                    &format!("{path}.{field}"),
                    format!("a trace replays arrival times; `{field}` does not apply to it"),
                );
            }
        }
        let csv_path = format!("{path}.csv");
        let column = self.csv_column(path, file)?;
        let csv = file.csv.as_deref().unwrap_or_default();
        let file_path = self.base_dir.join(csv);
        // Read, checked and sorted once per file and column while reads are shared, so the
        // points of a sweep share one trace.
        let times = super::csv_cache::cached(&file_path, &format!("trace {column}"), || {
            let values = read_csv_column(&file_path, column)?;
            let mut times = Vec::with_capacity(values.len());
            for (idx, &seconds) in values.iter().enumerate() {
                if !seconds.is_finite() || seconds < 0.0 {
                    return Err(format!(
                        "row {}: expected a time of zero or more seconds, got {seconds}",
                        idx + 2
                    ));
                }
                times.push(SimTime::ZERO + SimDuration::from_secs_f64(seconds));
            }
            times.sort();
            Ok(Arc::<[SimTime]>::from(times))
        });
        let times = self.check(&csv_path, times)?;
        Some(ArrivalProcess::Trace {
            times: Arc::clone(&times),
        })
    }
}

/// A duration as a planner writes it: `15m`, `1h`, `7d`, `90s`, `24.25h`.
pub(super) fn duration_words(duration: SimDuration) -> String {
    let micros = duration.as_micros();
    let s = duration.as_secs_f64();
    for (unit, size) in [("d", 86_400u64), ("h", 3_600), ("m", 60), ("s", 1)] {
        if micros % (size * 1_000_000) == 0 && micros > 0 {
            return format!("{}{unit}", micros / (size * 1_000_000));
        }
    }
    if s >= 3600.0 {
        format!("{}h", (s / 36.0).round() / 100.0)
    } else {
        format!("{s}s")
    }
}
