//! `weft-hosted`: run Weft inside this process (host only).
//!
//! `weft-hosted [--headless] [--size WIDTHxHEIGHT] [--quiet] [--for SECONDS] [--screenshot FILE.png]
//! [--disk FILE] [--stream [--listen ENDPOINT]] [--open APP]…`
//!
//! By default the desktop opens in a host window (winit + softbuffer);
//! its event loop owns the main thread, as winit requires, and Weft runs
//! on other threads. `--headless` renders into an in-memory framebuffer
//! instead (a streaming server, CI). `--for` stops after that many
//! seconds; `--screenshot` saves the screen as a PNG just before.
//! `--stream` makes it a streaming server: the mesh service starts at boot,
//! streams every window and listens on `--listen` (default
//! `tcp/0.0.0.0:7447`). `--open APP` starts an app (`terminal`, `files`,
//! ...) at boot, as if it had been picked in the launcher. `--disk FILE`
//! keeps the system's disk in an image file (made on first use, 256 MiB),
//! so files and settings survive a restart; without it the disk is in
//! memory and starts empty.

use std::any::Any;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use weft_block_hosted::{DEVICE_CAPABILITY, HostDisk};
use weft_board_hosted::{BootOptions, System, default_bundle, set_shell_clock, stream};
use weft_display_hosted::HostDisplay;

const USAGE: &str = "usage: weft-hosted [--headless] [--size WIDTHxHEIGHT] [--quiet] [--for SECONDS] \
                     [--screenshot FILE.png] [--disk FILE] [--stream [--listen ENDPOINT]] [--open APP]...";

/// Size of a new disk image.
const DISK_IMAGE_BYTES: u64 = 256 << 20;

struct Options {
    headless: bool,
    quiet: bool,
    size: (u32, u32),
    run_for: Option<Duration>,
    screenshot: Option<PathBuf>,
    /// The Zenoh endpoint to stream on, with `--stream`.
    stream: Option<String>,
    /// Apps to start at boot.
    open: Vec<String>,
    /// The disk image, if the disk is to outlive the process.
    disk: Option<PathBuf>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        headless: false,
        quiet: false,
        size: (1280, 800),
        run_for: None,
        screenshot: None,
        stream: None,
        open: Vec::new(),
        disk: None,
    };
    let mut streaming = false;
    let mut listen = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--headless" => options.headless = true,
            "--quiet" => options.quiet = true,
            "--for" => {
                let value = args.next().ok_or("--for needs a number of seconds")?;
                let seconds: f64 = value.parse().map_err(|_| format!("--for: `{value}` is not a number"))?;
                options.run_for = Some(Duration::from_secs_f64(seconds.max(0.0)));
            }
            "--size" => {
                let value = args.next().ok_or("--size needs WIDTHxHEIGHT")?;
                let parsed = value
                    .split_once('x')
                    .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
                    .filter(|(w, h)| (320..=8192).contains(w) && (240..=8192).contains(h));
                options.size = parsed.ok_or_else(|| format!("--size: `{value}` is not WIDTHxHEIGHT"))?;
            }
            "--screenshot" => {
                options.screenshot =
                    Some(PathBuf::from(args.next().ok_or("--screenshot needs a file name")?));
            }
            "--disk" => options.disk = Some(PathBuf::from(args.next().ok_or("--disk needs a file name")?)),
            "--stream" => streaming = true,
            "--listen" => listen = Some(args.next().ok_or("--listen needs an endpoint")?.clone()),
            "--open" => options.open.push(args.next().ok_or("--open needs an app's name")?.clone()),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if listen.is_some() && !streaming {
        return Err("--listen only makes sense with --stream".into());
    }
    if streaming {
        options.stream = Some(listen.unwrap_or_else(|| stream::DEFAULT_LISTEN.to_string()));
    }
    Ok(options)
}

/// The host's wall clock: Unix milliseconds and the local UTC offset.
fn wall_clock() -> (i64, i32) {
    let now = chrono::Local::now();
    (now.timestamp_millis(), now.offset().local_minus_utc() / 60)
}

fn boot(display: &Arc<HostDisplay>, options: &Options) -> System {
    let mut bundle = default_bundle();
    let (unix_ms, offset_minutes) = wall_clock();
    set_shell_clock(&mut bundle, unix_ms, offset_minutes);
    if let Some(listen) = &options.stream {
        if let Err(error) = stream::enable(&mut bundle, &stream::StreamSetup::server(listen)) {
            eprintln!("weft-hosted: {error}");
            std::process::exit(1);
        }
        println!("{}", stream::instructions(listen));
    }
    for app in &options.open {
        let manifest =
            bundle.services.iter_mut().find(|manifest| manifest.name == *app && manifest.app.is_some());
        match manifest {
            Some(manifest) => manifest.start = weft_manifest::Start::Boot,
            None => {
                let apps: Vec<&str> = bundle
                    .services
                    .iter()
                    .filter(|manifest| manifest.app.is_some())
                    .map(|manifest| manifest.name.as_str())
                    .collect();
                eprintln!("weft-hosted: --open: no app `{app}` (apps: {})", apps.join(", "));
                std::process::exit(2);
            }
        }
    }
    let quiet = options.quiet;
    let mut devices = vec![("device:display".to_string(), display.clone() as Arc<dyn Any + Send + Sync>)];
    if let Some(path) = &options.disk {
        match HostDisk::file(path, DISK_IMAGE_BYTES) {
            Ok(disk) => devices.push((DEVICE_CAPABILITY.to_string(), disk as Arc<dyn Any + Send + Sync>)),
            Err(error) => {
                eprintln!("weft-hosted: the disk image {}: {error}", path.display());
                std::process::exit(1);
            }
        }
    }
    match System::boot(BootOptions { bundle, echo: !quiet, devices }) {
        Ok(system) => system,
        Err(error) => {
            eprintln!("weft-hosted: {error}");
            std::process::exit(1);
        }
    }
}

fn save(display: &HostDisplay, path: &Option<PathBuf>) {
    if let Some(path) = path {
        match display.snapshot().save_png(path) {
            Ok(()) => eprintln!("weft-hosted: screenshot saved to {}", path.display()),
            Err(error) => eprintln!("weft-hosted: could not save {}: {error}", path.display()),
        }
    }
}

/// Whether a window can possibly open here (Linux and the BSDs need a
/// display server).
fn window_system_missing() -> bool {
    cfg!(all(unix, not(target_os = "macos")))
        && std::env::var_os("DISPLAY").is_none()
        && std::env::var_os("WAYLAND_DISPLAY").is_none()
}

fn run_headless(options: &Options) {
    let display = HostDisplay::headless(options.size.0, options.size.1);
    let system = boot(&display, options);
    match options.run_for {
        Some(duration) => std::thread::sleep(duration),
        None => loop {
            std::thread::sleep(Duration::from_secs(3600));
        },
    }
    save(&display, &options.screenshot);
    system.shutdown();
}

fn run_windowed(options: &Options) {
    let no_window = "weft-hosted: cannot open a window";
    if window_system_missing() {
        eprintln!(
            "{no_window}: no display server (neither DISPLAY nor WAYLAND_DISPLAY is set).\n\
             Run the desktop without a window with --headless (cargo xtask run --hosted --headless),\n\
             or inside a virtual X server: xvfb-run -a cargo xtask run --hosted"
        );
        std::process::exit(1);
    }
    let (display, window_loop) =
        match weft_display_hosted::window::create("Weft", options.size.0, options.size.1) {
            Ok(pair) => pair,
            Err(error) => {
                eprintln!("{no_window}: {error}\nRun it without a window with --headless.");
                std::process::exit(1);
            }
        };
    let system = boot(&display, options);
    if let Some(duration) = options.run_for {
        let display = display.clone();
        let screenshot = options.screenshot.clone();
        std::thread::spawn(move || {
            std::thread::sleep(duration);
            save(&display, &screenshot);
            display.close();
        });
    }
    if let Err(error) = weft_display_hosted::window::run_window_loop(window_loop) {
        eprintln!("{no_window}: {error}\nRun it without a window with --headless.");
        system.shutdown();
        std::process::exit(1);
    }
    system.shutdown();
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(options) => options,
        Err(error) => {
            eprintln!("weft-hosted: {error}\n{USAGE}");
            std::process::exit(2);
        }
    };
    if options.headless { run_headless(&options) } else { run_windowed(&options) }
}
