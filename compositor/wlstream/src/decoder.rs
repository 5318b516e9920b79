//! The receiving side: applies frames to a private copy of the surface.
//!
//! Invariants (`docs/wlstream.md` section 5.1):
//! - once a frame has been applied the decoder is *bound* to its session
//!   id (header bytes 12..16); frames of any other session are refused
//!   without touching any state until the caller releases the binding
//!   ([`Decoder::unbind`]), so a stray or forged frame cannot replace the
//!   picture;
//! - a keyframe is decoded into a fresh surface that replaces the current
//!   one only when every rectangle applied: a keyframe that fails leaves
//!   the last good picture in place;
//! - a delta frame is applied only when it is the next sequence number of
//!   the same session and geometry; after a gap or any error while
//!   applying rectangles the decoder refuses deltas until the next
//!   keyframe.
//!
//! Every allocation is bounded by [`Limits`]: at most two surfaces (the
//! current one and a keyframe being decoded) and one rectangle of scratch.

use alloc::vec;
use alloc::vec::Vec;

use crate::error::{DecodeError, RectangleError};
use crate::format::{BYTES_PER_PIXEL, Encoding, FrameHeader};
use crate::parse::{FrameView, RectangleView, parse_frame};
use crate::surface::{Limits, SurfaceRef};
use weft_types::SurfaceRect;

/// What one successfully applied frame changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Update {
    /// Whether the frame was a keyframe (the surface was replaced).
    pub keyframe: bool,
    /// The frame's session id (header field, not the app id of its key).
    pub session: u32,
    /// The frame's sequence number.
    pub sequence: u64,
    /// The sender's timestamp, nanoseconds.
    pub timestamp_ns: u64,
    /// Surface width.
    pub width: u32,
    /// Surface height.
    pub height: u32,
    /// Bounding box of the changed pixels (`None` for an empty frame).
    pub bounds: Option<SurfaceRect>,
}

/// The reconstructed surface.
#[derive(Clone, Debug)]
struct Surface {
    session: u32,
    width: u32,
    height: u32,
    stride: u32,
    pixels: Vec<u8>,
}

impl Surface {
    /// A zeroed surface with `header`'s geometry and session (the parser
    /// bounded `stride * height` by the limits).
    fn zeroed(header: &FrameHeader) -> Surface {
        Surface {
            session: header.session,
            width: header.width,
            height: header.height,
            stride: header.stride,
            pixels: vec![0; header.stride as usize * header.height as usize],
        }
    }
}

/// Applies wlstream frames to its own copy of one surface.
#[derive(Debug, Default)]
pub struct Decoder {
    limits: Limits,
    surface: Option<Surface>,
    bound: Option<u32>,
    last_sequence: u64,
    awaiting_keyframe: bool,
    scratch: Vec<u8>,
    damage: Vec<SurfaceRect>,
}

impl Decoder {
    /// A decoder with no surface yet, enforcing `limits`.
    pub fn new(limits: Limits) -> Decoder {
        Decoder { limits, awaiting_keyframe: true, ..Decoder::default() }
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Apply one frame. On success the surface holds the frame's picture;
    /// [`Decoder::damage`] lists the rectangles it touched. On failure the
    /// picture is the last good one (section 5.1 of `docs/wlstream.md`).
    pub fn decode(&mut self, bytes: &[u8]) -> Result<Update, DecodeError> {
        let frame = parse_frame(bytes, &self.limits)?;
        let header = *frame.header();
        if let Some(bound) = self.bound
            && bound != header.session
        {
            return Err(DecodeError::ForeignSession { bound, received: header.session });
        }
        self.damage.clear();
        let result = if header.is_keyframe() { self.keyframe(&frame) } else { self.delta(&frame) };
        let bounds = match result {
            Ok(bounds) => bounds,
            Err(error) => {
                self.damage.clear();
                return Err(error);
            }
        };
        self.last_sequence = header.sequence;
        self.awaiting_keyframe = false;
        self.bound = Some(header.session);
        Ok(Update {
            keyframe: header.is_keyframe(),
            session: header.session,
            sequence: header.sequence,
            timestamp_ns: header.timestamp_ns,
            width: header.width,
            height: header.height,
            bounds,
        })
    }

    /// The current picture, if a keyframe has been applied. It stays
    /// available (last good state) while the decoder awaits a keyframe,
    /// and after a refused or failed frame of any kind.
    pub fn surface(&self) -> Option<SurfaceRef<'_>> {
        let surface = self.surface.as_ref()?;
        SurfaceRef::new(surface.width, surface.height, surface.stride, &surface.pixels).ok()
    }

    /// Whether delta frames are being refused until a keyframe arrives.
    pub fn awaiting_keyframe(&self) -> bool {
        self.awaiting_keyframe
    }

    /// The sequence number of the last applied frame.
    pub fn last_sequence(&self) -> Option<u64> {
        self.surface.as_ref().map(|_| self.last_sequence)
    }

    /// The session id of the current picture (what acknowledgements name).
    pub fn session(&self) -> Option<u32> {
        self.surface.as_ref().map(|surface| surface.session)
    }

    /// The session this decoder is bound to: frames of any other session
    /// are refused with [`DecodeError::ForeignSession`]. Set by every
    /// applied frame (to its session); cleared by [`Decoder::unbind`] and
    /// [`Decoder::reset`].
    pub fn bound_session(&self) -> Option<u32> {
        self.bound
    }

    /// Release the session binding, keeping the picture: the next
    /// keyframe of any session is accepted (and any applied frame binds
    /// again). A viewer
    /// calls this when the publisher it was bound to has gone quiet (the
    /// link-loss time), because a restarted publisher has a new session.
    pub fn unbind(&mut self) {
        self.bound = None;
    }

    /// Rectangles changed by the last successful [`Decoder::decode`].
    pub fn damage(&self) -> &[SurfaceRect] {
        &self.damage
    }

    /// Forget the surface and the binding; the next frame must be a
    /// keyframe.
    pub fn reset(&mut self) {
        self.surface = None;
        self.bound = None;
        self.awaiting_keyframe = true;
    }

    /// Decode a keyframe into a fresh surface; it replaces the current one
    /// only if every rectangle applies.
    fn keyframe(&mut self, frame: &FrameView<'_>) -> Result<Option<SurfaceRect>, DecodeError> {
        let header = frame.header();
        let mut fresh = Surface::zeroed(header);
        match apply_all(frame, &mut fresh, &mut self.scratch, &mut self.damage) {
            Ok(bounds) => {
                self.surface = Some(fresh);
                Ok(bounds)
            }
            Err(error) => {
                // The publisher has moved on to this keyframe's picture:
                // deltas after it cannot apply to ours.
                self.awaiting_keyframe = true;
                Err(error)
            }
        }
    }

    /// Apply a delta frame to the current surface.
    fn delta(&mut self, frame: &FrameView<'_>) -> Result<Option<SurfaceRect>, DecodeError> {
        let header = frame.header();
        let surface = match self.surface.as_mut() {
            Some(surface) if !self.awaiting_keyframe => surface,
            _ => return Err(DecodeError::NoKeyframe),
        };
        if surface.session != header.session
            || surface.width != header.width
            || surface.height != header.height
            || surface.stride != header.stride
        {
            return Err(DecodeError::GeometryMismatch);
        }
        if header.sequence <= self.last_sequence {
            return Err(DecodeError::StaleSequence { last: self.last_sequence, received: header.sequence });
        }
        let expected = self.last_sequence + 1;
        if header.sequence != expected {
            self.awaiting_keyframe = true;
            return Err(DecodeError::SequenceGap { expected, received: header.sequence });
        }
        apply_all(frame, surface, &mut self.scratch, &mut self.damage).inspect_err(|_| {
            // The surface is no longer a consistent picture of any frame.
            self.awaiting_keyframe = true;
        })
    }
}

/// Apply every rectangle of `frame` to `surface` in order, noting each in
/// `damage`; returns their bounding box.
fn apply_all(
    frame: &FrameView<'_>,
    surface: &mut Surface,
    scratch: &mut Vec<u8>,
    damage: &mut Vec<SurfaceRect>,
) -> Result<Option<SurfaceRect>, DecodeError> {
    let mut bounds: Option<SurfaceRect> = None;
    for (index, rectangle) in frame.rectangles().enumerate() {
        apply(surface, scratch, &rectangle)
            .map_err(|error| DecodeError::Rectangle { index: index as u32, error })?;
        let rect = rectangle.header.rect;
        damage.push(rect);
        bounds = Some(bounds.map_or(rect, |bounds| bounds.union(&rect)));
    }
    Ok(bounds)
}

/// Apply one rectangle (already bounds-checked by the parser).
fn apply(
    surface: &mut Surface,
    scratch: &mut Vec<u8>,
    rectangle: &RectangleView<'_>,
) -> Result<(), RectangleError> {
    let rect = rectangle.header.rect;
    let stride = surface.stride as usize;
    let row_bytes = rect.width as usize * BYTES_PER_PIXEL;
    let packed = row_bytes * rect.height as usize;
    let rows = RowSpan { rect, stride, row_bytes };
    match rectangle.header.encoding {
        Encoding::Raw => rows.copy_in(&mut surface.pixels, rectangle.payload),
        Encoding::Fill => {
            let mut pixel = [0u8; 4];
            pixel.copy_from_slice(rectangle.payload);
            rows.fill(&mut surface.pixels, pixel);
        }
        Encoding::Move => {
            let (x, y) = rectangle.move_source().ok_or(RectangleError::MoveSourceOutOfBounds)?;
            let source = RowSpan { rect: SurfaceRect::new(x, y, rect.width, rect.height), ..rows };
            rows.move_from(&mut surface.pixels, &source);
        }
        Encoding::Lz4 => {
            let contiguous = rect.x == 0 && row_bytes == stride;
            if contiguous {
                let start = rect.y as usize * stride;
                inflate(rectangle.payload, &mut surface.pixels[start..start + packed])?;
            } else {
                let scratch = scratch_space(scratch, packed);
                inflate(rectangle.payload, scratch)?;
                rows.copy_in(&mut surface.pixels, scratch);
            }
        }
        Encoding::XorLz4 => {
            let scratch = scratch_space(scratch, packed);
            inflate(rectangle.payload, scratch)?;
            rows.xor_in(&mut surface.pixels, scratch);
        }
    }
    Ok(())
}

/// `len` bytes of reusable scratch space.
fn scratch_space(buffer: &mut Vec<u8>, len: usize) -> &mut [u8] {
    if buffer.len() < len {
        buffer.resize(len, 0);
    }
    &mut buffer[..len]
}

/// Decompress an lz4 block that must fill `output` exactly.
fn inflate(payload: &[u8], output: &mut [u8]) -> Result<(), RectangleError> {
    let produced =
        lz4_flex::block::decompress_into(payload, output).map_err(|_| RectangleError::Decompression)?;
    if produced != output.len() {
        return Err(RectangleError::DecompressedSizeMismatch { expected: output.len(), produced });
    }
    Ok(())
}

/// The rows of a rectangle inside a strided buffer (already bounds-checked
/// by the parser).
#[derive(Clone, Copy)]
struct RowSpan {
    rect: SurfaceRect,
    stride: usize,
    row_bytes: usize,
}

impl RowSpan {
    fn range(&self, row: usize) -> core::ops::Range<usize> {
        let start = (self.rect.y as usize + row) * self.stride + self.rect.x as usize * BYTES_PER_PIXEL;
        start..start + self.row_bytes
    }

    fn copy_in(&self, pixels: &mut [u8], packed: &[u8]) {
        for (row, source) in packed.chunks_exact(self.row_bytes).enumerate() {
            pixels[self.range(row)].copy_from_slice(source);
        }
    }

    /// Copy the same-sized `source` span onto this one, as if through a
    /// temporary: rows are visited in the order that never overwrites a
    /// source row before it is read, and each row copy handles overlap.
    fn move_from(&self, pixels: &mut [u8], source: &RowSpan) {
        let rows = self.rect.height as usize;
        let mut copy_row = |row: usize| pixels.copy_within(source.range(row), self.range(row).start);
        if source.rect.y >= self.rect.y {
            (0..rows).for_each(&mut copy_row);
        } else {
            (0..rows).rev().for_each(&mut copy_row);
        }
    }

    fn xor_in(&self, pixels: &mut [u8], packed: &[u8]) {
        for (row, source) in packed.chunks_exact(self.row_bytes).enumerate() {
            crate::pixels::xor_into(&mut pixels[self.range(row)], source);
        }
    }

    fn fill(&self, pixels: &mut [u8], pixel: [u8; 4]) {
        for row in 0..self.rect.height as usize {
            for target in pixels[self.range(row)].chunks_exact_mut(4) {
                target.copy_from_slice(&pixel);
            }
        }
    }
}
