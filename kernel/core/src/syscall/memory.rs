//! Memory objects and mappings.

use weft_abi::{Error, HandleValue, Koid, MapFlags, PAGE_SIZE, ResourceKind, Rights, limits, vmo_options};

use super::{StepResult, done};
use crate::backend::{Backend, MemoryObject};
use crate::kernel::Kernel;
use crate::object::ObjectData;
use crate::process::Mapping;
use crate::vmo::Vmo;

fn page_round(size: usize) -> Result<usize, Error> {
    size.checked_add(PAGE_SIZE - 1).map(|s| s & !(PAGE_SIZE - 1)).ok_or(Error::OutOfRange)
}

impl<B: Backend> Kernel<B> {
    fn vmo(&self, koid: Koid) -> Result<&Vmo<B>, Error> {
        match &self.object(koid)?.data {
            ObjectData::Vmo(vmo) => Ok(vmo),
            _ => Err(Error::WrongType),
        }
    }

    pub(crate) fn sys_vmo_create(&mut self, process: Koid, size: usize, options: usize) -> StepResult {
        if options & !vmo_options::CONTIGUOUS != 0 {
            return Err(Error::InvalidArgs);
        }
        if size == 0 || size > limits::VMO_BYTES {
            return Err(Error::OutOfRange);
        }
        let size = page_round(size)?;
        let memory = self.backend.create_memory(size, options & vmo_options::CONTIGUOUS != 0)?;
        let koid = self.insert_vmo(memory, size, false);
        self.give_new(process, koid, Rights::DEFAULT_VMO)
    }

    pub(crate) fn sys_vmo_create_physical(
        &mut self,
        process: Koid,
        resource: HandleValue,
        base: u64,
        size: usize,
    ) -> StepResult {
        if size == 0 || !base.is_multiple_of(PAGE_SIZE as u64) || !size.is_multiple_of(PAGE_SIZE) {
            return Err(Error::InvalidArgs);
        }
        self.require_resource(process, resource, Rights::MANAGE, ResourceKind::Mmio, base, size as u64)?;
        let memory = self.backend.physical_memory(base, size)?;
        let koid = self.insert_vmo(memory, size, true);
        self.give_new(process, koid, Rights::DEFAULT_VMO)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn sys_vmo_transfer(
        &mut self,
        process: Koid,
        cx: &B::CallContext,
        handle: HandleValue,
        offset: usize,
        buffer: usize,
        len: usize,
        write: bool,
    ) -> StepResult {
        let needed = if write { Rights::WRITE } else { Rights::READ };
        let entry = self.handle(process, handle, needed)?;
        let vmo = self.vmo(entry.koid)?;
        let end = offset.checked_add(len).ok_or(Error::OutOfRange)?;
        if end > vmo.size {
            return Err(Error::OutOfRange);
        }
        // Copy through a bounded bounce buffer.
        const CHUNK: usize = 64 * 1024;
        let mut bounce = alloc::vec![0u8; len.min(CHUNK)];
        let mut done_bytes = 0;
        while done_bytes < len {
            let step = (len - done_bytes).min(CHUNK);
            let chunk = bounce.get_mut(..step).ok_or(Error::OutOfRange)?;
            if write {
                self.user_read(process, cx, buffer + done_bytes, chunk)?;
                self.vmo(entry.koid)?.memory.write(offset + done_bytes, chunk)?;
            } else {
                self.vmo(entry.koid)?.memory.read(offset + done_bytes, chunk)?;
                self.user_write(process, cx, buffer + done_bytes, chunk)?;
            }
            done_bytes += step;
        }
        done(len)
    }

    pub(crate) fn sys_vmo_size(&mut self, process: Koid, handle: HandleValue) -> StepResult {
        let entry = self.handle(process, handle, Rights::empty())?;
        done(self.vmo(entry.koid)?.size)
    }

    pub(crate) fn sys_vm_map(
        &mut self,
        process: Koid,
        handle: HandleValue,
        offset: usize,
        len: usize,
        flags: MapFlags,
    ) -> StepResult {
        if flags.contains(MapFlags::WRITE | MapFlags::EXECUTE) {
            // W^X: never writable and executable at once.
            return Err(Error::AccessDenied);
        }
        if flags.is_empty() || len == 0 || !offset.is_multiple_of(PAGE_SIZE) {
            return Err(Error::InvalidArgs);
        }
        let len = page_round(len)?;
        let mut needed = Rights::MAP;
        if flags.contains(MapFlags::READ) {
            needed |= Rights::READ;
        }
        if flags.contains(MapFlags::WRITE) {
            needed |= Rights::WRITE;
        }
        if flags.contains(MapFlags::EXECUTE) {
            needed |= Rights::EXECUTE;
        }
        let entry = self.handle(process, handle, needed)?;
        {
            let vmo = self.vmo(entry.koid)?;
            let end = offset.checked_add(len).ok_or(Error::OutOfRange)?;
            if end > vmo.size {
                return Err(Error::OutOfRange);
            }
            // W^X across mappings too: memory mapped executable anywhere may
            // not be mapped writable anywhere, and the reverse.
            if (flags.contains(MapFlags::WRITE) && vmo.executable_mappings > 0)
                || (flags.contains(MapFlags::EXECUTE) && vmo.writable_mappings > 0)
            {
                return Err(Error::AccessDenied);
            }
        }
        let address = {
            // Process and memory object are different entries; take the
            // process out while the backend borrows both.
            let mut target = self.objects.remove(&process).ok_or(Error::BadHandle)?;
            let result = match (&mut target.data, self.objects.get(&entry.koid).map(|o| &o.data)) {
                (ObjectData::Process(state), Some(ObjectData::Vmo(vmo))) => match state.space.as_mut() {
                    Some(space) => self.backend.map(space, &vmo.memory, offset, len, flags),
                    None => Err(Error::BadState),
                },
                _ => Err(Error::WrongType),
            };
            self.objects.insert(process, target);
            result?
        };
        if let ObjectData::Vmo(vmo) = &mut self.object_mut(entry.koid)?.data {
            vmo.mappings += 1;
            if flags.contains(MapFlags::WRITE) {
                vmo.writable_mappings += 1;
            }
            if flags.contains(MapFlags::EXECUTE) {
                vmo.executable_mappings += 1;
            }
        }
        self.process_mut(process)?.mappings.insert(address, Mapping { vmo: entry.koid, len, flags });
        done(address)
    }

    pub(crate) fn sys_vm_unmap(&mut self, process: Koid, address: usize, len: usize) -> StepResult {
        let Some(ObjectData::Process(target)) = self.objects.get_mut(&process).map(|o| &mut o.data) else {
            return Err(Error::WrongType);
        };
        let mapping = *target.mappings.get(&address).ok_or(Error::NotFound)?;
        if page_round(len)? != mapping.len {
            return Err(Error::InvalidArgs);
        }
        target.mappings.remove(&address);
        if let Some(space) = target.space.as_mut() {
            self.backend.unmap(space, address, mapping.len);
        }
        self.drop_mapping(mapping);
        done(0)
    }
}
