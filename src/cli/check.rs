//! `routesim baseline`, `check` and `compare`: replications into a baseline, the guard
//! verdicts and the side-by-side page, written as check.csv, check.md and report.html.

use crate::*;

pub(crate) fn replications_arg(replications: Option<u32>, default: u32) -> Result<u32> {
    match replications {
        Some(n) if n < 2 => Err(BadInput(format!(
            "--replications: {n} is too few, a confidence interval needs at least 2"
        ))
        .into()),
        Some(n) => Ok(n),
        None => Ok(default),
    }
}

/// Refuses replications of a check whose events together, or whose summary rows held together
/// until they are combined, are far beyond the budget (one run was checked by `within_budget`).
fn replications_within_budget(
    policy: &PolicyScenario,
    replications: u32,
    budget: &BudgetArg,
) -> Result<()> {
    if budget.ignore_budget {
        return Ok(());
    }
    let overrun = routesim::budget::Estimate::of(&policy.scenario).overrun_of_runs(
        u64::from(replications),
        routesim::budget::Held::Summaries,
        &routesim::budget::Budget::default(),
        "the check",
        "one per replication",
        "use fewer replications ([check] replications or --replications) or a shorter horizon",
    );
    match overrun {
        Some(overrun) => Err(BadInput(format!("{}: {overrun}", policy.file)).into()),
        None => Ok(()),
    }
}

pub(crate) fn baseline(
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
    replications_within_budget(&policy, replications, budget)?;
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

pub(crate) fn check_run(
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
    let replications = u32::try_from(baseline.replications()).unwrap_or(u32::MAX);
    replications_within_budget(&policy, replications, budget)?;
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

pub(crate) fn compare(
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
    replications_within_budget(&a, replications, budget)?;
    replications_within_budget(&b, replications, budget)?;
    let base_seed = seed.unwrap_or(a.spec.base_seed);
    let report = check::compare_scenarios(&a, &b, replications, base_seed, threads.threads())?;
    finish_check(&report, &settings, out)
}

/// The files as written, each under a `# <path>` line, for the settings of a report page.
pub(crate) fn files_text(paths: &[&Path]) -> Result<String> {
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
pub(crate) fn finish_check(
    report: &check::CheckReport,
    settings: &str,
    out: &Path,
) -> Result<ExitCode> {
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
