//! Points, sizes and rectangles in logical pixels (`f32`, before the
//! output scale), and the physical pixel rectangle they round to.

/// A point in logical pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    /// Horizontal coordinate.
    pub x: f32,
    /// Vertical coordinate.
    pub y: f32,
}

impl Point {
    /// A point from its coordinates.
    pub const fn new(x: f32, y: f32) -> Point {
        Point { x, y }
    }
}

/// A size in logical pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Size {
    /// Horizontal extent.
    pub width: f32,
    /// Vertical extent.
    pub height: f32,
}

impl Size {
    /// A size from its extents.
    pub const fn new(width: f32, height: f32) -> Size {
        Size { width, height }
    }
}

/// An axis-aligned rectangle in logical pixels.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width (never negative for rectangles built by this crate).
    pub width: f32,
    /// Height.
    pub height: f32,
}

impl Rect {
    /// A rectangle from origin and size.
    pub const fn new(x: f32, y: f32, width: f32, height: f32) -> Rect {
        Rect { x, y, width, height }
    }

    /// The right edge.
    pub fn right(&self) -> f32 {
        self.x + self.width
    }

    /// The bottom edge.
    pub fn bottom(&self) -> f32 {
        self.y + self.height
    }

    /// The centre point.
    pub fn center(&self) -> Point {
        Point::new(self.x + self.width / 2.0, self.y + self.height / 2.0)
    }

    /// Whether the rectangle covers no area.
    pub fn is_empty(&self) -> bool {
        !(self.width > 0.0 && self.height > 0.0)
    }

    /// Whether `point` lies inside (left/top edges inclusive).
    pub fn contains(&self, point: Point) -> bool {
        point.x >= self.x && point.y >= self.y && point.x < self.right() && point.y < self.bottom()
    }

    /// Grows every edge outwards by `amount` (shrinks when negative).
    pub fn inflate(&self, amount: f32) -> Rect {
        let width = (self.width + 2.0 * amount).max(0.0);
        let height = (self.height + 2.0 * amount).max(0.0);
        Rect::new(self.x - amount, self.y - amount, width, height)
    }

    /// Moves the rectangle by `dx`, `dy`.
    pub fn translate(&self, dx: f32, dy: f32) -> Rect {
        Rect::new(self.x + dx, self.y + dy, self.width, self.height)
    }

    /// The overlap of two rectangles, if any.
    pub fn intersect(&self, other: &Rect) -> Option<Rect> {
        let left = self.x.max(other.x);
        let top = self.y.max(other.y);
        let right = self.right().min(other.right());
        let bottom = self.bottom().min(other.bottom());
        (right > left && bottom > top).then(|| Rect::new(left, top, right - left, bottom - top))
    }

    /// The physical pixels this rectangle touches at `scale` (rounded outwards).
    pub fn to_pixels(&self, scale: f32) -> PixelRect {
        let left = libm::floorf(self.x * scale) as i32;
        let top = libm::floorf(self.y * scale) as i32;
        let right = libm::ceilf(self.right() * scale) as i32;
        let bottom = libm::ceilf(self.bottom() * scale) as i32;
        PixelRect::from_edges(left, top, right, bottom)
    }

    /// The physical pixels whose centres lie inside this rectangle at `scale`
    /// (edges rounded to the nearest pixel boundary; used for clips).
    pub fn to_pixels_rounded(&self, scale: f32) -> PixelRect {
        let left = libm::roundf(self.x * scale) as i32;
        let top = libm::roundf(self.y * scale) as i32;
        let right = libm::roundf(self.right() * scale) as i32;
        let bottom = libm::roundf(self.bottom() * scale) as i32;
        PixelRect::from_edges(left, top, right, bottom)
    }
}

/// A rectangle of whole physical pixels (damage, clips): the shared
/// `weft_types::Rect`, named here for what it holds beside the logical
/// [`Rect`].
pub use weft_types::Rect as PixelRect;
