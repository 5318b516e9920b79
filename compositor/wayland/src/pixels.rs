//! wl_shm pixel formats and their conversion to Weft's premultiplied RGBA.
//!
//! Wayland shared-memory formats name channels from the most significant
//! bit of a little-endian 32-bit word, so `ARGB8888` is the byte sequence
//! B, G, R, A in memory. Colour in Wayland buffers is premultiplied by
//! alpha (every compositor blends it that way), which is also what Weft's
//! `Rgba8Premultiplied` holds, so conversion only moves bytes; the `X`
//! formats have no alpha and become opaque.

/// A wl_shm format the bridge accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShmFormat {
    /// Bytes B, G, R, A (premultiplied). Every client can use it.
    Argb8888,
    /// Bytes B, G, R, unused. Every client can use it.
    Xrgb8888,
    /// Bytes R, G, B, A (premultiplied).
    Abgr8888,
    /// Bytes R, G, B, unused.
    Xbgr8888,
}

impl ShmFormat {
    /// Every format, in the order they are advertised.
    pub const ALL: [ShmFormat; 4] =
        [ShmFormat::Argb8888, ShmFormat::Xrgb8888, ShmFormat::Abgr8888, ShmFormat::Xbgr8888];

    /// Bytes per pixel (all four formats are 32-bit).
    pub const BYTES_PER_PIXEL: usize = 4;

    /// Whether every pixel is opaque whatever the buffer holds.
    pub fn is_opaque(self) -> bool {
        matches!(self, ShmFormat::Xrgb8888 | ShmFormat::Xbgr8888)
    }

    /// Convert one row of `pixels` pixels from `source` (this format) into
    /// `target` (premultiplied RGBA). Both slices must hold at least
    /// `pixels` × 4 bytes; extra bytes are left alone.
    pub fn convert_row(self, source: &[u8], target: &mut [u8], pixels: usize) {
        let bytes = pixels * Self::BYTES_PER_PIXEL;
        let (source, target) = (&source[..bytes], &mut target[..bytes]);
        match self {
            ShmFormat::Abgr8888 => target.copy_from_slice(source),
            ShmFormat::Argb8888 => {
                for (from, to) in source.chunks_exact(4).zip(target.chunks_exact_mut(4)) {
                    to.copy_from_slice(&[from[2], from[1], from[0], from[3]]);
                }
            }
            ShmFormat::Xrgb8888 => {
                for (from, to) in source.chunks_exact(4).zip(target.chunks_exact_mut(4)) {
                    to.copy_from_slice(&[from[2], from[1], from[0], 0xff]);
                }
            }
            ShmFormat::Xbgr8888 => {
                for (from, to) in source.chunks_exact(4).zip(target.chunks_exact_mut(4)) {
                    to.copy_from_slice(&[from[0], from[1], from[2], 0xff]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One pixel, as a little-endian 32-bit word would lay it out.
    fn word(value: u32) -> [u8; 4] {
        value.to_le_bytes()
    }

    #[test]
    fn argb_words_become_rgba_bytes() {
        let source = [word(0x80_40_20_10), word(0xff_ff_00_00)].concat();
        let mut target = [0u8; 8];
        ShmFormat::Argb8888.convert_row(&source, &mut target, 2);
        assert_eq!(target, [0x40, 0x20, 0x10, 0x80, 0xff, 0x00, 0x00, 0xff]);
    }

    #[test]
    fn x_formats_are_opaque_whatever_the_padding_says() {
        let source = word(0x00_11_22_33);
        let mut target = [0u8; 4];
        ShmFormat::Xrgb8888.convert_row(&source, &mut target, 1);
        assert_eq!(target, [0x11, 0x22, 0x33, 0xff]);
        ShmFormat::Xbgr8888.convert_row(&source, &mut target, 1);
        assert_eq!(target, [0x33, 0x22, 0x11, 0xff]);
        assert!(ShmFormat::Xbgr8888.is_opaque() && !ShmFormat::Abgr8888.is_opaque());
    }

    #[test]
    fn abgr_is_already_rgba() {
        let source = word(0x80_40_20_10);
        let mut target = [0u8; 4];
        ShmFormat::Abgr8888.convert_row(&source, &mut target, 1);
        assert_eq!(target, [0x10, 0x20, 0x40, 0x80]);
    }

    #[test]
    fn only_the_named_pixels_are_written() {
        let source = [word(0xff_01_02_03), word(0xff_04_05_06)].concat();
        let mut target = [9u8; 8];
        ShmFormat::Argb8888.convert_row(&source, &mut target, 1);
        assert_eq!(target, [1, 2, 3, 0xff, 9, 9, 9, 9]);
    }
}
