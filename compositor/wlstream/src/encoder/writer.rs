//! Appending rectangle records to a frame, and choosing each rectangle's
//! pixel encoding by measuring the candidates.

use alloc::vec::Vec;

use lz4_flex::block::{CompressTable, compress_into_with_table, get_maximum_output_size};

use crate::error::EncodeError;
use crate::format::{BYTES_PER_PIXEL, Encoding, HEADER_SIZE, RECTANGLE_HEADER_SIZE, RectangleHeader};
use crate::pixels::{uniform_pixel, xor_to};
use crate::surface::SurfaceRef;
use weft_types::SurfaceRect;

use super::{EncodeStats, Strategy};

/// Reusable buffers for packing and compressing rectangles.
#[derive(Default)]
pub struct Workspace {
    packed: Vec<u8>,
    xored: Vec<u8>,
    plain: Vec<u8>,
    delta: Vec<u8>,
    sample: Vec<u8>,
    table: Option<CompressTable>,
}

impl core::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Workspace").field("packed", &self.packed.len()).finish_non_exhaustive()
    }
}

/// Compress `input` into `output` (grown as needed); returns the length.
fn compress(
    input: &[u8],
    output: &mut Vec<u8>,
    table: &mut Option<CompressTable>,
) -> Result<usize, EncodeError> {
    let maximum = get_maximum_output_size(input.len());
    if output.len() < maximum {
        output.resize(maximum, 0);
    }
    let table = table.get_or_insert_with(CompressTable::large);
    compress_into_with_table(input, &mut output[..maximum], table).map_err(|_| EncodeError::Compression)
}

/// Above this many packed bytes the XOR-or-plain choice is measured on a
/// sample of the rectangle instead of both full compressions.
const SAMPLE_THRESHOLD: usize = 256 * 1024;
/// Bands sampled, and rows per band.
const SAMPLE_BANDS: usize = 16;
const SAMPLE_ROWS: usize = 4;

/// Row ranges of up to `SAMPLE_BANDS` evenly spaced bands of
/// `SAMPLE_ROWS` rows among `rows`.
fn sample_bands(rows: usize) -> impl Iterator<Item = core::ops::Range<usize>> {
    let step = (rows / SAMPLE_BANDS).max(SAMPLE_ROWS);
    (0..rows).step_by(step).map(move |start| start..(start + SAMPLE_ROWS).min(rows))
}

/// Builds one frame in a caller-provided buffer.
pub struct FrameWriter<'a> {
    out: &'a mut Vec<u8>,
    pub stats: EncodeStats,
}

impl<'a> FrameWriter<'a> {
    /// Start a frame: clears `out` and reserves the header.
    pub fn new(out: &'a mut Vec<u8>) -> FrameWriter<'a> {
        out.clear();
        out.resize(HEADER_SIZE, 0);
        FrameWriter { out, stats: EncodeStats::default() }
    }

    /// Append one rectangle record and its payload.
    pub fn push(&mut self, rect: SurfaceRect, encoding: Encoding, payload: &[u8]) {
        let record = RectangleHeader { rect, encoding, payload_length: payload.len() as u32 };
        let mut bytes = [0u8; RECTANGLE_HEADER_SIZE];
        record.write(&mut bytes);
        self.out.extend_from_slice(&bytes);
        self.out.extend_from_slice(payload);
        self.stats.rectangles += 1;
        self.stats.pixels += rect.area();
        self.stats.by_encoding[encoding.code() as usize] += 1;
    }

    /// The finished frame buffer, for writing the header.
    pub fn finish(self) -> (&'a mut Vec<u8>, EncodeStats) {
        (self.out, self.stats)
    }

    /// Encode `rect` of `new`, choosing among fill, raw, lz4 and (when a
    /// reference is given) XOR-delta lz4 by the smallest payload.
    pub fn push_pixels(
        &mut self,
        work: &mut Workspace,
        strategy: Strategy,
        new: &SurfaceRef<'_>,
        old: Option<&SurfaceRef<'_>>,
        rect: SurfaceRect,
    ) -> Result<(), EncodeError> {
        let packed_len = rect.area() as usize * BYTES_PER_PIXEL;
        work.packed.clear();
        for row in 0..rect.height {
            work.packed.extend_from_slice(new.rect_row(&rect, row));
        }
        if let Some(pixel) = uniform_pixel(&work.packed) {
            self.push(rect, Encoding::Fill, &pixel);
            return Ok(());
        }
        let mut use_xor = old.is_some() && strategy != Strategy::Lz4Only;
        let mut use_plain = old.is_none() || strategy != Strategy::XorOnly;
        let row_bytes = rect.width as usize * BYTES_PER_PIXEL;
        let rows = rect.height as usize;
        let large = packed_len > SAMPLE_THRESHOLD;
        if let (Some(old), true, true, true) = (old, use_xor, use_plain, large) {
            // Large rectangle: measure both candidates on evenly spaced
            // bands, then build and compress only the winner in full.
            work.sample.clear();
            for band in sample_bands(rows) {
                let bytes = &work.packed[band.start * row_bytes..band.end * row_bytes];
                work.sample.extend_from_slice(bytes);
            }
            let plain = compress(&work.sample, &mut work.plain, &mut work.table)?;
            work.sample.clear();
            for row in sample_bands(rows).flatten() {
                let new_row = &work.packed[row * row_bytes..(row + 1) * row_bytes];
                let old_row = old.rect_row(&rect, row as u32);
                work.sample.extend(new_row.iter().zip(old_row).map(|(new, old)| new ^ old));
            }
            let delta = compress(&work.sample, &mut work.delta, &mut work.table)?;
            use_xor = delta < plain;
            use_plain = !use_xor;
        }
        if let (Some(old), true) = (old, use_xor) {
            work.xored.resize(packed_len, 0);
            for (row, output) in work.xored.chunks_exact_mut(row_bytes).enumerate() {
                let new_row = &work.packed[row * row_bytes..(row + 1) * row_bytes];
                xor_to(output, new_row, old.rect_row(&rect, row as u32));
            }
        }
        let mut best = (Encoding::Raw, packed_len);
        if use_plain {
            let length = compress(&work.packed, &mut work.plain, &mut work.table)?;
            if length < best.1 {
                best = (Encoding::Lz4, length);
            }
        }
        if use_xor {
            let length = compress(&work.xored, &mut work.delta, &mut work.table)?;
            if length < best.1 {
                best = (Encoding::XorLz4, length);
            }
        }
        let (encoding, length) = best;
        match encoding {
            Encoding::Lz4 => self.push(rect, encoding, &work.plain[..length]),
            Encoding::XorLz4 => self.push(rect, encoding, &work.delta[..length]),
            _ => {
                let packed = core::mem::take(&mut work.packed);
                self.push(rect, Encoding::Raw, &packed);
                work.packed = packed;
            }
        }
        Ok(())
    }
}
