//! Composite costs: full frames at desktop and phone sizes, a one-glyph
//! damage frame, and the final BGRA copy, next to a plain memcpy of the
//! same bytes. Run with `cargo bench -p weft-scene`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use weft_scene::{
    Color, Content, ImageId, ImageSource, ImageView, OutputFormat, Rect, Region, Renderer, Scene,
};

struct Images(Vec<(u32, u32, Vec<u8>)>);

impl ImageSource for Images {
    fn image(&self, image: ImageId) -> Option<ImageView<'_>> {
        let (w, h, bytes) = self.0.get(image.0 as usize)?;
        Some(ImageView {
            bytes,
            width: *w,
            height: *h,
            stride: w * 4,
        })
    }
}

fn pixels(w: u32, h: u32, alpha: u8) -> Vec<u8> {
    (0..w * h)
        .flat_map(|i| [(i % 251) as u8, (i % 241) as u8, (i % 239) as u8, alpha])
        .collect()
}

/// Wallpaper, three overlapping windows (not declared opaque, as client
/// surfaces are), a translucent panel.
fn desktop(width: u32, height: u32) -> (Scene, Images, weft_scene::NodeId) {
    let mut images = Images(vec![(width, height, pixels(width, height, 255))]);
    let mut scene = Scene::new(width, height, Color::rgb(40, 50, 60));
    let root = scene.root();
    scene
        .add(
            root,
            Content::Image {
                image: ImageId(0),
                width: width as f32,
                height: height as f32,
                pixels: (width, height),
                opaque: true,
            },
        )
        .unwrap();
    let mut last = root;
    for i in 0..3u32 {
        let (w, h) = (width * 2 / 3, height / 2);
        images.0.push((w, h, pixels(w, h, 255)));
        let node = scene
            .add(
                root,
                Content::Image {
                    image: ImageId(u64::from(i) + 1),
                    width: w as f32,
                    height: h as f32,
                    pixels: (w, h),
                    opaque: false,
                },
            )
            .unwrap();
        scene
            .set_position(node, (20 + 40 * i) as f32, (40 + 60 * i) as f32)
            .unwrap();
        last = node;
    }
    let panel = scene
        .add(
            root,
            Content::Solid {
                color: Color::rgba(20, 20, 20, 220),
                width: width as f32,
                height: 32.0,
            },
        )
        .unwrap();
    scene.set_position(panel, 0.0, 0.0).unwrap();
    (scene, images, last)
}

fn measure(name: &str, bytes: usize, mut f: impl FnMut()) -> Duration {
    for _ in 0..3 {
        f();
    }
    let mut times = Vec::new();
    for _ in 0..25 {
        let start = Instant::now();
        f();
        times.push(start.elapsed());
    }
    times.sort();
    let median = times[times.len() / 2];
    let rate = bytes as f64 / median.as_secs_f64() / 1e9;
    println!(
        "{name:<44} {:>9.3} ms  ({rate:.2} GB/s over {bytes} bytes)",
        median.as_secs_f64() * 1e3
    );
    median
}

fn main() {
    for (width, height) in [(1280u32, 800u32), (720, 1440)] {
        let bytes = (width * height * 4) as usize;
        println!("--- {width}×{height}");
        let (mut scene, images, top) = desktop(width, height);
        let mut renderer = Renderer::new(width, height);
        measure(
            "full composite (wallpaper + 3 windows + panel)",
            bytes,
            || {
                black_box(renderer.render_full(&scene, &images));
            },
        );
        let source = vec![7u8; bytes];
        let mut dest = vec![0u8; bytes];
        measure("memcpy of the same bytes", bytes, || {
            dest.copy_from_slice(black_box(&source));
            black_box(&dest);
        });
        let full = Region::from_rect(Rect::new(0, 0, width, height));
        measure("final copy to BGRA framebuffer (full)", bytes, || {
            renderer.copy_to(&full, &mut dest, width as usize * 4, OutputFormat::Bgra8);
            black_box(&dest);
        });
        renderer.render(&mut scene, &images);
        let (w, h) = (width * 2 / 3, height / 2);
        let mut frame = None;
        measure(
            "one-glyph damage (8×16) composite + copy",
            8 * 16 * 4,
            || {
                scene
                    .update_image(top, ImageId(3), (w, h), false, &[Rect::new(30, 30, 8, 16)])
                    .unwrap();
                let f = renderer.render(&mut scene, &images);
                renderer.copy_to(
                    &f.damage,
                    &mut dest,
                    width as usize * 4,
                    OutputFormat::Bgra8,
                );
                frame = Some(f);
            },
        );
        if let Some(frame) = frame {
            println!(
                "  one-glyph frame: {} px recomposited of {} ({:.4}%), {} draws",
                frame.stats.damaged_pixels,
                width * height,
                frame.stats.damaged_pixels as f64 * 100.0 / f64::from(width * height),
                frame.stats.draws
            );
        }
    }
}
