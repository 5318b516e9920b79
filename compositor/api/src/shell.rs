//! `weft.compositor.shell` — what the desktop shell needs from the
//! compositor: the window list for its task bar and switcher, window
//! actions, and the shortcuts the compositor keeps for it.
//!
//! Only the shell is routed this protocol. Its surfaces (panel, launcher,
//! notifications, lock screen) are ordinary layer surfaces on its
//! `weft.compositor` connection.

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use weft_ipc::Protocol;

/// The shell protocol.
pub enum ShellProtocol {}

impl Protocol for ShellProtocol {
    const NAME: &'static str = "weft.compositor.shell";
    const VERSION: u16 = 1;
    type Request = ShellRequest;
    type Response = ShellResponse;
    type Event = ShellEvent;
}

/// A window, as the compositor names it to the shell (never reused).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct WindowId(pub u64);

/// What the shell knows about a window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowInfo {
    /// Its id.
    pub id: WindowId,
    /// Title.
    pub title: String,
    /// Application id.
    pub app_id: String,
    /// The owning program's name in the service graph (trusted: from the
    /// root manager, not from the client).
    pub owner: String,
    /// Whether it has keyboard focus.
    pub focused: bool,
    /// Whether it is minimised.
    pub minimized: bool,
    /// Whether it is maximised.
    pub maximized: bool,
}

/// Shell requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShellRequest {
    /// Start receiving [`ShellEvent`]s; answered with the current windows
    /// in stacking order, bottom first (a call).
    Subscribe,
    /// The current windows, bottom first (a call).
    Windows,
    /// Restore (if minimised), raise and focus a window.
    Activate {
        /// Which.
        window: WindowId,
    },
    /// Minimise a window.
    Minimize {
        /// Which.
        window: WindowId,
    },
    /// Maximise or restore a window.
    Maximize {
        /// Which.
        window: WindowId,
        /// Maximised or not.
        maximized: bool,
    },
    /// Ask a window's client to close it.
    Close {
        /// Which.
        window: WindowId,
    },
}

/// Shell answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShellResponse {
    /// The windows, bottom first.
    Windows(Vec<WindowInfo>),
}

/// Shortcuts the compositor intercepts and hands to the shell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Shortcut {
    /// Alt+Tab: show the switcher, or move to the next window in it.
    SwitchNext,
    /// Alt+Shift+Tab: move to the previous window.
    SwitchPrevious,
    /// Alt released while switching: activate the selection.
    SwitchCommit,
    /// Escape while switching: close the switcher.
    SwitchCancel,
    /// The Super key alone: open the launcher.
    Launcher,
    /// Super+L: lock the screen.
    Lock,
}

/// News for the shell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShellEvent {
    /// A window appeared (its first frame was presented).
    WindowAdded(WindowInfo),
    /// A window's title, focus or state changed.
    WindowChanged(WindowInfo),
    /// A window went away.
    WindowRemoved {
        /// Which.
        window: WindowId,
    },
    /// The user pressed a shortcut the shell handles.
    Shortcut(Shortcut),
}
