//! Where input goes: keyboard focus, hover, mouse and touch capture, and
//! the click and touch history that routing depends on.

use core::time::Duration;

use weft_paint::Point;

use crate::gesture::GestureRecognizer;
use crate::id::WidgetId;
use crate::tree::Tree;

/// Presses closer together than this (time and distance) count as a double click.
const DOUBLE_CLICK_TIME: Duration = Duration::from_millis(400);
const DOUBLE_CLICK_DISTANCE: f32 = 4.0;

/// Pointer bookkeeping (mouse).
#[derive(Default)]
pub(crate) struct PointerState {
    pub position: Option<Point>,
    pub captured: Option<WidgetId>,
    /// Time, place and click count of the last press.
    pub last_click: Option<(Duration, Point, u32)>,
}

impl PointerState {
    /// Records a press at `position` and `now` and counts it: one more
    /// than the last press if that was close in time and place (double,
    /// triple click), else 1.
    pub fn click(&mut self, now: Duration, position: Point) -> u32 {
        let clicks = match self.last_click {
            Some((time, last, count))
                if now.saturating_sub(time) <= DOUBLE_CLICK_TIME
                    && libm::hypotf(last.x - position.x, last.y - position.y) <= DOUBLE_CLICK_DISTANCE =>
            {
                count + 1
            }
            _ => 1,
        };
        self.last_click = Some((now, position, clicks));
        clicks
    }
}

/// Touch bookkeeping.
#[derive(Default)]
pub(crate) struct TouchState {
    pub recognizer: GestureRecognizer,
    /// Widget under the finger when it went down.
    pub target: Option<WidgetId>,
    /// Widget that handled the press.
    pub captured: Option<WidgetId>,
    /// Widget that took over the drag.
    pub dragging: Option<WidgetId>,
    /// Last known finger position.
    pub last: Option<Point>,
}

/// The widgets input is tied to.
#[derive(Default)]
pub(crate) struct Tracking {
    pub focused: Option<WidgetId>,
    /// Focus came from the keyboard, so focus rings show.
    pub focus_visible: bool,
    pub hovered: Option<WidgetId>,
    pub pointer: PointerState,
    pub touch: TouchState,
}

impl Tracking {
    /// Forgets references (focus, hover, capture) into the subtree under
    /// `root`, which is about to be removed.
    pub fn forget<M: 'static>(&mut self, tree: &Tree<M>, root: WidgetId) {
        let slots = [
            &mut self.focused,
            &mut self.hovered,
            &mut self.pointer.captured,
            &mut self.touch.captured,
            &mut self.touch.target,
            &mut self.touch.dragging,
        ];
        for slot in slots {
            if slot.is_some_and(|widget| tree.is_ancestor(root, widget)) {
                *slot = None;
            }
        }
    }

    /// The widgets holding a mouse or a touch press.
    pub fn captures(&self) -> [Option<WidgetId>; 2] {
        [self.pointer.captured, self.touch.captured]
    }
}

#[cfg(test)]
mod tests {
    use alloc::boxed::Box;

    use super::*;
    use crate::widgets::Container;

    fn at(millis: u64, x: f32, y: f32) -> (Duration, Point) {
        (Duration::from_millis(millis), Point::new(x, y))
    }

    #[test]
    fn close_presses_count_up_and_distant_ones_restart() {
        let mut pointer = PointerState::default();
        let clicks: alloc::vec::Vec<u32> = [
            at(0, 10.0, 10.0),
            at(300, 12.0, 12.0),
            at(600, 12.0, 12.0),
            at(1100, 12.0, 12.0),
            at(1200, 20.0, 12.0),
        ]
        .into_iter()
        .map(|(now, position)| pointer.click(now, position))
        .collect();
        assert_eq!(clicks, [1, 2, 3, 1, 1]);
    }

    #[test]
    fn forget_clears_only_references_into_the_subtree() {
        let mut tree = Tree::<()>::new();
        let root = tree.insert(Box::new(Container::column()), None);
        let doomed = tree.insert(Box::new(Container::column()), Some(root));
        let child = tree.insert(Box::new(Container::column()), Some(doomed));
        let kept = tree.insert(Box::new(Container::column()), Some(root));
        let mut tracking = Tracking {
            focused: Some(child),
            hovered: Some(kept),
            pointer: PointerState { captured: Some(doomed), ..PointerState::default() },
            ..Tracking::default()
        };
        tracking.touch.dragging = Some(kept);
        tracking.touch.target = Some(child);
        tracking.forget(&tree, doomed);
        assert_eq!((tracking.focused, tracking.hovered), (None, Some(kept)));
        assert_eq!(tracking.captures(), [None, None]);
        assert_eq!((tracking.touch.target, tracking.touch.dragging), (None, Some(kept)));
    }
}
