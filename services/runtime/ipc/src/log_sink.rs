//! The log sink protocol: how every program's records reach the log
//! service.

use alloc::string::String;
use serde::{Deserialize, Serialize};
use weft_rt::log::{Level, LogSink};

use crate::Protocol;
use crate::client::Client;

/// Programs write records; the log service reads them.
pub enum LogSinkProtocol {}

impl Protocol for LogSinkProtocol {
    const NAME: &'static str = "weft.log.sink";
    const VERSION: u16 = 1;
    type Request = Record;
    type Response = ();
    type Event = ();
}

/// One log record as a program sends it. The log service adds who sent it
/// from the kernel's stamp, never from these fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// `Level` as a number (1 error .. 4 debug).
    pub level: u8,
    /// Sender's monotonic time in nanoseconds.
    pub time: u64,
    /// Module or subsystem.
    pub target: String,
    /// The text.
    pub message: String,
}

/// A [`LogSink`] that sends records to the log service without ever
/// blocking: a full queue drops the record (and the runtime falls back to
/// the kernel debug log).
pub struct ChannelSink {
    client: Client<LogSinkProtocol>,
}

impl ChannelSink {
    /// Send records over `client`.
    pub fn new(client: Client<LogSinkProtocol>) -> ChannelSink {
        ChannelSink { client }
    }
}

impl LogSink for ChannelSink {
    fn write(&self, level: Level, target: &str, message: &str) -> bool {
        let record = Record {
            level: level as u8,
            time: weft_rt::now(),
            target: String::from(target),
            message: String::from(message),
        };
        self.client.send(&record).is_ok()
    }
}
