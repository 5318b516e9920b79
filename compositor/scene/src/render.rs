//! Compositing a scene into a back buffer with tiny-skia, damaged
//! rectangles only, and copying the result to a framebuffer.
//!
//! Exactness: every item is drawn with `fill_rect` over an integer
//! rectangle (its visible part within the damaged rectangle) in absolute
//! output coordinates, with the same paint and shader transform a full
//! composite uses. A pixel's value therefore depends only on the scene,
//! never on which rectangle was being repainted.

use alloc::vec;
use alloc::vec::Vec;
use tiny_skia::{
    BlendMode, FilterQuality, Paint as SkiaPaint, Pattern, PixmapMut, PixmapRef, SpreadMode,
    Transform as SkiaTransform,
};

use crate::flatten::{self, DrawItem, Paint};
use weft_types::Rect;

use crate::geometry::Color;
use crate::graph::{ImageId, Scene};
use crate::region::Region;

/// Read access to image pixels while rendering.
pub trait ImageSource {
    /// The pixels of `image`: premultiplied RGBA rows of `stride` bytes.
    /// `None` draws nothing for it.
    fn image(&self, image: ImageId) -> Option<ImageView<'_>>;
}

/// Borrowed image pixels.
#[derive(Clone, Copy, Debug)]
pub struct ImageView<'a> {
    /// Premultiplied RGBA bytes, at least `stride` × `height` long.
    pub bytes: &'a [u8],
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes per row (a multiple of 4, at least `width` × 4).
    pub stride: u32,
}

/// No images at all.
pub struct NoImages;

impl ImageSource for NoImages {
    fn image(&self, _image: ImageId) -> Option<ImageView<'_>> {
        None
    }
}

/// What a frame cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RenderStats {
    /// Pixels of the damaged rectangles that were recomposited.
    pub damaged_pixels: u64,
    /// Pixels written by draw operations (background and items).
    pub drawn_pixels: u64,
    /// Draw operations issued.
    pub draws: u32,
    /// Items in the draw list.
    pub items: u32,
}

/// The result of rendering a frame.
#[derive(Clone, Debug, Default)]
pub struct Frame {
    /// What changed on the output (copy these to the framebuffer).
    pub damage: Region,
    /// Costs.
    pub stats: RenderStats,
}

/// Layout of a framebuffer to copy into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// Bytes R, G, B, A.
    Rgba8,
    /// Bytes B, G, R, A (virtio-gpu, host windows).
    Bgra8,
}

/// Composites scenes into its own premultiplied RGBA back buffer.
pub struct Renderer {
    width: u32,
    height: u32,
    back: Vec<u8>,
}

impl Renderer {
    /// A renderer for `width` × `height` outputs.
    pub fn new(width: u32, height: u32) -> Renderer {
        Renderer { width, height, back: vec![0; width as usize * height as usize * 4] }
    }

    /// Change the output size (the next frame should be full).
    pub fn resize(&mut self, width: u32, height: u32) {
        if (width, height) != (self.width, self.height) {
            self.width = width;
            self.height = height;
            self.back = vec![0; width as usize * height as usize * 4];
        }
    }

    /// Size in pixels.
    pub fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    /// The composited pixels (premultiplied RGBA, stride = width × 4).
    pub fn pixels(&self) -> &[u8] {
        &self.back
    }

    /// Composite what changed in `scene` since the last frame.
    pub fn render(&mut self, scene: &mut Scene, images: &dyn ImageSource) -> Frame {
        if scene.size() != (self.width, self.height) {
            let (width, height) = scene.size();
            self.resize(width, height);
            scene.damage_all();
        }
        let (items, damage) = flatten::frame(scene);
        let stats = self.composite(scene, &items, &damage, images);
        Frame { damage, stats }
    }

    /// Composite the whole scene as it is now, without consuming its
    /// damage (screenshots, and the reference in damage tests).
    pub fn render_full(&mut self, scene: &Scene, images: &dyn ImageSource) -> RenderStats {
        let (width, height) = scene.size();
        self.resize(width, height);
        let items = flatten::flatten(scene);
        let damage = Region::from_rect(Rect::new(0, 0, width, height));
        self.composite(scene, &items, &damage, images)
    }

    fn composite(
        &mut self,
        scene: &Scene,
        items: &[DrawItem],
        damage: &Region,
        images: &dyn ImageSource,
    ) -> RenderStats {
        let mut stats = RenderStats { items: items.len() as u32, ..RenderStats::default() };
        let (width, height) = (self.width, self.height);
        let Some(mut target) = PixmapMut::from_bytes(&mut self.back, width, height) else {
            return stats;
        };
        let background = scene.background();
        for area in damage.rects() {
            stats.damaged_pixels += area.area();
            // Start at the topmost item that covers the whole area opaquely.
            let start = items
                .iter()
                .rposition(|item| item.is_opaque() && (area.is_empty() || item.visible.contains_rect(area)));
            if start.is_none() {
                fill_solid(&mut target, area, background, BlendMode::Source);
                stats.drawn_pixels += area.area();
                stats.draws += 1;
            }
            for item in &items[start.unwrap_or(0)..] {
                let Some(part) = item.visible.intersect(area) else {
                    continue;
                };
                if draw_item(&mut target, item, &part, images) {
                    stats.drawn_pixels += part.area();
                    stats.draws += 1;
                }
            }
        }
        stats
    }

    /// Copy the damaged rectangles of the back buffer into `out`, a
    /// framebuffer of the same size with `stride` bytes per row.
    pub fn copy_to(&self, damage: &Region, out: &mut [u8], stride: usize, format: OutputFormat) {
        let screen = Rect::new(0, 0, self.width, self.height);
        let source_stride = self.width as usize * 4;
        for rect in damage.rects() {
            let Some(rect) = rect.intersect(&screen) else {
                continue;
            };
            let x0 = rect.x as usize * 4;
            let x1 = rect.right() as usize * 4;
            for y in rect.y as usize..rect.bottom() as usize {
                let source = &self.back[y * source_stride + x0..y * source_stride + x1];
                let start = y * stride + x0;
                let Some(dest) = out.get_mut(start..start + (x1 - x0)) else {
                    return;
                };
                match format {
                    OutputFormat::Rgba8 => dest.copy_from_slice(source),
                    OutputFormat::Bgra8 => swizzle(source, dest),
                }
            }
        }
    }
}

fn swizzle(source: &[u8], dest: &mut [u8]) {
    for (s, d) in source.chunks_exact(4).zip(dest.chunks_exact_mut(4)) {
        let p = u32::from_le_bytes([s[0], s[1], s[2], s[3]]);
        let q = (p & 0xff00_ff00) | ((p >> 16) & 0xff) | ((p & 0xff) << 16);
        d.copy_from_slice(&q.to_le_bytes());
    }
}

fn skia_rect(rect: &Rect) -> Option<tiny_skia::Rect> {
    tiny_skia::Rect::from_ltrb(rect.x as f32, rect.y as f32, rect.right() as f32, rect.bottom() as f32)
}

fn fill_solid(target: &mut PixmapMut<'_>, rect: &Rect, color: Color, blend: BlendMode) {
    let Some(area) = skia_rect(rect) else {
        return;
    };
    let mut paint = SkiaPaint::default();
    paint.set_color_rgba8(color.r, color.g, color.b, color.a);
    paint.blend_mode = blend;
    paint.anti_alias = false;
    target.fill_rect(area, &paint, SkiaTransform::identity(), None);
}

fn draw_item(target: &mut PixmapMut<'_>, item: &DrawItem, part: &Rect, images: &dyn ImageSource) -> bool {
    let blend = if item.is_opaque() { BlendMode::Source } else { BlendMode::SourceOver };
    match item.paint {
        Paint::Solid(color) => {
            fill_solid(target, part, color, blend);
            true
        }
        Paint::Image { image, pixels, .. } => {
            let Some(view) = images.image(image) else {
                return false;
            };
            if (view.width, view.height) != pixels || view.stride % 4 != 0 || view.stride / 4 < view.width {
                return false;
            }
            let span = view.stride as usize * view.height as usize;
            let Some(bytes) = view.bytes.get(..span) else {
                return false;
            };
            let Some(pixmap) = PixmapRef::from_bytes(bytes, view.stride / 4, view.height) else {
                return false;
            };
            let exact = item.dest.width == view.width && item.dest.height == view.height;
            if exact && item.opacity >= 1.0 {
                // Unscaled and unfaded: blit rows directly (the common case
                // for client surfaces), which is exact by construction.
                blit(target, item, part, bytes, view.stride as usize, blend == BlendMode::Source);
                return true;
            }
            let sx = item.dest.width as f32 / view.width as f32;
            let sy = item.dest.height as f32 / view.height as f32;
            let transform = SkiaTransform::from_row(sx, 0.0, 0.0, sy, item.dest.x as f32, item.dest.y as f32);
            let quality = if exact { FilterQuality::Nearest } else { FilterQuality::Bilinear };
            let shader = Pattern::new(pixmap, SpreadMode::Pad, quality, item.opacity, transform);
            let Some(area) = skia_rect(part) else {
                return false;
            };
            let paint = SkiaPaint { shader, blend_mode: blend, anti_alias: false, ..SkiaPaint::default() };
            target.fill_rect(area, &paint, SkiaTransform::identity(), None);
            true
        }
    }
}

/// Copy or blend (source over, premultiplied) the part of an unscaled
/// image that falls in `part`, straight into the target's rows.
fn blit(target: &mut PixmapMut<'_>, item: &DrawItem, part: &Rect, source: &[u8], stride: usize, copy: bool) {
    let width = target.width() as usize;
    let data = target.data_mut();
    let x0 = part.x as usize;
    let x1 = part.right() as usize;
    let sx0 = (part.x - item.dest.x) as usize;
    for y in part.y..part.bottom() {
        let sy = (y - item.dest.y) as usize;
        let from = &source[sy * stride + sx0 * 4..sy * stride + (sx0 + x1 - x0) * 4];
        let row = y as usize * width * 4;
        let to = &mut data[row + x0 * 4..row + x1 * 4];
        if copy {
            to.copy_from_slice(from);
            continue;
        }
        for (d, s) in to.chunks_exact_mut(4).zip(from.chunks_exact(4)) {
            let source = u32::from_le_bytes([s[0], s[1], s[2], s[3]]);
            let alpha = source >> 24;
            if alpha == 255 {
                d.copy_from_slice(s);
            } else if source != 0 {
                let dest = u32::from_le_bytes([d[0], d[1], d[2], d[3]]);
                d.copy_from_slice(&source_over(source, dest, 255 - alpha).to_le_bytes());
            }
        }
    }
}

/// Premultiplied source over: `source + dest × keep / 255` per channel,
/// two channels at a time (each 16-bit lane holds at most 255 × 255 +
/// 255, so lanes never carry into each other). Channels of invalid
/// (not premultiplied) sources wrap within their own pixel only.
fn source_over(source: u32, dest: u32, keep: u32) -> u32 {
    let scale = |lanes: u32| {
        let v = lanes * keep + 0x0080_0080;
        ((v + ((v >> 8) & 0x00ff_00ff)) >> 8) & 0x00ff_00ff
    };
    let red_blue = scale(dest & 0x00ff_00ff);
    let green_alpha = scale((dest >> 8) & 0x00ff_00ff);
    source.wrapping_add(red_blue | (green_alpha << 8))
}
