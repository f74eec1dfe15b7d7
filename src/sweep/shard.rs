//! Shards: shard I of N runs points I, I + N, I + 2N, … of the plan. The shard comes from
//! `--shard I/N`, or else from the scheduler: Slurm job arrays (`SLURM_ARRAY_TASK_ID`, less
//! `SLURM_ARRAY_TASK_MIN`, of `SLURM_ARRAY_TASK_COUNT`) or Kubernetes Indexed Jobs
//! (`JOB_COMPLETION_INDEX` of `PARTNERSIM_SHARD_COUNT`).

use std::fmt;

use super::error::SweepError;

/// Shard `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// This shard's number, from 0 and below `count`: it runs points `index`, `index + count`, ….
    pub index: u64,
    /// How many shards the plan is split into, at least 1; 1 is the whole plan.
    pub count: u64,
}

/// Where a shard came from, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardSource {
    /// `--shard I/N` on the command line, which overrides the scheduler's variables.
    Flag,
    /// A Slurm job array: `SLURM_ARRAY_TASK_ID` less `SLURM_ARRAY_TASK_MIN`, of
    /// `SLURM_ARRAY_TASK_COUNT`.
    Slurm,
    /// A Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` of `PARTNERSIM_SHARD_COUNT`.
    Kubernetes,
    /// Neither flag nor scheduler variables: the whole plan ([`Shard::ALL`]).
    None,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The whole plan.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Parses `I/N` with 0 ≤ I < N.
    pub fn parse(text: &str) -> Result<Shard, SweepError> {
        let bad = || {
            SweepError::Shard(format!(
                "`{text}` is not a shard: write I/N with 0 ≤ I < N, e.g. --shard 0/4"
            ))
        };
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = i.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The shard given by the scheduler's environment, read through `var`.
    pub fn from_env_with(
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<(Shard, ShardSource), SweepError> {
        let num = |name: &str| -> Result<Option<u64>, SweepError> {
            match var(name) {
                None => Ok(None),
                Some(v) if v.trim().is_empty() => Ok(None),
                Some(v) => v.trim().parse().map(Some).map_err(|_| {
                    SweepError::Shard(format!("{name}={v} is not a non-negative integer"))
                }),
            }
        };
        if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
            let count = num("SLURM_ARRAY_TASK_COUNT")?.ok_or_else(|| {
                SweepError::Shard("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; submit the array as --array=0-(N-1) or pass --shard I/N".into())
            })?;
            let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let index = id.checked_sub(min).filter(|i| *i < count).ok_or_else(|| {
                SweepError::Shard(format!(
                    "SLURM_ARRAY_TASK_ID={id} (minimum {min}) is not a shard of {count}: submit the array as a contiguous range such as --array=0-{}",
                    count.saturating_sub(1)
                ))
            })?;
            return Ok((Shard { index, count }, ShardSource::Slurm));
        }
        if let Some(index) = num("JOB_COMPLETION_INDEX")? {
            let count = num("PARTNERSIM_SHARD_COUNT")?.ok_or_else(|| {
                SweepError::Shard("JOB_COMPLETION_INDEX is set but PARTNERSIM_SHARD_COUNT is not: set it to the Job's completions".into())
            })?;
            if count == 0 || index >= count {
                return Err(SweepError::Shard(format!(
                    "JOB_COMPLETION_INDEX={index} is not a shard of PARTNERSIM_SHARD_COUNT={count}"
                )));
            }
            return Ok((Shard { index, count }, ShardSource::Kubernetes));
        }
        Ok((Shard::ALL, ShardSource::None))
    }

    /// The shard from `--shard` when given, else from the process environment.
    pub fn resolve(flag: Option<&str>) -> Result<(Shard, ShardSource), SweepError> {
        match flag {
            Some(text) => Ok((Shard::parse(text)?, ShardSource::Flag)),
            None => Shard::from_env_with(|name| std::env::var(name).ok()),
        }
    }

    /// The point indices of this shard out of `total`, in order.
    pub fn indices(&self, total: u64) -> impl Iterator<Item = u64> + use<> {
        (self.index..total).step_by(self.count as usize)
    }

    /// How many points of `total` this shard runs.
    pub fn len(&self, total: u64) -> u64 {
        total.saturating_sub(self.index).div_ceil(self.count)
    }

    /// True when this shard has no points of `total`.
    pub fn is_empty(&self, total: u64) -> bool {
        self.len(total) == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flags() {
        assert_eq!(Shard::parse("2/5").unwrap(), Shard { index: 2, count: 5 });
        for bad in ["5/5", "1/0", "x/2", "3", "-1/4"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_slurm_and_kubernetes_variables() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let (s, src) = Shard::from_env_with(env(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_MIN", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ]))
        .unwrap();
        assert_eq!((s, src), (Shard { index: 1, count: 3 }, ShardSource::Slurm));
        let (s, src) = Shard::from_env_with(env(&[
            ("JOB_COMPLETION_INDEX", "0"),
            ("PARTNERSIM_SHARD_COUNT", "2"),
        ]))
        .unwrap();
        assert_eq!(
            (s, src),
            (Shard { index: 0, count: 2 }, ShardSource::Kubernetes)
        );
        assert!(Shard::from_env_with(env(&[("JOB_COMPLETION_INDEX", "0")])).is_err());
        assert_eq!(Shard::from_env_with(env(&[])).unwrap().0, Shard::ALL);
    }

    #[test]
    fn shards_partition_the_plan() {
        for total in [0u64, 1, 7, 30] {
            for count in 1..5 {
                let mut all: Vec<u64> = (0..count)
                    .flat_map(|index| Shard { index, count }.indices(total))
                    .collect();
                all.sort();
                assert_eq!(all, (0..total).collect::<Vec<_>>());
                let lens: u64 = (0..count)
                    .map(|index| Shard { index, count }.len(total))
                    .sum();
                assert_eq!(lens, total);
            }
        }
    }
}
