//! weft-text — text shaping, layout, editing and rendering for Weft.
//!
//! Built on cosmic-text (shaping with harfrust, wrapping, bidi, cursor
//! motion) and swash (glyph rasterisation). A [`TextSystem`] owns the font
//! database (the fonts bundled in `weft-theme`) and the glyph cache.
//! [`TextLayout`] is a shaped, optionally wrapped or ellipsised paragraph;
//! [`TextEditor`] adds a cursor, selection, editing and IME preedit, and
//! reports which lines changed so widgets can damage only those.
//!
//! Invariants: layout happens in logical pixels; rendering rasterises
//! glyphs at `logical size × scale` so text is crisp at any scale factor.
//! Glyphs are drawn only inside the canvas clip.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod editor;
mod layout;
mod render;
mod style;
mod system;

pub use cosmic_text;
pub use editor::{EditorColors, Movement, TextEditor};
pub use layout::{Overflow, TextLayout};
pub use style::{FontFamily, FontWeight, TextStyle};
pub use system::TextSystem;

#[cfg(test)]
mod tests;
