//! The desktop scenes `cargo xtask screenshots` renders into
//! `screenshots/` and the screenshot tests compare against: the empty
//! desktop, the launcher, the lock screen and each app on the desktop,
//! in both themes, at 1280 × 800 with a fixed clock.

use std::time::Duration;

use weft_display_hosted::Snapshot;
use weft_types::Key;

use crate::desktop::{Desktop, DesktopOptions};

/// Width of every scene.
pub const WIDTH: u32 = 1280;
/// Height of every scene.
pub const HEIGHT: u32 = 800;
const WAIT: Duration = Duration::from_secs(30);

/// What a scene shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum View {
    /// The empty desktop.
    Desktop,
    /// The launcher, open.
    Launcher,
    /// The lock screen.
    Lock,
    /// An app opened from the launcher: its service name and title.
    App(String, String),
}

/// One picture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scene {
    /// File stem in `screenshots/` (`desktop-light`).
    pub name: String,
    /// `light` or `dark`.
    pub theme: &'static str,
    /// What it shows.
    pub view: View,
    /// It shows live figures (CPU, memory, uptime) that differ from run to
    /// run: rendered for the README, not compared.
    pub live: bool,
}

/// Apps whose windows show live system figures.
const LIVE_APPS: [&str; 1] = ["monitor"];

/// The apps the hosted system ships, by launcher title.
pub fn app_titles() -> Vec<(String, String)> {
    crate::default_bundle()
        .services
        .iter()
        .filter_map(|service| service.app.as_ref().map(|app| (service.name.clone(), app.title.clone())))
        .collect()
}

/// Every scene, in both themes.
pub fn scenes() -> Vec<Scene> {
    let mut scenes = Vec::new();
    for theme in ["light", "dark"] {
        for (stem, view) in [("desktop", View::Desktop), ("launcher", View::Launcher), ("lock", View::Lock)] {
            scenes.push(Scene { name: format!("{stem}-{theme}"), theme, view, live: false });
        }
        for (name, title) in app_titles() {
            scenes.push(Scene {
                name: format!("desktop-{name}-{theme}"),
                theme,
                live: LIVE_APPS.contains(&name.as_str()),
                view: View::App(name, title),
            });
        }
    }
    scenes
}

fn boot(theme: &'static str) -> Result<Desktop, String> {
    let desktop =
        Desktop::boot(DesktopOptions { width: WIDTH, height: HEIGHT, theme, ..DesktopOptions::default() })?;
    // Park the pointer in the corner, out of the picture's way.
    desktop.point(WIDTH - 1, HEIGHT - 1)?;
    Ok(desktop)
}

/// The screen once it stopped changing. Text cursors blink every 530 ms,
/// so a quiet spell of 450 ms comes between blinks; a cursor is a few
/// dozen pixels, well inside the comparison's tolerance.
fn still(desktop: &Desktop) -> Snapshot {
    desktop.settle(Duration::from_millis(450), Duration::from_secs(5))
}

/// Open the launcher with the Super key and wait until it is on screen
/// (the desktop behind it dims; the panel's button changes first).
pub fn open_launcher(desktop: &Desktop, empty: &Snapshot) -> Result<Snapshot, String> {
    desktop.key(Key::LEFT_META)?;
    let region = |s: &Snapshot| {
        s.rgba[(400 * s.width as usize + 100) * 4..(400 * s.width as usize + 300) * 4].to_vec()
    };
    let before = region(empty);
    let (after, open) = desktop.wait_for(WAIT, |s| region(s) != before);
    if open { Ok(after) } else { Err("the launcher did not open".into()) }
}

/// What the Files scenes find in the documents (written through the
/// storage service before the app opens).
const SAMPLE_DOCUMENTS: [(&str, &str); 5] = [
    ("Letters/To Ada.txt", "Dear Ada,\n\nThe loom works.\n"),
    ("Letters/To Charles.txt", "Dear Charles,\n\nThe engine needs more cards.\n"),
    ("Projects/weft/ideas.md", "# Ideas\n\n- a phone\n- packages\n"),
    ("Shopping list.txt", "bread\nmilk\nthread, blue\n"),
    ("Trip notes.md", "# Lisbon\n\nTrams 28 and 12; the castle at sunset.\n"),
];

/// Render `scene` on a freshly booted desktop.
pub fn render(scene: &Scene) -> Result<Snapshot, String> {
    let desktop = boot(scene.theme)?;
    let empty = still(&desktop);
    match &scene.view {
        View::Desktop => Ok(empty),
        View::Launcher => {
            open_launcher(&desktop, &empty)?;
            Ok(still(&desktop))
        }
        View::Lock => {
            desktop.chord(&[Key::LEFT_META], Key::L)?;
            wait_changed(&desktop, &empty)?;
            Ok(still(&desktop))
        }
        View::App(service, title) => {
            if service == "files" {
                for (path, text) in SAMPLE_DOCUMENTS {
                    desktop.write_document(path, text.as_bytes())?;
                }
            }
            let launcher = open_launcher(&desktop, &empty)?;
            desktop.type_text(&title.to_lowercase())?;
            std::thread::sleep(Duration::from_millis(200));
            desktop.key(Key::ENTER)?;
            wait_changed(&desktop, &launcher)?;
            // Wait for the app's window and its first full frame.
            let started = std::time::Instant::now();
            while started.elapsed() < WAIT {
                let running = desktop
                    .services()?
                    .iter()
                    .any(|s| s.state == weft_status_api::ServiceState::Running && s.name == *service);
                if running {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            std::thread::sleep(Duration::from_millis(500));
            Ok(still(&desktop))
        }
    }
}

fn wait_changed(desktop: &Desktop, before: &Snapshot) -> Result<Snapshot, String> {
    let (after, changed) = desktop.wait_for(WAIT, |s| s.rgba != before.rgba);
    if changed { Ok(after) } else { Err("the screen did not change".into()) }
}
