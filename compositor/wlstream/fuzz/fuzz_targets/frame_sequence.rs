//! Fuzz a decoder across several frames: the input is split on a marker
//! so state carries over (keyframe, gaps, stale, errors mid-frame).
#![no_main]

use libfuzzer_sys::fuzz_target;
use weft_wlstream::{Decoder, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_surface_bytes: 4 << 20, max_frame_bytes: 8 << 20, ..Limits::default() };
    let mut decoder = Decoder::new(limits);
    for frame in data.split(|&byte| byte == 0xA5).take(16) {
        let _ = decoder.decode(frame);
        let _ = decoder.surface();
        // A frame starting with 0x5A also releases the session binding,
        // as a viewer does when its link is lost.
        if frame.first() == Some(&0x5A) {
            decoder.unbind();
        }
    }
});
