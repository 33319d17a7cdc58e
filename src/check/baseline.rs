//! The baseline file: every measure of every replication of a scenario, with the seeds, the
//! scenario hash and the routesim version, so that a later check can rerun the same
//! replications and pair them one by one.
//!
//! The file is a CSV with a metadata block of `# key: value` comment lines:
//!
//! ```text
//! # routesim baseline
//! # format_version: 1
//! # routesim_version: 0.1.0
//! # scenario: mmc
//! # scenario_hash: fnv1a64:0123456789abcdef
//! # base_seed: 1
//! # replications: 3
//! # seeds: 1 11400714819323198486 4354685564936845355
//! # checksum: fnv1a64:89abcdef01234567
//! row,replication,scope,name,measure,value,ci_low,ci_high
//! replication,0,overall,all,offered,523,,
//! mean,,overall,all,offered,520.33,511.2,529.5
//! ```
//!
//! `replication` rows hold the values a check pairs with, written so they read back bit for
//! bit; `mean` rows (mean over the replications with a 95% t interval) are for people reading
//! the file, and must agree with the replication rows. The checksum is FNV-1a 64 over the other
//! metadata values (except `routesim_version`, which only decides a warning) and every CSV field (not over the bytes, so a line-ending conversion keeps
//! it): an edited value is detected even when the file stays well formed. It guards against
//! edits and damage, not against someone recomputing it (it is not a signature). Reading
//! validates everything and names the file and line of the first problem; it never guesses at
//! a damaged file. Values must be finite numbers or `NaN` (undefined).

use std::collections::BTreeMap;

use crate::metrics::{MeasureKey, Scope, Text};
use crate::sweep::replication_seed;

use super::hash::{Fnv1a64, ScenarioHash};
use super::samples::Samples;
use super::stats::mean_interval;

/// The version of the file layout this routesim writes and reads.
pub const FORMAT_VERSION: u32 = 2;
const MAGIC: &str = "# routesim baseline";
const HEADER: [&str; 8] = [
    "row",
    "replication",
    "scope",
    "name",
    "measure",
    "value",
    "ci_low",
    "ci_high",
];
const AGGREGATE_CONFIDENCE: f64 = 0.95;

/// Why a baseline file cannot be used. The message names the file and, when it is about one
/// line, the line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct BaselineError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

/// A baseline: the replications of one scenario and where they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Baseline {
    pub routesim_version: String,
    pub scenario_name: String,
    pub scenario_hash: ScenarioHash,
    pub base_seed: u64,
    /// The seed of each replication, `replication_seed(base_seed, r)`.
    pub seeds: Vec<u64>,
    pub samples: Samples,
}

impl Baseline {
    pub fn replications(&self) -> usize {
        self.seeds.len()
    }

    /// The file's bytes.
    pub fn to_csv(&self) -> Vec<u8> {
        let seeds: Vec<String> = self.seeds.iter().map(u64::to_string).collect();
        let metadata = [
            ("format_version", FORMAT_VERSION.to_string()),
            ("routesim_version", self.routesim_version.clone()),
            ("scenario", self.scenario_name.replace(['\n', '\r'], " ")),
            ("scenario_hash", self.scenario_hash.to_string()),
            ("base_seed", self.base_seed.to_string()),
            ("replications", self.seeds.len().to_string()),
            ("seeds", seeds.join(" ")),
        ];
        let mut records = vec![HEADER.map(String::from).to_vec()];
        let keys = self.samples.keys();
        for replication in 0..self.replications() {
            for key in keys {
                let value =
                    self.samples.series(key).expect("a listed key has a series")[replication];
                let mut record = key_record("replication", replication.to_string(), key);
                record.extend([exact(value), String::new(), String::new()]);
                records.push(record);
            }
        }
        for key in keys {
            let series = self.samples.series(key).expect("a listed key has a series");
            let mut record = key_record("mean", String::new(), key);
            record.extend(mean_fields(series));
            records.push(record);
        }

        let mut checksum = Checksum::new();
        let mut sorted: Vec<(&str, &str)> = metadata
            .iter()
            .map(|(key, value)| (*key, value.trim()))
            .collect();
        sorted.sort();
        for (key, value) in sorted {
            checksum.metadata(key, value);
        }
        for record in &records {
            checksum.record(record.iter().map(String::as_str));
        }

        let mut out = format!("{MAGIC}\n");
        for (key, value) in &metadata {
            out.push_str(&format!("# {key}: {value}\n"));
        }
        out.push_str(&format!("# checksum: {}\n", checksum.text()));
        let mut writer = csv::Writer::from_writer(out.into_bytes());
        for record in &records {
            writer
                .write_record(record)
                .expect("writing to memory cannot fail");
        }
        writer.into_inner().expect("writing to memory cannot fail")
    }

    /// Reads and validates a baseline file's text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Baseline, BaselineError> {
        Reader { file }.parse(text)
    }
}

/// The value, ci_low and ci_high of a measure's mean row: the mean over the replications that
/// define it, with its interval when there are two or more.
fn mean_fields(series: &[f64]) -> [String; 3] {
    let finite: Vec<f64> = series.iter().copied().filter(|v| v.is_finite()).collect();
    match mean_interval(&finite, AGGREGATE_CONFIDENCE) {
        Some(interval) => [
            exact(interval.mean),
            exact(interval.low),
            exact(interval.high),
        ],
        None => [
            finite
                .first()
                .map_or_else(|| exact(f64::NAN), |v| exact(*v)),
            String::new(),
            String::new(),
        ],
    }
}

/// The checksum of a baseline: FNV-1a 64 over the metadata values (sorted by key, without the
/// checksum itself and the routesim version) and the fields of every CSV record, each piece ended by a separator byte
/// that no field holds unquoted.
struct Checksum(Fnv1a64);

impl Checksum {
    fn new() -> Checksum {
        Checksum(Fnv1a64::new())
    }

    fn metadata(&mut self, key: &str, value: &str) {
        if key == "checksum" || key == "routesim_version" {
            return;
        }
        self.0.write(key.as_bytes());
        self.0.write(b"\x1f");
        self.0.write(value.as_bytes());
        self.0.write(b"\x1e");
    }

    fn record<'a>(&mut self, fields: impl Iterator<Item = &'a str>) {
        for field in fields {
            self.0.write(field.as_bytes());
            self.0.write(b"\x1f");
        }
        self.0.write(b"\x1d");
    }

    fn text(self) -> String {
        format!("fnv1a64:{:016x}", self.0.finish())
    }
}

fn key_record(kind: &str, replication: String, key: &MeasureKey) -> Vec<String> {
    vec![
        kind.to_string(),
        replication,
        key.scope.to_string(),
        key.name.to_string(),
        key.measure.to_string(),
    ]
}

/// Shortest text that reads back as the same `f64` (Rust's `Display` guarantees the round
/// trip), `NaN` for undefined.
fn exact(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else {
        value.to_string()
    }
}

struct Reader<'a> {
    file: &'a str,
}

impl Reader<'_> {
    fn error(&self, line: Option<usize>, message: impl Into<String>) -> BaselineError {
        BaselineError {
            file: self.file.to_string(),
            line,
            message: message.into(),
        }
    }

    fn parse(&self, text: &str) -> Result<Baseline, BaselineError> {
        let lines: Vec<&str> = text.lines().collect();
        if lines.first().map(|l| l.trim_end()) != Some(MAGIC) {
            return Err(self.error(
                Some(1),
                format!("not a routesim baseline file: the first line should be \"{MAGIC}\""),
            ));
        }
        let mut metadata: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
        let mut header_idx = None;
        for (idx, line) in lines.iter().enumerate().skip(1) {
            let Some(rest) = line.strip_prefix('#') else {
                header_idx = Some(idx);
                break;
            };
            let Some((key, value)) = rest.split_once(':') else {
                return Err(self.error(Some(idx + 1), "expected a metadata line \"# key: value\""));
            };
            if metadata
                .insert(key.trim(), (idx + 1, value.trim()))
                .is_some()
            {
                return Err(self.error(Some(idx + 1), format!("\"{}\" is given twice", key.trim())));
            }
        }
        let meta = |key: &str| -> Result<(usize, &str), BaselineError> {
            metadata
                .get(key)
                .copied()
                .ok_or_else(|| self.error(None, format!("the metadata has no \"# {key}:\" line")))
        };
        let number = |key: &str| -> Result<(usize, u64), BaselineError> {
            let (line, value) = meta(key)?;
            value.parse::<u64>().map(|n| (line, n)).map_err(|_| {
                self.error(
                    Some(line),
                    format!("{key}: expected a whole number, found \"{value}\""),
                )
            })
        };
        let (line, version) = number("format_version")?;
        if version != u64::from(FORMAT_VERSION) {
            return Err(self.error(
                Some(line),
                format!("format version {version}, but this routesim reads version {FORMAT_VERSION}: make a new baseline with `routesim baseline`"),
            ));
        }
        let (_, routesim_version) = meta("routesim_version")?;
        let (_, scenario_name) = meta("scenario")?;
        let (hash_line, hash_text) = meta("scenario_hash")?;
        let scenario_hash = ScenarioHash::parse(hash_text).ok_or_else(|| {
            self.error(
                Some(hash_line),
                format!("scenario_hash: expected fnv1a64:<16 hex digits>, found \"{hash_text}\""),
            )
        })?;
        let (_, base_seed) = number("base_seed")?;
        let (replications_line, replications) = number("replications")?;
        if replications < 2 {
            return Err(self.error(
                Some(replications_line),
                "replications: a baseline needs at least 2",
            ));
        }
        let replications = replications as usize;
        let (seeds_line, seeds_text) = meta("seeds")?;
        let mut seeds = Vec::new();
        for (r, word) in seeds_text.split_whitespace().enumerate() {
            let seed = word.parse::<u64>().map_err(|_| {
                self.error(Some(seeds_line), format!("seeds: \"{word}\" is not a seed"))
            })?;
            let expected = replication_seed(base_seed, r as u32);
            if seed != expected {
                return Err(self.error(
                    Some(seeds_line),
                    format!("seeds: replication {r} has seed {seed}, but base seed {base_seed} gives {expected}: the file was edited or damaged"),
                ));
            }
            seeds.push(seed);
        }
        if seeds.len() != replications {
            return Err(self.error(
                Some(seeds_line),
                format!(
                    "seeds: {} seeds listed, but replications is {replications}",
                    seeds.len()
                ),
            ));
        }
        let (checksum_line, stored_checksum) = meta("checksum")?;
        let Some(header_idx) = header_idx else {
            return Err(self.error(None, "the file ends before the header line"));
        };
        let mut checksum = Checksum::new();
        for (key, (_, value)) in &metadata {
            checksum.metadata(key, value);
        }
        let samples = self.rows(
            &lines[header_idx..].join("\n"),
            header_idx,
            replications,
            &mut checksum,
        )?;
        let computed = checksum.text();
        if computed != stored_checksum {
            return Err(self.error(
                Some(checksum_line),
                format!("checksum: the file's rows and metadata give {computed}, not the {stored_checksum} written with them: the file was edited or damaged after `routesim baseline` wrote it; make the baseline again"),
            ));
        }
        Ok(Baseline {
            routesim_version: routesim_version.to_string(),
            scenario_name: scenario_name.to_string(),
            scenario_hash,
            base_seed,
            seeds,
            samples,
        })
    }

    /// Reads the CSV part; `offset` is the number of lines before it.
    fn rows(
        &self,
        body: &str,
        offset: usize,
        replications: usize,
        checksum: &mut Checksum,
    ) -> Result<Samples, BaselineError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body.as_bytes());
        let mut samples = Samples::new(replications);
        let mut seen: BTreeMap<MeasureKey, Vec<bool>> = BTreeMap::new();
        let mut means: BTreeMap<MeasureKey, (usize, [String; 3])> = BTreeMap::new();
        let mut first = true;
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map(|p| p.line() as usize + offset);
                self.error(line, format!("not valid CSV: {e}"))
            })?;
            let line = record
                .position()
                .map_or(offset + 1, |p| p.line() as usize + offset);
            checksum.record(record.iter());
            if first {
                first = false;
                if record.iter().ne(HEADER.iter().copied()) {
                    return Err(self.error(
                        Some(line),
                        format!("expected the header \"{}\"", HEADER.join(",")),
                    ));
                }
                continue;
            }
            if record.len() != HEADER.len() {
                return Err(self.error(
                    Some(line),
                    format!("expected {} fields, found {}", HEADER.len(), record.len()),
                ));
            }
            let scope = Scope::parse(&record[2]).ok_or_else(|| {
                self.error(Some(line), format!("unknown scope \"{}\"", &record[2]))
            })?;
            let key = MeasureKey {
                scope,
                name: Text::copy_of(&record[3]),
                measure: Text::copy_of(&record[4]),
            };
            if key.name.is_empty() || key.measure.is_empty() {
                return Err(self.error(Some(line), "empty name or measure"));
            }
            let value = self.value(&record[5], line, "value")?;
            match &record[0] {
                "replication" => {
                    let replication = record[1].parse::<usize>().map_err(|_| {
                        self.error(
                            Some(line),
                            format!(
                                "replication: expected a whole number, found \"{}\"",
                                &record[1]
                            ),
                        )
                    })?;
                    if replication >= replications {
                        return Err(self.error(
                            Some(line),
                            format!(
                                "replication {replication} is out of range: the metadata says {replications} replications (0 to {})",
                                replications - 1
                            ),
                        ));
                    }
                    if !record[6].is_empty() || !record[7].is_empty() {
                        return Err(
                            self.error(Some(line), "a replication row has no ci_low/ci_high")
                        );
                    }
                    let flags = seen
                        .entry(key.clone())
                        .or_insert_with(|| vec![false; replications]);
                    if std::mem::replace(&mut flags[replication], true) {
                        return Err(self.error(
                            Some(line),
                            format!("{key} of replication {replication} is given twice"),
                        ));
                    }
                    samples.set(key, replication, value);
                }
                "mean" => {
                    if !record[1].is_empty() {
                        return Err(
                            self.error(Some(line), "a mean row has an empty replication field")
                        );
                    }
                    for (idx, field) in [(6, "ci_low"), (7, "ci_high")] {
                        if !record[idx].is_empty() {
                            self.value(&record[idx], line, field)?;
                        }
                    }
                    let fields = [5, 6, 7].map(|idx| record[idx].to_string());
                    if means.insert(key.clone(), (line, fields)).is_some() {
                        return Err(
                            self.error(Some(line), format!("{key}: the mean row is given twice"))
                        );
                    }
                }
                other => {
                    return Err(self.error(
                        Some(line),
                        format!("unknown row kind \"{other}\" (expected replication or mean)"),
                    ))
                }
            }
        }
        if first {
            return Err(self.error(
                Some(offset + 1),
                format!("expected the header \"{}\"", HEADER.join(",")),
            ));
        }
        if seen.is_empty() {
            return Err(self.error(None, "the file has no replication rows"));
        }
        for (key, flags) in &seen {
            if let Some(missing) = flags.iter().position(|present| !present) {
                return Err(self.error(None, format!("{key} has no value for replication {missing} (the file is truncated or edited)")));
            }
        }
        if means.len() != seen.len() {
            return Err(self.error(
                None,
                format!(
                    "{} measures but {} mean rows (the file is truncated or edited)",
                    seen.len(),
                    means.len()
                ),
            ));
        }
        for (key, (line, fields)) in &means {
            let Some(series) = samples.series(key) else {
                return Err(self.error(
                    Some(*line),
                    format!("{key} has a mean row but no replication rows"),
                ));
            };
            if mean_fields(series) != *fields {
                return Err(self.error(
                    Some(*line),
                    format!("{key}: the mean row does not agree with the replication rows: the file was edited or damaged"),
                ));
            }
        }
        Ok(samples)
    }

    /// A finite number, or `NaN` for undefined; infinities are refused (no measure is one).
    fn value(&self, text: &str, line: usize, field: &str) -> Result<f64, BaselineError> {
        match text {
            "NaN" => Ok(f64::NAN),
            _ => text
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    self.error(
                        Some(line),
                        format!("{field}: expected a finite number or NaN, found \"{text}\""),
                    )
                }),
        }
    }
}

#[cfg(test)]
mod tests;
