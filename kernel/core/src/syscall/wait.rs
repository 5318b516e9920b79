//! Waiting: on one object, on several, on ports, and sleeping.

use alloc::vec::Vec;
use weft_abi::{
    Error, HandleValue, Instant, Koid, PacketKind, PortPacket, Rights, Signals, WaitItem, limits,
};

use super::{Step, StepResult, done};
use crate::backend::Backend;
use crate::kernel::Kernel;
use crate::object::{ObjectData, Observer};
use crate::port::Port;

impl<B: Backend> Kernel<B> {
    /// Block the thread on `objects` unless the deadline has passed.
    fn block_or_time_out(
        &mut self,
        thread: Koid,
        objects: &[(Koid, Signals)],
        deadline: Instant,
    ) -> StepResult {
        if deadline <= self.backend.now() {
            return Err(Error::TimedOut);
        }
        self.block(thread, objects, deadline);
        Ok(Step::Block)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn sys_wait_one(
        &mut self,
        thread: Koid,
        process: Koid,
        cx: &B::CallContext,
        handle: HandleValue,
        signals: Signals,
        deadline: Instant,
        observed: usize,
    ) -> StepResult {
        let entry = self.handle(process, handle, Rights::WAIT)?;
        let current = self.object(entry.koid)?.signals;
        if current.intersects(signals) {
            if observed != 0 {
                self.user_write_pod(process, cx, observed, &current.bits())?;
            }
            return done(0);
        }
        let result = self.block_or_time_out(thread, &[(entry.koid, signals)], deadline);
        if matches!(result, Err(Error::TimedOut)) && observed != 0 {
            self.user_write_pod(process, cx, observed, &current.bits())?;
        }
        result
    }

    pub(crate) fn sys_wait_many(
        &mut self,
        thread: Koid,
        process: Koid,
        cx: &B::CallContext,
        items: usize,
        count: usize,
        deadline: Instant,
    ) -> StepResult {
        if count == 0 || count > limits::WAIT_ITEMS {
            return Err(Error::OutOfRange);
        }
        let mut list = alloc::vec![WaitItem::default(); count];
        self.user_read(process, cx, items, bytemuck::cast_slice_mut(&mut list))?;
        let mut targets: Vec<(Koid, Signals)> = Vec::with_capacity(count);
        let mut first_ready = None;
        for (index, item) in list.iter_mut().enumerate() {
            let entry = self.handle(process, item.handle, Rights::WAIT)?;
            let wanted = Signals::from_bits(item.signals).ok_or(Error::InvalidArgs)?;
            let current = self.object(entry.koid)?.signals;
            item.observed = current.bits();
            if current.intersects(wanted) && first_ready.is_none() {
                first_ready = Some(index);
            }
            targets.push((entry.koid, wanted));
        }
        if let Some(index) = first_ready {
            self.user_write(process, cx, items, bytemuck::cast_slice(&list))?;
            return done(index);
        }
        let result = self.block_or_time_out(thread, &targets, deadline);
        if matches!(result, Err(Error::TimedOut)) {
            self.user_write(process, cx, items, bytemuck::cast_slice(&list))?;
        }
        result
    }

    pub(crate) fn sys_sleep(&mut self, thread: Koid, deadline: Instant) -> StepResult {
        match self.block_or_time_out(thread, &[], deadline) {
            Err(Error::TimedOut) => done(0),
            other => other,
        }
    }

    pub(crate) fn sys_port_create(&mut self, process: Koid) -> StepResult {
        let koid = self.insert_object(ObjectData::Port(Port::default()), Signals::empty());
        self.give_new(process, koid, Rights::DEFAULT)
    }

    fn port_koid(&self, process: Koid, handle: HandleValue, rights: Rights) -> Result<Koid, Error> {
        let entry = self.handle(process, handle, rights)?;
        match &self.object(entry.koid)?.data {
            ObjectData::Port(_) => Ok(entry.koid),
            _ => Err(Error::WrongType),
        }
    }

    pub(crate) fn sys_port_wait(
        &mut self,
        thread: Koid,
        process: Koid,
        cx: &B::CallContext,
        handle: HandleValue,
        deadline: Instant,
        packet: usize,
    ) -> StepResult {
        let port = self.port_koid(process, handle, Rights::READ)?;
        let next = match &mut self.object_mut(port)?.data {
            ObjectData::Port(state) => state.queue.pop_front(),
            _ => return Err(Error::WrongType),
        };
        let Some((source, next)) = next else {
            return self.block_or_time_out(thread, &[(port, Signals::READABLE)], deadline);
        };
        if let Err(error) = self.user_write_pod(process, cx, packet, &next) {
            // Keep the packet for a caller with a good buffer.
            if let ObjectData::Port(state) = &mut self.object_mut(port)?.data {
                state.queue.push_front((source, next));
            }
            return Err(error);
        }
        let empty = matches!(&self.object(port)?.data, ObjectData::Port(state) if state.queue.is_empty());
        if empty {
            self.update_signals(port, Signals::READABLE, Signals::empty());
        }
        done(0)
    }

    pub(crate) fn sys_port_queue(
        &mut self,
        process: Koid,
        cx: &B::CallContext,
        handle: HandleValue,
        packet: usize,
    ) -> StepResult {
        let port = self.port_koid(process, handle, Rights::WRITE)?;
        let mut user: PortPacket = self.user_read_pod(process, cx, packet)?;
        user.kind = PacketKind::User as u32;
        user.trigger = 0;
        user.observed = 0;
        user.reserved = 0;
        match &self.object(port)?.data {
            ObjectData::Port(state) if state.queue.len() >= limits::PORT_QUEUE => {
                return Err(Error::ShouldWait);
            }
            _ => {}
        }
        self.queue_packet(port, 0, user);
        done(0)
    }

    pub(crate) fn sys_wait_async(
        &mut self,
        process: Koid,
        handle: HandleValue,
        port_handle: HandleValue,
        key: u64,
        signals: Signals,
    ) -> StepResult {
        if signals.is_empty() {
            return Err(Error::InvalidArgs);
        }
        let entry = self.handle(process, handle, Rights::WAIT)?;
        let port = self.port_koid(process, port_handle, Rights::WRITE)?;
        let object = self.object_mut(entry.koid)?;
        let current = object.signals;
        if current.intersects(signals) {
            let packet = PortPacket {
                key,
                kind: PacketKind::Signal as u32,
                trigger: signals.bits(),
                observed: current.bits(),
                reserved: 0,
                user: [0; 4],
            };
            self.queue_packet(port, entry.koid, packet);
        } else {
            if object.observers.len() >= limits::PORT_QUEUE {
                return Err(Error::LimitReached);
            }
            object.observers.push(Observer { port, key, signals });
        }
        done(0)
    }

    pub(crate) fn sys_port_cancel(
        &mut self,
        process: Koid,
        handle: HandleValue,
        port_handle: HandleValue,
        key: u64,
    ) -> StepResult {
        let entry = self.handle(process, handle, Rights::WAIT)?;
        let port = self.port_koid(process, port_handle, Rights::WRITE)?;
        let object = self.object_mut(entry.koid)?;
        let before = object.observers.len();
        object.observers.retain(|o| !(o.port == port && o.key == key));
        let removed = before - object.observers.len();
        // Drop packets already queued for that key too.
        if let ObjectData::Port(state) = &mut self.object_mut(port)?.data {
            let source = entry.koid;
            state.queue.retain(|(from, p)| !(*from == source && p.key == key));
        }
        done(removed)
    }
}
