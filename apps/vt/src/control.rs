//! What control characters and sequences do to the screen.

use alloc::string::String;

use crate::cell::{Attributes, Cell, Color, Style};
use crate::parser::{ControlSequence, Perform};
use crate::screen::{CursorShape, Screen};

impl Perform for Screen {
    fn print(&mut self, character: char) {
        Screen::print(self, character);
    }

    fn execute(&mut self, control: u8) {
        match control {
            0x07 => self.bell = true,
            0x08 => {
                self.cursor.column = self.cursor.column.saturating_sub(1);
                self.cursor.pending_wrap = false;
            }
            0x09 => self.tab_forward(1),
            0x0a..=0x0c => {
                self.index();
                if self.modes.newline {
                    self.cursor.column = 0;
                }
            }
            0x0d => {
                self.cursor.column = 0;
                self.cursor.pending_wrap = false;
            }
            0x0e => self.shifted_out = true,
            0x0f => self.shifted_out = false,
            _ => {}
        }
    }

    fn csi(&mut self, sequence: &ControlSequence<'_>) {
        match (sequence.private, sequence.intermediates, sequence.final_byte) {
            (None, [], _) => self.plain_csi(sequence),
            (Some(b'?'), [], b'h') => self.set_private_modes(sequence, true),
            (Some(b'?'), [], b'l') => self.set_private_modes(sequence, false),
            (Some(b'?'), [], b'J') => self.erase_display(sequence.parameter(0, 0)),
            (Some(b'?'), [], b'K') => self.erase_line(sequence.parameter(0, 0)),
            (Some(b'>'), [], b'c') => self.replies.extend_from_slice(b"\x1b[>0;10;1c"),
            (None, [b' '], b'q') => {
                self.shape = match sequence.parameter(0, 1) {
                    3 | 4 => CursorShape::Underline,
                    5 | 6 => CursorShape::Bar,
                    _ => CursorShape::Block,
                };
                let row = self.cursor.row;
                self.mark(row);
            }
            (None, [b'!'], b'p') => self.soft_reset(),
            _ => {}
        }
    }

    fn escape(&mut self, intermediates: &[u8], final_byte: u8) {
        match (intermediates, final_byte) {
            ([], b'7') => self.saved = Some(self.cursor),
            ([], b'8') => self.restore_cursor(),
            ([], b'D') => self.index(),
            ([], b'E') => {
                self.index();
                self.cursor.column = 0;
            }
            ([], b'M') => self.reverse_index(),
            ([], b'H') => {
                let column = self.cursor.column;
                if let Some(stop) = self.tabs.get_mut(column) {
                    *stop = true;
                }
            }
            ([], b'c') => self.reset(),
            ([b'('], designation) => self.graphics[0] = designation == b'0',
            ([b')'], designation) => self.graphics[1] = designation == b'0',
            ([b'#'], b'8') => {
                // DECALN: fill the screen with `E` (alignment test).
                for row in 0..self.rows {
                    for cell in &mut self.grid[row].cells {
                        *cell = Cell { character: 'E', style: Style::default() };
                    }
                }
                self.mark_all();
            }
            _ => {}
        }
    }

    fn osc(&mut self, text: &[u8]) {
        let text = String::from_utf8_lossy(text);
        if let Some((command, value)) = text.split_once(';')
            && matches!(command, "0" | "2")
        {
            self.title = Some(value.chars().filter(|c| !c.is_control()).take(256).collect());
        }
    }
}

impl Screen {
    fn plain_csi(&mut self, sequence: &ControlSequence<'_>) {
        let count = usize::from(sequence.parameter(0, 1));
        let (row, column) = (self.cursor.row, self.cursor.column);
        match sequence.final_byte {
            b'@' => self.insert_cells(count),
            b'A' => {
                let floor = if row >= self.top { self.top } else { 0 };
                self.cursor.row = row.saturating_sub(count).max(floor);
                self.cursor.pending_wrap = false;
            }
            b'B' | b'e' => {
                let ceiling = if row <= self.bottom { self.bottom } else { self.rows - 1 };
                self.cursor.row = (row + count).min(ceiling);
                self.cursor.pending_wrap = false;
            }
            b'C' | b'a' => {
                self.cursor.column = (column + count).min(self.columns - 1);
                self.cursor.pending_wrap = false;
            }
            b'D' => {
                self.cursor.column = column.saturating_sub(count);
                self.cursor.pending_wrap = false;
            }
            b'E' => {
                self.execute_csi_vertical(count, true);
            }
            b'F' => {
                self.execute_csi_vertical(count, false);
            }
            b'G' | b'`' => {
                self.cursor.column = (count - 1).min(self.columns - 1);
                self.cursor.pending_wrap = false;
            }
            b'H' | b'f' => {
                let target_row = usize::from(sequence.parameter(0, 1)) - 1;
                let target_column = usize::from(sequence.parameter(1, 1)) - 1;
                self.move_to(target_row, target_column);
            }
            b'I' => self.tab_forward(count),
            b'J' => self.erase_display(sequence.parameter(0, 0)),
            b'K' => self.erase_line(sequence.parameter(0, 0)),
            b'L' => self.shift_lines(count, true),
            b'M' => self.shift_lines(count, false),
            b'P' => self.delete_cells(count),
            b'S' => self.scroll_up(count),
            b'T' => self.scroll_down(count),
            b'X' => self.erase_cells(row, column, column + count),
            b'Z' => {
                for _ in 0..count {
                    self.cursor.column = (0..self.cursor.column).rev().find(|c| self.tabs[*c]).unwrap_or(0);
                }
                self.cursor.pending_wrap = false;
            }
            b'b' => {
                if let Some(character) = self.last_printed {
                    for _ in 0..count.min(self.columns * self.rows) {
                        Screen::print(self, character);
                    }
                }
            }
            b'c' => self.replies.extend_from_slice(b"\x1b[?62;22c"),
            b'd' => {
                let target = usize::from(sequence.parameter(0, 1)) - 1;
                let column = self.cursor.column;
                self.move_to(target, column);
            }
            b'g' => match sequence.parameter(0, 0) {
                0 => {
                    if let Some(stop) = self.tabs.get_mut(column) {
                        *stop = false;
                    }
                }
                3 => self.tabs.iter_mut().for_each(|stop| *stop = false),
                _ => {}
            },
            b'h' | b'l' => {
                let on = sequence.final_byte == b'h';
                for mode in sequence.parameters {
                    match mode {
                        4 => self.modes.insert = on,
                        20 => self.modes.newline = on,
                        _ => {}
                    }
                }
            }
            b'm' => self.select_graphic_rendition(sequence.parameters),
            b'n' => match sequence.parameter(0, 0) {
                5 => self.replies.extend_from_slice(b"\x1b[0n"),
                6 => {
                    let reported_row = if self.modes.origin { row - self.top } else { row };
                    let reply = alloc::format!("\x1b[{};{}R", reported_row + 1, column + 1);
                    self.replies.extend_from_slice(reply.as_bytes());
                }
                _ => {}
            },
            b'r' => {
                let top = usize::from(sequence.parameter(0, 1)) - 1;
                let bottom = (usize::from(sequence.parameter(1, self.rows as u16)) - 1).min(self.rows - 1);
                if top < bottom {
                    self.top = top;
                    self.bottom = bottom;
                    self.move_to(0, 0);
                }
            }
            b's' => self.saved = Some(self.cursor),
            b'u' => self.restore_cursor(),
            _ => {}
        }
    }

    fn execute_csi_vertical(&mut self, count: usize, down: bool) {
        let row = self.cursor.row;
        self.cursor.row =
            if down { (row + count).min(self.bottom.max(row)) } else { row.saturating_sub(count) };
        self.cursor.column = 0;
        self.cursor.pending_wrap = false;
    }

    fn tab_forward(&mut self, count: usize) {
        for _ in 0..count {
            let next = (self.cursor.column + 1..self.columns).find(|c| self.tabs[*c]);
            self.cursor.column = next.unwrap_or(self.columns - 1);
        }
    }

    fn restore_cursor(&mut self) {
        let row = self.cursor.row;
        self.mark(row);
        if let Some(saved) = self.saved {
            self.cursor = saved;
            self.cursor.row = self.cursor.row.min(self.rows - 1);
            self.cursor.column = self.cursor.column.min(self.columns - 1);
        } else {
            self.cursor.row = 0;
            self.cursor.column = 0;
            self.cursor.style = Style::default();
        }
    }

    fn soft_reset(&mut self) {
        self.modes = Default::default();
        self.cursor.style = Style::default();
        self.top = 0;
        self.bottom = self.rows - 1;
        self.saved = None;
    }

    fn erase_display(&mut self, mode: u16) {
        let (row, column) = (self.cursor.row, self.cursor.column);
        match mode {
            0 => {
                self.erase_cells(row, column, self.columns);
                for below in row + 1..self.rows {
                    self.erase_cells(below, 0, self.columns);
                }
            }
            1 => {
                for above in 0..row {
                    self.erase_cells(above, 0, self.columns);
                }
                self.erase_cells(row, 0, column + 1);
            }
            2 => {
                for any in 0..self.rows {
                    self.erase_cells(any, 0, self.columns);
                }
            }
            3 => self.clear_scrollback(),
            _ => {}
        }
    }

    fn erase_line(&mut self, mode: u16) {
        let (row, column) = (self.cursor.row, self.cursor.column);
        match mode {
            0 => self.erase_cells(row, column, self.columns),
            1 => self.erase_cells(row, 0, column + 1),
            2 => self.erase_cells(row, 0, self.columns),
            _ => {}
        }
    }

    fn set_private_modes(&mut self, sequence: &ControlSequence<'_>, on: bool) {
        for mode in sequence.parameters {
            match mode {
                1 => self.modes.application_cursor = on,
                6 => {
                    self.modes.origin = on;
                    self.move_to(0, 0);
                }
                7 => self.modes.autowrap = on,
                25 => {
                    self.modes.cursor_visible = on;
                    let row = self.cursor.row;
                    self.mark(row);
                }
                47 | 1047 => {
                    if !on && self.primary.is_some() && *mode == 1047 {
                        for row in 0..self.rows {
                            self.erase_cells(row, 0, self.columns);
                        }
                    }
                    self.set_alternate(on);
                }
                1049 => {
                    if on {
                        self.saved = Some(self.cursor);
                        self.set_alternate(true);
                        for row in 0..self.rows {
                            self.erase_cells(row, 0, self.columns);
                        }
                    } else {
                        self.set_alternate(false);
                        self.restore_cursor();
                    }
                }
                2004 => self.modes.bracketed_paste = on,
                _ => {}
            }
        }
    }

    /// SGR: colours and attributes of the pen.
    fn select_graphic_rendition(&mut self, parameters: &[u16]) {
        if parameters.is_empty() {
            self.cursor.style = Style::default();
            return;
        }
        let style = &mut self.cursor.style;
        let mut index = 0;
        while index < parameters.len() {
            let parameter = parameters[index];
            match parameter {
                0 => *style = Style::default(),
                1 => style.attributes.set(Attributes::BOLD, true),
                2 => style.attributes.set(Attributes::DIM, true),
                3 => style.attributes.set(Attributes::ITALIC, true),
                4 | 21 => style.attributes.set(Attributes::UNDERLINE, true),
                7 => style.attributes.set(Attributes::INVERSE, true),
                8 => style.attributes.set(Attributes::HIDDEN, true),
                9 => style.attributes.set(Attributes::STRIKE, true),
                22 => {
                    style.attributes.set(Attributes::BOLD, false);
                    style.attributes.set(Attributes::DIM, false);
                }
                23 => style.attributes.set(Attributes::ITALIC, false),
                24 => style.attributes.set(Attributes::UNDERLINE, false),
                27 => style.attributes.set(Attributes::INVERSE, false),
                28 => style.attributes.set(Attributes::HIDDEN, false),
                29 => style.attributes.set(Attributes::STRIKE, false),
                30..=37 => style.foreground = Color::Indexed((parameter - 30) as u8),
                39 => style.foreground = Color::Default,
                40..=47 => style.background = Color::Indexed((parameter - 40) as u8),
                49 => style.background = Color::Default,
                90..=97 => style.foreground = Color::Indexed((parameter - 90 + 8) as u8),
                100..=107 => style.background = Color::Indexed((parameter - 100 + 8) as u8),
                38 | 48 => {
                    let (color, used) = extended_color(&parameters[index + 1..]);
                    if let Some(color) = color {
                        if parameter == 38 {
                            style.foreground = color;
                        } else {
                            style.background = color;
                        }
                    }
                    index += used;
                }
                _ => {}
            }
            index += 1;
        }
    }
}

/// `5;n` (palette) or `2;r;g;b` (direct) after a 38 or 48; returns the
/// colour and how many parameters it used.
fn extended_color(rest: &[u16]) -> (Option<Color>, usize) {
    match rest {
        [5, index, ..] => (Some(Color::Indexed((*index).min(255) as u8)), 2),
        [2, red, green, blue, ..] => {
            let channel = |value: u16| value.min(255) as u8;
            (Some(Color::Rgb(channel(*red), channel(*green), channel(*blue))), 4)
        }
        [5] => (None, 1),
        [2, ..] => (None, rest.len()),
        _ => (None, 0),
    }
}
