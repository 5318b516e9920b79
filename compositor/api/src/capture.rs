//! `weft.compositor.capture` — window pictures and remote input, for the
//! mesh service that streams windows to remote viewers.
//!
//! Only a route carrying [`GRANT_CAPTURE`] may speak it at all (the
//! compositor refuses every request of any other connection), and only one
//! with [`GRANT_CONTROL`] as well may inject input or resize windows. The
//! system's manifests route it to the mesh service alone.
//!
//! # Pictures
//!
//! The consumer [`CaptureRequest::Start`]s a toplevel window. The
//! compositor then owns one *capture buffer* per captured window: a memory
//! object it writes and shares read-only (attached to the first
//! [`CaptureEvent::Frame`] that uses it). Whenever the window's client
//! presents, the compositor copies the damaged part of the client's
//! current buffer into the capture buffer and sends a `Frame` naming the
//! damage — but only while the consumer does not hold the previous frame:
//!
//! - after a `Frame` the buffer is the consumer's to read until it sends
//!   [`CaptureRequest::Release`]; the compositor never writes it meanwhile;
//! - damage presented while the consumer holds the buffer is merged into
//!   a bounded set of rectangles (never more than a few, else their
//!   bounding box) and sent as the next `Frame` once it is released.
//!
//! So there is at most one frame in flight per window, a stalled consumer
//! costs the compositor one buffer and a few rectangles, and the consumer
//! always reads a complete, consistent picture. A consumer that wants a
//! picture without new damage (a keyframe for a new viewer, a keep-alive)
//! sends [`CaptureRequest::Refresh`]; the next `Frame` comes as soon as the
//! buffer is free, with whatever damage accumulated (possibly none).
//!
//! Capture buffers are tightly packed premultiplied RGBA (stride =
//! width × 4), in the window's buffer pixels. A new buffer (first frame,
//! or the client changed its buffer size) comes with its memory object and
//! full damage.
//!
//! # Input and size
//!
//! [`CaptureRequest::Input`] delivers keyboard, pointer and touch events to
//! the window through the compositor's input routing: the client receives
//! the same events, in the same order and coordinates, as when a local
//! person uses that window (a key first focuses and raises the window, so
//! the client sees `Enter` before the key; a press activates it; pointer
//! positions arrive in surface coordinates). System shortcuts are not
//! applied to remote keys, and remote input can reach only the captured
//! window. A lock screen that holds the keyboard holds it against remote
//! keys too. [`CaptureRequest::Resize`] reconfigures the window as an
//! interactive resize would.

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use weft_ipc::Protocol;

use crate::shell::WindowId;
use crate::{InputEvent, Rect, Size};

/// The capture protocol.
pub enum CaptureProtocol {}

impl Protocol for CaptureProtocol {
    const NAME: &'static str = "weft.compositor.capture";
    const VERSION: u16 = 1;
    type Request = CaptureRequest;
    type Response = CaptureResponse;
    type Event = CaptureEvent;
}

/// The grant a route needs to list and read windows.
pub const GRANT_CAPTURE: &str = "capture";

/// The grant a route needs, beside [`GRANT_CAPTURE`], to inject input into
/// and resize captured windows.
pub const GRANT_CONTROL: &str = "control";

/// Most windows one consumer may capture at once.
pub const MAX_CAPTURES: usize = 32;

/// Most bytes of capture buffers one consumer may hold (256 MiB).
pub const MAX_CAPTURE_BYTES: u64 = 256 << 20;

/// A window that can be captured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaptureWindow {
    /// Its id (the shell's window id).
    pub id: WindowId,
    /// Title (from the client).
    pub title: String,
    /// Application id (from the client; not verified).
    pub app_id: String,
    /// The owning program's name in the service graph (from the root
    /// manager; trusted).
    pub owner: String,
    /// Size of its current content in buffer pixels (zero until mapped).
    pub size: Size,
    /// Buffer pixels per logical pixel (the output scale).
    pub scale: f32,
}

/// Requests of the capture consumer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CaptureRequest {
    /// Start receiving window list events; answered with the current
    /// windows, bottom first (a call).
    Subscribe,
    /// Capture a toplevel window (a call: `Started` or `Refused`). Frames
    /// follow as events.
    Start {
        /// Which window.
        window: WindowId,
    },
    /// Stop capturing a window; its capture buffer is dropped (one-way).
    Stop {
        /// Which window.
        window: WindowId,
    },
    /// Done reading frame `frame`: the compositor may write the capture
    /// buffer again (one-way).
    Release {
        /// Which window.
        window: WindowId,
        /// The frame's number.
        frame: u64,
    },
    /// Send a frame as soon as the capture buffer is free even if nothing
    /// changed (one-way).
    Refresh {
        /// Which window.
        window: WindowId,
    },
    /// Deliver input to a captured window (one-way; needs
    /// [`GRANT_CONTROL`]). Positions are in the window's buffer pixels, as
    /// in the captured picture.
    Input {
        /// Which window.
        window: WindowId,
        /// The event.
        event: InputEvent,
    },
    /// Reconfigure a captured window to `size` logical pixels (one-way;
    /// needs [`GRANT_CONTROL`]). Clamped to the window's minimum size and
    /// the largest buffer; a maximised window is restored first.
    Resize {
        /// Which window.
        window: WindowId,
        /// Content size in logical pixels.
        size: Size,
    },
    /// Counters (a call).
    Stats,
}

/// Why a request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaptureError {
    /// The route lacks the grant the request needs.
    NotPermitted,
    /// No such toplevel window.
    UnknownWindow,
    /// Already capturing [`MAX_CAPTURES`] windows.
    TooManyCaptures,
    /// The capture buffers would exceed [`MAX_CAPTURE_BYTES`].
    TooLarge,
    /// The compositor could not allocate or map the capture buffer.
    OutOfMemory,
}

impl core::fmt::Display for CaptureError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            CaptureError::NotPermitted => "the route does not grant this",
            CaptureError::UnknownWindow => "no such window",
            CaptureError::TooManyCaptures => "too many windows captured",
            CaptureError::TooLarge => "capture buffers too large",
            CaptureError::OutOfMemory => "out of memory for the capture buffer",
        })
    }
}

/// What the compositor's capture side is holding, for monitoring and
/// tests.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureStats {
    /// Windows being captured.
    pub captures: u32,
    /// Bytes of capture buffers allocated.
    pub buffer_bytes: u64,
    /// Frames sent since the connection opened.
    pub frames: u64,
    /// Presents merged into a later frame because the consumer held the
    /// buffer (counting those waiting behind a frame it holds now).
    pub coalesced: u64,
    /// Captured windows whose frame the consumer holds now.
    pub held: u32,
    /// The most damage rectangles waiting in any one capture.
    pub pending_rectangles: u32,
    /// Events queued for the consumer, not yet written to the channel.
    pub queued_events: u32,
    /// Input events dropped (window not focusable, malformed values).
    pub dropped_input: u64,
}

/// Answers to calls.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CaptureResponse {
    /// The windows, bottom first.
    Windows(Vec<CaptureWindow>),
    /// Capturing started; the first frame follows.
    Started {
        /// Which window.
        window: WindowId,
    },
    /// The request was refused.
    Refused(CaptureError),
    /// Counters.
    Stats(CaptureStats),
}

/// Geometry of a capture buffer: packed premultiplied RGBA.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CaptureLayout {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes per row (`width` × 4).
    pub stride: u32,
}

impl CaptureLayout {
    /// Packed layout of `width` × `height`.
    pub const fn packed(width: u32, height: u32) -> CaptureLayout {
        CaptureLayout { width, height, stride: width * 4 }
    }

    /// Bytes it spans.
    pub fn span(&self) -> u64 {
        u64::from(self.stride) * u64::from(self.height)
    }
}

/// A new picture in a window's capture buffer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureFrame {
    /// Which window.
    pub window: WindowId,
    /// Frame number (per window, +1 per frame); name it in `Release`.
    pub frame: u64,
    /// The buffer's geometry.
    pub layout: CaptureLayout,
    /// Whether this frame comes with a new memory object (attached), which
    /// replaces the previous one; its damage is then the whole buffer.
    pub new_buffer: bool,
    /// What changed since the previous frame, in buffer pixels (empty:
    /// nothing).
    pub damage: Vec<Rect>,
    /// When the client presented the newest content in it (monotonic
    /// nanoseconds of the compositor's clock).
    pub presented_at: u64,
}

/// Events for the capture consumer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CaptureEvent {
    /// A window appeared (its first frame was presented).
    WindowAdded(CaptureWindow),
    /// A window's title or size changed.
    WindowChanged(CaptureWindow),
    /// A window went away (its capture, if any, ended).
    WindowRemoved {
        /// Which.
        window: WindowId,
    },
    /// A captured window has a new picture; read it, then `Release` it.
    Frame(CaptureFrame),
    /// A capture ended without the consumer asking.
    Ended {
        /// Which window.
        window: WindowId,
        /// Why.
        reason: CaptureError,
    },
}
