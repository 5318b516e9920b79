//! Push buttons, with text and optional icon, and icon-only buttons.

use alloc::string::String;

use weft_paint::{Rect, Size};
use weft_text::{Overflow, TextLayout, TextSystem};
use weft_theme::{Color, Icon as ThemeIcon, Theme};

use crate::accessibility::{Description, Role};
use crate::event::{Event, Status};
use crate::press::Press;
use crate::style::LayoutStyle;
use crate::widget::{EventContext, MeasureContext, PaintContext, Widget, WidgetState};
use crate::widgets::common::{TextRole, dimmed, draw_line_left};

/// The look of a button, by importance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ButtonKind {
    /// The main action: accent fill.
    Primary,
    /// A normal action: surface with a border.
    #[default]
    Secondary,
    /// A low-emphasis action: no fill until hovered.
    Flat,
    /// A destructive action: danger fill.
    Danger,
}

/// Press handling of buttons: activation emits the message and, for a
/// menu's buttons, closes the overlay.
fn button_event<M: Clone>(
    cx: &mut EventContext<'_, M>,
    event: &Event,
    message: Option<&M>,
    closes_overlay: bool,
) -> Status {
    let press = Press::track(cx, event);
    if press.activated() {
        if let Some(message) = message {
            cx.emit(message.clone());
        }
        if closes_overlay {
            cx.close_overlay();
        }
    }
    press.status()
}

/// Background colour of a button of `kind` in `state`.
fn background(theme: &Theme, kind: ButtonKind, state: WidgetState) -> Color {
    let palette = &theme.palette;
    let over = |base: Color| {
        if state.pressed {
            base.mix(palette.pressed.with_opacity(1.0), palette.pressed.alpha as f32 / 255.0)
        } else if state.hovered {
            base.mix(palette.hover.with_opacity(1.0), palette.hover.alpha as f32 / 255.0)
        } else {
            base
        }
    };
    match kind {
        ButtonKind::Primary if state.pressed => palette.accent_pressed,
        ButtonKind::Primary if state.hovered => palette.accent_hover,
        ButtonKind::Primary => palette.accent,
        ButtonKind::Danger => over(palette.danger),
        ButtonKind::Secondary => over(palette.surface),
        ButtonKind::Flat if state.pressed => palette.pressed,
        ButtonKind::Flat if state.hovered => palette.hover,
        ButtonKind::Flat => Color::TRANSPARENT,
    }
}

/// A push button with a label and an optional leading icon.
pub struct Button<M> {
    label: String,
    icon: Option<String>,
    kind: ButtonKind,
    on_click: Option<M>,
    closes_overlay: bool,
    layout: Option<TextLayout>,
}

impl<M> Button<M> {
    /// A secondary button.
    pub fn new(label: impl Into<String>) -> Button<M> {
        Button {
            label: label.into(),
            icon: None,
            kind: ButtonKind::Secondary,
            on_click: None,
            closes_overlay: false,
            layout: None,
        }
    }

    /// Sets the look.
    pub fn kind(mut self, kind: ButtonKind) -> Button<M> {
        self.kind = kind;
        self
    }

    /// A primary (accent) button.
    pub fn primary(self) -> Button<M> {
        self.kind(ButtonKind::Primary)
    }

    /// Adds a leading theme icon.
    pub fn icon(mut self, name: impl Into<String>) -> Button<M> {
        self.icon = Some(name.into());
        self
    }

    /// The message sent when the button is activated.
    pub fn on_click(mut self, message: M) -> Button<M> {
        self.on_click = Some(message);
        self
    }

    pub(crate) fn closes_overlay(mut self) -> Button<M> {
        self.closes_overlay = true;
        self
    }

    /// The label.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Replaces the label (through `Ui::update`).
    pub fn set_label(&mut self, label: impl Into<String>) {
        self.label = label.into();
        self.layout = None;
    }

    fn text_layout(&mut self, text: &mut TextSystem, theme: &Theme) -> &mut TextLayout {
        let style = TextRole::Strong.style(theme);
        self.layout.get_or_insert_with(|| TextLayout::new(text, &self.label, style, Overflow::Ellipsis))
    }
}

impl<M: Clone + 'static> Widget<M> for Button<M> {
    fn layout_style(&self, theme: &Theme) -> LayoutStyle {
        let metrics = &theme.metrics;
        LayoutStyle {
            height: Some(metrics.control_height),
            min_width: Some(metrics.control_height * 2.0),
            ..LayoutStyle::default()
        }
    }

    fn measure(&mut self, cx: &mut MeasureContext<'_>, width: Option<f32>) -> Size {
        let theme = cx.theme();
        let metrics = &theme.metrics;
        let icon = if self.icon.is_some() { metrics.icon_size + 8.0 } else { 0.0 };
        let padding = metrics.control_padding * 2.0;
        let available = width.map(|width| (width - padding - icon).max(0.0));
        let text = self.text_layout(cx.text(), theme).measure(cx.text(), available);
        Size::new(text.width + padding + icon, metrics.control_height)
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        button_event(cx, event, self.on_click.as_ref(), self.closes_overlay)
    }

    fn focusable(&self) -> bool {
        true
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let state = cx.state();
        let radius = theme.radii.medium;
        let palette = &theme.palette;
        cx.focus_ring(rect, radius);
        if self.kind == ButtonKind::Secondary && !state.disabled {
            cx.canvas().draw_shadow(rect, radius, &theme.shadows.control);
        }
        cx.canvas().fill_rounded_rect(rect, radius, dimmed(background(theme, self.kind, state), state));
        if self.kind == ButtonKind::Secondary {
            cx.canvas().stroke_rounded_rect(
                rect,
                radius,
                theme.metrics.border_width,
                dimmed(palette.border_strong, state),
            );
        }
        let ink = dimmed(
            match self.kind {
                ButtonKind::Primary | ButtonKind::Danger => palette.text_on_accent,
                ButtonKind::Secondary | ButtonKind::Flat => palette.text,
            },
            state,
        );
        let metrics = &theme.metrics;
        let icon_width = if self.icon.is_some() { metrics.icon_size + 8.0 } else { 0.0 };
        let icon = self.icon.as_deref().and_then(|name| theme.icon(name));
        let (canvas, text) = cx.canvas_and_text();
        let layout = self.text_layout(text, theme);
        let available = (rect.width - metrics.control_padding * 2.0 - icon_width).max(0.0);
        let text_size = layout.measure(text, Some(available + 0.5));
        let content_width = icon_width + text_size.width;
        let left =
            rect.x + ((rect.width - content_width) / 2.0).max(metrics.control_padding.min(rect.width / 2.0));
        if let Some(icon) = icon {
            let size = metrics.icon_size;
            let icon_rect = Rect::new(left, rect.y + (rect.height - size) / 2.0, size, size);
            canvas.draw_icon(icon, icon_rect, ink);
        }
        let text_rect = Rect::new(left + icon_width, rect.y, text_size.width, rect.height);
        draw_line_left(canvas, text, layout, text_rect, ink);
    }

    fn theme_changed(&mut self) {
        self.layout = None;
    }

    fn describe(&self) -> Option<Description> {
        Some(Description::new(Role::Button, self.label.as_str()))
    }
}

/// What an icon button shows: a theme icon by name, or one of its own.
enum Glyph {
    Named(String),
    Custom(ThemeIcon),
}

/// A square, flat button showing only an icon (toolbars, title areas).
pub struct IconButton<M> {
    glyph: Glyph,
    label: Option<String>,
    on_click: Option<M>,
    size: Option<f32>,
}

impl<M> IconButton<M> {
    /// A flat button with the named theme icon.
    pub fn new(icon: impl Into<String>) -> IconButton<M> {
        IconButton { glyph: Glyph::Named(icon.into()), label: None, on_click: None, size: None }
    }

    /// A flat button with an icon the theme's set lacks (for example
    /// [`crate::widgets::arrow_up`]).
    pub fn custom(icon: ThemeIcon) -> IconButton<M> {
        IconButton { glyph: Glyph::Custom(icon), label: None, on_click: None, size: None }
    }

    /// The message sent when the button is activated.
    pub fn on_click(mut self, message: M) -> IconButton<M> {
        self.on_click = Some(message);
        self
    }

    /// The name announced by assistive technology (defaults to the icon name).
    pub fn label(mut self, label: impl Into<String>) -> IconButton<M> {
        self.label = Some(label.into());
        self
    }

    /// Edge length (defaults to the control height).
    pub fn size(mut self, size: f32) -> IconButton<M> {
        self.size = Some(size);
        self
    }
}

impl<M: Clone + 'static> Widget<M> for IconButton<M> {
    fn layout_style(&self, theme: &Theme) -> LayoutStyle {
        let size = self.size.unwrap_or(theme.metrics.control_height);
        LayoutStyle { width: Some(size), height: Some(size), shrink: 0.0, ..LayoutStyle::default() }
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        button_event(cx, event, self.on_click.as_ref(), false)
    }

    fn focusable(&self) -> bool {
        true
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let state = cx.state();
        let radius = theme.radii.medium;
        cx.focus_ring(rect, radius);
        cx.canvas().fill_rounded_rect(rect, radius, background(theme, ButtonKind::Flat, state));
        let icon = match &self.glyph {
            Glyph::Named(name) => theme.icon(name),
            Glyph::Custom(icon) => Some(icon),
        };
        if let Some(icon) = icon {
            let size = theme.metrics.icon_size.min(rect.width);
            let icon_rect = Rect::new(
                rect.x + (rect.width - size) / 2.0,
                rect.y + (rect.height - size) / 2.0,
                size,
                size,
            );
            cx.canvas().draw_icon(icon, icon_rect, dimmed(theme.palette.text, state));
        }
    }

    fn describe(&self) -> Option<Description> {
        let name = match (&self.label, &self.glyph) {
            (Some(label), _) => label.as_str(),
            (None, Glyph::Named(name)) => name.as_str(),
            (None, Glyph::Custom(_)) => "",
        };
        Some(Description::new(Role::Button, name))
    }
}
