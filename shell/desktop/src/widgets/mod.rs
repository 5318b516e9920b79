//! The shell's own widgets. They draw the desktop's look (panel buttons,
//! app tiles, cards over a scrim, toasts) with the toolkit's painter and
//! the theme's palette, so both themes come for free.

mod button;
mod card;
mod password;
mod text;
pub mod tile;
mod toast;

pub use button::PanelButton;
pub use card::{Backdrop, Card, card_shadow};
pub use password::PasswordField;
pub use text::{Ink, Text};
pub use tile::{AppTile, Dot};
pub use toast::{TOAST_WIDTH, Toast, ToastContent, toast_height};

use weft_toolkit::weft_types::{Button, KeyState};
use weft_toolkit::{Event, EventContext, Status};

/// Press-and-release handling shared by the clickable widgets: repaint on
/// hover and press changes, emit `message` on a release inside.
pub(crate) fn click<M: Clone>(cx: &mut EventContext<'_, M>, event: &Event, message: &M) -> Status {
    match event {
        Event::PointerEnter | Event::PointerLeave | Event::PointerCancel => {
            cx.request_paint();
            Status::Ignored
        }
        Event::PointerDown { button: Button::Left, .. } => {
            cx.request_paint();
            Status::Handled
        }
        Event::PointerUp { inside, .. } => {
            cx.request_paint();
            if *inside {
                cx.emit(message.clone());
            }
            Status::Handled
        }
        Event::Key(key)
            if key.state == KeyState::Pressed
                && matches!(
                    key.key,
                    weft_toolkit::weft_types::Key::ENTER | weft_toolkit::weft_types::Key::SPACE
                ) =>
        {
            cx.emit(message.clone());
            Status::Handled
        }
        _ => Status::Ignored,
    }
}

/// The smallest whole number not below `value` (`f32::ceil` needs std).
pub(crate) fn ceil(value: f32) -> f32 {
    let whole = value as i64 as f32;
    if whole < value { whole + 1.0 } else { whole }
}
