//! Soft drop shadows for rounded rectangles.
//!
//! A Gaussian-blurred rounded rectangle is approximated by applying the
//! Gaussian's cumulative distribution to the signed distance from the
//! rectangle's edge. That is exact for straight edges, close at corners,
//! and needs no scratch buffers: each pixel costs a distance and a table
//! look-up. Pixels deep inside the shape are filled as a solid block.

use crate::geometry::PixelRect;

/// Table of the Gaussian CDF complement over [-3σ, 3σ].
const TABLE_SIZE: usize = 256;

fn erf_table() -> [f32; TABLE_SIZE] {
    let mut table = [0.0; TABLE_SIZE];
    for (index, entry) in table.iter_mut().enumerate() {
        // distance in standard deviations, from -3 to 3
        let sigmas = index as f32 / (TABLE_SIZE - 1) as f32 * 6.0 - 3.0;
        *entry = 0.5 * (1.0 - libm::erff(sigmas / core::f32::consts::SQRT_2));
    }
    table
}

/// A shadow in physical pixels, ready to rasterise.
pub(crate) struct ShadowShape {
    /// Shape left, top, right, bottom (already offset and spread).
    pub left: f32,
    pub top: f32,
    pub right: f32,
    pub bottom: f32,
    /// Corner radius.
    pub radius: f32,
    /// Standard deviation of the blur.
    pub sigma: f32,
}

impl ShadowShape {
    /// The pixels the shadow can touch.
    pub fn bounds(&self) -> PixelRect {
        let reach = 3.0 * self.sigma + 1.0;
        PixelRect::from_edges(
            libm::floorf(self.left - reach) as i32,
            libm::floorf(self.top - reach) as i32,
            libm::ceilf(self.right + reach) as i32,
            libm::ceilf(self.bottom + reach) as i32,
        )
    }

    /// Coverage (0–1) at a pixel centre.
    fn coverage(&self, table: &[f32; TABLE_SIZE], x: f32, y: f32) -> f32 {
        let radius = self.radius;
        let center_x = (self.left + self.right) / 2.0;
        let center_y = (self.top + self.bottom) / 2.0;
        let half_width = (self.right - self.left) / 2.0 - radius;
        let half_height = (self.bottom - self.top) / 2.0 - radius;
        let qx = libm::fabsf(x - center_x) - half_width;
        let qy = libm::fabsf(y - center_y) - half_height;
        let outside = libm::sqrtf(qx.max(0.0) * qx.max(0.0) + qy.max(0.0) * qy.max(0.0));
        let distance = outside + qx.max(qy).min(0.0) - radius;
        if self.sigma <= 0.0 {
            return if distance <= 0.0 { 1.0 } else { 0.0 };
        }
        let position = (distance / self.sigma + 3.0) / 6.0 * (TABLE_SIZE - 1) as f32;
        if position <= 0.0 {
            1.0
        } else if position >= (TABLE_SIZE - 1) as f32 {
            0.0
        } else {
            let index = position as usize;
            let fraction = position - index as f32;
            table[index] + (table[index + 1] - table[index]) * fraction
        }
    }

    /// Blends the shadow (premultiplied colour) into `data` within `clip`.
    pub fn paint(&self, data: &mut [u8], stride: usize, clip: PixelRect, color: [u8; 4]) {
        let Some(area) = self.bounds().intersect(&clip) else {
            return;
        };
        let table = erf_table();
        // Inner block where coverage is 1: inset by radius and 3σ.
        let inset = 3.0 * self.sigma + self.radius * 0.3;
        let inner = PixelRect::from_edges(
            libm::ceilf(self.left + inset) as i32,
            libm::ceilf(self.top + inset) as i32,
            libm::floorf(self.right - inset) as i32,
            libm::floorf(self.bottom - inset) as i32,
        );
        for y in area.y..area.bottom() {
            let row = y as usize * stride;
            let inside_row = y >= inner.y && y < inner.bottom();
            for x in area.x..area.right() {
                let coverage = if inside_row && x >= inner.x && x < inner.right() {
                    1.0
                } else {
                    self.coverage(&table, x as f32 + 0.5, y as f32 + 0.5)
                };
                if coverage <= 0.0 {
                    continue;
                }
                let weight = (coverage * 256.0) as u32;
                let offset = row + x as usize * 4;
                blend_pixel(&mut data[offset..offset + 4], color, weight);
            }
        }
    }
}

/// Source-over blend of a premultiplied colour scaled by `weight` (0–256).
#[inline]
pub(crate) fn blend_pixel(pixel: &mut [u8], color: [u8; 4], weight: u32) {
    let source_alpha = (color[3] as u32 * weight) >> 8;
    if source_alpha == 0 {
        return;
    }
    let inverse = 255 - source_alpha;
    for channel in 0..4 {
        let source = (color[channel] as u32 * weight) >> 8;
        let destination = pixel[channel] as u32;
        pixel[channel] = (source + (destination * inverse + 127) / 255).min(255) as u8;
    }
}
