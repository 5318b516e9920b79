//! Modal dialogs (built into the tree by `Ui::show_dialog`).

use alloc::string::String;
use alloc::vec::Vec;

use crate::widgets::ButtonKind;

/// A dialog description: title, message and buttons (last is the default
/// and gets focus). Show it with `Ui::show_dialog`.
pub struct Dialog<M> {
    title: String,
    message: String,
    buttons: Vec<(String, Option<M>, ButtonKind)>,
    width: f32,
}

impl<M> Dialog<M> {
    /// A dialog with a title and a message (which may be empty).
    pub fn new(title: impl Into<String>, message: impl Into<String>) -> Dialog<M> {
        Dialog {
            title: title.into(),
            message: message.into(),
            buttons: Vec::new(),
            width: 400.0,
        }
    }

    /// Adds a secondary button sending `message`.
    pub fn button(mut self, label: impl Into<String>, message: M) -> Dialog<M> {
        self.buttons
            .push((label.into(), Some(message), ButtonKind::Secondary));
        self
    }

    /// Adds a primary (accent) button sending `message`.
    pub fn primary(mut self, label: impl Into<String>, message: M) -> Dialog<M> {
        self.buttons
            .push((label.into(), Some(message), ButtonKind::Primary));
        self
    }

    /// Adds a destructive button sending `message`.
    pub fn danger(mut self, label: impl Into<String>, message: M) -> Dialog<M> {
        self.buttons
            .push((label.into(), Some(message), ButtonKind::Danger));
        self
    }

    /// Adds a button that only closes the dialog.
    pub fn cancel(mut self, label: impl Into<String>) -> Dialog<M> {
        self.buttons
            .push((label.into(), None, ButtonKind::Secondary));
        self
    }

    /// Width in logical pixels (default 400; never wider than the window).
    pub fn width(mut self, width: f32) -> Dialog<M> {
        self.width = width;
        self
    }

    #[allow(clippy::type_complexity, reason = "a private destructuring helper")]
    pub(crate) fn into_parts(self) -> (String, String, Vec<(String, Option<M>, ButtonKind)>, f32) {
        (self.title, self.message, self.buttons, self.width)
    }
}
