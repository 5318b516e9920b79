//! weft-settings — the Settings app.
//!
//! Three pages in a sidebar: **Appearance** (light or dark theme, shown as
//! live previews; writes `appearance.theme`, which every app and the shell
//! follow at once), **Display** (scale from 100 % to 200 % in quarter
//! steps; writes `display.scale`) and **About** (version, platform and
//! live figures from `weft.status`: uptime, memory, processes, services,
//! refreshed every second while shown). Changes made elsewhere arrive
//! through a config watch and update the controls.
//!
//! Invariants: a control shows a value only after the config service
//! accepted it; a refused write leaves the old value and says why.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod mark;
mod settings;
mod store;
mod tile;

use alloc::string::String;
use core::time::Duration;

use weft_abi::Signals;
use weft_app::{App, Context, WindowOptions};
use weft_app_support::status::StatusClient;
use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
use weft_rt::Key;
use weft_toolkit::Ui;

pub use settings::{Message, Page, SCALE_RANGE, Settings, scale_of, theme_named};
pub use store::{ConfigStore, SCALE_KEY, Store, StoreError, THEME_KEY};
pub use tile::ThemeTile;

/// The timer refreshing the About page.
const REFRESH_TIMER: u64 = 1;
/// How often the About page refreshes.
const REFRESH: Duration = Duration::from_secs(1);

/// The window: title, size and smallest size.
pub fn window_options() -> WindowOptions {
    WindowOptions {
        title: String::from("Settings"),
        app_id: String::from("weft.settings"),
        size: (780, 540),
        min_size: (600, 420),
    }
}

struct SettingsApp {
    settings: Settings<ConfigStore, StatusClient>,
    watch: Option<Key>,
}

impl App for SettingsApp {
    type Message = Message;

    fn build(&mut self, ui: &mut Ui<Message>, context: &mut Context) {
        self.settings.build(ui);
        let store = self.settings.store_mut();
        if store.watch(&["appearance.", "display."]).is_ok()
            && let Some(channel) = store.watch_channel()
        {
            self.watch = context.watch(channel, Signals::READABLE | Signals::PEER_CLOSED).ok();
        }
        context.schedule(REFRESH_TIMER, REFRESH);
    }

    fn update(&mut self, ui: &mut Ui<Message>, message: Message, _context: &mut Context) {
        self.settings.update(ui, message);
    }

    fn wake(&mut self, ui: &mut Ui<Message>, key: Key, observed: Signals, context: &mut Context) {
        if Some(key) != self.watch {
            return;
        }
        for (key, value) in self.settings.store_mut().changes() {
            self.settings.changed(ui, &key, value.as_ref());
        }
        if observed.contains(Signals::PEER_CLOSED) {
            // The config service restarted: watch the new one.
            context.unwatch(key);
            self.watch = None;
            let store = self.settings.store_mut();
            if store.watch(&["appearance.", "display."]).is_ok()
                && let Some(channel) = store.watch_channel()
            {
                self.watch = context.watch(channel, Signals::READABLE | Signals::PEER_CLOSED).ok();
            }
        }
    }

    fn timer(&mut self, ui: &mut Ui<Message>, id: u64, context: &mut Context) {
        if id == REFRESH_TIMER {
            self.settings.refresh(ui);
            context.schedule(REFRESH_TIMER, REFRESH);
        }
    }
}

/// The program: open the window on the Appearance page.
pub fn main(_startup: Startup) -> Result<(), ProgramError> {
    let app = SettingsApp { settings: Settings::new(ConfigStore::new(), StatusClient::new()), watch: None };
    weft_app::run(window_options(), app)
}

/// Program entry (the hosted board and the kernel loader call this).
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}
