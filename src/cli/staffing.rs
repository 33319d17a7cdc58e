//! `routesim staffing` and `compare --staffing`: the three answers, their files and the
//! agent-hours two settings need for the same targets.

use crate::*;

/// The scenario and its `[staffing]` targets; a scenario without them is bad input.
pub(crate) fn load_staffing(path: Option<&Path>) -> Result<(Scenario, config::StaffingSpec)> {
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

pub(crate) fn staffing_options(
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

/// Refuses a search (`batches` of them, on each of `scenarios`) whose simulations together are
/// beyond the budget: [`staffing::most_runs`] times the estimate of one run.
fn search_within_budget(
    scenarios: &[(&str, &Scenario, &config::StaffingSpec)],
    options: &StaffingOptions,
    batches: u32,
    budget: &BudgetArg,
) -> Result<()> {
    if budget.ignore_budget {
        return Ok(());
    }
    for (file, scenario, spec) in scenarios {
        let replications = staffing::effective_replications(spec, options);
        let runs = staffing::most_runs(spec, replications) * u64::from(batches);
        let batches_words = if batches > 1 {
            format!(", in {batches} batches")
        } else {
            String::new()
        };
        let runs_words = format!(
            "{replications} replications of each staffing tried, [staffing] max_iterations = {}{batches_words}",
            spec.max_iterations
        );
        if let Some(overrun) = routesim::budget::Estimate::of(scenario).overrun_of_runs(
            runs,
            routesim::budget::Held::OneRun,
            &routesim::budget::Budget::default(),
            "the staffing search",
            &runs_words,
            "lower [staffing] replications (or --replications) or max_iterations, or shorten simulation.horizon",
        ) {
            return Err(BadInput(format!("{file}: {overrun}")).into());
        }
    }
    Ok(())
}

pub(crate) fn run_staffing(
    path: Option<&Path>,
    out: Option<PathBuf>,
    replications: Option<u32>,
    seed: Option<u64>,
    threads: ThreadsArg,
    charts: report::ChartSelection,
    budget: &BudgetArg,
) -> Result<ExitCode> {
    let (scenario, spec) = load_staffing(path)?;
    let options = staffing_options(replications, seed, &threads)?;
    let file = path.map_or_else(
        || config::DEFAULT_SCENARIO_ORIGIN.to_string(),
        |p| p.display().to_string(),
    );
    search_within_budget(&[(&file, &scenario, &spec)], &options, 1, budget)?;
    let settings = settings_text(
        path,
        &Overrides {
            seed: None,
            horizon: None,
        },
    )?;
    // A search's failure (targets unreachable, a stalled simulation) names the file searched.
    let result = staffing::staff(&scenario, &spec, options).with_context(|| file.clone())?;
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
    // The folder is published whole, as a run's is: no chart of an earlier search stays
    // beside a new table, and a folder holding other files is not replaced.
    let written = crate::cli::run::publish(&out, &files).context("writing the staffing reports")?;
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{}", report::staffing_table(&result))?;
    for path in written {
        writeln!(stdout, "wrote {}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Batches of the staffing comparison: each runs the whole search for A and for B on the
/// same seeds, so the difference in agent-hours is paired batch by batch.
pub(crate) const STAFFING_BATCHES: u32 = 4;

pub(crate) fn compare_staffing(
    a: &Path,
    b: &Path,
    replications: Option<u32>,
    seed: Option<u64>,
    out: &Path,
    threads: ThreadsArg,
    budget: &BudgetArg,
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
    let (file_a, file_b) = (a.display().to_string(), b.display().to_string());
    search_within_budget(
        &[
            (&file_a, &scenario_a, &spec_a),
            (&file_b, &scenario_b, &spec_b),
        ],
        &options,
        STAFFING_BATCHES,
        budget,
    )?;
    let comparison = staffing::compare_agent_hours(
        (&scenario_a, &spec_a),
        (&scenario_b, &spec_b),
        options,
        STAFFING_BATCHES,
    )
    .map_err(|error| {
        let file = if error.b { &file_b } else { &file_a };
        anyhow::Error::new(error.source).context(file.clone())
    })?;
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
