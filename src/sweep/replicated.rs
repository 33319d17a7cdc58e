//! One scenario run several times on common-random-number seeds (`routesim run
//! --replications R`), with every summary, interval and agent figure as a mean and a 95%
//! Student t interval over the replications, in the shape of one run's results so that the
//! reports and charts of a run read it unchanged.

use crate::metrics::{self, IntervalRow, MeasureRow, RowAt, RowValues, RunResults, Scope};
use crate::model::Scenario;

use super::confidence::Estimate;
use super::{replication_seed, run_replications_keeping, ReplicationError, Threads};

/// The figures of R replications of one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicatedRun {
    /// How many replications the figures rest on (1: a single run, no intervals).
    pub replications: u32,
    /// The base seed: replication r ran with `replication_seed(base_seed, r)`.
    pub base_seed: u64,
    /// The means over the replications, as one run's rows (its `seed` is the base seed). The
    /// wait distribution is the first replication's: it is drawn, not tabulated.
    pub mean: RunResults,
    /// The estimate of each row of `mean.summary`, in the same order.
    pub summary: Vec<Estimate>,
    /// The estimate of each row of `mean.intervals`, in the same order.
    pub intervals: Vec<Estimate>,
    /// The estimate of each row of `mean.agents`, in the same order.
    pub agents: Vec<Estimate>,
}

impl ReplicatedRun {
    /// Runs `replications` replications of `scenario` from `base_seed`, in parallel. One
    /// replication runs with `base_seed` itself, exactly as `routesim run` without the option.
    /// A replication that made no progress is an error naming it.
    pub fn run(
        scenario: &Scenario,
        base_seed: u64,
        replications: u32,
        threads: Threads,
    ) -> Result<ReplicatedRun, ReplicationError> {
        // Of each run only its values are kept as it ends (and the first run whole, for the
        // rows' labels): R runs of fine intervals hold R x 8 bytes a row, not R full results,
        // and the runs after the first do not form their interval rows at all.
        let kept = run_replications_keeping(base_seed, replications.max(1), threads, |r, seed| {
            if r == 0 {
                metrics::try_run(scenario, seed).map(|run| (RowValues::of(&run), Some(run)))
            } else {
                metrics::try_run_values(scenario, seed).map(|values| (values, None))
            }
        })?;
        let mut first = None;
        let values: Vec<RowValues> = kept
            .into_iter()
            .map(|(values, run)| {
                if run.is_some() {
                    first = run;
                }
                values
            })
            .collect();
        let first = first.expect("at least one replication");
        debug_assert_eq!(first.seed, replication_seed(base_seed, 0));
        Ok(ReplicatedRun::of_values(first, &values, base_seed))
    }

    /// A single run: every estimate rests on one value and has no interval.
    pub fn single(results: RunResults) -> ReplicatedRun {
        let one = |rows: &[MeasureRow]| rows.iter().map(|r| Estimate::of([r.value])).collect();
        ReplicatedRun {
            replications: 1,
            base_seed: results.seed,
            summary: one(&results.summary),
            intervals: results
                .intervals
                .iter()
                .map(|r| Estimate::of([r.row.value]))
                .collect(),
            agents: one(&results.agents),
            mean: results,
        }
    }

    /// The figures of `runs`, replications of one scenario (their rows come in the same order,
    /// which the collector guarantees: it lays rows out by the scenario, not by events).
    pub fn of_runs(runs: Vec<RunResults>, base_seed: u64) -> ReplicatedRun {
        let values: Vec<RowValues> = runs.iter().map(RowValues::of).collect();
        let first = runs.into_iter().next().expect("at least one replication");
        ReplicatedRun::of_values(first, &values, base_seed)
    }

    /// The figures of replications whose values are `values` (replication order), the first
    /// of which is `first`, whose rows give the labels.
    fn of_values(first: RunResults, values: &[RowValues], base_seed: u64) -> ReplicatedRun {
        if values.len() == 1 {
            let mut single = ReplicatedRun::single(first);
            single.base_seed = base_seed;
            return single;
        }
        // Each interval is cut to its measure's range (a share's to 0..=1).
        let estimate = |measure: &str, value_of: &dyn Fn(&RowValues) -> f64| -> Estimate {
            Estimate::of_measure(measure, values.iter().map(value_of))
        };
        let summary: Vec<Estimate> = (0..first.summary.len())
            .map(|i| estimate(&first.summary[i].measure, &|r| r.summary[i]))
            .collect();
        let intervals: Vec<Estimate> = (0..first.intervals.len())
            .map(|i| estimate(&first.intervals[i].row.measure, &|r| r.intervals[i]))
            .collect();
        let agents: Vec<Estimate> = (0..first.agents.len())
            .map(|i| estimate(&first.agents[i].measure, &|r| r.agents[i]))
            .collect();
        let replications = values.len() as u32;
        let mut mean = first;
        mean.seed = base_seed;
        for (row, e) in mean.summary.iter_mut().zip(&summary) {
            row.value = e.mean;
        }
        for (IntervalRow { row, .. }, e) in mean.intervals.iter_mut().zip(&intervals) {
            row.value = e.mean;
        }
        for (row, e) in mean.agents.iter_mut().zip(&agents) {
            row.value = e.mean;
        }
        ReplicatedRun {
            replications,
            base_seed,
            mean,
            summary,
            intervals,
            agents,
        }
    }

    /// Whether the figures carry intervals (two replications or more).
    pub fn has_intervals(&self) -> bool {
        self.replications > 1
    }

    /// The estimate of one summary or agent measure.
    pub fn estimate(&self, scope: Scope, name: &str, measure: &str) -> Option<Estimate> {
        Some(match self.mean.locate(scope, name, measure)? {
            RowAt::Summary(i) => self.summary[i],
            RowAt::Agents(i) => self.agents[i],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results(seed: u64, values: [f64; 2]) -> RunResults {
        let row = |measure: &str, value| MeasureRow {
            scope: Scope::Overall,
            name: "all".into(),
            measure: crate::metrics::Text::copy_of(measure),
            value,
        };
        RunResults {
            scenario: "s".into(),
            seed,
            horizon_s: 3600.0,
            warm_up_s: 0.0,
            interval_s: 900.0,
            summary: vec![row("offered", values[0]), row("asa_s", values[1])],
            intervals: vec![IntervalRow {
                day: None,
                interval: 0,
                start_s: 0,
                row: row("offered", values[0] / 4.0),
            }],
            agents: vec![],
            wait_distribution: vec![],
            index: Default::default(),
        }
    }

    #[test]
    fn every_row_becomes_the_mean_of_its_replications_with_its_interval() {
        let runs = vec![
            results(11, [10.0, f64::NAN]),
            results(12, [14.0, 3.0]),
            results(13, [12.0, 5.0]),
        ];
        let replicated = ReplicatedRun::of_runs(runs, 11);
        assert_eq!(replicated.replications, 3);
        assert_eq!(replicated.mean.seed, 11);
        assert_eq!(replicated.mean.summary[0].value, 12.0);
        // The undefined value is left out: the mean of 3 and 5, on n = 2.
        assert_eq!(replicated.mean.summary[1].value, 4.0);
        assert_eq!(replicated.summary[1].n, 2);
        assert_eq!(replicated.mean.intervals[0].row.value, 3.0);
        // sd of (10, 14, 12) is 2; t(0.975, 2) = 4.303; half-width 4.303 * 2 / sqrt(3).
        let half = replicated.summary[0].half_width();
        assert!(
            (half - 4.302_653 * 2.0 / 3f64.sqrt()).abs() < 1e-4,
            "{half}"
        );
        assert_eq!(
            replicated.estimate(Scope::Overall, "all", "offered"),
            Some(replicated.summary[0])
        );
    }

    /// Two replications give a t interval of 12.7 standard errors: a share of 1.0 and 0.8
    /// would reach from -0.37 to 2.17, and a speed of answer of 1 s and 9 s below zero. Each is
    /// cut to its measure's range; the mean stays.
    #[test]
    fn intervals_are_cut_to_the_range_of_their_measure() {
        let run = |seed, share: f64, asa: f64| {
            let mut r = results(seed, [10.0, asa]);
            r.summary[0].measure = crate::metrics::Text::copy_of("service_level_20s_of_offered");
            r.summary[0].value = share;
            r.intervals[0].row.measure = crate::metrics::Text::copy_of("abandon_rate");
            r.intervals[0].row.value = 1.0 - share;
            r
        };
        let replicated = ReplicatedRun::of_runs(vec![run(1, 1.0, 1.0), run(2, 0.8, 9.0)], 1);
        let share = replicated.summary[0];
        assert!((share.mean - 0.9).abs() < 1e-12);
        assert_eq!((share.ci95_low, share.ci95_high), (0.0, 1.0));
        let asa = replicated.summary[1];
        assert_eq!(asa.mean, 5.0);
        assert_eq!(asa.ci95_low, 0.0);
        assert!(asa.ci95_high > 50.0, "{asa:?}");
        let abandon = replicated.intervals[0];
        assert_eq!((abandon.ci95_low, abandon.ci95_high), (0.0, 1.0));
    }

    #[test]
    fn a_single_run_keeps_its_values_and_has_no_interval() {
        let replicated = ReplicatedRun::of_runs(vec![results(5, [10.0, 2.0])], 5);
        assert!(!replicated.has_intervals());
        assert_eq!(replicated.mean, results(5, [10.0, 2.0]));
        assert!(replicated.summary[0].ci95_low.is_nan());
    }
}
