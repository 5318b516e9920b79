//! Two-state controls: checkbox and switch.

use alloc::boxed::Box;
use alloc::string::String;
use core::time::Duration;

use weft_paint::{Point, Rect, Size};
use weft_text::{Overflow, TextLayout, TextSystem};
use weft_theme::{Color, Shadow, Theme};

use crate::accessibility::{Description, Role};
use crate::event::{Event, Status};
use crate::press::Press;
use crate::style::LayoutStyle;
use crate::widget::{EventContext, MeasureContext, PaintContext, Widget};
use crate::widgets::common::{TextRole, dimmed, draw_line_left};

/// Gap between the control and its label.
const LABEL_GAP: f32 = 10.0;
/// Duration of the switch knob's slide.
const SLIDE: Duration = Duration::from_millis(150);

/// Shared state of labelled two-state controls.
struct Toggle<M> {
    label: String,
    layout: Option<TextLayout>,
    checked: bool,
    on_toggle: Option<Box<dyn Fn(bool) -> M>>,
}

impl<M> Toggle<M> {
    fn new(label: String) -> Toggle<M> {
        Toggle { label, layout: None, checked: false, on_toggle: None }
    }

    fn layout(&mut self, text: &mut TextSystem, theme: &Theme) -> &mut TextLayout {
        let style = TextRole::Body.style(theme);
        self.layout.get_or_insert_with(|| TextLayout::new(text, &self.label, style, Overflow::Ellipsis))
    }

    fn measure(&mut self, cx: &mut MeasureContext<'_>, control: Size) -> Size {
        let theme = cx.theme();
        if self.label.is_empty() {
            return control;
        }
        let text = self.layout(cx.text(), theme).measure(cx.text(), None);
        Size::new(
            control.width + LABEL_GAP + text.width,
            control.height.max(text.height).max(theme.metrics.control_height - 8.0),
        )
    }

    /// Handles the event; returns whether the value flipped.
    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> (Status, bool) {
        let press = Press::track(cx, event);
        let flip = press.activated();
        let status = press.status();
        if flip {
            self.checked = !self.checked;
            cx.request_paint();
            if let Some(on_toggle) = &self.on_toggle {
                cx.emit(on_toggle(self.checked));
            }
        }
        (status, flip)
    }

    fn paint_label(&mut self, cx: &mut PaintContext<'_, '_>, left: f32) {
        if self.label.is_empty() {
            return;
        }
        let theme = cx.theme();
        let rect = cx.rect();
        let color = dimmed(theme.palette.text, cx.state());
        let (canvas, text) = cx.canvas_and_text();
        let layout = self.layout(text, theme);
        layout.set_width(text, Some((rect.right() - left).max(0.0) + 0.5));
        draw_line_left(
            canvas,
            text,
            layout,
            Rect::new(left, rect.y, rect.right() - left, rect.height),
            color,
        );
    }
}

/// A checkbox with a label.
pub struct Checkbox<M> {
    toggle: Toggle<M>,
}

impl<M> Checkbox<M> {
    /// An unchecked checkbox.
    pub fn new(label: impl Into<String>) -> Checkbox<M> {
        Checkbox { toggle: Toggle::new(label.into()) }
    }

    /// Initial state.
    pub fn checked(mut self, checked: bool) -> Checkbox<M> {
        self.toggle.checked = checked;
        self
    }

    /// Message built from the new state on every toggle.
    pub fn on_toggle(mut self, message: impl Fn(bool) -> M + 'static) -> Checkbox<M> {
        self.toggle.on_toggle = Some(Box::new(message));
        self
    }

    /// Whether it is checked.
    pub fn is_checked(&self) -> bool {
        self.toggle.checked
    }

    /// Sets the state without sending a message (through `Ui::update`).
    pub fn set_checked(&mut self, checked: bool) {
        self.toggle.checked = checked;
    }
}

impl<M: 'static> Widget<M> for Checkbox<M> {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle::default()
    }

    fn measure(&mut self, cx: &mut MeasureContext<'_>, _width: Option<f32>) -> Size {
        let size = cx.theme().metrics.checkbox_size;
        self.toggle.measure(cx, Size::new(size, size))
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        self.toggle.event(cx, event).0
    }

    fn focusable(&self) -> bool {
        true
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let state = cx.state();
        let palette = &theme.palette;
        let size = theme.metrics.checkbox_size;
        let mark = Rect::new(rect.x, rect.y + libm::roundf((rect.height - size) / 2.0), size, size);
        let radius = theme.radii.small;
        cx.focus_ring(mark, radius);
        if self.toggle.checked {
            let fill = if state.pressed {
                palette.accent_pressed
            } else if state.hovered {
                palette.accent_hover
            } else {
                palette.accent
            };
            cx.canvas().fill_rounded_rect(mark, radius, dimmed(fill, state));
            if let Some(check) = theme.icon("check") {
                cx.canvas().draw_icon(check, mark.inflate(-2.0), palette.text_on_accent);
            }
        } else {
            cx.canvas().fill_rounded_rect(mark, radius, palette.surface);
            if state.hovered || state.pressed {
                cx.canvas().fill_rounded_rect(
                    mark,
                    radius,
                    if state.pressed { palette.pressed } else { palette.hover },
                );
            }
            let border = if state.hovered { palette.accent } else { palette.border_strong };
            cx.canvas().stroke_rounded_rect(mark, radius, 1.5, dimmed(border, state));
        }
        self.toggle.paint_label(cx, rect.x + size + LABEL_GAP);
    }

    fn theme_changed(&mut self) {
        self.toggle.layout = None;
    }

    fn describe(&self) -> Option<Description> {
        Some(Description::new(Role::CheckBox, self.toggle.label.as_str()).checked(self.toggle.checked))
    }
}

/// An on/off switch with a label on its left; the knob slides.
pub struct Switch<M> {
    toggle: Toggle<M>,
    /// Knob position 0 (off) to 1 (on) as drawn.
    knob: f32,
    slide: Option<(Duration, f32)>,
}

impl<M> Switch<M> {
    /// A switch that is off.
    pub fn new(label: impl Into<String>) -> Switch<M> {
        Switch { toggle: Toggle::new(label.into()), knob: 0.0, slide: None }
    }

    /// Initial state.
    pub fn on(mut self, on: bool) -> Switch<M> {
        self.toggle.checked = on;
        self.knob = if on { 1.0 } else { 0.0 };
        self
    }

    /// Message built from the new state on every toggle.
    pub fn on_toggle(mut self, message: impl Fn(bool) -> M + 'static) -> Switch<M> {
        self.toggle.on_toggle = Some(Box::new(message));
        self
    }

    /// Whether it is on.
    pub fn is_on(&self) -> bool {
        self.toggle.checked
    }

    /// Sets the state without sending a message (through `Ui::update`).
    pub fn set_on(&mut self, on: bool) {
        self.toggle.checked = on;
        self.knob = if on { 1.0 } else { 0.0 };
        self.slide = None;
    }

    /// Whether the knob is still sliding.
    pub fn is_animating(&self) -> bool {
        self.slide.is_some()
    }

    fn track_size(theme: &Theme) -> Size {
        let width = theme.metrics.switch_width;
        Size::new(width, libm::roundf(width * 0.55))
    }
}

impl<M: 'static> Widget<M> for Switch<M> {
    fn measure(&mut self, cx: &mut MeasureContext<'_>, _width: Option<f32>) -> Size {
        let track = Self::track_size(cx.theme());
        self.toggle.measure(cx, track)
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        let (status, flipped) = self.toggle.event(cx, event);
        if flipped {
            self.slide = Some((cx.now(), self.knob));
            cx.request_animation();
        }
        status
    }

    fn animate(&mut self, cx: &mut EventContext<'_, M>, now: Duration) -> bool {
        let Some((start, from)) = self.slide else {
            return false;
        };
        let target = if self.toggle.checked { 1.0 } else { 0.0 };
        let progress = (now.saturating_sub(start).as_secs_f32() / SLIDE.as_secs_f32()).min(1.0);
        // Ease out (cubic).
        let eased = 1.0 - (1.0 - progress) * (1.0 - progress) * (1.0 - progress);
        self.knob = from + (target - from) * eased;
        cx.request_paint();
        if progress >= 1.0 {
            self.slide = None;
            return false;
        }
        true
    }

    fn focusable(&self) -> bool {
        true
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let state = cx.state();
        let palette = &theme.palette;
        let track_size = Self::track_size(theme);
        let track = Rect::new(
            rect.right() - track_size.width,
            rect.y + libm::roundf((rect.height - track_size.height) / 2.0),
            track_size.width,
            track_size.height,
        );
        let radius = track.height / 2.0;
        cx.focus_ring(track, radius);
        let off = if state.hovered { palette.track.mix(palette.text_muted, 0.25) } else { palette.track };
        let on = if state.hovered { palette.accent_hover } else { palette.accent };
        cx.canvas().fill_rounded_rect(track, radius, dimmed(off.mix(on, self.knob), state));
        let inset = 2.0;
        let diameter = track.height - 2.0 * inset;
        let travel = track.width - 2.0 * inset - diameter;
        let center =
            Point::new(track.x + inset + diameter / 2.0 + travel * self.knob, track.y + track.height / 2.0);
        let knob = Rect::new(center.x - diameter / 2.0, center.y - diameter / 2.0, diameter, diameter);
        let shadow =
            Shadow { offset_x: 0.0, offset_y: 1.0, blur: 2.0, spread: 0.0, color: Color::rgba(0, 0, 0, 60) };
        cx.canvas().draw_shadow(knob, diameter / 2.0, &shadow);
        cx.canvas().fill_circle(center.x, center.y, diameter / 2.0, Color::WHITE);
        self.toggle.paint_label(cx, rect.x);
    }

    fn theme_changed(&mut self) {
        self.toggle.layout = None;
    }

    fn describe(&self) -> Option<Description> {
        Some(Description::new(Role::Switch, self.toggle.label.as_str()).checked(self.toggle.checked))
    }
}
