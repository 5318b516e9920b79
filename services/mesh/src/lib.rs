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
//! Host only: Zenoh needs `std` and TCP. On the bare-metal kernel there is
//! no network stack yet, so there is no mesh there (see `docs/mesh.md`).
//!
//! [`demo`] is a small native app to stream (text that echoes typed keys,
//! a scrolling list, whole new pages), used by `weft-hosted --stream`, the
//! end-to-end tests and `cargo xtask bench stream`.

pub mod config;
pub mod demo;
pub mod inbox;
pub mod link;
pub mod naming;
pub mod service;
pub mod stream;
pub mod telemetry;

use weft_abi::Rights;
use weft_compositor_api::capture::CaptureProtocol;
use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
use weft_rt::{Deadline, Port, WaitSet};
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
    let capture = namespace.connect::<CaptureProtocol>()?;
    let status = match namespace.connect::<StatusProtocol>() {
        Ok(status) => Some(status),
        Err(error) => {
            weft_rt::info!("no status service ({error}): heartbeats report no load");
            None
        }
    };
    let mut waits = WaitSet::new()?;
    let (inbox, woken) = Inbox::new();
    let port = Port::from_handle(waits.port().handle().duplicate(Rights::SAME)?);
    let bridge = Inbox::bridge(woken, port)?;
    let session = link::open(&config)?;
    let scouting = config.scouting;
    let mut service = Service::new(config, session, inbox, capture, Load::new(status))?;
    let locators = service.locators().join(", ");
    announce(&format!(
        "on the mesh as a Zenoh peer (scouting {}), listening on {}",
        if scouting { "on" } else { "off" },
        if locators.is_empty() { "nothing" } else { &locators }
    ));
    namespace.ready()?;
    let result = service.run(&namespace, &mut waits);
    service.close();
    let _ = bridge.join(Deadline::after(core::time::Duration::from_secs(1)));
    result.map_err(Into::into)
}
