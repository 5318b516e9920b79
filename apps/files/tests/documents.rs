//! Files on the user's documents, headless, over an in-memory store: a
//! folder and a text file made with the toolbar and the name prompt, typed
//! into and saved; rename and delete; modified times; nothing overwritten;
//! unsaved changes held once; errors in the window.

use std::collections::BTreeMap;

use weft_app_support::FileTree;
use weft_app_support::storage::{MemoryStorage, Storage};
use weft_files::{Browser, DOCUMENTS, Location, Message, Places};
use weft_storage_api::{Entry, Kind, Space};
use weft_toolkit::accessibility::Role;
use weft_toolkit::weft_types::{Key, Modifiers};
use weft_toolkit::widgets::DataRow;
use weft_toolkit::{Theme, ThemeKind, Ui};
use weft_toolkit_harness::Harness;

/// 2026-12-05 23:17:34 UTC, when the fake store's clock starts.
const START: u64 = 1_796_512_654;

/// [`MemoryStorage`] with the storage service's ways where Files meets
/// them: every change stamps a time (a minute apart), and a rename onto a
/// file replaces it.
struct LikeTheStore {
    inner: MemoryStorage,
    times: BTreeMap<String, u64>,
    clock: u64,
}

impl LikeTheStore {
    fn new() -> LikeTheStore {
        LikeTheStore { inner: MemoryStorage::new(), times: BTreeMap::new(), clock: START }
    }

    fn stamp(&mut self, path: &str) {
        self.times.insert(path.to_string(), self.clock);
        self.clock += 60;
    }

    fn dated(&self, path: &str, mut entry: Entry) -> Entry {
        entry.modified = self.times.get(path).copied().unwrap_or(0);
        entry
    }
}

impl Storage for LikeTheStore {
    fn list(&mut self, path: &str) -> Result<Vec<Entry>, String> {
        let entries = self.inner.list(path)?;
        let prefix = if path.is_empty() { String::new() } else { format!("{path}/") };
        Ok(entries.into_iter().map(|e| self.dated(&format!("{prefix}{}", e.name), e)).collect())
    }
    fn stat(&mut self, path: &str) -> Result<Entry, String> {
        let entry = self.inner.stat(path)?;
        Ok(self.dated(path, entry))
    }
    fn read(&mut self, path: &str) -> Result<Vec<u8>, String> {
        self.inner.read(path)
    }
    fn write(&mut self, path: &str, bytes: &[u8]) -> Result<(), String> {
        self.inner.write(path, bytes)?;
        self.stamp(path);
        Ok(())
    }
    fn create_dir(&mut self, path: &str, parents: bool) -> Result<(), String> {
        self.inner.create_dir(path, parents)?;
        self.stamp(path);
        Ok(())
    }
    fn remove(&mut self, path: &str) -> Result<(), String> {
        self.inner.remove(path)
    }
    fn rename(&mut self, from: &str, to: &str) -> Result<(), String> {
        let file =
            |store: &mut MemoryStorage, path: &str| store.stat(path).is_ok_and(|e| e.kind == Kind::File);
        if file(&mut self.inner, from) && file(&mut self.inner, to) {
            self.inner.remove(to)?;
        }
        self.inner.rename(from, to)?;
        self.stamp(to);
        Ok(())
    }
    fn space(&mut self) -> Result<Space, String> {
        self.inner.space()
    }
    fn sync(&mut self) -> Result<(), String> {
        self.inner.sync()
    }
}

/// Files with a system file and empty documents, as the app opens.
pub fn open() -> (Harness<Message>, Browser) {
    let system = FileTree::new(vec![("README.md".into(), b"# Weft\n".to_vec())]);
    let places = Places::new(system, Some(Box::new(LikeTheStore::new())));
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

fn status(harness: &mut Harness<Message>, starts: &str) -> String {
    let mut labels = harness.ui().accessibility_tree().into_iter().map(|node| node.description.label);
    labels.find(|label| label.starts_with(starts)).unwrap_or_default()
}

fn cells(harness: &mut Harness<Message>, browser: &Browser, name: &str) -> Vec<String> {
    let index = browser.entries().iter().position(|e| e.name == name).expect("listed");
    harness.widget::<DataRow<Message>>(browser.rows()[index]).cells().to_vec()
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
    assert_eq!(
        cells(&mut harness, &browser, "Letters"),
        ["Letters", "—", "Folder · 0 items", "2026-12-05 23:17"]
    );

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
    assert!(browser.has_unsaved_changes());
    assert_eq!(status(&mut harness, "hello.txt ·"), "hello.txt · 29 B · 2 lines · unsaved changes");
    click(&mut harness, &mut browser, "Save");
    assert_eq!(browser.error(), None);
    assert!(!browser.has_unsaved_changes());
    assert_eq!(status(&mut harness, "hello.txt ·"), "hello.txt · 29 B · 2 lines · saved");
    let saved = browser.places().read(&format!("{DOCUMENTS}/Letters/hello.txt")).unwrap();
    assert_eq!(String::from_utf8(saved).unwrap(), "Dear reader,\nWeft keeps this.");

    // Back to the folder: rename the file, then delete it.
    click(&mut harness, &mut browser, "Up");
    select(&mut harness, &mut browser, "hello.txt");
    click(&mut harness, &mut browser, "Rename");
    answer(&mut harness, &mut browser, "letter.txt");
    assert_eq!(names(&browser), ["letter.txt"]);
    assert_eq!(
        cells(&mut harness, &browser, "letter.txt"),
        ["letter.txt", "29 B", "Plain text", "2026-12-05 23:20"]
    );
    select(&mut harness, &mut browser, "letter.txt");
    click(&mut harness, &mut browser, "Delete");
    assert_eq!(names(&browser), ["letter.txt"], "deleting asks first");
    assert!(!status(&mut harness, "Delete letter.txt?").is_empty());
    click(&mut harness, &mut browser, "OK");
    assert!(names(&browser).is_empty());

    // A folder that is not empty is refused, with the reason in the window.
    click(&mut harness, &mut browser, "Up");
    browser.places().write(&format!("{DOCUMENTS}/Letters/keep.txt"), b"x").unwrap();
    select(&mut harness, &mut browser, "Letters");
    click(&mut harness, &mut browser, "Delete");
    click(&mut harness, &mut browser, "OK");
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

#[test]
fn nothing_is_overwritten_and_unsaved_changes_are_held_once() {
    let (mut harness, mut browser) = open();
    browser.places().write(&format!("{DOCUMENTS}/a.txt"), b"keep me").unwrap();
    browser.places().write(&format!("{DOCUMENTS}/b.txt"), b"me too").unwrap();
    // Out and back in, to list what was written behind the window's back.
    click(&mut harness, &mut browser, "Up");
    click(&mut harness, &mut browser, "Back");
    assert_eq!(names(&browser), ["a.txt", "b.txt"]);
    let read =
        |browser: &mut Browser, name: &str| browser.places().read(&format!("{DOCUMENTS}/{name}")).unwrap();

    // A new file under a taken name is refused, not emptied.
    click(&mut harness, &mut browser, "New file");
    answer(&mut harness, &mut browser, "a.txt");
    assert!(browser.error().is_some_and(|e| e.contains("already exists")), "{:?}", browser.error());
    assert_eq!(read(&mut browser, "a.txt"), b"keep me");
    click(&mut harness, &mut browser, "Cancel");

    // Renaming onto another file is refused (the store would replace it).
    select(&mut harness, &mut browser, "b.txt");
    click(&mut harness, &mut browser, "Rename");
    answer(&mut harness, &mut browser, "a.txt");
    assert!(browser.error().is_some_and(|e| e.contains("already exists")));
    assert_eq!(read(&mut browser, "a.txt"), b"keep me");
    assert_eq!(read(&mut browser, "b.txt"), b"me too");
    click(&mut harness, &mut browser, "Cancel");

    // Delete, then Cancel: still there.
    select(&mut harness, &mut browser, "b.txt");
    click(&mut harness, &mut browser, "Delete");
    click(&mut harness, &mut browser, "Cancel");
    assert_eq!(names(&browser), ["a.txt", "b.txt"]);
    // The keyboard is back on the listing.
    harness.key(Key::UP, Modifiers::empty());
    pump(&mut harness, &mut browser);
    assert_eq!(browser.selected(), Some(0));

    // Leaving unsaved changes is stopped once, with the reason shown.
    select(&mut harness, &mut browser, "a.txt");
    harness.key(Key::ENTER, Modifiers::empty());
    pump(&mut harness, &mut browser);
    assert_eq!(browser.location(), &Location::File(format!("{DOCUMENTS}/a.txt")));
    harness.key(Key::END, Modifiers::CONTROL);
    harness.type_text(" and this");
    pump(&mut harness, &mut browser);
    click(&mut harness, &mut browser, "Up");
    assert_eq!(browser.location(), &Location::File(format!("{DOCUMENTS}/a.txt")), "held");
    let error = browser.error().expect("a warning").to_string();
    assert!(error.contains("unsaved changes"), "{error}");
    assert!(!status(&mut harness, "a.txt has unsaved changes").is_empty(), "the warning is in the window");
    click(&mut harness, &mut browser, "Up");
    assert_eq!(browser.location(), &Location::Folder(DOCUMENTS.into()), "going again leaves");
    assert_eq!(read(&mut browser, "a.txt"), b"keep me", "the changes were dropped, not saved");
}

#[test]
fn storage_errors_are_shown_and_files_keeps_working() {
    let (mut harness, mut browser) = open();
    click(&mut harness, &mut browser, "New folder");
    answer(&mut harness, &mut browser, "Letters");
    // The folder goes away behind Files' back; opening it fails in the window.
    browser.places().remove(&format!("{DOCUMENTS}/Letters")).unwrap();
    harness.key(Key::ENTER, Modifiers::empty());
    pump(&mut harness, &mut browser);
    let error = browser.error().expect("an error").to_string();
    assert!(error.contains("no such file or directory"), "{error}");
    assert!(!status(&mut harness, &error).is_empty(), "shown in the window");
    // And Files goes on: up, a new folder, no error left over.
    click(&mut harness, &mut browser, "Up");
    assert_eq!(browser.error(), None);
    click(&mut harness, &mut browser, "New folder");
    answer(&mut harness, &mut browser, "Again");
    assert_eq!(names(&browser), ["Again"]);
}
