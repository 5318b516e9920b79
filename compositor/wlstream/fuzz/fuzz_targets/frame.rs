//! Fuzz the frame decoder: any bytes, after a valid keyframe so delta
//! paths (XOR, move) run against a real surface.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use weft_wlstream::synthetic::text_page;
use weft_wlstream::{Decoder, Encoder, Limits, parse_frame};

fn limits() -> Limits {
    Limits { max_surface_bytes: 4 << 20, max_frame_bytes: 8 << 20, ..Limits::default() }
}

fuzz_target!(|data: &[u8]| {
    let _ = parse_frame(data, &limits());
    let mut fresh = Decoder::new(limits());
    let _ = fresh.decode(data);
    // The same bytes as the next frame of a live stream.
    static KEYFRAME: OnceLock<Vec<u8>> = OnceLock::new();
    let keyframe = KEYFRAME.get_or_init(|| {
        let page = text_page(64, 48, 1);
        let mut keyframe = Vec::new();
        Encoder::new(7).encode(&page.surface(), &[], 0, &mut keyframe).unwrap();
        keyframe
    });
    let mut decoder = Decoder::new(limits());
    decoder.decode(keyframe).unwrap();
    if decoder.decode(data).is_ok() {
        let surface = decoder.surface().unwrap();
        assert!(surface.pixels().len() <= limits().max_surface_bytes);
    }
});
