//! Files on the real storage service: the app's window logic runs inside
//! the graph with the documents capability its manifest routes, a person's
//! clicks and keys make a folder and a text file and save it; the window
//! shows what a person would check (the saved state, the file's row with
//! its size and time, the service's refusal to delete a folder that is not
//! empty); a second connection reads the bytes back, and they are on the
//! disk after a reboot.

use std::sync::Arc;
use std::time::Duration;

use weft_app_support::FileTree;
use weft_app_support::storage::Storage;
use weft_block_hosted::HostDisk;
use weft_files::{Browser, DOCUMENTS, Location, Message, Places};
use weft_ipc::program::ProgramError;
use weft_storage_api::{Dir, StorageProtocol};
use weft_testing::graph::{Device, storage};
use weft_testing::{GraphOptions, Probe, Service, WAIT};
use weft_toolkit::accessibility::Role;
use weft_toolkit::weft_types::{Key, Modifiers};
use weft_toolkit::widgets::DataRow;
use weft_toolkit::{Theme, ThemeKind, Ui, WidgetId};
use weft_toolkit_harness::Harness;

/// The Files window, headless, inside the graph.
struct Window {
    harness: Harness<Message>,
    browser: Browser,
    /// A connection of its own to the same documents, to check what Files
    /// wrote without going through Files.
    documents: Dir,
}

impl Window {
    fn pump(&mut self) {
        for _ in 0..3 {
            for message in self.harness.take_messages() {
                self.browser.update(self.harness.ui(), message);
            }
            self.harness.render();
        }
    }

    fn click(&mut self, button: &str) {
        let id = self.harness.find(Role::Button, button);
        self.harness.skip_time(Duration::from_millis(600));
        self.harness.click(id);
        self.pump();
    }

    fn select(&mut self, name: &str) -> WidgetId {
        let index = self.browser.entries().iter().position(|e| e.name == name).expect("listed");
        let row = self.browser.rows()[index];
        self.harness.skip_time(Duration::from_millis(600));
        self.harness.click(row);
        self.pump();
        row
    }

    /// The text of the label in the window that starts with `start`.
    fn label(&mut self, start: &str) -> Option<String> {
        let mut labels = self.harness.ui().accessibility_tree().into_iter().map(|n| n.description.label);
        labels.find(|label| label.starts_with(start))
    }

    fn answer(&mut self, name: &str) {
        self.harness.key(Key::A, Modifiers::CONTROL);
        self.harness.type_text(name);
        self.harness.key(Key::ENTER, Modifiers::empty());
        self.pump();
    }
}

fn files_probe() -> (Probe<Window>, weft_kernel_hosted::ProgramClosure) {
    Probe::new(|startup| {
        let connect = || startup.namespace().connect::<StorageProtocol>().map(|c| Dir::new(c.into_channel()));
        let documents: Box<dyn Storage> = Box::new(connect()?);
        let own = connect()?;
        let mut browser = Browser::with_places(Places::new(FileTree::default(), Some(documents)));
        let mut ui = Ui::new(Theme::builtin(ThemeKind::Light));
        browser.build(&mut ui);
        let mut harness = Harness::new(ui, 760, 500, 1.0);
        harness.render();
        Ok::<_, ProgramError>(Window { harness, browser, documents: own })
    })
}

/// The storage service on `disk` and Files with its manifest's route.
fn boot(disk: &Arc<HostDisk>) -> (weft_testing::Graph, Probe<Window>) {
    let (files, program) = files_probe();
    let route = weft_testing::manifest("apps/files");
    let grants: Vec<String> = route
        .uses
        .iter()
        .find(|u| u.protocol == "weft.storage")
        .expect("Files uses weft.storage")
        .grants
        .clone();
    let grants: Vec<&str> = grants.iter().map(String::as_str).collect();
    // The board's wall clock (2026-12-05 23:17:34 UTC at boot), so file
    // times are real dates.
    let mut options = GraphOptions::default()
        .services(storage(disk.clone() as Device, &[("wall-clock", "1796512654000")]))
        .services([Service::new("files", "files-window").uses("weft.storage", &grants)]);
    options.programs.push(("files-window".into(), program));
    let graph = options.boot().expect("the graph boots");
    assert!(graph.wait_for_log("probe files ready", WAIT));
    (graph, files)
}

#[test]
fn files_makes_and_saves_a_document_that_survives_a_reboot() {
    let disk = HostDisk::memory(16 << 20);
    {
        let (_graph, files) = boot(&disk);
        files.run(|window| {
            assert_eq!(window.browser.location(), &Location::Folder(DOCUMENTS.into()));
            window.click("New folder");
            window.answer("Letters");
            assert_eq!(window.browser.error(), None);
            let row = window.browser.rows()[0];
            let center = window.harness.center_of(row);
            window.harness.skip_time(Duration::from_millis(600));
            window.harness.click_at(center);
            window.harness.click_at(center);
            window.pump();
            window.click("New file");
            window.answer("hello.txt");
            window.harness.type_text("Written in Files.");
            window.pump();
            window.click("Save");
            assert_eq!(window.browser.error(), None);
            let status = window.label("hello.txt ·");
            assert_eq!(
                status.as_deref(),
                Some("hello.txt · 17 B · 1 line · saved"),
                "the window says it is saved"
            );

            // Up in Letters: the file's row, with its size, kind and time.
            window.click("Up");
            let row = window.select("hello.txt");
            let cells = window.harness.widget::<DataRow<Message>>(row).cells().to_vec();
            assert_eq!(cells[..3], ["hello.txt", "17 B", "Plain text"]);
            let modified = &cells[3];
            // Booted at 23:17:34; the test takes well under ten minutes.
            assert!(modified.starts_with("2026-12-05 23:1"), "the time it was saved: {modified}");

            // The service refuses to delete a folder that is not empty; the
            // window says why and the folder stays.
            window.click("Up");
            window.select("Letters");
            window.click("Delete");
            window.click("OK");
            let error = window.browser.error().expect("an error is shown").to_string();
            assert!(error.contains("directory not empty"), "{error}");
            assert_eq!(window.label(&error).as_deref(), Some(error.as_str()), "shown in the window");
            let names: Vec<String> = window.browser.entries().iter().map(|e| e.name.clone()).collect();
            assert_eq!(names, ["Letters"]);

            // What Files wrote, read through a connection of its own.
            assert_eq!(window.documents.read("Letters/hello.txt").unwrap(), b"Written in Files.");
            let listed: Vec<String> =
                window.documents.list("").unwrap().into_iter().map(|e| e.name).collect();
            assert_eq!(listed, ["Letters"]);
        });
    }
    let (_graph, files) = boot(&disk);
    files.run(|window| {
        let names: Vec<String> = window.browser.entries().iter().map(|e| e.name.clone()).collect();
        assert_eq!(names, ["Letters"]);
        let saved = window.browser.places().read(&format!("{DOCUMENTS}/Letters/hello.txt")).unwrap();
        assert_eq!(saved, b"Written in Files.");
    });
}
