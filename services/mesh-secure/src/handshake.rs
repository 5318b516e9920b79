//! The session handshake between two paired endpoints.
//!
//! Three messages (layouts in `docs/mesh-security.md`); the initiator is
//! the viewer, the responder the device:
//!
//! ```text
//! initiator                                   responder
//! Initiator::start        ── SessionInit ──────▶  Responder::on_init   (NotPaired → send refusal())
//! Initiator::on_response  ◀─ SessionResponse ──   (or SessionRefused)
//!   → Session             ── SessionFinish ────▶  Responder::on_finish → Session
//! ```
//!
//! Fresh X25519 keys on both sides, the transcript signed by both identity
//! keys, per-direction keys from HKDF-SHA-256 salted with the transcript
//! hash. A [`Session`] exists only once the peer's signature verified, so
//! nothing is sealed for an unauthenticated peer.

use alloc::vec::Vec;

use ed25519_dalek::VerifyingKey;
use x25519_dalek::{SharedSecret, StaticSecret};
use zeroize::Zeroize;

use crate::crypto::{Kdf, ephemeral, exchange, identity_key, sha256, sign, verify};
use crate::session::{Role, Session};
use crate::wire::{Kind, Reader, VERSION, kind_of};
use crate::{EndpointId, Error, Identity, PairedSet, SessionId};

const TRANSCRIPT: &[u8] = b"weft-mesh session v1";
const SIGN_RESPONSE: &[u8] = b"weft-mesh session response v1";
const SIGN_FINISH: &[u8] = b"weft-mesh session finish v1";
const KEY_I2R: &[u8] = b"weft-mesh session v1 key i2r";
const KEY_R2I: &[u8] = b"weft-mesh session v1 key r2i";
const SESSION_ID: &[u8] = b"weft-mesh session v1 id";

/// Length of SessionInit.
pub const SESSION_INIT_LEN: usize = 2 + 16 + 32;
/// Length of SessionResponse.
pub const SESSION_RESPONSE_LEN: usize = 2 + 16 + 32 + 64;
/// Length of SessionFinish.
pub const SESSION_FINISH_LEN: usize = 2 + 64;
/// Length of SessionRefused.
pub const SESSION_REFUSED_LEN: usize = 2 + 1;

/// The reason byte of a SessionRefused: the initiator is not paired.
const REFUSED_NOT_PAIRED: u8 = 1;

/// The SessionRefused message a responder may send when
/// [`Responder::on_init`] fails with [`Error::NotPaired`], so the viewer can
/// say "pair first". It is not authenticated and carries nothing else.
pub fn refusal() -> Vec<u8> {
    [VERSION, Kind::SessionRefused as u8, REFUSED_NOT_PAIRED].to_vec()
}

/// Initiator (viewer) side: SessionInit is sent; waiting for the response.
pub struct Initiator {
    identity: Identity,
    expected: Option<EndpointId>,
    ephemeral: StaticSecret,
    init_message: Vec<u8>,
}

impl Initiator {
    /// Starts a session: returns the state and the SessionInit to send.
    /// With `expected`, only that paired endpoint may answer.
    pub fn start(
        identity: &Identity,
        expected: Option<EndpointId>,
        rng: &mut impl FnMut(&mut [u8]),
    ) -> (Initiator, Vec<u8>) {
        let (secret, public) = ephemeral(rng);
        let mut init = Vec::with_capacity(SESSION_INIT_LEN);
        init.extend_from_slice(&[VERSION, Kind::SessionInit as u8]);
        init.extend_from_slice(identity.id().as_bytes());
        init.extend_from_slice(&public);
        let state =
            Initiator { identity: identity.clone(), expected, ephemeral: secret, init_message: init.clone() };
        (state, init)
    }

    /// Takes the SessionResponse (or SessionRefused): checks that the
    /// responder is paired (and the expected one) and its signature, and
    /// returns the established session and the SessionFinish to send.
    pub fn on_response(self, message: &[u8], paired: &PairedSet) -> Result<(Session, Vec<u8>), Error> {
        if kind_of(message) == Some(Kind::SessionRefused) {
            let mut reader = Reader::open(message, Kind::SessionRefused)?;
            reader.u8()?;
            reader.finish()?;
            return Err(Error::Refused);
        }
        let mut reader = Reader::open(message, Kind::SessionResponse)?;
        let responder = EndpointId(reader.array::<16>()?);
        let responder_ephemeral = reader.array::<32>()?;
        let signature = reader.array::<64>()?;
        reader.finish()?;
        if self.expected.is_some_and(|expected| expected != responder) {
            return Err(Error::UnexpectedPeer);
        }
        let peer = paired.get(&responder).ok_or(Error::NotPaired)?;
        let peer_key = *peer.public_key();
        let verifying = identity_key(&peer_key)?;
        let body = message.get(..SESSION_RESPONSE_LEN - 64).ok_or(Error::Malformed)?;
        let signed = sha256(&[TRANSCRIPT, &self.init_message, body]);
        verify(&verifying, SIGN_RESPONSE, &signed, &signature)?;
        let shared = exchange(&self.ephemeral, &responder_ephemeral)?;

        let transcript = sha256(&[TRANSCRIPT, &self.init_message, message]);
        let mut finish = Vec::with_capacity(SESSION_FINISH_LEN);
        finish.extend_from_slice(&[VERSION, Kind::SessionFinish as u8]);
        finish.extend_from_slice(&sign(self.identity.signing_key(), SIGN_FINISH, &transcript));
        let session = derive(Role::Initiator, &transcript, &shared, responder, peer_key);
        Ok((session, finish))
    }
}

/// Responder (device) side: SessionResponse is sent; waiting for
/// SessionFinish.
pub struct Responder {
    peer: EndpointId,
    peer_key: VerifyingKey,
    shared: SharedSecret,
    transcript: [u8; 32],
}

impl Responder {
    /// Takes a SessionInit: refuses an initiator that is not paired
    /// ([`Error::NotPaired`]; the caller may answer with [`refusal`]),
    /// else returns the state and the SessionResponse to send.
    pub fn on_init(
        identity: &Identity,
        message: &[u8],
        paired: &PairedSet,
        rng: &mut impl FnMut(&mut [u8]),
    ) -> Result<(Responder, Vec<u8>), Error> {
        let mut reader = Reader::open(message, Kind::SessionInit)?;
        let initiator = EndpointId(reader.array::<16>()?);
        let initiator_ephemeral = reader.array::<32>()?;
        reader.finish()?;
        let peer = paired.get(&initiator).ok_or(Error::NotPaired)?;
        let peer_key = identity_key(peer.public_key())?;
        let (secret, public) = ephemeral(rng);
        let shared = exchange(&secret, &initiator_ephemeral)?;

        let mut response = Vec::with_capacity(SESSION_RESPONSE_LEN);
        response.extend_from_slice(&[VERSION, Kind::SessionResponse as u8]);
        response.extend_from_slice(identity.id().as_bytes());
        response.extend_from_slice(&public);
        let signed = sha256(&[TRANSCRIPT, message, &response]);
        response.extend_from_slice(&sign(identity.signing_key(), SIGN_RESPONSE, &signed));
        let transcript = sha256(&[TRANSCRIPT, message, &response]);
        Ok((Responder { peer: initiator, peer_key, shared, transcript }, response))
    }

    /// Takes the SessionFinish: checks the initiator's signature (and that
    /// it is still paired) and returns the established session.
    pub fn on_finish(self, message: &[u8], paired: &PairedSet) -> Result<Session, Error> {
        let mut reader = Reader::open(message, Kind::SessionFinish)?;
        let signature = reader.array::<64>()?;
        reader.finish()?;
        let peer_key = self.peer_key.to_bytes();
        if !paired.contains_key(&peer_key) {
            return Err(Error::NotPaired);
        }
        verify(&self.peer_key, SIGN_FINISH, &self.transcript, &signature)?;
        Ok(derive(Role::Responder, &self.transcript, &self.shared, self.peer, peer_key))
    }

    /// The initiator's id (known once SessionInit was accepted).
    pub fn peer(&self) -> EndpointId {
        self.peer
    }
}

/// The session keys and id from the transcript hash and the X25519 secret.
fn derive(
    role: Role,
    transcript: &[u8; 32],
    shared: &SharedSecret,
    peer: EndpointId,
    peer_key: [u8; 32],
) -> Session {
    let kdf = Kdf::extract(transcript, shared.as_bytes());
    let mut i2r: [u8; 32] = kdf.expand(KEY_I2R);
    let mut r2i: [u8; 32] = kdf.expand(KEY_R2I);
    let id = SessionId(kdf.expand(SESSION_ID));
    let session = Session::new(role, id, peer, peer_key, &i2r, &r2i);
    i2r.zeroize();
    r2i.zeroize();
    session
}
