//! Encoder → decoder round trips: the decoded picture always equals the
//! encoder's view of the receiver, and equals the source where damaged.

use weft_wlstream::synthetic::{Canvas, Scenario, list_screen, scenario, text_page};
use weft_wlstream::{Decoder, Encoder, EncoderConfig, Encoding, Limits, Strategy, SurfaceRect, SurfaceRef};

fn decoded_pixels(decoder: &Decoder) -> Vec<u8> {
    let surface = decoder.surface().expect("decoder has a surface");
    surface.pixels().to_vec()
}

fn round_trip(config: EncoderConfig, before: &Canvas, after: &Canvas, damage: &[SurfaceRect]) -> usize {
    let mut encoder = Encoder::with_config(1, config);
    let mut decoder = Decoder::new(Limits::default());
    let mut frame = Vec::new();
    let first = encoder.encode(&before.surface(), &[], 10, &mut frame).unwrap();
    assert!(first.keyframe);
    decoder.decode(&frame).unwrap();
    assert_eq!(decoded_pixels(&decoder), before.pixels);
    let stats = encoder.encode(&after.surface(), damage, 20, &mut frame).unwrap();
    assert!(!stats.keyframe);
    assert_eq!(stats.bytes, frame.len());
    let update = decoder.decode(&frame).unwrap();
    assert_eq!(update.sequence, 1);
    assert_eq!(update.timestamp_ns, 20);
    assert_eq!(decoded_pixels(&decoder), after.pixels);
    stats.bytes
}

#[test]
fn every_scenario_and_strategy_round_trips() {
    for kind in Scenario::ALL {
        let pair = scenario(kind, 640, 400);
        for strategy in [Strategy::Adaptive, Strategy::Lz4Only, Strategy::XorOnly] {
            for detect_scroll in [false, true] {
                for tighten in [false, true] {
                    let config = EncoderConfig { strategy, detect_scroll, tighten, merge_gap: 8 };
                    round_trip(config, &pair.before, &pair.after, &pair.damage);
                }
            }
        }
    }
}

#[test]
fn scroll_is_sent_as_a_move() {
    let before = list_screen(800, 600, 0);
    let after = list_screen(800, 600, 100);
    let area = weft_wlstream::synthetic::list_area(800, 600);
    let mut encoder = Encoder::new(1);
    let mut frame = Vec::new();
    encoder.encode(&before.surface(), &[], 0, &mut frame).unwrap();
    let stats = encoder.encode(&after.surface(), &[area], 1, &mut frame).unwrap();
    assert_eq!(stats.by_encoding[Encoding::Move.code() as usize], 1, "{stats:?}");
    let plain = round_trip(
        EncoderConfig { detect_scroll: false, ..EncoderConfig::default() },
        &before,
        &after,
        &[area],
    );
    assert!(stats.bytes * 3 < plain, "move {} vs no move {plain}", stats.bytes);
}

#[test]
fn padded_stride_is_reproduced() {
    let (width, height, stride) = (37u32, 21u32, 37 * 4 + 12);
    let mut pixels = vec![0u8; (stride * height) as usize];
    for (index, byte) in pixels.iter_mut().enumerate() {
        let column = index % stride as usize;
        *byte = if column < width as usize * 4 { (index * 7 % 251) as u8 } else { 0 };
    }
    let surface = SurfaceRef::new(width, height, stride, &pixels).unwrap();
    let mut encoder = Encoder::new(3);
    let mut decoder = Decoder::new(Limits::default());
    let mut frame = Vec::new();
    encoder.encode(&surface, &[], 0, &mut frame).unwrap();
    decoder.decode(&frame).unwrap();
    let decoded = decoder.surface().unwrap();
    assert_eq!(decoded.stride(), stride);
    assert_eq!(decoded.pixels(), &pixels[..]);
    // Change a few pixels and send a delta.
    pixels[(5 * stride + 8) as usize] ^= 0xff;
    let surface = SurfaceRef::new(width, height, stride, &pixels).unwrap();
    encoder.encode(&surface, &[SurfaceRect::new(0, 0, width, height)], 1, &mut frame).unwrap();
    decoder.decode(&frame).unwrap();
    assert_eq!(decoder.surface().unwrap().pixels(), &pixels[..]);
}

#[test]
fn changes_outside_damage_are_not_sent_but_stay_consistent() {
    let before = text_page(200, 100, 1);
    let after = text_page(200, 100, 2);
    let mut encoder = Encoder::new(1);
    let mut decoder = Decoder::new(Limits::default());
    let mut frame = Vec::new();
    encoder.encode(&before.surface(), &[], 0, &mut frame).unwrap();
    decoder.decode(&frame).unwrap();
    // Only the top half is reported as damaged.
    encoder.encode(&after.surface(), &[SurfaceRect::new(0, 0, 200, 50)], 1, &mut frame).unwrap();
    decoder.decode(&frame).unwrap();
    let decoded = decoded_pixels(&decoder);
    let half = 200 * 4 * 50;
    assert_eq!(decoded[..half], after.pixels[..half]);
    assert_eq!(decoded[half..], before.pixels[half..]);
    // Damaging the rest later converges on the new picture.
    encoder.encode(&after.surface(), &[SurfaceRect::new(0, 50, 200, 50)], 2, &mut frame).unwrap();
    decoder.decode(&frame).unwrap();
    assert_eq!(decoded_pixels(&decoder), after.pixels);
}

#[test]
fn empty_damage_gives_a_header_only_frame() {
    let page = text_page(64, 64, 1);
    let mut encoder = Encoder::new(1);
    let mut decoder = Decoder::new(Limits::default());
    let mut frame = Vec::new();
    encoder.encode(&page.surface(), &[], 0, &mut frame).unwrap();
    decoder.decode(&frame).unwrap();
    let stats = encoder.encode(&page.surface(), &[SurfaceRect::full(64, 64)], 1, &mut frame).unwrap();
    assert_eq!(stats.bytes, weft_wlstream::HEADER_SIZE);
    assert_eq!(stats.rectangles, 0);
    let update = decoder.decode(&frame).unwrap();
    assert_eq!(update.bounds, None);
}

#[test]
fn geometry_change_and_request_force_keyframes() {
    let small = text_page(64, 32, 1);
    let large = text_page(96, 48, 1);
    let mut encoder = Encoder::new(1);
    let mut decoder = Decoder::new(Limits::default());
    let mut frame = Vec::new();
    assert!(encoder.encode(&small.surface(), &[], 0, &mut frame).unwrap().keyframe);
    decoder.decode(&frame).unwrap();
    assert!(encoder.encode(&large.surface(), &[], 1, &mut frame).unwrap().keyframe);
    let update = decoder.decode(&frame).unwrap();
    assert!(update.keyframe);
    assert_eq!((update.width, update.height), (96, 48));
    assert_eq!(decoded_pixels(&decoder), large.pixels);
    encoder.request_keyframe();
    assert!(encoder.encode(&large.surface(), &[], 2, &mut frame).unwrap().keyframe);
    assert!(!encoder.encode(&large.surface(), &[], 3, &mut frame).unwrap().keyframe);
}

#[test]
fn long_random_edit_sequence_stays_exact() {
    let mut canvas = text_page(160, 120, 3);
    let mut encoder = Encoder::new(9);
    let mut decoder = Decoder::new(Limits::default());
    let mut frame = Vec::new();
    encoder.encode(&canvas.surface(), &[], 0, &mut frame).unwrap();
    decoder.decode(&frame).unwrap();
    let mut state = 0x1234_5678u64;
    let mut next = |limit: u32| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % limit as u64) as u32
    };
    for step in 1..200u64 {
        let mut damage = Vec::new();
        for _ in 0..1 + next(4) {
            let rect = SurfaceRect::new(next(160), next(120), 1 + next(60), 1 + next(40));
            match next(3) {
                0 => canvas.fill(rect, [next(256) as u8, next(256) as u8, 0, 255]),
                1 => canvas.text(rect.x as i64, rect.y as i64, b"hello world", [0, 0, 0, 255]),
                _ => {
                    let scrolled = list_screen(160, 120, next(200));
                    canvas = scrolled;
                }
            }
            damage.push(rect);
        }
        // Whole-canvas replacements are reported with full damage.
        damage.push(SurfaceRect::full(160, 120));
        encoder.encode(&canvas.surface(), &damage, step, &mut frame).unwrap();
        decoder.decode(&frame).unwrap();
        assert_eq!(decoded_pixels(&decoder), canvas.pixels, "step {step}");
    }
}

#[test]
fn scrolling_back_moves_content_down() {
    let area = weft_wlstream::synthetic::list_area(400, 300);
    for (from, to) in [(100, 40), (40, 100), (0, 1), (1, 0)] {
        let before = list_screen(400, 300, from);
        let after = list_screen(400, 300, to);
        let mut encoder = Encoder::new(1);
        let mut decoder = Decoder::new(Limits::default());
        let mut frame = Vec::new();
        encoder.encode(&before.surface(), &[], 0, &mut frame).unwrap();
        decoder.decode(&frame).unwrap();
        let stats = encoder.encode(&after.surface(), &[area], 1, &mut frame).unwrap();
        assert_eq!(stats.by_encoding[Encoding::Move.code() as usize], 1, "{from}->{to}: {stats:?}");
        decoder.decode(&frame).unwrap();
        assert_eq!(decoded_pixels(&decoder), after.pixels, "{from}->{to}");
    }
}
