//! weft-files — the Files app: the user's documents, and the system's files.
//!
//! Documents are the `documents` directory of the storage service (the
//! app's `weft.storage` route grants `dir:documents`), shown as
//! `/Documents`, where Files opens: folders first, then files, with size,
//! kind and modified time; new folder, new text file, rename, delete
//! (asked first; a folder must be empty), and a text editor that saves
//! (`Dir::replace`, then `Dir::sync`) and warns once before leaving
//! unsaved changes. Files never overwrites an existing name. Beside the
//! documents, read-only, the boot bundle's files (`README.md`, `docs/…`,
//! through the `bundle` capability). The window has a toolbar (back,
//! forward, up, a path bar of clickable folders), an action bar in the
//! documents, a prompt, a sortable listing, a text viewer (sans or
//! monospace, scrolled by wheel, drag or keyboard) or the editor, a status
//! line and an error line.
//!
//! Modules: `browser` (location, history, listing widgets), `listing`
//! (columns, kinds, sorting, cells), `bars` (path bar, status line),
//! `edit` (the changes and the editor), `places` (documents and system
//! files as one tree), `document` (the read-only viewer), `time` (file
//! times).
//!
//! Keyboard: ↑/↓, Page Up/Down, Home/End move the selection; Enter opens;
//! Backspace or Alt+↑ goes up; Alt+←/→ go back and forward; in the viewer,
//! arrows and Page keys scroll and Escape returns to the folder.
//!
//! Invariants: the selection always names a row that exists; back and
//! forward never hold the current location twice in a row.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod bars;
mod browser;
mod document;
mod edit;
mod listing;
mod places;
mod time;

use alloc::boxed::Box;
use alloc::string::String;

use weft_app::{App, Context, WindowOptions};
use weft_app_support::FileTree;
use weft_app_support::bundle::files_from_startup;
use weft_app_support::storage::Storage;
use weft_ipc::program::ProgramError;
use weft_ipc::{ConnectError, Startup};
use weft_storage_api::RoutedDir;
use weft_toolkit::Ui;

pub use browser::{Browser, Location, Message};
pub use document::DocumentView;
pub use edit::Prompt;
pub use listing::kind_of;
pub use places::{DOCUMENTS, Places};

/// The window: title, size and smallest size.
pub fn window_options() -> WindowOptions {
    WindowOptions {
        title: String::from("Files"),
        app_id: String::from("weft.files"),
        size: (760, 500),
        min_size: (440, 300),
    }
}

struct FilesApp {
    browser: Browser,
    title: String,
}

impl FilesApp {
    fn retitle(&mut self, context: &mut Context) {
        let title = self.browser.title();
        if title != self.title {
            context.set_title(&title);
            self.title = title;
        }
    }
}

impl App for FilesApp {
    type Message = Message;

    fn build(&mut self, ui: &mut Ui<Message>, context: &mut Context) {
        self.browser.build(ui);
        self.retitle(context);
    }

    fn update(&mut self, ui: &mut Ui<Message>, message: Message, context: &mut Context) {
        self.browser.update(ui, message);
        self.retitle(context);
    }
}

/// The program: read the granted files and open the window.
pub fn main(mut startup: Startup) -> Result<(), ProgramError> {
    let files = match files_from_startup(&mut startup) {
        Ok(files) => files,
        Err(error) => {
            weft_rt::warn!("files: nothing to browse: {error}");
            FileTree::default()
        }
    };
    let documents: Option<Box<dyn Storage>> = match RoutedDir::connect() {
        Ok(dir) => Some(Box::new(dir)),
        Err(ConnectError::NotRouted { .. }) => None,
        Err(error) => {
            weft_rt::warn!("files: no documents: {error}");
            None
        }
    };
    let browser = Browser::with_places(Places::new(files, documents));
    weft_app::run(window_options(), FilesApp { browser, title: String::new() })
}

/// Program entry (the hosted board and the kernel loader call this).
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}
