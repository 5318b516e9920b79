//! weft-files — the Files app: browse the files the app is granted.
//!
//! Today that is the read-only boot bundle (`README.md`, `docs/…`),
//! reached through the `bundle` capability; folders are derived from the
//! files' paths. The window has a toolbar (back, forward, up, a path bar of
//! clickable folders), a sortable listing with sizes and kinds, a text
//! viewer (sans or monospace, scrolled by wheel, drag or keyboard) and a
//! status line.
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

mod browser;
mod document;

use alloc::string::String;

use weft_app::{App, Context, WindowOptions};
use weft_app_support::FileTree;
use weft_app_support::bundle::files_from_startup;
use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
use weft_toolkit::Ui;

pub use browser::{Browser, Location, Message, kind_of};
pub use document::DocumentView;

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
    weft_app::run(window_options(), FilesApp { browser: Browser::new(files), title: String::new() })
}

/// Program entry (the hosted board and the kernel loader call this).
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}
