//! `routesim run` and `routesim validate`: loading a scenario with its overrides, the budget
//! check, the progress bar, publishing a report folder and printing warnings.

use crate::*;

pub(crate) fn load(path: Option<&Path>) -> Result<Scenario> {
    Ok(match path {
        Some(path) => config::load_scenario(path)?,
        None => config::default_scenario()?,
    })
}

pub(crate) fn apply_overrides(scenario: &mut Scenario, overrides: &Overrides) -> Result<()> {
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
pub(crate) fn settings_text(path: Option<&Path>, overrides: &Overrides) -> Result<String> {
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

pub(crate) fn run(
    path: Option<&Path>,
    overrides: &Overrides,
    out: Option<PathBuf>,
    charts: report::ChartSelection,
    replications: Option<u32>,
    threads: ThreadsArg,
    budget: &BudgetArg,
) -> Result<ExitCode> {
    let max = routesim::config::limits::MAX_RUN_REPLICATIONS;
    if replications.is_some_and(|r| r == 0 || r > max) {
        return Err(BadInput(format!("--replications must be from 1 to {max}")).into());
    }
    let mut scenario = load(path)?;
    apply_overrides(&mut scenario, overrides)?;
    // The flag overrides the scenario's `[simulation] replications`.
    let replications = replications.unwrap_or(scenario.simulation.replications);
    let file = path.map_or_else(
        || config::DEFAULT_SCENARIO_ORIGIN.to_string(),
        |p| p.display().to_string(),
    );
    let estimate = within_budget(&scenario, &file, budget)?;
    if replications > 1 && !budget.ignore_budget {
        // R replications are R runs: their events add up, and their values are all held
        // until they are combined.
        if let Some(overrun) = estimate.overrun_of_runs(
            u64::from(replications),
            routesim::budget::Held::Values,
            &routesim::budget::Budget::default(),
            "the replicated run",
            "one per replication",
            "use fewer replications or a shorter horizon",
        ) {
            return Err(BadInput(format!("{file}: {overrun}")).into());
        }
    }
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
        // A stalled run names the file, as a bad input does.
        sweep::ReplicatedRun::single(results.with_context(|| file.clone())?)
    } else {
        sweep::ReplicatedRun::run(&scenario, seed, replications, threads.threads())
            .with_context(|| file.clone())?
    };
    let options = report::ChartOptions {
        replications,
        ..report::ChartOptions::of_scenario(&scenario)
    };
    let mut found = warnings::scenario_warnings(&scenario);
    found.extend(warnings::run_warnings(&scenario, &run.mean));
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    let files = report::replicated_report_files(&run, &settings, charts, &options, &shown)
        .context("drawing the charts")?;
    let written = publish(&out, &files).context("writing the reports")?;
    print_warnings(&found);
    let mut stdout = std::io::stdout().lock();
    if run.has_intervals() {
        writeln!(
            stdout,
            "means of {replications} replications from seed {seed} (95% intervals in the CSV files and report.html)"
        )?;
    }
    writeln!(
        stdout,
        "{}",
        report::summary_table(&run.mean, &options.targets)
    )?;
    for path in written {
        writeln!(stdout, "wrote {}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Warnings go to stderr, one a line; they never change the exit code.
pub(crate) fn print_warnings(found: &[warnings::Warning]) {
    let mut stderr = std::io::stderr().lock();
    for warning in found {
        // A closed stderr is no reason to fail the command.
        let _ = writeln!(stderr, "warning: {warning}");
    }
}

/// Publishes a report folder whole (see `report::publish_folder`), honouring the test-only
/// `ROUTESIM_TEST_ABORT_AT` fault injection.
pub(crate) fn publish(
    out: &Path,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<PathBuf>, report::ReportError> {
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
pub(crate) fn within_budget(
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
pub(crate) const PROGRESS_BAR_EVENTS: f64 = 2e7;

/// A bar over the simulated horizon, on stderr when it is a terminal and the run is long.
pub(crate) fn run_progress_bar(
    scenario: &Scenario,
    estimate: &routesim::budget::Estimate,
) -> Option<indicatif::ProgressBar> {
    if estimate.work() < PROGRESS_BAR_EVENTS
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

pub(crate) fn validate(paths: &[PathBuf]) -> Result<ExitCode> {
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
        // The file is read and parsed once, with its `[check]` table: its settings, and
        // (within the budget) guards that name what the reports have, else `baseline` would
        // refuse it only after its runs.
        let loaded = check::PolicyScenario::load(path)
            .map_err(anyhow::Error::from)
            .and_then(|policy| {
                within_budget(
                    &policy.scenario,
                    &path.display().to_string(),
                    &BudgetArg {
                        ignore_budget: false,
                    },
                )?;
                policy.check_guards()?;
                Ok(policy.scenario)
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
                // Several files may be validated at once: each warning names its file.
                let file = path.display();
                let mut stderr = std::io::stderr().lock();
                for warning in warnings::scenario_warnings(&scenario) {
                    let _ = writeln!(stderr, "warning: {file}: {warning}");
                }
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
