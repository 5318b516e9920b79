//! Tables: a header of (optionally sortable) column titles and rows of
//! cells laid out on the same columns, with selection, activation and
//! keyboard navigation.
//!
//! The toolkit delivers keys only to the focused widget, so a focused row
//! reports navigation keys ([`Navigation`]) and the app moves selection
//! and focus to the right row.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use weft_paint::{Color, Point, Rect, Size};
use weft_text::{Overflow, TextLayout, TextStyle};
use weft_theme::Theme;
use weft_types::{Button as MouseButton, Key, KeyState, Modifiers};

use crate::accessibility::{Description, Role};
use crate::event::{Event, PointerSource, Status};
use crate::press::{Press, is_activation_key};
use crate::style::LayoutStyle;
use crate::widget::{EventContext, MeasureContext, PaintContext, Widget};

/// How wide a column is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ColumnWidth {
    /// Exactly this many logical pixels.
    Fixed(f32),
    /// A share of what the fixed columns leave.
    Fill(f32),
}

/// Where a cell's text sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellAlign {
    /// Against the left edge (names).
    Left,
    /// Against the right edge (numbers).
    Right,
}

/// One column of a table.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Header title.
    pub title: String,
    /// Width.
    pub width: ColumnWidth,
    /// Alignment of title and cells.
    pub align: CellAlign,
}

impl Column {
    /// A column that takes the free space, left-aligned.
    pub fn fill(title: impl Into<String>) -> Column {
        Column { title: title.into(), width: ColumnWidth::Fill(1.0), align: CellAlign::Left }
    }

    /// A fixed-width, right-aligned column (numbers).
    pub fn number(title: impl Into<String>, width: f32) -> Column {
        Column { title: title.into(), width: ColumnWidth::Fixed(width), align: CellAlign::Right }
    }

    /// A fixed-width, left-aligned column.
    pub fn text(title: impl Into<String>, width: f32) -> Column {
        Column { title: title.into(), width: ColumnWidth::Fixed(width), align: CellAlign::Left }
    }
}

/// Space between columns and at a row's ends.
const GAP: f32 = 16.0;
const EDGE: f32 = 12.0;

/// The horizontal span (x, width) of every column inside `rect`.
pub fn column_spans(columns: &[Column], rect: Rect) -> Vec<(f32, f32)> {
    let inner = rect.width - 2.0 * EDGE - GAP * columns.len().saturating_sub(1) as f32;
    let fixed: f32 = columns
        .iter()
        .map(|column| match column.width {
            ColumnWidth::Fixed(width) => width,
            ColumnWidth::Fill(_) => 0.0,
        })
        .sum();
    let shares: f32 = columns
        .iter()
        .map(|column| match column.width {
            ColumnWidth::Fill(share) => share,
            ColumnWidth::Fixed(_) => 0.0,
        })
        .sum();
    let free = (inner - fixed).max(0.0);
    let mut x = rect.x + EDGE;
    columns
        .iter()
        .map(|column| {
            let width = match column.width {
                ColumnWidth::Fixed(width) => width,
                ColumnWidth::Fill(share) if shares > 0.0 => free * share / shares,
                ColumnWidth::Fill(_) => 0.0,
            };
            let span = (x, width);
            x += width + GAP;
            span
        })
        .collect()
}

/// Keys a focused row reports for the app to act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Navigation {
    /// Up arrow.
    Previous,
    /// Down arrow.
    Next,
    /// Page Up.
    PageUp,
    /// Page Down.
    PageDown,
    /// Home.
    First,
    /// End.
    Last,
    /// Backspace or Alt+Up.
    Parent,
    /// Alt+Left.
    Back,
    /// Alt+Right.
    Forward,
}

fn navigation_for(key: Key, modifiers: Modifiers) -> Option<Navigation> {
    let alt = modifiers.contains(Modifiers::ALT);
    Some(match key {
        Key::UP if alt => Navigation::Parent,
        Key::LEFT if alt => Navigation::Back,
        Key::RIGHT if alt => Navigation::Forward,
        Key::UP => Navigation::Previous,
        Key::DOWN => Navigation::Next,
        Key::PAGE_UP => Navigation::PageUp,
        Key::PAGE_DOWN => Navigation::PageDown,
        Key::HOME => Navigation::First,
        Key::END => Navigation::Last,
        Key::BACKSPACE => Navigation::Parent,
        _ => return None,
    })
}

fn draw_cell(
    cx: &mut PaintContext<'_, '_>,
    layout: &mut TextLayout,
    span: (f32, f32),
    rect: Rect,
    align: CellAlign,
    color: Color,
) {
    let (canvas, text) = cx.canvas_and_text();
    layout.set_width(text, Some(span.1.max(1.0)));
    let size = layout.size();
    let x = match align {
        CellAlign::Left => span.0,
        CellAlign::Right => span.0 + (span.1 - size.width).max(0.0),
    };
    let y = rect.y + ((rect.height - size.height) / 2.0);
    canvas.push_clip(Rect::new(span.0, rect.y, span.1, rect.height));
    layout.draw(text, canvas, Point::new(x, y), color);
    canvas.pop_clip();
}

/// A row of cells on a table's columns.
pub struct DataRow<M> {
    columns: Vec<Column>,
    cells: Vec<String>,
    icon: Option<String>,
    muted_from: usize,
    selected: bool,
    on_select: Option<M>,
    on_activate: Option<M>,
    on_navigate: Option<Box<dyn Fn(Navigation) -> M>>,
    layouts: Vec<Option<TextLayout>>,
    touch_press: bool,
}

impl<M> DataRow<M> {
    /// A row of `cells` on `columns`.
    pub fn new(columns: &[Column], cells: Vec<String>) -> DataRow<M> {
        DataRow {
            columns: columns.to_vec(),
            layouts: cells.iter().map(|_| None).collect(),
            cells,
            icon: None,
            muted_from: usize::MAX,
            selected: false,
            on_select: None,
            on_activate: None,
            on_navigate: None,
            touch_press: false,
        }
    }

    /// A theme icon before the first cell.
    pub fn icon(mut self, name: impl Into<String>) -> DataRow<M> {
        self.icon = Some(name.into());
        self
    }

    /// Cells from index `column` on are drawn in the muted colour.
    pub fn muted_from(mut self, column: usize) -> DataRow<M> {
        self.muted_from = column;
        self
    }

    /// Shown selected.
    pub fn selected(mut self, selected: bool) -> DataRow<M> {
        self.selected = selected;
        self
    }

    /// Sent on a click (selecting the row).
    pub fn on_select(mut self, message: M) -> DataRow<M> {
        self.on_select = Some(message);
        self
    }

    /// Sent on a double click, a tap, or Enter (opening the row).
    pub fn on_activate(mut self, message: M) -> DataRow<M> {
        self.on_activate = Some(message);
        self
    }

    /// Builds the message for navigation keys pressed on the row.
    pub fn on_navigate(mut self, message: impl Fn(Navigation) -> M + 'static) -> DataRow<M> {
        self.on_navigate = Some(Box::new(message));
        self
    }

    /// The cells.
    pub fn cells(&self) -> &[String] {
        &self.cells
    }

    /// Replaces the cells (through `Ui::update`); unchanged ones keep
    /// their shaped text.
    pub fn set_cells(&mut self, cells: Vec<String>) {
        self.layouts.resize_with(cells.len(), || None);
        for (index, cell) in cells.iter().enumerate() {
            if self.cells.get(index) != Some(cell) {
                self.layouts[index] = None;
            }
        }
        self.cells = cells;
    }

    /// Replaces the icon.
    pub fn set_icon(&mut self, name: Option<String>) {
        self.icon = name;
    }

    /// Whether the row shows as selected.
    pub fn is_selected(&self) -> bool {
        self.selected
    }

    /// Marks the row selected or not (through `Ui::update`).
    pub fn set_selected(&mut self, selected: bool) {
        self.selected = selected;
    }

    fn height(theme: &Theme) -> f32 {
        theme.metrics.control_height
    }
}

fn emit<M: Clone>(cx: &mut EventContext<'_, M>, message: &Option<M>) {
    if let Some(message) = message {
        cx.emit(message.clone());
    }
}

impl<M: Clone + 'static> Widget<M> for DataRow<M> {
    fn layout_style(&self, theme: &Theme) -> LayoutStyle {
        LayoutStyle { height: Some(DataRow::<M>::height(theme)), shrink: 0.0, ..LayoutStyle::default() }
    }

    fn measure(&mut self, cx: &mut MeasureContext<'_>, width: Option<f32>) -> Size {
        Size::new(width.unwrap_or(320.0), DataRow::<M>::height(cx.theme()))
    }

    fn focusable(&self) -> bool {
        true
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        // Rows select on press and open on a double click (or a tap), so
        // only hover and focus repaints come from the shared press logic.
        match event {
            Event::PointerDown { button: MouseButton::Left, clicks, source, .. } => {
                cx.request_paint();
                self.touch_press = *source == PointerSource::Touch;
                // A third click of a burst neither selects nor opens again.
                match clicks {
                    1 => emit(cx, &self.on_select),
                    2 => emit(cx, &self.on_activate),
                    _ => {}
                }
                Status::Handled
            }
            Event::PointerUp { inside, .. } => {
                cx.request_paint();
                if *inside && self.touch_press {
                    emit(cx, &self.on_activate);
                }
                self.touch_press = false;
                Status::Handled
            }
            Event::Key(key) if key.state != KeyState::Released => {
                if matches!(key.key, Key::ENTER | Key::KP_ENTER) && key.state == KeyState::Pressed {
                    emit(cx, &self.on_activate);
                    return Status::Handled;
                }
                match (navigation_for(key.key, key.modifiers), &self.on_navigate) {
                    (Some(navigation), Some(message)) => {
                        cx.emit(message(navigation));
                        Status::Handled
                    }
                    _ => Status::Ignored,
                }
            }
            _ => Press::track(cx, event).status(),
        }
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let state = cx.state();
        let palette = &theme.palette;
        let radius = theme.radii.medium;
        if self.selected {
            let tint = if state.focused { 0.22 } else { 0.14 };
            cx.canvas().fill_rounded_rect(rect, radius, palette.accent.with_opacity(tint));
        } else if state.pressed {
            cx.canvas().fill_rounded_rect(rect, radius, palette.pressed);
        } else if state.hovered {
            cx.canvas().fill_rounded_rect(rect, radius, palette.hover);
        }
        cx.focus_ring(rect.inflate(-2.0), radius);
        let mut spans = column_spans(&self.columns, rect);
        if let (Some(name), Some(first)) = (self.icon.as_deref(), spans.first_mut())
            && let Some(icon) = theme.icon(name)
        {
            let size = theme.metrics.icon_size;
            let ink = if self.selected { palette.accent } else { palette.text_muted };
            cx.canvas().draw_icon(
                icon,
                Rect::new(first.0, rect.y + (rect.height - size) / 2.0, size, size),
                ink,
            );
            first.0 += size + 10.0;
            first.1 = (first.1 - size - 10.0).max(0.0);
        }
        let style = TextStyle {
            line_height: theme.typography.line_height,
            ..TextStyle::sans(theme.typography.body_size)
        };
        for (index, (span, column)) in spans.iter().zip(&self.columns).enumerate() {
            let Some(text) = self.cells.get(index) else { break };
            let color = if index >= self.muted_from { palette.text_muted } else { palette.text };
            let layout = {
                let (_, system) = cx.canvas_and_text();
                self.layouts[index]
                    .get_or_insert_with(|| TextLayout::new(system, text, style, Overflow::Ellipsis))
            };
            draw_cell(cx, layout, *span, rect, column.align, color);
        }
    }

    fn theme_changed(&mut self) {
        self.layouts.iter_mut().for_each(|layout| *layout = None);
    }

    fn describe(&self) -> Option<Description> {
        let label = self.cells.first().cloned().unwrap_or_default();
        let value = self.cells.get(1..).map(|rest| rest.join(", ")).unwrap_or_default();
        Some(Description::new(Role::ListItem, label).value(value).checked(self.selected))
    }
}

/// The titles over a table's columns; sortable columns sort on click or
/// Enter, and show which way they sort.
pub struct TableHeader<M> {
    columns: Vec<Column>,
    sort: Option<(usize, bool)>,
    on_sort: Option<Box<dyn Fn(usize) -> M>>,
    hovered: Option<usize>,
    focused_column: usize,
    layouts: Vec<Option<TextLayout>>,
    bounds: Rect,
}

impl<M> TableHeader<M> {
    /// A header for `columns`.
    pub fn new(columns: &[Column]) -> TableHeader<M> {
        TableHeader {
            columns: columns.to_vec(),
            sort: None,
            on_sort: None,
            hovered: None,
            focused_column: 0,
            layouts: columns.iter().map(|_| None).collect(),
            bounds: Rect::default(),
        }
    }

    /// Makes the columns sortable: clicking column `i` sends `message(i)`.
    pub fn on_sort(mut self, message: impl Fn(usize) -> M + 'static) -> TableHeader<M> {
        self.on_sort = Some(Box::new(message));
        self
    }

    /// Shows column `column` as sorted, ascending or not (through `Ui::update`).
    pub fn set_sort(&mut self, sort: Option<(usize, bool)>) {
        self.sort = sort;
    }

    /// The sorted column and direction.
    pub fn sort(&self) -> Option<(usize, bool)> {
        self.sort
    }

    fn column_at(&self, x: f32) -> Option<usize> {
        column_spans(&self.columns, self.bounds)
            .iter()
            .position(|(start, width)| x >= start - GAP / 2.0 && x < start + width + GAP / 2.0)
    }
}

impl<M: 'static> Widget<M> for TableHeader<M> {
    fn layout_style(&self, _theme: &Theme) -> LayoutStyle {
        LayoutStyle { height: Some(30.0), shrink: 0.0, ..LayoutStyle::default() }
    }

    fn measure(&mut self, _cx: &mut MeasureContext<'_>, width: Option<f32>) -> Size {
        Size::new(width.unwrap_or(320.0), 30.0)
    }

    fn arranged(&mut self, bounds: Rect, _content: Size) {
        self.bounds = bounds;
    }

    fn focusable(&self) -> bool {
        self.on_sort.is_some()
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        match event {
            Event::PointerMove { position } => {
                let hovered = self.column_at(position.x);
                if hovered != self.hovered {
                    self.hovered = hovered;
                    cx.request_paint();
                }
                Status::Ignored
            }
            Event::PointerLeave => {
                self.hovered = None;
                cx.request_paint();
                Status::Ignored
            }
            Event::FocusGained | Event::FocusLost => {
                cx.request_paint();
                Status::Ignored
            }
            Event::PointerDown { button: MouseButton::Left, position, .. } => {
                match self.column_at(position.x) {
                    Some(column) => {
                        self.focused_column = column;
                        if let Some(message) = &self.on_sort {
                            cx.emit(message(column));
                        }
                        Status::Handled
                    }
                    None => Status::Ignored,
                }
            }
            Event::Key(key) if key.state != KeyState::Released => {
                let count = self.columns.len();
                match key.key {
                    Key::LEFT => self.focused_column = (self.focused_column + count - 1) % count,
                    Key::RIGHT => self.focused_column = (self.focused_column + 1) % count,
                    key if is_activation_key(key) => {
                        if let Some(message) = &self.on_sort {
                            cx.emit(message(self.focused_column));
                        }
                    }
                    _ => return Status::Ignored,
                }
                cx.request_paint();
                Status::Handled
            }
            _ => Status::Ignored,
        }
    }

    fn paint(&mut self, cx: &mut PaintContext<'_, '_>) {
        let theme = cx.theme();
        let rect = cx.rect();
        let state = cx.state();
        let palette = &theme.palette;
        cx.canvas().fill_rect(
            Rect::new(
                rect.x,
                rect.bottom() - theme.metrics.border_width,
                rect.width,
                theme.metrics.border_width,
            ),
            palette.border,
        );
        let spans = column_spans(&self.columns, rect);
        let style = TextStyle::sans(theme.typography.small_size).semibold();
        for (index, ((x, width), column)) in spans.iter().zip(&self.columns).enumerate() {
            let sorted = self.sort.filter(|(sorted, _)| *sorted == index);
            let highlight = self.on_sort.is_some() && (self.hovered == Some(index));
            let color = if sorted.is_some() || highlight { palette.text } else { palette.text_muted };
            let arrow = 14.0;
            // Room for the arrow on the side away from the alignment edge.
            let text_span = match (sorted, column.align) {
                (Some(_), CellAlign::Left) => (*x, (width - arrow - 2.0).max(0.0)),
                (Some(_), CellAlign::Right) => (*x + arrow + 2.0, (width - arrow - 2.0).max(0.0)),
                (None, _) => (*x, *width),
            };
            let layout = {
                let (_, system) = cx.canvas_and_text();
                self.layouts[index]
                    .get_or_insert_with(|| TextLayout::new(system, &column.title, style, Overflow::Ellipsis))
            };
            draw_cell(cx, layout, text_span, rect, column.align, color);
            if let Some((_, ascending)) = sorted {
                let text_width = layout.size().width.min(text_span.1);
                let arrow_x = match column.align {
                    CellAlign::Left => x + text_width + 2.0,
                    CellAlign::Right => x + width - text_width - arrow - 2.0,
                };
                let icon = super::icons::sort_arrow(ascending);
                let area = Rect::new(arrow_x, rect.y + (rect.height - arrow) / 2.0, arrow, arrow);
                cx.canvas().draw_icon(&icon, area, palette.accent);
            }
            if state.focused && state.focus_visible && index == self.focused_column {
                let ring = Rect::new(x - 6.0, rect.y + 3.0, width + 12.0, rect.height - 6.0);
                cx.canvas().stroke_rounded_rect(
                    ring,
                    theme.radii.small,
                    theme.metrics.focus_ring_width,
                    palette.focus_ring,
                );
            }
        }
    }

    fn theme_changed(&mut self) {
        self.layouts.iter_mut().for_each(|layout| *layout = None);
    }

    fn describe(&self) -> Option<Description> {
        let titles: Vec<&str> = self.columns.iter().map(|column| column.title.as_str()).collect();
        let description = Description::new(Role::TabList, "Columns").value(titles.join(", "));
        Some(description)
    }
}
