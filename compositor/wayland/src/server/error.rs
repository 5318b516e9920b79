//! What can go wrong in the bridge.

use smithay::reexports::wayland_server::protocol::wl_shm;

/// Why the bridge could not start or had to stop.
#[derive(Debug)]
pub enum BridgeError {
    /// The Wayland socket could not be bound.
    Socket(String),
    /// The Wayland display could not be created or polled.
    Wayland(std::io::Error),
    /// A kernel call failed (wait set, thread, port).
    Kernel(weft_rt::Error),
    /// The xkb keymap could not be compiled.
    Keymap(String),
}

impl core::fmt::Display for BridgeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            BridgeError::Socket(reason) => write!(f, "Wayland socket: {reason}"),
            BridgeError::Wayland(error) => write!(f, "Wayland display: {error}"),
            BridgeError::Kernel(error) => write!(f, "kernel: {error}"),
            BridgeError::Keymap(error) => write!(f, "keymap: {error}"),
        }
    }
}

impl From<weft_rt::Error> for BridgeError {
    fn from(error: weft_rt::Error) -> BridgeError {
        BridgeError::Kernel(error)
    }
}

impl From<std::io::Error> for BridgeError {
    fn from(error: std::io::Error) -> BridgeError {
        BridgeError::Wayland(error)
    }
}

/// Why a surface commit was refused; the client is disconnected for it.
#[derive(Debug, PartialEq, Eq)]
pub enum CommitError {
    /// Not a wl_shm buffer (the bridge advertises nothing else).
    UnsupportedBuffer,
    /// A wl_shm format the bridge did not advertise.
    UnsupportedFormat(wl_shm::Format),
    /// Sides out of range, or rows that do not fit the pool.
    BadLayout,
    /// The pool could not be read (the client shrank its file).
    Unreadable,
    /// The client holds more surface content than it is allowed.
    OverBudget,
}

impl core::fmt::Display for CommitError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            CommitError::UnsupportedBuffer => f.write_str("only wl_shm buffers are supported"),
            CommitError::UnsupportedFormat(format) => write!(f, "unsupported wl_shm format {format:?}"),
            CommitError::BadLayout => f.write_str("buffer layout does not fit its pool or is too large"),
            CommitError::Unreadable => f.write_str("buffer memory could not be read"),
            CommitError::OverBudget => f.write_str("too much surface content for one client"),
        }
    }
}
