//! Messages from a viewer back to the streamed app: input, resize,
//! keyframe requests, acknowledgements and stream control.
//!
//! Encoding: one version byte ([`MESSAGE_VERSION`]) followed by the
//! postcard encoding of a [`ViewerMessage`]; `docs/wlstream.md` section 7
//! gives every message field by field, with its bytes (checked by
//! `tests/spec_bytes.rs`). Input reuses `weft-types`'
//! types, so a remote key press is exactly a local one. [`decode`]
//! refuses oversized, trailing-garbage and out-of-range messages, and
//! [`decode_on`] also refuses a message on the wrong key.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use serde::{Deserialize, Serialize};
use weft_types::{KeyEvent, Modifiers, PointerEvent, TouchEvent};

use crate::keys::{Channel, is_valid_app_id};
use crate::surface::MAX_DIMENSION;

/// The message format version this crate writes and reads.
pub const MESSAGE_VERSION: u8 = 1;
/// Largest encoded message accepted, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 4096;
/// Longest text a key event may carry, in bytes.
pub const MAX_KEY_TEXT: usize = 64;
/// Largest magnitude accepted for a coordinate or scroll amount.
pub const MAX_COORDINATE: f32 = 1.0e6;

/// A viewer's identity: random per viewer process.
pub type ViewerId = u64;

/// Why a viewer asks for a keyframe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KeyframeReason {
    /// The viewer just (re)joined the stream.
    Join,
    /// A sequence gap: frames were lost.
    Gap,
    /// A frame failed to decode.
    Error,
    /// No keyframe arrived after an earlier request.
    Retry,
}

/// The viewer's drawable size for the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ViewerSize {
    /// Which viewer.
    pub viewer: ViewerId,
    /// Width in physical pixels (1..=16384).
    pub width: u32,
    /// Height in physical pixels (1..=16384).
    pub height: u32,
    /// Display scale in thousandths (1000 = 1.0; 1..=16000).
    pub scale_milli: u32,
}

/// A request for the next frame to be a keyframe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KeyframeRequest {
    /// Which viewer.
    pub viewer: ViewerId,
    /// Why.
    pub reason: KeyframeReason,
}

/// "I have applied every frame up to `sequence` of session `session`." Sent after
/// frames and every 500 ms as a keep-alive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Ack {
    /// Which viewer.
    pub viewer: ViewerId,
    /// The session id (frame header field) of the acknowledged frame.
    pub session: u32,
    /// The highest sequence applied.
    pub sequence: u64,
}

/// Start or stop streaming `app` for `viewer`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StreamControl {
    /// The app id.
    pub app: String,
    /// Which viewer.
    pub viewer: ViewerId,
}

/// Everything a viewer sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ViewerMessage {
    /// A key transition (on `input/keyboard`).
    Key(KeyEvent),
    /// A pointer event (on `input/pointer`).
    Pointer(PointerEvent),
    /// A touch event (on `input/touch`).
    Touch(TouchEvent),
    /// A resize (on `viewer/size`).
    Resize(ViewerSize),
    /// A keyframe request (on `viewer/keyframe`).
    KeyframeRequest(KeyframeRequest),
    /// An acknowledgement (on `viewer/ack`).
    Ack(Ack),
    /// Start streaming (on `weft/ctl/stream/start`).
    Start(StreamControl),
    /// Stop streaming (on `weft/ctl/stream/stop`).
    Stop(StreamControl),
}

impl ViewerMessage {
    /// The key this message belongs on.
    pub fn channel(&self) -> Channel {
        match self {
            ViewerMessage::Key(_) => Channel::Keyboard,
            ViewerMessage::Pointer(_) => Channel::Pointer,
            ViewerMessage::Touch(_) => Channel::Touch,
            ViewerMessage::Resize(_) => Channel::Size,
            ViewerMessage::KeyframeRequest(_) => Channel::Keyframe,
            ViewerMessage::Ack(_) => Channel::Ack,
            ViewerMessage::Start(_) => Channel::Start,
            ViewerMessage::Stop(_) => Channel::Stop,
        }
    }

    /// The viewer that sent it, for messages that name one.
    pub fn viewer(&self) -> Option<ViewerId> {
        match self {
            ViewerMessage::Resize(size) => Some(size.viewer),
            ViewerMessage::KeyframeRequest(request) => Some(request.viewer),
            ViewerMessage::Ack(ack) => Some(ack.viewer),
            ViewerMessage::Start(control) | ViewerMessage::Stop(control) => Some(control.viewer),
            _ => None,
        }
    }
}

/// Why a message was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageError {
    /// No bytes at all.
    Empty,
    /// Longer than [`MAX_MESSAGE_BYTES`].
    TooLarge {
        /// Bytes received.
        length: usize,
    },
    /// A message version this crate does not implement.
    UnsupportedVersion {
        /// The version byte found.
        version: u8,
    },
    /// The postcard body does not decode.
    Malformed,
    /// Bytes remain after the message.
    TrailingBytes {
        /// How many.
        count: usize,
    },
    /// A field is out of range (non-finite or huge coordinate, oversized
    /// text, bad size or app id).
    OutOfRange {
        /// Which field.
        field: &'static str,
    },
    /// A valid message on a key it does not belong to.
    WrongChannel {
        /// The key it arrived on.
        expected: Channel,
        /// The key it belongs on.
        found: Channel,
    },
}

impl fmt::Display for MessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageError::Empty => write!(f, "empty message"),
            MessageError::TooLarge { length } => {
                write!(f, "message of {length} bytes is too large")
            }
            MessageError::UnsupportedVersion { version } => {
                write!(f, "unsupported message version {version}")
            }
            MessageError::Malformed => write!(f, "malformed message"),
            MessageError::TrailingBytes { count } => write!(f, "{count} bytes after the message"),
            MessageError::OutOfRange { field } => write!(f, "{field} out of range"),
            MessageError::WrongChannel { expected, found } => {
                write!(f, "{found:?} message on the {expected:?} key")
            }
        }
    }
}

impl core::error::Error for MessageError {}

/// Encode a message: version byte + postcard.
pub fn encode(message: &ViewerMessage) -> Vec<u8> {
    envelope(message)
}

/// Decode and validate a message.
pub fn decode(bytes: &[u8]) -> Result<ViewerMessage, MessageError> {
    let message: ViewerMessage = open(bytes, MAX_MESSAGE_BYTES)?;
    validate(&message)?;
    Ok(message)
}

/// Decode a message received on `channel`'s key, refusing any other kind.
pub fn decode_on(channel: Channel, bytes: &[u8]) -> Result<ViewerMessage, MessageError> {
    let message = decode(bytes)?;
    if message.channel() != channel {
        return Err(MessageError::WrongChannel { expected: channel, found: message.channel() });
    }
    Ok(message)
}

/// Version byte + postcard of any serializable value.
pub(crate) fn envelope<T: Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = alloc::vec![MESSAGE_VERSION];
    // Serializing these plain data types into a Vec cannot fail.
    let body = postcard::to_allocvec(value).unwrap_or_default();
    bytes.extend_from_slice(&body);
    bytes
}

/// Check the envelope of `bytes` and decode its body.
pub(crate) fn open<'a, T: Deserialize<'a>>(bytes: &'a [u8], limit: usize) -> Result<T, MessageError> {
    let (&version, body) = bytes.split_first().ok_or(MessageError::Empty)?;
    if bytes.len() > limit {
        return Err(MessageError::TooLarge { length: bytes.len() });
    }
    if version != MESSAGE_VERSION {
        return Err(MessageError::UnsupportedVersion { version });
    }
    let (value, rest) = postcard::take_from_bytes(body).map_err(|_| MessageError::Malformed)?;
    if !rest.is_empty() {
        return Err(MessageError::TrailingBytes { count: rest.len() });
    }
    Ok(value)
}

fn coordinate(value: f32, field: &'static str) -> Result<(), MessageError> {
    if value.is_finite() && value.abs() <= MAX_COORDINATE {
        Ok(())
    } else {
        Err(MessageError::OutOfRange { field })
    }
}

fn validate(message: &ViewerMessage) -> Result<(), MessageError> {
    match message {
        ViewerMessage::Key(event) => {
            if event.text.len() > MAX_KEY_TEXT {
                return Err(MessageError::OutOfRange { field: "text" });
            }
            if event.modifiers.bits() & !Modifiers::all().bits() != 0 {
                return Err(MessageError::OutOfRange { field: "modifiers" });
            }
        }
        ViewerMessage::Pointer(event) => match *event {
            PointerEvent::Enter { x, y }
            | PointerEvent::Motion { x, y }
            | PointerEvent::Button { x, y, .. } => {
                coordinate(x, "x")?;
                coordinate(y, "y")?;
            }
            PointerEvent::Scroll { dx, dy } => {
                coordinate(dx, "dx")?;
                coordinate(dy, "dy")?;
            }
            PointerEvent::Leave => {}
        },
        ViewerMessage::Touch(event) => {
            if let TouchEvent::Down { x, y, .. } | TouchEvent::Motion { x, y, .. } = *event {
                coordinate(x, "x")?;
                coordinate(y, "y")?;
            }
        }
        ViewerMessage::Resize(size) => {
            let dimension = 1..=MAX_DIMENSION;
            if !dimension.contains(&size.width) || !dimension.contains(&size.height) {
                return Err(MessageError::OutOfRange { field: "size" });
            }
            if !(1..=16_000).contains(&size.scale_milli) {
                return Err(MessageError::OutOfRange { field: "scale" });
            }
        }
        ViewerMessage::Start(control) | ViewerMessage::Stop(control) => {
            if !is_valid_app_id(&control.app) {
                return Err(MessageError::OutOfRange { field: "app" });
            }
        }
        ViewerMessage::KeyframeRequest(_) | ViewerMessage::Ack(_) => {}
    }
    Ok(())
}
