//! The `virtio-drivers` HAL over Weft memory objects.

use alloc::collections::BTreeMap;
use core::ptr::NonNull;

use virtio_drivers::{BufferDirection, Hal, PhysAddr};
use weft_abi::PAGE_SIZE;
use weft_rt::{Mapping, Resource, Vmo};

/// One DMA allocation: a contiguous memory object mapped into the driver.
struct Region {
    vmo: Vmo,
    mapping: Mapping,
    pages: usize,
}

struct Pool {
    /// Proves to the kernel that this process drives a device.
    resource: Resource,
    /// Live allocations by physical address.
    regions: BTreeMap<u64, Region>,
    /// One-page bounce buffers no longer shared, kept for the next share
    /// (a network driver shares a buffer per frame; making and freeing a
    /// memory object each time would cost several system calls).
    spare: alloc::vec::Vec<(u64, Region)>,
}

/// Most spare bounce pages kept.
const SPARE_PAGES: usize = 256;

static POOL: spin::Mutex<Option<Pool>> = spin::Mutex::new(None);

/// Make DMA possible: `resource` is (a duplicate of) the device's `mmio:`
/// resource, which entitles the process to physical addresses of its own
/// contiguous memory.
pub(crate) fn install(resource: Resource) {
    let mut pool = POOL.lock();
    if pool.is_none() {
        *pool = Some(Pool { resource, regions: BTreeMap::new(), spare: alloc::vec::Vec::new() });
    }
}

fn allocate(pages: usize) -> Option<(u64, NonNull<u8>)> {
    let mut guard = POOL.lock();
    let pool = guard.as_mut()?;
    let size = pages.checked_mul(PAGE_SIZE)?;
    let vmo = Vmo::create_contiguous(size).ok()?;
    let physical = pool.resource.physical_address(&vmo).ok()?;
    let mapping = vmo.map_write(0, size).ok()?;
    let virtual_address = NonNull::new(mapping.address() as *mut u8)?;
    pool.regions.insert(physical, Region { vmo, mapping, pages });
    Some((physical, virtual_address))
}

fn release(physical: u64) {
    if let Some(pool) = POOL.lock().as_mut() {
        pool.regions.remove(&physical);
    }
}

/// A one-page bounce buffer: a spare one if there is one (its old
/// contents are overwritten or never read), else a new one.
fn bounce_page() -> Option<(u64, NonNull<u8>)> {
    {
        let mut guard = POOL.lock();
        let pool = guard.as_mut()?;
        if let Some((physical, region)) = pool.spare.pop() {
            let address = NonNull::new(region.mapping.address() as *mut u8)?;
            pool.regions.insert(physical, region);
            return Some((physical, address));
        }
    }
    allocate(1)
}

/// Give a bounce buffer back: one page is kept for the next share.
fn release_bounce(physical: u64) {
    if let Some(pool) = POOL.lock().as_mut()
        && let Some(region) = pool.regions.remove(&physical)
        && region.pages == 1
        && pool.spare.len() < SPARE_PAGES
    {
        pool.spare.push((physical, region));
    }
}

/// A handle to the memory object behind a DMA allocation (the display
/// driver shares its framebuffer with the compositor this way).
pub fn dma_vmo(virtual_address: usize) -> Option<(Vmo, usize)> {
    let guard = POOL.lock();
    let pool = guard.as_ref()?;
    pool.regions.values().find_map(|region| {
        let start = region.mapping.address();
        let len = region.pages * PAGE_SIZE;
        (virtual_address >= start && virtual_address < start + len).then(|| {
            region
                .vmo
                .handle()
                .duplicate(weft_abi::Rights::SAME)
                .ok()
                .map(|h| (Vmo::from_handle(h), virtual_address - start))
        })?
    })
}

/// The HAL: DMA through contiguous memory objects, sharing through bounce
/// buffers.
pub struct WeftHal;

// SAFETY: `dma_alloc` returns zeroed, page-aligned memory that is mapped
// read/write in this process and whose physical address the kernel
// reported for that very object; it stays allocated (and never moves)
// until `dma_dealloc`. `share` returns the physical address of a bounce
// buffer holding a copy of the shared bytes, valid until `unshare`.
unsafe impl Hal for WeftHal {
    fn dma_alloc(pages: usize, _direction: BufferDirection) -> (PhysAddr, NonNull<u8>) {
        // A zero physical address tells virtio-drivers the allocation failed.
        allocate(pages.max(1))
            .map(|(physical, virtual_address)| (physical as PhysAddr, virtual_address))
            .unwrap_or((0, NonNull::dangling()))
    }

    unsafe fn dma_dealloc(paddr: PhysAddr, _vaddr: NonNull<u8>, _pages: usize) -> i32 {
        release(paddr);
        0
    }

    unsafe fn mmio_phys_to_virt(_paddr: PhysAddr, _size: usize) -> NonNull<u8> {
        // Only the PCI transport asks; Weft drivers map their registers
        // from their `mmio:` resource instead.
        NonNull::dangling()
    }

    unsafe fn share(buffer: NonNull<[u8]>, direction: BufferDirection) -> PhysAddr {
        let len = buffer.len();
        let pages = len.div_ceil(PAGE_SIZE).max(1);
        let Some((physical, bounce)) = (if pages == 1 { bounce_page() } else { allocate(pages) }) else {
            return 0;
        };
        if direction != BufferDirection::DeviceToDriver {
            // SAFETY: the caller guarantees `buffer` is valid for `len`
            // bytes; `bounce` was just mapped with at least `len` bytes.
            unsafe { core::ptr::copy_nonoverlapping(buffer.cast::<u8>().as_ptr(), bounce.as_ptr(), len) };
        }
        physical as PhysAddr
    }

    unsafe fn unshare(paddr: PhysAddr, buffer: NonNull<[u8]>, direction: BufferDirection) {
        let physical = paddr;
        if direction != BufferDirection::DriverToDevice {
            let guard = POOL.lock();
            if let Some(region) = guard.as_ref().and_then(|p| p.regions.get(&physical)) {
                let len = buffer.len().min(region.pages * PAGE_SIZE);
                // SAFETY: the bounce region is mapped for at least `len`
                // bytes; the caller guarantees `buffer` is valid and
                // unaliased for the call.
                unsafe {
                    core::ptr::copy_nonoverlapping(
                        region.mapping.address() as *const u8,
                        buffer.cast::<u8>().as_ptr(),
                        len,
                    )
                };
            }
        }
        release_bounce(physical);
    }
}
