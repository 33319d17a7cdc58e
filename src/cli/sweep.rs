//! `routesim sweep` and `merge`: the budget of each point, shards and resumes, and the sweep's
//! tables, charts and page.

use crate::*;

pub(crate) fn run_sweep(
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
    if sweep.layout.axes.is_empty() && sweep.layout.points.len() == 1 {
        // Legitimate (replications of one scenario), but rarely what `sweep` was run for.
        let _ = writeln!(
            std::io::stderr(),
            "note: {} has no [sweep] axes or variants: this sweep is one point (the scenario as written) with {} replications",
            spec.display(),
            sweep.layout.replications
        );
    }
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
    executed.with_context(|| spec.display().to_string())?;
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
/// on its own: the sweep's total only takes longer, it does not hold more at once per thread),
/// or whose runs' summary rows, all held when they are merged, are beyond its memory (checked
/// for every shard too: their merge is where the sweep ends). A spec that does not load is
/// left to `run_sweep`, which reports it after the options.
pub(crate) fn sweep_within_budget(spec: &Path, replications: Option<u32>) -> Result<()> {
    let Ok(sweep) = sweep::load_sweep(spec, SpecOverrides { replications }) else {
        return Ok(());
    };
    let mut held_rows = 0.0;
    for (idx, scenario) in sweep.scenarios.iter().enumerate() {
        let file = format!("{}: sweep point {idx}", spec.display());
        let estimate = within_budget(
            scenario,
            &file,
            &BudgetArg {
                ignore_budget: false,
            },
        )?;
        held_rows += estimate.summary_rows * f64::from(sweep.layout.replications);
    }
    let runs = sweep.layout.n_pairs() as u64;
    match routesim::budget::sweep_overrun(runs, held_rows, &routesim::budget::Budget::default()) {
        Some(overrun) => Err(BadInput(format!("{}: {overrun}", spec.display())).into()),
        None => Ok(()),
    }
}

pub(crate) fn merge(
    dirs: &[PathBuf],
    out: &Path,
    charts: report::ChartSelection,
) -> Result<ExitCode> {
    let results = sweep::collect(dirs)?;
    write_sweep_reports(&results, out, charts)
}

/// Writes sweep.csv, replications.csv, the charts and report.html. Everything is derived from
/// the results alone, so a merge of shards writes the same bytes as a single run.
pub(crate) fn write_sweep_reports(
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
    report::remove_stale_charts(out, &files).context("removing the charts of an earlier sweep")?;
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
pub(crate) fn is_sweep_file(path: &Path) -> bool {
    let Ok(text) = config::read_regular_text(path, config::limits::MAX_SCENARIO_BYTES) else {
        return false;
    };
    config::parse_table(&text, &config::Origin::of_path(path))
        .is_ok_and(|table| table.contains_key("scenario") || table.contains_key("sweep"))
}
