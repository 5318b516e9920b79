//! A horizontal slider for a value in a range.

use alloc::boxed::Box;

use weft_paint::{Point, Rect, Size};
use weft_theme::{Color, Theme};
use weft_types::{Key, KeyState};

use crate::accessibility::{Description, Role};
use crate::event::{Event, Status};
use crate::style::LayoutStyle;
use crate::widget::{EventContext, MeasureContext, PaintContext, Widget};
use crate::widgets::common::dimmed;

/// A slider from `min` to `max`, optionally snapping to `step`.
pub struct Slider<M> {
    value: f32,
    min: f32,
    max: f32,
    step: Option<f32>,
    dragging: bool,
    on_change: Option<Box<dyn Fn(f32) -> M>>,
}

impl<M> Slider<M> {
    /// A slider over `min..=max` starting at `value`.
    pub fn new(min: f32, max: f32, value: f32) -> Slider<M> {
        let (min, max) = if max > min { (min, max) } else { (min, min + 1.0) };
        Slider { value: value.clamp(min, max), min, max, step: None, dragging: false, on_change: None }
    }

    /// Snap to multiples of `step` (also the keyboard increment).
    pub fn step(mut self, step: f32) -> Slider<M> {
        self.step = (step > 0.0).then_some(step);
        self
    }

    /// Message built from the new value whenever it changes.
    pub fn on_change(mut self, message: impl Fn(f32) -> M + 'static) -> Slider<M> {
        self.on_change = Some(Box::new(message));
        self
    }

    /// The value.
    pub fn value(&self) -> f32 {
        self.value
    }

    /// Sets the value without sending a message (through `Ui::update`).
    pub fn set_value(&mut self, value: f32) {
        self.value = value.clamp(self.min, self.max);
    }

    fn fraction(&self) -> f32 {
        (self.value - self.min) / (self.max - self.min)
    }

    fn track(rect: Rect, theme: &Theme) -> Rect {
        let thumb = theme.metrics.slider_thumb;
        Rect::new(rect.x + thumb / 2.0, rect.y + rect.height / 2.0 - 2.0, (rect.width - thumb).max(1.0), 4.0)
    }

    fn set(&mut self, cx: &mut EventContext<'_, M>, value: f32) {
        let mut value = value.clamp(self.min, self.max);
        if let Some(step) = self.step {
            value = (self.min + libm::roundf((value - self.min) / step) * step).clamp(self.min, self.max);
        }
        if value != self.value {
            self.value = value;
            cx.request_paint();
            if let Some(on_change) = &self.on_change {
                cx.emit(on_change(value));
            }
        }
    }

    fn set_from_position(&mut self, cx: &mut EventContext<'_, M>, position: Point) {
        let track = Self::track(cx.rect(), cx.theme());
        let fraction = ((position.x - track.x) / track.width).clamp(0.0, 1.0);
        self.set(cx, self.min + fraction * (self.max - self.min));
    }
}

impl<M: 'static> Widget<M> for Slider<M> {
    fn layout_style(&self, theme: &Theme) -> LayoutStyle {
        LayoutStyle {
            height: Some(theme.metrics.slider_thumb + 10.0),
            min_width: Some(120.0),
            ..LayoutStyle::default()
        }
    }

    fn measure(&mut self, cx: &mut MeasureContext<'_>, width: Option<f32>) -> Size {
        Size::new(width.unwrap_or(200.0), cx.theme().metrics.slider_thumb + 10.0)
    }

    fn focusable(&self) -> bool {
        true
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        let increment = self.step.unwrap_or((self.max - self.min) / 20.0);
        match event {
            Event::PointerEnter | Event::PointerLeave | Event::FocusGained | Event::FocusLost => {
                cx.request_paint();
                Status::Ignored
            }
            Event::PointerDown { position, .. } => {
                self.dragging = true;
                self.set_from_position(cx, *position);
                cx.request_paint();
                Status::Handled
            }
            Event::PointerMove { position } | Event::DragMove { position, .. } if self.dragging => {
                self.set_from_position(cx, *position);
                Status::Handled
            }
            Event::DragStart { .. } if self.dragging => Status::Handled,
            Event::PointerUp { .. } | Event::PointerCancel | Event::DragEnd { .. } => {
                self.dragging = false;
                cx.request_paint();
                Status::Handled
            }
            Event::Key(key) if key.state != KeyState::Released => {
                let value = match key.key {
                    Key::LEFT | Key::DOWN => self.value - increment,
                    Key::RIGHT | Key::UP => self.value + increment,
                    Key::HOME => self.min,
                    Key::END => self.max,
                    _ => return Status::Ignored,
                };
                self.set(cx, value);
                Status::Handled
            }
            _ => Status::Ignored,
        }
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let state = cx.state();
        let palette = &theme.palette;
        let track = Self::track(rect, theme);
        cx.canvas().fill_rounded_rect(track, 2.0, palette.track);
        let filled = Rect::new(track.x, track.y, track.width * self.fraction(), track.height);
        cx.canvas().fill_rounded_rect(filled, 2.0, dimmed(palette.accent, state));
        let radius = theme.metrics.slider_thumb / 2.0;
        let center = Point::new(track.x + filled.width, rect.y + rect.height / 2.0);
        let thumb = Rect::new(center.x - radius, center.y - radius, radius * 2.0, radius * 2.0);
        if !state.disabled && (state.hovered || state.pressed || self.dragging) {
            cx.canvas().fill_circle(center.x, center.y, radius + 5.0, palette.accent.with_opacity(0.18));
        }
        cx.focus_ring(thumb, radius);
        cx.canvas().draw_shadow(thumb, radius, &theme.shadows.control);
        cx.canvas().fill_circle(center.x, center.y, radius, Color::WHITE);
        cx.canvas().fill_circle(center.x, center.y, radius - 5.0, dimmed(palette.accent, state));
    }

    fn paint_outset(&self, theme: &Theme) -> f32 {
        theme.metrics.focus_ring_width + 6.0
    }

    fn describe(&self) -> Option<Description> {
        Some(Description::new(Role::Slider, "").value(alloc::format!("{}", self.value)))
    }
}
