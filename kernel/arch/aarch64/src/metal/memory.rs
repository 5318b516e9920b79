//! Physical memory at run time: the global frame allocator, memory objects
//! built from frames, user translation tables in frames, and the kernel
//! heap.

use alloc::vec::Vec;
use weft_abi::{Error, PAGE_SIZE};
use weft_kernel::MemoryObject;

use crate::frames::{FRAME, FrameAllocator};
use crate::layout::direct;
use crate::paging::pte::MemoryKind;
use crate::paging::table::TableMemory;
use crate::ranges::{Range, RangeSet};

static FRAMES: spin::Mutex<Option<FrameAllocator<'static>>> = spin::Mutex::new(None);

/// Where the kernel heap grows from when its first region is used up: more
/// contiguous frames (at least [`HEAP_GROWTH`] at a time), so the heap is
/// limited by RAM rather than a fixed size.
#[derive(Debug)]
pub struct GrowFromFrames;

/// Smallest step the kernel heap grows by.
pub const HEAP_GROWTH: u64 = 4 << 20;

// SAFETY: `acquire` takes frames from the frame allocator (its own lock,
// no heap allocation) and claims exactly those frames, which nothing else
// uses, through the direct map where they are mapped read/write.
unsafe impl talc::source::Source for GrowFromFrames {
    fn acquire<B: talc::base::binning::Binning>(
        talc: &mut talc::base::Talc<Self, B>,
        layout: core::alloc::Layout,
    ) -> Result<(), ()> {
        let wanted = (layout.size() as u64).saturating_add(layout.align() as u64 + 2 * FRAME);
        let bytes = wanted.max(HEAP_GROWTH).div_ceil(FRAME) * FRAME;
        let frame = FRAMES.lock().as_mut().ok_or(())?.allocate_contiguous(bytes / FRAME, 1).ok_or(())?;
        let base = direct(frame).ok_or(())?;
        // SAFETY: see the impl's comment.
        unsafe { talc.claim(base as *mut u8, bytes as usize) }.map(drop).ok_or(())
    }
}

/// The kernel heap.
#[global_allocator]
static HEAP: talc::TalcLock<spin::Mutex<()>, GrowFromFrames> = talc::TalcLock::new(GrowFromFrames);

/// Why memory could not be set up at boot.
#[derive(Clone, Copy, Debug)]
pub enum MemoryError {
    /// No room for the allocator's bitmap or the heap.
    TooLittle,
    /// The memory map has more pieces than the allocator tracks.
    TooFragmented,
}

/// Start the frame allocator over `ram` minus `reserved`, then carve out
/// and start the kernel heap. Returns `(frames managed, heap bytes)`.
///
/// # Safety
/// The direct map must cover `ram`; nothing in `ram` outside `reserved`
/// may be in use.
pub unsafe fn init(
    ram: &RangeSet<8>,
    reserved: &[Range],
    heap_bytes: u64,
) -> Result<(u64, u64), MemoryError> {
    let mut usable = RangeSet::<32>::new();
    for bank in ram.as_slice() {
        usable.insert(bank.align_inward(FRAME)).map_err(|_| MemoryError::TooFragmented)?;
    }
    for range in reserved {
        usable.remove(range.align_outward(FRAME)).map_err(|_| MemoryError::TooFragmented)?;
    }
    let words = FrameAllocator::bitmap_words(ram);
    let bitmap_bytes = ((words * 8) as u64).div_ceil(FRAME) * FRAME;
    let spot =
        usable.as_slice().iter().find(|r| r.size() >= bitmap_bytes).copied().ok_or(MemoryError::TooLittle)?;
    let bitmap_range = Range::sized(spot.start, bitmap_bytes);
    usable.remove(bitmap_range).map_err(|_| MemoryError::TooFragmented)?;
    let bitmap_va = direct(bitmap_range.start).ok_or(MemoryError::TooLittle)?;
    // SAFETY: the range is RAM in the direct map, removed from the usable
    // set above so no frame of it is ever handed out; it lives forever.
    let bitmap = unsafe { core::slice::from_raw_parts_mut(bitmap_va as *mut u64, words) };
    let mut frames = FrameAllocator::new(ram, bitmap).ok_or(MemoryError::TooLittle)?;
    for range in usable.as_slice() {
        frames.release(*range);
    }
    let heap_frames = heap_bytes / FRAME;
    let heap = frames.allocate_contiguous(heap_frames, 1).ok_or(MemoryError::TooLittle)?;
    let heap_va = direct(heap).ok_or(MemoryError::TooLittle)?;
    // SAFETY: the frames were just taken from the allocator for the heap's
    // exclusive use, forever; they are mapped read/write by the direct map.
    unsafe {
        HEAP.lock().claim(heap_va as *mut u8, heap_bytes as usize).ok_or(MemoryError::TooLittle)?;
    }
    let total = frames.total();
    *FRAMES.lock() = Some(frames);
    Ok((total, heap_bytes))
}

fn zero(frame: u64, count: u64) {
    if let Some(va) = direct(frame) {
        // SAFETY: freshly allocated frames, in the direct map, owned by the
        // caller and not yet shared.
        unsafe { core::ptr::write_bytes(va as *mut u8, 0, (count * FRAME) as usize) };
    }
}

/// One zeroed frame.
pub fn allocate_frame() -> Option<u64> {
    let frame = FRAMES.lock().as_mut()?.allocate()?;
    zero(frame, 1);
    Some(frame)
}

/// `count` zeroed, physically contiguous frames.
pub fn allocate_contiguous(count: u64) -> Option<u64> {
    let frame = FRAMES.lock().as_mut()?.allocate_contiguous(count, 1)?;
    zero(frame, count);
    Some(frame)
}

/// Give frames back.
pub fn free_frames(frame: u64, count: u64) {
    if let Some(frames) = FRAMES.lock().as_mut() {
        // A refused free is a kernel bookkeeping bug; leaking is the safe
        // answer.
        let _ = frames.free_frames(frame, count);
    }
}

/// Hand a boot-time reservation (the initrd, once copied) to the allocator.
pub fn release(range: Range) {
    if let Some(frames) = FRAMES.lock().as_mut() {
        frames.release(range);
    }
}

/// A boot-time physical range (the initrd) as bytes, through the direct map.
pub fn physical_slice(range: Range) -> Option<&'static [u8]> {
    let start = direct(range.start)?;
    direct(range.end.checked_sub(1)?)?;
    // SAFETY: the range is reserved RAM (the allocator never hands it out
    // until `release`), mapped read/write by the direct map; callers only
    // read it before releasing it.
    Some(unsafe { core::slice::from_raw_parts(start as *const u8, range.size() as usize) })
}

/// (free, total) frames.
pub fn frame_counts() -> (u64, u64) {
    FRAMES.lock().as_ref().map_or((0, 0), |f| (f.free(), f.total()))
}

/// What backs a memory object.
#[derive(Debug)]
enum Backing {
    /// Scattered frames, one per page.
    Frames(Vec<u64>),
    /// A physically contiguous run.
    Contiguous { base: u64, frames: u64 },
    /// Device registers (not RAM; never freed).
    Device { base: u64 },
}

/// The backing store of one memory object.
#[derive(Debug)]
pub struct PhysMemory {
    backing: Backing,
    size: usize,
}

impl PhysMemory {
    /// `size` zeroed bytes (a page multiple).
    pub fn allocate(size: usize, contiguous: bool) -> Result<PhysMemory, Error> {
        let count = (size / PAGE_SIZE) as u64;
        if count == 0 {
            return Err(Error::InvalidArgs);
        }
        if contiguous {
            let base = allocate_contiguous(count).ok_or(Error::NoMemory)?;
            return Ok(PhysMemory { backing: Backing::Contiguous { base, frames: count }, size });
        }
        let mut frames = Vec::new();
        frames.try_reserve_exact(count as usize).map_err(|_| Error::NoMemory)?;
        let memory = PhysMemory { backing: Backing::Frames(frames), size: 0 };
        let mut memory = memory;
        for _ in 0..count {
            let frame = allocate_frame().ok_or(Error::NoMemory)?;
            if let Backing::Frames(list) = &mut memory.backing {
                list.push(frame);
            }
            memory.size += PAGE_SIZE;
        }
        Ok(memory)
    }

    /// Device registers at `base` (page aligned, not RAM).
    pub fn device(base: u64, size: usize) -> PhysMemory {
        PhysMemory { backing: Backing::Device { base }, size }
    }

    /// The physical frame holding byte `offset`.
    pub fn frame(&self, offset: usize) -> Option<u64> {
        if offset >= self.size {
            return None;
        }
        let page = (offset / PAGE_SIZE) as u64;
        match &self.backing {
            Backing::Frames(list) => list.get(page as usize).copied(),
            Backing::Contiguous { base, .. } | Backing::Device { base } => Some(base + page * FRAME),
        }
    }

    /// How it must be mapped.
    pub fn kind(&self) -> MemoryKind {
        match self.backing {
            Backing::Device { .. } => MemoryKind::Device,
            _ => MemoryKind::Normal,
        }
    }

    /// The physical address of a contiguous object (DMA).
    pub fn contiguous_base(&self) -> Option<u64> {
        match self.backing {
            Backing::Contiguous { base, .. } => Some(base),
            _ => None,
        }
    }

    fn copy(&self, offset: usize, len: usize, mut each: impl FnMut(u64, usize, usize)) -> Result<(), Error> {
        if matches!(self.backing, Backing::Device { .. }) {
            return Err(Error::NotSupported);
        }
        let end = offset.checked_add(len).ok_or(Error::OutOfRange)?;
        if end > self.size {
            return Err(Error::OutOfRange);
        }
        let mut done = 0;
        while done < len {
            let at = offset + done;
            let in_page = at % PAGE_SIZE;
            let step = (PAGE_SIZE - in_page).min(len - done);
            let frame = self.frame(at).ok_or(Error::OutOfRange)?;
            let va = direct(frame + in_page as u64).ok_or(Error::OutOfRange)?;
            each(va, done, step);
            done += step;
        }
        Ok(())
    }
}

impl Drop for PhysMemory {
    fn drop(&mut self) {
        match &self.backing {
            Backing::Frames(list) => {
                for &frame in list {
                    free_frames(frame, 1);
                }
            }
            Backing::Contiguous { base, frames } => free_frames(*base, *frames),
            Backing::Device { .. } => {}
        }
    }
}

impl MemoryObject for PhysMemory {
    fn size(&self) -> usize {
        self.size
    }

    fn read(&self, offset: usize, out: &mut [u8]) -> Result<(), Error> {
        let target = out.as_mut_ptr();
        self.copy(offset, out.len(), |va, at, len| {
            // SAFETY: `va` maps `len` bytes of a frame this object owns
            // (checked by `copy`); `at + len` <= `out.len()`. Raw copy:
            // other processes may map the frame.
            unsafe { core::ptr::copy(va as *const u8, target.add(at), len) }
        })
    }

    fn write(&self, offset: usize, data: &[u8]) -> Result<(), Error> {
        let source = data.as_ptr();
        self.copy(offset, data.len(), |va, at, len| {
            // SAFETY: as in `read`, with the direction reversed.
            unsafe { core::ptr::copy(source.add(at), va as *mut u8, len) }
        })
    }
}

/// User translation tables in frames, edited through the direct map.
pub struct DirectTables;

impl TableMemory for DirectTables {
    fn allocate_table(&mut self) -> Option<u64> {
        allocate_frame()
    }

    fn free_table(&mut self, table: u64) {
        free_frames(table, 1);
    }

    fn read(&self, table: u64, index: usize) -> u64 {
        match direct(table) {
            // SAFETY: `table` is a table frame from `allocate_table` (the
            // walker only follows descriptors it wrote), so it is RAM in the
            // direct map; `index` < 512.
            Some(va) => unsafe { (va as *const u64).add(index % 512).read_volatile() },
            None => 0,
        }
    }

    fn write(&mut self, table: u64, index: usize, value: u64) {
        if let Some(va) = direct(table) {
            // SAFETY: as in `read`.
            unsafe { (va as *mut u64).add(index % 512).write_volatile(value) }
        }
    }
}
