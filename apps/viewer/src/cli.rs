//! The command line: windows by default, `--headless` for PNG output and
//! scripted input, `--list` for discovery. The `weft-viewer` binary is
//! [`run`]; tests that need a viewer process of their own call it too.

use std::time::{Duration, Instant};

use crate::discovery::Discovery;
use crate::headless::{self, HeadlessRun};
use crate::options::{self, Options, USAGE};
use crate::stream::StreamOptions;
use crate::window::{self, WindowRun};
use crate::{ViewerError, link};

fn list(options: &Options) -> Result<(), ViewerError> {
    let session = link::open(&options.link)?;
    let discovery = Discovery::start(&session)?;
    let wait = options.timeout.min(Duration::from_secs(3));
    let deadline = Instant::now() + wait;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    for machine in discovery.machines() {
        let telemetry = &machine.telemetry;
        let battery = telemetry.battery_percent.map_or(String::from("-"), |percent| format!("{percent}%"));
        println!(
            "machine {}  up {}s  load {:.2}  battery {battery}",
            telemetry.machine,
            telemetry.uptime_ms / 1000,
            f64::from(telemetry.load_permille) / 1000.0
        );
    }
    for app in discovery.apps() {
        let size = app.size.map_or(String::from("?"), |(width, height)| format!("{width}x{height}"));
        println!(
            "app {}  {}  {size}  on {}{}",
            app.id,
            app.title.as_deref().unwrap_or("-"),
            app.machine.as_deref().unwrap_or("?"),
            if app.streaming { "  (streaming)" } else { "" }
        );
    }
    Ok(())
}

fn headless(options: &Options) -> Result<(), ViewerError> {
    let Some(out) = options.headless.clone() else {
        return Ok(());
    };
    let session = link::open(&options.link)?;
    let run = HeadlessRun {
        out,
        app: options.apps.first().cloned(),
        frames: options.frames,
        actions: options.actions.clone(),
        timeout: options.timeout,
        stream: StreamOptions::default(),
    };
    let report = headless::run(&session, &run)?;
    for frame in &report.frames {
        let after_input = frame
            .after_input_ns
            .map(|ns| format!(" after input {:.2} ms", ns as f64 / 1e6))
            .unwrap_or_default();
        println!(
            "frame {} seq {} {} {} bytes latency {:.2} ms{after_input} -> {}",
            report.app,
            frame.sequence,
            if frame.keyframe { "key" } else { "delta" },
            frame.bytes,
            frame.latency_ns as f64 / 1e6,
            frame.path.display()
        );
    }
    Ok(())
}

/// Run the viewer with `arguments` (without the program name), as the
/// `weft-viewer` binary does.
pub fn run(arguments: &[String]) -> Result<(), ViewerError> {
    let Some(options) = options::parse(arguments)? else {
        println!("{USAGE}");
        return Ok(());
    };
    if options.list {
        return list(&options);
    }
    if options.headless.is_some() {
        return headless(&options);
    }
    let session = link::open(&options.link)?;
    window::run(
        session,
        WindowRun { apps: options.apps, screenshot: options.screenshot, timeout: options.timeout },
    )
}
