//! What shapes are filled with: a solid colour or a linear gradient.

use alloc::vec::Vec;

use weft_theme::Color;

use crate::geometry::Point;

/// A linear gradient between two points, in logical pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearGradient {
    /// Where offset 0 lies.
    pub start: Point,
    /// Where offset 1 lies.
    pub end: Point,
    /// Colour stops: offset (0–1, ascending) and colour.
    pub stops: Vec<(f32, Color)>,
}

/// How to fill a shape.
#[derive(Clone, Debug, PartialEq)]
pub enum Brush {
    /// One colour.
    Solid(Color),
    /// A linear gradient, padded beyond its ends.
    Linear(LinearGradient),
}

impl From<Color> for Brush {
    fn from(color: Color) -> Brush {
        Brush::Solid(color)
    }
}

impl From<LinearGradient> for Brush {
    fn from(gradient: LinearGradient) -> Brush {
        Brush::Linear(gradient)
    }
}

/// Converts a theme colour to tiny-skia's (straight-alpha) colour.
pub(crate) fn skia_color(color: Color) -> tiny_skia::Color {
    tiny_skia::Color::from_rgba8(color.red, color.green, color.blue, color.alpha)
}

/// A theme colour premultiplied, as the four bytes stored in a pixel.
pub fn premultiply(color: Color) -> [u8; 4] {
    let alpha = color.alpha as u32;
    let scale = |channel: u8| ((channel as u32 * alpha + 127) / 255) as u8;
    [
        scale(color.red),
        scale(color.green),
        scale(color.blue),
        color.alpha,
    ]
}
