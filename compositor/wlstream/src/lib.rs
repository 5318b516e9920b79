//! weft-wlstream — the wire format that carries one surface's frames to a
//! remote viewer, and the viewer's messages back.
//!
//! A frame is a fixed little-endian binary layout (specified in
//! `docs/wlstream.md`): a 56-byte header (magic `WLSF`, version, session id,
//! sequence, timestamp, geometry, flags) followed by rectangle records, each
//! carrying its pixels raw, lz4-compressed, XOR-delta lz4-compressed against
//! the receiver's current picture, as a solid fill, or as a move of pixels
//! the receiver already has. Keyframes replace the whole surface.
//!
//! - [`Encoder`] keeps the receiver's picture and emits frames from a
//!   surface plus damage; [`Decoder`] applies frames to its own copy.
//! - [`parse_frame`] validates a frame's structure without a decoder.
//! - [`message`] holds the viewer-to-app messages (input, resize, keyframe
//!   requests, acknowledgements, stream control) and [`telemetry`] the
//!   mesh heartbeat; both are postcard-encoded with a version byte.
//! - [`keys`] names the Zenoh key space; [`source`] paces one stream for a
//!   publisher (latest picture wins, damage coalesces, bounded in-flight).
//!
//! Invariants: the crate is `no_std` + `alloc` and free of `unsafe`.
//! Decoding treats every byte as hostile: any malformed input yields a
//! typed [`DecodeError`], never a panic, never an out-of-bounds write, and
//! allocation stays within [`Limits`].
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod decoder;
mod encoder;
mod error;
mod format;
pub mod keys;
pub mod measure;
pub mod message;
mod parse;
mod pixels;
pub mod raw;

pub mod source;
mod surface;
pub mod synthetic;
pub mod telemetry;

pub use decoder::{Decoder, Update};
pub use encoder::{EncodeStats, Encoder, EncoderConfig, MAX_DAMAGE_RECTANGLES, Strategy};
pub use error::{DecodeError, EncodeError, RectangleError};
pub use format::{
    BYTES_PER_PIXEL, Encoding, FrameFlags, FrameHeader, HEADER_SIZE, MAGIC, PixelFormat,
    RECTANGLE_HEADER_SIZE, RectangleHeader, VERSION,
};
pub use parse::{FrameView, MAX_AREA_FACTOR, RectangleView, Rectangles, parse_frame};
pub use surface::{Limits, MAX_DIMENSION, SurfaceRef};
/// Regions of a surface: the one rectangle type of the format.
pub use weft_types::SurfaceRect;
