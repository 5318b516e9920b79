//! The screen: the grid of cells, the cursor, the scroll region, modes,
//! the alternate screen and the scrollback.
//!
//! Coordinates are zero-based (row, column) on the visible grid. Lines
//! that scroll off the top of the primary screen's full-height region go
//! to the scrollback, which keeps at most `scrollback_limit` lines; every
//! line ever pushed there has a stable *line id* (`evicted` + index), so a
//! selection survives more output arriving.

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::cell::{Cell, Style};

/// Lines of scrollback kept by default.
pub const DEFAULT_SCROLLBACK: usize = 2000;

/// One line of cells.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    /// The cells; scrollback rows drop trailing blanks, so they may be
    /// shorter than the screen is wide.
    pub cells: Vec<Cell>,
    /// The line continues on the next one (it was wrapped, not ended).
    pub wrapped: bool,
}

impl Row {
    fn blank(columns: usize, style: Style) -> Row {
        Row { cells: vec![Cell::blank(style); columns], wrapped: false }
    }

    /// The row's text, trailing blanks removed.
    pub fn text(&self) -> String {
        let text: String = self.cells.iter().map(|cell| cell.character).collect();
        String::from(text.trim_end())
    }

    fn trimmed(mut self) -> Row {
        while self.cells.last().is_some_and(|cell| *cell == Cell::default()) {
            self.cells.pop();
        }
        self.cells.shrink_to_fit();
        self
    }
}

/// The shape the cursor is drawn in (DECSCUSR).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CursorShape {
    /// A filled block.
    #[default]
    Block,
    /// A line under the cell.
    Underline,
    /// A thin bar before the cell.
    Bar,
}

/// The cursor and the pen it writes with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cursor {
    /// Row on the grid.
    pub row: usize,
    /// Column on the grid.
    pub column: usize,
    /// Style of the next printed character.
    pub style: Style,
    /// The last column was written: the next character wraps first.
    pub pending_wrap: bool,
}

/// Terminal modes that change behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Modes {
    /// Printing past the last column wraps (DECAWM).
    pub autowrap: bool,
    /// The cursor is shown (DECTCEM).
    pub cursor_visible: bool,
    /// Cursor addressing is relative to the scroll region (DECOM).
    pub origin: bool,
    /// Printing inserts rather than overwrites (IRM).
    pub insert: bool,
    /// Cursor keys send `ESC O` rather than `ESC [` (DECCKM).
    pub application_cursor: bool,
    /// Pasted text is bracketed by `ESC [200~` and `ESC [201~`.
    pub bracketed_paste: bool,
    /// Line feed also returns the carriage (LNM).
    pub newline: bool,
}

impl Default for Modes {
    fn default() -> Modes {
        Modes {
            autowrap: true,
            cursor_visible: true,
            origin: false,
            insert: false,
            application_cursor: false,
            bracketed_paste: false,
            newline: false,
        }
    }
}

/// The emulated screen.
#[derive(Clone, Debug)]
pub struct Screen {
    pub(crate) columns: usize,
    pub(crate) rows: usize,
    pub(crate) grid: Vec<Row>,
    /// The primary grid while the alternate screen is shown.
    pub(crate) primary: Option<Vec<Row>>,
    pub(crate) scrollback: VecDeque<Row>,
    pub(crate) scrollback_limit: usize,
    /// Lines dropped from the front of the scrollback so far.
    pub(crate) evicted: u64,
    pub(crate) cursor: Cursor,
    pub(crate) saved: Option<Cursor>,
    pub(crate) shape: CursorShape,
    /// Scroll region, inclusive.
    pub(crate) top: usize,
    pub(crate) bottom: usize,
    pub(crate) modes: Modes,
    pub(crate) tabs: Vec<bool>,
    pub(crate) dirty: Vec<bool>,
    pub(crate) replies: Vec<u8>,
    pub(crate) title: Option<String>,
    pub(crate) bell: bool,
    /// G0 and G1 use DEC line drawing; which one is shifted in.
    pub(crate) graphics: [bool; 2],
    pub(crate) shifted_out: bool,
    pub(crate) last_printed: Option<char>,
}

impl Screen {
    /// A blank screen of `columns` × `rows` (each at least 1).
    pub fn new(columns: usize, rows: usize) -> Screen {
        let (columns, rows) = (columns.max(1), rows.max(1));
        Screen {
            columns,
            rows,
            grid: vec![Row::blank(columns, Style::default()); rows],
            primary: None,
            scrollback: VecDeque::new(),
            scrollback_limit: DEFAULT_SCROLLBACK,
            evicted: 0,
            cursor: Cursor::default(),
            saved: None,
            shape: CursorShape::Block,
            top: 0,
            bottom: rows - 1,
            modes: Modes::default(),
            tabs: default_tabs(columns),
            dirty: vec![true; rows],
            replies: Vec::new(),
            title: None,
            bell: false,
            graphics: [false, false],
            shifted_out: false,
            last_printed: None,
        }
    }

    /// Width in cells.
    pub fn columns(&self) -> usize {
        self.columns
    }

    /// Height in cells.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The cursor.
    pub fn cursor(&self) -> Cursor {
        self.cursor
    }

    /// How the cursor is drawn.
    pub fn cursor_shape(&self) -> CursorShape {
        self.shape
    }

    /// The modes in effect.
    pub fn modes(&self) -> Modes {
        self.modes
    }

    /// Whether the alternate screen (full-screen programs) is shown.
    pub fn is_alternate(&self) -> bool {
        self.primary.is_some()
    }

    /// The visible row `row`.
    pub fn row(&self, row: usize) -> Option<&Row> {
        self.grid.get(row)
    }

    /// The cell at (`row`, `column`) of the visible grid.
    pub fn cell(&self, row: usize, column: usize) -> Option<&Cell> {
        self.grid.get(row)?.cells.get(column)
    }

    /// The visible rows' text, trailing blanks removed.
    pub fn lines(&self) -> Vec<String> {
        self.grid.iter().map(Row::text).collect()
    }

    /// Sets how many scrollback lines to keep.
    pub fn set_scrollback_limit(&mut self, limit: usize) {
        self.scrollback_limit = limit;
        self.trim_scrollback();
    }

    /// Lines held in the scrollback.
    pub fn history(&self) -> usize {
        self.scrollback.len()
    }

    /// The line id of the oldest line kept (ids grow by one per line).
    pub fn first_line_id(&self) -> u64 {
        self.evicted
    }

    /// Lines in scrollback plus screen; line ids run from
    /// [`Screen::first_line_id`] for this many lines.
    pub fn total_lines(&self) -> usize {
        self.scrollback.len() + self.rows
    }

    /// The line with id `id`, from the scrollback or the screen.
    pub fn line(&self, id: u64) -> Option<&Row> {
        let index = usize::try_from(id.checked_sub(self.evicted)?).ok()?;
        if index < self.scrollback.len() {
            self.scrollback.get(index)
        } else {
            self.grid.get(index - self.scrollback.len())
        }
    }

    /// The line id of visible row `row` when the view is scrolled back by
    /// `offset` lines.
    pub fn line_id(&self, offset: usize, row: usize) -> u64 {
        let offset = offset.min(self.scrollback.len());
        self.evicted + (self.scrollback.len() - offset + row) as u64
    }

    /// The window title a program set (OSC 0 or 2).
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// Takes the bytes the terminal must send back (status reports).
    pub fn take_replies(&mut self) -> Vec<u8> {
        core::mem::take(&mut self.replies)
    }

    /// Whether the bell rang since the last call.
    pub fn take_bell(&mut self) -> bool {
        core::mem::take(&mut self.bell)
    }

    /// Rows changed since the last call (by index), and clears the marks.
    pub fn take_dirty(&mut self) -> Vec<bool> {
        let clean = vec![false; self.rows];
        core::mem::replace(&mut self.dirty, clean)
    }

    pub(crate) fn mark(&mut self, row: usize) {
        if let Some(flag) = self.dirty.get_mut(row) {
            *flag = true;
        }
    }

    pub(crate) fn mark_range(&mut self, first: usize, last: usize) {
        for row in first..=last.min(self.rows - 1) {
            self.mark(row);
        }
    }

    pub(crate) fn mark_all(&mut self) {
        self.dirty.iter_mut().for_each(|flag| *flag = true);
    }

    pub(crate) fn blank_row(&self) -> Row {
        Row::blank(self.columns, self.cursor.style)
    }

    fn push_scrollback(&mut self, row: Row) {
        if self.scrollback_limit == 0 {
            self.evicted += 1;
            return;
        }
        self.scrollback.push_back(row.trimmed());
        self.trim_scrollback();
    }

    fn trim_scrollback(&mut self) {
        while self.scrollback.len() > self.scrollback_limit {
            self.scrollback.pop_front();
            self.evicted += 1;
        }
    }

    /// Forgets the scrollback (`ESC [3J`).
    pub fn clear_scrollback(&mut self) {
        self.evicted += self.scrollback.len() as u64;
        self.scrollback.clear();
    }

    /// Scrolls the region up by `count`: lines leave at the top (into the
    /// scrollback when the region is the whole primary screen).
    pub(crate) fn scroll_up(&mut self, count: usize) {
        let count = count.min(self.bottom - self.top + 1);
        let to_history = self.top == 0 && self.bottom == self.rows - 1 && self.primary.is_none();
        for _ in 0..count {
            let row = self.grid.remove(self.top);
            if to_history {
                self.push_scrollback(row);
            }
            let blank = self.blank_row();
            self.grid.insert(self.bottom, blank);
        }
        self.mark_range(self.top, self.bottom);
    }

    /// Scrolls the region down by `count`: blank lines enter at the top.
    pub(crate) fn scroll_down(&mut self, count: usize) {
        let count = count.min(self.bottom - self.top + 1);
        for _ in 0..count {
            self.grid.remove(self.bottom);
            let blank = self.blank_row();
            self.grid.insert(self.top, blank);
        }
        self.mark_range(self.top, self.bottom);
    }

    /// Prints one character at the cursor.
    pub(crate) fn print(&mut self, character: char) {
        if is_zero_width(character) {
            return;
        }
        let character =
            if self.graphics[usize::from(self.shifted_out)] { line_drawing(character) } else { character };
        if self.cursor.pending_wrap {
            self.cursor.pending_wrap = false;
            if self.modes.autowrap {
                let row = self.cursor.row;
                self.grid[row].wrapped = true;
                self.cursor.column = 0;
                self.index();
            }
        }
        let (row, column) = (self.cursor.row, self.cursor.column);
        if self.modes.insert {
            self.insert_cells(1);
        }
        self.grid[row].cells[column] = Cell { character, style: self.cursor.style };
        self.mark(row);
        if column + 1 >= self.columns {
            self.cursor.pending_wrap = true;
        } else {
            self.cursor.column += 1;
        }
        self.last_printed = Some(character);
    }

    /// Moves down a line, scrolling at the bottom of the region (IND).
    pub(crate) fn index(&mut self) {
        self.cursor.pending_wrap = false;
        if self.cursor.row == self.bottom {
            self.scroll_up(1);
        } else if self.cursor.row + 1 < self.rows {
            self.cursor.row += 1;
        }
    }

    /// Moves up a line, scrolling at the top of the region (RI).
    pub(crate) fn reverse_index(&mut self) {
        self.cursor.pending_wrap = false;
        if self.cursor.row == self.top {
            self.scroll_down(1);
        } else if self.cursor.row > 0 {
            self.cursor.row -= 1;
        }
    }

    /// Moves to (`row`, `column`), clamped; rows count from the region's
    /// top in origin mode.
    pub(crate) fn move_to(&mut self, row: usize, column: usize) {
        let (first, last) = if self.modes.origin { (self.top, self.bottom) } else { (0, self.rows - 1) };
        self.cursor.row = (first + row).min(last);
        self.cursor.column = column.min(self.columns - 1);
        self.cursor.pending_wrap = false;
    }

    /// Inserts `count` blank cells at the cursor, shifting the rest right.
    pub(crate) fn insert_cells(&mut self, count: usize) {
        let (row, column) = (self.cursor.row, self.cursor.column);
        let blank = Cell::blank(self.cursor.style);
        let cells = &mut self.grid[row].cells;
        let count = count.min(self.columns - column);
        for _ in 0..count {
            cells.insert(column, blank);
        }
        cells.truncate(self.columns);
        self.mark(row);
    }

    /// Deletes `count` cells at the cursor, shifting the rest left.
    pub(crate) fn delete_cells(&mut self, count: usize) {
        let (row, column) = (self.cursor.row, self.cursor.column);
        let blank = Cell::blank(self.cursor.style);
        let cells = &mut self.grid[row].cells;
        let count = count.min(self.columns - column);
        cells.drain(column..column + count);
        cells.resize(self.columns, blank);
        self.cursor.pending_wrap = false;
        self.mark(row);
    }

    /// Blanks cells `from..to` of `row`.
    pub(crate) fn erase_cells(&mut self, row: usize, from: usize, to: usize) {
        let blank = Cell::blank(self.cursor.style);
        let to = to.min(self.columns);
        if let Some(line) = self.grid.get_mut(row) {
            for cell in line.cells.iter_mut().take(to).skip(from) {
                *cell = blank;
            }
            if to == self.columns {
                line.wrapped = false;
            }
        }
        self.mark(row);
    }

    /// Inserts or deletes `count` lines at the cursor inside the region.
    pub(crate) fn shift_lines(&mut self, count: usize, insert: bool) {
        let row = self.cursor.row;
        if row < self.top || row > self.bottom {
            return;
        }
        let count = count.min(self.bottom - row + 1);
        for _ in 0..count {
            let blank = self.blank_row();
            if insert {
                self.grid.remove(self.bottom);
                self.grid.insert(row, blank);
            } else {
                self.grid.remove(row);
                self.grid.insert(self.bottom, blank);
            }
        }
        self.cursor.column = 0;
        self.cursor.pending_wrap = false;
        self.mark_range(row, self.bottom);
    }

    /// Switches to the alternate screen (blank) or back to the primary.
    pub(crate) fn set_alternate(&mut self, on: bool) {
        match (on, self.primary.is_some()) {
            (true, false) => {
                let blank = vec![Row::blank(self.columns, Style::default()); self.rows];
                self.primary = Some(core::mem::replace(&mut self.grid, blank));
            }
            (false, true) => {
                if let Some(primary) = self.primary.take() {
                    self.grid = primary;
                }
            }
            _ => return,
        }
        self.top = 0;
        self.bottom = self.rows - 1;
        self.mark_all();
    }

    /// Changes the size. Rows leaving at the top of the primary screen go
    /// to the scrollback; growing pulls them back. Lines are not re-wrapped.
    pub fn resize(&mut self, columns: usize, rows: usize) {
        let (columns, rows) = (columns.max(1), rows.max(1));
        if (columns, rows) == (self.columns, self.rows) {
            return;
        }
        let alternate = self.primary.is_some();
        let mut cursor_row = self.cursor.row;
        if rows < self.rows {
            // Keep the cursor on screen: drop rows from the top first.
            let excess = (cursor_row + 1).saturating_sub(rows);
            for _ in 0..excess {
                let row = self.grid.remove(0);
                if !alternate {
                    self.push_scrollback(row);
                }
            }
            cursor_row -= excess;
            self.grid.truncate(rows);
        } else if rows > self.rows {
            let mut missing = rows - self.rows;
            if !alternate {
                while missing > 0 {
                    let Some(row) = self.scrollback.pop_back() else { break };
                    self.grid.insert(0, row);
                    cursor_row += 1;
                    missing -= 1;
                }
            }
            for _ in 0..missing {
                self.grid.push(Row::blank(columns, Style::default()));
            }
        }
        for row in &mut self.grid {
            row.cells.resize(columns, Cell::default());
        }
        if let Some(primary) = &mut self.primary {
            primary.resize(rows, Row::blank(columns, Style::default()));
            for row in primary.iter_mut() {
                row.cells.resize(columns, Cell::default());
            }
        }
        self.columns = columns;
        self.rows = rows;
        self.top = 0;
        self.bottom = rows - 1;
        self.tabs = default_tabs(columns);
        self.cursor.row = cursor_row.min(rows - 1);
        self.cursor.column = self.cursor.column.min(columns - 1);
        self.cursor.pending_wrap = false;
        if let Some(saved) = &mut self.saved {
            saved.row = saved.row.min(rows - 1);
            saved.column = saved.column.min(columns - 1);
        }
        self.dirty = vec![true; rows];
    }

    /// Back to the power-on state (RIS), keeping the size and scrollback.
    pub fn reset(&mut self) {
        let mut fresh = Screen::new(self.columns, self.rows);
        fresh.scrollback = core::mem::take(&mut self.scrollback);
        fresh.scrollback_limit = self.scrollback_limit;
        fresh.evicted = self.evicted;
        *self = fresh;
    }
}

fn default_tabs(columns: usize) -> Vec<bool> {
    (0..columns).map(|column| column % 8 == 0 && column > 0).collect()
}

/// Combining marks and invisible joiners take no cell of their own.
fn is_zero_width(character: char) -> bool {
    matches!(
        u32::from(character),
        0x0300..=0x036f | 0x1ab0..=0x1aff | 0x1dc0..=0x1dff | 0x200b..=0x200f | 0x20d0..=0x20ff | 0xfe00..=0xfe0f
            | 0xfe20..=0xfe2f
    )
}

/// DEC special graphics: the line-drawing set programs select with `ESC ( 0`.
fn line_drawing(character: char) -> char {
    match character {
        '`' => '◆',
        'a' => '▒',
        'f' => '°',
        'g' => '±',
        'j' => '┘',
        'k' => '┐',
        'l' => '┌',
        'm' => '└',
        'n' => '┼',
        'o' => '⎺',
        'p' => '⎻',
        'q' => '─',
        'r' => '⎼',
        's' => '⎽',
        't' => '├',
        'u' => '┤',
        'v' => '┴',
        'w' => '┬',
        'x' => '│',
        'y' => '≤',
        'z' => '≥',
        '{' => 'π',
        '|' => '≠',
        '}' => '£',
        '~' => '·',
        other => other,
    }
}
