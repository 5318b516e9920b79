//! Damage tracking: small edits repaint small regions, and repainting
//! only the damage gives exactly the pixels of a full repaint.

use weft_toolkit::weft_types::{Key, Modifiers};
use weft_toolkit::{Point, Theme, Ui};
use weft_toolkit_harness::gallery::{self, GalleryIds, GalleryMessage};
use weft_toolkit_harness::{Harness, compare};

fn gallery(width: u32, height: u32, scale: f32) -> (Harness<GalleryMessage>, GalleryIds) {
    let mut ui = Ui::new(Theme::light());
    let ids = gallery::build(&mut ui);
    (Harness::new(ui, width, height, scale), ids)
}

fn fraction(harness: &Harness<GalleryMessage>, damage: &[weft_toolkit::PixelRect]) -> f64 {
    Harness::<GalleryMessage>::damage_area(damage) as f64 / (harness.width() as f64 * harness.height() as f64)
}

fn assert_partial_equals_full(harness: &mut Harness<GalleryMessage>) {
    let incremental = harness.pixels().to_vec();
    let full = harness.render_fresh();
    let difference = compare(&full, &incremental, 0);
    assert_eq!(difference.differing, 0, "incremental frame differs from a full render: {difference:?}");
}

#[test]
fn one_character_edit_damages_a_small_region_and_matches_a_full_render() {
    for scale in [1.0f32, 1.5, 2.0] {
        let width = (800.0 * scale) as u32;
        let height = (600.0 * scale) as u32;
        let (mut harness, ids) = gallery(width, height, scale);
        harness.click(ids.name);
        harness.key(Key::END, Modifiers::empty());
        harness.render();
        harness.type_text("x");
        let damage = harness.render();
        let share = fraction(&harness, &damage);
        println!(
            "scale {scale}: one-character edit damaged {:.2}% of the window in {} rect(s): {damage:?}",
            share * 100.0,
            damage.len()
        );
        assert!(!damage.is_empty());
        assert!(share < 0.03, "a one-character edit damaged {:.2}% of the window", share * 100.0);
        let width = damage.iter().map(|rect| rect.width).max().unwrap_or(0) as f32 / scale;
        assert!(width < 40.0, "typing at the end repaints around the new character only: {damage:?}");
        let field = harness.ui().rect(ids.name).unwrap().to_pixels(scale);
        assert!(
            damage.iter().all(|rect| field.inflate(2).contains_rect(rect)),
            "damage stays inside the field"
        );
        assert_partial_equals_full(&mut harness);
    }
}

#[test]
fn multi_line_edit_damages_only_the_changed_line() {
    let (mut harness, ids) = gallery(800, 600, 1.0);
    let notes = harness.ui().rect(ids.notes).unwrap();
    // Click into the first line, at its start.
    harness.click_at(Point::new(notes.x + 12.0, notes.y + 14.0));
    harness.render();
    harness.type_text("!");
    let damage = harness.render();
    let height: u32 = damage.iter().map(|rect| rect.height).max().unwrap_or(0);
    assert!(height <= 24, "one line tall, got {damage:?}");
    assert_partial_equals_full(&mut harness);
}

#[test]
fn hover_focus_and_toggle_damage_only_the_widget() {
    let (mut harness, ids) = gallery(800, 600, 1.0);
    let install = harness.center_of(ids.install);
    harness.hover(install);
    let damage = harness.render();
    assert!(fraction(&harness, &damage) < 0.01, "hover: {damage:?}");
    assert_partial_equals_full(&mut harness);

    harness.key(Key::TAB, Modifiers::empty());
    let damage = harness.render();
    assert!(fraction(&harness, &damage) < 0.02, "focus ring: {damage:?}");
    assert_partial_equals_full(&mut harness);

    harness.click(ids.updates);
    let damage = harness.render();
    assert!(fraction(&harness, &damage) < 0.03, "checkbox: {damage:?}");
    assert_partial_equals_full(&mut harness);

    // Nothing changed: nothing to repaint.
    assert!(harness.render().is_empty());
}

#[test]
fn scrolling_damages_only_the_viewport_and_stays_exact() {
    let (mut harness, ids) = gallery(800, 600, 1.0);
    let list = harness.ui().rect(ids.list).unwrap();
    harness.scroll_at(list.center(), 37.0);
    let damage = harness.render();
    let viewport = list.to_pixels(1.0).inflate(1);
    assert!(damage.iter().all(|rect| viewport.contains_rect(rect)), "{damage:?} outside {viewport:?}");
    assert_partial_equals_full(&mut harness);
}

#[test]
fn opening_and_closing_a_popup_restores_the_exact_pixels() {
    let (mut harness, ids) = gallery(800, 600, 1.0);
    let before = harness.pixels().to_vec();
    let anchor = harness.ui().rect(ids.menu).unwrap();
    let menu = weft_toolkit::widgets::Menu::new([weft_toolkit::widgets::MenuItem::new(
        "Item",
        GalleryMessage::Clicked("item"),
    )]);
    harness.ui().show_popup(menu, Point::new(anchor.x, anchor.bottom()));
    let damage = harness.render();
    assert!(fraction(&harness, &damage) < 0.1, "{damage:?}");
    assert_partial_equals_full(&mut harness);
    harness.key(Key::ESC, Modifiers::empty());
    harness.render();
    let after = harness.pixels().to_vec();
    assert_eq!(compare(&before, &after, 0).differing, 0);
}

#[test]
fn every_kind_of_edit_repaints_exactly() {
    for scale in [1.0f32, 1.5] {
        let (mut harness, ids) = gallery((800.0 * scale) as u32, (600.0 * scale) as u32, scale);
        let notes = harness.ui().rect(ids.notes).unwrap();
        harness.click_at(Point::new(notes.x + 60.0, notes.y + 14.0));
        harness.render();
        let steps: [(&str, Key, Modifiers); 12] = [
            ("insert mid-word", Key::W, Modifiers::empty()),
            ("backspace", Key::BACKSPACE, Modifiers::empty()),
            ("delete", Key::DELETE, Modifiers::empty()),
            ("word right", Key::RIGHT, Modifiers::CONTROL),
            ("select word", Key::RIGHT, Modifiers::CONTROL | Modifiers::SHIFT),
            ("replace selection", Key::Q, Modifiers::empty()),
            ("newline", Key::ENTER, Modifiers::empty()),
            ("line up", Key::UP, Modifiers::empty()),
            ("select to end", Key::END, Modifiers::SHIFT),
            ("cut", Key::X, Modifiers::CONTROL),
            ("paste twice", Key::V, Modifiers::CONTROL),
            ("paste again", Key::V, Modifiers::CONTROL),
        ];
        for (name, key, modifiers) in steps {
            harness.key(key, modifiers);
            harness.render();
            let incremental = harness.pixels().to_vec();
            let full = harness.render_fresh();
            let difference = compare(&full, &incremental, 0);
            assert_eq!(difference.differing, 0, "after {name} at {scale}x: {difference:?}");
        }
        // The single-line field too, including horizontal scrolling.
        harness.click(ids.search);
        for _ in 0..8 {
            harness.type_text("scrolling text ");
            harness.render();
            assert_eq!(compare(&harness.render_fresh(), harness.pixels(), 0).differing, 0);
        }
        harness.key(Key::HOME, Modifiers::empty());
        harness.render();
        assert_eq!(compare(&harness.render_fresh(), harness.pixels(), 0).differing, 0, "scrolled back");
    }
}

#[test]
fn cursor_blinks_on_a_timer_with_tiny_damage_and_stops_when_idle() {
    use std::time::Duration;
    let (mut harness, ids) = gallery(800, 600, 1.0);
    harness.click(ids.name);
    harness.render();
    assert!(!harness.ui().needs_frame(), "blinking needs no continuous frames");
    let deadline = harness.ui().next_deadline().expect("a blink timer is set");
    assert!(deadline > harness.now(), "the UI may sleep until {deadline:?}");

    let shown = harness.pixels().to_vec();
    harness.advance(Duration::from_millis(560));
    let damage = harness.render();
    assert_eq!(damage.len(), 1, "{damage:?}");
    assert!(Harness::<GalleryMessage>::damage_area(&damage) < 100, "only the cursor bar: {damage:?}");
    assert_ne!(shown, harness.pixels(), "the cursor disappeared");
    assert_partial_equals_full(&mut harness);
    harness.advance(Duration::from_millis(530));
    harness.render();
    assert_eq!(shown, harness.pixels(), "and came back");

    // After ten idle seconds it stays on and the UI has no timers left.
    harness.advance(Duration::from_secs(11));
    harness.render();
    assert_eq!(shown, harness.pixels());
    assert_eq!(harness.ui().next_deadline(), None);

    // Typing restarts blinking.
    harness.type_text("!");
    assert!(harness.ui().next_deadline().is_some());
}
