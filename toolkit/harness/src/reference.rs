//! Reference PNGs: load, save, compare (host only).

use std::format;
use std::path::{Path, PathBuf};
use std::string::String;
use std::vec::Vec;

use crate::pixels::{Tolerance, compare, demultiply};

/// Reads a PNG as straight RGBA8: (width, height, pixels).
pub fn read_png(path: &Path) -> Result<(u32, u32, Vec<u8>), String> {
    let image = image::open(path).map_err(|error| format!("{}: {error}", path.display()))?;
    let rgba = image.to_rgba8();
    Ok((rgba.width(), rgba.height(), rgba.into_raw()))
}

/// Writes straight RGBA8 pixels as a PNG, creating parent directories.
pub fn write_png(path: &Path, width: u32, height: u32, straight: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|error| format!("{}: {error}", parent.display()))?;
    }
    // Write then rename, so a test reading the file never sees half of it.
    let partial = path.with_extension("png.partial");
    image::save_buffer_with_format(
        &partial,
        straight,
        width,
        height,
        image::ExtendedColorType::Rgba8,
        image::ImageFormat::Png,
    )
    .map_err(|error| format!("{}: {error}", partial.display()))?;
    std::fs::rename(&partial, path).map_err(|error| format!("{}: {error}", path.display()))
}

fn blessing() -> bool {
    std::env::var("WEFT_BLESS").is_ok_and(|value| value == "1")
}

fn actual_path(reference: &Path) -> PathBuf {
    let name = reference
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::env::temp_dir()
        .join("weft-screenshots")
        .join(format!("{name}.actual.png"))
}

/// Compares a premultiplied RGBA8 frame with the reference PNG at `path`.
///
/// # Panics
/// When the reference is missing (unless `WEFT_BLESS=1`, which writes it),
/// has another size, or differs beyond `tolerance` (the actual frame is
/// then written to a temporary directory for inspection).
pub fn assert_matches_reference(
    path: &Path,
    width: u32,
    height: u32,
    premultiplied: &[u8],
    tolerance: Tolerance,
) {
    let straight = demultiply(premultiplied);
    if !path.exists() {
        if blessing() {
            write_png(path, width, height, &straight).expect("reference written");
            std::eprintln!("wrote new reference {}", path.display());
            return;
        }
        let actual = actual_path(path);
        let _ = write_png(&actual, width, height, &straight);
        panic!(
            "reference image {} is missing. Inspect the frame rendered now at {}, and if it is right \
             create the reference by running the test again with WEFT_BLESS=1, then commit the PNG.",
            path.display(),
            actual.display()
        );
    }
    let (reference_width, reference_height, reference) =
        read_png(path).unwrap_or_else(|error| panic!("{error}"));
    let comparison = compare(&reference, &straight, tolerance.channel);
    let same_size = (reference_width, reference_height) == (width, height);
    if same_size && comparison.within(tolerance) {
        return;
    }
    if blessing() {
        write_png(path, width, height, &straight).expect("reference written");
        std::eprintln!("updated reference {}", path.display());
        return;
    }
    let actual = actual_path(path);
    let _ = write_png(&actual, width, height, &straight);
    panic!(
        "frame differs from {}: size {}x{} vs reference {}x{}, {} of {} pixels differ ({:.4}%, allowed {:.4}%), \
         largest channel difference {}. Actual frame: {}. If the change is intended, rerun with WEFT_BLESS=1.",
        path.display(),
        width,
        height,
        reference_width,
        reference_height,
        comparison.differing,
        comparison.total,
        comparison.fraction() * 100.0,
        tolerance.max_fraction * 100.0,
        comparison.max_channel_difference,
        actual.display()
    );
}
