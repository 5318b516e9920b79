//! Writes valid frames and messages as seed inputs for the fuzz targets.
//!
//! `cargo run -p weft-wlstream --example seed_corpus -- compositor/wlstream/fuzz/corpus`

use std::path::PathBuf;

use weft_types::{Key, KeyEvent, KeyState, Modifiers, PointerEvent, TouchEvent};
use weft_wlstream::Encoder;
use weft_wlstream::message::{self, Ack, StreamControl, ViewerMessage, ViewerSize};
use weft_wlstream::synthetic::{Scenario, scenario};
use weft_wlstream::telemetry::{self, AppEntry, Telemetry};

fn main() -> std::io::Result<()> {
    let root = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "corpus".into()));
    let frames = root.join("frame");
    let sequences = root.join("frame_sequence");
    let messages = root.join("message");
    for directory in [&frames, &sequences, &messages] {
        std::fs::create_dir_all(directory)?;
    }
    for kind in Scenario::ALL {
        let pair = scenario(kind, 64, 48);
        let mut encoder = Encoder::new(7);
        let (mut keyframe, mut delta) = (Vec::new(), Vec::new());
        encoder.encode(&pair.before.surface(), &[], 0, &mut keyframe).expect("keyframe");
        encoder.encode(&pair.after.surface(), &pair.damage, 1, &mut delta).expect("delta");
        let name = format!("{kind:?}").to_lowercase();
        std::fs::write(frames.join(format!("{name}-key")), &keyframe)?;
        std::fs::write(frames.join(format!("{name}-delta")), &delta)?;
        let mut sequence = keyframe.clone();
        sequence.push(0xA5);
        sequence.extend_from_slice(&delta);
        std::fs::write(sequences.join(name), sequence)?;
    }
    let samples = [
        ViewerMessage::Key(KeyEvent {
            key: Key::A,
            state: KeyState::Pressed,
            modifiers: Modifiers::SHIFT,
            text: "A".into(),
        }),
        ViewerMessage::Pointer(PointerEvent::Scroll { dx: 0.0, dy: 40.0 }),
        ViewerMessage::Touch(TouchEvent::Down { id: 1, x: 5.0, y: 6.0 }),
        ViewerMessage::Resize(ViewerSize { viewer: 9, width: 800, height: 600, scale_milli: 1000 }),
        ViewerMessage::Ack(Ack { viewer: 9, session: 7, sequence: 3 }),
        ViewerMessage::Start(StreamControl { app: "files".into(), viewer: 9 }),
    ];
    for (index, sample) in samples.iter().enumerate() {
        std::fs::write(messages.join(format!("message-{index}")), message::encode(sample))?;
    }
    let heartbeat = Telemetry {
        machine: "phone".into(),
        uptime_ms: 5,
        load_permille: 100,
        battery_percent: Some(50),
        apps: vec![AppEntry { id: "term".into(), title: "Terminal".into(), width: 720, height: 1440 }],
    };
    std::fs::write(messages.join("telemetry"), telemetry::encode(&heartbeat))?;
    Ok(())
}
