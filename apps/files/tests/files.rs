//! The Files app headless: browsing, opening, keyboard, sorting, viewer,
//! and screenshots in both themes.

use std::path::PathBuf;

use weft_app_support::FileTree;
use weft_files::{Browser, DocumentView, Location, Message};
use weft_toolkit::accessibility::Role;
use weft_toolkit::weft_types::{Key, Modifiers};
use weft_toolkit::widgets::DataRow;
use weft_toolkit::{Theme, ThemeKind, Ui};
use weft_toolkit_harness::{Harness, Tolerance};

const ARCHITECTURE: &str = "# Weft architecture\n\nWeft is a capability operating system. A small kernel owns every \
object and checks every right; all policy lives in userspace programs that reach each other only through \
handles they were given.\n\n## One kernel core, two backends\n\nThe portable core holds the object store, \
handle tables, channels and the scheduler policy.\n";

fn tree() -> FileTree {
    FileTree::new(vec![
        ("README.md".into(), b"# Weft\n\nA graphical desktop OS in Rust.\n".to_vec()),
        ("docs/architecture.md".into(), ARCHITECTURE.as_bytes().to_vec()),
        (
            "docs/protocols.md".into(),
            "# IPC protocols\n\nEvery interface is one protocol.\n".repeat(60).into_bytes(),
        ),
        ("docs/toolkit.md".into(), "# The Weft toolkit\n".repeat(700).into_bytes()),
        ("docs/manifests.md".into(), "# Service manifests\n".repeat(90).into_bytes()),
        ("docs/notes/ideas.txt".into(), b"Remember the milk.\n".to_vec()),
        ("themes/dark.toml".into(), b"name = \"Weft Dark\"\ndark = true\n".to_vec()),
        ("themes/logo.bin".into(), vec![0x89, b'P', b'N', b'G', 0, 0, 0, 13]),
    ])
}

fn open(kind: ThemeKind) -> (Harness<Message>, Browser) {
    let mut ui = Ui::new(Theme::builtin(kind));
    let mut browser = Browser::new(tree());
    browser.build(&mut ui);
    (Harness::new(ui, 760, 500, 1.0), browser)
}

fn pump(harness: &mut Harness<Message>, browser: &mut Browser) {
    for message in harness.take_messages() {
        browser.update(harness.ui(), message);
    }
    harness.render();
}

fn names(browser: &Browser) -> Vec<String> {
    browser.entries().iter().map(|entry| entry.name.clone()).collect()
}

fn row_named(harness: &mut Harness<Message>, browser: &Browser, name: &str) -> weft_toolkit::WidgetId {
    let index = browser.entries().iter().position(|entry| entry.name == name).expect("the entry is listed");
    let row = browser.rows()[index];
    assert_eq!(harness.widget::<DataRow<Message>>(row).cells()[0], name);
    row
}

fn double_click(harness: &mut Harness<Message>, browser: &mut Browser, row: weft_toolkit::WidgetId) {
    // Apart from any earlier click, as a person's double clicks are.
    harness.skip_time(std::time::Duration::from_millis(600));
    let center = harness.center_of(row);
    harness.click_at(center);
    harness.click_at(center);
    pump(harness, browser);
}

#[test]
fn navigating_into_docs_and_opening_a_file_shows_its_text() {
    let (mut harness, mut browser) = open(ThemeKind::Light);
    assert_eq!(names(&browser), ["docs", "themes", "README.md"]);
    let docs = row_named(&mut harness, &browser, "docs");
    double_click(&mut harness, &mut browser, docs);
    assert_eq!(browser.location(), &Location::Folder("/docs".into()));
    assert_eq!(names(&browser), ["notes", "architecture.md", "manifests.md", "protocols.md", "toolkit.md"]);

    let file = row_named(&mut harness, &browser, "architecture.md");
    double_click(&mut harness, &mut browser, file);
    assert_eq!(browser.location(), &Location::File("/docs/architecture.md".into()));
    let document = browser.document().unwrap();
    let view = harness.widget::<DocumentView<Message>>(document);
    assert_eq!(view.text(), ARCHITECTURE);
    assert!(!view.is_monospace(), "Markdown reads in the sans face");
    let lines = view.visual_lines();
    assert_eq!(lines[0], "# Weft architecture");
    assert!(lines.len() > 6, "long paragraphs wrap: {lines:#?}");
    // The window shows it: the text area is no longer blank.
    let inked = (60..200).flat_map(|y| (30..700).map(move |x| (x, y))).filter(|(x, y)| {
        let [r, g, b, _] = harness.pixel(*x, *y);
        r < 120 && g < 120 && b < 120
    });
    assert!(inked.count() > 500, "dark text pixels in the viewer");
    let status = harness.ui().accessibility_tree().into_iter().map(|node| node.description.label);
    let status: Vec<String> = status.filter(|label| label.starts_with("architecture.md ·")).collect();
    assert_eq!(status.len(), 1, "the status line names the file");
    assert!(status[0].ends_with("lines · read-only"), "{status:?}");
}

#[test]
fn the_keyboard_walks_folders_and_history() {
    let (mut harness, mut browser) = open(ThemeKind::Light);
    // The first row is selected and focused from the start.
    assert_eq!(browser.selected(), Some(0));
    harness.key(Key::ENTER, Modifiers::empty());
    pump(&mut harness, &mut browser);
    assert_eq!(browser.location().path(), "/docs");
    harness.key(Key::DOWN, Modifiers::empty());
    harness.key(Key::DOWN, Modifiers::empty());
    pump(&mut harness, &mut browser);
    assert_eq!(browser.selected(), Some(2));
    harness.key(Key::END, Modifiers::empty());
    pump(&mut harness, &mut browser);
    assert_eq!(names(&browser)[browser.selected().unwrap()], "toolkit.md");
    harness.key(Key::ENTER, Modifiers::empty());
    pump(&mut harness, &mut browser);
    assert_eq!(browser.location().path(), "/docs/toolkit.md");
    assert!(harness.widget::<DocumentView<Message>>(browser.document().unwrap()).max_offset() > 1000.0);
    // Page Down scrolls the document.
    harness.key(Key::PAGE_DOWN, Modifiers::empty());
    pump(&mut harness, &mut browser);
    assert!(harness.widget::<DocumentView<Message>>(browser.document().unwrap()).offset() > 200.0);
    // Escape goes back to the folder with the file selected.
    harness.key(Key::ESC, Modifiers::empty());
    pump(&mut harness, &mut browser);
    assert_eq!(browser.location().path(), "/docs");
    assert_eq!(names(&browser)[browser.selected().unwrap()], "toolkit.md");
    // Backspace goes up, selecting the folder we left.
    harness.key(Key::BACKSPACE, Modifiers::empty());
    pump(&mut harness, &mut browser);
    assert_eq!(browser.location().path(), "/");
    assert_eq!(names(&browser)[browser.selected().unwrap()], "docs");
    // Alt+Left and Alt+Right walk the history.
    harness.key(Key::LEFT, Modifiers::ALT);
    pump(&mut harness, &mut browser);
    assert_eq!(browser.location().path(), "/docs");
    harness.key(Key::RIGHT, Modifiers::ALT);
    pump(&mut harness, &mut browser);
    assert_eq!(browser.location().path(), "/");
}

#[test]
fn toolbar_and_path_bar_navigate() {
    let (mut harness, mut browser) = open(ThemeKind::Light);
    let back = harness.find(Role::Button, "Back");
    assert!(!harness.ui().is_enabled(back), "nothing to go back to yet");
    let docs = row_named(&mut harness, &browser, "docs");
    double_click(&mut harness, &mut browser, docs);
    let notes = row_named(&mut harness, &browser, "notes");
    double_click(&mut harness, &mut browser, notes);
    assert_eq!(browser.location().path(), "/docs/notes");
    // The path bar: System › docs › notes; clicking `docs` goes there.
    let crumb = harness.find(Role::Button, "docs");
    harness.click(crumb);
    pump(&mut harness, &mut browser);
    assert_eq!(browser.location().path(), "/docs");
    let up = harness.find(Role::Button, "Up");
    harness.click(up);
    pump(&mut harness, &mut browser);
    assert_eq!(browser.location().path(), "/");
    assert!(!harness.ui().is_enabled(up), "no parent above the root");
    let back = harness.find(Role::Button, "Back");
    harness.click(back);
    pump(&mut harness, &mut browser);
    assert_eq!(browser.location().path(), "/docs");
    let forward = harness.find(Role::Button, "Forward");
    harness.click(forward);
    pump(&mut harness, &mut browser);
    assert_eq!(browser.location().path(), "/");
}

#[test]
fn sizes_kinds_and_sorting() {
    let (mut harness, mut browser) = open(ThemeKind::Light);
    let docs = row_named(&mut harness, &browser, "docs");
    let cells = harness.widget::<DataRow<Message>>(docs).cells().to_vec();
    assert_eq!(cells, ["docs", "18 KiB", "Folder · 5 items"]);
    let themes = row_named(&mut harness, &browser, "themes");
    double_click(&mut harness, &mut browser, themes);
    let kinds: Vec<String> = browser
        .rows()
        .iter()
        .map(|row| harness.widget::<DataRow<Message>>(*row).cells()[2].clone())
        .collect();
    assert_eq!(kinds, ["TOML settings", "Binary data"]);
    // Sort by size (largest first), then back by name.
    browser.update(harness.ui(), Message::Navigate(weft_toolkit::widgets::Navigation::Parent));
    browser.update(harness.ui(), Message::Sort(1));
    assert_eq!(names(&browser), ["docs", "README.md", "themes"]);
    browser.update(harness.ui(), Message::Sort(1));
    assert_eq!(names(&browser), ["themes", "README.md", "docs"]);
    browser.update(harness.ui(), Message::Sort(0));
    assert_eq!(names(&browser), ["docs", "themes", "README.md"]);
}

#[test]
fn binary_files_are_described_not_dumped_and_text_can_go_monospace() {
    let (mut harness, mut browser) = open(ThemeKind::Light);
    let themes = row_named(&mut harness, &browser, "themes");
    double_click(&mut harness, &mut browser, themes);
    let logo = row_named(&mut harness, &browser, "logo.bin");
    double_click(&mut harness, &mut browser, logo);
    let document = browser.document().unwrap();
    assert_eq!(
        harness.widget::<DocumentView<Message>>(document).text(),
        "logo.bin holds 8 B of binary data, which cannot be shown as text."
    );
    harness.key(Key::ESC, Modifiers::empty());
    pump(&mut harness, &mut browser);
    let toml = row_named(&mut harness, &browser, "dark.toml");
    double_click(&mut harness, &mut browser, toml);
    assert!(
        harness.widget::<DocumentView<Message>>(document).is_monospace(),
        "settings files read in monospace"
    );
    let switch = harness.find(Role::Switch, "Monospace");
    harness.click(switch);
    pump(&mut harness, &mut browser);
    assert!(!harness.widget::<DocumentView<Message>>(document).is_monospace());
}

fn reference(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../screenshots").join(format!("{name}.png"))
}

#[test]
fn screenshots_match_in_both_themes() {
    for (kind, theme) in [(ThemeKind::Light, "light"), (ThemeKind::Dark, "dark")] {
        let (mut harness, mut browser) = open(kind);
        let docs = row_named(&mut harness, &browser, "docs");
        double_click(&mut harness, &mut browser, docs);
        harness.key(Key::DOWN, Modifiers::empty());
        pump(&mut harness, &mut browser);
        harness.assert_matches(&reference(&format!("files-{theme}")), Tolerance::SCREENSHOT);
        harness.key(Key::ENTER, Modifiers::empty());
        pump(&mut harness, &mut browser);
        harness.assert_matches(&reference(&format!("files-viewer-{theme}")), Tolerance::SCREENSHOT);
    }
}
