//! Observers that turn simulation events into measures: counts, service levels, waits, queue
//! lengths, utilization and occupancy, overall and per interval of the day.
//!
//! Memory does not grow with the number of conversations: waits go into log histograms, levels
//! into time-weighted integrals. Nothing here formats output; results are plain rows.

mod cells;
mod collector;
mod flows;
mod goals;
mod groups;
mod handle_time;
mod level;
mod results;
pub mod stats;
mod text;

pub use collector::Collector;
pub use goals::{
    entity, service_level, service_level_measure, service_level_target, ServiceLevelAgainstGoal,
};
pub use results::{
    threshold_label, IntervalRow, MeasureKey, MeasureRow, RowAt, RowValues, RunResults, Scope,
    WaitDistribution,
};
pub use text::Text;

use crate::model::{simulate, Scenario, Stall};

/// The values a measure can take: every measure is zero or more, and shares of conversations
/// or agents (service levels, abandon rate, probability of waiting, occupancy) are at most 1.
/// Utilization is not: assignments beyond capacity (pick, affinity, self-selection,
/// unreserved offers) take it above 1. A confidence interval of replications is cut to it
/// ([`crate::sweep::Estimate::within`]).
pub fn measure_range(measure: &str) -> (f64, f64) {
    let share = measure.starts_with("service_level_")
        || matches!(measure, "abandon_rate" | "p_wait" | "occupancy");
    (0.0, if share { 1.0 } else { f64::INFINITY })
}

/// Simulates `scenario` with `seed` and returns its measures. A run that stalls (its clock
/// stops moving; validation rules out every such cycle known) ends at the stall, and its
/// measures cover the time up to it: use [`try_run`] to have that as an error.
pub fn run(scenario: &Scenario, seed: u64) -> RunResults {
    let mut collector = Collector::new(scenario);
    simulate(scenario, seed, &mut collector);
    collector.into_results(seed)
}

/// A run that could not finish.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("scenario \"{scenario}\", seed {seed}: the run made no progress: {description}")]
pub struct RunError {
    pub scenario: String,
    pub seed: u64,
    pub stall: Stall,
    pub description: String,
}

/// [`run`], with a stall as an error naming the instant and the entity involved.
pub fn try_run(scenario: &Scenario, seed: u64) -> Result<RunResults, RunError> {
    try_run_with(scenario, seed, Collector::new(scenario))
}

/// [`try_run`] without the interval rows (`intervals` is empty; every other figure is the
/// same): for runs of which only the summary and agent rows are read, such as each pair of a
/// sweep and each replication of a check ([`Collector::without_interval_rows`]).
pub fn try_run_summary(scenario: &Scenario, seed: u64) -> Result<RunResults, RunError> {
    try_run_with(
        scenario,
        seed,
        Collector::new(scenario).without_interval_rows(),
    )
}

/// The values of [`try_run`]'s rows alone, in their order ([`Collector::into_row_values`]):
/// what a replication after the first keeps, without forming its interval rows.
pub fn try_run_values(scenario: &Scenario, seed: u64) -> Result<RowValues, RunError> {
    finish(
        scenario,
        seed,
        Collector::new(scenario),
        Collector::into_row_values,
    )
}

/// [`try_run`] with a collector made by the caller (e.g. [`Collector::with_progress`]).
pub fn try_run_with(
    scenario: &Scenario,
    seed: u64,
    collector: Collector,
) -> Result<RunResults, RunError> {
    finish(scenario, seed, collector, Collector::into_results)
}

/// Simulates with `collector` and forms what `form` makes of it, or the stall as an error.
fn finish<T>(
    scenario: &Scenario,
    seed: u64,
    mut collector: Collector,
    form: fn(Collector, u64) -> T,
) -> Result<T, RunError> {
    let stats = simulate(scenario, seed, &mut collector);
    match stats.stall {
        None => Ok(form(collector, seed)),
        Some(stall) => Err(RunError {
            scenario: scenario.name.clone(),
            seed,
            stall,
            description: stall.describe(scenario),
        }),
    }
}
