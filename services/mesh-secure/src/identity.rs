//! Long-term identities and endpoint ids.

use core::fmt;

use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use crate::crypto::sha256;

/// An endpoint's long-term Ed25519 key pair (a device's or a viewer's).
///
/// Made once, kept in the endpoint's storage ([`Identity::secret_bytes`],
/// [`Identity::from_secret_bytes`]); the secret is wiped on drop.
#[derive(Clone)]
pub struct Identity {
    key: SigningKey,
}

impl Identity {
    /// A new identity from 32 bytes of the caller's randomness.
    pub fn generate(rng: &mut impl FnMut(&mut [u8])) -> Identity {
        let mut seed = [0u8; 32];
        rng(&mut seed);
        let identity = Identity::from_secret_bytes(&seed);
        seed.zeroize();
        identity
    }

    /// The identity whose Ed25519 secret key (seed) is `secret`.
    pub fn from_secret_bytes(secret: &[u8; 32]) -> Identity {
        Identity { key: SigningKey::from_bytes(secret) }
    }

    /// The Ed25519 secret key (seed), to store. Keep it secret.
    pub fn secret_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// The Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    /// This endpoint's id.
    pub fn id(&self) -> EndpointId {
        EndpointId::of(&self.public_key())
    }

    pub(crate) fn signing_key(&self) -> &SigningKey {
        &self.key
    }
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity").field("id", &self.id()).finish_non_exhaustive()
    }
}

/// An endpoint's id: the first 16 bytes of SHA-256 of its Ed25519 public
/// key. Shown and used in Zenoh keys as 32 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EndpointId(pub [u8; 16]);

impl EndpointId {
    /// The id of an Ed25519 public key.
    pub fn of(public_key: &[u8; 32]) -> EndpointId {
        let hash = sha256(&[public_key]);
        let mut id = [0u8; 16];
        id.copy_from_slice(hash.get(..16).unwrap_or(&[0; 16]));
        EndpointId(id)
    }

    /// Parses 32 hex digits (either case).
    pub fn from_hex(text: &str) -> Option<EndpointId> {
        let mut id = [0u8; 16];
        parse_hex(text, &mut id)?;
        Some(EndpointId(id))
    }

    /// The raw 16 bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for EndpointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for EndpointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EndpointId({self})")
    }
}

/// A session's id: 8 bytes both ends derive from the handshake; it is the
/// second field of every envelope header, to route a message to its session.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SessionId(pub [u8; 8]);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_hex(f, &self.0)
    }
}

impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionId({self})")
    }
}

fn write_hex(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    bytes.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
}

fn parse_hex(text: &str, out: &mut [u8]) -> Option<()> {
    let text = text.as_bytes();
    if text.len() != out.len() * 2 {
        return None;
    }
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        let [high, low] = pair else { return None };
        *byte = (hex_digit(*high)? << 4) | hex_digit(*low)?;
    }
    Some(())
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}
