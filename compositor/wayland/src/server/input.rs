//! Weft's input events, replayed on the Wayland seat.
//!
//! Weft routes input itself (focus, implicit grabs, shortcuts) and sends
//! each event to one Weft surface in that surface's logical coordinates.
//! The bridge only translates: the window's root surface takes keyboard
//! focus; pointer and touch positions move from window coordinates into
//! the surface tree and pick the subsurface under them. Weft's key events
//! carry evdev codes, which is what `wl_keyboard.key` wants too; the
//! keymap is xkb's US layout, the one Weft's input service applies.
//!
//! Events of different Wayland clients come over different Weft
//! connections, so a `Leave` for one window may be read after the
//! `Enter` for the next: a leave only clears focus still on its window.

use smithay::backend::input::{Axis, AxisSource, ButtonState, KeyState as WaylandKeyState, TouchSlot};
use smithay::input::keyboard::{FilterResult, KeyboardHandle, KeyboardTarget, Keycode, ModifiersState};
use smithay::input::pointer::{AxisFrame, ButtonEvent, MotionEvent};
use smithay::input::touch::{DownEvent, MotionEvent as TouchMotionEvent, UpEvent};
use smithay::reexports::wayland_server::backend::ClientId;
use smithay::reexports::wayland_server::protocol::wl_surface::WlSurface;
use smithay::utils::{Logical, Point, SERIAL_COUNTER};
use weft_compositor_api::{KeyboardEvent, Modifiers, SurfaceId};
use weft_types::{Button, KeyEvent, KeyState, PointerEvent, TouchEvent};

use super::state::Bridge;

/// evdev codes of pointer buttons (`BTN_LEFT` …).
fn button_code(button: Button) -> u32 {
    match button {
        Button::Left => 0x110,
        Button::Right => 0x111,
        Button::Middle => 0x112,
        Button::Back => 0x113,
        Button::Forward => 0x114,
    }
}

/// xkb keycodes are evdev codes plus 8.
fn keycode(key: &KeyEvent) -> Keycode {
    Keycode::new(u32::from(key.key.0) + 8)
}

/// Weft scrolls 40 logical pixels per wheel notch; Wayland clients expect
/// 120 `v120` units and (by weston's convention) a value of 10 per notch.
const PIXELS_PER_NOTCH: f64 = 40.0;

fn same_modifiers(a: &ModifiersState, b: &ModifiersState) -> bool {
    (a.shift, a.ctrl, a.alt, a.logo, a.caps_lock) == (b.shift, b.ctrl, b.alt, b.logo, b.caps_lock)
}

fn modifiers_state(modifiers: Modifiers, like: &ModifiersState) -> ModifiersState {
    ModifiersState {
        shift: modifiers.contains(Modifiers::SHIFT),
        ctrl: modifiers.contains(Modifiers::CONTROL),
        alt: modifiers.contains(Modifiers::ALT),
        logo: modifiers.contains(Modifiers::SUPER),
        caps_lock: modifiers.contains(Modifiers::CAPS_LOCK),
        ..*like
    }
}

/// A point in a Wayland window: its root surface, the (sub)surface under
/// the point with the point in that surface, and the point in the root.
type Located = (WlSurface, Option<(WlSurface, Point<f64, Logical>)>, Point<f64, Logical>);

impl Bridge {
    /// The root surface and the time for an event on Weft `surface`.
    fn target(&self, client: &ClientId, surface: SurfaceId) -> Option<WlSurface> {
        let peer = self.peers.get(client)?;
        let root = peer.by_weft.get(&surface)?;
        peer.windows.get(root).map(|window| window.root.clone())
    }

    fn keyboard(&self) -> Option<KeyboardHandle<Bridge>> {
        self.seat.get_keyboard()
    }

    /// Forget keys held on the Wayland side (focus moved in Weft; their
    /// releases will not come here).
    fn release_held_keys(&mut self, keyboard: &KeyboardHandle<Bridge>) {
        for key in keyboard.pressed_keys() {
            keyboard.input_intercept::<(), _>(self, key, WaylandKeyState::Released, |_, _, _| ());
        }
    }

    /// Make the seat's modifiers Weft's, telling the focused client.
    fn sync_modifiers(&mut self, keyboard: &KeyboardHandle<Bridge>, modifiers: Modifiers) {
        let current = keyboard.modifier_state();
        let wanted = modifiers_state(modifiers, &current);
        if same_modifiers(&current, &wanted) {
            return;
        }
        keyboard.set_modifier_state(wanted);
        if let Some(focus) = keyboard.current_focus() {
            let state = keyboard.modifier_state();
            KeyboardTarget::modifiers(&focus, &self.seat.clone(), self, state, SERIAL_COUNTER.next_serial());
        }
    }

    fn focus_keyboard(&mut self, keyboard: &KeyboardHandle<Bridge>, root: &WlSurface, modifiers: Modifiers) {
        self.release_held_keys(keyboard);
        keyboard.set_modifier_state(modifiers_state(modifiers, &keyboard.modifier_state()));
        keyboard.set_focus(self, Some(root.clone()), SERIAL_COUNTER.next_serial());
    }

    /// A Weft keyboard event for one of `client`'s windows.
    pub fn weft_keyboard(&mut self, client: &ClientId, surface: SurfaceId, event: KeyboardEvent) {
        let (Some(root), Some(keyboard)) = (self.target(client, surface), self.keyboard()) else {
            return;
        };
        match event {
            KeyboardEvent::Enter { modifiers } => self.focus_keyboard(&keyboard, &root, modifiers),
            KeyboardEvent::Leave => {
                if keyboard.current_focus().as_ref() == Some(&root) {
                    self.release_held_keys(&keyboard);
                    keyboard.set_focus(self, None, SERIAL_COUNTER.next_serial());
                }
            }
            KeyboardEvent::Key(key) => {
                let state = match key.state {
                    KeyState::Pressed => WaylandKeyState::Pressed,
                    KeyState::Released => WaylandKeyState::Released,
                    // Clients repeat keys themselves (wl_keyboard.repeat_info).
                    KeyState::Repeated => return,
                };
                if keyboard.current_focus().as_ref() != Some(&root) {
                    self.focus_keyboard(&keyboard, &root, Modifiers::empty());
                }
                let serial = SERIAL_COUNTER.next_serial();
                keyboard.input::<(), _>(self, keycode(&key), state, serial, now_ms(), |_, _, _| {
                    FilterResult::Forward
                });
                self.sync_modifiers(&keyboard, key.modifiers);
            }
        }
    }

    /// The surface under a window point and the point in root coordinates.
    fn locate(&self, client: &ClientId, surface: SurfaceId, x: f32, y: f32) -> Option<Located> {
        let peer = self.peers.get(client)?;
        let window = peer.windows.get(peer.by_weft.get(&surface)?)?;
        let (x, y) = (f64::from(x), f64::from(y));
        Some((window.root.clone(), window.surface_at(x, y), window.to_root(x, y)))
    }

    fn pointer_motion(&mut self, client: &ClientId, surface: SurfaceId, x: f32, y: f32) {
        let (Some((_, under, location)), Some(pointer)) =
            (self.locate(client, surface, x, y), self.seat.get_pointer())
        else {
            return;
        };
        let event = MotionEvent { location, serial: SERIAL_COUNTER.next_serial(), time: now_ms() };
        pointer.motion(self, under, &event);
    }

    /// A Weft pointer event for one of `client`'s windows.
    pub fn weft_pointer(&mut self, client: &ClientId, surface: SurfaceId, event: PointerEvent) {
        let Some(pointer) = self.seat.get_pointer() else {
            return;
        };
        self.pointer_client = Some(client.clone());
        match event {
            PointerEvent::Enter { x, y } | PointerEvent::Motion { x, y } => {
                self.pointer_motion(client, surface, x, y);
            }
            PointerEvent::Leave => {
                let focus = pointer.current_focus();
                let peer = self.peers.get(client);
                let window = peer.and_then(|peer| peer.window(surface));
                if focus.is_some_and(|focus| window.is_some_and(|window| window.contains(&focus))) {
                    let location = pointer.current_location();
                    let event =
                        MotionEvent { location, serial: SERIAL_COUNTER.next_serial(), time: now_ms() };
                    pointer.motion(self, None, &event);
                }
            }
            PointerEvent::Button { button, state, x, y } => {
                self.pointer_motion(client, surface, x, y);
                let state = match state {
                    KeyState::Released => ButtonState::Released,
                    KeyState::Pressed | KeyState::Repeated => ButtonState::Pressed,
                };
                let event = ButtonEvent {
                    serial: SERIAL_COUNTER.next_serial(),
                    time: now_ms(),
                    button: button_code(button),
                    state,
                };
                pointer.button(self, &event);
            }
            PointerEvent::Scroll { dx, dy } => {
                let mut frame = AxisFrame::new(now_ms()).source(AxisSource::Wheel);
                for (axis, amount) in [(Axis::Horizontal, f64::from(dx)), (Axis::Vertical, f64::from(dy))] {
                    if amount != 0.0 {
                        frame = frame
                            .value(axis, amount * 10.0 / PIXELS_PER_NOTCH)
                            .v120(axis, (amount * 120.0 / PIXELS_PER_NOTCH).round() as i32);
                    }
                }
                pointer.axis(self, frame);
            }
        }
        pointer.frame(self);
    }

    /// A Weft touch event for one of `client`'s windows.
    pub fn weft_touch(&mut self, client: &ClientId, surface: SurfaceId, event: TouchEvent) {
        let Some(touch) = self.seat.get_touch() else {
            return;
        };
        match event {
            TouchEvent::Down { id, x, y } => {
                let Some((_, under, location)) = self.locate(client, surface, x, y) else {
                    return;
                };
                let event = DownEvent {
                    slot: TouchSlot::from(Some(id)),
                    location,
                    serial: SERIAL_COUNTER.next_serial(),
                    time: now_ms(),
                };
                touch.down(self, under, &event);
            }
            TouchEvent::Motion { id, x, y } => {
                let Some((_, under, location)) = self.locate(client, surface, x, y) else {
                    return;
                };
                let event = TouchMotionEvent { slot: TouchSlot::from(Some(id)), location, time: now_ms() };
                touch.motion(self, under, &event);
            }
            TouchEvent::Up { id } => {
                let event = UpEvent {
                    slot: TouchSlot::from(Some(id)),
                    serial: SERIAL_COUNTER.next_serial(),
                    time: now_ms(),
                };
                touch.up(self, &event);
            }
            TouchEvent::Cancel => {
                touch.cancel(self);
                return;
            }
        }
        touch.frame(self);
    }
}

/// Milliseconds on the monotonic clock, as Wayland event times are.
pub fn now_ms() -> u32 {
    (weft_rt::time::now() / 1_000_000) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buttons_are_evdev_codes() {
        assert_eq!(button_code(Button::Left), 272);
        assert_eq!(button_code(Button::Right), 273);
        assert_eq!(button_code(Button::Middle), 274);
    }

    #[test]
    fn weft_modifiers_become_xkb_modifiers() {
        let state = modifiers_state(Modifiers::SHIFT | Modifiers::CAPS_LOCK, &ModifiersState::default());
        assert!(state.shift && state.caps_lock && !state.ctrl && !state.alt && !state.logo);
        assert!(!same_modifiers(&state, &ModifiersState::default()));
    }
}
