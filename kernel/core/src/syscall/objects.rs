//! The kernel's own system calls: debug log, randomness (reading and
//! feeding the pool), information, resources, interrupts.

use alloc::vec::Vec;
use weft_abi::{BasicInfo, Error, HandleValue, InfoTopic, Koid, ResourceKind, Rights, Signals, limits};

use super::{StepResult, done};
use crate::backend::Backend;
use crate::kernel::Kernel;
use crate::object::{Interrupt, ObjectData};
use crate::store::ObjectStore;
use crate::user::Caller;

/// The interrupt object a handle names, and its vector.
fn interrupt_vector<B: Backend>(
    objects: &ObjectStore<B>,
    process: Koid,
    handle: HandleValue,
    rights: Rights,
) -> Result<(Koid, u32), Error> {
    let entry = objects.handle(process, handle, rights)?;
    match &objects.get(entry.koid)?.data {
        ObjectData::Interrupt(interrupt) => Ok((entry.koid, interrupt.vector)),
        _ => Err(Error::WrongType),
    }
}

impl<B: Backend> Kernel<B> {
    pub(crate) fn debug_write(&mut self, caller: Caller<'_, B>, buffer: usize, len: usize) -> StepResult {
        if len > limits::DEBUG_WRITE_BYTES {
            return Err(Error::OutOfRange);
        }
        let bytes = caller.user(&self.objects, &self.backend).read_vec(buffer, len)?;
        self.backend.debug_write(&bytes);
        done(len)
    }

    pub(crate) fn get_info(
        &mut self,
        caller: Caller<'_, B>,
        handle: HandleValue,
        topic: InfoTopic,
        buffer: usize,
        len: usize,
    ) -> StepResult {
        let entry = self.objects.handle(caller.process, handle, Rights::INSPECT)?;
        let object = self.objects.get(entry.koid)?;
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
                let record = self.objects.process_record(entry.koid)?;
                Vec::from(bytemuck::bytes_of(&record))
            }
            InfoTopic::Resource => match &object.data {
                ObjectData::Resource(resource) => {
                    let info = weft_abi::ResourceInfo {
                        kind: resource.kind as u32,
                        reserved: 0,
                        base: resource.base,
                        size: resource.size,
                    };
                    Vec::from(bytemuck::bytes_of(&info))
                }
                _ => return Err(Error::WrongType),
            },
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
        caller.user(&self.objects, &self.backend).write(buffer, &record)?;
        done(record.len())
    }

    pub(crate) fn resource_create(
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
        self.objects.resource(process, parent, Rights::MANAGE)?.require(kind, base, size)?;
        let koid = self.objects.create_resource(kind, base, size);
        done(self.objects.give_new(process, koid, Rights::DEFAULT | Rights::MANAGE)? as usize)
    }

    pub(crate) fn interrupt_create(
        &mut self,
        process: Koid,
        resource: HandleValue,
        vector: u32,
    ) -> StepResult {
        let irq = self.objects.resource(process, resource, Rights::MANAGE)?;
        irq.require(ResourceKind::Irq, u64::from(vector), 1)?;
        if self.objects.line(vector).is_some() {
            return Err(Error::BadState);
        }
        let koid = self.objects.insert(ObjectData::Interrupt(Interrupt { vector }), Signals::empty());
        let value = self.objects.give_new(process, koid, Rights::DEFAULT | Rights::MANAGE)?;
        self.objects.bind_line(vector, koid);
        self.backend.set_interrupt_masked(vector, false);
        done(value as usize)
    }

    pub(crate) fn interrupt_ack(&mut self, process: Koid, handle: HandleValue) -> StepResult {
        let (koid, vector) = interrupt_vector(&self.objects, process, handle, Rights::WRITE)?;
        self.objects.update_signals(koid, Signals::SIGNALED, Signals::empty());
        self.backend.set_interrupt_masked(vector, false);
        done(0)
    }

    pub(crate) fn interrupt_trigger(&mut self, process: Koid, handle: HandleValue) -> StepResult {
        let (_, vector) = interrupt_vector(&self.objects, process, handle, Rights::MANAGE)?;
        self.interrupt(vector);
        done(0)
    }

    pub(crate) fn random(&mut self, caller: Caller<'_, B>, buffer: usize, len: usize) -> StepResult {
        if len > limits::RANDOM_BYTES {
            return Err(Error::OutOfRange);
        }
        let mut bytes = alloc::vec![0u8; len];
        self.backend.fill_random(&mut bytes);
        caller.user(&self.objects, &self.backend).write(buffer, &bytes)?;
        done(len)
    }

    /// `random_add`: a driver mixes bytes from its device into the pool.
    /// Only holders of an `Mmio` (or the root) resource with `MANAGE` may:
    /// the bytes cannot weaken the pool (mixing is a hash-chain update),
    /// but feeding it is still a driver's job, and the check keeps every
    /// other program from spending kernel time on it.
    pub(crate) fn random_add(
        &mut self,
        caller: Caller<'_, B>,
        resource: HandleValue,
        buffer: usize,
        len: usize,
    ) -> StepResult {
        let kind = self.objects.resource(caller.process, resource, Rights::MANAGE)?.kind;
        if !matches!(kind, ResourceKind::Mmio | ResourceKind::Root) {
            return Err(Error::AccessDenied);
        }
        if len > limits::RANDOM_BYTES {
            return Err(Error::OutOfRange);
        }
        let bytes = caller.user(&self.objects, &self.backend).read_vec(buffer, len)?;
        self.backend.add_entropy(&bytes);
        done(len)
    }

    pub(crate) fn process_list(
        &mut self,
        caller: Caller<'_, B>,
        resource: HandleValue,
        records: usize,
        capacity: usize,
    ) -> StepResult {
        self.objects.resource(caller.process, resource, Rights::INSPECT)?.require(
            ResourceKind::Info,
            0,
            0,
        )?;
        let list = self.objects.process_records();
        let take = list.len().min(capacity);
        let bytes: &[u8] = bytemuck::cast_slice(list.get(..take).unwrap_or(&[]));
        caller.user(&self.objects, &self.backend).write(records, bytes)?;
        done(list.len())
    }
}
