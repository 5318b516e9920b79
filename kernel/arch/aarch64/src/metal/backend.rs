//! The [`Backend`] the portable kernel core runs on: frames, address
//! spaces, EL0 threads, the loader, the clock and interrupts.

use alloc::boxed::Box;
use alloc::format;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};

use ed25519_dalek::VerifyingKey;
use weft_abi::{Error, Instant, Koid, MapFlags};
use weft_kernel::{Backend, ImageEntry, MemoryObject};

use super::gic::Gic;
use super::loader::{Loader, Verified};
use super::memory::{DirectTables, PhysMemory};
use super::random::Entropy;
use super::{console, mmu, timer};
use crate::asid::{Asids, Refresh, Tag};
use crate::frame::Frame;
use crate::image;
use crate::paging::pte::{self, Access, MemoryKind, PAGE};
use crate::paging::table::{Table, UserAccess};
use crate::paging::user::{self, Regions};
use crate::ranges::{Range, RangeSet};

/// Largest program image the loader accepts.
pub const IMAGE_LIMIT: usize = 64 << 20;
/// Size of a main thread's stack.
pub const STACK_BYTES: u64 = 256 << 10;

/// What a thread needs to switch its address space in.
#[derive(Debug)]
pub struct SpaceHandle {
    root: u64,
    tag: AtomicU64,
}

impl SpaceHandle {
    /// Physical address of the level-0 table.
    pub fn root(&self) -> u64 {
        self.root
    }
}

/// A process's address space.
pub struct Space {
    table: Option<Table>,
    regions: Regions,
    /// Memory the loader placed (segments, some shared with every process
    /// running the same image; the main stack): lives as long as the space.
    owned: Vec<Arc<PhysMemory>>,
    handle: Arc<SpaceHandle>,
}

/// A thread's saved state.
pub struct ThreadState {
    /// Registers.
    pub frame: Frame,
    /// Its process's address space.
    pub space: Arc<SpaceHandle>,
    /// Blocked in a system call that must run again when it is woken.
    pub restart: bool,
}

/// The aarch64 backend.
pub struct Metal {
    gic: Gic,
    entropy: Entropy,
    asids: Asids,
    key: Option<VerifyingKey>,
    loader: Loader,
    ram: RangeSet<8>,
    /// The earliest kernel deadline.
    pub deadline: Option<Instant>,
    /// The thread most recently made ready (the IPC fast path runs it next).
    pub last_woken: Option<Koid>,
    /// The user space currently in TTBR0 (its root), if any.
    pub active_root: Option<u64>,
}

impl Metal {
    /// The backend over an initialised GIC, with the image-signing key.
    pub fn new(gic: Gic, seed: &[u8], key: Option<VerifyingKey>, ram: RangeSet<8>) -> Metal {
        Metal {
            gic,
            entropy: Entropy::new(seed),
            asids: Asids::new(),
            key,
            loader: Loader::default(),
            ram,
            deadline: None,
            last_woken: None,
            active_root: None,
        }
    }

    /// The interrupt controller.
    pub fn gic(&self) -> &Gic {
        &self.gic
    }

    /// Switch TTBR0 to `space` (refreshing its ASID).
    pub fn activate(&mut self, space: &SpaceHandle) {
        let mut tag = Tag::from_bits(space.tag.load(Ordering::Relaxed));
        let refresh = self.asids.refresh(&mut tag);
        space.tag.store(tag.to_bits(), Ordering::Relaxed);
        if refresh == Refresh::FlushAll {
            mmu::flush_all();
        }
        if refresh != Refresh::Current || self.active_root != Some(space.root) {
            mmu::switch_user(space.root, tag.asid());
            self.active_root = Some(space.root);
        }
    }

    fn asid_of(space: &Space) -> u16 {
        Tag::from_bits(space.handle.tag.load(Ordering::Relaxed)).asid()
    }

    /// Map `memory` page by page at `address` in `space`.
    fn map_at(
        space: &mut Space,
        memory: &PhysMemory,
        offset: usize,
        address: u64,
        len: u64,
        access: Access,
    ) -> Result<(), Error> {
        let table = space.table.as_mut().ok_or(Error::BadState)?;
        let mut done = 0;
        while done < len {
            let frame = memory.frame(offset + done as usize).ok_or(Error::OutOfRange)?;
            let result =
                pte::leaf(frame, 3, memory.kind(), access).map_err(|_| Error::AccessDenied).and_then(|d| {
                    table.map(&mut DirectTables, address + done, 3, d).map_err(|_| Error::NoMemory)
                });
            if let Err(error) = result {
                for page in (0..done).step_by(PAGE as usize) {
                    table.unmap(&mut DirectTables, address + page);
                }
                return Err(error);
            }
            done += PAGE;
        }
        super::registers::dsb_ishst();
        Ok(())
    }

    fn copy_user(
        space: &Space,
        address: usize,
        len: usize,
        access: UserAccess,
        mut each: impl FnMut(u64, usize, usize),
    ) -> Result<(), Error> {
        let table = space.table.as_ref().ok_or(Error::BadAddress)?;
        if !user::is_user_range(address as u64, len as u64) {
            return Err(Error::BadAddress);
        }
        // Check every page first, so a failed copy writes nothing.
        let mut at = address as u64 & !(PAGE - 1);
        let end = address as u64 + len as u64;
        while at < end {
            table.translate_user(&DirectTables, at, access).ok_or(Error::BadAddress)?;
            at += PAGE;
        }
        let mut done = 0;
        while done < len {
            let va = (address + done) as u64;
            let step = ((PAGE - va % PAGE) as usize).min(len - done);
            let physical = table.translate_user(&DirectTables, va, access).ok_or(Error::BadAddress)?;
            let kernel = crate::layout::direct(physical).ok_or(Error::BadAddress)?;
            each(kernel, done, step);
            done += step;
        }
        Ok(())
    }

    fn refuse_image(&mut self, process: Koid, why: &str) -> Error {
        console::write_bytes(
            format!("kernel: program image for process {process} refused: {why}\n").as_bytes(),
        );
        Error::BadImage
    }
}

impl Backend for Metal {
    type Memory = PhysMemory;
    type AddressSpace = Space;
    type ThreadContext = Box<ThreadState>;
    type CallContext = ();

    fn now(&self) -> Instant {
        timer::now()
    }

    fn create_memory(&mut self, size: usize, contiguous: bool) -> Result<PhysMemory, Error> {
        PhysMemory::allocate(size, contiguous)
    }

    fn physical_memory(&mut self, base: u64, size: usize) -> Result<PhysMemory, Error> {
        // RAM belongs to the frame allocator; only device ranges are handed
        // out as physical memory objects.
        if self.ram.overlaps(&Range::sized(base, size as u64)) {
            return Err(Error::AccessDenied);
        }
        Ok(PhysMemory::device(base, size))
    }

    fn create_address_space(&mut self, _process: Koid) -> Result<Space, Error> {
        let table = Table::new(&mut DirectTables).ok_or(Error::NoMemory)?;
        let handle = Arc::new(SpaceHandle { root: table.root(), tag: AtomicU64::new(0) });
        Ok(Space { table: Some(table), regions: Regions::new(), owned: Vec::new(), handle })
    }

    fn destroy_address_space(&mut self, _process: Koid, mut space: Space) {
        if self.active_root == Some(space.handle.root) {
            mmu::clear_user();
            self.active_root = None;
        }
        let tag = Tag::from_bits(space.handle.tag.load(Ordering::Relaxed));
        if tag.asid() != 0 {
            mmu::flush_asid(tag.asid());
        }
        self.asids.release(tag);
        if let Some(table) = space.table.take() {
            table.destroy(&mut DirectTables);
        }
        space.owned.clear();
    }

    fn map(
        &mut self,
        space: &mut Space,
        memory: &PhysMemory,
        offset: usize,
        len: usize,
        flags: MapFlags,
    ) -> Result<usize, Error> {
        let access = Access {
            write: flags.contains(MapFlags::WRITE),
            execute: flags.contains(MapFlags::EXECUTE),
            user: true,
        };
        if memory.kind() == MemoryKind::Device && access.execute {
            return Err(Error::AccessDenied);
        }
        let address = space.regions.allocate(len as u64).ok_or(Error::NoMemory)?;
        if let Err(error) = Self::map_at(space, memory, offset, address, len as u64, access) {
            space.regions.release(address);
            return Err(error);
        }
        Ok(address as usize)
    }

    fn unmap(&mut self, space: &mut Space, address: usize, len: usize) {
        let asid = Self::asid_of(space);
        space.regions.release(address as u64);
        let Some(table) = space.table.as_mut() else {
            return;
        };
        let pages = (len as u64).div_ceil(PAGE);
        for page in 0..pages {
            table.unmap(&mut DirectTables, address as u64 + page * PAGE);
        }
        if pages > 64 {
            mmu::flush_asid(asid);
        } else {
            for page in 0..pages {
                mmu::flush_page(asid, address as u64 + page * PAGE);
            }
        }
    }

    fn copy_from_user(
        &self,
        space: &Space,
        _context: &(),
        address: usize,
        out: &mut [u8],
    ) -> Result<(), Error> {
        let target = out.as_mut_ptr();
        Self::copy_user(space, address, out.len(), UserAccess::Read, |va, at, len| {
            // SAFETY: `va` is the direct-map address of user memory the
            // process may read (checked page by page against its tables);
            // `at + len` <= `out.len()`.
            unsafe { core::ptr::copy(va as *const u8, target.add(at), len) }
        })
    }

    fn copy_to_user(&self, space: &Space, _context: &(), address: usize, data: &[u8]) -> Result<(), Error> {
        let source = data.as_ptr();
        Self::copy_user(space, address, data.len(), UserAccess::Write, |va, at, len| {
            // SAFETY: as in `copy_from_user`, for memory the process may write.
            unsafe { core::ptr::copy(source.add(at), va as *mut u8, len) }
        })
    }

    fn load_image(
        &mut self,
        process: Koid,
        space: &mut Space,
        memory: &PhysMemory,
        image_len: usize,
    ) -> Result<ImageEntry, Error> {
        if image_len > IMAGE_LIMIT {
            return Err(self.refuse_image(process, "larger than the loader's limit"));
        }
        let Some(key) = self.key else {
            return Err(self.refuse_image(process, "the kernel has no image-signing key"));
        };
        if !self.loader.find(memory, image_len)? {
            let mut bytes = Vec::new();
            bytes.try_reserve_exact(image_len).map_err(|_| Error::NoMemory)?;
            bytes.resize(image_len, 0);
            memory.read(0, &mut bytes)?;
            let plan = match image::verify(&bytes, &key).and_then(image::plan) {
                Ok(plan) => plan,
                Err(error) => return Err(self.refuse_image(process, error.describe())),
            };
            self.loader.keep(Verified::new(bytes, plan)?);
        }
        let verified = self.loader.current().ok_or(Error::BadImage)?;
        let entry = verified.plan.entry as usize;
        for (index, segment) in verified.plan.segments.iter().enumerate() {
            let size = segment.page_end - segment.page_start;
            let backing = verified.backing(index)?;
            let access = Access { write: segment.access.write, execute: segment.access.execute, user: true };
            Self::map_at(space, &backing, 0, segment.page_start, size, access)?;
            space.owned.push(backing);
        }
        let stack = PhysMemory::allocate(STACK_BYTES as usize, false)?;
        Self::map_at(
            space,
            &stack,
            0,
            user::STACK_TOP - STACK_BYTES,
            STACK_BYTES,
            Access { write: true, execute: false, user: true },
        )?;
        space.owned.push(Arc::new(stack));
        Ok(ImageEntry { entry, stack: user::STACK_TOP as usize })
    }

    fn create_thread(
        &mut self,
        _process: Koid,
        _thread: Koid,
        space: &mut Space,
        entry: usize,
        stack: usize,
        argument: usize,
    ) -> Result<Box<ThreadState>, Error> {
        // A bad entry or stack faults the new thread at EL0, which kills
        // its process; the kernel never runs user addresses itself.
        Ok(Box::new(ThreadState {
            frame: Frame::new(entry as u64, (stack as u64) & !0xf, argument as u64),
            space: Arc::clone(&space.handle),
            restart: false,
        }))
    }

    fn thread_ready(&mut self, thread: Koid, _context: &mut Box<ThreadState>) {
        self.last_woken = Some(thread);
    }

    fn thread_ended(&mut self, _thread: Koid, _context: Box<ThreadState>) {}

    fn physical_address(&self, memory: &PhysMemory) -> Option<u64> {
        memory.contiguous_base()
    }

    fn debug_write(&mut self, bytes: &[u8]) {
        console::write_bytes(bytes);
    }

    fn set_interrupt_masked(&mut self, vector: u32, masked: bool) {
        // Private interrupts (the timer) are the kernel's alone.
        if (32..super::gic::SPURIOUS).contains(&vector) {
            self.gic.set_enabled(vector, !masked);
        }
    }

    fn fill_random(&mut self, out: &mut [u8]) {
        self.entropy.fill(out);
    }

    fn add_entropy(&mut self, bytes: &[u8]) {
        self.entropy.mix(bytes);
    }

    fn next_deadline_changed(&mut self, deadline: Option<Instant>) {
        self.deadline = deadline;
    }
}
