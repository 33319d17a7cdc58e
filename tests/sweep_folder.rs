//! The integrity of a sweep's output folder through the `routesim` binary: the shard count
//! recorded in the manifest (a mix refused by name), `merge`'s exit code for incomplete
//! results, checksummed parts (an edit in place, or an infinite value, refused by name), the
//! lock that tells a second run of the same shard at once, two different sweeps into one
//! folder, `--threads` from an unset environment variable, and the messages of misspelt specs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use routesim::metrics::{MeasureRow, Scope};
use routesim::sweep::{parts, Replication};

const SCENARIO: &str = r#"
name = "mmc-small"
[simulation]
horizon = "HORIZON"
warm_up = "1h"
seed = 3
interval = "1h"
service_level_thresholds = ["20s"]

[channels.calls]
kind = "voice"
arrivals = { per_hour = 100 }
handle_time = { kind = "exponential", mean = "5m" }

[workstreams.voice]
channels = ["calls"]
capacity_units = 1
allowed_presences = ["available"]
fallback_queue = "main"

[queues.main]
assignment = "round_robin"

[agent_groups.agents]
count = 10
capacity_units = 1
queues = ["main"]
"#;

/// 3 points x 4 replications = 12 pairs.
const GRID: &str =
    "[sweep]\nreplications = 4\n[sweep.axes]\n\"agent_groups.agents.count\" = [9, 10, 11]\n";

/// Writes the scenario (with `horizon`) and a spec `name` holding `sweep_table`; returns the spec.
fn write_spec(dir: &Path, name: &str, horizon: &str, sweep_table: &str) -> PathBuf {
    fs::write(
        dir.join("mmc-small.toml"),
        SCENARIO.replace("HORIZON", horizon),
    )
    .unwrap();
    let spec = dir.join(name);
    fs::write(
        &spec,
        format!("scenario = \"mmc-small.toml\"\n{sweep_table}"),
    )
    .unwrap();
    spec
}

fn command(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_routesim"));
    for arg in args {
        command.arg(arg);
    }
    for name in [
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_COUNT",
        "JOB_COMPLETION_INDEX",
        "ROUTESIM_SHARD_COUNT",
    ] {
        command.env_remove(name);
    }
    command
}

fn routesim(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    command(args).output().unwrap()
}

#[track_caller]
fn exit_code(output: &Output, expected: i32) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(expected),
        "stderr: {stderr}\nstdout: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    stderr
}

fn part_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir.join("parts")) else {
        return Vec::new();
    };
    let mut parts: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "part"))
        .collect();
    parts.sort();
    parts
}

/// Waits (bounded) until `dir` holds at least `n` parts.
#[track_caller]
fn wait_for_parts(dir: &Path, n: usize, child: &mut Child) {
    let started = Instant::now();
    while part_files(dir).len() < n {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sweep ended before writing {n} parts; make it bigger"
        );
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no parts appeared"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn same_bytes(a: &Path, b: &Path) {
    for name in ["sweep.csv", "replications.csv"] {
        assert!(
            fs::read(a.join(name)).unwrap() == fs::read(b.join(name)).unwrap(),
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn the_shard_count_is_recorded_and_a_mix_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), "sweep.toml", "4h", GRID);
    let shared = dir.path().join("shared");
    exit_code(
        &routesim(&[
            &"sweep",
            &spec,
            &"--shard",
            &"0/4",
            &"--charts",
            &"none",
            &"--out",
            &shared,
        ]),
        0,
    );
    let manifest = fs::read_to_string(shared.join("parts/manifest.toml")).unwrap();
    assert!(manifest.starts_with("shards = 4\n"), "{manifest}");

    // Another split into the same folder, by hand or as a one-task Slurm array (which counts
    // as one shard: the misuse `sbatch --array=K` of a rerun).
    let stderr = exit_code(
        &routesim(&[&"sweep", &spec, &"--shard", &"1/2", &"--out", &shared]),
        2,
    );
    assert!(
        stderr.contains("split into 4 shard(s), but this run is shard 1/2"),
        "{stderr}"
    );
    let one_task_array = command(&[
        &"sweep",
        &spec,
        &"--shard",
        &"auto",
        &"--resume",
        &"--out",
        &shared,
    ])
    .env("SLURM_ARRAY_TASK_ID", "3")
    .env("SLURM_ARRAY_TASK_MIN", "3")
    .env("SLURM_ARRAY_TASK_COUNT", "1")
    .output()
    .unwrap();
    let stderr = exit_code(&one_task_array, 2);
    assert!(
        stderr.contains("shard 0/1") && stderr.contains("--shard K/4"),
        "{stderr}"
    );
    assert!(
        !shared.join("sweep.csv").exists(),
        "the refused run wrote tables"
    );
    assert_eq!(part_files(&shared).len(), 3, "the refused runs wrote parts");

    // Folders of different splits do not merge either.
    let halves = dir.path().join("halves");
    exit_code(
        &routesim(&[&"sweep", &spec, &"--shard", &"1/2", &"--out", &halves]),
        0,
    );
    let stderr = exit_code(
        &routesim(&[&"merge", &shared, &halves, &"--out", &dir.path().join("m")]),
        2,
    );
    assert!(stderr.contains("split into 2 shard(s)"), "{stderr}");

    // The other shards of the same split complete it.
    for k in 1..4 {
        exit_code(
            &routesim(&[
                &"sweep",
                &spec,
                &"--shard",
                &format!("{k}/4"),
                &"--out",
                &shared,
            ]),
            0,
        );
    }
    let merged = dir.path().join("merged");
    exit_code(
        &routesim(&[&"merge", &shared, &"--out", &merged, &"--charts", &"none"]),
        0,
    );
    let single = dir.path().join("single");
    exit_code(
        &routesim(&[&"sweep", &spec, &"--out", &single, &"--charts", &"none"]),
        0,
    );
    same_bytes(&single, &merged);
    // A whole run records one shard.
    let manifest = fs::read_to_string(single.join("parts/manifest.toml")).unwrap();
    assert!(manifest.starts_with("shards = 1\n"), "{manifest}");
}

#[test]
fn merge_of_incomplete_results_exits_3_and_bad_input_still_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), "sweep.toml", "4h", GRID);
    let out = dir.path().join("out");
    exit_code(
        &routesim(&[&"sweep", &spec, &"--shard", &"1/3", &"--out", &out]),
        0,
    );
    let merged = dir.path().join("merged");
    let stderr = exit_code(&routesim(&[&"merge", &out, &"--out", &merged]), 3);
    assert!(
        stderr.contains("8 of 12 (point, replication) pairs have no complete result"),
        "{stderr}"
    );
    assert!(!merged.exists(), "an incomplete merge wrote files");
    // Not a sweep folder, a missing folder: bad input.
    exit_code(&routesim(&[&"merge", &dir.path(), &"--out", &merged]), 2);
    exit_code(
        &routesim(&[&"merge", &dir.path().join("nowhere"), &"--out", &merged]),
        2,
    );
}

#[test]
fn a_part_edited_in_place_or_holding_infinity_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), "sweep.toml", "4h", GRID);
    let out = dir.path().join("out");
    exit_code(
        &routesim(&[&"sweep", &spec, &"--charts", &"none", &"--out", &out]),
        0,
    );
    let part = part_files(&out)[5].clone();
    let original = fs::read(&part).unwrap();

    // One digit of one value changed: same length, the row count still right.
    let text = String::from_utf8(original.clone()).unwrap();
    let line_start = text.find("\noverall,").unwrap() + 1;
    let line_end = line_start + text[line_start..].find('\n').unwrap();
    let digit = line_start
        + text[line_start..line_end]
            .rfind(|c: char| c.is_ascii_digit())
            .unwrap();
    let mut edited = original.clone();
    edited[digit] = if edited[digit] == b'9' {
        b'8'
    } else {
        edited[digit] + 1
    };
    assert_eq!(edited.len(), original.len());
    fs::write(&part, &edited).unwrap();
    let name = part.file_name().unwrap().to_string_lossy().into_owned();
    for args in [
        vec![
            &"merge" as &dyn AsRef<std::ffi::OsStr>,
            &out,
            &"--out",
            &dir.path().join("m"),
        ],
        vec![&"sweep", &spec, &"--resume", &"--out", &out],
    ] {
        let stderr = exit_code(&routesim(&args), 2);
        assert!(
            stderr.contains(&name) && stderr.contains("checksum"),
            "{stderr}"
        );
    }

    // A part with a correct checksum but an infinite value: no measure can be infinite.
    let bad = Replication {
        point: 1,
        replication: 1,
        seed: 7,
        rows: vec![MeasureRow {
            scope: Scope::Overall,
            name: "all".into(),
            measure: "asa_s".into(),
            value: f64::INFINITY,
        }],
    };
    let fingerprint = parts::decode_manifest(&out.join("parts/manifest.toml"))
        .unwrap()
        .layout
        .fingerprint;
    fs::write(&part, original).unwrap();
    let infinite = out.join("parts").join(parts::part_file_name(1, 1));
    fs::write(&infinite, parts::encode_part(&fingerprint, &bad)).unwrap();
    let stderr = exit_code(
        &routesim(&[&"merge", &out, &"--out", &dir.path().join("m")]),
        2,
    );
    assert!(
        stderr.contains("p00001-r00001.part") && stderr.contains("inf is not a finite number"),
        "{stderr}"
    );
}

#[test]
fn a_second_run_of_a_shard_in_use_is_told_at_once_and_a_killed_run_leaves_no_lock() {
    let dir = tempfile::tempdir().unwrap();
    // Long enough on one thread to be seen running: 3 x 6 pairs of a simulated week.
    let big =
        "[sweep]\nreplications = 6\n[sweep.axes]\n\"agent_groups.agents.count\" = [9, 10, 11]\n";
    let spec = write_spec(dir.path(), "sweep.toml", "7d", big);
    let out = dir.path().join("out");
    let start = || {
        command(&[
            &"sweep",
            &spec,
            &"--threads",
            &"1",
            &"--charts",
            &"none",
            &"--resume",
            &"--out",
            &out,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
    };
    let mut first = start();
    wait_for_parts(&out, 1, &mut first);
    let stderr = exit_code(
        &routesim(&[
            &"sweep",
            &spec,
            &"--threads",
            &"1",
            &"--resume",
            &"--out",
            &out,
        ]),
        2,
    );
    assert!(
        stderr.contains("shard 0/1 of this sweep is already running into this folder")
            && stderr.contains(&format!("routesim process {}", first.id())),
        "{stderr}"
    );
    // The refused run did not disturb the first: killed part-way, then resumed, it still
    // gives the files of an undisturbed run.
    first.kill().unwrap();
    first.wait().unwrap();
    let done = part_files(&out).len();
    assert!(
        done < 18,
        "the sweep finished before it was killed; make it bigger"
    );
    // The kernel released the lock with the process: the resume is not blocked.
    let output = routesim(&[
        &"sweep",
        &spec,
        &"--charts",
        &"none",
        &"--resume",
        &"--out",
        &out,
    ]);
    exit_code(&output, 0);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(&format!("{done} already done")), "{stdout}");
    let fresh = dir.path().join("fresh");
    exit_code(
        &routesim(&[&"sweep", &spec, &"--charts", &"none", &"--out", &fresh]),
        0,
    );
    same_bytes(&fresh, &out);
}

#[test]
fn two_different_sweeps_into_one_folder_do_not_overwrite_each_others_parts() {
    let dir = tempfile::tempdir().unwrap();
    let big =
        "[sweep]\nreplications = 6\n[sweep.axes]\n\"agent_groups.agents.count\" = [9, 10, 11]\n";
    let spec_a = write_spec(dir.path(), "a.toml", "7d", big);
    let spec_b = dir.path().join("b.toml");
    fs::write(
        &spec_b,
        "scenario = \"mmc-small.toml\"\n[sweep]\nreplications = 6\n[sweep.axes]\n\"agent_groups.agents.count\" = [12, 13, 14]\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let mut first = command(&[
        &"sweep",
        &spec_a,
        &"--threads",
        &"1",
        &"--charts",
        &"none",
        &"--out",
        &out,
    ])
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    wait_for_parts(&out, 1, &mut first);
    // While A runs, and with or without --resume, B is refused before it writes anything.
    for resume in [false, true] {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"sweep", &spec_b, &"--out", &out];
        if resume {
            args.push(&"--resume");
        }
        let stderr = exit_code(&routesim(&args), 2);
        assert!(
            stderr.contains(&format!(
                "{}: holds results of a different sweep (fingerprint",
                out.join("parts").display()
            )),
            "{stderr}"
        );
    }
    assert!(first.wait().unwrap().success());
    let alone = dir.path().join("alone");
    exit_code(
        &routesim(&[&"sweep", &spec_a, &"--charts", &"none", &"--out", &alone]),
        0,
    );
    same_bytes(&alone, &out);
    assert_eq!(part_files(&out).len(), 18);
}

#[test]
fn threads_may_be_empty_for_all_cores_and_large_counts_are_clamped() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), "sweep.toml", "4h", GRID);
    let reference = dir.path().join("reference");
    exit_code(
        &routesim(&[
            &"sweep",
            &spec,
            &"--threads",
            &"1",
            &"--charts",
            &"none",
            &"--out",
            &reference,
        ]),
        0,
    );
    // `--threads "$SLURM_CPUS_PER_TASK"` in a job without --cpus-per-task.
    for (i, threads) in ["", " ", "100000"].iter().enumerate() {
        let out = dir.path().join(format!("out-{i}"));
        exit_code(
            &routesim(&[
                &"sweep",
                &spec,
                &"--threads",
                threads,
                &"--charts",
                &"none",
                &"--out",
                &out,
            ]),
            0,
        );
        same_bytes(&reference, &out);
    }
    let stderr = exit_code(&routesim(&[&"sweep", &spec, &"--threads", &"many"]), 2);
    assert!(
        stderr.contains("--threads") && stderr.contains("many"),
        "{stderr}"
    );
    let stderr = exit_code(&routesim(&[&"sweep", &spec, &"--threads", &"0"]), 2);
    assert!(stderr.contains("at least 1"), "{stderr}");
    // The other commands that take --threads.
    let scenario = dir.path().join("mmc-small.toml");
    let baseline = dir.path().join("baseline.csv");
    exit_code(
        &routesim(&[
            &"baseline",
            &scenario,
            &"--replications",
            &"3",
            &"--threads",
            &"",
            &"--out",
            &baseline,
        ]),
        0,
    );
}

#[test]
fn spec_messages_name_the_spec_and_every_misspelt_path() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(
        dir.path(),
        "sweep.toml",
        "4h",
        "[sweep]\nreference = \"lean\"\n[sweep.axes]\n\"agent_groups.agents.count\" = [9, 10]\n",
    );
    let stderr = exit_code(&routesim(&[&"validate", &spec]), 2);
    let expected = format!(
        "{}: sweep.reference: no variant is named \"lean\"",
        spec.display()
    );
    assert!(stderr.contains(&expected), "{stderr}");

    let spec = write_spec(
        dir.path(),
        "sweep.toml",
        "4h",
        "[sweep]\n[sweep.axes]\n\"agent_groups.agents.cuont\" = [9]\n\"agent_groups.agents.capacty_units\" = [1]\n\"agent_groups.agentz.count\" = [1]\n[[sweep.variants]]\nname = \"a\"\nset = { \"queues.main.prority\" = 1 }\n",
    );
    let stderr = exit_code(&routesim(&[&"validate", &spec]), 2);
    for path in [
        "sweep.axes.agent_groups.agents.cuont: unknown field `cuont`",
        "sweep.axes.agent_groups.agents.capacty_units: unknown field `capacty_units`",
        "sweep.axes.agent_groups.agentz.count: `agent_groups` has no `agentz`",
        "sweep.variants[0].set.queues.main.prority: unknown field `prority`",
    ] {
        assert!(
            stderr.contains(&format!("{}: {path}", spec.display())),
            "{path} missing from:\n{stderr}"
        );
    }
}

#[test]
fn reports_written_again_without_charts_leave_no_stale_chart() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), "sweep.toml", "4h", GRID);
    let out = dir.path().join("out");
    exit_code(&routesim(&[&"sweep", &spec, &"--out", &out]), 0);
    let charts = out.join("charts");
    assert!(
        fs::read_dir(&charts).unwrap().count() > 0,
        "the first sweep draws charts"
    );
    // Resumed (nothing left to run) and merged again, both without charts: the tables are
    // rewritten and the charts drawn from the earlier ones go.
    exit_code(
        &routesim(&[
            &"sweep",
            &spec,
            &"--out",
            &out,
            &"--resume",
            &"--charts",
            &"none",
        ]),
        0,
    );
    assert!(
        !charts.exists(),
        "stale charts after --resume --charts none"
    );
    exit_code(
        &routesim(&[&"sweep", &spec, &"--out", &out, &"--resume"]),
        0,
    );
    assert!(charts.exists());
    exit_code(
        &routesim(&[&"merge", &out, &"--out", &out, &"--charts", &"none"]),
        0,
    );
    assert!(!charts.exists(), "stale charts after merge --charts none");
    assert!(out.join("sweep.csv").exists() && out.join("report.html").exists());
}

#[test]
fn a_sweep_of_a_scenario_without_axes_says_it_is_one_point() {
    let dir = tempfile::tempdir().unwrap();
    write_spec(dir.path(), "unused.toml", "2h", GRID);
    let scenario = dir.path().join("mmc-small.toml");
    let out = dir.path().join("out");
    let stderr = exit_code(
        &routesim(&[
            &"sweep",
            &scenario,
            &"--out",
            &out,
            &"--replications",
            &"2",
            &"--charts",
            &"none",
        ]),
        0,
    );
    assert!(
        stderr.contains("has no [sweep] axes or variants: this sweep is one point (the scenario as written) with 2 replications"),
        "{stderr}"
    );
    // A real grid says nothing of the kind.
    let spec = write_spec(dir.path(), "sweep.toml", "2h", GRID);
    let grid_out = dir.path().join("grid");
    let stderr = exit_code(
        &routesim(&[&"sweep", &spec, &"--out", &grid_out, &"--charts", &"none"]),
        0,
    );
    assert!(!stderr.contains("no [sweep] axes"), "{stderr}");
}
