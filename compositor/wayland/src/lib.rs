//! weft-wayland — real Wayland clients as Weft windows (host only).
//!
//! In hosted mode on Linux this program runs a Wayland server (Smithay)
//! on a Unix socket and bridges every client into Weft's own compositor,
//! the way XWayland bridges X clients into a Wayland compositor: each
//! Wayland client gets its own `weft.compositor` connection, each xdg
//! toplevel becomes a Weft toplevel (decorated by Weft, listed by the
//! shell, streamable like any native window), each xdg popup a Weft popup
//! and each cursor surface a Weft cursor. Weft's input events for those
//! surfaces are replayed on a Wayland seat.
//!
//! Invariants:
//!
//! - A wl_buffer is never held: its damaged part is converted into the
//!   surface's own premultiplied RGBA copy at commit and the buffer is
//!   released at once ([`pixels`]). A window is composed from those copies
//!   into one of its two Weft buffers ([`compose`]) and presented with
//!   exactly the damage the client reported.
//! - Frame callbacks fire when Weft says the frame showing them is on
//!   screen (`FrameDone`), and at most one present per window is in
//!   flight, so Wayland clients run at Weft's pace.
//! - A client that breaks the Wayland protocol, sends a buffer that does
//!   not fit its pool or holds too much content is disconnected; its Weft
//!   connection closes with it, which frees its windows and buffers in the
//!   compositor. Nothing else notices.
//!
//! The program's manifest argument `socket` picks the socket: `auto`
//! (default: the first free `weft-N` in `$XDG_RUNTIME_DIR`), a name in
//! `$XDG_RUNTIME_DIR`, or an absolute path. Without a runtime directory the
//! program logs that the front is off and exits cleanly. On hosts other
//! than Linux it only logs that and exits. See `docs/wayland.md`.

pub mod compose;
pub mod pixels;
#[cfg(target_os = "linux")]
mod server;

use weft_ipc::Startup;
use weft_ipc::program::ProgramError;

/// The program's entry point (program name `wayland`).
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}

/// Serve Wayland clients until the parent says stop.
#[cfg(target_os = "linux")]
pub fn main(startup: Startup) -> Result<(), ProgramError> {
    server::main(startup)
}

/// The Wayland front needs a Linux host; elsewhere it does nothing.
#[cfg(not(target_os = "linux"))]
pub fn main(startup: Startup) -> Result<(), ProgramError> {
    weft_rt::info!("the Wayland front runs on Linux hosts only");
    idle(&startup)
}

/// With the front off, stay up doing nothing until the parent says stop:
/// the service is accounted for in the graph, and no process exits in the
/// middle of everyone else's start.
fn idle(startup: &Startup) -> Result<(), ProgramError> {
    let mut service = weft_ipc::ServiceLoop::new(startup)?;
    service.ready()?;
    loop {
        if let weft_ipc::LoopEvent::Stop = service.next(weft_rt::Deadline::INFINITE)? {
            return Ok(());
        }
    }
}
