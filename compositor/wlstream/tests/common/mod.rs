//! Helpers shared by the integration tests: hand-built frames.
#![allow(dead_code, reason = "each test binary uses a different subset")]

use weft_wlstream::{FrameFlags, FrameHeader, HEADER_SIZE, PixelFormat, SurfaceRect};

/// A raw rectangle record with every field under the test's control.
pub struct RawRectangle {
    pub rect: SurfaceRect,
    pub encoding: u16,
    pub reserved: u16,
    pub payload_length: Option<u32>,
    pub payload: Vec<u8>,
}

impl RawRectangle {
    pub fn new(rect: SurfaceRect, encoding: u16, payload: Vec<u8>) -> RawRectangle {
        RawRectangle { rect, encoding, reserved: 0, payload_length: None, payload }
    }
}

/// A frame header with sensible defaults.
pub fn header(width: u32, height: u32, keyframe: bool, sequence: u64) -> FrameHeader {
    FrameHeader {
        flags: if keyframe { FrameFlags::KEYFRAME } else { FrameFlags::default() },
        stream: 7,
        sequence,
        timestamp_ns: 0,
        width,
        height,
        stride: width * 4,
        format: PixelFormat::Rgba8Premultiplied,
        rectangle_count: 0,
    }
}

/// Serialize a frame from raw parts (rectangle count taken from `rectangles`).
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

/// A valid 4×4 keyframe filled with one colour.
pub fn fill_keyframe(sequence: u64) -> Vec<u8> {
    build(&header(4, 4, true, sequence), &[RawRectangle::new(SurfaceRect::full(4, 4), 3, vec![1, 2, 3, 255])])
}

/// Overwrite a little-endian u32 at `offset`.
pub fn poke_u32(frame: &mut [u8], offset: usize, value: u32) {
    frame[offset..offset + 4].copy_from_slice(&value.to_le_bytes());
}
