//! One service's runtime state.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;
use weft_abi::Instant;
use weft_ipc::namespace::NamespaceProtocol;
use weft_ipc::{ClientInfo, Connection};
use weft_manifest::Manifest;
use weft_root_api::{Exit, ServiceState, ServiceStatus};
use weft_rt::{Channel, Key, Process};

/// The first restart waits this long; each quick failure doubles it.
pub const BACKOFF_FIRST: Duration = Duration::from_millis(100);
/// The longest wait between restarts.
pub const BACKOFF_MAX: Duration = Duration::from_secs(10);
/// A service that ran this long is considered healthy again.
pub const HEALTHY_AFTER: Duration = Duration::from_secs(30);
/// Most connections held for a service that is not running.
pub const PENDING_MAX: usize = 256;

/// A connection waiting for its provider to run.
pub struct Pending {
    pub protocol: String,
    pub client: ClientInfo,
    pub channel: Channel,
}

/// A running process of a service.
pub struct Running {
    pub process: Process,
    pub koid: u64,
    pub namespace: Connection<NamespaceProtocol>,
    pub namespace_key: Key,
    pub process_key: Key,
    pub started_at: Instant,
}

/// A service in the graph.
pub struct Instance {
    pub manifest: Manifest,
    pub principal: u64,
    pub state: ServiceState,
    pub running: Option<Running>,
    pub restarts: u32,
    pub quick_failures: u32,
    pub restart_at: Option<Instant>,
    pub last_exit: Option<Exit>,
    pub detail: String,
    pub pending: Vec<Pending>,
    /// Stopped by request: stays down until started by request.
    pub held_down: bool,
}

impl Instance {
    pub fn new(manifest: Manifest, principal: u64) -> Instance {
        let state = if manifest.start == weft_manifest::Start::OnDemand {
            ServiceState::Idle
        } else {
            ServiceState::Waiting
        };
        Instance {
            manifest,
            principal,
            state,
            running: None,
            restarts: 0,
            quick_failures: 0,
            restart_at: None,
            last_exit: None,
            detail: String::new(),
            pending: Vec::new(),
            held_down: false,
        }
    }

    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    pub fn status(&self) -> ServiceStatus {
        ServiceStatus {
            name: self.manifest.name.clone(),
            description: self.manifest.description.clone(),
            state: self.state,
            koid: self.running.as_ref().map_or(0, |r| r.koid),
            principal: self.principal,
            restarts: self.restarts,
            started_at: self.running.as_ref().map_or(0, |r| r.started_at),
            last_exit: self.last_exit.clone(),
            detail: self.detail.clone(),
        }
    }

    /// Whether it starts on demand.
    pub fn on_demand(&self) -> bool {
        self.manifest.start == weft_manifest::Start::OnDemand
    }

    /// Ask for an on-demand service to start (it starts once its
    /// dependencies serve). Returns whether it was idle.
    pub fn activate(&mut self) -> bool {
        let idle = matches!(self.state, ServiceState::Idle)
            || (self.on_demand()
                && matches!(self.state, ServiceState::Stopped | ServiceState::Failed)
                && !self.held_down);
        if idle {
            self.state = ServiceState::Waiting;
            self.detail.clear();
        }
        idle
    }

    /// The delay before the next restart, given how it has been failing.
    pub fn backoff(&self) -> Duration {
        let factor = 1u32 << self.quick_failures.min(7);
        (BACKOFF_FIRST * factor).min(BACKOFF_MAX)
    }
}
