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

use alloc::collections::BTreeMap;
use weft_compositor_api::shell::WindowId;
use weft_compositor_api::{Event, InputEvent, KeyboardEvent, PointerEvent, Size, TouchEvent};
use weft_types::KeyState;

use crate::Compositor;
use crate::desk::Desk;
use crate::input::InputRouter;
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

/// What the remote viewer holds down: buttons and touch points, each
/// with the surface it went down on.
#[derive(Default)]
pub(crate) struct RemoteSeat {
    buttons: u32,
    touches: BTreeMap<u32, SurfaceKey>,
}

impl RemoteSeat {
    pub fn clear(&mut self) {
        self.buttons = 0;
        self.touches.clear();
    }

    /// A surface went away: its touch points end.
    pub fn forget(&mut self, key: SurfaceKey) {
        self.touches.retain(|_, touched| *touched != key);
    }

    /// Whether a remote button is down.
    pub fn holding(&self) -> bool {
        self.buttons > 0
    }

    pub fn press(&mut self) {
        self.buttons += 1;
    }

    /// Whether a button was down to release.
    pub fn release(&mut self) -> bool {
        let held = self.buttons > 0;
        self.buttons = self.buttons.saturating_sub(1);
        held
    }

    /// Track a touch event for `key`, converted from buffer pixels by
    /// `scale`; `None` if it is unusable or names a point `key` does not
    /// have.
    pub fn touch(&mut self, key: SurfaceKey, event: TouchEvent, scale: f32) -> Option<TouchEvent> {
        let touches = &mut self.touches;
        match event {
            TouchEvent::Down { id, x, y } => {
                if !(usable(x) && usable(y))
                    || touches.contains_key(&id)
                    || touches.len() >= MAX_REMOTE_TOUCHES
                {
                    return None;
                }
                touches.insert(id, key);
                Some(TouchEvent::Down { id, x: x / scale, y: y / scale })
            }
            TouchEvent::Motion { id, x, y } => {
                if !(usable(x) && usable(y)) || touches.get(&id) != Some(&key) {
                    return None;
                }
                Some(TouchEvent::Motion { id, x: x / scale, y: y / scale })
            }
            TouchEvent::Up { id } => {
                if touches.get(&id) != Some(&key) {
                    return None;
                }
                touches.remove(&id);
                Some(TouchEvent::Up { id })
            }
            TouchEvent::Cancel => {
                let before = touches.len();
                touches.retain(|_, touched| *touched != key);
                (touches.len() != before).then_some(TouchEvent::Cancel)
            }
        }
    }
}

impl Compositor {
    /// Deliver one input event from a remote viewer to a captured window.
    /// Returns whether it reached the client (events for windows that are
    /// not captured or mapped, with unusable values, or kept out by a
    /// keyboard grab are dropped and counted).
    pub fn capture_input(&mut self, window: WindowId, event: InputEvent) -> bool {
        let target = self.windows.by_id(window).filter(|w| w.mapped).map(|w| w.key);
        let scale = if self.output.scale > 0.0 { self.output.scale } else { 1.0 };
        let delivered = match (target.filter(|_| self.captures.is_captured(window)), event) {
            (None, _) => false,
            (Some(key), InputEvent::Key(event)) => {
                if event.text.len() > MAX_KEY_TEXT {
                    false
                } else {
                    if self.input.keyboard_focus(&self.clients) != Some(key)
                        && let Some(index) = self.windows.index(window)
                    {
                        let (input, mut desk) = self.desk();
                        desk.activate(index, input);
                    }
                    // An exclusive layer surface (the lock screen) holds the keyboard.
                    let reached = self.input.keyboard_focus(&self.clients) == Some(key);
                    if reached {
                        let event = Event::Keyboard { surface: key.1, event: KeyboardEvent::Key(event) };
                        self.outbox.client(key.0, event);
                    }
                    reached
                }
            }
            (Some(key), InputEvent::Pointer(event)) => {
                let Compositor { input, captures, clients, windows, theme, output, outbox, dirty, .. } = self;
                let mut desk = Desk { clients, windows, theme, output: *output, outbox, dirty };
                input.remote_pointer(key, event, scale, &mut captures.remote, &mut desk)
            }
            (Some(key), InputEvent::Touch(event)) => match self.captures.remote.touch(key, event, scale) {
                Some(event) => {
                    if matches!(event, TouchEvent::Down { .. }) {
                        let (input, mut desk) = self.desk();
                        input.focus_target(key, &mut desk);
                    }
                    self.outbox.client(key.0, Event::Touch { surface: key.1, event });
                    true
                }
                None => false,
            },
        };
        if !delivered {
            self.captures.count_dropped();
        }
        delivered
    }

    /// Reconfigure a captured window to `size` logical pixels, as an
    /// interactive resize would: the client gets a configure, and the
    /// window follows its buffer once it presents at the new size.
    /// A window whose capture ended but which is still mapped can be
    /// resized too (so a window that grew too large to capture can be
    /// brought back). Returns whether the resize was accepted.
    pub fn capture_resize(&mut self, window: WindowId, size: Size) -> bool {
        if !self.captures.may_resize(window) {
            return false;
        }
        let Some(mut index) = self.windows.index(window) else {
            return false;
        };
        if self.windows.get(index).is_some_and(|w| w.maximized) {
            let (input, mut desk) = self.desk();
            desk.set_maximized(index, false, input.focus());
            let Some(again) = self.windows.index(window) else {
                return false;
            };
            index = again;
        }
        let scale = if self.output.scale > 0.0 { self.output.scale } else { 1.0 };
        let largest = ((weft_compositor_api::MAX_BUFFER_SIDE as f32 / scale) as u32).max(1);
        let Some(window) = self.windows.get_mut(index) else {
            return false;
        };
        let minimum = window.min_size;
        let wanted = Size::new(
            size.width.clamp(minimum.width.clamp(1, largest), largest),
            size.height.clamp(minimum.height.clamp(1, largest), largest),
        );
        if window.requested == Some(wanted) || (window.requested.is_none() && window.size == wanted) {
            return true;
        }
        window.requested = Some(wanted);
        let (input, mut desk) = self.desk();
        desk.configure(index, input.focus());
        *desk.dirty = true;
        true
    }
}

impl InputRouter {
    /// A remote pointer event for `key`'s surface, in buffer pixels over
    /// `scale`; `remote` counts the viewer's buttons.
    fn remote_pointer(
        &mut self,
        key: SurfaceKey,
        event: PointerEvent,
        scale: f32,
        remote: &mut RemoteSeat,
        desk: &mut Desk<'_>,
    ) -> bool {
        // Where the seat's pointer goes (logical, in the surface), and what
        // the client gets after it moved there.
        let (to, event) = match event {
            PointerEvent::Enter { x, y } | PointerEvent::Motion { x, y } => {
                if !(usable(x) && usable(y)) {
                    return false;
                }
                (Some((x / scale, y / scale)), None)
            }
            PointerEvent::Leave => {
                if self.pointer.focus == Some(key) && !remote.holding() {
                    desk.outbox.client(key.0, Event::Pointer { surface: key.1, event: PointerEvent::Leave });
                    self.pointer.focus = None;
                }
                return true;
            }
            PointerEvent::Button { button, state, x, y } => {
                if !(usable(x) && usable(y)) {
                    return false;
                }
                match state {
                    KeyState::Pressed => remote.press(),
                    KeyState::Released if remote.release() => {}
                    KeyState::Released | KeyState::Repeated => return false,
                }
                let (x, y) = (x / scale, y / scale);
                (Some((x, y)), Some(PointerEvent::Button { button, state, x, y }))
            }
            PointerEvent::Scroll { dx, dy } => {
                // As locally: scrolling goes to the surface under the pointer.
                if !(usable(dx) && usable(dy)) || self.pointer.focus != Some(key) {
                    return false;
                }
                (None, Some(PointerEvent::Scroll { dx: dx / scale, dy: dy / scale }))
            }
        };
        if let Some(to) = to {
            let origin = desk.layout().content_origin(key).unwrap_or((0, 0));
            self.pointer.warp(key, to, origin, desk.output.logical(), desk.outbox);
            *desk.dirty = true;
        }
        if let Some(event) = event {
            if matches!(event, PointerEvent::Button { state: KeyState::Pressed, .. }) {
                // A press activates the window, as a click would.
                self.focus_target(key, desk);
            }
            desk.outbox.client(key.0, Event::Pointer { surface: key.1, event });
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use weft_compositor_api::SurfaceId;

    use crate::state::ClientId;

    const A: SurfaceKey = (ClientId(1), SurfaceId(1));
    const B: SurfaceKey = (ClientId(1), SurfaceId(2));

    #[test]
    fn touch_points_belong_to_the_surface_they_went_down_on() {
        let mut seat = RemoteSeat::default();
        let down = TouchEvent::Down { id: 1, x: 20.0, y: 40.0 };
        assert_eq!(seat.touch(A, down, 2.0), Some(TouchEvent::Down { id: 1, x: 10.0, y: 20.0 }));
        assert_eq!(seat.touch(A, down, 2.0), None, "already down");
        assert_eq!(seat.touch(B, TouchEvent::Motion { id: 1, x: 0.0, y: 0.0 }, 1.0), None);
        assert_eq!(seat.touch(A, TouchEvent::Motion { id: 1, x: f32::NAN, y: 0.0 }, 1.0), None);
        assert_eq!(seat.touch(B, TouchEvent::Cancel, 1.0), None, "B has nothing to cancel");
        assert_eq!(seat.touch(A, TouchEvent::Up { id: 1 }, 1.0), Some(TouchEvent::Up { id: 1 }));
        for id in 0..MAX_REMOTE_TOUCHES as u32 {
            assert!(seat.touch(A, TouchEvent::Down { id, x: 0.0, y: 0.0 }, 1.0).is_some());
        }
        assert_eq!(seat.touch(B, TouchEvent::Down { id: 99, x: 0.0, y: 0.0 }, 1.0), None, "too many");
        seat.forget(A);
        assert_eq!(seat.touch(A, TouchEvent::Cancel, 1.0), None, "forgotten");
    }

    #[test]
    fn buttons_are_counted_and_released_only_when_held() {
        let mut seat = RemoteSeat::default();
        assert!(!seat.release());
        seat.press();
        seat.press();
        assert!(seat.release() && seat.holding());
        seat.clear();
        assert!(!seat.holding());
    }
}
