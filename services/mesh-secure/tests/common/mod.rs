//! Shared helpers: a deterministic test RNG and ready-made pairings.
#![allow(dead_code)]

use weft_mesh_secure::{
    DevicePairing, Identity, Initiator, PairedPeer, PairedSet, Responder, Session, ViewerPairing,
};

/// A deterministic generator (splitmix64) standing in for the caller's
/// cryptographic randomness; each seed gives a different stream.
pub fn rng(seed: u64) -> impl FnMut(&mut [u8]) {
    let mut state = seed;
    move |buf: &mut [u8]| {
        for chunk in buf.chunks_mut(8) {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            chunk.copy_from_slice(&z.to_le_bytes()[..chunk.len()]);
        }
    }
}

/// A device and a viewer identity.
pub fn identities() -> (Identity, Identity) {
    (Identity::generate(&mut rng(1)), Identity::generate(&mut rng(2)))
}

/// Pairs a device and a viewer honestly: (device's record of the viewer,
/// viewer's record of the device).
pub fn pair(device: &Identity, viewer: &Identity) -> (PairedPeer, PairedPeer) {
    let mut viewer_rng = rng(10);
    let mut device_rng = rng(11);
    let (viewer_state, commit) = ViewerPairing::start(viewer, "alice's laptop", &mut viewer_rng).unwrap();
    let (device_state, response) =
        DevicePairing::on_commit(device, "phone", &commit, &mut device_rng).unwrap();
    let (viewer_state, reveal) = viewer_state.on_response(&response).unwrap();
    let device_state = device_state.on_reveal(&reveal).unwrap();
    assert_eq!(viewer_state.code(), device_state.code());
    let (viewer_record, result) = device_state.accept(1_700_000_000);
    let device_record = viewer_state.on_result(&result, 1_700_000_001).unwrap();
    (viewer_record, device_record)
}

/// Paired sets on both sides: (device's set, viewer's set).
pub fn paired_sets(device: &Identity, viewer: &Identity) -> (PairedSet, PairedSet) {
    let (viewer_record, device_record) = pair(device, viewer);
    let mut device_set = PairedSet::new();
    device_set.insert(viewer_record);
    let mut viewer_set = PairedSet::new();
    viewer_set.insert(device_record);
    (device_set, viewer_set)
}

/// Runs the session handshake: (viewer's session, device's session).
pub fn connect(
    device: &Identity,
    viewer: &Identity,
    device_set: &PairedSet,
    viewer_set: &PairedSet,
    seed: u64,
) -> (Session, Session) {
    let (initiator, init) = Initiator::start(viewer, Some(device.id()), &mut rng(seed));
    let (responder, response) = Responder::on_init(device, &init, device_set, &mut rng(seed + 1)).unwrap();
    let (viewer_session, finish) = initiator.on_response(&response, viewer_set).unwrap();
    let device_session = responder.on_finish(&finish, device_set).unwrap();
    (viewer_session, device_session)
}
