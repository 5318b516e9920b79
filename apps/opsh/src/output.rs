//! Output for the terminal: text with line ends as CR LF, colours, and
//! tables fitted to the terminal's width.

use alloc::string::String;
use alloc::vec::Vec;

/// Select graphic rendition sequences the shell uses.
pub mod style {
    /// Back to normal.
    pub const RESET: &str = "\x1b[0m";
    /// Bold.
    pub const BOLD: &str = "\x1b[1m";
    /// Faint, for secondary text.
    pub const DIM: &str = "\x1b[2m";
    /// Red, for errors.
    pub const RED: &str = "\x1b[31m";
    /// Green, for healthy states.
    pub const GREEN: &str = "\x1b[32m";
    /// Yellow, for warnings and transitions.
    pub const YELLOW: &str = "\x1b[33m";
    /// Bold blue, for directories.
    pub const DIRECTORY: &str = "\x1b[1;34m";
    /// Cyan, for names and highlights.
    pub const CYAN: &str = "\x1b[36m";
}

/// Text being produced for the terminal.
#[derive(Clone, Debug, Default)]
pub struct Output {
    text: String,
}

impl Output {
    /// Nothing yet.
    pub fn new() -> Output {
        Output::default()
    }

    /// Appends `text` as is (escape sequences included), turning each line
    /// feed into CR LF.
    pub fn write(&mut self, text: &str) {
        for (index, piece) in text.split('\n').enumerate() {
            if index > 0 {
                self.text.push_str("\r\n");
            }
            self.text.push_str(piece);
        }
    }

    /// Appends raw bytes for the terminal (cursor control).
    pub fn raw(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Appends a line.
    pub fn line(&mut self, text: &str) {
        self.write(text);
        self.text.push_str("\r\n");
    }

    /// Appends `text` in `style`, then resets.
    pub fn styled(&mut self, style: &str, text: &str) {
        self.text.push_str(style);
        self.write(text);
        self.text.push_str(style::RESET);
    }

    /// An error line: `command: message`, in red.
    pub fn error(&mut self, command: &str, message: &str) {
        self.styled(style::RED, &alloc::format!("{command}: {message}"));
        self.text.push_str("\r\n");
    }

    /// The text produced.
    pub fn into_string(self) -> String {
        self.text
    }
}

/// Text made safe to print: control characters (escape included) are shown
/// as `^X` so file contents cannot drive the terminal.
pub fn printable(text: &str) -> String {
    let mut safe = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '\n' | '\t' => safe.push(character),
            '\r' => {}
            c if (c as u32) < 0x20 => {
                safe.push('^');
                safe.push((c as u8 + b'@') as char);
            }
            '\u{7f}' => safe.push_str("^?"),
            c if c.is_control() => safe.push('\u{fffd}'),
            c => safe.push(c),
        }
    }
    safe
}

/// How a column is aligned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Text to the left.
    Left,
    /// Numbers to the right.
    Right,
}

/// A cell of a table: its text and an optional style.
#[derive(Clone, Debug)]
pub struct Cell {
    text: String,
    style: Option<&'static str>,
}

impl Cell {
    /// Plain text.
    pub fn plain(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), style: None }
    }

    /// Styled text.
    pub fn styled(text: impl Into<String>, style: &'static str) -> Cell {
        Cell { text: text.into(), style: Some(style) }
    }
}

/// A table with a bold header row; the last column is cut to fit `width`.
pub fn table(output: &mut Output, headers: &[(&str, Align)], rows: &[Vec<Cell>], width: usize) {
    let columns = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|(title, _)| title.chars().count()).collect();
    for row in rows {
        for (index, cell) in row.iter().enumerate().take(columns) {
            widths[index] = widths[index].max(cell.text.chars().count());
        }
    }
    let used: usize = widths[..columns - 1].iter().map(|width| width + 2).sum();
    widths[columns - 1] = widths[columns - 1].min(width.saturating_sub(used).max(4));
    let render = |output: &mut Output, cells: &mut dyn Iterator<Item = (String, Option<&'static str>)>| {
        let mut line = String::new();
        for (index, (text, style)) in cells.enumerate() {
            let (_, align) = headers[index];
            let width = widths[index];
            let text = fit(&text, width);
            let padding = width - text.chars().count();
            let last = index + 1 == columns;
            if align == Align::Right {
                line.extend(core::iter::repeat_n(' ', padding));
            }
            if let Some(style) = style {
                line.push_str(style);
            }
            line.push_str(&text);
            if style.is_some() {
                line.push_str(style::RESET);
            }
            if align == Align::Left && !last {
                line.extend(core::iter::repeat_n(' ', padding));
            }
            if !last {
                line.push_str("  ");
            }
        }
        output.line(line.trim_end());
    };
    let mut header = headers.iter().map(|(title, _)| (String::from(*title), Some(style::BOLD)));
    render(output, &mut header);
    for row in rows {
        let mut cells = row.iter().map(|cell| (cell.text.clone(), cell.style));
        render(output, &mut cells);
    }
}

/// `text` cut to `width` columns, ending in `…` when cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return String::from(text);
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}
