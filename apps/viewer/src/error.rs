//! The viewer's error type.

use std::fmt;

/// Anything that can stop the viewer.
#[derive(Debug)]
pub enum ViewerError {
    /// The Zenoh session or a declaration failed.
    Mesh(String),
    /// A file could not be written.
    Io(std::io::Error),
    /// A PNG could not be encoded.
    Image(String),
    /// The command line is wrong.
    Usage(String),
    /// Nothing arrived in time.
    Timeout(String),
    /// The window system failed.
    Window(String),
}

impl fmt::Display for ViewerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ViewerError::Mesh(message) => write!(f, "mesh: {message}"),
            ViewerError::Io(error) => write!(f, "i/o: {error}"),
            ViewerError::Image(message) => write!(f, "png: {message}"),
            ViewerError::Usage(message) => write!(f, "{message}"),
            ViewerError::Timeout(message) => write!(f, "timed out: {message}"),
            ViewerError::Window(message) => write!(f, "window: {message}"),
        }
    }
}

impl std::error::Error for ViewerError {}

impl From<std::io::Error> for ViewerError {
    fn from(error: std::io::Error) -> ViewerError {
        ViewerError::Io(error)
    }
}

/// Wrap any Zenoh error.
pub(crate) fn mesh(error: impl fmt::Display) -> ViewerError {
    ViewerError::Mesh(error.to_string())
}
