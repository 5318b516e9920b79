//! weft-notify-api — how apps ask the desktop shell to show a notification.
//!
//! The shell serves `weft.notifications`. An app routed to it posts a
//! [`Notification`] and gets its [`NotificationId`]; the shell shows it
//! as a toast, stamped with the app's name and title *as the root manager
//! knows them* (never what the app claims), and tells the app when the
//! toast closes ([`NotifyEvent::Closed`]) or the user clicks it
//! ([`NotifyEvent::Activated`]).
//!
//! Invariants: ids are unique per connection for its whole life; a
//! notification is only ever replaced or withdrawn by the connection that
//! posted it; text longer than [`MAX_TITLE_BYTES`] / [`MAX_BODY_BYTES`] is
//! refused rather than cut, and a client holds at most
//! [`MAX_LIVE_PER_CLIENT`] live notifications.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;
use serde::{Deserialize, Serialize};
use weft_ipc::Protocol;

/// The notifications protocol.
pub enum NotifyProtocol {}

impl Protocol for NotifyProtocol {
    const NAME: &'static str = "weft.notifications";
    const VERSION: u16 = 1;
    type Request = NotifyRequest;
    type Response = NotifyResponse;
    type Event = NotifyEvent;
}

/// Longest title, in bytes.
pub const MAX_TITLE_BYTES: usize = 160;
/// Longest body, in bytes.
pub const MAX_BODY_BYTES: usize = 1024;
/// Most notifications one connection may have showing at once.
pub const MAX_LIVE_PER_CLIENT: usize = 8;
/// How long a normal notification stays when the app does not say.
pub const DEFAULT_TIMEOUT_MS: u32 = 6000;

/// A notification, named by the shell (unique per connection).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NotificationId(pub u32);

/// How much a notification matters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Urgency {
    /// Informational; shown quietly.
    Low,
    /// The usual kind.
    #[default]
    Normal,
    /// Needs the user: stays until dismissed, drawn with the danger colour.
    Critical,
}

/// What an app wants shown.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// One line, e.g. "Download finished".
    pub title: String,
    /// Details; may wrap to a few lines. May be empty.
    pub body: String,
    /// A theme icon name; empty for the app's own icon.
    pub icon: String,
    /// Importance.
    pub urgency: Urgency,
    /// How long to show it, in milliseconds; `None` for the default
    /// ([`DEFAULT_TIMEOUT_MS`]; critical ones stay until dismissed),
    /// `Some(0)` to keep it until dismissed.
    pub timeout_ms: Option<u32>,
}

impl Notification {
    /// A normal notification with a title and body.
    pub fn new(title: impl Into<String>, body: impl Into<String>) -> Notification {
        Notification { title: title.into(), body: body.into(), ..Notification::default() }
    }

    /// Whether the text fits the protocol's limits.
    pub fn validate(&self) -> Result<(), NotifyError> {
        if self.title.is_empty() {
            return Err(NotifyError::EmptyTitle);
        }
        if self.title.len() > MAX_TITLE_BYTES || self.body.len() > MAX_BODY_BYTES || self.icon.len() > 64 {
            return Err(NotifyError::TooLong);
        }
        Ok(())
    }

    /// How long it stays, in milliseconds; `None` means until dismissed.
    pub fn lifetime_ms(&self) -> Option<u32> {
        match (self.timeout_ms, self.urgency) {
            (Some(0), _) => None,
            (Some(ms), _) => Some(ms),
            (None, Urgency::Critical) => None,
            (None, _) => Some(DEFAULT_TIMEOUT_MS),
        }
    }
}

/// Requests to the shell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotifyRequest {
    /// Show a notification (a call: answered with [`NotifyResponse::Posted`]).
    Notify(Notification),
    /// Change a notification that is still showing, keeping its place.
    Replace {
        /// Which.
        id: NotificationId,
        /// The new content.
        notification: Notification,
    },
    /// Take a notification away.
    Withdraw {
        /// Which.
        id: NotificationId,
    },
}

/// Answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotifyResponse {
    /// Shown (or replaced) under this id.
    Posted(NotificationId),
    /// Done.
    Ok,
    /// Refused.
    Error(NotifyError),
}

/// Why a request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotifyError {
    /// The title is empty.
    EmptyTitle,
    /// Title, body or icon name over the limit.
    TooLong,
    /// The connection already has [`MAX_LIVE_PER_CLIENT`] showing.
    TooMany,
    /// No such notification showing from this connection.
    NotFound,
}

impl core::fmt::Display for NotifyError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            NotifyError::EmptyTitle => "the title is empty",
            NotifyError::TooLong => "title, body or icon name too long",
            NotifyError::TooMany => "too many notifications showing",
            NotifyError::NotFound => "no such notification",
        })
    }
}

/// Why a notification closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CloseReason {
    /// Its time ran out.
    Expired,
    /// The user dismissed it.
    Dismissed,
    /// The app withdrew it.
    Withdrawn,
}

/// News for the app that posted a notification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotifyEvent {
    /// The notification is gone.
    Closed {
        /// Which.
        id: NotificationId,
        /// Why.
        reason: CloseReason,
    },
    /// The user clicked the notification (it closes too).
    Activated {
        /// Which.
        id: NotificationId,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_checked() {
        assert_eq!(Notification::new("", "x").validate(), Err(NotifyError::EmptyTitle));
        let long = "x".repeat(MAX_TITLE_BYTES + 1);
        assert_eq!(Notification::new(long, "").validate(), Err(NotifyError::TooLong));
        assert_eq!(Notification::new("Saved", "").validate(), Ok(()));
    }

    #[test]
    fn lifetimes() {
        let normal = Notification::new("a", "");
        assert_eq!(normal.lifetime_ms(), Some(DEFAULT_TIMEOUT_MS));
        let critical = Notification { urgency: Urgency::Critical, ..normal.clone() };
        assert_eq!(critical.lifetime_ms(), None);
        let sticky = Notification { timeout_ms: Some(0), ..normal.clone() };
        assert_eq!(sticky.lifetime_ms(), None);
        let quick = Notification { timeout_ms: Some(1500), ..normal };
        assert_eq!(quick.lifetime_ms(), Some(1500));
    }

    #[test]
    fn requests_round_trip() {
        let request = NotifyRequest::Notify(Notification::new("Hello", "World"));
        let bytes = postcard::to_allocvec(&request).unwrap();
        let back: NotifyRequest = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, request);
    }
}
