//! Press-and-release behaviour shared by every clickable widget.
//!
//! A clickable widget repaints when hover, focus or the press changes,
//! takes the primary button's press, and activates on a release inside it
//! or on Enter or Space while it has focus. Buttons, list and table rows,
//! toggles, the shell's panel buttons and tiles all go through [`Press`],
//! so they behave the same.

use weft_types::{Button, Key, KeyState};

use crate::event::{Event, Status};
use crate::widget::EventContext;

/// What an event means to a clickable widget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Press {
    /// Not a press event: the widget may handle it otherwise.
    Unrelated,
    /// Hover or focus changed: repaint requested; the event goes on to
    /// other widgets.
    Changed,
    /// The press began, or ended outside the widget: nothing activates.
    Tracked,
    /// Released inside, or Enter/Space with focus: activate.
    Activated,
}

impl Press {
    /// Classifies `event` and requests the repaint the change needs.
    pub fn track<M>(cx: &mut EventContext<'_, M>, event: &Event) -> Press {
        match event {
            Event::PointerEnter
            | Event::PointerLeave
            | Event::FocusGained
            | Event::FocusLost
            | Event::PointerCancel => {
                cx.request_paint();
                Press::Changed
            }
            Event::PointerDown { button: Button::Left, .. } => {
                cx.request_paint();
                Press::Tracked
            }
            Event::PointerUp { inside, .. } => {
                cx.request_paint();
                if *inside { Press::Activated } else { Press::Tracked }
            }
            Event::Key(key) if key.state == KeyState::Pressed && is_activation_key(key.key) => {
                Press::Activated
            }
            _ => Press::Unrelated,
        }
    }

    /// Whether the widget should act now.
    pub fn activated(self) -> bool {
        self == Press::Activated
    }

    /// The status to return for the event.
    pub fn status(self) -> Status {
        match self {
            Press::Unrelated | Press::Changed => Status::Ignored,
            Press::Tracked | Press::Activated => Status::Handled,
        }
    }
}

/// Keys that activate a focused clickable widget.
pub fn is_activation_key(key: Key) -> bool {
    matches!(key, Key::ENTER | Key::KP_ENTER | Key::SPACE)
}

/// The whole behaviour of a plain clickable widget: track `event`, emit
/// `message` (if any) on activation, and return the event's status.
pub fn click<M: Clone>(cx: &mut EventContext<'_, M>, event: &Event, message: Option<&M>) -> Status {
    let press = Press::track(cx, event);
    if press.activated()
        && let Some(message) = message
    {
        cx.emit(message.clone());
    }
    press.status()
}
