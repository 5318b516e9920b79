//! Frames built by hand, every field chosen by the caller: for tests and
//! fuzz seeds that need frames the encoder would never write (wrong
//! counts, lengths, encodings, reserved bits).

use alloc::vec::Vec;

use crate::{FrameFlags, FrameHeader, HEADER_SIZE, PixelFormat, SurfaceRect};

/// A rectangle record with every field under the caller's control.
#[derive(Clone, Debug)]
pub struct RawRectangle {
    /// Where it lies.
    pub rect: SurfaceRect,
    /// The encoding number, valid or not.
    pub encoding: u16,
    /// The reserved field (must be zero in a valid frame).
    pub reserved: u16,
    /// The payload length to write; `None`: the payload's real length.
    pub payload_length: Option<u32>,
    /// The payload bytes.
    pub payload: Vec<u8>,
}

impl RawRectangle {
    /// A record of `rect` with `encoding` and `payload`, reserved zero, its
    /// true length.
    pub fn new(rect: SurfaceRect, encoding: u16, payload: Vec<u8>) -> RawRectangle {
        RawRectangle { rect, encoding, reserved: 0, payload_length: None, payload }
    }
}

/// A frame header: session 7, timestamp 0, tightly packed premultiplied
/// RGBA, no rectangles yet.
pub fn header(width: u32, height: u32, keyframe: bool, sequence: u64) -> FrameHeader {
    FrameHeader {
        flags: if keyframe { FrameFlags::KEYFRAME } else { FrameFlags::default() },
        session: 7,
        sequence,
        timestamp_ns: 0,
        width,
        height,
        stride: width.saturating_mul(4),
        format: PixelFormat::Rgba8Premultiplied,
        rectangle_count: 0,
    }
}

/// Serialize a frame from raw parts (the rectangle count taken from
/// `rectangles`).
pub fn build(header: &FrameHeader, rectangles: &[RawRectangle]) -> Vec<u8> {
    let mut body = Vec::new();
    for rectangle in rectangles {
        for value in [rectangle.rect.x, rectangle.rect.y, rectangle.rect.width, rectangle.rect.height] {
            body.extend_from_slice(&value.to_le_bytes());
        }
        body.extend_from_slice(&rectangle.encoding.to_le_bytes());
        body.extend_from_slice(&rectangle.reserved.to_le_bytes());
        let length = rectangle.payload_length.unwrap_or(rectangle.payload.len() as u32);
        body.extend_from_slice(&length.to_le_bytes());
        body.extend_from_slice(&rectangle.payload);
    }
    let header = FrameHeader { rectangle_count: rectangles.len() as u32, ..*header };
    let mut bytes = [0u8; HEADER_SIZE];
    header.write(body.len() as u32, &mut bytes);
    let mut frame = bytes.to_vec();
    frame.extend_from_slice(&body);
    frame
}

/// A valid 4 × 4 keyframe filled with one colour.
pub fn fill_keyframe(sequence: u64) -> Vec<u8> {
    build(
        &header(4, 4, true, sequence),
        &[RawRectangle::new(SurfaceRect::full(4, 4), 3, alloc::vec![1, 2, 3, 255])],
    )
}

/// Overwrite the little-endian `u32` at `offset` (nothing if it lies
/// outside `frame`).
pub fn poke_u32(frame: &mut [u8], offset: usize, value: u32) {
    if let Some(slot) = frame.get_mut(offset..offset.saturating_add(4)) {
        slot.copy_from_slice(&value.to_le_bytes());
    }
}
