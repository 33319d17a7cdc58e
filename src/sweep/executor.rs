//! Running a sweep: choose this run's (point, replication) pairs (a shard's share, minus what a
//! resumed run already has), run them in parallel, write each as a part the moment it is done,
//! and rebuild the results from the parts of one or more folders.
//!
//! Results never depend on the thread count or on how the work was split: replication r of
//! every point runs with `replication_seed(base_seed, r)`, each pair is a pure function of its
//! scenario and seed, and aggregation sorts by (point, replication). Progress display and
//! output files belong to the caller.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::aggregate::{aggregate, Replication, SweepResults};
use super::lock::{lock_shard, ShardLock};
use super::parts::{self, PartProblem, MANIFEST};
use super::shard::Shard;
use super::spec::{Sweep, SweepLayout};
use super::{in_pool, replication_seed, SweepError, Threads};
use crate::metrics;

/// The folder of part files inside a sweep's output folder.
pub const PARTS_DIR: &str = "parts";

/// One replication of one point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PairId {
    pub point: usize,
    pub replication: u32,
}

impl PairId {
    fn index(self, replications: u32) -> usize {
        self.point * replications as usize + self.replication as usize
    }
}

/// What to do with parts already in the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Continuation {
    /// Start the run's pairs from scratch; parts already there for them are an error, so that
    /// finished work is never thrown away by accident.
    Fresh,
    /// Keep every complete part of this sweep and run only the missing pairs.
    Resume,
}

/// The work of one run, decided before anything runs. It holds the run's lock on its shard of
/// the folder until it is dropped.
#[derive(Debug, Clone)]
pub struct Plan {
    pub parts_dir: PathBuf,
    /// The lock on this shard of the folder: a second run of it is refused while this lives.
    pub lock: Arc<ShardLock>,
    /// The pairs this shard owns.
    pub owned: usize,
    /// The pairs still to run, in (point, replication) order.
    pub to_run: Vec<PairId>,
    /// Complete parts kept from an earlier run.
    pub reused: usize,
    /// Incomplete parts found (from an interrupted write), to be run again.
    pub incomplete: usize,
}

/// Every pair of the sweep, in (point, replication) order.
pub fn all_pairs(layout: &SweepLayout) -> Vec<PairId> {
    (0..layout.points.len())
        .flat_map(|point| {
            (0..layout.replications).map(move |replication| PairId { point, replication })
        })
        .collect()
}

/// Prepares `out_dir/parts` for `shard` of the sweep: writes the manifest, checks what is
/// already there, and lists the pairs to run.
pub fn plan(
    sweep: &Sweep,
    out_dir: &Path,
    shard: Shard,
    continuation: Continuation,
) -> Result<Plan, SweepError> {
    let layout = &sweep.layout;
    let parts_dir = out_dir.join(PARTS_DIR);
    fs::create_dir_all(&parts_dir).map_err(|source| SweepError::Io {
        path: parts_dir.display().to_string(),
        source,
    })?;
    // The manifest is only ever created whole and exclusively, so reading it needs no lock; a
    // run of another sweep or split is refused here, before it touches anything.
    let existing = parts::ensure_manifest(&parts_dir, layout, shard.count)?;
    if existing.layout.fingerprint != layout.fingerprint {
        return Err(SweepError::Foreign {
            path: parts_dir.display().to_string(),
            found: existing.layout.fingerprint,
            expected: layout.fingerprint.clone(),
        });
    }
    if let Some(recorded) = existing.shards.filter(|&n| n != shard.count) {
        return Err(SweepError::ShardCountMismatch {
            dir: parts_dir.display().to_string(),
            recorded,
            given: shard.count,
            shard: shard.to_string(),
        });
    }
    // Whatever follows reads or writes files that a second run of this shard would write too.
    let lock = Arc::new(lock_shard(&parts_dir, shard)?);
    let owned: Vec<PairId> = all_pairs(layout)
        .into_iter()
        .filter(|pair| shard.owns(pair.index(layout.replications)))
        .collect();
    let owned_set: HashSet<PairId> = owned.iter().copied().collect();
    remove_stale_temporaries(&parts_dir, &owned_set)?;

    let mut plan = Plan {
        parts_dir: parts_dir.clone(),
        lock,
        owned: owned.len(),
        to_run: Vec::new(),
        reused: 0,
        incomplete: 0,
    };
    let mut already_there = 0;
    for pair in owned {
        let path = parts_dir.join(parts::part_file_name(pair.point, pair.replication));
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                plan.to_run.push(pair);
                continue;
            }
            Err(source) => {
                return Err(SweepError::Io {
                    path: path.display().to_string(),
                    source,
                })
            }
        };
        if continuation == Continuation::Fresh {
            already_there += 1;
            continue;
        }
        match parts::decode_part(&bytes, &layout.fingerprint, pair.point, pair.replication) {
            Ok(_) => plan.reused += 1,
            Err(PartProblem::Incomplete) => {
                plan.incomplete += 1;
                plan.to_run.push(pair);
            }
            Err(PartProblem::Foreign { found }) => {
                return Err(SweepError::Foreign {
                    path: path.display().to_string(),
                    found,
                    expected: layout.fingerprint.clone(),
                })
            }
            Err(PartProblem::Corrupt(message)) => {
                return Err(SweepError::CorruptPart {
                    path: path.display().to_string(),
                    message,
                })
            }
        }
    }
    if already_there > 0 {
        return Err(SweepError::AlreadyStarted {
            dir: parts_dir.display().to_string(),
            count: already_there,
        });
    }
    Ok(plan)
}

/// Temporary files of the pairs this run owns can only come from a run that was killed: no
/// other shard writes them.
fn remove_stale_temporaries(parts_dir: &Path, owned: &HashSet<PairId>) -> Result<(), SweepError> {
    let entries = fs::read_dir(parts_dir).map_err(|source| SweepError::Io {
        path: parts_dir.display().to_string(),
        source,
    })?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.starts_with('.') && name.ends_with(".tmp")) {
            continue;
        }
        if let Some((point, replication)) = parts::pair_of_file_name(&name) {
            if owned.contains(&PairId { point, replication }) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
    Ok(())
}

/// Runs one pair; a run that made no progress is [`SweepError::Stalled`], naming the pair.
pub fn run_pair(sweep: &Sweep, pair: PairId) -> Result<Replication, SweepError> {
    let seed = replication_seed(sweep.layout.base_seed(), pair.replication);
    // A pair keeps its summary and agent rows only: its interval rows are not formed.
    let results =
        metrics::try_run_summary(&sweep.scenarios[pair.point], seed).map_err(|source| {
            SweepError::Stalled {
                index: pair.point,
                label: sweep
                    .layout
                    .points
                    .get(pair.point)
                    .map_or_else(String::new, |p| p.label.clone()),
                replication: pair.replication,
                source: Box::new(source),
            }
        })?;
    Ok(Replication {
        point: pair.point,
        replication: pair.replication,
        seed,
        rows: results.all_rows().cloned().collect(),
    })
}

/// Runs the plan's pairs on `threads`, writing each part as soon as it is done and calling
/// `on_done` after each. Stops at the first write error; parts written before it stay.
///
/// A pair that makes no progress is an error too, and the one reported is the first such pair
/// in the plan's order whatever the thread count: after a stall, pairs later in the plan than
/// the earliest stall seen are skipped, and those before it still run (one of them may stall
/// too, and is then the one reported).
pub fn execute(
    sweep: &Sweep,
    plan: &Plan,
    threads: Threads,
    on_done: &(dyn Fn() + Sync),
) -> Result<(), SweepError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let earliest_stall = AtomicUsize::new(usize::MAX);
    let stalls = std::sync::Mutex::new(Vec::new());
    in_pool(threads, plan.to_run.len(), || {
        plan.to_run
            .par_iter()
            .enumerate()
            .with_max_len(1)
            .try_for_each(|(position, &pair)| {
                if position > earliest_stall.load(Ordering::SeqCst) {
                    return Ok(());
                }
                let replication = match run_pair(sweep, pair) {
                    Ok(replication) => replication,
                    Err(stalled @ SweepError::Stalled { .. }) => {
                        earliest_stall.fetch_min(position, Ordering::SeqCst);
                        if let Ok(mut stalls) = stalls.lock() {
                            stalls.push((position, stalled));
                        }
                        return Ok(());
                    }
                    Err(other) => return Err(other),
                };
                let bytes = parts::encode_part(&sweep.layout.fingerprint, &replication);
                parts::write_atomically(
                    &plan.parts_dir,
                    &parts::part_file_name(pair.point, pair.replication),
                    &bytes,
                )?;
                on_done();
                Ok(())
            })
    })?;
    let stalls = stalls
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    match stalls.into_iter().min_by_key(|(position, _)| *position) {
        Some((_, stalled)) => Err(stalled),
        None => Ok(()),
    }
}

/// Runs every pair in memory, without files: for library users, benches and tests. A pair
/// that made no progress is an error: the first in (point, replication) order.
pub fn run_in_memory(sweep: &Sweep, threads: Threads) -> Result<SweepResults, SweepError> {
    let pairs = all_pairs(&sweep.layout);
    let replications: Vec<Result<Replication, SweepError>> = in_pool(threads, pairs.len(), || {
        pairs
            .par_iter()
            .with_max_len(1)
            .map(|&pair| run_pair(sweep, pair))
            .collect()
    });
    let replications = replications.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(aggregate(sweep.layout.clone(), replications))
}

/// The parts folder of `dir`: `dir/parts`, or `dir` itself if it holds the manifest.
fn parts_dir_of(dir: &Path) -> Result<PathBuf, SweepError> {
    if dir.join(PARTS_DIR).join(MANIFEST).is_file() {
        Ok(dir.join(PARTS_DIR))
    } else if dir.join(MANIFEST).is_file() {
        Ok(dir.to_path_buf())
    } else {
        Err(SweepError::NotASweep {
            dir: dir.display().to_string(),
        })
    }
}

/// Rebuilds the results of a sweep from the parts in `dirs` (output folders of a run or of
/// shards). Every pair must have a complete part in one of them, and all must belong to the
/// same sweep.
pub fn collect(dirs: &[PathBuf]) -> Result<SweepResults, SweepError> {
    let parts_dirs = dirs
        .iter()
        .map(|d| parts_dir_of(d))
        .collect::<Result<Vec<_>, _>>()?;
    let Some(first) = parts_dirs.first() else {
        return Err(SweepError::NotASweep { dir: String::new() });
    };
    let manifest = parts::decode_manifest(&first.join(MANIFEST))?;
    for dir in &parts_dirs[1..] {
        let other = parts::decode_manifest(&dir.join(MANIFEST))?;
        if other.layout.fingerprint != manifest.layout.fingerprint {
            return Err(SweepError::Foreign {
                path: dir.display().to_string(),
                found: other.layout.fingerprint,
                expected: manifest.layout.fingerprint.clone(),
            });
        }
        // Folders of one split, each with its own shards: a different count means some tasks
        // saw another split, and pairs may be missing or run twice.
        if let (Some(recorded), Some(given)) = (manifest.shards, other.shards) {
            if recorded != given {
                return Err(SweepError::MergedSplitsDiffer {
                    dir: dir.display().to_string(),
                    count: given,
                    first: first.display().to_string(),
                    first_count: recorded,
                });
            }
        }
    }
    let layout = manifest.layout;
    let mut replications = Vec::with_capacity(layout.n_pairs());
    let mut missing = Vec::new();
    for pair in all_pairs(&layout) {
        let name = parts::part_file_name(pair.point, pair.replication);
        let mut found = None;
        for dir in &parts_dirs {
            let path = dir.join(&name);
            let Ok(bytes) = fs::read(&path) else { continue };
            match parts::decode_part(&bytes, &layout.fingerprint, pair.point, pair.replication) {
                Ok(replication) => {
                    found = Some(replication);
                    break;
                }
                Err(PartProblem::Incomplete) => continue,
                Err(PartProblem::Foreign { found }) => {
                    return Err(SweepError::Foreign {
                        path: path.display().to_string(),
                        found,
                        expected: layout.fingerprint.clone(),
                    })
                }
                Err(PartProblem::Corrupt(message)) => {
                    return Err(SweepError::CorruptPart {
                        path: path.display().to_string(),
                        message,
                    })
                }
            }
        }
        match found {
            Some(replication) => replications.push(replication),
            None => missing.push(pair),
        }
    }
    if let Some(first_missing) = missing.first() {
        return Err(SweepError::Incomplete {
            missing: missing.len(),
            total: layout.n_pairs(),
            example: format!(
                "point {} ({}) replication {}",
                first_missing.point,
                layout.points[first_missing.point].label,
                first_missing.replication
            ),
        });
    }
    Ok(aggregate(layout, replications))
}
