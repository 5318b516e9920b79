//! weft-mesh — streams compositor windows to remote viewers over the Zenoh mesh.
//!
//! The mesh service is the publishing end of `wlstream` (`docs/wlstream.md`)
//! for real windows. It takes window pictures from the compositor through
//! `weft.compositor.capture` (routed to it alone, with the `capture` and
//! `control` grants), paces each window's stream with
//! [`weft_wlstream::source::StreamSource`], publishes frames on
//! `weft/app/<id>/stream`, and passes viewer input and resizes back
//! through the compositor's input routing, so an app cannot tell remote
//! from local input. It heartbeats on `weft/telemetry`, obeys
//! `weft/ctl/stream/start` and `stop`, and serves `weft.mesh` locally
//! (status; start and stop with the `control` grant). `docs/mesh.md`
//! describes it all.
//!
//! Invariants:
//! - nothing queues: the compositor keeps one capture frame in flight per
//!   window and merges damage while this service holds it; this service
//!   holds it while no viewer has credit, encodes only the latest picture,
//!   and publishes with Zenoh's `Drop` congestion control;
//! - every viewer message is decoded and checked against the key it came
//!   on before it is acted upon, and a viewer can only reach the window
//!   of the stream it names;
//! - the capture buffer is read only between `Frame` and `Release`.
//!
//! The Zenoh link is the one part that differs by platform ([`Link`]): on a
//! host the reference `zenoh` crate (`link`), on the kernel
//! `weft-zenoh-link` sessions over the network service's TCP sockets
//! (`link_metal`). Everything else is the same code.
//!
//! [`demo`] is a small native app to stream (text that echoes typed keys,
//! a scrolling list, whole new pages), used by `weft-hosted --stream`, the
//! end-to-end tests and `cargo xtask bench stream`.

#![cfg_attr(target_os = "none", no_std)]

extern crate alloc;

pub mod config;
pub mod demo;
pub mod inbox;
#[cfg(not(target_os = "none"))]
pub mod link;
#[cfg(target_os = "none")]
#[path = "link_metal.rs"]
pub mod link;
pub mod naming;
pub mod service;
pub mod stream;
pub mod telemetry;

pub use link::Link;

/// What `std`'s prelude would bring, for the kernel build.
mod prelude {
    pub use alloc::format;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec::Vec;
}

/// Unix-epoch nanoseconds at monotonic zero (frame timestamps are wall
/// time, which viewers compare with their own clocks).
static WALL_OFFSET: core::sync::atomic::AtomicU64 = core::sync::atomic::AtomicU64::new(0);

/// The wall clock's offset from the monotonic clock.
pub fn wall_offset() -> u64 {
    WALL_OFFSET.load(core::sync::atomic::Ordering::Relaxed)
}

/// Read the wall clock once: the host's, or the kernel board's real-time
/// clock through `weft.clock` when it is routed (else frames carry
/// monotonic time).
fn set_wall_offset(namespace: &weft_ipc::Namespace) {
    #[cfg(not(target_os = "none"))]
    let wall = {
        let _ = namespace;
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
    };
    #[cfg(target_os = "none")]
    let wall = namespace
        .connect::<weft_clock_api::ClockProtocol>()
        .ok()
        .and_then(|clock| clock.call(&weft_clock_api::ClockRequest::Now).ok())
        .and_then(|answer| match answer {
            weft_clock_api::ClockResponse::Now { unix_ms, monotonic_ns } => {
                Some((unix_ms.max(0) as u64 * 1_000_000).saturating_sub(monotonic_ns) + weft_rt::now())
            }
            _ => None,
        })
        .unwrap_or(0);
    WALL_OFFSET.store(wall.saturating_sub(weft_rt::now()), core::sync::atomic::Ordering::Relaxed);
}

use weft_abi::Rights;
use weft_compositor_api::capture::CaptureProtocol;
use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
#[cfg(not(target_os = "none"))]
use weft_rt::Deadline;
use weft_rt::{Port, WaitSet};
use weft_status_api::StatusProtocol;

use config::MeshConfig;
use inbox::Inbox;
use service::{Service, announce};
use telemetry::Load;

/// The program's entry point.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}

/// Connect to the compositor, open the mesh, serve until stopped.
pub fn main(startup: Startup) -> Result<(), ProgramError> {
    let config = MeshConfig::from_startup(&startup)?;
    let namespace = startup.namespace().clone();
    set_wall_offset(&namespace);
    let capture = namespace.connect::<CaptureProtocol>()?;
    let status = match namespace.connect::<StatusProtocol>() {
        Ok(status) => Some(status),
        Err(error) => {
            weft_rt::info!("no status service ({error}): heartbeats report no load");
            None
        }
    };
    let mut waits = WaitSet::new()?;
    let port = Port::from_handle(waits.port().handle().duplicate(Rights::SAME)?);
    #[cfg(not(target_os = "none"))]
    let (inbox, link, bridge) = {
        let (waker, bridge) = link::waker(port)?;
        let inbox = Inbox::new(Some(waker));
        let link = Link::open(&config, &inbox)?;
        (inbox, link, bridge)
    };
    #[cfg(target_os = "none")]
    let (inbox, link) = {
        let inbox = Inbox::new(None);
        let link = Link::open(&config, &inbox, port)?;
        (inbox, link)
    };
    let scouting = config.scouting && cfg!(not(target_os = "none"));
    let mut service = Service::new(config, link, inbox, capture, Load::new(status))?;
    let locators = service.locators().join(", ");
    announce(&alloc::format!(
        "on the mesh as a Zenoh peer (scouting {}), listening on {}",
        if scouting { "on" } else { "off" },
        if locators.is_empty() { "nothing" } else { &locators }
    ));
    namespace.ready()?;
    let result = service.run(&namespace, &mut waits);
    service.close();
    #[cfg(not(target_os = "none"))]
    let _ = bridge.join(Deadline::after(core::time::Duration::from_secs(1)));
    result.map_err(Into::into)
}
