//! weft-display-hosted — the display service of hosted mode (host only).
//!
//! The program serves `weft.display` over a host device model,
//! [`HostDisplay`], reached through the `device:display` capability (an
//! Mmio resource the hosted kernel maps to the model). Two models exist:
//! - headless: an in-memory framebuffer; tests read pixels and save PNG
//!   screenshots from it ([`HostDisplay::snapshot`]);
//! - a host window (feature `window`, winit + softbuffer): see
//!   [`window`]; its event loop must run on the host process's main
//!   thread, so the hosted runner calls [`window::run_window_loop`] there.
//!
//! Flushed rectangles are copied from the shared framebuffer (BGRA, as
//! virtio-gpu scans out) to the model. A resized window is reported to
//! the compositor as `OutputChanged`; the window's keyboard and mouse go
//! to the input service as two devices, when `weft.input.device` is
//! routed to this program.

mod model;
mod service;
#[cfg(feature = "window")]
pub mod window;

pub use model::{DeviceEvent, HostDisplay, Snapshot};
pub use service::{DEVICE_CAPABILITY, entry, main};
