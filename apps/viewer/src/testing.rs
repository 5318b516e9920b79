//! For tests of the viewer and of anything streaming to it: a test app
//! (a Zenoh peer publishing a synthetic surface with [`AppPublisher`],
//! recording the input it receives, optionally echoing typed text onto its
//! surface), fast timings, and waiting helpers.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::link::{self, LinkOptions};
use crate::publisher::{AppEvent, AppPublisher, publish_telemetry};
use crate::stream::{LinkState, StreamOptions, ViewerStream};
use weft_types::InputEvent;
use weft_wlstream::keys::AppId;
use weft_wlstream::source::{SourceConfig, SourceStats};
use weft_wlstream::synthetic::{Canvas, GLYPH_HEIGHT, GLYPH_WIDTH};
use weft_wlstream::telemetry::{AppEntry, Telemetry};
use weft_wlstream::{EncoderConfig, SurfaceRect};

/// Fast timings so tests finish quickly.
pub fn source_config() -> SourceConfig {
    SourceConfig { keepalive_ns: 200_000_000, viewer_timeout_ns: 1_500_000_000, ..SourceConfig::default() }
}

/// Fast viewer timings.
pub fn stream_options() -> StreamOptions {
    StreamOptions {
        keepalive: Duration::from_millis(150),
        lost_after: Duration::from_millis(700),
        keyframe_retry: Duration::from_millis(300),
        ..StreamOptions::default()
    }
}

/// Loopback endpoint on `port`.
pub fn endpoint(port: u16) -> String {
    format!("tcp/127.0.0.1:{port}")
}

struct Shared {
    canvas: Mutex<Canvas>,
    events: Mutex<Vec<AppEvent>>,
    stats: Mutex<(SourceStats, usize, Option<u64>)>,
}

/// A running test app.
pub struct TestApp {
    /// The app's id on the mesh.
    pub id: AppId,
    /// The loopback port it listens on.
    pub port: u16,
    shared: Arc<Shared>,
    commands: Sender<(Canvas, Vec<SurfaceRect>)>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TestApp {
    /// Start app `id` listening on `port`, showing `canvas`. With `echo`,
    /// typed text is drawn onto the surface (so input makes new frames).
    pub fn start(id: &str, port: u16, canvas: Canvas, echo: bool) -> TestApp {
        let id = AppId::new(id).unwrap();
        let shared = Arc::new(Shared {
            canvas: Mutex::new(canvas),
            events: Mutex::new(Vec::new()),
            stats: Mutex::new((SourceStats::default(), 0, None)),
        });
        let (commands, inbox) = channel::<(Canvas, Vec<SurfaceRect>)>();
        let stop = Arc::new(AtomicBool::new(false));
        let session = link::open(&LinkOptions::loopback(&[], &[endpoint(port)])).expect("app session");
        let thread = {
            let (id, shared, stop) = (id.clone(), shared.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut publisher =
                    AppPublisher::open(&session, id.clone(), EncoderConfig::default(), source_config())
                        .unwrap();
                let mut cursor = 0u32;
                let mut last_heartbeat = Instant::now() - Duration::from_secs(1);
                while !stop.load(Ordering::Relaxed) {
                    if last_heartbeat.elapsed() > Duration::from_millis(200) {
                        last_heartbeat = Instant::now();
                        let canvas = shared.canvas.lock().unwrap();
                        let heartbeat = Telemetry {
                            machine: "test-machine".into(),
                            uptime_ms: 1,
                            load_permille: 10,
                            battery_percent: None,
                            apps: vec![AppEntry {
                                id: id.to_string(),
                                title: "Test".into(),
                                width: canvas.width,
                                height: canvas.height,
                            }],
                        };
                        drop(canvas);
                        publish_telemetry(&session, &heartbeat).unwrap();
                    }
                    while let Ok((canvas, damage)) = inbox.try_recv() {
                        *shared.canvas.lock().unwrap() = canvas;
                        publisher.damage(&damage);
                    }
                    let events = publisher.receive();
                    let mut canvas = shared.canvas.lock().unwrap();
                    for event in &events {
                        if let (true, AppEvent::Input(InputEvent::Key(key))) = (echo, event) {
                            for byte in key.text.bytes() {
                                let (x, y) = (8 + cursor * GLYPH_WIDTH, 8);
                                canvas.glyph(i64::from(x), i64::from(y), u32::from(byte), [0, 0, 0, 255]);
                                publisher.damage(&[SurfaceRect::new(x, y, GLYPH_WIDTH, GLYPH_HEIGHT)]);
                                cursor += 1;
                            }
                        }
                    }
                    shared.events.lock().unwrap().extend(events);
                    publisher.publish(&canvas.surface()).unwrap();
                    drop(canvas);
                    *shared.stats.lock().unwrap() = (
                        publisher.stats(),
                        publisher.source().pending_damage().len(),
                        publisher.source().round_trip_ns(),
                    );
                    std::thread::sleep(Duration::from_millis(2));
                }
                drop(publisher);
                let _ = zenoh::Wait::wait(session.close());
            })
        };
        TestApp { id, port, shared, commands, stop, thread: Some(thread) }
    }

    /// Replace the picture and report `damage`.
    pub fn draw(&self, canvas: Canvas, damage: Vec<SurfaceRect>) {
        self.commands.send((canvas, damage)).unwrap();
    }

    /// The current picture.
    pub fn picture(&self) -> Canvas {
        self.shared.canvas.lock().unwrap().clone()
    }

    /// Events received so far.
    pub fn events(&self) -> Vec<AppEvent> {
        self.shared.events.lock().unwrap().clone()
    }

    /// Pacing counters, pending damage rectangles, last round trip.
    pub fn stats(&self) -> (SourceStats, usize, Option<u64>) {
        *self.shared.stats.lock().unwrap()
    }

    /// Stop the app and close its session (drops the link).
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Poll `stream` until its picture equals `expected` or `timeout`.
pub fn wait_for_picture(stream: &mut ViewerStream, expected: &Canvas, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        stream.poll(Duration::from_millis(10)).unwrap();
        if stream.surface().is_some_and(|surface| surface.pixels() == &expected.pixels[..]) {
            return true;
        }
    }
    false
}

/// Poll `stream` until `state` or `timeout`.
pub fn wait_for_state(stream: &mut ViewerStream, state: LinkState, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        stream.poll(Duration::from_millis(10)).unwrap();
        if stream.state() == state {
            return true;
        }
    }
    false
}

/// Wait until `condition` holds or `timeout`.
pub fn eventually(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}
