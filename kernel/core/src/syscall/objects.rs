//! Handles, signals, object information, events, timers, interrupts,
//! resources and miscellany.

use alloc::vec::Vec;
use weft_abi::{
    BasicInfo, Error, HANDLE_INVALID, HandleValue, InfoTopic, KernelStats, Koid, ResourceKind, Rights,
    Signals, limits,
};

use super::{StepResult, done};
use crate::backend::Backend;
use crate::handles::HandleEntry;
use crate::kernel::Kernel;
use crate::object::{Interrupt, ObjectData, Resource, Timer};

impl<B: Backend> Kernel<B> {
    pub(crate) fn sys_debug_write(
        &mut self,
        process: Koid,
        cx: &B::CallContext,
        buffer: usize,
        len: usize,
    ) -> StepResult {
        if len > limits::DEBUG_WRITE_BYTES {
            return Err(Error::OutOfRange);
        }
        let bytes = self.user_read_vec(process, cx, buffer, len)?;
        self.backend.debug_write(&bytes);
        done(len)
    }

    pub(crate) fn sys_handle_close(&mut self, process: Koid, handle: HandleValue) -> StepResult {
        if handle == HANDLE_INVALID {
            return done(0);
        }
        let entry = self.process_mut(process)?.handles.remove(handle)?;
        self.release(alloc::vec![entry]);
        done(0)
    }

    /// Resolve the rights a duplicate or replace asks for: `SAME` keeps them,
    /// anything else must be a subset.
    fn narrowed(held: Rights, asked: Rights) -> Result<Rights, Error> {
        if asked == Rights::SAME {
            return Ok(held);
        }
        if !held.contains(asked) {
            return Err(Error::InvalidArgs);
        }
        Ok(asked)
    }

    pub(crate) fn sys_handle_duplicate(
        &mut self,
        process: Koid,
        handle: HandleValue,
        rights: Rights,
    ) -> StepResult {
        let entry = self.handle(process, handle, Rights::DUPLICATE)?;
        let rights = Self::narrowed(entry.rights, rights)?;
        done(self.install_handle(process, entry.koid, rights)? as usize)
    }

    pub(crate) fn sys_handle_replace(
        &mut self,
        process: Koid,
        handle: HandleValue,
        rights: Rights,
    ) -> StepResult {
        let entry = self.handle(process, handle, Rights::empty())?;
        let rights = Self::narrowed(entry.rights, rights)?;
        let table = &mut self.process_mut(process)?.handles;
        // Insert first so a full table leaves the old handle intact.
        let value = table.insert(HandleEntry { koid: entry.koid, rights })?;
        table.remove(handle)?;
        done(value as usize)
    }

    pub(crate) fn sys_signal(
        &mut self,
        process: Koid,
        handle: HandleValue,
        clear: Signals,
        set: Signals,
        peer: bool,
    ) -> StepResult {
        let entry = self.handle(process, handle, Rights::SIGNAL)?;
        let object = self.object(entry.koid)?;
        let (target, allowed) = if peer {
            match &object.data {
                ObjectData::Channel(endpoint) => (endpoint.peer.ok_or(Error::PeerClosed)?, Signals::USER_ALL),
                _ => return Err(Error::WrongType),
            }
        } else {
            let allowed = match &object.data {
                ObjectData::Event => Signals::USER_ALL | Signals::SIGNALED,
                _ => Signals::USER_ALL,
            };
            (entry.koid, allowed)
        };
        if !allowed.contains(clear | set) {
            return Err(Error::InvalidArgs);
        }
        self.update_signals(target, clear, set);
        done(0)
    }

    pub(crate) fn sys_get_info(
        &mut self,
        process: Koid,
        cx: &B::CallContext,
        handle: HandleValue,
        topic: InfoTopic,
        buffer: usize,
        len: usize,
    ) -> StepResult {
        let entry = self.handle(process, handle, Rights::INSPECT)?;
        let object = self.object(entry.koid)?;
        let record: Vec<u8> = match topic {
            InfoTopic::Basic => {
                let related = match &object.data {
                    ObjectData::Channel(endpoint) => endpoint.peer.unwrap_or(0),
                    ObjectData::Thread(thread) => thread.process,
                    _ => 0,
                };
                let info = BasicInfo {
                    koid: entry.koid,
                    related_koid: related,
                    kind: object.data.kind() as u32,
                    rights: entry.rights.bits(),
                    signals: object.signals.bits(),
                    reserved: 0,
                };
                Vec::from(bytemuck::bytes_of(&info))
            }
            InfoTopic::Process => {
                let record = self.process_record(entry.koid)?;
                Vec::from(bytemuck::bytes_of(&record))
            }
            InfoTopic::Kernel => {
                match &object.data {
                    ObjectData::Resource(resource)
                        if matches!(resource.kind, ResourceKind::Root | ResourceKind::Info) => {}
                    ObjectData::Resource(_) => return Err(Error::AccessDenied),
                    _ => return Err(Error::WrongType),
                }
                let stats = self.kernel_stats();
                Vec::from(bytemuck::bytes_of(&stats))
            }
        };
        if len < record.len() {
            return Err(Error::BufferTooSmall);
        }
        self.user_write(process, cx, buffer, &record)?;
        done(record.len())
    }

    /// Whole-kernel counters.
    pub fn kernel_stats(&self) -> KernelStats {
        let mut stats = KernelStats {
            uptime: self.backend.now(),
            objects: self.objects.len() as u64,
            memory_total: self.config.memory_total,
            messages: self.counters.messages,
            syscalls: self.counters.syscalls,
            ..KernelStats::default()
        };
        for object in self.objects.values() {
            match &object.data {
                ObjectData::Process(process) if process.is_alive() => stats.processes += 1,
                ObjectData::Thread(thread) if thread.state != crate::process::ThreadState::Dead => {
                    stats.threads += 1
                }
                ObjectData::Vmo(vmo) if !vmo.physical => stats.vmo_bytes += vmo.size as u64,
                _ => {}
            }
        }
        stats
    }

    pub(crate) fn sys_event_create(&mut self, process: Koid) -> StepResult {
        let koid = self.insert_object(ObjectData::Event, Signals::empty());
        self.give_new(process, koid, Rights::DEFAULT)
    }

    pub(crate) fn sys_timer_create(&mut self, process: Koid) -> StepResult {
        let koid = self.insert_object(ObjectData::Timer(Timer::default()), Signals::empty());
        self.give_new(process, koid, Rights::DEFAULT)
    }

    pub(crate) fn sys_timer_set(
        &mut self,
        process: Koid,
        handle: HandleValue,
        deadline: Option<u64>,
    ) -> StepResult {
        let entry = self.handle(process, handle, Rights::WRITE)?;
        let previous = match &mut self.object_mut(entry.koid)?.data {
            ObjectData::Timer(timer) => core::mem::replace(&mut timer.deadline, deadline),
            _ => return Err(Error::WrongType),
        };
        if let Some(previous) = previous {
            self.disarm_deadline(previous, entry.koid);
        }
        self.update_signals(entry.koid, Signals::SIGNALED, Signals::empty());
        if let Some(deadline) = deadline {
            self.arm_deadline(deadline, entry.koid);
            let now = self.backend.now();
            if deadline <= now {
                self.advance_time(now);
            }
        }
        done(0)
    }

    fn resource(&self, process: Koid, handle: HandleValue, rights: Rights) -> Result<Resource, Error> {
        let entry = self.handle(process, handle, rights)?;
        match &self.object(entry.koid)?.data {
            ObjectData::Resource(resource) => Ok(*resource),
            _ => Err(Error::WrongType),
        }
    }

    /// The resource a process's handle names, if the handle carries
    /// `rights` (backends that model devices look resources up this way).
    pub fn resource_of(
        &self,
        process: Koid,
        handle: HandleValue,
        rights: Rights,
    ) -> Result<(ResourceKind, u64, u64), Error> {
        let resource = self.resource(process, handle, rights)?;
        Ok((resource.kind, resource.base, resource.size))
    }

    pub(crate) fn require_resource(
        &self,
        process: Koid,
        handle: HandleValue,
        rights: Rights,
        kind: ResourceKind,
        base: u64,
        size: u64,
    ) -> Result<(), Error> {
        let resource = self.resource(process, handle, rights)?;
        if resource.covers(kind, base, size) { Ok(()) } else { Err(Error::AccessDenied) }
    }

    pub(crate) fn sys_resource_create(
        &mut self,
        process: Koid,
        parent: HandleValue,
        kind: ResourceKind,
        base: u64,
        size: u64,
    ) -> StepResult {
        if kind == ResourceKind::Root {
            return Err(Error::AccessDenied);
        }
        if matches!(kind, ResourceKind::Mmio | ResourceKind::Irq) && size == 0 {
            return Err(Error::InvalidArgs);
        }
        self.require_resource(process, parent, Rights::MANAGE, kind, base, size)?;
        let koid = self.create_resource(kind, base, size);
        self.give_new(process, koid, Rights::DEFAULT | Rights::MANAGE)
    }

    pub(crate) fn sys_interrupt_create(
        &mut self,
        process: Koid,
        resource: HandleValue,
        vector: u32,
    ) -> StepResult {
        self.require_resource(process, resource, Rights::MANAGE, ResourceKind::Irq, u64::from(vector), 1)?;
        if self.interrupts.contains_key(&vector) {
            return Err(Error::BadState);
        }
        let koid = self.insert_object(ObjectData::Interrupt(Interrupt { vector }), Signals::empty());
        let result = self.give_new(process, koid, Rights::DEFAULT | Rights::MANAGE);
        if result.is_ok() {
            self.interrupts.insert(vector, koid);
            self.backend.set_interrupt_masked(vector, false);
        }
        result
    }

    fn interrupt_vector(
        &self,
        process: Koid,
        handle: HandleValue,
        rights: Rights,
    ) -> Result<(Koid, u32), Error> {
        let entry = self.handle(process, handle, rights)?;
        match &self.object(entry.koid)?.data {
            ObjectData::Interrupt(interrupt) => Ok((entry.koid, interrupt.vector)),
            _ => Err(Error::WrongType),
        }
    }

    pub(crate) fn sys_interrupt_ack(&mut self, process: Koid, handle: HandleValue) -> StepResult {
        let (koid, vector) = self.interrupt_vector(process, handle, Rights::WRITE)?;
        self.update_signals(koid, Signals::SIGNALED, Signals::empty());
        self.backend.set_interrupt_masked(vector, false);
        done(0)
    }

    pub(crate) fn sys_interrupt_trigger(&mut self, process: Koid, handle: HandleValue) -> StepResult {
        let (_, vector) = self.interrupt_vector(process, handle, Rights::MANAGE)?;
        self.interrupt(vector);
        done(0)
    }

    pub(crate) fn sys_random(
        &mut self,
        process: Koid,
        cx: &B::CallContext,
        buffer: usize,
        len: usize,
    ) -> StepResult {
        if len > limits::DEBUG_WRITE_BYTES {
            return Err(Error::OutOfRange);
        }
        let mut bytes = alloc::vec![0u8; len];
        self.backend.fill_random(&mut bytes);
        self.user_write(process, cx, buffer, &bytes)?;
        done(len)
    }

    pub(crate) fn sys_process_list(
        &mut self,
        process: Koid,
        cx: &B::CallContext,
        resource: HandleValue,
        records: usize,
        capacity: usize,
    ) -> StepResult {
        self.require_resource(process, resource, Rights::INSPECT, ResourceKind::Info, 0, 0)?;
        let list = self.process_records();
        let take = list.len().min(capacity);
        let bytes: &[u8] = bytemuck::cast_slice(list.get(..take).unwrap_or(&[]));
        self.user_write(process, cx, records, bytes)?;
        done(list.len())
    }
}
