//! Kinetic scrolling: flings keep going after release and ease to rest;
//! taps and slow drags do not fling.

use std::time::Duration;

use weft_toolkit::widgets::{ListItem, ScrollView};
use weft_toolkit::{Point, Theme, Ui, WidgetId};
use weft_toolkit_harness::Harness;

#[derive(Clone, Debug, PartialEq)]
struct Open(usize);

fn long_list() -> (Harness<Open>, WidgetId, Vec<WidgetId>) {
    let mut ui = Ui::new(Theme::light());
    let scroll = ui.add(ui.root(), ScrollView::new().gap(2.0).padding(4.0));
    let rows = (0..60)
        .map(|index| ui.add(scroll, ListItem::new(format!("Row {index}")).on_select(Open(index))))
        .collect();
    (Harness::new(ui, 360, 640, 2.0), scroll, rows)
}

fn offset(harness: &Harness<Open>, scroll: WidgetId) -> f32 {
    harness.widget::<ScrollView>(scroll).offset()
}

#[test]
fn fling_continues_after_release_and_decelerates_to_rest() {
    let (mut harness, scroll, _) = long_list();
    // A quick upward swipe: 200 logical pixels in 100 ms (2000 px/s).
    harness.touch_drag(Point::new(90.0, 250.0), Point::new(90.0, 50.0), Duration::from_millis(100), 10);
    let at_release = offset(&harness, scroll);
    assert!((at_release - 200.0).abs() < 1.0, "content follows the finger: {at_release}");
    assert!(harness.ui().needs_frame(), "a fling is running");

    // Sample the motion frame by frame: it keeps moving, ever slower.
    let mut previous = at_release;
    let mut steps = Vec::new();
    for _ in 0..20 {
        harness.advance(Duration::from_millis(16));
        let now = offset(&harness, scroll);
        steps.push(now - previous);
        previous = now;
    }
    assert!(steps[0] > 10.0, "still moving fast right after release: {steps:?}");
    assert!(steps.windows(2).all(|pair| pair[1] <= pair[0] + 1e-3), "decelerating: {steps:?}");

    let took = harness.settle(Duration::from_secs(5));
    assert!(!harness.ui().needs_frame(), "comes to rest");
    assert!(took < Duration::from_secs(3), "rests within a few seconds, took {took:?}");
    let rest = offset(&harness, scroll);
    // Travel after release is bounded by v·τ = 2000 px/s × 0.325 s = 650 px.
    assert!(rest > at_release + 400.0 && rest < at_release + 660.0, "coasted from {at_release} to {rest}");
    harness.advance(Duration::from_millis(500));
    assert_eq!(offset(&harness, scroll), rest, "stays at rest");
}

#[test]
fn fling_stops_at_the_end_of_the_content() {
    let (mut harness, scroll, _) = long_list();
    for _ in 0..4 {
        harness.touch_drag(Point::new(90.0, 300.0), Point::new(90.0, 20.0), Duration::from_millis(60), 6);
    }
    harness.settle(Duration::from_secs(5));
    let max = harness.widget::<ScrollView>(scroll).max_offset();
    assert!(max > 0.0);
    assert_eq!(offset(&harness, scroll), max);
    assert!(!harness.ui().needs_frame());
}

#[test]
fn tap_activates_a_row_and_does_not_scroll() {
    let (mut harness, scroll, rows) = long_list();
    harness.tap(rows[3]);
    assert_eq!(offset(&harness, scroll), 0.0);
    assert!(!harness.ui().needs_frame());
    assert_eq!(harness.take_messages(), [Open(3)]);
}

#[test]
fn slow_drag_scrolls_without_fling_and_does_not_activate() {
    let (mut harness, scroll, _) = long_list();
    harness.touch_drag(Point::new(90.0, 300.0), Point::new(90.0, 200.0), Duration::from_millis(1000), 20);
    harness.advance(Duration::from_millis(200));
    let after = offset(&harness, scroll);
    assert!((after - 100.0).abs() < 1.0, "{after}");
    assert!(!harness.ui().needs_frame(), "no fling after a slow drag");
    assert!(harness.take_messages().is_empty(), "dragging a row does not open it");
}

#[test]
fn touching_down_during_a_fling_and_dragging_stops_it() {
    let (mut harness, scroll, _) = long_list();
    harness.touch_drag(Point::new(90.0, 250.0), Point::new(90.0, 50.0), Duration::from_millis(100), 10);
    harness.advance(Duration::from_millis(50));
    // Catch the content: a slow drag takes over.
    harness.touch_drag(Point::new(90.0, 300.0), Point::new(90.0, 290.0), Duration::from_millis(400), 4);
    let caught = offset(&harness, scroll);
    harness.advance(Duration::from_millis(300));
    assert_eq!(offset(&harness, scroll), caught, "the fling was stopped");
}

#[test]
fn mouse_wheel_scrolls_and_clamps() {
    let (mut harness, scroll, _) = long_list();
    harness.scroll_at(Point::new(90.0, 200.0), 120.0);
    assert_eq!(offset(&harness, scroll), 120.0);
    harness.scroll_at(Point::new(90.0, 200.0), -500.0);
    assert_eq!(offset(&harness, scroll), 0.0);
    assert!(!harness.ui().needs_frame(), "the wheel does not fling");
}

#[test]
fn a_tap_during_a_fling_catches_the_content_without_activating_a_row() {
    let (mut harness, scroll, _) = long_list();
    harness.touch_drag(Point::new(90.0, 250.0), Point::new(90.0, 50.0), Duration::from_millis(100), 10);
    harness.advance(Duration::from_millis(48));
    assert!(harness.ui().needs_frame());
    harness.tap_at(Point::new(90.0, 200.0));
    let caught = offset(&harness, scroll);
    harness.advance(Duration::from_millis(300));
    assert_eq!(offset(&harness, scroll), caught, "the fling stopped where the finger caught it");
    assert!(harness.take_messages().is_empty(), "catching is not a tap on a row");
    // The next tap is an ordinary tap again.
    harness.tap_at(Point::new(90.0, 200.0));
    assert_eq!(harness.take_messages().len(), 1);
}

#[test]
fn tabbing_to_a_row_below_the_fold_scrolls_it_into_view() {
    let (mut harness, scroll, rows) = long_list();
    let viewport = harness.ui().rect(scroll).unwrap();
    for _ in 0..20 {
        harness.key(weft_toolkit::weft_types::Key::TAB, weft_toolkit::weft_types::Modifiers::empty());
    }
    assert_eq!(harness.ui().focused(), Some(rows[19]));
    assert!(offset(&harness, scroll) > 0.0, "scrolled");
    let row = harness.ui().rect(rows[19]).unwrap();
    assert!(row.y >= viewport.y && row.bottom() <= viewport.bottom(), "{row:?} inside {viewport:?}");
    // Shift+Tab back to the first row scrolls back up.
    for _ in 0..19 {
        harness.key(weft_toolkit::weft_types::Key::TAB, weft_toolkit::weft_types::Modifiers::SHIFT);
    }
    assert_eq!(harness.ui().focused(), Some(rows[0]));
    assert_eq!(offset(&harness, scroll), 0.0);
    harness.render();
    assert_eq!(harness.render_fresh(), harness.pixels(), "exact after programmatic scrolling");
}
