//! A streaming system for tests: the hosted board's own desktop
//! (`weft_board_hosted::desktop::Desktop`: root manager, input, headless
//! display, compositor, shell, probe) booted as a streaming server — the
//! mesh service at boot, listening on a loopback port of the test's own
//! with scouting off — plus `stream-demo` windows, and viewers that are
//! real `weft-viewer`s: its core in-process ([`ViewerStream`]) or its
//! command line in a process of its own ([`ViewerProcess`]). Viewer and
//! mesh are two Zenoh peers over `tcp/127.0.0.1`, so runs do not depend on
//! the network and tests can run in parallel.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use weft_board_hosted::desktop::{Desktop, DesktopOptions};
use weft_board_hosted::stream::StreamSetup;
use weft_display_hosted::HostDisplay;
use weft_manifest::Manifest;
use weft_mesh_api::{MeshStatus, StreamStatus};
use weft_types::KeyState;
use weft_viewer::link::{self, LinkOptions, free_port};
use weft_viewer::stream::ViewerStream;
use weft_wlstream::keys::AppId;

pub use crate::pixels::find;
/// Fast viewer timings, the loopback endpoint, and waiting: the viewer's
/// own test helpers.
pub use weft_viewer::testing::{endpoint, eventually, stream_options};

/// Display size.
pub const WIDTH: u32 = 1280;
/// Display height.
pub const HEIGHT: u32 = 800;
/// Generous: CI machines are slow and shared.
pub const WAIT: Duration = Duration::from_secs(20);
/// The mesh forgets a silent viewer after this long.
pub const VIEWER_TIMEOUT: Duration = Duration::from_millis(1500);

/// The environment variable that carries a viewer process's command line.
pub const VIEWER_ARGS: &str = "WEFT_MESH_TEST_VIEWER_ARGS";

/// A demo window to start.
pub struct App {
    /// Its service name, title and app id.
    pub name: &'static str,
    /// What `stream-demo` draws (`text`, `list`, ...).
    pub mode: &'static str,
    /// The colour of its one-pixel frame, to find it on screen.
    pub marker: [u8; 3],
    /// Its size in pixels.
    pub size: (u32, u32),
    /// Whether it redraws on its own.
    pub animate: bool,
}

impl App {
    /// A text window of `size` framed in `marker`.
    pub fn text(name: &'static str, marker: [u8; 3], size: (u32, u32)) -> App {
        App { name, mode: "text", marker, size, animate: false }
    }

    /// Its manifest: a `stream-demo` started at boot.
    fn manifest(&self) -> Manifest {
        let [r, g, b] = self.marker;
        let text = format!(
            "name = \"{name}\"\nprogram = \"stream-demo\"\nrestart = \"never\"\nstart = \"boot\"\n\
             [args]\ntitle = \"{name}\"\napp_id = \"{name}\"\nmode = \"{mode}\"\n\
             marker = \"{r:02x}{g:02x}{b:02x}\"\nwidth = \"{width}\"\nheight = \"{height}\"\nanimate = \"{animate}\"\n\
             [[use]]\nprotocol = \"weft.compositor\"\n",
            name = self.name,
            mode = self.mode,
            width = self.size.0,
            height = self.size.1,
            animate = self.animate,
        );
        weft_manifest::compile::parse_manifest(&text, self.name).expect("the demo manifest parses")
    }
}

/// A running streaming desktop and a viewer session.
pub struct Rig {
    /// The desktop.
    pub desktop: Desktop,
    /// The loopback port the mesh listens on.
    pub port: u16,
    /// A viewer's Zenoh session with the mesh.
    pub session: zenoh::Session,
}

/// A viewer peer connected to `port` on loopback.
pub fn viewer_session(port: u16) -> zenoh::Session {
    link::open(&LinkOptions::loopback(&[endpoint(port)], &[])).expect("viewer session")
}

impl Rig {
    /// Boot the desktop as a streaming server with `apps` (streaming every
    /// window) and wait until each app drew.
    pub fn boot(apps: &[App]) -> Rig {
        Rig::boot_on((WIDTH, HEIGHT), apps)
    }

    /// [`Rig::boot`] on a display of `size`.
    pub fn boot_on(size: (u32, u32), apps: &[App]) -> Rig {
        Rig::boot_with(size, apps, Vec::new())
    }

    /// [`Rig::boot_on`] with further services (replacing the board's of
    /// the same name) and their programs.
    pub fn boot_with(
        size: (u32, u32),
        apps: &[App],
        services: Vec<(Manifest, weft_kernel_hosted::ProgramMain)>,
    ) -> Rig {
        let port = free_port();
        let stream = StreamSetup::loopback(port)
            .arg("viewer-timeout-ms", &VIEWER_TIMEOUT.as_millis().to_string())
            .arg("keepalive-ms", "200")
            .arg("heartbeat-ms", "200");
        let mut extra: Vec<(Manifest, weft_kernel_hosted::ProgramMain)> = apps
            .iter()
            .map(|app| (app.manifest(), weft_mesh::demo::entry as weft_kernel_hosted::ProgramMain))
            .collect();
        extra.extend(services);
        let options = DesktopOptions {
            width: size.0,
            height: size.1,
            extra,
            stream: Some(stream),
            ..DesktopOptions::default()
        };
        let desktop = Desktop::boot(options).expect("the desktop boots");
        for app in apps {
            let drew = desktop.system.wait_for_log(&format!("{}: presented", app.name), WAIT);
            assert!(drew, "{} never drew", app.name);
        }
        // The local cursor out of the way of every window.
        desktop.point(size.0 - 8, size.1 - 8).unwrap();
        Rig { desktop, port, session: viewer_session(port) }
    }

    /// The screen.
    pub fn display(&self) -> &HostDisplay {
        &self.desktop.display
    }

    /// Whether the kernel log has a line containing `needle` within `WAIT`.
    pub fn wait_for_log(&self, needle: &str) -> bool {
        self.desktop.system.wait_for_log(needle, WAIT)
    }

    /// The kernel log so far.
    pub fn log_contains(&self, needle: &str) -> bool {
        self.desktop.system.hosted.debug_log().contains(needle)
    }

    /// The mesh service's state (through the probe's `weft.mesh` route).
    pub fn status(&self) -> MeshStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            match self.desktop.mesh_status() {
                Ok(status) => return status,
                Err(error) if Instant::now() > deadline => panic!("no mesh status: {error}"),
                Err(_) => std::thread::sleep(Duration::from_millis(50)),
            }
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
        self.desktop.mapped_bytes(name).expect("process list")
    }
}

/// A picture: size and premultiplied RGBA rows, packed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Picture {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// RGBA bytes, row after row.
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

    /// A PNG the viewer wrote (straight alpha; the demo is opaque, so it
    /// equals the premultiplied picture).
    pub fn from_png(path: &Path) -> Picture {
        Picture::read_png(path).unwrap_or_else(|| panic!("{} is not a PNG", path.display()))
    }

    /// [`Picture::from_png`] of a file that may still be being written.
    pub fn read_png(path: &Path) -> Option<Picture> {
        let image = image::open(path).ok()?.to_rgba8();
        Some(Picture { width: image.width(), height: image.height(), pixels: image.into_raw() })
    }
}

/// The viewer's decoded picture, if any.
pub fn viewer_picture(stream: &ViewerStream) -> Option<Picture> {
    let surface = stream.surface()?;
    let (width, height) = (surface.width(), surface.height());
    let mut pixels = Vec::with_capacity(width as usize * height as usize * 4);
    let full = weft_wlstream::SurfaceRect::full(width, height);
    for row in 0..height {
        pixels.extend_from_slice(surface.rect_row(&full, row));
    }
    Some(Picture { width, height, pixels })
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

/// The picture `stream-demo` draws in text mode after typing `typed`,
/// computed here, independently of the app's buffers.
pub fn demo_text(width: u32, height: u32, marker: [u8; 3], typed: &str) -> Picture {
    demo_picture(weft_mesh::demo::Mode::Text, (width, height), marker, typed)
}

/// The picture `stream-demo` in `mode` draws after the keys of `typed`.
pub fn demo_picture(mode: weft_mesh::demo::Mode, size: (u32, u32), marker: [u8; 3], typed: &str) -> Picture {
    let marker = Some([marker[0], marker[1], marker[2], 255]);
    let mut demo = weft_mesh::demo::Demo::new(mode, size.0, size.1, marker, 100);
    for key in weft_viewer::script::key_events(typed) {
        if key.state == KeyState::Pressed {
            demo.key(key.key, &key.text);
        }
    }
    let canvas = demo.canvas();
    Picture { width: canvas.width, height: canvas.height, pixels: canvas.pixels.clone() }
}

/// Poll `stream` until `done` holds for its picture, or `timeout`.
pub fn watch(
    stream: &mut ViewerStream,
    timeout: Duration,
    mut done: impl FnMut(&Picture) -> bool,
) -> Option<Picture> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        stream.poll(Duration::from_millis(10)).unwrap();
        if let Some(picture) = viewer_picture(stream)
            && done(&picture)
        {
            return Some(picture);
        }
    }
    None
}

/// Wait until the compositor shows exactly `expected` for the window
/// framed in `marker` (the local cursor is parked off every window).
pub fn wait_on_screen(display: &HostDisplay, marker: [u8; 3], expected: &Picture) {
    let shown = eventually(WAIT, || on_screen(display, marker).as_ref() == Some(expected));
    let screen = on_screen(display, marker);
    assert!(
        shown,
        "the screen never showed the window as expected: screen {:?}, first difference {:?}",
        screen.as_ref().map(|p| (p.width, p.height)),
        screen.as_ref().and_then(|p| p.first_difference(expected))
    );
}

/// Poll until the viewer's picture is `expected` and the compositor shows
/// exactly that for the window framed in `marker`.
pub fn watch_matching(stream: &mut ViewerStream, display: &HostDisplay, marker: [u8; 3], expected: &Picture) {
    let seen = watch(stream, WAIT, |picture| picture == expected);
    assert!(
        seen.is_some(),
        "the viewer never showed the expected picture: viewer {:?}, first difference {:?}",
        viewer_picture(stream).map(|p| (p.width, p.height)),
        viewer_picture(stream).and_then(|p| p.first_difference(expected))
    );
    wait_on_screen(display, marker, expected);
}

/// A `weft-viewer` process: the test binary re-run as the `viewer_process`
/// helper, which runs `weft_viewer::cli::run` — the binary's own code —
/// with `args`.
pub struct ViewerProcess {
    child: Child,
    /// Where it writes its PNGs.
    pub out: PathBuf,
}

/// One frame a viewer process reported (`frame <app> seq N key|delta ...`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportedFrame {
    /// The frame's sequence number.
    pub sequence: u64,
    /// Whether it was a keyframe.
    pub keyframe: bool,
    /// Where the viewer wrote it.
    pub path: PathBuf,
}

/// A fresh scratch directory.
pub fn scratch(name: &str) -> PathBuf {
    let directory = std::env::temp_dir().join(format!("weft-mesh-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

impl ViewerProcess {
    /// Start `weft-viewer --headless --out <scratch> --no-scouting
    /// --connect <port> --app <app> <args>`.
    pub fn headless(name: &str, port: u16, app: &str, args: &[&str]) -> ViewerProcess {
        let out = scratch(name);
        let mut line: Vec<String> = vec!["--headless".into(), "--out".into(), out.display().to_string()];
        for arg in ["--no-scouting", "--connect", &endpoint(port), "--app", app] {
            line.push(arg.into());
        }
        line.extend(args.iter().map(|arg| arg.to_string()));
        let child = Command::new(std::env::current_exe().unwrap())
            .args(["viewer_process", "--exact", "--ignored", "--nocapture", "--test-threads", "1"])
            .env(VIEWER_ARGS, line.join("\u{1f}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the viewer process");
        ViewerProcess { child, out }
    }

    /// The PNGs written so far, in order.
    pub fn pngs(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.out)
            .map(|entries| entries.filter_map(|entry| entry.ok().map(|entry| entry.path())).collect())
            .unwrap_or_default();
        files.retain(|path| path.extension().is_some_and(|extension| extension == "png"));
        files.sort();
        files
    }

    /// Kill it (SIGKILL: no goodbye reaches the mesh).
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        let _ = self.child.wait();
    }

    /// Wait for it to exit (killing it after `timeout`); panics unless it
    /// succeeded. Returns the frames it reported.
    pub fn finish(mut self, timeout: Duration) -> Vec<ReportedFrame> {
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break Some(status);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut stdout = String::new();
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stdout.take() {
            let _ = pipe.read_to_string(&mut stdout);
        }
        if let Some(mut pipe) = self.child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        assert!(
            status.is_some_and(|status| status.success()),
            "the viewer failed ({status:?}):\n{stdout}\n{stderr}"
        );
        stdout.lines().filter_map(parse_frame_line).collect()
    }
}

/// `frame <app> seq <N> key|delta <B> bytes latency <L> ms -> <path>` (the
/// test harness may print `test viewer_process ... ` before the first).
fn parse_frame_line(line: &str) -> Option<ReportedFrame> {
    let line = &line[line.find("frame ")?..];
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.first() != Some(&"frame") || words.get(2) != Some(&"seq") {
        return None;
    }
    Some(ReportedFrame {
        sequence: words.get(3)?.parse().ok()?,
        keyframe: *words.get(4)? == "key",
        path: PathBuf::from(line.rsplit_once(" -> ")?.1),
    })
}
