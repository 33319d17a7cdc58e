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

mod cli;
use cli::{check::*, run::*, staffing::*, sweep::*};

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
        /// mean with a 95% interval (CSV columns n, ci95_low, ci95_high). 1 is a single run
        /// [default: [simulation] replications, or 1].
        #[arg(long, value_name = "R")]
        replications: Option<u32>,
        #[command(flatten)]
        threads: ThreadsArg,
    },
    /// Check scenario files and sweep specs (with their [staffing] and [check] tables) and
    /// report every problem, without simulating.
    #[command(
        after_help = "Examples:\n  routesim validate scenarios/default.toml\n  routesim validate scenarios/*.toml\n  routesim validate scenarios/sweep-default.toml"
    )]
    Validate {
        /// One or more scenario files or sweep specs.
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
        #[command(flatten)]
        budget: BudgetArg,
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
            } else if error.chain().any(|cause| {
                cause
                    .downcast_ref::<StaffingError>()
                    .is_some_and(|e| !matches!(e, StaffingError::Stalled { .. }))
            }) {
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
            || cause
                .downcast_ref::<check::CheckError>()
                .is_some_and(check::CheckError::is_bad_input)
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
            budget,
        } => compare_staffing(&a, &b, replications, seed, &out, threads, &budget),
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
            budget,
        } => run_staffing(
            scenario.as_deref(),
            out,
            replications,
            seed,
            threads,
            charts.into(),
            &budget,
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
