//! Shared-memory objects and their mappings.

use weft_abi::{Error, MapFlags, Rights};

use crate::handle::{Handle, handle_type};
use crate::sys;

handle_type!(
    /// A shared-memory object.
    Vmo
);

impl Vmo {
    /// A zeroed memory object of at least `size` bytes.
    pub fn create(size: usize) -> Result<Vmo, Error> {
        sys::vmo_create(size, 0).map(|h| Vmo(Handle::from_raw(h)))
    }

    /// Physically contiguous memory (device DMA).
    pub fn create_contiguous(size: usize) -> Result<Vmo, Error> {
        sys::vmo_create(size, weft_abi::vmo_options::CONTIGUOUS).map(|h| Vmo(Handle::from_raw(h)))
    }

    /// Size in bytes (page multiple).
    pub fn size(&self) -> Result<usize, Error> {
        sys::vmo_get_size(self.0.raw())
    }

    /// Copy bytes out.
    pub fn read(&self, offset: usize, out: &mut [u8]) -> Result<(), Error> {
        sys::vmo_read(self.0.raw(), offset, out)
    }

    /// Copy bytes in.
    pub fn write(&self, offset: usize, data: &[u8]) -> Result<(), Error> {
        sys::vmo_write(self.0.raw(), offset, data)
    }

    /// A handle that can only read and map read-only (what a compositor gets).
    pub fn read_only(&self) -> Result<Vmo, Error> {
        let rights = Rights::READ
            | Rights::MAP
            | Rights::WAIT
            | Rights::INSPECT
            | Rights::TRANSFER
            | Rights::DUPLICATE;
        self.0.duplicate(rights).map(Vmo)
    }

    /// Map `len` bytes at `offset` read-only.
    pub fn map_read(&self, offset: usize, len: usize) -> Result<Mapping, Error> {
        Mapping::new(self, offset, len, MapFlags::READ)
    }

    /// Map `len` bytes at `offset` readable and writable.
    pub fn map_write(&self, offset: usize, len: usize) -> Result<Mapping, Error> {
        Mapping::new(self, offset, len, MapFlags::READ | MapFlags::WRITE)
    }
}

/// A live mapping of a memory object; unmapped when dropped.
///
/// The bytes are shared with every other process that maps the object.
/// Protocols decide who may touch them when (a client draws into a buffer
/// only while it owns it; the compositor reads it only between present and
/// release), so slices handed out here follow that discipline.
#[derive(Debug)]
pub struct Mapping {
    address: usize,
    len: usize,
    flags: MapFlags,
}

impl Mapping {
    fn new(vmo: &Vmo, offset: usize, len: usize, flags: MapFlags) -> Result<Mapping, Error> {
        let address = sys::vm_map(vmo.0.raw(), offset, len, flags)?;
        Ok(Mapping { address, len, flags })
    }

    /// Mapped length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the mapping is empty (never, once made).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The user address.
    pub fn address(&self) -> usize {
        self.address
    }

    /// The mapped bytes.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: the kernel mapped `len` readable bytes at `address` for as
        // long as this value lives (it unmaps only on drop); the returned
        // borrow cannot outlive `self`.
        unsafe { core::slice::from_raw_parts(self.address as *const u8, self.len) }
    }

    /// The mapped bytes, writable. `None` for a read-only mapping.
    pub fn bytes_mut(&mut self) -> Option<&mut [u8]> {
        if !self.flags.contains(MapFlags::WRITE) {
            return None;
        }
        // SAFETY: as in `bytes`, and the mapping is writable; `&mut self`
        // ensures no other borrow from this mapping exists.
        Some(unsafe { core::slice::from_raw_parts_mut(self.address as *mut u8, self.len) })
    }

    /// Store a 32-bit value at `offset` with one volatile write (a device
    /// register). Fails outside the mapping, unaligned, or read-only.
    pub fn write_register(&mut self, offset: usize, value: u32) -> Result<(), Error> {
        if !self.flags.contains(MapFlags::WRITE)
            || !offset.is_multiple_of(4)
            || offset.saturating_add(4) > self.len
        {
            return Err(Error::OutOfRange);
        }
        // SAFETY: `offset..offset + 4` is inside the writable mapping
        // (checked above) and 4-byte aligned (mappings are page aligned);
        // `&mut self` ensures no borrow of these bytes is live.
        unsafe { core::ptr::write_volatile((self.address + offset) as *mut u32, value) };
        Ok(())
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        let _ = sys::vm_unmap(self.address, self.len);
    }
}
