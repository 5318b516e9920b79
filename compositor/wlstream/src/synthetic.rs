//! Deterministic, realistic-looking test pictures: text-like glyphs,
//! lists and panels drawn into premultiplied RGBA8 buffers.
//!
//! Used by the tests, the measurement example and the viewer's test
//! publisher, so every figure in the docs can be reproduced exactly.

use alloc::vec;
use alloc::vec::Vec;

use crate::surface::SurfaceRef;
use weft_types::SurfaceRect;

/// Width of a glyph cell in pixels.
pub const GLYPH_WIDTH: u32 = 8;
/// Height of a glyph cell in pixels.
pub const GLYPH_HEIGHT: u32 = 16;
/// Height of one list row in pixels.
pub const LIST_ROW: u32 = 28;

/// An owned RGBA8 picture with packed rows (stride = `width * 4`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Canvas {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Pixels, premultiplied RGBA8.
    pub pixels: Vec<u8>,
}

impl Canvas {
    /// A canvas filled with `color`.
    pub fn new(width: u32, height: u32, color: [u8; 4]) -> Canvas {
        let mut pixels = vec![0u8; width as usize * height as usize * 4];
        for pixel in pixels.chunks_exact_mut(4) {
            pixel.copy_from_slice(&color);
        }
        Canvas { width, height, pixels }
    }

    /// A borrowed view for the encoder.
    pub fn surface(&self) -> SurfaceRef<'_> {
        SurfaceRef::new(self.width, self.height, self.width * 4, &self.pixels)
            .expect("canvas geometry is valid") // Synthetic canvases are small and packed.
    }

    fn blend(&mut self, x: u32, y: u32, color: [u8; 4], coverage: u8) {
        if x >= self.width || y >= self.height {
            return;
        }
        let start = (y as usize * self.width as usize + x as usize) * 4;
        let pixel = &mut self.pixels[start..start + 4];
        let coverage = coverage as u32;
        for channel in 0..4 {
            let over = color[channel] as u32 * coverage / 255;
            let under = pixel[channel] as u32 * (255 - coverage * color[3] as u32 / 255) / 255;
            pixel[channel] = (over + under).min(255) as u8;
        }
    }

    /// Fill `rect` (clipped) with `color`.
    pub fn fill(&mut self, rect: SurfaceRect, color: [u8; 4]) {
        let Some(rect) = rect.clipped(self.width, self.height) else {
            return;
        };
        for y in rect.y..rect.y + rect.height {
            let start = (y as usize * self.width as usize + rect.x as usize) * 4;
            let end = start + rect.width as usize * 4;
            for pixel in self.pixels[start..end].chunks_exact_mut(4) {
                pixel.copy_from_slice(&color);
            }
        }
    }

    /// Draw a pseudo-glyph for `code` with its cell's top-left at (`x`, `y`):
    /// a 6×10 stroke pattern with anti-aliased fringes, like rendered text.
    pub fn glyph(&mut self, x: i64, y: i64, code: u32, color: [u8; 4]) {
        if code == u32::from(b' ') {
            return;
        }
        let bits = glyph_bits(code);
        for row in 0..10i64 {
            for column in 0..6i64 {
                let on = bits >> (row * 6 + column) & 1 == 1;
                let left = column > 0 && bits >> (row * 6 + column - 1) & 1 == 1;
                let right = column < 5 && bits >> (row * 6 + column + 1) & 1 == 1;
                let coverage = if on {
                    255
                } else if left || right {
                    70
                } else {
                    0
                };
                let (px, py) = (x + 1 + column, y + 3 + row);
                if coverage > 0 && px >= 0 && py >= 0 {
                    self.blend(px as u32, py as u32, color, coverage);
                }
            }
        }
    }

    /// Draw `text` starting at (`x`, `y`), one glyph cell per byte.
    pub fn text(&mut self, x: i64, y: i64, text: &[u8], color: [u8; 4]) {
        for (index, &byte) in text.iter().enumerate() {
            self.glyph(x + index as i64 * GLYPH_WIDTH as i64, y, u32::from(byte), color);
        }
    }
}

/// A 60-bit stroke pattern per character code (deterministic).
fn glyph_bits(code: u32) -> u64 {
    let mut state = u64::from(code).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x2545_f491_4f6c_dd1d;
    let mut bits = 0u64;
    for _ in 0..3 {
        state ^= state >> 29;
        state = state.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        bits |= state;
    }
    // Thin the pattern so glyphs look like strokes, not blocks.
    let mask = 0x0fff_ffff_ffff_ffffu64;
    (bits & (state.rotate_left(17) | state.rotate_left(31))) & mask
}

/// Deterministic words of printable text.
pub fn words(seed: u64, length: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut text = Vec::with_capacity(length);
    while text.len() < length {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let word = 2 + (state % 8) as usize;
        for index in 0..word {
            text.push(b'a' + ((state >> (8 + index * 5)) % 26) as u8);
        }
        text.push(b' ');
    }
    text.truncate(length);
    text
}

const BACKGROUND: [u8; 4] = [250, 250, 248, 255];
const INK: [u8; 4] = [30, 32, 36, 255];
const SIDEBAR: [u8; 4] = [236, 238, 242, 255];
const TITLE: [u8; 4] = [52, 58, 70, 255];
const ACCENT: [u8; 4] = [40, 110, 220, 255];
const SEPARATOR: [u8; 4] = [220, 222, 226, 255];

/// A page of text like an editor or terminal: `seed` picks the words.
pub fn text_page(width: u32, height: u32, seed: u64) -> Canvas {
    let mut canvas = Canvas::new(width, height, BACKGROUND);
    let columns = (width / GLYPH_WIDTH).saturating_sub(2) as usize;
    for line in 0..height / GLYPH_HEIGHT {
        let text = words(seed.wrapping_add(line as u64), columns);
        // Ragged right edge, like prose.
        let length = columns - (line as usize * 7 % 13).min(columns);
        canvas.text(GLYPH_WIDTH as i64, (line * GLYPH_HEIGHT) as i64, &text[..length], INK);
    }
    canvas
}

/// The list area of [`list_screen`].
pub fn list_area(width: u32, height: u32) -> SurfaceRect {
    SurfaceRect::new(
        200.min(width / 4),
        40.min(height / 8),
        width - 200.min(width / 4),
        height - 40.min(height / 8),
    )
}

/// An app with a title bar, a sidebar and a list scrolled by `offset` pixels.
pub fn list_screen(width: u32, height: u32, offset: u32) -> Canvas {
    let mut canvas = Canvas::new(width, height, BACKGROUND);
    let area = list_area(width, height);
    canvas.fill(SurfaceRect::new(0, 0, width, area.y), TITLE);
    canvas.text(16, 12, b"Files - Documents", [255, 255, 255, 255]);
    canvas.fill(SurfaceRect::new(0, area.y, area.x, area.height), SIDEBAR);
    for entry in 0..12u32 {
        let label = words(1000 + entry as u64, 14);
        canvas.text(12, (area.y + 12 + entry * LIST_ROW) as i64, &label, INK);
    }
    let first = offset / LIST_ROW;
    let rows = area.height / LIST_ROW + 2;
    for item in first..first + rows {
        let top = area.y as i64 + (item * LIST_ROW) as i64 - offset as i64;
        draw_list_row(&mut canvas, &area, top, item);
    }
    canvas
}

fn draw_list_row(canvas: &mut Canvas, area: &SurfaceRect, top: i64, item: u32) {
    let clip = |y: i64| y.clamp(area.y as i64, area.bottom() as i64) as u32;
    let (start, end) = (clip(top), clip(top + LIST_ROW as i64));
    if start >= end {
        return;
    }
    let shade = if item.is_multiple_of(2) { BACKGROUND } else { [244, 245, 247, 255] };
    canvas.fill(SurfaceRect::new(area.x, start, area.width, end - start), shade);
    let icon = [(item * 53 % 200) as u8, (item * 97 % 200) as u8, 180, 255];
    let icon_top = top + 6;
    if icon_top >= area.y as i64 && icon_top + 16 <= area.bottom() as i64 {
        canvas.fill(SurfaceRect::new(area.x + 12, icon_top as u32, 16, 16), icon);
    }
    let text_top = top + 6;
    if text_top >= area.y as i64 && text_top + GLYPH_HEIGHT as i64 <= area.bottom() as i64 {
        let name = words(item as u64 * 31 + 7, 28);
        canvas.text((area.x + 40) as i64, text_top, &name, INK);
        let size = words(item as u64 + 5000, 8);
        canvas.text((area.right() as i64) - 100, text_top, &size, ACCENT);
    }
    let line = top + LIST_ROW as i64 - 1;
    if line >= area.y as i64 && line < area.bottom() as i64 {
        canvas.fill(SurfaceRect::new(area.x, line as u32, area.width, 1), SEPARATOR);
    }
}

/// The three measured situations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// One glyph typed into a page of text (plus the caret moving).
    Glyph,
    /// A file list scrolled by 100 pixels.
    Scroll,
    /// A whole new page of text.
    FullScreen,
    /// A dashboard repainting in full while only 48 numeric cells, spread
    /// over the screen, change (XOR-delta's best case).
    Cells,
}

impl Scenario {
    /// Every scenario.
    pub const ALL: [Scenario; 4] = [Scenario::Glyph, Scenario::Scroll, Scenario::FullScreen, Scenario::Cells];

    /// Short name for reports.
    pub const fn name(self) -> &'static str {
        match self {
            Scenario::Glyph => "one glyph",
            Scenario::Scroll => "scrolled list",
            Scenario::FullScreen => "full-screen change",
            Scenario::Cells => "scattered cells",
        }
    }
}

/// Two consecutive pictures and the damage between them.
#[derive(Clone, Debug)]
pub struct FramePair {
    /// The picture the receiver already has.
    pub before: Canvas,
    /// The new picture.
    pub after: Canvas,
    /// What the client reports as damaged.
    pub damage: Vec<SurfaceRect>,
}

/// Build a scenario at `width` × `height`.
pub fn scenario(kind: Scenario, width: u32, height: u32) -> FramePair {
    match kind {
        Scenario::Glyph => {
            let before = text_page(width, height, 7);
            let mut after = before.clone();
            let (x, y) = (GLYPH_WIDTH * 20, GLYPH_HEIGHT * 10);
            let cell = SurfaceRect::new(x, y, GLYPH_WIDTH, GLYPH_HEIGHT);
            let caret = SurfaceRect::new(x + GLYPH_WIDTH, y, 2, GLYPH_HEIGHT);
            after.fill(SurfaceRect::new(x, y, GLYPH_WIDTH * 2, GLYPH_HEIGHT), BACKGROUND);
            after.glyph(x as i64, y as i64, u32::from(b'k'), INK);
            after.fill(caret, INK);
            let damage = alloc::vec![SurfaceRect::new(x, y, GLYPH_WIDTH * 2, GLYPH_HEIGHT), cell];
            FramePair { before, after, damage }
        }
        Scenario::Scroll => FramePair {
            before: list_screen(width, height, 0),
            after: list_screen(width, height, 100),
            damage: alloc::vec![list_area(width, height)],
        },
        Scenario::FullScreen => FramePair {
            before: text_page(width, height, 7),
            after: text_page(width, height, 99),
            damage: alloc::vec![SurfaceRect::full(width, height)],
        },
        Scenario::Cells => {
            let before = text_page(width, height, 7);
            let mut after = before.clone();
            let (columns, rows) = (8u32, 6u32);
            for cell in 0..columns * rows {
                let x = (cell % columns) * (width / columns) + GLYPH_WIDTH;
                let y = (cell / columns) * (height / rows) + GLYPH_HEIGHT;
                let area = SurfaceRect::new(x, y, GLYPH_WIDTH * 6, GLYPH_HEIGHT);
                after.fill(area, BACKGROUND);
                let digits = [b'0' + (cell % 10) as u8, b'.', b'0' + (cell * 7 % 10) as u8, b'%'];
                after.text(x as i64, y as i64, &digits, ACCENT);
            }
            FramePair { before, after, damage: alloc::vec![SurfaceRect::full(width, height)] }
        }
    }
}
