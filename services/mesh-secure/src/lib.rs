//! weft-mesh-secure — pairing and an end-to-end encrypted, authenticated envelope for the Weft mesh.
//!
//! The mesh streams windows to viewers and takes their input over Zenoh,
//! where any peer that reaches the port could watch and type. This crate
//! makes the mesh private between *paired* endpoints (a device and a
//! viewer), independently of Zenoh's own transport security:
//!
//! - [`Identity`]: each endpoint's long-term Ed25519 key pair; its
//!   [`EndpointId`] is the first 16 bytes of SHA-256 of the public key.
//! - [`pairing`]: a four-message exchange in which both sides show the same
//!   six-digit [`PairingCode`] and the person on the device accepts; each
//!   side then keeps the other's key in its [`PairedSet`] (persisted with
//!   postcard). Unpairing is [`PairedSet::remove`].
//! - [`handshake`]: a three-message, mutually authenticated X25519 exchange
//!   between paired endpoints, giving a [`Session`].
//! - [`Session`]: ChaCha20-Poly1305 envelopes with a 20-byte header
//!   (version, kind, direction, session id, counter) as associated data.
//!
//! Invariants:
//! - Sans-IO: no sockets, clocks or global randomness. The caller moves
//!   bytes, passes the time where it is recorded, and supplies randomness as
//!   an `FnMut(&mut [u8])` that fills a buffer from a cryptographic source.
//! - No input panics; every refusal is an [`Error`]. A handshake step that
//!   fails consumes its state.
//! - A [`Session`] exists only after the peer proved its paired identity,
//!   so nothing is ever sealed for, or accepted from, an unpaired peer.
//! - A session never reuses a nonce: counters only grow and it refuses to
//!   seal after 2^63 messages. It accepts each counter at most once and only
//!   above the last accepted one.
//! - Secrets (identity, ephemeral and session keys) are wiped on drop.
//!
//! The protocol, byte for byte, is in `docs/mesh-security.md`.
#![no_std]
// Parses untrusted bytes: no panicking shortcuts outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

extern crate alloc;

mod crypto;
mod error;
pub mod handshake;
mod identity;
mod paired;
pub mod pairing;
mod session;
mod wire;

pub use error::Error;
pub use handshake::{Initiator, Responder, refusal};
pub use identity::{EndpointId, Identity, SessionId};
pub use paired::{PairedPeer, PairedSet};
pub use pairing::{DeviceConfirming, DevicePairing, PairingCode, PeerInfo, ViewerConfirming, ViewerPairing};
pub use session::{HEADER_LEN, MAX_MESSAGES, OVERHEAD, Role, Session, TAG_LEN, session_id_of};
pub use wire::{Kind, MAX_NAME_LEN, VERSION, kind_of};
