//! The desktop end to end: the real root manager, compositor, input
//! service, headless display, shell and app processes. Input goes in
//! through the input service (as the host window's would); what happens
//! is read from the screen, the log and the process list.

use std::time::Duration;

use weft_config_api::Value;
use weft_testing::WAIT;
use weft_testing::apps::{boot_desktop as boot, compositor_mapped, rgb, window_of};
use weft_testing::pixels::{brightness, find_near, keep};
use weft_toolkit::ThemeKind;
use weft_types::Key;

/// Where the panel's Apps button is.
const APPS_BUTTON: (u32, u32) = (44, 20);
/// The compositor's title bar height and button width (its default theme).
const TITLE: u32 = 30;
const BUTTON: u32 = 40;

#[test]
fn launch_move_and_close_an_app_from_the_launcher() {
    let desktop = boot("light");
    let accent = rgb(ThemeKind::Light, |p| p.accent);
    let empty = desktop.settle(Duration::from_millis(300), WAIT);
    let mapped_before = compositor_mapped(&desktop);

    // Click the Apps button: the launcher dims the desktop.
    let before = brightness(&empty, 100, 300, 200, 200);
    desktop.click(APPS_BUTTON.0, APPS_BUTTON.1).unwrap();
    let (_, dimmed) = desktop.wait_for(WAIT, |s| brightness(s, 100, 300, 200, 200) < before - 40.0);
    assert!(dimmed, "the launcher did not open");

    // Search, then click the one tile left.
    desktop.type_text("sket").unwrap();
    desktop.settle(Duration::from_millis(400), WAIT);
    // Tiles show the app on a plate of its own colour; once only Sketch
    // is left, that colour forms one plate-sized patch.
    let base = weft_shell::widgets::tile::plate_color("sketch");
    let white = weft_toolkit::theme::Color::WHITE;
    let black = weft_toolkit::theme::Color::BLACK;
    let middle = base.mix(white, 0.18).mix(base.mix(black, 0.12), 0.5);
    let plate = [middle.red, middle.green, middle.blue];
    let one_plate = |s: &weft_display_hosted::Snapshot| {
        find_near(s, plate, 10, 0)
            .is_some_and(|((x0, y0, x1, y1), count)| count > 100 && x1 - x0 <= 64 && y1 - y0 <= 64)
    };
    let (shot, filtered) = desktop.wait_for(WAIT, one_plate);
    assert!(
        filtered,
        "the search did not leave only Sketch: {} {:?} {:?}",
        keep(&shot, "search"),
        find_near(&shot, plate, 10, 0),
        (shot.pixel(436, 400), shot.pixel(436, 414), shot.pixel(436, 430))
    );
    let ((x0, y0, x1, y1), _) = find_near(&shot, plate, 10, 0).unwrap();
    desktop.click((x0 + x1) / 2, (y0 + y1) / 2).unwrap();

    // Its window appears (content 360 × 240 in the accent colour) and the
    // launcher is gone.
    let (shot, shown) = desktop.wait_for(WAIT, |s| window_of(s, accent, 360, 240).is_some());
    assert!(
        shown,
        "the app window never appeared: {} plate at {:?}, accent {:?}",
        keep(&shot, "launched"),
        (x0, y0, x1, y1),
        find_near(&shot, accent, 0, 0)
    );
    let (x, y) = window_of(&shot, accent, 360, 240).unwrap();
    assert!(brightness(&shot, 1000, 600, 100, 100) > before - 20.0, "the launcher stayed open");
    assert!(desktop.wait_for_record("shell", "launching sketch", WAIT));
    let app_buffer = 360 * 240 * 4;
    let mapped_with_app = compositor_mapped(&desktop);
    assert!(mapped_with_app >= mapped_before + app_buffer, "the compositor maps the app's buffers");

    // The panel lists it (its task button changed the panel strip).
    let strip = |s: &weft_display_hosted::Snapshot| brightness(s, 100, 6, 300, 28);
    let (listed, _) = desktop.wait_for(WAIT, |s| (strip(s) - strip(&empty)).abs() > 0.5);
    assert!(
        (strip(&listed) - strip(&empty)).abs() > 0.5,
        "no task button in the panel: {}",
        keep(&listed, "tasks")
    );

    // Drag the title bar: the window follows.
    desktop.drag((x + 80, y - TITLE / 2), (x + 280, y + 100 - TITLE / 2), 8).unwrap();
    desktop.point(1200, 780).unwrap(); // the cursor off the window
    let (shot, moved) =
        desktop.wait_for(WAIT, |s| window_of(s, accent, 360, 240) == Some((x + 200, y + 100)));
    assert!(
        moved,
        "the window did not follow the drag from {:?}: {:?} {}",
        (x, y),
        find_near(&shot, accent, 0, 0),
        keep(&shot, "drag")
    );
    let (x, y) = (x + 200, y + 100);

    // Close it with its close button: it is gone, the app ends, and the
    // compositor unmaps its buffers.
    desktop.click(x + 360 - BUTTON / 2, y - TITLE / 2).unwrap();
    let (_, gone) = desktop.wait_for(WAIT, |s| find_near(s, accent, 0, 41).is_none());
    assert!(gone, "the window is still on screen");
    let ended = (0..200).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        desktop
            .services()
            .unwrap()
            .iter()
            .any(|s| s.name == "sketch" && s.state == weft_status_api::ServiceState::Idle)
    });
    assert!(ended, "the app did not end");
    // (The shell's own surfaces may have registered their second buffer
    // meanwhile, so compare with the app's share.)
    let freed = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        compositor_mapped(&desktop) + app_buffer <= mapped_with_app
    });
    assert!(
        freed,
        "the compositor still maps {} bytes (before the app: {mapped_before}, with it: {mapped_with_app})",
        compositor_mapped(&desktop)
    );
}

#[test]
fn theme_switch_rerenders_the_shell_and_every_window() {
    let desktop = boot("light");
    // Open both apps with the keyboard: Super opens the launcher, typing
    // searches, Enter launches.
    for (name, color, size) in [
        ("sketch", rgb(ThemeKind::Light, |p| p.accent), (360, 240)),
        ("notes", rgb(ThemeKind::Light, |p| p.success), (300, 200)),
    ] {
        let before = desktop.settle(Duration::from_millis(300), WAIT);
        weft_board_hosted::scenes::open_launcher(&desktop, &before).unwrap();
        desktop.type_text(name).unwrap();
        std::thread::sleep(Duration::from_millis(200));
        desktop.key(Key::ENTER).unwrap();
        let (_, shown) = desktop.wait_for(WAIT, |s| window_of(s, color, size.0, size.1).is_some());
        assert!(shown, "{name} did not open");
    }
    let light = desktop.settle(Duration::from_millis(300), WAIT);
    let wallpaper = brightness(&light, 600, 700, 100, 60);
    let panel = brightness(&light, 500, 8, 300, 20);
    assert!(wallpaper > 180.0 && panel > 200.0, "light desktop: wallpaper {wallpaper}, panel {panel}");

    // Switch to dark through the config service (as Settings does).
    desktop.set_config("appearance.theme", Value::Text("dark".into())).unwrap();
    let sketch_dark = rgb(ThemeKind::Dark, |p| p.accent);
    let notes_dark = rgb(ThemeKind::Dark, |p| p.success);
    // Notes overlaps Sketch, so count Sketch's visible pixels instead of
    // matching its whole rectangle; no pixel of either light colour stays.
    let visible =
        |s: &weft_display_hosted::Snapshot, color| find_near(s, color, 0, 41).map_or(0, |(_, count)| count);
    let (sketch_light, notes_light) =
        (rgb(ThemeKind::Light, |p| p.accent), rgb(ThemeKind::Light, |p| p.success));
    let sketch_shown = visible(&light, sketch_light);
    assert!(sketch_shown > 10_000, "Sketch is hidden: {sketch_shown}");
    let (dark, switched) = desktop.wait_for(WAIT, |s| {
        visible(s, sketch_dark) == sketch_shown
            && window_of(s, notes_dark, 300, 200).is_some()
            && visible(s, sketch_light) == 0
            && visible(s, notes_light) == 0
            && brightness(s, 600, 700, 100, 60) < 80.0
            && brightness(s, 500, 8, 300, 20) < 80.0
    });
    assert!(switched, "not everything turned dark: {}", keep(&dark, "dark"));

    // Alt+Tab switches to the other window (the title bars swap focus).
    let title_colour = |s: &weft_display_hosted::Snapshot, color: [u8; 3], size: (u32, u32)| {
        window_of(s, color, size.0, size.1).map(|(x, y)| s.pixel(x + 8, y - TITLE + 4))
    };
    let before = title_colour(&dark, sketch_dark, (360, 240));
    desktop
        .inject(vec![weft_input_api::RawEvent::Key {
            key: Key::LEFT_ALT,
            state: weft_types::KeyState::Pressed,
        }])
        .unwrap();
    desktop.key(Key::TAB).unwrap();
    let (_, switcher) =
        desktop.wait_for(WAIT, |s| brightness(s, 640, 400, 40, 20) != brightness(&dark, 640, 400, 40, 20));
    assert!(switcher, "the switcher did not show");
    desktop
        .inject(vec![weft_input_api::RawEvent::Key {
            key: Key::LEFT_ALT,
            state: weft_types::KeyState::Released,
        }])
        .unwrap();
    let (after, focused) = desktop.wait_for(WAIT, |s| title_colour(s, sketch_dark, (360, 240)) != before);
    assert!(focused, "Alt+Tab did not change focus: {:?}", title_colour(&after, sketch_dark, (360, 240)));
}

#[test]
fn notifications_show_as_toasts_and_close() {
    let desktop = boot("light");
    let empty = desktop.settle(Duration::from_millis(300), WAIT);
    let area = |s: &weft_display_hosted::Snapshot| brightness(s, 520, 60, 240, 50);
    let clear = area(&empty);
    let mut notification =
        weft_notify_api::Notification::new("Backup finished", "42 files copied to the archive.");
    notification.timeout_ms = Some(0);
    desktop.notify(notification).unwrap();
    let (_, shown) = desktop.wait_for(WAIT, |s| (area(s) - clear).abs() > 8.0);
    assert!(shown, "no toast appeared");
    assert!(desktop.wait_for_record("shell", "notification from probe: Backup finished", WAIT));
    // The card is 380 wide, centred, 10 px below the panel; its close
    // button is 22 px square, 14 px in from the top right corner.
    let right = 640 + 380 / 2;
    desktop.click(right - 14 - 22 + 6 + 11, 40 + 10 + 14 - 4 + 11).unwrap();
    let (_, closed) = desktop.wait_for(WAIT, |s| (area(s) - clear).abs() < 1.0);
    assert!(closed, "the toast did not close");

    // A short one expires by itself.
    let mut quick = weft_notify_api::Notification::new("Saved", "");
    quick.timeout_ms = Some(800);
    desktop.notify(quick).unwrap();
    let (_, shown) = desktop.wait_for(WAIT, |s| (area(s) - clear).abs() > 8.0);
    assert!(shown, "the second toast did not appear");
    let (_, expired) = desktop.wait_for(WAIT, |s| (area(s) - clear).abs() < 1.0);
    assert!(expired, "the toast did not expire");
}

#[test]
fn lock_screen_takes_all_input_until_the_password() {
    let desktop = boot("dark");
    let empty = desktop.settle(Duration::from_millis(300), WAIT);
    desktop
        .set_config(weft_shell::lock::PASSWORD_KEY, Value::Text(weft_shell::lock::password_hash("quokka")))
        .unwrap();
    desktop.chord(&[Key::LEFT_META], Key::L).unwrap();
    assert!(desktop.wait_for_record("shell", "screen locked", WAIT), "the screen did not lock");
    // The lock screen darkens the wallpaper and covers the panel.
    let corner = |s: &weft_display_hosted::Snapshot| brightness(s, 100, 600, 200, 100);
    let panel = |s: &weft_display_hosted::Snapshot| brightness(s, 1000, 5, 200, 30);
    let (shot, covered) = desktop
        .wait_for(WAIT, |s| corner(s) < corner(&empty) * 0.8 && (panel(s) - panel(&empty)).abs() > 5.0);
    assert!(covered, "the lock screen is not up: {}", keep(&shot, "locked"));

    // Clicks and Super do not get past it; a wrong password is refused.
    desktop.click(APPS_BUTTON.0, APPS_BUTTON.1).unwrap();
    desktop.type_text("nope").unwrap();
    desktop.key(Key::ENTER).unwrap();
    assert!(desktop.wait_for_record("shell", "lock screen: wrong password", WAIT));
    assert!(!desktop.log().unwrap().iter().any(|(_, m)| m.contains("screen unlocked")));

    desktop.type_text("quokka").unwrap();
    desktop.key(Key::ENTER).unwrap();
    assert!(desktop.wait_for_record("shell", "screen unlocked", WAIT));
    // Nothing a person types reaches a log: not the password, not a key.
    let log = desktop.log().unwrap();
    let leaks: Vec<&String> =
        log.iter().map(|(_, m)| m).filter(|m| m.contains("quokka") || m.contains("Key {")).collect();
    assert!(leaks.is_empty(), "typed input in the log: {leaks:?}");
    let (shot, back) = desktop.wait_for(WAIT, |s| (corner(s) - corner(&empty)).abs() < 1.0);
    assert!(back, "the desktop did not come back: {}", keep(&shot, "unlocked"));
}

#[test]
fn typing_into_the_terminal_runs_the_command() {
    let desktop = boot("light");
    let empty = desktop.settle(Duration::from_millis(300), WAIT);
    weft_board_hosted::scenes::open_launcher(&desktop, &empty).unwrap();
    desktop.type_text("terminal").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    desktop.key(Key::ENTER).unwrap();
    assert!(desktop.wait_for_record("shell", "launching terminal", WAIT));
    // The first window lands at the top left of the work area, below the
    // panel: content from (48, 110).
    let (content_x, content_y) = (48, 110);
    let (shot, shown) = desktop.wait_for(WAIT, |s| {
        let background = s.pixel(content_x + 500, content_y + 300);
        s.pixel(content_x + 400, content_y + 250) == background
            && background != empty.pixel(content_x + 500, content_y + 300)
    });
    assert!(shown, "the terminal did not open: {}", keep(&shot, "terminal"));
    desktop.point(1270, 790).unwrap();
    let before = desktop.settle(Duration::from_millis(450), Duration::from_secs(5));
    // Ink below the prompt line: none yet.
    let ink = |s: &weft_display_hosted::Snapshot| {
        let background = s.pixel(content_x + 500, content_y + 300);
        let mut count = 0;
        for y in content_y + 44..content_y + 130 {
            for x in content_x + 4..content_x + 400 {
                if s.pixel(x, y) != background {
                    count += 1;
                }
            }
        }
        count
    };
    assert!(
        ink(&before) < 20,
        "text below the prompt before any command: {}",
        keep(&before, "terminal-before")
    );
    desktop.type_text("echo hello from weft").unwrap();
    desktop.key(Key::ENTER).unwrap();
    let (after, printed) = desktop.wait_for(WAIT, |s| ink(s) > 150);
    assert!(printed, "no output below the prompt: {}", keep(&after, "terminal-after"));
}

#[test]
fn choosing_dark_in_settings_turns_the_shell_and_every_window_dark() {
    let desktop = boot("light");
    // Terminal first (content from (48, 110)), then Settings cascaded one
    // step down and right (content from (80, 142)), both from the launcher.
    for app in ["terminal", "settings"] {
        let before = desktop.settle(Duration::from_millis(300), WAIT);
        weft_board_hosted::scenes::open_launcher(&desktop, &before).unwrap();
        desktop.type_text(app).unwrap();
        std::thread::sleep(Duration::from_millis(200));
        desktop.key(Key::ENTER).unwrap();
        assert!(
            desktop.wait_for_record("shell", &format!("launching {app}"), WAIT),
            "{app} was not launched"
        );
    }
    // Settings' Dark tile (at (460, 173) + 176 × 112 in its window) is the
    // one dark patch on a light screen.
    let tile = (80 + 460, 142 + 173, 176, 112);
    let (light, shown) = desktop.wait_for(WAIT, |s| brightness(s, tile.0, tile.1, tile.2, tile.3) < 80.0);
    assert!(shown, "Settings did not open on Appearance: {}", keep(&light, "settings-light"));
    // What stays visible of the Terminal: a strip left of Settings.
    let terminal = (50, 300, 26, 200);
    let panel = (500, 8, 300, 20);
    let wallpaper = (1150, 720, 100, 60);
    let sidebar = (100, 450, 150, 80);
    // The Terminal's title bar left of its title: the compositor's
    // decorations follow the theme too.
    let title_bar = (50, 84, 8, 22);
    let regions = [
        ("terminal", terminal),
        ("panel", panel),
        ("wallpaper", wallpaper),
        ("settings", sidebar),
        ("title bar", title_bar),
    ];
    for (name, (x, y, w, h)) in regions {
        assert!(brightness(&light, x, y, w, h) > 180.0, "{name} is not light to begin with");
    }

    desktop.point(1270, 790).unwrap();
    desktop.click(tile.0 + tile.2 / 2, tile.1 + tile.3 / 2).unwrap();
    let (dark, switched) = desktop
        .wait_for(WAIT, |s| regions.iter().all(|(_, (x, y, w, h))| brightness(s, *x, *y, *w, *h) < 80.0));
    let figures: Vec<String> = regions
        .iter()
        .map(|(name, (x, y, w, h))| format!("{name} {:.0}", brightness(&dark, *x, *y, *w, *h)))
        .collect();
    assert!(
        switched,
        "not everything turned dark ({}): {}",
        figures.join(", "),
        keep(&dark, "settings-dark")
    );
}
