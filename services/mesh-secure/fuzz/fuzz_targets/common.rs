//! Fixed identities, paired sets and a deterministic RNG shared by the
//! targets (included with `#[path]`).
#![allow(dead_code)]

use std::sync::OnceLock;

use weft_mesh_secure::{
    DevicePairing, Identity, Initiator, PairedSet, Responder, Session, ViewerPairing,
};

/// splitmix64 from a seed: stands in for the caller's randomness.
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

/// A device and a viewer that paired honestly, with their sets.
pub struct World {
    pub device: Identity,
    pub viewer: Identity,
    pub device_set: PairedSet,
    pub viewer_set: PairedSet,
}

pub fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let device = Identity::generate(&mut rng(1));
        let viewer = Identity::generate(&mut rng(2));
        let (v, commit) = ViewerPairing::start(&viewer, "viewer", &mut rng(3)).unwrap();
        let (d, response) = DevicePairing::on_commit(&device, "device", &commit, &mut rng(4)).unwrap();
        let (v, reveal) = v.on_response(&response).unwrap();
        let d = d.on_reveal(&reveal).unwrap();
        assert_eq!(v.code(), d.code());
        let (viewer_record, result) = d.accept(1);
        let device_record = v.on_result(&result, 1).unwrap();
        let mut device_set = PairedSet::new();
        device_set.insert(viewer_record);
        let mut viewer_set = PairedSet::new();
        viewer_set.insert(device_record);
        World { device, viewer, device_set, viewer_set }
    })
}

/// An honest session: (viewer's end, device's end).
pub fn sessions(seed: u64) -> (Session, Session) {
    let w = world();
    let (initiator, init) = Initiator::start(&w.viewer, Some(w.device.id()), &mut rng(seed));
    let (responder, response) = Responder::on_init(&w.device, &init, &w.device_set, &mut rng(seed + 1)).unwrap();
    let (viewer, finish) = initiator.on_response(&response, &w.viewer_set).unwrap();
    let device = responder.on_finish(&finish, &w.device_set).unwrap();
    (viewer, device)
}
