//! Fuzz the frame decoder: any bytes, after a valid keyframe so delta
//! paths (XOR, move) run against a real surface; a keyframe that is
//! refused must leave the previous picture untouched.
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
    let before = decoder.surface().unwrap().pixels().to_vec();
    let is_keyframe = parse_frame(data, &limits()).is_ok_and(|frame| frame.header().is_keyframe());
    match decoder.decode(data) {
        Ok(_) => {
            let surface = decoder.surface().unwrap();
            assert!(surface.pixels().len() <= limits().max_surface_bytes);
        }
        // A refused keyframe (foreign session, or one that fails while
        // applying) leaves the last good picture in place.
        Err(_) if is_keyframe => {
            assert_eq!(
                decoder.surface().unwrap().pixels(),
                &before[..],
                "a failed keyframe changed the picture"
            );
        }
        Err(_) => {}
    }
});
