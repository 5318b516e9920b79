//! weft-shell — the Weft desktop shell.
//!
//! One program draws the desktop around the apps' windows, as layer
//! surfaces of the compositor (which only a route with the `layer` grant
//! may create):
//!
//! - the **wallpaper** (background layer): a procedural woven pattern in
//!   a light and a dark colourway;
//! - the **panel** (top layer, reserving its height): the Apps button, a
//!   button per window from `weft.compositor.shell` (click to focus or
//!   restore; click the focused one to minimise), service health from the
//!   root manager, theme and lock buttons, and the clock;
//! - the **launcher** (overlay, holds the keyboard): installed apps from
//!   the root manager's `Apps`, searchable, keyboard navigable; opening an
//!   app is the root manager's `Launch` (the `launch` grant);
//! - the **window switcher** (overlay): Alt+Tab, forwarded by the
//!   compositor as shortcuts;
//! - **notification toasts** (overlay): the shell serves
//!   `weft.notifications` (`notify-api`) to apps;
//! - the **lock screen** (overlay, holds the keyboard): Super+L or the
//!   panel's lock button; see [`lock`] for how it unlocks.
//!
//! Every surface follows `appearance.theme` live. Invariants: the shell
//! never draws outside its own layer surfaces; surfaces that are not
//! showing hold no compositor buffers; everything a toast says about its
//! origin comes from the root manager, never from the posting app.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod clock;
mod desktop;
pub mod icons;
pub mod launcher;
pub mod lock;
pub mod message;
pub mod notifications;
pub mod panel;
pub mod surface;
pub mod switcher;
pub mod wallpaper;
pub mod widgets;

pub use desktop::{Shell, THEME_KEY};
pub use message::Message;

use weft_ipc::Startup;
use weft_ipc::program::ProgramError;

/// The shell's main: start, then run until stopped.
pub fn main(startup: Startup) -> Result<(), ProgramError> {
    Shell::start(&startup)?.run()
}

/// Program entry.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}
