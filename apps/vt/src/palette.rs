//! Terminal colours: the 16 ANSI colours tuned for each theme, the
//! 256-colour cube and grey ramp, and the defaults from the theme.

use weft_theme::{Color as Rgba, Theme};

use crate::cell::{Attributes, Color, Style};

/// The colours a terminal view draws with.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    /// Default text.
    pub foreground: Rgba,
    /// Default background.
    pub background: Rgba,
    /// The cursor.
    pub cursor: Rgba,
    /// Selected cells' highlight.
    pub selection: Rgba,
    /// ANSI colours 0–15.
    pub ansi: [Rgba; 16],
}

const fn hex(value: u32) -> Rgba {
    Rgba::rgb((value >> 16) as u8, (value >> 8) as u8, value as u8)
}

/// ANSI colours readable on a light background.
const LIGHT: [Rgba; 16] = [
    hex(0x1f2329),
    hex(0xc4313b),
    hex(0x25854b),
    hex(0x9a6a00),
    hex(0x2f5fd0),
    hex(0x9237b5),
    hex(0x14808c),
    hex(0xb9bec7),
    hex(0x6b7280),
    hex(0xe0484f),
    hex(0x2f9e5c),
    hex(0xb88300),
    hex(0x4a78e6),
    hex(0xab4fcf),
    hex(0x1a98a6),
    hex(0xf2f3f5),
];

/// ANSI colours readable on a dark background.
const DARK: [Rgba; 16] = [
    hex(0x2b2f37),
    hex(0xf0636b),
    hex(0x5fcf8f),
    hex(0xe8b75a),
    hex(0x6d9bff),
    hex(0xc98af0),
    hex(0x4fc7d3),
    hex(0xc9ced8),
    hex(0x6b7383),
    hex(0xff8a90),
    hex(0x85e0ab),
    hex(0xf5cd7e),
    hex(0x93b5ff),
    hex(0xdcaaf7),
    hex(0x7ad9e2),
    hex(0xf4f5f7),
];

impl Palette {
    /// The palette for `theme`: defaults from its surface and text colours.
    pub fn for_theme(theme: &Theme) -> Palette {
        let colors = &theme.palette;
        Palette {
            foreground: colors.text,
            background: colors.surface,
            cursor: colors.cursor,
            selection: colors.selection,
            ansi: if theme.dark { DARK } else { LIGHT },
        }
    }

    /// An indexed colour: 0–15 ANSI, 16–231 the 6×6×6 cube, 232–255 greys.
    pub fn indexed(&self, index: u8) -> Rgba {
        match index {
            0..=15 => self.ansi[usize::from(index)],
            16..=231 => {
                let cube = index - 16;
                let level = |value: u8| if value == 0 { 0 } else { 55 + value * 40 };
                Rgba::rgb(level(cube / 36), level(cube / 6 % 6), level(cube % 6))
            }
            _ => {
                let grey = 8 + (index - 232) * 10;
                Rgba::rgb(grey, grey, grey)
            }
        }
    }

    fn resolve(&self, color: Color, default: Rgba, bold: bool) -> Rgba {
        match color {
            Color::Default => default,
            // Bold brightens the eight basic colours, as most terminals do.
            Color::Indexed(index) if bold && index < 8 => self.ansi[usize::from(index) + 8],
            Color::Indexed(index) => self.indexed(index),
            Color::Rgb(red, green, blue) => Rgba::rgb(red, green, blue),
        }
    }

    /// Foreground and background of a cell, after bold, faint and inverse.
    pub fn colors(&self, style: &Style) -> (Rgba, Rgba) {
        let bold = style.attributes.contains(Attributes::BOLD);
        let mut foreground = self.resolve(style.foreground, self.foreground, bold);
        let mut background = self.resolve(style.background, self.background, false);
        if style.attributes.contains(Attributes::INVERSE) {
            core::mem::swap(&mut foreground, &mut background);
        }
        if style.attributes.contains(Attributes::DIM) {
            foreground = foreground.mix(background, 0.4);
        }
        (foreground, background)
    }
}
