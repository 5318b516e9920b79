//! Files on the user's documents, headless, over an in-memory store: a
//! folder and a text file made with the toolbar and the name prompt, typed
//! into and saved; rename and delete; errors in the window.

use weft_app_support::FileTree;
use weft_app_support::storage::MemoryStorage;
use weft_files::{Browser, DOCUMENTS, Location, Message, Places};
use weft_toolkit::accessibility::Role;
use weft_toolkit::weft_types::{Key, Modifiers};
use weft_toolkit::{Theme, ThemeKind, Ui};
use weft_toolkit_harness::Harness;

/// Files with a system file and empty documents, as the app opens.
pub fn open() -> (Harness<Message>, Browser) {
    let system = FileTree::new(vec![("README.md".into(), b"# Weft\n".to_vec())]);
    let places = Places::new(system, Some(Box::new(MemoryStorage::new())));
    let mut ui = Ui::new(Theme::builtin(ThemeKind::Light));
    let mut browser = Browser::with_places(places);
    browser.build(&mut ui);
    let mut harness = Harness::new(ui, 760, 500, 1.0);
    harness.render();
    (harness, browser)
}

fn pump(harness: &mut Harness<Message>, browser: &mut Browser) {
    for _ in 0..3 {
        for message in harness.take_messages() {
            browser.update(harness.ui(), message);
        }
        harness.render();
    }
}

fn click(harness: &mut Harness<Message>, browser: &mut Browser, button: &str) {
    let id = harness.find(Role::Button, button);
    harness.skip_time(std::time::Duration::from_millis(600));
    harness.click(id);
    pump(harness, browser);
}

fn names(browser: &Browser) -> Vec<String> {
    browser.entries().iter().map(|entry| entry.name.clone()).collect()
}

fn select(harness: &mut Harness<Message>, browser: &mut Browser, name: &str) {
    let index = browser.entries().iter().position(|e| e.name == name).expect("listed");
    let row = browser.rows()[index];
    harness.skip_time(std::time::Duration::from_millis(600));
    harness.click(row);
    pump(harness, browser);
}

/// Type a name into the prompt (replacing what it offers) and press Enter.
fn answer(harness: &mut Harness<Message>, browser: &mut Browser, name: &str) {
    harness.key(Key::A, Modifiers::CONTROL);
    harness.type_text(name);
    harness.key(Key::ENTER, Modifiers::empty());
    pump(harness, browser);
}

#[test]
fn a_folder_and_a_text_file_are_made_edited_saved_renamed_and_deleted() {
    let (mut harness, mut browser) = open();
    assert_eq!(browser.location(), &Location::Folder(DOCUMENTS.into()));
    assert!(names(&browser).is_empty());

    click(&mut harness, &mut browser, "New folder");
    answer(&mut harness, &mut browser, "Letters");
    assert_eq!(browser.error(), None);
    assert_eq!(names(&browser), ["Letters"]);

    // Into the folder, a new file: it opens in the editor.
    let row = browser.rows()[0];
    let center = harness.center_of(row);
    harness.skip_time(std::time::Duration::from_millis(600));
    harness.click_at(center);
    harness.click_at(center);
    pump(&mut harness, &mut browser);
    assert_eq!(browser.location(), &Location::Folder(format!("{DOCUMENTS}/Letters")));
    click(&mut harness, &mut browser, "New file");
    answer(&mut harness, &mut browser, "hello.txt");
    assert_eq!(browser.location(), &Location::File(format!("{DOCUMENTS}/Letters/hello.txt")));
    harness.type_text("Dear reader,");
    harness.key(Key::ENTER, Modifiers::empty());
    harness.type_text("Weft keeps this.");
    pump(&mut harness, &mut browser);
    click(&mut harness, &mut browser, "Save");
    assert_eq!(browser.error(), None);
    let saved = browser.places().read(&format!("{DOCUMENTS}/Letters/hello.txt")).unwrap();
    assert_eq!(String::from_utf8(saved).unwrap(), "Dear reader,\nWeft keeps this.");

    // Back to the folder: rename the file, then delete it.
    click(&mut harness, &mut browser, "Up");
    select(&mut harness, &mut browser, "hello.txt");
    click(&mut harness, &mut browser, "Rename");
    answer(&mut harness, &mut browser, "letter.txt");
    assert_eq!(names(&browser), ["letter.txt"]);
    select(&mut harness, &mut browser, "letter.txt");
    click(&mut harness, &mut browser, "Delete");
    assert!(names(&browser).is_empty());

    // A folder that is not empty is refused, with the reason in the window.
    click(&mut harness, &mut browser, "Up");
    browser.places().write(&format!("{DOCUMENTS}/Letters/keep.txt"), b"x").unwrap();
    select(&mut harness, &mut browser, "Letters");
    click(&mut harness, &mut browser, "Delete");
    let error = browser.error().expect("an error is shown").to_string();
    assert!(error.contains("not empty"), "{error}");
    let shown = harness.ui().accessibility_tree().into_iter().any(|node| node.description.label == error);
    assert!(shown, "the error is in the window");
    assert_eq!(names(&browser), ["Letters"]);

    // A name with a slash is refused; nothing is made.
    click(&mut harness, &mut browser, "New folder");
    answer(&mut harness, &mut browser, "a/b");
    assert!(browser.error().is_some_and(|e| e.contains("cannot be a name")));
    assert_eq!(names(&browser), ["Letters"]);
}

#[test]
fn the_system_files_are_read_only_and_offer_no_changes() {
    let (mut harness, mut browser) = open();
    click(&mut harness, &mut browser, "Computer");
    assert_eq!(browser.location(), &Location::Folder("/".into()));
    assert_eq!(names(&browser), ["Documents", "README.md"]);
    let hidden =
        harness.ui().accessibility_tree().into_iter().all(|node| node.description.label != "New folder");
    assert!(hidden, "no New folder outside the documents");
    assert!(browser.places().write("/README.md", b"changed").is_err());
}
