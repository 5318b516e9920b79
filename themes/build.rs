//! Compiles the TOML themes under `data/` into postcard blobs in `OUT_DIR`.
//!
//! Build scripts run on the host, so this may use `std` and the `toml`
//! crate; the library itself only decodes postcard and stays `no_std`.
//! A malformed theme or icon fails the build with the file and reason.

extern crate alloc;

#[path = "src/model.rs"]
#[allow(dead_code, reason = "the build script uses only part of the model")]
mod model;

use std::collections::BTreeMap;
use std::path::Path;

use model::{Icon, IconGeometry, IconPaint, IconShape, Theme};
use serde::Deserialize;

/// One icon shape as authored: exactly one geometry key plus paint options.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShapeSource {
    path: Option<String>,
    circle: Option<[f32; 3]>,
    rect: Option<[f32; 5]>,
    /// Stroke width; absent means filled.
    stroke: Option<f32>,
    opacity: Option<f32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IconSource {
    view_box: f32,
    shapes: Vec<ShapeSource>,
}

#[derive(Deserialize)]
struct IconFile {
    icons: BTreeMap<String, IconSource>,
}

fn convert_icon(name: &str, source: IconSource) -> Icon {
    let shapes = source
        .shapes
        .into_iter()
        .enumerate()
        .map(|(index, shape)| {
            let geometry = match (shape.path, shape.circle, shape.rect) {
                (Some(path), None, None) => IconGeometry::Path(path),
                (None, Some(circle), None) => IconGeometry::Circle(circle),
                (None, None, Some(rect)) => IconGeometry::Rect(rect),
                _ => panic!("icon {name:?} shape {index}: give exactly one of path, circle, rect"),
            };
            let paint = match shape.stroke {
                Some(width) => IconPaint::Stroke(width),
                None => IconPaint::Fill,
            };
            IconShape {
                geometry,
                paint,
                opacity: shape.opacity.unwrap_or(1.0),
            }
        })
        .collect();
    Icon {
        view_box: source.view_box,
        shapes,
    }
}

fn read(path: &Path) -> String {
    println!("cargo::rerun-if-changed={}", path.display());
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let data = Path::new(&manifest).join("data");
    println!("cargo::rerun-if-changed=src/model.rs");

    let icon_path = data.join("icons.toml");
    let icon_file: IconFile = toml::from_str(&read(&icon_path))
        .unwrap_or_else(|error| panic!("{}: {error}", icon_path.display()));
    let icons: BTreeMap<String, Icon> = icon_file
        .icons
        .into_iter()
        .map(|(name, source)| {
            let icon = convert_icon(&name, source);
            (name, icon)
        })
        .collect();

    for name in ["light", "dark"] {
        let path = data.join(format!("{name}.toml"));
        let mut theme: Theme = toml::from_str(&read(&path))
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        theme.icons = icons.clone().into_iter().collect();
        let bytes = postcard::to_allocvec(&theme).expect("themes always encode");
        std::fs::write(Path::new(&out).join(format!("{name}.postcard")), bytes)
            .expect("OUT_DIR is writable");
    }
}
