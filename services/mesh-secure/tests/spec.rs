//! An independent reading of `docs/mesh-security.md`: every message layout,
//! signature, commitment, code, key and envelope recomputed from the
//! document with the primitives directly, against what the crate sends.
//! The test RNG is deterministic, so the ephemeral secrets are known here.

mod common;

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit};
use common::{identities, paired_sets, rng};
use ed25519_dalek::{Signature, VerifyingKey};
use hkdf::Hkdf;
use sha2::{Digest, Sha256};
use weft_mesh_secure::{DevicePairing, Initiator, Responder, ViewerPairing};

fn h(parts: &[&[u8]]) -> [u8; 32] {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part);
    }
    hash.finalize().into()
}

fn hkdf<const N: usize>(salt: &[u8], ikm: &[u8], info: &[u8]) -> [u8; N] {
    let mut okm = [0; N];
    Hkdf::<Sha256>::new(Some(salt), ikm).expand(info, &mut okm).unwrap();
    okm
}

fn verify(key: &[u8; 32], label: &[u8], hash: &[u8; 32], signature: &[u8]) {
    let key = VerifyingKey::from_bytes(key).unwrap();
    let mut message = label.to_vec();
    message.extend_from_slice(hash);
    key.verify_strict(&message, &Signature::from_slice(signature).unwrap()).unwrap();
}

/// The first `N` bytes the test RNG with this seed gives.
fn draw<const N: usize>(seed: u64, skip: usize) -> [u8; N] {
    let mut bytes = vec![0u8; skip + N];
    let mut r = rng(seed);
    // The crate draws in separate calls of 32 bytes; so do we.
    for chunk in bytes.chunks_mut(32) {
        r(chunk);
    }
    bytes[skip..].try_into().unwrap()
}

fn x25519_public(secret: [u8; 32]) -> [u8; 32] {
    x25519_dalek::x25519(secret, x25519_dalek::X25519_BASEPOINT_BYTES)
}

#[test]
fn pairing_matches_the_document() {
    let (device, viewer) = identities();
    let (v, m1) = ViewerPairing::start(&viewer, "alice", &mut rng(3)).unwrap();
    let (d, m2) = DevicePairing::on_commit(&device, "phone", &m1, &mut rng(4)).unwrap();
    let (v, m3) = v.on_response(&m2).unwrap();
    let d = d.on_reveal(&m3).unwrap();
    let code = d.code();
    let (_, m4) = d.accept(0);
    v.on_result(&m4, 0).unwrap();

    let x: [u8; 32] = draw(3, 0);
    let r: [u8; 32] = draw(3, 32);
    let y: [u8; 32] = draw(4, 0);
    let t = b"weft-mesh pair v1";

    // PairReveal: 01 03 Kv X r m name sig_v
    assert_eq!(&m3[..2], &[1, 3]);
    assert_eq!(&m3[2..34], &viewer.public_key());
    assert_eq!(&m3[34..66], &x25519_public(x));
    assert_eq!(&m3[66..98], &r);
    assert_eq!(m3[98], 5);
    assert_eq!(&m3[99..104], b"alice");
    assert_eq!(m3.len(), 104 + 64);
    let b3 = &m3[..104];
    // PairCommit: 01 01 H("weft-mesh pair commit v1" || B3)
    assert_eq!(&m1[..2], &[1, 1]);
    assert_eq!(&m1[2..], &h(&[b"weft-mesh pair commit v1", b3]));
    // PairResponse: 01 02 Kd Y n name sig_d
    assert_eq!(&m2[..2], &[1, 2]);
    assert_eq!(&m2[2..34], &device.public_key());
    assert_eq!(&m2[34..66], &x25519_public(y));
    assert_eq!(m2[66], 5);
    assert_eq!(&m2[67..72], b"phone");
    assert_eq!(m2.len(), 72 + 64);
    verify(&device.public_key(), b"weft-mesh pair response v1", &h(&[t, &m1, &m2[..72]]), &m2[72..]);
    verify(&viewer.public_key(), b"weft-mesh pair reveal v1", &h(&[t, &m1, &m2, b3]), &m3[104..]);
    // The code.
    let th = h(&[t, &m1, &m2, &m3]);
    let dh = x25519_dalek::x25519(x, x25519_public(y));
    assert_eq!(dh, x25519_dalek::x25519(y, x25519_public(x)));
    let okm: [u8; 8] = hkdf(&th, &dh, b"weft-mesh pair v1 code");
    assert_eq!(u64::from_be_bytes(okm) % 1_000_000, u64::from(code.value()));
    // PairResult: 01 04 01 sig
    assert_eq!(&m4[..3], &[1, 4, 1]);
    verify(&device.public_key(), b"weft-mesh pair result v1", &h(&[&th, &[1]]), &m4[3..]);
}

#[test]
fn session_handshake_and_envelope_match_the_document() {
    let (device, viewer) = identities();
    let (device_set, viewer_set) = paired_sets(&device, &viewer);
    let (i, s1) = Initiator::start(&viewer, None, &mut rng(40));
    let (r, s2) = Responder::on_init(&device, &s1, &device_set, &mut rng(41)).unwrap();
    let (mut viewer_session, s3) = i.on_response(&s2, &viewer_set).unwrap();
    let mut device_session = r.on_finish(&s3, &device_set).unwrap();

    let a: [u8; 32] = draw(40, 0);
    let b: [u8; 32] = draw(41, 0);
    let s = b"weft-mesh session v1";
    assert_eq!(&s1[..2], &[1, 0x11]);
    assert_eq!(&s1[2..18], viewer.id().as_bytes());
    assert_eq!(&s1[18..], &x25519_public(a));
    assert_eq!(&s2[..2], &[1, 0x12]);
    assert_eq!(&s2[2..18], device.id().as_bytes());
    assert_eq!(&s2[18..50], &x25519_public(b));
    verify(&device.public_key(), b"weft-mesh session response v1", &h(&[s, &s1, &s2[..50]]), &s2[50..]);
    let th = h(&[s, &s1, &s2]);
    assert_eq!(&s3[..2], &[1, 0x13]);
    verify(&viewer.public_key(), b"weft-mesh session finish v1", &th, &s3[2..]);
    // Endpoint id = first 16 bytes of SHA-256 of the public key.
    assert_eq!(viewer.id().as_bytes(), &h(&[&viewer.public_key()])[..16]);

    let dh = x25519_dalek::x25519(a, x25519_public(b));
    let i2r: [u8; 32] = hkdf(&th, &dh, b"weft-mesh session v1 key i2r");
    let r2i: [u8; 32] = hkdf(&th, &dh, b"weft-mesh session v1 key r2i");
    let id: [u8; 8] = hkdf(&th, &dh, b"weft-mesh session v1 id");
    assert_eq!(viewer_session.id().0, id);
    assert_eq!(device_session.id().0, id);

    let channel = b"weft/app/demo/stream";
    // Skip two messages so the counter is not zero.
    for _ in 0..2 {
        device_session.seal(channel, b"skip").unwrap();
    }
    let sealed = device_session.seal(channel, b"hello viewer").unwrap();
    let mut header = vec![1, 0x20, 1, 0];
    header.extend_from_slice(&id);
    header.extend_from_slice(&2u64.to_be_bytes());
    assert_eq!(&sealed[..20], &header[..]);
    let mut nonce = [0u8; 12];
    nonce[3] = 1;
    nonce[4..].copy_from_slice(&2u64.to_be_bytes());
    let mut aad = header.clone();
    aad.extend_from_slice(channel);
    let mut body = sealed[20..sealed.len() - 16].to_vec();
    let tag = sealed[sealed.len() - 16..].try_into().unwrap();
    ChaCha20Poly1305::new(&r2i.into())
        .decrypt_inout_detached(&nonce.into(), &aad, body.as_mut_slice().into(), &tag)
        .unwrap();
    assert_eq!(body, b"hello viewer");

    // And the other way: an envelope built from the document opens.
    let keys = b"weft/app/demo/input/keyboard";
    let counter = 7u64;
    let mut message = vec![1, 0x20, 0, 0];
    message.extend_from_slice(&id);
    message.extend_from_slice(&counter.to_be_bytes());
    let mut aad = message.clone();
    aad.extend_from_slice(keys);
    let mut nonce = [0u8; 12];
    nonce[4..].copy_from_slice(&counter.to_be_bytes());
    let mut body = b"key a".to_vec();
    let tag = ChaCha20Poly1305::new(&i2r.into())
        .encrypt_inout_detached(&nonce.into(), &aad, body.as_mut_slice().into())
        .unwrap();
    message.extend_from_slice(&body);
    message.extend_from_slice(&tag);
    assert_eq!(device_session.open(keys, &message).unwrap(), b"key a");
    let _ = viewer_session.seal(keys, b"").unwrap();
}
