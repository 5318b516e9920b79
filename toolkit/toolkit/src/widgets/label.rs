//! Static text.

use alloc::string::String;

use weft_paint::{Point, Size};
use weft_text::{Overflow, TextLayout};
use weft_theme::Theme;

use crate::accessibility::{Description, Role};
use crate::style::LayoutStyle;
use crate::widget::{MeasureContext, PaintContext, Widget};
use crate::widgets::common::{ColorRole, TextRole, dimmed};

/// A paragraph of text that wraps (or ellipsises) to its width.
#[derive(Debug)]
pub struct Label {
    text: String,
    role: TextRole,
    color: ColorRole,
    overflow: Overflow,
    layout: Option<TextLayout>,
    grow: f32,
}

impl Label {
    /// Body text that wraps.
    pub fn new(text: impl Into<String>) -> Label {
        Label {
            text: text.into(),
            role: TextRole::Body,
            color: ColorRole::Text,
            overflow: Overflow::Wrap,
            layout: None,
            grow: 0.0,
        }
    }

    /// Sets the typographic role.
    pub fn role(mut self, role: TextRole) -> Label {
        self.role = role;
        self
    }

    /// Sets the colour role.
    pub fn color(mut self, color: ColorRole) -> Label {
        self.color = color;
        self
    }

    /// Secondary (muted) colour.
    pub fn muted(self) -> Label {
        self.color(ColorRole::Muted)
    }

    /// One line, ending in "…" when too long.
    pub fn ellipsis(mut self) -> Label {
        self.overflow = Overflow::Ellipsis;
        self
    }

    /// Takes `share` of the free space in its row or column.
    pub fn grow(mut self, share: f32) -> Label {
        self.grow = share;
        self
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Replaces the text (use through `Ui::update` so it is laid out again).
    pub fn set_text(&mut self, text: impl Into<String>) {
        let text = text.into();
        if text != self.text {
            self.text = text;
            self.layout = None;
        }
    }

    fn layout(&mut self, text: &mut weft_text::TextSystem, theme: &Theme) -> &mut TextLayout {
        let style = self.role.style(theme);

        (self
            .layout
            .get_or_insert_with(|| TextLayout::new(text, &self.text, style, self.overflow)))
            as _
    }
}

impl<M: 'static> Widget<M> for Label {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle {
            grow: self.grow,
            ..LayoutStyle::default()
        }
    }

    fn measure(&mut self, cx: &mut MeasureContext<'_>, width: Option<f32>) -> Size {
        let theme = cx.theme();
        let layout = self.layout(cx.text(), theme);
        let size = layout.measure(cx.text(), width);
        match (self.overflow, width) {
            (Overflow::Ellipsis, Some(width)) => Size::new(size.width.min(width), size.height),
            _ => size,
        }
    }

    fn paint_outset(&self, _theme: &Theme) -> f32 {
        // Glyphs may reach a little beyond their advance box (italics, accents).
        2.0
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let color = dimmed(self.color.color(theme), cx.state());
        let (canvas, text) = cx.canvas_and_text();
        let layout = self.layout(text, theme);
        let size = layout.measure(text, Some(rect.width + 0.5));
        let y = rect.y + ((rect.height - size.height) / 2.0).max(0.0);
        layout.draw(text, canvas, Point::new(rect.x, y), color);
    }

    fn theme_changed(&mut self) {
        self.layout = None;
    }

    fn describe(&self) -> Option<Description> {
        Some(Description::new(Role::Text, self.text.as_str()))
    }
}
