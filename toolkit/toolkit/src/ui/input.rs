//! Input routing: pointer, keyboard, touch gestures and input methods.

use alloc::string::String;
use alloc::vec::Vec;
use core::time::Duration;

use weft_paint::Point;
use weft_types::{Button, InputEvent, Key, KeyEvent, KeyState, Modifiers, PointerEvent, TouchEvent};

use crate::event::{Event, Ime, PointerSource, Status};
use crate::gesture::Gesture;
use crate::id::WidgetId;
use crate::ui::{OverlayKind, Ui};

/// Presses closer together than this (time and distance) count as a double click.
const DOUBLE_CLICK_TIME: Duration = Duration::from_millis(400);
const DOUBLE_CLICK_DISTANCE: f32 = 4.0;

impl<M: 'static> Ui<M> {
    /// Routes one input event that happened at `now` (monotonic, any
    /// fixed origin) and returns the messages widgets emitted.
    pub fn handle_event(&mut self, event: InputEvent, now: Duration) -> Vec<M> {
        self.now = self.now.max(now);
        self.update_layout();
        self.poll_gestures();
        match event {
            InputEvent::Pointer(pointer) => self.handle_pointer(pointer),
            InputEvent::Key(key) => self.handle_key(key),
            InputEvent::Touch(touch) => self.handle_touch(touch),
        }
        core::mem::take(&mut self.messages)
    }

    /// Inserts text from an input method into the focused widget.
    pub fn commit_text(&mut self, text: &str, now: Duration) -> Vec<M> {
        self.now = self.now.max(now);
        if let Some(focused) = self.focused {
            self.dispatch(focused, &Event::Ime(Ime::Commit(String::from(text))));
        }
        core::mem::take(&mut self.messages)
    }

    /// Shows an input method's composition in the focused widget (empty
    /// text ends the composition).
    pub fn set_preedit(&mut self, text: &str, now: Duration) -> Vec<M> {
        self.now = self.now.max(now);
        if let Some(focused) = self.focused {
            self.dispatch(focused, &Event::Ime(Ime::Preedit(String::from(text))));
        }
        core::mem::take(&mut self.messages)
    }

    /// The topmost visible widget at `point` (logical), honouring overlays
    /// (a modal dialog hides everything below it).
    pub fn widget_at(&mut self, point: Point) -> Option<WidgetId> {
        self.update_layout();
        for overlay in self.overlays.iter().rev() {
            if let Some(hit) = self.hit_node(overlay.root, point) {
                return Some(hit);
            }
            if overlay.kind == OverlayKind::Dialog {
                return None;
            }
        }
        self.hit_node(self.root, point)
    }

    fn hit_node(&self, id: WidgetId, point: Point) -> Option<WidgetId> {
        let node = self.tree.get(id)?;
        if node.hidden || !node.rect.contains(point) {
            return None;
        }
        let pixel = (point.x * self.scale) as i32;
        let row = (point.y * self.scale) as i32;
        let clip = node.clip;
        if pixel < clip.x || row < clip.y || pixel >= clip.right() || row >= clip.bottom() {
            return None;
        }
        for child in node.children.iter().rev() {
            if let Some(hit) = self.hit_node(*child, point) {
                return Some(hit);
            }
        }
        Some(id)
    }

    fn set_hovered(&mut self, hovered: Option<WidgetId>) {
        if self.hovered == hovered {
            return;
        }
        if let Some(old) = self.hovered.take() {
            if let Some(node) = self.tree.get_mut(old) {
                node.state.hovered = false;
            }
            self.dispatch(old, &Event::PointerLeave);
        }
        self.hovered = hovered;
        if let Some(new) = hovered {
            if let Some(node) = self.tree.get_mut(new) {
                node.state.hovered = true;
            }
            self.dispatch(new, &Event::PointerEnter);
        }
    }

    fn set_pressed(&mut self, id: Option<WidgetId>, pressed: bool) {
        if let Some(node) = id.and_then(|id| self.tree.get_mut(id)) {
            node.state.pressed = pressed;
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
        if let Some(top) = self.overlays.last() {
            let inside = hit.is_some_and(|hit| self.tree.root_of(hit) == top.root);
            if !inside {
                if matches!(top.kind, OverlayKind::Menu { .. }) {
                    while matches!(self.overlays.last(), Some(overlay) if matches!(overlay.kind, OverlayKind::Menu { .. }))
                    {
                        self.close_top_overlay();
                    }
                }
                return (None, None);
            }
        }
        let Some(hit) = hit else { return (None, None) };
        let mut focus_target = Some(hit);
        while let Some(candidate) = focus_target {
            let focusable = self.tree.get(candidate).is_some_and(|node| {
                !node.state.disabled && node.widget.as_ref().is_some_and(|widget| widget.focusable())
            });
            if focusable {
                break;
            }
            focus_target = self.tree.get(candidate).and_then(|node| node.parent);
        }
        match focus_target {
            Some(target) => self.focus(Some(target), false),
            None => {
                if self.focus_visible
                    && let Some(focused) = self.focused
                {
                    self.focus(Some(focused), false);
                }
            }
        }
        let mut ancestors = Vec::new();
        let mut current = self.tree.get(hit).and_then(|node| node.parent);
        while let Some(ancestor) = current {
            ancestors.push(ancestor);
            current = self.tree.get(ancestor).and_then(|node| node.parent);
        }
        let preview = Event::PreviewPress { position };
        let taken = ancestors
            .into_iter()
            .rev()
            .find(|ancestor| self.dispatch(*ancestor, &preview) == Status::Handled);
        let captured = match taken {
            Some(ancestor) => Some(ancestor),
            None => self.bubble(hit, &Event::PointerDown { position, button, source, clicks }),
        };
        self.set_pressed(captured, true);
        (Some(hit), captured)
    }

    fn release(&mut self, captured: WidgetId, position: Point) {
        self.set_pressed(Some(captured), false);
        let inside = self.tree.get(captured).is_some_and(|node| node.rect.contains(position));
        self.dispatch(captured, &Event::PointerUp { position, inside });
    }

    fn handle_pointer(&mut self, event: PointerEvent) {
        match event {
            PointerEvent::Enter { x, y } | PointerEvent::Motion { x, y } => {
                let position = Point::new(x, y);
                self.pointer.position = Some(position);
                match self.pointer.captured {
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
                self.pointer.position = None;
                if self.pointer.captured.is_none() {
                    self.set_hovered(None);
                }
            }
            PointerEvent::Button { button, state: KeyState::Pressed, x, y } => {
                let position = Point::new(x, y);
                self.pointer.position = Some(position);
                let clicks = match self.pointer.last_click {
                    Some((time, last, count))
                        if self.now.saturating_sub(time) <= DOUBLE_CLICK_TIME
                            && libm::hypotf(last.x - x, last.y - y) <= DOUBLE_CLICK_DISTANCE =>
                    {
                        count + 1
                    }
                    _ => 1,
                };
                self.pointer.last_click = Some((self.now, position, clicks));
                let hit = self.widget_at(position);
                self.set_hovered(hit);
                let (_, captured) = self.press(position, button, PointerSource::Mouse, clicks);
                self.pointer.captured = captured;
            }
            PointerEvent::Button { state: KeyState::Released, x, y, .. } => {
                let position = Point::new(x, y);
                if let Some(captured) = self.pointer.captured.take() {
                    self.release(captured, position);
                }
                let hit = self.widget_at(position);
                self.set_hovered(hit);
            }
            PointerEvent::Button { state: KeyState::Repeated, .. } => {}
            PointerEvent::Scroll { dx, dy } => {
                let Some(position) = self.pointer.position else {
                    return;
                };
                if let Some(hit) = self.widget_at(position) {
                    self.bubble(hit, &Event::Scroll { dx, dy });
                }
            }
        }
    }

    fn handle_key(&mut self, key: KeyEvent) {
        let handled = match self.focused {
            Some(focused) => self.dispatch(focused, &Event::Key(key.clone())) == Status::Handled,
            None => false,
        };
        if handled || key.state == KeyState::Released {
            return;
        }
        let plain = !key.modifiers.intersects(Modifiers::CONTROL | Modifiers::ALT | Modifiers::SUPER);
        match key.key {
            Key::TAB if plain => self.move_focus(!key.modifiers.contains(Modifiers::SHIFT)),
            Key::ESC => {
                self.close_top_overlay();
            }
            _ => {}
        }
    }

    /// Reports time-based gestures (long press) that are due.
    pub(crate) fn poll_gestures(&mut self) {
        if let Some(gesture) = self.touch.recognizer.poll(self.now) {
            self.handle_gesture(gesture);
        }
    }

    fn handle_touch(&mut self, event: TouchEvent) {
        let gestures = self.touch.recognizer.feed(&event, self.now);
        for gesture in gestures {
            self.handle_gesture(gesture);
        }
        if matches!(event, TouchEvent::Up { .. }) && !self.touch.recognizer.is_active() {
            if let Some(captured) = self.touch.captured.take() {
                let position = self.tree.get(captured).map(|node| node.rect.center()).unwrap_or_default();
                let position = self.touch_last.unwrap_or(position);
                self.release(captured, position);
            }
            self.touch.target = None;
            self.set_hovered(None);
        }
        if let TouchEvent::Down { x, y, .. } | TouchEvent::Motion { x, y, .. } = event {
            self.touch_last = Some(Point::new(x, y));
        }
    }

    fn handle_gesture(&mut self, gesture: Gesture) {
        match gesture {
            Gesture::Press { position } => {
                self.touch_last = Some(position);
                let (hit, captured) = self.press(position, Button::Left, PointerSource::Touch, 1);
                self.set_hovered(captured);
                self.touch.target = hit;
                self.touch.captured = captured;
            }
            Gesture::DragStart { origin, .. } => {
                let start = Event::DragStart { origin };
                let mut dragging = None;
                if let Some(captured) = self.touch.captured {
                    if self.dispatch(captured, &start) == Status::Handled {
                        dragging = Some(captured);
                    } else {
                        self.set_pressed(Some(captured), false);
                        self.dispatch(captured, &Event::PointerCancel);
                        self.touch.captured = None;
                        self.set_hovered(None);
                    }
                }
                if dragging.is_none()
                    && let Some(target) = self.touch.target
                {
                    dragging = self.bubble(target, &start);
                }
                self.touch.dragging = dragging;
            }
            Gesture::DragMove { position, delta } => {
                self.touch_last = Some(position);
                if let Some(dragging) = self.touch.dragging {
                    self.dispatch(dragging, &Event::DragMove { position, delta });
                }
            }
            Gesture::DragEnd { velocity, .. } => {
                if let Some(dragging) = self.touch.dragging.take() {
                    self.dispatch(dragging, &Event::DragEnd { velocity });
                    if self.touch.captured == Some(dragging) {
                        self.set_pressed(Some(dragging), false);
                        self.touch.captured = None;
                    }
                }
            }
            Gesture::LongPress { position } => {
                if let Some(target) = self.touch.target
                    && self.bubble(target, &Event::LongPress { position }).is_some()
                    && let Some(captured) = self.touch.captured.take()
                {
                    self.set_pressed(Some(captured), false);
                    self.dispatch(captured, &Event::PointerCancel);
                }
            }
            Gesture::Swipe { direction } => {
                if let Some(target) = self.touch.target {
                    self.bubble(target, &Event::Swipe { direction });
                }
            }
            Gesture::Tap { .. } | Gesture::Fling { .. } => {}
            Gesture::Cancel => {
                for widget in [self.touch.captured.take(), self.touch.dragging.take()].into_iter().flatten() {
                    self.set_pressed(Some(widget), false);
                    self.dispatch(widget, &Event::PointerCancel);
                }
                self.touch.target = None;
            }
        }
    }
}
