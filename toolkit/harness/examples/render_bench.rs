//! Measures gallery rendering: full frames and a one-character edit.
//!
//! Run with `cargo run --release -p weft-toolkit-harness
//! --example render_bench [width height scale]`. A benchmark, not a test:
//! it prints timings and asserts nothing.

use std::time::{Duration, Instant};

use weft_toolkit::weft_types::{Key, Modifiers};
use weft_toolkit::{Theme, Ui};
use weft_toolkit_harness::Harness;
use weft_toolkit_harness::gallery;

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let width: u32 = arguments.first().and_then(|value| value.parse().ok()).unwrap_or(1280);
    let height: u32 = arguments.get(1).and_then(|value| value.parse().ok()).unwrap_or(800);
    let scale: f32 = arguments.get(2).and_then(|value| value.parse().ok()).unwrap_or(1.0);

    let started = Instant::now();
    let mut ui = Ui::new(Theme::light());
    let ids = gallery::build(&mut ui);
    let mut harness = Harness::new(ui, width, height, scale);
    println!("build + first frame (cold glyph cache): {:?}", started.elapsed());

    let rounds = 30;
    let started = Instant::now();
    for _ in 0..rounds {
        harness.render_fresh();
    }
    let full = started.elapsed() / rounds;
    println!("full frame {width}x{height} @{scale}x: {full:?} ({:.1} frames/s)", 1.0 / full.as_secs_f64());

    harness.click(ids.name);
    harness.key(Key::END, Modifiers::empty());
    harness.render();
    let mut edit = Duration::ZERO;
    let mut area = 0u64;
    for index in 0..rounds {
        harness.type_text(if index % 2 == 0 { "x" } else { "y" });
        let started = Instant::now();
        let damage = harness.render();
        edit += started.elapsed();
        area = Harness::<gallery::GalleryMessage>::damage_area(&damage);
    }
    let edit = edit / rounds;
    let total = width as f64 * height as f64;
    println!(
        "one-character edit: render {edit:?}, damage {area} px ({:.2}% of the window)",
        area as f64 / total * 100.0
    );
    let started = Instant::now();
    for index in 0..rounds {
        harness.set_theme(if index % 2 == 0 { Theme::dark() } else { Theme::light() });
        harness.render();
    }
    println!("theme switch + full repaint: {:?}", started.elapsed() / rounds);
}
