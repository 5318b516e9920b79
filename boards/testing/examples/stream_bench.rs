//! `cargo xtask bench stream`: what streaming a real window costs.
//!
//! Real compositor surfaces: hosted Weft (headless display, compositor,
//! mesh service) runs `stream-demo` windows; a viewer on loopback Zenoh
//! drives them with keys, exactly as a person at a remote viewer would:
//! - typing into a terminal-like page (one glyph of damage per key),
//! - scrolling a file list (100 pixels per key),
//! - a full-window change (a new page of text per key).
//!
//! For each, per frame: bytes on the wire, the mesh service's encode time,
//! the viewer's decode time, the raw frame and lz4 of the whole frame for
//! comparison, and the end-to-end latency from the app's present (the
//! compositor stamps it) to the decoded picture at the viewer, both
//! clocks being this host's. Then the same scenarios on wlstream's
//! synthetic pictures without any IPC, for comparison.
//!
//! `cargo run --release -p weft-testing --example stream_bench -- [--size WxH] [--frames N]`

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use weft_testing::mesh::{App, Rig, WAIT, eventually};
use weft_wlstream::keys::AppId;
use weft_wlstream::synthetic::{Scenario, scenario};
use weft_wlstream::{Decoder, EncoderConfig, FrameHeader, Limits, measure};
use zenoh::Wait;

/// One decoded frame, timed.
#[derive(Clone, Copy, Debug, Default)]
struct Timed {
    /// An empty keep-alive frame (the picture did not change).
    keepalive: bool,
    bytes: usize,
    decode_ns: u64,
    latency_ns: u64,
    keyframe: bool,
    raw: usize,
    lz4_whole: usize,
}

fn wall_ns() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

/// A second, passive decoder of the stream: times decoding each frame and
/// its latency, and sizes the frame against raw and lz4-of-everything.
fn tap(session: &zenoh::Session, app: &str) -> (zenoh::pubsub::Subscriber<()>, Arc<Mutex<Vec<Timed>>>) {
    let frames = Arc::new(Mutex::new(Vec::new()));
    let decoder = Mutex::new(Decoder::new(Limits::default()));
    let sink = frames.clone();
    let subscriber = session
        .declare_subscriber(AppId::new(app).unwrap().stream_key())
        .callback(move |sample| {
            let bytes = sample.payload().to_bytes();
            let Ok((header, _, _)) = FrameHeader::read(&bytes) else {
                return;
            };
            let mut decoder = decoder.lock().unwrap();
            let started = Instant::now();
            let Ok(update) = decoder.decode(&bytes) else {
                return;
            };
            let decode_ns = started.elapsed().as_nanos() as u64;
            let latency_ns = wall_ns().saturating_sub(header.timestamp_ns);
            let surface = decoder.surface().unwrap();
            let lz4_whole = lz4_flex::block::compress(surface.pixels()).len();
            if update.bounds.is_none() {
                sink.lock().unwrap().push(Timed { keepalive: true, ..Timed::default() });
            } else {
                sink.lock().unwrap().push(Timed {
                    bytes: bytes.len(),
                    decode_ns,
                    latency_ns,
                    keyframe: update.keyframe,
                    raw: surface.pixels().len(),
                    lz4_whole,
                    keepalive: false,
                });
            }
        })
        .wait()
        .unwrap();
    (subscriber, frames)
}

fn median(mut values: Vec<u64>) -> u64 {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or(0)
}

fn percentile(mut values: Vec<u64>, fraction: f64) -> u64 {
    values.sort_unstable();
    let index = ((values.len() as f64 - 1.0) * fraction).round() as usize;
    values.get(index).copied().unwrap_or(0)
}

struct Row {
    name: &'static str,
    frames: usize,
    bytes: u64,
    encode_ns: u64,
    decode_ns: u64,
    raw: u64,
    lz4_whole: u64,
    latency_median: u64,
    latency_p90: u64,
    round_trip: u64,
}

/// Drive `app` with `frames` presses of `key`, one frame at a time.
fn run(rig: &Rig, name: &'static str, app: &str, key: weft_types::Key, text: &str, frames: usize) -> Row {
    let mut viewer = rig.view(app);
    let (_tap, timed) = tap(&rig.session, app);
    assert!(eventually(WAIT, || {
        viewer.poll(Duration::from_millis(5)).unwrap();
        timed.lock().unwrap().iter().any(|t| t.keyframe)
    }));
    // Let the keyframe settle, then count from here.
    std::thread::sleep(Duration::from_millis(300));
    let _ = viewer.drain();
    let before = rig.stream_status(app).unwrap();
    timed.lock().unwrap().clear();
    let mut round_trips = Vec::new();
    for _ in 0..frames {
        let pictures = || timed.lock().unwrap().iter().filter(|t| !t.keepalive).count();
        let seen = pictures();
        let sent = Instant::now();
        let press = weft_types::KeyEvent {
            key,
            state: weft_types::KeyState::Pressed,
            modifiers: Default::default(),
            text: text.into(),
        };
        let release = weft_types::KeyEvent {
            state: weft_types::KeyState::Released,
            text: String::new(),
            ..press.clone()
        };
        viewer.send_key(press).unwrap();
        viewer.send_key(release).unwrap();
        let arrived = eventually(WAIT, || {
            viewer.poll(Duration::from_millis(1)).unwrap();
            pictures() > seen
        });
        assert!(arrived, "{name}: no frame after a key");
        round_trips.push(sent.elapsed().as_nanos() as u64);
        // Let stragglers (the release) settle so each frame is one key.
        std::thread::sleep(Duration::from_millis(20));
        let _ = viewer.drain();
    }
    let after = rig.stream_status(app).unwrap();
    let all: Vec<Timed> = timed.lock().unwrap().clone();
    let keepalives = all.iter().filter(|t| t.keepalive).count() as u64;
    let frames_seen: Vec<Timed> = all.into_iter().filter(|t| !t.keyframe && !t.keepalive).collect();
    let count = frames_seen.len().max(1) as u64;
    // Keep-alives cost next to nothing to encode; leave them out of the mean.
    let encoded_frames = (after.frames - before.frames).saturating_sub(keepalives).max(1);
    Row {
        name,
        frames: frames_seen.len(),
        bytes: frames_seen.iter().map(|t| t.bytes as u64).sum::<u64>() / count,
        encode_ns: (after.encode_ns - before.encode_ns) / encoded_frames,
        decode_ns: median(frames_seen.iter().map(|t| t.decode_ns).collect()),
        raw: frames_seen.first().map_or(0, |t| t.raw as u64),
        lz4_whole: frames_seen.iter().map(|t| t.lz4_whole as u64).sum::<u64>() / count,
        latency_median: median(frames_seen.iter().map(|t| t.latency_ns).collect()),
        latency_p90: percentile(frames_seen.iter().map(|t| t.latency_ns).collect(), 0.9),
        round_trip: median(round_trips),
    }
}

fn parse_args() -> ((u32, u32), usize) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let size = value("--size")
        .and_then(|s| s.split_once('x').and_then(|(w, h)| Some((w.parse().ok()?, h.parse().ok()?))))
        .unwrap_or((1280, 720));
    let frames = value("--frames").and_then(|s| s.parse().ok()).unwrap_or(40);
    (size, frames)
}

fn ms(ns: u64) -> String {
    format!("{:.3}", ns as f64 / 1e6)
}

fn main() {
    let (size, frames) = parse_args();
    let (width, height) = size;
    let apps = [
        App { name: "typing", mode: "text", marker: [255, 0, 0], size, animate: false },
        App { name: "scrolling", mode: "list", marker: [0, 255, 0], size, animate: false },
        App { name: "paging", mode: "pages", marker: [0, 0, 255], size, animate: false },
    ];
    println!("stream bench: real compositor surfaces, {width}x{height} windows, {frames} frames each");
    println!("(hosted Weft: stream-demo → compositor capture → mesh service → Zenoh tcp/127.0.0.1 → viewer)");
    let rig = Rig::boot_on((width + 200, height + 200), &apps);
    let rows = [
        run(&rig, "typing (one glyph)", "typing", weft_types::Key::K, "k", frames),
        run(&rig, "scrolling a list", "scrolling", weft_types::Key::DOWN, "", frames),
        run(&rig, "full-window change", "paging", weft_types::Key::N, "n", frames.min(20)),
    ];
    println!(
        "{:<20} {:>6} {:>10} {:>11} {:>10} {:>9} {:>9} {:>12} {:>12} {:>12}",
        "scenario",
        "frames",
        "raw",
        "lz4 whole",
        "wlstream",
        "encode",
        "decode",
        "latency p50",
        "latency p90",
        "key→picture"
    );
    println!(
        "{:<20} {:>6} {:>10} {:>11} {:>10} {:>9} {:>9} {:>12} {:>12} {:>12}",
        "", "", "bytes", "bytes", "bytes", "ms", "ms", "ms", "ms", "ms"
    );
    for row in &rows {
        println!(
            "{:<20} {:>6} {:>10} {:>11} {:>10} {:>9} {:>9} {:>12} {:>12} {:>12}",
            row.name,
            row.frames,
            row.raw,
            row.lz4_whole,
            row.bytes,
            ms(row.encode_ns),
            ms(row.decode_ns),
            ms(row.latency_median),
            ms(row.latency_p90),
            ms(row.round_trip)
        );
    }
    println!(
        "encode: mesh service time per frame (StreamSource::poll); decode: a second decoder at the viewer;"
    );
    println!(
        "latency: the compositor's present of the app's frame → decoded at the viewer (same host clock);"
    );
    println!("key→picture: key sent by the viewer → the app's redraw decoded at the viewer.");
    drop(rig);

    println!();
    println!(
        "synthetic pictures (weft_wlstream::synthetic, encoder and decoder only, no IPC), {width}x{height}, best of 5:"
    );
    println!(
        "{:<20} {:>10} {:>11} {:>10} {:>9} {:>9}",
        "scenario", "raw", "lz4 whole", "wlstream", "encode", "decode"
    );
    let clock = || {
        static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
        EPOCH.get_or_init(Instant::now).elapsed().as_nanos() as u64
    };
    for kind in [Scenario::Glyph, Scenario::Scroll, Scenario::FullScreen] {
        let pair = scenario(kind, width, height);
        let result = measure::measure(
            EncoderConfig::default(),
            &pair.before.surface(),
            &pair.after.surface(),
            &pair.damage,
            5,
            &clock,
        );
        println!(
            "{:<20} {:>10} {:>11} {:>10} {:>9} {:>9}",
            kind.name(),
            result.raw_bytes,
            result.lz4_whole_bytes,
            result.encoded.bytes,
            ms(result.encode_ns),
            ms(result.decode_ns)
        );
    }
}
