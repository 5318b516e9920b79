//! Reading pixels off a display: where a colour is, how bright an area is,
//! and keeping a failing test's picture.

use weft_display_hosted::Snapshot;

/// Bounding box `(x0, y0, x1, y1)` (exclusive ends) of pixels of exactly
/// `rgb`.
pub fn find(snapshot: &Snapshot, rgb: [u8; 3]) -> Option<(u32, u32, u32, u32)> {
    find_near(snapshot, rgb, 0, 0).map(|(bounds, _)| bounds)
}

/// Bounding box `(x0, y0, x1, y1)` (exclusive ends) of pixels within
/// `slack` of `target` in every channel, in the rows from `top` down, and
/// how many there are.
pub fn find_near(
    snapshot: &Snapshot,
    target: [u8; 3],
    slack: u8,
    top: u32,
) -> Option<((u32, u32, u32, u32), u32)> {
    let mut bounds: Option<(u32, u32, u32, u32)> = None;
    let mut count = 0;
    for y in top..snapshot.height {
        for x in 0..snapshot.width {
            let pixel = snapshot.pixel(x, y);
            if pixel.iter().zip(target).all(|(have, want)| have.abs_diff(want) <= slack) {
                count += 1;
                bounds = Some(match bounds {
                    None => (x, y, x + 1, y + 1),
                    Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x + 1), y1.max(y + 1)),
                });
            }
        }
    }
    bounds.map(|bounds| (bounds, count))
}

/// Mean brightness of a rectangle (0–255).
pub fn brightness(snapshot: &Snapshot, x: u32, y: u32, width: u32, height: u32) -> f32 {
    let mut sum = 0.0;
    for row in y..y + height {
        for column in x..x + width {
            let p = snapshot.pixel(column, row);
            sum += 0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32;
        }
    }
    sum / (width * height) as f32
}

/// Save `snapshot` where a failing test's picture can be looked at, and
/// return the path as text for the failure message.
pub fn keep(snapshot: &Snapshot, name: &str) -> String {
    let directory = std::env::temp_dir().join("weft-screenshots");
    let path = directory.join(format!("{name}.png"));
    let _ = std::fs::create_dir_all(&directory);
    let _ = snapshot.save_png(&path);
    path.display().to_string()
}
