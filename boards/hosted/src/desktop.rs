//! The hosted desktop on a headless display, for tests and screenshots:
//! boots the board's own system (compositor, input, display, shell, apps)
//! plus a probe, and drives it like a person would — pointer and keys go
//! in through the input service, pixels come out of the display model.

use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use weft_config_api::Value;
use weft_display_hosted::{HostDisplay, Snapshot};
use weft_input_api::RawEvent;
use weft_kernel_hosted::Hosted;
use weft_manifest::{Bundle, Manifest};
use weft_mesh_api::MeshStatus;
use weft_notify_api::Notification;
use weft_status_api::{ProcessInfo, ServiceStatus};
use weft_types::{Button, Key, KeyState};

use crate::probe::{self, Command};
use crate::stream::{self, StreamSetup};
use crate::{BootOptions, System, default_bundle, set_config_default, set_shell_clock};

/// A fixed wall clock for reproducible pictures: Saturday 14 June 2025,
/// 09:41:00 UTC (the clock shows 09:41 for the first minute).
pub const FIXED_CLOCK_MS: i64 = 1_749_894_060_000;

/// How to boot a headless desktop.
pub struct DesktopOptions {
    /// Display width in pixels.
    pub width: u32,
    /// Display height in pixels.
    pub height: u32,
    /// `appearance.theme` at boot: `"light"` or `"dark"`.
    pub theme: &'static str,
    /// Extra services (test apps) and their programs.
    pub extra: Vec<(Manifest, weft_kernel_hosted::ProgramMain)>,
    /// Copy the kernel log to standard error.
    pub echo: bool,
    /// Make it a streaming server (the mesh service at boot).
    pub stream: Option<StreamSetup>,
}

impl Default for DesktopOptions {
    fn default() -> DesktopOptions {
        DesktopOptions {
            width: 1280,
            height: 800,
            theme: "light",
            extra: Vec::new(),
            echo: false,
            stream: None,
        }
    }
}

/// A running headless desktop.
pub struct Desktop {
    /// The booted system.
    pub system: System,
    /// The screen.
    pub display: Arc<HostDisplay>,
    probe: Sender<Command>,
}

/// The board's bundle with the probe and `extra` services, a fixed clock
/// and `theme` as the default theme.
pub fn desktop_bundle(theme: &str, extra: &[Manifest]) -> Bundle {
    let mut bundle = default_bundle();
    for manifest in extra {
        bundle.services.retain(|service| service.name != manifest.name);
        bundle.services.push(manifest.clone());
    }
    bundle.services.push(probe::manifest());
    let programs: Vec<String> = bundle.services.iter().map(|manifest| manifest.program.clone()).collect();
    for program in programs {
        if bundle.image(&program).is_none() {
            crate::add_hosted_program(&mut bundle, &program);
        }
    }
    set_shell_clock(&mut bundle, FIXED_CLOCK_MS, 0);
    set_config_default(&mut bundle, "appearance.theme", &format!("text:{theme}"));
    bundle
}

impl Desktop {
    /// Boot and wait until the shell has drawn the desktop.
    pub fn boot(options: DesktopOptions) -> Result<Desktop, String> {
        let display = HostDisplay::headless(options.width, options.height);
        let hosted = Hosted::new();
        let manifests: Vec<Manifest> = options.extra.iter().map(|(manifest, _)| manifest.clone()).collect();
        for (manifest, entry) in &options.extra {
            hosted.register_program(&manifest.program, *entry);
        }
        let (probe, commands) = channel();
        hosted.register_closure(probe::PROGRAM, Arc::new(probe::program(Arc::new(Mutex::new(commands)))));
        let mut bundle = desktop_bundle(options.theme, &manifests);
        if let Some(setup) = &options.stream {
            stream::enable(&mut bundle, setup)?;
        }
        let boot = BootOptions {
            bundle,
            echo: options.echo || std::env::var_os("WEFT_TEST_ECHO").is_some(),
            devices: vec![(
                "device:display".to_string(),
                display.clone() as Arc<dyn std::any::Any + Send + Sync>,
            )],
        };
        let system = System::boot_on(hosted, boot)?;
        let desktop = Desktop { system, display, probe };
        if !desktop.system.wait_for_log("shell ready", Duration::from_secs(30)) {
            return Err(format!(
                "the shell did not start:\n{}",
                desktop.system.hosted.debug_log().lines().join("\n")
            ));
        }
        if !desktop.system.wait_for_log("probe ready", Duration::from_secs(10)) {
            return Err("the probe did not start".into());
        }
        // The wallpaper and the panel are on screen (the framebuffer starts black).
        let (width, height) = (options.width, options.height);
        let drawn = |s: &Snapshot| {
            s.pixel(width / 2, height / 2)[..3] != [0, 0, 0] && s.pixel(width - 4, 20)[..3] != [0, 0, 0]
        };
        if !desktop.display.wait_for(Duration::from_secs(30), drawn).1 {
            return Err("the shell never drew the desktop".into());
        }
        desktop.settle(Duration::from_millis(250), Duration::from_secs(10));
        Ok(desktop)
    }

    fn ask<T>(&self, make: impl FnOnce(Sender<Result<T, String>>) -> Command) -> Result<T, String> {
        let (reply, answer) = channel();
        self.probe.send(make(reply)).map_err(|_| "the probe is gone".to_string())?;
        answer.recv_timeout(Duration::from_secs(10)).map_err(|_| "the probe did not answer".to_string())?
    }

    /// Inject raw input.
    pub fn inject(&self, events: Vec<RawEvent>) -> Result<(), String> {
        self.ask(|reply| Command::Inject(events, reply))
    }

    /// Move the pointer to `(x, y)` (pixels).
    pub fn point(&self, x: u32, y: u32) -> Result<(), String> {
        let (width, height) = self.display.size();
        self.inject(vec![RawEvent::PointerAbsolute {
            x: (x as f32 + 0.5) / width as f32,
            y: (y as f32 + 0.5) / height as f32,
        }])
    }

    /// Press or release the left button.
    pub fn button(&self, state: KeyState) -> Result<(), String> {
        self.inject(vec![RawEvent::Button { button: Button::Left, state }])
    }

    /// Click at `(x, y)`.
    pub fn click(&self, x: u32, y: u32) -> Result<(), String> {
        self.point(x, y)?;
        std::thread::sleep(Duration::from_millis(30));
        self.button(KeyState::Pressed)?;
        std::thread::sleep(Duration::from_millis(30));
        self.button(KeyState::Released)
    }

    /// Drag with the left button from `from` to `to` in `steps` moves.
    pub fn drag(&self, from: (u32, u32), to: (u32, u32), steps: u32) -> Result<(), String> {
        self.point(from.0, from.1)?;
        self.button(KeyState::Pressed)?;
        for step in 1..=steps {
            let x = from.0 as f32 + (to.0 as f32 - from.0 as f32) * step as f32 / steps as f32;
            let y = from.1 as f32 + (to.1 as f32 - from.1 as f32) * step as f32 / steps as f32;
            self.point(x as u32, y as u32)?;
            std::thread::sleep(Duration::from_millis(10));
        }
        self.button(KeyState::Released)
    }

    /// Press and release `key` while holding `modifiers`.
    pub fn chord(&self, modifiers: &[Key], key: Key) -> Result<(), String> {
        let mut events = Vec::new();
        for modifier in modifiers {
            events.push(RawEvent::Key { key: *modifier, state: KeyState::Pressed });
        }
        events.push(RawEvent::Key { key, state: KeyState::Pressed });
        events.push(RawEvent::Key { key, state: KeyState::Released });
        for modifier in modifiers.iter().rev() {
            events.push(RawEvent::Key { key: *modifier, state: KeyState::Released });
        }
        self.inject(events)
    }

    /// Press and release `key`.
    pub fn key(&self, key: Key) -> Result<(), String> {
        self.chord(&[], key)
    }

    /// Type `text` on the US keymap.
    pub fn type_text(&self, text: &str) -> Result<(), String> {
        for c in text.chars() {
            let (key, shift) = weft_types::keymap::key_for(c).ok_or_else(|| format!("no key types {c:?}"))?;
            if shift { self.chord(&[Key::LEFT_SHIFT], key)? } else { self.key(key)? }
        }
        Ok(())
    }

    /// Every process.
    pub fn processes(&self) -> Result<Vec<ProcessInfo>, String> {
        self.ask(Command::Processes)
    }

    /// The mesh service's status (streams, viewers, frames held, the
    /// compositor's capture figures); an error if it does not run.
    pub fn mesh_status(&self) -> Result<MeshStatus, String> {
        self.ask(Command::Mesh)
    }

    /// Bytes mapped by the processes of service `name`.
    pub fn mapped_bytes(&self, name: &str) -> Result<u64, String> {
        Ok(self.processes()?.iter().filter(|process| process.name == name).map(|p| p.mapped_bytes).sum())
    }

    /// Every service.
    pub fn services(&self) -> Result<Vec<ServiceStatus>, String> {
        self.ask(Command::Services)
    }

    /// Every log record, `(source, message)`.
    pub fn log(&self) -> Result<Vec<(String, String)>, String> {
        self.ask(Command::Log)
    }

    /// Change a setting (the probe has the `write` grant).
    pub fn set_config(&self, key: &str, value: Value) -> Result<(), String> {
        self.ask(|reply| Command::SetConfig(key.to_string(), value, reply))
    }

    /// Write a file in the user's documents (`letters/a.txt`), as an app
    /// would, through the storage service.
    pub fn write_document(&self, path: &str, bytes: &[u8]) -> Result<(), String> {
        self.ask(|reply| Command::WriteDocument(path.to_string(), bytes.to_vec(), reply))
    }

    /// Post a notification as the probe.
    pub fn notify(&self, notification: Notification) -> Result<(), String> {
        self.ask(|reply| Command::Notify(notification, reply))
    }

    /// Wait until the screen passes `test`; returns the last picture and
    /// whether it passed.
    pub fn wait_for(&self, timeout: Duration, test: impl Fn(&Snapshot) -> bool) -> (Snapshot, bool) {
        self.display.wait_for(timeout, test)
    }

    /// Wait until a log record from `source` contains `needle`.
    pub fn wait_for_record(&self, source: &str, needle: &str, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            if self.log().is_ok_and(|log| log.iter().any(|(s, m)| s == source && m.contains(needle))) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// Wait until no flush has happened for `quiet` (the screen settled),
    /// at most `timeout`.
    pub fn settle(&self, quiet: Duration, timeout: Duration) -> Snapshot {
        let end = Instant::now() + timeout;
        let mut count = self.display.flush_count();
        let mut since = Instant::now();
        while Instant::now() < end {
            std::thread::sleep(Duration::from_millis(20));
            let now = self.display.flush_count();
            if now != count {
                count = now;
                since = Instant::now();
            } else if since.elapsed() >= quiet {
                break;
            }
        }
        self.display.snapshot()
    }
}
