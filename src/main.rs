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
    /// Simulate one scenario and write summary.csv, intervals.csv, agents.csv, charts and report.html.
    #[command(after_help = "Examples:\n  routesim run\n  routesim run scenarios/mmc.toml --horizon 2d --seed 42\n  routesim run my.toml --out reports/today")]
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
    },
    /// Check scenario files and report every problem, without simulating.
    #[command(after_help = "Examples:\n  routesim validate scenarios/default.toml\n  routesim validate scenarios/*.toml")]
    Validate {
        /// One or more scenario files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
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
    error.chain().any(|cause| cause.is::<ConfigError>() || cause.is::<BadInput>())
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

fn execute(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run { scenario, overrides, out, charts } => run(scenario.as_deref(), &overrides, out, charts.into()),
        Command::Validate { scenarios } => validate(&scenarios),
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

/// The settings shown in report.html: the scenario file as written, and any overrides.
fn settings_text(path: Option<&Path>, overrides: &Overrides) -> Result<String> {
    let mut text = match path {
        Some(path) => std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
        None => config::DEFAULT_SCENARIO.to_string(),
    };
    if let Some(seed) = overrides.seed {
        text.push_str(&format!("\n# overridden on the command line: --seed {seed}\n"));
    }
    if let Some(horizon) = &overrides.horizon {
        text.push_str(&format!("\n# overridden on the command line: --horizon {horizon}\n"));
    }
    Ok(text)
}

fn run(path: Option<&Path>, overrides: &Overrides, out: Option<PathBuf>, charts: report::ChartSelection) -> Result<ExitCode> {
    let mut scenario = load(path)?;
    apply_overrides(&mut scenario, overrides)?;
    let settings = settings_text(path, overrides)?;
    let out = out.unwrap_or_else(|| Path::new("output").join(&scenario.name));
    let results = metrics::run(&scenario, scenario.simulation.seed);
    let options = report::ChartOptions { service_level_target: scenario.simulation.service_level_target };
    let files = report::run_report_files(&results, &settings, charts, &options).context("drawing the charts")?;
    let written = report::write_files_atomically(&out, &files).context("writing the reports")?;
    println!("{}", report::summary_table(&results));
    for path in written {
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn validate(paths: &[PathBuf]) -> Result<ExitCode> {
    let mut failures = Vec::new();
    for path in paths {
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
