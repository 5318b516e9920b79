//! A sans-IO, `no_std` Zenoh unicast session for a byte stream (TCP).
//!
//! The mesh service on bare metal speaks Zenoh to remote peers over TCP
//! sockets that Weft's own network service provides. This crate is the
//! protocol between the socket and the service: the transport handshake
//! (both roles), lease and keep-alive, frames, fragments and sequence
//! numbers, and the network layer (declarations, put/subscribe,
//! get/queryable), on zenoh-protocol's message types and zenoh-codec's wire
//! format. It does no I/O and reads no clock: the caller feeds received
//! bytes and the time into a [`Session`], writes out what
//! [`Session::take_outgoing`] returns, and calls [`Session::poll`] on time.
//!
//! Invariants:
//! - Outgoing bytes are whole length-prefixed batches, never bigger than the
//!   negotiated batch size; a message bigger than a batch is fragmented.
//! - Nothing the remote sends can panic the session: undecodable or
//!   out-of-protocol input is an error, after which the session is closed
//!   (a Close is queued) and stays closed.
//! - A put goes out only if the remote declared an intersecting
//!   subscriber; a sample is delivered only if one of our subscriptions
//!   intersects it.
//! - Randomness (Zenoh id, initial sequence number, cookie) comes from the
//!   caller's [`Config`].
//!
//! On `*-none` targets zenoh-keyexpr and uhlc link `getrandom` 0.2 with its
//! `custom` backend (this crate never calls it): the final binary registers
//! one with `getrandom::register_custom_getrandom!`, or enables this crate's
//! `weft-getrandom` feature, which registers `weft_rt::sys::random_get`.
//!
//! See `docs/zenoh-session.md` for the supported subset of Zenoh.
#![no_std]

extern crate alloc;

mod framing;
mod keys;
mod session;
mod types;

pub use session::Session;
pub use types::{
    CloseReason, Config, DeclKind, Encoding, Event, GetId, QueryId, QueryableId, SampleKind, SessionError,
    SubscriberId, ZenohId,
};
pub use zenoh_protocol::core::{Reliability, WhatAmI};

/// The kernel's entropy behind `getrandom` (zenoh's crates link it).
#[cfg(all(target_os = "none", feature = "weft-getrandom"))]
mod entropy {
    fn weft_random(buf: &mut [u8]) -> Result<(), getrandom::Error> {
        weft_rt::sys::random_get(buf).map_err(|_| getrandom::Error::UNSUPPORTED)
    }
    getrandom::register_custom_getrandom!(weft_random);
}
