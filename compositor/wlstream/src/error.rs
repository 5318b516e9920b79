//! Typed errors for decoding and encoding frames.

use core::fmt;

/// Why one rectangle record was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RectangleError {
    /// Fewer than 24 bytes remain for the record.
    TruncatedRecord,
    /// The encoding code is not one this version defines.
    UnknownEncoding {
        /// The code found.
        code: u16,
    },
    /// The reserved field is not zero.
    ReservedNonZero {
        /// The value found.
        value: u16,
    },
    /// Width or height is zero.
    Empty,
    /// The rectangle reaches outside the surface.
    OutOfBounds,
    /// The payload runs past the end of the frame.
    PayloadOverrun {
        /// Declared payload length.
        payload_length: u32,
        /// Bytes actually left in the frame.
        remaining: usize,
    },
    /// The payload length is impossible for the encoding and size.
    BadPayloadLength {
        /// Declared payload length.
        payload_length: u32,
    },
    /// A move's source rectangle reaches outside the surface.
    MoveSourceOutOfBounds,
    /// The lz4 block is malformed.
    Decompression,
    /// The lz4 block decompressed to the wrong number of bytes.
    DecompressedSizeMismatch {
        /// Bytes expected (`width * height * 4`).
        expected: usize,
        /// Bytes produced.
        produced: usize,
    },
}

/// Why a frame was refused. Every malformed input maps to one of these;
/// decoding never panics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DecodeError {
    /// Fewer bytes than a header.
    TruncatedHeader {
        /// Bytes received.
        length: usize,
    },
    /// The first four bytes are not `WLSF`.
    BadMagic {
        /// The bytes found.
        found: [u8; 4],
    },
    /// A frame version this decoder does not implement.
    UnsupportedVersion {
        /// The version found.
        version: u16,
    },
    /// The header size field is below 56 or past the end of the frame.
    BadHeaderSize {
        /// Declared header size.
        header_size: usize,
        /// Frame length.
        length: usize,
    },
    /// A flag bit this version does not define is set.
    UnknownFlags {
        /// The flags found.
        flags: u32,
    },
    /// A pixel format this version does not define.
    UnsupportedFormat {
        /// The format code found.
        format: u32,
    },
    /// The frame is larger than the decoder's limit.
    FrameTooLarge {
        /// Frame length.
        length: usize,
        /// The limit.
        limit: usize,
    },
    /// Width or height is zero or above the decoder's limit.
    BadDimensions {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
    },
    /// Stride is below `width * 4` or not a multiple of 4.
    BadStride {
        /// Declared stride.
        stride: u32,
        /// Declared width.
        width: u32,
    },
    /// `stride * height` exceeds the decoder's surface limit.
    SurfaceTooLarge {
        /// Bytes the surface would take.
        bytes: u64,
        /// The limit.
        limit: usize,
    },
    /// More rectangles than the decoder's limit.
    TooManyRectangles {
        /// Declared count.
        count: u32,
        /// The limit.
        limit: u32,
    },
    /// The body length field disagrees with the bytes after the header.
    BodyLengthMismatch {
        /// Declared body length.
        declared: u32,
        /// Bytes present after the header.
        actual: usize,
    },
    /// Bytes remain after the last rectangle.
    TrailingBytes {
        /// How many.
        count: usize,
    },
    /// The rectangles together cover more than four times the surface,
    /// which no encoder needs and which would make decoding cost unbounded.
    ExcessiveArea,
    /// One rectangle record is malformed.
    Rectangle {
        /// Its position in the frame, from 0.
        index: u32,
        /// What is wrong with it.
        error: RectangleError,
    },
    /// A delta frame arrived before any keyframe (or after the surface was
    /// discarded).
    NoKeyframe,
    /// A delta frame's geometry or session differs from the current surface.
    GeometryMismatch,
    /// A delta frame skipped sequence numbers: frames were lost. The
    /// decoder now waits for a keyframe.
    SequenceGap {
        /// The sequence expected.
        expected: u64,
        /// The sequence received.
        received: u64,
    },
    /// A delta frame at or before the last applied sequence; ignored.
    StaleSequence {
        /// The last applied sequence.
        last: u64,
        /// The sequence received.
        received: u64,
    },
    /// A frame (keyframe or delta) of another session than the one the
    /// decoder is bound to; ignored, nothing changed.
    ForeignSession {
        /// The session the decoder is bound to.
        bound: u32,
        /// The frame's session id.
        received: u32,
    },
}

impl DecodeError {
    /// Whether the receiver should ask the sender for a keyframe. A stale
    /// duplicate leaves the picture intact and current, and a frame of a
    /// foreign session says nothing about the stream being watched (asking
    /// would let anyone who can publish trigger keyframes).
    pub const fn wants_keyframe(&self) -> bool {
        !matches!(self, DecodeError::StaleSequence { .. } | DecodeError::ForeignSession { .. })
    }
}

impl fmt::Display for RectangleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RectangleError::TruncatedRecord => write!(f, "record truncated"),
            RectangleError::UnknownEncoding { code } => write!(f, "unknown encoding {code}"),
            RectangleError::ReservedNonZero { value } => write!(f, "reserved field is {value}"),
            RectangleError::Empty => write!(f, "zero width or height"),
            RectangleError::OutOfBounds => write!(f, "outside the surface"),
            RectangleError::PayloadOverrun { payload_length, remaining } => {
                write!(f, "payload of {payload_length} bytes but {remaining} remain")
            }
            RectangleError::BadPayloadLength { payload_length } => {
                write!(f, "payload length {payload_length} impossible for its encoding")
            }
            RectangleError::MoveSourceOutOfBounds => write!(f, "move source outside the surface"),
            RectangleError::Decompression => write!(f, "malformed lz4 block"),
            RectangleError::DecompressedSizeMismatch { expected, produced } => {
                write!(f, "lz4 produced {produced} bytes, expected {expected}")
            }
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::TruncatedHeader { length } => {
                write!(f, "frame of {length} bytes is shorter than a header")
            }
            DecodeError::BadMagic { found } => write!(f, "bad magic {found:02x?}"),
            DecodeError::UnsupportedVersion { version } => {
                write!(f, "unsupported frame version {version}")
            }
            DecodeError::BadHeaderSize { header_size, length } => {
                write!(f, "header size {header_size} invalid for a {length}-byte frame")
            }
            DecodeError::UnknownFlags { flags } => write!(f, "unknown flags {flags:#x}"),
            DecodeError::UnsupportedFormat { format } => {
                write!(f, "unsupported pixel format {format}")
            }
            DecodeError::FrameTooLarge { length, limit } => {
                write!(f, "frame of {length} bytes exceeds the {limit}-byte limit")
            }
            DecodeError::BadDimensions { width, height } => {
                write!(f, "bad dimensions {width}x{height}")
            }
            DecodeError::BadStride { stride, width } => {
                write!(f, "stride {stride} invalid for width {width}")
            }
            DecodeError::SurfaceTooLarge { bytes, limit } => {
                write!(f, "surface of {bytes} bytes exceeds the {limit}-byte limit")
            }
            DecodeError::TooManyRectangles { count, limit } => {
                write!(f, "{count} rectangles exceed the limit of {limit}")
            }
            DecodeError::BodyLengthMismatch { declared, actual } => {
                write!(f, "body length {declared} but {actual} bytes follow the header")
            }
            DecodeError::TrailingBytes { count } => {
                write!(f, "{count} bytes after the last rectangle")
            }
            DecodeError::ExcessiveArea => write!(f, "rectangles cover too much area"),
            DecodeError::Rectangle { index, error } => write!(f, "rectangle {index}: {error}"),
            DecodeError::NoKeyframe => write!(f, "delta frame without a keyframe"),
            DecodeError::GeometryMismatch => {
                write!(f, "delta frame does not match the current surface")
            }
            DecodeError::SequenceGap { expected, received } => {
                write!(f, "sequence gap: expected {expected}, received {received}")
            }
            DecodeError::StaleSequence { last, received } => {
                write!(f, "stale sequence {received} (last applied {last})")
            }
            DecodeError::ForeignSession { bound, received } => {
                write!(f, "frame of session {received:#010x}, bound to session {bound:#010x}")
            }
        }
    }
}

impl core::error::Error for DecodeError {}
impl core::error::Error for RectangleError {}

/// Why a frame could not be encoded (the caller's buffer or request is
/// inconsistent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EncodeError {
    /// Width or height is zero or above the format's limit.
    BadDimensions {
        /// Width given.
        width: u32,
        /// Height given.
        height: u32,
    },
    /// Stride is below `width * 4` or not a multiple of 4.
    BadStride {
        /// Stride given.
        stride: u32,
        /// Width given.
        width: u32,
    },
    /// The pixel buffer is shorter than `stride * (height - 1) + width * 4`.
    BufferTooShort {
        /// Bytes needed.
        needed: usize,
        /// Bytes given.
        given: usize,
    },
    /// The compressor failed (cannot happen with a correctly sized buffer).
    Compression,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::BadDimensions { width, height } => {
                write!(f, "bad dimensions {width}x{height}")
            }
            EncodeError::BadStride { stride, width } => {
                write!(f, "stride {stride} invalid for width {width}")
            }
            EncodeError::BufferTooShort { needed, given } => {
                write!(f, "pixel buffer of {given} bytes, {needed} needed")
            }
            EncodeError::Compression => write!(f, "lz4 compression failed"),
        }
    }
}

impl core::error::Error for EncodeError {}
