//! Shards: which (point, replication) pairs one machine of a cluster runs. Shard K of N takes
//! the pairs whose index (point × replications + replication) is K modulo N, so each shard gets
//! a mix of cheap and expensive points. The index and count come from the command line or from
//! the array job of an existing scheduler (Slurm, Kubernetes); this is not a scheduler.

use std::fmt;

/// Shard `index` of `count` (0-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// The whole sweep on one machine.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    pub fn is_whole(&self) -> bool {
        self.count == 1
    }

    /// Whether this shard runs the pair with index `pair_index`.
    pub fn owns(&self, pair_index: usize) -> bool {
        pair_index % self.count as usize == self.index as usize
    }

    /// `K/N` with 0 <= K < N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let expected = || {
            format!("\"{text}\" is not a shard: expected K/N with 0 <= K < N (e.g. 0/4), or auto")
        };
        let (index, count) = text.split_once('/').ok_or_else(expected)?;
        let index: u32 = index.trim().parse().map_err(|_| expected())?;
        let count: u32 = count.trim().parse().map_err(|_| expected())?;
        if count == 0 || index >= count {
            return Err(expected());
        }
        Ok(Shard { index, count })
    }

    /// The shard of this task of an array job, from its environment: a Slurm array
    /// (`SLURM_ARRAY_TASK_ID` counted from `SLURM_ARRAY_TASK_MIN`, `SLURM_ARRAY_TASK_COUNT`) or a
    /// Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`, and the count in `ROUTESIM_SHARD_COUNT`
    /// because Kubernetes does not pass `completions` to the pod).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        let number = |name: &str| -> Result<Option<u32>, String> {
            match var(name) {
                None => Ok(None),
                Some(text) => text
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| format!("{name}={text} is not a whole number")),
            }
        };
        let (index, count, source) = if let Some(task) = number("SLURM_ARRAY_TASK_ID")? {
            let count = number("SLURM_ARRAY_TASK_COUNT")?
                .ok_or("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not")?;
            let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            // A stepped range (`--array=0-6:2`) numbers its tasks min, min + step, ...
            let step = number("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1);
            if step == 0 {
                return Err("SLURM_ARRAY_TASK_STEP=0 is not a step".into());
            }
            let offset = task
                .checked_sub(min)
                .ok_or("SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN")?;
            if offset % step != 0 {
                return Err(format!("SLURM_ARRAY_TASK_ID={task} is not SLURM_ARRAY_TASK_MIN={min} plus a multiple of SLURM_ARRAY_TASK_STEP={step}: use a range such as 0-3 or 0-6:2, not a list"));
            }
            let index = offset / step;
            (
                index,
                count,
                "the Slurm array (use one --array range such as 0-3 or 0-6:2, not a list)",
            )
        } else if let Some(index) = number("JOB_COMPLETION_INDEX")? {
            let count = number("ROUTESIM_SHARD_COUNT")?
                .ok_or("JOB_COMPLETION_INDEX is set but ROUTESIM_SHARD_COUNT is not (set it to the Job's completions)")?;
            (
                index,
                count,
                "the Kubernetes Indexed Job (ROUTESIM_SHARD_COUNT must equal completions)",
            )
        } else {
            return Err("--shard auto found no array job: expected SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (Slurm), or JOB_COMPLETION_INDEX and ROUTESIM_SHARD_COUNT (Kubernetes)".into());
        };
        if count == 0 || index >= count {
            return Err(format!("task {index} of {count} does not fit {source}"));
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        }
    }

    #[test]
    fn shards_split_the_pairs_without_overlap_or_gap() {
        let shards: Vec<Shard> = (0..4)
            .map(|k| Shard::parse(&format!("{k}/4")).unwrap())
            .collect();
        for pair in 0..103 {
            assert_eq!(
                shards.iter().filter(|s| s.owns(pair)).count(),
                1,
                "pair {pair}"
            );
        }
        assert!((0..10).all(|pair| Shard::WHOLE.owns(pair)));
    }

    #[test]
    fn bad_shard_texts_are_refused() {
        for text in ["4/4", "1/0", "1", "a/3", "-1/3", "1/3/5"] {
            assert!(Shard::parse(text).is_err(), "{text}");
        }
        assert_eq!(
            Shard::parse(" 2 / 3 ").unwrap(),
            Shard { index: 2, count: 3 }
        );
    }

    #[test]
    fn array_jobs_of_slurm_and_kubernetes_give_the_shard() {
        let slurm = [
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
        ];
        assert_eq!(
            Shard::from_env(env(&slurm)).unwrap(),
            Shard { index: 2, count: 4 }
        );
        let slurm_from_zero = [
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ];
        assert_eq!(
            Shard::from_env(env(&slurm_from_zero)).unwrap(),
            Shard { index: 3, count: 4 }
        );
        // --array=0-6:2: tasks 0, 2, 4, 6 are shards 0 to 3 of 4.
        for (task, index) in [("0", 0), ("2", 1), ("4", 2), ("6", 3)] {
            let stepped = [
                ("SLURM_ARRAY_TASK_ID", task),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
                ("SLURM_ARRAY_TASK_MIN", "0"),
                ("SLURM_ARRAY_TASK_STEP", "2"),
            ];
            assert_eq!(
                Shard::from_env(env(&stepped)).unwrap(),
                Shard { index, count: 4 },
                "task {task}"
            );
        }
        let off_step = [
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
        ];
        assert!(Shard::from_env(env(&off_step)).is_err());
        let kubernetes = [("JOB_COMPLETION_INDEX", "0"), ("ROUTESIM_SHARD_COUNT", "8")];
        assert_eq!(
            Shard::from_env(env(&kubernetes)).unwrap(),
            Shard { index: 0, count: 8 }
        );
        for broken in [
            &[][..],
            &[("JOB_COMPLETION_INDEX", "0")][..],
            &[
                ("SLURM_ARRAY_TASK_ID", "4"),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
            ][..],
            &[
                ("SLURM_ARRAY_TASK_ID", "x"),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
            ][..],
        ] {
            assert!(Shard::from_env(env(broken)).is_err(), "{broken:?}");
        }
    }
}
