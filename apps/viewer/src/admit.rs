//! Admission: the one place where a viewer decides whether a sample it
//! received from the mesh may be looked at at all.
//!
//! Every sample a viewer acts on — frames on `weft/app/<app>/stream`,
//! heartbeats on `weft/telemetry`, stream listings for discovery — passes
//! through a function of this module first, on the Zenoh thread that
//! delivered it, before it is queued, decoded or shown. Today admission
//! checks that a sample arrived on exactly the key the viewer subscribed
//! to (a peer may publish on a wildcard key expression such as
//! `weft/app/*/stream`, which Zenoh delivers to every matching
//! subscriber), and refuses oversized payloads before they are copied.
//! Authenticating the publishing peer, once the mesh has pairing, belongs
//! here too and nowhere else (`docs/mesh.md`, *Security and gaps*).
//!
//! What admission cannot know — whether a frame belongs to the publisher
//! session the viewer is watching — the decoder checks next
//! (`docs/wlstream.md` section 5.1, the session binding).

use weft_wlstream::Limits;
use weft_wlstream::keys::{self, AppId};
use weft_wlstream::telemetry::{self, Telemetry};

/// Why a sample was not admitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// It arrived on another key than the one subscribed to (a wildcard
    /// put, or another app's key).
    WrongKey,
    /// Larger than the decoder would accept anyway.
    TooLarge,
    /// Not a valid message of its kind.
    Malformed,
}

/// A frame sample for the viewer of `app`: admitted only on exactly
/// `weft/app/<app>/stream` and within `limits`.
pub fn frame(app: &AppId, key: &str, payload: &[u8], limits: &Limits) -> Result<(), Refusal> {
    if AppId::parse_stream_key(key).as_ref() != Some(app) {
        return Err(Refusal::WrongKey);
    }
    if payload.len() > limits.max_frame_bytes {
        return Err(Refusal::TooLarge);
    }
    Ok(())
}

/// A frame sample seen by discovery (subscribed to every stream): the app
/// its key names, if the key is a concrete stream key.
pub fn listed_stream(key: &str) -> Result<AppId, Refusal> {
    AppId::parse_stream_key(key).ok_or(Refusal::WrongKey)
}

/// A heartbeat sample: admitted only on exactly `weft/telemetry`, and
/// only if it decodes within the heartbeat's limits.
pub fn heartbeat(key: &str, payload: &[u8]) -> Result<Telemetry, Refusal> {
    if key != keys::TELEMETRY {
        return Err(Refusal::WrongKey);
    }
    telemetry::decode(payload).map_err(|_| Refusal::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_key_is_admitted() {
        let app = AppId::new("weft.terminal").unwrap();
        let limits = Limits::default();
        assert_eq!(frame(&app, "weft/app/weft.terminal/stream", b"x", &limits), Ok(()));
        for key in [
            "weft/app/*/stream",
            "weft/app/**",
            "weft/app/weft.files/stream",
            "weft/app/weft.terminal/input/keyboard",
            "weft/app/weft.terminal/stream/extra",
        ] {
            assert_eq!(frame(&app, key, b"x", &limits), Err(Refusal::WrongKey), "{key}");
        }
        let small = Limits { max_frame_bytes: 1, ..Limits::default() };
        assert_eq!(frame(&app, "weft/app/weft.terminal/stream", b"xy", &small), Err(Refusal::TooLarge));
        assert_eq!(listed_stream("weft/app/*/stream"), Err(Refusal::WrongKey));
        assert_eq!(listed_stream("weft/app/weft.files/stream"), Ok(AppId::new("weft.files").unwrap()));
        let beat = telemetry::encode(&Telemetry::default());
        assert_eq!(heartbeat("weft/telemetry", &beat), Ok(Telemetry::default()));
        assert_eq!(heartbeat("weft/*", &beat), Err(Refusal::WrongKey));
        assert_eq!(heartbeat("weft/telemetry", b"\x01\xff"), Err(Refusal::Malformed));
    }
}
