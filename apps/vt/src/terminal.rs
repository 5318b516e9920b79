//! The emulator (parser + screen) and the handle an app keeps to it.
//!
//! The app and the [`crate::TerminalView`] widget share one [`Terminal`]
//! through a [`TerminalHandle`]: the app feeds program output and turns
//! what changed into damage; the widget draws it and turns input into
//! bytes. Sharing (rather than `Ui::update`) lets a one-character echo
//! repaint one row instead of the whole grid.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Ref, RefCell, RefMut};

use weft_paint::{PixelRect, Point, Rect};
use weft_toolkit::Ui;

use crate::parser::Parser;
use crate::screen::Screen;
use crate::selection::{Position, Selection};

/// A terminal emulator: bytes in, a screen out.
#[derive(Clone, Debug)]
pub struct Terminal {
    parser: Parser,
    screen: Screen,
}

impl Terminal {
    /// A terminal of `columns` × `rows`.
    pub fn new(columns: usize, rows: usize) -> Terminal {
        Terminal { parser: Parser::new(), screen: Screen::new(columns, rows) }
    }

    /// Interprets program output.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.parser.feed(bytes, &mut self.screen);
    }

    /// The screen.
    pub fn screen(&self) -> &Screen {
        &self.screen
    }

    /// The screen, to change.
    pub fn screen_mut(&mut self) -> &mut Screen {
        &mut self.screen
    }
}

/// Where the grid sits in the window, as last laid out and painted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Geometry {
    /// Top-left of cell (0, 0), logical.
    pub origin: Point,
    /// Cell width and height, logical (whole physical pixels).
    pub cell: (f32, f32),
    /// The widget's bounds, logical.
    pub bounds: Rect,
    /// Physical pixels per logical pixel.
    pub scale: f32,
}

impl Geometry {
    /// The cell under `point`, clamped to the grid.
    pub fn cell_at(&self, point: Point, columns: usize, rows: usize) -> (usize, usize) {
        let column = ((point.x - self.origin.x) / self.cell.0).max(0.0) as usize;
        let row = ((point.y - self.origin.y) / self.cell.1).max(0.0) as usize;
        (row.min(rows.saturating_sub(1)), column.min(columns.saturating_sub(1)))
    }

    /// Physical rectangle covering grid rows `first..=last` across the widget.
    fn rows_rect(&self, first: usize, last: usize) -> PixelRect {
        let top = self.origin.y + first as f32 * self.cell.1;
        let bottom = self.origin.y + (last + 1) as f32 * self.cell.1;
        let rect = Rect::new(self.bounds.x, top, self.bounds.width, bottom - top);
        rect.to_pixels(self.scale).inflate(1)
    }
}

/// What the view shows besides the screen itself.
#[derive(Clone, Debug, Default)]
pub(crate) struct ViewState {
    /// Lines scrolled back into the history (0: following the output).
    pub offset: usize,
    /// The selection, if any.
    pub selection: Option<Selection>,
    /// Set once the widget has been laid out and painted.
    pub geometry: Option<Geometry>,
    /// The cursor row drawn last (to repaint it when the cursor moves).
    pub drawn_cursor: Option<usize>,
    /// Whether the widget has keyboard focus (the cursor is solid).
    pub focused: bool,
}

#[derive(Debug)]
pub(crate) struct Shared {
    pub terminal: Terminal,
    pub view: ViewState,
}

/// The app's side of a terminal shown by a [`crate::TerminalView`].
#[derive(Clone, Debug)]
pub struct TerminalHandle {
    pub(crate) shared: Rc<RefCell<Shared>>,
}

impl TerminalHandle {
    /// A new 80×24 terminal (the view resizes it to fit).
    pub fn new() -> TerminalHandle {
        TerminalHandle::with_size(80, 24)
    }

    /// A new terminal of `columns` × `rows`.
    pub fn with_size(columns: usize, rows: usize) -> TerminalHandle {
        let shared = Shared { terminal: Terminal::new(columns, rows), view: ViewState::default() };
        TerminalHandle { shared: Rc::new(RefCell::new(shared)) }
    }

    /// Interprets program output. While the view is scrolled back it stays
    /// on the same lines as new ones arrive.
    pub fn feed(&self, bytes: &[u8]) {
        let mut shared = self.shared.borrow_mut();
        let before = shared.terminal.screen.first_line_id() + shared.terminal.screen.history() as u64;
        shared.terminal.feed(bytes);
        let screen = &shared.terminal.screen;
        let after = screen.first_line_id() + screen.history() as u64;
        let history = screen.history();
        if shared.view.offset > 0 {
            let moved = usize::try_from(after.saturating_sub(before)).unwrap_or(usize::MAX);
            shared.view.offset = shared.view.offset.saturating_add(moved).min(history);
        }
    }

    /// Damages in `ui` what changed since the last call: changed rows and
    /// the rows the cursor left and entered (everything while scrolled back).
    pub fn damage<M>(&self, ui: &mut Ui<M>) {
        let mut shared = self.shared.borrow_mut();
        let Shared { terminal, view } = &mut *shared;
        let screen = &mut terminal.screen;
        let mut dirty = screen.take_dirty();
        let Some(geometry) = view.geometry else { return };
        let cursor = screen.cursor().row;
        if view.offset > 0 {
            if dirty.iter().any(|row| *row) {
                ui.add_damage(geometry.bounds.to_pixels(geometry.scale).inflate(1));
            }
            return;
        }
        for row in [view.drawn_cursor, Some(cursor)].into_iter().flatten() {
            if let Some(flag) = dirty.get_mut(row) {
                *flag = true;
            }
        }
        let mut row = 0;
        while row < dirty.len() {
            if !dirty[row] {
                row += 1;
                continue;
            }
            let first = row;
            while row + 1 < dirty.len() && dirty[row + 1] {
                row += 1;
            }
            ui.add_damage(geometry.rows_rect(first, row));
            row += 1;
        }
    }

    /// The terminal, to read.
    pub fn terminal(&self) -> Ref<'_, Terminal> {
        Ref::map(self.shared.borrow(), |shared| &shared.terminal)
    }

    /// The terminal, to change directly (e.g. its scrollback limit).
    pub fn terminal_mut(&self) -> RefMut<'_, Terminal> {
        RefMut::map(self.shared.borrow_mut(), |shared| &mut shared.terminal)
    }

    /// Columns and rows.
    pub fn size(&self) -> (usize, usize) {
        let shared = self.shared.borrow();
        (shared.terminal.screen.columns(), shared.terminal.screen.rows())
    }

    /// The visible rows' text.
    pub fn lines(&self) -> Vec<String> {
        self.shared.borrow().terminal.screen.lines()
    }

    /// Bytes the terminal must send back to the program (status reports).
    pub fn take_replies(&self) -> Vec<u8> {
        self.shared.borrow_mut().terminal.screen.take_replies()
    }

    /// The title the program set, if any.
    pub fn title(&self) -> Option<String> {
        self.shared.borrow().terminal.screen.title().map(String::from)
    }

    /// Lines the view is scrolled back by.
    pub fn scroll_offset(&self) -> usize {
        self.shared.borrow().view.offset
    }

    /// The selected text, if anything is selected.
    pub fn selected_text(&self) -> Option<String> {
        let shared = self.shared.borrow();
        let selection = shared.view.selection.filter(|selection| !selection.is_empty())?;
        Some(selection.text(&shared.terminal.screen))
    }

    /// Selects from one visible cell to another (rows and columns of the
    /// grid as currently shown).
    pub fn select(&self, from: (usize, usize), to: (usize, usize)) {
        let mut shared = self.shared.borrow_mut();
        let offset = shared.view.offset;
        let screen = &shared.terminal.screen;
        let start = Position { line: screen.line_id(offset, from.0), column: from.1 };
        let end = Position { line: screen.line_id(offset, to.0), column: to.1 };
        let mut selection = Selection::new(start, crate::selection::Granularity::Cell);
        selection.extend(end);
        shared.view.selection = Some(selection);
        shared.terminal.screen.mark_all();
    }
}

impl Default for TerminalHandle {
    fn default() -> TerminalHandle {
        TerminalHandle::new()
    }
}
