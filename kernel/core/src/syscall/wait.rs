//! Waiting's system calls: one object, several, sleep, ports, async registrations, timers.

use alloc::vec::Vec;
use weft_abi::{
    Error, HandleValue, Instant, Koid, PacketKind, PortPacket, Rights, Signals, WaitItem, limits,
};

use super::{StepResult, done};
use crate::backend::Backend;
use crate::object::{ObjectData, Observer};
use crate::store::ObjectStore;
use crate::user::Caller;
use crate::waits::{Wait, Waits};

impl Waits {
    /// `object_wait_one`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn wait_one<B: Backend>(
        objects: &ObjectStore<B>,
        backend: &B,
        caller: Caller<'_, B>,
        handle: HandleValue,
        signals: Signals,
        deadline: Instant,
        observed: usize,
    ) -> StepResult {
        let entry = objects.handle(caller.process, handle, Rights::WAIT)?;
        let current = objects.get(entry.koid)?.signals;
        let user = caller.user(objects, backend);
        if current.intersects(signals) {
            if observed != 0 {
                user.write_pod(observed, &current.bits())?;
            }
            return done(0);
        }
        let result = Wait::or_time_out(backend, alloc::vec![(entry.koid, signals)], deadline);
        if matches!(result, Err(Error::TimedOut)) && observed != 0 {
            user.write_pod(observed, &current.bits())?;
        }
        result
    }

    /// `object_wait_many`: the index of the first ready item.
    pub(crate) fn wait_many<B: Backend>(
        objects: &ObjectStore<B>,
        backend: &B,
        caller: Caller<'_, B>,
        items: usize,
        count: usize,
        deadline: Instant,
    ) -> StepResult {
        if count == 0 || count > limits::WAIT_ITEMS {
            return Err(Error::OutOfRange);
        }
        let user = caller.user(objects, backend);
        let mut list = alloc::vec![WaitItem::default(); count];
        user.read(items, bytemuck::cast_slice_mut(&mut list))?;
        let mut targets: Vec<(Koid, Signals)> = Vec::with_capacity(count);
        let mut first_ready = None;
        for (index, item) in list.iter_mut().enumerate() {
            let entry = objects.handle(caller.process, item.handle, Rights::WAIT)?;
            let wanted = Signals::from_bits(item.signals).ok_or(Error::InvalidArgs)?;
            let current = objects.get(entry.koid)?.signals;
            item.observed = current.bits();
            if current.intersects(wanted) && first_ready.is_none() {
                first_ready = Some(index);
            }
            targets.push((entry.koid, wanted));
        }
        if let Some(index) = first_ready {
            user.write(items, bytemuck::cast_slice(&list))?;
            return done(index);
        }
        let result = Wait::or_time_out(backend, targets, deadline);
        if matches!(result, Err(Error::TimedOut)) {
            user.write(items, bytemuck::cast_slice(&list))?;
        }
        result
    }

    /// `thread_sleep`: a wait on nothing; reaching the deadline is success.
    pub(crate) fn sleep<B: Backend>(backend: &B, deadline: Instant) -> StepResult {
        match Wait::or_time_out(backend, Vec::new(), deadline) {
            Err(Error::TimedOut) => done(0),
            other => other,
        }
    }

    fn port_koid<B: Backend>(
        objects: &ObjectStore<B>,
        process: Koid,
        handle: HandleValue,
        rights: Rights,
    ) -> Result<Koid, Error> {
        let entry = objects.handle(process, handle, rights)?;
        match &objects.get(entry.koid)?.data {
            ObjectData::Port(_) => Ok(entry.koid),
            _ => Err(Error::WrongType),
        }
    }

    /// `port_wait`: the oldest packet, or wait for one.
    pub(crate) fn port_wait<B: Backend>(
        objects: &mut ObjectStore<B>,
        backend: &B,
        caller: Caller<'_, B>,
        handle: HandleValue,
        deadline: Instant,
        packet: usize,
    ) -> StepResult {
        let port = Self::port_koid(objects, caller.process, handle, Rights::READ)?;
        let next = match &mut objects.get_mut(port)?.data {
            ObjectData::Port(state) => state.queue.pop_front(),
            _ => return Err(Error::WrongType),
        };
        let Some((source, next)) = next else {
            return Wait::or_time_out(backend, alloc::vec![(port, Signals::READABLE)], deadline);
        };
        if let Err(error) = caller.user(objects, backend).write_pod(packet, &next) {
            // Keep the packet for a caller with a good buffer.
            if let ObjectData::Port(state) = &mut objects.get_mut(port)?.data {
                state.queue.push_front((source, next));
            }
            return Err(error);
        }
        let empty = matches!(&objects.get(port)?.data, ObjectData::Port(state) if state.queue.is_empty());
        if empty {
            objects.update_signals(port, Signals::READABLE, Signals::empty());
        }
        done(0)
    }

    /// `port_queue`: a user packet.
    pub(crate) fn port_queue<B: Backend>(
        objects: &mut ObjectStore<B>,
        backend: &B,
        caller: Caller<'_, B>,
        handle: HandleValue,
        packet: usize,
    ) -> StepResult {
        let port = Self::port_koid(objects, caller.process, handle, Rights::WRITE)?;
        let mut user: PortPacket = caller.user(objects, backend).read_pod(packet)?;
        user.kind = PacketKind::User as u32;
        user.trigger = 0;
        user.observed = 0;
        user.reserved = 0;
        match &objects.get(port)?.data {
            ObjectData::Port(state) if state.queue.len() >= limits::PORT_QUEUE => {
                return Err(Error::ShouldWait);
            }
            _ => {}
        }
        objects.queue_packet(port, 0, user);
        done(0)
    }

    /// `object_wait_async`: a one-shot registration that queues a packet.
    pub(crate) fn wait_async<B: Backend>(
        objects: &mut ObjectStore<B>,
        process: Koid,
        handle: HandleValue,
        port_handle: HandleValue,
        key: u64,
        signals: Signals,
    ) -> StepResult {
        if signals.is_empty() {
            return Err(Error::InvalidArgs);
        }
        let entry = objects.handle(process, handle, Rights::WAIT)?;
        let port = Self::port_koid(objects, process, port_handle, Rights::WRITE)?;
        let object = objects.get_mut(entry.koid)?;
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
            objects.queue_packet(port, entry.koid, packet);
        } else {
            if object.observers.len() >= limits::PORT_QUEUE {
                return Err(Error::LimitReached);
            }
            object.observers.push(Observer { port, key, signals });
        }
        done(0)
    }

    /// `port_cancel`: drop registrations and queued packets for `key`.
    pub(crate) fn port_cancel<B: Backend>(
        objects: &mut ObjectStore<B>,
        process: Koid,
        handle: HandleValue,
        port_handle: HandleValue,
        key: u64,
    ) -> StepResult {
        let entry = objects.handle(process, handle, Rights::WAIT)?;
        let port = Self::port_koid(objects, process, port_handle, Rights::WRITE)?;
        let object = objects.get_mut(entry.koid)?;
        let before = object.observers.len();
        object.observers.retain(|o| !(o.port == port && o.key == key));
        let removed = before - object.observers.len();
        // Drop packets already queued for that key too.
        if let ObjectData::Port(state) = &mut objects.get_mut(port)?.data {
            let source = entry.koid;
            state.queue.retain(|(from, p)| !(*from == source && p.key == key));
        }
        done(removed)
    }

    /// `timer_set` (a deadline) and `timer_cancel` (`None`).
    pub(crate) fn timer_set<B: Backend>(
        &mut self,
        objects: &mut ObjectStore<B>,
        backend: &mut B,
        process: Koid,
        handle: HandleValue,
        deadline: Option<u64>,
    ) -> StepResult {
        let entry = objects.handle(process, handle, Rights::WRITE)?;
        let previous = match &mut objects.get_mut(entry.koid)?.data {
            ObjectData::Timer(timer) => core::mem::replace(&mut timer.deadline, deadline),
            _ => return Err(Error::WrongType),
        };
        if let Some(previous) = previous {
            self.disarm(backend, previous, entry.koid);
        }
        objects.update_signals(entry.koid, Signals::SIGNALED, Signals::empty());
        if let Some(deadline) = deadline {
            self.arm(backend, deadline, entry.koid);
            let now = backend.now();
            if deadline <= now {
                self.advance(objects, backend, now);
            }
        }
        done(0)
    }
}
