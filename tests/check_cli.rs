//! The `baseline`, `check` and `compare` commands end to end: the exit codes a CI job acts on
//! (0 nothing regressed, 1 a regression, 2 bad input), the files they write, and clear errors
//! naming the file and line for a damaged or mismatched baseline.

mod support;
use support::{routesim, stderr};

use std::path::{Path, PathBuf};
use std::process::Output;

/// `routesim check scenario.toml --baseline baseline.csv --out <out>` in `dir`.
fn check_against_baseline(dir: &Path, out: &str) -> Output {
    routesim(
        dir,
        &[
            "check",
            "scenario.toml",
            "--baseline",
            "baseline.csv",
            "--out",
            out,
        ],
    )
}

fn small() -> String {
    std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/check/small.toml"),
    )
    .unwrap()
}

/// A folder with `scenario.toml` and its 10-replication `baseline.csv`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("scenario.toml"), small()).unwrap();
    let output = routesim(
        dir.path(),
        &[
            "baseline",
            "scenario.toml",
            "--out",
            "baseline.csv",
            "--replications",
            "10",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    dir
}

#[test]
fn an_unchanged_scenario_passes_and_a_worse_one_fails_with_exit_code_1() {
    let dir = workspace();
    let same = check_against_baseline(dir.path(), "same");
    assert_eq!(same.status.code(), Some(0), "{}", stderr(&same));
    let md = std::fs::read_to_string(dir.path().join("same/check.md")).unwrap();
    assert!(
        md.starts_with("## routesim check: ✅ no regression"),
        "{md}"
    );
    assert!(dir.path().join("same/check.csv").exists());

    std::fs::write(
        dir.path().join("worse.toml"),
        small().replace("count = 20", "count = 18"),
    )
    .unwrap();
    let worse = routesim(
        dir.path(),
        &[
            "check",
            "worse.toml",
            "--baseline",
            "baseline.csv",
            "--out",
            "worse",
        ],
    );
    assert_eq!(worse.status.code(), Some(1), "{}", stderr(&worse));
    let stdout = String::from_utf8_lossy(&worse.stdout);
    assert!(
        stdout.lines().any(|l| l.starts_with("regressed ")),
        "{stdout}"
    );
    let md = std::fs::read_to_string(dir.path().join("worse/check.md")).unwrap();
    assert!(
        md.contains("The scenario changed since the baseline"),
        "{md}"
    );
}

#[test]
fn compare_exits_1_when_b_is_worse_than_a_and_0_the_other_way_round() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.toml"), small()).unwrap();
    std::fs::write(
        dir.path().join("b.toml"),
        small().replace("count = 20", "count = 18"),
    )
    .unwrap();
    let worse = routesim(
        dir.path(),
        &[
            "compare",
            "a.toml",
            "b.toml",
            "--replications",
            "10",
            "--out",
            "ab",
        ],
    );
    assert_eq!(worse.status.code(), Some(1), "{}", stderr(&worse));
    let better = routesim(
        dir.path(),
        &[
            "compare",
            "b.toml",
            "a.toml",
            "--replications",
            "10",
            "--out",
            "ba",
        ],
    );
    assert_eq!(better.status.code(), Some(0), "{}", stderr(&better));
    assert!(std::fs::read_to_string(dir.path().join("ba/check.md"))
        .unwrap()
        .starts_with("## routesim compare: ✅"));
}

#[test]
fn a_damaged_or_mismatched_baseline_is_bad_input_named_by_file_and_line() {
    let dir = workspace();
    let good = std::fs::read_to_string(dir.path().join("baseline.csv")).unwrap();
    let first_row = good
        .lines()
        .position(|l| l.starts_with("replication,"))
        .unwrap()
        + 1;
    let replace_line = |number: usize, with: &str| {
        good.lines()
            .enumerate()
            .map(|(i, l)| if i + 1 == number { with } else { l })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let checksum_line = good
        .lines()
        .position(|l| l.starts_with("# checksum: "))
        .unwrap()
        + 1;
    // What the issue found accepted: every replication value of the guarded service levels
    // set to 0.0, the file still well formed.
    let edit_service_levels = |rows: &str| {
        good.lines()
            .map(|l| {
                let fields: Vec<&str> = l.split(',').collect();
                if l.starts_with(rows) && fields.get(4) == Some(&"service_level_20s_of_offered") {
                    let mut fields = fields.clone();
                    fields[5] = "0";
                    if rows == "mean," {
                        fields[6] = "0";
                        fields[7] = "0";
                    }
                    fields.join(",")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let edited_service_levels = edit_service_levels("replication,");
    let edited_means = {
        let rows = edited_service_levels.clone();
        let good_means = edit_service_levels("mean,");
        // Replication rows from the first edit, mean rows from the second.
        rows.lines()
            .zip(good_means.lines())
            .map(|(r, m)| if r.starts_with("mean,") { m } else { r })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_ne!(edited_service_levels, good);
    let cases: Vec<(&str, String, String)> = vec![
        (
            "a garbled row",
            replace_line(first_row + 2, "replication,0,overall,all"),
            format!("baseline.csv:{}: expected 8 fields, found 4", first_row + 2),
        ),
        (
            "a newer format",
            good.replace("# format_version: 2", "# format_version: 9"),
            "baseline.csv:2: format version 9, but this routesim reads version 2".into(),
        ),
        (
            "a count that does not match the seeds",
            good.replace("# replications: 10", "# replications: 12"),
            "baseline.csv:8: seeds: 10 seeds listed, but replications is 12".into(),
        ),
        (
            "a missing seed line",
            good.lines()
                .filter(|l| !l.starts_with("# seeds:"))
                .collect::<Vec<_>>()
                .join("\n"),
            "baseline.csv: the metadata has no \"# seeds:\" line".into(),
        ),
        (
            "a truncated file",
            good.lines()
                .take(first_row + 40)
                .collect::<Vec<_>>()
                .join("\n"),
            "has no value for replication 1".into(),
        ),
        (
            "a measure's rows removed, means and all",
            good.lines()
                .filter(|l| !l.contains(",asa_s,"))
                .collect::<Vec<_>>()
                .join("\n"),
            format!("baseline.csv:{checksum_line}: checksum: the file's rows and metadata give"),
        ),
        (
            "every guarded service level set to 0.0 (the file stays well formed)",
            edited_service_levels.clone(),
            "service_level_20s_of_offered: the mean row does not agree with the replication rows"
                .into(),
        ),
        (
            "the same with the mean rows edited to match",
            edited_means,
            format!("baseline.csv:{checksum_line}: checksum"),
        ),
        (
            "an infinite value",
            replace_line(first_row, &{
                let mut fields: Vec<&str> = good
                    .lines()
                    .nth(first_row - 1)
                    .unwrap()
                    .split(',')
                    .collect();
                fields[5] = "inf";
                fields.join(",")
            }),
            format!(
                "baseline.csv:{first_row}: value: expected a finite number or NaN, found \"inf\""
            ),
        ),
        (
            "a report instead of a baseline",
            "scenario,seed,scope,name,measure,value\n".into(),
            "baseline.csv:1: not a routesim baseline file".into(),
        ),
    ];
    for (what, text, expected) in cases {
        std::fs::write(dir.path().join("baseline.csv"), text).unwrap();
        let output = check_against_baseline(dir.path(), "report");
        assert_eq!(output.status.code(), Some(2), "{what}: {}", stderr(&output));
        assert!(
            stderr(&output).contains(&expected),
            "{what}: expected {expected:?} in {}",
            stderr(&output)
        );
        assert!(
            !dir.path().join("report").exists(),
            "{what}: a report was written"
        );
    }
    let missing = routesim(
        dir.path(),
        &["check", "scenario.toml", "--baseline", "nowhere.csv"],
    );
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
    assert!(
        stderr(&missing).contains("nowhere.csv: cannot read the baseline"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn a_baseline_without_a_guarded_entity_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    // The baseline's chat queue is called "web"; the checked scenario guards queue "chat".
    let renamed = small()
        .replace("fallback_queue = \"chat\"", "fallback_queue = \"web\"")
        .replace("[queues.chat]", "[queues.web]")
        .replace("[\"voice\", \"chat\"]", "[\"voice\", \"web\"]");
    std::fs::write(dir.path().join("old.toml"), renamed).unwrap();
    let guard = "\n[[check.guard]]\nmeasure = \"asa_s\"\nscope = \"queue\"\nname = \"chat\"\nbetter = \"lower\"\ntolerance = 2\n";
    std::fs::write(dir.path().join("new.toml"), small() + guard).unwrap();
    assert_eq!(
        routesim(
            dir.path(),
            &[
                "baseline",
                "old.toml",
                "--out",
                "b.csv",
                "--replications",
                "3"
            ]
        )
        .status
        .code(),
        Some(0)
    );
    let output = routesim(dir.path(), &["check", "new.toml", "--baseline", "b.csv"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("b.csv: has no values for queue chat asa_s, which check.guard[0] guards"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_invalid_check_table_is_bad_input_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let guard = "\n[[check.guard]]\nmeasure = \"asa_s\"\nbetter = \"faster\"\ntolerance = 2\n";
    std::fs::write(dir.path().join("s.toml"), small() + guard).unwrap();
    let output = routesim(dir.path(), &["baseline", "s.toml", "--out", "b.csv"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("s.toml: check.guard[0].better: \"faster\" is not one of"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.path().join("b.csv").exists());
    let typo =
        small() + "\n[[check.guard]]\nmeasure = \"asa\"\nbetter = \"lower\"\ntolerance = 2\n";
    std::fs::write(dir.path().join("s.toml"), typo).unwrap();
    let output = routesim(
        dir.path(),
        &[
            "baseline",
            "s.toml",
            "--out",
            "b.csv",
            "--replications",
            "2",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("s.toml: check.guard[0].measure: no measure \"asa\" for scope overall"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_baseline_from_another_routesim_version_is_a_warning_not_an_error() {
    let dir = workspace();
    let good = std::fs::read_to_string(dir.path().join("baseline.csv")).unwrap();
    let old = good.replace(
        &format!("# routesim_version: {}", env!("CARGO_PKG_VERSION")),
        "# routesim_version: 0.0.1",
    );
    assert_ne!(old, good);
    std::fs::write(dir.path().join("baseline.csv"), old).unwrap();
    let output = check_against_baseline(dir.path(), "report");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let md = std::fs::read_to_string(dir.path().join("report/check.md")).unwrap();
    assert!(md.contains("made by routesim 0.0.1"), "{md}");
}

#[test]
fn validate_checks_the_check_table_before_any_baseline_is_run() {
    // A typo in a guard used to pass `validate` and show only at `baseline`, after its runs.
    let dir = tempfile::tempdir().unwrap();
    let with_check = |check: &str| format!("{}\n[check]\nreplications = 5\n{check}", small());
    let cases = [
        (
            "[[check.guard]]\nmeasure = \"asa_s\"\nscope = \"queue\"\nname = \"vocie\"\nbetter = \"lower\"\ntolerance = 1",
            "check.guard[0].name: no queue named \"vocie\"",
        ),
        (
            "[[check.guard]]\nmeasure = \"asa_z\"\nbetter = \"lower\"\ntolerance = 1",
            "check.guard[0].measure: no measure \"asa_z\"",
        ),
        ("bogus = 1", "check.bogus: unknown key"),
    ];
    for (check, expected) in cases {
        std::fs::write(dir.path().join("bad.toml"), with_check(check)).unwrap();
        let output = routesim(dir.path(), &["validate", "bad.toml"]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{check}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(&format!("bad.toml: {expected}")),
            "{check}: {}",
            stderr(&output)
        );
    }
    // A good guard validates.
    let good = "[[check.guard]]\nmeasure = \"asa_s\"\nscope = \"queue\"\nname = \"voice\"\nbetter = \"lower\"\ntolerance = 1";
    std::fs::write(dir.path().join("good.toml"), with_check(good)).unwrap();
    let output = routesim(dir.path(), &["validate", "good.toml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}
