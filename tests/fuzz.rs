//! Fuzzing: the bundled scenarios and sweep specs, mutated structurally (a field of the parsed
//! TOML replaced by an odd value or removed) and byte-wise (bytes flipped, inserted, deleted,
//! odd tokens spliced in), must always end as "exit 0" (valid: it runs, and its reports are
//! drawn) or "exit 2" (refused with a message naming the file): never a panic, an abort, a
//! stall or a hang. Each case runs on its own thread under a deadline.
//!
//! In CI: 2,000 cases in process and 40 through the binary (well under a minute), from a fixed
//! seed so that CI is reproducible. A long run explores other cases with another seed:
//!
//! ```sh
//! ROUTESIM_FUZZ_SEED=$RANDOM ROUTESIM_FUZZ_CASES=200000 ROUTESIM_FUZZ_CLI_CASES=5000 \
//!     cargo test --release --test fuzz
//! ```
//!
//! A failing case is printed (the seed, and the mutated file's text) after proptest has shrunk
//! it to a small sequence of mutations; `ROUTESIM_FUZZ_LOG=<file>` also writes each case's
//! text there before it runs, for a case that takes the whole process down.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

use routesim::budget::{Budget, Estimate};
use routesim::config::{parse_scenario, Origin};
use routesim::{metrics, report, sweep};

/// No case may take longer than this (a valid run within the fuzz budget takes milliseconds).
const DEADLINE: Duration = Duration::from_secs(20);

/// Runs beyond this are only validated, not simulated, so that thousands of cases fit in CI.
const FUZZ_BUDGET: Budget = Budget {
    max_events: 300_000.0,
    max_memory_bytes: 256.0 * 1024.0 * 1024.0,
};

/// The seed of CI's cases; `ROUTESIM_FUZZ_SEED` chooses others.
const CI_SEED: u64 = 2026;

/// A runner of `cases` cases from `ROUTESIM_FUZZ_SEED` (default [`CI_SEED`]) and that seed.
fn runner(cases: u32) -> (TestRunner, u64) {
    let seed = std::env::var("ROUTESIM_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CI_SEED);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    (TestRunner::new_with_rng(config, rng), seed)
}

fn cases(variable: &str, default: u32) -> u32 {
    std::env::var(variable)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The seed files: every bundled scenario and sweep spec, and the check tests' scenario.
fn corpus() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["scenarios", "tests/data/check"] {
        let mut names: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        names.sort();
        for path in names {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            files.push((name, std::fs::read_to_string(&path).unwrap()));
        }
    }
    assert!(files.len() >= 7);
    files
}

/// Values a structural mutation puts in place of a field.
fn odd_value(choice: u8) -> toml::Value {
    use toml::Value;
    match choice % 24 {
        0 => Value::Integer(0),
        1 => Value::Integer(-1),
        2 => Value::Integer(4_294_967_296),
        3 => Value::Integer(i64::MAX),
        4 => Value::Float(1e9),
        5 => Value::Float(-0.5),
        6 => Value::Float(f64::NAN),
        7 => Value::Float(f64::INFINITY),
        8 => Value::Float(1.0),
        9 => Value::String("0s".into()),
        10 => Value::String("1ms".into()),
        11 => Value::String("100000d".into()),
        12 => Value::String(String::new()),
        13 => Value::String("../x".into()),
        14 => Value::String("/dev/zero".into()),
        15 => Value::String("99999999999999999999d".into()),
        16 => Value::Boolean(true),
        17 => Value::Array(Vec::new()),
        18 => Value::Table(toml::Table::new()),
        19 => Value::String("23:59".into()),
        20 => Value::Array(vec![Value::String("0s".into()), Value::Integer(1)]),
        21 => Value::Integer(1),
        22 => {
            let mut t = toml::Table::new();
            t.insert("kind".into(), Value::String("constant".into()));
            t.insert("value".into(), Value::String("0s".into()));
            Value::Table(t)
        }
        _ => Value::String("x".repeat(300)),
    }
}

const TOKENS: &[&str] = &[
    "0",
    "-1",
    "1e309",
    "\"0s\"",
    "nan",
    "inf",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "=",
    "\n",
    ",",
    "4294967296",
    "1e9",
    "\"../x\"",
    "\"/dev/zero\"",
    "[[x]]",
    "\n[simulation]\n",
    "'",
    "\\u0000",
    "\u{0}",
    "é",
    "#",
];

#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the leaf at (selector mod leaves) with an odd value.
    Replace(u32, u8),
    /// Remove the leaf or table at (selector mod entries).
    Remove(u32),
    /// Flip one bit of a byte.
    Flip(u32, u8),
    /// Splice a token in.
    Insert(u32, u8),
    /// Delete up to 16 bytes.
    Delete(u32, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<u32>(), any::<u8>()).prop_map(|(s, v)| Mutation::Replace(s, v)),
        1 => any::<u32>().prop_map(Mutation::Remove),
        1 => (any::<u32>(), any::<u8>()).prop_map(|(p, b)| Mutation::Flip(p, b)),
        2 => (any::<u32>(), any::<u8>()).prop_map(|(p, t)| Mutation::Insert(p, t)),
        1 => (any::<u32>(), any::<u8>()).prop_map(|(p, n)| Mutation::Delete(p, n)),
    ]
}

/// Every path to a value of the table (tables and arrays included), in document order.
fn paths(value: &toml::Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        toml::Value::Table(table) => {
            for (key, child) in table {
                prefix.push(key.clone());
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        toml::Value::Array(items) => {
            for (idx, child) in items.iter().enumerate() {
                prefix.push(format!("#{idx}"));
                out.push(prefix.clone());
                paths(child, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

fn parent_of<'a>(root: &'a mut toml::Value, path: &[String]) -> Option<&'a mut toml::Value> {
    let mut node = root;
    for step in path {
        node = match (node, step.strip_prefix('#')) {
            (toml::Value::Array(items), Some(idx)) => items.get_mut(idx.parse::<usize>().ok()?)?,
            (toml::Value::Table(table), None) => table.get_mut(step)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Applies a structural mutation to TOML text; text that is not TOML is left as it is.
fn structural(text: &str, selector: u32, edit: impl FnOnce(&mut toml::Value, &str)) -> String {
    let Ok(table) = text.parse::<toml::Table>() else {
        return text.to_string();
    };
    let mut root = toml::Value::Table(table);
    let mut all = Vec::new();
    paths(&root, &mut Vec::new(), &mut all);
    if all.is_empty() {
        return text.to_string();
    }
    let path = &all[selector as usize % all.len()];
    let (last, parent) = path.split_last().unwrap();
    if let Some(parent) = parent_of(&mut root, parent) {
        edit(parent, last);
    }
    toml::to_string(&root).unwrap_or_else(|_| text.to_string())
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let at = |position: u32, len: usize| position as usize % (len + 1);
    match *mutation {
        Mutation::Replace(selector, choice) => structural(text, selector, |parent, key| {
            let value = odd_value(choice);
            match (parent, key.strip_prefix('#')) {
                (toml::Value::Array(items), Some(idx)) => {
                    if let Some(slot) = idx.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                        *slot = value;
                    }
                }
                (toml::Value::Table(table), None) => {
                    table.insert(key.to_string(), value);
                }
                _ => {}
            }
        }),
        Mutation::Remove(selector) => structural(text, selector, |parent, key| {
            match (parent, key.strip_prefix('#')) {
                (toml::Value::Array(items), Some(idx)) => {
                    if let Some(i) = idx.parse::<usize>().ok().filter(|&i| i < items.len()) {
                        items.remove(i);
                    }
                }
                (toml::Value::Table(table), None) => {
                    table.remove(key);
                }
                _ => {}
            }
        }),
        Mutation::Flip(position, bit) => {
            let mut bytes = text.as_bytes().to_vec();
            if !bytes.is_empty() {
                let idx = position as usize % bytes.len();
                bytes[idx] ^= 1 << (bit % 8);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Mutation::Insert(position, token) => {
            let mut bytes = text.as_bytes().to_vec();
            let idx = at(position, bytes.len());
            let token = TOKENS[token as usize % TOKENS.len()].as_bytes();
            bytes.splice(idx..idx, token.iter().copied());
            String::from_utf8_lossy(&bytes).into_owned()
        }
        Mutation::Delete(position, count) => {
            let mut bytes = text.as_bytes().to_vec();
            let idx = at(position, bytes.len());
            let end = (idx + 1 + count as usize % 16).min(bytes.len());
            bytes.drain(idx..end);
            String::from_utf8_lossy(&bytes).into_owned()
        }
    }
}

/// What the command line would have done with the case: 0 (ran) or 2 (refused).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Ran,
    Refused,
}

/// Validates the case as `routesim validate` would, then, within the fuzz budget, runs it and
/// draws its reports as `routesim run` would (charts only for some cases, they cost the most).
fn in_process(dir: &Path, name: &str, text: &str, draw_charts: bool) -> Result<Outcome, String> {
    let path = dir.join(name);
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    let table = text.parse::<toml::Table>();
    let is_sweep = table
        .as_ref()
        .is_ok_and(|t| t.contains_key("scenario") || t.contains_key("sweep"));
    if is_sweep {
        let sweep = match sweep::load_sweep(&path, sweep::SpecOverrides::default()) {
            Ok(sweep) => sweep,
            Err(error) if error.is_bad_input() => return Ok(Outcome::Refused),
            Err(error) => return Err(format!("not bad input: {error}")),
        };
        let pairs = sweep.layout.points.len() as f64 * f64::from(sweep.layout.replications);
        let events: f64 = sweep
            .scenarios
            .iter()
            .map(|s| Estimate::of(s).events)
            .sum::<f64>()
            * f64::from(sweep.layout.replications);
        if pairs <= 64.0 && events <= FUZZ_BUDGET.max_events {
            let results = sweep::run_in_memory(&sweep, sweep::Threads(Some(1)))
                .map_err(|e| format!("the sweep failed (exit 1): {e}"))?;
            let _ = report::sweep_csv(&results);
        }
        return Ok(Outcome::Ran);
    }
    let origin = Origin::of_path(&path);
    let scenario = match parse_scenario(text, &origin) {
        Ok(scenario) => scenario,
        Err(_) => return Ok(Outcome::Refused),
    };
    let estimate = Estimate::of(&scenario);
    if estimate.overrun(&Budget::default()).is_some() {
        return Ok(Outcome::Refused);
    }
    if estimate.overrun(&FUZZ_BUDGET).is_some() {
        return Ok(Outcome::Ran);
    }
    let results = metrics::try_run(&scenario, scenario.simulation.seed)
        .map_err(|e| format!("the run failed (exit 1): {e}"))?;
    let selection = if draw_charts {
        report::ChartSelection::Svg
    } else {
        report::ChartSelection::None
    };
    let options = report::ChartOptions::of_scenario(&scenario);
    report::run_report_files(&results, text, selection, &options)
        .map_err(|e| format!("drawing the reports failed: {e}"))?;
    Ok(Outcome::Ran)
}

/// Runs `work` on its own thread; a panic or a missed deadline is a failure of the case.
fn bounded<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    let (sender, receiver) = mpsc::channel();
    let handle = std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(move || {
            let _ = sender.send(work());
        })
        .map_err(|e| e.to_string())?;
    match receiver.recv_timeout(DEADLINE) {
        Ok(result) => {
            let _ = handle.join();
            result
        }
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("did not end within {DEADLINE:?}")),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err("panicked".to_string()),
    }
}

/// A folder holding the corpus files, so that a mutated sweep spec finds its scenario and a
/// mutated scenario its CSV files.
fn workspace(corpus: &[(String, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in corpus {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

#[test]
fn mutated_scenarios_and_sweep_specs_are_run_or_refused_in_process() {
    let corpus = corpus();
    let dir = workspace(&corpus);
    let (mut runner, seed) = runner(cases("ROUTESIM_FUZZ_CASES", 2000));
    let strategy = (
        0..corpus.len(),
        proptest::collection::vec(mutation(), 1..4),
        0u8..16,
    );
    let outcomes = [std::cell::Cell::new(0usize), std::cell::Cell::new(0usize)];
    let result = runner.run(&strategy, |(pick, mutations, chart_roll)| {
        let (name, original) = &corpus[pick];
        let text = mutations.iter().fold(original.clone(), |t, m| apply(&t, m));
        if let Ok(log) = std::env::var("ROUTESIM_FUZZ_LOG") {
            let _ = std::fs::write(&log, &text);
        }
        let case_name = format!("case-{name}");
        let folder = dir.path().to_path_buf();
        let body = text.clone();
        let outcome = bounded(move || in_process(&folder, &case_name, &body, chart_roll == 0))
            .map_err(|failure| {
                TestCaseError::fail(format!("{name} with {mutations:?}: {failure}\n{text}"))
            })?;
        let counter = &outcomes[usize::from(outcome == Outcome::Refused)];
        counter.set(counter.get() + 1);
        Ok(())
    });
    if let Err(error) = result {
        panic!("ROUTESIM_FUZZ_SEED={seed}: {error}");
    }
    // Mutations both keep and break files: a fuzzer that only produced refusals would test
    // nothing but the parser.
    let (ran, refused) = (outcomes[0].get(), outcomes[1].get());
    eprintln!("fuzz: {ran} cases ran (or would), {refused} were refused");
    assert!(ran > 0 && refused > 0, "{ran} ran, {refused} refused");
}

#[test]
fn mutated_files_given_to_the_binary_exit_0_or_2() {
    let corpus = corpus();
    let dir = workspace(&corpus);
    let (mut runner, seed) = runner(cases("ROUTESIM_FUZZ_CLI_CASES", 40));
    let strategy = (0..corpus.len(), proptest::collection::vec(mutation(), 1..4));
    let result = runner.run(&strategy, |(pick, mutations)| {
        let (name, original) = &corpus[pick];
        let text = mutations.iter().fold(original.clone(), |t, m| apply(&t, m));
        let file = format!("cli-{name}");
        std::fs::write(dir.path().join(&file), &text).unwrap();
        // Run only what the in-process estimate says is small; validate everything.
        let small = parse_scenario(&text, &Origin::of_path(&dir.path().join(&file)))
            .is_ok_and(|s| Estimate::of(&s).overrun(&FUZZ_BUDGET).is_none());
        let mut commands = vec![vec!["validate".to_string(), file.clone()]];
        if small {
            commands.push(
                ["run", &file, "--charts", "svg", "--out", "out"]
                    .map(String::from)
                    .to_vec(),
            );
        }
        for args in commands {
            let mut child = Command::new(env!("CARGO_BIN_EXE_routesim"))
                .args(&args)
                .current_dir(dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let started = Instant::now();
            while child.try_wait().unwrap().is_none() {
                if started.elapsed() > DEADLINE {
                    let _ = child.kill();
                    return Err(TestCaseError::fail(format!(
                        "{args:?} on {name} with {mutations:?} did not end within {DEADLINE:?}\n{text}"
                    )));
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            let output = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            let code = output.status.code();
            if !matches!(code, Some(0 | 2)) || stderr.contains("panicked") {
                return Err(TestCaseError::fail(format!(
                    "{args:?} on {name} with {mutations:?} exited {code:?}: {stderr}\n{text}"
                )));
            }
            // A sweep point's bad value may be reported against the scenario file it edits.
            if code == Some(2) && !stderr.contains(&file) && !stderr.contains(".toml: ") {
                return Err(TestCaseError::fail(format!(
                    "{args:?}: the refusal does not name the file: {stderr}"
                )));
            }
        }
        Ok(())
    });
    if let Err(error) = result {
        panic!("ROUTESIM_FUZZ_SEED={seed}: {error}");
    }
}
