//! Validation of `[channels]`: kind, arrivals (Poisson, rates by interval, CSV rates or
//! traces), context variables, customer behaviour, and the CSV columns they read.

use super::*;

impl Validator<'_> {
    /// Every channel, with the one workstream that serves it.
    pub(super) fn channels(&mut self, file: &ScenarioFile, names: &Names) -> Vec<Channel> {
        let (channel_names, workstream_names) = (&names.channels, &names.workstreams);
        // Each channel is served by exactly one workstream.
        let mut served_by: Vec<Vec<WorkstreamId>> = vec![Vec::new(); channel_names.len()];
        for (ws_idx, (ws_name, workstream)) in file.workstreams.iter().enumerate() {
            for (idx, channel) in workstream.channels.iter().enumerate() {
                let path = format!("workstreams.{ws_name}.channels[{idx}]");
                if let Some(channel_idx) = self.resolve(&path, "channel", channel, channel_names) {
                    served_by[channel_idx].push(WorkstreamId::from_index(ws_idx));
                }
            }
            if workstream.channels.is_empty() {
                self.problem(
                    &format!("workstreams.{ws_name}.channels"),
                    "a workstream needs at least one channel",
                );
            }
        }

        let mut channels = Vec::new();
        for (idx, (name, channel)) in file.channels.iter().enumerate() {
            let path = format!("channels.{name}");
            let workstream = match served_by[idx].as_slice() {
                [one] => Some(*one),
                [] => {
                    self.problem(&path, format!("channel \"{name}\" is not served by any workstream (list it in a workstream's `channels`)"));
                    None
                }
                several => {
                    let names: Vec<String> = several
                        .iter()
                        .map(|w| format!("\"{}\"", workstream_names[w.index()]))
                        .collect();
                    self.problem(&path, format!("channel \"{name}\" is served by several workstreams ({}); a channel belongs to exactly one", names.join(", ")));
                    None
                }
            };
            if let Some(channel) = self.channel(
                &path,
                name,
                channel,
                workstream.unwrap_or(WorkstreamId::from_index(0)),
            ) {
                channels.push(channel);
            }
        }
        channels
    }

    pub(super) fn channel(
        &mut self,
        path: &str,
        name: &str,
        file: &ChannelFile,
        workstream: WorkstreamId,
    ) -> Option<Channel> {
        let kind = ChannelKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == file.kind);
        if kind.is_none() {
            let names: Vec<String> = ChannelKind::ALL
                .iter()
                .map(|k| format!("\"{}\"", k.as_str()))
                .collect();
            self.problem(
                &format!("{path}.kind"),
                format!(
                    "unknown channel kind \"{}\" (expected one of: {})",
                    file.kind,
                    names.join(", ")
                ),
            );
        }
        let arrivals = self.arrivals(&format!("{path}.arrivals"), &file.arrivals);
        let mut variables = Vec::new();
        for (var_name, variable) in &file.variables {
            if let Some(generator) =
                self.variable(&format!("{path}.variables.{var_name}"), variable)
            {
                variables.push(ContextVariable {
                    name: var_name.clone(),
                    generator,
                });
            }
        }
        let patience = match &file.patience {
            Some(p) => {
                Some(self.distribution(&format!("{path}.patience"), p, Quantity::Duration)?)
            }
            None => None,
        };
        let handle_time = self.distribution(
            &format!("{path}.handle_time"),
            &file.handle_time,
            Quantity::Duration,
        );
        let waiting = match &file.waiting {
            None => Some(None),
            Some(waiting) => {
                let probability =
                    self.probability(&format!("{path}.waiting.probability"), waiting.probability);
                let resume_delay = self.distribution(
                    &format!("{path}.waiting.resume_delay"),
                    &waiting.resume_delay,
                    Quantity::Duration,
                );
                if let Some(kind) =
                    kind.filter(|k| matches!(k, ChannelKind::LiveChat | ChannelKind::Voice))
                {
                    self.problem(&format!("{path}.waiting"), format!("a {} conversation never goes Waiting (only asynchronous channels such as persistent chat, SMS and social do)", kind.as_str()));
                }
                match (probability, resume_delay) {
                    (Some(probability), Some(resume_delay)) => Some(Some(WaitingBehaviour {
                        probability,
                        resume_delay,
                    })),
                    _ => None,
                }
            }
        };
        if let (Some(Some(waiting)), Some(handle_time)) = (&waiting, &handle_time) {
            if waiting.probability >= 1.0
                && always_zero(&waiting.resume_delay)
                && always_zero(handle_time)
            {
                self.problem(&format!("{path}.waiting"), "with probability 1, a resume delay that is always 0 and a handle time that is always 0, a conversation would go Waiting and resume for ever without the clock moving: give the handle time or the resume delay a positive value, or a probability below 1");
            }
        }
        let wrap_up = match &file.wrap_up {
            Some(w) => Some(Some(self.distribution(
                &format!("{path}.wrap_up"),
                w,
                Quantity::Duration,
            )?)),
            None => Some(None),
        };
        Some(Channel {
            waiting: waiting?,
            wrap_up: wrap_up?,
            name: name.to_string(),
            kind: kind?,
            workstream,
            arrivals: arrivals?,
            variables,
            patience,
            handle_time: handle_time?,
        })
    }

    pub(super) fn arrivals(&mut self, path: &str, file: &ArrivalsFile) -> Option<ArrivalProcess> {
        let shapes = [
            file.per_hour.is_some(),
            file.rates_per_hour.is_some(),
            file.csv.is_some(),
        ];
        if shapes.iter().filter(|&&given| given).count() != 1 {
            self.problem(path, "give exactly one of `per_hour` (Poisson), `rates_per_hour` (inline rates by interval of the day) or `csv` + `column` (rates, or a trace with `trace = true`, from a CSV file)");
            return None;
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
        let (values, values_path) = match (&file.rates_per_hour, &file.csv) {
            (Some(rates), _) => (rates.clone(), format!("{path}.rates_per_hour")),
            (None, Some(csv)) => {
                let Some(column) = &file.column else {
                    self.problem(
                        &format!("{path}.column"),
                        "a CSV source needs `column`, the header of the column to read",
                    );
                    return None;
                };
                let values = self.check(
                    &format!("{path}.csv"),
                    read_csv_column(&self.base_dir.join(csv), column),
                )?;
                (values, format!("{path}.csv"))
            }
            (None, None) => unreachable!("one shape is given"),
        };
        if file.trace == Some(true) {
            let mut times = Vec::with_capacity(values.len());
            for (idx, &seconds) in values.iter().enumerate() {
                if !seconds.is_finite() || seconds < 0.0 {
                    self.problem(
                        &values_path,
                        format!(
                            "row {}: expected a time of zero or more seconds, got {seconds}",
                            idx + 1
                        ),
                    );
                    return None;
                }
                times.push(SimTime::ZERO + SimDuration::from_secs_f64(seconds));
            }
            times.sort();
            return Some(ArrivalProcess::Trace {
                times: Arc::from(times),
            });
        }
        for (idx, &rate) in values.iter().enumerate() {
            if !(0.0..=limits::MAX_ARRIVALS_PER_HOUR).contains(&rate) {
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
        }
        let interval = match &file.interval {
            Some(text) => self.check(&format!("{path}.interval"), parse_duration(text))?,
            None => {
                if values.is_empty() || DAY.as_micros() % values.len() as u64 != 0 {
                    self.problem(
                        &values_path,
                        format!(
                            "{} rates do not split a day evenly; give `interval`",
                            values.len()
                        ),
                    );
                    return None;
                }
                SimDuration::from_micros(DAY.as_micros() / values.len() as u64)
            }
        };
        if interval.as_micros() * values.len() as u64 != DAY.as_micros() {
            self.problem(
                &values_path,
                format!(
                    "{} rates of {interval} cover {}h, not a day of 24h",
                    values.len(),
                    interval.as_secs_f64() * values.len() as f64 / 3600.0
                ),
            );
            return None;
        }
        Some(ArrivalProcess::Piecewise {
            interval,
            rates_per_hour: Arc::from(values),
        })
    }

    pub(super) fn variable(
        &mut self,
        path: &str,
        file: &VariableFile,
    ) -> Option<VariableGenerator> {
        match (&file.values, &file.number) {
            (Some(values), None) => {
                let weights = file
                    .weights
                    .clone()
                    .unwrap_or_else(|| vec![1.0; values.len()]);
                if values.is_empty() {
                    self.problem(&format!("{path}.values"), "expected at least one value");
                    return None;
                }
                if weights.len() != values.len() {
                    self.problem(
                        &format!("{path}.weights"),
                        format!(
                            "expected {} weights (one per value), got {}",
                            values.len(),
                            weights.len()
                        ),
                    );
                    return None;
                }
                if weights.iter().any(|w| !w.is_finite() || *w < 0.0)
                    || weights.iter().sum::<f64>() <= 0.0
                {
                    self.problem(
                        &format!("{path}.weights"),
                        "weights must be zero or more with a positive total",
                    );
                    return None;
                }
                Some(VariableGenerator::Text {
                    values: values.clone(),
                    weights,
                })
            }
            (None, Some(number)) => Some(VariableGenerator::Number(self.distribution(
                &format!("{path}.number"),
                number,
                Quantity::Number,
            )?)),
            _ => {
                self.problem(path, "give either `values` (text, with optional `weights`) or `number` (a distribution)");
                None
            }
        }
    }
}

/// Reads one numeric column of a CSV file with a header row.
/// Reads one column of numbers from a CSV file with a header row. Only a regular file within
/// [`limits::MAX_CSV_BYTES`] is read (a named pipe or a device is refused before it is
/// opened); messages quote only the file's own column names and cells, shortened, so a file
/// that is not a CSV at all is never echoed.
pub(super) fn read_csv_column(path: &Path, column: &str) -> Result<Vec<f64>, String> {
    let file = crate::config::open_regular_file(path, limits::MAX_CSV_BYTES)
        .map_err(|e| format!("cannot read CSV file {}: {}", path.display(), io_words(&e)))?;
    let mut reader = csv::Reader::from_reader(std::io::Read::take(file, limits::MAX_CSV_BYTES + 1));
    let not_a_csv = || {
        format!(
            "{} does not look like a CSV file: its first line is not a header of column names",
            path.display()
        )
    };
    let headers = reader.headers().map_err(|_| not_a_csv())?.clone();
    // Column names are words: a first line with other characters (`root:x:0:0`, `KEY=value`,
    // binary bytes) is some other kind of file, and is not quoted.
    let name_like = |h: &str| {
        h.chars().count() <= MAX_EXCERPT
            && h.chars()
                .all(|c| c.is_alphanumeric() || " _-.()%#/+&'".contains(c))
    };
    let plausible = headers.len() <= MAX_COLUMNS && headers.iter().all(name_like);
    if !plausible {
        return Err(not_a_csv());
    }
    let position = headers
        .iter()
        .position(|h| h.trim() == column)
        .ok_or_else(|| {
            let names: Vec<String> = headers
                .iter()
                .take(SHOWN_COLUMNS)
                .map(|h| format!("\"{h}\""))
                .collect();
            let more = headers.len().saturating_sub(SHOWN_COLUMNS);
            format!(
                "{} has no column \"{}\" (columns: {}{})",
                path.display(),
                excerpt(column),
                names.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            )
        })?;
    let mut values = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            let reason = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => {
                    format!("{len} fields where the header has {expected_len}")
                }
                csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_string(),
                csv::ErrorKind::Io(io) => io_words(io),
                _ => "not valid CSV".to_string(),
            };
            format!("{}: row {}: {reason}", path.display(), row + 2)
        })?;
        let cell = record.get(position).unwrap_or("").trim();
        let value: f64 = cell.parse().map_err(|_| {
            format!(
                "{}: row {}, column \"{column}\": expected a number, got \"{}\"",
                path.display(),
                row + 2,
                excerpt(cell)
            )
        })?;
        values.push(value);
    }
    if reader.position().byte() > limits::MAX_CSV_BYTES {
        return Err(format!(
            "cannot read CSV file {}: the file is larger than {} MiB",
            path.display(),
            limits::MAX_CSV_BYTES >> 20
        ));
    }
    Ok(values)
}

/// Header names longer than this, or more columns than [`MAX_COLUMNS`], are not a CSV header.
const MAX_EXCERPT: usize = 64;
const MAX_COLUMNS: usize = 10_000;
/// Columns named in a "no such column" message.
const SHOWN_COLUMNS: usize = 12;

/// A cell or name as quoted in a message: at most [`MAX_EXCERPT`] characters, control
/// characters shown as `?`.
fn excerpt(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(MAX_EXCERPT)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    if text.chars().count() > MAX_EXCERPT {
        out.push('…');
    }
    out
}

/// An I/O error in words, without the OS error number for the common cases.
fn io_words(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

/// Whether every draw of a duration is zero once rounded to the model's microseconds.
fn always_zero(distribution: &Distribution) -> bool {
    SimDuration::from_secs_f64(distribution.largest()) == SimDuration::ZERO
}
