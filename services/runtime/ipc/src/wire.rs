//! The envelope every protocol message travels in.
//!
//! Layout (postcard): `version: u16`, `kind: u8`, then the body encoded as
//! the protocol's request, response or event type, or a [`Fault`]. Decoding
//! is strict: unknown kinds, a wrong version, a body that does not parse,
//! or trailing bytes are all errors; nothing panics.

use alloc::string::String;
use alloc::vec::Vec;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::IpcError;

/// What a message is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// A request (a call if it carries a transaction id, else one-way).
    Request = 1,
    /// The reply to a call.
    Response = 2,
    /// A message the server sends unprompted.
    Event = 3,
    /// The server could not handle a request (see [`Fault`]).
    Fault = 4,
}

impl Kind {
    fn from_number(number: u8) -> Option<Kind> {
        Some(match number {
            1 => Kind::Request,
            2 => Kind::Response,
            3 => Kind::Event,
            4 => Kind::Fault,
            _ => return None,
        })
    }
}

/// Why a server refused a request at the protocol level (as opposed to a
/// protocol-specific error inside a normal response).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fault {
    /// The request did not decode.
    Malformed,
    /// The request spoke another protocol version.
    Version {
        /// The server's version.
        expected: u16,
        /// The version the client sent.
        received: u16,
    },
    /// The server understood but will not serve this client.
    Denied(String),
}

/// Encode a message.
pub fn encode<T: Serialize>(version: u16, kind: Kind, body: &T) -> Result<Vec<u8>, IpcError> {
    postcard::to_allocvec(&(version, kind as u8, body)).map_err(|_| IpcError::Encode)
}

/// Split off and check the envelope header; returns the kind and body bytes.
pub fn header(version: u16, bytes: &[u8]) -> Result<(Kind, &[u8]), IpcError> {
    let ((received, kind), body): ((u16, u8), &[u8]) =
        postcard::take_from_bytes(bytes).map_err(|_| IpcError::Malformed)?;
    let kind = Kind::from_number(kind).ok_or(IpcError::Malformed)?;
    if received != version {
        return Err(IpcError::Version { expected: version, received });
    }
    Ok((kind, body))
}

/// Decode a body; all of it must be consumed.
pub fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, IpcError> {
    let (value, rest): (T, &[u8]) = postcard::take_from_bytes(bytes).map_err(|_| IpcError::Malformed)?;
    if !rest.is_empty() {
        return Err(IpcError::Malformed);
    }
    Ok(value)
}
