//! Replications and parameter sweeps: many runs of one or more scenarios, in parallel, with
//! common random numbers, aggregated with confidence intervals.
//!
//! This is the only module that uses threads. Results never depend on the thread count: every
//! run is a pure function of (scenario, seed), and results are collected in (point, replication)
//! order whatever order the threads finish in.

use rayon::prelude::*;

use crate::metrics::{self, RunResults};
use crate::model::Scenario;

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
