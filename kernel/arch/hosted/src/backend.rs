//! The hosted implementation of the kernel's `Backend` trait.

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Condvar};
use std::time::Instant as HostInstant;

use weft_abi::{Error, Instant, Koid, MapFlags};
use weft_kernel::{Backend, ImageEntry, MemoryObject};

use crate::memory::{HostMemory, HostSpace};
use crate::threads::{self, Start};
use crate::{DebugLog, Program};

/// A span of the caller's own memory that a system call may touch: the
/// buffers the runtime passed for this call. In hosted mode these stand in
/// for the checks a page-table walk makes on hardware.
#[derive(Clone, Copy, Debug, Default)]
pub struct Window {
    /// Host address of the first byte.
    pub address: usize,
    /// Length in bytes.
    pub len: usize,
    /// Whether the kernel may write to it.
    pub writable: bool,
}

/// The windows of one system call.
#[derive(Clone, Copy, Debug, Default)]
pub struct HostCall {
    windows: [Window; 8],
    count: usize,
}

impl HostCall {
    /// A call context with up to eight windows (extra windows are ignored,
    /// which can only make the call fail with `BadAddress`).
    pub fn new(windows: &[Window]) -> HostCall {
        let mut call = HostCall::default();
        for (slot, window) in call.windows.iter_mut().zip(windows) {
            *slot = *window;
            call.count += 1;
        }
        call
    }

    fn find(&self, address: usize, len: usize, write: bool) -> bool {
        let Some(end) = address.checked_add(len) else {
            return false;
        };
        self.windows
            .iter()
            .take(self.count)
            .any(|w| address >= w.address && end <= w.address.saturating_add(w.len) && (!write || w.writable))
    }
}

/// Per-thread state: the condition variable the thread parks on, and how
/// to start it.
pub struct HostThread {
    pub(crate) wake: Arc<Wake>,
    pub(crate) start: Option<Start>,
    pub(crate) process: Koid,
}

/// How a parked host thread is woken: a flag it can spin on briefly, and a
/// condition variable (used with the kernel lock) to sleep on.
#[derive(Default)]
pub struct Wake {
    pub(crate) ready: std::sync::atomic::AtomicBool,
    pub(crate) condvar: Condvar,
}

impl Wake {
    pub(crate) fn notify(&self) {
        self.ready.store(true, std::sync::atomic::Ordering::Release);
        self.condvar.notify_all();
    }
}

/// The hosted backend.
pub struct HostBackend {
    /// Threads made ready while the kernel lock was held; woken once it is
    /// released (so they do not wake only to block on the lock).
    pub(crate) pending_wakes: Vec<Arc<Wake>>,
    started: HostInstant,
    pub(crate) programs: Arc<std::sync::RwLock<Vec<Program>>>,
    pub(crate) closures: HashMap<usize, Box<dyn FnOnce() + Send>>,
    pub(crate) next_closure: usize,
    pub(crate) clock: Arc<Condvar>,
    pub(crate) log: DebugLog,
    pub(crate) shared: std::sync::Weak<crate::system::Shared>,
    /// Live host threads per process; address spaces of dead processes wait
    /// here until their last host thread has left.
    pub(crate) live_threads: HashMap<Koid, usize>,
    pub(crate) graveyard: BTreeMap<Koid, HostSpace>,
    /// Per-process runtime globals (see `process_local`).
    pub(crate) locals: HashMap<Koid, HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
    masked: BTreeMap<u32, bool>,
    /// Host device models, by device number (see `Hosted::register_device`).
    pub(crate) devices: BTreeMap<u64, Arc<dyn Any + Send + Sync>>,
}

/// Marks a hosted program image: the bytes `#!weft-hosted <name>\n`.
pub const IMAGE_MAGIC: &[u8] = b"#!weft-hosted ";

/// Entries of program main threads carry this bit; other entries are
/// closure tokens from `spawn_thread`.
const PROGRAM_ENTRY: usize = 1 << 62;

impl HostBackend {
    pub(crate) fn new(
        programs: Arc<std::sync::RwLock<Vec<Program>>>,
        clock: Arc<Condvar>,
        log: DebugLog,
        shared: std::sync::Weak<crate::system::Shared>,
    ) -> HostBackend {
        HostBackend {
            pending_wakes: Vec::new(),
            started: HostInstant::now(),
            programs,
            closures: HashMap::new(),
            next_closure: 1,
            clock,
            log,
            shared,
            live_threads: HashMap::new(),
            graveyard: BTreeMap::new(),
            locals: HashMap::new(),
            masked: BTreeMap::new(),
            devices: BTreeMap::new(),
        }
    }

    /// Whether an interrupt line is masked (tests).
    pub fn interrupt_masked(&self, vector: u32) -> bool {
        self.masked.get(&vector).copied().unwrap_or(true)
    }

    pub(crate) fn host_thread_started(&mut self, process: Koid) {
        *self.live_threads.entry(process).or_default() += 1;
    }

    pub(crate) fn host_thread_left(&mut self, process: Koid) {
        let remaining = match self.live_threads.get_mut(&process) {
            Some(count) => {
                *count = count.saturating_sub(1);
                *count
            }
            None => 0,
        };
        if remaining == 0 {
            self.live_threads.remove(&process);
            self.graveyard.remove(&process);
            self.locals.remove(&process);
        }
    }
}

impl Backend for HostBackend {
    type Memory = HostMemory;
    type AddressSpace = HostSpace;
    type ThreadContext = HostThread;
    type CallContext = HostCall;

    fn now(&self) -> Instant {
        self.started.elapsed().as_nanos() as Instant
    }

    fn create_memory(&mut self, size: usize, _contiguous: bool) -> Result<Self::Memory, Error> {
        HostMemory::new(size)
    }

    fn physical_memory(&mut self, _base: u64, _size: usize) -> Result<Self::Memory, Error> {
        // Hosted devices are modelled with ordinary memory objects.
        Err(Error::NotSupported)
    }

    fn create_address_space(&mut self, _process: Koid) -> Result<Self::AddressSpace, Error> {
        Ok(HostSpace::default())
    }

    fn destroy_address_space(&mut self, process: Koid, space: Self::AddressSpace) {
        // A host thread of the dead process may still be running user code
        // that touches its mappings; keep them until it has left.
        if self.live_threads.get(&process).copied().unwrap_or(0) > 0 {
            self.graveyard.insert(process, space);
        }
    }

    fn map(
        &mut self,
        space: &mut Self::AddressSpace,
        memory: &Self::Memory,
        offset: usize,
        len: usize,
        flags: MapFlags,
    ) -> Result<usize, Error> {
        space.map(memory, offset, len, flags)
    }

    fn unmap(&mut self, space: &mut Self::AddressSpace, address: usize, len: usize) {
        space.unmap(address, len);
    }

    fn copy_from_user(
        &self,
        space: &Self::AddressSpace,
        call: &Self::CallContext,
        address: usize,
        out: &mut [u8],
    ) -> Result<(), Error> {
        if !call.find(address, out.len(), false) && !space.allows(address, out.len(), MapFlags::READ) {
            return Err(Error::BadAddress);
        }
        // SAFETY: the range lies inside a buffer the calling thread passed
        // for this call (it is blocked in the call, so the buffer lives) or
        // inside memory mapped readable into its process (kept alive by the
        // address space). Raw copy: the memory may be shared.
        unsafe { std::ptr::copy(address as *const u8, out.as_mut_ptr(), out.len()) };
        Ok(())
    }

    fn copy_to_user(
        &self,
        space: &Self::AddressSpace,
        call: &Self::CallContext,
        address: usize,
        data: &[u8],
    ) -> Result<(), Error> {
        if !call.find(address, data.len(), true) && !space.allows(address, data.len(), MapFlags::WRITE) {
            return Err(Error::BadAddress);
        }
        // SAFETY: as in `copy_from_user`, for a writable window or mapping.
        unsafe { std::ptr::copy(data.as_ptr(), address as *mut u8, data.len()) };
        Ok(())
    }

    fn load_image(
        &mut self,
        _process: Koid,
        _space: &mut Self::AddressSpace,
        image: &Self::Memory,
        image_len: usize,
    ) -> Result<ImageEntry, Error> {
        let mut header = vec![0u8; image_len.min(128)];
        image.read(0, &mut header)?;
        let rest = header.strip_prefix(IMAGE_MAGIC).ok_or(Error::BadImage)?;
        let end = rest.iter().position(|&b| b == b'\n').ok_or(Error::BadImage)?;
        let name =
            std::str::from_utf8(rest.get(..end).ok_or(Error::BadImage)?).map_err(|_| Error::BadImage)?;
        let programs = self.programs.read().map_err(|_| Error::BadState)?;
        let index = programs.iter().position(|p| p.name == name).ok_or(Error::NotFound)?;
        Ok(ImageEntry { entry: PROGRAM_ENTRY | index, stack: 0 })
    }

    fn create_thread(
        &mut self,
        process: Koid,
        _thread: Koid,
        _space: &mut Self::AddressSpace,
        entry: usize,
        _stack: usize,
        argument: usize,
    ) -> Result<Self::ThreadContext, Error> {
        let start = if entry & PROGRAM_ENTRY != 0 {
            let programs = self.programs.read().map_err(|_| Error::BadState)?;
            let program = programs.get(entry & !PROGRAM_ENTRY).ok_or(Error::InvalidArgs)?;
            Start::Program {
                main: Arc::clone(&program.main),
                bootstrap: argument as u32,
                name: program.name.clone(),
            }
        } else {
            let closure = self.closures.remove(&entry).ok_or(Error::InvalidArgs)?;
            Start::Closure(closure)
        };
        Ok(HostThread { wake: Arc::new(Wake::default()), start: Some(start), process })
    }

    fn thread_ready(&mut self, thread: Koid, context: &mut Self::ThreadContext) {
        match context.start.take() {
            Some(start) => {
                self.host_thread_started(context.process);
                threads::spawn(self.shared.clone(), context.process, thread, start);
            }
            None => {
                context.wake.ready.store(true, std::sync::atomic::Ordering::Release);
                self.pending_wakes.push(Arc::clone(&context.wake));
            }
        }
    }

    fn thread_ended(&mut self, _thread: Koid, context: Self::ThreadContext) {
        // Wake it if parked: its next look at the kernel ends it.
        self.pending_wakes.push(context.wake);
    }

    fn debug_write(&mut self, bytes: &[u8]) {
        self.log.write(bytes);
    }

    fn set_interrupt_masked(&mut self, vector: u32, masked: bool) {
        self.masked.insert(vector, masked);
    }

    fn fill_random(&mut self, out: &mut [u8]) {
        if getrandom::fill(out).is_err() {
            // The host has no entropy source: fall back to the clock, which
            // is weak but never fails.
            let seed = self.now();
            for (index, byte) in out.iter_mut().enumerate() {
                *byte = (seed.rotate_left(index as u32 % 64) as u8) ^ (index as u8);
            }
        }
    }

    fn add_entropy(&mut self, _bytes: &[u8]) {
        // `fill_random` reads the host's own pool (getrandom) on every
        // request; hosted drivers have no entropy device to add, and a
        // process cannot feed the host's pool. Accepted and dropped.
    }

    fn next_deadline_changed(&mut self, _deadline: Option<Instant>) {
        self.clock.notify_all();
    }
}
