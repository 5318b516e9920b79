//! Stage-1 translation descriptors for the 4 KiB granule, and the W^X rule
//! every leaf obeys.

/// Size of one page.
pub const PAGE: u64 = 4096;
/// Size of a level-2 block.
pub const BLOCK_2M: u64 = 2 << 20;
/// Bits 47..12 of a descriptor: the output address.
pub const ADDRESS_MASK: u64 = 0x0000_ffff_ffff_f000;

const VALID: u64 = 1 << 0;
const TABLE_OR_PAGE: u64 = 1 << 1;
const AF: u64 = 1 << 10;
const NOT_GLOBAL: u64 = 1 << 11;
const SH_INNER: u64 = 0b11 << 8;
const SH_OUTER: u64 = 0b10 << 8;
const AP_EL0: u64 = 1 << 6;
const AP_READ_ONLY: u64 = 1 << 7;
const PXN: u64 = 1 << 53;
const UXN: u64 = 1 << 54;

/// MAIR_EL1 value matching [`MemoryKind`]'s attribute indices.
///
/// Index 0: Device-nGnRnE, 1: Device-nGnRE, 2: Normal write-back
/// read/write-allocate, 3: Normal non-cacheable.
pub const MAIR: u64 = (0x04 << 8) | (0xff << 16) | (0x44 << 24);

/// What kind of memory a mapping covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemoryKind {
    /// Device registers: strongly ordered, never cached, never executable.
    Device,
    /// RAM, cached write-back.
    Normal,
    /// RAM, uncached (buffers shared with non-coherent DMA masters).
    NormalUncached,
}

impl MemoryKind {
    fn attributes(self) -> u64 {
        match self {
            MemoryKind::Device => (1 << 2) | SH_OUTER,
            MemoryKind::Normal => (2 << 2) | SH_INNER,
            MemoryKind::NormalUncached => (3 << 2) | SH_OUTER,
        }
    }
}

/// Who may touch a mapping, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    /// Writable.
    pub write: bool,
    /// Executable.
    pub execute: bool,
    /// Reachable from EL0 (a user mapping). User mappings are never
    /// executable by the kernel.
    pub user: bool,
}

impl Access {
    /// Kernel read-only data.
    pub const KERNEL_READ: Access = Access { write: false, execute: false, user: false };
    /// Kernel read/write data.
    pub const KERNEL_WRITE: Access = Access { write: true, execute: false, user: false };
    /// Kernel code.
    pub const KERNEL_EXECUTE: Access = Access { write: false, execute: true, user: false };
}

/// Why a descriptor cannot be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DescriptorError {
    /// Writable and executable at once: W^X forbids it.
    WriteAndExecute,
    /// Device memory may never be executable.
    ExecutableDevice,
    /// The address is not aligned to the mapping size, or out of range.
    Misaligned,
}

/// Build a leaf descriptor: a page (`level` 3) or a block (`level` 1 or 2).
///
/// Every leaf is either writable or executable, never both; the kernel never
/// executes user memory (PXN on every user leaf) and nothing executes device
/// memory. User leaves are non-global (tagged with the address space's ASID).
pub fn leaf(address: u64, level: usize, kind: MemoryKind, access: Access) -> Result<u64, DescriptorError> {
    if access.write && access.execute {
        return Err(DescriptorError::WriteAndExecute);
    }
    if access.execute && kind == MemoryKind::Device {
        return Err(DescriptorError::ExecutableDevice);
    }
    let size = level_size(level).ok_or(DescriptorError::Misaligned)?;
    if address & (size - 1) != 0 || address & !ADDRESS_MASK != 0 || level == 0 {
        return Err(DescriptorError::Misaligned);
    }
    let mut descriptor = address | VALID | AF | kind.attributes();
    if level == 3 {
        descriptor |= TABLE_OR_PAGE;
    }
    if !access.write {
        descriptor |= AP_READ_ONLY;
    }
    if access.user {
        descriptor |= AP_EL0 | NOT_GLOBAL | PXN;
        if !access.execute {
            descriptor |= UXN;
        }
    } else {
        descriptor |= UXN;
        if !access.execute {
            descriptor |= PXN;
        }
    }
    Ok(descriptor)
}

/// A descriptor pointing at a next-level table.
pub fn table(address: u64) -> u64 {
    (address & ADDRESS_MASK) | VALID | TABLE_OR_PAGE
}

/// Bytes covered by one entry at `level` (0..=3).
pub fn level_size(level: usize) -> Option<u64> {
    match level {
        0 => Some(1 << 39),
        1 => Some(1 << 30),
        2 => Some(1 << 21),
        3 => Some(1 << 12),
        _ => None,
    }
}

/// The index of `address` in a table at `level`.
pub fn index(address: u64, level: usize) -> usize {
    let shift = 39 - 9 * level.min(3) as u64;
    ((address >> shift) & 0x1ff) as usize
}

/// A decoded descriptor, for checks and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// Output address.
    pub address: u64,
    /// EL0 may read.
    pub user_read: bool,
    /// EL0 may write.
    pub user_write: bool,
    /// EL0 may execute.
    pub user_execute: bool,
    /// EL1 may write.
    pub kernel_write: bool,
    /// EL1 may execute.
    pub kernel_execute: bool,
}

/// Whether a descriptor is valid.
pub fn is_valid(descriptor: u64) -> bool {
    descriptor & VALID != 0
}

/// Whether a valid descriptor at `level` points at a table.
pub fn is_table(descriptor: u64, level: usize) -> bool {
    is_valid(descriptor) && level < 3 && descriptor & TABLE_OR_PAGE != 0
}

/// Decode the permissions of a valid leaf.
pub fn decode(descriptor: u64) -> Decoded {
    let user = descriptor & AP_EL0 != 0;
    let read_only = descriptor & AP_READ_ONLY != 0;
    Decoded {
        address: descriptor & ADDRESS_MASK,
        user_read: user,
        user_write: user && !read_only,
        user_execute: user && descriptor & UXN == 0,
        kernel_write: !read_only,
        kernel_execute: descriptor & PXN == 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_access() -> impl Iterator<Item = Access> {
        (0..8).map(|bits| Access { write: bits & 1 != 0, execute: bits & 2 != 0, user: bits & 4 != 0 })
    }

    #[test]
    fn no_leaf_is_writable_and_executable_anywhere() {
        for kind in [MemoryKind::Device, MemoryKind::Normal, MemoryKind::NormalUncached] {
            for access in every_access() {
                for level in 1..=3 {
                    let Ok(d) = leaf(0x4000_0000, level, kind, access) else {
                        continue;
                    };
                    let d = decode(d);
                    let writable = d.kernel_write || d.user_write;
                    let executable = d.kernel_execute || d.user_execute;
                    assert!(!(writable && executable), "{kind:?} {access:?} L{level}");
                }
            }
        }
    }

    #[test]
    fn kernel_never_executes_user_memory() {
        for access in every_access().filter(|a| a.user) {
            if let Ok(d) = leaf(0x1000, 3, MemoryKind::Normal, access) {
                assert!(!decode(d).kernel_execute);
            }
        }
    }

    #[test]
    fn refusals() {
        let rwx = Access { write: true, execute: true, user: true };
        assert_eq!(leaf(0x1000, 3, MemoryKind::Normal, rwx), Err(DescriptorError::WriteAndExecute));
        assert_eq!(
            leaf(0x1000, 3, MemoryKind::Device, Access::KERNEL_EXECUTE),
            Err(DescriptorError::ExecutableDevice)
        );
        assert_eq!(
            leaf(0x1000, 2, MemoryKind::Normal, Access::KERNEL_READ),
            Err(DescriptorError::Misaligned)
        );
        assert_eq!(
            leaf(1 << 48, 3, MemoryKind::Normal, Access::KERNEL_READ),
            Err(DescriptorError::Misaligned)
        );
    }

    #[test]
    fn user_text_is_read_only_and_executable() {
        let text = Access { write: false, execute: true, user: true };
        let d = decode(leaf(0x40_0000, 3, MemoryKind::Normal, text).unwrap());
        assert!(d.user_read && d.user_execute && !d.user_write && !d.kernel_write);
    }

    #[test]
    fn indices() {
        let va = 0xffff_ffff_8020_3000u64;
        assert_eq!(index(va, 0), 511);
        assert_eq!(index(va, 1), 510);
        assert_eq!(index(va, 2), 1);
        assert_eq!(index(va, 3), 3);
    }
}
