//! The terminal widget: draws the shared screen and turns keys, pastes,
//! selections and scrolling into bytes, clipboard text and view changes.

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::RefCell;

use weft_paint::{Point, Rect, Size};
use weft_theme::Theme;
use weft_toolkit::accessibility::{Description, Role};
use weft_toolkit::{Event, EventContext, Ime, LayoutStyle, MeasureContext, PaintContext, Status, Widget};
use weft_types::{Button, Key, KeyEvent, KeyState, Modifiers};

use crate::cell::Attributes;
use crate::glyphs::{CellMetrics, Glyphs};
use crate::input::{encode_key, encode_paste};
use crate::palette::Palette;
use crate::screen::CursorShape;
use crate::selection::{Granularity, Position, Selection};
use crate::terminal::{Geometry, Shared, TerminalHandle};

/// Default font size, logical pixels.
pub const DEFAULT_FONT_SIZE: f32 = 13.0;
/// Space between the widget's edge and the grid, logical pixels.
const PADDING: f32 = 8.0;

/// A terminal on screen. Create it with the [`TerminalHandle`] the app
/// feeds; it sizes the terminal to its bounds.
pub struct TerminalView<M> {
    shared: Rc<RefCell<Shared>>,
    on_input: Option<Box<dyn Fn(Vec<u8>) -> M>>,
    on_context_menu: Option<Box<dyn Fn(Point) -> M>>,
    glyphs: Glyphs,
    metrics: Option<CellMetrics>,
    bounds: Rect,
    palette: Option<Palette>,
    selecting: bool,
    scroll_remainder: f32,
    dragging: bool,
}

impl<M> TerminalView<M> {
    /// A view of `terminal`.
    pub fn new(terminal: &TerminalHandle) -> TerminalView<M> {
        TerminalView {
            shared: terminal.shared.clone(),
            on_input: None,
            on_context_menu: None,
            glyphs: Glyphs::new(DEFAULT_FONT_SIZE),
            metrics: None,
            bounds: Rect::default(),
            palette: None,
            selecting: false,
            scroll_remainder: 0.0,
            dragging: false,
        }
    }

    /// The message carrying bytes typed or pasted for the program.
    pub fn on_input(mut self, message: impl Fn(Vec<u8>) -> M + 'static) -> TerminalView<M> {
        self.on_input = Some(Box::new(message));
        self
    }

    /// The message asking for a context menu at a point (secondary click).
    pub fn on_context_menu(mut self, message: impl Fn(Point) -> M + 'static) -> TerminalView<M> {
        self.on_context_menu = Some(Box::new(message));
        self
    }

    /// Sets the font size (logical pixels).
    pub fn font_size(mut self, size: f32) -> TerminalView<M> {
        self.glyphs = Glyphs::new(size);
        self.metrics = None;
        self
    }

    /// Fits the terminal to the bounds once the cell size is known.
    fn fit(&mut self) {
        let Some(metrics) = self.metrics else { return };
        let columns = ((self.bounds.width - 2.0 * PADDING) / metrics.width).max(1.0) as usize;
        let rows = ((self.bounds.height - 2.0 * PADDING) / metrics.height).max(1.0) as usize;
        let mut shared = self.shared.borrow_mut();
        let origin = Point::new(self.bounds.x + PADDING, self.bounds.y + PADDING);
        shared.view.geometry = Some(Geometry {
            origin,
            cell: (metrics.width, metrics.height),
            bounds: self.bounds,
            scale: metrics.scale,
        });
        if self.bounds.width > 0.0 && self.bounds.height > 0.0 {
            shared.terminal.screen_mut().resize(columns, rows);
            let history = shared.terminal.screen().history();
            shared.view.offset = shared.view.offset.min(history);
        }
    }

    fn ensure_metrics(&mut self, text: &mut weft_text::TextSystem, scale: f32) {
        if self.metrics.is_none_or(|metrics| metrics.scale != scale) {
            self.metrics = Some(self.glyphs.metrics(text, scale));
            self.fit();
        }
    }

    fn emit_input(&self, cx: &mut EventContext<'_, M>, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        if let Some(message) = &self.on_input {
            cx.emit(message(bytes));
        }
    }

    /// The history position under `point`.
    fn position_at(&self, point: Point) -> Option<Position> {
        let shared = self.shared.borrow();
        let geometry = shared.view.geometry?;
        let screen = shared.terminal.screen();
        let (row, column) = geometry.cell_at(point, screen.columns(), screen.rows());
        Some(Position { line: screen.line_id(shared.view.offset, row), column })
    }

    /// Scrolls the view by `lines` (positive: back into the history).
    fn scroll_by(&mut self, cx: &mut EventContext<'_, M>, lines: isize) -> bool {
        let mut shared = self.shared.borrow_mut();
        let history = shared.terminal.screen().history();
        let offset = shared.view.offset.saturating_add_signed(lines).min(history);
        if offset == shared.view.offset {
            return false;
        }
        shared.view.offset = offset;
        cx.request_paint();
        true
    }

    /// Back to the live screen (typing does this).
    fn follow_output(&mut self, cx: &mut EventContext<'_, M>) {
        let mut shared = self.shared.borrow_mut();
        if shared.view.offset != 0 {
            shared.view.offset = 0;
            cx.request_paint();
        }
    }

    fn scroll_pixels(&mut self, cx: &mut EventContext<'_, M>, dy: f32) -> bool {
        let height = self.metrics.map_or(16.0, |metrics| metrics.height);
        self.scroll_remainder += dy;
        let lines = (self.scroll_remainder / height) as isize;
        self.scroll_remainder -= lines as f32 * height;
        // Content moving up (positive dy) means going towards the end.
        lines != 0 && self.scroll_by(cx, -lines)
    }

    fn paste(&mut self, cx: &mut EventContext<'_, M>) {
        let text = alloc::string::String::from(cx.clipboard());
        if text.is_empty() {
            return;
        }
        let modes = self.shared.borrow().terminal.screen().modes();
        self.follow_output(cx);
        self.emit_input(cx, encode_paste(&text, modes));
    }

    fn copy(&self, cx: &mut EventContext<'_, M>) {
        let shared = self.shared.borrow();
        if let Some(selection) = shared.view.selection.filter(|selection| !selection.is_empty()) {
            cx.set_clipboard(selection.text(shared.terminal.screen()));
        }
    }

    fn key(&mut self, cx: &mut EventContext<'_, M>, key: &KeyEvent) -> Status {
        if key.state == KeyState::Released {
            return Status::Ignored;
        }
        let modifiers = key.modifiers - Modifiers::CAPS_LOCK;
        let control_shift = Modifiers::CONTROL | Modifiers::SHIFT;
        let page = self.shared.borrow().terminal.screen().rows().saturating_sub(1).max(1) as isize;
        match (modifiers, key.key) {
            (m, Key::C) if m == control_shift => self.copy(cx),
            (m, Key::V) if m == control_shift => self.paste(cx),
            (Modifiers::SHIFT, Key::INSERT) => self.paste(cx),
            (Modifiers::SHIFT, Key::PAGE_UP) => {
                self.scroll_by(cx, page);
            }
            (Modifiers::SHIFT, Key::PAGE_DOWN) => {
                self.scroll_by(cx, -page);
            }
            (Modifiers::SHIFT, Key::HOME) => {
                self.scroll_by(cx, isize::MAX);
            }
            (Modifiers::SHIFT, Key::END) => self.follow_output(cx),
            _ => {
                let modes = self.shared.borrow().terminal.screen().modes();
                let bytes = encode_key(key, modes);
                if bytes.is_empty() {
                    return Status::Ignored;
                }
                self.follow_output(cx);
                self.emit_input(cx, bytes);
            }
        }
        Status::Handled
    }

    fn pointer_down(
        &mut self,
        cx: &mut EventContext<'_, M>,
        position: Point,
        button: Button,
        clicks: u32,
    ) -> Status {
        cx.request_focus();
        match button {
            Button::Left => {
                let granularity = match clicks {
                    1 => Granularity::Cell,
                    2 => Granularity::Word,
                    _ => Granularity::Line,
                };
                let selection = self.position_at(position).map(|at| Selection::new(at, granularity));
                self.shared.borrow_mut().view.selection = selection;
                self.selecting = true;
                cx.request_paint();
            }
            Button::Middle => self.paste(cx),
            Button::Right => {
                if let Some(message) = &self.on_context_menu {
                    cx.emit(message(position));
                }
            }
            _ => return Status::Ignored,
        }
        Status::Handled
    }
}

impl<M: 'static> Widget<M> for TerminalView<M> {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle { grow: 1.0, fill_width: true, min_height: Some(0.0), ..LayoutStyle::default() }
    }

    fn measure(&mut self, cx: &mut MeasureContext<'_>, width: Option<f32>) -> Size {
        let scale = self.metrics.map_or(1.0, |metrics| metrics.scale);
        self.ensure_metrics(cx.text(), scale);
        let metrics = self.metrics.unwrap_or(CellMetrics { width: 8.0, height: 17.0, scale });
        Size::new(width.unwrap_or(metrics.width * 20.0 + 2.0 * PADDING), metrics.height * 4.0 + 2.0 * PADDING)
    }

    fn arranged(&mut self, bounds: Rect, _content: Size) {
        if bounds != self.bounds {
            self.bounds = bounds;
            self.fit();
        }
    }

    fn focusable(&self) -> bool {
        true
    }

    fn paint_outset(&self, _theme: &Theme) -> f32 {
        0.0
    }

    fn theme_changed(&mut self) {
        self.palette = None;
        self.glyphs.clear();
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        match event {
            Event::Key(key) => self.key(cx, key),
            Event::Ime(Ime::Commit(text)) => {
                self.follow_output(cx);
                self.emit_input(cx, text.as_bytes().to_vec());
                Status::Handled
            }
            Event::PointerDown { position, button, clicks, .. } => {
                self.pointer_down(cx, *position, *button, *clicks)
            }
            Event::PointerMove { position } if self.selecting => {
                if let Some(at) = self.position_at(*position)
                    && let Some(selection) = &mut self.shared.borrow_mut().view.selection
                {
                    selection.extend(at);
                }
                cx.request_paint();
                Status::Handled
            }
            Event::PointerUp { .. } | Event::PointerCancel if self.selecting => {
                self.selecting = false;
                let mut shared = self.shared.borrow_mut();
                if shared.view.selection.is_some_and(|selection| selection.is_empty()) {
                    shared.view.selection = None;
                }
                cx.request_paint();
                Status::Handled
            }
            Event::Scroll { dy, .. } => {
                if self.scroll_pixels(cx, *dy) {
                    Status::Handled
                } else {
                    Status::Ignored
                }
            }
            Event::DragStart { .. } => {
                self.dragging = true;
                self.selecting = false;
                Status::Handled
            }
            Event::DragMove { delta, .. } if self.dragging => {
                self.scroll_pixels(cx, -delta.y);
                Status::Handled
            }
            Event::DragEnd { .. } if self.dragging => {
                self.dragging = false;
                Status::Handled
            }
            Event::FocusGained | Event::FocusLost => {
                self.shared.borrow_mut().view.focused = matches!(event, Event::FocusGained);
                cx.request_paint();
                Status::Ignored
            }
            _ => Status::Ignored,
        }
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let scale = cx.canvas().scale();
        self.ensure_metrics(cx.text(), scale);
        let theme = cx.theme();
        let palette = self.palette.get_or_insert_with(|| Palette::for_theme(theme)).clone();
        let rect = cx.rect();
        cx.canvas().fill_rect(rect, palette.background);
        let Some(metrics) = self.metrics else { return };
        let shared = self.shared.clone();
        let mut shared = shared.borrow_mut();
        let Shared { terminal, view } = &mut *shared;
        let screen = terminal.screen();
        let Some(geometry) = view.geometry else { return };
        let clip = cx.canvas().clip();
        let (origin, (cell_width, cell_height)) = (geometry.origin, geometry.cell);
        // Rows that intersect the area being repainted.
        let clip_top = clip.y as f32 / scale;
        let clip_bottom = clip.bottom() as f32 / scale;
        let first = ((clip_top - origin.y) / cell_height).max(0.0) as usize;
        let last = (((clip_bottom - origin.y) / cell_height).max(0.0) as usize + 1).min(screen.rows());
        let snap = |value: f32| libm_round(value * scale) / scale;
        let span =
            view.selection.filter(|selection| !selection.is_empty()).map(|selection| selection.span(screen));
        let cursor = screen.cursor();
        let show_cursor = view.offset == 0 && screen.modes().cursor_visible;
        let (canvas, text) = cx.canvas_and_text();
        for row in first..last {
            let id = screen.line_id(view.offset, row);
            let Some(line) = screen.line(id) else { continue };
            let top = snap(origin.y + row as f32 * cell_height);
            let bottom = snap(origin.y + (row + 1) as f32 * cell_height);
            let x_of = |column: usize| snap(origin.x + column as f32 * cell_width);
            let columns = line.cells.len().min(screen.columns());
            // Backgrounds, in runs of one colour.
            let mut column = 0;
            while column < columns {
                let (_, background) = palette.colors(&line.cells[column].style);
                let start = column;
                while column < columns && palette.colors(&line.cells[column].style).1 == background {
                    column += 1;
                }
                if background != palette.background {
                    let width = x_of(column) - x_of(start);
                    canvas.fill_rect(Rect::new(x_of(start), top, width, bottom - top), background);
                }
            }
            // The selection.
            if let Some((start, end)) = span
                && start.line <= id
                && id <= end.line
            {
                let from = if id == start.line { start.column } else { 0 };
                let to = if id == end.line { end.column.min(screen.columns()) } else { screen.columns() };
                if to > from {
                    let area = Rect::new(x_of(from), top, x_of(to) - x_of(from), bottom - top);
                    canvas.fill_rect(area, palette.selection);
                }
            }
            // Text and lines.
            for (column, cell) in line.cells.iter().enumerate().take(columns) {
                let attributes = cell.style.attributes;
                let (foreground, _) = palette.colors(&cell.style);
                let x = x_of(column);
                if cell.character != ' ' && !attributes.contains(Attributes::HIDDEN) {
                    self.glyphs.draw(text, canvas, cell.character, Point::new(x, top), foreground);
                    if attributes.contains(Attributes::BOLD) {
                        // The bundled face has one weight: overstrike by a pixel.
                        let nudge = 1.0 / scale.max(1.0);
                        self.glyphs.draw(
                            text,
                            canvas,
                            cell.character,
                            Point::new(x + nudge, top),
                            foreground,
                        );
                    }
                }
                let thickness = ((scale as u32).max(1)) as f32 / scale;
                let width = x_of(column + 1) - x;
                if attributes.contains(Attributes::UNDERLINE) {
                    canvas.fill_rect(Rect::new(x, bottom - 2.0 * thickness, width, thickness), foreground);
                }
                if attributes.contains(Attributes::STRIKE) {
                    let middle = snap((top + bottom) / 2.0);
                    canvas.fill_rect(Rect::new(x, middle, width, thickness), foreground);
                }
            }
            // The cursor.
            if show_cursor && row == cursor.row {
                let column = cursor.column.min(screen.columns() - 1);
                let x = x_of(column);
                let width = x_of(column + 1) - x;
                let cell = line.cells.get(column).copied().unwrap_or_default();
                let thickness = snap(2.0).max(1.0 / scale);
                match (view.focused, screen.cursor_shape()) {
                    (true, CursorShape::Block) => {
                        canvas.fill_rect(Rect::new(x, top, width, bottom - top), palette.cursor);
                        if cell.character != ' ' {
                            let (_, background) = palette.colors(&cell.style);
                            self.glyphs.draw(text, canvas, cell.character, Point::new(x, top), background);
                        }
                    }
                    (true, CursorShape::Underline) => {
                        canvas.fill_rect(Rect::new(x, bottom - thickness, width, thickness), palette.cursor);
                    }
                    (true, CursorShape::Bar) => {
                        canvas.fill_rect(Rect::new(x, top, thickness, bottom - top), palette.cursor);
                    }
                    (false, _) => {
                        let hairline = 1.0 / scale;
                        let area = Rect::new(
                            x + hairline / 2.0,
                            top + hairline / 2.0,
                            width - hairline,
                            bottom - top - hairline,
                        );
                        canvas.stroke_rounded_rect(area, 0.0, hairline, palette.cursor);
                    }
                }
            }
        }
        view.drawn_cursor = show_cursor.then_some(cursor.row);
        drop(shared);
        let _ = metrics;
    }

    fn paint_over(&mut self, cx: &mut PaintContext<'_, '_>) {
        let shared = self.shared.borrow();
        let (offset, history, rows) =
            (shared.view.offset, shared.terminal.screen().history(), shared.terminal.screen().rows());
        if offset == 0 || history == 0 {
            return;
        }
        let theme = cx.theme();
        let rect = cx.rect();
        let total = (history + rows) as f32;
        let track = rect.height - 8.0;
        let length = (track * rows as f32 / total).max(24.0).min(track);
        let position = (history - offset) as f32 / history as f32;
        let width = theme.metrics.scrollbar_width;
        let bar =
            Rect::new(rect.right() - width - 3.0, rect.y + 4.0 + (track - length) * position, width, length);
        cx.canvas().fill_rounded_rect(bar, width / 2.0, theme.palette.text_muted.with_opacity(0.5));
    }

    fn describe(&self) -> Option<Description> {
        let shared = self.shared.borrow();
        let lines = shared.terminal.screen().lines();
        let end = lines.iter().rposition(|line| !line.is_empty()).map_or(0, |last| last + 1);
        Some(Description::new(Role::TextInput, "Terminal").value(lines[..end].join("\n")))
    }
}

fn libm_round(value: f32) -> f32 {
    if value >= 0.0 { (value + 0.5) as i64 as f32 } else { -((-value + 0.5) as i64 as f32) }
}
