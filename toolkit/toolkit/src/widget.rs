//! The widget trait and the contexts widgets work through.

use alloc::string::String;
use alloc::vec::Vec;
use core::any::Any;
use core::time::Duration;

use weft_paint::{Canvas, Rect, Size};
use weft_text::TextSystem;
use weft_theme::Theme;

use crate::event::{Event, Status};
use crate::style::LayoutStyle;

/// Interaction state of a widget, maintained by the [`crate::Ui`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WidgetState {
    /// The pointer is over the widget.
    pub hovered: bool,
    /// A press on the widget is in progress.
    pub pressed: bool,
    /// The widget has keyboard focus.
    pub focused: bool,
    /// Focus came from the keyboard, so a focus ring should show.
    pub focus_visible: bool,
    /// The widget (or an ancestor) is disabled: it gets no input and
    /// should look inactive.
    pub disabled: bool,
}

/// A node of the retained tree. Widgets own their state, lay themselves
/// out through a [`LayoutStyle`], paint into a canvas, and turn events into
/// app messages of type `M`.
pub trait Widget<M: 'static>: Any {
    /// Layout properties; re-read whenever the widget requests layout or
    /// the theme changes.
    fn layout_style(&self, theme: &Theme) -> LayoutStyle {
        let _ = theme;
        LayoutStyle::default()
    }

    /// Natural size of a widget without children, given the width it will
    /// get (if known) or may take at most.
    fn measure(&mut self, cx: &mut MeasureContext<'_>, width: Option<f32>) -> Size {
        let _ = (cx, width);
        Size::default()
    }

    /// Paints the widget below its children.
    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let _ = cx;
    }

    /// Paints the widget above its children (scroll bars, overlays).
    fn paint_over(&mut self, cx: &mut PaintContext<'_, '_>) {
        let _ = cx;
    }

    /// How far painting reaches beyond the bounds (focus rings, shadows).
    fn paint_outset(&self, theme: &Theme) -> f32 {
        theme.metrics.focus_ring_width + 2.0
    }

    /// Reacts to an event.
    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        let _ = (cx, event);
        Status::Ignored
    }

    /// Advances animations to `now`; called while the widget has asked for
    /// animation frames or its timer is due. Return `true` to be called
    /// again: on the next frame, or at the time given to
    /// [`EventContext::request_animation_at`] during this call.
    fn animate(&mut self, cx: &mut EventContext<'_, M>, now: Duration) -> bool {
        let _ = (cx, now);
        false
    }

    /// Whether Tab can focus this widget.
    fn focusable(&self) -> bool {
        false
    }

    /// Whether children are clipped to this widget's bounds.
    fn clips_children(&self) -> bool {
        false
    }

    /// How far children are shifted up and left (scrolling).
    fn content_offset(&self) -> weft_paint::Point {
        weft_paint::Point::default()
    }

    /// For stacks such as tabs: show only the child at this index and hide
    /// the others (re-read on layout).
    fn visible_child(&self) -> Option<usize> {
        None
    }

    /// Scrolls so that `target` (window coordinates) becomes visible inside
    /// `bounds` (this widget's own rectangle); returns whether it moved.
    /// Called on ancestors when keyboard focus moves to a descendant.
    fn scroll_into_view(&mut self, bounds: Rect, target: Rect) -> bool {
        let _ = (bounds, target);
        false
    }

    /// Told the laid-out bounds and the size of the children's extent.
    fn arranged(&mut self, bounds: Rect, content: Size) {
        let _ = (bounds, content);
    }

    /// The theme changed: drop anything cached from the old one.
    fn theme_changed(&mut self) {}

    /// What the widget is for assistive technology and tests; `None` for
    /// purely structural widgets.
    fn describe(&self) -> Option<crate::accessibility::Description> {
        None
    }
}

/// What measuring may use.
pub struct MeasureContext<'a> {
    pub(crate) theme: &'a Theme,
    pub(crate) text: &'a mut TextSystem,
}

impl<'a> MeasureContext<'a> {
    /// The active theme.
    pub fn theme(&self) -> &'a Theme {
        self.theme
    }

    /// The text system, for shaping.
    pub fn text(&mut self) -> &mut TextSystem {
        self.text
    }
}

/// What painting may use.
pub struct PaintContext<'a, 'canvas> {
    pub(crate) canvas: &'a mut Canvas<'canvas>,
    pub(crate) theme: &'a Theme,
    pub(crate) text: &'a mut TextSystem,
    pub(crate) rect: Rect,
    pub(crate) state: WidgetState,
}

impl<'a, 'canvas> PaintContext<'a, 'canvas> {
    /// The canvas, clipped to what needs repainting.
    pub fn canvas(&mut self) -> &mut Canvas<'canvas> {
        self.canvas
    }

    /// The active theme (not tied to this borrow of the context).
    pub fn theme(&self) -> &'a Theme {
        self.theme
    }

    /// The text system.
    pub fn text(&mut self) -> &mut TextSystem {
        self.text
    }

    /// Canvas and text system together (for drawing text).
    pub fn canvas_and_text(&mut self) -> (&mut Canvas<'canvas>, &mut TextSystem) {
        (self.canvas, self.text)
    }

    /// The widget's bounds, logical window coordinates.
    pub fn rect(&self) -> Rect {
        self.rect
    }

    /// The widget's interaction state.
    pub fn state(&self) -> WidgetState {
        self.state
    }

    /// Paints the standard focus ring around `rect` if focus is visible.
    pub fn focus_ring(&mut self, rect: Rect, radius: f32) {
        if self.state.focused && self.state.focus_visible {
            let width = self.theme.metrics.focus_ring_width;
            let ring = rect.inflate(width + 1.0);
            let color = self.theme.palette.focus_ring;
            self.canvas
                .stroke_rounded_rect(ring, radius + width + 1.0, width, color);
        }
    }
}

/// Side effects a widget asked for while handling an event.
#[derive(Default)]
pub(crate) struct Effects {
    pub paint: bool,
    pub paint_rects: Vec<Rect>,
    pub layout: bool,
    pub reposition: bool,
    pub animate: bool,
    pub animate_at: Option<Duration>,
    pub focus: bool,
    pub close_overlay: bool,
}

/// What event handling may use and ask for.
pub struct EventContext<'a, M> {
    pub(crate) theme: &'a Theme,
    pub(crate) text: &'a mut TextSystem,
    pub(crate) messages: &'a mut Vec<M>,
    pub(crate) clipboard: &'a mut String,
    pub(crate) rect: Rect,
    pub(crate) state: WidgetState,
    pub(crate) now: Duration,
    pub(crate) effects: Effects,
}

impl<'a, M> EventContext<'a, M> {
    /// Sends a message to the app (returned from `handle_event`).
    pub fn emit(&mut self, message: M) {
        self.messages.push(message);
    }

    /// The whole widget needs repainting.
    pub fn request_paint(&mut self) {
        self.effects.paint = true;
    }

    /// Part of the widget (logical window coordinates) needs repainting.
    pub fn request_paint_rect(&mut self, rect: Rect) {
        self.effects.paint_rects.push(rect);
    }

    /// The widget's size may have changed: lay out again (and repaint).
    pub fn request_layout(&mut self) {
        self.effects.layout = true;
    }

    /// The children moved (e.g. scrolling) without changing size.
    pub fn request_reposition(&mut self) {
        self.effects.reposition = true;
    }

    /// Call [`Widget::animate`] on coming frames.
    pub fn request_animation(&mut self) {
        self.effects.animate = true;
    }

    /// Call [`Widget::animate`] once the time reaches `deadline` (a timer:
    /// the UI may sleep until then). From `animate`, returning `true`
    /// after this waits for the deadline instead of the next frame.
    pub fn request_animation_at(&mut self, deadline: Duration) {
        self.effects.animate_at = Some(match self.effects.animate_at {
            Some(existing) => existing.min(deadline),
            None => deadline,
        });
    }

    /// Take keyboard focus.
    pub fn request_focus(&mut self) {
        self.effects.focus = true;
    }

    /// Close the popup or dialog this widget is in.
    pub fn close_overlay(&mut self) {
        self.effects.close_overlay = true;
    }

    /// The widget's bounds, logical window coordinates.
    pub fn rect(&self) -> Rect {
        self.rect
    }

    /// The widget's interaction state.
    pub fn state(&self) -> WidgetState {
        self.state
    }

    /// The active theme (not tied to this borrow of the context).
    pub fn theme(&self) -> &'a Theme {
        self.theme
    }

    /// The text system.
    pub fn text(&mut self) -> &mut TextSystem {
        self.text
    }

    /// The time of the event being handled.
    pub fn now(&self) -> Duration {
        self.now
    }

    /// The UI's clipboard text.
    pub fn clipboard(&self) -> &str {
        self.clipboard
    }

    /// Replaces the UI's clipboard text.
    pub fn set_clipboard(&mut self, text: String) {
        *self.clipboard = text;
    }
}
