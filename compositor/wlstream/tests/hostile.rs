//! Fuzz-style property tests that run under plain `cargo test`: random
//! bytes and mutations of valid frames and messages never panic, and a
//! decoder that refused a frame still accepts the next keyframe.

use proptest::prelude::*;
use weft_wlstream::synthetic::{Scenario, scenario};
use weft_wlstream::{Decoder, Encoder, Limits, message, telemetry};

/// A keyframe and a delta of the scroll scenario (small, so mutations
/// hit every field often).
fn valid_frames() -> Vec<Vec<u8>> {
    let mut frames = Vec::new();
    for kind in Scenario::ALL {
        let pair = scenario(kind, 48, 40);
        let mut encoder = Encoder::new(5);
        let mut frame = Vec::new();
        encoder.encode(&pair.before.surface(), &[], 0, &mut frame).unwrap();
        frames.push(frame.clone());
        encoder.encode(&pair.after.surface(), &pair.damage, 1, &mut frame).unwrap();
        frames.push(frame);
    }
    frames
}

fn small_limits() -> Limits {
    Limits { max_surface_bytes: 1 << 20, max_frame_bytes: 2 << 20, ..Limits::default() }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut decoder = Decoder::new(small_limits());
        let _ = decoder.decode(&bytes);
        let _ = message::decode(&bytes);
        let _ = telemetry::decode(&bytes);
    }

    #[test]
    fn random_bytes_behind_a_valid_header_never_panic(
        tail in proptest::collection::vec(any::<u8>(), 0..512),
        keyframe in any::<bool>(),
    ) {
        let mut frame = weft_wlstream::raw::build(&weft_wlstream::raw::header(16, 16, keyframe, 1), &[]);
        frame.extend_from_slice(&tail);
        let body = (frame.len() - weft_wlstream::HEADER_SIZE) as u32;
        weft_wlstream::raw::poke_u32(&mut frame, 52, body);
        weft_wlstream::raw::poke_u32(&mut frame, 48, (tail.len() / 24).max(1) as u32);
        let mut decoder = Decoder::new(small_limits());
        let _ = decoder.decode(&weft_wlstream::raw::fill_keyframe(0));
        let _ = decoder.decode(&frame);
    }

    #[test]
    fn mutated_frames_never_panic_and_recover(
        which in 0usize..2 * Scenario::ALL.len(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let frames = valid_frames();
        let mut decoder = Decoder::new(small_limits());
        // Feed the keyframe that precedes the chosen frame, then the mutant.
        let base = which - which % 2;
        decoder.decode(&frames[base]).unwrap();
        let mut mutant = frames[which].clone();
        for (index, value) in &flips {
            let position = index.index(mutant.len());
            mutant[position] ^= value | 1;
        }
        if let Some(cut) = cut {
            mutant.truncate(cut.index(mutant.len() + 1));
        }
        let _ = decoder.decode(&mutant);
        // Whatever happened, a valid keyframe restores a correct picture.
        decoder.decode(&frames[base]).unwrap();
        prop_assert!(!decoder.awaiting_keyframe());
    }

    #[test]
    fn mutated_messages_never_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
    ) {
        let samples = [
            message::encode(&message::ViewerMessage::Key(weft_types::KeyEvent {
                key: weft_types::Key::A,
                state: weft_types::KeyState::Pressed,
                modifiers: weft_types::Modifiers::SHIFT,
                text: "A".into(),
            })),
            message::encode(&message::ViewerMessage::Pointer(weft_types::PointerEvent::Motion {
                x: 10.0,
                y: 20.0,
            })),
            message::encode(&message::ViewerMessage::Start(message::StreamControl {
                app: "files".into(),
                viewer: 3,
            })),
        ];
        for sample in samples {
            let mut mutant = sample.clone();
            for (index, value) in &flips {
                let position = index.index(mutant.len());
                mutant[position] ^= value | 1;
            }
            let _ = message::decode(&mutant);
        }
    }
}
