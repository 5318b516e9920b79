//! Cell metrics and per-character glyph layouts for the monospace face.

use alloc::collections::BTreeMap;

use weft_paint::{Canvas, Color, Point};
use weft_text::{Overflow, TextLayout, TextStyle, TextSystem};

/// Line height of terminal text as a multiple of the font size.
const LINE_HEIGHT: f32 = 1.3;

/// The size of one cell, in logical pixels that are whole physical pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CellMetrics {
    /// Cell width.
    pub width: f32,
    /// Cell height (line height).
    pub height: f32,
    /// The scale the metrics were rounded for.
    pub scale: f32,
}

/// Shaped single characters, drawn cell by cell so the grid never drifts
/// whatever the font's advance or a fallback face's.
#[derive(Debug)]
pub struct Glyphs {
    style: TextStyle,
    layouts: BTreeMap<char, TextLayout>,
}

impl Glyphs {
    /// Glyphs of the monospace face at `size` logical pixels.
    pub fn new(size: f32) -> Glyphs {
        Glyphs {
            style: TextStyle { line_height: LINE_HEIGHT, ..TextStyle::mono(size) },
            layouts: BTreeMap::new(),
        }
    }

    /// Measures the cell at `scale`: the face's advance and the line
    /// height, each rounded to whole physical pixels.
    pub fn metrics(&self, text: &mut TextSystem, scale: f32) -> CellMetrics {
        const SAMPLE: usize = 64;
        let sample: alloc::string::String = core::iter::repeat_n('M', SAMPLE).collect();
        let layout = TextLayout::new(text, &sample, self.style, Overflow::Clip);
        let advance = layout.size().width / SAMPLE as f32;
        let round = |value: f32| ((value * scale + 0.5) as u32).max(1) as f32 / scale;
        CellMetrics { width: round(advance), height: round(self.style.line_height_pixels()), scale }
    }

    /// Draws `character` with its cell's top-left at `origin`.
    pub fn draw(
        &mut self,
        text: &mut TextSystem,
        canvas: &mut Canvas<'_>,
        character: char,
        origin: Point,
        color: Color,
    ) {
        let style = self.style;
        let layout = self.layouts.entry(character).or_insert_with(|| {
            let mut buffer = [0u8; 4];
            TextLayout::new(text, character.encode_utf8(&mut buffer), style, Overflow::Clip)
        });
        layout.draw(text, canvas, origin, color);
    }

    /// Forgets shaped glyphs (after a font change).
    pub fn clear(&mut self) {
        self.layouts.clear();
    }
}
