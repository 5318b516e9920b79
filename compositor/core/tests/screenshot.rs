//! A composed desktop, rendered headless and compared with a committed
//! PNG. A missing reference fails; to (re)create it after an intended
//! change, run `WEFT_BLESS=1 cargo test -p weft-compositor --test screenshot`
//! and review the image before committing it.

use std::path::PathBuf;

use weft_compositor::{ClientBuffers, ClientConfig, ClientId, Compositor, Output, Theme, TitleText};
use weft_compositor_api::*;
use weft_input_api::SeatEvent;
use weft_scene::{ImageView, Renderer};

type Entry = ((ClientId, BufferId), (u32, u32, Vec<u8>));

struct Buffers(Vec<Entry>);

impl ClientBuffers for Buffers {
    fn buffer(&self, client: ClientId, buffer: BufferId) -> Option<ImageView<'_>> {
        let (_, (w, h, bytes)) = self.0.iter().find(|(k, _)| *k == (client, buffer))?;
        Some(ImageView { bytes, width: *w, height: *h, stride: w * 4 })
    }
}

fn gradient(w: u32, h: u32, tint: [u8; 3]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let t = (x * 255 / w.max(1)) as u16;
            let u = (y * 255 / h.max(1)) as u16;
            bytes.extend_from_slice(&[
                ((u16::from(tint[0]) + t) / 2) as u8,
                ((u16::from(tint[1]) + u) / 2) as u8,
                tint[2],
                255,
            ]);
        }
    }
    bytes
}

fn compose() -> (u32, u32, Vec<u8>) {
    let (width, height) = (480, 320);
    let mut compositor = Compositor::new(
        Output { width, height, scale: 1.0 },
        Theme::from_toolkit(&weft_theme::Theme::light()),
        Box::new(TitleText::new()),
    );
    let shell = ClientId(1);
    let app = ClientId(2);
    let other = ClientId(3);
    compositor.add_client(shell, ClientConfig { name: "shell".into(), may_use_layers: true });
    compositor.add_client(app, ClientConfig { name: "app".into(), may_use_layers: false });
    compositor.add_client(other, ClientConfig { name: "other".into(), may_use_layers: false });
    let mut buffers = Buffers(Vec::new());
    let mut show = |compositor: &mut Compositor,
                    client: ClientId,
                    surface: u32,
                    buffer: u32,
                    w: u32,
                    h: u32,
                    pixels: Vec<u8>| {
        buffers.0.push(((client, BufferId(buffer)), (w, h, pixels)));
        compositor
            .handle_request(
                client,
                Request::RegisterBuffer { buffer: BufferId(buffer), layout: BufferLayout::packed(w, h) },
            )
            .unwrap();
        compositor
            .handle_request(
                client,
                Request::Present {
                    surface: SurfaceId(surface),
                    buffer: Some(BufferId(buffer)),
                    damage: vec![],
                },
            )
            .unwrap();
    };
    // A panel along the bottom.
    compositor.handle_request(shell, Request::CreateSurface { surface: SurfaceId(1) }).unwrap();
    compositor
        .handle_request(
            shell,
            Request::SetRole {
                surface: SurfaceId(1),
                role: Role::Layer(LayerRole {
                    layer: Layer::Top,
                    anchor: Anchor::BOTTOM | Anchor::LEFT | Anchor::RIGHT,
                    size: Size::new(0, 28),
                    exclusive_zone: 28,
                    margin: 0,
                    keyboard: KeyboardInteractivity::None,
                }),
            },
        )
        .unwrap();
    let panel: Vec<u8> = (0..width * 28).flat_map(|_| [32u8, 36, 44, 255]).collect();
    show(&mut compositor, shell, 1, 1, width, 28, panel);
    // Two windows; the second overlaps the first and has focus.
    for (client, tint, size, title) in [
        (app, [200u8, 60, 60], (220u32, 150u32), "Files"),
        (other, [60u8, 90, 200], (240, 160), "A window with a rather long title"),
    ] {
        compositor.handle_request(client, Request::CreateSurface { surface: SurfaceId(1) }).unwrap();
        compositor
            .handle_request(
                client,
                Request::SetRole {
                    surface: SurfaceId(1),
                    role: Role::Toplevel(ToplevelRole {
                        title: title.into(),
                        app_id: "test".into(),
                        size: Size::new(size.0, size.1),
                        min_size: Size::default(),
                    }),
                },
            )
            .unwrap();
        show(&mut compositor, client, 1, 1, size.0, size.1, gradient(size.0, size.1, tint));
    }
    // Hover the close button of the focused window, pointer in view.
    let top = compositor.windows()[1].id;
    let (x, y, size) = compositor.stack().geometry(top).unwrap();
    let (px, py) = ((x + size.width as i32 - 12) as f32, (y - 14) as f32);
    compositor
        .handle_seat_event(SeatEvent::PointerAbsolute { x: px / width as f32, y: py / height as f32 }, 0);
    let mut renderer = Renderer::new(width, height);
    compositor.render_full(&mut renderer, &buffers);
    (width, height, renderer.pixels().to_vec())
}

#[test]
fn desktop_matches_the_reference_screenshot() {
    let (width, height, pixels) = compose();
    let reference = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/screenshots/desktop.png");
    // Only an explicit `WEFT_BLESS=1` writes the reference (not `0`, not empty).
    if std::env::var("WEFT_BLESS").as_deref() == Ok("1") {
        image::save_buffer(&reference, &pixels, width, height, image::ExtendedColorType::Rgba8).unwrap();
        return;
    }
    let Ok(expected) = image::open(&reference) else {
        panic!(
            "missing reference {}: run `WEFT_BLESS=1 cargo test -p weft-compositor --test screenshot`, review the image, commit it",
            reference.display()
        );
    };
    let expected = expected.to_rgba8();
    assert_eq!((expected.width(), expected.height()), (width, height));
    // Tolerance: channels may differ by 2; at most 0.1% of pixels beyond.
    let off = expected
        .as_raw()
        .chunks(4)
        .zip(pixels.chunks(4))
        .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| x.abs_diff(*y) > 2))
        .count();
    if off * 1000 > (width * height) as usize {
        let actual = std::env::temp_dir().join("weft-compositor-desktop.actual.png");
        let _ = image::save_buffer(&actual, &pixels, width, height, image::ExtendedColorType::Rgba8);
        panic!("{off} pixels differ from {}; actual image at {}", reference.display(), actual.display());
    }
}
