//! The Zenoh key space of the mesh, and validated app ids.
//!
//! | key | published by | carries |
//! | --- | --- | --- |
//! | `weft/telemetry` | mesh service | [`crate::telemetry::Telemetry`] |
//! | `weft/app/<id>/stream` | mesh service | wlstream frames |
//! | `weft/app/<id>/input/keyboard` · `pointer` · `touch` | viewer | input messages |
//! | `weft/app/<id>/viewer/size` | viewer | resize |
//! | `weft/app/<id>/viewer/keyframe` | viewer | keyframe requests |
//! | `weft/app/<id>/viewer/ack` | viewer | acknowledgements (also keep-alive) |
//! | `weft/ctl/stream/start` · `stop` | any | stream control |

use alloc::format;
use alloc::string::String;
use core::fmt;

/// Heartbeats of every mesh node.
pub const TELEMETRY: &str = "weft/telemetry";
/// Start streaming an app.
pub const STREAM_START: &str = "weft/ctl/stream/start";
/// Stop streaming an app.
pub const STREAM_STOP: &str = "weft/ctl/stream/stop";
/// Every app's frames (for discovery).
pub const ALL_STREAMS: &str = "weft/app/*/stream";
/// Longest app id, in bytes.
pub const MAX_APP_ID: usize = 64;

/// Which viewer-to-app key a message travels on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    /// `input/keyboard`
    Keyboard,
    /// `input/pointer`
    Pointer,
    /// `input/touch`
    Touch,
    /// `viewer/size`
    Size,
    /// `viewer/keyframe`
    Keyframe,
    /// `viewer/ack`
    Ack,
    /// `weft/ctl/stream/start` (not under the app)
    Start,
    /// `weft/ctl/stream/stop` (not under the app)
    Stop,
}

impl Channel {
    /// Every channel under `weft/app/<id>/`.
    pub const PER_APP: [Channel; 6] =
        [Channel::Keyboard, Channel::Pointer, Channel::Touch, Channel::Size, Channel::Keyframe, Channel::Ack];

    /// The key suffix under `weft/app/<id>/`, or `None` for control keys.
    pub const fn suffix(self) -> Option<&'static str> {
        match self {
            Channel::Keyboard => Some("input/keyboard"),
            Channel::Pointer => Some("input/pointer"),
            Channel::Touch => Some("input/touch"),
            Channel::Size => Some("viewer/size"),
            Channel::Keyframe => Some("viewer/keyframe"),
            Channel::Ack => Some("viewer/ack"),
            Channel::Start | Channel::Stop => None,
        }
    }
}

/// An app id that is safe as one Zenoh key chunk: 1–64 bytes of ASCII
/// letters, digits, `.`, `_` and `-`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AppId(String);

/// An app id that is not a safe key chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BadAppId;

impl fmt::Display for BadAppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "app ids are 1-64 bytes of letters, digits, '.', '_' or '-'")
    }
}

impl core::error::Error for BadAppId {}

/// Whether `id` is a valid app id.
pub fn is_valid_app_id(id: &str) -> bool {
    (1..=MAX_APP_ID).contains(&id.len())
        && id.bytes().all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-'))
}

impl AppId {
    /// Validate an app id.
    pub fn new(id: &str) -> Result<AppId, BadAppId> {
        if is_valid_app_id(id) { Ok(AppId(String::from(id))) } else { Err(BadAppId) }
    }

    /// The id text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `weft/app/<id>/stream`.
    pub fn stream_key(&self) -> String {
        format!("weft/app/{}/stream", self.0)
    }

    /// The key for a viewer-to-app channel.
    pub fn channel_key(&self, channel: Channel) -> String {
        match channel.suffix() {
            Some(suffix) => format!("weft/app/{}/{suffix}", self.0),
            None if channel == Channel::Start => String::from(STREAM_START),
            None => String::from(STREAM_STOP),
        }
    }

    /// `weft/app/<id>/**` minus the stream: every key viewers publish to
    /// under the app (`weft/app/<id>/*/*`).
    pub fn viewer_keys(&self) -> String {
        format!("weft/app/{}/*/*", self.0)
    }

    /// The app and channel of a key under `weft/app/`, if it is one of
    /// the viewer-to-app keys.
    pub fn parse_channel_key(key: &str) -> Option<(AppId, Channel)> {
        let rest = key.strip_prefix("weft/app/")?;
        let (id, suffix) = rest.split_once('/')?;
        let channel = Channel::PER_APP.into_iter().find(|channel| channel.suffix() == Some(suffix))?;
        Some((AppId::new(id).ok()?, channel))
    }

    /// The app of a `weft/app/<id>/stream` key.
    pub fn parse_stream_key(key: &str) -> Option<AppId> {
        let id = key.strip_prefix("weft/app/")?.strip_suffix("/stream")?;
        AppId::new(id).ok()
    }
}

impl fmt::Display for AppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_single_safe_chunks() {
        assert!(AppId::new("terminal-1.main_2").is_ok());
        for bad in ["", "a/b", "*", "**", "a$b", "a?b", "a#b", "é", &"x".repeat(65)] {
            assert_eq!(AppId::new(bad), Err(BadAppId), "{bad:?}");
        }
    }

    #[test]
    fn keys_round_trip() {
        let app = AppId::new("files").unwrap();
        assert_eq!(app.stream_key(), "weft/app/files/stream");
        assert_eq!(AppId::parse_stream_key("weft/app/files/stream"), Some(app.clone()));
        for channel in Channel::PER_APP {
            let key = app.channel_key(channel);
            assert_eq!(AppId::parse_channel_key(&key), Some((app.clone(), channel)));
        }
        assert_eq!(app.channel_key(Channel::Start), STREAM_START);
        assert_eq!(AppId::parse_channel_key("weft/app/files/input/mouse"), None);
    }
}
