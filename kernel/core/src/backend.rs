//! What a backend provides to the portable core.

use weft_abi::{Error, Instant, Koid, MapFlags};

/// Backing store of one memory object.
///
/// On hardware this is a set of physical pages; in hosted mode a block of
/// host memory. The core never sees addresses, only offsets.
pub trait MemoryObject {
    /// Size in bytes (a multiple of the page size).
    fn size(&self) -> usize;
    /// Copy `out.len()` bytes starting at `offset` out of the object.
    /// Fails with `OutOfRange` if the range does not fit.
    fn read(&self, offset: usize, out: &mut [u8]) -> Result<(), Error>;
    /// Copy `data` into the object at `offset`.
    fn write(&self, offset: usize, data: &[u8]) -> Result<(), Error>;
}

/// Where a loaded program starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageEntry {
    /// Entry address (hardware) or program index (hosted).
    pub entry: usize,
    /// Initial stack pointer, if the loader made a stack.
    pub stack: usize,
}

/// The services a backend gives the portable core.
///
/// Every method is called with the kernel lock held and must not block.
pub trait Backend: Sized {
    /// Backing store of a memory object.
    type Memory: MemoryObject;
    /// A process's address space (page tables, or a record of host mappings).
    type AddressSpace;
    /// Per-thread backend state (saved registers, or a host wake-up handle).
    type ThreadContext;
    /// Per-call context the backend passes into `Kernel::syscall` (for the
    /// hosted backend, the caller's buffers; for hardware, nothing).
    type CallContext;

    /// The monotonic clock, in nanoseconds since boot.
    fn now(&self) -> Instant;

    /// Allocate zeroed memory of `size` bytes (already page-rounded).
    fn create_memory(&mut self, size: usize, contiguous: bool) -> Result<Self::Memory, Error>;
    /// A memory object over a physical range (MMIO or DMA).
    fn physical_memory(&mut self, base: u64, size: usize) -> Result<Self::Memory, Error>;

    /// A new, empty address space.
    fn create_address_space(&mut self, process: Koid) -> Result<Self::AddressSpace, Error>;
    /// The process is gone: release its address space.
    fn destroy_address_space(&mut self, process: Koid, space: Self::AddressSpace);
    /// Map `len` bytes of `memory` at `offset` into `space`; returns the
    /// user address. `flags` is already checked for W^X and rights.
    fn map(
        &mut self,
        space: &mut Self::AddressSpace,
        memory: &Self::Memory,
        offset: usize,
        len: usize,
        flags: MapFlags,
    ) -> Result<usize, Error>;
    /// Remove a mapping previously returned by `map`.
    fn unmap(&mut self, space: &mut Self::AddressSpace, address: usize, len: usize);

    /// Copy bytes from the calling process's memory. Fails with `BadAddress`
    /// unless the whole range is readable user memory of that process.
    fn copy_from_user(
        &self,
        space: &Self::AddressSpace,
        context: &Self::CallContext,
        address: usize,
        out: &mut [u8],
    ) -> Result<(), Error>;
    /// Copy bytes into the calling process's memory. Fails with `BadAddress`
    /// unless the whole range is writable user memory of that process.
    fn copy_to_user(
        &self,
        space: &Self::AddressSpace,
        context: &Self::CallContext,
        address: usize,
        data: &[u8],
    ) -> Result<(), Error>;

    /// Verify a program image (signature, format) and load it into `space`.
    fn load_image(
        &mut self,
        process: Koid,
        space: &mut Self::AddressSpace,
        image: &Self::Memory,
        image_len: usize,
    ) -> Result<ImageEntry, Error>;

    /// Create the backend side of a thread. It must not run until
    /// `thread_ready` is called for it.
    fn create_thread(
        &mut self,
        process: Koid,
        thread: Koid,
        space: &mut Self::AddressSpace,
        entry: usize,
        stack: usize,
        argument: usize,
    ) -> Result<Self::ThreadContext, Error>;
    /// A thread became runnable (first start, or woken from a wait).
    fn thread_ready(&mut self, thread: Koid, context: &mut Self::ThreadContext);
    /// A thread has ended; release its backend state.
    fn thread_ended(&mut self, thread: Koid, context: Self::ThreadContext);

    /// The physical address of a contiguous memory object, if the backend
    /// has physical memory (device DMA). Hosted backends have none.
    fn physical_address(&self, memory: &Self::Memory) -> Option<u64> {
        let _ = memory;
        None
    }

    /// Write to the kernel's debug log.
    fn debug_write(&mut self, bytes: &[u8]);
    /// Mask or unmask an interrupt line.
    fn set_interrupt_masked(&mut self, vector: u32, masked: bool);
    /// Fill `out` with random bytes.
    fn fill_random(&mut self, out: &mut [u8]);
    /// Mix bytes a driver read from a hardware entropy source into the
    /// pool behind `fill_random` (`random_add`). The bytes may be chosen
    /// by an attacker: mixing must never make the pool weaker than it was
    /// (a hash-chain update, never a replacement).
    fn add_entropy(&mut self, bytes: &[u8]);
    /// The earliest kernel deadline changed (program the timer, or wake the
    /// host clock thread).
    fn next_deadline_changed(&mut self, deadline: Option<Instant>);
}
