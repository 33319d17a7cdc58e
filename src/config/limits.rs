//! The bounds a scenario must stay within, whatever the budget: values beyond them are no
//! planner's input and would only make a run exhaust memory or time. They are checked during
//! validation (exit code 2, with the field path) and listed in the README's "Limits and
//! guarantees"; the estimate-based budget of a whole run is `crate::budget`.

/// The shortest reporting interval: interval figures are kept for every interval of the day.
pub const MIN_INTERVAL_SECS: u64 = 60;
/// Agents in one group.
pub const MAX_AGENTS_PER_GROUP: i64 = 100_000;
/// Arrivals per hour of one channel (a Poisson rate, or any rate of a curve).
pub const MAX_ARRIVALS_PER_HOUR: f64 = 1_000_000.0;
/// Away episodes per hour of one agent.
pub const MAX_AWAY_EPISODES_PER_HOUR: f64 = 60.0;
/// Replications of one `routesim run` (`[simulation] replications`, `--replications`): every
/// replication's results are held until the means are taken.
pub const MAX_RUN_REPLICATIONS: u32 = 1000;
/// Size of a scenario or sweep file.
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;
/// Size of a CSV file a scenario reads (rates, traces, samples).
pub const MAX_CSV_BYTES: u64 = 256 << 20;
