//! Fuzz the viewer's side of both handshakes: pairing (PairResponse after
//! its commit, PairResult after an honest exchange) and the session
//! initiator (SessionResponse or SessionRefused, also behind a paired
//! device's id). Nothing may panic, and nothing forged may be accepted.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weft_mesh_secure::{DevicePairing, Initiator, ViewerPairing};

#[path = "common.rs"]
mod common;

use common::{rng, world};

fuzz_target!(|data: &[u8]| {
    let w = world();
    let Some((&mode, rest)) = data.split_first() else { return };
    match mode % 4 {
        // The input as the device's PairResponse.
        0 => {
            let (state, _) = ViewerPairing::start(&w.viewer, "viewer", &mut rng(5)).unwrap();
            assert!(state.on_response(rest).is_err(), "a forged response was accepted");
        }
        // An honest exchange up to the code, then the input as PairResult.
        1 => {
            let (state, commit) = ViewerPairing::start(&w.viewer, "viewer", &mut rng(6)).unwrap();
            let (_, response) = DevicePairing::on_commit(&w.device, "device", &commit, &mut rng(7)).unwrap();
            let (state, _) = state.on_response(&response).unwrap();
            assert!(state.on_result(rest, 0).is_err(), "a forged result was accepted");
        }
        // The input as SessionResponse (or SessionRefused).
        2 => {
            let (initiator, _) = Initiator::start(&w.viewer, None, &mut rng(8));
            assert!(initiator.on_response(rest, &w.viewer_set).is_err(), "a forged response was accepted");
        }
        // Behind the paired device's id.
        _ => {
            let (initiator, _) = Initiator::start(&w.viewer, Some(w.device.id()), &mut rng(9));
            let mut response = vec![1, 0x12];
            response.extend_from_slice(w.device.id().as_bytes());
            response.extend_from_slice(rest);
            assert!(initiator.on_response(&response, &w.viewer_set).is_err(), "a forged response was accepted");
        }
    }
});
