//! `cargo xtask screenshots` and the screenshots stage of `cargo xtask test`.
//!
//! - `screenshots [SCENE…]` renders the desktop scenes headless
//!   (`weft-screenshots`, from the hosted board) into `screenshots/`.
//! - The test stage compares the scenes with the committed pictures
//!   (`boards/testing/tests/screenshots.rs`), then checks the desktop in a
//!   real host window: `weft-hosted` under Xvfb, the X screen captured with
//!   `xwd` and decoded here; and that without any display server it stops
//!   with a message pointing at `--headless`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{prereq, util};

/// `cargo xtask screenshots [SCENE…]`.
pub fn run(args: &[String]) -> Result<(), String> {
    prereq::ensure(prereq::host_tests())?;
    let directory = util::root().join("screenshots");
    let mut command = util::cargo();
    command.args(["run", "-p", "weft-board-hosted", "--bin", "weft-screenshots", "--"]);
    command.arg(&directory);
    command.args(args);
    util::run(&mut command)?;
    eprintln!("xtask: pictures are in {}; look at them before committing", directory.display());
    Ok(())
}

/// The screenshot comparison tests and the host-window check.
pub fn check() -> Result<(), String> {
    prereq::ensure(prereq::host_tests())?;
    // `--workspace` keeps the feature set of the host-test build, so this
    // reuses its artefacts instead of rebuilding a hundred crates (and
    // doubling the target folder).
    util::run(util::cargo().args(["test", "--workspace", "--test", "screenshots", "--", "--ignored"]))?;
    window_check()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| util::root().join("target"))
}

/// `weft-hosted` in a window under Xvfb shows the desktop; with no display
/// it fails cleanly.
fn window_check() -> Result<(), String> {
    util::run(util::cargo().args(["build", "--workspace", "--bin", "weft-hosted"]))?;
    let binary = target_dir().join("debug").join("weft-hosted");
    no_display_check(&binary)?;
    if !cfg!(target_os = "linux") {
        eprintln!("xtask: skipping the Xvfb window check (Linux only)");
        return Ok(());
    }
    prereq::ensure(prereq::SCREENSHOTS_LINUX)?;
    let capture = std::env::temp_dir().join(format!("weft-window-{}.xwd", std::process::id()));
    let script = "\"$0\" --quiet --for 14 & pid=$!; sleep 9; xwd -root -silent -out \"$1\"; wait $pid";
    let output = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24", "sh", "-c", script])
        .arg(&binary)
        .arg(&capture)
        .output()
        .map_err(|e| format!("xvfb-run: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "weft-hosted under Xvfb failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let bytes = std::fs::read(&capture).map_err(|e| format!("{}: {e}", capture.display()))?;
    let _ = std::fs::remove_file(&capture);
    let image = Xwd::decode(&bytes)?;
    check_desktop(&image)?;
    eprintln!("xtask: the desktop is on the X screen ({}×{})", image.width, image.height);
    Ok(())
}

fn no_display_check(binary: &Path) -> Result<(), String> {
    let output = Command::new(binary)
        .args(["--quiet", "--for", "1"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() || !stderr.contains("--headless") {
        return Err(format!(
            "without a display, weft-hosted should fail and suggest --headless; it said ({}): {stderr}",
            output.status
        ));
    }
    eprintln!("xtask: without a display: {}", stderr.lines().next().unwrap_or_default());
    Ok(())
}

/// Look for the desktop: a light panel along the top, the wallpaper below,
/// and nothing black.
fn check_desktop(image: &Xwd) -> Result<(), String> {
    if (image.width, image.height) != (1280, 800) {
        return Err(format!("the X screen is {}×{}, not 1280×800", image.width, image.height));
    }
    let mean = |x0: u32, y0: u32, x1: u32, y1: u32| {
        let mut sum = 0.0;
        for y in y0..y1 {
            for x in x0..x1 {
                let [r, g, b] = image.pixel(x, y);
                sum += 0.299 * f64::from(r) + 0.587 * f64::from(g) + 0.114 * f64::from(b);
            }
        }
        sum / f64::from((x1 - x0) * (y1 - y0))
    };
    let panel = mean(300, 5, 900, 35);
    let wallpaper = mean(100, 200, 1180, 780);
    let [r, _, b] = image.pixel(100, 400);
    if panel < 200.0 || wallpaper < 150.0 || b <= r {
        return Err(format!(
            "the X screen does not show the desktop (panel brightness {panel:.0}, wallpaper {wallpaper:.0}, \
             wallpaper pixel {:?})",
            image.pixel(100, 400)
        ));
    }
    Ok(())
}

/// An X window dump (`xwd`, format version 7), decoded to RGB.
struct Xwd {
    width: u32,
    height: u32,
    rgb: Vec<[u8; 3]>,
}

impl Xwd {
    fn decode(bytes: &[u8]) -> Result<Xwd, String> {
        let field = |index: usize| -> Result<u32, String> {
            let at = index * 4;
            bytes
                .get(at..at + 4)
                .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
                .ok_or_else(|| "xwd: truncated header".to_string())
        };
        let header_size = field(0)? as usize;
        if field(1)? != 7 || field(2)? != 2 {
            return Err("xwd: not a version-7 ZPixmap dump".into());
        }
        let (width, height) = (field(4)?, field(5)?);
        let byte_order = field(7)?;
        let bits_per_pixel = field(11)?;
        let bytes_per_line = field(12)? as usize;
        let masks = [field(14)?, field(15)?, field(16)?];
        let colors = field(19)? as usize;
        if bits_per_pixel != 32 || width == 0 || height == 0 {
            return Err(format!("xwd: {bits_per_pixel} bits per pixel is not supported"));
        }
        let start = header_size + colors * 12;
        let end = start + bytes_per_line * height as usize;
        let data = bytes.get(start..end).ok_or("xwd: truncated pixels")?;
        let channel = |value: u32, mask: u32| -> u8 {
            if mask == 0 {
                return 0;
            }
            let shifted = (value & mask) >> mask.trailing_zeros();
            let bits = mask.count_ones();
            ((shifted * 255) / ((1u32 << bits) - 1)) as u8
        };
        let mut rgb = Vec::with_capacity((width * height) as usize);
        for y in 0..height as usize {
            for x in 0..width as usize {
                let at = y * bytes_per_line + x * 4;
                let b = [data[at], data[at + 1], data[at + 2], data[at + 3]];
                let value = if byte_order == 0 { u32::from_le_bytes(b) } else { u32::from_be_bytes(b) };
                rgb.push([channel(value, masks[0]), channel(value, masks[1]), channel(value, masks[2])]);
            }
        }
        Ok(Xwd { width, height, rgb })
    }

    fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        self.rgb[(y * self.width + x) as usize]
    }
}
