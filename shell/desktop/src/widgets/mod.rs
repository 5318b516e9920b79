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

/// The smallest whole number not below `value` (`f32::ceil` needs std).
pub(crate) fn ceil(value: f32) -> f32 {
    let whole = value as i64 as f32;
    if whole < value { whole + 1.0 } else { whole }
}
