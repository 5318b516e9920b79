//! Channel endpoints and messages.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;
use weft_abi::{Koid, Principal};

use crate::handles::HandleEntry;

/// A message in flight: bytes, moved handles and the kernel-stamped sender.
#[derive(Debug)]
pub(crate) struct Message {
    pub bytes: Vec<u8>,
    pub handles: Vec<HandleEntry>,
    pub sender_koid: Koid,
    pub sender_principal: Principal,
    pub txid: u32,
}

/// What became of a `channel_call` waiting on this endpoint.
#[derive(Debug)]
pub(crate) enum CallSlot {
    /// The calling thread waits for the reply.
    Waiting { thread: Koid },
    /// The reply arrived and waits for the caller to take it.
    Replied(Message),
    /// The caller gave up (deadline); a late reply is dropped.
    Abandoned,
}

/// One end of a channel.
#[derive(Debug, Default)]
pub(crate) struct Endpoint {
    /// The other end, until it is destroyed.
    pub peer: Option<Koid>,
    /// Messages waiting to be read.
    pub queue: VecDeque<Message>,
    /// Calls made through this endpoint, by transaction id.
    pub calls: BTreeMap<u32, CallSlot>,
}

impl Endpoint {
    /// Every handle still held by queued messages and unread replies.
    pub fn drain_handles(&mut self) -> Vec<HandleEntry> {
        let mut out = Vec::new();
        for message in self.queue.drain(..) {
            out.extend(message.handles);
        }
        for (_, slot) in core::mem::take(&mut self.calls) {
            if let CallSlot::Replied(message) = slot {
                out.extend(message.handles);
            }
        }
        out
    }
}
