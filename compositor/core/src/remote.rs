//! Remote input and resizes for captured windows.
//!
//! A remote viewer drives the compositor's one seat, aimed at one window:
//! the client receives exactly the events local input would produce when a
//! person uses that window — `Enter` before the first key (the window is
//! activated, raised and focused, as a click would), pointer `Enter`,
//! `Motion`, `Button` and `Leave` in surface coordinates with the seat's
//! pointer moved there, a press activating the window, touch points routed
//! to the window for their whole life. Remote keys skip the system
//! shortcuts (a viewer controls one window, not the desktop), and they
//! honour an exclusive keyboard grab (a lock screen keeps them out).
//!
//! Positions arrive in the window's buffer pixels (what the captured
//! picture shows) and are converted to logical surface coordinates.

use weft_compositor_api::shell::WindowId;
use weft_compositor_api::{Event, InputEvent, KeyEvent, KeyboardEvent, PointerEvent, Size, TouchEvent};
use weft_types::KeyState;

use crate::Compositor;
use crate::state::SurfaceKey;

/// Most remote touch points tracked at once.
const MAX_REMOTE_TOUCHES: usize = 16;

/// Longest key text accepted (as on the wire).
const MAX_KEY_TEXT: usize = 64;

/// Largest coordinate accepted, in pixels.
const MAX_COORDINATE: f32 = 1.0e6;

fn usable(value: f32) -> bool {
    value.is_finite() && value.abs() <= MAX_COORDINATE
}

impl Compositor {
    /// Deliver one input event from a remote viewer to a captured window.
    /// Returns whether it reached the client (events for windows that are
    /// not captured or mapped, with unusable values, or kept out by a
    /// keyboard grab are dropped and counted).
    pub fn capture_input(&mut self, window: WindowId, event: InputEvent) -> bool {
        let delivered = self.remote_input(window, event);
        if !delivered {
            self.captures.dropped_input += 1;
        }
        delivered
    }

    fn remote_input(&mut self, window: WindowId, event: InputEvent) -> bool {
        if !self.captures.windows.contains_key(&window) {
            return false;
        }
        let Some(index) = self.window_index(window) else {
            return false;
        };
        if !self.windows[index].mapped {
            return false;
        }
        let key = self.windows[index].key;
        let scale = if self.output.scale > 0.0 { self.output.scale } else { 1.0 };
        match event {
            InputEvent::Key(event) => self.remote_key(window, key, event),
            InputEvent::Pointer(event) => self.remote_pointer(key, event, scale),
            InputEvent::Touch(event) => self.remote_touch(key, event, scale),
        }
    }

    fn remote_key(&mut self, window: WindowId, key: SurfaceKey, event: KeyEvent) -> bool {
        if event.text.len() > MAX_KEY_TEXT {
            return false;
        }
        if self.keyboard_focus() != Some(key)
            && let Some(index) = self.window_index(window)
        {
            self.activate(index);
        }
        if self.keyboard_focus() != Some(key) {
            // An exclusive layer surface (the lock screen) holds the keyboard.
            return false;
        }
        self.emit(key.0, Event::Keyboard { surface: key.1, event: KeyboardEvent::Key(event) });
        true
    }

    /// Move the seat's pointer to logical `(x, y)` of `key`'s surface,
    /// sending leave/enter or motion.
    fn remote_point(&mut self, key: SurfaceKey, x: f32, y: f32) {
        let (origin_x, origin_y) = self.content_origin(key).unwrap_or((0, 0));
        let (width, height) = self.output.logical();
        self.pointer.x = (origin_x as f32 + x).clamp(0.0, (width as f32 - 1.0).max(0.0));
        self.pointer.y = (origin_y as f32 + y).clamp(0.0, (height as f32 - 1.0).max(0.0));
        self.dirty = true;
        if self.pointer.focus == Some(key) {
            self.emit(key.0, Event::Pointer { surface: key.1, event: PointerEvent::Motion { x, y } });
            return;
        }
        if let Some(old) = self.pointer.focus {
            self.emit(old.0, Event::Pointer { surface: old.1, event: PointerEvent::Leave });
        }
        self.pointer.focus = Some(key);
        self.emit(key.0, Event::Pointer { surface: key.1, event: PointerEvent::Enter { x, y } });
    }

    fn remote_pointer(&mut self, key: SurfaceKey, event: PointerEvent, scale: f32) -> bool {
        match event {
            PointerEvent::Enter { x, y } | PointerEvent::Motion { x, y } => {
                if !(usable(x) && usable(y)) {
                    return false;
                }
                self.remote_point(key, x / scale, y / scale);
                true
            }
            PointerEvent::Leave => {
                if self.pointer.focus == Some(key) && self.captures.buttons == 0 {
                    self.emit(key.0, Event::Pointer { surface: key.1, event: PointerEvent::Leave });
                    self.pointer.focus = None;
                }
                true
            }
            PointerEvent::Button { button, state, x, y } => {
                if !(usable(x) && usable(y)) {
                    return false;
                }
                let (x, y) = (x / scale, y / scale);
                match state {
                    KeyState::Pressed => {
                        self.remote_point(key, x, y);
                        self.captures.buttons += 1;
                        self.focus_target(key);
                    }
                    KeyState::Released if self.captures.buttons > 0 => {
                        self.remote_point(key, x, y);
                        self.captures.buttons -= 1;
                    }
                    KeyState::Released | KeyState::Repeated => return false,
                }
                let event = PointerEvent::Button { button, state, x, y };
                self.emit(key.0, Event::Pointer { surface: key.1, event });
                true
            }
            PointerEvent::Scroll { dx, dy } => {
                // As locally: scrolling goes to the surface under the pointer.
                if !(usable(dx) && usable(dy)) || self.pointer.focus != Some(key) {
                    return false;
                }
                let event = PointerEvent::Scroll { dx: dx / scale, dy: dy / scale };
                self.emit(key.0, Event::Pointer { surface: key.1, event });
                true
            }
        }
    }

    fn remote_touch(&mut self, key: SurfaceKey, event: TouchEvent, scale: f32) -> bool {
        let touches = &mut self.captures.touches;
        let event = match event {
            TouchEvent::Down { id, x, y } => {
                if !(usable(x) && usable(y))
                    || touches.contains_key(&id)
                    || touches.len() >= MAX_REMOTE_TOUCHES
                {
                    return false;
                }
                touches.insert(id, key);
                self.focus_target(key);
                TouchEvent::Down { id, x: x / scale, y: y / scale }
            }
            TouchEvent::Motion { id, x, y } => {
                if !(usable(x) && usable(y)) || touches.get(&id) != Some(&key) {
                    return false;
                }
                TouchEvent::Motion { id, x: x / scale, y: y / scale }
            }
            TouchEvent::Up { id } => {
                if touches.get(&id) != Some(&key) {
                    return false;
                }
                touches.remove(&id);
                TouchEvent::Up { id }
            }
            TouchEvent::Cancel => {
                let before = touches.len();
                touches.retain(|_, touched| *touched != key);
                if touches.len() == before {
                    return false;
                }
                TouchEvent::Cancel
            }
        };
        self.emit(key.0, Event::Touch { surface: key.1, event });
        true
    }

    /// Reconfigure a captured window to `size` logical pixels, as an
    /// interactive resize would: the client gets a configure, and the
    /// window follows its buffer once it presents at the new size.
    /// Returns whether the window is captured.
    pub fn capture_resize(&mut self, window: WindowId, size: Size) -> bool {
        if !self.captures.windows.contains_key(&window) {
            return false;
        }
        let Some(mut index) = self.window_index(window) else {
            return false;
        };
        if self.windows[index].maximized {
            self.set_maximized(index, false);
            let Some(again) = self.window_index(window) else {
                return false;
            };
            index = again;
        }
        let scale = if self.output.scale > 0.0 { self.output.scale } else { 1.0 };
        let largest = ((weft_compositor_api::MAX_BUFFER_SIDE as f32 / scale) as u32).max(1);
        let window = &mut self.windows[index];
        let minimum = window.min_size;
        let wanted = Size::new(
            size.width.clamp(minimum.width.clamp(1, largest), largest),
            size.height.clamp(minimum.height.clamp(1, largest), largest),
        );
        if window.requested == Some(wanted) || (window.requested.is_none() && window.size == wanted) {
            return true;
        }
        window.requested = Some(wanted);
        self.configure_window(index);
        self.dirty = true;
        true
    }
}
