//! Input routing: pointer, keyboard, touch gestures and input methods.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use weft_paint::Point;
use weft_types::{Button, InputEvent, Key, KeyState, Modifiers, PointerEvent, TouchEvent};

use crate::event::{Event, Ime, PointerSource, Status};
use crate::gesture::Gesture;
use crate::id::WidgetId;
use crate::ui::{OverlayKind, Ui};

impl<M: 'static> Ui<M> {
    /// Routes one input event that happened at `now` (monotonic, any
    /// fixed origin) and returns the messages widgets emitted.
    pub fn handle_event(&mut self, event: InputEvent, now: Duration) -> Vec<M> {
        self.env.advance(now);
        self.update_layout();
        if let Some(gesture) = self.input.touch.recognizer.poll(self.env.now) {
            self.handle_gesture(gesture);
        }
        match event {
            InputEvent::Pointer(pointer) => self.handle_pointer(pointer),
            InputEvent::Key(key) => {
                let handled = match self.input.focused {
                    Some(focused) => self.dispatch(focused, &Event::Key(key.clone())) == Status::Handled,
                    None => false,
                };
                let plain = !key.modifiers.intersects(Modifiers::CONTROL | Modifiers::ALT | Modifiers::SUPER);
                if !handled && key.state != KeyState::Released {
                    match key.key {
                        Key::TAB if plain => self.move_focus(!key.modifiers.contains(Modifiers::SHIFT)),
                        Key::ESC => {
                            self.close_top_overlay();
                        }
                        _ => {}
                    }
                }
            }
            InputEvent::Touch(touch) => {
                for gesture in self.input.touch.recognizer.feed(&touch, self.env.now) {
                    self.handle_gesture(gesture);
                }
                if matches!(touch, TouchEvent::Up { .. }) && !self.input.touch.recognizer.is_active() {
                    if let Some(captured) = self.input.touch.captured.take() {
                        let center =
                            self.tree.get(captured).map(|node| node.rect.center()).unwrap_or_default();
                        let position = self.input.touch.last.unwrap_or(center);
                        self.tree.set_pressed(captured, false);
                        let inside = self.tree.get(captured).is_some_and(|node| node.rect.contains(position));
                        self.dispatch(captured, &Event::PointerUp { position, inside });
                    }
                    self.input.touch.target = None;
                    self.set_hovered(None);
                }
                if let TouchEvent::Down { x, y, .. } | TouchEvent::Motion { x, y, .. } = touch {
                    self.input.touch.last = Some(Point::new(x, y));
                }
            }
        }
        self.env.take_messages()
    }

    /// Inserts text from an input method into the focused widget.
    pub fn commit_text(&mut self, text: &str, now: Duration) -> Vec<M> {
        self.env.advance(now);
        if let Some(focused) = self.input.focused {
            self.dispatch(focused, &Event::Ime(Ime::Commit(String::from(text))));
        }
        self.env.take_messages()
    }

    /// Shows an input method's composition in the focused widget (empty
    /// text ends the composition).
    pub fn set_preedit(&mut self, text: &str, now: Duration) -> Vec<M> {
        self.env.advance(now);
        if let Some(focused) = self.input.focused {
            self.dispatch(focused, &Event::Ime(Ime::Preedit(String::from(text))));
        }
        self.env.take_messages()
    }

    /// The topmost visible widget at `point` (logical), honouring overlays
    /// (a modal dialog hides everything below it).
    pub fn widget_at(&mut self, point: Point) -> Option<WidgetId> {
        self.update_layout();
        let scale = self.viewport.scale();
        for overlay in self.overlays.all().iter().rev() {
            if let Some(hit) = self.tree.hit(overlay.root, point, scale) {
                return Some(hit);
            }
            if overlay.kind == OverlayKind::Dialog {
                return None;
            }
        }
        self.tree.hit(self.root, point, scale)
    }

    /// Moves the hover mark, telling the old and new widgets.
    fn set_hovered(&mut self, hovered: Option<WidgetId>) {
        if self.input.hovered == hovered {
            return;
        }
        if let Some(old) = self.input.hovered.take() {
            if let Some(node) = self.tree.get_mut(old) {
                node.state.hovered = false;
            }
            self.dispatch(old, &Event::PointerLeave);
        }
        self.input.hovered = hovered;
        if let Some(new) = hovered {
            if let Some(node) = self.tree.get_mut(new) {
                node.state.hovered = true;
            }
            self.dispatch(new, &Event::PointerEnter);
        }
    }

    /// Common start of a mouse press or touch: overlays, focus, delivery.
    /// Returns the widget under the point and the one that captured it.
    fn press(
        &mut self,
        position: Point,
        button: Button,
        source: PointerSource,
        clicks: u32,
    ) -> (Option<WidgetId>, Option<WidgetId>) {
        let hit = self.widget_at(position);
        // A press outside the top popup closes popups and is consumed.
        if let Some(top) = self.overlays.top() {
            let inside = hit.is_some_and(|hit| self.tree.root_of(hit) == top.root);
            if !inside {
                while self.overlays.top_is_menu() {
                    self.close_top_overlay();
                }
                return (None, None);
            }
        }
        let Some(hit) = hit else { return (None, None) };
        match self.tree.focus_target(hit) {
            Some(target) => self.focus(Some(target), false),
            None => {
                if self.input.focus_visible
                    && let Some(focused) = self.input.focused
                {
                    self.focus(Some(focused), false);
                }
            }
        }
        // Ancestors, outermost first, may take the press before the widget.
        let preview = Event::PreviewPress { position };
        let taken = self
            .tree
            .lineage(hit)
            .into_iter()
            .skip(1)
            .rev()
            .find(|ancestor| self.dispatch(*ancestor, &preview) == Status::Handled);
        let captured = match taken {
            Some(ancestor) => Some(ancestor),
            None => {
                let down = Event::PointerDown { position, button, source, clicks };
                self.tree
                    .lineage(hit)
                    .into_iter()
                    .find(|widget| self.dispatch(*widget, &down) == Status::Handled)
            }
        };
        if let Some(captured) = captured {
            self.tree.set_pressed(captured, true);
        }
        (Some(hit), captured)
    }

    fn handle_pointer(&mut self, event: PointerEvent) {
        match event {
            PointerEvent::Enter { x, y } | PointerEvent::Motion { x, y } => {
                let position = Point::new(x, y);
                self.input.pointer.position = Some(position);
                match self.input.pointer.captured {
                    Some(captured) => {
                        self.dispatch(captured, &Event::PointerMove { position });
                    }
                    None => {
                        let hit = self.widget_at(position);
                        self.set_hovered(hit);
                        if let Some(hovered) = hit {
                            self.dispatch(hovered, &Event::PointerMove { position });
                        }
                    }
                }
            }
            PointerEvent::Leave => {
                self.input.pointer.position = None;
                if self.input.pointer.captured.is_none() {
                    self.set_hovered(None);
                }
            }
            PointerEvent::Button { button, state: KeyState::Pressed, x, y } => {
                let position = Point::new(x, y);
                self.input.pointer.position = Some(position);
                let clicks = self.input.pointer.click(self.env.now, position);
                let hit = self.widget_at(position);
                self.set_hovered(hit);
                let (_, captured) = self.press(position, button, PointerSource::Mouse, clicks);
                self.input.pointer.captured = captured;
            }
            PointerEvent::Button { state: KeyState::Released, x, y, .. } => {
                let position = Point::new(x, y);
                if let Some(captured) = self.input.pointer.captured.take() {
                    self.tree.set_pressed(captured, false);
                    let inside = self.tree.get(captured).is_some_and(|node| node.rect.contains(position));
                    self.dispatch(captured, &Event::PointerUp { position, inside });
                }
                let hit = self.widget_at(position);
                self.set_hovered(hit);
            }
            PointerEvent::Button { state: KeyState::Repeated, .. } => {}
            PointerEvent::Scroll { dx, dy } => {
                let Some(position) = self.input.pointer.position else {
                    return;
                };
                if let Some(hit) = self.widget_at(position) {
                    let scroll = Event::Scroll { dx, dy };
                    self.tree
                        .lineage(hit)
                        .into_iter()
                        .find(|widget| self.dispatch(*widget, &scroll) == Status::Handled);
                }
            }
        }
    }

    pub(super) fn handle_gesture(&mut self, gesture: Gesture) {
        match gesture {
            Gesture::Press { position } => {
                self.input.touch.last = Some(position);
                let (hit, captured) = self.press(position, Button::Left, PointerSource::Touch, 1);
                self.set_hovered(captured);
                self.input.touch.target = hit;
                self.input.touch.captured = captured;
            }
            Gesture::DragStart { origin, .. } => {
                let start = Event::DragStart { origin };
                let mut dragging = None;
                if let Some(captured) = self.input.touch.captured {
                    if self.dispatch(captured, &start) == Status::Handled {
                        dragging = Some(captured);
                    } else {
                        self.tree.set_pressed(captured, false);
                        self.dispatch(captured, &Event::PointerCancel);
                        self.input.touch.captured = None;
                        self.set_hovered(None);
                    }
                }
                if dragging.is_none()
                    && let Some(target) = self.input.touch.target
                {
                    dragging = self
                        .tree
                        .lineage(target)
                        .into_iter()
                        .find(|widget| self.dispatch(*widget, &start) == Status::Handled);
                }
                self.input.touch.dragging = dragging;
            }
            Gesture::DragMove { position, delta } => {
                self.input.touch.last = Some(position);
                if let Some(dragging) = self.input.touch.dragging {
                    self.dispatch(dragging, &Event::DragMove { position, delta });
                }
            }
            Gesture::DragEnd { velocity, .. } => {
                if let Some(dragging) = self.input.touch.dragging.take() {
                    self.dispatch(dragging, &Event::DragEnd { velocity });
                    if self.input.touch.captured == Some(dragging) {
                        self.tree.set_pressed(dragging, false);
                        self.input.touch.captured = None;
                    }
                }
            }
            Gesture::LongPress { position } => {
                let long_press = Event::LongPress { position };
                if let Some(target) = self.input.touch.target
                    && self
                        .tree
                        .lineage(target)
                        .into_iter()
                        .any(|widget| self.dispatch(widget, &long_press) == Status::Handled)
                    && let Some(captured) = self.input.touch.captured.take()
                {
                    self.tree.set_pressed(captured, false);
                    self.dispatch(captured, &Event::PointerCancel);
                }
            }
            Gesture::Swipe { direction } => {
                if let Some(target) = self.input.touch.target {
                    let swipe = Event::Swipe { direction };
                    self.tree
                        .lineage(target)
                        .into_iter()
                        .find(|widget| self.dispatch(*widget, &swipe) == Status::Handled);
                }
            }
            Gesture::Tap { .. } | Gesture::Fling { .. } => {}
            Gesture::Cancel => {
                for widget in
                    [self.input.touch.captured.take(), self.input.touch.dragging.take()].into_iter().flatten()
                {
                    self.tree.set_pressed(widget, false);
                    self.dispatch(widget, &Event::PointerCancel);
                }
                self.input.touch.target = None;
            }
        }
    }
}
