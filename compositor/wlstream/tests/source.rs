//! Stream pacing: bounded in-flight frames, coalesced damage, viewer
//! expiry, keyframes on join, keep-alives.

use weft_wlstream::message::{Ack, KeyframeReason, KeyframeRequest, StreamControl, ViewerMessage};
use weft_wlstream::source::{SourceConfig, StreamSource};
use weft_wlstream::synthetic::Canvas;
use weft_wlstream::{Decoder, Encoder, Limits, SurfaceRect};

const MS: u64 = 1_000_000;

fn join(source: &mut StreamSource, viewer: u64, now: u64) {
    let request = KeyframeRequest { viewer, reason: KeyframeReason::Join };
    assert!(source.handle(&ViewerMessage::KeyframeRequest(request), now));
}

fn ack(source: &mut StreamSource, viewer: u64, sequence: u64, now: u64) {
    let session = source.encoder().session();
    source.handle(&ViewerMessage::Ack(Ack { viewer, session, sequence }), now);
}

#[test]
fn nothing_is_encoded_without_viewers() {
    let canvas = Canvas::new(32, 32, [0, 0, 0, 255]);
    let mut source = StreamSource::new(Encoder::new(1), SourceConfig::default());
    let mut out = Vec::new();
    source.damage(&[SurfaceRect::full(32, 32)]);
    assert_eq!(source.poll(0, 0, &canvas.surface(), &mut out).unwrap(), None);
    assert_eq!(source.stats().frames, 0);
}

#[test]
fn stuck_viewer_bounds_in_flight_and_coalesces_damage() {
    let mut canvas = Canvas::new(64, 64, [0, 0, 0, 255]);
    let config = SourceConfig { window: 3, ..SourceConfig::default() };
    let mut source = StreamSource::new(Encoder::new(1), config);
    let mut decoder = Decoder::new(Limits::default());
    let mut out = Vec::new();
    join(&mut source, 42, 0);
    let mut frames = Vec::new();
    // The app draws 1000 times; the viewer never acknowledges.
    for step in 0..1000u32 {
        let rect = SurfaceRect::new(step % 60, (step / 60) % 60, 4, 4);
        canvas.fill(rect, [step as u8, 0, 0, 255]);
        source.damage(&[rect]);
        if let Some(_stats) =
            source.poll(u64::from(step) * MS, u64::from(step) * MS, &canvas.surface(), &mut out).unwrap()
        {
            frames.push(out.clone());
        }
        assert!(source.pending_damage().len() <= weft_wlstream::MAX_DAMAGE_RECTANGLES);
    }
    assert_eq!(frames.len(), 3, "window of 3 frames, then stall");
    assert!(source.stats().stalls > 900);
    assert!(source.stats().coalesced > 900);
    // The viewer catches up: it decodes what it got and acknowledges.
    for frame in &frames {
        decoder.decode(frame).unwrap();
    }
    ack(&mut source, 42, 2, 1000 * MS);
    let stats =
        source.poll(1000 * MS, 1000 * MS, &canvas.surface(), &mut out).unwrap().expect("credit again");
    assert!(!stats.keyframe, "coalesced damage is a plain delta, no gap");
    decoder.decode(&out).unwrap();
    assert_eq!(decoder.surface().unwrap().pixels(), &canvas.pixels[..]);
    assert!(source.round_trip_ns().is_some());
}

#[test]
fn silent_viewer_expires_and_rejoin_gets_keyframe() {
    let canvas = Canvas::new(16, 16, [1, 2, 3, 255]);
    let config = SourceConfig { viewer_timeout_ns: 100 * MS, ..SourceConfig::default() };
    let mut source = StreamSource::new(Encoder::new(1), config);
    let mut out = Vec::new();
    join(&mut source, 1, 0);
    assert!(source.poll(0, 0, &canvas.surface(), &mut out).unwrap().unwrap().keyframe);
    assert!(source.is_active(50 * MS));
    assert!(!source.is_active(200 * MS));
    assert_eq!(source.poll(200 * MS, 200 * MS, &canvas.surface(), &mut out).unwrap(), None);
    assert_eq!(source.stats().expired_viewers, 1);
    join(&mut source, 1, 300 * MS);
    assert!(source.poll(300 * MS, 300 * MS, &canvas.surface(), &mut out).unwrap().unwrap().keyframe);
}

#[test]
fn a_dead_viewer_does_not_hold_back_a_new_one() {
    let canvas = Canvas::new(16, 16, [1, 2, 3, 255]);
    let config = SourceConfig { window: 2, viewer_timeout_ns: 100 * MS, ..SourceConfig::default() };
    let mut source = StreamSource::new(Encoder::new(1), config);
    let mut out = Vec::new();
    join(&mut source, 1, 0);
    for step in 0..2 {
        assert!(source.poll(step * MS, 0, &canvas.surface(), &mut out).unwrap().is_some());
        source.damage(&[SurfaceRect::new(0, 0, 1, 1)]);
    }
    // Viewer 1 never acknowledged and went silent; viewer 2 joins later.
    assert!(!source.ready(10 * MS), "no credit while viewer 1 lives");
    join(&mut source, 2, 150 * MS);
    assert_eq!(source.in_flight(), 2, "viewer 1 is still tracked");
    assert!(source.ready(150 * MS), "only live viewers hold credit back");
    source.expire(150 * MS);
    assert_eq!((source.viewer_count(), source.stats().expired_viewers), (1, 1));
    assert!(source.poll(150 * MS, 0, &canvas.surface(), &mut out).unwrap().unwrap().keyframe);
}

#[test]
fn keepalive_frames_are_empty_deltas() {
    let canvas = Canvas::new(16, 16, [1, 2, 3, 255]);
    let mut source = StreamSource::new(Encoder::new(1), SourceConfig::default());
    let mut out = Vec::new();
    join(&mut source, 1, 0);
    source.poll(0, 0, &canvas.surface(), &mut out).unwrap().unwrap();
    ack(&mut source, 1, 0, 10 * MS);
    assert_eq!(source.poll(500 * MS, 500 * MS, &canvas.surface(), &mut out).unwrap(), None);
    ack(&mut source, 1, 0, 900 * MS);
    let stats = source.poll(1000 * MS, 1000 * MS, &canvas.surface(), &mut out).unwrap().unwrap();
    assert_eq!((stats.keyframe, stats.rectangles), (false, 0));
}

#[test]
fn stop_removes_the_viewer_and_input_is_not_consumed() {
    let mut source = StreamSource::new(Encoder::new(1), SourceConfig::default());
    let control = StreamControl { app: "files".into(), viewer: 5 };
    assert!(source.handle(&ViewerMessage::Start(control.clone()), 0));
    assert_eq!(source.viewer_count(), 1);
    assert!(source.handle(&ViewerMessage::Stop(control), 0));
    assert_eq!(source.viewer_count(), 0);
    let input = ViewerMessage::Pointer(weft_types::PointerEvent::Leave);
    assert!(!source.handle(&input, 0));
}
