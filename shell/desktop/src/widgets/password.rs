//! A password field: shows a dot per character, never the text.

use alloc::boxed::Box;
use alloc::string::String;
use weft_paint::{Point, Rect, Size};
use weft_text::{Overflow, TextLayout, TextStyle};
use weft_theme::{Color, Theme};
use weft_toolkit::accessibility::{Description, Role};
use weft_toolkit::weft_types::{Key, KeyState};
use weft_toolkit::{Event, EventContext, LayoutStyle, MeasureContext, PaintContext, Status, Widget};

const HEIGHT: f32 = 42.0;
const DOT: f32 = 4.0;

/// A masked one-line field; Enter sends `submit(text)` and clears it.
pub struct PasswordField<M> {
    text: String,
    placeholder: String,
    width: f32,
    submit: Box<dyn Fn(String) -> M>,
    layout: Option<TextLayout>,
}

impl<M> PasswordField<M> {
    /// A field `width` wide showing `placeholder` while empty.
    pub fn new(
        width: f32,
        placeholder: impl Into<String>,
        submit: impl Fn(String) -> M + 'static,
    ) -> PasswordField<M> {
        PasswordField {
            text: String::new(),
            placeholder: placeholder.into(),
            width,
            submit: Box::new(submit),
            layout: None,
        }
    }

    /// Change the placeholder.
    pub fn set_placeholder(&mut self, placeholder: &str) {
        if self.placeholder != placeholder {
            self.placeholder = String::from(placeholder);
            self.layout = None;
        }
    }

    /// Forget what was typed.
    pub fn clear(&mut self) {
        self.text.clear();
    }

    /// Characters typed so far.
    pub fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// Whether nothing is typed.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

impl<M: 'static> Widget<M> for PasswordField<M> {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle { width: Some(self.width), height: Some(HEIGHT), shrink: 0.0, ..LayoutStyle::default() }
    }

    fn measure(&mut self, _cx: &mut MeasureContext<'_>, _width: Option<f32>) -> Size {
        Size::new(self.width, HEIGHT)
    }

    fn focusable(&self) -> bool {
        true
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        match event {
            Event::PointerDown { .. } => {
                cx.request_focus();
                Status::Handled
            }
            Event::FocusGained | Event::FocusLost => {
                cx.request_paint();
                Status::Handled
            }
            Event::Key(key) if key.state != KeyState::Released => {
                match key.key {
                    Key::ENTER | Key::KP_ENTER => {
                        let text = core::mem::take(&mut self.text);
                        cx.emit((self.submit)(text));
                    }
                    Key::BACKSPACE => {
                        self.text.pop();
                    }
                    Key::ESC => self.text.clear(),
                    _ if !key.text.is_empty() && !key.text.chars().any(char::is_control) => {
                        if self.text.len() < 256 {
                            self.text.push_str(&key.text);
                        }
                    }
                    _ => return Status::Ignored,
                }
                cx.request_paint();
                Status::Handled
            }
            _ => Status::Ignored,
        }
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let focused = cx.state().focused;
        let radius = HEIGHT / 2.0;
        cx.canvas().fill_rounded_rect(rect, radius, Color::rgba(255, 255, 255, 0x2e));
        let ring = if focused { Color::rgba(255, 255, 255, 0xb0) } else { Color::rgba(255, 255, 255, 0x50) };
        cx.canvas().stroke_rounded_rect(rect, radius, if focused { 2.0 } else { 1.0 }, ring);
        let count = self.len().min(24);
        if count == 0 {
            let placeholder = &self.placeholder;
            let style = TextStyle::sans(theme.typography.body_size);
            let (canvas, text) = cx.canvas_and_text();
            let layout = self
                .layout
                .get_or_insert_with(|| TextLayout::new(text, placeholder, style, Overflow::Ellipsis));
            let size = layout.measure(text, Some(rect.width - 40.0));
            let origin = Point::new(
                rect.x + (rect.width - size.width) / 2.0,
                rect.y + (rect.height - size.height) / 2.0,
            );
            layout.draw(text, canvas, origin, Color::rgba(255, 255, 255, 0xb8));
        } else {
            let spacing = 14.0;
            let total = spacing * (count as f32 - 1.0);
            let start = rect.center().x - total / 2.0;
            for index in 0..count {
                let x = start + spacing * index as f32;
                cx.canvas().fill_circle(x, rect.center().y, DOT, Color::WHITE);
            }
        }
        if focused && count == 0 {
            let caret = Rect::new(rect.x + 20.0, rect.y + 12.0, 1.5, rect.height - 24.0);
            cx.canvas().fill_rect(caret, Color::rgba(255, 255, 255, 0xd0));
        }
    }

    fn paint_outset(&self, _theme: &Theme) -> f32 {
        3.0
    }

    fn theme_changed(&mut self) {
        self.layout = None;
    }

    fn describe(&self) -> Option<Description> {
        Some(Description::new(Role::TextInput, self.placeholder.as_str()).value("(hidden)"))
    }
}
