//! Fuzz the envelope opener: arbitrary bytes as a sealed message, and a
//! freshly sealed message with the input XORed over it. Nothing may panic;
//! nothing but the untouched message may open, and it opens to its
//! plaintext.
#![no_main]

use std::cell::RefCell;

use libfuzzer_sys::fuzz_target;
use weft_mesh_secure::Session;

#[path = "common.rs"]
mod common;

thread_local! {
    /// One long-lived session (viewer's end, device's end): counters keep
    /// growing across cases, as on a long stream.
    static SESSIONS: RefCell<(Session, Session)> = RefCell::new(common::sessions(7));
}

const CHANNEL: &[u8] = b"weft/app/demo/stream";

fuzz_target!(|data: &[u8]| {
    SESSIONS.with(|sessions| {
        let (viewer, device) = &mut *sessions.borrow_mut();
        // Raw bytes: never authentic.
        assert!(viewer.open(CHANNEL, data).is_err());
        let mut copy = data.to_vec();
        assert!(viewer.open_in_place(CHANNEL, &mut copy).is_err());

        // A real message, then the rest of the input as an XOR mask (and
        // bytes past its end appended).
        let Some((&split, rest)) = data.split_first() else { return };
        let (plaintext, mask) = rest.split_at(usize::from(split).min(rest.len()));
        let mut sealed = device.seal(CHANNEL, plaintext).unwrap();
        let untouched = sealed.len();
        let mut changed = false;
        for (i, &m) in mask.iter().enumerate() {
            match sealed.get_mut(i) {
                Some(byte) => *byte ^= m,
                None => sealed.push(m),
            }
            changed |= m != 0 || i >= untouched;
        }
        match viewer.open(CHANNEL, &sealed) {
            Ok(opened) => {
                assert!(!changed, "an altered message opened");
                assert_eq!(opened, plaintext);
            }
            Err(_) => assert!(changed, "an untouched message was refused"),
        }
    });
});
