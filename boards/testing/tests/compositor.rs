//! The compositor through real processes under the hosted kernel,
//! started by the real root manager: the hosted headless display, the
//! input service, the compositor and small client programs.

use std::time::Duration;

use weft_display_hosted::HostDisplay;
use weft_testing::clients::{garbage_client, liar_client, short_client, test_client};
use weft_testing::graph::graphics;
use weft_testing::pixels::find;
use weft_testing::{Graph, GraphOptions, Service};
use weft_types::{Key, KeyState};

const WIDTH: u32 = 640;
const HEIGHT: u32 = 480;
const WAIT: Duration = Duration::from_secs(20);

/// Input, display and compositor, and the clients the tests start (each
/// waits until the test starts it).
fn boot(display: &std::sync::Arc<HostDisplay>) -> Graph {
    let hostile =
        |name: &str, program: &str| Service::new(name, program).uses("weft.compositor", &[]).later();
    GraphOptions::default()
        .services(graphics(display.clone()))
        .services([
            client("red", "ff0000"),
            client("blue", "0000ff"),
            client("green", "00ff00"),
            hostile("garbage", "garbage-client"),
            hostile("liar", "liar-client"),
            hostile("short", "short-client"),
        ])
        .program("test-client", test_client)
        .program("garbage-client", garbage_client)
        .program("liar-client", liar_client)
        .program("short-client", short_client)
        .harness_uses("weft.input", &["inject"])
        .boot()
        .unwrap()
}

fn client(name: &str, color: &str) -> Service {
    Service::new(name, "test-client")
        .uses("weft.compositor", &[])
        .arg("color", color)
        .arg("title", name)
        .later()
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
    let system = boot(&display);
    let seat = system.seat((WIDTH, HEIGHT));

    // A client presents: its pixels appear inside a decorated window.
    system.start("red").unwrap();
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
    system.start("blue").unwrap();
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
    system.start("garbage").unwrap();
    system.start("liar").unwrap();
    system.start("short").unwrap();
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
    let system = boot(&display);
    system.start("green").unwrap();
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
