//! Structural validation of a frame, without touching any surface.
//!
//! [`parse_frame`] checks every length, bound and code in the frame and
//! returns a zero-copy [`FrameView`]. Everything a decoder can refuse
//! without decompressing is refused here, so a frame that passes can only
//! still fail inside an lz4 block.

use crate::error::{DecodeError, RectangleError};
use crate::format::{
    BYTES_PER_PIXEL, Encoding, FrameHeader, RECTANGLE_HEADER_SIZE, RectangleHeader, payload_u32,
};
use crate::surface::Limits;
use weft_types::SurfaceRect;

/// Rectangles may cover at most this many times the surface's area in one
/// frame. Bounds decoding work per frame; the encoder never needs more
/// than two.
pub const MAX_AREA_FACTOR: u64 = 4;

/// A structurally valid frame, borrowing the received bytes.
#[derive(Clone, Copy, Debug)]
pub struct FrameView<'a> {
    header: FrameHeader,
    body: &'a [u8],
}

/// One rectangle of a [`FrameView`].
#[derive(Clone, Copy, Debug)]
pub struct RectangleView<'a> {
    /// The record.
    pub header: RectangleHeader,
    /// Its payload bytes.
    pub payload: &'a [u8],
}

impl RectangleView<'_> {
    /// The source origin of a [`Encoding::Move`] rectangle.
    pub fn move_source(&self) -> Option<(u32, u32)> {
        match self.header.encoding {
            Encoding::Move if self.payload.len() == 8 => {
                Some((payload_u32(self.payload, 0), payload_u32(self.payload, 4)))
            }
            _ => None,
        }
    }
}

impl<'a> FrameView<'a> {
    /// The frame header.
    pub fn header(&self) -> &FrameHeader {
        &self.header
    }

    /// The rectangles, in order.
    pub fn rectangles(&self) -> Rectangles<'a> {
        Rectangles { body: self.body, remaining: self.header.rectangle_count }
    }
}

/// Iterator over the rectangles of a validated frame.
#[derive(Clone, Debug)]
pub struct Rectangles<'a> {
    body: &'a [u8],
    remaining: u32,
}

impl<'a> Iterator for Rectangles<'a> {
    type Item = RectangleView<'a>;

    fn next(&mut self) -> Option<RectangleView<'a>> {
        if self.remaining == 0 {
            return None;
        }
        // The frame was validated; `get` keeps this panic-free regardless.
        let record = self.body.get(..RECTANGLE_HEADER_SIZE)?;
        let (rect, code, _, payload_length) = RectangleHeader::read_raw(record);
        let encoding = Encoding::from_code(code)?;
        let end = RECTANGLE_HEADER_SIZE.checked_add(payload_length as usize)?;
        let payload = self.body.get(RECTANGLE_HEADER_SIZE..end)?;
        self.body = &self.body[end..];
        self.remaining -= 1;
        Some(RectangleView { header: RectangleHeader { rect, encoding, payload_length }, payload })
    }
}

/// Check a frame's structure against `limits` and return a view of it.
pub fn parse_frame<'a>(bytes: &'a [u8], limits: &Limits) -> Result<FrameView<'a>, DecodeError> {
    if bytes.len() > limits.max_frame_bytes {
        return Err(DecodeError::FrameTooLarge { length: bytes.len(), limit: limits.max_frame_bytes });
    }
    let (header, header_size, body_length) = FrameHeader::read(bytes)?;
    check_geometry(&header, limits)?;
    if header.rectangle_count > limits.max_rectangles {
        return Err(DecodeError::TooManyRectangles {
            count: header.rectangle_count,
            limit: limits.max_rectangles,
        });
    }
    let body = &bytes[header_size..];
    if body.len() != body_length as usize {
        return Err(DecodeError::BodyLengthMismatch { declared: body_length, actual: body.len() });
    }
    let area_limit = MAX_AREA_FACTOR * header.width as u64 * header.height as u64;
    let mut area = 0u64;
    let mut offset = 0usize;
    for index in 0..header.rectangle_count {
        let record = check_rectangle(&header, &body[offset..])
            .map_err(|error| DecodeError::Rectangle { index, error })?;
        area += record.rect.area();
        if area > area_limit {
            return Err(DecodeError::ExcessiveArea);
        }
        offset += RECTANGLE_HEADER_SIZE + record.payload_length as usize;
    }
    if offset != body.len() {
        return Err(DecodeError::TrailingBytes { count: body.len() - offset });
    }
    Ok(FrameView { header, body })
}

fn check_geometry(header: &FrameHeader, limits: &Limits) -> Result<(), DecodeError> {
    let (width, height, stride) = (header.width, header.height, header.stride);
    if width == 0 || height == 0 || width > limits.max_dimension || height > limits.max_dimension {
        return Err(DecodeError::BadDimensions { width, height });
    }
    if (stride as u64) < width as u64 * BYTES_PER_PIXEL as u64 || !stride.is_multiple_of(4) {
        return Err(DecodeError::BadStride { stride, width });
    }
    let bytes = stride as u64 * height as u64;
    if bytes > limits.max_surface_bytes as u64 {
        return Err(DecodeError::SurfaceTooLarge { bytes, limit: limits.max_surface_bytes });
    }
    Ok(())
}

/// Validate the record at the start of `rest`.
fn check_rectangle(header: &FrameHeader, rest: &[u8]) -> Result<RectangleHeader, RectangleError> {
    let Some(record) = rest.get(..RECTANGLE_HEADER_SIZE) else {
        return Err(RectangleError::TruncatedRecord);
    };
    let (rect, code, reserved, payload_length) = RectangleHeader::read_raw(record);
    let encoding = Encoding::from_code(code).ok_or(RectangleError::UnknownEncoding { code })?;
    if reserved != 0 {
        return Err(RectangleError::ReservedNonZero { value: reserved });
    }
    if rect.is_empty() {
        return Err(RectangleError::Empty);
    }
    if !rect.fits_in(header.width, header.height) {
        return Err(RectangleError::OutOfBounds);
    }
    let remaining = rest.len() - RECTANGLE_HEADER_SIZE;
    if payload_length as usize > remaining {
        return Err(RectangleError::PayloadOverrun { payload_length, remaining });
    }
    let payload = &rest[RECTANGLE_HEADER_SIZE..RECTANGLE_HEADER_SIZE + payload_length as usize];
    let packed = rect.area() * BYTES_PER_PIXEL as u64;
    let length_ok = match encoding {
        Encoding::Raw => payload_length as u64 == packed,
        Encoding::Fill => payload_length == 4,
        Encoding::Move => payload_length == 8,
        Encoding::Lz4 | Encoding::XorLz4 => {
            payload_length >= 1
                && payload_length as u64 <= lz4_flex::block::get_maximum_output_size(packed as usize) as u64
        }
    };
    if !length_ok {
        return Err(RectangleError::BadPayloadLength { payload_length });
    }
    if encoding == Encoding::Move {
        let source =
            SurfaceRect::new(payload_u32(payload, 0), payload_u32(payload, 4), rect.width, rect.height);
        if !source.fits_in(header.width, header.height) {
            return Err(RectangleError::MoveSourceOutOfBounds);
        }
    }
    Ok(RectangleHeader { rect, encoding, payload_length })
}
