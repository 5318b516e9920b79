//! The compositor through real processes under the hosted kernel: the
//! hosted headless display, the input service, the compositor and small
//! client programs, wired like the service graph wires them.

mod programs;

use std::time::Duration;

use weft_compositor_testing::{Service, System};
use weft_display_hosted::{HostDisplay, Snapshot};
use weft_input_api::{InjectedEvent, InputProtocol, InputRequest, InputResponse, RawEvent};
use weft_ipc::Client;
use weft_types::{Button, Key, KeyState};

const WIDTH: u32 = 640;
const HEIGHT: u32 = 480;
const WAIT: Duration = Duration::from_secs(20);

fn boot(display: &std::sync::Arc<HostDisplay>) -> System {
    let mut system = System::new(&[
        ("input", weft_input::entry),
        ("display-hosted", weft_display_hosted::entry),
        ("compositor", weft_compositor_service::entry),
        ("test-client", programs::test_client),
        ("garbage-client", programs::garbage_client),
        ("liar-client", programs::liar_client),
        ("short-client", programs::short_client),
    ]);
    if std::env::var_os("WEFT_TEST_ECHO").is_some() {
        system.hosted().debug_log().set_echo(true);
    }
    system.start_graphics(display.clone()).unwrap();
    system
}

fn client(name: &str, color: &str) -> Service {
    Service::new(name, "test-client").uses("weft.compositor", &[]).arg("color", color).arg("title", name)
}

/// Bounding box of pixels of exactly `rgb`.
fn find(snapshot: &Snapshot, rgb: [u8; 3]) -> Option<(u32, u32, u32, u32)> {
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    for y in 0..snapshot.height {
        for x in 0..snapshot.width {
            let p = snapshot.pixel(x, y);
            if p[..3] == rgb {
                bounds = Some(match bounds {
                    None => (x, y, x + 1, y + 1),
                    Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1)),
                });
            }
        }
    }
    bounds
}

struct Seat(Client<InputProtocol>);

impl Seat {
    fn inject(&self, events: Vec<RawEvent>) {
        let events = events.into_iter().map(InjectedEvent::Raw).collect();
        assert_eq!(self.0.call(&InputRequest::Inject(events)).unwrap(), InputResponse::Injected);
    }

    fn point(&self, x: u32, y: u32) {
        self.inject(vec![RawEvent::PointerAbsolute {
            x: x as f32 / WIDTH as f32,
            y: y as f32 / HEIGHT as f32,
        }]);
    }

    fn button(&self, state: KeyState) {
        self.inject(vec![RawEvent::Button { button: Button::Left, state }]);
    }

    fn click(&self, x: u32, y: u32) {
        self.point(x, y);
        self.button(KeyState::Pressed);
        self.button(KeyState::Released);
    }

    fn key(&self, key: Key) {
        self.inject(vec![
            RawEvent::Key { key, state: KeyState::Pressed },
            RawEvent::Key { key, state: KeyState::Released },
        ]);
    }
}

const RED: [u8; 3] = [255, 0, 0];

/// The decoration colours the compositor uses (its default theme).
fn decorations() -> weft_compositor::Theme {
    weft_compositor::Theme::from_toolkit(&weft_theme::Theme::light())
}
const BLUE: [u8; 3] = [0, 0, 255];

#[test]
fn windows_through_real_processes() {
    let display = HostDisplay::headless(WIDTH, HEIGHT);
    let mut system = boot(&display);
    let seat = Seat(system.connect::<InputProtocol>("test", &["inject"]).unwrap());

    // A client presents: its pixels appear inside a decorated window.
    system.start(client("red", "ff0000")).unwrap();
    let (shot, ok) =
        display.wait_for(WAIT, |s| find(s, RED).is_some_and(|b| b.2 - b.0 == 200 && b.3 - b.1 == 150));
    assert!(ok, "red window never appeared: {:?}", find(&shot, RED));
    let (x0, y0, x1, _) = find(&shot, RED).unwrap();
    let title = decorations().title_active;
    assert_eq!(shot.pixel(x0 + 5, y0 - 10)[..3], [title.r, title.g, title.b], "title bar above the content");
    let border = decorations().border;
    assert_eq!(shot.pixel(x0 - 1, y0 + 10)[..3], [border.r, border.g, border.b], "frame around it");

    // Dragging the title bar moves the window.
    seat.point(x0 + 30, y0 - 15);
    seat.button(KeyState::Pressed);
    seat.point(x0 + 130, y0 + 45);
    seat.button(KeyState::Released);
    let (shot, ok) =
        display.wait_for(WAIT, |s| find(s, RED).is_some_and(|b| b.0 == x0 + 100 && b.1 == y0 + 60));
    assert!(ok, "window did not follow the drag: {:?}", find(&shot, RED));
    let (x0, y0, x1_moved, _) = find(&shot, RED).unwrap();
    assert_eq!(x1_moved - x0, x1 - (x1 - 200));

    // A second window opens on top and takes focus; clicking the first
    // brings it back and keys go to it.
    system.start(client("blue", "0000ff")).unwrap();
    let (_, ok) = display.wait_for(WAIT, |s| find(s, BLUE).is_some());
    assert!(ok, "blue window never appeared");
    if let Some(dir) = std::env::var_os("WEFT_SCREENSHOT_DIR") {
        let path = std::path::Path::new(&dir).join("hosted-two-windows.png");
        display.snapshot().save_png(&path).unwrap();
    }
    seat.key(Key::Q);
    assert!(system.wait_for_log("blue: key q", WAIT), "keys go to the newest window");
    seat.click(x0 + 190, y0 + 140);
    assert!(system.wait_for_log("red: click", WAIT));
    seat.key(Key::A);
    assert!(system.wait_for_log("red: key a", WAIT), "keys follow the click");

    // Misbehaving clients are disconnected; the others keep working.
    system.start(Service::new("garbage", "garbage-client").uses("weft.compositor", &[])).unwrap();
    system.start(Service::new("liar", "liar-client").uses("weft.compositor", &[])).unwrap();
    system.start(Service::new("short", "short-client").uses("weft.compositor", &[])).unwrap();
    assert!(system.wait_for_log("garbage: disconnected", WAIT));
    assert!(system.wait_for_log("liar: disconnected: unknown buffer 77", WAIT));
    assert!(system.wait_for_log("short: disconnected: buffer does not fit its memory", WAIT));
    seat.key(Key::B);
    assert!(system.wait_for_log("red: key b", WAIT), "the good client still works");

    // A client that dies mid-frame: its window goes away.
    system.kill("blue").unwrap();
    let (_, ok) = display.wait_for(WAIT, |s| find(s, BLUE).is_none());
    assert!(ok, "the dead client's window stayed");

    // The close button asks the client, which destroys its window; its
    // buffers come back and the window disappears.
    let shot = display.snapshot();
    let (x0, y0, x1, _) = find(&shot, RED).unwrap();
    seat.click(x1 - 10, y0 - 15);
    assert!(system.wait_for_log("red: close requested", WAIT));
    assert!(system.wait_for_log("red: released buffer", WAIT));
    let (shot, ok) = display.wait_for(WAIT, |s| find(s, RED).is_none());
    assert!(ok, "closed window still shown");
    let desktop = decorations().desktop;
    assert_eq!(shot.pixel(x0 + 5, y0 + 5)[..3], [desktop.r, desktop.g, desktop.b]);
    let _ = x0;
}

#[test]
fn a_resized_output_is_followed() {
    let display = HostDisplay::headless(WIDTH, HEIGHT);
    let mut system = boot(&display);
    system.start(client("green", "00ff00")).unwrap();
    let (shot, ok) = display.wait_for(WAIT, |s| find(s, [0, 255, 0]).is_some());
    assert!(ok, "flushes {} pixel {:?}", display.flush_count(), shot.pixel(5, 5));
    display.resize(800, 600);
    let desktop = decorations().desktop;
    let (shot, ok) = display.wait_for(WAIT, |s| {
        s.width == 800
            && s.pixel(790, 590)[..3] == [desktop.r, desktop.g, desktop.b]
            && find(s, [0, 255, 0]).is_some()
    });
    assert!(ok, "{}x{}", shot.width, shot.height);
}
