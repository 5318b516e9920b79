//! Colours and scale-and-translate transforms (rectangles are
//! `weft_types::Rect`).

use weft_types::Rect;

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
    pub const IDENTITY: Transform = Transform { tx: 0.0, ty: 0.0, sx: 1.0, sy: 1.0 };

    /// A translation.
    pub const fn translate(tx: f32, ty: f32) -> Transform {
        Transform { tx, ty, sx: 1.0, sy: 1.0 }
    }

    /// A scale about the origin.
    pub const fn scale(sx: f32, sy: f32) -> Transform {
        Transform { tx: 0.0, ty: 0.0, sx, sy }
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
    let clamped = if value.is_nan() { 0.0 } else { value.clamp(-LIMIT, LIMIT) };
    // Round half up, without libm.
    let shifted = clamped + 0.5;
    let truncated = shifted as i32;
    if (truncated as f32) > shifted { truncated - 1 } else { truncated }
}
