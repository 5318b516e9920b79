//! Measuring the encoding of one frame pair, for benchmarks and reports.
//!
//! Timing needs a clock, which `no_std` lacks, so [`measure`] takes one as
//! a function returning nanoseconds; the `measure` example passes
//! `std::time::Instant`.

use alloc::vec::Vec;

use crate::decoder::Decoder;
use crate::encoder::{EncodeStats, Encoder, EncoderConfig};
use crate::surface::{Limits, SurfaceRef};
use weft_types::SurfaceRect;

/// Sizes and times for one delta frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Measurement {
    /// The uncompressed surface, `stride * height` bytes.
    pub raw_bytes: usize,
    /// The whole new surface as one lz4 block (the naive baseline).
    pub lz4_whole_bytes: usize,
    /// The delta frame as encoded.
    pub encoded: EncodeStats,
    /// Encoding time of the delta frame, nanoseconds (best of the runs).
    pub encode_ns: u64,
    /// Decoding time of the delta frame, nanoseconds (best of the runs).
    pub decode_ns: u64,
    /// Whether the decoded picture equals the new surface.
    pub exact: bool,
}

/// Encode `before` as a keyframe, then measure encoding and decoding the
/// delta to `after` with `damage`, `runs` times (≥ 1), keeping the best
/// times. `clock` returns monotonic nanoseconds.
pub fn measure(
    config: EncoderConfig,
    before: &SurfaceRef<'_>,
    after: &SurfaceRef<'_>,
    damage: &[SurfaceRect],
    runs: u32,
    clock: &dyn Fn() -> u64,
) -> Measurement {
    let mut result = Measurement {
        raw_bytes: after.stride() as usize * after.height() as usize,
        lz4_whole_bytes: lz4_flex::block::compress(after.pixels()).len(),
        ..Measurement::default()
    };
    let (mut best_encode, mut best_decode) = (u64::MAX, u64::MAX);
    let mut keyframe = Vec::new();
    let mut delta = Vec::new();
    for _ in 0..runs.max(1) {
        let mut encoder = Encoder::with_config(1, config);
        let mut decoder = Decoder::new(Limits::default());
        if encoder.encode(before, &[], 0, &mut keyframe).is_err() || decoder.decode(&keyframe).is_err() {
            return result;
        }
        let start = clock();
        let Ok(stats) = encoder.encode(after, damage, 1, &mut delta) else {
            return result;
        };
        let encoded = clock();
        let decoded_ok = decoder.decode(&delta).is_ok();
        let decoded = clock();
        best_encode = best_encode.min(encoded - start);
        best_decode = best_decode.min(decoded - encoded);
        result.encoded = stats;
        result.exact = decoded_ok && decoder.surface().is_some_and(|surface| same_picture(&surface, after));
    }
    result.encode_ns = best_encode;
    result.decode_ns = best_decode;
    result
}

fn same_picture(left: &SurfaceRef<'_>, right: &SurfaceRef<'_>) -> bool {
    let full = SurfaceRect::full(left.width(), left.height());
    left.width() == right.width()
        && left.height() == right.height()
        && (0..left.height()).all(|row| left.rect_row(&full, row) == right.rect_row(&full, row))
}
