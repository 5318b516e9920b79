//! The fixed binary layout of a wlstream frame: constants, header records,
//! and their little-endian reading and writing.
//!
//! Layout (all integers little-endian; see `docs/wlstream.md`):
//!
//! ```text
//! frame     = header(56 bytes, or header_size) rectangle*
//! rectangle = record(24 bytes) payload(payload_length bytes)
//! ```

use crate::error::DecodeError;
use weft_types::SurfaceRect;

/// The four bytes every frame starts with.
pub const MAGIC: [u8; 4] = *b"WLSF";
/// The frame format version this crate writes and reads.
pub const VERSION: u16 = 1;
/// Size of the version-1 frame header in bytes.
pub const HEADER_SIZE: usize = 56;
/// Size of a rectangle record (before its payload) in bytes.
pub const RECTANGLE_HEADER_SIZE: usize = 24;
/// Bytes per pixel of the only pixel format, premultiplied RGBA8.
pub const BYTES_PER_PIXEL: usize = 4;

/// How pixels are laid out in the surface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PixelFormat {
    /// Premultiplied RGBA, one byte per channel, in that byte order.
    Rgba8Premultiplied,
}

impl PixelFormat {
    /// The format's code on the wire.
    pub const fn code(self) -> u32 {
        match self {
            PixelFormat::Rgba8Premultiplied => 1,
        }
    }

    /// The format for a wire code, if known.
    pub const fn from_code(code: u32) -> Option<PixelFormat> {
        match code {
            1 => Some(PixelFormat::Rgba8Premultiplied),
            _ => None,
        }
    }
}

/// How one rectangle's pixels are carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// The rectangle's pixels, rows packed (`width * 4` bytes each).
    Raw,
    /// An lz4 block that decompresses to the packed pixels.
    Lz4,
    /// An lz4 block that decompresses to the packed pixels XOR the
    /// surface's current pixels in the same rectangle.
    XorLz4,
    /// Four bytes: one RGBA pixel that fills the whole rectangle.
    Fill,
    /// Eight bytes: a source origin (x, y as u32). The rectangle is
    /// copied from the same-sized rectangle at that origin in the
    /// surface as it stands before this rectangle is applied.
    Move,
}

impl Encoding {
    /// Every encoding, in code order.
    pub const ALL: [Encoding; 5] =
        [Encoding::Raw, Encoding::Lz4, Encoding::XorLz4, Encoding::Fill, Encoding::Move];

    /// The encoding's code on the wire.
    pub const fn code(self) -> u16 {
        match self {
            Encoding::Raw => 0,
            Encoding::Lz4 => 1,
            Encoding::XorLz4 => 2,
            Encoding::Fill => 3,
            Encoding::Move => 4,
        }
    }

    /// The encoding for a wire code, if known.
    pub const fn from_code(code: u16) -> Option<Encoding> {
        match code {
            0 => Some(Encoding::Raw),
            1 => Some(Encoding::Lz4),
            2 => Some(Encoding::XorLz4),
            3 => Some(Encoding::Fill),
            4 => Some(Encoding::Move),
            _ => None,
        }
    }

    /// Short lower-case name, for reports.
    pub const fn name(self) -> &'static str {
        match self {
            Encoding::Raw => "raw",
            Encoding::Lz4 => "lz4",
            Encoding::XorLz4 => "xor-lz4",
            Encoding::Fill => "fill",
            Encoding::Move => "move",
        }
    }
}

/// Frame flag bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FrameFlags(pub u32);

impl FrameFlags {
    /// The frame is self-contained: the receiver starts from a zeroed
    /// surface of the header's geometry.
    pub const KEYFRAME: FrameFlags = FrameFlags(1);
    /// Every bit version 1 defines; any other set bit is an error.
    pub const KNOWN: FrameFlags = FrameFlags(1);

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: FrameFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

/// The decoded fixed header of a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FrameHeader {
    /// Flag bits.
    pub flags: FrameFlags,
    /// The session id: which encoder session produced the frame
    /// (header bytes 12..16). Sequence numbers count within one session.
    /// Not to be confused with the app id, the key chunk `<app>` of
    /// `weft/app/<app>/stream` the frame travels on.
    pub session: u32,
    /// Frame number within the stream, +1 per frame.
    pub sequence: u64,
    /// Sender's clock when the frame was captured, in nanoseconds.
    pub timestamp_ns: u64,
    /// Surface width in pixels.
    pub width: u32,
    /// Surface height in pixels.
    pub height: u32,
    /// Bytes from one row of the reconstructed surface to the next.
    pub stride: u32,
    /// Pixel layout.
    pub format: PixelFormat,
    /// Number of rectangle records that follow.
    pub rectangle_count: u32,
}

impl FrameHeader {
    /// Whether this is a keyframe.
    pub const fn is_keyframe(&self) -> bool {
        self.flags.contains(FrameFlags::KEYFRAME)
    }

    /// Write the 56-byte version-1 header for a body of `body_length` bytes.
    pub fn write(&self, body_length: u32, out: &mut [u8; HEADER_SIZE]) {
        out[0..4].copy_from_slice(&MAGIC);
        out[4..6].copy_from_slice(&VERSION.to_le_bytes());
        out[6..8].copy_from_slice(&(HEADER_SIZE as u16).to_le_bytes());
        out[8..12].copy_from_slice(&self.flags.0.to_le_bytes());
        out[12..16].copy_from_slice(&self.session.to_le_bytes());
        out[16..24].copy_from_slice(&self.sequence.to_le_bytes());
        out[24..32].copy_from_slice(&self.timestamp_ns.to_le_bytes());
        out[32..36].copy_from_slice(&self.width.to_le_bytes());
        out[36..40].copy_from_slice(&self.height.to_le_bytes());
        out[40..44].copy_from_slice(&self.stride.to_le_bytes());
        out[44..48].copy_from_slice(&self.format.code().to_le_bytes());
        out[48..52].copy_from_slice(&self.rectangle_count.to_le_bytes());
        out[52..56].copy_from_slice(&body_length.to_le_bytes());
    }

    /// Read the header fields, checking only layout (magic, version,
    /// header size, flags, format). Returns the header, the offset of the
    /// first rectangle record and the declared body length.
    pub fn read(bytes: &[u8]) -> Result<(FrameHeader, usize, u32), DecodeError> {
        if bytes.len() < HEADER_SIZE {
            return Err(DecodeError::TruncatedHeader { length: bytes.len() });
        }
        let fields = Fields(bytes);
        let magic = [bytes[0], bytes[1], bytes[2], bytes[3]];
        if magic != MAGIC {
            return Err(DecodeError::BadMagic { found: magic });
        }
        let version = fields.u16(4);
        if version != VERSION {
            return Err(DecodeError::UnsupportedVersion { version });
        }
        let header_size = fields.u16(6) as usize;
        if header_size < HEADER_SIZE || header_size > bytes.len() {
            return Err(DecodeError::BadHeaderSize { header_size, length: bytes.len() });
        }
        let flags = FrameFlags(fields.u32(8));
        if flags.0 & !FrameFlags::KNOWN.0 != 0 {
            return Err(DecodeError::UnknownFlags { flags: flags.0 });
        }
        let format_code = fields.u32(44);
        let format = PixelFormat::from_code(format_code)
            .ok_or(DecodeError::UnsupportedFormat { format: format_code })?;
        let header = FrameHeader {
            flags,
            session: fields.u32(12),
            sequence: fields.u64(16),
            timestamp_ns: fields.u64(24),
            width: fields.u32(32),
            height: fields.u32(36),
            stride: fields.u32(40),
            format,
            rectangle_count: fields.u32(48),
        };
        Ok((header, header_size, fields.u32(52)))
    }
}

/// One rectangle record (the 24 bytes before its payload).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RectangleHeader {
    /// Where on the surface.
    pub rect: SurfaceRect,
    /// How the payload encodes the pixels.
    pub encoding: Encoding,
    /// Payload size in bytes.
    pub payload_length: u32,
}

impl RectangleHeader {
    /// Write the 24-byte record.
    pub fn write(&self, out: &mut [u8; RECTANGLE_HEADER_SIZE]) {
        out[0..4].copy_from_slice(&self.rect.x.to_le_bytes());
        out[4..8].copy_from_slice(&self.rect.y.to_le_bytes());
        out[8..12].copy_from_slice(&self.rect.width.to_le_bytes());
        out[12..16].copy_from_slice(&self.rect.height.to_le_bytes());
        out[16..18].copy_from_slice(&self.encoding.code().to_le_bytes());
        out[18..20].copy_from_slice(&0u16.to_le_bytes());
        out[20..24].copy_from_slice(&self.payload_length.to_le_bytes());
    }

    /// The raw fields of a record: rectangle, encoding code, reserved
    /// field, payload length. `bytes` must hold at least 24 bytes.
    pub(crate) fn read_raw(bytes: &[u8]) -> (SurfaceRect, u16, u16, u32) {
        let fields = Fields(bytes);
        let rect = SurfaceRect::new(fields.u32(0), fields.u32(4), fields.u32(8), fields.u32(12));
        (rect, fields.u16(16), fields.u16(18), fields.u32(20))
    }
}

/// Little-endian reads at offsets the caller has already bounds-checked.
struct Fields<'a>(&'a [u8]);

impl Fields<'_> {
    fn array<const N: usize>(&self, offset: usize) -> [u8; N] {
        let mut array = [0u8; N];
        array.copy_from_slice(&self.0[offset..offset + N]);
        array
    }

    fn u16(&self, offset: usize) -> u16 {
        u16::from_le_bytes(self.array(offset))
    }

    fn u32(&self, offset: usize) -> u32 {
        u32::from_le_bytes(self.array(offset))
    }

    fn u64(&self, offset: usize) -> u64 {
        u64::from_le_bytes(self.array(offset))
    }
}

/// Read a little-endian `u32` from a payload known to hold `offset + 4` bytes.
pub(crate) fn payload_u32(payload: &[u8], offset: usize) -> u32 {
    Fields(payload).u32(offset)
}
