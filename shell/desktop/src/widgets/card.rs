//! A raised card and the dimmed backdrop behind it.

use weft_paint::Rect;
use weft_theme::{Color, Shadow, Theme};
use weft_toolkit::weft_types::Button;
use weft_toolkit::{Event, EventContext, Insets, LayoutStyle, PaintContext, Status, Widget};

/// A column on a rounded, shadowed surface that swallows presses (so a
/// click on it never reaches the backdrop below).
pub struct Card {
    width: Option<f32>,
    padding: f32,
    gap: f32,
    translucent: bool,
}

impl Card {
    /// A card `width` wide (or sized by its content), with `padding`.
    pub fn new(width: Option<f32>, padding: f32, gap: f32) -> Card {
        Card { width, padding, gap, translucent: false }
    }

    /// Slightly see-through (panels over the wallpaper).
    pub fn translucent(mut self) -> Card {
        self.translucent = true;
        self
    }
}

/// The card's fill colour in `theme`.
pub fn card_color(theme: &Theme, translucent: bool) -> Color {
    if translucent { theme.palette.surface.with_opacity(0.94) } else { theme.palette.surface }
}

/// A softer, larger shadow than the theme's popup shadow: shell cards float
/// above whole windows.
pub fn card_shadow(theme: &Theme) -> Shadow {
    let mut shadow = theme.shadows.window.clone();
    if theme.dark {
        shadow.color = Color::rgba(0, 0, 0, 0x90);
    }
    shadow
}

impl<M: 'static> Widget<M> for Card {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle {
            width: self.width,
            padding: Insets::all(self.padding),
            gap: self.gap,
            ..LayoutStyle::default()
        }
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let radius = theme.radii.large + 4.0;
        cx.canvas().draw_shadow(rect, radius, &card_shadow(theme));
        cx.canvas().fill_rounded_rect(rect, radius, card_color(theme, self.translucent));
        let border = if theme.dark { Color::rgba(255, 255, 255, 0x1c) } else { theme.palette.border };
        cx.canvas().stroke_rounded_rect(rect, radius, 1.0, border);
    }

    fn paint_outset(&self, theme: &Theme) -> f32 {
        let shadow = card_shadow(theme);
        shadow.blur * 1.5 + shadow.spread + shadow.offset_y.abs() + 2.0
    }

    fn event(&mut self, _cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        match event {
            Event::PointerDown { .. } | Event::PointerUp { .. } => Status::Handled,
            _ => Status::Ignored,
        }
    }
}

/// A full-surface scrim that sends `message` when clicked (outside the
/// cards on it).
pub struct Backdrop<M> {
    message: M,
    opacity: f32,
}

impl<M> Backdrop<M> {
    /// A scrim of the theme's scrim colour at `opacity` (1 = as themed).
    pub fn new(message: M, opacity: f32) -> Backdrop<M> {
        Backdrop { message, opacity }
    }
}

impl<M: Clone + 'static> Widget<M> for Backdrop<M> {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle {
            fill_width: true,
            fill_height: true,
            grow: 1.0,
            align_items: weft_toolkit::Align::Center,
            justify: weft_toolkit::Align::Center,
            ..LayoutStyle::default()
        }
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let rect: Rect = cx.rect();
        let scrim = cx.theme().palette.scrim;
        cx.canvas().fill_rect(rect, scrim.with_opacity(self.opacity));
    }

    fn paint_outset(&self, _theme: &Theme) -> f32 {
        0.0
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        match event {
            Event::PointerDown { button: Button::Left, .. } => Status::Handled,
            Event::PointerUp { inside: true, .. } => {
                cx.emit(self.message.clone());
                Status::Handled
            }
            _ => Status::Ignored,
        }
    }
}
