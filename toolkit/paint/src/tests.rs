//! Unit tests for the canvas.

use alloc::vec;
use alloc::vec::Vec;

use weft_theme::{Color, Shadow, Theme};

use crate::{Brush, Canvas, CanvasError, Image, LinearGradient, PixelRect, Point, Rect};

fn buffer(width: u32, height: u32) -> Vec<u8> {
    vec![0; width as usize * height as usize * 4]
}

#[test]
fn rejects_bad_buffers() {
    let mut small = vec![0u8; 10];
    assert!(matches!(
        Canvas::new(&mut small, 4, 4, 16, 1.0),
        Err(CanvasError::BufferTooSmall { .. })
    ));
    let mut data = buffer(4, 4);
    assert!(matches!(
        Canvas::new(&mut data, 4, 4, 15, 1.0),
        Err(CanvasError::BadStride { .. })
    ));
    assert!(matches!(
        Canvas::new(&mut data, 0, 4, 16, 1.0),
        Err(CanvasError::Empty)
    ));
}

#[test]
fn fills_are_premultiplied_and_scaled() {
    let mut data = buffer(20, 20);
    let mut canvas = Canvas::new(&mut data, 20, 20, 80, 2.0).unwrap();
    canvas.fill_rect(Rect::new(0.0, 0.0, 5.0, 5.0), Color::rgba(255, 0, 0, 128));
    // 5 logical = 10 physical pixels at scale 2.
    assert_eq!(canvas.pixel(9, 9), Some([128, 0, 0, 128]));
    assert_eq!(canvas.pixel(10, 10), Some([0, 0, 0, 0]));
}

#[test]
fn stride_padding_is_never_touched() {
    // 3 visible pixels per row, stride of 5 pixels.
    let mut data = vec![7u8; 5 * 4 * 3];
    let mut canvas = Canvas::new(&mut data, 3, 3, 20, 1.0).unwrap();
    canvas.clear(Color::WHITE);
    canvas.fill_rect(Rect::new(-10.0, -10.0, 100.0, 100.0), Color::BLACK);
    for row in data.chunks_exact(20) {
        assert_eq!(&row[..12], &[0, 0, 0, 255].repeat(3)[..]);
        assert_eq!(&row[12..], &[7u8; 8]);
    }
}

#[test]
fn clip_confines_drawing() {
    let mut data = buffer(10, 10);
    let mut canvas = Canvas::new(&mut data, 10, 10, 40, 1.0).unwrap();
    canvas.push_clip_pixels(PixelRect::new(2, 2, 3, 3));
    canvas.fill_rounded_rect(Rect::new(0.0, 0.0, 10.0, 10.0), 2.0, Color::WHITE);
    canvas.pop_clip();
    assert_eq!(canvas.pixel(3, 3), Some([255; 4]));
    assert_eq!(canvas.pixel(1, 3), Some([0; 4]));
    assert_eq!(canvas.pixel(5, 5), Some([0; 4]));
}

#[test]
fn repainting_a_region_matches_a_full_paint() {
    let theme = Theme::light();
    let paint = |canvas: &mut Canvas<'_>| {
        canvas.clear(theme.palette.background);
        canvas.draw_shadow(Rect::new(10.0, 10.0, 40.0, 30.0), 6.0, &theme.shadows.popup);
        canvas.fill_rounded_rect(
            Rect::new(10.0, 10.0, 40.0, 30.0),
            6.0,
            theme.palette.surface,
        );
        canvas.stroke_rounded_rect(
            Rect::new(10.5, 10.5, 39.0, 29.0),
            6.0,
            1.0,
            theme.palette.border,
        );
        let icon = theme.icon("settings").unwrap();
        canvas.draw_icon(
            icon,
            Rect::new(20.0, 15.0, 20.0, 20.0),
            theme.palette.accent,
        );
    };
    let mut full = buffer(64, 64);
    let mut canvas = Canvas::new(&mut full, 64, 64, 256, 1.5).unwrap();
    paint(&mut canvas);
    let mut partial = full.clone();
    // Scribble over a region, then repaint only that region.
    let region = PixelRect::new(17, 23, 29, 31);
    let mut canvas = Canvas::new(&mut partial, 64, 64, 256, 1.5).unwrap();
    canvas.push_clip_pixels(region);
    canvas.clear(Color::rgb(255, 0, 255));
    paint(&mut canvas);
    assert_eq!(full, partial);
}

#[test]
fn shadow_is_soft_and_offset() {
    let mut data = buffer(100, 100);
    let mut canvas = Canvas::new(&mut data, 100, 100, 400, 1.0).unwrap();
    let shadow = Shadow {
        offset_x: 0.0,
        offset_y: 4.0,
        blur: 16.0,
        spread: 0.0,
        color: Color::BLACK,
    };
    canvas.draw_shadow(Rect::new(30.0, 30.0, 40.0, 40.0), 8.0, &shadow);
    let alpha = |x, y| canvas.pixel(x, y).unwrap()[3];
    assert!(alpha(50, 54) > 240, "nearly solid under the centre");
    assert!(
        alpha(50, 76) > 0 && alpha(50, 76) < 200,
        "soft below the edge"
    );
    assert!(alpha(50, 24) < alpha(50, 76), "offset downwards");
    assert_eq!(alpha(2, 2), 0, "nothing far away");
}

#[test]
fn gradients_interpolate() {
    let mut data = buffer(100, 1);
    let mut canvas = Canvas::new(&mut data, 100, 1, 400, 1.0).unwrap();
    let gradient = LinearGradient {
        start: Point::new(0.0, 0.0),
        end: Point::new(100.0, 0.0),
        stops: vec![(0.0, Color::BLACK), (1.0, Color::WHITE)],
    };
    canvas.fill_rect(Rect::new(0.0, 0.0, 100.0, 1.0), Brush::Linear(gradient));
    let left = canvas.pixel(1, 0).unwrap()[0];
    let middle = canvas.pixel(50, 0).unwrap()[0];
    let right = canvas.pixel(98, 0).unwrap()[0];
    assert!(left < middle && middle < right, "{left} {middle} {right}");
}

#[test]
fn images_scale_into_place() {
    let image = Image::from_straight(2, 1, vec![255, 0, 0, 255, 0, 0, 255, 128]).unwrap();
    assert_eq!(image.pixels()[4..], [0, 0, 128, 128]);
    let mut data = buffer(8, 4);
    let mut canvas = Canvas::new(&mut data, 8, 4, 32, 1.0).unwrap();
    canvas.draw_image(&image, Rect::new(0.0, 0.0, 8.0, 4.0), 1.0);
    assert_eq!(canvas.pixel(0, 1), Some([255, 0, 0, 255]));
    assert_eq!(canvas.pixel(7, 1), Some([0, 0, 128, 128]));
    assert!(Image::from_premultiplied(2, 2, vec![0; 3]).is_err());
}

#[test]
fn every_theme_icon_parses_and_draws() {
    let theme = Theme::dark();
    for (name, icon) in &theme.icons {
        for shape in &icon.shapes {
            if let weft_theme::IconGeometry::Path(data) = &shape.geometry {
                crate::parse_path_data(data).unwrap_or_else(|error| panic!("icon {name}: {error}"));
            }
        }
        let mut data = buffer(24, 24);
        let mut canvas = Canvas::new(&mut data, 24, 24, 96, 1.0).unwrap();
        canvas.draw_icon(icon, Rect::new(0.0, 0.0, 24.0, 24.0), Color::WHITE);
        assert!(
            data.chunks_exact(4).any(|pixel| pixel[3] > 0),
            "icon {name} drew nothing"
        );
    }
}
