//! Converting premultiplied RGBA8 surfaces to softbuffer's `0RGB` words.

use weft_wlstream::{SurfaceRect, SurfaceRef};

/// Background shown where the surface has no pixels or is transparent.
pub const BACKGROUND: u32 = 0x0020_2226;

/// One premultiplied RGBA pixel composited over `BACKGROUND` as `0RGB`.
pub fn pixel_over_background(rgba: [u8; 4]) -> u32 {
    let inverse = 255 - u32::from(rgba[3]);
    let channel = |value: u8, shift: u32| {
        let under = (BACKGROUND >> shift) & 0xff;
        (u32::from(value) + under * inverse / 255).min(255)
    };
    (channel(rgba[0], 16) << 16) | (channel(rgba[1], 8) << 8) | channel(rgba[2], 0)
}

/// Halve a `0RGB` pixel's brightness (the "link lost" overlay).
pub fn dim(pixel: u32) -> u32 {
    (pixel >> 1) & 0x007f_7f7f
}

/// Draw `surface` at the top-left of a `width` × `height` `0RGB` buffer,
/// filling the rest with the background; `dimmed` darkens everything.
pub fn blit(surface: Option<&SurfaceRef<'_>>, target: &mut [u32], width: u32, height: u32, dimmed: bool) {
    let finish = |pixel: u32| if dimmed { dim(pixel) } else { pixel };
    let background = finish(BACKGROUND);
    let Some(surface) = surface else {
        target.fill(background);
        return;
    };
    let visible_width = surface.width().min(width);
    let visible_height = surface.height().min(height);
    let visible = SurfaceRect::new(0, 0, visible_width, visible_height);
    for (y, row) in target.chunks_exact_mut(width as usize).take(height as usize).enumerate() {
        let y = y as u32;
        if y >= visible_height || visible_width == 0 {
            row.fill(background);
            continue;
        }
        let source = surface.rect_row(&visible, y);
        for (target, rgba) in row.iter_mut().zip(source.chunks_exact(4)) {
            *target = finish(pixel_over_background([rgba[0], rgba[1], rgba[2], rgba[3]]));
        }
        row[visible_width as usize..].fill(background);
    }
}

/// Convert a premultiplied RGBA8 surface to straight-alpha RGBA8 rows
/// (what PNG stores).
pub fn unpremultiply(surface: &SurfaceRef<'_>) -> Vec<u8> {
    let full = SurfaceRect::full(surface.width(), surface.height());
    let mut pixels = Vec::with_capacity(full.area() as usize * 4);
    for y in 0..surface.height() {
        for rgba in surface.rect_row(&full, y).chunks_exact(4) {
            let alpha = u32::from(rgba[3]);
            let straight = |value: u8| match alpha {
                0 => 0,
                255 => value,
                _ => ((u32::from(value) * 255 + alpha / 2) / alpha).min(255) as u8,
            };
            pixels.extend_from_slice(&[straight(rgba[0]), straight(rgba[1]), straight(rgba[2]), rgba[3]]);
        }
    }
    pixels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_pixels_map_directly() {
        assert_eq!(pixel_over_background([0x12, 0x34, 0x56, 255]), 0x0012_3456);
        assert_eq!(pixel_over_background([0, 0, 0, 0]), BACKGROUND);
    }

    #[test]
    fn blit_pads_and_dims() {
        let pixels = [255u8, 0, 0, 255, 0, 255, 0, 255];
        let surface = SurfaceRef::new(2, 1, 8, &pixels).unwrap();
        let mut target = vec![0u32; 3 * 2];
        blit(Some(&surface), &mut target, 3, 2, false);
        assert_eq!(&target[..3], &[0x00ff_0000, 0x0000_ff00, BACKGROUND]);
        assert_eq!(&target[3..], &[BACKGROUND; 3]);
        blit(Some(&surface), &mut target, 3, 2, true);
        assert_eq!(target[0], 0x007f_0000);
    }

    #[test]
    fn unpremultiply_restores_straight_alpha() {
        let pixels = [64u8, 32, 0, 128];
        let surface = SurfaceRef::new(1, 1, 4, &pixels).unwrap();
        assert_eq!(unpremultiply(&surface), vec![128, 64, 0, 128]);
    }
}
