//! Between compositor and toolkit types.

use weft_compositor_api::Rect;
use weft_paint::PixelRect;

/// A toolkit pixel rectangle as a compositor damage rectangle (clamped to
/// non-negative coordinates).
pub fn to_compositor(rect: PixelRect) -> Rect {
    let x = rect.x.max(0);
    let y = rect.y.max(0);
    let width = rect.width.saturating_sub((x - rect.x) as u32);
    let height = rect.height.saturating_sub((y - rect.y) as u32);
    Rect { x, y, width, height }
}

/// A compositor rectangle as a toolkit pixel rectangle.
pub fn to_toolkit(rect: Rect) -> PixelRect {
    PixelRect { x: rect.x, y: rect.y, width: rect.width, height: rect.height }
}
