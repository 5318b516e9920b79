//! Toolkit damage as compositor damage.

use weft_types::Rect;

/// A toolkit damage rectangle as compositor damage (clamped to
/// non-negative coordinates: a buffer has no pixels left of or above its
/// origin).
pub fn to_compositor(rect: Rect) -> Rect {
    let x = rect.x.max(0);
    let y = rect.y.max(0);
    let width = rect.width.saturating_sub((x - rect.x) as u32);
    let height = rect.height.saturating_sub((y - rect.y) as u32);
    Rect { x, y, width, height }
}
