//! Points, sizes and rectangles in whole pixels.
//!
//! Coordinates are `i32` (a window may hang off the left of the screen),
//! extents `u32`. Every edge computation is done in `i64` or saturates, so
//! rectangles that arrive from untrusted clients cannot overflow.

use serde::{Deserialize, Serialize};

use crate::SurfaceRect;

/// A position in pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Point {
    /// Horizontal.
    pub x: i32,
    /// Vertical.
    pub y: i32,
}

impl Point {
    /// A point.
    pub const fn new(x: i32, y: i32) -> Point {
        Point { x, y }
    }
}

/// A size in pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Size {
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

impl Size {
    /// A size.
    pub const fn new(width: u32, height: u32) -> Size {
        Size { width, height }
    }

    /// Whether either side is zero.
    pub const fn is_empty(&self) -> bool {
        self.width == 0 || self.height == 0
    }
}

/// A rectangle of whole pixels: origin at the top-left, right and bottom
/// edges exclusive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rect {
    /// Left edge.
    pub x: i32,
    /// Top edge.
    pub y: i32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// `value` clamped into `i32`.
fn saturate(value: i64) -> i32 {
    value.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

impl Rect {
    /// A rectangle.
    pub const fn new(x: i32, y: i32, width: u32, height: u32) -> Rect {
        Rect { x, y, width, height }
    }

    /// The rectangle at the origin covering `size`.
    pub const fn from_size(size: Size) -> Rect {
        Rect::new(0, 0, size.width, size.height)
    }

    /// The rectangle with these edges (right and bottom exclusive); empty,
    /// at `(left, top)`, when they cross.
    pub fn from_edges(left: i32, top: i32, right: i32, bottom: i32) -> Rect {
        let width = (i64::from(right) - i64::from(left)).max(0) as u32;
        let height = (i64::from(bottom) - i64::from(top)).max(0) as u32;
        Rect::new(left, top, width, height)
    }

    /// Whether it covers no pixel.
    pub const fn is_empty(&self) -> bool {
        self.width == 0 || self.height == 0
    }

    /// Right edge (exclusive), saturating at `i32::MAX`.
    pub fn right(&self) -> i32 {
        saturate(i64::from(self.x) + i64::from(self.width))
    }

    /// Bottom edge (exclusive), saturating at `i32::MAX`.
    pub fn bottom(&self) -> i32 {
        saturate(i64::from(self.y) + i64::from(self.height))
    }

    /// Area in pixels.
    pub fn area(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// The overlap of two rectangles, if they share a pixel.
    pub fn intersect(&self, other: &Rect) -> Option<Rect> {
        let rect = Rect::from_edges(
            self.x.max(other.x),
            self.y.max(other.y),
            self.right().min(other.right()),
            self.bottom().min(other.bottom()),
        );
        (!rect.is_empty()).then_some(rect)
    }

    /// Whether the two rectangles share at least one pixel.
    pub fn intersects(&self, other: &Rect) -> bool {
        self.intersect(other).is_some()
    }

    /// The smallest rectangle covering both (an empty one is ignored).
    pub fn union(&self, other: &Rect) -> Rect {
        if self.is_empty() {
            return *other;
        }
        if other.is_empty() {
            return *self;
        }
        Rect::from_edges(
            self.x.min(other.x),
            self.y.min(other.y),
            self.right().max(other.right()),
            self.bottom().max(other.bottom()),
        )
    }

    /// Whether `other` lies entirely inside this rectangle (by its edges).
    pub fn contains_rect(&self, other: &Rect) -> bool {
        other.x >= self.x
            && other.y >= self.y
            && other.right() <= self.right()
            && other.bottom() <= self.bottom()
    }

    /// Whether the pixel at `(x, y)` is inside.
    pub fn contains_point(&self, x: i32, y: i32) -> bool {
        x >= self.x && x < self.right() && y >= self.y && y < self.bottom()
    }

    /// Moved by `(dx, dy)`, saturating.
    pub fn translate(&self, dx: i32, dy: i32) -> Rect {
        Rect::new(self.x.saturating_add(dx), self.y.saturating_add(dy), self.width, self.height)
    }

    /// The part of this rectangle inside a `width` × `height` buffer whose
    /// top-left corner is the origin, if any pixel is inside.
    pub fn to_surface(&self, width: u32, height: u32) -> Option<SurfaceRect> {
        let inside = self.intersect(&Rect::new(0, 0, width, height))?;
        Some(SurfaceRect::new(inside.x as u32, inside.y as u32, inside.width, inside.height))
    }

    /// Grown by `amount` pixels on every side (shrunk when negative),
    /// saturating; empty when it shrinks past its centre.
    pub fn inflate(&self, amount: i32) -> Rect {
        Rect::from_edges(
            self.x.saturating_sub(amount),
            self.y.saturating_sub(amount),
            self.right().saturating_add(amount),
            self.bottom().saturating_add(amount),
        )
    }
}

impl From<SurfaceRect> for Rect {
    /// The same pixels in the signed plane (origins beyond `i32::MAX`
    /// saturate).
    fn from(rect: SurfaceRect) -> Rect {
        let clamp = |value: u32| i32::try_from(value).unwrap_or(i32::MAX);
        Rect::new(clamp(rect.x), clamp(rect.y), rect.width, rect.height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intersect_union_and_containment() {
        let a = Rect::new(0, 0, 10, 10);
        let b = Rect::new(5, 5, 10, 10);
        assert_eq!(a.intersect(&b), Some(Rect::new(5, 5, 5, 5)));
        assert_eq!(a.intersect(&Rect::new(10, 0, 5, 5)), None);
        assert!(!a.intersects(&Rect::new(-5, 0, 5, 5)));
        assert_eq!(a.union(&b), Rect::new(0, 0, 15, 15));
        assert_eq!(a.union(&Rect::default()), a);
        assert!(a.contains_rect(&Rect::new(2, 2, 8, 8)));
        assert!(!a.contains_rect(&b));
        assert!(a.contains_point(9, 0) && !a.contains_point(10, 0));
        assert_eq!(a.inflate(2), Rect::new(-2, -2, 14, 14));
        assert!(a.inflate(-5).is_empty());
        assert_eq!(a.translate(-3, 4), Rect::new(-3, 4, 10, 10));
    }

    #[test]
    fn surface_conversions_clip_and_saturate() {
        assert_eq!(Rect::new(-4, 2, 10, 10).to_surface(8, 8), Some(SurfaceRect::new(0, 2, 6, 6)));
        assert_eq!(Rect::new(8, 0, 4, 4).to_surface(8, 8), None);
        assert_eq!(Rect::from(SurfaceRect::new(3, 4, 5, 6)), Rect::new(3, 4, 5, 6));
        assert_eq!(Rect::from(SurfaceRect::new(u32::MAX, 0, 1, 1)).x, i32::MAX);
    }

    #[test]
    fn hostile_rectangles_saturate() {
        let hostile = Rect::new(i32::MAX, i32::MIN, u32::MAX, u32::MAX);
        assert_eq!(hostile.right(), i32::MAX);
        assert_eq!(hostile.bottom(), saturate(i64::from(i32::MIN) + i64::from(u32::MAX)));
        assert_eq!(hostile.intersect(&Rect::new(0, 0, 100, 100)), None);
        assert_eq!(Rect::from_edges(10, 10, 0, 0), Rect::new(10, 10, 0, 0));
        let _ = hostile.inflate(i32::MAX).translate(i32::MAX, i32::MAX);
    }
}
