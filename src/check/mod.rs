//! Regression checks on distribution-policy changes: record a baseline of a scenario, then
//! check a changed scenario against it (or compare two scenarios), guard by guard, with paired
//! replications on common random numbers and confidence intervals, and a verdict a CI job can
//! act on.
//!
//! The false-alarm design: each guard's paired difference gets a two-sided t interval at
//! 1 − (1 − confidence)/k for k guards (Bonferroni); a guard regresses only when the whole
//! interval lies beyond its tolerance on the bad side. For a change that does not worsen any
//! guard beyond its tolerance, the chance that one or more guards regress is at most
//! (1 − confidence)/2: 2.5% with the default 95% (an `unchanged` guard can fail on both tails
//! and counts double), and far less when the true difference is well inside the tolerance (a
//! neutral change has a true difference of 0).
//!
//! This module decides nothing without an interval: a difference smaller than the noise is
//! `uncertain`, never silently `ok`. It does not print or write files; the binary does.

mod baseline;
mod compare;
mod hash;
mod page;
mod render;
mod samples;
mod side_by_side;
mod spec;
pub mod stats;

use std::path::Path;

pub use crate::metrics::MeasureKey;
pub use baseline::{Baseline, BaselineError, FORMAT_VERSION};
pub use compare::{compare, Comparison, GuardOutcome, Verdict};
pub use hash::{canonical_text, ScenarioHash};
pub use render::{check_csv, check_markdown, check_page, check_table};
pub use samples::Samples;
pub use side_by_side::{side_by_side, SideBySide};
pub use spec::{
    default_guards, parse_check_table, resolve_guards, Better, CheckSpec, Guard, GuardOrigin,
    ResolvedGuard, Tolerance,
};

use crate::config::{self, ConfigError, Origin};
use crate::metrics::Text;
use crate::model::Scenario;
use crate::sweep::{self, replication_seed, ReplicationError, Threads};

/// The version written into baselines and compared by checks.
pub const ROUTESIM_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Why a check could not run: problems with the input (exit code 2), but for a run that made
/// no progress ([`CheckError::Stalled`], a failure: exit code 1, as for a single run).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// The scenario or its `[check]` table is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The baseline file is damaged or does not fit the scenario.
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    /// The baseline file could not be read.
    #[error("{file}: cannot read the baseline")]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// A replication of this scenario made no progress.
    #[error("{file}: {source}")]
    Stalled {
        file: String,
        #[source]
        source: Box<ReplicationError>,
    },
}

impl CheckError {
    /// Whether the cause is what the user gave (exit code 2) rather than a failure of a run.
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, CheckError::Stalled { .. })
    }
}

/// A scenario with what a check needs besides the model: its hash and its `[check]` table.
#[derive(Debug, Clone)]
pub struct PolicyScenario {
    /// The file name, for messages.
    pub file: String,
    pub scenario: Scenario,
    pub hash: ScenarioHash,
    pub spec: CheckSpec,
}

impl PolicyScenario {
    pub fn load(path: &Path) -> Result<PolicyScenario, ConfigError> {
        let origin = Origin::of_path(path);
        let text = config::read_regular_text(path, config::limits::MAX_SCENARIO_BYTES).map_err(
            |source| ConfigError::Read {
                file: origin.file.clone(),
                source,
            },
        )?;
        PolicyScenario::from_text(&text, &origin)
    }

    pub fn from_text(text: &str, origin: &Origin) -> Result<PolicyScenario, ConfigError> {
        let table = config::parse_table(text, origin)?;
        let hash = ScenarioHash::of_table(&table);
        let check_table = table.get("check").cloned();
        let scenario = config::scenario_from_table(table, origin)?;
        let spec = parse_check_table(check_table.as_ref(), &scenario).map_err(|issues| {
            ConfigError::Invalid {
                file: origin.file.clone(),
                issues,
            }
        })?;
        Ok(PolicyScenario {
            file: origin.file.clone(),
            scenario,
            hash,
            spec,
        })
    }

    /// Checks the guards of `[check]` against the measures a run of this scenario reports,
    /// without running it: a guard naming an entity or a measure the reports do not have is
    /// an issue at its path (what `baseline` would refuse after its runs). The measures a run
    /// reports depend on the scenario's entities and settings, not on what happens, so a run
    /// of no length lists them.
    pub fn check_guards(&self) -> Result<(), ConfigError> {
        let mut empty = self.scenario.clone();
        empty.simulation.warm_up = crate::engine::SimDuration::ZERO;
        empty.simulation.horizon = crate::engine::SimDuration::from_micros(1);
        let results = crate::metrics::run(&empty, self.scenario.simulation.seed);
        let rows: Vec<Vec<_>> = vec![results.all_rows().cloned().collect()];
        resolve_guards(&self.spec.guards, &Samples::from_rows(&rows))
            .map(|_| ())
            .map_err(|issues| ConfigError::Invalid {
                file: self.file.clone(),
                issues,
            })
    }

    /// Runs `replications` replications from `base_seed`; one that made no progress is
    /// [`CheckError::Stalled`].
    pub fn replicate(
        &self,
        base_seed: u64,
        replications: u32,
        threads: Threads,
    ) -> Result<Samples, CheckError> {
        // Only the summary and agent rows are kept of each run, as it ends.
        let rows = sweep::run_replications_keeping(base_seed, replications, threads, |_, seed| {
            crate::metrics::try_run_summary(&self.scenario, seed)
                .map(|run| run.all_rows().cloned().collect::<Vec<_>>())
        })
        .map_err(|source| CheckError::Stalled {
            file: self.file.clone(),
            source: Box::new(source),
        })?;
        Ok(Samples::from_rows(&rows))
    }

    /// Runs the baseline replications. The guards are checked against the results so that a
    /// typo in `[check]` shows now rather than at the first check.
    pub fn baseline(
        &self,
        replications: u32,
        base_seed: u64,
        threads: Threads,
    ) -> Result<Baseline, CheckError> {
        let samples = self.replicate(base_seed, replications, threads)?;
        resolve_guards(&self.spec.guards, &samples).map_err(|issues| ConfigError::Invalid {
            file: self.file.clone(),
            issues,
        })?;
        Ok(Baseline {
            routesim_version: ROUTESIM_VERSION.to_string(),
            scenario_name: self.scenario.name.clone(),
            scenario_hash: self.hash,
            base_seed,
            seeds: (0..replications)
                .map(|r| replication_seed(base_seed, r))
                .collect(),
            samples,
        })
    }
}

/// Reads and validates a baseline file.
pub fn read_baseline(path: &Path) -> Result<Baseline, CheckError> {
    let file = path.display().to_string();
    let text =
        config::read_regular_text(path, config::limits::MAX_CSV_BYTES).map_err(|source| {
            CheckError::Read {
                file: file.clone(),
                source,
            }
        })?;
    Ok(Baseline::parse(&text, &file)?)
}

/// Where one side of a comparison came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    /// A file name, as the user gave it.
    pub label: String,
    pub scenario_name: String,
    pub hash: ScenarioHash,
    pub routesim_version: String,
    pub base_seed: u64,
}

/// Whether the two sides ran on the same seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pairing {
    /// Same seeds: same customers, so the paired differences show the policy alone.
    CommonRandomNumbers,
    /// Other seeds: still a valid paired test, with wider intervals.
    IndependentSeeds,
}

/// What a check or a comparison found, ready to be rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckReport {
    pub kind: ReportKind,
    pub baseline: Side,
    pub candidate: Side,
    pub replications: usize,
    pub pairing: Pairing,
    pub comparison: Comparison,
    /// Things the reader should know that are not a guard's verdict (entities on one side only).
    pub notes: Vec<String>,
    /// The key measures of both sides, with their paired differences (descriptive).
    pub key_measures: Vec<SideBySide>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    /// A scenario against a stored baseline.
    Check,
    /// Scenario B against scenario A.
    Compare,
}

impl CheckReport {
    pub fn regressed(&self) -> bool {
        self.comparison.regressed()
    }

    pub fn scenario_changed(&self) -> bool {
        self.baseline.hash != self.candidate.hash
    }

    pub fn version_changed(&self) -> bool {
        self.baseline.routesim_version != self.candidate.routesim_version
    }
}

/// Options of a check run.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckOptions {
    /// Run on other seeds than the baseline's (no common random numbers); `None` reruns the
    /// baseline's seeds.
    pub base_seed: Option<u64>,
    pub threads: Threads,
}

/// Reruns the baseline's replications with `policy` and compares them guard by guard.
/// `baseline_label` names the baseline file in messages and reports.
pub fn check_against_baseline(
    policy: &PolicyScenario,
    baseline: &Baseline,
    baseline_label: &str,
    options: CheckOptions,
) -> Result<CheckReport, CheckError> {
    let replications = baseline.replications() as u32;
    let base_seed = options.base_seed.unwrap_or(baseline.base_seed);
    let candidate = policy.replicate(base_seed, replications, options.threads)?;
    let sides = Labels {
        guards: &policy.file,
        baseline: baseline_label,
        candidate: &policy.file,
    };
    let (guards, notes) =
        guards_on_both(&policy.spec.guards, sides, &baseline.samples, &candidate)?;
    Ok(CheckReport {
        kind: ReportKind::Check,
        baseline: Side {
            label: baseline_label.to_string(),
            scenario_name: baseline.scenario_name.clone(),
            hash: baseline.scenario_hash,
            routesim_version: baseline.routesim_version.clone(),
            base_seed: baseline.base_seed,
        },
        candidate: side(policy, base_seed),
        replications: replications as usize,
        pairing: if base_seed == baseline.base_seed {
            Pairing::CommonRandomNumbers
        } else {
            Pairing::IndependentSeeds
        },
        comparison: compare(
            &baseline.samples,
            &candidate,
            &guards,
            policy.spec.confidence,
        ),
        notes,
        key_measures: side_by_side(&baseline.samples, &candidate, &policy.scenario),
    })
}

/// Runs `a` and `b` on the same seeds and compares `b` with `a` on `a`'s guards.
pub fn compare_scenarios(
    a: &PolicyScenario,
    b: &PolicyScenario,
    replications: u32,
    base_seed: u64,
    threads: Threads,
) -> Result<CheckReport, CheckError> {
    let baseline = a.replicate(base_seed, replications, threads)?;
    let candidate = b.replicate(base_seed, replications, threads)?;
    // A's guards, resolved against B's results: B is the one being judged.
    let sides = Labels {
        guards: &a.file,
        baseline: &a.file,
        candidate: &b.file,
    };
    let (guards, notes) = guards_on_both(&a.spec.guards, sides, &baseline, &candidate)?;
    Ok(CheckReport {
        kind: ReportKind::Compare,
        baseline: side(a, base_seed),
        candidate: side(b, base_seed),
        replications: replications as usize,
        pairing: Pairing::CommonRandomNumbers,
        comparison: compare(&baseline, &candidate, &guards, a.spec.confidence),
        notes,
        key_measures: side_by_side(&baseline, &candidate, &a.scenario),
    })
}

fn side(policy: &PolicyScenario, base_seed: u64) -> Side {
    Side {
        label: policy.file.clone(),
        scenario_name: policy.scenario.name.clone(),
        hash: policy.hash,
        routesim_version: ROUTESIM_VERSION.to_string(),
        base_seed,
    }
}

/// Which file each part of a comparison came from, for messages.
#[derive(Clone, Copy)]
struct Labels<'a> {
    guards: &'a str,
    baseline: &'a str,
    candidate: &'a str,
}

/// The guards resolved against the candidate's results, keeping those the baseline has too.
/// A guard that names an entity the baseline lacks is an error (the baseline does not fit);
/// an entity reached only through a scope-wide guard and present on one side is a note.
fn guards_on_both(
    guards: &[Guard],
    labels: Labels<'_>,
    baseline: &Samples,
    candidate: &Samples,
) -> Result<(Vec<ResolvedGuard>, Vec<String>), CheckError> {
    let mut notes = Vec::new();
    let resolved = resolve_guards(guards, candidate).map_err(|issues| ConfigError::Invalid {
        file: labels.guards.to_string(),
        issues,
    })?;
    let mut kept = Vec::new();
    for guard in resolved {
        if baseline.contains(&guard.key) {
            kept.push(guard);
            continue;
        }
        let named = guards.iter().position(|g| {
            g.origin == GuardOrigin::Written
                && g.scope == guard.key.scope
                && guard.key.measure == g.measure
                && g.name.as_deref() == Some(&guard.key.name)
        });
        match named {
            Some(idx) => {
                return Err(BaselineError {
                    file: labels.baseline.to_string(),
                    line: None,
                    message: format!(
                        "has no values for {}, which check.guard[{idx}] guards: make the baseline again from a scenario that has it",
                        guard.key
                    ),
                }
                .into())
            }
            None => notes.push(format!("{}: only in {}, not compared", guard.key, labels.candidate)),
        }
    }
    // A default guard naming an entity the candidate lacks was skipped: say so if the
    // baseline has it.
    for guard in guards.iter().filter(|g| g.origin == GuardOrigin::Default) {
        let Some(name) = &guard.name else { continue };
        let key = MeasureKey {
            scope: guard.scope,
            name: Text::copy_of(name),
            measure: Text::copy_of(&guard.measure),
        };
        if baseline.contains(&key) && !candidate.contains(&key) {
            notes.push(format!("{key}: only in {}, not compared", labels.baseline));
        }
    }
    for guard in guards.iter().filter(|g| g.name.is_none()) {
        // A scope-wide guard that compares nothing would pass silently (e.g. a baseline from a
        // routesim that did not have the measure yet).
        if !kept
            .iter()
            .any(|k| k.key.scope == guard.scope && k.key.measure == guard.measure)
        {
            return Err(BaselineError {
                file: labels.baseline.to_string(),
                line: None,
                message: format!(
                    "has no values for any {} {}, which a guard asks for: make the baseline again with this routesim",
                    guard.scope, guard.measure
                ),
            }
            .into());
        }
        for key in baseline
            .keys()
            .iter()
            .filter(|k| k.scope == guard.scope && k.measure == guard.measure)
        {
            let note = format!("{key}: only in {}, not compared", labels.baseline);
            if !candidate.contains(key) && !notes.contains(&note) {
                notes.push(note);
            }
        }
    }
    Ok((kept, notes))
}
