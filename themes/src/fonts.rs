//! The bundled fonts, as bytes ready for a font system.
//!
//! Inter (SIL OFL 1.1) is the UI face in regular and semibold; DejaVu Sans
//! Mono (Bitstream Vera licence) is the monospace face. Licences sit beside
//! the files in `themes/fonts/`.

/// Family name of the UI sans face, as the font itself declares it.
pub const SANS_FAMILY: &str = "Inter";
/// Family name of the monospace face.
pub const MONO_FAMILY: &str = "DejaVu Sans Mono";

/// Inter Regular (weight 400).
pub static INTER_REGULAR: &[u8] = include_bytes!("../fonts/Inter-Regular.otf");
/// Inter SemiBold (weight 600).
pub static INTER_SEMIBOLD: &[u8] = include_bytes!("../fonts/Inter-SemiBold.otf");
/// DejaVu Sans Mono (weight 400).
pub static DEJAVU_SANS_MONO: &[u8] = include_bytes!("../fonts/DejaVuSansMono.ttf");

/// Every bundled font file.
pub static ALL: [&[u8]; 3] = [INTER_REGULAR, INTER_SEMIBOLD, DEJAVU_SANS_MONO];
