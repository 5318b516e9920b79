//! Integer rectangles, colours and scale-and-translate transforms.

/// An axis-aligned rectangle of whole pixels, by its edges (right and
/// bottom exclusive). Empty when `x1 <= x0` or `y1 <= y0`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Rect {
    /// Left edge.
    pub x0: i32,
    /// Top edge.
    pub y0: i32,
    /// Right edge (exclusive).
    pub x1: i32,
    /// Bottom edge (exclusive).
    pub y1: i32,
}

impl Rect {
    /// The rectangle with these edges.
    pub const fn from_edges(x0: i32, y0: i32, x1: i32, y1: i32) -> Rect {
        Rect { x0, y0, x1, y1 }
    }

    /// The rectangle at `(x, y)` of `width` × `height`.
    pub const fn new(x: i32, y: i32, width: u32, height: u32) -> Rect {
        Rect {
            x0: x,
            y0: y,
            x1: x.saturating_add(width as i32),
            y1: y.saturating_add(height as i32),
        }
    }

    /// Whether it covers no pixel.
    pub const fn is_empty(&self) -> bool {
        self.x1 <= self.x0 || self.y1 <= self.y0
    }

    /// Width (0 if empty).
    pub fn width(&self) -> u32 {
        if self.is_empty() {
            0
        } else {
            (self.x1 - self.x0) as u32
        }
    }

    /// Height (0 if empty).
    pub fn height(&self) -> u32 {
        if self.is_empty() {
            0
        } else {
            (self.y1 - self.y0) as u32
        }
    }

    /// Area in pixels.
    pub fn area(&self) -> u64 {
        u64::from(self.width()) * u64::from(self.height())
    }

    /// The overlap (empty if none).
    pub fn intersect(&self, other: &Rect) -> Rect {
        let r = Rect {
            x0: self.x0.max(other.x0),
            y0: self.y0.max(other.y0),
            x1: self.x1.min(other.x1),
            y1: self.y1.min(other.y1),
        };
        if r.is_empty() { Rect::default() } else { r }
    }

    /// Whether the two share a pixel.
    pub fn overlaps(&self, other: &Rect) -> bool {
        !self.intersect(other).is_empty()
    }

    /// Whether `other` lies entirely inside this one (an empty `other`
    /// always does).
    pub fn contains(&self, other: &Rect) -> bool {
        other.is_empty()
            || (self.x0 <= other.x0
                && self.y0 <= other.y0
                && self.x1 >= other.x1
                && self.y1 >= other.y1)
    }

    /// Whether the pixel at `(x, y)` is inside.
    pub fn contains_point(&self, x: i32, y: i32) -> bool {
        x >= self.x0 && x < self.x1 && y >= self.y0 && y < self.y1
    }

    /// The smallest rectangle covering both (empty ones are ignored).
    pub fn union(&self, other: &Rect) -> Rect {
        if self.is_empty() {
            return *other;
        }
        if other.is_empty() {
            return *self;
        }
        Rect {
            x0: self.x0.min(other.x0),
            y0: self.y0.min(other.y0),
            x1: self.x1.max(other.x1),
            y1: self.y1.max(other.y1),
        }
    }

    /// Moved by `(dx, dy)`.
    pub fn offset(&self, dx: i32, dy: i32) -> Rect {
        Rect {
            x0: self.x0.saturating_add(dx),
            y0: self.y0.saturating_add(dy),
            x1: self.x1.saturating_add(dx),
            y1: self.y1.saturating_add(dy),
        }
    }

    /// Grown by `amount` on every side.
    pub fn inflate(&self, amount: i32) -> Rect {
        Rect {
            x0: self.x0.saturating_sub(amount),
            y0: self.y0.saturating_sub(amount),
            x1: self.x1.saturating_add(amount),
            y1: self.y1.saturating_add(amount),
        }
    }
}

/// A colour, not premultiplied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Color {
    /// Red.
    pub r: u8,
    /// Green.
    pub g: u8,
    /// Blue.
    pub b: u8,
    /// Alpha (255 opaque).
    pub a: u8,
}

impl Color {
    /// An opaque colour.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Color {
        Color { r, g, b, a: 255 }
    }

    /// A colour with alpha.
    pub const fn rgba(r: u8, g: u8, b: u8, a: u8) -> Color {
        Color { r, g, b, a }
    }

    /// Premultiplied RGBA bytes.
    pub fn premultiplied(&self) -> [u8; 4] {
        let a = u16::from(self.a);
        let mul = |c: u8| ((u16::from(c) * a + 127) / 255) as u8;
        [mul(self.r), mul(self.g), mul(self.b), self.a]
    }
}

/// Scale then translate: `p' = p × scale + offset`. No rotation, so
/// rectangles stay axis-aligned and damage stays rectangular.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Transform {
    /// Horizontal offset.
    pub tx: f32,
    /// Vertical offset.
    pub ty: f32,
    /// Horizontal scale (> 0).
    pub sx: f32,
    /// Vertical scale (> 0).
    pub sy: f32,
}

impl Default for Transform {
    fn default() -> Transform {
        Transform::IDENTITY
    }
}

impl Transform {
    /// No change.
    pub const IDENTITY: Transform = Transform {
        tx: 0.0,
        ty: 0.0,
        sx: 1.0,
        sy: 1.0,
    };

    /// A translation.
    pub const fn translate(tx: f32, ty: f32) -> Transform {
        Transform {
            tx,
            ty,
            sx: 1.0,
            sy: 1.0,
        }
    }

    /// A scale about the origin.
    pub const fn scale(sx: f32, sy: f32) -> Transform {
        Transform {
            tx: 0.0,
            ty: 0.0,
            sx,
            sy,
        }
    }

    /// `self` applied after `inner` (inner is the child's transform).
    pub fn then(&self, inner: &Transform) -> Transform {
        Transform {
            tx: inner.tx * self.sx + self.tx,
            ty: inner.ty * self.sy + self.ty,
            sx: inner.sx * self.sx,
            sy: inner.sy * self.sy,
        }
    }

    /// The local rectangle `(x, y, width, height)` mapped and snapped to
    /// whole pixels (edges rounded to the nearest pixel boundary).
    pub fn map_rect(&self, x: f32, y: f32, width: f32, height: f32) -> Rect {
        let left = x * self.sx + self.tx;
        let top = y * self.sy + self.ty;
        let right = (x + width) * self.sx + self.tx;
        let bottom = (y + height) * self.sy + self.ty;
        Rect::from_edges(snap(left), snap(top), snap(right), snap(bottom))
    }
}

/// Round to the nearest whole pixel, saturating far outside any screen.
pub(crate) fn snap(value: f32) -> i32 {
    const LIMIT: f32 = 1_000_000.0;
    let clamped = if value.is_nan() {
        0.0
    } else {
        value.clamp(-LIMIT, LIMIT)
    };
    // Round half up, without libm.
    let shifted = clamped + 0.5;
    let truncated = shifted as i32;
    if (truncated as f32) > shifted {
        truncated - 1
    } else {
        truncated
    }
}
