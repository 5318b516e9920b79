//! The physical frame allocator: one bit per 4 KiB frame of usable RAM.
//!
//! Single frames come from a rotating search; contiguous runs (DMA buffers,
//! framebuffers) from a first-fit scan. Freeing checks that every frame was
//! allocated, so a double free is reported instead of corrupting the map.

use crate::ranges::{Range, RangeSet};

/// Frame size.
pub const FRAME: u64 = 4096;
/// Most discontiguous RAM banks supported.
pub const BANKS: usize = 8;

#[derive(Clone, Copy, Debug, Default)]
struct Bank {
    base: u64,
    frames: u64,
    first_bit: u64,
}

/// Why a free was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FreeError {
    /// The address is not a frame this allocator manages.
    Foreign,
    /// The frame is already free.
    DoubleFree,
}

/// The allocator. `bitmap` bits are 1 for frames in use.
pub struct FrameAllocator<'a> {
    banks: [Bank; BANKS],
    bank_count: usize,
    bitmap: &'a mut [u64],
    total: u64,
    free: u64,
    hint: u64,
}

impl<'a> FrameAllocator<'a> {
    /// Words of bitmap needed to cover `ram`.
    pub fn bitmap_words(ram: &RangeSet<BANKS>) -> usize {
        let frames: u64 = ram.as_slice().iter().map(|r| r.align_inward(FRAME).size() / FRAME).sum();
        frames.div_ceil(64) as usize
    }

    /// An allocator over `ram` (every frame starts in use), with `bitmap`
    /// at least [`FrameAllocator::bitmap_words`] long. Call
    /// [`FrameAllocator::release`] for the usable ranges.
    pub fn new(ram: &RangeSet<BANKS>, bitmap: &'a mut [u64]) -> Option<FrameAllocator<'a>> {
        let mut banks = [Bank::default(); BANKS];
        let mut bit = 0;
        let mut count = 0;
        for (slot, range) in banks.iter_mut().zip(ram.as_slice()) {
            let range = range.align_inward(FRAME);
            if range.is_empty() {
                continue;
            }
            *slot = Bank { base: range.start, frames: range.size() / FRAME, first_bit: bit };
            bit += slot.frames;
            count += 1;
        }
        if (bitmap.len() as u64) * 64 < bit {
            return None;
        }
        bitmap.fill(u64::MAX);
        Some(FrameAllocator { banks, bank_count: count, bitmap, total: bit, free: 0, hint: 0 })
    }

    fn banks(&self) -> &[Bank] {
        self.banks.get(..self.bank_count).unwrap_or(&[])
    }

    fn bit_of(&self, address: u64) -> Option<u64> {
        self.banks().iter().find_map(|bank| {
            let offset = address.checked_sub(bank.base)?;
            let frame = offset / FRAME;
            (offset % FRAME == 0 && frame < bank.frames).then_some(bank.first_bit + frame)
        })
    }

    fn address_of(&self, bit: u64) -> Option<u64> {
        self.banks().iter().find_map(|bank| {
            let frame = bit.checked_sub(bank.first_bit)?;
            (frame < bank.frames).then_some(bank.base + frame * FRAME)
        })
    }

    fn is_used(&self, bit: u64) -> bool {
        self.bitmap.get((bit / 64) as usize).is_none_or(|word| word & (1 << (bit % 64)) != 0)
    }

    fn set(&mut self, bit: u64, used: bool) {
        if let Some(word) = self.bitmap.get_mut((bit / 64) as usize) {
            if used {
                *word |= 1 << (bit % 64);
            } else {
                *word &= !(1 << (bit % 64));
            }
        }
    }

    /// Mark every whole frame inside `range` free (boot: usable memory).
    pub fn release(&mut self, range: Range) {
        let range = range.align_inward(FRAME);
        let mut address = range.start;
        while address < range.end {
            if let Some(bit) = self.bit_of(address)
                && self.is_used(bit)
            {
                self.set(bit, false);
                self.free += 1;
            }
            address += FRAME;
        }
    }

    /// Frames managed.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Frames free.
    pub fn free(&self) -> u64 {
        self.free
    }

    /// One frame.
    pub fn allocate(&mut self) -> Option<u64> {
        if self.free == 0 {
            return None;
        }
        let words = self.bitmap.len() as u64;
        let start_word = (self.hint / 64) % words.max(1);
        for step in 0..words {
            let index = ((start_word + step) % words) as usize;
            let word = *self.bitmap.get(index)?;
            if word == u64::MAX {
                continue;
            }
            let bit = index as u64 * 64 + u64::from((!word).trailing_zeros());
            if bit >= self.total {
                continue;
            }
            self.set(bit, true);
            self.free -= 1;
            self.hint = bit;
            return self.address_of(bit);
        }
        None
    }

    /// `count` physically contiguous frames, the first aligned to
    /// `align_frames` frames (a power of two).
    pub fn allocate_contiguous(&mut self, count: u64, align_frames: u64) -> Option<u64> {
        if count == 0 || count > self.free || !align_frames.is_power_of_two() {
            return None;
        }
        let banks = self.banks;
        for bank in banks.iter().take(self.bank_count) {
            let align = align_frames * FRAME;
            let mut start = bank.base.checked_add(align - 1)? & !(align - 1);
            let end = bank.base + bank.frames * FRAME;
            'search: while start + count * FRAME <= end {
                let first = self.bit_of(start)?;
                for offset in 0..count {
                    if self.is_used(first + offset) {
                        // Skip past the used frame, keeping alignment.
                        let next = start + (offset + 1) * FRAME;
                        start = next.checked_add(align - 1)? & !(align - 1);
                        continue 'search;
                    }
                }
                for offset in 0..count {
                    self.set(first + offset, true);
                }
                self.free -= count;
                return Some(start);
            }
        }
        None
    }

    /// Give back `count` frames starting at `address`. Either every frame
    /// is freed or none is.
    pub fn free_frames(&mut self, address: u64, count: u64) -> Result<(), FreeError> {
        let first = self.bit_of(address).ok_or(FreeError::Foreign)?;
        let last_address = address.checked_add(count.saturating_sub(1) * FRAME).ok_or(FreeError::Foreign)?;
        let last = self.bit_of(last_address).ok_or(FreeError::Foreign)?;
        if last - first + 1 != count {
            return Err(FreeError::Foreign);
        }
        if (first..=last).any(|bit| !self.is_used(bit)) {
            return Err(FreeError::DoubleFree);
        }
        for bit in first..=last {
            self.set(bit, false);
        }
        self.free += count;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allocator(bitmap: &mut Vec<u64>) -> FrameAllocator<'_> {
        let mut ram = RangeSet::new();
        ram.insert(Range::sized(0x4000_0000, 64 * FRAME)).unwrap();
        ram.insert(Range::sized(0x8000_0000, 200 * FRAME)).unwrap();
        bitmap.resize(FrameAllocator::bitmap_words(&ram), 0);
        let mut frames = FrameAllocator::new(&ram, bitmap).unwrap();
        frames.release(Range::sized(0x4000_0000, 64 * FRAME));
        frames.release(Range::sized(0x8000_0000, 200 * FRAME));
        frames
    }

    #[test]
    fn allocates_every_frame_once() {
        let mut bitmap = Vec::new();
        let mut frames = allocator(&mut bitmap);
        assert_eq!(frames.free(), 264);
        let mut seen = std::collections::BTreeSet::new();
        while let Some(frame) = frames.allocate() {
            assert_eq!(frame % FRAME, 0);
            assert!(seen.insert(frame));
        }
        assert_eq!(seen.len(), 264);
        assert_eq!(frames.free(), 0);
    }

    #[test]
    fn contiguous_runs_are_aligned_and_skip_used_frames() {
        let mut bitmap = Vec::new();
        let mut frames = allocator(&mut bitmap);
        let first = frames.allocate().unwrap();
        let run = frames.allocate_contiguous(16, 16).unwrap();
        assert_eq!(run % (16 * FRAME), 0);
        assert!(run >= first + FRAME || run + 16 * FRAME <= first);
        // A run longer than the first bank comes from the second.
        let long = frames.allocate_contiguous(100, 1).unwrap();
        assert!(long >= 0x8000_0000);
        assert_eq!(frames.allocate_contiguous(1000, 1), None);
        frames.free_frames(long, 100).unwrap();
        assert_eq!(frames.allocate_contiguous(100, 1), Some(long));
    }

    #[test]
    fn bad_frees_are_refused() {
        let mut bitmap = Vec::new();
        let mut frames = allocator(&mut bitmap);
        let frame = frames.allocate().unwrap();
        frames.free_frames(frame, 1).unwrap();
        assert_eq!(frames.free_frames(frame, 1), Err(FreeError::DoubleFree));
        assert_eq!(frames.free_frames(0x1000, 1), Err(FreeError::Foreign));
        assert_eq!(frames.free_frames(frame + 1, 1), Err(FreeError::Foreign));
        // A run crossing the end of a bank.
        assert_eq!(frames.free_frames(0x4000_0000 + 63 * FRAME, 2), Err(FreeError::Foreign));
    }

    #[test]
    fn reserved_frames_stay_used() {
        let mut ram = RangeSet::new();
        ram.insert(Range::sized(0x4000_0000, 8 * FRAME)).unwrap();
        let mut bitmap = vec![0; 1];
        let mut frames = FrameAllocator::new(&ram, &mut bitmap).unwrap();
        frames.release(Range::sized(0x4000_2000, 2 * FRAME));
        let a = frames.allocate().unwrap();
        let b = frames.allocate().unwrap();
        assert_eq!(frames.allocate(), None);
        assert!([a, b].iter().all(|f| (0x4000_2000..0x4000_4000).contains(f)));
    }
}
