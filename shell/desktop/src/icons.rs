//! Icons only the shell uses (apps grid, lock, theme, notifications),
//! drawn on the same 24-unit grid and in the same line style as the
//! theme's icon set; every other name is looked up in the theme.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use weft_theme::{Icon, IconGeometry, IconPaint, IconShape, Theme};

fn stroke(path: &str) -> IconShape {
    IconShape {
        geometry: IconGeometry::Path(String::from(path)),
        paint: IconPaint::Stroke(1.75),
        opacity: 1.0,
    }
}

fn rect(x: f32, y: f32, width: f32, height: f32, radius: f32, paint: IconPaint, opacity: f32) -> IconShape {
    IconShape { geometry: IconGeometry::Rect([x, y, width, height, radius]), paint, opacity }
}

fn circle(x: f32, y: f32, radius: f32, paint: IconPaint, opacity: f32) -> IconShape {
    IconShape { geometry: IconGeometry::Circle([x, y, radius]), paint, opacity }
}

fn shapes(list: Vec<IconShape>) -> Icon {
    Icon { view_box: 24.0, shapes: list }
}

/// The shell's own icon called `name`, if it has one.
pub fn shell_icon(name: &str) -> Option<Icon> {
    let line = IconPaint::Stroke(1.75);
    Some(match name {
        // Nine rounded squares: "all apps".
        "apps" => {
            let mut list = Vec::new();
            for row in 0..3 {
                for column in 0..3 {
                    let x = 4.0 + column as f32 * 6.0;
                    let y = 4.0 + row as f32 * 6.0;
                    list.push(rect(x, y, 4.0, 4.0, 1.2, IconPaint::Fill, 1.0));
                }
            }
            shapes(list)
        }
        "lock" => shapes(vec![
            rect(5.0, 10.5, 14.0, 10.5, 2.5, line, 1.0),
            stroke("M8.5 10.5 V7.5 C8.5 5.3 10 3.5 12 3.5 C14 3.5 15.5 5.3 15.5 7.5 V10.5"),
            circle(12.0, 15.5, 1.4, IconPaint::Fill, 1.0),
        ]),
        // A crescent: switch to the dark theme.
        "moon" => shapes(vec![stroke(
            "M19.5 14.5 C18.4 15 17.2 15.2 16 15.2 C11.6 15.2 8.2 11.8 8.2 7.5 C8.2 6.2 8.5 5 9 4 \
             C5.9 5.2 3.8 8.2 3.8 11.6 C3.8 16.2 7.6 20 12.2 20 C15.5 20 18.3 17.9 19.5 14.5 Z",
        )]),
        // A sun: switch to the light theme.
        "sun" => shapes(vec![
            circle(12.0, 12.0, 4.0, line, 1.0),
            stroke(
                "M12 2.5 V4.5 M12 19.5 V21.5 M2.5 12 H4.5 M19.5 12 H21.5 M5.3 5.3 L6.7 6.7 \
                 M17.3 17.3 L18.7 18.7 M5.3 18.7 L6.7 17.3 M17.3 6.7 L18.7 5.3",
            ),
        ]),
        "bell" => shapes(vec![
            stroke("M6 16.5 V11 C6 7.7 8.7 5 12 5 C15.3 5 18 7.7 18 11 V16.5 L19.5 18 H4.5 Z"),
            stroke("M10 20.5 C10.4 21.3 11.1 21.7 12 21.7 C12.9 21.7 13.6 21.3 14 20.5"),
            stroke("M12 3 V5"),
        ]),
        // A generic window, for windows whose app has no icon.
        "window" => shapes(vec![
            rect(3.0, 4.5, 18.0, 15.0, 2.5, line, 1.0),
            stroke("M3 9 H21"),
            circle(6.0, 6.8, 0.9, IconPaint::Fill, 1.0),
            circle(8.8, 6.8, 0.9, IconPaint::Fill, 1.0),
        ]),
        "pulse" => shapes(vec![stroke("M3 12 H7 L9.5 6 L14 18 L16.5 12 H21")]),
        _ => return None,
    })
}

/// The icon called `name`: the shell's own, else the theme's, else the
/// generic window icon.
pub fn icon(theme: &Theme, name: &str) -> Icon {
    if let Some(icon) = shell_icon(name) {
        return icon;
    }
    if let Some(icon) = theme.icon(name) {
        return icon.clone();
    }
    shell_icon("window").unwrap_or(Icon { view_box: 24.0, shapes: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shell_icon_parses() {
        for name in ["apps", "lock", "moon", "sun", "bell", "window", "pulse"] {
            let icon = shell_icon(name).unwrap();
            for shape in &icon.shapes {
                if let IconGeometry::Path(data) = &shape.geometry {
                    assert!(weft_paint::parse_path_data(data).is_ok(), "{name}: {data}");
                }
            }
        }
    }
}
