//! Hosted Weft as a streaming server — the board's desktop with the real
//! compositor and mesh service — and real viewers over Zenoh on loopback:
//! pictures, typing, resizes (an oversized one clamped), two windows, a
//! viewer killed and restarted, a viewer that stalls, keyframes forged
//! by another peer, and a window too large to capture.

use std::time::{Duration, Instant};

use weft_mesh::demo::Mode;
use weft_testing::installed;
use weft_testing::mesh::*;
use weft_viewer::discovery::Discovery;
use weft_viewer::link::{self, LinkOptions, free_port};
use weft_viewer::script::{self, Action};
use weft_viewer::stream::{LinkState, ViewerStream};
use weft_wlstream::keys::AppId;

const RED: [u8; 3] = [255, 0, 0];
const GREEN: [u8; 3] = [0, 255, 0];

/// The compositor's title bar height (its default theme).
const TITLE: u32 = 30;

/// Not a test: the `weft-viewer` process other tests start (and kill). It
/// runs the viewer's command line with the arguments in [`VIEWER_ARGS`].
#[test]
#[ignore = "a helper process of the other tests"]
fn viewer_process() {
    let Ok(line) = std::env::var(VIEWER_ARGS) else {
        return;
    };
    let arguments: Vec<String> = line.split('\u{1f}').map(String::from).collect();
    if let Err(error) = weft_viewer::cli::run(&arguments) {
        eprintln!("weft-viewer: {error}");
        std::process::exit(1);
    }
}

#[test]
fn the_viewer_shows_the_windows_pixels_and_a_typed_key_comes_back() {
    let rig = Rig::boot(&[App::text("alpha", RED, (320, 200))]);
    rig.wait_streaming("alpha");
    let first = demo_text(320, 200, RED, "");
    wait_on_screen(rig.display(), RED, &first);

    // weft-viewer --headless --frames 2 --type x: the first picture, then
    // the key, then the picture the app drew for it.
    let viewer = ViewerProcess::headless("typing", rig.port, "alpha", &["--frames", "2", "--type", "x"]);
    let frames = viewer.finish(WAIT);
    assert_eq!(frames.len(), 2, "{frames:?}");
    assert!(frames[0].keyframe, "{frames:?}");
    assert_eq!(
        Picture::from_png(&frames[0].path),
        first,
        "the viewer's first picture is not the window's pixels (as drawn and as on screen)"
    );
    assert!(rig.wait_for_log("alpha: key x"), "the key never reached the app");
    let typed = demo_text(320, 200, RED, "x");
    let second = Picture::from_png(&frames[1].path);
    assert_eq!(second.first_difference(&typed), None, "the typed key did not come back");
    wait_on_screen(rig.display(), RED, &typed);
    let status = rig.stream_status("alpha").unwrap();
    assert!(status.input_events >= 2, "press and release went through the mesh: {status:?}");
}

#[test]
fn a_viewer_resize_resizes_the_window() {
    let rig = Rig::boot(&[App::text("alpha", RED, (320, 200))]);
    let mut viewer = rig.view("alpha");
    watch_matching(&mut viewer, rig.display(), RED, &demo_text(320, 200, RED, ""));

    viewer.resize(400, 260, 1000).unwrap();
    assert!(rig.wait_for_log("alpha: configure 400x260"), "no configure for the new size");
    assert!(rig.wait_for_log("alpha: presented 400x260"), "the app never drew at the new size");
    watch_matching(&mut viewer, rig.display(), RED, &demo_text(400, 260, RED, ""));
    let status = rig.stream_status("alpha").unwrap();
    assert_eq!((status.width, status.height), (400, 260), "the stream's size: {status:?}");

    // A viewer on a 2× display asks for the same logical size.
    viewer.resize(720, 480, 2000).unwrap();
    assert!(rig.wait_for_log("alpha: presented 360x240"));
    watch_matching(&mut viewer, rig.display(), RED, &demo_text(360, 240, RED, ""));
    assert_eq!(viewer.stats().errors, 0, "{:?}", viewer.stats());
}

#[test]
fn an_oversized_viewer_resize_is_clamped_and_the_stream_recovers() {
    let rig = Rig::boot(&[App::text("alpha", RED, (320, 200))]);
    let mut viewer = rig.view("alpha");
    watch_matching(&mut viewer, rig.display(), RED, &demo_text(320, 200, RED, ""));
    let discovery = Discovery::start(&rig.session).unwrap();

    // The largest size a viewer may send. The mesh asks the window for
    // what the capture can serve — a quarter of the capture budget,
    // 4096 × 4096 — and the stream carries that size.
    viewer.resize(16384, 16384, 1000).unwrap();
    assert!(
        rig.wait_for_log("alpha: configure 4096x4096"),
        "the resize was not clamped to the capture limit"
    );
    assert!(rig.wait_for_log("asked for 16384x16384; serving 4096x4096"), "the mesh did not say it clamped");
    let big = watch(&mut viewer, WAIT, |picture| (picture.width, picture.height) == (4096, 4096));
    assert_eq!(big, Some(demo_text(4096, 4096, RED, "")), "the viewer never got the clamped picture");
    // The served size is reported: in the frames, and in the heartbeat.
    let listed = eventually(WAIT, || {
        discovery.apps().iter().any(|app| app.id.as_str() == "alpha" && app.size == Some((4096, 4096)))
    });
    assert!(listed, "the heartbeat does not list the served size: {:?}", discovery.apps());
    let status = rig.stream_status("alpha").unwrap();
    assert_eq!((status.width, status.height, status.suspended.as_deref()), (4096, 4096, None), "{status:?}");

    // Back to a normal size: the viewer gets that picture again.
    viewer.resize(400, 260, 1000).unwrap();
    assert!(rig.wait_for_log("alpha: presented 400x260"), "the app never drew at the normal size");
    watch_matching(&mut viewer, rig.display(), RED, &demo_text(400, 260, RED, ""));
    let status = rig.stream_status("alpha").unwrap();
    assert_eq!((status.width, status.height, status.suspended.as_deref()), (400, 260, None), "{status:?}");
    assert!(!rig.log_contains("capture buffers too large"), "the capture failed on the way");
    assert_eq!(viewer.stats().errors, 0, "{:?}", viewer.stats());
}

/// A `stream-demo` service that opens its window only after `delay_ms`.
fn late_demo(name: &str, marker: &str, size: (u32, u32), delay_ms: u32) -> weft_manifest::Manifest {
    let text = format!(
        "name = \"{name}\"\nprogram = \"stream-demo\"\nrestart = \"never\"\nstart = \"boot\"\n\
         [args]\ntitle = \"{name}\"\napp_id = \"{name}\"\nmode = \"text\"\nmarker = \"{marker}\"\n\
         width = \"{}\"\nheight = \"{}\"\nstart_after_ms = \"{delay_ms}\"\n\
         [[use]]\nprotocol = \"weft.compositor\"\n",
        size.0, size.1
    );
    weft_manifest::compile::parse_manifest(&text, name).expect("the demo manifest parses")
}

#[test]
fn a_window_too_large_to_capture_is_suspended_and_resumes_when_resized_back() {
    // alpha is captured first; then `huge` opens at 8192×8192 on its own:
    // its capture buffer (256 MiB) does not fit beside alpha's in the
    // capture budget (256 MiB), and the compositor ends its capture.
    let huge = late_demo("huge", "00ff00", (8192, 8192), 1500);
    let rig = Rig::boot_with(
        (WIDTH, HEIGHT),
        &[App::text("alpha", RED, (320, 200))],
        vec![(huge, weft_mesh::demo::entry as weft_kernel_hosted::ProgramMain)],
    );
    assert!(rig.wait_for_log("huge: presented 8192x8192"), "the huge window never drew");
    let suspended = eventually(WAIT, || rig.stream_status("huge").is_some_and(|s| s.suspended.is_some()));
    assert!(suspended, "the capture did not fail as set up: {:?}", rig.stream_status("huge"));
    let mut viewer = rig.view("huge");
    // The viewer keeps asking (Start and keyframe requests every 300 ms
    // here); the mesh keeps the stream and says so once, not per retry.
    let until = Instant::now() + Duration::from_millis(2500);
    while Instant::now() < until {
        viewer.poll(Duration::from_millis(10)).unwrap();
    }
    let lines = rig.desktop.system.hosted.debug_log().lines();
    let suspensions = lines.iter().filter(|line| line.contains("stream huge suspended")).count();
    assert_eq!(suspensions, 1, "one line for the suspension");
    assert!(viewer.stats().keyframe_requests >= 3, "{:?}", viewer.stats());
    assert!(viewer.surface().is_none());

    // The viewer resizes the window back to a size that can be captured.
    viewer.resize(400, 260, 1000).unwrap();
    assert!(rig.wait_for_log("huge: presented 400x260"), "the resize did not reach the window");
    let shown = watch(&mut viewer, WAIT, |picture| *picture == demo_text(400, 260, GREEN, ""));
    assert!(
        shown.is_some(),
        "the stream never recovered: {:?}",
        viewer_picture(&viewer).map(|p| (p.width, p.height))
    );
    assert!(rig.log_contains("resumed streaming huge at 400x260"));
    let status = rig.stream_status("huge").unwrap();
    assert_eq!((status.width, status.height, status.suspended.as_deref()), (400, 260, None), "{status:?}");
    // alpha streamed on throughout.
    assert_eq!(rig.stream_status("alpha").unwrap().suspended, None);
}

/// A keyframe of `picture` from an encoder session of its own.
fn forged_keyframe(picture: &Picture, session: u32) -> Vec<u8> {
    let surface =
        weft_wlstream::SurfaceRef::new(picture.width, picture.height, picture.width * 4, &picture.pixels)
            .unwrap();
    let mut frame = Vec::new();
    weft_wlstream::Encoder::new(session).encode(&surface, &[], 0, &mut frame).unwrap();
    frame
}

#[test]
fn keyframes_forged_by_another_peer_are_ignored() {
    let rig = Rig::boot(&[App::text("alpha", RED, (320, 200))]);
    rig.wait_streaming("alpha");
    // The viewer is a peer of the mesh and of a forger.
    let forger_port = free_port();
    let forger = link::open(&LinkOptions::loopback(&[], &[endpoint(forger_port)])).unwrap();
    let session =
        link::open(&LinkOptions::loopback(&[endpoint(rig.port), endpoint(forger_port)], &[])).unwrap();
    let mut viewer = ViewerStream::open(&session, AppId::new("alpha").unwrap(), stream_options()).unwrap();
    let first = demo_text(320, 200, RED, "");
    watch_matching(&mut viewer, rig.display(), RED, &first);
    let bound = viewer.decoder().bound_session().expect("bound to the mesh's session");

    // A different picture of the same size, as a keyframe of another
    // session: on another app's key, on the viewed app's key, and on a
    // wildcard key that matches every stream. (The forger repeats its
    // puts until it has learned where the viewer subscribes.)
    let forged = forged_keyframe(&demo_text(320, 200, GREEN, "forged"), bound ^ 0x0bad_f00d);
    let mut last_put = Instant::now() - Duration::from_secs(1);
    let arrived = eventually(WAIT, || {
        if last_put.elapsed() > Duration::from_millis(100) {
            last_put = Instant::now();
            for key in ["weft/app/beta/stream", "weft/app/alpha/stream", "weft/app/*/stream"] {
                zenoh::Wait::wait(forger.put(key, forged.clone())).unwrap();
            }
        }
        viewer.poll(Duration::from_millis(10)).unwrap();
        viewer.stats().foreign >= 1 && viewer.stats().refused >= 1
    });
    assert!(arrived, "the forged frames never reached the viewer: {:?}", viewer.stats());
    let until = Instant::now() + Duration::from_millis(500);
    while Instant::now() < until {
        viewer.poll(Duration::from_millis(10)).unwrap();
    }
    assert_eq!(viewer_picture(&viewer).as_ref(), Some(&first), "a forged keyframe changed the picture");
    assert_eq!(viewer.decoder().bound_session(), Some(bound));
    assert_eq!((viewer.state(), viewer.stats().errors), (LinkState::Live, 0), "{:?}", viewer.stats());

    // A keyframe of the bound session that fails while being applied (its
    // second rectangle is broken lz4, after a fill of the whole surface):
    // the viewer keeps the last good picture and asks for a keyframe.
    use weft_wlstream::raw::{RawRectangle, build, header, poke_u32};
    let mut broken = build(
        &header(320, 200, true, 1_000_000),
        &[
            RawRectangle::new(weft_wlstream::SurfaceRect::full(320, 200), 3, vec![0, 255, 0, 255]),
            RawRectangle::new(weft_wlstream::SurfaceRect::new(0, 0, 4, 4), 1, vec![0xf0, 0xff]),
        ],
    );
    poke_u32(&mut broken, 12, bound);
    let requests = viewer.stats().keyframe_requests;
    let mut last_put = Instant::now() - Duration::from_secs(1);
    let failed = eventually(WAIT, || {
        if last_put.elapsed() > Duration::from_millis(100) {
            last_put = Instant::now();
            zenoh::Wait::wait(forger.put("weft/app/alpha/stream", broken.clone())).unwrap();
        }
        viewer.poll(Duration::from_millis(10)).unwrap();
        viewer.stats().errors >= 1
    });
    assert!(failed, "the broken keyframe never arrived: {:?}", viewer.stats());
    assert_eq!(viewer_picture(&viewer).as_ref(), Some(&first), "a failed keyframe cleared the picture");
    assert!(viewer.stats().keyframe_requests > requests, "no keyframe asked for: {:?}", viewer.stats());

    // The real stream goes on: a key typed in the viewer comes back.
    script::play(&viewer, &Action::Type("k".into())).unwrap();
    watch_matching(&mut viewer, rig.display(), RED, &demo_text(320, 200, RED, "k"));
    eprintln!("forged keyframes ignored: {:?}", viewer.stats());
}

#[test]
fn two_windows_stream_without_crosstalk() {
    let list = App { name: "beta", mode: "list", marker: GREEN, size: (360, 240), animate: false };
    let rig = Rig::boot(&[App::text("alpha", RED, (320, 200)), list]);
    // New windows cascade and overlap: drag beta by its title bar so the
    // screen shows both whole.
    let (x0, y0, _, _) = find(&rig.display().snapshot(), GREEN).expect("beta on screen");
    rig.desktop.drag((x0 + 80, y0 - TITLE / 2), (x0 + 580, y0 + 200 - TITLE / 2), 8).unwrap();
    rig.desktop.point(WIDTH - 8, HEIGHT - 8).unwrap();
    let moved = eventually(WAIT, || find(&rig.display().snapshot(), GREEN).is_some_and(|b| b.0 == x0 + 500));
    assert!(moved, "beta did not follow the drag");

    let mut alpha = rig.view("alpha");
    let mut beta = rig.view("beta");
    let beta_first = demo_picture(Mode::List, (360, 240), GREEN, "");
    watch_matching(&mut alpha, rig.display(), RED, &demo_text(320, 200, RED, ""));
    watch_matching(&mut beta, rig.display(), GREEN, &beta_first);

    // A key into alpha's stream reaches alpha only; a click into beta's
    // reaches beta only.
    script::play(&alpha, &Action::Type("a".into())).unwrap();
    script::play(&beta, &Action::Click { x: 30.0, y: 50.0 }).unwrap();
    assert!(rig.wait_for_log("alpha: key a"));
    assert!(rig.wait_for_log("beta: click at 30,50"));
    rig.desktop.point(WIDTH - 8, HEIGHT - 8).unwrap(); // the remote click moved the cursor
    let alpha_typed = demo_text(320, 200, RED, "a");
    watch_matching(&mut alpha, rig.display(), RED, &alpha_typed);
    // beta scrolls on Space, through its own stream.
    script::play(&beta, &Action::Type(" ".into())).unwrap();
    watch_matching(&mut beta, rig.display(), GREEN, &demo_picture(Mode::List, (360, 240), GREEN, " "));
    watch_matching(&mut alpha, rig.display(), RED, &alpha_typed);
    assert!(!rig.log_contains("alpha: click"), "a click for beta reached alpha");
    assert!(!rig.log_contains("beta: key a"), "a key for alpha reached beta");
    assert_eq!(alpha.stats().errors + beta.stats().errors, 0);
    let status = rig.status();
    let input = |app: &str| status.streams.iter().find(|s| s.app == app).map(|s| s.input_events);
    assert_eq!(input("alpha"), Some(2), "alpha's stream carried its key press and release only");
}

#[test]
fn a_viewer_killed_mid_stream_and_restarted_resumes_with_a_keyframe() {
    let rig = Rig::boot(&[App::text("alpha", RED, (320, 200))]);
    rig.wait_streaming("alpha");
    let typed = demo_text(320, 200, RED, "ab");
    // A viewer process watching and typing...
    let killed = ViewerProcess::headless("killed", rig.port, "alpha", &["--frames", "1000", "--type", "ab"]);
    let shown =
        eventually(WAIT, || killed.pngs().iter().any(|png| Picture::read_png(png).as_ref() == Some(&typed)));
    assert!(shown, "the first viewer never showed the typed text");
    let before = rig.stream_status("alpha").unwrap();
    assert_eq!(before.viewers, 1, "{before:?}");
    // ...is killed mid-stream (no goodbye). The mesh keeps sending it
    // keep-alives until its acknowledgement window is full; then the
    // viewer is started again.
    killed.kill();
    let window = weft_wlstream::source::SourceConfig::default().window;
    let full = eventually(WAIT, || rig.stream_status("alpha").is_some_and(|s| s.in_flight >= window));
    assert!(full, "the dead viewer never filled its window: {:?}", rig.stream_status("alpha"));
    let restarted_at = Instant::now();
    let restarted = ViewerProcess::headless("restarted", rig.port, "alpha", &["--frames", "1"]);
    let frames = restarted.finish(WAIT);
    let elapsed = restarted_at.elapsed();
    assert_eq!(frames.len(), 1, "{frames:?}");
    assert!(frames[0].keyframe, "the first frame after a restart must be a keyframe: {frames:?}");
    assert_eq!(Picture::from_png(&frames[0].path), typed, "the restarted viewer shows the current picture");
    let after = rig.stream_status("alpha").unwrap();
    assert!(after.keyframes > before.keyframes, "the mesh sent a new keyframe: {before:?} → {after:?}");
    // The dead viewer's unacknowledged frames held credit back until it
    // timed out, and no longer.
    assert!(elapsed < VIEWER_TIMEOUT + Duration::from_secs(8), "restart took {elapsed:?}");
    eprintln!("viewer restarted: first picture after {:.0} ms", elapsed.as_secs_f64() * 1e3);
    assert!(eventually(WAIT, || rig.stream_status("alpha").is_some_and(|s| s.viewers == 0)));
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
    let window = weft_wlstream::source::SourceConfig::default().window;
    assert!(eventually(WAIT, || rig
        .stream_status("clock")
        .is_some_and(|s| s.holding && s.in_flight >= window)));
    let start = rig.stream_status("clock").unwrap();
    let mapped = (rig.mapped_bytes("mesh"), rig.mapped_bytes("compositor"));
    let capture_start = rig.status().capture.unwrap();
    let stalled_at = Instant::now();
    let mut samples = Vec::new();
    while stalled_at.elapsed() < Duration::from_millis(1200) {
        std::thread::sleep(Duration::from_millis(150));
        let status = rig.status();
        let stream = status.streams.iter().find(|s| s.app == "clock").unwrap().clone();
        samples.push((
            stream,
            status.capture.unwrap(),
            rig.mapped_bytes("mesh"),
            rig.mapped_bytes("compositor"),
        ));
    }
    for (stream, capture, mesh_mapped, compositor_mapped) in &samples {
        // The mesh: no frame published beyond the acknowledgement window,
        // one captured picture held, damage bounded.
        assert_eq!(stream.frames, start.frames, "the mesh kept publishing: {stream:?}");
        assert!(stream.in_flight <= window, "{stream:?}");
        assert!(stream.pending_damage as usize <= weft_wlstream::MAX_DAMAGE_RECTANGLES);
        // The compositor: one frame held, a few rectangles, no event queue.
        assert!(capture.held <= 1 && capture.pending_rectangles <= 8, "{capture:?}");
        assert!(capture.queued_events <= 2, "{capture:?}");
        assert_eq!(*mesh_mapped, mapped.0, "mesh mapped memory grew");
        assert_eq!(*compositor_mapped, mapped.1, "compositor mapped memory grew");
    }
    let (_, capture_end, _, _) = samples.last().unwrap();
    assert!(
        capture_end.coalesced > capture_start.coalesced + 10,
        "the app kept presenting and the compositor merged: {capture_start:?} → {capture_end:?}"
    );
    eprintln!(
        "stalled viewer: capture merged {} presents in {} ms; mesh mapped {} B, compositor mapped {} B",
        capture_end.coalesced - capture_start.coalesced,
        stalled_at.elapsed().as_millis(),
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

/// Whether `program` is on the PATH.
/// A real Wayland client from the distribution (`foot`), connected to
/// the Wayland front of the streaming desktop: its window is streamed
/// like a native one, and keys typed in the viewer reach it.
#[cfg(target_os = "linux")]
#[test]
fn a_real_wayland_client_is_streamed_and_takes_viewer_input() {
    if !installed("foot") {
        return;
    }
    let runtime = scratch("wayland-runtime");
    let socket = runtime.join("weft-wayland");
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../compositor/wayland/manifest.toml"
    ))
    .unwrap();
    let mut front = weft_manifest::compile::parse_manifest(&text, "compositor/wayland").unwrap();
    front.args.retain(|(key, _)| key != "socket");
    front.args.push(("socket".into(), socket.display().to_string()));
    let rig = Rig::boot_with(
        (WIDTH, HEIGHT),
        &[],
        vec![(front, weft_wayland::entry as weft_kernel_hosted::ProgramMain)],
    );
    assert!(rig.wait_for_log("wayland: listening on"), "the Wayland front did not start");

    // foot runs a shell that writes the first line it reads to a file.
    let typed = runtime.join("typed");
    let script = format!("read line; echo \"$line\" > {}; exec cat", typed.display());
    let background = [0x20, 0x30, 0x40];
    let foot = std::process::Command::new("foot")
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("WAYLAND_DISPLAY", &socket)
        .env_remove("DISPLAY")
        .args([
            "--app-id",
            "foot-test",
            "-o",
            "colors.background=203040",
            "-o",
            "main.font=monospace:size=10",
        ])
        .args(["sh", "-c", &script])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start foot");
    let foot = weft_testing::wayland::Running(foot);
    rig.wait_streaming("foot-test");

    // The viewer's first picture is foot's window: its background colour,
    // the size the compositor shows.
    let viewer =
        ViewerProcess::headless("wayland", rig.port, "foot-test", &["--frames", "2", "--type", "weft\n"]);
    let frames = viewer.finish(WAIT);
    // Look at the screen while foot still runs: once it is killed its
    // window closes.
    let shown = on_screen(rig.display(), background);
    assert!(frames.len() == 2 && frames[0].keyframe, "{frames:?}");
    let first = Picture::from_png(&frames[0].path);
    let shown = shown.expect("foot's window on screen");
    assert_eq!((first.width, first.height), (shown.width, shown.height), "the stream is the window's size");
    let plain = first.pixels.chunks(4).filter(|p| p[..3] == background).count();
    assert!(
        plain * 2 > (first.width * first.height) as usize,
        "not foot's picture: {plain} background pixels"
    );

    // The keys went through the mesh and the compositor into foot: its
    // shell read the line, and the echo came back in the second picture.
    let read = eventually(WAIT, || std::fs::read_to_string(&typed).is_ok_and(|line| line == "weft\n"));
    drop(foot);
    assert!(read, "foot's shell did not read the typed line: {:?}", std::fs::read_to_string(&typed));
    let second = Picture::from_png(&frames[1].path);
    assert_ne!(second.first_difference(&first), None, "the typed text never came back");
}
