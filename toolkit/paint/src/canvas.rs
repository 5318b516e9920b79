//! The canvas: painting operations over a caller-owned pixel buffer.

use alloc::vec::Vec;
use core::fmt;

use tiny_skia::{
    FillRule, FilterQuality, GradientStop, Mask, Paint, Path, PathBuilder, Pattern, PixmapMut,
    PixmapRef, Shader, SpreadMode, Stroke, Transform,
};
use weft_theme::{Color, Icon, IconGeometry, IconPaint, Shadow};

use crate::brush::{Brush, premultiply, skia_color};
use crate::geometry::{PixelRect, Rect};
use crate::image::Image;
use crate::path_data::parse_path_data;
use crate::shadow::{ShadowShape, blend_pixel};

/// Why a canvas could not be created over a buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CanvasError {
    /// Width or height is zero.
    Empty,
    /// The stride is not a multiple of 4 or is narrower than a row.
    BadStride {
        /// The stride given, bytes.
        stride: usize,
        /// The width given, pixels.
        width: u32,
    },
    /// The buffer is shorter than `stride * height`.
    BufferTooSmall {
        /// Bytes needed.
        needed: usize,
        /// Bytes given.
        actual: usize,
    },
}

impl fmt::Display for CanvasError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CanvasError::Empty => formatter.write_str("canvas has no pixels"),
            CanvasError::BadStride { stride, width } => {
                write!(
                    formatter,
                    "stride {stride} does not fit {width} RGBA pixels in whole pixels"
                )
            }
            CanvasError::BufferTooSmall { needed, actual } => {
                write!(
                    formatter,
                    "buffer holds {actual} bytes, canvas needs {needed}"
                )
            }
        }
    }
}

impl core::error::Error for CanvasError {}

/// A painting surface over a premultiplied RGBA8 buffer with an explicit
/// stride. Drawing calls take logical pixels; the canvas multiplies by its
/// scale factor. Every draw is clipped to the current clip rectangle
/// (whole physical pixels), so painting a region twice with the same
/// content gives the same pixels as painting it once.
pub struct Canvas<'a> {
    pixmap: PixmapMut<'a>,
    width: u32,
    height: u32,
    scale: f32,
    clips: Vec<PixelRect>,
    mask: Option<Mask>,
    mask_rect: PixelRect,
}

impl<'a> Canvas<'a> {
    /// A canvas over `buffer`: `height` rows of `stride` bytes, of which
    /// the first `width * 4` are visible pixels.
    pub fn new(
        buffer: &'a mut [u8],
        width: u32,
        height: u32,
        stride: usize,
        scale: f32,
    ) -> Result<Canvas<'a>, CanvasError> {
        if width == 0 || height == 0 {
            return Err(CanvasError::Empty);
        }
        if !stride.is_multiple_of(4) || stride < width as usize * 4 {
            return Err(CanvasError::BadStride { stride, width });
        }
        let needed = stride * height as usize;
        if buffer.len() < needed {
            return Err(CanvasError::BufferTooSmall {
                needed,
                actual: buffer.len(),
            });
        }
        // tiny-skia wants tightly packed rows: treat the padding as extra
        // (always clipped) columns.
        let actual = buffer.len();
        let pixmap = PixmapMut::from_bytes(&mut buffer[..needed], (stride / 4) as u32, height)
            .ok_or(CanvasError::BufferTooSmall { needed, actual })?;
        Ok(Canvas {
            pixmap,
            width,
            height,
            scale: if scale > 0.0 { scale } else { 1.0 },
            clips: Vec::new(),
            mask: None,
            mask_rect: PixelRect::default(),
        })
    }

    /// Visible width, physical pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height, physical pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Logical-to-physical scale factor.
    pub fn scale(&self) -> f32 {
        self.scale
    }

    /// The whole canvas, physical pixels.
    pub fn bounds(&self) -> PixelRect {
        PixelRect::new(0, 0, self.width, self.height)
    }

    /// The current clip, physical pixels (possibly empty).
    pub fn clip(&self) -> PixelRect {
        self.clips.last().copied().unwrap_or_else(|| self.bounds())
    }

    /// Restricts drawing to `rect` (physical pixels) intersected with the
    /// current clip, until the matching [`Canvas::pop_clip`].
    pub fn push_clip_pixels(&mut self, rect: PixelRect) {
        let clip = self.clip().intersect(&rect).unwrap_or_default();
        self.clips.push(clip);
    }

    /// Restricts drawing to `rect` (logical, edges rounded to whole pixels).
    pub fn push_clip(&mut self, rect: Rect) {
        self.push_clip_pixels(rect.to_pixels_rounded(self.scale));
    }

    /// Undoes the last push.
    pub fn pop_clip(&mut self) {
        self.clips.pop();
    }

    fn transform(&self) -> Transform {
        Transform::from_scale(self.scale, self.scale)
    }

    /// Brings the mask in line with the current clip; `false` when nothing
    /// is visible.
    fn update_mask(&mut self) -> bool {
        let clip = self.clip();
        if clip.is_empty() {
            return false;
        }
        let mask_width = self.pixmap.width();
        if self.mask.is_none() {
            self.mask = Mask::new(mask_width, self.height);
            self.mask_rect = PixelRect::default();
        }
        let Some(mask) = self.mask.as_mut() else {
            return false;
        };
        if self.mask_rect != clip {
            let data = mask.data_mut();
            for (rect, value) in [(self.mask_rect, 0u8), (clip, 255u8)] {
                for y in rect.y..rect.bottom() {
                    let row = y as usize * mask_width as usize;
                    data[row + rect.x as usize..row + rect.right() as usize].fill(value);
                }
            }
            self.mask_rect = clip;
        }
        true
    }

    /// Whether a shape with these logical bounds could touch the clip.
    fn visible(&self, bounds: Rect) -> bool {
        bounds
            .to_pixels(self.scale)
            .inflate(1)
            .intersects(&self.clip())
    }

    fn shader(&self, brush: &Brush) -> Option<Shader<'static>> {
        match brush {
            Brush::Solid(color) => Some(Shader::SolidColor(skia_color(*color))),
            Brush::Linear(gradient) => {
                let stops = gradient
                    .stops
                    .iter()
                    .map(|(offset, color)| GradientStop::new(*offset, skia_color(*color)))
                    .collect();
                tiny_skia::LinearGradient::new(
                    tiny_skia::Point::from_xy(gradient.start.x, gradient.start.y),
                    tiny_skia::Point::from_xy(gradient.end.x, gradient.end.y),
                    stops,
                    SpreadMode::Pad,
                    Transform::identity(),
                )
            }
        }
    }

    /// Fills a path given in logical pixels (non-zero winding).
    pub fn fill_path(&mut self, path: &Path, brush: &Brush) {
        self.fill_path_with_rule(path, brush, FillRule::Winding);
    }

    /// Fills a path given in logical pixels with an explicit fill rule.
    pub fn fill_path_with_rule(&mut self, path: &Path, brush: &Brush, fill_rule: FillRule) {
        let bounds = path.bounds();
        if !self.visible(Rect::new(
            bounds.x(),
            bounds.y(),
            bounds.width(),
            bounds.height(),
        )) {
            return;
        }
        let Some(shader) = self.shader(brush) else {
            return;
        };
        let transform = self.transform();
        let paint = Paint {
            shader,
            anti_alias: true,
            ..Paint::default()
        };
        if self.update_mask() {
            self.pixmap
                .fill_path(path, &paint, fill_rule, transform, self.mask.as_ref());
        }
    }

    /// Strokes a path given in logical pixels with round caps and joins.
    pub fn stroke_path(&mut self, path: &Path, width: f32, color: Color) {
        let bounds = path.bounds();
        let reach =
            Rect::new(bounds.x(), bounds.y(), bounds.width(), bounds.height()).inflate(width);
        if !self.visible(reach) {
            return;
        }
        let transform = self.transform();
        let paint = Paint {
            shader: Shader::SolidColor(skia_color(color)),
            anti_alias: true,
            ..Paint::default()
        };
        let stroke = Stroke {
            width,
            line_cap: tiny_skia::LineCap::Round,
            line_join: tiny_skia::LineJoin::Round,
            ..Stroke::default()
        };
        if self.update_mask() {
            self.pixmap
                .stroke_path(path, &paint, &stroke, transform, self.mask.as_ref());
        }
    }

    /// Replaces every pixel in the clip with `color` (no blending).
    pub fn clear(&mut self, color: Color) {
        let clip = self.clip();
        if clip.is_empty() {
            return;
        }
        let pixel = premultiply(color);
        let stride = self.pixmap.width() as usize * 4;
        let data = self.pixmap.data_mut();
        for y in clip.y..clip.bottom() {
            let row = y as usize * stride;
            for chunk in
                data[row + clip.x as usize * 4..row + clip.right() as usize * 4].chunks_exact_mut(4)
            {
                chunk.copy_from_slice(&pixel);
            }
        }
    }

    /// Fills a rectangle.
    pub fn fill_rect(&mut self, rect: Rect, brush: impl Into<Brush>) {
        if let Some(path) = rounded_rect_path(rect, 0.0) {
            self.fill_path(&path, &brush.into());
        }
    }

    /// Fills a rounded rectangle.
    pub fn fill_rounded_rect(&mut self, rect: Rect, radius: f32, brush: impl Into<Brush>) {
        if let Some(path) = rounded_rect_path(rect, radius) {
            self.fill_path(&path, &brush.into());
        }
    }

    /// Draws a border of `width` inside the edge of a rounded rectangle.
    pub fn stroke_rounded_rect(&mut self, rect: Rect, radius: f32, width: f32, color: Color) {
        let Some(outer) = rounded_rect_path(rect, radius) else {
            return;
        };
        let inner_rect = rect.inflate(-width);
        let mut builder = PathBuilder::new();
        builder.push_path(&outer);
        if let Some(inner) = rounded_rect_path(inner_rect, (radius - width).max(0.0)) {
            builder.push_path(&inner);
        }
        if let Some(ring) = builder.finish() {
            self.fill_path_with_rule(&ring, &Brush::Solid(color), FillRule::EvenOdd);
        }
    }

    /// Fills a circle.
    pub fn fill_circle(
        &mut self,
        center_x: f32,
        center_y: f32,
        radius: f32,
        brush: impl Into<Brush>,
    ) {
        if let Some(path) = PathBuilder::from_circle(center_x, center_y, radius) {
            self.fill_path(&path, &brush.into());
        }
    }

    /// Paints the soft shadow a rounded rectangle casts.
    pub fn draw_shadow(&mut self, rect: Rect, radius: f32, shadow: &Shadow) {
        let scale = self.scale;
        let shape = ShadowShape {
            left: (rect.x + shadow.offset_x - shadow.spread) * scale,
            top: (rect.y + shadow.offset_y - shadow.spread) * scale,
            right: (rect.right() + shadow.offset_x + shadow.spread) * scale,
            bottom: (rect.bottom() + shadow.offset_y + shadow.spread) * scale,
            radius: ((radius + shadow.spread) * scale).max(0.0),
            sigma: shadow.blur * scale / 2.0,
        };
        let clip = self.clip();
        let stride = self.pixmap.width() as usize * 4;
        shape.paint(
            self.pixmap.data_mut(),
            stride,
            clip,
            premultiply(shadow.color),
        );
    }

    /// Draws `image` scaled (bilinear) into `dest`, with `opacity` (0–1).
    pub fn draw_image(&mut self, image: &Image, dest: Rect, opacity: f32) {
        if dest.is_empty() || !self.visible(dest) {
            return;
        }
        let Some(source) = PixmapRef::from_bytes(image.pixels(), image.width(), image.height())
        else {
            return;
        };
        let scale = self.scale;
        let image_to_canvas = Transform::from_row(
            dest.width * scale / image.width() as f32,
            0.0,
            0.0,
            dest.height * scale / image.height() as f32,
            dest.x * scale,
            dest.y * scale,
        );
        let paint = Paint {
            shader: Pattern::new(
                source,
                SpreadMode::Pad,
                FilterQuality::Bilinear,
                opacity.clamp(0.0, 1.0),
                image_to_canvas,
            ),
            anti_alias: true,
            ..Paint::default()
        };
        let Some(path) = rounded_rect_path(
            Rect::new(
                dest.x * scale,
                dest.y * scale,
                dest.width * scale,
                dest.height * scale,
            ),
            0.0,
        ) else {
            return;
        };
        if self.update_mask() {
            self.pixmap.fill_path(
                &path,
                &paint,
                FillRule::Winding,
                Transform::identity(),
                self.mask.as_ref(),
            );
        }
    }

    /// Draws a theme icon fitted into the square `rect`, in `color`.
    /// Shapes whose path data does not parse are skipped.
    pub fn draw_icon(&mut self, icon: &Icon, rect: Rect, color: Color) {
        if !self.visible(rect) || icon.view_box <= 0.0 {
            return;
        }
        let size = rect.width.min(rect.height);
        let unit = size / icon.view_box;
        let origin_x = rect.x + (rect.width - size) / 2.0;
        let origin_y = rect.y + (rect.height - size) / 2.0;
        let to_logical = Transform::from_row(unit, 0.0, 0.0, unit, origin_x, origin_y);
        for shape in &icon.shapes {
            let path = match &shape.geometry {
                IconGeometry::Path(data) => parse_path_data(data).ok(),
                IconGeometry::Circle([x, y, radius]) => PathBuilder::from_circle(*x, *y, *radius),
                IconGeometry::Rect([x, y, width, height, radius]) => {
                    rounded_rect_path(Rect::new(*x, *y, *width, *height), *radius)
                }
            };
            let Some(path) = path.and_then(|path| path.transform(to_logical)) else {
                continue;
            };
            let ink = color.with_opacity(shape.opacity);
            match shape.paint {
                IconPaint::Fill => self.fill_path(&path, &Brush::Solid(ink)),
                IconPaint::Stroke(width) => self.stroke_path(&path, width * unit, ink),
            }
        }
    }

    /// Blends `color` through an 8-bit coverage mask placed at physical
    /// pixel (`x`, `y`); used for glyphs.
    pub fn blend_alpha_mask(
        &mut self,
        x: i32,
        y: i32,
        width: u32,
        height: u32,
        coverage: &[u8],
        color: Color,
    ) {
        let target = PixelRect::new(x, y, width, height);
        let Some(area) = target.intersect(&self.clip()) else {
            return;
        };
        if coverage.len() < width as usize * height as usize {
            return;
        }
        let pixel = premultiply(color);
        let stride = self.pixmap.width() as usize * 4;
        let data = self.pixmap.data_mut();
        for row in area.y..area.bottom() {
            let source_row = (row - y) as usize * width as usize;
            let destination_row = row as usize * stride;
            for column in area.x..area.right() {
                let alpha = coverage[source_row + (column - x) as usize] as u32;
                if alpha == 0 {
                    continue;
                }
                let offset = destination_row + column as usize * 4;
                blend_pixel(&mut data[offset..offset + 4], pixel, alpha + (alpha >> 7));
            }
        }
    }

    /// Blends premultiplied RGBA pixels (`width * height * 4` bytes) placed
    /// at physical pixel (`x`, `y`); used for colour glyphs.
    pub fn blend_rgba(&mut self, x: i32, y: i32, width: u32, height: u32, pixels: &[u8]) {
        let target = PixelRect::new(x, y, width, height);
        let Some(area) = target.intersect(&self.clip()) else {
            return;
        };
        if pixels.len() < width as usize * height as usize * 4 {
            return;
        }
        let stride = self.pixmap.width() as usize * 4;
        let data = self.pixmap.data_mut();
        for row in area.y..area.bottom() {
            let source_row = (row - y) as usize * width as usize * 4;
            let destination_row = row as usize * stride;
            for column in area.x..area.right() {
                let source = source_row + (column - x) as usize * 4;
                let color = [
                    pixels[source],
                    pixels[source + 1],
                    pixels[source + 2],
                    pixels[source + 3],
                ];
                let offset = destination_row + column as usize * 4;
                blend_pixel(&mut data[offset..offset + 4], color, 256);
            }
        }
    }

    /// The pixel at physical (`x`, `y`), premultiplied RGBA, if inside.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 4]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let pixel = self.pixmap.as_ref().pixel(x, y)?;
        Some([pixel.red(), pixel.green(), pixel.blue(), pixel.alpha()])
    }
}

/// A rounded-rectangle path (radius clamped to half the shorter side).
pub fn rounded_rect_path(rect: Rect, radius: f32) -> Option<Path> {
    if rect.is_empty() {
        return None;
    }
    let radius = radius.max(0.0).min(rect.width / 2.0).min(rect.height / 2.0);
    if radius <= 0.0 {
        return Some(PathBuilder::from_rect(tiny_skia::Rect::from_xywh(
            rect.x,
            rect.y,
            rect.width,
            rect.height,
        )?));
    }
    // Cubic Bézier circle-quadrant constant.
    let handle = radius * (1.0 - 0.552_284_8);
    let (left, top, right, bottom) = (rect.x, rect.y, rect.right(), rect.bottom());
    let mut builder = PathBuilder::new();
    builder.move_to(left + radius, top);
    builder.line_to(right - radius, top);
    builder.cubic_to(
        right - handle,
        top,
        right,
        top + handle,
        right,
        top + radius,
    );
    builder.line_to(right, bottom - radius);
    builder.cubic_to(
        right,
        bottom - handle,
        right - handle,
        bottom,
        right - radius,
        bottom,
    );
    builder.line_to(left + radius, bottom);
    builder.cubic_to(
        left + handle,
        bottom,
        left,
        bottom - handle,
        left,
        bottom - radius,
    );
    builder.line_to(left, top + radius);
    builder.cubic_to(left, top + handle, left + handle, top, left + radius, top);
    builder.close();
    builder.finish()
}
