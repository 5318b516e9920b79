//! What the shell runs against: the system's files, status and log.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use weft_app_support::FileTree;
use weft_app_support::status::StatusError;
use weft_log_api::{Entry, Filter};
use weft_status_api::{ProcessInfo, ServiceStatus, SystemInfo};

/// Why the shell could not get what a command needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostError {
    /// The terminal's manifest does not route this protocol.
    NotRouted(&'static str),
    /// The service could not be reached.
    Unavailable(String),
    /// The service refused, with its reason.
    Refused(String),
}

impl fmt::Display for HostError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostError::NotRouted(protocol) => write!(formatter, "this terminal has no route to {protocol}"),
            HostError::Unavailable(why) => write!(formatter, "service unavailable: {why}"),
            HostError::Refused(why) => formatter.write_str(why),
        }
    }
}

impl From<StatusError> for HostError {
    fn from(error: StatusError) -> HostError {
        match error {
            StatusError::NotRouted => HostError::NotRouted("weft.status"),
            StatusError::Unavailable(why) => HostError::Unavailable(why),
            StatusError::Refused(why) => HostError::Refused(why),
        }
    }
}

/// A page of log entries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogPage {
    /// Entries, oldest first.
    pub entries: Vec<Entry>,
    /// Pass as `after` to read on.
    pub next: u64,
    /// Entries overwritten before they could be read.
    pub lost: u64,
}

/// The system as the shell sees it. [`crate::ServiceHost`] is the real
/// one; tests may bring their own.
pub trait Host {
    /// The boot bundle's read-only files.
    fn files(&self) -> &FileTree;
    /// The writable store, if the terminal has a storage capability.
    fn storage(&mut self) -> Option<&mut dyn crate::fs::Storage> {
        None
    }
    /// The network (`weft.net`), if the terminal has a route to it.
    fn net(&mut self) -> Result<&weft_net_api::Net, HostError> {
        Err(HostError::NotRouted("weft.net"))
    }
    /// The monotonic clock, nanoseconds (service start times use it).
    fn now(&self) -> u64;
    /// Every process.
    fn processes(&mut self) -> Result<Vec<ProcessInfo>, HostError>;
    /// Every service.
    fn services(&mut self) -> Result<Vec<ServiceStatus>, HostError>;
    /// System figures.
    fn system(&mut self) -> Result<SystemInfo, HostError>;
    /// Restart a service.
    fn restart(&mut self, name: &str) -> Result<(), HostError>;
    /// Log entries after sequence `after` passing `filter`, oldest first.
    fn read_log(&mut self, after: u64, max: u32, filter: &Filter) -> Result<LogPage, HostError>;
    /// Start receiving new entries passing `filter`.
    fn follow_log(&mut self, filter: &Filter) -> Result<(), HostError>;
    /// Entries that arrived while following (never waits).
    fn poll_log(&mut self) -> Result<Vec<Entry>, HostError>;
    /// Stop following.
    fn stop_log(&mut self);
}
