//! Single- and multi-line text entry.

use alloc::boxed::Box;
use alloc::string::String;
use core::time::Duration;

use weft_paint::{Point, Rect, Size};
use weft_text::{EditorColors, Movement, Overflow, TextEditor, TextLayout, TextSystem};
use weft_theme::Theme;
use weft_types::{Key, KeyEvent, KeyState, Modifiers};

use crate::accessibility::{Description, Role};
use crate::event::{Event, Ime, Status};
use crate::style::LayoutStyle;
use crate::widget::{EventContext, MeasureContext, PaintContext, Widget};
use crate::widgets::common::{TextRole, dimmed};

/// Horizontal padding inside the field.
const PADDING_X: f32 = 10.0;
/// Vertical padding of multi-line fields.
const PADDING_Y: f32 = 7.0;
/// Half a cursor blink cycle.
const BLINK: Duration = Duration::from_millis(530);
/// The cursor stops blinking (and the UI stops waking up) after this
/// long without input.
const BLINK_FOR: Duration = Duration::from_secs(10);

/// An editable text box. Single-line fields scroll horizontally to keep
/// the cursor visible; multi-line fields wrap and grow with their content
/// (at least `rows` lines). Edits damage only the lines they change.
pub struct TextField<M> {
    editor: Option<TextEditor>,
    pending: Option<String>,
    placeholder: String,
    placeholder_layout: Option<TextLayout>,
    multiline: bool,
    rows: usize,
    scroll_x: f32,
    selecting: bool,
    /// Visual lines at the last measure, to notice growth.
    measured_lines: usize,
    /// When the cursor last (re)started blinking.
    blink_from: Duration,
    /// Whether the blinking cursor is in its visible phase.
    cursor_shown: bool,
    on_change: Option<Box<dyn Fn(String) -> M>>,
    on_submit: Option<Box<dyn Fn(String) -> M>>,
}

impl<M> TextField<M> {
    /// An empty single-line field.
    pub fn new() -> TextField<M> {
        TextField {
            editor: None,
            pending: Some(String::new()),
            placeholder: String::new(),
            placeholder_layout: None,
            multiline: false,
            rows: 1,
            scroll_x: 0.0,
            selecting: false,
            measured_lines: 1,
            blink_from: Duration::ZERO,
            cursor_shown: true,
            on_change: None,
            on_submit: None,
        }
    }

    /// An empty multi-line field at least `rows` lines tall.
    pub fn multiline(rows: usize) -> TextField<M> {
        TextField { multiline: true, rows: rows.max(1), ..TextField::new() }
    }

    /// Initial text.
    pub fn text(mut self, text: impl Into<String>) -> TextField<M> {
        self.pending = Some(text.into());
        self
    }

    /// Hint shown while empty.
    pub fn placeholder(mut self, text: impl Into<String>) -> TextField<M> {
        self.placeholder = text.into();
        self
    }

    /// Message built from the new text after every edit.
    pub fn on_change(mut self, message: impl Fn(String) -> M + 'static) -> TextField<M> {
        self.on_change = Some(Box::new(message));
        self
    }

    /// Message built from the text when Enter is pressed (single-line).
    pub fn on_submit(mut self, message: impl Fn(String) -> M + 'static) -> TextField<M> {
        self.on_submit = Some(Box::new(message));
        self
    }

    /// The current text (without any input-method composition).
    pub fn value(&self) -> String {
        match (&self.pending, &self.editor) {
            (Some(pending), _) => pending.clone(),
            (None, Some(editor)) => editor.text(),
            (None, None) => String::new(),
        }
    }

    /// The selected text, if any.
    pub fn selected_text(&self) -> Option<String> {
        self.editor.as_ref().and_then(TextEditor::selected_text)
    }

    /// The cursor as (line, byte index).
    pub fn cursor(&self) -> (usize, usize) {
        self.editor.as_ref().map_or((0, 0), TextEditor::cursor)
    }

    /// Number of visual lines (after wrapping).
    pub fn line_count(&self) -> usize {
        self.editor.as_ref().map_or(1, TextEditor::line_count)
    }

    /// Replaces the text (through `Ui::update`).
    pub fn set_value(&mut self, text: impl Into<String>) {
        self.pending = Some(text.into());
    }

    fn editor(&mut self, text: &mut TextSystem, theme: &Theme) -> &mut TextEditor {
        let style = TextRole::Body.style(theme);
        if self.editor.as_ref().is_some_and(|editor| editor.style() != style) {
            let value = self.value();
            self.pending.get_or_insert(value);
            self.editor = None;
        }
        let multiline = self.multiline;
        let editor = self.editor.get_or_insert_with(|| TextEditor::new(text, "", style, multiline));
        if let Some(pending) = self.pending.take() {
            editor.set_text(text, &pending);
        }
        editor
    }

    /// Keeps a multi-line editor wrapped to the field's final width.
    fn sync_width(&mut self, text: &mut TextSystem, theme: &Theme, rect: Rect) {
        if self.multiline && rect.width > 0.0 {
            let inner = (rect.width - 2.0 * PADDING_X).max(1.0) + 0.5;
            let editor = self.editor(text, theme);
            editor.set_width(text, Some(inner));
            editor.take_damage();
        }
    }

    fn line_height(theme: &Theme) -> f32 {
        TextRole::Body.style(theme).line_height_pixels()
    }

    /// The text area inside the padding, window coordinates.
    fn content_rect(&self, rect: Rect) -> Rect {
        if self.multiline {
            Rect::new(
                rect.x + PADDING_X,
                rect.y + PADDING_Y,
                (rect.width - 2.0 * PADDING_X).max(0.0),
                (rect.height - 2.0 * PADDING_Y).max(0.0),
            )
        } else {
            Rect::new(rect.x + PADDING_X, rect.y, (rect.width - 2.0 * PADDING_X).max(0.0), rect.height)
        }
    }

    /// Where the text's top-left corner is drawn.
    fn text_origin(&self, rect: Rect, theme: &Theme) -> Point {
        let content = self.content_rect(rect);
        if self.multiline {
            Point::new(content.x, content.y)
        } else {
            let line = Self::line_height(theme);
            Point::new(content.x - self.scroll_x, content.y + libm::floorf((content.height - line) / 2.0))
        }
    }

    /// Scrolls a single-line field so the cursor stays visible.
    fn keep_cursor_visible(&mut self, rect: Rect) -> bool {
        if self.multiline {
            return false;
        }
        let Some(editor) = self.editor.as_ref() else {
            return false;
        };
        let width = self.content_rect(rect).width;
        let cursor = editor.cursor_rect().x;
        let text_width = editor.size().width;
        let old = self.scroll_x;
        if cursor - self.scroll_x > width - 1.0 {
            self.scroll_x = cursor - width + 1.0;
        } else if cursor < self.scroll_x {
            self.scroll_x = cursor;
        }
        self.scroll_x = self.scroll_x.min((text_width - width + 1.0).max(0.0)).max(0.0);
        self.scroll_x != old
    }

    fn handle_key(&mut self, cx: &mut EventContext<'_, M>, key: &KeyEvent) -> Status {
        if key.state == KeyState::Released {
            return Status::Ignored;
        }
        let theme = cx.theme();
        let control = key.modifiers.contains(Modifiers::CONTROL);
        let shift = key.modifiers.contains(Modifiers::SHIFT);
        let before = self.value();
        let multiline = self.multiline;
        let mut submit = false;
        let clipboard = String::from(cx.clipboard());
        let mut copied = None;
        {
            let text = cx.text();
            let editor = self.editor(text, theme);
            let word = |plain, by_word| if control { by_word } else { plain };
            match key.key {
                Key::BACKSPACE if control => editor.delete_word_backward(text),
                Key::BACKSPACE => editor.backspace(text),
                Key::DELETE => editor.delete(text),
                Key::LEFT => editor.move_cursor(text, word(Movement::Left, Movement::WordLeft), shift),
                Key::RIGHT => editor.move_cursor(text, word(Movement::Right, Movement::WordRight), shift),
                Key::UP if multiline => editor.move_cursor(text, Movement::Up, shift),
                Key::DOWN if multiline => editor.move_cursor(text, Movement::Down, shift),
                Key::HOME => editor.move_cursor(text, word(Movement::LineStart, Movement::TextStart), shift),
                Key::END => editor.move_cursor(text, word(Movement::LineEnd, Movement::TextEnd), shift),
                Key::ENTER | Key::KP_ENTER if multiline => editor.commit(text, "\n"),
                Key::ENTER | Key::KP_ENTER => submit = true,
                Key::A if control => editor.select_all(text),
                Key::C if control => copied = editor.selected_text(),
                Key::X if control => {
                    copied = editor.selected_text();
                    if copied.is_some() {
                        editor.commit(text, "");
                    }
                }
                Key::V if control => editor.commit(text, &clipboard),
                _ if !key.text.is_empty() && !control && !key.modifiers.contains(Modifiers::ALT) => {
                    let typed: String =
                        key.text.chars().filter(|character| !character.is_control()).collect();
                    if typed.is_empty() {
                        return Status::Ignored;
                    }
                    editor.commit(text, &typed);
                }
                _ => return Status::Ignored,
            }
        }
        if let Some(copied) = copied {
            cx.set_clipboard(copied);
        }
        if submit && let Some(on_submit) = &self.on_submit {
            cx.emit(on_submit(before.clone()));
        }
        self.after_edit(cx, &before);
        Status::Handled
    }

    /// Damage, scrolling, relayout and change messages after any edit.
    /// The cursor's rectangle in window coordinates, clipped to the field.
    fn cursor_area(&self, rect: Rect, theme: &Theme) -> Option<Rect> {
        let editor = self.editor.as_ref()?;
        let origin = self.text_origin(rect, theme);
        editor.cursor_rect().translate(origin.x, origin.y).inflate(1.0).intersect(&rect)
    }

    /// Shows the cursor and starts a new blink cycle.
    fn restart_blink(&mut self, cx: &mut EventContext<'_, M>) {
        if !self.cursor_shown
            && let Some(area) = self.cursor_area(cx.rect(), cx.theme())
        {
            cx.request_paint_rect(area);
        }
        self.cursor_shown = true;
        self.blink_from = cx.now();
        cx.request_animation_at(cx.now() + BLINK);
    }

    fn after_edit(&mut self, cx: &mut EventContext<'_, M>, before: &str) {
        self.restart_blink(cx);
        let rect = cx.rect();
        let theme = cx.theme();
        let scrolled = self.keep_cursor_visible(rect);
        let origin = self.text_origin(rect, theme);
        let Some(editor) = self.editor.as_mut() else {
            return;
        };
        if scrolled {
            cx.request_paint();
        } else if let Some(area) = editor.take_damage() {
            // Clipped to the field: the text is clipped to it too.
            let area = area.translate(origin.x, origin.y).inflate(1.0);
            if let Some(area) = area.intersect(&rect) {
                cx.request_paint_rect(area);
            }
        }
        if self.multiline && editor.line_count().max(self.rows) != self.measured_lines.max(self.rows) {
            cx.request_layout();
        }
        let after = self.value();
        if after != before
            && let Some(on_change) = &self.on_change
        {
            cx.emit(on_change(after));
        }
    }
}

impl<M> Default for TextField<M> {
    fn default() -> TextField<M> {
        TextField::new()
    }
}

impl<M: 'static> Widget<M> for TextField<M> {
    fn layout_style(&self, theme: &Theme) -> LayoutStyle {
        LayoutStyle {
            min_height: Some(theme.metrics.control_height),
            min_width: Some(80.0),
            height: (!self.multiline).then_some(theme.metrics.control_height),
            ..LayoutStyle::default()
        }
    }

    fn measure(&mut self, cx: &mut MeasureContext<'_>, width: Option<f32>) -> Size {
        let theme = cx.theme();
        let line = Self::line_height(theme);
        let multiline = self.multiline;
        let rows = self.rows;
        let editor = self.editor(cx.text(), theme);
        if multiline {
            let inner = width.map(|width| (width - 2.0 * PADDING_X).max(1.0) + 0.5);
            editor.set_width(cx.text(), inner);
            editor.take_damage();
            let lines = editor.line_count().max(rows);
            self.measured_lines = editor.line_count();
            Size::new(width.unwrap_or(240.0), lines as f32 * line + 2.0 * PADDING_Y)
        } else {
            Size::new(width.unwrap_or(200.0), theme.metrics.control_height)
        }
    }

    fn focusable(&self) -> bool {
        true
    }

    fn event(&mut self, cx: &mut EventContext<'_, M>, event: &Event) -> Status {
        let theme = cx.theme();
        let rect = cx.rect();
        self.sync_width(cx.text(), theme, rect);
        match event {
            Event::FocusGained => {
                self.restart_blink(cx);
                cx.request_paint();
                Status::Ignored
            }
            Event::FocusLost | Event::PointerEnter | Event::PointerLeave => {
                cx.request_paint();
                Status::Ignored
            }
            Event::PointerDown { position, clicks, .. } => {
                let before = self.value();
                let origin = self.text_origin(rect, theme);
                let local = Point::new(position.x - origin.x, position.y - origin.y);
                let editor = self.editor(cx.text(), theme);
                if *clicks >= 2 {
                    editor.select_word_at(cx.text(), local);
                } else {
                    editor.place_cursor(cx.text(), local, false);
                    self.selecting = true;
                }
                self.after_edit(cx, &before);
                Status::Handled
            }
            Event::PointerMove { position } if self.selecting => {
                let before = self.value();
                let origin = self.text_origin(rect, theme);
                let local = Point::new(position.x - origin.x, position.y - origin.y);
                let editor = self.editor(cx.text(), theme);
                editor.place_cursor(cx.text(), local, true);
                self.after_edit(cx, &before);
                Status::Handled
            }
            Event::PointerUp { .. } | Event::PointerCancel => {
                self.selecting = false;
                Status::Handled
            }
            Event::Key(key) => self.handle_key(cx, key),
            Event::Ime(ime) => {
                let before = self.value();
                let editor = self.editor(cx.text(), theme);
                match ime {
                    Ime::Commit(text) => editor.commit(cx.text(), text),
                    Ime::Preedit(text) => editor.set_preedit(cx.text(), text),
                }
                self.after_edit(cx, &before);
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
        let radius = theme.radii.medium;
        cx.focus_ring(rect, radius);
        cx.canvas().fill_rounded_rect(rect, radius, palette.surface);
        let border = if state.focused {
            palette.accent
        } else if state.hovered {
            palette.text_muted
        } else {
            palette.border_strong
        };
        let border_width = if state.focused { 1.5 } else { theme.metrics.border_width };
        cx.canvas().stroke_rounded_rect(rect, radius, border_width, dimmed(border, state));
        let origin = self.text_origin(rect, theme);
        let content = self.content_rect(rect);
        let colors = EditorColors {
            text: dimmed(palette.text, state),
            selection: if state.focused { palette.selection } else { palette.selection.with_opacity(0.5) },
            cursor: palette.cursor,
        };
        let style = TextRole::Body.style(theme);
        let placeholder = self.placeholder.clone();
        self.sync_width(cx.text(), theme, rect);
        let (canvas, text) = cx.canvas_and_text();
        canvas.push_clip(Rect::new(rect.x + 2.0, rect.y + 2.0, rect.width - 4.0, rect.height - 4.0));
        let show_cursor = state.focused && self.cursor_shown;
        let editor = self.editor(text, theme);
        let empty = editor.text().is_empty() && editor.preedit().is_none();
        editor.draw(text, canvas, origin, colors, show_cursor);
        if empty && !placeholder.is_empty() {
            let layout = self
                .placeholder_layout
                .get_or_insert_with(|| TextLayout::new(text, &placeholder, style, Overflow::Ellipsis));
            layout.set_width(text, Some(content.width));
            layout.draw(text, canvas, Point::new(origin.x + 2.0, origin.y), palette.text_muted);
        }
        canvas.pop_clip();
    }

    fn theme_changed(&mut self) {
        self.placeholder_layout = None;
    }

    fn animate(&mut self, cx: &mut EventContext<'_, M>, now: Duration) -> bool {
        let elapsed = now.saturating_sub(self.blink_from);
        let focused = cx.state().focused;
        let (shown, again) = if !focused || elapsed >= BLINK_FOR {
            (true, false)
        } else {
            let phase = elapsed.as_millis() / BLINK.as_millis();
            cx.request_animation_at(self.blink_from + BLINK * (phase as u32 + 1));
            (phase.is_multiple_of(2), true)
        };
        if shown != self.cursor_shown {
            self.cursor_shown = shown;
            if let Some(area) = self.cursor_area(cx.rect(), cx.theme()) {
                cx.request_paint_rect(area);
            }
        }
        again
    }

    fn describe(&self) -> Option<Description> {
        Some(Description::new(Role::TextInput, self.placeholder.as_str()).value(self.value()))
    }
}
