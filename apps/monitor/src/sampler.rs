//! Turning status snapshots into rates: CPU use per process from the
//! change of its CPU time between two samples.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use weft_status_api::{ProcessInfo, SystemInfo};

/// A process with its CPU use over the last interval.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessSample {
    /// What the status service reported.
    pub info: ProcessInfo,
    /// CPU time used per wall time over the last interval, in percent of
    /// one CPU (`None` for a process first seen in this sample).
    pub cpu: Option<f32>,
}

/// One sample of the whole system.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// System figures.
    pub system: SystemInfo,
    /// Every process, in the order reported.
    pub processes: Vec<ProcessSample>,
    /// Sum of the processes' CPU use, percent of one CPU (`None` for the
    /// first sample, which has nothing to compare with).
    pub cpu: Option<f32>,
}

/// Remembers the previous sample's CPU times.
#[derive(Clone, Debug, Default)]
pub struct Sampler {
    previous: Option<(u64, BTreeMap<u64, u64>)>,
}

impl Sampler {
    /// A sampler with no history.
    pub fn new() -> Sampler {
        Sampler::default()
    }

    /// Combines a new snapshot with the previous one.
    pub fn sample(&mut self, system: SystemInfo, processes: Vec<ProcessInfo>) -> Sample {
        let now = system.uptime;
        let times: BTreeMap<u64, u64> =
            processes.iter().map(|process| (process.koid, process.cpu_time)).collect();
        let previous = self.previous.replace((now, times));
        let elapsed = previous.as_ref().map_or(0, |(then, _)| now.saturating_sub(*then));
        let processes: Vec<ProcessSample> = processes
            .into_iter()
            .map(|info| {
                let cpu = previous.as_ref().filter(|_| elapsed > 0).and_then(|(_, times)| {
                    let before = *times.get(&info.koid)?;
                    Some(info.cpu_time.saturating_sub(before) as f32 * 100.0 / elapsed as f32)
                });
                ProcessSample { info, cpu }
            })
            .collect();
        let cpu = (previous.is_some() && elapsed > 0)
            .then(|| processes.iter().filter_map(|process| process.cpu).sum());
        Sample { system, processes, cpu }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;

    fn process(koid: u64, cpu_time: u64) -> ProcessInfo {
        ProcessInfo {
            koid,
            name: String::from("p"),
            principal: 1,
            state: String::from("running"),
            threads: 1,
            handles: 1,
            mapped_bytes: 0,
            cpu_time,
            created_at: 0,
        }
    }

    fn at(uptime: u64) -> SystemInfo {
        SystemInfo { uptime, ..SystemInfo::default() }
    }

    #[test]
    fn cpu_comes_from_the_change_in_cpu_time() {
        let mut sampler = Sampler::new();
        let first = sampler.sample(at(1_000_000_000), alloc::vec![process(1, 100), process(2, 0)]);
        assert_eq!(first.cpu, None);
        assert!(first.processes.iter().all(|process| process.cpu.is_none()));
        // One second later: process 1 used a quarter second, process 2 half.
        let second = sampler.sample(
            at(2_000_000_000),
            alloc::vec![process(1, 250_000_100), process(2, 500_000_000), process(3, 9)],
        );
        assert_eq!(second.processes[0].cpu, Some(25.0));
        assert_eq!(second.processes[1].cpu, Some(50.0));
        assert_eq!(second.processes[2].cpu, None, "new processes have no rate yet");
        assert_eq!(second.cpu, Some(75.0));
    }
}
