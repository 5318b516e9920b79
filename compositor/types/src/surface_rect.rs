//! Rectangles inside one buffer (surface damage, framebuffer flushes,
//! wlstream regions).
//!
//! All edge arithmetic is done in `u64` so that no `u32` field, however
//! hostile, can overflow.

use bytemuck::{Pod, Zeroable};
use serde::{Deserialize, Serialize};

/// A rectangle of pixels inside a buffer: origin at the buffer's top-left
/// corner, `width` × `height` pixels. Laid out as four `u32` in this order,
/// as the virtio-gpu device's `virtio_gpu_rect` is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, Pod, Zeroable)]
#[repr(C)]
pub struct SurfaceRect {
    /// Left edge, in pixels from the surface's left.
    pub x: u32,
    /// Top edge, in pixels from the surface's top.
    pub y: u32,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl SurfaceRect {
    /// A rectangle from its origin and size.
    pub const fn new(x: u32, y: u32, width: u32, height: u32) -> SurfaceRect {
        SurfaceRect { x, y, width, height }
    }

    /// The rectangle covering a whole `width` × `height` surface.
    pub const fn full(width: u32, height: u32) -> SurfaceRect {
        SurfaceRect { x: 0, y: 0, width, height }
    }

    /// Whether the rectangle covers no pixel.
    pub const fn is_empty(&self) -> bool {
        self.width == 0 || self.height == 0
    }

    /// One past the right edge (never overflows).
    pub const fn right(&self) -> u64 {
        self.x as u64 + self.width as u64
    }

    /// One past the bottom edge (never overflows).
    pub const fn bottom(&self) -> u64 {
        self.y as u64 + self.height as u64
    }

    /// Number of pixels covered.
    pub const fn area(&self) -> u64 {
        self.width as u64 * self.height as u64
    }

    /// Whether the rectangle lies entirely inside a `width` × `height` surface.
    pub const fn fits_in(&self, width: u32, height: u32) -> bool {
        self.right() <= width as u64 && self.bottom() <= height as u64
    }

    /// The overlap of two rectangles, if any pixel is shared.
    pub fn intersect(&self, other: &SurfaceRect) -> Option<SurfaceRect> {
        let left = self.x.max(other.x);
        let top = self.y.max(other.y);
        let right = self.right().min(other.right());
        let bottom = self.bottom().min(other.bottom());
        if right <= left as u64 || bottom <= top as u64 {
            return None;
        }
        // Both differences are below the smaller width/height, so they fit u32.
        Some(SurfaceRect::new(left, top, (right - left as u64) as u32, (bottom - top as u64) as u32))
    }

    /// The smallest rectangle covering both (empty rectangles are ignored).
    pub fn union(&self, other: &SurfaceRect) -> SurfaceRect {
        if self.is_empty() {
            return *other;
        }
        if other.is_empty() {
            return *self;
        }
        let left = self.x.min(other.x);
        let top = self.y.min(other.y);
        let right = self.right().max(other.right());
        let bottom = self.bottom().max(other.bottom());
        SurfaceRect::new(
            left,
            top,
            (right - left as u64).min(u32::MAX as u64) as u32,
            (bottom - top as u64).min(u32::MAX as u64) as u32,
        )
    }

    /// This rectangle clipped to a `width` × `height` surface.
    pub fn clipped(&self, width: u32, height: u32) -> Option<SurfaceRect> {
        self.intersect(&SurfaceRect::full(width, height))
    }

    /// The part inside `width` × `height`: clipped, and empty (at the
    /// clamped origin) when nothing is inside.
    pub fn clamp_to(&self, width: u32, height: u32) -> SurfaceRect {
        let x = self.x.min(width);
        let y = self.y.min(height);
        let right = self.x.saturating_add(self.width).min(width);
        let bottom = self.y.saturating_add(self.height).min(height);
        SurfaceRect { x, y, width: right - x, height: bottom - y }
    }

    /// Whether the two rectangles share a pixel or touch along an edge.
    pub fn touches(&self, other: &SurfaceRect) -> bool {
        (self.x as u64) <= other.right()
            && (other.x as u64) <= self.right()
            && (self.y as u64) <= other.bottom()
            && (other.y as u64) <= self.bottom()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intersection_and_union() {
        let a = SurfaceRect::new(0, 0, 10, 10);
        let b = SurfaceRect::new(5, 5, 10, 10);
        assert_eq!(a.intersect(&b), Some(SurfaceRect::new(5, 5, 5, 5)));
        assert_eq!(a.union(&b), SurfaceRect::new(0, 0, 15, 15));
        assert_eq!(a.intersect(&SurfaceRect::new(10, 0, 5, 5)), None);
        assert!(a.touches(&SurfaceRect::new(10, 0, 5, 5)));
        assert!(!a.touches(&SurfaceRect::new(11, 0, 5, 5)));
    }

    #[test]
    fn edges_never_overflow() {
        let hostile = SurfaceRect::new(u32::MAX, u32::MAX, u32::MAX, u32::MAX);
        assert!(!hostile.fits_in(16384, 16384));
        assert_eq!(hostile.clipped(100, 100), None);
        assert_eq!(hostile.right(), 2 * u32::MAX as u64);
    }
}
