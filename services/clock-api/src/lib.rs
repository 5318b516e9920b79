//! weft-clock-api — the wall clock.
//!
//! A real-time clock driver answers `weft.clock` with the time of day; the
//! monotonic clock (`weft_rt::now`) stays the one for timeouts and
//! intervals. Readers ask once and add monotonic time from then on.
#![no_std]

extern crate alloc;

use alloc::string::String;
use serde::{Deserialize, Serialize};
use weft_ipc::Protocol;

/// The wall-clock protocol.
pub enum ClockProtocol {}

impl Protocol for ClockProtocol {
    const NAME: &'static str = "weft.clock";
    const VERSION: u16 = 1;
    type Request = ClockRequest;
    type Response = ClockResponse;
    type Event = ();
}

/// Requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClockRequest {
    /// The time now.
    Now,
}

/// Responses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClockResponse {
    /// The time now.
    Now {
        /// Milliseconds since 1970-01-01 00:00 UTC.
        unix_ms: i64,
        /// The monotonic clock (ns since boot) when it was read.
        monotonic_ns: u64,
    },
    /// The clock could not be read.
    Error(String),
}
