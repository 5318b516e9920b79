//! Channels: create, write, read and call.

use alloc::vec::Vec;
use weft_abi::{CallArgs, Error, HandleValue, Instant, Koid, MessageInfo, Rights, Signals, limits};

use super::{Step, StepResult, done};
use crate::backend::Backend;
use crate::channel::{CallSlot, Endpoint, Message};
use crate::kernel::Kernel;
use crate::object::ObjectData;

/// Where a received message goes in the caller's memory.
#[derive(Clone, Copy)]
struct Destination {
    bytes: usize,
    capacity: usize,
    handles: usize,
    handle_capacity: usize,
    info: usize,
}

impl<B: Backend> Kernel<B> {
    fn endpoint(&self, koid: Koid) -> Result<&Endpoint, Error> {
        match &self.object(koid)?.data {
            ObjectData::Channel(endpoint) => Ok(endpoint),
            _ => Err(Error::WrongType),
        }
    }

    fn endpoint_mut(&mut self, koid: Koid) -> Result<&mut Endpoint, Error> {
        match &mut self.object_mut(koid)?.data {
            ObjectData::Channel(endpoint) => Ok(endpoint),
            _ => Err(Error::WrongType),
        }
    }

    fn channel_koid(&self, process: Koid, handle: HandleValue, rights: Rights) -> Result<Koid, Error> {
        let entry = self.handle(process, handle, rights)?;
        self.endpoint(entry.koid)?;
        Ok(entry.koid)
    }

    pub(crate) fn sys_channel_create(
        &mut self,
        process: Koid,
        cx: &B::CallContext,
        out: usize,
    ) -> StepResult {
        let (a, b) = self.create_channel();
        let first = self.install_handle(process, a, Rights::DEFAULT);
        let second = self.install_handle(process, b, Rights::DEFAULT);
        let (first, second) = match (first, second) {
            (Ok(first), Ok(second)) => (first, second),
            (first, second) => {
                let table = &mut self.process_mut(process)?.handles;
                let mut entries = Vec::new();
                for value in [first, second].into_iter().flatten() {
                    entries.extend(table.remove(value));
                }
                self.release(entries);
                for koid in [a, b] {
                    let held = self.destroy_if_unused(koid);
                    self.release(held);
                }
                return Err(Error::LimitReached);
            }
        };
        if let Err(error) = self.user_write_pod(process, cx, out, &[first, second]) {
            let _ = self.sys_handle_close(process, first);
            let _ = self.sys_handle_close(process, second);
            return Err(error);
        }
        done(0)
    }

    /// Validate, then send: either every handle moves or none does.
    fn send(
        &mut self,
        process: Koid,
        endpoint: Koid,
        bytes: Vec<u8>,
        handle_values: &[HandleValue],
        txid: u32,
    ) -> Result<(), Error> {
        if bytes.len() > limits::MESSAGE_BYTES || handle_values.len() > limits::MESSAGE_HANDLES {
            return Err(Error::OutOfRange);
        }
        let peer = self.endpoint(endpoint)?.peer.ok_or(Error::PeerClosed)?;
        let mut entries = Vec::with_capacity(handle_values.len());
        for (index, &value) in handle_values.iter().enumerate() {
            if handle_values.get(..index).is_some_and(|before| before.contains(&value)) {
                return Err(Error::InvalidArgs);
            }
            let entry = self.handle(process, value, Rights::TRANSFER)?;
            if entry.koid == endpoint {
                // A channel endpoint cannot travel through itself.
                return Err(Error::NotSupported);
            }
            entries.push(entry);
        }
        let is_reply = {
            let peer_end = self.endpoint(peer)?;
            let reply =
                matches!(peer_end.calls.get(&txid), Some(CallSlot::Waiting { .. } | CallSlot::Abandoned));
            if !reply && peer_end.queue.len() >= limits::CHANNEL_QUEUE {
                return Err(Error::ShouldWait);
            }
            reply
        };
        let (sender_principal, table) = {
            let sender = self.process_mut(process)?;
            (sender.principal, &mut sender.handles)
        };
        for &value in handle_values {
            table.remove(value)?;
        }
        let message = Message { bytes, handles: entries, sender_koid: process, sender_principal, txid };
        self.counters.messages = self.counters.messages.wrapping_add(1);
        if is_reply {
            let peer_end = self.endpoint_mut(peer)?;
            match peer_end.calls.remove(&txid) {
                Some(CallSlot::Waiting { thread }) => {
                    peer_end.calls.insert(txid, CallSlot::Replied(message));
                    self.wake_thread(thread);
                }
                // The caller gave up: the late reply is dropped.
                _ => self.release(message.handles),
            }
            return Ok(());
        }
        let full = {
            let peer_end = self.endpoint_mut(peer)?;
            peer_end.queue.push_back(message);
            peer_end.queue.len() >= limits::CHANNEL_QUEUE
        };
        self.update_signals(peer, Signals::empty(), Signals::READABLE);
        if full {
            self.update_signals(endpoint, Signals::WRITABLE, Signals::empty());
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn sys_channel_write(
        &mut self,
        process: Koid,
        cx: &B::CallContext,
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
        let endpoint = self.channel_koid(process, handle, Rights::WRITE)?;
        let payload = self.user_read_vec(process, cx, bytes, len)?;
        let values = self.user_read_handles(process, cx, handles, count)?;
        self.send(process, endpoint, payload, &values, txid)?;
        done(0)
    }

    /// Copy a message into the caller's buffers and install its handles.
    /// On failure nothing changes in the caller's table.
    fn deliver(
        &mut self,
        process: Koid,
        cx: &B::CallContext,
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
            self.user_write_pod(process, cx, to.info, &info)?;
        }
        if message.bytes.len() > to.capacity || message.handles.len() > to.handle_capacity {
            return Err(Error::BufferTooSmall);
        }
        self.user_write(process, cx, to.bytes, &message.bytes)?;
        let table = &mut self.process_mut(process)?.handles;
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
        if let Err(error) = self.user_write(process, cx, to.handles, bytemuck::cast_slice(&values)) {
            let table = &mut self.process_mut(process)?.handles;
            for value in values {
                let _ = table.remove(value);
            }
            return Err(error);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn sys_channel_read(
        &mut self,
        process: Koid,
        cx: &B::CallContext,
        handle: HandleValue,
        bytes: usize,
        capacity: usize,
        handles: usize,
        handle_capacity: usize,
        info: usize,
    ) -> StepResult {
        let endpoint = self.channel_koid(process, handle, Rights::READ)?;
        let Some(message) = self.endpoint_mut(endpoint)?.queue.pop_front() else {
            return match self.endpoint(endpoint)?.peer {
                Some(_) => Err(Error::ShouldWait),
                None => Err(Error::PeerClosed),
            };
        };
        let to = Destination { bytes, capacity, handles, handle_capacity, info };
        if let Err(error) = self.deliver(process, cx, &message, to) {
            self.endpoint_mut(endpoint)?.queue.push_front(message);
            return Err(error);
        }
        let (empty, peer) = {
            let end = self.endpoint(endpoint)?;
            (end.queue.is_empty(), end.peer)
        };
        if empty {
            self.update_signals(endpoint, Signals::READABLE, Signals::empty());
        }
        if let Some(peer) = peer {
            self.update_signals(peer, Signals::empty(), Signals::WRITABLE);
        }
        done(0)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn sys_channel_call(
        &mut self,
        thread: Koid,
        process: Koid,
        cx: &B::CallContext,
        handle: HandleValue,
        args: usize,
        deadline: Instant,
        info: usize,
    ) -> StepResult {
        let endpoint = self.channel_koid(process, handle, Rights::READ | Rights::WRITE)?;
        let call: CallArgs = self.user_read_pod(process, cx, args)?;
        let pending = self.thread(thread)?.call;
        let txid = match pending {
            Some((pending_endpoint, txid)) if pending_endpoint == endpoint => txid,
            _ => {
                // First run: send the request.
                if call.write_len > limits::MESSAGE_BYTES || call.write_handle_count > limits::MESSAGE_HANDLES
                {
                    return Err(Error::OutOfRange);
                }
                let payload = self.user_read_vec(process, cx, call.write_bytes, call.write_len)?;
                let values =
                    self.user_read_handles(process, cx, call.write_handles, call.write_handle_count)?;
                let txid = self.next_txid();
                self.endpoint_mut(endpoint)?.calls.insert(txid, CallSlot::Waiting { thread });
                if let Err(error) = self.send(process, endpoint, payload, &values, txid) {
                    self.endpoint_mut(endpoint)?.calls.remove(&txid);
                    return Err(error);
                }
                self.thread_mut(thread)?.call = Some((endpoint, txid));
                txid
            }
        };
        let end = self.endpoint_mut(endpoint)?;
        match end.calls.remove(&txid) {
            Some(CallSlot::Replied(message)) => {
                let to = Destination {
                    bytes: call.read_bytes,
                    capacity: call.read_capacity,
                    handles: call.read_handles,
                    handle_capacity: call.read_handle_capacity,
                    info,
                };
                match self.deliver(process, cx, &message, to) {
                    Ok(()) => {
                        self.thread_mut(thread)?.call = None;
                        Ok(Step::Value(0))
                    }
                    // The info record says how much room the reply needs;
                    // keep it so the caller can repeat the call (the request
                    // is not sent again) with a larger buffer.
                    Err(Error::BufferTooSmall) => {
                        self.endpoint_mut(endpoint)?.calls.insert(txid, CallSlot::Replied(message));
                        Err(Error::BufferTooSmall)
                    }
                    Err(error) => {
                        self.thread_mut(thread)?.call = None;
                        self.release(message.handles);
                        Err(error)
                    }
                }
            }
            Some(slot) => {
                let peer_gone = end.peer.is_none();
                if peer_gone {
                    self.thread_mut(thread)?.call = None;
                    return Err(Error::PeerClosed);
                }
                if deadline <= self.backend.now() {
                    self.endpoint_mut(endpoint)?.calls.insert(txid, CallSlot::Abandoned);
                    self.thread_mut(thread)?.call = None;
                    return Err(Error::TimedOut);
                }
                self.endpoint_mut(endpoint)?.calls.insert(txid, slot);
                self.block(thread, &[(endpoint, Signals::PEER_CLOSED)], deadline);
                Ok(Step::Block)
            }
            None => {
                self.thread_mut(thread)?.call = None;
                Err(Error::BadState)
            }
        }
    }
}
