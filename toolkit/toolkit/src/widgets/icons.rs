//! Icons the theme's set lacks, in its style (24-unit grid, 1.75 strokes).

use alloc::string::String;
use alloc::vec;

use weft_theme::{Icon, IconGeometry, IconPaint, IconShape};

fn stroked(path: &str) -> IconShape {
    IconShape {
        geometry: IconGeometry::Path(String::from(path)),
        paint: IconPaint::Stroke(1.75),
        opacity: 1.0,
    }
}

/// An arrow pointing up (to the parent folder).
pub fn arrow_up() -> Icon {
    Icon { view_box: 24.0, shapes: vec![stroked("M12 19 V5.5"), stroked("M6 11 L12 5 L18 11")] }
}

/// A small filled triangle for sorted columns: up when `ascending`.
pub fn sort_arrow(ascending: bool) -> Icon {
    let path = if ascending { "M7 14.5 L12 9 L17 14.5 Z" } else { "M7 9.5 L12 15 L17 9.5 Z" };
    Icon {
        view_box: 24.0,
        shapes: vec![IconShape {
            geometry: IconGeometry::Path(String::from(path)),
            paint: IconPaint::Fill,
            opacity: 1.0,
        }],
    }
}
