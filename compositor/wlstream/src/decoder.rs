//! The receiving side: applies frames to a private copy of the surface.
//!
//! Invariants: the surface is only replaced by a keyframe; a delta frame
//! is applied only when it is the next sequence number of the same stream
//! and geometry; after a gap or any error while applying rectangles the
//! decoder refuses deltas until the next keyframe. Every allocation is
//! bounded by [`Limits`].

use alloc::vec::Vec;

use crate::error::{DecodeError, RectangleError};
use crate::format::{BYTES_PER_PIXEL, Encoding};
use crate::parse::{FrameView, RectangleView, parse_frame};
use crate::surface::{Limits, SurfaceRef};
use weft_types::SurfaceRect;

/// What one successfully applied frame changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Update {
    /// Whether the frame was a keyframe (the surface was replaced).
    pub keyframe: bool,
    /// The frame's stream id.
    pub stream: u32,
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
    stream: u32,
    width: u32,
    height: u32,
    stride: u32,
    pixels: Vec<u8>,
}

/// Applies wlstream frames to its own copy of one surface.
#[derive(Debug, Default)]
pub struct Decoder {
    limits: Limits,
    surface: Option<Surface>,
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
    /// [`Decoder::damage`] lists the rectangles it touched.
    pub fn decode(&mut self, bytes: &[u8]) -> Result<Update, DecodeError> {
        let frame = parse_frame(bytes, &self.limits)?;
        let header = *frame.header();
        if header.is_keyframe() {
            self.start_keyframe(&frame);
        } else {
            self.check_delta(&frame)?;
        }
        self.damage.clear();
        let mut bounds: Option<SurfaceRect> = None;
        for (index, rectangle) in frame.rectangles().enumerate() {
            if let Err(error) = self.apply(&rectangle) {
                self.awaiting_keyframe = true;
                return Err(DecodeError::Rectangle { index: index as u32, error });
            }
            let rect = rectangle.header.rect;
            self.damage.push(rect);
            bounds = Some(bounds.map_or(rect, |bounds| bounds.union(&rect)));
        }
        self.last_sequence = header.sequence;
        self.awaiting_keyframe = false;
        Ok(Update {
            keyframe: header.is_keyframe(),
            stream: header.stream,
            sequence: header.sequence,
            timestamp_ns: header.timestamp_ns,
            width: header.width,
            height: header.height,
            bounds,
        })
    }

    /// The current picture, if a keyframe has been applied. It stays
    /// available (last good state) while the decoder awaits a keyframe.
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

    /// The stream id of the current surface.
    pub fn stream(&self) -> Option<u32> {
        self.surface.as_ref().map(|surface| surface.stream)
    }

    /// Rectangles changed by the last successful [`Decoder::decode`].
    pub fn damage(&self) -> &[SurfaceRect] {
        &self.damage
    }

    /// Forget the surface; the next frame must be a keyframe.
    pub fn reset(&mut self) {
        self.surface = None;
        self.awaiting_keyframe = true;
    }

    fn start_keyframe(&mut self, frame: &FrameView<'_>) {
        let header = frame.header();
        let bytes = header.stride as usize * header.height as usize;
        let mut pixels = self.surface.take().map(|surface| surface.pixels).unwrap_or_default();
        pixels.clear();
        pixels.resize(bytes, 0);
        self.surface = Some(Surface {
            stream: header.stream,
            width: header.width,
            height: header.height,
            stride: header.stride,
            pixels,
        });
        // Until every rectangle is in, the surface is not a valid picture.
        self.awaiting_keyframe = true;
    }

    fn check_delta(&mut self, frame: &FrameView<'_>) -> Result<(), DecodeError> {
        let header = frame.header();
        let surface = match &self.surface {
            Some(surface) if !self.awaiting_keyframe => surface,
            _ => return Err(DecodeError::NoKeyframe),
        };
        if surface.stream != header.stream
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
        Ok(())
    }

    fn apply(&mut self, rectangle: &RectangleView<'_>) -> Result<(), RectangleError> {
        let Some(surface) = self.surface.as_mut() else {
            return Err(RectangleError::OutOfBounds);
        };
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
                    let scratch = scratch(&mut self.scratch, packed);
                    inflate(rectangle.payload, scratch)?;
                    rows.copy_in(&mut surface.pixels, scratch);
                }
            }
            Encoding::XorLz4 => {
                let scratch = scratch(&mut self.scratch, packed);
                inflate(rectangle.payload, scratch)?;
                rows.xor_in(&mut surface.pixels, scratch);
            }
        }
        Ok(())
    }
}

/// `len` bytes of reusable scratch space.
fn scratch(buffer: &mut Vec<u8>, len: usize) -> &mut [u8] {
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
