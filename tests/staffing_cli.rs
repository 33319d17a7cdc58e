//! `routesim staffing` from the command line: the bundled default works out of the box and
//! writes its reports; a scenario without targets is bad input (exit 2); unreachable targets
//! end with the intervals named and exit code 4.

use std::process::Command;

fn routesim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_routesim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

#[test]
fn the_default_scenario_is_staffed_out_of_the_box() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let output = routesim(&[
        "staffing",
        "--out",
        out,
        "--replications",
        "3",
        "--threads",
        "2",
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("simulated requirement (ISA)"), "{stdout}");
    let csv = std::fs::read_to_string(dir.path().join("staffing.csv")).unwrap();
    assert!(csv.starts_with(
        "scenario,seed,interval,interval_start,scope,name,measure,value,ci95_low,ci95_high\n"
    ));
    for measure in [
        ",overall,all,required_agents_simulated,",
        ",overall,all,scheduled_agents,",
        ",channel,chat,offered_load_erlangs,",
        ",channel,chat,required_agents_erlang_c,",
        ",channel,chat,required_agents_erlang_a,",
        ",channel,chat,service_level_20s_of_offered,",
        ",channel,sms,service_level_5m_of_offered,",
        ",overall,all,required_agent_hours_simulated,",
    ] {
        assert!(csv.contains(measure), "staffing.csv lacks {measure}");
    }
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("routesim staffing: retail-default") && html.contains("<svg"));
    assert!(dir.path().join("charts/staffing.svg").exists());
}

#[test]
fn a_scenario_without_targets_is_bad_input() {
    let output = routesim(&["staffing", "scenarios/mmc.toml", "--out", "/nonexistent/x"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("scenarios/mmc.toml: has no [staffing] table"),
        "{stderr}"
    );
}

/// The bundled M/M/c scenario cut to `horizon` after a one-hour warm-up, reported in
/// intervals of `interval`: small enough for a staffing search in a second.
fn small_mmc(horizon: &str, interval: &str) -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/mmc.toml"))
        .unwrap()
        .replace("horizon = \"7d\"", &format!("horizon = \"{horizon}\""))
        .replace("warm_up = \"2h\"", "warm_up = \"1h\"")
        .replace("interval = \"1h\"", &format!("interval = \"{interval}\""))
}

#[test]
fn unreachable_targets_exit_with_code_4_and_name_the_file_and_the_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let mmc = small_mmc("4h", "1h");
    let path = dir.path().join("tight.toml");
    std::fs::write(
        &path,
        format!("{mmc}\n[staffing]\nreplications = 2\nmax_agents = 30\n[[staffing.targets]]\nservice_level = 0.8\nthreshold = \"20s\"\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = routesim(&[
        "staffing",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(&format!(
            "error: {}: the targets cannot be met",
            path.display()
        )) && stderr.contains("01:00-02:00"),
        "{stderr}"
    );
    assert!(
        !out.exists(),
        "nothing is written when no staffing is found"
    );
}

/// `compare a.toml b.toml --staffing` in a fresh folder: A is the small M/M/c day with
/// `staffing` as its `[staffing]` table (80 % in 20 s), B the same day with handle time
/// `b_handle` and no targets of its own. Returns the folder (kept alive), B's path, the output
/// folder and the command's output.
fn compare_staffing(
    staffing: &str,
    b_handle: &str,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
    std::process::Output,
) {
    let dir = tempfile::tempdir().unwrap();
    let mmc = small_mmc("3h", "24h");
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    std::fs::write(
        &a,
        format!("{mmc}\n[staffing]\n{staffing}\n[[staffing.targets]]\nservice_level = 0.8\nthreshold = \"20s\"\n"),
    )
    .unwrap();
    std::fs::write(
        &b,
        mmc.replace("mean = \"5m\"", &format!("mean = \"{b_handle}\"")),
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = routesim(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--staffing",
        "--out",
        out.to_str().unwrap(),
    ]);
    (dir, b, out, output)
}

#[test]
fn compare_staffing_reports_the_agent_hours_each_setting_needs() {
    // B: handle time 6 minutes instead of 5 (a fifth more work).
    let (_dir, _, out, output) = compare_staffing("replications = 3", "6m");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("B - A: +"), "{stdout}");
    let csv = std::fs::read_to_string(out.join("staffing-compare.csv")).unwrap();
    let mean: f64 = csv
        .lines()
        .find(|l| l.starts_with("B-A,,mean,"))
        .and_then(|l| l.rsplit(',').next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    // 45 erlangs need 51 agents, 54 erlangs about 60: some 9 agents x 24 h more.
    assert!(
        (150.0..=300.0).contains(&mean),
        "B - A = {mean} agent-hours"
    );
}

/// In a staffing comparison the error names the setting whose search failed: here B, whose
/// doubled handle time A's `max_agents` cannot cover.
#[test]
fn compare_staffing_names_the_file_whose_targets_cannot_be_met() {
    // 45 erlangs need about 51 agents; B's 90 erlangs need more than 60.
    let (_dir, b, _, output) = compare_staffing("replications = 2\nmax_agents = 60", "10m");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: {}: the targets cannot be met",
            b.display()
        )),
        "{stderr}"
    );
}

#[test]
fn the_staffing_folder_is_replaced_whole_and_a_foreign_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mmc = small_mmc("3h", "24h");
    let path = dir.path().join("a.toml");
    std::fs::write(
        &path,
        format!("{mmc}\n[staffing]\nreplications = 2\n[[staffing.targets]]\nservice_level = 0.8\nthreshold = \"20s\"\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let staff = |charts: &str, out: &std::path::Path| {
        routesim(&[
            "staffing",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--charts",
            charts,
        ])
    };
    assert_eq!(staff("all", &out).status.code(), Some(0));
    assert!(out.join("charts/staffing.svg").exists());
    // Again without charts: the chart of the first search does not stay beside the new table.
    let again = staff("none", &out);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(out.join("staffing.csv").exists());
    assert!(!out.join("charts").exists(), "a stale chart was left");
    // A folder holding something else is not replaced (exit 2), and keeps what it holds.
    let foreign = dir.path().join("notes");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("n.txt"), "mine").unwrap();
    let refused = staff("none", &foreign);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("that routesim did not write"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(foreign.join("n.txt")).unwrap(),
        "mine"
    );
}
