//! Owned raster images in Weft's pixel format.

use alloc::vec::Vec;
use core::fmt;

/// Why an image could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageError {
    /// The pixel data length is not `width * height * 4`.
    WrongLength {
        /// Bytes expected.
        expected: usize,
        /// Bytes given.
        actual: usize,
    },
    /// Width or height is zero.
    Empty,
}

impl fmt::Display for ImageError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageError::WrongLength { expected, actual } => {
                write!(
                    formatter,
                    "image needs {expected} bytes of RGBA, got {actual}"
                )
            }
            ImageError::Empty => formatter.write_str("image has no pixels"),
        }
    }
}

impl core::error::Error for ImageError {}

/// A premultiplied RGBA8 image, rows top to bottom, tightly packed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Image {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl Image {
    /// Wraps premultiplied RGBA8 pixels.
    pub fn from_premultiplied(
        width: u32,
        height: u32,
        pixels: Vec<u8>,
    ) -> Result<Image, ImageError> {
        if width == 0 || height == 0 {
            return Err(ImageError::Empty);
        }
        let expected = width as usize * height as usize * 4;
        if pixels.len() != expected {
            return Err(ImageError::WrongLength {
                expected,
                actual: pixels.len(),
            });
        }
        Ok(Image {
            width,
            height,
            pixels,
        })
    }

    /// Premultiplies straight-alpha RGBA8 pixels (as decoded from PNG).
    pub fn from_straight(
        width: u32,
        height: u32,
        mut pixels: Vec<u8>,
    ) -> Result<Image, ImageError> {
        for pixel in pixels.chunks_exact_mut(4) {
            let alpha = pixel[3] as u32;
            for channel in &mut pixel[..3] {
                *channel = ((*channel as u32 * alpha + 127) / 255) as u8;
            }
        }
        Image::from_premultiplied(width, height, pixels)
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The premultiplied pixels.
    pub fn pixels(&self) -> &[u8] {
        &self.pixels
    }
}
