//! Bringing the machine up: device tree, final page tables, console,
//! physical memory, heap, interrupt controller, timer.

use ed25519_dalek::VerifyingKey;

use super::backend::Metal;
use super::gic::Gic;
use super::mmu::{self, ImageLayout};
use super::registers::{isb, read, write};
use super::uart::Uart;
use super::{console, memory, timer};
use crate::board::Board;
use crate::devicetree::{self, BoardInfo};
use crate::layout::direct;
use crate::ranges::Range;

/// What boot produced.
pub struct Booted {
    /// Device-tree facts.
    pub info: BoardInfo,
    /// The selected board, if any matched.
    pub board: Option<&'static Board>,
    /// The backend, ready for a kernel.
    pub backend: Metal,
    /// INTID of the scheduler's timer.
    pub timer_interrupt: u32,
    /// RAM the frame allocator manages, in bytes.
    pub memory_total: u64,
    /// The kernel image's layout.
    pub layout: ImageLayout,
    devices: [u64; crate::devicetree::MAX_DEVICES],
}

impl Booted {
    /// The virtio device id behind matched device `index`, if it is a
    /// populated virtio-mmio transport.
    pub fn virtio_device_id(&self, index: usize) -> Option<u32> {
        let device = self.info.devices().get(index)?;
        let base = *self.devices.get(index)?;
        if base == 0 || device.registers.size() < 0x100 {
            return None;
        }
        let read = |offset: u64| {
            // SAFETY: `base` maps the device's registers (at least 0x100
            // bytes, checked above) as device memory; reading the magic,
            // version and id registers has no side effects.
            unsafe { core::ptr::read_volatile((base + offset) as *const u32) }
        };
        let magic = read(0x000);
        let id = read(0x008);
        (magic == 0x7472_6976 && id != 0).then_some(id)
    }
}

const FDT_MAGIC: u32 = 0xd00d_feed;

/// Read the tree at physical `dtb` through whatever maps it now.
///
/// # Safety
/// `dtb` (as an address) must be mapped and hold a device tree.
unsafe fn tree_at(address: u64) -> Option<&'static [u8]> {
    if address == 0 || !address.is_multiple_of(8) {
        return None;
    }
    // SAFETY: the caller guarantees the header is mapped.
    let header = unsafe { core::slice::from_raw_parts(address as *const u8, 8) };
    let word = |at: usize| header.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    if word(0)? != FDT_MAGIC {
        return None;
    }
    let size = word(4)? as usize;
    if !(40..=(8 << 20)).contains(&size) {
        return None;
    }
    // SAFETY: as above; the tree's own header gives its size.
    Some(unsafe { core::slice::from_raw_parts(address as *const u8, size) })
}

fn enable_pan() {
    let mmfr1 = read!("id_aa64mmfr1_el1");
    if (mmfr1 >> 20) & 0xf == 0 {
        return;
    }
    // SCTLR_EL1.SPAN = 0: PAN is set on every exception into EL1.
    let sctlr = read!("sctlr_el1");
    write!("sctlr_el1", sctlr & !(1 << 23));
    // SAFETY: `msr pan, #1` (encoded, for assemblers without ARMv8.1):
    // the kernel never dereferences user addresses, so forbidding it
    // changes nothing but the outcome of a kernel bug.
    unsafe { core::arch::asm!(".inst 0xd500419f", options(nomem, nostack)) };
    isb();
}

/// Bring the machine up from the boot code's hand-off.
///
/// # Safety
/// Called once, from the boot path, with the boot tables active and `dtb`
/// and `load` as the boot code received them.
pub unsafe fn boot(dtb: u64, load: u64, boards: &'static [Board], key: Option<VerifyingKey>) -> Booted {
    // SAFETY: the boot tables identity-map the tree's gigabyte.
    let Some(bytes) = (unsafe { tree_at(dtb) }) else {
        super::halt(); // no tree, no console: nothing to say it on
    };
    let board = fdt::Fdt::new(bytes).ok().and_then(|tree| {
        let compatible = devicetree::root_compatible(&tree);
        crate::board::select(boards, &compatible)
    });
    let Ok(info) = devicetree::read(bytes, dtb, board) else {
        super::halt();
    };
    let layout = ImageLayout::current(load);
    let Ok(space) = mmu::build(&info, layout) else {
        super::halt();
    };
    // SAFETY: built for this image; from here on only the final tables
    // are used (the tree is read again through the direct map).
    unsafe { mmu::activate(&space) };
    enable_pan();
    // CNTKCTL_EL1.EL0VCTEN: programs may read the virtual counter (cheap
    // timestamps); the timers themselves stay the kernel's.
    write!("cntkctl_el1", read!("cntkctl_el1") | (1 << 1));
    if let (Some(uart), Some(base)) = (info.uart, space.devices.uart) {
        // SAFETY: `base` maps the UART's registers as device memory, forever.
        console::install(unsafe { Uart::new(base as usize, uart.kind) });
    }
    crate::kprintln!(
        "weft: kernel at {:#x}, board {}, {} MiB RAM",
        load,
        board.map_or("unknown", |b| b.name),
        info.memory.total() >> 20
    );
    let mut reserved = [Range::default(); 20];
    reserved[0] = layout.physical();
    reserved[1] = info.tree;
    reserved[2] = info.initrd.unwrap_or_default();
    for (slot, range) in reserved.iter_mut().skip(3).zip(info.reserved.as_slice()) {
        *slot = *range;
    }
    let heap = (info.memory.total() / 16).clamp(8 << 20, 96 << 20) & !0xfff;
    // SAFETY: the direct map covers all RAM; the reserved list holds every
    // range in use (image, tree, bundle, firmware).
    let (frames, heap) = match unsafe { memory::init(&info.memory, &reserved, heap) } {
        Ok(result) => result,
        Err(error) => super::fatal(&alloc::format!("memory set-up failed: {error:?}")),
    };
    crate::kprintln!("weft: {} MiB in frames, {} MiB kernel heap", (frames * 4096) >> 20, heap >> 20);
    let gic = match (info.gic, space.devices.gic_distributor, space.devices.gic_cpu) {
        (Some(g), Some(d), Some(c)) if g.version == 2 => Gic::new_v2(d, c),
        (Some(g), Some(d), Some(c)) if g.version == 3 => match Gic::new_v3(d, c, g.cpu.size()) {
            Some(gic) => gic,
            None => super::fatal("no GICv3 redistributor for this core"),
        },
        _ => super::fatal("no usable interrupt controller in the device tree"),
    };
    let timer_interrupt = info.timer_interrupt.unwrap_or(27);
    gic.set_enabled(timer_interrupt, true);
    timer::init();
    timer::disarm();
    crate::kprintln!(
        "weft: GICv{}, timer {} Hz on INTID {}",
        info.gic.map_or(0, |g| g.version),
        timer::frequency(),
        timer_interrupt
    );
    if info.seed().is_empty() {
        crate::kprintln!(
            "weft: warning: no boot entropy seed; random numbers are weak until a driver feeds the pool"
        );
    }
    let backend = Metal::new(gic, info.seed(), key, info.memory);
    Booted {
        info,
        board,
        backend,
        timer_interrupt,
        memory_total: frames * 4096,
        layout,
        devices: space.devices.devices,
    }
}

/// The device tree, read through the direct map (after boot).
pub fn tree(info: &BoardInfo) -> Option<&'static [u8]> {
    let address = direct(info.tree.start)?;
    // SAFETY: the tree's range is reserved RAM, mapped by the direct map.
    unsafe { tree_at(address) }
}
