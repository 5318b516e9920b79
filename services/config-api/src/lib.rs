//! weft-config-api — typed settings shared across the system.
//!
//! Keys are dotted names (`appearance.theme`, `display.scale`). A key keeps
//! the type of its first value: setting a text key to a number is refused.
//! Everyone routed to `weft.config` may read; writing needs the `write`
//! grant, except under the client's own prefix (`<service-name>.`).
//! `Watch` delivers [`ConfigEvent::Changed`] for every later change under a
//! prefix.
#![no_std]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use weft_ipc::Protocol;

/// The config protocol.
pub enum ConfigProtocol {}

impl Protocol for ConfigProtocol {
    const NAME: &'static str = "weft.config";
    const VERSION: u16 = 1;
    type Request = ConfigRequest;
    type Response = ConfigResponse;
    type Event = ConfigEvent;
}

/// Longest key, in bytes.
pub const KEY_BYTES: usize = 128;
/// Largest value, in bytes.
pub const VALUE_BYTES: usize = 4096;

/// A setting's value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Value {
    /// On or off.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A real number.
    Float(f64),
    /// Text.
    Text(String),
    /// Raw bytes.
    Bytes(Vec<u8>),
}

impl Value {
    /// The type's name.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Text(_) => "text",
            Value::Bytes(_) => "bytes",
        }
    }

    /// The text, if this is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            _ => None,
        }
    }

    /// Parse `kind:literal` (`bool:true`, `int:2`, `float:1.5`, `text:dark`).
    pub fn parse(text: &str) -> Option<Value> {
        let (kind, literal) = text.split_once(':')?;
        Some(match kind {
            "bool" => Value::Bool(literal.parse().ok()?),
            "int" => Value::Int(literal.parse().ok()?),
            "float" => Value::Float(literal.parse().ok()?),
            "text" => Value::Text(String::from(literal)),
            _ => return None,
        })
    }

    /// Encoded size, roughly.
    pub fn size(&self) -> usize {
        match self {
            Value::Text(text) => text.len(),
            Value::Bytes(bytes) => bytes.len(),
            _ => 8,
        }
    }
}

/// Requests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ConfigRequest {
    /// Read a key.
    Get {
        /// The key.
        key: String,
    },
    /// Write a key.
    Set {
        /// The key.
        key: String,
        /// The new value.
        value: Value,
    },
    /// Remove a key.
    Delete {
        /// The key.
        key: String,
    },
    /// Every key starting with `prefix`.
    List {
        /// The prefix (empty: all).
        prefix: String,
    },
    /// Receive changes under `prefix` as events.
    Watch {
        /// The prefix (empty: all).
        prefix: String,
    },
}

/// Answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ConfigResponse {
    /// A key's value (`None` if unset).
    Value(Option<Value>),
    /// Done.
    Ok,
    /// Keys and values.
    Entries(Vec<(String, Value)>),
    /// Refused.
    Error(ConfigError),
}

/// Why a request was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConfigError {
    /// Writing there needs the `write` grant.
    Denied,
    /// Empty, too long, or not `[a-z0-9._-]`.
    InvalidKey,
    /// The value is larger than [`VALUE_BYTES`].
    TooLarge,
    /// The key holds another type.
    TypeMismatch {
        /// The key's type.
        expected: String,
    },
    /// Too many keys or watches.
    Full,
}

/// Events.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ConfigEvent {
    /// A watched key changed (`None`: deleted).
    Changed {
        /// The key.
        key: String,
        /// Its new value.
        value: Option<Value>,
    },
}

/// Whether `key` is a valid key.
pub fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= KEY_BYTES
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
}
