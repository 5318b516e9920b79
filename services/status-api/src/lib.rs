//! weft-status-api — what is running, for people and tools.
//!
//! The status service answers `weft.status`: the service graph's state
//! (from the root manager), every process (from the kernel), and system
//! figures (uptime, memory, counters). The terminal's `ps`, `svc` and
//! `uptime`, the monitor app and Settings' about page read it.
#![no_std]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use weft_ipc::Protocol;
pub use weft_root_api::{Exit, ServiceState, ServiceStatus};

/// The status protocol.
pub enum StatusProtocol {}

impl Protocol for StatusProtocol {
    const NAME: &'static str = "weft.status";
    const VERSION: u16 = 1;
    type Request = StatusRequest;
    type Response = StatusResponse;
    type Event = StatusEvent;
}

/// One process.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessInfo {
    /// Kernel object id.
    pub koid: u64,
    /// Name.
    pub name: String,
    /// Principal.
    pub principal: u64,
    /// `new`, `running`, `exited`, `killed`.
    pub state: String,
    /// Live threads.
    pub threads: u32,
    /// Handles held.
    pub handles: u32,
    /// Bytes mapped.
    pub mapped_bytes: u64,
    /// CPU time used (ns), where the kernel measures it.
    pub cpu_time: u64,
    /// When it was created (monotonic ns).
    pub created_at: u64,
}

/// System-wide figures.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemInfo {
    /// Weft version.
    pub version: String,
    /// What it runs on (`hosted`, `qemu-virt`, ...).
    pub platform: String,
    /// Nanoseconds since boot.
    pub uptime: u64,
    /// Live processes.
    pub processes: u64,
    /// Live threads.
    pub threads: u64,
    /// Live kernel objects.
    pub objects: u64,
    /// Bytes in memory objects.
    pub memory_used: u64,
    /// Memory the kernel manages (0 if unknown).
    pub memory_total: u64,
    /// System calls since boot.
    pub syscalls: u64,
    /// Messages since boot.
    pub messages: u64,
    /// Services running.
    pub services_running: u32,
    /// Services in the graph.
    pub services_total: u32,
}

/// Requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusRequest {
    /// Every service.
    Services,
    /// Every process.
    Processes,
    /// System figures.
    System,
    /// Restart a service (needs the `manage` grant).
    Restart {
        /// Service name.
        name: String,
    },
    /// Receive service changes as events.
    Subscribe,
}

/// Answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusResponse {
    /// Services.
    Services(Vec<ServiceStatus>),
    /// Processes.
    Processes(Vec<ProcessInfo>),
    /// Figures.
    System(SystemInfo),
    /// Done.
    Ok,
    /// Refused or failed, for people.
    Error(String),
}

/// Events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusEvent {
    /// A service changed.
    Service(ServiceStatus),
}
