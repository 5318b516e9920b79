//! Borrowed views of premultiplied RGBA8 surfaces, and the size limits
//! every surface on the wire obeys.

use crate::error::EncodeError;
use crate::format::BYTES_PER_PIXEL;
use weft_types::SurfaceRect;

/// The largest width or height the format allows.
pub const MAX_DIMENSION: u32 = 16384;

/// Bounds a decoder enforces on hostile input. The defaults allow any
/// surface up to 16384 pixels on a side and 256 MiB.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Largest width or height accepted (at most [`MAX_DIMENSION`]).
    pub max_dimension: u32,
    /// Largest `stride * height` accepted, in bytes.
    pub max_surface_bytes: usize,
    /// Most rectangles accepted in one frame.
    pub max_rectangles: u32,
    /// Largest frame accepted, in bytes.
    pub max_frame_bytes: usize,
}

impl Limits {
    /// The default limits: 16384 px per side, 256 MiB surfaces, 4096
    /// rectangles, frames up to the surface limit plus 1 MiB.
    pub const DEFAULT: Limits = Limits {
        max_dimension: MAX_DIMENSION,
        max_surface_bytes: 256 << 20,
        max_rectangles: 4096,
        max_frame_bytes: (256 << 20) + (1 << 20),
    };
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}

/// A borrowed premultiplied RGBA8 surface: rows top to bottom, `stride`
/// bytes apart.
#[derive(Clone, Copy, Debug)]
pub struct SurfaceRef<'a> {
    width: u32,
    height: u32,
    stride: u32,
    pixels: &'a [u8],
}

impl<'a> SurfaceRef<'a> {
    /// A view of `pixels` as a `width` × `height` surface. Checks the
    /// dimensions (1..=16384), the stride (≥ `width * 4`, multiple of 4)
    /// and that the buffer holds every row.
    pub fn new(
        width: u32,
        height: u32,
        stride: u32,
        pixels: &'a [u8],
    ) -> Result<SurfaceRef<'a>, EncodeError> {
        if width == 0 || height == 0 || width > MAX_DIMENSION || height > MAX_DIMENSION {
            return Err(EncodeError::BadDimensions { width, height });
        }
        let row_bytes = width as usize * BYTES_PER_PIXEL;
        if (stride as usize) < row_bytes || !stride.is_multiple_of(4) {
            return Err(EncodeError::BadStride { stride, width });
        }
        let needed = stride as usize * (height as usize - 1) + row_bytes;
        if pixels.len() < needed {
            return Err(EncodeError::BufferTooShort { needed, given: pixels.len() });
        }
        Ok(SurfaceRef { width, height, stride, pixels })
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Bytes from one row to the next.
    pub fn stride(&self) -> u32 {
        self.stride
    }

    /// The whole buffer, padding included.
    pub fn pixels(&self) -> &'a [u8] {
        self.pixels
    }

    /// The bytes of row `row` of `rect` (`rect.width * 4` bytes). The
    /// caller guarantees `rect` fits the surface and `row < rect.height`.
    pub fn rect_row(&self, rect: &SurfaceRect, row: u32) -> &'a [u8] {
        let start = (rect.y + row) as usize * self.stride as usize + rect.x as usize * BYTES_PER_PIXEL;
        &self.pixels[start..start + rect.width as usize * BYTES_PER_PIXEL]
    }

    /// The pixel at (`x`, `y`) as RGBA bytes.
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
        let start = y as usize * self.stride as usize + x as usize * BYTES_PER_PIXEL;
        let mut pixel = [0u8; 4];
        pixel.copy_from_slice(&self.pixels[start..start + 4]);
        pixel
    }
}
