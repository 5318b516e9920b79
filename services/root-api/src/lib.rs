//! weft-root-api — talking to the root manager about the service graph.
//!
//! The root manager serves `weft.root` to services whose manifests use it:
//! the status of every service, start/stop/restart (with the `manage`
//! grant), who a principal is, and a stream of changes.
#![no_std]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use weft_ipc::Protocol;

/// The root manager's protocol.
pub enum RootProtocol {}

impl Protocol for RootProtocol {
    const NAME: &'static str = "weft.root";
    const VERSION: u16 = 1;
    type Request = RootRequest;
    type Response = RootResponse;
    type Event = RootEvent;
}

/// Where a service is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceState {
    /// Waiting for the services it depends on.
    Waiting,
    /// Started; not yet serving what it exposes.
    Starting,
    /// Serving.
    Running,
    /// Ended; will be started again after a back-off delay.
    Restarting,
    /// Ended and stays down (policy, or stopped by request).
    Stopped,
    /// Could not be started (bad image, broken route).
    Failed,
    /// Starts on demand (an app); not running now.
    Idle,
}

impl ServiceState {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            ServiceState::Waiting => "waiting",
            ServiceState::Starting => "starting",
            ServiceState::Running => "running",
            ServiceState::Restarting => "restarting",
            ServiceState::Stopped => "stopped",
            ServiceState::Failed => "failed",
            ServiceState::Idle => "idle",
        }
    }
}

/// How a service last ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Exit {
    /// It returned this code.
    Code(i32),
    /// It was killed (a fault, or by request).
    Killed,
}

/// One service's status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceStatus {
    /// Name in the graph.
    pub name: String,
    /// One line for people.
    pub description: String,
    /// Current state.
    pub state: ServiceState,
    /// Koid of the current process (0 if none).
    pub koid: u64,
    /// Its principal.
    pub principal: u64,
    /// Times it has been restarted.
    pub restarts: u32,
    /// When the current process started (monotonic ns; 0 if none).
    pub started_at: u64,
    /// How it last ended.
    pub last_exit: Option<Exit>,
    /// Why it is waiting or failed, for people.
    pub detail: String,
}

/// Requests to the root manager.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RootRequest {
    /// Every service's status.
    Services,
    /// Receive [`RootEvent::Changed`] on this connection from now on.
    Subscribe,
    /// Restart a service (needs `manage`).
    Restart {
        /// Service name.
        name: String,
    },
    /// Stop a service and keep it down (needs `manage`).
    Stop {
        /// Service name.
        name: String,
    },
    /// Start a stopped service (needs `manage`).
    Start {
        /// Service name.
        name: String,
    },
    /// Which service a principal belongs to.
    Lookup {
        /// The principal.
        principal: u64,
    },
    /// Every app (on-demand service with a launcher entry).
    Apps,
    /// Start an app if it is not running (needs `launch` or `manage`).
    Launch {
        /// Service name.
        name: String,
    },
}

/// An app as the launcher shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppEntry {
    /// Service name (what `Launch` takes).
    pub name: String,
    /// The name people see.
    pub title: String,
    /// Icon name.
    pub icon: String,
    /// Launcher category.
    pub category: String,
    /// Extra search words.
    pub keywords: Vec<String>,
    /// Whether it runs now.
    pub running: bool,
}

/// Answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RootResponse {
    /// Statuses.
    Services(Vec<ServiceStatus>),
    /// Done.
    Ok,
    /// A name.
    Name(String),
    /// Apps.
    Apps(Vec<AppEntry>),
    /// Refused.
    Error(RootError),
}

/// Why a request was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RootError {
    /// No such service or principal.
    NotFound,
    /// The route lacks the `manage` grant.
    Denied,
    /// The request does not apply in the service's state.
    BadState(String),
}

/// News from the root manager.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RootEvent {
    /// A service's status changed.
    Changed(ServiceStatus),
}
