//! The mesh heartbeat on `weft/telemetry`: which machine, how it is
//! doing, and which apps it can stream.
//!
//! Same envelope as [`crate::message`]: a version byte, then postcard.

use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::keys::is_valid_app_id;
use crate::message::{MessageError, envelope, open};
use crate::surface::MAX_DIMENSION;

/// Largest encoded heartbeat accepted, in bytes.
pub const MAX_TELEMETRY_BYTES: usize = 64 * 1024;
/// Most apps one heartbeat may list.
pub const MAX_APPS: usize = 256;
/// Longest machine name or app title, in bytes.
pub const MAX_NAME: usize = 128;

/// One streamable app.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AppEntry {
    /// Its id (the `<id>` in `weft/app/<id>/…`).
    pub id: String,
    /// A human-readable title.
    pub title: String,
    /// Current surface width.
    pub width: u32,
    /// Current surface height.
    pub height: u32,
}

/// One heartbeat of one mesh node.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Telemetry {
    /// The machine's name.
    pub machine: String,
    /// Milliseconds since it booted.
    pub uptime_ms: u64,
    /// Load in thousandths of one core.
    pub load_permille: u32,
    /// Battery charge, if it has a battery.
    pub battery_percent: Option<u8>,
    /// Apps it can stream.
    pub apps: Vec<AppEntry>,
}

/// Encode a heartbeat.
pub fn encode(telemetry: &Telemetry) -> Vec<u8> {
    envelope(telemetry)
}

/// Decode and validate a heartbeat.
pub fn decode(bytes: &[u8]) -> Result<Telemetry, MessageError> {
    let telemetry: Telemetry = open(bytes, MAX_TELEMETRY_BYTES)?;
    if telemetry.machine.len() > MAX_NAME {
        return Err(MessageError::OutOfRange { field: "machine" });
    }
    if telemetry.apps.len() > MAX_APPS {
        return Err(MessageError::OutOfRange { field: "apps" });
    }
    if telemetry.battery_percent.is_some_and(|percent| percent > 100) {
        return Err(MessageError::OutOfRange { field: "battery" });
    }
    for app in &telemetry.apps {
        if !is_valid_app_id(&app.id) {
            return Err(MessageError::OutOfRange { field: "app id" });
        }
        if app.title.len() > MAX_NAME {
            return Err(MessageError::OutOfRange { field: "title" });
        }
        if app.width > MAX_DIMENSION || app.height > MAX_DIMENSION {
            return Err(MessageError::OutOfRange { field: "size" });
        }
    }
    Ok(telemetry)
}
