//! A report folder appears whole or not at all: the `routesim` binary is stopped dead at each
//! step of publishing (the test-only `ROUTESIM_TEST_ABORT_AT` hook) and by `kill -9` at
//! timed moments, and the folder must then hold exactly the old set, exactly the new set, or
//! nothing, never a mix; the next run cleans up what the killed one left.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

/// The files of a report folder: (relative name, bytes), sorted by name.
type FileSet = Vec<(String, Vec<u8>)>;

/// Every file below `dir`, sorted; `None` if `dir` does not exist.
fn snapshot(dir: &Path) -> Option<FileSet> {
    fn walk(root: &Path, dir: &Path, files: &mut Vec<(String, Vec<u8>)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, files);
            } else {
                let name = path.strip_prefix(root).unwrap().display().to_string();
                files.push((name, fs::read(&path).unwrap()));
            }
        }
    }
    if !dir.exists() {
        return None;
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    files.sort();
    Some(files)
}

fn names(set: &Option<FileSet>) -> Vec<String> {
    set.iter().flatten().map(|(n, _)| n.clone()).collect()
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn command(args: &[&str], cwd: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_routesim"));
    command
        .args(args)
        .current_dir(cwd)
        .env_remove("ROUTESIM_TEST_ABORT_AT");
    command
}

fn scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mmc.toml")
}

/// The old set: another seed, with charts (which the new set does not have, so a stale chart
/// would show).
fn old_args(out: &str) -> Vec<String> {
    let scenario = scenario().display().to_string();
    [
        "run", &scenario, "--seed", "1", "--charts", "svg", "--out", out,
    ]
    .map(String::from)
    .to_vec()
}

fn new_args(out: &str) -> Vec<String> {
    let scenario = scenario().display().to_string();
    [
        "run", &scenario, "--seed", "2", "--charts", "none", "--out", out,
    ]
    .map(String::from)
    .to_vec()
}

fn run(args: &[String], cwd: &Path, abort_at: Option<&str>) -> Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = command(&args, cwd);
    if let Some(step) = abort_at {
        command.env("ROUTESIM_TEST_ABORT_AT", step);
    }
    command.output().expect("routesim starts")
}

#[track_caller]
fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The old and the new set, each published once into its own folder.
fn reference_sets(root: &Path) -> (FileSet, FileSet) {
    assert_success(&run(&old_args("out"), &root.join("a"), None));
    assert_success(&run(&new_args("out"), &root.join("b"), None));
    let old = snapshot(&root.join("a/out")).unwrap();
    let new = snapshot(&root.join("b/out")).unwrap();
    assert_ne!(names(&Some(old.clone())), names(&Some(new.clone())));
    (old, new)
}

#[test]
fn a_run_stopped_at_any_step_of_publishing_leaves_the_old_set_the_new_set_or_nothing() {
    let root = tempfile::tempdir().unwrap();
    for sub in ["a", "b"] {
        fs::create_dir(root.path().join(sub)).unwrap();
    }
    let (old, new) = reference_sets(root.path());
    // (step, what the folder holds after the stop): the new set has 4 files.
    let last_file = format!("staged:{}", new.len() - 1);
    let cases = [
        ("staged:1", Some(&old)),
        (last_file.as_str(), Some(&old)),
        ("all-staged", Some(&old)),
        ("old-moved-aside", None),
        ("published", Some(&new)),
    ];
    for (idx, (step, expected)) in cases.into_iter().enumerate() {
        let case = root.path().join(format!("case{idx}"));
        fs::create_dir(&case).unwrap();
        assert_success(&run(&old_args("out"), &case, None));
        let stopped = run(&new_args("out"), &case, Some(step));
        assert_eq!(
            stopped.status.code(),
            Some(137),
            "{step}: the hook stops the run"
        );
        let left = snapshot(&case.join("out"));
        assert!(
            left.as_ref() == expected,
            "{step}: the folder holds {:?}, expected {:?}",
            names(&left),
            names(&expected.cloned())
        );
        let hidden: Vec<String> = listing(&case)
            .into_iter()
            .filter(|n| n.starts_with(".out."))
            .collect();
        assert!(!hidden.is_empty(), "{step}: the stop left its temporaries");

        // The next run publishes the new set and removes the dead run's temporaries.
        assert_success(&run(&new_args("out"), &case, None));
        assert!(snapshot(&case.join("out")).as_ref() == Some(&new), "{step}");
        assert_eq!(listing(&case), ["out"], "{step}");
    }
}

#[test]
fn kill_9_at_timed_moments_never_leaves_a_mixed_folder() {
    let root = tempfile::tempdir().unwrap();
    for sub in ["a", "b"] {
        fs::create_dir(root.path().join(sub)).unwrap();
    }
    let (old, new) = reference_sets(root.path());
    // How long a whole run takes here, to spread the kills over it.
    let case = root.path().join("timed");
    fs::create_dir(&case).unwrap();
    assert_success(&run(&old_args("out"), &case, None));
    let started = Instant::now();
    assert_success(&run(&new_args("out"), &case, None));
    let whole = started.elapsed();
    let kills = 16;
    let mut outcomes = [0usize; 3];
    for k in 0..kills {
        assert_success(&run(&old_args("out"), &case, None));
        let args = new_args("out");
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut child = command(&args, &case)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // From a quarter to one and a half times the run's length.
        std::thread::sleep(whole.mul_f64(0.25 + 1.25 * k as f64 / kills as f64));
        let _ = child.kill();
        let _ = child.wait();
        let left = snapshot(&case.join("out"));
        let outcome = if left.as_ref() == Some(&old) {
            0
        } else if left.as_ref() == Some(&new) {
            1
        } else {
            assert!(
                left.is_none(),
                "kill {k}: a mixed folder: {:?}",
                names(&left)
            );
            2
        };
        outcomes[outcome] += 1;
    }
    assert_success(&run(&new_args("out"), &case, None));
    assert!(snapshot(&case.join("out")).as_ref() == Some(&new));
    assert_eq!(listing(&case), ["out"]);
    // Not an assertion on timing: only that the kills did land somewhere.
    assert_eq!(outcomes.iter().sum::<usize>(), kills);
}

#[test]
fn a_folder_with_files_routesim_did_not_write_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mine");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("notes.txt"), "keep me").unwrap();
    let output = run(&new_args("mine"), dir.path(), None);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("notes.txt"), "{stderr}");
    assert_eq!(listing(&out), ["notes.txt"]);
    assert_eq!(listing(dir.path()), ["mine"]);
    // The current folder is never replaced, even when empty.
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let output = run(&new_args("."), &empty, None);
    assert_eq!(output.status.code(), Some(2));
    assert!(empty.exists() && listing(&empty).is_empty());
}
