//! Pins a digest of the reports (summary, intervals, agents CSV) of every bundled scenario, so
//! that a change that alters results cannot pass unnoticed: it has to update
//! `tests/golden/digests.txt` (run with `ROUTESIM_BLESS=1`) and say why in its commit.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use routesim::config::load_scenario;
use routesim::metrics::{run, try_run_summary, try_run_values, RowValues};
use routesim::report::{agents_csv, intervals_csv, summary_csv};

/// FNV-1a, 64 bits: stable across platforms and Rust versions, unlike `DefaultHasher`.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Every bundled scenario (not the sweep specs), by file name.
fn bundled_scenarios(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root.join("scenarios"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".toml") && !name.starts_with("sweep"))
        .collect();
    names.sort();
    names
}

fn digests(root: &Path) -> String {
    let mut out = String::new();
    for name in bundled_scenarios(root) {
        let scenario = load_scenario(&root.join("scenarios").join(&name)).unwrap();
        let results = run(&scenario, scenario.simulation.seed);
        for (table, bytes) in [
            ("summary.csv", summary_csv(&results)),
            ("intervals.csv", intervals_csv(&results)),
            ("agents.csv", agents_csv(&results)),
        ] {
            writeln!(out, "{name} {table} {:016x}", fnv1a(&bytes)).unwrap();
        }
    }
    out
}

#[test]
fn bundled_scenario_reports_match_their_pinned_digests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let golden = root.join("tests/golden/digests.txt");
    let actual = digests(root);
    if std::env::var_os("ROUTESIM_BLESS").is_some() {
        fs::write(&golden, &actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&golden).unwrap_or_default();
    assert_eq!(
        actual, expected,
        "the reports of a bundled scenario changed; if intended, rerun with ROUTESIM_BLESS=1 \
         and say in the commit which outputs changed and why"
    );
}

/// Sweeps and checks run without the interval rows (`try_run_summary`), and replications
/// after the first keep only values (`try_run_values`); every figure they do read must be the
/// one a full run reports.
#[test]
fn a_run_without_interval_rows_has_every_other_figure_of_a_full_run() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in bundled_scenarios(root) {
        let scenario = load_scenario(&root.join("scenarios").join(&name)).unwrap();
        let seed = scenario.simulation.seed;
        let full = run(&scenario, seed);
        let lean = try_run_summary(&scenario, seed).unwrap();
        assert!(lean.intervals.is_empty(), "{name}");
        assert!(!full.intervals.is_empty(), "{name}");
        assert_eq!(summary_csv(&lean), summary_csv(&full), "{name}");
        assert_eq!(agents_csv(&lean), agents_csv(&full), "{name}");
        assert_eq!(lean.wait_distribution, full.wait_distribution, "{name}");
        // Bit for bit (NaN, "no value", is not equal to itself as a number).
        let bits = |r: &routesim::metrics::RunResults| -> Vec<_> {
            r.all_rows()
                .map(|row| {
                    (
                        row.scope,
                        row.name.to_string(),
                        row.measure.to_string(),
                        row.value.to_bits(),
                    )
                })
                .collect()
        };
        assert_eq!(bits(&lean), bits(&full), "{name}");
        // A replication after the first keeps only the values of every row, interval rows
        // included, formed without the rows: the same values in the same order.
        let values = try_run_values(&scenario, seed).unwrap();
        let of_full = RowValues::of(&full);
        let bits_of = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(values.intervals.len(), full.intervals.len(), "{name}");
        for (lean, full) in [
            (&values.summary, &of_full.summary),
            (&values.intervals, &of_full.intervals),
            (&values.agents, &of_full.agents),
        ] {
            assert_eq!(bits_of(lean), bits_of(full), "{name}");
        }
    }
}
