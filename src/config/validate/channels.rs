//! Validation of `[channels]`: kind, context variables, customer behaviour, the channel's
//! service-level goal, and the CSV columns distributions read (arrivals are in `arrivals.rs`).

use super::*;

/// The highest probability of going Waiting allowed when its cycle takes no time (a resume
/// delay and a handle time both always 0): a thousand Waiting segments a conversation on
/// average, all at one instant, far below the run loop's guard of progress (`sim/stall.rs`).
const MAX_ZERO_TIME_WAITING: f64 = 0.999;

impl Validator<'_> {
    /// Every channel, with the one workstream that serves it.
    pub(super) fn channels(&mut self, file: &ScenarioFile, names: &Names) -> Vec<Channel> {
        let (channel_names, workstream_names) = (&names.channels, &names.workstreams);
        // Each channel is served by exactly one workstream.
        let mut served_by: Vec<Vec<WorkstreamId>> = vec![Vec::new(); channel_names.len()];
        for (ws_idx, (ws_name, workstream)) in file.workstreams.iter().enumerate() {
            for (idx, channel) in workstream.channels.iter().enumerate() {
                let path = format!("{}.channels[{idx}]", path::join("workstreams", ws_name));
                if let Some(channel_idx) = self.resolve(&path, "channel", channel, channel_names) {
                    served_by[channel_idx].push(WorkstreamId::from_index(ws_idx));
                }
            }
            if workstream.channels.is_empty() {
                self.problem(
                    &format!("{}.channels", path::join("workstreams", ws_name)),
                    "a workstream needs at least one channel",
                );
            }
        }

        let defaults = SimulationDefaults::of(file);
        let mut channels = Vec::new();
        for (idx, (name, channel)) in file.channels.iter().enumerate() {
            let path = path::join("channels", name);
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
                &defaults,
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
        defaults: &SimulationDefaults,
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
        let arrivals = self.arrivals(
            &format!("{path}.arrivals"),
            &file.arrivals,
            defaults.interval,
        );
        let service_level = match &file.service_level {
            None => Some(None),
            Some(goal) => self
                .service_level_goal(&format!("{path}.service_level"), goal, defaults)
                .map(Some),
        };
        let mut variables = Vec::new();
        for (var_name, variable) in &file.variables {
            if let Some(generator) = self.variable(
                &path::join(&format!("{path}.variables"), var_name),
                variable,
            ) {
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
                let resume_patience = match &waiting.resume_patience {
                    None => Some(None),
                    Some(p) => self
                        .distribution(
                            &format!("{path}.waiting.resume_patience"),
                            p,
                            Quantity::Duration,
                        )
                        .map(Some),
                };
                match (probability, resume_delay, resume_patience) {
                    (Some(probability), Some(resume_delay), Some(resume_patience)) => {
                        Some(Some(WaitingBehaviour {
                            probability,
                            resume_delay,
                            resume_patience,
                        }))
                    }
                    _ => None,
                }
            }
        };
        if let (Some(Some(waiting)), Some(handle_time)) = (&waiting, &handle_time) {
            let zero_time = always_zero(&waiting.resume_delay) && always_zero(handle_time);
            if zero_time && waiting.probability >= 1.0 {
                self.problem(&format!("{path}.waiting"), "with probability 1, a resume delay that is always 0 and a handle time that is always 0, a conversation would go Waiting and resume for ever without the clock moving: give the handle time or the resume delay a positive value, or a probability of at most 0.999");
            } else if zero_time && waiting.probability > MAX_ZERO_TIME_WAITING {
                // A conversation then goes Waiting 1 / (1 - p) times on average, all at one
                // instant: past about a thousand it runs into the run's guard of progress.
                self.problem(
                    &format!("{path}.waiting"),
                    format!(
                        "with a resume delay and a handle time that are always 0, a conversation goes Waiting and resumes about {:.0} times (1 / (1 - probability)) without the clock moving: give the handle time or the resume delay a positive value, or a probability of at most {MAX_ZERO_TIME_WAITING}",
                        1.0 / (1.0 - waiting.probability)
                    ),
                );
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
        let concurrency_slowdown = self.concurrency_slowdown(
            &format!("{path}.concurrency_slowdown"),
            file.concurrency_slowdown.as_deref(),
        );
        Some(Channel {
            concurrency_slowdown: concurrency_slowdown?,
            service_level: service_level?,
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

    /// A concurrency slowdown list (`[1.0, 1.25, 1.5]`): 1 to 100 factors, each above zero
    /// (a channel's or a workstream's; none given: empty).
    pub(super) fn concurrency_slowdown(
        &mut self,
        path: &str,
        factors: Option<&[f64]>,
    ) -> Option<Vec<f64>> {
        let Some(factors) = factors else {
            return Some(Vec::new());
        };
        if factors.is_empty() || factors.len() > 100 {
            self.problem(
                path,
                format!(
                    "expected 1 to 100 factors, one per number of conversations the agent holds (e.g. [1.0, 1.25, 1.5]), got {}",
                    factors.len()
                ),
            );
            return None;
        }
        let mut ok = true;
        for (idx, &factor) in factors.iter().enumerate() {
            if !(factor.is_finite() && factor > 0.0 && factor <= 1000.0) {
                self.problem(
                    &format!("{path}[{idx}]"),
                    format!("expected a handle-time factor above 0 and at most 1000 (1.0 = no slowdown), got {factor}"),
                );
                ok = false;
            }
        }
        ok.then(|| factors.to_vec())
    }

    /// A channel's `service_level = { threshold, target }`; a part not given is the
    /// scenario's.
    fn service_level_goal(
        &mut self,
        path: &str,
        file: &ServiceLevelFile,
        defaults: &SimulationDefaults,
    ) -> Option<ServiceLevelGoal> {
        if file.threshold.is_none() && file.target.is_none() {
            self.problem(path, "give `threshold` (e.g. \"20s\", \"4h\"), `target` (e.g. 0.8) or both; a part not given is the scenario's");
            return None;
        }
        let threshold = match &file.threshold {
            None => Some(defaults.threshold),
            Some(text) => self.positive_duration(&format!("{path}.threshold"), text),
        };
        let target = file.target.unwrap_or(defaults.target);
        if !(target > 0.0 && target <= 1.0) {
            self.problem(
                &format!("{path}.target"),
                format!("expected a fraction above 0 and at most 1 (0.8 = 80 %), got {target}"),
            );
            return None;
        }
        Some(ServiceLevelGoal {
            threshold: threshold?,
            target,
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

/// Opens a CSV file with a header row. Only a regular file within [`limits::MAX_CSV_BYTES`]
/// is read (a named pipe or a device is refused before it is opened), and a first line that is
/// not made of column names is refused without being quoted, so a file that is not a CSV at
/// all is never echoed.
pub(super) fn open_csv(
    path: &Path,
) -> Result<(csv::Reader<std::io::Take<std::fs::File>>, csv::StringRecord), String> {
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
    Ok((reader, headers))
}

/// Reads one column of numbers from a CSV file with a header row (see [`open_csv`]), once per
/// file and column while reads are shared (see `csv_cache`).
pub(super) fn read_csv_column(path: &Path, column: &str) -> Result<std::sync::Arc<[f64]>, String> {
    let values = super::csv_cache::cached(path, &format!("column {column}"), || {
        read_csv_column_afresh(path, column).map(std::sync::Arc::<[f64]>::from)
    })?;
    Ok(std::sync::Arc::clone(&values))
}

/// Reads one column of numbers from a CSV file with a header row (see [`open_csv`]); messages
/// quote only the file's own column names and cells, shortened.
fn read_csv_column_afresh(path: &Path, column: &str) -> Result<Vec<f64>, String> {
    let (mut reader, headers) = open_csv(path)?;
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
pub(super) fn excerpt(text: &str) -> String {
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
