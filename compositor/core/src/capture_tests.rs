//! Capture bookkeeping and remote input through the core's API.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use weft_compositor_api::capture::{CaptureError, CaptureEvent};
use weft_compositor_api::shell::WindowId;
use weft_compositor_api::*;
use weft_types::{Button, Key, KeyState};

use crate::tests::{APP, OTHER, Rig, SHELL};
use crate::*;

const RED: [u8; 4] = [255, 0, 0, 255];
const BLUE: [u8; 4] = [0, 0, 255, 255];

/// Everything produced so far, through the rig or straight from the core.
fn drain(rig: &mut Rig) -> Vec<Outgoing> {
    let mut events = rig.take();
    events.extend(rig.compositor.take_outgoing());
    events
}

fn has(events: &[Outgoing], wanted: impl Fn(&Outgoing) -> bool) -> bool {
    events.iter().any(wanted)
}

fn key(key: Key, text: &str) -> InputEvent {
    InputEvent::Key(KeyEvent {
        key,
        state: KeyState::Pressed,
        modifiers: Default::default(),
        text: text.into(),
    })
}

/// Two mapped windows (APP's then OTHER's, OTHER on top); returns their ids.
fn two_windows(rig: &mut Rig) -> (WindowId, WindowId) {
    rig.toplevel(APP, 1, "App");
    rig.show(APP, 1, 10, 200, 150, RED);
    rig.toplevel(OTHER, 1, "Other");
    rig.show(OTHER, 1, 10, 120, 90, BLUE);
    let windows = rig.compositor.windows();
    (windows[0].id, windows[1].id)
}

fn present(rig: &mut Rig, client: ClientId, buffer: u32, damage: Vec<Rect>) {
    rig.request(client, Request::Present { surface: SurfaceId(1), buffer: Some(BufferId(buffer)), damage })
        .unwrap();
}

#[test]
fn captured_damage_accumulates_until_taken_and_a_new_size_is_whole() {
    let mut rig = Rig::new(640, 480);
    let (app, _) = two_windows(&mut rig);
    assert_eq!(rig.compositor.start_capture(WindowId(999)), Err(CaptureError::UnknownWindow));
    rig.compositor.start_capture(app).unwrap();
    assert!(rig.compositor.captures().pending(app), "the first picture is whole");
    let (client, buffer, layout) = rig.compositor.capture_source(app).unwrap();
    assert_eq!((client, buffer, layout.width, layout.height), (APP, BufferId(10), 200, 150));
    let first = rig.compositor.take_capture_damage(app).unwrap();
    assert_eq!(first.rects, vec![Rect::new(0, 0, 200, 150)]);
    assert!(!rig.compositor.captures().pending(app));

    // Presents while nobody takes a picture merge, clipped to the buffer.
    rig.compositor.captures_mut().set_clock(42);
    present(&mut rig, APP, 10, vec![Rect::new(10, 10, 8, 16)]);
    present(&mut rig, APP, 10, vec![Rect::new(190, 140, 50, 50)]);
    assert_eq!(rig.compositor.captures().pending_presents(app), 2);
    let merged = rig.compositor.take_capture_damage(app).unwrap();
    assert_eq!(merged.rects, vec![Rect::new(10, 10, 8, 16), Rect::new(190, 140, 10, 10)]);
    assert_eq!((merged.presents, merged.presented_at), (2, 42));

    // Many presents stay a handful of rectangles.
    for step in 0..500 {
        present(&mut rig, APP, 10, vec![Rect::new(step % 190, (step * 7) % 140, 3, 3)]);
    }
    assert!(rig.compositor.captures().pending_rectangles(app) <= 8);

    // A buffer of another size is a whole picture.
    rig.buffers.0.insert((APP, BufferId(11)), (300, 100, vec![0; 300 * 100 * 4]));
    rig.request(
        APP,
        Request::RegisterBuffer { buffer: BufferId(11), layout: BufferLayout::packed(300, 100) },
    )
    .unwrap();
    present(&mut rig, APP, 11, vec![Rect::new(0, 0, 1, 1)]);
    let whole = rig.compositor.take_capture_damage(app).unwrap();
    assert_eq!(whole.rects, vec![Rect::new(0, 0, 300, 100)]);
    rig.compositor.captures_mut().stop(app);
    assert!(rig.compositor.take_capture_damage(app).is_none());
}

#[test]
fn the_capture_consumer_follows_the_window_list() {
    let mut rig = Rig::new(640, 480);
    assert!(rig.compositor.capture_subscribe().is_empty());
    rig.toplevel(APP, 1, "App");
    rig.show(APP, 1, 10, 200, 150, RED);
    let events = drain(&mut rig);
    let added = events.iter().find_map(|e| match e {
        Outgoing::Capture(CaptureEvent::WindowAdded(window)) => Some(window.clone()),
        _ => None,
    });
    let added = added.expect("window added");
    assert_eq!((added.title.as_str(), added.owner.as_str(), added.size), ("App", "app", Size::new(200, 150)));
    rig.request(APP, Request::SetTitle { surface: SurfaceId(1), title: String::from("Renamed") }).unwrap();
    assert!(has(
        &drain(&mut rig),
        |e| matches!(e, Outgoing::Capture(CaptureEvent::WindowChanged(w)) if w.title == "Renamed")
    ));
    rig.compositor.start_capture(added.id).unwrap();
    rig.request(APP, Request::DestroySurface { surface: SurfaceId(1) }).unwrap();
    assert!(
        has(&drain(&mut rig), |e| *e == Outgoing::Capture(CaptureEvent::WindowRemoved { window: added.id }))
    );
    assert!(!rig.compositor.captures().is_captured(added.id), "the capture ended with the window");
}

#[test]
fn remote_keys_focus_the_captured_window_first_and_skip_shortcuts() {
    let mut rig = Rig::new(640, 480);
    let (app, _) = two_windows(&mut rig);
    drain(&mut rig);
    // Not captured: nothing happens.
    assert!(!rig.compositor.capture_input(app, key(Key::A, "a")));
    rig.compositor.start_capture(app).unwrap();
    assert!(rig.compositor.capture_input(app, key(Key::A, "a")));
    let events = drain(&mut rig);
    let position = |wanted: &dyn Fn(&Outgoing) -> bool| events.iter().position(wanted);
    let leave = position(&|e| {
        matches!(e, Outgoing::Client(OTHER, Event::Keyboard { event: KeyboardEvent::Leave, .. }))
    });
    let enter = position(&|e| {
        matches!(e, Outgoing::Client(APP, Event::Keyboard { event: KeyboardEvent::Enter { .. }, .. }))
    });
    let typed = position(
        &|e| matches!(e, Outgoing::Client(APP, Event::Keyboard { event: KeyboardEvent::Key(k), .. }) if k.text == "a"),
    );
    assert!(leave < enter && enter < typed && typed.is_some(), "{events:?}");
    // Alt+Tab from a viewer is a key for the app, not a shortcut.
    let alt_tab = InputEvent::Key(KeyEvent {
        key: Key::TAB,
        state: KeyState::Pressed,
        modifiers: Modifiers::ALT,
        text: String::new(),
    });
    assert!(rig.compositor.capture_input(app, alt_tab));
    let events = drain(&mut rig);
    assert!(!has(&events, |e| matches!(e, Outgoing::Shell(_))));
    assert!(has(&events, |e| matches!(
        e,
        Outgoing::Client(APP, Event::Keyboard { event: KeyboardEvent::Key(k), .. }) if k.key == Key::TAB
    )));
}

#[test]
fn remote_pointer_events_arrive_in_surface_coordinates_and_a_press_activates() {
    let mut rig = Rig::new(640, 480);
    let (app, _) = two_windows(&mut rig);
    rig.compositor.start_capture(app).unwrap();
    drain(&mut rig);
    // APP's window is below OTHER's, and still gets exactly its events.
    let motion = PointerEvent::Motion { x: 12.0, y: 30.5 };
    assert!(rig.compositor.capture_input(app, InputEvent::Pointer(motion)));
    let events = drain(&mut rig);
    assert!(has(&events, |e| matches!(
        e,
        Outgoing::Client(APP, Event::Pointer { event: PointerEvent::Enter { x, y }, .. }) if *x == 12.0 && *y == 30.5
    )));
    let (x, y, _) = rig.compositor.stack().geometry(app).unwrap();
    let pointer = rig.compositor.input().pointer();
    assert_eq!((pointer.x, pointer.y), (x as f32 + 12.0, y as f32 + 30.5), "the seat's pointer moved there");
    let press = PointerEvent::Button { button: Button::Left, state: KeyState::Pressed, x: 20.0, y: 40.0 };
    assert!(rig.compositor.capture_input(app, InputEvent::Pointer(press)));
    let events = drain(&mut rig);
    assert!(has(&events, |e| matches!(
        e,
        Outgoing::Client(APP, Event::Pointer { event: PointerEvent::Motion { x, y }, .. }) if *x == 20.0 && *y == 40.0
    )));
    assert!(has(&events, |e| matches!(
        e,
        Outgoing::Client(APP, Event::Pointer { event: PointerEvent::Button { .. }, .. })
    )));
    assert!(has(&events, |e| matches!(
        e,
        Outgoing::Client(APP, Event::Keyboard { event: KeyboardEvent::Enter { .. }, .. })
    )));
    assert_eq!(rig.compositor.windows().last().unwrap().id, app, "raised");
    // A release without a press, or a repeat, is dropped.
    let release = PointerEvent::Button { button: Button::Left, state: KeyState::Released, x: 20.0, y: 40.0 };
    assert!(rig.compositor.capture_input(app, InputEvent::Pointer(release)));
    assert!(!rig.compositor.capture_input(app, InputEvent::Pointer(release)));
    let nan = PointerEvent::Motion { x: f32::NAN, y: 0.0 };
    assert!(!rig.compositor.capture_input(app, InputEvent::Pointer(nan)));
    assert_eq!(rig.compositor.captures().dropped_input(), 2);
}

#[test]
fn remote_touch_points_stay_with_the_window() {
    let mut rig = Rig::new(640, 480);
    let (app, other) = two_windows(&mut rig);
    rig.compositor.start_capture(app).unwrap();
    drain(&mut rig);
    assert!(rig.compositor.capture_input(app, InputEvent::Touch(TouchEvent::Down { id: 3, x: 5.0, y: 6.0 })));
    assert!(
        !rig.compositor.capture_input(other, InputEvent::Touch(TouchEvent::Up { id: 3 })),
        "not captured"
    );
    assert!(
        rig.compositor.capture_input(app, InputEvent::Touch(TouchEvent::Motion { id: 3, x: 7.0, y: 8.0 }))
    );
    assert!(rig.compositor.capture_input(app, InputEvent::Touch(TouchEvent::Up { id: 3 })));
    assert!(!rig.compositor.capture_input(app, InputEvent::Touch(TouchEvent::Up { id: 3 })), "already up");
    let touches: Vec<TouchEvent> = drain(&mut rig)
        .into_iter()
        .filter_map(|e| match e {
            Outgoing::Client(APP, Event::Touch { event, .. }) => Some(event),
            _ => None,
        })
        .collect();
    assert_eq!(
        touches,
        vec![
            TouchEvent::Down { id: 3, x: 5.0, y: 6.0 },
            TouchEvent::Motion { id: 3, x: 7.0, y: 8.0 },
            TouchEvent::Up { id: 3 }
        ]
    );
}

#[test]
fn a_lock_screen_keeps_remote_keys_out() {
    let mut rig = Rig::new(640, 480);
    let (app, _) = two_windows(&mut rig);
    rig.compositor.start_capture(app).unwrap();
    rig.request(SHELL, Request::CreateSurface { surface: SurfaceId(9) }).unwrap();
    let lock = LayerRole {
        layer: Layer::Overlay,
        anchor: Anchor::all(),
        size: Size::default(),
        exclusive_zone: 0,
        margin: 0,
        keyboard: KeyboardInteractivity::Exclusive,
    };
    rig.request(SHELL, Request::SetRole { surface: SurfaceId(9), role: Role::Layer(lock) }).unwrap();
    rig.show(SHELL, 9, 1, 640, 480, BLUE);
    drain(&mut rig);
    assert!(!rig.compositor.capture_input(app, key(Key::A, "a")));
    assert!(!has(&drain(&mut rig), |e| matches!(
        e,
        Outgoing::Client(_, Event::Keyboard { event: KeyboardEvent::Key(_), .. })
    )));
}

#[test]
fn a_remote_resize_is_configured_until_the_client_follows_it() {
    let mut rig = Rig::new(640, 480);
    let (app, other) = two_windows(&mut rig);
    assert!(!rig.compositor.capture_resize(app, Size::new(300, 200)), "not captured");
    rig.compositor.start_capture(app).unwrap();
    drain(&mut rig);
    assert!(rig.compositor.capture_resize(app, Size::new(300, 200)));
    let configured = |events: &[Outgoing]| {
        events.iter().rev().find_map(|e| match e {
            Outgoing::Client(APP, Event::Configure(c)) => Some(c.size),
            _ => None,
        })
    };
    assert_eq!(configured(&drain(&mut rig)), Some(Size::new(300, 200)));
    // The frame follows the old buffer until the client presents.
    assert_eq!(rig.compositor.stack().geometry(app).unwrap().2, Size::new(200, 150));
    // A focus change before the client followed still asks for the new size.
    rig.compositor.handle_shell_request(weft_compositor_api::shell::ShellRequest::Activate { window: other });
    rig.compositor.handle_shell_request(weft_compositor_api::shell::ShellRequest::Activate { window: app });
    assert_eq!(configured(&drain(&mut rig)), Some(Size::new(300, 200)));
    rig.show(APP, 1, 12, 300, 200, RED);
    assert_eq!(rig.compositor.stack().geometry(app).unwrap().2, Size::new(300, 200));
    // Below the minimum size it is clamped.
    assert!(rig.compositor.capture_resize(app, Size::new(1, 1)));
    assert_eq!(configured(&drain(&mut rig)), Some(Size::new(50, 40)));
    // A window whose capture ended (e.g. it grew too large to capture) can
    // still be resized back; one never captured cannot.
    rig.compositor.captures_mut().stop(app);
    rig.compositor.captures_mut().stop(other);
    assert!(rig.compositor.capture_resize(app, Size::new(320, 240)));
    assert_eq!(configured(&drain(&mut rig)), Some(Size::new(320, 240)));
    assert!(!rig.compositor.capture_resize(other, Size::new(320, 240)), "never captured");
    rig.compositor.captures_mut().disconnected();
    assert!(!rig.compositor.capture_resize(app, Size::new(300, 200)), "the consumer went away");
}
