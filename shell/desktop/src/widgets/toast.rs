//! One notification toast: app plate, app name, title, body and a close
//! button, on a floating card.

use alloc::format;
use alloc::string::String;
use weft_paint::{Point, Rect, Size};
use weft_text::{Overflow, TextLayout, TextStyle, TextSystem};
use weft_theme::{Color, Theme};
use weft_toolkit::accessibility::{Description, Role};
use weft_toolkit::press::Press;
use weft_toolkit::weft_types::Button;
use weft_toolkit::{Event, EventContext, LayoutStyle, MeasureContext, PaintContext, Status, Widget};

use super::card::card_color;
use super::tile::paint_plate;

/// Toast width, logical pixels.
pub const TOAST_WIDTH: f32 = 380.0;
const PADDING: f32 = 14.0;
const PLATE: f32 = 36.0;
const CLOSE: f32 = 22.0;
const TEXT_LEFT: f32 = PADDING + PLATE + 12.0;

fn header_style(theme: &Theme) -> TextStyle {
    TextStyle::sans(theme.typography.small_size)
}

fn title_style(theme: &Theme) -> TextStyle {
    TextStyle::sans(theme.typography.body_size).semibold()
}

fn body_style(theme: &Theme) -> TextStyle {
    TextStyle::sans(theme.typography.body_size - 0.5)
}

/// The toast's shadow: the theme's popup shadow, deeper in the dark theme.
pub fn toast_shadow(theme: &Theme) -> weft_theme::Shadow {
    let mut shadow = theme.shadows.popup.clone();
    if theme.dark {
        shadow.color = Color::rgba(0, 0, 0, 0x80);
    }
    shadow
}

fn text_width() -> f32 {
    TOAST_WIDTH - TEXT_LEFT - PADDING - CLOSE
}

/// What a toast says.
#[derive(Clone, Debug, PartialEq)]
pub struct ToastContent {
    /// The posting app's service name (plate colour).
    pub app: String,
    /// The posting app's title, as the root manager lists it.
    pub app_title: String,
    /// Icon name.
    pub icon: String,
    /// Title.
    pub title: String,
    /// Body (may be empty).
    pub body: String,
    /// Critical urgency: drawn with a danger edge.
    pub critical: bool,
}

/// The height a toast with `content` needs.
pub fn toast_height(text: &mut TextSystem, theme: &Theme, content: &ToastContent) -> f32 {
    let header = TextLayout::new(text, "X", header_style(theme), Overflow::Clip).size().height;
    let mut title = TextLayout::new(text, &content.title, title_style(theme), Overflow::Ellipsis);
    let title_height = title.measure(text, Some(text_width())).height;
    let body_height = if content.body.is_empty() {
        0.0
    } else {
        let mut body = TextLayout::new(text, &content.body, body_style(theme), Overflow::Wrap);
        body.measure(text, Some(text_width())).height + 2.0
    };
    super::ceil((PADDING * 2.0 + header + 2.0 + title_height + body_height).max(PADDING * 2.0 + PLATE))
}

/// A notification toast. Clicking it sends `activate`; clicking its close
/// button sends `dismiss`.
pub struct Toast<M> {
    content: ToastContent,
    activate: M,
    dismiss: M,
    pressed_close: bool,
    layouts: Option<(TextLayout, TextLayout, Option<TextLayout>)>,
}

impl<M> Toast<M> {
    /// A toast showing `content`.
    pub fn new(content: ToastContent, activate: M, dismiss: M) -> Toast<M> {
        Toast { content, activate, dismiss, pressed_close: false, layouts: None }
    }

    fn close_rect(rect: Rect) -> Rect {
        Rect::new(rect.right() - PADDING - CLOSE + 6.0, rect.y + PADDING - 4.0, CLOSE, CLOSE)
    }
}

impl<M: Clone + 'static> Widget<M> for Toast<M> {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle { width: Some(TOAST_WIDTH), shrink: 0.0, ..LayoutStyle::default() }
    }

    fn measure(&mut self, cx: &mut MeasureContext<'_>, _width: Option<f32>) -> Size {
        let theme = cx.theme();
        Size::new(TOAST_WIDTH, toast_height(cx.text(), theme, &self.content))
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        // A press that starts on the close mark dismisses; anywhere else
        // it opens what the toast is about.
        if let Event::PointerDown { button: Button::Left, position, .. } = event {
            self.pressed_close = Self::close_rect(cx.rect()).inflate(4.0).contains(*position);
        }
        let press = Press::track(cx, event);
        if press.activated() {
            cx.emit(if self.pressed_close { self.dismiss.clone() } else { self.activate.clone() });
        }
        press.status()
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let palette = &theme.palette;
        let rect = cx.rect();
        let state = cx.state();
        let radius = theme.radii.large + 2.0;
        cx.canvas().draw_shadow(rect, radius, &toast_shadow(theme));
        cx.canvas().fill_rounded_rect(rect, radius, card_color(theme, false));
        if state.hovered {
            cx.canvas().fill_rounded_rect(rect, radius, palette.hover);
        }
        let border = if self.content.critical {
            palette.danger
        } else if theme.dark {
            Color::rgba(255, 255, 255, 0x1c)
        } else {
            palette.border
        };
        cx.canvas().stroke_rounded_rect(rect, radius, if self.content.critical { 1.5 } else { 1.0 }, border);
        let plate = Rect::new(rect.x + PADDING, rect.y + PADDING, PLATE, PLATE);
        paint_plate(cx, plate, &self.content.app, &self.content.icon);
        let close = Self::close_rect(rect);
        let close_ink = if state.hovered { palette.text } else { palette.text_muted.with_opacity(0.8) };
        if state.hovered && state.pressed && self.pressed_close {
            cx.canvas().fill_circle(close.center().x, close.center().y, CLOSE / 2.0, palette.pressed);
        }
        let cross = close.inflate(-5.0);
        if let Some(icon) = theme.icon("close") {
            cx.canvas().draw_icon(icon, cross, close_ink);
        }
        let (header_style, title_style, body_style) =
            (header_style(theme), title_style(theme), body_style(theme));
        let header_text = format!("{} · now", self.content.app_title);
        let (title_text, body_text) = (&self.content.title, &self.content.body);
        let (muted, ink) = (palette.text_muted, palette.text);
        let (canvas, text) = cx.canvas_and_text();
        let (header, title, body) = self.layouts.get_or_insert_with(|| {
            let header = TextLayout::new(text, &header_text, header_style, Overflow::Ellipsis);
            let title = TextLayout::new(text, title_text, title_style, Overflow::Ellipsis);
            let body =
                (!body_text.is_empty()).then(|| TextLayout::new(text, body_text, body_style, Overflow::Wrap));
            (header, title, body)
        });
        let left = rect.x + TEXT_LEFT;
        let mut y = rect.y + PADDING - 2.0;
        let size = header.measure(text, Some(text_width()));
        header.draw(text, canvas, Point::new(left, y), muted);
        y += size.height + 2.0;
        let size = title.measure(text, Some(text_width()));
        title.draw(text, canvas, Point::new(left, y), ink);
        y += size.height + 2.0;
        if let Some(body) = body {
            body.measure(text, Some(text_width()));
            body.draw(text, canvas, Point::new(left, y), muted.mix(ink, 0.35));
        }
    }

    fn paint_outset(&self, theme: &Theme) -> f32 {
        let shadow = toast_shadow(theme);
        shadow.blur * 1.5 + shadow.spread + shadow.offset_y.abs() + 2.0
    }

    fn theme_changed(&mut self) {
        self.layouts = None;
    }

    fn describe(&self) -> Option<Description> {
        Some(Description::new(Role::Button, self.content.title.as_str()).value(self.content.body.as_str()))
    }
}
