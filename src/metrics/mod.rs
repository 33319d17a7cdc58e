//! Observers that turn simulation events into measures: counts, service levels, waits, queue
//! lengths, utilization and occupancy, overall and per interval of the day.
//!
//! Memory does not grow with the number of conversations: waits go into log histograms, levels
//! into time-weighted integrals. Nothing here formats output; results are plain rows.

mod collector;
mod flows;
mod groups;
mod handle_time;
mod level;
mod results;
pub mod stats;

pub use collector::Collector;
pub use results::{threshold_label, IntervalRow, MeasureRow, RunResults, Scope, WaitDistribution};

use crate::model::{simulate, Scenario};

/// Simulates `scenario` with `seed` and returns its measures.
pub fn run(scenario: &Scenario, seed: u64) -> RunResults {
    let mut collector = Collector::new(scenario);
    simulate(scenario, seed, &mut collector);
    collector.into_results(seed)
}
