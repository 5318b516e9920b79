//! Editable text: cursor, selection, editing, IME preedit and line damage.

use alloc::string::String;
use alloc::vec::Vec;

use cosmic_text::{Action, Buffer, Cursor, Edit, Editor, Motion, Selection, Shaping, Wrap};
use weft_paint::{Canvas, Color, Point, Rect};

use crate::layout::libm_ceil;
use crate::render::draw_buffer;
use crate::style::TextStyle;
use crate::system::TextSystem;

/// Where a cursor movement goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Movement {
    /// One character left.
    Left,
    /// One character right.
    Right,
    /// To the start of the previous word.
    WordLeft,
    /// To the end of the next word.
    WordRight,
    /// One visual line up.
    Up,
    /// One visual line down.
    Down,
    /// Start of the visual line.
    LineStart,
    /// End of the visual line.
    LineEnd,
    /// Start of the text.
    TextStart,
    /// End of the text.
    TextEnd,
}

/// One visual line's appearance, to find what an edit changed.
#[derive(Clone, Debug, PartialEq)]
struct LineSnapshot {
    top: f32,
    height: f32,
    /// Glyph id and pen position of every glyph, in visual order.
    glyphs: Vec<(u16, u32, f32)>,
    /// Right end of the line's glyphs.
    width: f32,
    /// Selection and preedit spans (left, width).
    spans: Vec<(f32, f32)>,
    /// Cursor x if the cursor is on this line.
    cursor: Option<f32>,
}

impl LineSnapshot {
    /// The horizontal range (left, right) where `self` and `other` can
    /// look different, or `None` if they look the same.
    fn changed_range(&self, other: &LineSnapshot) -> Option<(f32, f32)> {
        if self == other {
            return None;
        }
        if self.top != other.top || self.height != other.height {
            return Some((0.0, self.width.max(other.width)));
        }
        let mut left = f32::INFINITY;
        let mut right = f32::NEG_INFINITY;
        let mut widen = |from: f32, to: f32| {
            left = left.min(from);
            right = right.max(to);
        };
        let common = self
            .glyphs
            .iter()
            .zip(&other.glyphs)
            .take_while(|(a, b)| a == b)
            .count();
        if common < self.glyphs.len().max(other.glyphs.len()) {
            let start = [self.glyphs.get(common), other.glyphs.get(common)]
                .into_iter()
                .flatten()
                .map(|glyph| glyph.2)
                .fold(f32::INFINITY, f32::min);
            widen(start, self.width.max(other.width));
        }
        if self.spans != other.spans {
            for (span_left, span_width) in self.spans.iter().chain(&other.spans) {
                widen(*span_left, span_left + span_width.max(4.0));
            }
        }
        if self.cursor != other.cursor {
            for x in [self.cursor, other.cursor].into_iter().flatten() {
                widen(x, x + 1.0);
            }
        }
        (left <= right).then_some((left, right))
    }
}

/// An editable paragraph (single- or multi-line) with cursor and selection.
///
/// Text arrives through [`TextEditor::commit`] (committed input, from keys
/// or an input method) and [`TextEditor::set_preedit`] (composition in
/// progress, shown underlined at the cursor and not part of
/// [`TextEditor::text`]). After each change, [`TextEditor::take_damage`]
/// tells which area (logical pixels) changed appearance.
pub struct TextEditor {
    editor: Editor<'static>,
    style: TextStyle,
    multiline: bool,
    /// The preedit's byte range on the cursor line, if composing.
    preedit: Option<(usize, usize, usize)>,
    damage: Option<Rect>,
    width: Option<f32>,
}

impl core::fmt::Debug for TextEditor {
    fn fmt(&self, formatter: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        formatter
            .debug_struct("TextEditor")
            .field("text", &self.text())
            .finish_non_exhaustive()
    }
}

impl TextEditor {
    /// An editor holding `text`. Multi-line editors wrap at the width set
    /// with [`TextEditor::set_width`] and accept newlines.
    pub fn new(
        system: &mut TextSystem,
        text: &str,
        style: TextStyle,
        multiline: bool,
    ) -> TextEditor {
        let mut buffer = Buffer::new(&mut system.fonts, style.metrics());
        buffer.set_wrap(if multiline {
            Wrap::WordOrGlyph
        } else {
            Wrap::None
        });
        buffer.set_size(None, None);
        let text = if multiline {
            String::from(text)
        } else {
            text.replace('\n', " ")
        };
        buffer.set_text(&text, &style.attrs(), Shaping::Advanced, None);
        let mut editor = Editor::new(buffer);
        editor.shape_as_needed(&mut system.fonts, false);
        let mut this = TextEditor {
            editor,
            style,
            multiline,
            preedit: None,
            damage: None,
            width: None,
        };
        this.move_cursor(system, Movement::TextEnd, false);
        this.damage = None;
        this
    }

    /// The committed text (without any preedit).
    pub fn text(&self) -> String {
        let mut text = String::new();
        self.editor.with_buffer(|buffer| {
            for (index, line) in buffer.lines.iter().enumerate() {
                if index > 0 {
                    text.push('\n');
                }
                match self.preedit {
                    Some((preedit_line, start, end)) if preedit_line == index => {
                        text.push_str(&line.text()[..start]);
                        text.push_str(&line.text()[end..]);
                    }
                    _ => text.push_str(line.text()),
                }
            }
        });
        text
    }

    /// The style.
    pub fn style(&self) -> TextStyle {
        self.style
    }

    /// Whether newlines are accepted and text wraps.
    pub fn is_multiline(&self) -> bool {
        self.multiline
    }

    /// Replaces all text, clearing selection and preedit; the cursor goes to the end.
    pub fn set_text(&mut self, system: &mut TextSystem, text: &str) {
        let before = self.snapshot();
        let text = if self.multiline {
            String::from(text)
        } else {
            text.replace('\n', " ")
        };
        let attrs = self.style.attrs();
        self.editor
            .with_buffer_mut(|buffer| buffer.set_text(&text, &attrs, Shaping::Advanced, None));
        self.preedit = None;
        self.editor.set_selection(Selection::None);
        self.editor.set_cursor(Cursor::new(0, 0));
        self.editor.shape_as_needed(&mut system.fonts, false);
        self.editor
            .action(&mut system.fonts, Action::Motion(Motion::BufferEnd));
        self.finish(system, before);
    }

    /// Sets the wrapping width (logical pixels; `None` for unconstrained).
    pub fn set_width(&mut self, system: &mut TextSystem, width: Option<f32>) {
        if self.width == width {
            return;
        }
        let before = self.snapshot();
        self.width = width;
        let wrap_width = if self.multiline { width } else { None };
        self.editor
            .with_buffer_mut(|buffer| buffer.set_size(wrap_width, None));
        self.finish(system, before);
    }

    fn snapshot(&self) -> Vec<LineSnapshot> {
        let cursor = self.editor.cursor();
        let selection = self.editor.selection_bounds();
        let cursor_x = self
            .editor
            .with_buffer(|buffer| buffer.cursor_position(&cursor).map(|(x, _)| x));
        let cursor_line_top = self
            .editor
            .with_buffer(|buffer| buffer.cursor_position(&cursor).map(|(_, y)| y));
        self.editor.with_buffer(|buffer| {
            buffer
                .layout_runs()
                .map(|run| {
                    let glyphs = run
                        .glyphs
                        .iter()
                        .map(|glyph| (glyph.glyph_id, glyph.font_size.to_bits(), glyph.x))
                        .collect();
                    let mut spans: Vec<(f32, f32)> = Vec::new();
                    if let Some((start, end)) = selection {
                        spans.extend(run.highlight(start, end));
                    }
                    if let Some((line, start, end)) = self.preedit
                        && line == run.line_i
                    {
                        spans.extend(
                            run.highlight(Cursor::new(line, start), Cursor::new(line, end)),
                        );
                    }
                    let on_line =
                        cursor.line == run.line_i && cursor_line_top == Some(run.line_top);
                    LineSnapshot {
                        top: run.line_top,
                        height: run.line_height,
                        glyphs,
                        width: run.line_w,
                        spans,
                        cursor: if on_line { cursor_x } else { None },
                    }
                })
                .collect()
        })
    }

    /// Reshapes and records the area whose appearance changed.
    fn finish(&mut self, system: &mut TextSystem, before: Vec<LineSnapshot>) {
        self.editor.shape_as_needed(&mut system.fonts, false);
        let after = self.snapshot();
        // Glyph ink can reach left of its pen position and past its advance.
        let overhang = libm_ceil(self.style.size * 0.3);
        let mut changed: Option<Rect> = None;
        for index in 0..before.len().max(after.len()) {
            let area = match (before.get(index), after.get(index)) {
                (Some(old), Some(new)) => old.changed_range(new).map(|(left, right)| {
                    Rect::new(
                        left,
                        old.top.min(new.top),
                        right - left,
                        old.height.max(new.height),
                    )
                }),
                (Some(line), None) | (None, Some(line)) => {
                    Some(Rect::new(0.0, line.top, line.width, line.height))
                }
                (None, None) => None,
            };
            if let Some(area) = area {
                let area = Rect::new(
                    area.x - overhang,
                    area.y,
                    area.width + 2.0 * overhang,
                    area.height,
                );
                changed = Some(match changed {
                    Some(total) => union(total, area),
                    None => area,
                });
            }
        }
        if let Some(area) = changed {
            self.damage = Some(match self.damage {
                Some(total) => union(total, area),
                None => area,
            });
        }
    }

    /// Takes the area (logical, relative to the text origin) whose
    /// appearance changed since the last call.
    pub fn take_damage(&mut self) -> Option<Rect> {
        self.damage.take()
    }

    fn clear_preedit(&mut self) {
        if let Some((line, start, end)) = self.preedit.take() {
            self.editor
                .delete_range(Cursor::new(line, start), Cursor::new(line, end));
            self.editor.set_cursor(Cursor::new(line, start));
        }
    }

    /// Inserts committed text at the cursor, replacing the selection and
    /// any preedit. Newlines are dropped in single-line editors.
    pub fn commit(&mut self, system: &mut TextSystem, text: &str) {
        let before = self.snapshot();
        self.clear_preedit();
        let text: String = if self.multiline {
            text.chars()
                .filter(|character| {
                    *character == '\n' || *character == '\t' || !character.is_control()
                })
                .collect()
        } else {
            text.chars()
                .filter(|character| !character.is_control())
                .collect()
        };
        if !text.is_empty() || self.editor.selection_bounds().is_some() {
            self.editor.insert_string(&text, None);
        }
        self.finish(system, before);
    }

    /// Shows `text` as the input method's composition at the cursor (empty
    /// to cancel). It replaces the selection, is drawn underlined and is
    /// not part of [`TextEditor::text`] until committed.
    pub fn set_preedit(&mut self, system: &mut TextSystem, text: &str) {
        let before = self.snapshot();
        self.clear_preedit();
        if !text.is_empty() {
            self.editor.delete_selection();
            let start = self.editor.cursor();
            let end = self.editor.insert_at(start, text, None);
            self.preedit = Some((start.line, start.index, end.index));
            self.editor.set_cursor(end);
        }
        self.finish(system, before);
    }

    /// The current preedit text, if composing.
    pub fn preedit(&self) -> Option<String> {
        let (line, start, end) = self.preedit?;
        self.editor.with_buffer(|buffer| {
            buffer
                .lines
                .get(line)
                .map(|text| String::from(&text.text()[start..end]))
        })
    }

    /// Deletes the selection, or the character before the cursor.
    pub fn backspace(&mut self, system: &mut TextSystem) {
        let before = self.snapshot();
        self.clear_preedit();
        self.editor.action(&mut system.fonts, Action::Backspace);
        self.finish(system, before);
    }

    /// Deletes the selection, or the character after the cursor.
    pub fn delete(&mut self, system: &mut TextSystem) {
        let before = self.snapshot();
        self.clear_preedit();
        self.editor.action(&mut system.fonts, Action::Delete);
        self.finish(system, before);
    }

    /// Deletes from the cursor to the previous word start (or the selection).
    pub fn delete_word_backward(&mut self, system: &mut TextSystem) {
        if self.editor.selection_bounds().is_none() {
            self.move_cursor(system, Movement::WordLeft, true);
        }
        self.backspace(system);
    }

    /// Moves the cursor; with `extend`, grows the selection instead of
    /// clearing it.
    pub fn move_cursor(&mut self, system: &mut TextSystem, movement: Movement, extend: bool) {
        let before = self.snapshot();
        self.clear_preedit();
        let cursor = self.editor.cursor();
        match (extend, self.editor.selection()) {
            (true, Selection::None) => self.editor.set_selection(Selection::Normal(cursor)),
            (true, _) => {}
            (false, _) => {
                // Collapsing a selection with Left/Right goes to its edge.
                if let Some((start, end)) = self.editor.selection_bounds() {
                    self.editor.set_selection(Selection::None);
                    match movement {
                        Movement::Left => {
                            self.editor.set_cursor(start);
                            self.finish(system, before);
                            return;
                        }
                        Movement::Right => {
                            self.editor.set_cursor(end);
                            self.finish(system, before);
                            return;
                        }
                        _ => {}
                    }
                }
            }
        }
        let motion = match movement {
            Movement::Left => Motion::Previous,
            Movement::Right => Motion::Next,
            Movement::WordLeft => Motion::PreviousWord,
            Movement::WordRight => Motion::NextWord,
            Movement::Up => Motion::Up,
            Movement::Down => Motion::Down,
            Movement::LineStart => Motion::Home,
            Movement::LineEnd => Motion::End,
            Movement::TextStart => Motion::BufferStart,
            Movement::TextEnd => Motion::BufferEnd,
        };
        self.editor
            .action(&mut system.fonts, Action::Motion(motion));
        if let Selection::Normal(anchor) = self.editor.selection()
            && anchor == self.editor.cursor()
        {
            self.editor.set_selection(Selection::None);
        }
        self.finish(system, before);
    }

    /// Selects everything.
    pub fn select_all(&mut self, system: &mut TextSystem) {
        let before = self.snapshot();
        self.clear_preedit();
        self.editor.set_cursor(Cursor::new(0, 0));
        self.editor
            .set_selection(Selection::Normal(Cursor::new(0, 0)));
        self.editor
            .action(&mut system.fonts, Action::Motion(Motion::BufferEnd));
        self.finish(system, before);
    }

    /// The selected text, if any (for copy and cut).
    pub fn selected_text(&self) -> Option<String> {
        self.editor.copy_selection().filter(|text| !text.is_empty())
    }

    /// Whether some text is selected.
    pub fn has_selection(&self) -> bool {
        self.editor.selection_bounds().is_some()
    }

    /// Moves the cursor to the text position nearest to `point` (logical,
    /// relative to the text origin); with `extend`, selects up to it.
    pub fn place_cursor(&mut self, system: &mut TextSystem, point: Point, extend: bool) {
        let before = self.snapshot();
        self.clear_preedit();
        let hit = self
            .editor
            .with_buffer(|buffer| buffer.hit(point.x, point.y));
        if let Some(hit) = hit {
            if extend {
                if self.editor.selection() == Selection::None {
                    self.editor
                        .set_selection(Selection::Normal(self.editor.cursor()));
                }
            } else {
                self.editor.set_selection(Selection::None);
            }
            self.editor.set_cursor(hit);
            if self.editor.selection() == Selection::Normal(hit) {
                self.editor.set_selection(Selection::None);
            }
        }
        self.finish(system, before);
    }

    /// Selects the word at `point` (double click).
    pub fn select_word_at(&mut self, system: &mut TextSystem, point: Point) {
        let before = self.snapshot();
        self.clear_preedit();
        self.editor.action(
            &mut system.fonts,
            Action::DoubleClick {
                x: point.x as i32,
                y: point.y as i32,
            },
        );
        self.finish(system, before);
    }

    /// The cursor's rectangle (logical, relative to the text origin).
    pub fn cursor_rect(&self) -> Rect {
        let cursor = self.editor.cursor();
        let line_height = self.style.line_height_pixels();
        self.editor
            .with_buffer(|buffer| match buffer.cursor_position(&cursor) {
                Some((x, y)) => Rect::new(x, y, 1.0, line_height),
                None => Rect::new(0.0, 0.0, 1.0, line_height),
            })
    }

    /// The cursor position as (line, byte index) in the text.
    pub fn cursor(&self) -> (usize, usize) {
        let cursor = self.editor.cursor();
        (cursor.line, cursor.index)
    }

    /// Size of the laid-out text (logical), at least one line tall.
    pub fn size(&self) -> weft_paint::Size {
        let line_height = self.style.line_height_pixels();
        self.editor.with_buffer(|buffer| {
            let mut width: f32 = 0.0;
            let mut lines = 0usize;
            for run in buffer.layout_runs() {
                width = width.max(run.line_w);
                lines += 1;
            }
            weft_paint::Size::new(libm_ceil(width), line_height * lines.max(1) as f32)
        })
    }

    /// Number of visual lines.
    pub fn line_count(&self) -> usize {
        self.editor
            .with_buffer(|buffer| buffer.layout_runs().count())
    }

    /// Draws selection, text, preedit underline and (if `show_cursor`) the
    /// cursor with the text's top-left corner at `origin` (logical).
    pub fn draw(
        &self,
        system: &mut TextSystem,
        canvas: &mut Canvas<'_>,
        origin: Point,
        colors: EditorColors,
        show_cursor: bool,
    ) {
        let selection = self.editor.selection_bounds();
        self.editor.with_buffer(|buffer| {
            for run in buffer.layout_runs() {
                if let Some((start, end)) = selection {
                    for (left, width) in run.highlight(start, end) {
                        let width = if width <= 0.0 { 4.0 } else { width };
                        canvas.fill_rect(
                            Rect::new(
                                origin.x + left,
                                origin.y + run.line_top,
                                width,
                                run.line_height,
                            ),
                            colors.selection,
                        );
                    }
                }
                if let Some((line, start, end)) = self.preedit
                    && line == run.line_i
                {
                    let from = Cursor::new(line, start);
                    let to = Cursor::new(line, end);
                    for (left, width) in run.highlight(from, to) {
                        canvas.fill_rect(
                            Rect::new(
                                origin.x + left,
                                origin.y + run.line_top + run.line_height - 2.0,
                                width,
                                1.0,
                            ),
                            colors.text,
                        );
                    }
                }
            }
            draw_buffer(system, buffer, canvas, origin, colors.text);
        });
        if show_cursor {
            let cursor = self.cursor_rect();
            canvas.fill_rect(cursor.translate(origin.x, origin.y), colors.cursor);
        }
    }
}

fn union(first: Rect, second: Rect) -> Rect {
    let left = first.x.min(second.x);
    let top = first.y.min(second.y);
    let right = first.right().max(second.right());
    let bottom = first.bottom().max(second.bottom());
    Rect::new(left, top, right - left, bottom - top)
}

/// Colours an editor draws with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EditorColors {
    /// Text.
    pub text: Color,
    /// Selection highlight.
    pub selection: Color,
    /// Cursor bar.
    pub cursor: Color,
}
