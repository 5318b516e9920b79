//! weft-paint — 2D painting for Weft over caller-owned pixel buffers.
//!
//! A [`Canvas`] wraps a `&mut [u8]` of premultiplied RGBA8 pixels (rows top
//! to bottom, explicit stride) and draws rounded rectangles, borders, soft
//! shadows, linear gradients, images and theme icons with tiny-skia. It
//! takes logical coordinates and a scale factor, so the same drawing code
//! is crisp at 1×, 1.5× and 2×.
//!
//! Invariants: nothing is ever drawn outside the current clip rectangle,
//! and drawing is deterministic per pixel, so repainting any clip region
//! reproduces exactly the pixels a full repaint would produce there. That
//! is what lets the toolkit repaint only damaged regions.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod brush;
mod canvas;
mod geometry;
mod image;
mod path_data;
mod shadow;

pub use brush::{Brush, LinearGradient, premultiply};
pub use canvas::{Canvas, CanvasError, rounded_rect_path};
pub use geometry::{PixelRect, Point, Rect, Size};
pub use image::{Image, ImageError};
pub use path_data::{PathDataError, parse_path_data};
pub use tiny_skia;
pub use weft_theme::Color;

#[cfg(test)]
mod tests;
