//! weft-input-api — the protocols of the input service.
//!
//! The input vocabulary itself (keys, modifiers, pointer and touch events)
//! is `weft-types`, shared by every layer; this crate holds only what
//! drivers and the compositor say to the input service.
//!
//! Drivers (virtio-input, the Goodix touch panel, a hosted window) speak
//! [`InputDeviceProtocol`]: they register and report [`RawEvent`]s. The
//! input service applies the keymap, tracks modifiers and key repeat, and
//! delivers [`SeatEvent`]s to its subscriber (the compositor) over
//! [`InputProtocol`]. Positions from absolute devices are normalised to
//! `0.0..=1.0` of the output, so the compositor maps them to whatever
//! resolution it drives.

#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use weft_ipc::Protocol;

use weft_types::{Button, Key, KeyEvent, KeyState};

/// What kind of device a driver registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeviceKind {
    /// A keyboard.
    Keyboard,
    /// A relative pointer (mouse).
    Mouse,
    /// An absolute pointer (tablet, host window pointer).
    Tablet,
    /// A touch screen.
    Touchscreen,
    /// Buttons (power, volume).
    Buttons,
}

/// One event as a device reports it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum RawEvent {
    /// A key changed (no text: the service applies the keymap).
    Key {
        /// The key.
        key: Key,
        /// Pressed, released or repeated.
        state: KeyState,
    },
    /// Relative pointer motion in device units (about a pixel each).
    PointerMotion {
        /// Horizontal.
        dx: f32,
        /// Vertical.
        dy: f32,
    },
    /// Absolute pointer position, normalised to `0.0..=1.0`.
    PointerAbsolute {
        /// Horizontal.
        x: f32,
        /// Vertical.
        y: f32,
    },
    /// A pointer button changed.
    Button {
        /// Which.
        button: Button,
        /// Pressed or released.
        state: KeyState,
    },
    /// Scrolling in logical pixels.
    Scroll {
        /// Horizontal.
        dx: f32,
        /// Vertical.
        dy: f32,
    },
    /// A finger went down, moved or lifted; position normalised.
    Touch {
        /// Tracking id.
        id: u32,
        /// What happened.
        phase: TouchPhase,
        /// Horizontal.
        x: f32,
        /// Vertical.
        y: f32,
    },
}

/// Touch phases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TouchPhase {
    /// Down.
    Down,
    /// Moved.
    Motion,
    /// Lifted.
    Up,
}

/// Drivers report to the input service.
pub enum InputDeviceProtocol {}

impl Protocol for InputDeviceProtocol {
    const NAME: &'static str = "weft.input.device";
    const VERSION: u16 = 1;
    type Request = DeviceRequest;
    type Response = DeviceResponse;
    type Event = ();
}

/// A driver's requests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum DeviceRequest {
    /// Announce a device (a call). Later reports on this connection come
    /// from it.
    Register {
        /// A name for people.
        name: String,
        /// What it is.
        kind: DeviceKind,
    },
    /// Events, in order (one-way).
    Report(Vec<RawEvent>),
}

/// The service's answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeviceResponse {
    /// Registered.
    Registered,
}

/// One event of the seat, ready for the compositor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SeatEvent {
    /// A key, with text from the keymap.
    Key(KeyEvent),
    /// Relative pointer motion.
    PointerMotion {
        /// Horizontal.
        dx: f32,
        /// Vertical.
        dy: f32,
    },
    /// Absolute pointer position, normalised.
    PointerAbsolute {
        /// Horizontal.
        x: f32,
        /// Vertical.
        y: f32,
    },
    /// A pointer button.
    Button {
        /// Which.
        button: Button,
        /// Pressed or released.
        state: KeyState,
    },
    /// Scrolling.
    Scroll {
        /// Horizontal.
        dx: f32,
        /// Vertical.
        dy: f32,
    },
    /// Touch, normalised.
    Touch {
        /// Tracking id.
        id: u32,
        /// What happened.
        phase: TouchPhase,
        /// Horizontal.
        x: f32,
        /// Vertical.
        y: f32,
    },
}

/// The compositor's subscription to the seat.
pub enum InputProtocol {}

impl Protocol for InputProtocol {
    const NAME: &'static str = "weft.input";
    const VERSION: u16 = 1;
    type Request = InputRequest;
    type Response = InputResponse;
    type Event = InputReport;
}

/// Subscriber requests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum InputRequest {
    /// Start receiving events on this connection (a call).
    Subscribe,
    /// Inject events as if a device reported them (needs the `inject`
    /// grant; used by the mesh service for remote input and by tests).
    Inject(Vec<InjectedEvent>),
}

/// An event to inject: raw, or a whole key event with text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum InjectedEvent {
    /// As a device would report it.
    Raw(RawEvent),
}

/// Subscriber answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InputResponse {
    /// Subscribed.
    Subscribed,
    /// Injected.
    Injected,
    /// Refused (e.g. no `inject` grant).
    Denied,
}

/// A batch of seat events, with the time the first was reported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InputReport {
    /// Monotonic time in nanoseconds.
    pub time: u64,
    /// The events, in order.
    pub events: Vec<SeatEvent>,
}
