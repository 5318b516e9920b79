//! Thin helpers over the primitives: hashing, HKDF, signatures, X25519.

use alloc::vec::Vec;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use x25519_dalek::{PublicKey, SharedSecret, StaticSecret};
use zeroize::Zeroize;

use crate::Error;

/// SHA-256 of the concatenation of `parts`.
pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part);
    }
    hash.finalize().into()
}

/// HKDF-SHA-256 after the extract step.
pub(crate) struct Kdf(Hkdf<Sha256>);

impl Kdf {
    /// HKDF-Extract(salt, ikm).
    pub(crate) fn extract(salt: &[u8], ikm: &[u8]) -> Kdf {
        Kdf(Hkdf::<Sha256>::new(Some(salt), ikm))
    }

    /// HKDF-Expand(prk, info, N).
    // HKDF-SHA-256 expands to at most 255 * 32 bytes; every caller asks for
    // 32 or fewer, so `expand` cannot fail.
    #[allow(clippy::expect_used)]
    pub(crate) fn expand<const N: usize>(&self, info: &[u8]) -> [u8; N] {
        let mut okm = [0u8; N];
        self.0.expand(info, &mut okm).expect("HKDF output of at most 32 bytes");
        okm
    }
}

/// Ed25519 signature over `label || hash`.
pub(crate) fn sign(key: &SigningKey, label: &[u8], hash: &[u8; 32]) -> [u8; 64] {
    let message = signed_message(label, hash);
    key.sign(&message).to_bytes()
}

/// Verifies (strictly: canonical encodings, no small-order keys) an
/// Ed25519 signature over `label || hash`.
pub(crate) fn verify(
    key: &VerifyingKey,
    label: &[u8],
    hash: &[u8; 32],
    signature: &[u8; 64],
) -> Result<(), Error> {
    let message = signed_message(label, hash);
    key.verify_strict(&message, &Signature::from_bytes(signature)).map_err(|_| Error::BadSignature)
}

fn signed_message(label: &[u8], hash: &[u8; 32]) -> Vec<u8> {
    let mut message = Vec::with_capacity(label.len() + hash.len());
    message.extend_from_slice(label);
    message.extend_from_slice(hash);
    message
}

/// An identity public key as sent on the wire: a valid point, not of small order.
pub(crate) fn identity_key(bytes: &[u8; 32]) -> Result<VerifyingKey, Error> {
    let key = VerifyingKey::from_bytes(bytes).map_err(|_| Error::WeakKey)?;
    if key.is_weak() {
        return Err(Error::WeakKey);
    }
    Ok(key)
}

/// A fresh X25519 key pair from the caller's randomness.
pub(crate) fn ephemeral(rng: &mut impl FnMut(&mut [u8])) -> (StaticSecret, [u8; 32]) {
    let mut seed = [0u8; 32];
    rng(&mut seed);
    let secret = StaticSecret::from(seed);
    seed.zeroize();
    let public = PublicKey::from(&secret).to_bytes();
    (secret, public)
}

/// X25519 with the peer's ephemeral key; an all-zero result (a low-order
/// peer key) is refused.
pub(crate) fn exchange(secret: &StaticSecret, peer: &[u8; 32]) -> Result<SharedSecret, Error> {
    let shared = secret.diffie_hellman(&PublicKey::from(*peer));
    if !shared.was_contributory() {
        return Err(Error::WeakKey);
    }
    Ok(shared)
}
