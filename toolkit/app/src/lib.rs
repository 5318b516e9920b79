//! weft-app — a weft-toolkit UI living in a compositor surface.
//!
//! [`UiWindow`] pairs one compositor [`Window`] with one toolkit [`Ui`]:
//! compositor events become toolkit input, the UI repaints only what is
//! damaged (plus what a recycled buffer lacks), and only those rectangles
//! are presented, paced by the compositor's frame callbacks. [`run`] is
//! the whole event loop for an ordinary app with one toplevel window: it
//! also follows the `appearance.theme` setting, so every app re-renders
//! when the user switches theme. The shell, which has several surfaces,
//! drives its [`UiWindow`]s from its own loop.
//!
//! Invariant: a buffer is acquired only when something will be drawn into
//! it, and every acquired buffer is presented with exactly the rectangles
//! that changed since the surface last showed new content.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod context;
mod convert;
mod run;
mod theme;
mod window;

pub use context::Context;
pub use run::{App, WindowOptions, run};
pub use theme::{ThemeFollower, kind_of as theme_kind};
pub use weft_compositor_api::client::{Display, Window};
pub use weft_toolkit::Ui;
pub use window::{UiWindow, WindowOutcome};

/// The monotonic clock as the toolkit wants it.
pub fn now() -> core::time::Duration {
    core::time::Duration::from_nanos(weft_rt::now())
}
