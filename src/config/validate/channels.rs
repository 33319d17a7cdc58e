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
            if !rate.is_finite() || rate < 0.0 {
                self.problem(
                    &values_path,
                    format!(
                        "rate {} is {rate}: expected zero or more arrivals per hour",
                        idx + 1
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
pub(super) fn read_csv_column(path: &Path, column: &str) -> Result<Vec<f64>, String> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| {
        format!(
            "cannot read CSV file {}: {}",
            path.display(),
            io_message(&e)
        )
    })?;
    let headers = reader
        .headers()
        .map_err(|e| format!("cannot read the header of {}: {e}", path.display()))?
        .clone();
    let position = headers
        .iter()
        .position(|h| h.trim() == column)
        .ok_or_else(|| {
            let names: Vec<String> = headers.iter().map(|h| format!("\"{h}\"")).collect();
            format!(
                "{} has no column \"{column}\" (columns: {})",
                path.display(),
                names.join(", ")
            )
        })?;
    let mut values = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{}: row {}: {e}", path.display(), row + 2))?;
        let cell = record.get(position).unwrap_or("").trim();
        let value: f64 = cell.parse().map_err(|_| {
            format!(
                "{}: row {}, column \"{column}\": expected a number, got \"{cell}\"",
                path.display(),
                row + 2
            )
        })?;
        values.push(value);
    }
    Ok(values)
}

pub(super) fn io_message(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
            "no such file".to_string()
        }
        _ => error.to_string(),
    }
}
