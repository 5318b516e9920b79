//! The encoder's mirror of what the decoder holds.

use alloc::vec::Vec;

use crate::format::BYTES_PER_PIXEL;
use crate::surface::SurfaceRef;
use weft_types::SurfaceRect;

/// The picture the receiver has after the last emitted rectangle, rows
/// packed (`width * 4` bytes each). The header stride of the source is
/// kept so a stride change forces a keyframe.
#[derive(Debug)]
pub struct Reference {
    pub width: u32,
    pub height: u32,
    pub stride: u32,
    pub pixels: Vec<u8>,
}

impl Reference {
    /// A copy of the whole surface.
    pub fn capture(surface: &SurfaceRef<'_>, reuse: Option<Reference>) -> Reference {
        let mut pixels = reuse.map(|reference| reference.pixels).unwrap_or_default();
        pixels.clear();
        let full = SurfaceRect::full(surface.width(), surface.height());
        pixels.reserve(full.area() as usize * BYTES_PER_PIXEL);
        for row in 0..surface.height() {
            pixels.extend_from_slice(surface.rect_row(&full, row));
        }
        Reference { width: surface.width(), height: surface.height(), stride: surface.stride(), pixels }
    }

    /// Whether `surface` has this reference's geometry.
    pub fn matches(&self, surface: &SurfaceRef<'_>) -> bool {
        self.width == surface.width() && self.height == surface.height() && self.stride == surface.stride()
    }

    /// A read view (packed rows).
    pub fn view(&self) -> SurfaceRef<'_> {
        SurfaceRef::new(self.width, self.height, self.width * BYTES_PER_PIXEL as u32, &self.pixels)
            .expect("a reference always has valid geometry") // Invariant of `capture`.
    }

    fn range(&self, rect: &SurfaceRect, row: u32) -> core::ops::Range<usize> {
        let start = ((rect.y + row) as usize * self.width as usize + rect.x as usize) * BYTES_PER_PIXEL;
        start..start + rect.width as usize * BYTES_PER_PIXEL
    }

    /// Copy `rect` of `surface` into the reference.
    pub fn store(&mut self, surface: &SurfaceRef<'_>, rect: &SurfaceRect) {
        for row in 0..rect.height {
            let range = self.range(rect, row);
            self.pixels[range].copy_from_slice(surface.rect_row(rect, row));
        }
    }

    /// Apply a move: `target` takes the pixels of the same-sized rectangle
    /// at `source`, as they were before the move.
    pub fn apply_move(&mut self, target: &SurfaceRect, source: (u32, u32)) {
        let source = SurfaceRect::new(source.0, source.1, target.width, target.height);
        let mut copy_row = |row: u32| {
            let from = self.range(&source, row);
            let to = self.range(target, row).start;
            self.pixels.copy_within(from, to);
        };
        // Order rows so no source row is overwritten before it is read.
        if source.y >= target.y {
            (0..target.height).for_each(&mut copy_row);
        } else {
            (0..target.height).rev().for_each(&mut copy_row);
        }
    }
}
