//! weft-viewer — shows Weft app surfaces streamed over the Zenoh mesh and
//! sends input back (macOS and Linux).
//!
//! The library is the viewer's core, usable in-process by tests and by the
//! mesh service:
//! - [`link`] opens a Zenoh peer session (scouting, or explicit endpoints);
//! - [`admit`] is where every received sample is admitted or refused
//!   before anything looks at it (exact keys today; peer authentication
//!   later);
//! - [`stream::ViewerStream`] subscribes to one app's frames, decodes them,
//!   acknowledges, asks for keyframes on join, gaps and errors, tracks the
//!   link state, and publishes input and resizes;
//! - [`discovery::Discovery`] lists machines and apps seen on the mesh;
//! - [`publisher::AppPublisher`] is the app side: it paces one surface's
//!   stream with [`weft_wlstream::source::StreamSource`] and hands viewer
//!   input back;
//! - [`headless`] writes received frames as PNG files and plays scripted
//!   input; [`window`] shows each stream in its own window; [`cli`] is the
//!   command line.
//!
//! Invariants: nothing here blocks on a slow peer — frames received faster
//! than they are consumed are dropped (the decoder then sees a gap and asks
//! for a keyframe), and the publishing side never queues frames.
#![forbid(unsafe_code)]

pub mod admit;
pub mod blit;
pub mod cli;
pub mod clock;
pub mod discovery;
mod error;
pub mod headless;
pub mod keyboard;
pub mod link;
pub mod options;
pub mod publisher;
pub mod script;
pub mod stream;
pub mod testing;
pub mod window;

pub use error::ViewerError;
