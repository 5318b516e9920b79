//! The input vocabulary: keys, modifiers, pointer and touch events.
//!
//! Keys are identified by Linux evdev key codes (what virtio-input reports,
//! what Wayland carries), so a key means the same thing from a QEMU
//! keyboard, a host window, a PinePhone button or a remote viewer. A
//! [`KeyEvent`] also carries the text the key produced under the active
//! keymap, so clients need no keymap of their own.
//!
//! Coordinates are in logical pixels of the receiving surface (f32);
//! touch points are tracked by id from down to up.

use alloc::string::String;
use serde::{Deserialize, Serialize};

pub use crate::keys::Key;

bitflags::bitflags! {
    /// Modifier keys held during an event.
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct Modifiers: u8 {
        /// Either Shift.
        const SHIFT = 1 << 0;
        /// Either Control.
        const CONTROL = 1 << 1;
        /// Either Alt.
        const ALT = 1 << 2;
        /// Either Super (Logo).
        const SUPER = 1 << 3;
        /// Caps Lock is on.
        const CAPS_LOCK = 1 << 4;
    }
}

/// Whether a key or button went down or up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KeyState {
    /// Pressed.
    Pressed,
    /// Released.
    Released,
    /// Held long enough to auto-repeat.
    Repeated,
}

/// One key transition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyEvent {
    /// The physical key (evdev code).
    pub key: Key,
    /// Down, up or repeat.
    pub state: KeyState,
    /// Modifiers in effect (after this event).
    pub modifiers: Modifiers,
    /// Text the key produces (empty for non-text keys and releases).
    pub text: String,
}

/// Pointer buttons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Button {
    /// Primary (left).
    Left,
    /// Secondary (right).
    Right,
    /// Middle (wheel click).
    Middle,
    /// Back.
    Back,
    /// Forward.
    Forward,
}

/// A pointer event on a surface.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum PointerEvent {
    /// The pointer entered the surface at this position.
    Enter {
        /// Horizontal position.
        x: f32,
        /// Vertical position.
        y: f32,
    },
    /// The pointer left the surface.
    Leave,
    /// The pointer moved.
    Motion {
        /// Horizontal position.
        x: f32,
        /// Vertical position.
        y: f32,
    },
    /// A button changed.
    Button {
        /// Which button.
        button: Button,
        /// Pressed or released.
        state: KeyState,
        /// Horizontal position.
        x: f32,
        /// Vertical position.
        y: f32,
    },
    /// Scrolling, in logical pixels (positive: content moves up/left,
    /// i.e. the user scrolls down/right).
    Scroll {
        /// Horizontal amount.
        dx: f32,
        /// Vertical amount.
        dy: f32,
    },
}

/// A touch event on a surface.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum TouchEvent {
    /// A finger went down.
    Down {
        /// Tracking id, stable until `Up`.
        id: u32,
        /// Horizontal position.
        x: f32,
        /// Vertical position.
        y: f32,
    },
    /// A finger moved.
    Motion {
        /// Tracking id.
        id: u32,
        /// Horizontal position.
        x: f32,
        /// Vertical position.
        y: f32,
    },
    /// A finger lifted.
    Up {
        /// Tracking id.
        id: u32,
    },
    /// The touch sequence was taken away (e.g. by a system gesture).
    Cancel,
}

/// Any input event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum InputEvent {
    /// Keyboard.
    Key(KeyEvent),
    /// Pointer.
    Pointer(PointerEvent),
    /// Touch.
    Touch(TouchEvent),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_through_postcard() {
        let event = InputEvent::Key(KeyEvent {
            key: Key::A,
            state: KeyState::Pressed,
            modifiers: Modifiers::SHIFT,
            text: "A".into(),
        });
        let bytes = postcard::to_allocvec(&event).unwrap();
        let back: InputEvent = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, event);
    }
}
