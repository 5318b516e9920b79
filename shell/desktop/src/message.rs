//! What the shell's widgets tell it.

use alloc::string::String;
use weft_compositor_api::shell::WindowId;

/// A message from a shell widget.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// The panel's Apps button: open or close the launcher.
    ToggleLauncher,
    /// Close the launcher (backdrop click).
    CloseLauncher,
    /// Start the app with this service name.
    Launch(String),
    /// The launcher's search text changed.
    Search(String),
    /// A task button or switcher tile: restore, raise and focus.
    Activate(WindowId),
    /// Minimise the focused window (clicking its task button again).
    Minimize(WindowId),
    /// The panel's theme button.
    ToggleTheme,
    /// The panel's lock button.
    Lock,
    /// The lock screen's password field was submitted.
    Unlock(String),
    /// A toast was clicked.
    ToastActivated(u64),
    /// A toast's close button was clicked.
    ToastDismissed(u64),
}
