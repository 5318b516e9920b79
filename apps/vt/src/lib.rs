//! weft-vt — a VT/ANSI terminal emulator and the widget that shows it.
//!
//! The emulator is split the way the data flows: [`parser`] turns program
//! output bytes into actions (a DEC VT500-style state machine with UTF-8),
//! [`Screen`] applies them to a grid of [`Cell`]s with a cursor, scroll
//! region, alternate screen and a bounded scrollback, and [`TerminalView`]
//! draws the screen with the theme's monospace face and turns keys, pastes,
//! selection and scrolling into bytes for the program ([`input`]), text
//! for the clipboard, or view changes. An app owns a [`TerminalHandle`],
//! feeds it output and reports the changed rows as damage.
//!
//! Supported: printable text and UTF-8, C0 controls, cursor motion (CUU,
//! CUD, CUF, CUB, CNL, CPL, CHA, CUP, VPA, HPA), erase (ED, EL, ECH),
//! insert/delete of characters and lines, scroll regions and scrolling
//! (DECSTBM, SU, SD, IND, RI, NEL), SGR (bold, faint, italic, underline,
//! inverse, hidden, strike; 16, 256 and direct colours), tab stops, save
//! and restore cursor, the alternate screen (1049, 1047, 47), cursor keys
//! mode, autowrap, origin mode, insert mode, bracketed paste, cursor shape
//! (DECSCUSR), DEC line drawing, status reports (DSR, DA), titles (OSC 0/2).
//!
//! Invariants: no byte sequence makes the emulator panic or grow without
//! bound (parameters, strings and scrollback are capped); the cursor is
//! always on the grid; every grid row is exactly as wide as the screen.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod cell;
mod control;
mod glyphs;
pub mod input;
mod palette;
pub mod parser;
mod screen;
mod selection;
mod terminal;
mod view;

pub use cell::{Attributes, Cell, Color, Style};
pub use glyphs::CellMetrics;
pub use palette::Palette;
pub use screen::{Cursor, CursorShape, DEFAULT_SCROLLBACK, Modes, Row, Screen};
pub use selection::{Granularity, Position, Selection};
pub use terminal::{Terminal, TerminalHandle};
pub use view::{DEFAULT_FONT_SIZE, TerminalView};

#[cfg(test)]
mod tests;
