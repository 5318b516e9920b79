//! The kernel's own translation tables: built once at boot from the
//! device tree, then switched to. Also TLB maintenance and the TTBR0
//! switch for user address spaces.
//!
//! The boot code (`asm/head.S`) runs the kernel from temporary 2 MiB
//! read/write/execute blocks. Here the final tables replace them: the
//! image mapped page by page with text read-only + executable, rodata
//! read-only, data and bss read/write and never executable, an unmapped
//! guard page under the boot stack, the direct map of RAM (read/write,
//! never executable, with a hole where the image lives so no alias of the
//! kernel text is writable), and the few devices the kernel drives itself.
//! `SCTLR_EL1.WXN` is then set so the hardware also refuses to execute any
//! writable page.

use crate::devicetree::BoardInfo;
use crate::layout::{DEVICE_MAP, DIRECT_MAP, DIRECT_MAP_SIZE, KERNEL_BASE};
use crate::paging::pte::{self, Access, BLOCK_2M, MemoryKind, PAGE};
use crate::paging::table::{Table, TableMemory};
use crate::ranges::Range;

use super::registers::{dsb_ish, dsb_ishst, isb, read, write};

unsafe extern "C" {
    static __kernel_start: u8;
    static __text_end: u8;
    static __rodata_end: u8;
    static __boot_stack_guard: u8;
    static __kernel_end: u8;
}

/// Where the kernel image's sections are.
#[derive(Clone, Copy, Debug)]
pub struct ImageLayout {
    /// Physical load address.
    pub load: u64,
    /// Virtual start (the link address).
    pub start: u64,
    /// End of text.
    pub text_end: u64,
    /// End of read-only data.
    pub rodata_end: u64,
    /// The boot-stack guard page.
    pub guard: u64,
    /// End of the image (bss included).
    pub end: u64,
}

impl ImageLayout {
    /// The layout from the linker's symbols.
    pub fn current(load: u64) -> ImageLayout {
        ImageLayout {
            load,
            start: (&raw const __kernel_start) as u64,
            text_end: (&raw const __text_end) as u64,
            rodata_end: (&raw const __rodata_end) as u64,
            guard: (&raw const __boot_stack_guard) as u64,
            end: ((&raw const __kernel_end) as u64).div_ceil(PAGE) * PAGE,
        }
    }

    /// The physical range the image occupies.
    pub fn physical(&self) -> Range {
        Range::sized(self.load, self.end - self.start)
    }

    fn physical_of(&self, va: u64) -> u64 {
        va - KERNEL_BASE + self.load
    }
}

const POOL_FRAMES: usize = 96;

#[repr(C, align(4096))]
struct Frame([u64; 512]);

/// Table frames for the kernel's own tables, inside the image's .bss (so
/// they are reachable before the direct map exists).
#[unsafe(link_section = ".bss.boot_pool")]
static mut POOL: [Frame; POOL_FRAMES] = [const { Frame([0; 512]) }; POOL_FRAMES];

struct BootPool {
    layout: ImageLayout,
    next: usize,
}

impl BootPool {
    fn virtual_of(&self, table: u64) -> *mut u64 {
        (table - self.layout.load + KERNEL_BASE) as *mut u64
    }
}

impl TableMemory for BootPool {
    fn allocate_table(&mut self) -> Option<u64> {
        if self.next >= POOL_FRAMES {
            return None;
        }
        // SAFETY: only the address of one pool frame is taken; the frames
        // are used by this builder alone, once, at boot.
        let va = unsafe { (&raw mut POOL[self.next]) as u64 };
        self.next += 1;
        Some(self.layout.physical_of(va))
    }

    fn free_table(&mut self, _table: u64) {}

    fn read(&self, table: u64, index: usize) -> u64 {
        // SAFETY: `table` came from `allocate_table`, so it is a pool frame
        // mapped at its link address; `index` < 512 by the walker.
        unsafe { self.virtual_of(table).add(index % 512).read_volatile() }
    }

    fn write(&mut self, table: u64, index: usize, value: u64) {
        // SAFETY: as in `read`.
        unsafe { self.virtual_of(table).add(index % 512).write_volatile(value) }
    }
}

/// Why the kernel's tables could not be built.
#[derive(Clone, Copy, Debug)]
pub enum MmuError {
    /// The boot pool ran out of table frames.
    OutOfTables,
    /// RAM lies beyond what the direct map covers.
    RamTooHigh,
}

/// Kernel virtual addresses of the devices the kernel drives.
#[derive(Clone, Copy, Debug)]
pub struct DeviceMappings {
    /// The console UART's registers.
    pub uart: Option<u64>,
    /// GIC distributor.
    pub gic_distributor: Option<u64>,
    /// GIC CPU interface (v2) or redistributors (v3).
    pub gic_cpu: Option<u64>,
    /// Each matched device's registers, in `BoardInfo::devices` order
    /// (read only at boot, to probe virtio transports).
    pub devices: [u64; crate::devicetree::MAX_DEVICES],
}

/// The built tables, ready to switch to.
pub struct KernelSpace {
    table: Table,
    empty_user: u64,
    /// Device mappings.
    pub devices: DeviceMappings,
}

fn map_page(
    table: &mut Table,
    pool: &mut BootPool,
    va: u64,
    pa: u64,
    kind: MemoryKind,
    access: Access,
) -> Result<(), MmuError> {
    let descriptor = pte::leaf(pa, 3, kind, access).map_err(|_| MmuError::OutOfTables)?;
    table.map(pool, va, 3, descriptor).map_err(|_| MmuError::OutOfTables)
}

/// Build the kernel's final tables.
pub fn build(info: &BoardInfo, layout: ImageLayout) -> Result<KernelSpace, MmuError> {
    let mut pool = BootPool { layout, next: 0 };
    let mut table = Table::new(&mut pool).ok_or(MmuError::OutOfTables)?;
    let empty_user = pool.allocate_table().ok_or(MmuError::OutOfTables)?;

    // The image, section by section.
    let mut va = layout.start;
    while va < layout.end {
        let access = if va < layout.text_end {
            Access::KERNEL_EXECUTE
        } else if va < layout.rodata_end {
            Access::KERNEL_READ
        } else {
            Access::KERNEL_WRITE
        };
        if va != layout.guard {
            map_page(&mut table, &mut pool, va, layout.physical_of(va), MemoryKind::Normal, access)?;
        }
        va += PAGE;
    }

    // The direct map: RAM minus the image.
    let hole = layout.physical().align_outward(PAGE);
    for bank in info.memory.as_slice() {
        let bank = bank.align_inward(PAGE);
        if bank.end > DIRECT_MAP_SIZE {
            return Err(MmuError::RamTooHigh);
        }
        let mut pa = bank.start;
        while pa < bank.end {
            let block = Range::sized(pa, BLOCK_2M);
            if pa % BLOCK_2M == 0 && block.end <= bank.end && !block.overlaps(&hole) {
                let descriptor = pte::leaf(pa, 2, MemoryKind::Normal, Access::KERNEL_WRITE)
                    .map_err(|_| MmuError::OutOfTables)?;
                table.map(&mut pool, DIRECT_MAP + pa, 2, descriptor).map_err(|_| MmuError::OutOfTables)?;
                pa += BLOCK_2M;
                continue;
            }
            if !hole.overlaps(&Range::sized(pa, PAGE)) {
                map_page(
                    &mut table,
                    &mut pool,
                    DIRECT_MAP + pa,
                    pa,
                    MemoryKind::Normal,
                    Access::KERNEL_WRITE,
                )?;
            }
            pa += PAGE;
        }
    }

    // Devices the kernel drives.
    let mut next_device = DEVICE_MAP;
    let mut map_device = |range: Range, table: &mut Table, pool: &mut BootPool| {
        let outer = range.align_outward(PAGE);
        let base = next_device + (range.start - outer.start);
        let mut pa = outer.start;
        while pa < outer.end {
            map_page(table, pool, next_device, pa, MemoryKind::Device, Access::KERNEL_WRITE)?;
            next_device += PAGE;
            pa += PAGE;
        }
        next_device += PAGE; // guard between devices
        Ok::<u64, MmuError>(base)
    };
    let mut devices = DeviceMappings {
        uart: None,
        gic_distributor: None,
        gic_cpu: None,
        devices: [0; crate::devicetree::MAX_DEVICES],
    };
    if let Some(uart) = info.uart {
        devices.uart = Some(map_device(uart.registers, &mut table, &mut pool)?);
    }
    if let Some(gic) = info.gic {
        devices.gic_distributor = Some(map_device(gic.distributor, &mut table, &mut pool)?);
        devices.gic_cpu = Some(map_device(gic.cpu, &mut table, &mut pool)?);
    }
    for (slot, device) in devices.devices.iter_mut().zip(info.devices()) {
        *slot = map_device(device.registers, &mut table, &mut pool)?;
    }
    Ok(KernelSpace { table, empty_user, devices })
}

static EMPTY_USER_TABLE: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0);

const SCTLR_WXN: u64 = 1 << 19;

/// Switch to the final tables and turn on hardware W^X.
///
/// # Safety
/// `space` must have been built by [`build`] for the running image; every
/// address the kernel uses afterwards must be mapped by it (the boot
/// identity map disappears).
pub unsafe fn activate(space: &KernelSpace) {
    dsb_ishst();
    EMPTY_USER_TABLE.store(space.empty_user, core::sync::atomic::Ordering::Relaxed);
    write!("ttbr1_el1", space.table.root());
    write!("ttbr0_el1", space.empty_user);
    let sctlr = read!("sctlr_el1");
    write!("sctlr_el1", sctlr | SCTLR_WXN);
    isb();
    flush_all();
}

/// Invalidate every TLB entry on this core's inner-shareable domain.
pub fn flush_all() {
    // SAFETY: TLB maintenance only drops cached translations.
    unsafe { core::arch::asm!("tlbi vmalle1is", options(nostack, preserves_flags)) };
    dsb_ish();
    isb();
}

/// Invalidate the translation of one user page in one address space.
pub fn flush_page(asid: u16, va: u64) {
    let operand = (u64::from(asid) << 48) | ((va >> 12) & 0x0000_0fff_ffff_ffff);
    dsb_ishst();
    // SAFETY: TLB maintenance only drops cached translations.
    unsafe { core::arch::asm!("tlbi vae1is, {}", in(reg) operand, options(nostack, preserves_flags)) };
    dsb_ish();
    isb();
}

/// Invalidate everything tagged with `asid`.
pub fn flush_asid(asid: u16) {
    let operand = u64::from(asid) << 48;
    dsb_ishst();
    // SAFETY: TLB maintenance only drops cached translations.
    unsafe { core::arch::asm!("tlbi aside1is, {}", in(reg) operand, options(nostack, preserves_flags)) };
    dsb_ish();
    isb();
}

/// Make `root` with `asid` the user half.
pub fn switch_user(root: u64, asid: u16) {
    write!("ttbr0_el1", (u64::from(asid) << 48) | root);
    isb();
}

/// Point the user half at an empty table (no process running).
pub fn clear_user() {
    switch_user(EMPTY_USER_TABLE.load(core::sync::atomic::Ordering::Relaxed), 0);
}
