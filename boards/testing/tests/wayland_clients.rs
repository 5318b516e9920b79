//! Real Wayland clients from Debian (`weston`, `foot`) against the Weft
//! front, through the real hosted graphics stack on a headless display.
//! `cargo xtask test` installs them; run alone, a test whose client is not
//! installed says SKIPPED and passes (in CI it fails).
#![cfg(target_os = "linux")]

use std::time::Duration;

use weft_testing::wayland::{
    Running, WAIT, boot, changed_pixels, decorations, find, focused_window, installed, keep_screenshot,
};

/// weston-simple-shm's fixed window size.
const SIMPLE_SHM_SIZE: u32 = 250;

/// Pixels of `region` that are neither the desktop nor Weft's content
/// backdrop: what the client drew.
fn drawn_pixels(
    snapshot: &weft_display_hosted::Snapshot,
    (x, y, width, height): (u32, u32, u32, u32),
) -> usize {
    let theme = decorations();
    let plain = [theme.desktop, theme.content_background].map(|c| [c.r, c.g, c.b]);
    let mut drawn = 0;
    for row in y..y + height {
        for column in x..x + width {
            if !plain.contains(&snapshot.pixel(column, row)[..3].try_into().unwrap()) {
                drawn += 1;
            }
        }
    }
    drawn
}

#[test]
fn weston_simple_shm_animates_in_a_weft_window_and_closes() {
    if !installed("weston-simple-shm") {
        return;
    }
    let rig = boot();
    let mut client = Running(rig.client("weston-simple-shm").spawn().expect("start weston-simple-shm"));

    // Its window appears, focused and decorated by Weft, its own size.
    let (shot, ok) =
        rig.display.wait_for(WAIT, |s| focused_window(s).is_some_and(|(_, _, w)| w == SIMPLE_SHM_SIZE));
    keep_screenshot(&shot, "wayland-weston-simple-shm-start.png");
    assert!(ok, "no 250-pixel-wide focused window: {:?}", focused_window(&shot));
    let (x, y, width) = focused_window(&shot).unwrap();
    let content = (x, y, width, SIMPLE_SHM_SIZE);
    let (shot, ok) = rig.display.wait_for(WAIT, |s| drawn_pixels(s, content) > 50_000);
    assert!(ok, "the content is not what simple-shm draws: {} drawn pixels", drawn_pixels(&shot, content));
    keep_screenshot(&shot, "wayland-weston-simple-shm.png");

    // It animates: simple-shm draws a new frame on every frame callback,
    // which the bridge fires when Weft's frame is on screen.
    let (_, ok) = rig.display.wait_for(WAIT, |s| changed_pixels(&shot, s, content) > 5_000);
    assert!(ok, "the pattern did not move");

    // Weft's close button: simple-shm quits on xdg_toplevel.close and its
    // window goes away.
    rig.seat.click(x + width - 10, y - 15);
    assert!(client.exited_within(WAIT), "weston-simple-shm ignored the close");
    // Move the cursor off the window's place before looking at it.
    rig.seat.point(700, 500);
    let (shot, ok) = rig.display.wait_for(WAIT, |s| drawn_pixels(s, content) == 0);
    keep_screenshot(&shot, "wayland-weston-simple-shm-closed.png");
    assert!(ok, "its window stayed after it exited: {} drawn pixels", drawn_pixels(&shot, content));
}

#[test]
fn foot_gets_typed_text_and_closes_when_asked() {
    if !installed("foot") {
        return;
    }
    let rig = boot();
    let typed = rig.runtime.join("typed");
    let script = format!("read line; echo \"$line\" > {}; exec cat", typed.display());
    let background = [0x20, 0x30, 0x40];
    let mut command = rig.client("foot");
    command.args(["-o", "colors.background=203040", "-o", "main.font=monospace:size=10"]);
    command.args(["-T", "foot in weft", "sh", "-c", &script]);
    let mut client = Running(command.spawn().expect("start foot"));

    // Its window appears with foot's background, under Weft's title bar.
    let (shot, ok) = rig
        .display
        .wait_for(WAIT, |s| find(s, background).is_some_and(|b| b.2 - b.0 > 100 && b.3 - b.1 > 100));
    keep_screenshot(&shot, "wayland-foot-start.png");
    assert!(ok, "no foot window (background {background:?}) appeared: {:?}", find(&shot, background));
    let (x0, y0, x1, y1) = find(&shot, background).unwrap();
    let title = decorations().title_active;
    assert_eq!(shot.pixel(x0 + 5, y0 - 10)[..3], [title.r, title.g, title.b], "Weft decorates foot");
    keep_screenshot(&shot, "wayland-foot.png");

    // Typing into Weft reaches foot's terminal: the shell reads the line,
    // and the window shows the echoed characters.
    rig.seat.type_text("weft\n");
    let end = std::time::Instant::now() + WAIT;
    while std::time::Instant::now() < end && std::fs::read_to_string(&typed).unwrap_or_default() != "weft\n" {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(std::fs::read_to_string(&typed).unwrap_or_default(), "weft\n", "what the shell read");
    let region = (x0, y0, x1 - x0, y1 - y0);
    let (after, ok) = rig.display.wait_for(WAIT, |s| changed_pixels(&shot, s, region) > 50);
    assert!(ok, "the typed text never showed in the window");
    keep_screenshot(&after, "wayland-foot-typed.png");

    // Weft's close button closes foot, and its window goes.
    rig.seat.click(x1 - 10, y0 - 15);
    assert!(client.exited_within(WAIT), "foot ignored the close");
    let (_, ok) = rig.display.wait_for(WAIT, |s| find(s, background).is_none());
    assert!(ok, "foot's window stayed after it exited");
}

#[test]
fn weston_terminal_runs_a_shell_and_its_exit_removes_the_window() {
    if !installed("weston-terminal") {
        return;
    }
    let rig = boot();
    let mut command = rig.client("weston-terminal");
    command.env("SHELL", "/bin/sh");
    let mut client = Running(command.spawn().expect("start weston-terminal"));

    let (shot, ok) = rig.display.wait_for(WAIT, |s| {
        focused_window(s).is_some_and(|(x, y, w)| w > 100 && drawn_pixels(s, (x, y, w, 100)) > 5_000)
    });
    assert!(ok, "no weston-terminal window: {:?}", focused_window(&shot));
    keep_screenshot(&shot, "wayland-weston-terminal.png");
    let (x, y, width) = focused_window(&shot).unwrap();

    // `exit` typed through Weft ends the shell, which ends the terminal
    // and removes its window.
    rig.seat.type_text("exit\n");
    assert!(client.exited_within(WAIT), "weston-terminal did not exit with its shell");
    let (_, ok) = rig.display.wait_for(WAIT, |s| drawn_pixels(s, (x, y, width, 100)) == 0);
    assert!(ok, "its window stayed after it exited");
}
