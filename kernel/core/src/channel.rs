//! Channels: endpoints, messages, and the IPC owner (txids, message count); calls in `syscall/channel.rs`.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;
use weft_abi::{Koid, Principal, Signals};

use crate::backend::Backend;
use crate::handles::HandleEntry;
use crate::object::ObjectData;
use crate::store::ObjectStore;

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

/// The IPC path's own state. Endpoints are objects in the store; this
/// owner hands out kernel transaction ids for `channel_call` and counts
/// messages sent.
#[derive(Debug)]
pub(crate) struct Ipc {
    next_txid: u32,
    messages: u64,
}

impl Ipc {
    pub(crate) fn new() -> Ipc {
        Ipc { next_txid: 1, messages: 0 }
    }

    /// Messages sent since boot.
    pub(crate) fn messages(&self) -> u64 {
        self.messages
    }

    pub(crate) fn count_message(&mut self) {
        self.messages = self.messages.wrapping_add(1);
    }

    pub(crate) fn next_txid(&mut self) -> u32 {
        // Kernel-assigned transaction ids have the top bit set.
        let txid = 0x8000_0000 | (self.next_txid & 0x7fff_ffff);
        self.next_txid = self.next_txid.wrapping_add(1);
        if self.next_txid & 0x7fff_ffff == 0 {
            self.next_txid = 1;
        }
        txid
    }

    /// Create a channel; returns both endpoint koids (no handles yet).
    pub(crate) fn create_pair<B: Backend>(objects: &mut ObjectStore<B>) -> (Koid, Koid) {
        let a = objects.insert(ObjectData::Channel(Endpoint::default()), Signals::WRITABLE);
        let b = objects.insert(ObjectData::Channel(Endpoint::default()), Signals::WRITABLE);
        if let Ok(ObjectData::Channel(end)) = objects.get_mut(a).map(|o| &mut o.data) {
            end.peer = Some(b);
        }
        if let Ok(ObjectData::Channel(end)) = objects.get_mut(b).map(|o| &mut o.data) {
            end.peer = Some(a);
        }
        (a, b)
    }

    /// A caller ended while its call was pending: a late reply is dropped.
    pub(crate) fn abandon<B: Backend>(objects: &mut ObjectStore<B>, endpoint: Koid, txid: u32) {
        if let Ok(ObjectData::Channel(end)) = objects.get_mut(endpoint).map(|o| &mut o.data) {
            end.calls.insert(txid, CallSlot::Abandoned);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestBackend;

    #[test]
    fn kernel_txids_have_the_top_bit_and_skip_zero() {
        let mut ipc = Ipc::new();
        assert_eq!(ipc.next_txid(), 0x8000_0001);
        ipc.next_txid = 0x7fff_ffff;
        assert_eq!(ipc.next_txid(), 0xffff_ffff);
        assert_eq!(ipc.next_txid(), 0x8000_0001);
    }

    #[test]
    fn abandoned_calls_hold_nothing() {
        let mut objects = ObjectStore::<TestBackend>::new();
        let (a, b) = Ipc::create_pair(&mut objects);
        Ipc::abandon(&mut objects, a, 0x8000_0005);
        let ObjectData::Channel(end) = &mut objects.get_mut(a).unwrap().data else { panic!() };
        assert_eq!(end.peer, Some(b));
        assert!(matches!(end.calls.get(&0x8000_0005), Some(CallSlot::Abandoned)));
        assert!(end.drain_handles().is_empty());
        assert!(end.calls.is_empty());
    }
}
