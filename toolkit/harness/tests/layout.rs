//! Layout: flex rows and columns, grids, growth, hiding, wrapping text,
//! pixel snapping, and rendering into buffers with padded rows.

use weft_toolkit::widgets::{Button, Container, Label, ProgressBar};
use weft_toolkit::{Canvas, Rect, Theme, Ui};
use weft_toolkit_harness::Harness;

fn harness(build: impl FnOnce(&mut Ui<()>)) -> Harness<()> {
    let mut ui = Ui::new(Theme::light());
    build(&mut ui);
    Harness::new(ui, 400, 300, 1.0)
}

#[test]
fn grid_places_children_in_equal_columns_and_rows() {
    let mut cells = Vec::new();
    let mut harness = harness(|ui| {
        let grid = ui.add(ui.root(), Container::grid(3).gap(10.0).padding(20.0));
        for _ in 0..6 {
            cells.push(ui.add(grid, ProgressBar::new(0.5)));
        }
    });
    let rects: Vec<Rect> = cells.iter().map(|cell| harness.ui().rect(*cell).unwrap()).collect();
    // 400 wide, 20 padding each side, two 10 px gaps: (360 - 20) / 3 per column.
    let column = (360.0 - 20.0) / 3.0;
    for (index, rect) in rects.iter().enumerate() {
        let expected_x = 20.0 + (index % 3) as f32 * (column + 10.0);
        assert!((rect.x - expected_x).abs() <= 0.5, "cell {index}: {rect:?}");
        assert!((rect.width - column).abs() <= 1.0, "cell {index}: {rect:?}");
    }
    assert_eq!(rects[0].y, rects[2].y);
    assert!(rects[3].y > rects[0].bottom(), "second row below the first");
}

#[test]
fn row_growth_shares_free_space() {
    let (mut left, mut right, mut fixed) = (None, None, None);
    let mut harness = harness(|ui| {
        let row = ui.add(ui.root(), Container::row().gap(0.0));
        left = Some(ui.add(row, Container::column().height(10.0).grow(1.0)));
        right = Some(ui.add(row, Container::column().height(10.0).grow(3.0)));
        fixed = Some(ui.add(row, Container::column().width(100.0).height(10.0)));
    });
    let left = harness.ui().rect(left.unwrap()).unwrap();
    let right = harness.ui().rect(right.unwrap()).unwrap();
    let fixed = harness.ui().rect(fixed.unwrap()).unwrap();
    assert_eq!(fixed.width, 100.0);
    assert_eq!(left.width, 75.0);
    assert_eq!(right.width, 225.0);
    assert_eq!(fixed.x, 300.0);
}

#[test]
fn hidden_widgets_take_no_space_and_come_back() {
    let (mut first, mut second) = (None, None);
    let mut harness = harness(|ui| {
        let column = ui.add(ui.root(), Container::column().gap(10.0));
        first = Some(ui.add(column, Button::new("First")));
        second = Some(ui.add(column, Button::new("Second")));
    });
    let (first, second) = (first.unwrap(), second.unwrap());
    let below = harness.ui().rect(second).unwrap().y;
    harness.ui().set_hidden(first, true);
    assert_eq!(harness.ui().rect(second).unwrap().y, 0.0);
    assert!(!harness.ui().is_visible(first));
    harness.render();
    assert_eq!(harness.render_fresh(), harness.pixels());
    harness.ui().set_hidden(first, false);
    assert_eq!(harness.ui().rect(second).unwrap().y, below);
}

#[test]
fn labels_wrap_to_the_available_width() {
    let mut ui: Ui<()> = Ui::new(Theme::light());
    let column = ui.add(ui.root(), Container::column().padding(10.0));
    let label = ui.add(column, Label::new("Words wrap onto as many lines as the width needs, no more."));
    let mut wide = Harness::new(ui, 800, 200, 1.0);
    let one_line = wide.ui().rect(label).unwrap().height;
    wide.ui().set_size(160, 400, 1.0);
    let narrow = wide.ui().rect(label).unwrap();
    assert!(narrow.width <= 140.0);
    assert!(narrow.height >= one_line * 3.0, "{one_line} -> {}", narrow.height);
}

#[test]
fn bounds_snap_to_physical_pixels_at_fractional_scale() {
    let mut buttons = Vec::new();
    let mut ui: Ui<()> = Ui::new(Theme::light());
    let column = ui.add(ui.root(), Container::column().gap(3.3).padding(7.7));
    for index in 0..5 {
        buttons.push(ui.add(column, Button::new(format!("Button {index}"))));
    }
    let mut harness = Harness::new(ui, 450, 450, 1.5);
    for button in buttons {
        let rect = harness.ui().rect(button).unwrap();
        for edge in [rect.x, rect.y, rect.right(), rect.bottom()] {
            let physical = edge * 1.5;
            assert!((physical - physical.round()).abs() < 1e-3, "{rect:?} is not on the pixel grid");
        }
    }
}

#[test]
fn renders_into_buffers_with_padded_rows() {
    let build = |ui: &mut Ui<()>| {
        let column = ui.add(ui.root(), Container::column().gap(8.0).padding(8.0));
        ui.add(column, Button::new("Padded").primary());
        ui.add(column, Label::new("Rows with a stride wider than the image."));
    };
    let mut tight = harness(build);
    let mut ui = Ui::new(Theme::light());
    build(&mut ui);
    ui.set_size(400, 300, 1.0);
    let stride = 400 * 4 + 64;
    let mut padded = vec![0xAAu8; stride * 300];
    let mut canvas = Canvas::new(&mut padded, 400, 300, stride, 1.0).unwrap();
    let damage = ui.render(&mut canvas);
    assert_eq!(damage.len(), 1);
    let tight_pixels = tight.render_fresh();
    for row in 0..300 {
        let padded_row = &padded[row * stride..row * stride + stride];
        assert_eq!(&padded_row[..1600], &tight_pixels[row * 1600..(row + 1) * 1600], "row {row}");
        assert!(padded_row[1600..].iter().all(|byte| *byte == 0xAA), "padding untouched in row {row}");
    }
}
