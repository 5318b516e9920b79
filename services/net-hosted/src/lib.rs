//! weft-net-hosted — `weft.net` in hosted mode, on the host's sockets
//! (host only).
//!
//! Hosted Weft runs the same programs as the kernel, so it serves the same
//! protocol (`weft-net-api`, `docs/net.md`) under the same service name,
//! `net`: a program's `[[use]] protocol = "weft.net"` reaches this service
//! on the hosted board and `services/net` (smoltcp) on the kernel, and
//! does not change. Sockets are the host's: a TCP connection is a host
//! `TcpStream`, a listener a host `TcpListener` on `0.0.0.0:<port>`, a UDP
//! socket a host `UdpSocket`; each is handed out as a channel of its own,
//! closed by dropping it.
//!
//! What a client may ask for is checked exactly as on the kernel, by
//! [`weft_net_api::grant::check`] on the grants of its route (`outbound`,
//! `listen:<port>`, `configure`).
//!
//! Differences a program can see, all in what the host provides:
//!
//! - `Status` shows one interface, `host`, with the host's primary address
//!   (and loopback), the host's IPv4 routes and its DNS servers
//!   (`/etc/resolv.conf`); there is no lease and no frame count.
//! - `Resolve` uses the host's resolver, unless DNS servers were set (the
//!   `dns` argument or `SetDns`): then it asks those, as the kernel does.
//! - `Ping` uses an unprivileged ICMP datagram socket; a host that does not
//!   allow them (`net.ipv4.ping_group_range`) answers with an error that
//!   says so. Hosted Weft never uses raw sockets.
//! - A listening port taken by another program of the host is `InUse`.
//!
//! Host I/O blocks, and the service loop must not: every blocking step (a
//! connect, a name lookup, a ping, each socket's reads, writes, accepts and
//! receives) runs on a host thread of its own, which posts its result to a
//! completion queue and wakes the loop through a user packet on its port
//! (`completions`); the loop then answers the deferred call. Dropping a
//! socket's channel shuts the host socket down, which ends its threads.

mod completions;
mod host;
mod service;
mod sockets;
mod sys;

use weft_ipc::Startup;
use weft_ipc::program::ProgramError;

/// The service's `main`.
pub fn main(startup: Startup) -> Result<(), ProgramError> {
    service::run(startup)
}

/// The program's entry: run [`main`] on the bootstrap channel.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}
