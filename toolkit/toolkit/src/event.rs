//! Events as widgets see them, after routing by the [`crate::Ui`].

use alloc::string::String;

use weft_paint::Point;
use weft_types::{Button, KeyEvent};

/// What produced a pointer-like event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointerSource {
    /// A mouse or touchpad.
    Mouse,
    /// A finger on a touch screen.
    Touch,
}

/// A direction of a swipe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SwipeDirection {
    /// Towards the left edge.
    Left,
    /// Towards the right edge.
    Right,
    /// Towards the top edge.
    Up,
    /// Towards the bottom edge.
    Down,
}

/// Input method events for the focused widget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ime {
    /// Final text to insert.
    Commit(String),
    /// Composition in progress (empty: composition ended).
    Preedit(String),
}

/// An event delivered to a widget. Positions are logical pixels in window
/// coordinates.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The pointer now hovers this widget.
    PointerEnter,
    /// The pointer stopped hovering this widget.
    PointerLeave,
    /// A button or finger went down on this widget. Handling it captures
    /// the pointer: later moves and the release come here.
    PointerDown {
        /// Where.
        position: Point,
        /// Which button (`Left` for touch).
        button: Button,
        /// Mouse or touch.
        source: PointerSource,
        /// 1 for a single click, 2 for a double click, …
        clicks: u32,
    },
    /// A press is about to land on a descendant of this widget. Sent to
    /// every ancestor, outermost first, before `PointerDown`; handling it
    /// takes the press away from the descendant (a scroll view catching
    /// its fling uses this).
    PreviewPress {
        /// Where.
        position: Point,
    },
    /// The captured pointer moved.
    PointerMove {
        /// Where.
        position: Point,
    },
    /// The captured pointer was released.
    PointerUp {
        /// Where.
        position: Point,
        /// Whether the release happened over this widget.
        inside: bool,
    },
    /// The press was taken over (e.g. by a scroll gesture); forget it.
    PointerCancel,
    /// Wheel or touchpad scrolling, logical pixels (positive: towards the end).
    Scroll {
        /// Horizontal amount.
        dx: f32,
        /// Vertical amount.
        dy: f32,
    },
    /// A touch drag began (bubbles until a widget handles it).
    DragStart {
        /// Where the finger went down.
        origin: Point,
    },
    /// The drag moved by `delta`.
    DragMove {
        /// Where the finger is.
        position: Point,
        /// Movement since the previous drag event.
        delta: Point,
    },
    /// The finger lifted with this velocity (logical pixels per second).
    DragEnd {
        /// Release velocity.
        velocity: Point,
    },
    /// A finger stayed down without moving.
    LongPress {
        /// Where.
        position: Point,
    },
    /// A quick directional flick.
    Swipe {
        /// Which way.
        direction: SwipeDirection,
    },
    /// A key, delivered to the focused widget.
    Key(KeyEvent),
    /// Input method text, delivered to the focused widget.
    Ime(Ime),
    /// This widget received keyboard focus.
    FocusGained,
    /// This widget lost keyboard focus.
    FocusLost,
}

/// Whether a widget consumed an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Consumed; stop routing.
    Handled,
    /// Not consumed; bubble to the parent.
    Ignored,
}
