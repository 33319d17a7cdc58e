//! Reports: pure functions from results to bytes, and the writing of those bytes to files
//! without ever leaving a half-written file behind. Nothing here runs a simulation.

pub mod charts;
mod csv_tables;
mod files;
pub mod html;
pub mod labels;
mod publish;
mod run_page;
mod staffing;
mod sweep_page;
mod sweep_tables;
pub mod targets;
mod terminal;

pub use charts::{
    chart_files, run_charts, sweep_charts, Chart, ChartFormat, ChartOptions, ChartSelection,
    SweepCharts,
};
pub use csv_tables::{
    agents_csv, format_value, intervals_csv, replicated_agents_csv, replicated_intervals_csv,
    replicated_summary_csv, summary_csv,
};
pub use files::{remove_stale_charts, write_files_atomically, ReportError};
pub use html::{html_page, Figure, Page, Section, Table};
pub use publish::{publish_folder, publish_folder_with, PublishStep};
pub use run_page::run_page;
pub use staffing::{staffing_chart, staffing_csv, staffing_page, staffing_table};
pub use sweep_page::{sweep_chart_data, sweep_chart_measures, sweep_page};
pub use sweep_tables::{replications_csv, sweep_csv, sweep_summary_table};
pub use targets::{Target, Targets};
pub use terminal::summary_table;

use std::path::{Path, PathBuf};

use crate::metrics::RunResults;
use crate::sweep::ReplicatedRun;

/// Publishes `summary.csv`, `intervals.csv` and `agents.csv` of one run as the folder `dir`
/// (see [`publish_folder`]): the folder is replaced whole or not at all.
pub fn write_run_reports(results: &RunResults, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    publish_folder(dir, &csv_files(&ReplicatedRun::single(results.clone())))
}

/// The CSV tables: one run's columns, or with several replications the same columns (`value`
/// the mean, `seed` the base seed) and `n, ci95_low, ci95_high` after them.
fn csv_files(run: &ReplicatedRun) -> Vec<(String, Vec<u8>)> {
    if run.has_intervals() {
        vec![
            ("summary.csv".to_string(), replicated_summary_csv(run)),
            ("intervals.csv".to_string(), replicated_intervals_csv(run)),
            ("agents.csv".to_string(), replicated_agents_csv(run)),
        ]
    } else {
        vec![
            ("summary.csv".to_string(), summary_csv(&run.mean)),
            ("intervals.csv".to_string(), intervals_csv(&run.mean)),
            ("agents.csv".to_string(), agents_csv(&run.mean)),
        ]
    }
}

/// Every file of a run's report folder: the CSV tables, `charts/<name>.svg|png` as selected,
/// and `report.html` with the charts inlined (drawn as SVG whatever the selection, unless it is
/// [`ChartSelection::None`], which leaves the charts out). `settings` is shown verbatim as the
/// settings used: the scenario's TOML text.
pub fn run_report_files(
    results: &RunResults,
    settings: &str,
    selection: ChartSelection,
    options: &ChartOptions,
) -> Result<Vec<(String, Vec<u8>)>, ReportError> {
    replicated_report_files(
        &ReplicatedRun::single(results.clone()),
        settings,
        selection,
        options,
        &[],
    )
}

/// [`run_report_files`] of one or more replications of a run: every figure a mean, with its
/// 95 % interval when there are several. `warnings` (see `crate::warnings`) are shown at the
/// top of the page, one a paragraph.
pub fn replicated_report_files(
    run: &ReplicatedRun,
    settings: &str,
    selection: ChartSelection,
    options: &ChartOptions,
    warnings: &[String],
) -> Result<Vec<(String, Vec<u8>)>, ReportError> {
    let mut files = csv_files(run);
    let options = ChartOptions {
        replications: run.replications,
        ..options.clone()
    };
    let charts = if selection == ChartSelection::None {
        Vec::new()
    } else {
        run_charts(&run.mean, &options)
    };
    let mut page = run_page(run, settings, &options.targets);
    page.notes
        .extend(warnings.iter().map(|warning| format!("Warning: {warning}")));
    files.extend(charts_and_page(&charts, selection, page)?);
    Ok(files)
}

/// The chart files and `report.html` of a sweep. The caller fills `page` (title, header facts,
/// key-figure tables, settings); the charts of `sweep` are drawn, written as selected and
/// inlined, as for a run. The sweep's own CSV files are the caller's.
pub fn sweep_report_files(
    sweep: &SweepCharts,
    page: Page,
    selection: ChartSelection,
) -> Result<Vec<(String, Vec<u8>)>, ReportError> {
    let charts = if selection == ChartSelection::None {
        Vec::new()
    } else {
        sweep_charts(sweep)
    };
    charts_and_page(&charts, selection, page)
}

/// The chart files and `report.html` of any page (the staffing run's): `charts` drawn,
/// written as selected and inlined, as for a run.
pub fn page_report_files(
    charts: &[Chart],
    page: Page,
    selection: ChartSelection,
) -> Result<Vec<(String, Vec<u8>)>, ReportError> {
    if selection == ChartSelection::None {
        return charts_and_page(&[], selection, page);
    }
    charts_and_page(charts, selection, page)
}

/// Renders each chart once as SVG (for the page and, if selected, its file) and as PNG if
/// selected, and appends them to `page` as `report.html`.
fn charts_and_page(
    charts: &[Chart],
    selection: ChartSelection,
    mut page: Page,
) -> Result<Vec<(String, Vec<u8>)>, ReportError> {
    let mut files = Vec::new();
    for chart in charts {
        let svg = chart.render(ChartFormat::Svg)?;
        for &format in selection.formats() {
            let bytes = if format == ChartFormat::Svg {
                svg.clone()
            } else {
                chart.render(format)?
            };
            files.push((chart.file_name(format), bytes));
        }
        page.charts.push(Figure {
            title: chart.title.clone(),
            caption: chart.caption.clone(),
            svg,
        });
    }
    files.push(("report.html".to_string(), html_page(&page)));
    Ok(files)
}
