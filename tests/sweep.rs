//! Sweeps end to end through the `routesim` binary: the files do not depend on the thread
//! count, on sharding or on an interruption; a resumed sweep does not redo finished work; parts
//! of another sweep are refused; and common random numbers make paired comparisons sharper
//! than unpaired ones.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use routesim::config::Origin;
use routesim::metrics::Scope;
use routesim::sweep::{self, SpecOverrides, Threads};

/// A small M/M/c: 100 arrivals an hour, 5 minute handle time (8.3 Erlangs).
fn scenario(horizon: &str) -> String {
    format!(
        r#"
name = "mmc-small"
[simulation]
horizon = "{horizon}"
warm_up = "1h"
seed = 3
interval = "1h"
service_level_thresholds = ["20s"]

[channels.calls]
kind = "voice"
arrivals = {{ per_hour = 100 }}
handle_time = {{ kind = "exponential", mean = "5m" }}

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
"#
    )
}

/// Writes a scenario and a sweep file naming it into `dir`; returns the sweep file.
fn write_sweep(dir: &Path, horizon: &str, sweep_table: &str) -> PathBuf {
    fs::write(dir.join("mmc-small.toml"), scenario(horizon)).unwrap();
    let spec = dir.join("sweep.toml");
    fs::write(
        &spec,
        format!("scenario = \"mmc-small.toml\"\n{sweep_table}"),
    )
    .unwrap();
    spec
}

const GRID: &str = r#"
[sweep]
replications = 4
[sweep.axes]
"agent_groups.agents.count" = [9, 10, 11]
"queues.main.assignment" = ["round_robin", "least_active"]
"#;

fn routesim(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_routesim"));
    for arg in args {
        command.arg(arg);
    }
    command
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX");
    command.output().unwrap()
}

#[track_caller]
fn succeeded(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[track_caller]
fn failed_with_bad_input(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(2),
        "expected exit code 2: {stderr}"
    );
    stderr
}

#[track_caller]
fn assert_same_tables(a: &Path, b: &Path) {
    // The tables, the report page and every chart: all are derived from the results alone.
    let mut names: Vec<String> = ["sweep.csv", "replications.csv", "report.html"]
        .map(String::from)
        .to_vec();
    let charts: Vec<String> = fs::read_dir(a.join("charts"))
        .unwrap()
        .map(|e| format!("charts/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    assert!(charts.len() >= 3, "no sweep charts in {}", a.display());
    names.extend(charts);
    for name in &names {
        let (left, right) = (
            fs::read(a.join(name)).unwrap(),
            fs::read(b.join(name)).unwrap(),
        );
        assert!(
            left == right,
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

fn part_files(dir: &Path) -> Vec<PathBuf> {
    let mut parts: Vec<PathBuf> = fs::read_dir(dir.join("parts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "part"))
        .collect();
    parts.sort();
    parts
}

#[test]
fn one_thread_and_several_threads_write_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_sweep(dir.path(), "6h", GRID);
    let (one, many) = (dir.path().join("one"), dir.path().join("many"));
    succeeded(&routesim(&[
        &"sweep",
        &spec,
        &"--threads",
        &"1",
        &"--out",
        &one,
    ]));
    succeeded(&routesim(&[
        &"sweep",
        &spec,
        &"--threads",
        &"3",
        &"--out",
        &many,
    ]));
    assert_same_tables(&one, &many);

    // The library's in-memory run agrees with the files, so nothing is lost in the parts.
    let sweep = sweep::load_sweep(&spec, SpecOverrides::default()).unwrap();
    let in_memory = sweep::run_in_memory(&sweep, Threads(Some(2))).unwrap();
    assert_eq!(
        routesim::report::sweep_csv(&in_memory),
        fs::read(one.join("sweep.csv")).unwrap()
    );

    let table = String::from_utf8(fs::read(one.join("sweep.csv")).unwrap()).unwrap();
    let header = table.lines().next().unwrap();
    assert!(header.starts_with("point,label,agent_groups.agents.count,queues.main.assignment,scope,name,measure,n,mean,sd,ci95_low,ci95_high,diff_mean"), "{header}");
    let points: std::collections::BTreeSet<&str> = table
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    assert_eq!(points.len(), 6);
    let replications = String::from_utf8(fs::read(one.join("replications.csv")).unwrap()).unwrap();
    let wait_rows = replications
        .lines()
        .filter(|l| l.contains(",overall,all,wait_mean_s,"))
        .count();
    assert_eq!(wait_rows, 6 * 4, "one row per point and replication");
}

#[test]
fn four_shards_merged_give_the_files_of_a_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_sweep(dir.path(), "6h", GRID);
    let single = dir.path().join("single");
    succeeded(&routesim(&[&"sweep", &spec, &"--out", &single]));

    let shard_dirs: Vec<PathBuf> = (0..4)
        .map(|k| dir.path().join(format!("shard-{k}")))
        .collect();
    for (k, shard_dir) in shard_dirs.iter().enumerate() {
        let stdout = succeeded(&routesim(&[
            &"sweep",
            &spec,
            &"--shard",
            &format!("{k}/4"),
            &"--out",
            shard_dir,
        ]));
        assert!(
            stdout.contains(&format!(
                "ran 6 of 6 (point, replication) pairs of shard {k}/4"
            )),
            "{stdout}"
        );
        assert!(
            !shard_dir.join("sweep.csv").exists(),
            "a shard writes only its parts"
        );
        assert_eq!(part_files(shard_dir).len(), 6);
    }
    let merged = dir.path().join("merged");
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"merge"];
    for shard_dir in &shard_dirs {
        args.push(shard_dir);
    }
    args.extend([&"--out" as &dyn AsRef<std::ffi::OsStr>, &merged]);
    succeeded(&routesim(&args));
    assert_same_tables(&single, &merged);

    // Shards sharing one folder, their index taken from a Slurm array and a Kubernetes Indexed
    // Job, merge to the same files too.
    let shared = dir.path().join("shared");
    for task in 1..=2 {
        let output = Command::new(env!("CARGO_BIN_EXE_routesim"))
            .args([
                "sweep".as_ref(),
                spec.as_os_str(),
                "--shard".as_ref(),
                "auto".as_ref(),
                "--out".as_ref(),
                shared.as_os_str(),
            ])
            .env("SLURM_ARRAY_TASK_ID", task.to_string())
            .env("SLURM_ARRAY_TASK_MIN", "1")
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .output()
            .unwrap();
        assert!(succeeded(&output).contains(&format!("shard {}/3", task - 1)));
    }
    let output = Command::new(env!("CARGO_BIN_EXE_routesim"))
        .args([
            "sweep".as_ref(),
            spec.as_os_str(),
            "--shard".as_ref(),
            "auto".as_ref(),
            "--out".as_ref(),
            shared.as_os_str(),
        ])
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env("JOB_COMPLETION_INDEX", "2")
        .env("ROUTESIM_SHARD_COUNT", "3")
        .output()
        .unwrap();
    assert!(succeeded(&output).contains("shard 2/3"));
    let merged_shared = dir.path().join("merged-shared");
    succeeded(&routesim(&[&"merge", &shared, &"--out", &merged_shared]));
    assert_same_tables(&single, &merged_shared);

    // A missing shard is reported with its own exit code (not bad input), and nothing is
    // written.
    let partial = dir.path().join("partial");
    let output = routesim(&[&"merge", &shard_dirs[0], &shard_dirs[2], &"--out", &partial]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("12 of 24 (point, replication) pairs have no complete result"),
        "{stderr}"
    );
    assert!(!partial.join("sweep.csv").exists());
}

#[test]
fn a_killed_sweep_resumes_without_rerunning_finished_pairs() {
    let dir = tempfile::tempdir().unwrap();
    // Big enough to take a few seconds on one thread, so it can be killed part-way.
    let spec = write_sweep(
        dir.path(),
        "8d",
        "[sweep]\nreplications = 5\n[sweep.axes]\n\"agent_groups.agents.count\" = [9, 10, 11, 12, 13, 14]\n",
    );
    let complete = dir.path().join("complete");
    succeeded(&routesim(&[
        &"sweep",
        &spec,
        &"--threads",
        &"2",
        &"--out",
        &complete,
    ]));

    let interrupted = dir.path().join("interrupted");
    let mut child = Command::new(env!("CARGO_BIN_EXE_routesim"))
        .args([
            "sweep".as_ref(),
            spec.as_os_str(),
            "--threads".as_ref(),
            "1".as_ref(),
            "--out".as_ref(),
            interrupted.as_os_str(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !interrupted.join("parts").is_dir() || part_files(&interrupted).len() < 3 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no parts appeared"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let done = part_files(&interrupted);
    assert!(
        done.len() < 30,
        "the sweep finished before it was killed; make it bigger"
    );
    assert!(!interrupted.join("sweep.csv").exists());

    // A part cut short (as a crash in the middle of a write without the rename would leave it)
    // is not taken for a result.
    let truncated = &done[0];
    let bytes = fs::read(truncated).unwrap();
    fs::write(truncated, &bytes[..bytes.len() / 2]).unwrap();
    let kept = &done[1..];
    let identity = |path: &PathBuf| {
        let meta = fs::metadata(path).unwrap();
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&meta);
        #[cfg(not(unix))]
        let inode = 0;
        (meta.modified().unwrap(), inode)
    };
    let before: Vec<_> = kept.iter().map(identity).collect();

    // Without --resume the finished work is not thrown away.
    let stderr = failed_with_bad_input(&routesim(&[&"sweep", &spec, &"--out", &interrupted]));
    assert!(stderr.contains("pass --resume"), "{stderr}");

    let stdout = succeeded(&routesim(&[
        &"sweep",
        &spec,
        &"--resume",
        &"--out",
        &interrupted,
    ]));
    let expected = format!(
        "ran {} of 30 (point, replication) pairs: {} already done, 1 incomplete parts run again",
        30 - kept.len(),
        kept.len()
    );
    assert!(
        stdout.contains(&expected),
        "expected {expected:?} in {stdout}"
    );
    assert_eq!(
        kept.iter().map(identity).collect::<Vec<_>>(),
        before,
        "finished parts were rewritten"
    );
    assert_same_tables(&complete, &interrupted);
    let leftovers = fs::read_dir(interrupted.join("parts"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .count();
    assert_eq!(
        leftovers, 0,
        "temporary files of the killed run are cleaned up"
    );

    // Resuming a finished sweep runs nothing and rewrites the same files.
    let stdout = succeeded(&routesim(&[
        &"sweep",
        &spec,
        &"--resume",
        &"--out",
        &interrupted,
    ]));
    assert!(
        stdout.contains("ran 0 of 30 (point, replication) pairs: 30 already done"),
        "{stdout}"
    );
    assert_same_tables(&complete, &interrupted);
}

#[test]
fn parts_of_a_different_sweep_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_sweep(dir.path(), "6h", GRID);
    let out = dir.path().join("out");
    succeeded(&routesim(&[&"sweep", &spec, &"--out", &out]));
    let stderr = failed_with_bad_input(&routesim(&[
        &"sweep",
        &spec,
        &"--resume",
        &"--replications",
        &"5",
        &"--out",
        &out,
    ]));
    assert!(
        stderr.contains("holds results of a different sweep"),
        "{stderr}"
    );

    let other = dir.path().join("other");
    succeeded(&routesim(&[
        &"sweep",
        &spec,
        &"--replications",
        &"2",
        &"--out",
        &other,
    ]));
    let stderr = failed_with_bad_input(&routesim(&[
        &"merge",
        &out,
        &other,
        &"--out",
        &dir.path().join("merged"),
    ]));
    assert!(
        stderr.contains("holds results of a different sweep"),
        "{stderr}"
    );
}

#[test]
fn bad_sweep_input_exits_with_code_2_and_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_sweep(
        dir.path(),
        "6h",
        "[sweep]\naxes.agent_groups.agents.count = [10, 0]\n",
    );
    let stderr = failed_with_bad_input(&routesim(&[
        &"sweep",
        &spec,
        &"--out",
        &dir.path().join("out"),
    ]));
    assert!(
        stderr.contains("sweep point 1 (agent_groups.agents.count=0): "),
        "{stderr}"
    );
    assert!(
        stderr.contains("mmc-small.toml: agent_groups.agents.count"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("out").exists(),
        "nothing is written for a bad sweep"
    );

    let spec = write_sweep(
        dir.path(),
        "6h",
        "[sweep]\naxes.agent_groups.agentz.count = [10]\n",
    );
    let stderr = failed_with_bad_input(&routesim(&[&"sweep", &spec]));
    assert!(stderr.contains("sweep.toml: sweep.axes.agent_groups.agentz.count: `agent_groups` has no `agentz` (it has: agents)"), "{stderr}");
    for (flag, value) in [("--shard", "4/4"), ("--shard", "auto"), ("--threads", "0")] {
        let stderr = failed_with_bad_input(&routesim(&[&"sweep", &spec, &flag, &value]));
        assert!(stderr.contains(flag), "{stderr}");
    }
}

#[test]
fn a_group_whose_name_is_not_a_bare_key_is_swept_by_its_quoted_name() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_sweep(
        dir.path(),
        "6h",
        "[sweep]\nreplications = 2\n[sweep.axes]\n'agent_groups.\"tier.1\".count' = [9, 11]\n",
    );
    let scenario = dir.path().join("mmc-small.toml");
    let text = fs::read_to_string(&scenario).unwrap();
    fs::write(
        &scenario,
        text.replace("[agent_groups.agents]", "[agent_groups.\"tier.1\"]"),
    )
    .unwrap();
    let out = dir.path().join("out");
    succeeded(&routesim(&[&"sweep", &spec, &"--out", &out]));
    let table = fs::read_to_string(out.join("sweep.csv")).unwrap();
    // The column is the path as written (CSV doubles its quotes), and each point staffs the
    // group with its count.
    assert!(
        table.starts_with("point,label,\"agent_groups.\"\"tier.1\"\".count\","),
        "{table}"
    );
    for (point, agents) in [(0, 9), (1, 11)] {
        let row = format!("{point},\"agent_groups.\"\"tier.1\"\".count={agents}\",{agents},agent_group,tier.1,agents,2,{agents},");
        assert!(
            table.lines().any(|l| l.starts_with(&row)),
            "{row}\nnot in:\n{table}"
        );
    }

    // A misspelt quoted name is refused, named as it was written.
    fs::write(
        &spec,
        "scenario = \"mmc-small.toml\"\n[sweep]\n[sweep.axes]\n'agent_groups.\"tier.2\".count' = [9]\n",
    )
    .unwrap();
    let stderr = failed_with_bad_input(&routesim(&[&"sweep", &spec]));
    assert!(
        stderr.contains("sweep.axes.agent_groups.\"tier.2\".count: `agent_groups` has no `tier.2` (it has: tier.1)"),
        "{stderr}"
    );
}

#[test]
fn the_example_sweep_in_scenarios_runs() {
    let dir = tempfile::tempdir().unwrap();
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sweep-default.toml");
    let out = dir.path().join("out");
    let stdout = succeeded(&routesim(&[
        &"sweep",
        &spec,
        &"--replications",
        &"2",
        &"--out",
        &out,
    ]));
    assert!(stdout.contains("9 points x 2 replications"), "{stdout}");
    // The reference is named by variant and axis value together.
    assert!(
        stdout
            .contains("paired against point 2 (push-affinity agent_groups.english_early.count=12)"),
        "{stdout}"
    );
    let table = String::from_utf8(fs::read(out.join("sweep.csv")).unwrap()).unwrap();
    assert!(table
        .lines()
        .next()
        .unwrap()
        .contains("variant,agent_groups.english_early.count,scope"));
    for variant in ["push-affinity", "push-no-affinity", "pick"] {
        assert!(table.contains(&format!(",{variant},")), "{variant}");
    }
    // Charts: the measure against the swept count, one line per policy, and the page.
    let chart =
        fs::read_to_string(out.join("charts/sweep-service_level_20s_of_offered.svg")).unwrap();
    for label in [
        "english_early.count",
        "variant = push-affinity",
        "variant = pick",
    ] {
        assert!(chart.contains(label), "chart lacks {label}");
    }
    let page = fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(
        page.matches("<svg").count(),
        9,
        "3 measures x (series, heat map, differences)"
    );
    assert!(!page.contains("http"), "the page must load nothing");
}

/// Common random numbers: two points whose mean handle time differs by 5 seconds in 5 minutes
/// see the same customers in each replication, so their waits move together and the paired
/// difference has far less noise than the difference of two independent means.
#[test]
fn common_random_numbers_make_the_paired_interval_much_narrower() {
    let text = format!("{}\n[sweep]\nreplications = 20\nbase_seed = 11\naxes.channels.calls.handle_time.mean = [\"5m\", \"305s\"]\n", scenario("12h"));
    let origin = Origin {
        file: "crn.toml".into(),
        base_dir: PathBuf::from("."),
    };
    let sweep = sweep::sweep_from_text(&text, &origin, SpecOverrides::default()).unwrap();
    let results = sweep::run_in_memory(&sweep, Threads(None)).unwrap();
    let (short, long) = (
        results.values(0, Scope::Overall, "all", "wait_mean_s"),
        results.values(1, Scope::Overall, "all", "wait_mean_s"),
    );
    let paired = sweep::paired_difference(&long, &short);
    let unpaired = sweep::unpaired_difference(&long, &short);
    assert_eq!((paired.n, unpaired.n), (20, 40));
    assert!(
        (paired.mean - unpaired.mean).abs() < 1e-9,
        "both estimate the same difference: {paired:?} {unpaired:?}"
    );
    // With correlation rho between the two points' replications, the paired variance is about
    // (1 - rho) times the unpaired one. Replications differ by far more (the luck of a day)
    // than the points do (1.7% more work), so rho is close to 1 and the width ratio near
    // sqrt(1 - rho); a ratio under 0.35 leaves a wide margin and still means "much narrower".
    assert!(
        paired.half_width() < 0.35 * unpaired.half_width(),
        "paired {paired:?} vs unpaired {unpaired:?}"
    );
    // More work for the same agents lengthens the wait; the paired interval is sharp enough to
    // exclude zero.
    assert!(paired.ci95_low > 0.0, "{paired:?}");
    // The reported difference of the sweep is the paired one.
    let reported = results
        .measure(1, Scope::Overall, "all", "wait_mean_s")
        .unwrap()
        .vs_reference;
    assert_eq!(reported, paired);
}

/// Every point of a sweep is validated from the same scenario table: its CSV inputs are read
/// once for all of them, and the points share what was read (a 13 MB trace used to be read
/// and parsed once per point, 0.2 s each, and held once per point).
#[test]
fn the_points_of_a_sweep_share_one_read_of_a_trace() {
    use routesim::model::ArrivalProcess;
    let dir = tempfile::tempdir().unwrap();
    let mut trace = String::from("t\n");
    for i in 0..20_000 {
        trace.push_str(&format!("{}.5\n", i * 3));
    }
    fs::write(dir.path().join("trace.csv"), trace).unwrap();
    let scenario = scenario("8h").replace(
        "arrivals = { per_hour = 100 }",
        "arrivals = { csv = \"trace.csv\", column = \"t\", trace = true }",
    );
    assert!(
        scenario.contains("trace = true"),
        "the test scenario changed"
    );
    let text = format!(
        "{scenario}\n[sweep]\nreplications = 2\naxes.agent_groups.agents.count = {{ from = 1, to = 200, step = 1 }}\n"
    );
    let origin = Origin {
        file: dir.path().join("spec.toml").display().to_string(),
        base_dir: dir.path().to_path_buf(),
    };
    let loaded = sweep::sweep_from_text(&text, &origin, SpecOverrides::default()).unwrap();
    assert_eq!(loaded.scenarios.len(), 200);
    let times = |s: &routesim::model::Scenario| match &s.channels[0].arrivals {
        ArrivalProcess::Trace { times } => times.clone(),
        other => panic!("not a trace: {other:?}"),
    };
    let first = times(&loaded.scenarios[0]);
    assert_eq!(first.len(), 20_000);
    for point in &loaded.scenarios[1..] {
        assert!(std::sync::Arc::ptr_eq(&first, &times(point)));
    }
    // Outside a sweep each validation reads the file afresh: a changed file is seen.
    let again = sweep::sweep_from_text(&text, &origin, SpecOverrides::default()).unwrap();
    assert!(!std::sync::Arc::ptr_eq(&first, &times(&again.scenarios[0])));
}
