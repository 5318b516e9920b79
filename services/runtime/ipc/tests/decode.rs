//! Decoding hostile bytes: every decoder returns an error, never panics.

use proptest::prelude::*;
use weft_ipc::log_sink::{LogSinkProtocol, Record};
use weft_ipc::namespace::{NamespaceEvent, NamespaceProtocol, NamespaceRequest, StartupInfo};
use weft_ipc::wire::{self, Kind};
use weft_ipc::{IpcError, Protocol};

fn decode_all(bytes: &[u8]) {
    if let Ok((kind, body)) = wire::header(NamespaceProtocol::VERSION, bytes) {
        let _ = match kind {
            Kind::Request => wire::body::<NamespaceRequest>(body).map(drop),
            Kind::Event => wire::body::<NamespaceEvent>(body).map(drop),
            _ => Ok(()),
        };
    }
    if let Ok((_, body)) = wire::header(LogSinkProtocol::VERSION, bytes) {
        let _ = wire::body::<Record>(body);
    }
    let _ = weft_manifest::Bundle::from_bytes(bytes);
}

fn valid_messages() -> Vec<Vec<u8>> {
    let startup = StartupInfo {
        name: "files".into(),
        program: "files".into(),
        principal: 42,
        args: vec![("root".into(), "/".into())],
        handles: vec!["bundle".into()],
        exposes: vec!["weft.files".into()],
    };
    vec![
        wire::encode(1, Kind::Event, &NamespaceEvent::Startup(startup)).unwrap(),
        wire::encode(1, Kind::Request, &NamespaceRequest::Connect { protocol: "weft.config".into() })
            .unwrap(),
        wire::encode(
            1,
            Kind::Request,
            &Record { level: 3, time: 99, target: "t".into(), message: "hello".into() },
        )
        .unwrap(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        decode_all(&bytes);
    }

    #[test]
    fn mutated_messages_never_panic(
        which in 0usize..3,
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
    ) {
        let mut bytes = valid_messages()[which].clone();
        for (at, value) in edits {
            let len = bytes.len();
            bytes[at % len] = value;
        }
        bytes.truncate(cut % (bytes.len() + 1));
        decode_all(&bytes);
    }
}

#[test]
fn strictness() {
    let good = wire::encode(1, Kind::Request, &NamespaceRequest::Ready).unwrap();
    assert!(wire::header(1, &good).is_ok());
    // Another version is refused with both numbers.
    assert_eq!(wire::header(2, &good).unwrap_err(), IpcError::Version { expected: 2, received: 1 });
    // Trailing garbage is refused.
    let mut long = good.clone();
    long.push(0);
    let (_, body) = wire::header(1, &long).unwrap();
    assert_eq!(wire::body::<NamespaceRequest>(body).unwrap_err(), IpcError::Malformed);
    // Unknown kinds are refused.
    let mut kind = good.clone();
    kind[1] = 9;
    assert_eq!(wire::header(1, &kind).unwrap_err(), IpcError::Malformed);
    // Empty input is refused.
    assert_eq!(wire::header(1, &[]).unwrap_err(), IpcError::Malformed);
}

/// The kernel writes the startup message without this crate
/// (`weft_abi::startup::encode`); the bytes must be the namespace event
/// programs decode.
#[test]
fn the_abi_startup_message_is_the_namespace_startup_event() {
    let info = StartupInfo {
        name: "console".into(),
        program: "hosted-console".into(),
        principal: 7,
        args: vec![("system".into(), "hosted".into())],
        handles: vec!["root-resource".into(), "bundle".into()],
        exposes: vec!["weft.console".into()],
    };
    let from_abi = weft_abi::startup::encode(&info).unwrap();
    let from_ipc =
        wire::encode(NamespaceProtocol::VERSION, Kind::Event, &NamespaceEvent::Startup(info.clone()))
            .unwrap();
    assert_eq!(from_abi, from_ipc);
    assert_eq!(weft_ipc::namespace::encode_startup(&info).unwrap(), from_ipc);
    let (kind, body) = wire::header(NamespaceProtocol::VERSION, &from_abi).unwrap();
    assert_eq!(kind, Kind::Event);
    assert_eq!(wire::body::<NamespaceEvent>(body).unwrap(), NamespaceEvent::Startup(info));
}
