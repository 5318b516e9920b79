//! Drawing shaped text into a canvas.

use cosmic_text::{Buffer, SwashContent};
use weft_paint::{Canvas, Color, Point};

use crate::system::TextSystem;

/// Draws every laid-out glyph of `buffer` with its top-left at `origin`
/// (logical pixels), rasterised at the canvas scale.
pub(crate) fn draw_buffer(
    system: &mut TextSystem,
    buffer: &Buffer,
    canvas: &mut Canvas<'_>,
    origin: Point,
    color: Color,
) {
    let scale = canvas.scale();
    let clip = canvas.clip();
    if clip.is_empty() {
        return;
    }
    for run in buffer.layout_runs() {
        let line_top = ((origin.y + run.line_top) * scale) as i32;
        let line_bottom = ((origin.y + run.line_top + run.line_height) * scale) as i32 + 2;
        // Skip lines entirely outside the clip (with margin for ascenders).
        if line_bottom < clip.y - 4 || line_top > clip.bottom() + 4 {
            continue;
        }
        for glyph in run.glyphs {
            let physical =
                glyph.physical((origin.x * scale, (origin.y + run.line_y) * scale), scale);
            let Some(image) = system
                .glyphs
                .get_image(&mut system.fonts, physical.cache_key)
            else {
                continue;
            };
            let x = physical.x + image.placement.left;
            let y = physical.y - image.placement.top;
            let (width, height) = (image.placement.width, image.placement.height);
            if width == 0 || height == 0 {
                continue;
            }
            match image.content {
                SwashContent::Mask => {
                    let ink = match glyph.color_opt {
                        Some(custom) => Color::rgba(custom.r(), custom.g(), custom.b(), custom.a()),
                        None => color,
                    };
                    canvas.blend_alpha_mask(x, y, width, height, &image.data, ink);
                }
                SwashContent::Color => {
                    let mut pixels = image.data.clone();
                    for pixel in pixels.chunks_exact_mut(4) {
                        let alpha = pixel[3] as u32;
                        for channel in &mut pixel[..3] {
                            *channel = ((*channel as u32 * alpha + 127) / 255) as u8;
                        }
                    }
                    canvas.blend_rgba(x, y, width, height, &pixels);
                }
                SwashContent::SubpixelMask => {
                    // Not requested by this crate; treat the green channel as coverage.
                    let coverage: alloc::vec::Vec<u8> =
                        image.data.chunks_exact(4).map(|pixel| pixel[1]).collect();
                    canvas.blend_alpha_mask(x, y, width, height, &coverage, color);
                }
            }
        }
    }
}
