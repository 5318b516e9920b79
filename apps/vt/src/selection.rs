//! Selecting text on the screen and in the scrollback.
//!
//! Positions are (line id, column): line ids stay valid while output
//! scrolls, so a selection keeps covering the same text.

use alloc::string::String;

use crate::screen::Screen;

/// A cell position in the history: a line id and a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Line id (see [`Screen::line`]).
    pub line: u64,
    /// Column.
    pub column: usize,
}

/// What a drag extends by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Granularity {
    /// Single cells (one click).
    Cell,
    /// Whole words (double click).
    Word,
    /// Whole lines (triple click).
    Line,
}

/// A selection from an anchor to the current head.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    anchor: Position,
    head: Position,
    granularity: Granularity,
}

impl Selection {
    /// A selection starting (and for now ending) at `at`.
    pub fn new(at: Position, granularity: Granularity) -> Selection {
        Selection { anchor: at, head: at, granularity }
    }

    /// Moves the moving end to `to`.
    pub fn extend(&mut self, to: Position) {
        self.head = to;
    }

    /// Whether nothing is selected (a click without a drag).
    pub fn is_empty(&self) -> bool {
        self.granularity == Granularity::Cell && self.anchor == self.head
    }

    /// The selected span: first cell and the cell after the last one,
    /// widened to words or lines.
    pub fn span(&self, screen: &Screen) -> (Position, Position) {
        let (mut start, mut end) =
            if self.anchor <= self.head { (self.anchor, self.head) } else { (self.head, self.anchor) };
        match self.granularity {
            Granularity::Cell => end.column = end.column.saturating_add(1),
            Granularity::Word => {
                start.column = word_start(screen, start);
                end.column = word_end(screen, end) + 1;
            }
            Granularity::Line => {
                start.column = 0;
                end.column = usize::MAX;
            }
        }
        (start, end)
    }

    /// Whether the cell at (`line`, `column`) is selected.
    pub fn contains(&self, screen: &Screen, line: u64, column: usize) -> bool {
        let (start, end) = self.span(screen);
        let position = Position { line, column };
        start <= position && (line < end.line || (line == end.line && column < end.column))
    }

    /// The selected text: lines end with a newline unless they wrapped
    /// into the next; trailing blanks are dropped.
    pub fn text(&self, screen: &Screen) -> String {
        let (start, end) = self.span(screen);
        let mut text = String::new();
        for id in start.line..=end.line {
            let Some(row) = screen.line(id) else { continue };
            let from = if id == start.line { start.column } else { 0 };
            let to = if id == end.line { end.column.min(row.cells.len()) } else { row.cells.len() };
            let piece: String = row.cells.iter().take(to).skip(from).map(|cell| cell.character).collect();
            let continues = row.wrapped && to >= row.cells.len();
            if continues {
                text.push_str(&piece);
            } else {
                text.push_str(piece.trim_end());
                if id != end.line {
                    text.push('\n');
                }
            }
        }
        text
    }
}

fn is_word(character: char) -> bool {
    character.is_alphanumeric() || "-_./~:@%+".contains(character)
}

fn character_at(screen: &Screen, line: u64, column: usize) -> char {
    screen.line(line).and_then(|row| row.cells.get(column)).map_or(' ', |cell| cell.character)
}

fn word_start(screen: &Screen, at: Position) -> usize {
    if !is_word(character_at(screen, at.line, at.column)) {
        return at.column;
    }
    let mut column = at.column;
    while column > 0 && is_word(character_at(screen, at.line, column - 1)) {
        column -= 1;
    }
    column
}

fn word_end(screen: &Screen, at: Position) -> usize {
    if !is_word(character_at(screen, at.line, at.column)) {
        return at.column;
    }
    let width = screen.line(at.line).map_or(0, |row| row.cells.len());
    let mut column = at.column;
    while column + 1 < width && is_word(character_at(screen, at.line, column + 1)) {
        column += 1;
    }
    column
}
