//! The log service's own records: queued in-process, then stored by the
//! main loop (woken through its port).

use alloc::string::String;
use alloc::vec::Vec;
use weft_abi::{Error, Rights};
use weft_rt::Port;
use weft_rt::log::{Level, LogSink};

/// Most own records held between loop turns.
const QUEUE: usize = 256;

/// A sink that queues records for the service's own loop.
pub struct OwnSink {
    queue: spin::Mutex<Vec<(u8, String, String)>>,
    wake: Port,
}

impl OwnSink {
    pub fn new(port: &Port) -> Result<OwnSink, Error> {
        let wake = Port::from_handle(port.handle().duplicate(Rights::WRITE)?);
        Ok(OwnSink { queue: spin::Mutex::new(Vec::new()), wake })
    }

    pub fn take(&self) -> Vec<(u8, String, String)> {
        core::mem::take(&mut *self.queue.lock())
    }
}

impl LogSink for OwnSink {
    fn write(&self, level: Level, target: &str, message: &str) -> bool {
        let mut queue = self.queue.lock();
        if queue.len() >= QUEUE {
            return false;
        }
        queue.push((level as u8, String::from(target), String::from(message)));
        drop(queue);
        let _ = self.wake.queue(weft_rt::port::USER_KEYS, [0; 4]);
        true
    }
}
