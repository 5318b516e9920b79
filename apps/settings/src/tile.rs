//! A theme choice drawn as a small picture of a window in that theme.

use alloc::string::String;

use weft_toolkit::accessibility::{Description, Role};
use weft_toolkit::paint::{Point, Rect, Size};
use weft_toolkit::text::{Overflow, TextLayout, TextStyle};
use weft_toolkit::{
    Event, EventContext, LayoutStyle, MeasureContext, PaintContext, Status, Theme, ThemeKind, Widget,
};

const PREVIEW_WIDTH: f32 = 176.0;
const PREVIEW_HEIGHT: f32 = 112.0;
const LABEL_HEIGHT: f32 = 30.0;

/// A selectable preview of a theme.
pub struct ThemeTile<M> {
    kind: ThemeKind,
    preview: Theme,
    label: String,
    selected: bool,
    on_select: Option<M>,
    layout: Option<TextLayout>,
}

impl<M> ThemeTile<M> {
    /// A tile for `kind`, labelled `label`.
    pub fn new(kind: ThemeKind, label: impl Into<String>) -> ThemeTile<M> {
        ThemeTile {
            kind,
            preview: Theme::builtin(kind),
            label: label.into(),
            selected: false,
            on_select: None,
            layout: None,
        }
    }

    /// The message sent when chosen.
    pub fn on_select(mut self, message: M) -> ThemeTile<M> {
        self.on_select = Some(message);
        self
    }

    /// Which theme the tile stands for.
    pub fn kind(&self) -> ThemeKind {
        self.kind
    }

    /// Whether it shows as the current choice.
    pub fn is_selected(&self) -> bool {
        self.selected
    }

    /// Marks it the current choice (through `Ui::update`).
    pub fn set_selected(&mut self, selected: bool) {
        if selected != self.selected {
            self.selected = selected;
            self.layout = None;
        }
    }
}

impl<M: Clone + 'static> Widget<M> for ThemeTile<M> {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle {
            width: Some(PREVIEW_WIDTH),
            height: Some(PREVIEW_HEIGHT + LABEL_HEIGHT),
            shrink: 0.0,
            ..LayoutStyle::default()
        }
    }

    fn measure(&mut self, _cx: &mut MeasureContext<'_>, _width: Option<f32>) -> Size {
        Size::new(PREVIEW_WIDTH, PREVIEW_HEIGHT + LABEL_HEIGHT)
    }

    fn focusable(&self) -> bool {
        true
    }

    fn paint_outset(&self, theme: &Theme) -> f32 {
        theme.metrics.focus_ring_width + 4.0
    }

    fn theme_changed(&mut self) {
        self.layout = None;
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        weft_toolkit::press::click(cx, event, self.on_select.as_ref())
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let state = cx.state();
        let rect = cx.rect();
        let preview = Rect::new(rect.x, rect.y, PREVIEW_WIDTH, PREVIEW_HEIGHT);
        let radius = theme.radii.large;
        cx.focus_ring(preview, radius);
        let colors = &self.preview.palette;
        // The desktop behind a window.
        cx.canvas().fill_rounded_rect(preview, radius, colors.background);
        // A window with a title bar, lines of text and a button.
        let window =
            Rect::new(preview.x + 18.0, preview.y + 16.0, preview.width - 36.0, preview.height - 28.0);
        cx.canvas().draw_shadow(window, 6.0, &self.preview.shadows.control);
        cx.canvas().fill_rounded_rect(window, 6.0, colors.surface);
        let bar = Rect::new(window.x, window.y, window.width, 16.0);
        cx.canvas().fill_rounded_rect(bar, 6.0, colors.surface_alt);
        cx.canvas().fill_rect(Rect::new(bar.x, bar.y + 10.0, bar.width, 6.0), colors.surface_alt);
        for (index, width) in [0.62f32, 0.8, 0.45].iter().enumerate() {
            let line = Rect::new(
                window.x + 10.0,
                window.y + 26.0 + index as f32 * 11.0,
                (window.width - 20.0) * width,
                5.0,
            );
            cx.canvas().fill_rounded_rect(
                line,
                2.5,
                colors.text.with_opacity(if index == 0 { 0.75 } else { 0.35 }),
            );
        }
        let button = Rect::new(window.right() - 46.0, window.bottom() - 20.0, 36.0, 12.0);
        cx.canvas().fill_rounded_rect(button, 6.0, colors.accent);
        for dot in 0..3 {
            let x = bar.right() - 10.0 - dot as f32 * 8.0;
            cx.canvas().fill_circle(x, bar.y + 8.0, 2.5, colors.text_muted.with_opacity(0.6));
        }
        // Frame: accent when chosen, stronger on hover.
        let palette = &theme.palette;
        let (frame, width) = if self.selected {
            (palette.accent, 2.0)
        } else if state.hovered {
            (palette.border_strong, 1.0)
        } else {
            (palette.border, 1.0)
        };
        cx.canvas().stroke_rounded_rect(preview, radius, width, frame);
        if self.selected {
            let badge = Point::new(preview.right() - 16.0, preview.y + 16.0);
            cx.canvas().fill_circle(badge.x, badge.y, 9.0, palette.accent);
            if let Some(check) = theme.icon("check") {
                let area = Rect::new(badge.x - 7.0, badge.y - 7.0, 14.0, 14.0);
                cx.canvas().draw_icon(check, area, palette.text_on_accent);
            }
        }
        // The name under the picture.
        let style = if self.selected {
            TextStyle::sans(theme.typography.body_size).semibold()
        } else {
            TextStyle::sans(theme.typography.body_size)
        };
        let ink = if self.selected { palette.text } else { palette.text_muted };
        let (canvas, text) = cx.canvas_and_text();
        let layout =
            self.layout.get_or_insert_with(|| TextLayout::new(text, &self.label, style, Overflow::Ellipsis));
        let size = layout.size();
        let origin = Point::new(
            rect.x + (PREVIEW_WIDTH - size.width) / 2.0,
            preview.bottom() + (LABEL_HEIGHT - size.height) / 2.0 + 2.0,
        );
        layout.draw(text, canvas, origin, ink);
    }

    fn describe(&self) -> Option<Description> {
        Some(Description::new(Role::Button, self.label.as_str()).checked(self.selected))
    }
}
