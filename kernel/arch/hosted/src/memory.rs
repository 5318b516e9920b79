//! Host memory standing in for physical pages, and per-process mapping
//! records that stand in for page tables.

use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::collections::BTreeMap;
use std::ptr::NonNull;
use std::sync::Arc;

use weft_abi::{Error, MapFlags, PAGE_SIZE};
use weft_kernel::MemoryObject;

/// A page-aligned, zeroed block of host memory backing one memory object.
///
/// Several processes (host threads) may map it and access it at once, as
/// with real shared memory; all access goes through raw pointers, never
/// through Rust references to the contents.
#[derive(Clone, Debug)]
pub struct HostMemory {
    block: Arc<Block>,
}

#[derive(Debug)]
struct Block {
    pointer: NonNull<u8>,
    layout: Layout,
}

// SAFETY: the block is plain bytes owned by this value; concurrent access
// from several threads is the nature of shared memory and happens only
// through raw-pointer copies, never through `&`/`&mut` to the contents.
unsafe impl Send for Block {}
// SAFETY: as above; `&HostMemory` only exposes raw-pointer copies.
unsafe impl Sync for Block {}

impl HostMemory {
    /// Allocate `size` zeroed bytes (`size` > 0, page multiple).
    pub fn new(size: usize) -> Result<HostMemory, Error> {
        let layout =
            Layout::from_size_align(size.max(PAGE_SIZE), PAGE_SIZE).map_err(|_| Error::OutOfRange)?;
        // SAFETY: the layout has non-zero size.
        let pointer = unsafe { alloc_zeroed(layout) };
        let pointer = NonNull::new(pointer).ok_or(Error::NoMemory)?;
        Ok(HostMemory { block: Arc::new(Block { pointer, layout }) })
    }

    /// Host address of the first byte.
    pub fn base(&self) -> usize {
        self.block.pointer.as_ptr() as usize
    }

    fn pointer(&self) -> *mut u8 {
        self.block.pointer.as_ptr()
    }

    fn check(&self, offset: usize, len: usize) -> Result<(), Error> {
        let end = offset.checked_add(len).ok_or(Error::OutOfRange)?;
        if end > self.block.layout.size() { Err(Error::OutOfRange) } else { Ok(()) }
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with exactly this layout.
        unsafe { dealloc(self.pointer.as_ptr(), self.layout) };
    }
}

impl MemoryObject for HostMemory {
    fn size(&self) -> usize {
        self.block.layout.size()
    }

    fn read(&self, offset: usize, out: &mut [u8]) -> Result<(), Error> {
        self.check(offset, out.len())?;
        // SAFETY: the range was checked to lie inside the allocation; `out`
        // is a distinct Rust buffer.
        unsafe { std::ptr::copy(self.pointer().add(offset), out.as_mut_ptr(), out.len()) };
        Ok(())
    }

    fn write(&self, offset: usize, data: &[u8]) -> Result<(), Error> {
        self.check(offset, data.len())?;
        // SAFETY: as in `read`, with the direction reversed.
        unsafe { std::ptr::copy(data.as_ptr(), self.pointer().add(offset), data.len()) };
        Ok(())
    }
}

/// One mapping in a hosted address space.
#[derive(Debug)]
struct Region {
    len: usize,
    flags: MapFlags,
    // Keeps the memory alive for as long as the mapping exists.
    _memory: HostMemory,
}

/// The record of what a hosted process has mapped. Addresses are the host
/// addresses of the memory itself, so mapping the same range twice in one
/// process is refused (it would alias one address).
#[derive(Debug, Default)]
pub struct HostSpace {
    regions: BTreeMap<usize, Region>,
}

impl HostSpace {
    pub(crate) fn map(
        &mut self,
        memory: &HostMemory,
        offset: usize,
        len: usize,
        flags: MapFlags,
    ) -> Result<usize, Error> {
        memory.check(offset, len)?;
        let address = memory.base() + offset;
        if self.overlaps(address, len) {
            return Err(Error::BadState);
        }
        self.regions.insert(address, Region { len, flags, _memory: memory.clone() });
        Ok(address)
    }

    pub(crate) fn unmap(&mut self, address: usize, _len: usize) {
        self.regions.remove(&address);
    }

    fn overlaps(&self, address: usize, len: usize) -> bool {
        let end = address.saturating_add(len);
        self.regions.range(..end).next_back().is_some_and(|(&start, region)| start + region.len > address)
    }

    /// Whether `[address, address + len)` lies inside one mapping with `flags`.
    pub(crate) fn allows(&self, address: usize, len: usize, flags: MapFlags) -> bool {
        let Some(end) = address.checked_add(len) else {
            return false;
        };
        match self.regions.range(..=address).next_back() {
            Some((&start, region)) => end <= start + region.len && region.flags.contains(flags),
            None => false,
        }
    }
}
