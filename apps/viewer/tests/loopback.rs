//! In-process loopback: a test app publishing over Zenoh on 127.0.0.1
//! and the viewer core, with scouting off so runs are deterministic.

use std::time::{Duration, Instant};

use weft_types::{InputEvent, KeyState, PointerEvent};
use weft_viewer::link::{self, LinkOptions, free_port};
use weft_viewer::publisher::AppEvent;
use weft_viewer::script::{self, Action};
use weft_viewer::stream::{LinkState, ViewerStream};
use weft_viewer::testing::{TestApp, endpoint, eventually, stream_options, wait_for_picture, wait_for_state};
use weft_wlstream::keys::AppId;
use weft_wlstream::synthetic::{Scenario, list_area, list_screen, scenario, text_page};

const WAIT: Duration = Duration::from_secs(15);

fn viewer_session(ports: &[u16]) -> zenoh::Session {
    let endpoints: Vec<String> = ports.iter().map(|&port| endpoint(port)).collect();
    link::open(&LinkOptions::loopback(&endpoints, &[])).unwrap()
}

#[test]
fn decoded_pictures_equal_the_published_pixels() {
    let port = free_port();
    let app = TestApp::start("pictures", port, text_page(640, 400, 1), false);
    let session = viewer_session(&[port]);
    let mut stream = ViewerStream::open(&session, app.id.clone(), stream_options()).unwrap();
    assert!(wait_for_picture(&mut stream, &app.picture(), WAIT), "first picture");
    assert!(stream.stats().keyframes >= 1);
    let mut latencies = Vec::new();
    for kind in Scenario::ALL {
        let pair = scenario(kind, 640, 400);
        app.draw(pair.before.clone(), vec![weft_wlstream::SurfaceRect::full(640, 400)]);
        assert!(wait_for_picture(&mut stream, &pair.before, WAIT), "{} before", kind.name());
        let sent = Instant::now();
        app.draw(pair.after.clone(), pair.damage.clone());
        assert!(wait_for_picture(&mut stream, &pair.after, WAIT), "{} after", kind.name());
        latencies.push((kind.name(), sent.elapsed(), stream.stats().last_latency_ns));
    }
    let (_, _, round_trip) = app.stats();
    for (name, elapsed, one_way) in &latencies {
        eprintln!(
            "loopback {name}: draw→picture {:.2} ms, frame timestamp→decoded {:.2} ms",
            elapsed.as_secs_f64() * 1e3,
            *one_way as f64 / 1e6
        );
    }
    eprintln!("publisher round trip (send→ack): {:?} ms", round_trip.map(|ns| ns as f64 / 1e6));
    assert_eq!(stream.stats().errors, 0, "{:?}", stream.stats());
}

#[test]
fn input_from_the_viewer_arrives() {
    let port = free_port();
    let app = TestApp::start("input", port, text_page(320, 200, 2), false);
    let session = viewer_session(&[port]);
    let mut stream = ViewerStream::open(&session, app.id.clone(), stream_options()).unwrap();
    assert!(wait_for_picture(&mut stream, &app.picture(), WAIT));
    for action in [
        Action::Type("Hi!".into()),
        Action::Click { x: 10.0, y: 20.5 },
        Action::Resize { width: 800, height: 600 },
    ] {
        script::play(&stream, &action).unwrap();
    }
    let expected_keys: Vec<AppEvent> =
        script::key_events("Hi!").into_iter().map(|key| AppEvent::Input(InputEvent::Key(key))).collect();
    let arrived = eventually(WAIT, || app.events().len() >= expected_keys.len() + 5);
    let events = app.events();
    assert!(arrived, "{events:?}");
    assert_eq!(events[..expected_keys.len()], expected_keys[..]);
    let pointer = &events[expected_keys.len()..expected_keys.len() + 4];
    assert_eq!(
        pointer[3],
        AppEvent::Input(InputEvent::Pointer(PointerEvent::Button {
            button: weft_types::Button::Left,
            state: KeyState::Released,
            x: 10.0,
            y: 20.5,
        }))
    );
    match &events[expected_keys.len() + 4] {
        AppEvent::Resize(size) => {
            assert_eq!((size.width, size.height, size.viewer), (800, 600, stream.viewer()));
        }
        other => panic!("expected a resize, got {other:?}"),
    }
}

#[test]
fn restarted_viewer_resumes_with_a_keyframe() {
    let port = free_port();
    let app = TestApp::start("restart", port, list_screen(400, 300, 0), false);
    let area = list_area(400, 300);
    {
        let session = viewer_session(&[port]);
        let mut stream = ViewerStream::open(&session, app.id.clone(), stream_options()).unwrap();
        assert!(wait_for_picture(&mut stream, &app.picture(), WAIT));
        app.draw(list_screen(400, 300, 30), vec![area]);
        assert!(wait_for_picture(&mut stream, &list_screen(400, 300, 30), WAIT));
        // The viewer goes away mid-stream, while the app keeps drawing.
        drop(stream);
        zenoh::Wait::wait(session.close()).unwrap();
    }
    for offset in (40..200).step_by(20) {
        app.draw(list_screen(400, 300, offset), vec![area]);
        std::thread::sleep(Duration::from_millis(5));
    }
    let session = viewer_session(&[port]);
    let mut stream = ViewerStream::open(&session, app.id.clone(), stream_options()).unwrap();
    let deadline = Instant::now() + WAIT;
    let first = loop {
        assert!(Instant::now() < deadline, "no frame after restart");
        if let Some(event) = stream.poll(Duration::from_millis(10)).unwrap() {
            break event;
        }
    };
    assert!(first.update.keyframe, "first frame after a restart must be a keyframe");
    assert!(wait_for_picture(&mut stream, &list_screen(400, 300, 180), WAIT));
}

#[test]
fn two_streams_do_not_cross() {
    let (port_a, port_b) = (free_port(), free_port());
    let app_a = TestApp::start("alpha", port_a, text_page(200, 120, 10), false);
    let app_b = TestApp::start("beta", port_b, list_screen(300, 160, 0), false);
    let session = viewer_session(&[port_a, port_b]);
    let mut stream_a = ViewerStream::open(&session, app_a.id.clone(), stream_options()).unwrap();
    let mut stream_b = ViewerStream::open(&session, app_b.id.clone(), stream_options()).unwrap();
    assert!(wait_for_picture(&mut stream_a, &app_a.picture(), WAIT));
    assert!(wait_for_picture(&mut stream_b, &app_b.picture(), WAIT));
    app_a.draw(text_page(200, 120, 11), vec![weft_wlstream::SurfaceRect::full(200, 120)]);
    app_b.draw(list_screen(300, 160, 50), vec![list_area(300, 160)]);
    assert!(wait_for_picture(&mut stream_a, &text_page(200, 120, 11), WAIT));
    assert!(wait_for_picture(&mut stream_b, &list_screen(300, 160, 50), WAIT));
    script::play(&stream_a, &Action::Type("a".into())).unwrap();
    script::play(&stream_b, &Action::Click { x: 1.0, y: 2.0 }).unwrap();
    assert!(eventually(WAIT, || app_a.events().len() >= 2 && app_b.events().len() >= 4));
    std::thread::sleep(Duration::from_millis(200));
    assert!(app_a.events().iter().all(|event| matches!(event, AppEvent::Input(InputEvent::Key(_)))));
    assert!(app_b.events().iter().all(|event| matches!(event, AppEvent::Input(InputEvent::Pointer(_)))));
    assert_eq!(stream_a.stats().errors + stream_b.stats().errors, 0);
}

#[test]
fn a_viewer_that_stops_reading_does_not_make_the_app_buffer() {
    let port = free_port();
    let app = TestApp::start("stuck", port, text_page(320, 240, 1), false);
    let session = viewer_session(&[port]);
    let mut stream = ViewerStream::open(&session, app.id.clone(), stream_options()).unwrap();
    assert!(wait_for_picture(&mut stream, &app.picture(), WAIT));
    let (before, _, _) = app.stats();
    // The viewer stops polling; the app draws 300 times as fast as it can.
    let mut canvas = app.picture();
    for step in 0..300u32 {
        let rect = weft_wlstream::SurfaceRect::new((step * 7) % 300, (step * 3) % 220, 12, 12);
        canvas.fill(rect, [step as u8, 40, 90, 255]);
        app.draw(canvas.clone(), vec![rect]);
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(Duration::from_millis(300));
    let (during, pending, _) = app.stats();
    let sent = during.frames - before.frames;
    eprintln!(
        "stuck viewer: {sent} frames sent for 300 draws, {} stalls, {pending} pending rects",
        during.stalls
    );
    assert!(sent <= 4 + 4, "publisher kept sending: {sent} frames");
    assert!(during.stalls > 0);
    assert!(pending <= weft_wlstream::MAX_DAMAGE_RECTANGLES);
    // The viewer resumes and converges on the latest picture.
    assert!(wait_for_picture(&mut stream, &canvas, WAIT), "{:?}", stream.stats());
}

#[test]
fn viewer_reconnects_after_the_link_drops() {
    let port = free_port();
    let app = TestApp::start("relink", port, text_page(256, 128, 1), false);
    let session = viewer_session(&[port]);
    let mut stream = ViewerStream::open(&session, AppId::new("relink").unwrap(), stream_options()).unwrap();
    assert!(wait_for_picture(&mut stream, &app.picture(), WAIT));
    assert_eq!(stream.state(), LinkState::Live);
    app.stop();
    assert!(wait_for_state(&mut stream, LinkState::Lost, WAIT), "link loss noticed");
    // The app comes back on the same endpoint with a different picture.
    let app = TestApp::start("relink", port, text_page(256, 128, 2), false);
    assert!(wait_for_picture(&mut stream, &app.picture(), Duration::from_secs(30)), "{:?}", stream.stats());
    assert_eq!(stream.state(), LinkState::Live);
}

/// A keyframe of `canvas` from an encoder session of its own.
fn forged_keyframe(canvas: &weft_wlstream::synthetic::Canvas, session: u32) -> Vec<u8> {
    let mut frame = Vec::new();
    weft_wlstream::Encoder::new(session).encode(&canvas.surface(), &[], 0, &mut frame).unwrap();
    frame
}

#[test]
fn forged_keyframes_from_another_peer_are_ignored() {
    let (port, forger_port) = (free_port(), free_port());
    let app = TestApp::start("victim", port, text_page(256, 128, 1), false);
    // The forger is a peer the viewer is connected to as well.
    let forger = link::open(&LinkOptions::loopback(&[], &[endpoint(forger_port)])).unwrap();
    let session = viewer_session(&[port, forger_port]);
    let mut stream = ViewerStream::open(&session, app.id.clone(), stream_options()).unwrap();
    assert!(wait_for_picture(&mut stream, &app.picture(), WAIT));
    let bound = stream.decoder().bound_session().expect("bound to the app's session");

    // Another peer publishes a different picture of the same size: on
    // another app's key, on a wildcard key that matches every stream, and
    // on the victim's own key with its own session id.
    // (The forger's first puts may go nowhere until it has learned who
    // subscribes, so it repeats them.)
    let forged = forged_keyframe(&text_page(256, 128, 9), bound ^ 0x5a5a_5a5a);
    let mut wildcard = true;
    let mut last_put = Instant::now() - Duration::from_secs(1);
    let seen = eventually(WAIT, || {
        if last_put.elapsed() > Duration::from_millis(100) {
            last_put = Instant::now();
            zenoh::Wait::wait(forger.put("weft/app/other/stream", forged.clone())).unwrap();
            wildcard &= zenoh::Wait::wait(forger.put("weft/app/*/stream", forged.clone())).is_ok();
            zenoh::Wait::wait(forger.put("weft/app/victim/stream", forged.clone())).unwrap();
        }
        stream.poll(Duration::from_millis(10)).unwrap();
        stream.stats().foreign >= 1 && (!wildcard || stream.stats().refused >= 1)
    });
    assert!(seen, "the forged frames never arrived: {:?}", stream.stats());
    let until = Instant::now() + Duration::from_millis(300);
    while Instant::now() < until {
        stream.poll(Duration::from_millis(10)).unwrap();
    }
    assert_eq!(stream.surface().unwrap().pixels(), &app.picture().pixels[..], "the picture changed");
    assert_eq!(stream.decoder().bound_session(), Some(bound));
    assert_eq!(stream.state(), LinkState::Live);
    assert_eq!(stream.stats().errors, 0, "{:?}", stream.stats());
    eprintln!("forged frames: {:?} (wildcard put accepted by zenoh: {wildcard})", stream.stats());
}
