//! Flattening a Wayland surface tree into one Weft buffer.
//!
//! A Wayland window is a tree of surfaces (the toplevel and its
//! subsurfaces); a Weft window is one buffer. The bridge keeps each
//! surface's latest content as premultiplied RGBA and, for every damaged
//! rectangle of the window, draws the tree's surfaces bottom to top into
//! the Weft buffer: copying where one surface covers the rectangle alone,
//! blending (premultiplied source-over) where they overlap. A surface
//! whose buffer scale differs from the window's is sampled nearest.
//!
//! A pixel's value depends only on the layers, never on how the damage was
//! cut into rectangles, so composing any cover of the window gives the
//! same picture (`tests::any_split_gives_the_same_picture`).

use weft_compositor_api::Rect;

/// One surface's content placed in the window.
#[derive(Clone, Copy, Debug)]
pub struct Layer<'a> {
    /// Premultiplied RGBA rows, `stride` bytes apart.
    pub pixels: &'a [u8],
    /// Width in the layer's own pixels.
    pub width: u32,
    /// Height in the layer's own pixels.
    pub height: u32,
    /// Bytes from one row to the next.
    pub stride: usize,
    /// Every pixel has alpha 255 (so it hides what is below).
    pub opaque: bool,
    /// Top-left corner in window pixels.
    pub x: i32,
    /// Top-left corner in window pixels.
    pub y: i32,
    /// Layer pixels per logical pixel (the surface's buffer scale).
    pub source_scale: u32,
    /// Window pixels per logical pixel.
    pub target_scale: u32,
}

impl Layer<'_> {
    /// Where the layer lands, in window pixels.
    pub fn extent(&self) -> Rect {
        Rect::new(self.x, self.y, self.scaled(self.width), self.scaled(self.height))
    }

    fn scaled(&self, side: u32) -> u32 {
        let source = self.source_scale.max(1);
        (u64::from(side) * u64::from(self.target_scale.max(1)) / u64::from(source)) as u32
    }

    fn same_scale(&self) -> bool {
        self.source_scale.max(1) == self.target_scale.max(1)
    }

    /// The layer pixel shown at window pixel (`x`, `y`) inside the extent.
    fn source_index(&self, x: i32, y: i32) -> usize {
        let (source, target) = (i64::from(self.source_scale.max(1)), i64::from(self.target_scale.max(1)));
        let column =
            ((i64::from(x) - i64::from(self.x)) * source / target).clamp(0, i64::from(self.width) - 1);
        let row = ((i64::from(y) - i64::from(self.y)) * source / target).clamp(0, i64::from(self.height) - 1);
        row as usize * self.stride + column as usize * 4
    }
}

/// The buffer being drawn.
pub struct Target<'a> {
    /// Premultiplied RGBA rows.
    pub pixels: &'a mut [u8],
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes from one row to the next.
    pub stride: usize,
}

fn covers(outer: &Rect, inner: &Rect) -> bool {
    outer.contains_rect(inner)
}

/// Draw `layers` (bottom first) into `rect` of `target`.
pub fn compose(target: &mut Target<'_>, rect: Rect, layers: &[Layer<'_>]) {
    let Some(rect) = rect.intersect(&Rect::new(0, 0, target.width, target.height)) else {
        return;
    };
    let visible = |layer: &Layer<'_>| layer.extent().intersects(&rect) && layer.width > 0;
    // Start from the topmost layer that hides everything below it here,
    // or from the lowest visible layer if it alone covers the rectangle.
    let base = layers
        .iter()
        .rposition(|layer| layer.opaque && covers(&layer.extent(), &rect))
        .or_else(|| layers.iter().position(visible).filter(|&i| covers(&layers[i].extent(), &rect)));
    let first_blended = match base {
        Some(index) => {
            draw(target, rect, &layers[index], false);
            index + 1
        }
        None => {
            clear(target, rect);
            0
        }
    };
    for layer in layers[first_blended..].iter().filter(|layer| visible(layer)) {
        draw(target, rect, layer, true);
    }
}

fn clear(target: &mut Target<'_>, rect: Rect) {
    for y in rect.y..rect.bottom() {
        let start = y as usize * target.stride + rect.x as usize * 4;
        target.pixels[start..start + rect.width as usize * 4].fill(0);
    }
}

fn draw(target: &mut Target<'_>, rect: Rect, layer: &Layer<'_>, blend: bool) {
    let Some(area) = rect.intersect(&layer.extent()) else {
        return;
    };
    let bytes = area.width as usize * 4;
    for y in area.y..area.bottom() {
        let to = y as usize * target.stride + area.x as usize * 4;
        let row = &mut target.pixels[to..to + bytes];
        if layer.same_scale() {
            let from = layer.source_index(area.x, y);
            let source = &layer.pixels[from..from + bytes];
            if blend && !layer.opaque {
                blend_row(source, row);
            } else {
                row.copy_from_slice(source);
            }
        } else {
            for (offset, pixel) in row.chunks_exact_mut(4).enumerate() {
                let from = layer.source_index(area.x + offset as i32, y);
                let source = &layer.pixels[from..from + 4];
                if blend && !layer.opaque {
                    blend_row(source, pixel);
                } else {
                    pixel.copy_from_slice(source);
                }
            }
        }
    }
}

/// Premultiplied source-over: `target = source + target × (1 − source alpha)`.
fn blend_row(source: &[u8], target: &mut [u8]) {
    for (from, to) in source.chunks_exact(4).zip(target.chunks_exact_mut(4)) {
        match from[3] {
            255 => to.copy_from_slice(from),
            alpha => {
                let keep = 255 - u32::from(alpha);
                for channel in 0..4 {
                    let below = div255(u32::from(to[channel]) * keep);
                    to[channel] = from[channel].saturating_add(below as u8);
                }
            }
        }
    }
}

/// `value / 255`, rounded, for `value` ≤ 255 × 255.
fn div255(value: u32) -> u32 {
    let value = value + 128;
    (value + (value >> 8)) >> 8
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Image {
        pixels: Vec<u8>,
        width: u32,
        height: u32,
    }

    impl Image {
        fn filled(width: u32, height: u32, rgba: [u8; 4]) -> Image {
            Image { pixels: rgba.repeat((width * height) as usize), width, height }
        }

        fn layer(&self, x: i32, y: i32, opaque: bool) -> Layer<'_> {
            Layer {
                pixels: &self.pixels,
                width: self.width,
                height: self.height,
                stride: self.width as usize * 4,
                opaque,
                x,
                y,
                source_scale: 1,
                target_scale: 1,
            }
        }

        fn pixel(&self, x: u32, y: u32) -> [u8; 4] {
            let at = ((y * self.width + x) * 4) as usize;
            self.pixels[at..at + 4].try_into().unwrap()
        }
    }

    fn render(width: u32, height: u32, rects: &[Rect], layers: &[Layer<'_>]) -> Image {
        let mut out = Image::filled(width, height, [7, 7, 7, 7]);
        let mut target = Target { pixels: &mut out.pixels, width, height, stride: width as usize * 4 };
        for rect in rects {
            compose(&mut target, *rect, layers);
        }
        out
    }

    #[test]
    fn one_surface_is_copied() {
        let base = Image::filled(4, 4, [10, 20, 30, 255]);
        let out = render(4, 4, &[Rect::new(0, 0, 4, 4)], &[base.layer(0, 0, false)]);
        assert_eq!(out.pixel(3, 3), [10, 20, 30, 255]);
    }

    #[test]
    fn uncovered_pixels_are_transparent_and_only_the_rect_is_touched() {
        let small = Image::filled(2, 2, [255, 0, 0, 255]);
        let out = render(4, 4, &[Rect::new(0, 0, 3, 3)], &[small.layer(1, 1, true)]);
        assert_eq!(out.pixel(0, 0), [0, 0, 0, 0]);
        assert_eq!(out.pixel(1, 1), [255, 0, 0, 255]);
        assert_eq!(out.pixel(2, 2), [255, 0, 0, 255]);
        assert_eq!(out.pixel(3, 3), [7, 7, 7, 7], "outside the rectangle");
    }

    #[test]
    fn translucent_subsurfaces_blend_over_their_parent() {
        let base = Image::filled(4, 4, [0, 0, 200, 255]);
        let glass = Image::filled(2, 2, [100, 0, 0, 128]);
        let out = render(4, 4, &[Rect::new(0, 0, 4, 4)], &[base.layer(0, 0, true), glass.layer(2, 2, false)]);
        assert_eq!(out.pixel(0, 0), [0, 0, 200, 255]);
        assert_eq!(out.pixel(3, 3), [100, 0, 100, 255]);
    }

    #[test]
    fn an_opaque_top_surface_hides_everything_below() {
        let base = Image::filled(4, 4, [0, 0, 200, 255]);
        let top = Image::filled(4, 4, [1, 2, 3, 255]);
        let out = render(4, 4, &[Rect::new(1, 1, 2, 2)], &[base.layer(0, 0, true), top.layer(0, 0, true)]);
        assert_eq!(out.pixel(1, 1), [1, 2, 3, 255]);
    }

    #[test]
    fn a_lower_buffer_scale_is_sampled_nearest() {
        let mut half = Image::filled(2, 1, [0, 0, 0, 255]);
        half.pixels[4..8].copy_from_slice(&[255, 255, 255, 255]);
        let mut layer = half.layer(0, 0, true);
        layer.target_scale = 2;
        assert_eq!(layer.extent(), Rect::new(0, 0, 4, 2));
        let out = render(4, 2, &[Rect::new(0, 0, 4, 2)], &[layer]);
        assert_eq!(out.pixel(1, 1), [0, 0, 0, 255]);
        assert_eq!(out.pixel(2, 0), [255, 255, 255, 255]);
        assert_eq!(out.pixel(3, 1), [255, 255, 255, 255]);
    }

    #[test]
    fn a_higher_buffer_scale_is_downsampled() {
        let double = Image::filled(4, 4, [9, 9, 9, 255]);
        let mut layer = double.layer(0, 0, true);
        layer.source_scale = 2;
        assert_eq!(layer.extent(), Rect::new(0, 0, 2, 2));
        let out = render(3, 3, &[Rect::new(0, 0, 3, 3)], &[layer]);
        assert_eq!(out.pixel(1, 1), [9, 9, 9, 255]);
        assert_eq!(out.pixel(2, 2), [0, 0, 0, 0]);
    }

    #[test]
    fn layers_partly_outside_the_window_are_clipped() {
        let big = Image::filled(6, 6, [5, 5, 5, 255]);
        let out = render(4, 4, &[Rect::new(-2, -2, 20, 20)], &[big.layer(-3, -3, true)]);
        assert_eq!(out.pixel(0, 0), [5, 5, 5, 255]);
        assert_eq!(out.pixel(3, 3), [0, 0, 0, 0]);
    }

    #[test]
    fn any_split_gives_the_same_picture() {
        let mut base = Image::filled(9, 7, [0, 0, 0, 255]);
        for (index, byte) in base.pixels.iter_mut().enumerate() {
            *byte = (index * 37 % 251) as u8;
        }
        for pixel in base.pixels.chunks_exact_mut(4) {
            pixel[3] = 255;
        }
        let glass = Image::filled(4, 3, [60, 30, 0, 90]);
        let mut scaled = Image::filled(2, 2, [0, 40, 40, 64]);
        scaled.pixels[0..4].copy_from_slice(&[200, 0, 0, 200]);
        let mut scaled_layer = scaled.layer(5, 4, false);
        scaled_layer.target_scale = 2;
        let layers = [base.layer(0, 0, false), glass.layer(2, 1, false), scaled_layer];
        let whole = render(9, 7, &[Rect::new(0, 0, 9, 7)], &layers);
        let mut rects = Vec::new();
        for y in 0..7 {
            for x in (0..9).step_by(2) {
                rects.push(Rect::new(x, y, 2, 1));
            }
        }
        let pieces = render(9, 7, &rects, &layers);
        assert_eq!(whole.pixels, pieces.pixels);
    }

    #[test]
    fn division_by_255_rounds() {
        for value in [0u32, 127, 128, 255 * 255, 1000, 64_770] {
            assert_eq!(div255(value), (value as f64 / 255.0).round() as u32, "{value}");
        }
    }
}
