//! Screenshot tests: the widget gallery and the theme switch, compared
//! with committed reference PNGs (create or update them with WEFT_BLESS=1).

use std::path::PathBuf;

use weft_toolkit::{Theme, ThemeKind, Ui};
use weft_toolkit_harness::gallery::{self, GalleryMessage};
use weft_toolkit_harness::{Harness, Tolerance, compare};

/// Logical size of the gallery.
const WIDTH: f32 = 760.0;
const HEIGHT: f32 = 580.0;

fn reference(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference").join(format!("{name}.png"))
}

fn gallery(kind: ThemeKind, scale: f32) -> Harness<GalleryMessage> {
    let mut ui = Ui::new(Theme::builtin(kind));
    gallery::build(&mut ui);
    Harness::new(ui, (WIDTH * scale) as u32, (HEIGHT * scale) as u32, scale)
}

fn theme_name(kind: ThemeKind) -> &'static str {
    match kind {
        ThemeKind::Light => "light",
        ThemeKind::Dark => "dark",
    }
}

#[test]
fn gallery_matches_references_in_both_themes_at_scale_1_and_2() {
    for kind in ThemeKind::ALL {
        for scale in [1.0f32, 2.0] {
            let mut harness = gallery(kind, scale);
            let name = format!("gallery-{}-{}x", theme_name(kind), scale as u32);
            harness.assert_matches(&reference(&name), Tolerance::SCREENSHOT);
        }
    }
}

#[test]
fn theme_switch_rerenders_everything_and_matches_each_reference() {
    let mut harness = gallery(ThemeKind::Light, 1.0);
    let light = harness.pixels().to_vec();
    harness.set_theme(Theme::dark());
    let damage = harness.render();
    assert_eq!(damage.len(), 1, "a theme switch repaints the whole window");
    assert_eq!(
        Harness::<GalleryMessage>::damage_area(&damage),
        harness.width() as u64 * harness.height() as u64
    );
    let dark = harness.pixels().to_vec();
    let difference = compare(&light, &dark, 8);
    assert!(difference.fraction() > 0.9, "light and dark differ almost everywhere: {difference:?}");
    // The switched UI looks exactly like one built in dark from the start.
    harness.assert_matches(&reference("gallery-dark-1x"), Tolerance::SCREENSHOT);
    harness.set_theme(Theme::light());
    harness.assert_matches(&reference("gallery-light-1x"), Tolerance::SCREENSHOT);
}

#[test]
fn fractional_scale_renders_the_same_layout() {
    // 1.5× has no reference of its own: it must lay out like 1× and 2×
    // (same logical geometry), with every widget on whole pixels.
    let mut harness = gallery(ThemeKind::Light, 1.5);
    let frame = harness.render_fresh();
    assert!(frame.chunks_exact(4).all(|pixel| pixel[3] == 255), "the window is opaque");
    let mut one = gallery(ThemeKind::Light, 1.0);
    let ui_rect = |harness: &mut Harness<GalleryMessage>| {
        let root = harness.ui().root();
        let children = harness.ui().children(root).to_vec();
        children.iter().map(|child| harness.ui().rect(*child).unwrap()).collect::<Vec<_>>()
    };
    let at_one = ui_rect(&mut one);
    let at_one_and_half = ui_rect(&mut harness);
    for (a, b) in at_one.iter().zip(&at_one_and_half) {
        assert!((a.width - b.width).abs() < 1.0 && (a.height - b.height).abs() < 1.0, "{a:?} vs {b:?}");
        let physical = b.x * 1.5;
        assert!((physical - physical.round()).abs() < 1e-3, "snapped to physical pixels");
    }
}

#[test]
fn changing_scale_at_run_time_matches_the_reference_at_that_scale() {
    let mut ui = Ui::new(Theme::light());
    gallery::build(&mut ui);
    // Start at 1×, render, then move the surface to a 2× output.
    let mut harness = Harness::new(ui, WIDTH as u32, HEIGHT as u32, 1.0);
    let mut ui = std::mem::replace(harness.ui(), Ui::new(Theme::light()));
    ui.set_size((WIDTH * 2.0) as u32, (HEIGHT * 2.0) as u32, 2.0);
    let mut harness = Harness::new(ui, (WIDTH * 2.0) as u32, (HEIGHT * 2.0) as u32, 2.0);
    harness.assert_matches(&reference("gallery-light-2x"), Tolerance::SCREENSHOT);
}

#[test]
fn menu_selection_and_dialog_match_references() {
    use weft_toolkit::Point;
    use weft_toolkit::weft_types::{Key, Modifiers};
    use weft_toolkit::widgets::{Dialog, Menu, MenuItem};

    // Light: keyboard focus in a field with a selection, and an open menu.
    let mut ui = Ui::new(Theme::light());
    let ids = gallery::build(&mut ui);
    let mut harness = Harness::new(ui, WIDTH as u32, HEIGHT as u32, 1.0);
    harness.click(ids.name);
    harness.key(Key::LEFT, Modifiers::CONTROL | Modifiers::SHIFT);
    harness.key(Key::TAB, Modifiers::SHIFT);
    harness.key(Key::TAB, Modifiers::empty());
    let anchor = harness.ui().rect(ids.menu).unwrap();
    let menu = Menu::new([
        MenuItem::new("New window", GalleryMessage::Clicked("new")).icon("plus"),
        MenuItem::new("Open folder", GalleryMessage::Clicked("open")).icon("folder"),
        MenuItem::new("Settings", GalleryMessage::Clicked("settings")).icon("settings"),
    ]);
    harness.ui().show_popup(menu, Point::new(anchor.x, anchor.bottom() + 4.0));
    harness.key(Key::DOWN, Modifiers::empty());
    harness.assert_matches(&reference("overlay-menu-light-1x"), Tolerance::SCREENSHOT);

    // Dark: a modal dialog over the dimmed window.
    let mut harness = gallery(ThemeKind::Dark, 1.0);
    let dialog = Dialog::new("Remove “Files”?", "The app and its data will be removed from this device.")
        .cancel("Keep")
        .danger("Remove", GalleryMessage::Clicked("remove"));
    harness.ui().show_dialog(dialog);
    harness.assert_matches(&reference("overlay-dialog-dark-1x"), Tolerance::SCREENSHOT);
}
