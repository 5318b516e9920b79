//! Cells of the grid and how they look.

/// A colour as the program asked for it; the view maps it to pixels
/// through its palette.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Color {
    /// The terminal's default foreground or background.
    #[default]
    Default,
    /// An entry of the 256-colour palette (0–15: the ANSI colours).
    Indexed(u8),
    /// A direct colour.
    Rgb(u8, u8, u8),
}

/// Text attributes, as bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Attributes(u8);

impl Attributes {
    /// Bold (drawn heavier and, for ANSI colours 0–7, brighter).
    pub const BOLD: Attributes = Attributes(1);
    /// Faint.
    pub const DIM: Attributes = Attributes(1 << 1);
    /// Italic (kept, drawn upright: the bundled face has no italic).
    pub const ITALIC: Attributes = Attributes(1 << 2);
    /// Underlined.
    pub const UNDERLINE: Attributes = Attributes(1 << 3);
    /// Foreground and background swapped.
    pub const INVERSE: Attributes = Attributes(1 << 4);
    /// Not drawn (still selectable).
    pub const HIDDEN: Attributes = Attributes(1 << 5);
    /// Struck through.
    pub const STRIKE: Attributes = Attributes(1 << 6);

    /// No attributes.
    pub const fn empty() -> Attributes {
        Attributes(0)
    }

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: Attributes) -> bool {
        self.0 & other.0 == other.0
    }

    /// Sets or clears the bits of `other`.
    pub fn set(&mut self, other: Attributes, on: bool) {
        if on {
            self.0 |= other.0;
        } else {
            self.0 &= !other.0;
        }
    }
}

/// How a cell is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Style {
    /// Foreground (text) colour.
    pub foreground: Color,
    /// Background colour.
    pub background: Color,
    /// Attributes.
    pub attributes: Attributes,
}

/// One character cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The character (a space when empty).
    pub character: char,
    /// Its look.
    pub style: Style,
}

impl Default for Cell {
    fn default() -> Cell {
        Cell { character: ' ', style: Style::default() }
    }
}

impl Cell {
    /// An empty cell that keeps `style`'s background (erasing paints the
    /// current background, as xterm does).
    pub fn blank(style: Style) -> Cell {
        Cell {
            character: ' ',
            style: Style {
                foreground: Color::Default,
                background: style.background,
                attributes: Attributes::empty(),
            },
        }
    }
}
