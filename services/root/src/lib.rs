//! weft-root — the root manager, first program of every Weft system.
//!
//! It reads the boot bundle, checks the manifests ([`weft_manifest::Graph`]),
//! and starts each service in dependency order once the services it uses are
//! serving. Every service gets exactly what its manifest routes to it: its
//! startup handles (named capabilities) and, through its namespace channel,
//! connections to the protocols it `use`s — a request for anything else is
//! refused with `NotRouted`. A service that ends is restarted with an
//! exponential back-off according to its policy; everything else keeps
//! running. The root manager itself serves `weft.root` (status, control,
//! principal lookup).
//!
//! Invariants:
//! - a connection is only ever forwarded along a route in the graph;
//! - a namespace request counts only if the kernel says it came from the
//!   service's own principal;
//! - capabilities (device resources) go to at most the services that name
//!   them, and are duplicated, never given away, so a restart gets them again.
#![no_std]

extern crate alloc;

mod api;
mod boot;
mod images;
mod instance;
mod manager;
mod namespace;
mod start;

use weft_ipc::Startup;
use weft_ipc::program::ProgramError;

/// The root manager's `main`.
pub fn main(startup: Startup) -> Result<(), ProgramError> {
    let mut manager = boot::boot(startup)?;
    manager.run()
}

/// Program entry: the bootstrap handle from the kernel.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}
