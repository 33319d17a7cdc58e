//! Replications and parameter sweeps: many runs of one or more scenarios, in parallel, with
//! common random numbers, aggregated with confidence intervals.
//!
//! This is the only module that uses threads. Results never depend on the thread count: every
//! run is a pure function of (scenario, seed), and results are collected in (point, replication)
//! order whatever order the threads finish in.
//!
//! The pieces: [`spec`] reads a sweep (axes, variants, replications) into one validated
//! scenario per point; [`executor`] runs (point, replication) pairs, sharded and resumable,
//! through the small files of [`parts`]; [`aggregate`] and [`confidence`] turn replications into
//! estimates. Writing the final tables is `report`'s job; progress bars are the binary's.

pub mod aggregate;
pub mod confidence;
pub mod executor;
pub mod parts;
pub mod replicated;
pub mod shard;
pub mod spec;

use rayon::prelude::*;

use crate::config::ConfigError;
use crate::metrics::{self, RunResults};
use crate::model::Scenario;

pub use aggregate::{aggregate, MeasureKey, PointMeasure, Replication, SweepResults};
pub use confidence::{paired_difference, student_t_quantile, unpaired_difference, Estimate};
pub use executor::{collect, execute, plan, run_in_memory, Continuation, PairId, Plan, PARTS_DIR};
pub use replicated::ReplicatedRun;
pub use shard::Shard;
pub use spec::{
    load_sweep, sweep_from_text, FieldPath, PointLabel, SpecOverrides, Sweep, SweepLayout,
};

/// Why a sweep could not be built, run or merged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SweepError {
    /// The spec or its scenario is not valid; the message names the file and the field.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// One point's scenario is not valid: every line of the scenario error, prefixed with the
    /// point.
    #[error("{}", prefix_lines(&format!("sweep point {index} ({label}): "), message))]
    Point {
        index: usize,
        label: String,
        message: String,
    },
    /// Results from another sweep (another spec, scenario, seed or replication count).
    #[error("{path}: holds results of a different sweep (fingerprint {found}, this one is {expected}); choose another output folder or delete the old results")]
    Foreign {
        path: String,
        found: String,
        expected: String,
    },
    /// A fresh run found results for its pairs already there.
    #[error("{dir}: already holds results for {count} of this run's (point, replication) pairs; pass --resume to keep them and run only the rest, or delete the folder to start over")]
    AlreadyStarted { dir: String, count: usize },
    /// A folder given to merge is not a sweep's.
    #[error(
        "{dir}: holds no sweep results (expected {}/{} or {})",
        executor::PARTS_DIR,
        parts::MANIFEST,
        parts::MANIFEST
    )]
    NotASweep { dir: String },
    /// Some pairs have no complete result in the folders given.
    #[error("{missing} of {total} (point, replication) pairs have no complete result, e.g. {example}; run (or resume) the shards that own them, then merge again")]
    Incomplete {
        missing: usize,
        total: usize,
        example: String,
    },
    /// A part or manifest that is complete but unreadable.
    #[error("{path}: {message}")]
    CorruptPart { path: String, message: String },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl SweepError {
    /// Whether the cause is what the user gave (exit code 2) rather than a failure while
    /// running (an I/O error).
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, SweepError::Io { .. })
    }
}

fn prefix_lines(prefix: &str, text: &str) -> String {
    text.lines()
        .map(|line| format!("{prefix}{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The seed of replication `replication` of a sweep or baseline with base seed `base_seed`.
/// Replication r of every point uses the same seed, so points see the same customers (common
/// random numbers).
pub fn replication_seed(base_seed: u64, replication: u32) -> u64 {
    // A fixed odd multiplier spreads consecutive replications over the seed space; the engine
    // expands each seed with SplitMix64 anyway, so this only has to be injective.
    base_seed.wrapping_add(u64::from(replication).wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// How many threads to use: `None` means all cores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Threads(pub Option<usize>);

/// Runs `replications` replications of `scenario` in parallel and returns them in replication
/// order.
pub fn run_replications(
    scenario: &Scenario,
    base_seed: u64,
    replications: u32,
    threads: Threads,
) -> Vec<RunResults> {
    in_pool(threads, || {
        (0..replications)
            .into_par_iter()
            .map(|r| metrics::run(scenario, replication_seed(base_seed, r)))
            .collect()
    })
}

/// Runs `work` on a pool of the requested size (the global pool for all cores).
pub fn in_pool<T: Send>(threads: Threads, work: impl FnOnce() -> T + Send) -> T {
    match threads.0 {
        None => work(),
        Some(n) => match rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
        {
            Ok(pool) => pool.install(work),
            // A pool that cannot be built (no threads left) still gives the same results on
            // the global pool: only speed depends on the thread count.
            Err(_) => work(),
        },
    }
}
