//! The layout of a user address space and the bookkeeping of its regions.
//!
//! ```text
//! 0x0000_0000_0000 ..= 0x0000_0000_ffff   never mapped (null guard)
//! 0x0000_0001_0000 ..  0x0100_0000_0000   program image (ELF segments)
//! 0x0100_0000_0000 ..  0x7f00_0000_0000   vm_map region, one guard page between mappings
//! 0x7f00_0000_0000 ..  0x8000_0000_0000   main-thread stack (top), with a guard below
//! ```

use alloc::collections::BTreeMap;

use super::PAGE;

/// Lowest address a program segment may occupy.
pub const IMAGE_START: u64 = 0x1_0000;
/// End of the program-image region.
pub const IMAGE_END: u64 = 0x0100_0000_0000;
/// Start of the region `vm_map` places mappings in.
pub const MAP_START: u64 = IMAGE_END;
/// End of the `vm_map` region.
pub const MAP_END: u64 = 0x7f00_0000_0000;
/// One past the highest byte of the main thread's stack.
pub const STACK_TOP: u64 = 0x7fff_ffff_0000;
/// One past the highest user address.
pub const USER_END: u64 = 0x8000_0000_0000;

/// Whether `[address, address + len)` is a non-wrapping range of user
/// addresses.
pub fn is_user_range(address: u64, len: u64) -> bool {
    address.checked_add(len).is_some_and(|end| end <= USER_END && address >= IMAGE_START)
}

/// Regions allocated in the `vm_map` area.
#[derive(Debug, Default)]
pub struct Regions {
    regions: BTreeMap<u64, u64>,
    cursor: u64,
}

impl Regions {
    /// An empty set.
    pub fn new() -> Regions {
        Regions { regions: BTreeMap::new(), cursor: MAP_START }
    }

    /// Reserve `len` bytes (a page multiple) and return the start. Leaves
    /// at least one unmapped guard page between regions. Searches from the
    /// last allocation onward, then wraps once.
    pub fn allocate(&mut self, len: u64) -> Option<u64> {
        if len == 0 || !len.is_multiple_of(PAGE) {
            return None;
        }
        let start = self.cursor.max(MAP_START);
        let found = self.gap_from(start, len).or_else(|| self.gap_from(MAP_START, len))?;
        self.regions.insert(found, len);
        self.cursor = found + len + PAGE;
        Some(found)
    }

    fn gap_from(&self, from: u64, len: u64) -> Option<u64> {
        let mut candidate = from;
        // A region that starts before `from` may still cover it.
        if let Some((&start, &size)) = self.regions.range(..from).next_back() {
            candidate = candidate.max(start + size + PAGE);
        }
        for (&start, &size) in self.regions.range(from..) {
            if candidate.checked_add(len + PAGE)? <= start {
                break;
            }
            candidate = start + size + PAGE;
        }
        (candidate.checked_add(len)? <= MAP_END).then_some(candidate)
    }

    /// Forget the region starting at `start`; returns its length.
    pub fn release(&mut self, start: u64) -> Option<u64> {
        self.regions.remove(&start)
    }

    /// Number of live regions.
    pub fn len(&self) -> usize {
        self.regions.len()
    }

    /// Whether no region is live.
    pub fn is_empty(&self) -> bool {
        self.regions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_do_not_overlap_and_keep_guards() {
        let mut regions = Regions::new();
        let a = regions.allocate(PAGE).unwrap();
        let b = regions.allocate(4 * PAGE).unwrap();
        assert_eq!(a, MAP_START);
        assert!(b >= a + 2 * PAGE);
        regions.release(a).unwrap();
        let c = regions.allocate(PAGE).unwrap();
        assert!(c >= b + 5 * PAGE, "next-fit moves on");
        assert_eq!(regions.allocate(0), None);
        assert_eq!(regions.allocate(100), None);
        assert_eq!(regions.allocate(MAP_END), None);
    }

    #[test]
    fn wraps_around_to_reuse_freed_space() {
        let mut regions = Regions::new();
        let big = (MAP_END - MAP_START) / 2;
        let a = regions.allocate(big - PAGE).unwrap();
        let b = regions.allocate(big - 2 * PAGE).unwrap();
        assert!(b > a);
        assert_eq!(regions.allocate(big), None);
        regions.release(a);
        assert_eq!(regions.allocate(big / 2), Some(MAP_START));
    }

    #[test]
    fn user_ranges() {
        assert!(is_user_range(0x40_0000, 0x1000));
        assert!(!is_user_range(0, 0x1000), "null page");
        assert!(!is_user_range(u64::MAX - 10, 100), "wraps");
        assert!(!is_user_range(0xffff_0000_0000_0000, 8), "kernel half");
        assert!(!is_user_range(USER_END - 4, 8));
    }
}
