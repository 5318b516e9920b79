//! The wallpaper: a woven pattern — a soft diagonal gradient crossed by
//! flowing translucent bands, like weft threads through a warp — drawn
//! procedurally for any size, in a light and a dark colourway.

use alloc::vec;
use weft_paint::tiny_skia::PathBuilder;
use weft_paint::{Brush, LinearGradient, Point, Rect};
use weft_theme::{Color, Theme};
use weft_toolkit::{LayoutStyle, PaintContext, Widget};

/// The colours of one colourway.
struct Colourway {
    top_left: Color,
    middle: Color,
    bottom_right: Color,
    thread: Color,
    warp: Color,
}

fn colourway(dark: bool) -> Colourway {
    if dark {
        Colourway {
            top_left: Color::rgb(0x10, 0x17, 0x2b),
            middle: Color::rgb(0x1b, 0x1f, 0x3f),
            bottom_right: Color::rgb(0x2a, 0x1a, 0x3c),
            thread: Color::rgb(0x7d, 0x9c, 0xff),
            warp: Color::rgb(0xc0, 0x8c, 0xff),
        }
    } else {
        Colourway {
            top_left: Color::rgb(0xd7, 0xe4, 0xfb),
            middle: Color::rgb(0xe8, 0xe6, 0xf8),
            bottom_right: Color::rgb(0xf6, 0xe3, 0xee),
            thread: Color::rgb(0xff, 0xff, 0xff),
            warp: Color::rgb(0x8f, 0xa8, 0xf0),
        }
    }
}

/// Paints the wallpaper into `rect`.
pub fn paint_wallpaper(canvas: &mut weft_paint::Canvas<'_>, rect: Rect, dark: bool) {
    let colours = colourway(dark);
    let (x, y, width, height) = (rect.x, rect.y, rect.width, rect.height);
    canvas.fill_rect(
        rect,
        LinearGradient {
            start: Point::new(x, y),
            end: Point::new(x + width, y + height),
            stops: vec![(0.0, colours.top_left), (0.55, colours.middle), (1.0, colours.bottom_right)],
        },
    );
    // Warp: a few broad, faint vertical sweeps.
    for index in 0..3 {
        let centre = x + width * (0.18 + 0.32 * index as f32);
        let half = width * 0.07;
        let mut path = PathBuilder::new();
        path.move_to(centre - half, y - 10.0);
        path.cubic_to(
            centre - half * 3.0,
            y + height * 0.35,
            centre + half * 2.0,
            y + height * 0.65,
            centre - half,
            y + height + 10.0,
        );
        path.line_to(centre + half, y + height + 10.0);
        path.cubic_to(
            centre + half * 3.0,
            y + height * 0.65,
            centre - half * 0.5,
            y + height * 0.35,
            centre + half,
            y - 10.0,
        );
        path.close();
        if let Some(path) = path.finish() {
            let alpha = if dark { 0.10 } else { 0.16 };
            let brush = Brush::Linear(LinearGradient {
                start: Point::new(centre, y),
                end: Point::new(centre, y + height),
                stops: vec![
                    (0.0, colours.warp.with_opacity(0.0)),
                    (0.5, colours.warp.with_opacity(alpha)),
                    (1.0, colours.warp.with_opacity(0.0)),
                ],
            });
            canvas.fill_path(&path, &brush);
        }
    }
    // Weft: flowing horizontal bands, each a ribbon between two curves.
    for index in 0..5 {
        let step = index as f32;
        let base = y + height * (0.22 + 0.15 * step);
        let amplitude = height * (0.06 + 0.012 * step);
        let thickness = height * (0.018 + 0.012 * ((index * 3) % 5) as f32);
        let phase = if index % 2 == 0 { 1.0 } else { -1.0 };
        let mut path = PathBuilder::new();
        path.move_to(x - 20.0, base);
        path.cubic_to(
            x + width * 0.3,
            base - amplitude * 2.0 * phase,
            x + width * 0.62,
            base + amplitude * 2.0 * phase,
            x + width + 20.0,
            base - amplitude * phase,
        );
        path.line_to(x + width + 20.0, base - amplitude * phase + thickness);
        path.cubic_to(
            x + width * 0.62,
            base + amplitude * 2.0 * phase + thickness * 1.6,
            x + width * 0.3,
            base - amplitude * 2.0 * phase + thickness * 0.6,
            x - 20.0,
            base + thickness,
        );
        path.close();
        if let Some(path) = path.finish() {
            let alpha = if dark { 0.10 + 0.03 * step } else { 0.30 + 0.05 * step };
            let brush = Brush::Linear(LinearGradient {
                start: Point::new(x, base),
                end: Point::new(x + width, base),
                stops: vec![
                    (0.0, colours.thread.with_opacity(alpha * 0.2)),
                    (0.45, colours.thread.with_opacity(alpha)),
                    (1.0, colours.thread.with_opacity(alpha * 0.35)),
                ],
            });
            canvas.fill_path(&path, &brush);
        }
    }
}

/// The wallpaper as a widget filling its surface.
#[derive(Default)]
pub struct Wallpaper;

impl<M: 'static> Widget<M> for Wallpaper {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle { fill_width: true, fill_height: true, grow: 1.0, ..LayoutStyle::default() }
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let rect = cx.rect();
        let dark = cx.theme().dark;
        paint_wallpaper(cx.canvas(), rect, dark);
    }

    fn paint_outset(&self, _theme: &Theme) -> f32 {
        0.0
    }
}
