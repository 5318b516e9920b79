//! weft-terminal — the Terminal app: the operator shell in a window.
//!
//! A [`weft_vt::TerminalView`] fills the window and a [`weft_opsh::Shell`]
//! runs behind it over the real system ([`weft_opsh::ServiceHost`]: the
//! boot bundle's files, `weft.status`, `weft.log.reader`). Keys become
//! bytes for the shell; what the shell prints is interpreted by the
//! emulator and only the changed rows are repainted. `log -f` is driven by
//! the log reader's channel, watched in the app's event loop, not polled.
//!
//! Invariants: the shell always knows the terminal's current width before
//! it handles input; the window closes when the shell exits.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod session;

use alloc::string::String;

use weft_abi::Signals;
use weft_app::{App, Context, WindowOptions};
use weft_app_support::FileTree;
use weft_app_support::bundle::files_from_startup;
use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
use weft_opsh::ServiceHost;
use weft_rt::Key;
use weft_toolkit::Ui;

pub use session::{Message, Session};

/// The window: title, size and smallest size.
pub fn window_options() -> WindowOptions {
    WindowOptions {
        title: String::from("Terminal"),
        app_id: String::from("weft.terminal"),
        size: (760, 460),
        min_size: (360, 200),
    }
}

/// The app around a session over the real system.
struct TerminalApp {
    session: Session<ServiceHost>,
    /// The followed log's channel while `log -f` runs.
    following: Option<Key>,
}

impl TerminalApp {
    /// Watches the log channel while the shell follows it, and stops
    /// watching when it no longer does.
    fn track(&mut self, context: &mut Context) {
        match (self.session.shell().is_following(), self.following) {
            (true, None) => {
                if let Some(channel) = self.session.shell().host().follow_channel() {
                    self.following = context.watch(channel, Signals::READABLE | Signals::PEER_CLOSED).ok();
                }
            }
            (false, Some(key)) => {
                context.unwatch(key);
                self.following = None;
            }
            _ => {}
        }
        if self.session.has_exited() {
            context.quit();
        }
    }
}

impl App for TerminalApp {
    type Message = Message;

    fn build(&mut self, ui: &mut Ui<Message>, _context: &mut Context) {
        self.session.build(ui);
    }

    fn update(&mut self, ui: &mut Ui<Message>, message: Message, context: &mut Context) {
        self.session.update(ui, message);
        self.track(context);
    }

    fn wake(&mut self, ui: &mut Ui<Message>, key: Key, _observed: Signals, context: &mut Context) {
        if Some(key) == self.following {
            self.session.poll(ui);
            self.track(context);
        }
    }
}

/// The program: read the bundle's files, open the window, run the shell.
pub fn main(mut startup: Startup) -> Result<(), ProgramError> {
    let files = match files_from_startup(&mut startup) {
        Ok(files) => files,
        Err(error) => {
            weft_rt::warn!("terminal: no files to show: {error}");
            FileTree::default()
        }
    };
    let app = TerminalApp { session: Session::new(ServiceHost::new(files)), following: None };
    weft_app::run(window_options(), app)
}

/// Program entry (the hosted board and the kernel loader call this).
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}
