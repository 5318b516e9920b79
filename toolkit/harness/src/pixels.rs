//! Pixel comparison with tolerances.

use alloc::vec::Vec;

/// How different two frames may be and still match.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerance {
    /// A pixel differs when any channel differs by more than this.
    pub channel: u8,
    /// At most this fraction (0–1) of pixels may differ.
    pub max_fraction: f64,
}

impl Tolerance {
    /// Exact equality.
    pub const EXACT: Tolerance = Tolerance {
        channel: 0,
        max_fraction: 0.0,
    };
    /// Forgiving enough for rasteriser or font-hinting drift, strict
    /// enough to catch any visible change of layout or colour.
    pub const SCREENSHOT: Tolerance = Tolerance {
        channel: 8,
        max_fraction: 0.0005,
    };
}

/// The result of comparing two frames.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Comparison {
    /// Pixels compared.
    pub total: usize,
    /// Pixels beyond the channel threshold.
    pub differing: usize,
    /// Largest channel difference seen.
    pub max_channel_difference: u8,
}

impl Comparison {
    /// Fraction of pixels that differ.
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.differing as f64 / self.total as f64
        }
    }

    /// Whether the frames match within `tolerance`.
    pub fn within(&self, tolerance: Tolerance) -> bool {
        self.fraction() <= tolerance.max_fraction
    }
}

/// Compares two RGBA8 frames of the same length pixel by pixel.
pub fn compare(expected: &[u8], actual: &[u8], channel_threshold: u8) -> Comparison {
    let total = expected.len().min(actual.len()) / 4;
    let mut differing = 0;
    let mut max_channel_difference = 0u8;
    for (left, right) in expected.chunks_exact(4).zip(actual.chunks_exact(4)) {
        let difference = left
            .iter()
            .zip(right)
            .map(|(a, b)| a.abs_diff(*b))
            .max()
            .unwrap_or(0);
        max_channel_difference = max_channel_difference.max(difference);
        if difference > channel_threshold {
            differing += 1;
        }
    }
    let length_mismatch = expected.len().abs_diff(actual.len()) / 4;
    Comparison {
        total: total + length_mismatch,
        differing: differing + length_mismatch,
        max_channel_difference,
    }
}

/// Converts premultiplied RGBA8 to straight alpha (as PNG stores it).
pub fn demultiply(premultiplied: &[u8]) -> Vec<u8> {
    let mut straight = premultiplied.to_vec();
    for pixel in straight.chunks_exact_mut(4) {
        let alpha = pixel[3] as u32;
        if alpha != 0 && alpha != 255 {
            for channel in &mut pixel[..3] {
                *channel = ((*channel as u32 * 255 + alpha / 2) / alpha).min(255) as u8;
            }
        }
    }
    straight
}
