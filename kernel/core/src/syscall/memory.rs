//! The memory path's system calls: memory objects, copies in and out, mapping and unmapping.

use weft_abi::{Error, HandleValue, Koid, MapFlags, PAGE_SIZE, ResourceKind, Rights, limits, vmo_options};

use super::{StepResult, done};
use crate::backend::{Backend, MemoryObject};
use crate::object::ObjectData;
use crate::process::Mapping;
use crate::store::ObjectStore;
use crate::user::Caller;
use crate::vmo::{Memory, Vmo};

fn page_round(size: usize) -> Result<usize, Error> {
    size.checked_add(PAGE_SIZE - 1).map(|s| s & !(PAGE_SIZE - 1)).ok_or(Error::OutOfRange)
}

impl Memory {
    fn vmo<B: Backend>(objects: &ObjectStore<B>, koid: Koid) -> Result<&Vmo<B>, Error> {
        match &objects.get(koid)?.data {
            ObjectData::Vmo(vmo) => Ok(vmo),
            _ => Err(Error::WrongType),
        }
    }

    /// `vmo_create`.
    pub(crate) fn create<B: Backend>(
        objects: &mut ObjectStore<B>,
        backend: &mut B,
        process: Koid,
        size: usize,
        options: usize,
    ) -> StepResult {
        if options & !vmo_options::CONTIGUOUS != 0 {
            return Err(Error::InvalidArgs);
        }
        if size == 0 || size > limits::VMO_BYTES {
            return Err(Error::OutOfRange);
        }
        let size = page_round(size)?;
        let memory = backend.create_memory(size, options & vmo_options::CONTIGUOUS != 0)?;
        let koid = Self::insert(objects, memory, size, false);
        done(objects.give_new(process, koid, Rights::DEFAULT_VMO)? as usize)
    }

    /// `vmo_create_physical`: a memory object over an MMIO range the
    /// caller's resource covers.
    pub(crate) fn create_physical<B: Backend>(
        objects: &mut ObjectStore<B>,
        backend: &mut B,
        process: Koid,
        resource: HandleValue,
        base: u64,
        size: usize,
    ) -> StepResult {
        if size == 0 {
            return Err(Error::InvalidArgs);
        }
        objects.resource(process, resource, Rights::MANAGE)?.require(
            ResourceKind::Mmio,
            base,
            size as u64,
        )?;
        // The MMU maps whole pages: a range covering part of a page (a
        // virtio-mmio transport is 0x200 bytes) yields the pages holding it,
        // starting at the first one.
        let page = PAGE_SIZE as u64;
        let start = base & !(page - 1);
        let end = base
            .checked_add(size as u64)
            .and_then(|end| end.checked_add(page - 1))
            .ok_or(Error::OutOfRange)?
            & !(page - 1);
        let size = usize::try_from(end - start).map_err(|_| Error::OutOfRange)?;
        if size > limits::VMO_BYTES {
            return Err(Error::OutOfRange);
        }
        let memory = backend.physical_memory(start, size)?;
        let koid = Self::insert(objects, memory, size, true);
        done(objects.give_new(process, koid, Rights::DEFAULT_VMO)? as usize)
    }

    /// `vmo_physical_address`, for device DMA.
    pub(crate) fn physical_address<B: Backend>(
        objects: &ObjectStore<B>,
        backend: &B,
        process: Koid,
        handle: HandleValue,
        resource: HandleValue,
    ) -> StepResult {
        let kind = objects.resource(process, resource, Rights::MANAGE)?.kind;
        if !matches!(kind, ResourceKind::Mmio | ResourceKind::Root) {
            return Err(Error::AccessDenied);
        }
        let entry = objects.handle(process, handle, Rights::READ)?;
        let vmo = Self::vmo(objects, entry.koid)?;
        let address = backend.physical_address(&vmo.memory).ok_or(Error::NotSupported)?;
        done(usize::try_from(address).map_err(|_| Error::OutOfRange)?)
    }

    /// `vmo_read` and `vmo_write`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn transfer<B: Backend>(
        objects: &ObjectStore<B>,
        backend: &B,
        caller: Caller<'_, B>,
        handle: HandleValue,
        offset: usize,
        buffer: usize,
        len: usize,
        write: bool,
    ) -> StepResult {
        let needed = if write { Rights::WRITE } else { Rights::READ };
        let entry = objects.handle(caller.process, handle, needed)?;
        let vmo = Self::vmo(objects, entry.koid)?;
        let end = offset.checked_add(len).ok_or(Error::OutOfRange)?;
        if end > vmo.size {
            return Err(Error::OutOfRange);
        }
        let user = caller.user(objects, backend);
        // Copy through a bounded bounce buffer.
        const CHUNK: usize = 64 * 1024;
        let mut bounce = alloc::vec![0u8; len.min(CHUNK)];
        let mut done_bytes = 0;
        while done_bytes < len {
            let step = (len - done_bytes).min(CHUNK);
            let chunk = bounce.get_mut(..step).ok_or(Error::OutOfRange)?;
            if write {
                user.read(buffer + done_bytes, chunk)?;
                vmo.memory.write(offset + done_bytes, chunk)?;
            } else {
                vmo.memory.read(offset + done_bytes, chunk)?;
                user.write(buffer + done_bytes, chunk)?;
            }
            done_bytes += step;
        }
        done(len)
    }

    /// `vmo_get_size`.
    pub(crate) fn size<B: Backend>(
        objects: &ObjectStore<B>,
        process: Koid,
        handle: HandleValue,
    ) -> StepResult {
        let entry = objects.handle(process, handle, Rights::empty())?;
        done(Self::vmo(objects, entry.koid)?.size)
    }

    /// `vm_map`: never writable and executable at once, here or across
    /// mappings; the handle must carry the rights the flags use.
    pub(crate) fn map<B: Backend>(
        objects: &mut ObjectStore<B>,
        backend: &mut B,
        process: Koid,
        handle: HandleValue,
        offset: usize,
        len: usize,
        flags: MapFlags,
    ) -> StepResult {
        if flags.contains(MapFlags::WRITE | MapFlags::EXECUTE) {
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
        let entry = objects.handle(process, handle, needed)?;
        {
            let vmo = Self::vmo(objects, entry.koid)?;
            let end = offset.checked_add(len).ok_or(Error::OutOfRange)?;
            if end > vmo.size {
                return Err(Error::OutOfRange);
            }
            if !vmo.may_map(flags) {
                return Err(Error::AccessDenied);
            }
        }
        let address = objects.with_space_and_vmo(process, entry.koid, |space, vmo| {
            backend.map(space, &vmo.memory, offset, len, flags)
        })?;
        if let ObjectData::Vmo(vmo) = &mut objects.get_mut(entry.koid)?.data {
            vmo.add_mapping(flags);
        }
        objects.process_mut(process)?.mappings.insert(address, Mapping { vmo: entry.koid, len, flags });
        done(address)
    }

    /// `vm_unmap`: exactly one whole mapping.
    pub(crate) fn unmap<B: Backend>(
        objects: &mut ObjectStore<B>,
        backend: &mut B,
        process: Koid,
        address: usize,
        len: usize,
    ) -> StepResult {
        let target = objects.process_mut(process).map_err(|_| Error::WrongType)?;
        let mapping = *target.mappings.get(&address).ok_or(Error::NotFound)?;
        if page_round(len)? != mapping.len {
            return Err(Error::InvalidArgs);
        }
        target.mappings.remove(&address);
        if let Some(space) = target.space.as_mut() {
            backend.unmap(space, address, mapping.len);
        }
        Self::drop_mapping(objects, mapping);
        done(0)
    }
}
