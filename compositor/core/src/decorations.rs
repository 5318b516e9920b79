//! Server-side decorations: the title bar image and what each frame part does.

use alloc::vec;
use alloc::vec::Vec;
use tiny_skia::{LineCap, Paint, PathBuilder, PixmapMut, Stroke, Transform};
use weft_scene::Color;

use crate::text::TextRenderer;
use crate::theme::Theme;

/// Edges being dragged in a resize.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Edges {
    /// Left edge.
    pub left: bool,
    /// Right edge.
    pub right: bool,
    /// Top edge.
    pub top: bool,
    /// Bottom edge.
    pub bottom: bool,
}

/// A part of a window under the pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// The title bar outside the buttons: drag to move, double-click to
    /// maximise.
    Title,
    /// Close button.
    Close,
    /// Maximise / restore button.
    Maximize,
    /// Minimise button.
    Minimize,
    /// The frame or the margin around it: drag to resize.
    Resize(Edges),
}

/// Which title bar part is at `x` (logical, from the title bar's left
/// edge) in a title bar `width` wide.
pub fn title_part(theme: &Theme, width: u32, x: f32) -> Part {
    let button = theme.button_width as f32;
    let from_right = width as f32 - x;
    if from_right <= button {
        Part::Close
    } else if from_right <= 2.0 * button {
        Part::Maximize
    } else if from_right <= 3.0 * button {
        Part::Minimize
    } else {
        Part::Title
    }
}

/// Everything that decides a title bar's pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct TitleBar {
    /// Width in logical pixels.
    pub width: u32,
    /// Output scale.
    pub scale: f32,
    /// The title.
    pub title: alloc::string::String,
    /// Whether the window has focus.
    pub active: bool,
    /// Whether it is maximised (the maximise button shows "restore").
    pub maximized: bool,
    /// The hovered or pressed button.
    pub hover: Option<Part>,
}

impl TitleBar {
    /// Size of the image in physical pixels.
    pub fn pixels(&self, theme: &Theme) -> (u32, u32) {
        (scaled(self.width, self.scale), scaled(theme.title_height, self.scale))
    }

    /// Draw the title bar: premultiplied RGBA, stride = width × 4.
    pub fn draw(&self, theme: &Theme, text: &dyn TextRenderer) -> Vec<u8> {
        let (width, height) = self.pixels(theme);
        let mut bytes = vec![0u8; width as usize * height as usize * 4];
        let Some(mut pixmap) = PixmapMut::from_bytes(&mut bytes, width, height) else {
            return bytes;
        };
        let background = if self.active { theme.title_active } else { theme.title_inactive };
        let ink = if self.active { theme.text_active } else { theme.text_inactive };
        pixmap.fill(skia_color(background));
        let s = self.scale;
        let button = theme.button_width as f32 * s;
        let full = width as f32;
        let h = height as f32;
        for (index, part) in [Part::Close, Part::Maximize, Part::Minimize].iter().enumerate() {
            let left = full - button * (index as f32 + 1.0);
            if self.hover == Some(*part) {
                let color = if *part == Part::Close { theme.close_hover } else { theme.button_hover };
                if let Some(rect) = tiny_skia::Rect::from_xywh(left, 0.0, button, h) {
                    let mut paint = Paint::default();
                    paint.set_color(skia_color(color));
                    pixmap.fill_rect(rect, &paint, Transform::identity(), None);
                }
            }
            let glyph_ink = if self.hover == Some(Part::Close) && *part == Part::Close {
                Color::rgb(255, 255, 255)
            } else {
                ink
            };
            draw_glyph(
                &mut pixmap,
                *part,
                self.maximized,
                left + button / 2.0,
                h / 2.0,
                5.0 * s,
                s,
                glyph_ink,
            );
        }
        let text_left = 12.0 * s;
        let text_room = full - 3.0 * button - text_left - 8.0 * s;
        if text_room > 0.0 && !self.title.is_empty() {
            text.draw(&mut pixmap, &self.title, text_left, h / 2.0, 14.0 * s, text_room, ink);
        }
        bytes
    }
}

#[allow(clippy::too_many_arguments, reason = "a private drawing helper")]
fn draw_glyph(
    pixmap: &mut PixmapMut<'_>,
    part: Part,
    maximized: bool,
    cx: f32,
    cy: f32,
    r: f32,
    scale: f32,
    color: Color,
) {
    let mut path = PathBuilder::new();
    match part {
        Part::Close => {
            path.move_to(cx - r, cy - r);
            path.line_to(cx + r, cy + r);
            path.move_to(cx + r, cy - r);
            path.line_to(cx - r, cy + r);
        }
        Part::Maximize if maximized => {
            let o = r * 0.4;
            if let Some(rect) = tiny_skia::Rect::from_ltrb(cx - r, cy - r + o, cx + r - o, cy + r) {
                path.push_rect(rect);
            }
            path.move_to(cx - r + o, cy - r + o);
            path.line_to(cx - r + o, cy - r);
            path.line_to(cx + r, cy - r);
            path.line_to(cx + r, cy + r - o);
            path.line_to(cx + r - o, cy + r - o);
        }
        Part::Maximize => {
            if let Some(rect) = tiny_skia::Rect::from_ltrb(cx - r, cy - r, cx + r, cy + r) {
                path.push_rect(rect);
            }
        }
        Part::Minimize => {
            path.move_to(cx - r, cy + r * 0.5);
            path.line_to(cx + r, cy + r * 0.5);
        }
        Part::Title | Part::Resize(_) => return,
    }
    let Some(path) = path.finish() else {
        return;
    };
    let mut paint = Paint::default();
    paint.set_color(skia_color(color));
    paint.anti_alias = true;
    let stroke = Stroke { width: 1.3 * scale, line_cap: LineCap::Round, ..Stroke::default() };
    pixmap.stroke_path(&path, &paint, &stroke, Transform::identity(), None);
}

/// A theme colour for tiny-skia.
pub fn skia_color(color: Color) -> tiny_skia::Color {
    tiny_skia::Color::from_rgba8(color.r, color.g, color.b, color.a)
}

/// `value` logical pixels at `scale`, rounded.
pub fn scaled(value: u32, scale: f32) -> u32 {
    (value as f32 * scale + 0.5) as u32
}

/// The system arrow cursor at `scale`: (pixels, width, height, hotspot).
pub fn arrow_cursor(scale: f32) -> (Vec<u8>, u32, u32) {
    let size = scaled(20, scale).max(1);
    let mut bytes = vec![0u8; (size * size * 4) as usize];
    if let Some(mut pixmap) = PixmapMut::from_bytes(&mut bytes, size, size) {
        let s = scale;
        let mut path = PathBuilder::new();
        path.move_to(1.0 * s, 1.0 * s);
        path.line_to(1.0 * s, 16.0 * s);
        path.line_to(5.0 * s, 12.5 * s);
        path.line_to(8.0 * s, 18.5 * s);
        path.line_to(10.5 * s, 17.5 * s);
        path.line_to(7.5 * s, 11.5 * s);
        path.line_to(12.5 * s, 11.5 * s);
        path.close();
        if let Some(path) = path.finish() {
            let mut paint = Paint { anti_alias: true, ..Paint::default() };
            paint.set_color(tiny_skia::Color::BLACK);
            pixmap.fill_path(&path, &paint, tiny_skia::FillRule::Winding, Transform::identity(), None);
            paint.set_color(tiny_skia::Color::WHITE);
            let stroke = Stroke { width: 1.0 * s, ..Stroke::default() };
            pixmap.stroke_path(&path, &paint, &stroke, Transform::identity(), None);
        }
    }
    (bytes, size, size)
}
