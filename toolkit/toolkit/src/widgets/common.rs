//! Shared vocabulary of the widgets: text roles and colour roles.

use weft_paint::{Canvas, Rect};
use weft_text::{TextLayout, TextStyle, TextSystem};
use weft_theme::{Color, Theme};

/// The typographic role of a piece of text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TextRole {
    /// Body text and control labels.
    #[default]
    Body,
    /// Captions and secondary lines.
    Small,
    /// Section titles (semibold).
    Title,
    /// Page headlines (semibold).
    Headline,
    /// Body-sized semibold (buttons, emphasis).
    Strong,
    /// Monospace body text.
    Mono,
}

impl TextRole {
    /// The text style for this role in `theme`.
    pub fn style(self, theme: &Theme) -> TextStyle {
        let typography = &theme.typography;
        let line_height = typography.line_height;
        let style = match self {
            TextRole::Body => TextStyle::sans(typography.body_size),
            TextRole::Small => TextStyle::sans(typography.small_size),
            TextRole::Title => TextStyle::sans(typography.title_size).semibold(),
            TextRole::Headline => TextStyle::sans(typography.headline_size).semibold(),
            TextRole::Strong => TextStyle::sans(typography.body_size).semibold(),
            TextRole::Mono => TextStyle::mono(typography.body_size),
        };
        TextStyle {
            line_height,
            ..style
        }
    }
}

/// A palette colour, chosen by meaning.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorRole {
    /// Primary text.
    #[default]
    Text,
    /// Secondary text.
    Muted,
    /// The accent colour.
    Accent,
    /// Text on the accent colour.
    OnAccent,
    /// Errors and destructive actions.
    Danger,
    /// Positive states.
    Success,
    /// Warnings.
    Warning,
}

impl ColorRole {
    /// The colour for this role in `theme`.
    pub fn color(self, theme: &Theme) -> Color {
        let palette = &theme.palette;
        match self {
            ColorRole::Text => palette.text,
            ColorRole::Muted => palette.text_muted,
            ColorRole::Accent => palette.accent,
            ColorRole::OnAccent => palette.text_on_accent,
            ColorRole::Danger => palette.danger,
            ColorRole::Success => palette.success,
            ColorRole::Warning => palette.warning,
        }
    }
}

/// `color` as a disabled widget shows it: faded.
pub(crate) fn dimmed(color: Color, state: crate::widget::WidgetState) -> Color {
    if state.disabled {
        color.with_opacity(0.4)
    } else {
        color
    }
}

/// Draws a one-line layout centred vertically in `rect` at its left edge.
pub(crate) fn draw_line_left(
    canvas: &mut Canvas<'_>,
    text: &mut TextSystem,
    layout: &TextLayout,
    rect: Rect,
    color: Color,
) {
    let size = layout.size();
    let y = rect.y + ((rect.height - size.height) / 2.0);
    layout.draw(text, canvas, weft_paint::Point::new(rect.x, y), color);
}

/// Draws a one-line layout centred in `rect`.
pub(crate) fn draw_line_centered(
    canvas: &mut Canvas<'_>,
    text: &mut TextSystem,
    layout: &TextLayout,
    rect: Rect,
    color: Color,
) {
    let size = layout.size();
    let x = rect.x + ((rect.width - size.width) / 2.0);
    let y = rect.y + ((rect.height - size.height) / 2.0);
    layout.draw(text, canvas, weft_paint::Point::new(x, y), color);
}
