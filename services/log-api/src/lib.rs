//! weft-log-api — reading what every program logged.
//!
//! Programs write records through `weft.log.sink` (defined in `weft-ipc`,
//! part of every program's runtime). Tools read them here, through
//! `weft.log.reader`: page through stored entries, filter by level and
//! source, and follow new ones as events. Every entry names its source as
//! the root manager and the kernel identified it, not as the program
//! claimed.
#![no_std]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use weft_ipc::Protocol;

/// The reader protocol.
pub enum LogReaderProtocol {}

impl Protocol for LogReaderProtocol {
    const NAME: &'static str = "weft.log.reader";
    const VERSION: u16 = 1;
    type Request = ReaderRequest;
    type Response = ReaderResponse;
    type Event = ReaderEvent;
}

/// One stored record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the log; increases by one per record.
    pub sequence: u64,
    /// When the sender logged it (monotonic ns).
    pub time: u64,
    /// 1 error, 2 warn, 3 info, 4 debug.
    pub level: u8,
    /// The sending service's name (from the root manager's routing).
    pub source: String,
    /// The sending process's principal (stamped by the kernel).
    pub principal: u64,
    /// The sending process's koid (stamped by the kernel).
    pub koid: u64,
    /// Module or subsystem, as the sender said.
    pub target: String,
    /// The text.
    pub message: String,
}

/// Which entries to return.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    /// Only entries at this level or more severe (0 = all).
    pub max_level: u8,
    /// Only entries from this source.
    pub source: Option<String>,
}

impl Filter {
    /// Whether `entry` passes.
    pub fn accepts(&self, entry: &Entry) -> bool {
        (self.max_level == 0 || entry.level <= self.max_level)
            && self.source.as_ref().is_none_or(|source| source == &entry.source)
    }
}

/// Requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReaderRequest {
    /// Entries with sequence > `after`, oldest first, at most `max`.
    Read {
        /// Start after this sequence (0: from the oldest kept).
        after: u64,
        /// Most entries to return.
        max: u32,
        /// Which entries.
        filter: Filter,
    },
    /// Send new entries passing `filter` as events from now on.
    Follow {
        /// Which entries.
        filter: Filter,
    },
}

/// Answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReaderResponse {
    /// A page of entries.
    Entries {
        /// The entries.
        entries: Vec<Entry>,
        /// Pass as `after` to continue.
        next: u64,
        /// Entries already overwritten before `after` could reach them.
        lost: u64,
    },
    /// Following.
    Following,
}

/// Events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReaderEvent {
    /// New entries.
    Appended(Vec<Entry>),
}
