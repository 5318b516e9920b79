//! The startup message: the first message on every program's bootstrap
//! channel.
//!
//! Whoever starts a program — the kernel for the root manager, the root
//! manager for every service, a test rig — writes one message into the
//! bootstrap channel before the program runs: who the program is and the
//! named handles attached to the message. The program reads it first
//! (`weft_ipc::Startup::receive`); the channel then stays open as its
//! namespace.
//!
//! The message is the first event of the namespace protocol
//! (`weft.namespace`, [`NAMESPACE_VERSION`]) in the IPC envelope, so the
//! program reads it with the same decoder as every later event. Postcard,
//! in order: `version: u16` (varint), `kind: u8` (3, an event), the event's
//! variant index (varint 0, `Startup`), then [`StartupInfo`] field by field.
//! It lives here rather than in the IPC layer so that the kernel image can
//! start the root manager without linking that layer.

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// Version of the namespace protocol the startup message opens.
pub const NAMESPACE_VERSION: u16 = 1;

/// The envelope kind of an event (`weft_ipc::wire::Kind::Event`).
pub const EVENT_KIND: u8 = 3;

/// Who a program is and what its startup message carries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartupInfo {
    /// The program's name in the service graph (its service's name).
    pub name: String,
    /// The program to run: the name its image is registered under. A
    /// multi-program image dispatches on it; `name` may differ (a service
    /// `console` runs program `hosted-console`).
    pub program: String,
    /// Its principal (the kernel stamps the same on its messages).
    pub principal: u64,
    /// Arguments from the manifest.
    pub args: Vec<(String, String)>,
    /// Names of the handles attached to the startup message, in order.
    pub handles: Vec<String>,
    /// Protocols this program is expected to serve.
    pub exposes: Vec<String>,
}

/// The namespace event that carries the startup record: variant 0 of
/// `weft_ipc::namespace::NamespaceEvent`, which encodes identically.
#[derive(Serialize)]
enum StartupEvent<'a> {
    Startup(&'a StartupInfo),
}

/// Why a startup message could not be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EncodeError;

impl core::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the startup message does not encode")
    }
}

/// Encode `info` as a startup message.
pub fn encode(info: &StartupInfo) -> Result<Vec<u8>, EncodeError> {
    postcard::to_allocvec(&(NAMESPACE_VERSION, EVENT_KIND, StartupEvent::Startup(info)))
        .map_err(|_| EncodeError)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// The worked example of `docs/abi.md`.
    #[test]
    fn the_documented_example_encodes_byte_for_byte() {
        let info = StartupInfo {
            name: "root".into(),
            program: "ktest".into(),
            principal: 1,
            args: vec![("system".into(), "ktest".into())],
            handles: Vec::new(),
            exposes: Vec::new(),
        };
        let mut expected = vec![0x01, 0x03, 0x00, 0x04];
        expected.extend_from_slice(b"root");
        expected.push(0x05);
        expected.extend_from_slice(b"ktest");
        expected.extend_from_slice(&[0x01, 0x01, 0x06]);
        expected.extend_from_slice(b"system");
        expected.push(0x05);
        expected.extend_from_slice(b"ktest");
        expected.extend_from_slice(&[0x00, 0x00]);
        assert_eq!(encode(&info), Ok(expected));
    }
}
