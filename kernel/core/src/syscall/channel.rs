//! The IPC path's system calls: channel create, write, read and call, and the call/reply bookkeeping.

use alloc::vec::Vec;
use weft_abi::{CallArgs, Error, HandleValue, Instant, Koid, MessageInfo, Rights, Signals, limits};

use super::{Step, StepResult, done};
use crate::backend::Backend;
use crate::channel::{CallSlot, Endpoint, Ipc, Message};
use crate::object::ObjectData;
use crate::store::ObjectStore;
use crate::user::Caller;
use crate::waits::Wait;

/// Where a received message goes in the caller's memory.
#[derive(Clone, Copy)]
pub(crate) struct Destination {
    pub bytes: usize,
    pub capacity: usize,
    pub handles: usize,
    pub handle_capacity: usize,
    pub info: usize,
}

impl Ipc {
    fn endpoint<B: Backend>(objects: &ObjectStore<B>, koid: Koid) -> Result<&Endpoint, Error> {
        match &objects.get(koid)?.data {
            ObjectData::Channel(endpoint) => Ok(endpoint),
            _ => Err(Error::WrongType),
        }
    }

    fn endpoint_mut<B: Backend>(objects: &mut ObjectStore<B>, koid: Koid) -> Result<&mut Endpoint, Error> {
        match &mut objects.get_mut(koid)?.data {
            ObjectData::Channel(endpoint) => Ok(endpoint),
            _ => Err(Error::WrongType),
        }
    }

    /// The endpoint a handle names, if it carries `rights`.
    fn endpoint_of<B: Backend>(
        objects: &ObjectStore<B>,
        process: Koid,
        handle: HandleValue,
        rights: Rights,
    ) -> Result<Koid, Error> {
        let entry = objects.handle(process, handle, rights)?;
        Self::endpoint(objects, entry.koid)?;
        Ok(entry.koid)
    }

    /// `channel_create`: both ends into the caller's table, their values to `out`.
    pub(crate) fn create<B: Backend>(
        objects: &mut ObjectStore<B>,
        backend: &B,
        caller: Caller<'_, B>,
        out: usize,
    ) -> StepResult {
        let process = caller.process;
        let (a, b) = Self::create_pair(objects);
        let first = objects.install_handle(process, a, Rights::DEFAULT);
        let second = objects.install_handle(process, b, Rights::DEFAULT);
        let (first, second) = match (first, second) {
            (Ok(first), Ok(second)) => (first, second),
            (first, second) => {
                let table = &mut objects.process_mut(process)?.handles;
                let mut entries = Vec::new();
                for value in [first, second].into_iter().flatten() {
                    entries.extend(table.remove(value));
                }
                objects.release(entries);
                for koid in [a, b] {
                    objects.discard(koid);
                }
                return Err(Error::LimitReached);
            }
        };
        if let Err(error) = caller.user(objects, backend).write_pod(out, &[first, second]) {
            let _ = objects.close(process, first);
            let _ = objects.close(process, second);
            return Err(error);
        }
        done(0)
    }

    /// Validate, then send: either every handle moves or none does.
    fn send<B: Backend>(
        &mut self,
        objects: &mut ObjectStore<B>,
        process: Koid,
        endpoint: Koid,
        bytes: Vec<u8>,
        handle_values: &[HandleValue],
        txid: u32,
    ) -> Result<(), Error> {
        if bytes.len() > limits::MESSAGE_BYTES || handle_values.len() > limits::MESSAGE_HANDLES {
            return Err(Error::OutOfRange);
        }
        let peer = Self::endpoint(objects, endpoint)?.peer.ok_or(Error::PeerClosed)?;
        let mut entries = Vec::with_capacity(handle_values.len());
        for (index, &value) in handle_values.iter().enumerate() {
            if handle_values.get(..index).is_some_and(|before| before.contains(&value)) {
                return Err(Error::InvalidArgs);
            }
            let entry = objects.handle(process, value, Rights::TRANSFER)?;
            if entry.koid == endpoint {
                // A channel endpoint cannot travel through itself.
                return Err(Error::NotSupported);
            }
            entries.push(entry);
        }
        let is_reply = {
            let peer_end = Self::endpoint(objects, peer)?;
            let reply =
                matches!(peer_end.calls.get(&txid), Some(CallSlot::Waiting { .. } | CallSlot::Abandoned));
            if !reply && peer_end.queue.len() >= limits::CHANNEL_QUEUE {
                return Err(Error::ShouldWait);
            }
            reply
        };
        let (sender_principal, table) = {
            let sender = objects.process_mut(process)?;
            (sender.principal, &mut sender.handles)
        };
        for &value in handle_values {
            table.remove(value)?;
        }
        let message = Message { bytes, handles: entries, sender_koid: process, sender_principal, txid };
        self.count_message();
        if is_reply {
            let peer_end = Self::endpoint_mut(objects, peer)?;
            match peer_end.calls.remove(&txid) {
                Some(CallSlot::Waiting { thread }) => {
                    peer_end.calls.insert(txid, CallSlot::Replied(message));
                    objects.end_wait(thread);
                }
                // The caller gave up: the late reply is dropped.
                _ => objects.release(message.handles),
            }
            return Ok(());
        }
        let full = {
            let peer_end = Self::endpoint_mut(objects, peer)?;
            peer_end.queue.push_back(message);
            peer_end.queue.len() >= limits::CHANNEL_QUEUE
        };
        objects.update_signals(peer, Signals::empty(), Signals::READABLE);
        if full {
            objects.update_signals(endpoint, Signals::WRITABLE, Signals::empty());
        }
        Ok(())
    }

    /// `channel_write`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn write<B: Backend>(
        &mut self,
        objects: &mut ObjectStore<B>,
        backend: &B,
        caller: Caller<'_, B>,
        handle: HandleValue,
        txid: u32,
        bytes: usize,
        len: usize,
        handles: usize,
        count: usize,
    ) -> StepResult {
        if len > limits::MESSAGE_BYTES || count > limits::MESSAGE_HANDLES {
            return Err(Error::OutOfRange);
        }
        let process = caller.process;
        let endpoint = Self::endpoint_of(objects, process, handle, Rights::WRITE)?;
        let user = caller.user(objects, backend);
        let payload = user.read_vec(bytes, len)?;
        let values = user.read_handles(handles, count)?;
        self.send(objects, process, endpoint, payload, &values, txid)?;
        done(0)
    }

    /// Copy a message into the caller's buffers and install its handles.
    /// On failure nothing changes in the caller's table.
    fn deliver<B: Backend>(
        objects: &mut ObjectStore<B>,
        backend: &B,
        caller: Caller<'_, B>,
        message: &Message,
        to: Destination,
    ) -> Result<(), Error> {
        let info = MessageInfo {
            sender_koid: message.sender_koid,
            sender_principal: message.sender_principal,
            txid: message.txid,
            bytes: message.bytes.len() as u32,
            handles: message.handles.len() as u32,
            reserved: 0,
        };
        if to.info != 0 {
            caller.user(objects, backend).write_pod(to.info, &info)?;
        }
        if message.bytes.len() > to.capacity || message.handles.len() > to.handle_capacity {
            return Err(Error::BufferTooSmall);
        }
        caller.user(objects, backend).write(to.bytes, &message.bytes)?;
        let table = &mut objects.process_mut(caller.process)?.handles;
        if limits::PROCESS_HANDLES.saturating_sub(table.len()) < message.handles.len() {
            return Err(Error::LimitReached);
        }
        let mut values = Vec::with_capacity(message.handles.len());
        for entry in &message.handles {
            match table.insert(*entry) {
                Ok(value) => values.push(value),
                Err(error) => {
                    for value in values {
                        let _ = table.remove(value);
                    }
                    return Err(error);
                }
            }
        }
        if let Err(error) = caller.user(objects, backend).write(to.handles, bytemuck::cast_slice(&values)) {
            let table = &mut objects.process_mut(caller.process)?.handles;
            for value in values {
                let _ = table.remove(value);
            }
            return Err(error);
        }
        Ok(())
    }

    /// `channel_read`: the oldest message, or `ShouldWait` / `PeerClosed`.
    pub(crate) fn read<B: Backend>(
        objects: &mut ObjectStore<B>,
        backend: &B,
        caller: Caller<'_, B>,
        handle: HandleValue,
        to: Destination,
    ) -> StepResult {
        let endpoint = Self::endpoint_of(objects, caller.process, handle, Rights::READ)?;
        let Some(message) = Self::endpoint_mut(objects, endpoint)?.queue.pop_front() else {
            return match Self::endpoint(objects, endpoint)?.peer {
                Some(_) => Err(Error::ShouldWait),
                None => Err(Error::PeerClosed),
            };
        };
        if let Err(error) = Self::deliver(objects, backend, caller, &message, to) {
            Self::endpoint_mut(objects, endpoint)?.queue.push_front(message);
            return Err(error);
        }
        let (empty, peer) = {
            let end = Self::endpoint(objects, endpoint)?;
            (end.queue.is_empty(), end.peer)
        };
        if empty {
            objects.update_signals(endpoint, Signals::READABLE, Signals::empty());
        }
        if let Some(peer) = peer {
            objects.update_signals(peer, Signals::empty(), Signals::WRITABLE);
        }
        done(0)
    }

    /// `channel_call`: send a request with a kernel transaction id and wait
    /// for its reply. Re-run after every wake-up; the request is sent once.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn call<B: Backend>(
        &mut self,
        objects: &mut ObjectStore<B>,
        backend: &B,
        caller: Caller<'_, B>,
        handle: HandleValue,
        args: usize,
        deadline: Instant,
        info: usize,
    ) -> StepResult {
        let (thread, process) = (caller.thread, caller.process);
        let endpoint = Self::endpoint_of(objects, process, handle, Rights::READ | Rights::WRITE)?;
        let call: CallArgs = caller.user(objects, backend).read_pod(args)?;
        let pending = objects.thread(thread)?.call;
        let txid = match pending {
            Some((pending_endpoint, txid)) if pending_endpoint == endpoint => txid,
            _ => {
                // First run: send the request.
                if call.write_len > limits::MESSAGE_BYTES || call.write_handle_count > limits::MESSAGE_HANDLES
                {
                    return Err(Error::OutOfRange);
                }
                let user = caller.user(objects, backend);
                let payload = user.read_vec(call.write_bytes, call.write_len)?;
                let values = user.read_handles(call.write_handles, call.write_handle_count)?;
                let txid = self.next_txid();
                Self::endpoint_mut(objects, endpoint)?.calls.insert(txid, CallSlot::Waiting { thread });
                if let Err(error) = self.send(objects, process, endpoint, payload, &values, txid) {
                    Self::endpoint_mut(objects, endpoint)?.calls.remove(&txid);
                    return Err(error);
                }
                objects.thread_mut(thread)?.call = Some((endpoint, txid));
                txid
            }
        };
        let end = Self::endpoint_mut(objects, endpoint)?;
        match end.calls.remove(&txid) {
            Some(CallSlot::Replied(message)) => {
                let to = Destination {
                    bytes: call.read_bytes,
                    capacity: call.read_capacity,
                    handles: call.read_handles,
                    handle_capacity: call.read_handle_capacity,
                    info,
                };
                match Self::deliver(objects, backend, caller, &message, to) {
                    Ok(()) => {
                        objects.thread_mut(thread)?.call = None;
                        Ok(Step::Value(0))
                    }
                    // The info record says how much room the reply needs;
                    // keep it so the caller can repeat the call (the request
                    // is not sent again) with a larger buffer.
                    Err(Error::BufferTooSmall) => {
                        Self::endpoint_mut(objects, endpoint)?.calls.insert(txid, CallSlot::Replied(message));
                        Err(Error::BufferTooSmall)
                    }
                    Err(error) => {
                        objects.thread_mut(thread)?.call = None;
                        objects.release(message.handles);
                        Err(error)
                    }
                }
            }
            Some(slot) => {
                let peer_gone = end.peer.is_none();
                if peer_gone {
                    objects.thread_mut(thread)?.call = None;
                    return Err(Error::PeerClosed);
                }
                if deadline <= backend.now() {
                    Self::endpoint_mut(objects, endpoint)?.calls.insert(txid, CallSlot::Abandoned);
                    objects.thread_mut(thread)?.call = None;
                    return Err(Error::TimedOut);
                }
                Self::endpoint_mut(objects, endpoint)?.calls.insert(txid, slot);
                Ok(Step::Block(Wait { targets: alloc::vec![(endpoint, Signals::PEER_CLOSED)], deadline }))
            }
            None => {
                objects.thread_mut(thread)?.call = None;
                Err(Error::BadState)
            }
        }
    }
}
