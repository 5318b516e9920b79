//! Physical address ranges in a fixed-capacity set, usable before the
//! kernel has a heap (boot memory map: RAM minus kernel, DTB, initrd and
//! firmware reservations).

/// A half-open range of physical addresses `[start, end)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Range {
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
}

impl Range {
    /// `[start, start + size)`, saturating at the top of the address space.
    pub const fn sized(start: u64, size: u64) -> Range {
        Range { start, end: start.saturating_add(size) }
    }

    /// Bytes covered.
    pub const fn size(&self) -> u64 {
        self.end.saturating_sub(self.start)
    }

    /// Whether it covers nothing.
    pub const fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// Whether the two ranges share a byte.
    pub const fn overlaps(&self, other: &Range) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `other` lies entirely inside.
    pub const fn contains(&self, other: &Range) -> bool {
        other.start >= self.start && other.end <= self.end
    }

    /// Shrunk inward to `align` boundaries (a power of two).
    pub const fn align_inward(&self, align: u64) -> Range {
        let start = match self.start.checked_add(align - 1) {
            Some(value) => value & !(align - 1),
            None => u64::MAX,
        };
        let end = self.end & !(align - 1);
        Range { start, end }
    }

    /// Grown outward to `align` boundaries (a power of two).
    pub const fn align_outward(&self, align: u64) -> Range {
        let end = match self.end.checked_add(align - 1) {
            Some(value) => value & !(align - 1),
            None => !(align - 1),
        };
        Range { start: self.start & !(align - 1), end }
    }
}

/// Why a range set refused an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Full;

/// Up to `N` disjoint ranges, kept sorted.
#[derive(Clone, Copy, Debug)]
pub struct RangeSet<const N: usize> {
    ranges: [Range; N],
    count: usize,
}

impl<const N: usize> Default for RangeSet<N> {
    fn default() -> Self {
        RangeSet::new()
    }
}

impl<const N: usize> RangeSet<N> {
    /// An empty set.
    pub const fn new() -> RangeSet<N> {
        RangeSet { ranges: [Range { start: 0, end: 0 }; N], count: 0 }
    }

    /// The ranges, sorted by start.
    pub fn as_slice(&self) -> &[Range] {
        self.ranges.get(..self.count).unwrap_or(&[])
    }

    /// Total bytes covered.
    pub fn total(&self) -> u64 {
        self.as_slice().iter().map(Range::size).sum()
    }

    /// Add a range, merging with neighbours it touches or overlaps.
    pub fn insert(&mut self, range: Range) -> Result<(), Full> {
        if range.is_empty() {
            return Ok(());
        }
        let mut merged = range;
        let mut kept = [Range::default(); N];
        let mut kept_count = 0;
        for existing in self.as_slice() {
            if existing.start <= merged.end && merged.start <= existing.end {
                merged.start = merged.start.min(existing.start);
                merged.end = merged.end.max(existing.end);
            } else {
                *kept.get_mut(kept_count).ok_or(Full)? = *existing;
                kept_count += 1;
            }
        }
        *kept.get_mut(kept_count).ok_or(Full)? = merged;
        kept_count += 1;
        let slice = kept.get_mut(..kept_count).ok_or(Full)?;
        slice.sort_unstable_by_key(|r| r.start);
        self.ranges = kept;
        self.count = kept_count;
        Ok(())
    }

    /// Remove every byte of `range`.
    pub fn remove(&mut self, range: Range) -> Result<(), Full> {
        if range.is_empty() {
            return Ok(());
        }
        let mut out = RangeSet::<N>::new();
        for existing in self.as_slice() {
            if !existing.overlaps(&range) {
                out.insert(*existing)?;
                continue;
            }
            out.insert(Range {
                start: existing.start,
                end: range.start.max(existing.start).min(existing.end),
            })?;
            out.insert(Range { start: range.end.max(existing.start).min(existing.end), end: existing.end })?;
        }
        *self = out;
        Ok(())
    }

    /// Whether any range overlaps `range`.
    pub fn overlaps(&self, range: &Range) -> bool {
        self.as_slice().iter().any(|r| r.overlaps(range))
    }

    /// Whether one range contains all of `range`.
    pub fn contains(&self, range: &Range) -> bool {
        self.as_slice().iter().any(|r| r.contains(range))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtracting_reservations_from_ram() {
        let mut ram = RangeSet::<8>::new();
        ram.insert(Range::sized(0x4000_0000, 0x4000_0000)).unwrap();
        ram.remove(Range::sized(0x4020_0000, 0x30_0000)).unwrap(); // kernel
        ram.remove(Range::sized(0x4800_0000, 0x10_0000)).unwrap(); // dtb
        ram.remove(Range::sized(0x3000_0000, 0x1000_0000)).unwrap(); // below RAM, touching
        assert_eq!(
            ram.as_slice(),
            &[
                Range::sized(0x4000_0000, 0x20_0000),
                Range::sized(0x4050_0000, 0x7b0_0000),
                Range::sized(0x4810_0000, 0x37f0_0000),
            ]
        );
        assert_eq!(ram.total(), 0x4000_0000 - 0x30_0000 - 0x10_0000);
    }

    #[test]
    fn inserting_merges() {
        let mut set = RangeSet::<4>::new();
        set.insert(Range::sized(0x3000, 0x1000)).unwrap();
        set.insert(Range::sized(0x1000, 0x1000)).unwrap();
        set.insert(Range::sized(0x2000, 0x1000)).unwrap();
        assert_eq!(set.as_slice(), &[Range::sized(0x1000, 0x3000)]);
        assert!(set.contains(&Range::sized(0x1800, 0x100)));
        assert!(!set.overlaps(&Range::sized(0x4000, 0x100)));
    }

    #[test]
    fn capacity_is_reported() {
        let mut set = RangeSet::<2>::new();
        set.insert(Range::sized(0x1000, 0x1000)).unwrap();
        set.insert(Range::sized(0x5000, 0x1000)).unwrap();
        assert_eq!(set.insert(Range::sized(0x9000, 0x1000)), Err(Full));
        assert_eq!(set.remove(Range::sized(0x1400, 0x100)), Err(Full));
    }

    #[test]
    fn alignment() {
        let r = Range { start: 0x1001, end: 0x3fff };
        assert_eq!(r.align_inward(0x1000), Range { start: 0x2000, end: 0x3000 });
        assert_eq!(r.align_outward(0x1000), Range { start: 0x1000, end: 0x4000 });
    }
}
