//! The kernel's virtual address map (upper half, TTBR1).
//!
//! ```text
//! 0xffff_0000_0000_0000  direct map of RAM (read/write, never executable),
//!                        with a hole over the kernel image
//! 0xffff_fe00_0000_0000  device registers the kernel drives (UART, GIC)
//! 0xffff_ffff_8000_0000  the kernel image: text RX, rodata R, data/bss RW
//! ```

/// Base of the direct map: physical address `p` is at `DIRECT_MAP + p`.
pub const DIRECT_MAP: u64 = 0xffff_0000_0000_0000;
/// Bytes of physical address space the direct map can cover.
pub const DIRECT_MAP_SIZE: u64 = 1 << 39;
/// Where kernel device mappings start.
pub const DEVICE_MAP: u64 = 0xffff_fe00_0000_0000;
/// The kernel's link address.
pub const KERNEL_BASE: u64 = 0xffff_ffff_8000_0000;

/// The direct-map address of physical address `physical`, if it is in range.
pub fn direct(physical: u64) -> Option<u64> {
    (physical < DIRECT_MAP_SIZE).then_some(DIRECT_MAP + physical)
}
