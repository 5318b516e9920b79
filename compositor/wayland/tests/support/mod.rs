//! The hosted graphics stack with the Wayland front, for tests: the input
//! service, the headless display, the compositor and the bridge, wired as
//! their manifests wire them, plus helpers to inject input, find windows
//! in the framebuffer and run real Wayland clients.
#![allow(dead_code, reason = "each test binary uses some of the helpers")]

pub mod probe;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use weft_compositor_testing::{Service, System};
use weft_display_hosted::{HostDisplay, Snapshot};
use weft_input_api::{InjectedEvent, InputProtocol, InputRequest, InputResponse, RawEvent};
use weft_ipc::Client;
use weft_types::{Button, Key, KeyState};

/// Output size of the headless display.
pub const WIDTH: u32 = 800;
/// Output size of the headless display.
pub const HEIGHT: u32 = 600;
/// How long anything may take.
pub const WAIT: Duration = Duration::from_secs(30);

/// The decoration colours and metrics the compositor uses (its default theme).
pub fn decorations() -> weft_compositor::Theme {
    weft_compositor::Theme::from_toolkit(&weft_theme::Theme::light())
}

/// A booted system with the bridge listening.
pub struct Rig {
    /// The test system (processes, routes, log).
    pub system: System,
    /// The headless framebuffer.
    pub display: Arc<HostDisplay>,
    /// Injects input as a device would.
    pub seat: Seat,
    /// `XDG_RUNTIME_DIR` for the clients; holds the socket.
    pub runtime: PathBuf,
    /// The socket's name in `runtime` (`WAYLAND_DISPLAY`).
    pub socket: String,
}

impl Drop for Rig {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.runtime);
    }
}

fn fresh_runtime_dir() -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "weft-wayland-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("runtime directory");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("chmod 700");
    dir
}

/// Boot input, display, compositor and the bridge; wait for the socket.
pub fn boot() -> Rig {
    let display = HostDisplay::headless(WIDTH, HEIGHT);
    let mut system = System::new(&[
        ("input", weft_input::entry),
        ("display-hosted", weft_display_hosted::entry),
        ("compositor", weft_compositor_service::entry),
        ("wayland", weft_wayland::entry),
    ]);
    if std::env::var_os("WEFT_TEST_ECHO").is_some() {
        system.hosted().debug_log().set_echo(true);
    }
    system.start_graphics(display.clone()).unwrap();
    assert!(system.wait_for_log("compositor ready", WAIT), "the compositor did not start");
    let runtime = fresh_runtime_dir();
    let socket = "wayland-weft".to_string();
    let path = runtime.join(&socket);
    system
        .start(
            Service::new("wayland", "wayland")
                .uses("weft.compositor", &[])
                .arg("socket", path.to_str().expect("UTF-8 temp path")),
        )
        .unwrap();
    assert!(system.wait_for_log("wayland: listening on", WAIT), "the Wayland front did not start");
    let seat = Seat(system.connect::<InputProtocol>("test", &["inject"]).unwrap());
    Rig { system, display, seat, runtime, socket }
}

impl Rig {
    /// The socket's full path.
    pub fn socket_path(&self) -> PathBuf {
        self.runtime.join(&self.socket)
    }

    /// A command for a real client, pointed at the bridge.
    pub fn client(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command
            .env("XDG_RUNTIME_DIR", &self.runtime)
            .env("WAYLAND_DISPLAY", &self.socket)
            .env_remove("DISPLAY")
            .stdin(Stdio::null());
        if std::env::var_os("WEFT_TEST_ECHO").is_none() {
            command.stdout(Stdio::null()).stderr(Stdio::null());
        }
        command
    }

    /// Wait until the debug log has a line containing `needle`.
    pub fn log(&self, needle: &str) -> bool {
        self.system.wait_for_log(needle, WAIT)
    }
}

/// Whether `program` is installed; prints why a test is skipped if not.
pub fn installed(program: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()));
    if !found {
        eprintln!("SKIPPED: `{program}` is not installed (Debian: apt-get install weston foot)");
    }
    found
}

/// A child process killed when dropped.
pub struct Running(pub Child);

impl Running {
    /// Whether it has exited, waiting up to `timeout`.
    pub fn exited_within(&mut self, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Injects input into the input service (`inject` grant).
pub struct Seat(pub Client<InputProtocol>);

impl Seat {
    /// Inject raw device events.
    pub fn inject(&self, events: Vec<RawEvent>) {
        let events = events.into_iter().map(InjectedEvent::Raw).collect();
        assert_eq!(self.0.call(&InputRequest::Inject(events)).unwrap(), InputResponse::Injected);
    }

    /// Move the pointer to an output pixel.
    pub fn point(&self, x: u32, y: u32) {
        self.inject(vec![RawEvent::PointerAbsolute {
            x: (x as f32 + 0.5) / WIDTH as f32,
            y: (y as f32 + 0.5) / HEIGHT as f32,
        }]);
    }

    /// Press or release the left button.
    pub fn button(&self, state: KeyState) {
        self.inject(vec![RawEvent::Button { button: Button::Left, state }]);
    }

    /// Click at an output pixel.
    pub fn click(&self, x: u32, y: u32) {
        self.point(x, y);
        self.button(KeyState::Pressed);
        self.button(KeyState::Released);
    }

    /// Press and release a key.
    pub fn key(&self, key: Key) {
        self.inject(vec![
            RawEvent::Key { key, state: KeyState::Pressed },
            RawEvent::Key { key, state: KeyState::Released },
        ]);
    }

    /// Type lower-case letters, digits, spaces and newlines.
    pub fn type_text(&self, text: &str) {
        for c in text.chars() {
            let key = match c {
                'a'..='z' => {
                    let letters = [
                        Key::A,
                        Key::B,
                        Key::C,
                        Key::D,
                        Key::E,
                        Key::F,
                        Key::G,
                        Key::H,
                        Key::I,
                        Key::J,
                        Key::K,
                        Key::L,
                        Key::M,
                        Key::N,
                        Key::O,
                        Key::P,
                        Key::Q,
                        Key::R,
                        Key::S,
                        Key::T,
                        Key::U,
                        Key::V,
                        Key::W,
                        Key::X,
                        Key::Y,
                        Key::Z,
                    ];
                    letters[(c as u8 - b'a') as usize]
                }
                ' ' => Key::SPACE,
                '\n' => Key::ENTER,
                '>' => {
                    self.inject(vec![RawEvent::Key { key: Key::LEFT_SHIFT, state: KeyState::Pressed }]);
                    self.key(Key::DOT);
                    self.inject(vec![RawEvent::Key { key: Key::LEFT_SHIFT, state: KeyState::Released }]);
                    continue;
                }
                '/' => Key::SLASH,
                '.' => Key::DOT,
                '-' => Key::MINUS,
                other => panic!("cannot type {other:?}"),
            };
            self.key(key);
        }
    }
}

/// Bounding box `(x0, y0, x1, y1)` of pixels of exactly `rgb`.
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

/// The content rectangle `(x, y, width)` of the topmost focused window:
/// found by its title bar, the first band of the active title colour at
/// least `title_height` rows tall and 80 pixels wide (client content
/// may contain that colour too, but not in such a band).
pub fn focused_window(snapshot: &Snapshot) -> Option<(u32, u32, u32)> {
    let theme = decorations();
    let title = [theme.title_active.r, theme.title_active.g, theme.title_active.b];
    let is_title = |x: u32, y: u32| snapshot.pixel(x, y)[..3] == title;
    for y in 0..snapshot.height {
        let (mut start, mut best) = (0, (0, 0));
        for x in 0..=snapshot.width {
            if x == snapshot.width || !is_title(x, y) {
                if x - start > best.1 - best.0 {
                    best = (start, x);
                }
                start = x + 1;
            }
        }
        let (left, right) = best;
        if right - left < 80 {
            continue;
        }
        let height = (y..snapshot.height).take_while(|&row| is_title(left + 1, row)).count() as u32;
        // The title bar may run on into a client's own margin of the
        // same colour: the content starts one title height down.
        if height + 2 >= theme.title_height {
            return Some((left, y + theme.title_height.min(height), right - left));
        }
    }
    None
}

/// How many pixels of `region` differ between two snapshots.
pub fn changed_pixels(a: &Snapshot, b: &Snapshot, (x, y, width, height): (u32, u32, u32, u32)) -> usize {
    let mut changed = 0;
    for row in y..(y + height).min(a.height) {
        for column in x..(x + width).min(a.width) {
            if a.pixel(column, row) != b.pixel(column, row) {
                changed += 1;
            }
        }
    }
    changed
}

/// Save a screenshot when `WEFT_SCREENSHOT_DIR` is set.
pub fn keep_screenshot(snapshot: &Snapshot, name: &str) {
    if let Some(dir) = std::env::var_os("WEFT_SCREENSHOT_DIR") {
        let _ = std::fs::create_dir_all(&dir);
        let path = Path::new(&dir).join(name);
        snapshot.save_png(&path).expect("save screenshot");
    }
}
