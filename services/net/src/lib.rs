//! weft-net — the network service: TCP/IP on smoltcp over a `weft.netdev` device.
//!
//! Serves `weft.net` (see `net-api` and `docs/net.md`): it takes a DHCP
//! lease (and renews it), resolves names over UDP, answers pings, and hands
//! out TCP connections, TCP listeners and UDP sockets, each as a channel
//! of its own. What a client may ask for is decided by the grants on its
//! route, its network entitlement: `outbound`, `listen:<port>`,
//! `configure`.
//!
//! One thread runs everything: it waits on the driver's channel, its
//! clients' channels and smoltcp's next timer, polls the interface, then
//! moves every socket's waiting request on. A request that cannot finish
//! yet (a read with no data, an accept with no connection) is answered
//! later, so no client ever spins. When the driver restarts, the service
//! reconnects and keeps its sockets; TCP retransmits what was lost.
#![no_std]

extern crate alloc;

pub mod dns;
mod link;
mod sockets;
mod stack;

use weft_ipc::Startup;
use weft_ipc::program::ProgramError;

/// The service's `main`.
pub fn main(startup: Startup) -> Result<(), ProgramError> {
    stack::run(startup)
}

/// The program's entry: run [`main`] on the bootstrap channel.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}
