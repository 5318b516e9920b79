//! The Wayland front against a Wayland client written for these tests
//! (wayland-client), through the real hosted graphics stack: what the
//! client draws appears in a Weft-decorated window; Weft's input, window
//! actions and close reach it; misbehaving clients are cut off alone.
#![cfg(target_os = "linux")]

use wayland_protocols::xdg::decoration::zv1::client::zxdg_toplevel_decoration_v1::Mode;
use weft_input_api::RawEvent;
use weft_testing::wayland::probe::{Misbehave, Probe};
use weft_testing::wayland::{WAIT, boot, decorations, find, keep_screenshot};
use weft_types::{Key, KeyState};

const MAGENTA: u32 = 0xff_ff_00_ff;
const MAGENTA_RGB: [u8; 3] = [255, 0, 255];
const GREEN: u32 = 0xff_00_c0_00;
const GREEN_RGB: [u8; 3] = [0, 192, 0];

/// `xdg_toplevel.state` values.
const MAXIMIZED: u32 = 1;
const ACTIVATED: u32 = 4;

/// evdev codes.
const KEY_A: u32 = 30;
const KEY_B: u32 = 48;
const BTN_LEFT: u32 = 0x110;

#[test]
fn a_wayland_window_is_a_weft_window_with_input_actions_and_close() {
    let rig = boot();
    let probe = Probe::start(&rig.socket_path(), "probe", MAGENTA, (160, 120), Misbehave::No);

    // What the client draws appears, exactly its size, in a window Weft
    // decorates: title bar above, frame beside.
    let (shot, ok) = rig
        .display
        .wait_for(WAIT, |s| find(s, MAGENTA_RGB).is_some_and(|b| (b.2 - b.0, b.3 - b.1) == (160, 120)));
    assert!(ok, "the probe's window never appeared: {:?}", find(&shot, MAGENTA_RGB));
    keep_screenshot(&shot, "wayland-probe.png");
    let (x0, y0, x1, _) = find(&shot, MAGENTA_RGB).unwrap();
    let theme = decorations();
    let title = theme.title_active;
    assert_eq!(shot.pixel(x0 + 5, y0 - 10)[..3], [title.r, title.g, title.b], "Weft's title bar");
    let border = theme.border;
    assert_eq!(shot.pixel(x0 - 1, y0 + 10)[..3], [border.r, border.g, border.b], "Weft's frame");

    // Server-side decorations although the client asked for its own; the
    // window is told it is active; frame callbacks come back.
    assert!(probe.wait(WAIT, |r| r.decoration == Some(Mode::ServerSide)), "decoration mode");
    assert!(probe.wait(WAIT, |r| r.configures.iter().any(|(_, states)| states.contains(&ACTIVATED))));
    assert!(probe.wait(WAIT, |r| r.frames >= 1), "no frame callback");
    assert!(probe.wait(WAIT, |r| r.keymap_bytes > 0), "no keymap");

    // Keys injected into Weft's input service reach the client as evdev
    // codes, modifiers included.
    rig.seat.key(Key::A);
    assert!(
        probe.wait(WAIT, |r| r.keys.contains(&(KEY_A, true)) && r.keys.contains(&(KEY_A, false))),
        "{:?}",
        probe.record.lock().unwrap().keys
    );
    rig.seat.inject(vec![RawEvent::Key { key: Key::LEFT_SHIFT, state: KeyState::Pressed }]);
    rig.seat.key(Key::B);
    rig.seat.inject(vec![RawEvent::Key { key: Key::LEFT_SHIFT, state: KeyState::Released }]);
    assert!(probe.wait(WAIT, |r| r.keys.contains(&(KEY_B, true)) && r.modifiers.iter().any(|m| m & 1 != 0)));
    assert!(probe.wait(WAIT, |r| r.modifiers.last() == Some(&0)), "shift released");

    // A click in the content arrives at surface coordinates.
    rig.seat.click(x0 + 20, y0 + 30);
    assert!(
        probe.wait(WAIT, |r| r.buttons.iter().any(|&(button, pressed, (x, y))| {
            button == BTN_LEFT && pressed && (x - 20.5).abs() < 1.0 && (y - 30.5).abs() < 1.0
        })),
        "{:?}",
        probe.record.lock().unwrap().buttons
    );

    // Weft's maximise button: the client is configured to the work area
    // and redraws at that size.
    rig.seat.click(x1 - 60, y0 - 15);
    assert!(
        probe.wait(WAIT, |r| r
            .configures
            .iter()
            .any(|(size, states)| states.contains(&MAXIMIZED) && size.0 > 160)),
        "{:?}",
        probe.record.lock().unwrap().configures
    );
    let size = probe.record.lock().unwrap().configures.last().map(|(size, _)| *size).unwrap();
    let (shot, ok) = rig.display.wait_for(WAIT, |s| {
        find(s, MAGENTA_RGB).is_some_and(|b| (b.2 - b.0, b.3 - b.1) == (size.0 as u32, size.1 as u32))
    });
    assert!(ok, "maximised to {size:?} but showing {:?}", find(&shot, MAGENTA_RGB));

    // The close button sends xdg_toplevel.close; the client destroys its
    // window and disconnects; the window goes.
    let (x0, y0, x1, _) = find(&shot, MAGENTA_RGB).unwrap();
    let _ = x0;
    rig.seat.click(x1 - 10, y0 - 15);
    assert!(probe.wait(WAIT, |r| r.closed), "no xdg_toplevel.close");
    let (shot, ok) = rig.display.wait_for(WAIT, |s| find(s, MAGENTA_RGB).is_none());
    assert!(ok, "the window stayed after the client closed it");
    let desktop = theme.desktop;
    assert_eq!(shot.pixel(x1 - 100, y0 + 50)[..3], [desktop.r, desktop.g, desktop.b]);
    assert!(rig.log("gone: 1 windows closed"), "the bridge did not forget the client");
}

#[test]
fn misbehaving_clients_are_cut_off_alone() {
    let rig = boot();
    let good = Probe::start(&rig.socket_path(), "good", GREEN, (120, 90), Misbehave::No);
    let (_, ok) = rig.display.wait_for(WAIT, |s| find(s, GREEN_RGB).is_some());
    assert!(ok, "the good client's window never appeared");

    // A buffer before the first configure is an xdg_surface protocol error.
    let early = Probe::start(&rig.socket_path(), "early", MAGENTA, (50, 50), Misbehave::EarlyBuffer);
    assert!(early.wait(WAIT, |r| r.error.is_some()), "the early client was not disconnected");
    assert!(early.wait(WAIT, |_| early.ended()));

    // A pool whose file shrank under the server: reading it faults
    // (SIGBUS), which must cost the client its connection, not the OS.
    let shrunk = Probe::start(&rig.socket_path(), "shrunk", MAGENTA, (64, 64), Misbehave::ShrunkPool);
    assert!(shrunk.wait(WAIT, |r| r.error.is_some()), "the shrunk-pool client was not disconnected");
    assert!(rig.log("buffer memory could not be read"));

    // The good client still works and new clients still connect.
    let (x0, y0, _, _) = find(&rig.display.snapshot(), GREEN_RGB).expect("the good window stayed");
    rig.seat.click(x0 + 5, y0 + 5);
    rig.seat.key(Key::A);
    assert!(good.wait(WAIT, |r| r.keys.contains(&(KEY_A, true))), "the good client lost its keyboard");
    let late = Probe::start(&rig.socket_path(), "late", MAGENTA, (70, 40), Misbehave::No);
    let (_, ok) = rig.display.wait_for(WAIT, |s| find(s, MAGENTA_RGB).is_some_and(|b| b.2 - b.0 == 70));
    assert!(ok, "a new client could not connect after the bad ones");
    assert!(late.wait(WAIT, |r| r.frames >= 1));
    assert!(find(&rig.display.snapshot(), GREEN_RGB).is_some());
}
