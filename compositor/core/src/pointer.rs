//! The seat's pointer: its position, the surface under it, and what it holds.
//!
//! It holds an implicit grab, a title bar drag, an edge resize or a
//! pressed decoration button.

use weft_compositor_api::shell::WindowId;
use weft_compositor_api::{Event, PointerEvent, Size};

use crate::decorations::{Edges, Part};
use crate::outbox::Outbox;
use crate::state::SurfaceKey;

/// Two clicks on a title bar closer than this maximise (nanoseconds).
const DOUBLE_CLICK: u64 = 400_000_000;

/// Windows resized by hand stay at least this big, logical.
const MIN_RESIZE: Size = Size::new(48, 32);

/// Where the pointer is and what it holds, for inspection.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PointerState {
    /// Logical position.
    pub x: f32,
    /// Logical position.
    pub y: f32,
    /// The surface under it (or grabbing it).
    pub focus: Option<SurfaceKey>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Grab {
    /// Implicit grab: the surface pressed on gets everything until release.
    Surface(SurfaceKey),
    /// Dragging a title bar.
    Move { window: WindowId, start: (f32, f32), origin: (i32, i32) },
    /// Dragging an edge.
    Resize {
        window: WindowId,
        edges: Edges,
        start: (f32, f32),
        size: Size,
        /// Right and bottom edges, kept still when dragging left or top.
        anchor: (i32, i32),
    },
    /// A decoration button pressed; acts if released over it.
    Button { window: WindowId, part: Part },
}

impl Grab {
    /// The window a move, resize or button grab holds.
    pub fn window(&self) -> Option<WindowId> {
        match *self {
            Grab::Move { window, .. } | Grab::Resize { window, .. } | Grab::Button { window, .. } => {
                Some(window)
            }
            Grab::Surface(_) => None,
        }
    }

    /// The size a resize grab asks for with the pointer at `(x, y)`: at
    /// least `min` (and a usable minimum), at most `max`.
    pub fn resized(&self, x: f32, y: f32, min: Size, max: (u32, u32)) -> Option<Size> {
        let Grab::Resize { edges, start, size, .. } = *self else {
            return None;
        };
        let (dx, dy) = ((x - start.0) as i32, (y - start.1) as i32);
        let mut w = size.width as i32;
        let mut h = size.height as i32;
        if edges.right {
            w += dx;
        }
        if edges.left {
            w -= dx;
        }
        if edges.bottom {
            h += dy;
        }
        if edges.top {
            h -= dy;
        }
        // The client chooses `min`: a minimum larger than the output must
        // not turn the clamp around (the output wins).
        let limit = |value: i32, min: u32, usable: u32, max: u32| {
            let max = i64::from(max.max(usable));
            let min = i64::from(min.max(usable)).min(max);
            i64::from(value).clamp(min, max) as u32
        };
        Some(Size::new(
            limit(w, min.width, MIN_RESIZE.width, max.0),
            limit(h, min.height, MIN_RESIZE.height, max.1),
        ))
    }
}

#[derive(Default)]
pub(crate) struct Pointer {
    pub x: f32,
    pub y: f32,
    /// Buttons held down.
    pub buttons: u32,
    pub grab: Option<Grab>,
    /// The surface under the pointer (it got `Enter`).
    pub focus: Option<SurfaceKey>,
    last_title_click: Option<(WindowId, u64)>,
}

impl Pointer {
    pub fn state(&self) -> PointerState {
        PointerState { x: self.x, y: self.y, focus: self.focus }
    }

    /// A surface went away: stop pointing at it.
    pub fn forget(&mut self, key: SurfaceKey) {
        if self.focus == Some(key) {
            self.focus = None;
        }
        if self.grab == Some(Grab::Surface(key)) {
            self.grab = None;
        }
    }

    /// A window went away: drop a grab on it.
    pub fn forget_window(&mut self, id: WindowId) {
        if self.grab.and_then(|g| g.window()) == Some(id) {
            self.grab = None;
        }
    }

    /// While a window is resized from its left or top edge, the right and
    /// bottom edges it keeps still.
    pub fn resize_anchor(&self, id: WindowId) -> Option<(i32, i32)> {
        match self.grab {
            Some(Grab::Resize { window, edges, anchor, .. }) if window == id && (edges.left || edges.top) => {
                Some(anchor)
            }
            _ => None,
        }
    }

    /// Where scrolling goes: the grabbing surface, else the one under the
    /// pointer.
    pub fn scroll_target(&self) -> Option<SurfaceKey> {
        match self.grab {
            Some(Grab::Surface(key)) => Some(key),
            _ => self.focus,
        }
    }

    /// A press on `window`'s title bar at `now`: whether it is the second
    /// of a double click (which then starts over).
    pub fn title_click(&mut self, window: WindowId, now: u64) -> bool {
        let double =
            self.last_title_click.is_some_and(|(w, t)| w == window && now.saturating_sub(t) < DOUBLE_CLICK);
        self.last_title_click = if double { None } else { Some((window, now)) };
        double
    }

    /// Point at `target` from now on: `Leave` and `Enter` when it changes
    /// (`local` gives surface coordinates), else `Motion` when `motion`.
    /// Returns whether the target changed.
    pub fn point_at(
        &mut self,
        target: Option<SurfaceKey>,
        local: impl Fn(SurfaceKey) -> (f32, f32),
        motion: bool,
        outbox: &mut Outbox,
    ) -> bool {
        if target != self.focus {
            if let Some(old) = self.focus {
                outbox.client(old.0, Event::Pointer { surface: old.1, event: PointerEvent::Leave });
            }
            if let Some(new) = target {
                let (x, y) = local(new);
                outbox.client(new.0, Event::Pointer { surface: new.1, event: PointerEvent::Enter { x, y } });
            }
            self.focus = target;
            return true;
        }
        if motion && let Some(key) = target {
            let (x, y) = local(key);
            outbox.client(key.0, Event::Pointer { surface: key.1, event: PointerEvent::Motion { x, y } });
        }
        false
    }

    /// Move to surface coordinates `(x, y)` of `key`, whose content is at
    /// `origin`, staying on an output `bounds` big: what a remote viewer
    /// pointing into a window does. Sends leave/enter or motion.
    pub fn warp(
        &mut self,
        key: SurfaceKey,
        (x, y): (f32, f32),
        origin: (i32, i32),
        bounds: (u32, u32),
        outbox: &mut Outbox,
    ) {
        self.x = (origin.0 as f32 + x).clamp(0.0, (bounds.0 as f32 - 1.0).max(0.0));
        self.y = (origin.1 as f32 + y).clamp(0.0, (bounds.1 as f32 - 1.0).max(0.0));
        if self.focus == Some(key) {
            outbox.client(key.0, Event::Pointer { surface: key.1, event: PointerEvent::Motion { x, y } });
            return;
        }
        if let Some(old) = self.focus {
            outbox.client(old.0, Event::Pointer { surface: old.1, event: PointerEvent::Leave });
        }
        self.focus = Some(key);
        outbox.client(key.0, Event::Pointer { surface: key.1, event: PointerEvent::Enter { x, y } });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;
    use weft_compositor_api::SurfaceId;

    use crate::Outgoing;
    use crate::state::ClientId;

    const A: SurfaceKey = (ClientId(1), SurfaceId(1));
    const B: SurfaceKey = (ClientId(2), SurfaceId(1));

    fn pointer_events(outbox: &mut Outbox) -> Vec<(SurfaceKey, PointerEvent)> {
        outbox
            .take()
            .into_iter()
            .filter_map(|o| match o {
                Outgoing::Client(client, Event::Pointer { surface, event }) => {
                    Some(((client, surface), event))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn resizing_from_the_top_left_shrinks_within_the_minimum() {
        let edges = Edges { left: true, top: true, ..Edges::default() };
        let grab = Grab::Resize {
            window: WindowId(1),
            edges,
            start: (100.0, 100.0),
            size: Size::new(300, 200),
            anchor: (400, 300),
        };
        assert_eq!(grab.resized(150.0, 120.0, Size::new(10, 10), (800, 600)), Some(Size::new(250, 180)));
        assert_eq!(grab.resized(1000.0, 1000.0, Size::new(100, 10), (800, 600)), Some(Size::new(100, 32)));
        assert_eq!(grab.resized(-900.0, 100.0, Size::default(), (800, 600)), Some(Size::new(800, 200)));
        let mut pointer = Pointer { grab: Some(grab), ..Pointer::default() };
        assert_eq!(pointer.resize_anchor(WindowId(1)), Some((400, 300)));
        pointer.forget_window(WindowId(2));
        assert!(pointer.grab.is_some());
        pointer.forget_window(WindowId(1));
        assert_eq!(pointer.grab, None);
        assert_eq!(Grab::Surface(A).resized(0.0, 0.0, Size::default(), (1, 1)), None);
    }

    #[test]
    fn a_minimum_larger_than_the_output_gives_the_output_size() {
        let grab = Grab::Resize {
            window: WindowId(1),
            edges: Edges { right: true, bottom: true, ..Edges::default() },
            start: (10.0, 10.0),
            size: Size::new(300, 200),
            anchor: (0, 0),
        };
        let huge = Size::new(u32::MAX, 5000);
        assert_eq!(grab.resized(20.0, 20.0, huge, (800, 600)), Some(Size::new(800, 600)));
    }

    #[test]
    fn a_second_title_click_soon_enough_is_a_double_click() {
        let mut pointer = Pointer::default();
        assert!(!pointer.title_click(WindowId(1), 0));
        assert!(!pointer.title_click(WindowId(2), 1), "another window starts over");
        assert!(pointer.title_click(WindowId(2), DOUBLE_CLICK - 1));
        assert!(!pointer.title_click(WindowId(2), DOUBLE_CLICK), "a third click starts over");
        assert!(!pointer.title_click(WindowId(2), 3 * DOUBLE_CLICK));
    }

    #[test]
    fn pointing_elsewhere_leaves_then_enters() {
        let mut outbox = Outbox::default();
        let mut pointer = Pointer::default();
        assert!(pointer.point_at(Some(A), |_| (1.0, 2.0), true, &mut outbox));
        assert!(!pointer.point_at(Some(A), |_| (3.0, 4.0), true, &mut outbox));
        assert!(!pointer.point_at(Some(A), |_| (3.0, 4.0), false, &mut outbox));
        pointer.grab = Some(Grab::Surface(A));
        assert_eq!(pointer.scroll_target(), Some(A));
        pointer.warp(B, (5.0, 6.0), (10, 10), (12, 100), &mut outbox);
        assert_eq!((pointer.x, pointer.y, pointer.focus), (11.0, 16.0, Some(B)), "kept on the output");
        pointer.forget(A);
        assert_eq!(pointer.grab, None);
        assert_eq!(
            pointer_events(&mut outbox),
            [
                (A, PointerEvent::Enter { x: 1.0, y: 2.0 }),
                (A, PointerEvent::Motion { x: 3.0, y: 4.0 }),
                (A, PointerEvent::Leave),
                (B, PointerEvent::Enter { x: 5.0, y: 6.0 }),
            ]
        );
    }
}
