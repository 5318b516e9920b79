//! The hosted graphics stack with the Wayland front, for tests: the input
//! service, the headless display, the compositor and the bridge, started
//! by the root manager, plus helpers to run real Wayland clients and read
//! their windows off the framebuffer.

pub mod probe;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use weft_display_hosted::{HostDisplay, Snapshot};

use crate::graph::{Graph, GraphOptions, Service, graphics};
use crate::seat::Seat;

pub use crate::pixels::find;

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
    /// The test graph (processes, log).
    pub system: Graph,
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
    let runtime = fresh_runtime_dir();
    let socket = "wayland-weft".to_string();
    let path = runtime.join(&socket);
    let wayland = Service::new("wayland", "wayland")
        .uses("weft.compositor", &[])
        .arg("socket", path.to_str().expect("UTF-8 temp path"));
    let system = GraphOptions::default()
        .services(graphics(display.clone()))
        .services([wayland])
        .harness_uses("weft.input", &["inject"])
        .boot()
        .expect("the graph boots");
    assert!(system.wait_for_log("compositor ready", WAIT), "the compositor did not start");
    assert!(system.wait_for_log("wayland: listening on", WAIT), "the Wayland front did not start");
    let seat = system.seat((WIDTH, HEIGHT)).at_pixel_centres();
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

pub use crate::installed;

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
