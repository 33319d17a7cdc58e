//! Reports: pure functions from results to bytes, and the writing of those bytes to files
//! without ever leaving a half-written file behind. Nothing here runs a simulation.

mod csv_tables;
mod files;
mod sweep_tables;
mod terminal;

pub use csv_tables::{agents_csv, format_value, intervals_csv, summary_csv};
pub use files::{write_files_atomically, ReportError};
pub use sweep_tables::{replications_csv, sweep_csv, sweep_summary_table};
pub use terminal::summary_table;

use std::path::{Path, PathBuf};

use crate::metrics::RunResults;

/// Writes `summary.csv`, `intervals.csv` and `agents.csv` of one run into `dir` (created if
/// needed). Either all files are replaced or none is.
pub fn write_run_reports(results: &RunResults, dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    let files = vec![
        ("summary.csv".to_string(), summary_csv(results)),
        ("intervals.csv".to_string(), intervals_csv(results)),
        ("agents.csv".to_string(), agents_csv(results)),
    ];
    write_files_atomically(dir, &files)
}
