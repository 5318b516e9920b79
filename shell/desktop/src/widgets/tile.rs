//! App tiles (launcher grid, window switcher) and the status dot.

use alloc::string::String;
use weft_paint::{LinearGradient, Point, Rect, Size};
use weft_text::{Overflow, TextLayout, TextStyle};
use weft_theme::{Color, Theme};
use weft_toolkit::accessibility::{Description, Role};
use weft_toolkit::{Event, EventContext, LayoutStyle, MeasureContext, PaintContext, Status, Widget};

use crate::icons;

/// Tile edge length, logical pixels.
pub const TILE: f32 = 112.0;
const PLATE: f32 = 60.0;

/// Pleasant plate colours; an app keeps its colour (chosen by its name).
const PLATES: [(u8, u8, u8); 8] = [
    (0x2f, 0x6f, 0xed), // blue
    (0x7a, 0x4c, 0xe0), // violet
    (0x1f, 0x9d, 0x8b), // teal
    (0xe0, 0x6a, 0x3b), // orange
    (0xd0, 0x45, 0x7c), // raspberry
    (0x3a, 0x8f, 0x3e), // green
    (0x4a, 0x5a, 0x73), // slate
    (0xc9, 0x8a, 0x12), // amber
];

/// The plate colour of the app called `name`.
pub fn plate_color(name: &str) -> Color {
    let hash =
        name.bytes().fold(0x811c_9dc5u32, |hash, byte| (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193));
    let (red, green, blue) = PLATES[(hash % PLATES.len() as u32) as usize];
    Color::rgb(red, green, blue)
}

/// Paints an app icon on its coloured plate, filling `rect`.
pub fn paint_plate(cx: &mut PaintContext<'_, '_>, rect: Rect, name: &str, icon: &str) {
    let theme = cx.theme();
    let base = plate_color(name);
    let radius = rect.width * 0.26;
    let mut shadow = theme.shadows.control.clone();
    shadow.offset_y = 2.0;
    shadow.blur = 6.0;
    cx.canvas().draw_shadow(rect, radius, &shadow);
    let gradient = LinearGradient {
        start: Point::new(rect.x, rect.y),
        end: Point::new(rect.x, rect.bottom()),
        stops: alloc::vec![(0.0, base.mix(Color::WHITE, 0.18)), (1.0, base.mix(Color::BLACK, 0.12))],
    };
    cx.canvas().fill_rounded_rect(rect, radius, gradient);
    let glyph = rect.width * 0.56;
    let glyph_rect =
        Rect::new(rect.x + (rect.width - glyph) / 2.0, rect.y + (rect.height - glyph) / 2.0, glyph, glyph);
    let icon = icons::icon(theme, icon);
    cx.canvas().draw_icon(&icon, glyph_rect, Color::WHITE);
}

/// An app (or window) tile: icon plate above an ellipsised title.
pub struct AppTile<M> {
    name: String,
    title: String,
    icon: String,
    selected: bool,
    running: bool,
    message: M,
    layout: Option<TextLayout>,
}

impl<M> AppTile<M> {
    /// A tile for `name` titled `title` with `icon`, sending `message`.
    pub fn new(
        name: impl Into<String>,
        title: impl Into<String>,
        icon: impl Into<String>,
        message: M,
    ) -> AppTile<M> {
        AppTile {
            name: name.into(),
            title: title.into(),
            icon: icon.into(),
            selected: false,
            running: false,
            message,
            layout: None,
        }
    }

    /// Show a dot for a running app.
    pub fn running(mut self, running: bool) -> AppTile<M> {
        self.running = running;
        self
    }

    /// Keyboard selection.
    pub fn set_selected(&mut self, selected: bool) {
        self.selected = selected;
    }

    /// Whether it is the keyboard selection.
    pub fn is_selected(&self) -> bool {
        self.selected
    }
}

impl<M: Clone + 'static> Widget<M> for AppTile<M> {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle { width: Some(TILE), height: Some(TILE), shrink: 0.0, ..LayoutStyle::default() }
    }

    fn measure(&mut self, _cx: &mut MeasureContext<'_>, _width: Option<f32>) -> Size {
        Size::new(TILE, TILE)
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        weft_toolkit::press::click(cx, event, Some(&self.message))
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let palette = &theme.palette;
        let rect = cx.rect();
        let state = cx.state();
        let radius = theme.radii.large;
        if self.selected {
            cx.canvas().fill_rounded_rect(
                rect,
                radius,
                palette.accent.with_opacity(if theme.dark { 0.30 } else { 0.14 }),
            );
            cx.canvas().stroke_rounded_rect(rect, radius, 1.5, palette.accent.with_opacity(0.75));
        } else if state.pressed {
            cx.canvas().fill_rounded_rect(rect, radius, palette.pressed);
        } else if state.hovered {
            cx.canvas().fill_rounded_rect(rect, radius, palette.hover);
        }
        let plate = Rect::new(rect.x + (rect.width - PLATE) / 2.0, rect.y + 12.0, PLATE, PLATE);
        paint_plate(cx, plate, &self.name, &self.icon);
        if self.running {
            let dot = Point::new(plate.center().x, plate.bottom() + 5.0);
            cx.canvas().fill_circle(dot.x, dot.y, 2.0, palette.text_muted);
        }
        let style = TextStyle::sans(theme.typography.small_size + 1.0);
        let title = &self.title;
        let ink = palette.text;
        let (canvas, text) = cx.canvas_and_text();
        let layout =
            self.layout.get_or_insert_with(|| TextLayout::new(text, title, style, Overflow::Ellipsis));
        let size = layout.measure(text, Some(rect.width - 12.0));
        let origin = Point::new(rect.x + (rect.width - size.width) / 2.0, plate.bottom() + 10.0);
        layout.draw(text, canvas, origin, ink);
    }

    fn paint_outset(&self, _theme: &Theme) -> f32 {
        6.0
    }

    fn theme_changed(&mut self) {
        self.layout = None;
    }

    fn describe(&self) -> Option<Description> {
        let description = Description::new(Role::Button, self.title.as_str());
        Some(if self.selected { description.value("selected") } else { description })
    }
}

/// A small coloured dot (service health).
pub struct Dot {
    color: Color,
}

impl Dot {
    /// A dot of `color`.
    pub fn new(color: Color) -> Dot {
        Dot { color }
    }

    /// Change the colour.
    pub fn set_color(&mut self, color: Color) {
        self.color = color;
    }
}

impl<M: 'static> Widget<M> for Dot {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle { width: Some(8.0), height: Some(8.0), shrink: 0.0, ..LayoutStyle::default() }
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let rect = cx.rect();
        let center = rect.center();
        cx.canvas().fill_circle(center.x, center.y, 5.5, self.color.with_opacity(0.25));
        cx.canvas().fill_circle(center.x, center.y, 3.5, self.color);
    }

    fn paint_outset(&self, _theme: &Theme) -> f32 {
        3.0
    }
}
