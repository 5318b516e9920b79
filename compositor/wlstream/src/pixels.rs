//! Small pixel-row helpers shared by the encoder and decoder.

/// `target ^= source`, byte by byte (the slices have equal length).
pub(crate) fn xor_into(target: &mut [u8], source: &[u8]) {
    for (target, source) in target.iter_mut().zip(source) {
        *target ^= *source;
    }
}

/// `output = left ^ right`, byte by byte (the slices have equal length).
pub(crate) fn xor_to(output: &mut [u8], left: &[u8], right: &[u8]) {
    for ((output, left), right) in output.iter_mut().zip(left).zip(right) {
        *output = *left ^ *right;
    }
}

/// The one pixel every pixel of `packed` equals, if any.
pub(crate) fn uniform_pixel(packed: &[u8]) -> Option<[u8; 4]> {
    let first = packed.get(..4)?;
    if packed.chunks_exact(4).all(|pixel| pixel == first) {
        let mut pixel = [0u8; 4];
        pixel.copy_from_slice(first);
        Some(pixel)
    } else {
        None
    }
}

/// First and last pixel index at which two equal-length rows differ.
pub(crate) fn changed_span(new: &[u8], old: &[u8]) -> Option<(usize, usize)> {
    if new == old {
        return None;
    }
    let differs = |index: &usize| new[index * 4..index * 4 + 4] != old[index * 4..index * 4 + 4];
    let pixels = new.len() / 4;
    let first = (0..pixels).find(differs)?;
    let last = (first..pixels).rev().find(differs)?;
    Some((first, last))
}

/// A fast non-cryptographic hash of a row (collisions only cost
/// compression, never correctness).
pub(crate) fn row_hash(row: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let word = |bytes: &[u8]| {
        let mut word = [0u8; 8];
        word.copy_from_slice(bytes);
        u64::from_le_bytes(word)
    };
    // Four independent lanes keep the multiplier busy.
    let mut lanes = [row.len() as u64, 1, 2, 3];
    let mut blocks = row.chunks_exact(32);
    for block in &mut blocks {
        for (lane, bytes) in lanes.iter_mut().zip(block.chunks_exact(8)) {
            *lane = (lane.rotate_left(5) ^ word(bytes)).wrapping_mul(K);
        }
    }
    let mut hash = lanes.iter().fold(0u64, |hash, lane| (hash.rotate_left(17) ^ lane).wrapping_mul(K));
    for &byte in blocks.remainder() {
        hash = (hash.rotate_left(5) ^ byte as u64).wrapping_mul(K);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_finds_both_ends() {
        let old = [0u8; 40];
        let mut new = old;
        new[8] = 1;
        new[31] = 1;
        assert_eq!(changed_span(&new, &old), Some((2, 7)));
        assert_eq!(changed_span(&old, &old), None);
    }

    #[test]
    fn uniform() {
        assert_eq!(uniform_pixel(&[1, 2, 3, 4, 1, 2, 3, 4]), Some([1, 2, 3, 4]));
        assert_eq!(uniform_pixel(&[1, 2, 3, 4, 1, 2, 3, 5]), None);
    }
}
