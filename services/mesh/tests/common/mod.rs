//! A streaming system for tests: hosted Weft (input, headless display,
//! compositor) with the mesh service listening on a loopback port and
//! `stream-demo` windows, plus a viewer session on the same port — two
//! Zenoh peers with explicit endpoints and scouting off, so runs do not
//! depend on the network.
#![allow(dead_code, reason = "each test uses some of the helpers")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use display_hosted::{HostDisplay, Snapshot};
use input_api::protocol::{InjectedEvent, InputProtocol, InputRequest, InputResponse, RawEvent};
use input_api::{Key, KeyState};
use mesh_api::{MeshProtocol, MeshRequest, MeshResponse, MeshStatus, StreamStatus};
use weft_compositor_testing::{Service, System};
use weft_ipc::Client;
use weft_rt::Deadline;
use weft_viewer::link::{self, LinkOptions, free_port};
use weft_viewer::stream::{StreamOptions, ViewerStream};
use weft_wlstream::keys::AppId;

/// Output size of the headless display.
pub const WIDTH: u32 = 1024;
/// Output height.
pub const HEIGHT: u32 = 768;
/// Generous: CI machines are slow and shared.
pub const WAIT: Duration = Duration::from_secs(40);

/// A demo window to start.
pub struct App {
    pub name: &'static str,
    pub mode: &'static str,
    pub marker: [u8; 3],
    pub size: (u32, u32),
    pub animate: bool,
}

impl App {
    /// A text window of `size` framed in `marker`.
    pub fn text(name: &'static str, marker: [u8; 3], size: (u32, u32)) -> App {
        App { name, mode: "text", marker, size, animate: false }
    }
}

/// A running system and a viewer session.
pub struct Rig {
    pub display: Arc<HostDisplay>,
    pub system: System,
    pub port: u16,
    pub session: zenoh::Session,
    mesh: Client<MeshProtocol>,
}

/// Fast viewer timings so tests notice loss quickly.
pub fn stream_options() -> StreamOptions {
    StreamOptions {
        keepalive: Duration::from_millis(150),
        lost_after: Duration::from_millis(700),
        keyframe_retry: Duration::from_millis(300),
        ..StreamOptions::default()
    }
}

/// A viewer peer connected to `port` on loopback.
pub fn viewer_session(port: u16) -> zenoh::Session {
    link::open(&LinkOptions::loopback(&[format!("tcp/127.0.0.1:{port}")], &[])).expect("viewer session")
}

impl Rig {
    /// Boot the graphics stack, the mesh service (streaming every window)
    /// and `apps`.
    pub fn boot(apps: &[App]) -> Rig {
        Rig::boot_on((WIDTH, HEIGHT), apps)
    }

    /// [`Rig::boot`] with a display of `size`.
    pub fn boot_on(size: (u32, u32), apps: &[App]) -> Rig {
        let display = HostDisplay::headless(size.0, size.1);
        let mut system = System::new(&[
            ("input", input::entry),
            ("display-hosted", display_hosted::entry),
            ("compositor", compositor::entry),
            ("mesh", mesh::entry),
            ("stream-demo", mesh::demo::entry),
        ]);
        if std::env::var_os("WEFT_TEST_ECHO").is_some() {
            system.hosted().debug_log().set_echo(true);
        }
        system.start(Service::new("input", "input").exposes("weft.input.device").exposes("weft.input")).unwrap();
        system
            .start(
                Service::new("display", "display-hosted")
                    .exposes("weft.display")
                    .uses("weft.input.device", &[])
                    .device("device:display", display.clone()),
            )
            .unwrap();
        system
            .start(
                Service::new("compositor", "compositor")
                    .exposes("weft.compositor")
                    .exposes("weft.compositor.shell")
                    .exposes("weft.compositor.capture")
                    .uses("weft.display", &[])
                    .uses("weft.input", &[]),
            )
            .unwrap();
        let port = free_port();
        system
            .start(
                Service::new("mesh", "mesh")
                    .exposes("weft.mesh")
                    .uses("weft.compositor.capture", &["capture", "control"])
                    .arg("stream", "all")
                    .arg("listen", &format!("tcp/127.0.0.1:{port}"))
                    .arg("scouting", "false")
                    .arg("viewer-timeout-ms", "1500")
                    .arg("keepalive-ms", "200")
                    .arg("heartbeat-ms", "200"),
            )
            .unwrap();
        let mesh = system.connect::<MeshProtocol>("test", &["control"]).unwrap();
        let mut rig = Rig { display, system, port, session: viewer_session(port), mesh };
        for app in apps {
            rig.start_app(app);
        }
        rig
    }

    /// Start a demo window.
    pub fn start_app(&mut self, app: &App) {
        let marker = format!("{:02x}{:02x}{:02x}", app.marker[0], app.marker[1], app.marker[2]);
        let mut service = Service::new(app.name, "stream-demo")
            .uses("weft.compositor", &[])
            .arg("title", app.name)
            .arg("app_id", app.name)
            .arg("mode", app.mode)
            .arg("marker", &marker)
            .arg("width", &app.size.0.to_string())
            .arg("height", &app.size.1.to_string());
        if app.animate {
            service = service.arg("animate", "true");
        }
        self.system.start(service).unwrap();
        assert!(self.system.wait_for_log(&format!("{}: presented", app.name), WAIT), "{} never drew", app.name);
    }

    /// The mesh service's state.
    pub fn status(&self) -> MeshStatus {
        match self.mesh.call_until(&MeshRequest::Status, Deadline::after(WAIT)).expect("mesh status") {
            MeshResponse::Status(status) => status,
            other => panic!("unexpected {other:?}"),
        }
    }

    /// One stream's state.
    pub fn stream_status(&self, app: &str) -> Option<StreamStatus> {
        self.status().streams.into_iter().find(|stream| stream.app == app)
    }

    /// Wait until the mesh streams `app`.
    pub fn wait_streaming(&self, app: &str) {
        assert!(eventually(WAIT, || self.stream_status(app).is_some()), "{app} never streamed");
    }

    /// Open a viewer stream of `app` on the rig's session.
    pub fn view(&self, app: &str) -> ViewerStream {
        self.wait_streaming(app);
        ViewerStream::open(&self.session, AppId::new(app).unwrap(), stream_options()).unwrap()
    }

    /// Bytes mapped by the process of service `name`.
    pub fn mapped_bytes(&self, name: &str) -> u64 {
        self.system
            .hosted()
            .processes()
            .iter()
            .filter(|process| process.name() == name)
            .map(|process| process.mapped_bytes)
            .sum()
    }

    /// Type `text` on the local keyboard (the seat's, not a viewer's).
    pub fn type_locally(&self, keys: &[Key]) {
        let input = self.system.connect::<InputProtocol>("test-seat", &["inject"]).unwrap();
        for key in keys {
            for state in [KeyState::Pressed, KeyState::Released] {
                let events = vec![InjectedEvent::Raw(RawEvent::Key { key: *key, state })];
                assert_eq!(input.call(&InputRequest::Inject(events)).unwrap(), InputResponse::Injected);
            }
        }
    }
}

/// Wait until `condition` holds or `timeout` passes (polling; never a
/// fixed sleep standing in for an assertion).
pub fn eventually(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// A picture: size and premultiplied RGBA rows, packed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl Picture {
    /// Where the first pixel that differs from `other` is, if any.
    pub fn first_difference(&self, other: &Picture) -> Option<(u32, u32)> {
        if (self.width, self.height) != (other.width, other.height) {
            return Some((0, 0));
        }
        let index = self.pixels.iter().zip(&other.pixels).position(|(a, b)| a != b)?;
        let pixel = index as u32 / 4;
        Some((pixel % self.width, pixel / self.width))
    }

    /// Bounding box of the pixels that differ from `other` (same size).
    pub fn difference_bounds(&self, other: &Picture) -> Option<(u32, u32, u32, u32)> {
        let mut bounds: Option<(u32, u32, u32, u32)> = None;
        for (index, (a, b)) in self.pixels.chunks_exact(4).zip(other.pixels.chunks_exact(4)).enumerate() {
            if a != b {
                let (x, y) = (index as u32 % self.width, index as u32 / self.width);
                bounds = Some(match bounds {
                    None => (x, y, x + 1, y + 1),
                    Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1)),
                });
            }
        }
        bounds
    }
}

/// The viewer's decoded picture, if any.
pub fn viewer_picture(stream: &ViewerStream) -> Option<Picture> {
    let surface = stream.surface()?;
    let (width, height) = (surface.width(), surface.height());
    let mut pixels = Vec::with_capacity(width as usize * height as usize * 4);
    let full = weft_wlstream::Rect::full(width, height);
    for row in 0..height {
        pixels.extend_from_slice(surface.rect_row(&full, row));
    }
    Some(Picture { width, height, pixels })
}

/// Bounding box (x0, y0, x1, y1) of pixels of exactly `rgb` on screen.
pub fn find(snapshot: &Snapshot, rgb: [u8; 3]) -> Option<(u32, u32, u32, u32)> {
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    for y in 0..snapshot.height {
        for x in 0..snapshot.width {
            if snapshot.pixel(x, y)[..3] == rgb {
                bounds = Some(match bounds {
                    None => (x, y, x + 1, y + 1),
                    Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1)),
                });
            }
        }
    }
    bounds
}

/// The window framed in `marker` as the compositor put it on screen.
pub fn on_screen(display: &HostDisplay, marker: [u8; 3]) -> Option<Picture> {
    let snapshot = display.snapshot();
    let (x0, y0, x1, y1) = find(&snapshot, marker)?;
    let mut pixels = Vec::new();
    for y in y0..y1 {
        for x in x0..x1 {
            pixels.extend_from_slice(&snapshot.pixel(x, y));
        }
    }
    Some(Picture { width: x1 - x0, height: y1 - y0, pixels })
}

/// The picture `stream-demo` draws in text mode after typing `typed`.
pub fn demo_text(width: u32, height: u32, marker: [u8; 3], typed: &str) -> Picture {
    let mut demo = mesh::demo::Demo::new(mesh::demo::Mode::Text, width, height, Some([marker[0], marker[1], marker[2], 255]), 100);
    for key in weft_viewer::script::key_events(typed) {
        if key.state == KeyState::Pressed {
            demo.key(key.key, &key.text);
        }
    }
    let canvas = demo.canvas();
    Picture { width: canvas.width, height: canvas.height, pixels: canvas.pixels.clone() }
}

/// Poll `stream` until `done` holds for its picture, or `timeout`.
pub fn watch(stream: &mut ViewerStream, timeout: Duration, mut done: impl FnMut(&Picture) -> bool) -> Option<Picture> {
    let deadline = Instant::now() + timeout;
    let mut last = None;
    while Instant::now() < deadline {
        stream.poll(Duration::from_millis(10)).unwrap();
        if let Some(picture) = viewer_picture(stream) {
            if done(&picture) {
                return Some(picture);
            }
            last = Some(picture);
        }
    }
    let _ = last;
    None
}

/// Poll until the viewer's picture equals what the compositor shows for
/// the window framed in `marker` (the seat's cursor may cover part of it:
/// differences must fit in a 32 × 32 box). Returns the picture.
pub fn watch_matching_screen(stream: &mut ViewerStream, display: &HostDisplay, marker: [u8; 3]) -> Picture {
    let mut seen = None;
    let matched = watch(stream, WAIT, |picture| {
        let Some(screen) = on_screen(display, marker) else {
            return false;
        };
        seen = Some(screen.clone());
        if (screen.width, screen.height) != (picture.width, picture.height) {
            return false;
        }
        match picture.difference_bounds(&screen) {
            None => true,
            Some((x0, y0, x1, y1)) => x1 - x0 <= 32 && y1 - y0 <= 32,
        }
    });
    match matched {
        Some(picture) => picture,
        None => panic!(
            "the viewer never showed what the screen shows: viewer {:?}, screen {:?}",
            viewer_picture(stream).map(|p| (p.width, p.height)),
            seen.map(|p| (p.width, p.height))
        ),
    }
}
