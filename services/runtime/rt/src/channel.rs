//! Channels: bidirectional message pipes that carry bytes and handles.

use alloc::vec;
use alloc::vec::Vec;
use weft_abi::{Error, HandleValue, Koid, MessageInfo, Principal, Signals, limits};

use crate::handle::{Handle, handle_type};
use crate::sys;
use crate::time::Deadline;

handle_type!(
    /// One endpoint of a channel.
    Channel
);

/// Who sent a message, as the kernel recorded it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sender {
    /// Koid of the sending process.
    pub koid: Koid,
    /// Principal of the sending process.
    pub principal: Principal,
}

/// A received message.
#[derive(Debug)]
pub struct Message {
    /// Payload.
    pub bytes: Vec<u8>,
    /// Handles that travelled with it (now owned by this process).
    pub handles: Vec<Handle>,
    /// Sender identity, stamped by the kernel.
    pub sender: Sender,
    /// Transaction id (non-zero for a `call` request or its reply).
    pub txid: u32,
}

const FIRST_READ: usize = 4096;

fn raw_handles(handles: &[Handle]) -> Vec<HandleValue> {
    handles.iter().map(Handle::raw).collect()
}

impl Channel {
    /// A new channel: two connected endpoints.
    pub fn create() -> Result<(Channel, Channel), Error> {
        let (a, b) = sys::channel_create()?;
        Ok((Channel(Handle::from_raw(a)), Channel(Handle::from_raw(b))))
    }

    /// Send `bytes` and move `handles` to the other end. On failure the
    /// handles stay with the caller and are closed when dropped.
    pub fn write(&self, bytes: &[u8], handles: Vec<Handle>) -> Result<(), Error> {
        self.write_with_txid(0, bytes, handles)
    }

    /// Send a reply to the `call` whose request carried `txid`.
    pub fn write_with_txid(&self, txid: u32, bytes: &[u8], handles: Vec<Handle>) -> Result<(), Error> {
        let values = raw_handles(&handles);
        sys::channel_write(self.0.raw(), txid, bytes, &values)?;
        // Moved into the message: forget without closing.
        for handle in handles {
            handle.into_raw();
        }
        Ok(())
    }

    /// Take the next message without waiting. `ShouldWait` if there is
    /// none; `PeerClosed` if there is none and never will be.
    pub fn try_read(&self) -> Result<Message, Error> {
        let mut bytes = vec![0u8; FIRST_READ];
        let mut handles = [0u32; limits::MESSAGE_HANDLES];
        let mut info = MessageInfo::default();
        match sys::channel_read(self.0.raw(), &mut bytes, &mut handles, &mut info) {
            Ok(()) => {}
            Err(Error::BufferTooSmall) => {
                bytes = vec![0u8; info.bytes as usize];
                sys::channel_read(self.0.raw(), &mut bytes, &mut handles, &mut info)?;
            }
            Err(error) => return Err(error),
        }
        Ok(message(bytes, &handles, &info))
    }

    /// Take the next message, waiting until `deadline`.
    pub fn read(&self, deadline: Deadline) -> Result<Message, Error> {
        loop {
            match self.try_read() {
                Err(Error::ShouldWait) => {
                    self.0.wait(Signals::READABLE | Signals::PEER_CLOSED, deadline)?;
                }
                other => return other,
            }
        }
    }

    /// Send a request and wait for its reply (matched by a transaction id
    /// the kernel assigns).
    pub fn call(&self, bytes: &[u8], handles: Vec<Handle>, deadline: Deadline) -> Result<Message, Error> {
        let values = raw_handles(&handles);
        let mut reply = vec![0u8; FIRST_READ];
        let mut reply_handles = [0u32; limits::MESSAGE_HANDLES];
        let mut info = MessageInfo::default();
        let mut result = sys::channel_call(
            self.0.raw(),
            bytes,
            &values,
            &mut reply,
            &mut reply_handles,
            deadline.instant(),
            &mut info,
        );
        if result == Err(Error::BufferTooSmall) {
            // The kernel kept the reply; repeating the call collects it (the
            // request is not sent twice).
            reply = vec![0u8; (info.bytes as usize).max(FIRST_READ)];
            result = sys::channel_call(
                self.0.raw(),
                bytes,
                &values,
                &mut reply,
                &mut reply_handles,
                deadline.instant(),
                &mut info,
            );
        }
        // On success every request handle moved. On failure, some errors
        // happen before the request is sent (handles still ours) and some
        // after (handles gone): ask the kernel which by looking each up.
        for handle in handles {
            let moved = result.is_ok()
                || matches!(
                    sys::object_get_info::<weft_abi::BasicInfo>(handle.raw(), weft_abi::InfoTopic::Basic),
                    Err(Error::BadHandle)
                );
            if moved {
                handle.into_raw();
            }
        }
        result?;
        Ok(message(reply, &reply_handles, &info))
    }

    /// Change user signals on the other end.
    pub fn signal_peer(&self, clear: Signals, set: Signals) -> Result<(), Error> {
        sys::object_signal(self.0.raw(), clear, set, true)
    }
}

fn message(mut bytes: Vec<u8>, handles: &[HandleValue], info: &MessageInfo) -> Message {
    bytes.truncate(info.bytes as usize);
    Message {
        bytes,
        handles: handles.iter().take(info.handles as usize).map(|&value| Handle::from_raw(value)).collect(),
        sender: Sender { koid: info.sender_koid, principal: info.sender_principal },
        txid: info.txid,
    }
}
