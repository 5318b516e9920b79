//! The IPC benchmark's server: answers every request on its bootstrap
//! channel with an empty reply carrying the same transaction id, until the
//! channel closes.

use weft_abi::{DEADLINE_INFINITE, Error, MessageInfo, Signals};
use weft_rt::sys;

/// The program's entry.
pub fn entry(bootstrap: u32) -> i32 {
    let mut bytes = [0u8; 64];
    let mut handles = [0u32; 4];
    loop {
        let mut info = MessageInfo::default();
        match sys::channel_read(bootstrap, &mut bytes, &mut handles, &mut info) {
            Ok(()) => {
                let length = (info.bytes as usize).min(bytes.len());
                if sys::channel_write(bootstrap, info.txid, &bytes[..length], &[]).is_err() {
                    return 0;
                }
            }
            Err(Error::ShouldWait) => {
                if sys::object_wait_one(
                    bootstrap,
                    Signals::READABLE | Signals::PEER_CLOSED,
                    DEADLINE_INFINITE,
                )
                .is_err()
                {
                    return 1;
                }
            }
            Err(_) => return 0,
        }
    }
}
