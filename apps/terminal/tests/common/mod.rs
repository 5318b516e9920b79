//! A fixed, in-memory system for the terminal's headless tests.

use weft_app_support::FileTree;
use weft_log_api::{Entry, Filter};
use weft_opsh::{Host, HostError, LogPage};
use weft_status_api::{ProcessInfo, ServiceState, ServiceStatus, SystemInfo};

pub const SECOND: u64 = 1_000_000_000;

pub struct FixedHost {
    files: FileTree,
}

impl FixedHost {
    pub fn new() -> FixedHost {
        FixedHost {
            files: FileTree::new(vec![
                ("README.md".into(), b"# Weft\n\nA capability OS.\n".to_vec()),
                ("docs/architecture.md".into(), vec![b'a'; 9_300]),
                ("docs/protocols.md".into(), vec![b'p'; 4_100]),
                ("docs/toolkit.md".into(), vec![b't'; 12_800]),
            ]),
        }
    }
}

fn service(name: &str, description: &str, state: ServiceState, restarts: u32) -> ServiceStatus {
    ServiceStatus {
        name: name.into(),
        description: description.into(),
        state,
        koid: 10,
        principal: 17,
        restarts,
        started_at: 2 * SECOND,
        last_exit: None,
        detail: String::new(),
    }
}

impl Host for FixedHost {
    fn files(&self) -> &FileTree {
        &self.files
    }

    fn now(&self) -> u64 {
        754 * SECOND
    }

    fn processes(&mut self) -> Result<Vec<ProcessInfo>, HostError> {
        let process = |koid, name: &str, threads, memory: u64| ProcessInfo {
            koid,
            name: name.into(),
            principal: 16 + koid,
            state: "running".into(),
            threads,
            handles: 8 + threads * 3,
            mapped_bytes: memory,
            cpu_time: koid * 130_000_000,
            created_at: 0,
        };
        Ok(vec![
            process(2, "root", 3, 2 << 20),
            process(5, "log", 2, 1 << 20),
            process(8, "config", 2, 900 << 10),
            process(11, "status", 2, 700 << 10),
            process(14, "compositor", 4, 24 << 20),
            process(17, "terminal", 1, 6 << 20),
        ])
    }

    fn services(&mut self) -> Result<Vec<ServiceStatus>, HostError> {
        Ok(vec![
            service("log", "Stores and serves log records", ServiceState::Running, 0),
            service("config", "Typed settings with change notifications", ServiceState::Running, 0),
            service("status", "Reports services, processes and system figures", ServiceState::Running, 1),
            service("terminal", "A terminal running the operator shell", ServiceState::Running, 0),
        ])
    }

    fn system(&mut self) -> Result<SystemInfo, HostError> {
        Ok(SystemInfo {
            version: "0.1.0".into(),
            platform: "hosted".into(),
            uptime: 754 * SECOND,
            processes: 6,
            threads: 14,
            memory_used: 35 << 20,
            services_running: 4,
            services_total: 4,
            ..SystemInfo::default()
        })
    }

    fn restart(&mut self, _name: &str) -> Result<(), HostError> {
        Err(HostError::Refused("restarting services needs the manage grant".into()))
    }

    fn read_log(&mut self, _after: u64, _max: u32, _filter: &Filter) -> Result<LogPage, HostError> {
        Ok(LogPage::default())
    }

    fn follow_log(&mut self, _filter: &Filter) -> Result<(), HostError> {
        Ok(())
    }

    fn poll_log(&mut self) -> Result<Vec<Entry>, HostError> {
        Ok(Vec::new())
    }

    fn stop_log(&mut self) {}
}
