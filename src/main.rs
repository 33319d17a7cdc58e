//! The `routesim` command: arguments, files, progress and exit codes. Everything a library user
//! would need lives in the library; this file only wires it to the terminal.
//!
//! Exit codes: 0 ok, 1 runtime failure (or a check that found a regression), 2 bad input,
//! 3 sweep results incomplete (`merge` before every shard finished), 4 staffing targets that
//! cannot be met (or not within the iteration limit).
//!
//! Test-only fault injection: with `ROUTESIM_TEST_ABORT_AT=<step>` in the environment (`staged:N`,
//! `all-staged`, `old-moved-aside`, `published`), the process stops dead (exit code 137, no
//! clean-up) when publishing a report folder reaches that step, as a `kill -9` there would.
//! `tests/publish.rs` uses it to show that a report folder is never left mixed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use routesim::check::{self, PolicyScenario};
use routesim::config::{self, ConfigError};
use routesim::engine::SimDuration;
use routesim::model::Scenario;
use routesim::staffing::{self, StaffingError, StaffingOptions};
use routesim::sweep::{
    self, Continuation, Shard, SpecOverrides, SweepError, SweepResults, Threads,
};
use routesim::{metrics, report, warnings};

#[derive(Debug, Parser)]
#[command(
    name = "routesim",
    version,
    about = "Discrete-event simulation of omnichannel work distribution (Dynamics 365 unified routing)",
    after_help = "Examples:\n  routesim run                          run the bundled default scenario\n  routesim run scenarios/mmc.toml --seed 7 --out /tmp/mmc\n  routesim validate scenarios/*.toml\n  routesim baseline scenarios/mmc.toml --out baseline.csv\n  routesim check scenarios/mmc.toml --baseline baseline.csv"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Simulate one scenario and write summary.csv, intervals.csv, agents.csv, charts and report.html.
    #[command(
        after_help = "Examples:\n  routesim run\n  routesim run scenarios/mmc.toml --horizon 2d --seed 42\n  routesim run my.toml --out reports/today\n  routesim run my.toml --replications 10     means with 95% intervals"
    )]
    Run {
        /// The scenario file (TOML). Without it, the bundled default scenario runs.
        scenario: Option<PathBuf>,
        #[command(flatten)]
        overrides: Overrides,
        /// Folder for the reports [default: output/<scenario name>].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Chart files to write into <out>/charts/; report.html inlines the charts unless none.
        #[arg(long, value_enum, default_value_t = ChartsArg::Svg)]
        charts: ChartsArg,
        #[command(flatten)]
        budget: BudgetArg,
        /// Replications on common-random-number seeds from the seed: every figure becomes a
        /// mean with a 95% interval (CSV columns n, ci95_low, ci95_high). 1 is a single run.
        #[arg(long, value_name = "R", default_value_t = 1)]
        replications: u32,
        #[command(flatten)]
        threads: ThreadsArg,
    },
    /// Check scenario files and report every problem, without simulating.
    #[command(
        after_help = "Examples:\n  routesim validate scenarios/default.toml\n  routesim validate scenarios/*.toml"
    )]
    Validate {
        /// One or more scenario files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
    /// Run replications of a scenario and store every measure, per replication, as a baseline
    /// for `routesim check`.
    #[command(
        after_help = "Examples:\n  routesim baseline scenarios/mmc.toml --out baseline.csv\n  routesim baseline my.toml --out ci/baseline.csv --replications 40 --seed 7\n\nReplications and the base seed come from the scenario's [check] table (default 20, the\nscenario's seed); the options override them."
    )]
    Baseline {
        /// The scenario file (TOML).
        scenario: PathBuf,
        /// The baseline file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Number of replications [default: [check] replications, or 20].
        #[arg(long)]
        replications: Option<u32>,
        /// Base seed of the replications [default: [check] base_seed, or the scenario's seed].
        #[arg(long)]
        seed: Option<u64>,
        #[command(flatten)]
        threads: ThreadsArg,
        #[command(flatten)]
        budget: BudgetArg,
    },
    /// Rerun a baseline's replications (same seeds) with a changed scenario and compare every
    /// guarded measure. Exit code 1 when a guard regressed, 2 on bad input.
    #[command(
        after_help = "Examples:\n  routesim check scenarios/mmc.toml --baseline baseline.csv\n  routesim check my.toml --baseline ci/baseline.csv --out check-report\n\nWrites check.csv and check.md (a comment for the pull request) into --out."
    )]
    Check {
        /// The (changed) scenario file (TOML); its [check] table lists the guards.
        scenario: PathBuf,
        /// The baseline file written by `routesim baseline`.
        #[arg(long, value_name = "FILE")]
        baseline: PathBuf,
        /// Folder for check.csv, check.md and report.html.
        #[arg(long, value_name = "DIR", default_value = "output/check")]
        out: PathBuf,
        /// Run on other seeds than the baseline's (gives up common random numbers: wider
        /// intervals). Meant for testing the check itself.
        #[arg(long)]
        seed: Option<u64>,
        #[command(flatten)]
        threads: ThreadsArg,
        #[command(flatten)]
        budget: BudgetArg,
    },
    /// Compare scenario B with scenario A on paired replications (same seeds), on A's guards.
    /// Exit code 1 when B is worse on a guard.
    #[command(
        after_help = "Examples:\n  routesim compare today.toml proposal.toml\n  routesim compare a.toml b.toml --replications 40 --out reports/a-vs-b"
    )]
    Compare {
        /// The reference scenario; its [check] table gives the guards.
        a: PathBuf,
        /// The scenario judged against A.
        b: PathBuf,
        /// Number of replications [default: A's [check] replications, or 20].
        #[arg(long)]
        replications: Option<u32>,
        /// Base seed [default: A's [check] base_seed, or A's seed].
        #[arg(long)]
        seed: Option<u64>,
        /// Folder for check.csv, check.md and report.html (with --staffing: staffing-compare.csv).
        #[arg(long, value_name = "DIR", default_value = "output/compare")]
        out: PathBuf,
        /// Compare the agent-hours each scenario needs for A's [staffing] targets instead of
        /// their guards (the staffing search on 4 paired batches of seeds).
        #[arg(long)]
        staffing: bool,
        #[command(flatten)]
        threads: ThreadsArg,
        #[command(flatten)]
        budget: BudgetArg,
    },
    /// How many agents each interval needs for the scenario's [staffing] targets: Erlang C and
    /// Erlang A per interval, the simulated requirement (iterative staffing algorithm) and flat
    /// sizing of the chosen groups. Exit code 4 when the targets cannot be met.
    #[command(
        after_help = "Examples:\n  routesim staffing                       the bundled default scenario\n  routesim staffing my.toml --replications 20 --out reports/staffing\n\nWrites staffing.csv, charts/staffing.svg and report.html into --out."
    )]
    Staffing {
        /// The scenario file (TOML) with a [staffing] table. Without it, the bundled default.
        scenario: Option<PathBuf>,
        /// Folder for the reports [default: output/<scenario name>-staffing].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Replications per evaluated staffing [default: [staffing] replications, or 10].
        #[arg(long)]
        replications: Option<u32>,
        /// Base seed [default: the scenario's seed].
        #[arg(long)]
        seed: Option<u64>,
        #[command(flatten)]
        threads: ThreadsArg,
        /// Chart files to write into <out>/charts/; report.html inlines the chart unless none.
        #[arg(long, value_enum, default_value_t = ChartsArg::Svg)]
        charts: ChartsArg,
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
        /// Threads to use [default: all cores; an empty value, as from an unset
        /// $SLURM_CPUS_PER_TASK, too]. Results are identical whatever the count.
        #[arg(long, value_name = "N", value_parser = parse_threads)]
        threads: Option<ThreadCount>,
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
        /// Chart files to write into <out>/charts/; report.html inlines the charts unless none.
        #[arg(long, value_enum, default_value_t = ChartsArg::Svg)]
        charts: ChartsArg,
        #[command(flatten)]
        budget: BudgetArg,
    },
    /// Combine the parts written by sweep shards into the sweep.csv and replications.csv that one
    /// machine running the whole sweep would write. Exit code 3 when some pairs have no result
    /// yet (a shard did not finish), 2 on bad input.
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
        /// Chart files to write into <out>/charts/; report.html inlines the charts unless none.
        #[arg(long, value_enum, default_value_t = ChartsArg::Svg)]
        charts: ChartsArg,
    },
}

#[derive(Debug, clap::Args)]
struct ThreadsArg {
    /// Worker threads [default: all cores; an empty value too]. Results do not depend on it.
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    threads: Option<ThreadCount>,
}

impl ThreadsArg {
    fn threads(&self) -> Threads {
        threads_of(self.threads)
    }
}

/// A `--threads` value: a count, or `None` for all cores (the empty value).
#[derive(Debug, Clone, Copy)]
struct ThreadCount(Option<usize>);

/// `--threads N` with N >= 1, or `--threads ""`: in a job script `--threads
/// "$SLURM_CPUS_PER_TASK"` must work when the job did not ask for CPUs and the variable is unset.
/// Counts above the cores or the work are clamped when the pool is built.
fn parse_threads(text: &str) -> Result<ThreadCount, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(ThreadCount(None));
    }
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1 (or empty for all cores)".into()),
        Ok(n) => Ok(ThreadCount(Some(n))),
        Err(_) => Err(format!(
            "expected a whole number of threads, or nothing for all cores, found \"{text}\""
        )),
    }
}

fn threads_of(arg: Option<ThreadCount>) -> Threads {
    Threads(arg.and_then(|count| count.0))
}

#[derive(Debug, clap::Args)]
struct BudgetArg {
    /// Run even if the estimate of a run is beyond the budget (about 1e9 events or 4 GiB of
    /// memory; see "Limits and guarantees" in the README).
    #[arg(long)]
    ignore_budget: bool,
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

/// `--charts`: which chart files to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ChartsArg {
    None,
    Svg,
    Png,
    All,
}

impl From<ChartsArg> for report::ChartSelection {
    fn from(arg: ChartsArg) -> Self {
        match arg {
            ChartsArg::None => report::ChartSelection::None,
            ChartsArg::Svg => report::ChartSelection::Svg,
            ChartsArg::Png => report::ChartSelection::Png,
            ChartsArg::All => report::ChartSelection::All,
        }
    }
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
            eprintln!("error: {}", error_text(&error));
            if is_incomplete(&error) {
                ExitCode::from(EXIT_INCOMPLETE)
            } else if error.chain().any(|cause| cause.is::<StaffingError>()) {
                ExitCode::from(EXIT_UNREACHABLE)
            } else if is_bad_input(&error) {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

/// `merge` (or a whole sweep) found pairs without a result: run the missing shards, then merge
/// again. Distinct from 2 so that a merge job run after every task can tell the two apart.
const EXIT_INCOMPLETE: u8 = 3;

/// `staffing` found targets that no staffing within the limits meets (or not within the
/// iteration limit): distinct from bad input (2) and from a failure (1).
const EXIT_UNREACHABLE: u8 = 4;

fn is_incomplete(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<SweepError>())
        .any(SweepError::is_incomplete)
}

/// The error and its causes, `: `-separated, leaving out a cause whose text the message
/// already holds (an error that names its source, such as "cannot read the file: no such
/// file", would otherwise say it twice).
fn error_text(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

fn is_bad_input(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.is::<ConfigError>()
            || cause.is::<BadInput>()
            || cause.is::<check::CheckError>()
            || cause.is::<check::BaselineError>()
            || cause
                .downcast_ref::<report::ReportError>()
                .is_some_and(report::ReportError::is_bad_input)
            || cause
                .downcast_ref::<SweepError>()
                .is_some_and(SweepError::is_bad_input)
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
        Command::Run {
            scenario,
            overrides,
            out,
            charts,
            replications,
            threads,
            budget,
        } => run(
            scenario.as_deref(),
            &overrides,
            out,
            charts.into(),
            replications,
            threads,
            &budget,
        ),
        Command::Validate { scenarios } => validate(&scenarios),
        Command::Baseline {
            scenario,
            out,
            replications,
            seed,
            threads,
            budget,
        } => baseline(&scenario, &out, replications, seed, threads, &budget),
        Command::Check {
            scenario,
            baseline,
            out,
            seed,
            threads,
            budget,
        } => check_run(&scenario, &baseline, &out, seed, threads, &budget),
        Command::Compare {
            a,
            b,
            replications,
            seed,
            out,
            staffing: true,
            threads,
            budget: _,
        } => compare_staffing(&a, &b, replications, seed, &out, threads),
        Command::Compare {
            a,
            b,
            replications,
            seed,
            out,
            staffing: false,
            threads,
            budget,
        } => compare(&a, &b, replications, seed, &out, threads, &budget),
        Command::Staffing {
            scenario,
            out,
            replications,
            seed,
            threads,
            charts,
        } => run_staffing(
            scenario.as_deref(),
            out,
            replications,
            seed,
            threads,
            charts.into(),
        ),
        Command::Sweep {
            spec,
            threads,
            shard,
            resume,
            out,
            replications,
            charts,
            budget,
        } => {
            if !budget.ignore_budget {
                sweep_within_budget(&spec, replications)?;
            }
            let continuation = if resume {
                Continuation::Resume
            } else {
                Continuation::Fresh
            };
            run_sweep(
                &spec,
                threads_of(threads),
                shard.as_deref(),
                continuation,
                out,
                replications,
                charts.into(),
            )
        }
        Command::Merge { dirs, out, charts } => merge(&dirs, &out, charts.into()),
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
        let horizon = config::parse_duration(text)
            .map_err(|message| BadInput(format!("--horizon: {message}")))?;
        if horizon <= scenario.simulation.warm_up || horizon == SimDuration::ZERO {
            return Err(BadInput(format!(
                "--horizon: {text} must be longer than the warm-up ({})",
                scenario.simulation.warm_up
            ))
            .into());
        }
        scenario.simulation.horizon = horizon;
    }
    Ok(())
}

/// The settings shown in report.html: the scenario file as written, and any overrides.
fn settings_text(path: Option<&Path>, overrides: &Overrides) -> Result<String> {
    let mut text = match path {
        Some(path) => config::read_regular_text(path, config::limits::MAX_SCENARIO_BYTES)
            .with_context(|| format!("reading {}", path.display()))?,
        None => config::DEFAULT_SCENARIO.to_string(),
    };
    if let Some(seed) = overrides.seed {
        text.push_str(&format!(
            "\n# overridden on the command line: --seed {seed}\n"
        ));
    }
    if let Some(horizon) = &overrides.horizon {
        text.push_str(&format!(
            "\n# overridden on the command line: --horizon {horizon}\n"
        ));
    }
    Ok(text)
}

fn run(
    path: Option<&Path>,
    overrides: &Overrides,
    out: Option<PathBuf>,
    charts: report::ChartSelection,
    replications: u32,
    threads: ThreadsArg,
    budget: &BudgetArg,
) -> Result<ExitCode> {
    if replications == 0 {
        return Err(BadInput("--replications must be at least 1".into()).into());
    }
    let mut scenario = load(path)?;
    apply_overrides(&mut scenario, overrides)?;
    let file = path.map_or_else(
        || config::DEFAULT_SCENARIO_ORIGIN.to_string(),
        |p| p.display().to_string(),
    );
    let estimate = within_budget(&scenario, &file, budget)?;
    let settings = settings_text(path, overrides)?;
    let out = out.unwrap_or_else(|| Path::new("output").join(&scenario.name));
    let seed = scenario.simulation.seed;
    let run = if replications == 1 {
        // One run: a progress bar on long runs, and a clock that stops moving is an error.
        let bar = run_progress_bar(&scenario, &estimate);
        let collector = match &bar {
            Some(bar) => {
                let bar = bar.clone();
                metrics::Collector::new(&scenario).with_progress(move |now| {
                    bar.set_position(now.as_micros() / 1_000_000);
                })
            }
            None => metrics::Collector::new(&scenario),
        };
        let results = metrics::try_run_with(&scenario, seed, collector);
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        sweep::ReplicatedRun::single(results?)
    } else {
        sweep::ReplicatedRun::run(&scenario, seed, replications, threads.threads())
    };
    let options = report::ChartOptions {
        service_level_target: scenario.simulation.service_level_target,
        replications,
    };
    let files = report::replicated_report_files(&run, &settings, charts, &options)
        .context("drawing the charts")?;
    let written = publish(&out, &files).context("writing the reports")?;
    let mut found = warnings::scenario_warnings(&scenario);
    found.extend(warnings::run_warnings(&scenario, &run.mean));
    print_warnings(&found);
    let mut stdout = std::io::stdout().lock();
    if run.has_intervals() {
        writeln!(
            stdout,
            "means of {replications} replications from seed {seed} (95% intervals in the CSV files and report.html)"
        )?;
    }
    writeln!(stdout, "{}", report::summary_table(&run.mean))?;
    for path in written {
        writeln!(stdout, "wrote {}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Warnings go to stderr, one a line; they never change the exit code.
fn print_warnings(found: &[warnings::Warning]) {
    let mut stderr = std::io::stderr().lock();
    for warning in found {
        // A closed stderr is no reason to fail the command.
        let _ = writeln!(stderr, "warning: {warning}");
    }
}

/// Publishes a report folder whole (see `report::publish_folder`), honouring the test-only
/// `ROUTESIM_TEST_ABORT_AT` fault injection.
fn publish(out: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>, report::ReportError> {
    let abort_at = std::env::var("ROUTESIM_TEST_ABORT_AT")
        .ok()
        .and_then(|text| report::PublishStep::parse(&text));
    report::publish_folder_with(out, files, &mut |step| {
        if Some(step) == abort_at {
            std::process::exit(137);
        }
    })
}

/// Refuses a scenario whose run is estimated far beyond the budget, unless told to go ahead.
fn within_budget(
    scenario: &Scenario,
    file: &str,
    budget: &BudgetArg,
) -> Result<routesim::budget::Estimate> {
    let estimate = routesim::budget::Estimate::of(scenario);
    if !budget.ignore_budget {
        if let Some(overrun) = estimate.overrun(&routesim::budget::Budget::default()) {
            return Err(BadInput(format!("{file}: {overrun}")).into());
        }
    }
    Ok(estimate)
}

/// Events beyond which a run shows a progress bar (a few seconds of work).
const PROGRESS_BAR_EVENTS: f64 = 2e7;

/// A bar over the simulated horizon, on stderr when it is a terminal and the run is long.
fn run_progress_bar(
    scenario: &Scenario,
    estimate: &routesim::budget::Estimate,
) -> Option<indicatif::ProgressBar> {
    if estimate.events < PROGRESS_BAR_EVENTS
        || !std::io::IsTerminal::is_terminal(&std::io::stderr())
    {
        return None;
    }
    let bar = indicatif::ProgressBar::new(scenario.simulation.horizon.as_micros() / 1_000_000);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{elapsed_precise} [{bar:40}] {percent}% of the simulated horizon, ETA {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

fn validate(paths: &[PathBuf]) -> Result<ExitCode> {
    let mut failures = Vec::new();
    for path in paths {
        if is_sweep_file(path) {
            let loaded = sweep::load_sweep(path, SpecOverrides::default())
                .map_err(anyhow::Error::from)
                .and_then(|sweep| {
                    sweep_within_budget(path, None)?;
                    Ok(sweep)
                });
            match loaded {
                Ok(sweep) => writeln!(
                    std::io::stdout(),
                    "{}: ok (sweep of {} points x {} replications)",
                    path.display(),
                    sweep.layout.points.len(),
                    sweep.layout.replications
                )?,
                Err(error) => failures.push(format!("{error:#}")),
            }
            continue;
        }
        let loaded = config::load_scenario(path)
            .map_err(anyhow::Error::from)
            .and_then(|scenario| {
                within_budget(
                    &scenario,
                    &path.display().to_string(),
                    &BudgetArg {
                        ignore_budget: false,
                    },
                )
                .map(|_| scenario)
            });
        match loaded {
            Ok(scenario) => {
                writeln!(
                    std::io::stdout(),
                    "{}: ok ({} channels, {} workstreams, {} queues, {} agents)",
                    path.display(),
                    scenario.channels.len(),
                    scenario.workstreams.len(),
                    scenario.queues.len(),
                    scenario.n_agents()
                )?;
                print_warnings(&warnings::scenario_warnings(&scenario));
            }
            // The whole chain: a file that cannot be read says why.
            Err(error) => failures.push(format!("{error:#}")),
        }
    }
    if failures.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(BadInput(failures.join("\n")).into())
    }
}

fn replications_arg(replications: Option<u32>, default: u32) -> Result<u32> {
    match replications {
        Some(n) if n < 2 => Err(BadInput(format!(
            "--replications: {n} is too few, a confidence interval needs at least 2"
        ))
        .into()),
        Some(n) => Ok(n),
        None => Ok(default),
    }
}

fn baseline(
    path: &Path,
    out: &Path,
    replications: Option<u32>,
    seed: Option<u64>,
    threads: ThreadsArg,
    budget: &BudgetArg,
) -> Result<ExitCode> {
    let policy = PolicyScenario::load(path)?;
    within_budget(&policy.scenario, &policy.file, budget)?;
    let replications = replications_arg(replications, policy.spec.replications)?;
    let base_seed = seed.unwrap_or(policy.spec.base_seed);
    let baseline = policy.baseline(replications, base_seed, threads.threads())?;
    let name = out
        .file_name()
        .ok_or_else(|| BadInput(format!("--out: {} is not a file name", out.display())))?;
    let dir = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    report::write_files_atomically(
        dir,
        &[(name.to_string_lossy().into_owned(), baseline.to_csv())],
    )
    .context("writing the baseline")?;
    writeln!(
        std::io::stdout(),
        "wrote {} ({replications} replications from base seed {base_seed}, {} measures, scenario {})",
        out.display(),
        baseline.samples.keys().len(),
        baseline.scenario_hash
    )?;
    Ok(ExitCode::SUCCESS)
}

fn check_run(
    path: &Path,
    baseline_path: &Path,
    out: &Path,
    seed: Option<u64>,
    threads: ThreadsArg,
    budget: &BudgetArg,
) -> Result<ExitCode> {
    let policy = PolicyScenario::load(path)?;
    within_budget(&policy.scenario, &policy.file, budget)?;
    let baseline = check::read_baseline(baseline_path)?;
    let options = check::CheckOptions {
        base_seed: seed,
        threads: threads.threads(),
    };
    let report = check::check_against_baseline(
        &policy,
        &baseline,
        &baseline_path.display().to_string(),
        options,
    )?;
    let settings = files_text(&[path])?;
    finish_check(&report, &settings, out)
}

fn compare(
    a: &Path,
    b: &Path,
    replications: Option<u32>,
    seed: Option<u64>,
    out: &Path,
    threads: ThreadsArg,
    budget: &BudgetArg,
) -> Result<ExitCode> {
    let settings = files_text(&[a, b])?;
    let a = PolicyScenario::load(a)?;
    let b = PolicyScenario::load(b)?;
    within_budget(&a.scenario, &a.file, budget)?;
    within_budget(&b.scenario, &b.file, budget)?;
    if warnings::same_after_defaults(&a.scenario, &b.scenario) {
        print_warnings(&[warnings::same_scenarios_warning(&a.file, &b.file)]);
    }
    let replications = replications_arg(replications, a.spec.replications)?;
    let base_seed = seed.unwrap_or(a.spec.base_seed);
    let report = check::compare_scenarios(&a, &b, replications, base_seed, threads.threads())?;
    finish_check(&report, &settings, out)
}

/// The files as written, each under a `# <path>` line, for the settings of a report page.
fn files_text(paths: &[&Path]) -> Result<String> {
    let mut text = String::new();
    for path in paths {
        let body = std::fs::read_to_string(path)
            .map_err(|e| BadInput(format!("{}: {e}", path.display())))?;
        text.push_str(&format!("# {}\n{body}\n", path.display()));
    }
    Ok(text)
}

/// Prints the table, writes check.csv, check.md and report.html (with `settings` at its end),
/// and turns the verdict into the exit code.
fn finish_check(report: &check::CheckReport, settings: &str, out: &Path) -> Result<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{}", check::check_table(report))?;
    let files = vec![
        ("check.csv".to_string(), check::check_csv(report)),
        (
            "check.md".to_string(),
            check::check_markdown(report).into_bytes(),
        ),
        (
            "report.html".to_string(),
            report::html_page(&check::check_page(report, settings)),
        ),
    ];
    for path in publish(out, &files).context("writing the check reports")? {
        writeln!(stdout, "wrote {}", path.display())?;
    }
    Ok(if report.regressed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_sweep(
    spec: &Path,
    threads: Threads,
    shard: Option<&str>,
    continuation: Continuation,
    out: Option<PathBuf>,
    replications: Option<u32>,
    charts: report::ChartSelection,
) -> Result<ExitCode> {
    if replications == Some(0) {
        return Err(BadInput("--replications must be at least 1".into()).into());
    }
    let shard = match shard {
        None => Shard::WHOLE,
        Some("auto") => Shard::from_env(|name| std::env::var(name).ok())
            .map_err(|message| BadInput(format!("--shard auto: {message}")))?,
        Some(text) => {
            Shard::parse(text).map_err(|message| BadInput(format!("--shard: {message}")))?
        }
    };
    let sweep = sweep::load_sweep(spec, SpecOverrides { replications })?;
    let out = out.unwrap_or_else(|| {
        let stem = spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "sweep".into());
        Path::new("output").join(format!("sweep-{stem}"))
    });
    let plan = sweep::plan(&sweep, &out, shard, continuation)?;
    let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        let bar = indicatif::ProgressBar::new(plan.to_run.len() as u64);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} runs, ETA {eta}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let executed = sweep::execute(&sweep, &plan, threads, &|| bar.inc(1));
    bar.finish_and_clear();
    executed?;
    writeln!(
        std::io::stdout(),
        "ran {} of {} (point, replication) pairs{}: {} already done{}",
        plan.to_run.len(),
        plan.owned,
        if shard.is_whole() {
            String::new()
        } else {
            format!(" of shard {shard}")
        },
        plan.reused,
        if plan.incomplete > 0 {
            format!(", {} incomplete parts run again", plan.incomplete)
        } else {
            String::new()
        }
    )?;
    if !shard.is_whole() {
        writeln!(std::io::stdout(), "wrote the shard's parts to {}; when every shard is done: routesim merge <their --out folders> --out <folder>", plan.parts_dir.display())?;
        return Ok(ExitCode::SUCCESS);
    }
    let results = sweep::collect(std::slice::from_ref(&out))?;
    write_sweep_reports(&results, &out, charts)
}

/// Refuses a sweep one of whose runs is estimated far beyond the budget (each run is checked
/// on its own: the sweep's total only takes longer, it does not hold more at once per thread).
/// A spec that does not load is left to `run_sweep`, which reports it after the options.
fn sweep_within_budget(spec: &Path, replications: Option<u32>) -> Result<()> {
    let Ok(sweep) = sweep::load_sweep(spec, SpecOverrides { replications }) else {
        return Ok(());
    };
    for (idx, scenario) in sweep.scenarios.iter().enumerate() {
        let file = format!("{}: sweep point {idx}", spec.display());
        within_budget(
            scenario,
            &file,
            &BudgetArg {
                ignore_budget: false,
            },
        )?;
    }
    Ok(())
}

fn merge(dirs: &[PathBuf], out: &Path, charts: report::ChartSelection) -> Result<ExitCode> {
    let results = sweep::collect(dirs)?;
    write_sweep_reports(&results, out, charts)
}

/// Writes sweep.csv, replications.csv, the charts and report.html. Everything is derived from
/// the results alone, so a merge of shards writes the same bytes as a single run.
fn write_sweep_reports(
    results: &SweepResults,
    out: &Path,
    charts: report::ChartSelection,
) -> Result<ExitCode> {
    let mut files = vec![
        ("sweep.csv".to_string(), report::sweep_csv(results)),
        (
            "replications.csv".to_string(),
            report::replications_csv(results),
        ),
    ];
    let measures = report::sweep_chart_measures(results);
    let chart_data = report::sweep_chart_data(results, &measures);
    let settings = format!(
        "sweep fingerprint {}\nswept fields: {}\npoints:\n{}",
        results.layout.fingerprint,
        results.layout.axes.join(", "),
        results
            .layout
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("  {i}: {}", p.label))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let page = report::sweep_page(results, &measures, &settings);
    files.extend(
        report::sweep_report_files(&chart_data, page, charts)
            .context("drawing the sweep charts")?,
    );
    let written =
        report::write_files_atomically(out, &files).context("writing the sweep tables")?;
    write!(
        std::io::stdout(),
        "{}",
        report::sweep_summary_table(results)
    )?;
    for path in written {
        writeln!(std::io::stdout(), "wrote {}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A sweep spec (a file naming its scenario, or a scenario with a `[sweep]` table) is validated
/// point by point; anything else as a plain scenario.
fn is_sweep_file(path: &Path) -> bool {
    let Ok(text) = config::read_regular_text(path, config::limits::MAX_SCENARIO_BYTES) else {
        return false;
    };
    config::parse_table(&text, &config::Origin::of_path(path))
        .is_ok_and(|table| table.contains_key("scenario") || table.contains_key("sweep"))
}

/// The scenario and its `[staffing]` targets; a scenario without them is bad input.
fn load_staffing(path: Option<&Path>) -> Result<(Scenario, config::StaffingSpec)> {
    let (scenario, spec) = config::load_scenario_and_staffing(path)?;
    let name = path.map_or(config::DEFAULT_SCENARIO_ORIGIN.to_string(), |p| {
        p.display().to_string()
    });
    let spec = spec.ok_or_else(|| {
        BadInput(format!(
            "{name}: has no [staffing] table; add one with at least one [[staffing.targets]] (see the README section \"Staffing\")"
        ))
    })?;
    Ok((scenario, spec))
}

fn staffing_options(
    replications: Option<u32>,
    seed: Option<u64>,
    threads: &ThreadsArg,
) -> Result<StaffingOptions> {
    Ok(StaffingOptions {
        replications: replications
            .map(|r| replications_arg(Some(r), r))
            .transpose()?,
        base_seed: seed,
        threads: threads.threads(),
    })
}

fn run_staffing(
    path: Option<&Path>,
    out: Option<PathBuf>,
    replications: Option<u32>,
    seed: Option<u64>,
    threads: ThreadsArg,
    charts: report::ChartSelection,
) -> Result<ExitCode> {
    let (scenario, spec) = load_staffing(path)?;
    let options = staffing_options(replications, seed, &threads)?;
    let settings = settings_text(
        path,
        &Overrides {
            seed: None,
            horizon: None,
        },
    )?;
    let result = staffing::staff(&scenario, &spec, options)?;
    let out =
        out.unwrap_or_else(|| Path::new("output").join(format!("{}-staffing", scenario.name)));
    let mut files = vec![("staffing.csv".to_string(), report::staffing_csv(&result))];
    files.extend(
        report::page_report_files(
            &[report::staffing_chart(&result)],
            report::staffing_page(&result, &settings),
            charts,
        )
        .context("drawing the staffing chart")?,
    );
    let written =
        report::write_files_atomically(&out, &files).context("writing the staffing reports")?;
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{}", report::staffing_table(&result))?;
    for path in written {
        writeln!(stdout, "wrote {}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Batches of the staffing comparison: each runs the whole search for A and for B on the
/// same seeds, so the difference in agent-hours is paired batch by batch.
const STAFFING_BATCHES: u32 = 4;

fn compare_staffing(
    a: &Path,
    b: &Path,
    replications: Option<u32>,
    seed: Option<u64>,
    out: &Path,
    threads: ThreadsArg,
) -> Result<ExitCode> {
    let (scenario_a, spec_a) = load_staffing(Some(a))?;
    // B is judged on A's targets: A's [staffing] table replaces B's before validation.
    let origin_a = config::Origin::of_path(a);
    let text_a = config::read_regular_text(a, config::limits::MAX_SCENARIO_BYTES)
        .with_context(|| format!("reading {}", a.display()))?;
    let staffing_table = config::parse_table(&text_a, &origin_a)?
        .get("staffing")
        .cloned()
        .ok_or_else(|| BadInput(format!("{}: has no [staffing] table", a.display())))?;
    let origin_b = config::Origin::of_path(b);
    let text_b = std::fs::read_to_string(b).with_context(|| format!("reading {}", b.display()))?;
    let mut table_b = config::parse_table(&text_b, &origin_b)?;
    table_b.insert("staffing".into(), staffing_table);
    let (scenario_b, spec_b) = config::scenario_and_staffing_from_table(table_b, &origin_b)?;
    let spec_b = spec_b.expect("the [staffing] table was just inserted");
    let options = StaffingOptions {
        base_seed: seed,
        ..staffing_options(replications, None, &threads)?
    };
    let comparison = staffing::compare_agent_hours(
        (&scenario_a, &spec_a),
        (&scenario_b, &spec_b),
        options,
        STAFFING_BATCHES,
    )?;
    let hours = (&comparison.a, &comparison.b);
    let diff = comparison.difference;
    let mean_a = sweep::Estimate::of(hours.0.iter().copied());
    let mean_b = sweep::Estimate::of(hours.1.iter().copied());
    let pct = |x: f64| 100.0 * x / mean_a.mean;
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "agent-hours a day for the targets of {} ({STAFFING_BATCHES} paired batches of the staffing search):",
        a.display()
    )?;
    writeln!(
        stdout,
        "  A {}: {:.1} (95 % interval {:.1} to {:.1})",
        a.display(),
        mean_a.mean,
        mean_a.ci95_low,
        mean_a.ci95_high
    )?;
    writeln!(
        stdout,
        "  B {}: {:.1} (95 % interval {:.1} to {:.1})",
        b.display(),
        mean_b.mean,
        mean_b.ci95_low,
        mean_b.ci95_high
    )?;
    writeln!(
        stdout,
        "  B - A: {:+.1} agent-hours ({:+.1} %), 95 % interval {:+.1} to {:+.1} ({:+.1} % to {:+.1} %)",
        diff.mean,
        pct(diff.mean),
        diff.ci95_low,
        diff.ci95_high,
        pct(diff.ci95_low),
        pct(diff.ci95_high)
    )?;
    let mut csv = String::from("setting,scenario,batch,required_agent_hours\n");
    for (setting, path, values) in [("A", a, hours.0), ("B", b, hours.1)] {
        for (batch, value) in values.iter().enumerate() {
            csv.push_str(&format!(
                "{setting},{},{batch},{}\n",
                path.display(),
                report::format_value(*value)
            ));
        }
    }
    csv.push_str(&format!(
        "B-A,,mean,{}\nB-A,,ci95_low,{}\nB-A,,ci95_high,{}\n",
        report::format_value(diff.mean),
        report::format_value(diff.ci95_low),
        report::format_value(diff.ci95_high)
    ));
    for path in report::write_files_atomically(
        out,
        &[("staffing-compare.csv".to_string(), csv.into_bytes())],
    )
    .context("writing the staffing comparison")?
    {
        writeln!(stdout, "wrote {}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
