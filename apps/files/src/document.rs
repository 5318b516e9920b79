//! A scrolling, read-only text document: wrapped to the width, in the
//! sans or the monospace face, scrolled by wheel, drag (with fling) and
//! keyboard.

use alloc::boxed::Box;
use alloc::string::String;
use core::time::Duration;

use weft_toolkit::accessibility::{Description, Role};
use weft_toolkit::paint::{Point, Rect, Size};
use weft_toolkit::text::{Overflow, TextLayout, TextStyle};
use weft_toolkit::weft_types::{Key, KeyState, Modifiers};
use weft_toolkit::widgets::Navigation;
use weft_toolkit::{Event, EventContext, LayoutStyle, PaintContext, Status, Theme, Widget};

/// Space around the text.
const MARGIN: f32 = 20.0;
/// Widest text column, for comfortable reading.
const MEASURE: f32 = 760.0;
/// Fling deceleration time constant, seconds.
const TIME_CONSTANT: f32 = 0.325;

#[derive(Clone, Copy, Debug)]
struct Fling {
    start: Duration,
    from: f32,
    velocity: f32,
}

/// A read-only document view.
pub struct DocumentView<M> {
    text: String,
    monospace: bool,
    layout: Option<TextLayout>,
    offset: f32,
    bounds: Rect,
    content_height: f32,
    dragging: bool,
    fling: Option<Fling>,
    on_navigate: Option<Box<dyn Fn(Navigation) -> M>>,
}

impl<M> DocumentView<M> {
    /// An empty document.
    pub fn new() -> DocumentView<M> {
        DocumentView {
            text: String::new(),
            monospace: false,
            layout: None,
            offset: 0.0,
            bounds: Rect::default(),
            content_height: 0.0,
            dragging: false,
            fling: None,
            on_navigate: None,
        }
    }

    /// The message for navigation keys (Backspace, Escape, Alt+arrows).
    pub fn on_navigate(mut self, message: impl Fn(Navigation) -> M + 'static) -> DocumentView<M> {
        self.on_navigate = Some(Box::new(message));
        self
    }

    /// Shows `text` from the top (through `Ui::update`).
    pub fn set_text(&mut self, text: impl Into<String>) {
        self.text = text.into();
        self.layout = None;
        self.offset = 0.0;
        self.fling = None;
    }

    /// The text shown.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Switches between the monospace and the sans face.
    pub fn set_monospace(&mut self, monospace: bool) {
        if monospace != self.monospace {
            self.monospace = monospace;
            self.layout = None;
        }
    }

    /// Whether the monospace face is used.
    pub fn is_monospace(&self) -> bool {
        self.monospace
    }

    /// How far the text is scrolled, logical pixels.
    pub fn offset(&self) -> f32 {
        self.offset
    }

    /// The largest scroll offset.
    pub fn max_offset(&self) -> f32 {
        (self.content_height + 2.0 * MARGIN - self.bounds.height).max(0.0)
    }

    /// The laid-out lines (for tests and accessibility).
    pub fn visual_lines(&self) -> alloc::vec::Vec<String> {
        self.layout.as_ref().map(TextLayout::visual_lines).unwrap_or_default()
    }

    fn text_width(&self) -> f32 {
        (self.bounds.width - 2.0 * MARGIN).clamp(40.0, MEASURE)
    }

    fn scroll_to(&mut self, cx: &mut EventContext<'_, M>, offset: f32) -> bool {
        let offset = offset.clamp(0.0, self.max_offset());
        if offset == self.offset {
            return false;
        }
        self.offset = offset;
        cx.request_paint();
        true
    }

    fn line_height(&self, theme: &Theme) -> f32 {
        self.style(theme).line_height_pixels()
    }

    fn style(&self, theme: &Theme) -> TextStyle {
        let size = theme.typography.body_size;
        if self.monospace {
            TextStyle { line_height: 1.45, ..TextStyle::mono(size - 1.0) }
        } else {
            TextStyle { line_height: 1.55, ..TextStyle::sans(size) }
        }
    }

    fn key(&mut self, cx: &mut EventContext<'_, M>, key: Key, modifiers: Modifiers) -> Status {
        let line = self.line_height(cx.theme());
        let page = (self.bounds.height - 2.0 * line).max(line);
        let alt = modifiers.contains(Modifiers::ALT);
        let navigation = match key {
            Key::ESC | Key::BACKSPACE => Some(Navigation::Back),
            Key::LEFT if alt => Some(Navigation::Back),
            Key::RIGHT if alt => Some(Navigation::Forward),
            Key::UP if alt => Some(Navigation::Parent),
            _ => None,
        };
        if let Some(navigation) = navigation {
            if let Some(message) = &self.on_navigate {
                cx.emit(message(navigation));
            }
            return Status::Handled;
        }
        let target = match key {
            Key::UP => self.offset - line,
            Key::DOWN => self.offset + line,
            Key::PAGE_UP => self.offset - page,
            Key::PAGE_DOWN | Key::SPACE => self.offset + page,
            Key::HOME => 0.0,
            Key::END => self.max_offset(),
            _ => return Status::Ignored,
        };
        self.fling = None;
        self.scroll_to(cx, target);
        Status::Handled
    }
}

impl<M> Default for DocumentView<M> {
    fn default() -> DocumentView<M> {
        DocumentView::new()
    }
}

impl<M: 'static> Widget<M> for DocumentView<M> {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle { grow: 1.0, min_height: Some(0.0), ..LayoutStyle::default() }
    }

    fn arranged(&mut self, bounds: Rect, _content: Size) {
        if bounds.width != self.bounds.width {
            // Re-wrapped on the next paint.
            self.layout = None;
        }
        self.bounds = bounds;
    }

    fn focusable(&self) -> bool {
        true
    }

    fn paint_outset(&self, _theme: &Theme) -> f32 {
        0.0
    }

    fn theme_changed(&mut self) {
        self.layout = None;
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        match event {
            Event::Key(key) if key.state != KeyState::Released => self.key(cx, key.key, key.modifiers),
            Event::PointerDown { .. } => {
                cx.request_focus();
                self.fling = None;
                Status::Handled
            }
            Event::Scroll { dy, .. } => {
                self.fling = None;
                if self.scroll_to(cx, self.offset + dy) { Status::Handled } else { Status::Ignored }
            }
            Event::DragStart { .. } => {
                self.dragging = true;
                self.fling = None;
                Status::Handled
            }
            Event::DragMove { delta, .. } if self.dragging => {
                self.scroll_to(cx, self.offset - delta.y);
                Status::Handled
            }
            Event::DragEnd { velocity } if self.dragging => {
                self.dragging = false;
                if libm::fabsf(velocity.y) > 150.0 {
                    self.fling = Some(Fling { start: cx.now(), from: self.offset, velocity: -velocity.y });
                    cx.request_animation();
                }
                Status::Handled
            }
            Event::FocusGained | Event::FocusLost => {
                cx.request_paint();
                Status::Ignored
            }
            _ => Status::Ignored,
        }
    }

    fn animate(&mut self, cx: &mut EventContext<'_, M>, now: Duration) -> bool {
        let Some(fling) = self.fling else { return false };
        let elapsed = now.saturating_sub(fling.start).as_secs_f32();
        let decay = libm::expf(-elapsed / TIME_CONSTANT);
        let target = fling.from + fling.velocity * TIME_CONSTANT * (1.0 - decay);
        let moved = self.scroll_to(cx, target);
        if libm::fabsf(fling.velocity * decay) < 10.0 || !moved {
            self.fling = None;
            return false;
        }
        true
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let palette = &theme.palette;
        cx.canvas().fill_rect(rect, palette.surface);
        let style = self.style(theme);
        let width = self.text_width();
        let (canvas, text) = cx.canvas_and_text();
        let layout =
            self.layout.get_or_insert_with(|| TextLayout::new(text, &self.text, style, Overflow::Wrap));
        layout.set_width(text, Some(width));
        self.content_height = layout.size().height;
        self.offset = self.offset.clamp(0.0, (self.content_height + 2.0 * MARGIN - rect.height).max(0.0));
        let left = rect.x + ((rect.width - width) / 2.0).max(MARGIN);
        canvas.push_clip(rect);
        layout.draw(text, canvas, Point::new(left, rect.y + MARGIN - self.offset), palette.text);
        canvas.pop_clip();
        // Scroll bar.
        let total = self.content_height + 2.0 * MARGIN;
        if total > rect.height + 0.5 {
            let bar_width = theme.metrics.scrollbar_width;
            let track = rect.height - 8.0;
            let length = (track * rect.height / total).max(24.0);
            let position = self.offset / (total - rect.height);
            let bar = Rect::new(
                rect.right() - bar_width - 3.0,
                rect.y + 4.0 + (track - length) * position,
                bar_width,
                length,
            );
            cx.canvas().fill_rounded_rect(bar, bar_width / 2.0, palette.text_muted.with_opacity(0.45));
        }
    }

    fn describe(&self) -> Option<Description> {
        let first = self.text.lines().next().unwrap_or("");
        Some(Description::new(Role::Text, first).value(self.text.as_str()))
    }
}
