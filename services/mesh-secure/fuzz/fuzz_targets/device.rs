//! Fuzz the device's side of both handshakes: pairing (PairCommit, then
//! PairReveal after an honest commit) and the session responder
//! (SessionInit, SessionInit with a paired viewer's id, then SessionFinish
//! after an honest init). Nothing may panic, and nothing forged may be
//! accepted where a signature or commitment stands in the way.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weft_mesh_secure::{DevicePairing, Initiator, Responder, ViewerPairing};

#[path = "common.rs"]
mod common;

use common::{rng, world};

fuzz_target!(|data: &[u8]| {
    let w = world();
    let Some((&mode, rest)) = data.split_first() else { return };
    match mode % 5 {
        // A PairCommit carries no proof yet: any 34-byte one is answered.
        0 => {
            if let Ok((state, _response)) = DevicePairing::on_commit(&w.device, "device", rest, &mut rng(5)) {
                // Then its own bytes as the reveal: they cannot match a commitment.
                assert!(state.on_reveal(rest).is_err());
            }
        }
        // An honest commit, then the input as the reveal.
        1 => {
            let (_, commit) = ViewerPairing::start(&w.viewer, "viewer", &mut rng(6)).unwrap();
            let (state, _) = DevicePairing::on_commit(&w.device, "device", &commit, &mut rng(7)).unwrap();
            assert!(state.on_reveal(rest).is_err(), "a forged reveal was accepted");
        }
        // The input as SessionInit; a paired id may get through to a response.
        2 => {
            let _ = Responder::on_init(&w.device, rest, &w.device_set, &mut rng(8));
        }
        // A paired viewer's id with the input as the rest, then the input as
        // the finish: the signature cannot verify.
        3 => {
            let mut init = vec![1, 0x11];
            init.extend_from_slice(w.viewer.id().as_bytes());
            init.extend_from_slice(rest);
            if let Ok((responder, _)) = Responder::on_init(&w.device, &init, &w.device_set, &mut rng(9)) {
                let mut finish = vec![1, 0x13];
                finish.extend_from_slice(rest);
                assert!(responder.on_finish(&finish, &w.device_set).is_err(), "a forged finish was accepted");
            }
        }
        // An honest init, then the input as the finish.
        _ => {
            let (_, init) = Initiator::start(&w.viewer, None, &mut rng(10));
            let (responder, _) = Responder::on_init(&w.device, &init, &w.device_set, &mut rng(11)).unwrap();
            assert!(responder.on_finish(rest, &w.device_set).is_err(), "a forged finish was accepted");
        }
    }
});
