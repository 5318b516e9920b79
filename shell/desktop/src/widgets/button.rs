//! Panel buttons: the launcher button, task buttons and status buttons.

use alloc::string::String;
use weft_paint::{Rect, Size};
use weft_text::{Overflow, TextLayout, TextStyle};
use weft_theme::Theme;
use weft_toolkit::accessibility::{Description, Role};
use weft_toolkit::{Event, EventContext, LayoutStyle, MeasureContext, PaintContext, Status, Widget};

use crate::icons;

/// Height of every panel button, logical pixels.
pub const BUTTON_HEIGHT: f32 = 30.0;
const ICON: f32 = 18.0;
const PADDING: f32 = 10.0;
const GAP: f32 = 8.0;

/// A flat panel button: an icon, an optional label, hover and pressed
/// states, and for task buttons an active (focused) or muted (minimised)
/// look with a small indicator under the label.
pub struct PanelButton<M> {
    icon: String,
    label: String,
    description: String,
    max_label: f32,
    active: bool,
    muted: bool,
    indicator: bool,
    message: M,
    layout: Option<TextLayout>,
}

impl<M> PanelButton<M> {
    /// A button showing `icon` and `label` (empty for icon-only) that
    /// sends `message` when clicked.
    pub fn new(icon: impl Into<String>, label: impl Into<String>, message: M) -> PanelButton<M> {
        let label = label.into();
        PanelButton {
            icon: icon.into(),
            description: label.clone(),
            label,
            max_label: 180.0,
            active: false,
            muted: false,
            indicator: false,
            message,
            layout: None,
        }
    }

    /// What assistive technology and tests call it (icon-only buttons).
    pub fn describe_as(mut self, description: impl Into<String>) -> PanelButton<M> {
        self.description = description.into();
        self
    }

    /// Widest the label may get before it is ellipsised.
    pub fn max_label(mut self, width: f32) -> PanelButton<M> {
        self.max_label = width;
        self
    }

    /// Show a running indicator under the button.
    pub fn indicator(mut self, on: bool) -> PanelButton<M> {
        self.indicator = on;
        self
    }

    /// Focused (accent-tinted) and minimised (muted) states.
    pub fn set_state(&mut self, active: bool, muted: bool) {
        self.active = active;
        self.muted = muted;
    }

    /// Change icon and label.
    pub fn set_content(&mut self, icon: &str, label: &str) {
        if self.icon != icon {
            self.icon = String::from(icon);
        }
        if self.label != label {
            self.label = String::from(label);
            self.description = String::from(label);
            self.layout = None;
        }
    }

    fn style(theme: &Theme) -> TextStyle {
        TextStyle::sans(theme.typography.body_size - 0.5).semibold()
    }
}

impl<M: Clone + 'static> Widget<M> for PanelButton<M> {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle { height: Some(BUTTON_HEIGHT), shrink: 1.0, ..LayoutStyle::default() }
    }

    fn measure(&mut self, cx: &mut MeasureContext<'_>, _width: Option<f32>) -> Size {
        if self.label.is_empty() {
            return Size::new(BUTTON_HEIGHT + 4.0, BUTTON_HEIGHT);
        }
        let style = Self::style(cx.theme());
        let label = &self.label;
        let layout =
            self.layout.get_or_insert_with(|| TextLayout::new(cx.text(), label, style, Overflow::Ellipsis));
        let text = layout.measure(cx.text(), Some(self.max_label));
        Size::new(PADDING * 2.0 + ICON + GAP + text.width.min(self.max_label), BUTTON_HEIGHT)
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        weft_toolkit::press::click(cx, event, Some(&self.message))
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let palette = &theme.palette;
        let rect = cx.rect();
        let state = cx.state();
        let radius = theme.radii.medium;
        let background = if state.pressed {
            Some(palette.pressed)
        } else if self.active {
            Some(palette.accent.with_opacity(if theme.dark { 0.28 } else { 0.14 }))
        } else if state.hovered {
            Some(palette.hover)
        } else {
            None
        };
        if let Some(color) = background {
            cx.canvas().fill_rounded_rect(rect, radius, color);
        }
        if self.active && state.hovered && !state.pressed {
            cx.canvas().fill_rounded_rect(rect, radius, palette.hover);
        }
        let ink = if self.muted { palette.text_muted } else { palette.text };
        let icon_ink = if self.active { palette.accent } else { ink };
        let icon = icons::icon(theme, &self.icon);
        let icon_x =
            if self.label.is_empty() { rect.x + (rect.width - ICON) / 2.0 } else { rect.x + PADDING };
        let icon_rect = Rect::new(icon_x, rect.y + (rect.height - ICON) / 2.0, ICON, ICON);
        cx.canvas().draw_icon(&icon, icon_rect, icon_ink);
        if self.indicator {
            let width = if self.active { 16.0 } else { 6.0 };
            let color = if self.active { palette.accent } else { palette.text_muted.with_opacity(0.7) };
            let bar = Rect::new(rect.x + (rect.width - width) / 2.0, rect.bottom() - 3.0, width, 2.5);
            cx.canvas().fill_rounded_rect(bar, 1.25, color);
        }
        if self.label.is_empty() {
            return;
        }
        let style = Self::style(theme);
        let label = &self.label;
        let available = (rect.width - PADDING * 2.0 - ICON - GAP).max(0.0);
        let (canvas, text) = cx.canvas_and_text();
        let layout =
            self.layout.get_or_insert_with(|| TextLayout::new(text, label, style, Overflow::Ellipsis));
        let size = layout.measure(text, Some(available + 0.5));
        let origin =
            weft_paint::Point::new(icon_rect.right() + GAP, rect.y + (rect.height - size.height) / 2.0);
        layout.draw(text, canvas, origin, ink);
    }

    fn paint_outset(&self, _theme: &Theme) -> f32 {
        2.0
    }

    fn theme_changed(&mut self) {
        self.layout = None;
    }

    fn describe(&self) -> Option<Description> {
        let mut description = Description::new(Role::Button, self.description.as_str());
        if self.active {
            description = description.value("focused");
        } else if self.muted {
            description = description.value("minimised");
        }
        Some(description)
    }
}
