//! Text at any size, in a palette colour, left-aligned or centred.

use alloc::string::String;
use weft_paint::{Point, Size};
use weft_text::{Overflow, TextLayout, TextStyle};
use weft_theme::{Color, Theme};
use weft_toolkit::accessibility::{Description, Role};
use weft_toolkit::{LayoutStyle, MeasureContext, PaintContext, Widget};

/// Which colour text is drawn in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ink {
    /// Primary text.
    Text,
    /// Secondary text.
    Muted,
    /// Errors.
    Danger,
    /// A fixed colour (on the wallpaper or lock screen).
    Fixed(Color),
}

impl Ink {
    /// The colour in `theme`.
    pub fn color(self, theme: &Theme) -> Color {
        match self {
            Ink::Text => theme.palette.text,
            Ink::Muted => theme.palette.text_muted,
            Ink::Danger => theme.palette.danger,
            Ink::Fixed(color) => color,
        }
    }
}

/// One paragraph of text.
pub struct Text {
    text: String,
    style: TextStyle,
    ink: Ink,
    centered: bool,
    overflow: Overflow,
    layout: Option<TextLayout>,
}

impl Text {
    /// `text` in `style`, primary colour, left-aligned, one ellipsised line.
    pub fn new(text: impl Into<String>, style: TextStyle) -> Text {
        Text {
            text: text.into(),
            style,
            ink: Ink::Text,
            centered: false,
            overflow: Overflow::Ellipsis,
            layout: None,
        }
    }

    /// Draw in `ink`.
    pub fn ink(mut self, ink: Ink) -> Text {
        self.ink = ink;
        self
    }

    /// Centre horizontally in the box.
    pub fn centered(mut self) -> Text {
        self.centered = true;
        self
    }

    /// Wrap onto several lines instead of ellipsising.
    pub fn wrap(mut self) -> Text {
        self.overflow = Overflow::Wrap;
        self
    }

    /// Replace the text (through `Ui::update`, which lays out again).
    pub fn set_text(&mut self, text: impl Into<String>) {
        let text = text.into();
        if text != self.text {
            self.text = text;
            self.layout = None;
        }
    }

    /// Change the colour.
    pub fn set_ink(&mut self, ink: Ink) {
        self.ink = ink;
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl<M: 'static> Widget<M> for Text {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle { shrink: 1.0, ..LayoutStyle::default() }
    }

    fn measure(&mut self, cx: &mut MeasureContext<'_>, width: Option<f32>) -> Size {
        let (style, overflow) = (self.style, self.overflow);
        let text = &self.text;
        let layout = self.layout.get_or_insert_with(|| TextLayout::new(cx.text(), text, style, overflow));
        let size = layout.measure(cx.text(), width);
        match width {
            Some(width) => Size::new(size.width.min(width), size.height),
            None => size,
        }
    }

    fn paint_outset(&self, _theme: &Theme) -> f32 {
        2.0
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let rect = cx.rect();
        let color = self.ink.color(cx.theme());
        let (style, overflow, centered) = (self.style, self.overflow, self.centered);
        let text = &self.text;
        let (canvas, system) = cx.canvas_and_text();
        let layout = self.layout.get_or_insert_with(|| TextLayout::new(system, text, style, overflow));
        let size = layout.measure(system, Some(rect.width + 0.5));
        let x = if centered { rect.x + ((rect.width - size.width) / 2.0).max(0.0) } else { rect.x };
        let y = rect.y + ((rect.height - size.height) / 2.0).max(0.0);
        layout.draw(system, canvas, Point::new(x, y), color);
    }

    fn theme_changed(&mut self) {
        self.layout = None;
    }

    fn describe(&self) -> Option<Description> {
        Some(Description::new(Role::Text, self.text.as_str()))
    }
}
