//! A flat toolbar button with an icon (from the theme or built here) and
//! an accessible name.

use alloc::string::String;

use weft_paint::{Color, Rect};
use weft_theme::{Icon, Theme};
use weft_toolkit::accessibility::{Description, Role};
use weft_toolkit::{Event, EventContext, LayoutStyle, PaintContext, Status, Widget};
use weft_types::{Button as MouseButton, Key, KeyState};

/// Which icon a tool button shows.
#[derive(Clone, Debug)]
enum Glyph {
    Named(String),
    Custom(Icon),
}

/// A square, flat button showing an icon.
pub struct ToolButton<M> {
    glyph: Glyph,
    label: String,
    on_click: Option<M>,
}

impl<M> ToolButton<M> {
    /// A button with the theme icon `name`, announced as `label`.
    pub fn named(name: impl Into<String>, label: impl Into<String>) -> ToolButton<M> {
        ToolButton { glyph: Glyph::Named(name.into()), label: label.into(), on_click: None }
    }

    /// A button with its own icon.
    pub fn custom(icon: Icon, label: impl Into<String>) -> ToolButton<M> {
        ToolButton { glyph: Glyph::Custom(icon), label: label.into(), on_click: None }
    }

    /// The message sent on activation.
    pub fn on_click(mut self, message: M) -> ToolButton<M> {
        self.on_click = Some(message);
        self
    }
}

impl<M: Clone + 'static> Widget<M> for ToolButton<M> {
    fn layout_style(&self, theme: &Theme) -> LayoutStyle {
        let size = theme.metrics.control_height;
        LayoutStyle { width: Some(size), height: Some(size), shrink: 0.0, ..LayoutStyle::default() }
    }

    fn focusable(&self) -> bool {
        true
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        match event {
            Event::PointerEnter
            | Event::PointerLeave
            | Event::FocusGained
            | Event::FocusLost
            | Event::PointerCancel => {
                cx.request_paint();
                Status::Ignored
            }
            Event::PointerDown { button: MouseButton::Left, .. } => {
                cx.request_paint();
                Status::Handled
            }
            Event::PointerUp { inside, .. } => {
                cx.request_paint();
                if *inside && let Some(message) = &self.on_click {
                    cx.emit(message.clone());
                }
                Status::Handled
            }
            Event::Key(key)
                if key.state == KeyState::Pressed && matches!(key.key, Key::ENTER | Key::SPACE) =>
            {
                if let Some(message) = &self.on_click {
                    cx.emit(message.clone());
                }
                Status::Handled
            }
            _ => Status::Ignored,
        }
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let state = cx.state();
        let radius = theme.radii.medium;
        cx.focus_ring(rect, radius);
        let background = if state.disabled {
            Color::TRANSPARENT
        } else if state.pressed {
            theme.palette.pressed
        } else if state.hovered {
            theme.palette.hover
        } else {
            Color::TRANSPARENT
        };
        cx.canvas().fill_rounded_rect(rect, radius, background);
        let ink = if state.disabled { theme.palette.text.with_opacity(0.35) } else { theme.palette.text };
        let size = theme.metrics.icon_size.min(rect.width);
        let area =
            Rect::new(rect.x + (rect.width - size) / 2.0, rect.y + (rect.height - size) / 2.0, size, size);
        match &self.glyph {
            Glyph::Named(name) => {
                if let Some(icon) = theme.icon(name) {
                    cx.canvas().draw_icon(icon, area, ink);
                }
            }
            Glyph::Custom(icon) => cx.canvas().draw_icon(icon, area, ink),
        }
    }

    fn describe(&self) -> Option<Description> {
        Some(Description::new(Role::Button, self.label.as_str()))
    }
}
