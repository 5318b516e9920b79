//! weft-ipc — the one way to define and speak an IPC protocol in Weft.
//!
//! A protocol is a type implementing [`Protocol`]: a name, a version and
//! three message types (request, response, event), all serde types encoded
//! with postcard inside a small envelope ([`wire`]). [`Client`] makes calls
//! and receives events; [`Connection`] is the server side of one client.
//! Handles travel beside the bytes; the kernel stamps the sender's identity
//! on every message, so servers decide on [`Incoming::sender`], never on
//! what the body claims.
//!
//! The crate also defines the two protocols every program speaks: the
//! namespace (to its parent: the startup message, connecting to routed
//! protocols, accepting connections) and the log sink.
//!
//! Decoding untrusted bytes returns an [`IpcError`]; it never panics.
#![no_std]

extern crate alloc;

pub mod bytes;
mod client;
pub mod log_sink;
pub mod namespace;
pub mod program;
mod serve;
mod server;
pub mod service;
pub mod wire;

use alloc::string::String;
use serde::Serialize;
use serde::de::DeserializeOwned;
use weft_abi::Error;

pub use client::Client;
pub use namespace::{ClientInfo, ConnectError, Namespace, Startup, connect};
pub use serve::{Handler, Service, ServiceEvent, serve};
pub use server::{Connection, Incoming};
pub use service::{Clients, LoopEvent, ServiceLoop};
pub use weft_rt::Sender;

/// An IPC protocol: one interface, defined once.
pub trait Protocol: 'static {
    /// The name clients connect by and manifests route (e.g. `weft.log.reader`).
    const NAME: &'static str;
    /// Incremented on every incompatible change; both sides must agree.
    const VERSION: u16;
    /// What clients send.
    type Request: Serialize + DeserializeOwned;
    /// What servers answer to a call.
    type Response: Serialize + DeserializeOwned;
    /// What servers send unprompted.
    type Event: Serialize + DeserializeOwned;
}

/// What can go wrong speaking a protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IpcError {
    /// The kernel refused the operation (peer closed, timed out, ...).
    Kernel(Error),
    /// The peer sent bytes that do not decode.
    Malformed,
    /// A value could not be encoded (too large for a message).
    Encode,
    /// The peer speaks another version of the protocol.
    Version {
        /// Our version.
        expected: u16,
        /// Theirs.
        received: u16,
    },
    /// The server refused the request.
    Refused(wire::Fault),
    /// A message of the wrong kind arrived (e.g. a request on a client).
    Unexpected,
}

impl From<Error> for IpcError {
    fn from(error: Error) -> IpcError {
        IpcError::Kernel(error)
    }
}

impl IpcError {
    /// True if the other side is gone.
    pub fn is_peer_closed(&self) -> bool {
        matches!(self, IpcError::Kernel(Error::PeerClosed))
    }
}

impl core::fmt::Display for IpcError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            IpcError::Kernel(error) => write!(f, "{error}"),
            IpcError::Malformed => f.write_str("malformed message"),
            IpcError::Encode => f.write_str("message could not be encoded"),
            IpcError::Version { expected, received } => {
                write!(f, "protocol version mismatch (expected {expected}, received {received})")
            }
            IpcError::Refused(fault) => write!(f, "refused: {fault:?}"),
            IpcError::Unexpected => f.write_str("unexpected message kind"),
        }
    }
}

/// A short owned description of an error, for logs and replies.
pub fn describe(error: &IpcError) -> String {
    alloc::format!("{error}")
}
