//! Detecting vertically scrolled content inside a damaged region, so it
//! can be sent as a [`crate::Encoding::Move`] instead of new pixels.
//!
//! Rows are compared by hash; a wrong guess only costs compression, since
//! the residual pass afterwards compares real pixels.

use alloc::vec::Vec;

use crate::pixels::row_hash;
use crate::surface::SurfaceRef;
use weft_types::SurfaceRect;

/// Regions smaller than this on either side are not searched.
const MIN_SIDE: u32 = 16;
/// Rows sampled for candidate shifts.
const SAMPLES: usize = 12;
/// Candidate shifts evaluated at most.
const MAX_CANDIDATES: usize = 24;

/// A move found by [`detect`]: copy `source` origin into `target`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scroll {
    /// Rectangle that receives the moved pixels.
    pub target: SurfaceRect,
    /// Origin of the same-sized source rectangle.
    pub source: (u32, u32),
}

/// Reusable row-hash buffers.
#[derive(Debug, Default)]
pub struct ScrollSearch {
    new_hashes: Vec<u64>,
    old_hashes: Vec<u64>,
    candidates: Vec<i64>,
}

impl ScrollSearch {
    /// Find a vertical shift of `region`'s content between `old` and `new`
    /// that explains clearly more rows than no shift does.
    pub fn detect(
        &mut self,
        new: &SurfaceRef<'_>,
        old: &SurfaceRef<'_>,
        region: &SurfaceRect,
    ) -> Option<Scroll> {
        if region.width < MIN_SIDE || region.height < MIN_SIDE {
            return None;
        }
        let height = region.height as usize;
        self.new_hashes.clear();
        self.old_hashes.clear();
        for row in 0..region.height {
            self.new_hashes.push(row_hash(new.rect_row(region, row)));
            self.old_hashes.push(row_hash(old.rect_row(region, row)));
        }
        let unshifted = self.matches(0);
        if unshifted == height {
            return None;
        }
        self.collect_candidates();
        let (shift, matched) = self
            .candidates
            .iter()
            .map(|&shift| (shift, self.matches(shift)))
            .max_by_key(|&(shift, matched)| (matched, core::cmp::Reverse(shift.unsigned_abs())))?;
        if matched < height / 4 || matched < unshifted + height / 8 + 4 {
            return None;
        }
        let distance = shift.unsigned_abs() as u32;
        let rows = region.height - distance;
        let (target_y, source_y) =
            if shift > 0 { (region.y, region.y + distance) } else { (region.y + distance, region.y) };
        Some(Scroll {
            target: SurfaceRect::new(region.x, target_y, region.width, rows),
            source: (region.x, source_y),
        })
    }

    /// Rows `r` whose new content equals old row `r + shift`.
    fn matches(&self, shift: i64) -> usize {
        let height = self.new_hashes.len() as i64;
        (0..height)
            .filter(|&row| {
                let old = row + shift;
                (0..height).contains(&old) && self.new_hashes[row as usize] == self.old_hashes[old as usize]
            })
            .count()
    }

    /// Shifts suggested by distinctive changed rows found elsewhere in the
    /// old content.
    fn collect_candidates(&mut self) {
        self.candidates.clear();
        let height = self.new_hashes.len();
        let distinctive: Vec<usize> = (1..height)
            .filter(|&row| {
                self.new_hashes[row] != self.old_hashes[row]
                    && self.new_hashes[row] != self.new_hashes[row - 1]
            })
            .collect();
        let step = (distinctive.len() / SAMPLES).max(1);
        for &row in distinctive.iter().step_by(step).take(SAMPLES) {
            let wanted = self.new_hashes[row];
            let found = self.old_hashes.iter().enumerate().filter(|&(_, &hash)| hash == wanted);
            for (old_row, _) in found.take(4) {
                let shift = old_row as i64 - row as i64;
                if shift != 0 && !self.candidates.contains(&shift) {
                    self.candidates.push(shift);
                }
                if self.candidates.len() >= MAX_CANDIDATES {
                    return;
                }
            }
        }
    }
}
