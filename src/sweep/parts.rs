//! The work folder of a sweep: one small file per finished (point, replication) pair, plus a
//! manifest describing the sweep, so that an interrupted sweep loses nothing finished, shards
//! write disjoint files, and `merge` can rebuild the final tables from any set of folders.
//!
//! A part is written to a temporary name and renamed into place, and it opens with the sweep's
//! fingerprint and ends with a trailer line counting its rows and holding a checksum of every
//! byte before it: a file without the trailer is incomplete and is run again, never read as a
//! result; a complete file whose checksum does not match was edited and is refused by name.
//! Values are written with Rust's shortest round-trip formatting, so reading a part gives back
//! the exact bits computed.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::aggregate::Replication;
use super::spec::SweepLayout;
use super::SweepError;
use crate::metrics::{MeasureRow, Scope, Text};

/// The manifest's file name inside the parts folder.
pub const MANIFEST: &str = "manifest.toml";

const MAGIC: &str = "routesim-sweep-part v2";
/// The first format, without a checksum: refused with a clear message rather than trusted.
const MAGIC_V1: &str = "routesim-sweep-part v1";
const TRAILER: &str = "end rows=";
const CHECKSUM: &str = " fnv1a64=";

/// FNV-1a, 64 bits, over a part's bytes before its trailer. Not a defence against tampering,
/// but any edit of a value, a name or a line shows, and it is stable across platforms.
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The file name of a pair's part.
pub fn part_file_name(point: usize, replication: u32) -> String {
    format!("p{point:05}-r{replication:05}.part")
}

/// The pair a part or a temporary part file name belongs to.
pub fn pair_of_file_name(name: &str) -> Option<(usize, u32)> {
    let name = name.strip_prefix('.').unwrap_or(name);
    let rest = name.strip_prefix('p')?;
    let (point, rest) = rest.split_once("-r")?;
    let (replication, _) = rest.split_once(".part")?;
    Some((point.parse().ok()?, replication.parse().ok()?))
}

/// The bytes of a part.
pub fn encode_part(fingerprint: &str, replication: &Replication) -> Vec<u8> {
    let mut out = format!(
        "{MAGIC} fingerprint={fingerprint} point={} replication={} seed={}\n",
        replication.point, replication.replication, replication.seed
    )
    .into_bytes();
    let mut writer = csv::Writer::from_writer(&mut out);
    writer
        .write_record(["scope", "name", "measure", "value"])
        .expect("writing to memory cannot fail");
    for row in &replication.rows {
        // `{}` on f64 is the shortest text that parses back to the same bits (NaN and inf too).
        writer
            .write_record([
                row.scope.as_str(),
                &row.name,
                &row.measure,
                &row.value.to_string(),
            ])
            .expect("writing to memory cannot fail");
    }
    drop(writer);
    let sum = checksum(&out);
    out.extend_from_slice(
        format!("{TRAILER}{}{CHECKSUM}{sum:016x}\n", replication.rows.len()).as_bytes(),
    );
    out
}

/// Why a part file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartProblem {
    /// Cut short (no trailer, or fewer rows than it announces): run the pair again.
    Incomplete,
    /// Written by another sweep.
    Foreign { found: String },
    /// Complete but not what its name says, or unreadable.
    Corrupt(String),
}

/// Reads a part written by [`encode_part`] for sweep `fingerprint` and pair (`point`,
/// `replication`).
pub fn decode_part(
    bytes: &[u8],
    fingerprint: &str,
    point: usize,
    replication: u32,
) -> Result<Replication, PartProblem> {
    let text = std::str::from_utf8(bytes).map_err(|_| PartProblem::Incomplete)?;
    let (header, body) = text.split_once('\n').ok_or(PartProblem::Incomplete)?;
    if header.starts_with(MAGIC_V1) {
        return Err(PartProblem::Corrupt(
            "written by an older routesim (part format v1, without a checksum); run the sweep again into a new folder".into(),
        ));
    }
    let fields = header
        .strip_prefix(MAGIC)
        .ok_or_else(|| PartProblem::Corrupt("not a routesim sweep part".into()))?;
    let field = |key: &str| {
        fields
            .split_whitespace()
            .find_map(|f| f.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
            .map(str::to_string)
    };
    let found = field("fingerprint").unwrap_or_default();
    if found != fingerprint {
        return Err(PartProblem::Foreign { found });
    }
    if field("point").and_then(|p| p.parse().ok()) != Some(point)
        || field("replication").and_then(|r| r.parse().ok()) != Some(replication)
    {
        return Err(PartProblem::Corrupt(format!(
            "the file does not hold point {point} replication {replication}"
        )));
    }
    let seed: u64 = field("seed")
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| PartProblem::Corrupt("no seed in the header".into()))?;
    let body = body.strip_suffix('\n').ok_or(PartProblem::Incomplete)?;
    let (rows_text, trailer) = body.rsplit_once('\n').ok_or(PartProblem::Incomplete)?;
    let (announced, stored_sum) = trailer
        .strip_prefix(TRAILER)
        .and_then(|rest| rest.split_once(CHECKSUM))
        .and_then(|(rows, sum)| {
            let rows: usize = rows.parse().ok()?;
            (sum.len() == 16)
                .then(|| u64::from_str_radix(sum, 16).ok())
                .flatten()
                .map(|sum| (rows, sum))
        })
        .ok_or(PartProblem::Incomplete)?;
    // Everything before the trailer: the text up to and including the newline ending the rows.
    let covered = &bytes[..header.len() + 1 + rows_text.len() + 1];
    if checksum(covered) != stored_sum {
        return Err(PartProblem::Corrupt(
            "its checksum does not match its contents: the file was changed after it was written; delete it and run the sweep again with --resume".into(),
        ));
    }
    let mut reader = csv::Reader::from_reader(rows_text.as_bytes());
    let mut rows = Vec::with_capacity(announced);
    for record in reader.records() {
        let record = record.map_err(|e| PartProblem::Corrupt(e.to_string()))?;
        let bad = || {
            PartProblem::Corrupt(format!(
                "unreadable row {:?}",
                record.iter().collect::<Vec<_>>()
            ))
        };
        if record.len() != 4 {
            return Err(bad());
        }
        let scope = Scope::parse(&record[0]).ok_or_else(bad)?;
        let value: f64 = record[3].parse().map_err(|_| bad())?;
        // Undefined measures are NaN; no measure is ever infinite.
        if value.is_infinite() {
            return Err(PartProblem::Corrupt(format!(
                "row {:?}: {} is not a finite number (only NaN, for an undefined measure, may stand for one)",
                record.iter().collect::<Vec<_>>(),
                &record[3]
            )));
        }
        rows.push(MeasureRow {
            scope,
            name: Text::copy_of(&record[1]),
            measure: Text::copy_of(&record[2]),
            value,
        });
    }
    if rows.len() != announced {
        return Err(PartProblem::Incomplete);
    }
    Ok(Replication {
        point,
        replication,
        seed,
        rows,
    })
}

/// A parts folder's manifest: the sweep's layout, and how many shards it was split into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub layout: SweepLayout,
    /// Shards of the run that wrote the folder (1 for one machine); `None` in manifests written
    /// before the count was recorded.
    pub shards: Option<u32>,
}

const SHARDS_KEY: &str = "shards";

/// The manifest as TOML: `shards = N`, then the layout's fields.
pub fn encode_manifest(layout: &SweepLayout, shards: u32) -> Vec<u8> {
    let layout = toml::to_string(layout).expect("a layout is plain data");
    format!("{SHARDS_KEY} = {shards}\n{layout}").into_bytes()
}

pub fn decode_manifest(path: &Path) -> Result<Manifest, SweepError> {
    let text = crate::config::read_regular_text(path, crate::config::limits::MAX_SCENARIO_BYTES)
        .map_err(|source| SweepError::Io {
            path: path.display().to_string(),
            source,
        })?;
    let corrupt = |message: String| SweepError::CorruptPart {
        path: path.display().to_string(),
        message: format!("not a sweep manifest: {message}"),
    };
    let mut table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| corrupt(e.message().to_string()))?;
    let shards = match table.remove(SHARDS_KEY) {
        None => None,
        Some(toml::Value::Integer(n)) if (1..=i64::from(u32::MAX)).contains(&n) => Some(n as u32),
        Some(other) => {
            return Err(corrupt(format!(
                "`{SHARDS_KEY}` must be a whole number of at least 1, found {other}"
            )))
        }
    };
    let layout = table
        .try_into()
        .map_err(|e: toml::de::Error| corrupt(e.message().to_string()))?;
    Ok(Manifest { layout, shards })
}

/// Writes the manifest unless the folder already has one, atomically: of two runs starting
/// together into an empty folder, exactly one writes it and the other reads it back (and is
/// refused if it belongs to another sweep). Returns the manifest now in the folder.
pub fn ensure_manifest(
    parts_dir: &Path,
    layout: &SweepLayout,
    shards: u32,
) -> Result<Manifest, SweepError> {
    let target = parts_dir.join(MANIFEST);
    if !target.exists() {
        let temporary = parts_dir.join(format!(".{MANIFEST}.{}.tmp", std::process::id()));
        let io = |source| SweepError::Io {
            path: target.display().to_string(),
            source,
        };
        fs::write(&temporary, encode_manifest(layout, shards)).map_err(io)?;
        // A hard link fails if the name exists, where a rename would replace it.
        let linked = fs::hard_link(&temporary, &target);
        let result = match linked {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            // File systems without hard links: a rename, which is atomic but not exclusive.
            Err(_) => fs::rename(&temporary, &target).map_err(io),
        };
        let _ = fs::remove_file(&temporary);
        result?;
    }
    decode_manifest(&target)
}

/// Writes `bytes` to `dir/name` through a temporary file in the same folder, so the name only
/// ever holds a whole file. The temporary name starts with a dot and ends with `.tmp`, with the
/// process id so that two processes never share one.
pub fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, SweepError> {
    let target = dir.join(name);
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let io = |source| SweepError::Io {
        path: target.display().to_string(),
        source,
    };
    let written = fs::File::create(&temporary).and_then(|mut file| {
        file.write_all(bytes)?;
        // Without it a power cut could leave a renamed but empty file; the trailer check would
        // catch that too, but then the work would be lost.
        file.sync_all()
    });
    if let Err(e) = written.and_then(|()| fs::rename(&temporary, &target)) {
        let _ = fs::remove_file(&temporary);
        return Err(io(e));
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Replication {
        let rows = vec![
            MeasureRow {
                scope: Scope::Overall,
                name: "all".into(),
                measure: "asa_s".into(),
                value: 0.1 + 0.2,
            },
            MeasureRow {
                scope: Scope::Queue,
                name: "a, \"quoted\" queue".into(),
                measure: "wait_p90_s".into(),
                value: f64::NAN,
            },
            MeasureRow {
                scope: Scope::AgentGroup,
                name: "g".into(),
                measure: "x".into(),
                value: -1e-300,
            },
            MeasureRow {
                scope: Scope::Channel,
                name: "c".into(),
                measure: "y".into(),
                value: f64::MAX,
            },
        ];
        Replication {
            point: 12,
            replication: 3,
            seed: u64::MAX,
            rows,
        }
    }

    #[test]
    fn a_part_reads_back_to_the_exact_bits() {
        let bytes = encode_part("abc", &sample());
        let back = decode_part(&bytes, "abc", 12, 3).unwrap();
        assert_eq!(back.seed, u64::MAX);
        for (a, b) in sample().rows.iter().zip(&back.rows) {
            assert_eq!(
                (a.scope, &a.name, &a.measure),
                (b.scope, &b.name, &b.measure)
            );
            assert_eq!(a.value.to_bits(), b.value.to_bits(), "{}", a.measure);
        }
    }

    #[test]
    fn every_truncation_of_a_part_is_incomplete_never_a_result() {
        let bytes = encode_part("abc", &sample());
        for cut in 0..bytes.len() {
            assert!(
                decode_part(&bytes[..cut], "abc", 12, 3).is_err(),
                "a part cut at byte {cut} was accepted"
            );
        }
        let body_cut = bytes.len() - 5;
        assert_eq!(
            decode_part(&bytes[..body_cut], "abc", 12, 3),
            Err(PartProblem::Incomplete)
        );
    }

    #[test]
    fn a_part_edited_in_place_is_refused_as_changed() {
        let bytes = encode_part("abc", &sample());
        let text = String::from_utf8(bytes.clone()).unwrap();
        // Same length, one digit of a value changed: only the checksum can tell.
        let at = text.find("0.30000000000000004").unwrap() + 2;
        let mut edited = bytes.clone();
        edited[at] = b'4';
        assert_eq!(edited.len(), bytes.len());
        match decode_part(&edited, "abc", 12, 3) {
            Err(PartProblem::Corrupt(message)) => {
                assert!(message.contains("checksum"), "{message}")
            }
            other => panic!("an edited part gave {other:?}"),
        }
        // A changed row count in the trailer, too.
        let edited = text.replace("end rows=4", "end rows=3");
        assert!(decode_part(edited.as_bytes(), "abc", 12, 3).is_err());
    }

    #[test]
    fn infinite_values_are_refused_nan_is_kept() {
        for (value, accepted) in [
            ("inf", false),
            ("-inf", false),
            ("NaN", true),
            ("1e308", true),
        ] {
            let mut replication = sample();
            replication.rows[0].value = value.parse().unwrap();
            let bytes = encode_part("abc", &replication);
            let result = decode_part(&bytes, "abc", 12, 3);
            assert_eq!(result.is_ok(), accepted, "{value}: {result:?}");
            if let Err(PartProblem::Corrupt(message)) = result {
                assert!(message.contains("not a finite number"), "{message}");
            }
        }
    }

    #[test]
    fn parts_of_the_first_format_get_a_clear_message() {
        let bytes = encode_part("abc", &sample());
        let old = String::from_utf8(bytes)
            .unwrap()
            .replace("routesim-sweep-part v2", "routesim-sweep-part v1");
        match decode_part(old.as_bytes(), "abc", 12, 3) {
            Err(PartProblem::Corrupt(message)) => assert!(message.contains("older routesim")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parts_of_another_sweep_or_pair_are_refused() {
        let bytes = encode_part("abc", &sample());
        assert_eq!(
            decode_part(&bytes, "xyz", 12, 3),
            Err(PartProblem::Foreign {
                found: "abc".into()
            })
        );
        assert!(matches!(
            decode_part(&bytes, "abc", 12, 4),
            Err(PartProblem::Corrupt(_))
        ));
    }

    #[test]
    fn file_names_give_back_their_pair() {
        assert_eq!(pair_of_file_name(&part_file_name(7, 12)), Some((7, 12)));
        assert_eq!(
            pair_of_file_name(".p00007-r00012.part.4242.tmp"),
            Some((7, 12))
        );
        assert_eq!(pair_of_file_name(MANIFEST), None);
    }
}
