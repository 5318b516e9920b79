//! Hosted Weft streaming real compositor windows to the viewer core over
//! Zenoh on loopback: pictures, input, resizes, two windows, a viewer
//! that restarts, and a viewer that stalls.

mod common;

use std::time::{Duration, Instant};

use common::*;
use input_api::Key;
use weft_viewer::script::{self, Action};

const RED: [u8; 3] = [255, 0, 0];
const GREEN: [u8; 3] = [0, 255, 0];

#[test]
fn the_viewer_sees_the_window_and_typing_in_it_comes_back() {
    let rig = Rig::boot(&[App::text("alpha", RED, (320, 200))]);
    let mut viewer = rig.view("alpha");
    // The decoded picture is the client's buffer, exactly, and what the
    // compositor shows for that window.
    let expected = demo_text(320, 200, RED, "");
    let picture = watch(&mut viewer, WAIT, |picture| *picture == expected);
    assert!(picture.is_some(), "first picture: {:?}", viewer_picture(&viewer).map(|p| p.first_difference(&expected)));
    watch_matching_screen(&mut viewer, &rig.display, RED);
    assert!(viewer.stats().keyframes >= 1);

    // Keys typed in the viewer reach the app as ordinary key events; the
    // app draws them and the viewer sees the new picture.
    let typed_at = Instant::now();
    script::play(&viewer, &Action::Type("Hi there".into())).unwrap();
    assert!(rig.system.wait_for_log("alpha: key H", WAIT), "the app never got the key");
    let expected = demo_text(320, 200, RED, "Hi there");
    let picture = watch(&mut viewer, WAIT, |picture| *picture == expected);
    assert!(picture.is_some(), "typed text never came back");
    eprintln!(
        "typed 8 characters: echoed picture after {:.1} ms; last frame present→decoded {:.2} ms",
        typed_at.elapsed().as_secs_f64() * 1e3,
        viewer.stats().last_latency_ns as f64 / 1e6
    );
    watch_matching_screen(&mut viewer, &rig.display, RED);
    let status = rig.stream_status("alpha").unwrap();
    assert!(status.input_events >= 16, "{status:?}");
    assert_eq!(viewer.stats().errors, 0, "{:?}", viewer.stats());
}

#[test]
fn a_viewer_resize_resizes_the_window() {
    let rig = Rig::boot(&[App::text("alpha", RED, (320, 200))]);
    let mut viewer = rig.view("alpha");
    watch_matching_screen(&mut viewer, &rig.display, RED);
    viewer.resize(400, 260, 1000).unwrap();
    assert!(rig.system.wait_for_log("alpha: configure 400x260", WAIT), "no configure for the new size");
    assert!(rig.system.wait_for_log("alpha: presented 400x260", WAIT), "the app never drew at the new size");
    let picture = watch_matching_screen(&mut viewer, &rig.display, RED);
    assert_eq!((picture.width, picture.height), (400, 260));
    assert_eq!(picture, demo_text(400, 260, RED, ""));
    // A viewer on a 2× display asks for the same logical size.
    viewer.resize(720, 480, 2000).unwrap();
    assert!(rig.system.wait_for_log("alpha: presented 360x240", WAIT));
    let picture = watch_matching_screen(&mut viewer, &rig.display, RED);
    assert_eq!((picture.width, picture.height), (360, 240));
}

#[test]
fn two_windows_stream_without_crosstalk() {
    let beta = App { name: "beta", mode: "list", marker: GREEN, size: (360, 240), animate: false };
    let rig = Rig::boot(&[App::text("alpha", RED, (320, 200)), beta]);
    let mut alpha = rig.view("alpha");
    let mut beta = rig.view("beta");
    let alpha_before = watch_matching_screen(&mut alpha, &rig.display, RED);
    let beta_before = watch_matching_screen(&mut beta, &rig.display, GREEN);
    assert_ne!(alpha_before.pixels, beta_before.pixels);

    // Keys into alpha's stream reach alpha only; a click into beta's
    // reaches beta only, even though beta's window is on top of alpha's.
    script::play(&alpha, &Action::Type("a".into())).unwrap();
    script::play(&beta, &Action::Click { x: 30.0, y: 50.0 }).unwrap();
    assert!(rig.system.wait_for_log("alpha: key a", WAIT));
    assert!(rig.system.wait_for_log("beta: click at 30,50", WAIT));
    let alpha_after = watch(&mut alpha, WAIT, |p| *p == demo_text(320, 200, RED, "a"));
    assert!(alpha_after.is_some(), "alpha's echo never arrived");
    // beta scrolls on Down, through its own stream.
    beta.send_key(weft_viewer::script::key_events(" ").remove(0)).unwrap();
    watch(&mut beta, WAIT, |p| *p != beta_before).expect("beta never scrolled");
    let beta_now = watch_matching_screen(&mut beta, &rig.display, GREEN);
    let alpha_now = watch_matching_screen(&mut alpha, &rig.display, RED);
    assert_eq!(alpha_now, demo_text(320, 200, RED, "a"), "beta's scroll leaked into alpha's stream");
    assert_ne!(beta_now, beta_before);
    let log = rig.system.hosted().debug_log();
    assert!(!log.contains("alpha: click"), "a click for beta reached alpha");
    assert!(!log.contains("beta: key a"), "a key for alpha reached beta");
    assert_eq!(alpha.stats().errors + beta.stats().errors, 0);
}

#[test]
fn a_viewer_killed_mid_stream_and_restarted_resumes_with_a_keyframe() {
    let rig = Rig::boot(&[App::text("alpha", RED, (320, 200))]);
    {
        let session = viewer_session(rig.port);
        let mut viewer = weft_viewer::stream::ViewerStream::open(
            &session,
            weft_wlstream::keys::AppId::new("alpha").unwrap(),
            stream_options(),
        )
        .unwrap();
        watch_matching_screen(&mut viewer, &rig.display, RED);
        // Killed: no goodbye, the link just goes.
        std::mem::forget(viewer);
        zenoh::Wait::wait(session.close()).unwrap();
    }
    // The app changes while nobody watches (keys from the local seat).
    rig.type_locally(&[Key::X, Key::Y, Key::Z]);
    assert!(rig.system.wait_for_log("alpha: key z", WAIT));
    // The dead viewer is forgotten after its timeout; the stream idles.
    assert!(eventually(WAIT, || rig.stream_status("alpha").is_some_and(|s| s.viewers == 0)));
    let mut viewer = rig.view("alpha");
    let deadline = Instant::now() + WAIT;
    let first = loop {
        assert!(Instant::now() < deadline, "no frame after the restart");
        if let Some(event) = viewer.poll(Duration::from_millis(10)).unwrap() {
            break event;
        }
    };
    assert!(first.update.keyframe, "the first frame after a restart must be a keyframe");
    let expected = demo_text(320, 200, RED, "xyz");
    assert!(watch(&mut viewer, WAIT, |p| *p == expected).is_some(), "never caught up with the typing");
}

#[test]
fn a_stalled_viewer_keeps_memory_bounded_and_recovers() {
    let animated = App { name: "clock", mode: "text", marker: RED, size: (320, 200), animate: true };
    let rig = Rig::boot(&[animated]);
    let mut viewer = rig.view("clock");
    let picture = watch(&mut viewer, WAIT, |_| true).expect("a first picture");
    assert_eq!((picture.width, picture.height), (320, 200));
    // The viewer stops reading and acknowledging; the app keeps drawing
    // at the display's rate.
    let stalled_at = Instant::now();
    assert!(eventually(WAIT, || rig.stream_status("clock").is_some_and(|s| s.holding && s.in_flight >= 4)));
    let start = rig.stream_status("clock").unwrap();
    let mapped = (rig.mapped_bytes("mesh"), rig.mapped_bytes("compositor"));
    let capture_start = rig.status().capture.unwrap();
    let mut samples = Vec::new();
    while stalled_at.elapsed() < Duration::from_millis(1200) {
        std::thread::sleep(Duration::from_millis(200));
        let status = rig.status();
        let stream = status.streams.iter().find(|s| s.app == "clock").unwrap().clone();
        samples.push((stream, status.capture.unwrap(), rig.mapped_bytes("mesh"), rig.mapped_bytes("compositor")));
    }
    for (stream, capture, mesh_mapped, compositor_mapped) in &samples {
        assert!(stream.frames - start.frames <= 1, "the mesh kept publishing: {stream:?}");
        assert!(stream.pending_damage as usize <= weft_wlstream::MAX_DAMAGE_RECTANGLES);
        assert!(capture.pending_rectangles <= 8, "{capture:?}");
        assert!(capture.held <= 1 && capture.queued_events <= 2, "{capture:?}");
        assert_eq!(*mesh_mapped, mapped.0, "mesh mapped memory grew");
        assert_eq!(*compositor_mapped, mapped.1, "compositor mapped memory grew");
    }
    let (_, capture_end, _, _) = samples.last().unwrap();
    assert!(
        capture_end.coalesced > capture_start.coalesced,
        "the app kept presenting and the compositor merged: {capture_start:?} → {capture_end:?}"
    );
    eprintln!(
        "stalled viewer: {} frames while stalled, capture merged {} presents, mesh mapped {} B, compositor mapped {} B",
        samples.last().unwrap().0.frames - start.frames,
        capture_end.coalesced - capture_start.coalesced,
        mapped.0,
        mapped.1
    );
    // The silent viewer is dropped; the stream then costs nothing.
    assert!(eventually(WAIT, || rig.stream_status("clock").is_some_and(|s| s.viewers == 0)));
    // The viewer reads again: it notices the loss, asks again, and gets a
    // keyframe and then live frames.
    let keyframes = viewer.stats().keyframes;
    let frames = viewer.stats().frames;
    assert!(
        eventually(WAIT, || {
            let _ = viewer.drain();
            viewer.poll(Duration::from_millis(10)).unwrap();
            viewer.stats().keyframes > keyframes && viewer.stats().frames > frames + 10
        }),
        "the viewer never recovered: {:?}",
        viewer.stats()
    );
}
