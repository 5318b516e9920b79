//! weft-mesh-api — the mesh service's local protocol, `weft.mesh`.
//!
//! The mesh service streams windows to remote viewers over the Zenoh mesh
//! (see `docs/mesh.md`). Local programs use this protocol to see what it
//! streams and how each stream is doing ([`MeshRequest::Status`], open to
//! every route), and to start or stop streams ([`MeshRequest::Start`],
//! [`MeshRequest::Stop`], which need the [`GRANT_CONTROL`] grant — the
//! shell's "share this window" and tools have it).
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
pub use weft_compositor_api::capture::CaptureStats;
pub use weft_compositor_api::shell::WindowId;
use weft_ipc::Protocol;

/// The mesh protocol.
pub enum MeshProtocol {}

impl Protocol for MeshProtocol {
    const NAME: &'static str = "weft.mesh";
    const VERSION: u16 = 1;
    type Request = MeshRequest;
    type Response = MeshResponse;
    type Event = ();
}

/// The grant a route needs to start and stop streams.
pub const GRANT_CONTROL: &str = "control";

/// Which windows a start or stop names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StreamTarget {
    /// One window, by its compositor id.
    Window(WindowId),
    /// Every window whose app id on the mesh (`weft/app/<app>/…`) or
    /// client application id is this.
    App(String),
    /// Every toplevel, now and as they appear (stop: back to streaming
    /// only what is asked for).
    All,
}

/// Requests (all calls).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MeshRequest {
    /// How the mesh and every stream are doing.
    Status,
    /// Stream these windows (needs [`GRANT_CONTROL`]).
    Start(StreamTarget),
    /// Stop streaming these windows (needs [`GRANT_CONTROL`]).
    Stop(StreamTarget),
}

/// One window being streamed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamStatus {
    /// The app id on the mesh: the key chunk `<app>` of
    /// `weft/app/<app>/stream` (not the frames' session id).
    pub app: String,
    /// The compositor's window id.
    pub window: u64,
    /// Window title.
    pub title: String,
    /// Picture width in pixels (0 before the first frame).
    pub width: u32,
    /// Picture height in pixels.
    pub height: u32,
    /// Viewers heard from recently.
    pub viewers: u32,
    /// Frames published.
    pub frames: u64,
    /// Keyframes among them.
    pub keyframes: u64,
    /// Bytes published.
    pub bytes: u64,
    /// Times a frame was due but every viewer's window was full.
    pub stalls: u64,
    /// Frames sent that the slowest viewer has not acknowledged.
    pub in_flight: u64,
    /// Damage rectangles waiting for the next frame.
    pub pending_damage: u32,
    /// Whether the mesh holds the compositor's capture buffer now.
    pub holding: bool,
    /// Bytes of the mapped capture buffer.
    pub mapped_bytes: u64,
    /// Latest frame round trip (publish to acknowledgement), if measured.
    pub round_trip_ns: Option<u64>,
    /// Time spent encoding frames, in total, nanoseconds.
    pub encode_ns: u64,
    /// Input events and resizes passed on to the window.
    pub input_events: u64,
    /// Why the capture is suspended (the window cannot be captured at its
    /// present size; it resumes when the size changes), if it is.
    pub suspended: Option<String>,
}

/// The mesh service's state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeshStatus {
    /// The machine name in heartbeats.
    pub machine: String,
    /// Zenoh locators this node listens on.
    pub locators: Vec<String>,
    /// Whether multicast scouting is on.
    pub scouting: bool,
    /// Every stream.
    pub streams: Vec<StreamStatus>,
    /// The compositor's side of capturing, if it answered.
    pub capture: Option<CaptureStats>,
    /// Viewer messages refused (malformed, wrong key, other apps).
    pub rejected_messages: u64,
    /// Viewer messages dropped because the service fell behind.
    pub dropped_messages: u64,
}

/// Answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MeshResponse {
    /// The state.
    Status(MeshStatus),
    /// Done; the app ids on the mesh now covered by the request.
    Done(Vec<String>),
    /// Refused or failed, for people.
    Error(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_round_trip() {
        for request in [
            MeshRequest::Status,
            MeshRequest::Start(StreamTarget::App("terminal".into())),
            MeshRequest::Stop(StreamTarget::Window(WindowId(3))),
            MeshRequest::Start(StreamTarget::All),
        ] {
            let bytes = postcard::to_allocvec(&request).unwrap();
            assert_eq!(postcard::from_bytes::<MeshRequest>(&bytes).unwrap(), request);
        }
    }
}
