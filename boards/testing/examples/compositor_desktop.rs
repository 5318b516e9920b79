//! The compositor in a host window: input service, hosted window display,
//! compositor and two demo apps, started by the root manager.
//!
//! `cargo run -p weft-testing --example compositor_desktop [-- SECONDS [SCREENSHOT.png]]`
//! (under `xvfb-run -a` without a desktop). The window loop owns the main
//! thread, as winit requires on macOS; Weft runs on other threads. This
//! is the shape the hosted runner follows.

use std::time::Duration;

use weft_compositor_api::client::{Display, Window, WindowEvent};
use weft_compositor_api::{KeyboardEvent, Size, ToplevelRole};
use weft_display_hosted::window;
use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
use weft_rt::Deadline;
use weft_testing::graph::graphics;
use weft_testing::{GraphOptions, Service};
use weft_types::KeyState;

fn demo(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, demo_main)
}

/// A window filled with a gradient whose hue moves with each key press.
fn demo_main(startup: Startup) -> Result<(), ProgramError> {
    let title = startup.arg("title").unwrap_or("Demo").to_string();
    let mut hue: u8 = startup.arg("hue").and_then(|h| h.parse().ok()).unwrap_or(0);
    let mut display = Display::connect()?;
    let mut window = Window::toplevel(
        &mut display,
        ToplevelRole {
            title,
            app_id: "org.weft.demo".into(),
            size: Size::new(420, 300),
            min_size: Size::new(160, 100),
        },
    )?;
    let mut dirty = true;
    loop {
        let event = display.next_event(Deadline::INFINITE)?;
        match window.handle(&mut display, &event)? {
            Some(WindowEvent::Close) => return window.destroy(&display).map_err(Into::into),
            Some(WindowEvent::Configure(_)) => dirty = true,
            Some(WindowEvent::Keyboard(KeyboardEvent::Key(key))) if key.state != KeyState::Released => {
                hue = hue.wrapping_add(24);
                dirty = true;
            }
            _ => {}
        }
        if !dirty || !window.can_draw() {
            continue;
        }
        if let Some(mut frame) = window.frame(&mut display)? {
            let size = frame.size();
            for (i, pixel) in frame.pixels_mut().chunks_exact_mut(4).enumerate() {
                let x = (i as u32 % size.width) * 255 / size.width.max(1);
                let y = (i as u32 / size.width) * 255 / size.height.max(1);
                pixel.copy_from_slice(&[hue.wrapping_add(x as u8), y as u8, 255 - (x as u8) / 2, 255]);
            }
            frame.present(&display, &[])?;
            dirty = false;
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let seconds: Option<u64> = args.next().and_then(|s| s.parse().ok());
    let screenshot = args.next();
    // On the main thread: the window and its event loop.
    let (display, window_loop) = window::create("Weft", 1024, 700)?;
    let model = display.clone();
    std::thread::spawn(move || {
        let demos = [("Demo one", "0"), ("Demo two", "120")].map(|(name, hue)| {
            Service::new(&name.replace(' ', "-").to_lowercase(), "demo")
                .uses("weft.compositor", &[])
                .arg("title", name)
                .arg("hue", hue)
        });
        let graph = GraphOptions::default()
            .services(graphics(model.clone()))
            .services(demos)
            .program("demo", demo)
            .boot()
            .expect("the graph boots");
        graph.hosted().debug_log().set_echo(true);
        let started = std::time::Instant::now();
        while !model.is_closed() {
            std::thread::sleep(Duration::from_millis(50));
            if seconds.is_some_and(|s| started.elapsed() >= Duration::from_secs(s)) {
                if let Some(path) = &screenshot {
                    let _ = model.snapshot().save_png(std::path::Path::new(path));
                }
                model.close();
            }
        }
    });
    window::run_window_loop(window_loop)?;
    Ok(())
}
