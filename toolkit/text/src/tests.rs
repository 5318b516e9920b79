//! Unit tests for layout, editing and rendering.

use alloc::vec;

use weft_paint::{Canvas, Color, Point};

use crate::{EditorColors, Movement, Overflow, TextEditor, TextLayout, TextStyle, TextSystem};

const COLORS: EditorColors = EditorColors {
    text: Color::BLACK,
    selection: Color::rgba(0, 0, 255, 80),
    cursor: Color::BLACK,
};

#[test]
fn wraps_to_the_width() {
    let mut system = TextSystem::new();
    let text = "The quick brown fox jumps over the lazy dog and keeps running";
    let mut layout = TextLayout::new(&mut system, text, TextStyle::sans(14.0), Overflow::Wrap);
    let single = layout.size();
    assert_eq!(layout.line_count(), 1);
    let wrapped = layout.measure(&mut system, Some(120.0));
    assert!(layout.line_count() >= 3, "{:?}", layout.visual_lines());
    assert!(wrapped.width <= 120.0);
    assert!(wrapped.height > single.height * 2.0);
}

#[test]
fn ellipsis_keeps_one_line_within_width() {
    let mut system = TextSystem::new();
    let mut layout = TextLayout::new(
        &mut system,
        "A rather long label that does not fit",
        TextStyle::sans(14.0),
        Overflow::Ellipsis,
    );
    let size = layout.measure(&mut system, Some(100.0));
    assert_eq!(layout.line_count(), 1);
    assert!(size.width <= 100.0, "{size:?}");
    assert!(layout.visual_lines()[0].len() < layout.text().len());
}

#[test]
fn renders_ink_at_scale() {
    let mut system = TextSystem::new();
    let layout = TextLayout::new(&mut system, "Weft", TextStyle::sans(20.0), Overflow::Clip);
    let mut ink = |scale: f32| {
        let mut data = vec![0u8; 200 * 100 * 4];
        let mut canvas = Canvas::new(&mut data, 200, 100, 800, scale).unwrap();
        layout.draw(&mut system, &mut canvas, Point::new(2.0, 2.0), Color::BLACK);
        data.chunks_exact(4)
            .map(|pixel| pixel[3] as u32)
            .sum::<u32>()
    };
    let once = ink(1.0);
    let twice = ink(2.0);
    assert!(once > 0);
    let ratio = twice as f32 / once as f32;
    assert!(
        (3.4..4.6).contains(&ratio),
        "ink should scale with area, ratio {ratio}"
    );
    assert!(system.cached_glyphs() >= 6, "glyphs are cached per size");
}

#[test]
fn typing_backspace_and_selection_replace() {
    let mut system = TextSystem::new();
    let mut editor = TextEditor::new(&mut system, "hello", TextStyle::sans(14.0), false);
    editor.commit(&mut system, " world");
    assert_eq!(editor.text(), "hello world");
    editor.backspace(&mut system);
    assert_eq!(editor.text(), "hello worl");
    editor.move_cursor(&mut system, Movement::WordLeft, true);
    assert_eq!(editor.selected_text().as_deref(), Some("worl"));
    editor.commit(&mut system, "there");
    assert_eq!(editor.text(), "hello there");
    editor.select_all(&mut system);
    editor.commit(&mut system, "x");
    assert_eq!(editor.text(), "x");
}

#[test]
fn word_and_line_movement() {
    let mut system = TextSystem::new();
    let mut editor = TextEditor::new(&mut system, "one two three", TextStyle::sans(14.0), false);
    editor.move_cursor(&mut system, Movement::LineStart, false);
    assert_eq!(editor.cursor(), (0, 0));
    editor.move_cursor(&mut system, Movement::WordRight, false);
    assert_eq!(editor.cursor(), (0, 3));
    editor.move_cursor(&mut system, Movement::WordRight, false);
    assert_eq!(editor.cursor(), (0, 7));
    editor.move_cursor(&mut system, Movement::WordLeft, false);
    assert_eq!(editor.cursor(), (0, 4));
    editor.move_cursor(&mut system, Movement::Right, false);
    assert_eq!(editor.cursor(), (0, 5));
    editor.move_cursor(&mut system, Movement::LineEnd, false);
    assert_eq!(editor.cursor(), (0, 13));
    editor.delete_word_backward(&mut system);
    assert_eq!(editor.text(), "one two ");
}

#[test]
fn single_line_drops_newlines_multiline_keeps_them() {
    let mut system = TextSystem::new();
    let mut single = TextEditor::new(&mut system, "", TextStyle::sans(14.0), false);
    single.commit(&mut system, "a\nb");
    assert_eq!(single.text(), "ab");
    let mut multi = TextEditor::new(&mut system, "", TextStyle::sans(14.0), true);
    multi.commit(&mut system, "a\nb");
    assert_eq!(multi.text(), "a\nb");
    assert_eq!(multi.line_count(), 2);
    multi.move_cursor(&mut system, Movement::Up, false);
    assert_eq!(multi.cursor().0, 0);
}

#[test]
fn multiline_wraps_at_width() {
    let mut system = TextSystem::new();
    let mut editor = TextEditor::new(
        &mut system,
        "words that wrap around when the width is small",
        TextStyle::sans(14.0),
        true,
    );
    editor.set_width(&mut system, Some(90.0));
    assert!(editor.line_count() >= 3);
    assert!(editor.size().width <= 90.0);
}

#[test]
fn preedit_is_shown_but_not_committed() {
    let mut system = TextSystem::new();
    let mut editor = TextEditor::new(&mut system, "ab", TextStyle::sans(14.0), false);
    editor.move_cursor(&mut system, Movement::Left, false);
    editor.set_preedit(&mut system, "ni");
    assert_eq!(editor.text(), "ab");
    assert_eq!(editor.preedit().as_deref(), Some("ni"));
    editor.set_preedit(&mut system, "nih");
    assert_eq!(editor.preedit().as_deref(), Some("nih"));
    editor.commit(&mut system, "日");
    assert_eq!(editor.text(), "a日b");
    assert_eq!(editor.preedit(), None);
}

#[test]
fn damage_covers_only_the_edited_line() {
    let mut system = TextSystem::new();
    let style = TextStyle::sans(14.0);
    let mut editor = TextEditor::new(&mut system, "first\nsecond\nthird\nfourth", style, true);
    editor.take_damage();
    editor.move_cursor(&mut system, Movement::Up, false);
    editor.move_cursor(&mut system, Movement::Up, false);
    editor.take_damage();
    editor.commit(&mut system, "!");
    let damage = editor.take_damage().expect("an edit damages");
    let line = style.line_height_pixels();
    assert_eq!(
        (damage.y, damage.bottom()),
        (line, 2.0 * line),
        "only the second line changed"
    );
    assert!(
        damage.width < 30.0,
        "only around the new character: {damage:?}"
    );
    assert_eq!(editor.take_damage(), None);
}

#[test]
fn draws_selection_and_cursor() {
    let mut system = TextSystem::new();
    let mut editor = TextEditor::new(&mut system, "select me", TextStyle::sans(14.0), false);
    editor.select_all(&mut system);
    let mut data = vec![0u8; 120 * 30 * 4];
    let mut canvas = Canvas::new(&mut data, 120, 30, 480, 1.0).unwrap();
    editor.draw(&mut system, &mut canvas, Point::new(0.0, 0.0), COLORS, true);
    // Selection fills the background behind the glyphs.
    assert_eq!(canvas.pixel(1, 2).map(|pixel| pixel[2]), Some(80));
}
