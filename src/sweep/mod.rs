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
pub mod lock;
pub mod parts;
pub mod replicated;
pub mod shard;
pub mod spec;

use rayon::prelude::*;

use crate::config::ConfigError;
use crate::metrics::{self, RunError, RunResults};
use crate::model::Scenario;

pub use crate::metrics::MeasureKey;
pub use aggregate::{aggregate, PointMeasure, Replication, SweepResults};
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
    /// Another process is running the same shard into the same folder.
    #[error("{dir}: shard {shard} of this sweep is already running into this folder ({holder}); wait for it to finish, or choose another output folder")]
    Busy {
        dir: String,
        shard: String,
        holder: String,
    },
    /// Folders given to `merge` hold parts of the sweep split into different numbers of shards.
    #[error("{dir}: holds parts of this sweep split into {count} shard(s), but {first} holds parts of a split into {first_count}: folders merged together must come from one split; merge each split on its own")]
    MergedSplitsDiffer {
        dir: String,
        count: u32,
        first: String,
        first_count: u32,
    },
    /// The folder holds the parts of the sweep split into another number of shards.
    #[error("{dir}: holds parts of this sweep split into {recorded} shard(s), but this run is shard {shard} (of {given}); every task must see the same shard count: rerun a task with `--shard K/{recorded}` (not a one-task array, which counts as 1 shard), or use another output folder")]
    ShardCountMismatch {
        dir: String,
        recorded: u32,
        given: u32,
        shard: String,
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
    /// A (point, replication) pair made no progress: a failure of the run (exit code 1), as
    /// for a single run.
    #[error("sweep point {index} ({label}), replication {replication}: {source}")]
    Stalled {
        index: usize,
        label: String,
        replication: u32,
        #[source]
        source: Box<RunError>,
    },
}

/// A replication of [`run_replications`] that made no progress (the first in replication
/// order, whatever the thread count).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("replication {replication} of {replications}: {source}")]
pub struct ReplicationError {
    pub replication: u32,
    pub replications: u32,
    #[source]
    pub source: RunError,
}

impl SweepError {
    /// Whether the cause is what the user gave (exit code 2) rather than a failure while
    /// running (an I/O error).
    pub fn is_bad_input(&self) -> bool {
        !matches!(
            self,
            SweepError::Io { .. } | SweepError::Incomplete { .. } | SweepError::Stalled { .. }
        )
    }

    /// Whether results are merely missing (some shard has not finished), which is neither bad
    /// input nor a failure: `merge` gives it its own exit code so that a job scheduled after
    /// every task, however they ended, can tell "rerun a task" from "fix the input".
    pub fn is_incomplete(&self) -> bool {
        matches!(self, SweepError::Incomplete { .. })
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

impl Threads {
    /// The threads worth starting for `work` independent items: the count asked for (all cores
    /// when none), never more than the items or the cores, never less than 1. Only speed
    /// depends on it, so clamping a large `--threads` changes no result.
    pub fn effective(self, work: usize) -> usize {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        self.0.unwrap_or(cores).min(cores).min(work).max(1)
    }
}

/// Runs `replications` replications of `scenario` in parallel and returns them in replication
/// order. A replication that made no progress (`metrics::try_run`) is an error naming it; of
/// several, the first in replication order, so the error does not depend on the thread count.
pub fn run_replications(
    scenario: &Scenario,
    base_seed: u64,
    replications: u32,
    threads: Threads,
) -> Result<Vec<RunResults>, ReplicationError> {
    run_replications_keeping(base_seed, replications, threads, |_, seed| {
        metrics::try_run(scenario, seed)
    })
}

/// Runs replication `r` of `replications` as `run(r, seed)` with its common-random-number
/// seed from `base_seed`, in parallel, and returns what each gives in replication order.
/// `run` keeps of each run only what its caller reads, as soon as the run ends: a check
/// ([`metrics::try_run_summary`]) the summary and agent rows, a replicated run the first
/// run whole and the values of the others ([`metrics::try_run_values`]), not every run's
/// interval rows.
pub fn run_replications_keeping<T: Send>(
    base_seed: u64,
    replications: u32,
    threads: Threads,
    run: impl Fn(u32, u64) -> Result<T, RunError> + Sync + Send,
) -> Result<Vec<T>, ReplicationError> {
    let runs: Vec<Result<T, RunError>> = in_pool(threads, replications as usize, || {
        (0..replications)
            .into_par_iter()
            .map(|r| run(r, replication_seed(base_seed, r)))
            .collect()
    });
    runs.into_iter()
        .enumerate()
        .map(|(r, run)| {
            run.map_err(|source| ReplicationError {
                replication: r as u32,
                replications,
                source,
            })
        })
        .collect()
}

/// `f` of every item, in parallel on `threads`, returned in the items' order (so results do
/// not depend on the thread count). The staffing search runs its replications through this,
/// which keeps rayon inside this module.
pub fn map_in_parallel<T: Sync, R: Send>(
    items: &[T],
    threads: Threads,
    f: impl Fn(&T) -> R + Sync + Send,
) -> Vec<R> {
    in_pool(threads, items.len(), || items.par_iter().map(&f).collect())
}

/// Runs `work` (of `items` independent items) on a pool of [`Threads::effective`] threads.
pub fn in_pool<T: Send>(threads: Threads, items: usize, work: impl FnOnce() -> T + Send) -> T {
    let wanted = threads.effective(items);
    if threads.0.is_none() && wanted == rayon::current_num_threads() {
        return work();
    }
    match rayon::ThreadPoolBuilder::new().num_threads(wanted).build() {
        Ok(pool) => pool.install(work),
        // A pool that cannot be built (no threads left) still gives the same results on
        // the global pool: only speed depends on the thread count.
        Err(_) => work(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_counts_are_clamped_to_the_work_and_the_cores() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(Threads(Some(100_000)).effective(20), cores.min(20));
        assert_eq!(Threads(Some(100_000)).effective(1), 1);
        assert_eq!(Threads(None).effective(1_000), cores);
        assert_eq!(Threads(Some(1)).effective(1_000), 1);
        assert_eq!(Threads(Some(3)).effective(0), 1);
        // The pool really has that many threads.
        let seen = in_pool(Threads(Some(100_000)), 1, rayon::current_num_threads);
        assert_eq!(seen, 1);
    }
}
