//! Golden tests of `check.md` and `check.csv`: a fixed scenario, a fixed change (a queue
//! priority) and fixed seeds give byte-identical reports, compared with the files committed under
//! `tests/golden/`. After an intended change of the format, regenerate them with
//! `UPDATE_GOLDEN=1 cargo test --test check_golden` and review the diff.

use std::path::{Path, PathBuf};

use routesim::check::{
    check_against_baseline, check_csv, check_markdown, CheckOptions, CheckReport, PolicyScenario,
};
use routesim::config::Origin;
use routesim::sweep::Threads;

/// Guards of every kind: both directions, a drift guard, absolute and relative tolerances, a
/// scope-wide guard.
const GUARDS: &str = r#"
[check]
replications = 8
base_seed = 42

[[check.guard]]
measure = "service_level_20s_of_offered"
better = "higher"
tolerance = 0.02

[[check.guard]]
measure = "asa_s"
better = "lower"
relative_tolerance = 0.10
tolerance = 1

[[check.guard]]
measure = "service_level_20s_of_offered"
scope = "queue"
better = "higher"
tolerance = 0.01

[[check.guard]]
measure = "wait_p90_s"
scope = "queue"
better = "lower"
relative_tolerance = 0.25

[[check.guard]]
measure = "wait_mean_s"
scope = "queue"
name = "chat"
better = "lower"
tolerance = 0

[[check.guard]]
measure = "utilization"
scope = "agent_group"
name = "agents"
better = "unchanged"
tolerance = 0.01

[[check.guard]]
measure = "offered"
scope = "channel"
name = "calls"
better = "unchanged"
tolerance = 0
"#;

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn report() -> CheckReport {
    let text =
        std::fs::read_to_string(manifest().join("tests/data/check/small.toml")).unwrap() + GUARDS;
    let load = |text: &str, file: &str| {
        PolicyScenario::from_text(
            text,
            &Origin {
                file: file.into(),
                base_dir: PathBuf::from("."),
            },
        )
        .unwrap()
    };
    // A busier centre (17 agents), where giving voice priority over chat helps voice, costs
    // chat, and moves utilization a little: verdicts of several kinds in one report.
    let text = text.replace("count = 20", "count = 17");
    let base = load(&text, "small.toml");
    let candidate = load(
        &text.replacen("priority = 1", "priority = 0", 1),
        "candidate.toml",
    );
    let baseline = base
        .baseline(
            base.spec.replications,
            base.spec.base_seed,
            Threads(Some(2)),
        )
        .unwrap();
    check_against_baseline(
        &candidate,
        &baseline,
        "baseline.csv",
        CheckOptions {
            base_seed: None,
            threads: Threads(Some(2)),
        },
    )
    .unwrap()
}

fn assert_golden(name: &str, actual: &[u8]) {
    let path = manifest().join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
    assert!(
        expected == actual,
        "{} differs from the golden file {}; if the change is intended, run UPDATE_GOLDEN=1 cargo test --test check_golden\n--- actual ---\n{}",
        name,
        Path::new("tests/golden").join(name).display(),
        String::from_utf8_lossy(actual)
    );
}

#[test]
fn check_md_matches_the_golden_file() {
    assert_golden("check.md", check_markdown(&report()).as_bytes());
}

#[test]
fn check_csv_matches_the_golden_file() {
    assert_golden("check.csv", &check_csv(&report()));
}
