//! Viewer-to-app messages and telemetry: round trips and refusals.

use weft_types::{Button, Key, KeyEvent, KeyState, Modifiers, PointerEvent, TouchEvent};
use weft_wlstream::keys::Channel;
use weft_wlstream::message::{
    self, Ack, KeyframeReason, KeyframeRequest, MAX_MESSAGE_BYTES, MessageError, StreamControl,
    ViewerMessage, ViewerSize,
};
use weft_wlstream::telemetry::{self, AppEntry, Telemetry};

fn every_kind() -> Vec<ViewerMessage> {
    vec![
        ViewerMessage::Key(KeyEvent {
            key: Key::A,
            state: KeyState::Pressed,
            modifiers: Modifiers::SHIFT,
            text: "A".into(),
        }),
        ViewerMessage::Pointer(PointerEvent::Button {
            button: Button::Left,
            state: KeyState::Released,
            x: 1.5,
            y: 2.5,
        }),
        ViewerMessage::Touch(TouchEvent::Down { id: 4, x: 3.0, y: 4.0 }),
        ViewerMessage::Resize(ViewerSize { viewer: 1, width: 800, height: 600, scale_milli: 2000 }),
        ViewerMessage::KeyframeRequest(KeyframeRequest { viewer: 1, reason: KeyframeReason::Gap }),
        ViewerMessage::Ack(Ack { viewer: 1, session: 9, sequence: 77 }),
        ViewerMessage::Start(StreamControl { app: "files".into(), viewer: 1 }),
        ViewerMessage::Stop(StreamControl { app: "files".into(), viewer: 1 }),
    ]
}

#[test]
fn every_message_round_trips_on_its_channel() {
    for original in every_kind() {
        let bytes = message::encode(&original);
        assert_eq!(bytes[0], message::MESSAGE_VERSION);
        assert_eq!(message::decode(&bytes).unwrap(), original);
        assert_eq!(message::decode_on(original.channel(), &bytes).unwrap(), original);
        let wrong = if original.channel() == Channel::Ack { Channel::Size } else { Channel::Ack };
        assert!(matches!(message::decode_on(wrong, &bytes), Err(MessageError::WrongChannel { .. })));
    }
}

#[test]
fn hostile_messages_are_refused() {
    assert_eq!(message::decode(&[]), Err(MessageError::Empty));
    assert_eq!(message::decode(&[9, 0]), Err(MessageError::UnsupportedVersion { version: 9 }));
    assert_eq!(message::decode(&[1, 200]), Err(MessageError::Malformed));
    let mut long = message::encode(&every_kind()[0]);
    long.push(0);
    assert_eq!(message::decode(&long), Err(MessageError::TrailingBytes { count: 1 }));
    // Modifier bits beyond the five defined ones.
    assert_eq!(
        message::decode(&[1, 0, 0x1e, 1, 0x80, 0]),
        Err(MessageError::OutOfRange { field: "modifiers" })
    );
    // Bad enum indices, an overflowing varint, text that is not UTF-8.
    for bad in [
        &[1, 8][..],
        &[1, 0, 0x1e, 3, 0, 0],
        &[1, 0, 0xff, 0xff, 0x7f, 1, 0, 0],
        &[1, 0, 0x1e, 0, 0, 1, 0xff],
    ] {
        assert_eq!(message::decode(bad), Err(MessageError::Malformed), "{bad:02x?}");
    }
    // A longer than necessary varint is read (writers write the shortest).
    assert!(message::decode(&[1, 0, 0x9e, 0x00, 1, 0, 0]).is_ok());
    let huge = vec![1u8; MAX_MESSAGE_BYTES + 1];
    assert!(matches!(message::decode(&huge), Err(MessageError::TooLarge { .. })));
    for bad in [
        ViewerMessage::Pointer(PointerEvent::Motion { x: f32::NAN, y: 0.0 }),
        ViewerMessage::Pointer(PointerEvent::Scroll { dx: f32::INFINITY, dy: 0.0 }),
        ViewerMessage::Touch(TouchEvent::Motion { id: 1, x: 0.0, y: 1.0e9 }),
        ViewerMessage::Key(KeyEvent {
            key: Key::A,
            state: KeyState::Pressed,
            modifiers: Modifiers::empty(),
            text: "x".repeat(65),
        }),
        ViewerMessage::Resize(ViewerSize { viewer: 1, width: 0, height: 10, scale_milli: 1000 }),
        ViewerMessage::Resize(ViewerSize { viewer: 1, width: 10, height: 10, scale_milli: 0 }),
        ViewerMessage::Start(StreamControl { app: "../etc".into(), viewer: 1 }),
    ] {
        let bytes = message::encode(&bad);
        assert!(matches!(message::decode(&bytes), Err(MessageError::OutOfRange { .. })), "{bad:?}");
    }
}

#[test]
fn telemetry_round_trips_and_is_validated() {
    let heartbeat = Telemetry {
        machine: "pinephone".into(),
        uptime_ms: 12_345,
        load_permille: 250,
        battery_percent: Some(80),
        apps: vec![AppEntry { id: "terminal".into(), title: "Terminal".into(), width: 720, height: 1440 }],
    };
    let bytes = telemetry::encode(&heartbeat);
    assert_eq!(telemetry::decode(&bytes).unwrap(), heartbeat);
    let bad = Telemetry { battery_percent: Some(101), ..heartbeat.clone() };
    assert!(telemetry::decode(&telemetry::encode(&bad)).is_err());
    let mut bad = heartbeat;
    bad.apps[0].id = "a/b".into();
    assert!(telemetry::decode(&telemetry::encode(&bad)).is_err());
}
