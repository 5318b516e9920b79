//! weft-toolkit-harness — drive weft-toolkit UIs headless in tests.
//!
//! A [`Harness`] owns a [`Ui`], a framebuffer and a clock. Tests inject
//! pointer, keyboard and touch input (by widget id or position), step time
//! explicitly, read widget state, render (incrementally, as a real
//! compositor client would), and with the `png` feature compare the frame
//! against a committed reference PNG within a [`Tolerance`]. A missing
//! reference fails the test; `WEFT_BLESS=1` writes it.
//!
//! Invariants: time only moves when the test moves it; the framebuffer is
//! updated only through `Ui::render`, so what tests see is exactly what a
//! client would present.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(not(target_os = "none"))]
extern crate std;

pub mod gallery;
mod harness;
mod pixels;
#[cfg(not(target_os = "none"))]
mod reference;

pub use harness::{FRAME, Harness};
pub use pixels::{Comparison, Tolerance, compare, demultiply};
#[cfg(not(target_os = "none"))]
pub use reference::{assert_matches_reference, read_png, write_png};
pub use weft_toolkit::Ui;
