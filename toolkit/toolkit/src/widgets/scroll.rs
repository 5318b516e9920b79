//! A vertically scrolling column with kinetic (fling) scrolling.
//!
//! Fling physics: after a touch drag ends faster than the recogniser's
//! fling threshold, the offset keeps moving with exponentially decaying
//! velocity, v(t) = v0·e^(−t/τ), so it travels at most v0·τ further and
//! eases to rest. Time comes only from the caller's clock.

use core::time::Duration;

use weft_paint::{Point, Rect, Size};
use weft_theme::Theme;

use crate::accessibility::{Description, Role};
use crate::event::{Event, Status};
use crate::style::{Insets, LayoutStyle};
use crate::widget::{EventContext, PaintContext, Widget};

/// Time constant of the fling's deceleration.
const TIME_CONSTANT: f32 = 0.325;
/// Speed (logical pixels per second) below which a fling stops.
const REST_SPEED: f32 = 10.0;
/// Release speed below which no fling starts.
const FLING_MIN_SPEED: f32 = 150.0;

#[derive(Clone, Copy, Debug)]
struct Fling {
    start: Duration,
    from: f32,
    velocity: f32,
}

/// A column whose children scroll vertically inside its bounds.
#[derive(Debug)]
pub struct ScrollView {
    style: LayoutStyle,
    offset: f32,
    viewport: f32,
    content: f32,
    fling: Option<Fling>,
    dragging: bool,
}

impl Default for ScrollView {
    fn default() -> ScrollView {
        ScrollView::new()
    }
}

impl ScrollView {
    /// An empty scroll view that grows to fill its parent.
    pub fn new() -> ScrollView {
        ScrollView {
            style: LayoutStyle {
                scrolls: true,
                grow: 1.0,
                ..LayoutStyle::default()
            },
            offset: 0.0,
            viewport: 0.0,
            content: 0.0,
            fling: None,
            dragging: false,
        }
    }

    /// Space between children.
    pub fn gap(mut self, gap: f32) -> ScrollView {
        self.style.gap = gap;
        self
    }

    /// Padding around the children.
    pub fn padding(mut self, padding: f32) -> ScrollView {
        self.style.padding = Insets::all(padding);
        self
    }

    /// Fixed height.
    pub fn height(mut self, height: f32) -> ScrollView {
        self.style.height = Some(height);
        self.style.grow = 0.0;
        self
    }

    /// How far the content is scrolled, logical pixels.
    pub fn offset(&self) -> f32 {
        self.offset
    }

    /// The largest possible offset.
    pub fn max_offset(&self) -> f32 {
        (self.content - self.viewport).max(0.0)
    }

    /// Whether a fling is still moving the content.
    pub fn is_flinging(&self) -> bool {
        self.fling.is_some()
    }

    /// Scrolls to `offset` (clamped) without animation (through `Ui::update`).
    pub fn scroll_to(&mut self, offset: f32) {
        self.offset = offset.clamp(0.0, self.max_offset());
        self.fling = None;
    }

    /// Moves to `offset`; returns whether it moved.
    fn move_to<M>(&mut self, cx: &mut EventContext<'_, M>, offset: f32) -> bool {
        let offset = offset.clamp(0.0, self.max_offset());
        if offset == self.offset {
            return false;
        }
        self.offset = offset;
        cx.request_reposition();
        cx.request_paint();
        true
    }
}

impl<M: 'static> Widget<M> for ScrollView {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        self.style.clone()
    }

    fn paint_outset(&self, _theme: &Theme) -> f32 {
        0.0
    }

    fn clips_children(&self) -> bool {
        true
    }

    fn content_offset(&self) -> Point {
        Point::new(0.0, self.offset)
    }

    fn scroll_into_view(&mut self, bounds: Rect, target: Rect) -> bool {
        let margin = 4.0;
        let mut offset = self.offset;
        if target.y < bounds.y + margin {
            offset -= bounds.y + margin - target.y;
        } else if target.bottom() > bounds.bottom() - margin {
            offset +=
                (target.bottom() - (bounds.bottom() - margin)).min(target.y - bounds.y - margin);
        }
        let offset = offset.clamp(0.0, self.max_offset());
        if offset == self.offset {
            return false;
        }
        self.offset = offset;
        self.fling = None;
        true
    }

    fn arranged(&mut self, bounds: Rect, content: Size) {
        self.viewport = bounds.height;
        self.content = content.height;
        self.offset = self.offset.clamp(0.0, self.max_offset());
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        match event {
            Event::PreviewPress { .. } if self.fling.is_some() => {
                // A finger on moving content catches it; the press does
                // not reach the row under it.
                self.fling = None;
                Status::Handled
            }
            Event::DragStart { .. } if self.max_offset() > 0.0 => {
                self.fling = None;
                self.dragging = true;
                Status::Handled
            }
            Event::Scroll { dy, .. } => {
                self.fling = None;
                if self.move_to(cx, self.offset + dy) {
                    Status::Handled
                } else {
                    Status::Ignored
                }
            }
            Event::DragMove { delta, .. } if self.dragging => {
                self.move_to(cx, self.offset - delta.y);
                Status::Handled
            }
            Event::DragEnd { velocity } if self.dragging => {
                self.dragging = false;
                if libm::fabsf(velocity.y) >= FLING_MIN_SPEED {
                    self.fling = Some(Fling {
                        start: cx.now(),
                        from: self.offset,
                        velocity: -velocity.y,
                    });
                    cx.request_animation();
                }
                Status::Handled
            }
            _ => Status::Ignored,
        }
    }

    fn animate(&mut self, cx: &mut EventContext<'_, M>, now: Duration) -> bool {
        let Some(fling) = self.fling else {
            return false;
        };
        let elapsed = now.saturating_sub(fling.start).as_secs_f32();
        let decay = libm::expf(-elapsed / TIME_CONSTANT);
        let target = fling.from + fling.velocity * TIME_CONSTANT * (1.0 - decay);
        let speed = libm::fabsf(fling.velocity * decay);
        let moved = self.move_to(cx, target);
        let at_edge = target <= 0.0 || target >= self.max_offset();
        if speed < REST_SPEED || (!moved && at_edge) {
            self.fling = None;
            return false;
        }
        true
    }

    fn paint_over(&mut self, cx: &mut PaintContext<'_, '_>) {
        if self.content <= self.viewport + 0.5 || self.viewport <= 0.0 {
            return;
        }
        let theme = cx.theme();
        let rect = cx.rect();
        let width = theme.metrics.scrollbar_width;
        let length = (self.viewport * self.viewport / self.content)
            .max(24.0)
            .min(rect.height - 4.0);
        let travel = rect.height - 4.0 - length;
        let position = if self.max_offset() > 0.0 {
            self.offset / self.max_offset()
        } else {
            0.0
        };
        let bar = Rect::new(
            rect.right() - width - 2.0,
            rect.y + 2.0 + travel * position,
            width,
            length,
        );
        cx.canvas().fill_rounded_rect(
            bar,
            width / 2.0,
            theme.palette.text_muted.with_opacity(0.45),
        );
    }

    fn describe(&self) -> Option<Description> {
        Some(Description::new(Role::ScrollView, ""))
    }
}
