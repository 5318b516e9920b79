//! The line being typed: its text, the cursor, and how to redraw it on a
//! terminal of a given width (including lines that wrap).

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// The edited line.
#[derive(Clone, Debug, Default)]
pub struct LineEditor {
    text: Vec<char>,
    cursor: usize,
    /// Terminal rows between the prompt's first row and the cursor's row.
    cursor_row: usize,
}

fn is_word(character: char) -> bool {
    character.is_alphanumeric() || character == '_'
}

impl LineEditor {
    /// An empty line.
    pub fn new() -> LineEditor {
        LineEditor::default()
    }

    /// The text.
    pub fn text(&self) -> String {
        self.text.iter().collect()
    }

    /// The text before the cursor.
    pub fn before_cursor(&self) -> String {
        self.text[..self.cursor].iter().collect()
    }

    /// The cursor, in characters from the start.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Whether the line is empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Replaces the text; the cursor goes to the end.
    pub fn set(&mut self, text: &str) {
        self.text = text.chars().collect();
        self.cursor = self.text.len();
    }

    /// Empties the line and returns what it held.
    pub fn take(&mut self) -> String {
        let text = self.text();
        self.text.clear();
        self.cursor = 0;
        self.cursor_row = 0;
        text
    }

    /// Inserts at the cursor.
    pub fn insert(&mut self, text: &str) {
        for character in text.chars() {
            self.text.insert(self.cursor, character);
            self.cursor += 1;
        }
    }

    /// Deletes the character before the cursor.
    pub fn backspace(&mut self) -> bool {
        if self.cursor == 0 {
            return false;
        }
        self.cursor -= 1;
        self.text.remove(self.cursor);
        true
    }

    /// Deletes the character at the cursor.
    pub fn delete(&mut self) -> bool {
        if self.cursor >= self.text.len() {
            return false;
        }
        self.text.remove(self.cursor);
        true
    }

    /// Moves left; returns whether it moved.
    pub fn left(&mut self) -> bool {
        let moved = self.cursor > 0;
        self.cursor = self.cursor.saturating_sub(1);
        moved
    }

    /// Moves right.
    pub fn right(&mut self) -> bool {
        let moved = self.cursor < self.text.len();
        self.cursor = (self.cursor + 1).min(self.text.len());
        moved
    }

    /// To the start.
    pub fn home(&mut self) {
        self.cursor = 0;
    }

    /// To the end.
    pub fn end(&mut self) {
        self.cursor = self.text.len();
    }

    fn word_start_before(&self, from: usize) -> usize {
        let mut position = from;
        while position > 0 && !is_word(self.text[position - 1]) {
            position -= 1;
        }
        while position > 0 && is_word(self.text[position - 1]) {
            position -= 1;
        }
        position
    }

    fn word_end_after(&self, from: usize) -> usize {
        let mut position = from;
        while position < self.text.len() && !is_word(self.text[position]) {
            position += 1;
        }
        while position < self.text.len() && is_word(self.text[position]) {
            position += 1;
        }
        position
    }

    /// To the start of this or the previous word.
    pub fn word_left(&mut self) {
        self.cursor = self.word_start_before(self.cursor);
    }

    /// To the end of this or the next word.
    pub fn word_right(&mut self) {
        self.cursor = self.word_end_after(self.cursor);
    }

    /// Deletes from the start of the previous word to the cursor.
    pub fn delete_word_back(&mut self) {
        let start = self.word_start_before(self.cursor);
        self.text.drain(start..self.cursor);
        self.cursor = start;
    }

    /// Deletes from the cursor to the end of the next word.
    pub fn delete_word_forward(&mut self) {
        let end = self.word_end_after(self.cursor);
        self.text.drain(self.cursor..end);
    }

    /// Deletes everything before the cursor.
    pub fn kill_to_start(&mut self) {
        self.text.drain(..self.cursor);
        self.cursor = 0;
    }

    /// Deletes everything from the cursor on.
    pub fn kill_to_end(&mut self) {
        self.text.truncate(self.cursor);
    }

    /// Bytes that redraw `prompt` (which occupies `prompt_width` columns)
    /// and the line on a terminal `width` columns wide, leaving the
    /// terminal's cursor at the editing cursor. Assumes the terminal cursor
    /// is where the previous redraw left it.
    pub fn render(&mut self, prompt: &str, prompt_width: usize, width: usize) -> String {
        let width = width.max(1);
        let mut out = String::new();
        if self.cursor_row > 0 {
            let _ = write!(out, "\x1b[{}A", self.cursor_row);
        }
        out.push('\r');
        out.push_str("\x1b[J");
        out.push_str(prompt);
        out.extend(self.text.iter());
        let end = prompt_width + self.text.len();
        // Written up to the last column, the cursor waits there: step onto
        // the next row so both cases continue alike.
        if end > 0 && end.is_multiple_of(width) {
            out.push_str("\r\n");
        }
        let end_row = end / width;
        let target = prompt_width + self.cursor;
        let (target_row, target_column) = (target / width, target % width);
        if end_row > target_row {
            let _ = write!(out, "\x1b[{}A", end_row - target_row);
        }
        out.push('\r');
        if target_column > 0 {
            let _ = write!(out, "\x1b[{target_column}C");
        }
        self.cursor_row = target_row;
        out
    }

    /// Bytes that move the terminal cursor from the editing cursor to the
    /// start of the row after the line (before running it or printing).
    pub fn finish(&mut self, prompt_width: usize, width: usize) -> String {
        let width = width.max(1);
        let end_row = (prompt_width + self.text.len()) / width;
        let mut out = String::new();
        let end = prompt_width + self.text.len();
        let last_row = if end > 0 && end.is_multiple_of(width) { end_row - 1 } else { end_row };
        if last_row > self.cursor_row {
            let _ = write!(out, "\x1b[{}B", last_row - self.cursor_row);
        }
        out.push_str("\r\n");
        self.cursor_row = 0;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing_by_character_and_word() {
        let mut line = LineEditor::new();
        line.insert("svc status log");
        line.word_left();
        assert_eq!(line.cursor(), 11);
        line.word_left();
        line.delete_word_back();
        assert_eq!(line.text(), "status log");
        line.end();
        line.backspace();
        line.home();
        line.delete();
        assert_eq!(line.text(), "tatus lo");
        line.word_right();
        line.kill_to_end();
        assert_eq!(line.text(), "tatus");
        line.kill_to_start();
        assert!(line.is_empty());
    }

    #[test]
    fn redraw_places_the_cursor_even_when_the_line_wraps() {
        let mut line = LineEditor::new();
        line.insert("abcdef");
        line.left();
        // Prompt "$ " (2 columns) on a 4-column terminal: rows "$ ab", "cdef".
        let out = line.render("$ ", 2, 4);
        assert!(out.starts_with("\r\x1b[J$ abcdef"), "{out:?}");
        // Line ends exactly at the margin: step to the next row, then up one
        // row to the cursor (row 1, column 3).
        assert!(out.ends_with("\r\n\x1b[1A\r\x1b[3C"), "{out:?}");
        // The next redraw starts by going up to the prompt's row.
        assert!(line.render("$ ", 2, 4).starts_with("\x1b[1A\r"));
        assert_eq!(line.finish(2, 4), "\r\n");
    }
}
