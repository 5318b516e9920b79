//! Pairing: a viewer and a device exchange identity keys, and a person
//! accepts on the device after comparing a six-digit code.
//!
//! Four messages (layouts in `docs/mesh-security.md`):
//!
//! ```text
//! viewer                                   device
//! ViewerPairing::start      ── PairCommit ──▶  DevicePairing::on_commit
//! ViewerPairing::on_response ◀─ PairResponse ─
//!   (code shown)            ── PairReveal ──▶  DevicePairing::on_reveal (code shown, person decides)
//! ViewerConfirming::on_result ◀─ PairResult ──  DeviceConfirming::accept / reject
//! ```
//!
//! The viewer commits to its identity, ephemeral key and a nonce before it
//! sees the device's, and reveals them only after, so a man in the middle
//! must fix its own values on both sides before it can learn what the
//! code will be: it matches on both screens with probability 10⁻⁶.

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use ed25519_dalek::VerifyingKey;
use x25519_dalek::StaticSecret;

use crate::crypto::{Kdf, ephemeral, exchange, identity_key, sha256, sign, verify};
use crate::wire::{Kind, Reader, VERSION, check_name, put_name};
use crate::{EndpointId, Error, Identity, PairedPeer};

const TRANSCRIPT: &[u8] = b"weft-mesh pair v1";
const COMMIT: &[u8] = b"weft-mesh pair commit v1";
const SIGN_RESPONSE: &[u8] = b"weft-mesh pair response v1";
const SIGN_REVEAL: &[u8] = b"weft-mesh pair reveal v1";
const SIGN_RESULT: &[u8] = b"weft-mesh pair result v1";
const CODE: &[u8] = b"weft-mesh pair v1 code";

/// Length of the PairCommit message.
pub const PAIR_COMMIT_LEN: usize = 2 + 32;
/// Length of the PairResult message.
pub const PAIR_RESULT_LEN: usize = 2 + 1 + 64;

const STATUS_REJECTED: u8 = 0;
const STATUS_ACCEPTED: u8 = 1;

/// The six-digit comparison code both sides show; the person accepts on
/// the device only if the two are equal.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct PairingCode(u32);

impl PairingCode {
    /// The code as a number below 1 000 000.
    pub fn value(self) -> u32 {
        self.0
    }

    fn derive(transcript: &[u8; 32], shared: &[u8; 32]) -> PairingCode {
        let okm: [u8; 8] = Kdf::extract(transcript, shared).expand(CODE);
        let code = u64::from_be_bytes(okm) % 1_000_000;
        PairingCode(u32::try_from(code).unwrap_or(0))
    }
}

impl fmt::Display for PairingCode {
    /// Six digits, zero-padded: `042917`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

/// Who is on the other side of a pairing (as it claims; the person's code
/// comparison is what makes the claim trustworthy).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerInfo {
    /// Its endpoint id.
    pub id: EndpointId,
    /// Its Ed25519 identity public key.
    pub public_key: [u8; 32],
    /// The name it gave itself.
    pub name: String,
}

/// Viewer side, step 1: the commitment is sent; waiting for the device's
/// PairResponse.
pub struct ViewerPairing {
    identity: Identity,
    ephemeral: StaticSecret,
    commit_message: Vec<u8>,
    reveal_body: Vec<u8>,
}

impl ViewerPairing {
    /// Starts pairing with a device: returns the state and the PairCommit
    /// message to send. `name` is how the device will list this viewer.
    pub fn start(
        identity: &Identity,
        name: &str,
        rng: &mut impl FnMut(&mut [u8]),
    ) -> Result<(ViewerPairing, Vec<u8>), Error> {
        check_name(name)?;
        let (secret, public) = ephemeral(rng);
        let mut nonce = [0u8; 32];
        rng(&mut nonce);
        let mut reveal_body = Vec::with_capacity(2 + 32 * 3 + 1 + name.len() + 64);
        reveal_body.extend_from_slice(&[VERSION, Kind::PairReveal as u8]);
        reveal_body.extend_from_slice(&identity.public_key());
        reveal_body.extend_from_slice(&public);
        reveal_body.extend_from_slice(&nonce);
        put_name(&mut reveal_body, name);
        let commitment = sha256(&[COMMIT, &reveal_body]);
        let mut commit_message = Vec::with_capacity(PAIR_COMMIT_LEN);
        commit_message.extend_from_slice(&[VERSION, Kind::PairCommit as u8]);
        commit_message.extend_from_slice(&commitment);
        let state = ViewerPairing {
            identity: identity.clone(),
            ephemeral: secret,
            commit_message: commit_message.clone(),
            reveal_body,
        };
        Ok((state, commit_message))
    }

    /// Takes the device's PairResponse: checks its signature, derives the
    /// code, and returns the next state with the PairReveal message to send.
    pub fn on_response(self, message: &[u8]) -> Result<(ViewerConfirming, Vec<u8>), Error> {
        let response = Response::parse(message)?;
        let device_key = identity_key(&response.public_key)?;
        if response.public_key == self.identity.public_key() {
            return Err(Error::SameIdentity);
        }
        let signed = sha256(&[TRANSCRIPT, &self.commit_message, response.body]);
        verify(&device_key, SIGN_RESPONSE, &signed, &response.signature)?;
        let shared = exchange(&self.ephemeral, &response.ephemeral)?;

        let mut reveal = self.reveal_body;
        let signed = sha256(&[TRANSCRIPT, &self.commit_message, message, &reveal]);
        reveal.extend_from_slice(&sign(self.identity.signing_key(), SIGN_REVEAL, &signed));
        let transcript = sha256(&[TRANSCRIPT, &self.commit_message, message, &reveal]);
        let code = PairingCode::derive(&transcript, shared.as_bytes());
        let device = PeerInfo {
            id: EndpointId::of(&response.public_key),
            public_key: response.public_key,
            name: response.name.to_string(),
        };
        Ok((ViewerConfirming { device, device_key, code, transcript }, reveal))
    }
}

/// Viewer side, step 2: the code is known (show it); waiting for the
/// device's PairResult.
pub struct ViewerConfirming {
    device: PeerInfo,
    device_key: VerifyingKey,
    code: PairingCode,
    transcript: [u8; 32],
}

impl ViewerConfirming {
    /// The code to show, for the person to compare with the device's.
    pub fn code(&self) -> PairingCode {
        self.code
    }

    /// The device being paired.
    pub fn device(&self) -> &PeerInfo {
        &self.device
    }

    /// Takes the device's PairResult: the device's record to add to the
    /// viewer's [`PairedSet`](crate::PairedSet) if the person accepted
    /// (`Rejected` if not). `paired_at` is the viewer's clock.
    pub fn on_result(self, message: &[u8], paired_at: u64) -> Result<PairedPeer, Error> {
        let mut reader = Reader::open(message, Kind::PairResult)?;
        let status = reader.u8()?;
        let signature = reader.array::<64>()?;
        reader.finish()?;
        if status != STATUS_ACCEPTED && status != STATUS_REJECTED {
            return Err(Error::Malformed);
        }
        let signed = sha256(&[&self.transcript, &[status]]);
        verify(&self.device_key, SIGN_RESULT, &signed, &signature)?;
        if status == STATUS_REJECTED {
            return Err(Error::Rejected);
        }
        PairedPeer::new(self.device.public_key, self.device.name, paired_at)
    }
}

/// Device side, step 1: the viewer's commitment is answered; waiting for
/// its PairReveal.
pub struct DevicePairing {
    identity: Identity,
    ephemeral: StaticSecret,
    commit_message: Vec<u8>,
    response_message: Vec<u8>,
}

impl DevicePairing {
    /// Takes a viewer's PairCommit (only while the person has pairing open
    /// on the device): returns the state and the PairResponse to send.
    /// `name` is how the viewer will list this device.
    pub fn on_commit(
        identity: &Identity,
        name: &str,
        message: &[u8],
        rng: &mut impl FnMut(&mut [u8]),
    ) -> Result<(DevicePairing, Vec<u8>), Error> {
        check_name(name)?;
        let mut reader = Reader::open(message, Kind::PairCommit)?;
        reader.array::<32>()?;
        reader.finish()?;
        let (secret, public) = ephemeral(rng);
        let mut response = Vec::with_capacity(2 + 64 + 1 + name.len() + 64);
        response.extend_from_slice(&[VERSION, Kind::PairResponse as u8]);
        response.extend_from_slice(&identity.public_key());
        response.extend_from_slice(&public);
        put_name(&mut response, name);
        let signed = sha256(&[TRANSCRIPT, message, &response]);
        response.extend_from_slice(&sign(identity.signing_key(), SIGN_RESPONSE, &signed));
        let state = DevicePairing {
            identity: identity.clone(),
            ephemeral: secret,
            commit_message: message.to_vec(),
            response_message: response.clone(),
        };
        Ok((state, response))
    }

    /// Takes the viewer's PairReveal: checks it against the commitment and
    /// its signature, and derives the code. Show the code and the viewer's
    /// name and id to the person, who accepts or rejects.
    pub fn on_reveal(self, message: &[u8]) -> Result<DeviceConfirming, Error> {
        let reveal = Reveal::parse(message)?;
        let commitment = sha256(&[COMMIT, reveal.body]);
        if self.commit_message.get(2..) != Some(&commitment[..]) {
            return Err(Error::BadCommitment);
        }
        let viewer_key = identity_key(&reveal.public_key)?;
        if reveal.public_key == self.identity.public_key() {
            return Err(Error::SameIdentity);
        }
        let signed = sha256(&[TRANSCRIPT, &self.commit_message, &self.response_message, reveal.body]);
        verify(&viewer_key, SIGN_REVEAL, &signed, &reveal.signature)?;
        let shared = exchange(&self.ephemeral, &reveal.ephemeral)?;
        let transcript = sha256(&[TRANSCRIPT, &self.commit_message, &self.response_message, message]);
        let code = PairingCode::derive(&transcript, shared.as_bytes());
        let viewer = PeerInfo {
            id: EndpointId::of(&reveal.public_key),
            public_key: reveal.public_key,
            name: reveal.name.to_string(),
        };
        Ok(DeviceConfirming { identity: self.identity, viewer, code, transcript })
    }
}

/// Device side, step 2: the code is known; the person decides.
pub struct DeviceConfirming {
    identity: Identity,
    viewer: PeerInfo,
    code: PairingCode,
    transcript: [u8; 32],
}

impl DeviceConfirming {
    /// The code to show next to Accept/Reject.
    pub fn code(&self) -> PairingCode {
        self.code
    }

    /// The viewer asking to pair.
    pub fn viewer(&self) -> &PeerInfo {
        &self.viewer
    }

    /// The person accepted (the codes match): the viewer's record to add to
    /// the device's [`PairedSet`](crate::PairedSet) (and persist), and the
    /// PairResult to send. `paired_at` is the device's clock.
    pub fn accept(self, paired_at: u64) -> (PairedPeer, Vec<u8>) {
        let message = self.result(STATUS_ACCEPTED);
        let peer = PairedPeer::from_checked(self.viewer.public_key, self.viewer.name, paired_at);
        (peer, message)
    }

    /// The person rejected: the PairResult to send.
    pub fn reject(self) -> Vec<u8> {
        self.result(STATUS_REJECTED)
    }

    fn result(&self, status: u8) -> Vec<u8> {
        let signed = sha256(&[&self.transcript, &[status]]);
        let mut message = Vec::with_capacity(PAIR_RESULT_LEN);
        message.extend_from_slice(&[VERSION, Kind::PairResult as u8, status]);
        message.extend_from_slice(&sign(self.identity.signing_key(), SIGN_RESULT, &signed));
        message
    }
}

/// A parsed PairResponse.
struct Response<'a> {
    /// Everything before the signature.
    body: &'a [u8],
    public_key: [u8; 32],
    ephemeral: [u8; 32],
    name: &'a str,
    signature: [u8; 64],
}

impl<'a> Response<'a> {
    fn parse(message: &'a [u8]) -> Result<Response<'a>, Error> {
        let mut reader = Reader::open(message, Kind::PairResponse)?;
        let public_key = reader.array::<32>()?;
        let ephemeral = reader.array::<32>()?;
        let name = reader.name()?;
        let body_len = message.len().checked_sub(64).ok_or(Error::Malformed)?;
        let signature = reader.array::<64>()?;
        reader.finish()?;
        let body = message.get(..body_len).ok_or(Error::Malformed)?;
        Ok(Response { body, public_key, ephemeral, name, signature })
    }
}

/// A parsed PairReveal.
struct Reveal<'a> {
    /// Everything before the signature (what the commitment covers).
    body: &'a [u8],
    public_key: [u8; 32],
    ephemeral: [u8; 32],
    name: &'a str,
    signature: [u8; 64],
}

impl<'a> Reveal<'a> {
    fn parse(message: &'a [u8]) -> Result<Reveal<'a>, Error> {
        let mut reader = Reader::open(message, Kind::PairReveal)?;
        let public_key = reader.array::<32>()?;
        let ephemeral = reader.array::<32>()?;
        let _nonce = reader.array::<32>()?;
        let name = reader.name()?;
        let body_len = message.len().checked_sub(64).ok_or(Error::Malformed)?;
        let signature = reader.array::<64>()?;
        reader.finish()?;
        let body = message.get(..body_len).ok_or(Error::Malformed)?;
        Ok(Reveal { body, public_key, ephemeral, name, signature })
    }
}
