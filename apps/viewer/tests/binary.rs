//! The `weft-viewer` binary end to end: headless mode writes PNGs and
//! plays scripted input; under X (Xvfb) the windowed viewer opens and
//! presents a frame.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use weft_types::InputEvent;
use weft_viewer::link::free_port;
use weft_viewer::publisher::AppEvent;
use weft_viewer::testing::{TestApp, endpoint, eventually};
use weft_wlstream::synthetic::text_page;

fn viewer() -> Command {
    Command::new(env!("CARGO_BIN_EXE_weft-viewer"))
}

fn scratch(name: &str) -> PathBuf {
    let directory = std::env::temp_dir().join(format!("weft-viewer-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    std::fs::create_dir_all(&directory).unwrap();
    directory
}

#[test]
fn headless_writes_pngs_and_types() {
    let port = free_port();
    let app = TestApp::start("term", port, text_page(320, 96, 4), true);
    let out = scratch("headless");
    let output = viewer()
        .args(["--headless", "--out"])
        .arg(&out)
        .args(["--frames", "2", "--app", "term", "--no-scouting", "--connect", &endpoint(port)])
        .args(["--type", "ok", "--timeout", "30"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "stdout {stdout}\nstderr {}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("seq 0 key"), "{stdout}");
    // The first PNG is exactly the app's first picture.
    let first = image::open(out.join("term-0000.png")).unwrap().to_rgba8();
    assert_eq!(first.as_raw(), &text_page(320, 96, 4).pixels);
    // The typed text reached the app, which drew it; frame 2 shows it.
    let typed: String = app
        .events()
        .iter()
        .filter_map(|event| match event {
            AppEvent::Input(InputEvent::Key(key)) => Some(key.text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(typed, "ok");
    let second = image::open(out.join("term-0001.png")).unwrap().to_rgba8();
    assert_ne!(second.as_raw(), first.as_raw());
}

#[test]
fn list_finds_the_app_from_its_heartbeat() {
    let port = free_port();
    let _app = TestApp::start("listed", port, text_page(64, 32, 1), false);
    let output = viewer()
        .args(["--list", "--no-scouting", "--connect", &endpoint(port), "--timeout", "2"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    assert!(stdout.contains("machine test-machine"), "{stdout}");
    assert!(stdout.contains("app listed  Test  64x32"), "{stdout}");
}

/// An Xvfb server on a free display, killed on drop.
struct Xvfb(Child, String);

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_xvfb() -> Option<Xvfb> {
    for number in 90..110 {
        if std::path::Path::new(&format!("/tmp/.X11-unix/X{number}")).exists() {
            continue;
        }
        let display = format!(":{number}");
        let child = Command::new("Xvfb")
            .args([display.as_str(), "-screen", "0", "1024x768x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let socket = format!("/tmp/.X11-unix/X{number}");
        let server = Xvfb(child, display);
        if eventually(Duration::from_secs(5), || std::path::Path::new(&socket).exists()) {
            return Some(server);
        }
    }
    None
}

#[test]
fn window_presents_a_frame_under_x() {
    let Some(xvfb) = start_xvfb() else {
        eprintln!("skipped: Xvfb is not installed (apt-get install xvfb)");
        return;
    };
    let port = free_port();
    let picture = text_page(200, 100, 6);
    let _app = TestApp::start("windowed", port, picture.clone(), false);
    let shot = scratch("window").join("shot.png");
    let output = viewer()
        .env("DISPLAY", &xvfb.1)
        .env_remove("WAYLAND_DISPLAY")
        .args(["--app", "windowed", "--no-scouting", "--connect", &endpoint(port)])
        .arg("--screenshot")
        .arg(&shot)
        .args(["--timeout", "30"])
        .output()
        .unwrap();
    assert!(output.status.success(), "stderr {}", String::from_utf8_lossy(&output.stderr));
    let presented = image::open(&shot).unwrap().to_rgba8();
    assert!(presented.width() >= 100 && presented.height() >= 50);
    // Opaque surface pixels appear unchanged in the window.
    for (x, y) in [(0, 0), (20, 8), (60, 40), (99, 49)] {
        let expected = &picture.pixels[(y * 200 + x) as usize * 4..][..3];
        assert_eq!(&presented.get_pixel(x, y).0[..3], expected, "pixel {x},{y}");
    }
}
