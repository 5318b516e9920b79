//! The worked byte examples of `docs/wlstream.md` are the real encoders'
//! output: every block marked `<!-- bytes: NAME -->` in the document is
//! compared with what this crate writes for NAME, so the specification
//! cannot drift from the code.
//!
//! Block format: each line starts with the bytes in hex (two digits each,
//! single spaces), then two or more spaces and a description; lines whose
//! first column is not hex bytes (headings) are skipped.

use weft_types::{Button, Key, KeyEvent, KeyState, Modifiers, PointerEvent, TouchEvent};
use weft_wlstream::message::{
    self, Ack, KeyframeReason, KeyframeRequest, StreamControl, ViewerMessage, ViewerSize,
};
use weft_wlstream::raw::{RawRectangle, build, header};
use weft_wlstream::telemetry::{self, AppEntry, Telemetry};
use weft_wlstream::{Encoder, SurfaceRect, SurfaceRef};

const SPEC: &str = include_str!("../../../docs/wlstream.md");

/// A viewer id that takes the longest varint (ten bytes).
const VIEWER: u64 = 0x8877_6655_4433_2211;

fn key(key: Key, state: KeyState, modifiers: Modifiers, text: &str) -> ViewerMessage {
    ViewerMessage::Key(KeyEvent { key, state, modifiers, text: text.into() })
}

/// Every example the document must show, by name.
fn examples() -> Vec<(&'static str, Vec<u8>)> {
    let red = [255u8, 0, 0, 255, 255, 0, 0, 255];
    let red_green = [255u8, 0, 0, 255, 0, 255, 0, 255];
    let mut keyframe = Vec::new();
    let mut encoder = Encoder::new(0x0102_0304);
    encoder.encode(&SurfaceRef::new(2, 1, 8, &red).unwrap(), &[], 0x1122, &mut keyframe).unwrap();
    let mut keepalive = Vec::new();
    encoder.encode(&SurfaceRef::new(2, 1, 8, &red).unwrap(), &[], 0x3344, &mut keepalive).unwrap();
    let mut raw = Vec::new();
    Encoder::new(0x0102_0304)
        .encode(&SurfaceRef::new(2, 1, 8, &red_green).unwrap(), &[], 0, &mut raw)
        .unwrap();
    // A move: rows 1..3 of a 4×4 surface come from rows 0..2 (a scroll).
    let moved = build(
        &header(4, 4, false, 5),
        &[RawRectangle::new(
            SurfaceRect::new(0, 1, 4, 2),
            4,
            [0u32, 0].iter().flat_map(|v| v.to_le_bytes()).collect(),
        )],
    );
    let message = |m: ViewerMessage| message::encode(&m);
    let heartbeat = Telemetry {
        machine: "vm".into(),
        uptime_ms: 12_345,
        load_permille: 250,
        battery_percent: None,
        apps: vec![AppEntry {
            id: "weft.terminal".into(),
            title: "Terminal".into(),
            width: 1280,
            height: 800,
        }],
    };
    let on_battery = Telemetry { battery_percent: Some(80), apps: Vec::new(), ..heartbeat.clone() };
    vec![
        ("frame-keyframe-fill", keyframe),
        ("frame-keyframe-raw", raw),
        ("frame-keepalive", keepalive),
        ("frame-move", moved),
        ("message-key", message(key(Key::A, KeyState::Pressed, Modifiers::SHIFT, "A"))),
        ("message-key-release", message(key(Key::A, KeyState::Released, Modifiers::empty(), ""))),
        (
            "message-key-enter",
            message(key(Key::ENTER, KeyState::Repeated, Modifiers::CONTROL | Modifiers::ALT, "\n")),
        ),
        ("message-pointer-enter", message(ViewerMessage::Pointer(PointerEvent::Enter { x: 12.5, y: 40.0 }))),
        ("message-pointer-leave", message(ViewerMessage::Pointer(PointerEvent::Leave))),
        ("message-pointer-motion", message(ViewerMessage::Pointer(PointerEvent::Motion { x: 1.0, y: -2.0 }))),
        (
            "message-pointer-button",
            message(ViewerMessage::Pointer(PointerEvent::Button {
                button: Button::Right,
                state: KeyState::Pressed,
                x: 12.5,
                y: 40.0,
            })),
        ),
        (
            "message-pointer-scroll",
            message(ViewerMessage::Pointer(PointerEvent::Scroll { dx: 0.0, dy: 40.0 })),
        ),
        ("message-touch-down", message(ViewerMessage::Touch(TouchEvent::Down { id: 300, x: 12.5, y: 40.0 }))),
        (
            "message-touch-motion",
            message(ViewerMessage::Touch(TouchEvent::Motion { id: 300, x: 13.0, y: 41.5 })),
        ),
        ("message-touch-up", message(ViewerMessage::Touch(TouchEvent::Up { id: 300 }))),
        ("message-touch-cancel", message(ViewerMessage::Touch(TouchEvent::Cancel))),
        (
            "message-resize",
            message(ViewerMessage::Resize(ViewerSize {
                viewer: 300,
                width: 1280,
                height: 800,
                scale_milli: 2000,
            })),
        ),
        (
            "message-keyframe",
            message(ViewerMessage::KeyframeRequest(KeyframeRequest {
                viewer: 300,
                reason: KeyframeReason::Gap,
            })),
        ),
        (
            "message-ack",
            message(ViewerMessage::Ack(Ack { viewer: VIEWER, session: 0xdead_beef, sequence: 1000 })),
        ),
        (
            "message-start",
            message(ViewerMessage::Start(StreamControl { app: "weft.terminal".into(), viewer: 300 })),
        ),
        (
            "message-stop",
            message(ViewerMessage::Stop(StreamControl { app: "weft.terminal".into(), viewer: 300 })),
        ),
        ("telemetry", telemetry::encode(&heartbeat)),
        ("telemetry-battery", telemetry::encode(&on_battery)),
    ]
}

/// The bytes of the block marked `<!-- bytes: name -->`, if there is one.
fn documented(name: &str) -> Option<Vec<u8>> {
    let marker = format!("<!-- bytes: {name} -->");
    let after = &SPEC[SPEC.find(&marker)? + marker.len()..];
    let mut lines = after.lines().skip_while(|line| !line.starts_with("```"));
    lines.next()?; // the opening fence
    let mut bytes = Vec::new();
    for line in lines.take_while(|line| !line.starts_with("```")) {
        let column = line.split("  ").next().unwrap_or("");
        let tokens: Vec<&str> = column.split_whitespace().collect();
        let hex = |token: &&str| token.len() == 2 && token.chars().all(|c| c.is_ascii_hexdigit());
        if tokens.is_empty() || !tokens.iter().all(hex) {
            continue;
        }
        bytes.extend(tokens.iter().map(|token| u8::from_str_radix(token, 16).unwrap()));
    }
    Some(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .chunks(8)
        .map(|chunk| chunk.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_worked_example_is_what_the_encoders_write() {
    let mut wrong = Vec::new();
    for (name, bytes) in examples() {
        match documented(name) {
            Some(shown) if shown == bytes => {}
            Some(shown) => wrong.push(format!(
                "{name}: the document shows\n{}\nthe encoder writes\n{}",
                hex(&shown),
                hex(&bytes)
            )),
            None => wrong.push(format!(
                "{name}: no `<!-- bytes: {name} -->` block; the encoder writes\n{}",
                hex(&bytes)
            )),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn every_documented_block_is_checked() {
    let names: Vec<&str> = examples().iter().map(|(name, _)| *name).collect();
    for (at, _) in SPEC.match_indices("<!-- bytes: ") {
        let rest = &SPEC[at + "<!-- bytes: ".len()..];
        let name = &rest[..rest.find(" -->").unwrap()];
        assert!(names.contains(&name), "block {name} is not checked against an encoder");
    }
}

#[test]
fn the_examples_decode_back() {
    for (name, bytes) in examples() {
        if name.starts_with("message") {
            assert!(message::decode(&bytes).is_ok(), "{name}");
        } else if name.starts_with("telemetry") {
            assert!(telemetry::decode(&bytes).is_ok(), "{name}");
        } else {
            assert!(weft_wlstream::parse_frame(&bytes, &Default::default()).is_ok(), "{name}");
        }
    }
}
