//! weft-display-api — how the compositor drives a display service.
//!
//! The display service owns scanout (virtio-gpu in QEMU, the A64 display
//! engine on the phone, a host window or an in-memory image in hosted
//! mode); the compositor never touches hardware. The compositor asks for
//! the outputs, gets one shared framebuffer per output (a memory object it
//! maps writable), draws into it, and asks the service to flush only the
//! damaged rectangles. A host window that is resized reports
//! [`DisplayEvent::OutputChanged`]; the compositor then asks for a new
//! framebuffer.
#![no_std]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use weft_ipc::Protocol;

/// The display protocol.
pub enum DisplayProtocol {}

impl Protocol for DisplayProtocol {
    const NAME: &'static str = "weft.display";
    const VERSION: u16 = 1;
    type Request = DisplayRequest;
    type Response = DisplayResponse;
    type Event = DisplayEvent;
}

/// Rectangles of a framebuffer (flush damage).
pub use weft_types::SurfaceRect;

/// Pixel layout of a framebuffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PixelFormat {
    /// Bytes B, G, R, A (A ignored by scanout). What virtio-gpu scans out.
    Bgra8,
    /// Bytes R, G, B, A, premultiplied. Weft's surface format.
    Rgba8,
}

/// One output (a screen or a host window).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutputInfo {
    /// Index to use in requests.
    pub id: u32,
    /// A name for people (`virtio-gpu-0`, `window`, `headless`).
    pub name: String,
    /// Width in physical pixels.
    pub width: u32,
    /// Height in physical pixels.
    pub height: u32,
    /// Refresh rate in millihertz (0 if unknown).
    pub refresh_millihertz: u32,
    /// Suggested scale factor (1.0, 2.0 for a phone panel, ...).
    pub scale: f32,
    /// Framebuffer pixel layout.
    pub format: PixelFormat,
}

/// Requests to the display service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum DisplayRequest {
    /// List outputs.
    Outputs,
    /// Get the framebuffer of an output: the response carries one memory
    /// object handle, mapped writable by the compositor.
    Framebuffer {
        /// Output id.
        output: u32,
    },
    /// Put the damaged rectangles of an output's framebuffer on screen.
    /// Answered once the flush is done (pacing the compositor).
    Flush {
        /// Output id.
        output: u32,
        /// Damaged rectangles.
        rects: Vec<SurfaceRect>,
    },
}

/// Answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum DisplayResponse {
    /// The outputs.
    Outputs(Vec<OutputInfo>),
    /// A framebuffer (memory object attached).
    Framebuffer {
        /// The output it belongs to, as it is now.
        info: OutputInfo,
        /// Bytes per row.
        stride: u32,
    },
    /// Flushed.
    Flushed,
    /// Refused.
    Error(DisplayError),
}

/// Why a display request failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DisplayError {
    /// No output with that id.
    NoSuchOutput,
    /// The framebuffer is stale (the output changed); ask for a new one.
    Stale,
    /// The device failed.
    Device(String),
}

/// Unprompted news from the display service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum DisplayEvent {
    /// An output changed size or scale (a host window was resized).
    OutputChanged(OutputInfo),
    /// The output is being closed (a host window was closed).
    OutputClosed {
        /// Output id.
        output: u32,
    },
}
