//! The `routesim` command: arguments, files, progress and exit codes. Everything a library user
//! would need lives in the library; this file only wires it to the terminal.
//!
//! Exit codes: 0 ok, 1 runtime failure (or a check that found a regression), 2 bad input.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use routesim::config::{self, ConfigError};
use routesim::engine::SimDuration;
use routesim::model::Scenario;
use routesim::sweep::{self, Continuation, Shard, SpecOverrides, SweepError, SweepResults, Threads};
use routesim::{metrics, report};

#[derive(Debug, Parser)]
#[command(
    name = "routesim",
    version,
    about = "Discrete-event simulation of omnichannel work distribution (Dynamics 365 unified routing)",
    after_help = "Examples:\n  routesim run                          run the bundled default scenario\n  routesim run scenarios/mmc.toml --seed 7 --out /tmp/mmc\n  routesim validate scenarios/*.toml"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate one scenario and write summary.csv, intervals.csv and agents.csv.
    #[command(after_help = "Examples:\n  routesim run\n  routesim run scenarios/mmc.toml --horizon 2d --seed 42\n  routesim run my.toml --out reports/today")]
    Run {
        /// The scenario file (TOML). Without it, the bundled default scenario runs.
        scenario: Option<PathBuf>,
        #[command(flatten)]
        overrides: Overrides,
        /// Folder for the reports [default: output/<scenario name>].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Check scenario files and report every problem, without simulating.
    #[command(after_help = "Examples:\n  routesim validate scenarios/default.toml\n  routesim validate scenarios/*.toml")]
    Validate {
        /// One or more scenario files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
    /// Run a parameter sweep: every point of a grid (or list of variants) of scenario settings,
    /// several replications each with common random numbers, in parallel. Writes sweep.csv and
    /// replications.csv, and one part file per finished (point, replication) under DIR/parts.
    #[command(after_help = "Examples:
  routesim sweep scenarios/sweep-default.toml --out /tmp/staffing
  routesim sweep scenarios/sweep-default.toml --out /tmp/staffing --resume   after a stop
  routesim sweep my-sweep.toml --threads 1 --replications 30
  routesim sweep my-sweep.toml --shard 2/4 --out shared/run1     a quarter of the runs
  routesim sweep my-sweep.toml --shard auto --out shared/run1    in an array job
  routesim merge shared/run1 --out results/run1")]
    Sweep {
        /// A sweep file (`scenario = "file.toml"` and a [sweep] table), or a scenario file with a
        /// [sweep] table.
        spec: PathBuf,
        /// Threads to use [default: all cores]. Results are identical whatever the count.
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
        /// Run only shard K of N (0-based) of the (point, replication) pairs and write its parts;
        /// `auto` reads a Slurm array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT) or a Kubernetes
        /// Indexed Job (JOB_COMPLETION_INDEX, ROUTESIM_SHARD_COUNT).
        #[arg(long, value_name = "K/N|auto")]
        shard: Option<String>,
        /// Keep the finished pairs of an interrupted run in DIR and run only the missing ones.
        #[arg(long)]
        resume: bool,
        /// Folder for the results [default: output/sweep-<spec file name>].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replace the spec's number of replications per point.
        #[arg(long, value_name = "R")]
        replications: Option<u32>,
    },
    /// Combine the parts written by sweep shards into the sweep.csv and replications.csv that one
    /// machine running the whole sweep would write.
    #[command(after_help = "Examples:
  routesim merge shared/run1 --out results/run1             shards that shared one folder
  routesim merge shard-0 shard-1 shard-2 shard-3 --out results")]
    Merge {
        /// Output folders of shards of one sweep (each holding parts/), or parts folders.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Folder for sweep.csv and replications.csv.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
struct Overrides {
    /// Replace the scenario's seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Replace the scenario's horizon, e.g. "8h" or "7d".
    #[arg(long, value_name = "DURATION")]
    horizon: Option<String>,
}

/// A problem with what the user gave us (exit code 2), as opposed to a failure while running.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct BadInput(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {error:#}");
            if is_bad_input(&error) {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

fn is_bad_input(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.is::<ConfigError>() || cause.is::<BadInput>() || cause.downcast_ref::<SweepError>().is_some_and(SweepError::is_bad_input)
    })
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

fn execute(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run { scenario, overrides, out } => run(scenario.as_deref(), &overrides, out),
        Command::Validate { scenarios } => validate(&scenarios),
        Command::Sweep { spec, threads, shard, resume, out, replications } => {
            let continuation = if resume { Continuation::Resume } else { Continuation::Fresh };
            run_sweep(&spec, threads, shard.as_deref(), continuation, out, replications)
        }
        Command::Merge { dirs, out } => merge(&dirs, &out),
    }
}

fn load(path: Option<&Path>) -> Result<Scenario> {
    Ok(match path {
        Some(path) => config::load_scenario(path)?,
        None => config::default_scenario()?,
    })
}

fn apply_overrides(scenario: &mut Scenario, overrides: &Overrides) -> Result<()> {
    if let Some(seed) = overrides.seed {
        scenario.simulation.seed = seed;
    }
    if let Some(text) = &overrides.horizon {
        let horizon = config::parse_duration(text).map_err(|message| BadInput(format!("--horizon: {message}")))?;
        if horizon <= scenario.simulation.warm_up || horizon == SimDuration::ZERO {
            return Err(BadInput(format!("--horizon: {text} must be longer than the warm-up ({})", scenario.simulation.warm_up)).into());
        }
        scenario.simulation.horizon = horizon;
    }
    Ok(())
}

fn run(path: Option<&Path>, overrides: &Overrides, out: Option<PathBuf>) -> Result<ExitCode> {
    let mut scenario = load(path)?;
    apply_overrides(&mut scenario, overrides)?;
    let out = out.unwrap_or_else(|| Path::new("output").join(&scenario.name));
    let results = metrics::run(&scenario, scenario.simulation.seed);
    let written = report::write_run_reports(&results, &out).context("writing the reports")?;
    println!("{}", report::summary_table(&results));
    for path in written {
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn validate(paths: &[PathBuf]) -> Result<ExitCode> {
    let mut failures = Vec::new();
    for path in paths {
        if is_sweep_file(path) {
            match sweep::load_sweep(path, SpecOverrides::default()) {
                Ok(sweep) => println!(
                    "{}: ok (sweep of {} points x {} replications)",
                    path.display(),
                    sweep.layout.points.len(),
                    sweep.layout.replications
                ),
                Err(error) => failures.push(error.to_string()),
            }
            continue;
        }
        match config::load_scenario(path) {
            Ok(scenario) => println!(
                "{}: ok ({} channels, {} workstreams, {} queues, {} agents)",
                path.display(),
                scenario.channels.len(),
                scenario.workstreams.len(),
                scenario.queues.len(),
                scenario.n_agents()
            ),
            Err(error) => failures.push(error.to_string()),
        }
    }
    if failures.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(BadInput(failures.join("\n")).into())
    }
}

fn run_sweep(
    spec: &Path,
    threads: Option<usize>,
    shard: Option<&str>,
    continuation: Continuation,
    out: Option<PathBuf>,
    replications: Option<u32>,
) -> Result<ExitCode> {
    if threads == Some(0) {
        return Err(BadInput("--threads must be at least 1".into()).into());
    }
    if replications == Some(0) {
        return Err(BadInput("--replications must be at least 1".into()).into());
    }
    let shard = match shard {
        None => Shard::WHOLE,
        Some("auto") => Shard::from_env(|name| std::env::var(name).ok()).map_err(|message| BadInput(format!("--shard auto: {message}")))?,
        Some(text) => Shard::parse(text).map_err(|message| BadInput(format!("--shard: {message}")))?,
    };
    let sweep = sweep::load_sweep(spec, SpecOverrides { replications })?;
    let out = out.unwrap_or_else(|| {
        let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "sweep".into());
        Path::new("output").join(format!("sweep-{stem}"))
    });
    let plan = sweep::plan(&sweep, &out, shard, continuation)?;
    let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        let bar = indicatif::ProgressBar::new(plan.to_run.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} runs, ETA {eta}") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let executed = sweep::execute(&sweep, &plan, Threads(threads), &|| bar.inc(1));
    bar.finish_and_clear();
    executed?;
    println!(
        "ran {} of {} (point, replication) pairs{}: {} already done{}",
        plan.to_run.len(),
        plan.owned,
        if shard.is_whole() { String::new() } else { format!(" of shard {shard}") },
        plan.reused,
        if plan.incomplete > 0 { format!(", {} incomplete parts run again", plan.incomplete) } else { String::new() }
    );
    if !shard.is_whole() {
        println!("wrote the shard's parts to {}; when every shard is done: routesim merge <their --out folders> --out <folder>", plan.parts_dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    let results = sweep::collect(std::slice::from_ref(&out))?;
    write_sweep_reports(&results, &out)
}

fn merge(dirs: &[PathBuf], out: &Path) -> Result<ExitCode> {
    let results = sweep::collect(dirs)?;
    write_sweep_reports(&results, out)
}

fn write_sweep_reports(results: &SweepResults, out: &Path) -> Result<ExitCode> {
    let files = vec![("sweep.csv".to_string(), report::sweep_csv(results)), ("replications.csv".to_string(), report::replications_csv(results))];
    let written = report::write_files_atomically(out, &files).context("writing the sweep tables")?;
    print!("{}", report::sweep_summary_table(results));
    for path in written {
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// A sweep spec (a file naming its scenario, or a scenario with a `[sweep]` table) is validated
/// point by point; anything else as a plain scenario.
fn is_sweep_file(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else { return false };
    config::parse_table(&text, &config::Origin::of_path(path)).is_ok_and(|table| table.contains_key("scenario") || table.contains_key("sweep"))
}
