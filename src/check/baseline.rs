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
//! row,replication,scope,name,measure,value,ci_low,ci_high
//! replication,0,overall,all,offered,523,,
//! mean,,overall,all,offered,520.33,511.2,529.5
//! ```
//!
//! `replication` rows hold the values a check pairs with, written so they read back bit for
//! bit; `mean` rows (mean over the replications with a 95% t interval) are for people reading
//! the file and are checked for shape only. Reading validates everything and names the file and
//! line of the first problem; it never guesses at a damaged file.

use std::collections::BTreeMap;

use crate::metrics::Scope;
use crate::sweep::replication_seed;

use super::hash::ScenarioHash;
use super::samples::{MeasureKey, Samples};
use super::stats::mean_interval;

/// The version of the file layout this routesim writes and reads.
pub const FORMAT_VERSION: u32 = 1;
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
        let mut out = String::new();
        let seeds: Vec<String> = self.seeds.iter().map(u64::to_string).collect();
        for line in [
            MAGIC.to_string(),
            format!("# format_version: {FORMAT_VERSION}"),
            format!("# routesim_version: {}", self.routesim_version),
            format!("# scenario: {}", self.scenario_name.replace('\n', " ")),
            format!("# scenario_hash: {}", self.scenario_hash),
            format!("# base_seed: {}", self.base_seed),
            format!("# replications: {}", self.seeds.len()),
            format!("# seeds: {}", seeds.join(" ")),
        ] {
            out.push_str(&line);
            out.push('\n');
        }
        let mut writer = csv::Writer::from_writer(out.into_bytes());
        let write = |writer: &mut csv::Writer<Vec<u8>>, record: &[String]| {
            writer
                .write_record(record)
                .expect("writing to memory cannot fail");
        };
        write(&mut writer, &HEADER.map(String::from));
        let keys = self.samples.keys();
        for replication in 0..self.replications() {
            for key in keys {
                let value =
                    self.samples.series(key).expect("a listed key has a series")[replication];
                let mut record = key_record("replication", replication.to_string(), key);
                record.extend([exact(value), String::new(), String::new()]);
                write(&mut writer, &record);
            }
        }
        for key in keys {
            let finite: Vec<f64> = self
                .samples
                .series(key)
                .expect("a listed key has a series")
                .iter()
                .copied()
                .filter(|v| v.is_finite())
                .collect();
            let mut record = key_record("mean", String::new(), key);
            match mean_interval(&finite, AGGREGATE_CONFIDENCE) {
                Some(interval) => record.extend([
                    exact(interval.mean),
                    exact(interval.low),
                    exact(interval.high),
                ]),
                None => record.extend([
                    finite
                        .first()
                        .map_or_else(|| exact(f64::NAN), |v| exact(*v)),
                    String::new(),
                    String::new(),
                ]),
            }
            write(&mut writer, &record);
        }
        writer.into_inner().expect("writing to memory cannot fail")
    }

    /// Reads and validates a baseline file's text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Baseline, BaselineError> {
        Reader { file }.parse(text)
    }
}

fn key_record(kind: &str, replication: String, key: &MeasureKey) -> Vec<String> {
    vec![
        kind.to_string(),
        replication,
        key.scope.to_string(),
        key.name.clone(),
        key.measure.clone(),
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
        let Some(header_idx) = header_idx else {
            return Err(self.error(None, "the file ends before the header line"));
        };
        let samples = self.rows(&lines[header_idx..].join("\n"), header_idx, replications)?;
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
    ) -> Result<Samples, BaselineError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(body.as_bytes());
        let mut samples = Samples::new(replications);
        let mut seen: BTreeMap<MeasureKey, Vec<bool>> = BTreeMap::new();
        let mut means = 0usize;
        let mut first = true;
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map(|p| p.line() as usize + offset);
                self.error(line, format!("not valid CSV: {e}"))
            })?;
            let line = record
                .position()
                .map_or(offset + 1, |p| p.line() as usize + offset);
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
                name: record[3].to_string(),
                measure: record[4].to_string(),
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
                    means += 1;
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
        if means != seen.len() {
            return Err(self.error(
                None,
                format!(
                    "{} measures but {means} mean rows (the file is truncated or edited)",
                    seen.len()
                ),
            ));
        }
        Ok(samples)
    }

    fn value(&self, text: &str, line: usize, field: &str) -> Result<f64, BaselineError> {
        match text {
            "NaN" => Ok(f64::NAN),
            _ => text
                .parse::<f64>()
                .ok()
                .filter(|v| !v.is_nan())
                .ok_or_else(|| {
                    self.error(
                        Some(line),
                        format!("{field}: expected a number or NaN, found \"{text}\""),
                    )
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline() -> Baseline {
        let mut samples = Samples::new(3);
        let values = [
            (Scope::Overall, "all", "asa_s", [12.5, 0.1 + 0.2, f64::NAN]),
            (
                Scope::Queue,
                "a,b \"quoted\"",
                "service_level_20s_of_offered",
                [0.8, 1.0 / 3.0, 1e-300],
            ),
        ];
        for (scope, name, measure, series) in values {
            for (r, v) in series.into_iter().enumerate() {
                samples.set(
                    MeasureKey {
                        scope,
                        name: name.into(),
                        measure: measure.into(),
                    },
                    r,
                    v,
                );
            }
        }
        Baseline {
            routesim_version: "0.1.0".into(),
            scenario_name: "mmc".into(),
            scenario_hash: ScenarioHash(0xdead_beef),
            base_seed: 5,
            seeds: (0..3).map(|r| replication_seed(5, r)).collect(),
            samples,
        }
    }

    fn text() -> String {
        String::from_utf8(baseline().to_csv()).unwrap()
    }

    #[test]
    fn a_written_baseline_reads_back_bit_for_bit() {
        let read = Baseline::parse(&text(), "b.csv").unwrap();
        let original = baseline();
        assert_eq!(read.seeds, original.seeds);
        assert_eq!(read.scenario_hash, original.scenario_hash);
        for key in original.samples.keys() {
            let (a, b) = (
                original.samples.series(key).unwrap(),
                read.samples.series(key).unwrap(),
            );
            for (x, y) in a.iter().zip(b) {
                // NaN is compared by being NaN, not by payload.
                assert!(
                    x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
                    "{key}: {x} vs {y}"
                );
            }
        }
    }

    /// Edits the good file with `edit` and returns the error message.
    fn damaged(edit: impl Fn(String) -> String) -> String {
        Baseline::parse(&edit(text()), "b.csv")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn damaged_files_are_refused_with_the_file_line_and_reason() {
        type Edit = Box<dyn Fn(String) -> String>;
        let cases: Vec<(Edit, &str)> = vec![
            (
                Box::new(|t| t.replacen("# routesim baseline", "scope,name", 1)),
                "b.csv:1: not a routesim baseline file",
            ),
            (
                Box::new(|t| t.replace("format_version: 1", "format_version: 2")),
                "b.csv:2: format version 2, but this routesim reads version 1",
            ),
            (
                Box::new(|t| t.replace("# replications: 3", "# replications: 4")),
                "b.csv:8: seeds: 3 seeds listed, but replications is 4",
            ),
            (
                Box::new(|t| {
                    t.lines()
                        .filter(|l| !l.starts_with("# seeds"))
                        .collect::<Vec<_>>()
                        .join("\n")
                }),
                "b.csv: the metadata has no \"# seeds:\" line",
            ),
            (
                Box::new(|t| t.replace("# seeds: 5 ", "# seeds: 6 ")),
                "b.csv:8: seeds: replication 0 has seed 6, but base seed 5 gives 5",
            ),
            (
                Box::new(|t| {
                    t.replace(
                        "scenario_hash: fnv1a64:00000000deadbeef",
                        "scenario_hash: 12",
                    )
                }),
                "b.csv:5: scenario_hash: expected fnv1a64:<16 hex digits>",
            ),
            (
                Box::new(|t| t.replace("row,replication", "kind,replication")),
                "b.csv:9: expected the header",
            ),
            (
                Box::new(|t| {
                    t.replace(
                        "replication,1,overall,all,asa_s,0.30000000000000004,,",
                        "replication,1,overall,all,asa_s,0.3x,,",
                    )
                }),
                "b.csv:12: value: expected a number or NaN, found \"0.3x\"",
            ),
            (
                Box::new(|t| {
                    t.replace(
                        "replication,1,overall,all,asa_s,0.30000000000000004,,",
                        "replication,1,overall,all",
                    )
                }),
                "b.csv:12: expected 8 fields, found 4",
            ),
            (
                Box::new(|t| {
                    t.replace(
                        "replication,1,overall,all,asa_s",
                        "replication,3,overall,all,asa_s",
                    )
                }),
                "b.csv:12: replication 3 is out of range",
            ),
            (
                Box::new(|t| {
                    t.replace(
                        "replication,1,overall,all,asa_s",
                        "replication,0,overall,all,asa_s",
                    )
                }),
                "b.csv:12: overall all asa_s of replication 0 is given twice",
            ),
            (
                Box::new(|t| {
                    t.replace(
                        "replication,1,overall,all,asa_s",
                        "replication,1,room,all,asa_s",
                    )
                }),
                "b.csv:12: unknown scope \"room\"",
            ),
            (
                Box::new(|t| {
                    t.lines()
                        .filter(|l| !l.starts_with("replication,2,overall"))
                        .collect::<Vec<_>>()
                        .join("\n")
                }),
                "b.csv: overall all asa_s has no value for replication 2",
            ),
            (
                Box::new(|t| t.lines().take(12).collect::<Vec<_>>().join("\n")),
                "b.csv: overall all asa_s has no value for replication 2",
            ),
            (
                Box::new(|t| t.lines().take(8).collect::<Vec<_>>().join("\n")),
                "b.csv: the file ends before the header line",
            ),
        ];
        for (edit, expected) in cases {
            let message = damaged(edit);
            assert!(
                message.starts_with(expected),
                "expected {expected:?}, got {message:?}"
            );
        }
    }

    #[test]
    fn the_metadata_block_is_what_the_format_documents() {
        let text = text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "# format_version: 1");
        assert_eq!(lines[6], "# replications: 3");
        assert_eq!(
            lines[8],
            "row,replication,scope,name,measure,value,ci_low,ci_high"
        );
        assert_eq!(lines[9], "replication,0,overall,all,asa_s,12.5,,");
        assert!(lines.contains(&"replication,2,overall,all,asa_s,NaN,,"));
        // Mean rows skip undefined values: (12.5 + 0.3) / 2.
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("mean,,overall,all,asa_s,6.4,")),
            "{text}"
        );
    }
}
