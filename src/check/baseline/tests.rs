//! Unit tests of the baseline file: its format, checksum and every refusal.

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
            Box::new(|t| t.replace("format_version: 2", "format_version: 1")),
            "b.csv:2: format version 1, but this routesim reads version 2",
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
            "b.csv:10: expected the header",
        ),
        (
            Box::new(|t| {
                t.replace(
                    "replication,1,overall,all,asa_s,0.30000000000000004,,",
                    "replication,1,overall,all,asa_s,0.3x,,",
                )
            }),
            "b.csv:13: value: expected a finite number or NaN, found \"0.3x\"",
        ),
        (
            Box::new(|t| {
                t.replace(
                    "replication,1,overall,all,asa_s,0.30000000000000004,,",
                    "replication,1,overall,all",
                )
            }),
            "b.csv:13: expected 8 fields, found 4",
        ),
        (
            Box::new(|t| {
                t.replace(
                    "replication,1,overall,all,asa_s",
                    "replication,3,overall,all,asa_s",
                )
            }),
            "b.csv:13: replication 3 is out of range",
        ),
        (
            Box::new(|t| {
                t.replace(
                    "replication,1,overall,all,asa_s",
                    "replication,0,overall,all,asa_s",
                )
            }),
            "b.csv:13: overall all asa_s of replication 0 is given twice",
        ),
        (
            Box::new(|t| {
                t.replace(
                    "replication,1,overall,all,asa_s",
                    "replication,1,room,all,asa_s",
                )
            }),
            "b.csv:13: unknown scope \"room\"",
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
            Box::new(|t| t.lines().take(13).collect::<Vec<_>>().join("\n")),
            "b.csv: overall all asa_s has no value for replication 2",
        ),
        (
            Box::new(|t| t.lines().take(9).collect::<Vec<_>>().join("\n")),
            "b.csv: the file ends before the header line",
        ),
        (
            Box::new(|t| {
                t.lines()
                    .filter(|l| !l.starts_with("# checksum"))
                    .collect::<Vec<_>>()
                    .join("\n")
            }),
            "b.csv: the metadata has no \"# checksum:\" line",
        ),
        (
            Box::new(|t| {
                t.replace(
                    "replication,1,overall,all,asa_s,0.30000000000000004,,",
                    "replication,1,overall,all,asa_s,inf,,",
                )
            }),
            "b.csv:13: value: expected a finite number or NaN, found \"inf\"",
        ),
        (
            Box::new(|t| {
                t.replace(
                    "replication,1,overall,all,asa_s,0.30000000000000004,,",
                    "replication,1,overall,all,asa_s,-infinity,,",
                )
            }),
            "b.csv:13: value: expected a finite number or NaN, found \"-infinity\"",
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
fn an_edited_value_is_named_by_its_mean_row_or_caught_by_the_checksum() {
    let good = text();
    let value_row = "replication,0,queue,\"a,b \"\"quoted\"\"\",service_level_20s_of_offered,0.8,,";
    assert!(good.contains(value_row), "{good}");
    // A value edited alone no longer gives its mean row.
    let edited = good.replace(value_row, &value_row.replace("0.8,", "0,"));
    let message = Baseline::parse(&edited, "b.csv").unwrap_err().to_string();
    assert!(
        message.contains("queue a,b \"quoted\" service_level_20s_of_offered: the mean row does not agree with the replication rows"),
        "{message}"
    );
    assert!(message.starts_with("b.csv:"), "{message}");
    // Values and mean rewritten together, consistently: the checksum still notices.
    let mut samples = baseline().samples;
    let key = samples.keys()[1].clone();
    samples.set(key.clone(), 0, 0.0);
    let forged = Baseline {
        samples,
        ..baseline()
    };
    let forged_text = String::from_utf8(forged.to_csv()).unwrap();
    let forged_rows = forged_text.split_once("row,replication").unwrap().1;
    let good_head = good.split_once("row,replication").unwrap().0;
    let spliced = format!("{good_head}row,replication{forged_rows}");
    let message = Baseline::parse(&spliced, "b.csv").unwrap_err().to_string();
    assert!(
        message.starts_with("b.csv:9: checksum: the file's rows and metadata give fnv1a64:"),
        "{message}"
    );
    assert!(message.contains("edited or damaged"), "{message}");
    // An edited metadata value is caught too.
    let message = Baseline::parse(
        &good.replace("00000000deadbeef", "00000000deadbeee"),
        "b.csv",
    )
    .unwrap_err()
    .to_string();
    assert!(message.starts_with("b.csv:9: checksum"), "{message}");
}

#[test]
fn windows_line_endings_keep_the_checksum() {
    let crlf = text().replace('\n', "\r\n");
    let read = Baseline::parse(&crlf, "b.csv").unwrap();
    assert_eq!(read.seeds, baseline().seeds);
}

#[test]
fn the_metadata_block_is_what_the_format_documents() {
    let text = text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[1], "# format_version: 2");
    assert_eq!(lines[6], "# replications: 3");
    assert!(lines[8].starts_with("# checksum: fnv1a64:"), "{}", lines[8]);
    assert_eq!(lines[8].len(), "# checksum: fnv1a64:".len() + 16);
    assert_eq!(
        lines[9],
        "row,replication,scope,name,measure,value,ci_low,ci_high"
    );
    assert_eq!(lines[10], "replication,0,overall,all,asa_s,12.5,,");
    assert!(lines.contains(&"replication,2,overall,all,asa_s,NaN,,"));
    // Mean rows skip undefined values: (12.5 + 0.3) / 2.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("mean,,overall,all,asa_s,6.4,")),
        "{text}"
    );
}
