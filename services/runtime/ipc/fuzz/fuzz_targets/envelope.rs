//! Fuzz the IPC envelope and the runtime's own protocols, plus the boot
//! bundle decoder: any bytes must decode to a value or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weft_ipc::log_sink::Record;
use weft_ipc::namespace::{NamespaceEvent, NamespaceRequest};
use weft_ipc::wire::{self, Kind};

fuzz_target!(|bytes: &[u8]| {
    if let Ok((kind, body)) = wire::header(1, bytes) {
        match kind {
            Kind::Request => {
                let _ = wire::body::<NamespaceRequest>(body);
                let _ = wire::body::<Record>(body);
            }
            Kind::Event => {
                let _ = wire::body::<NamespaceEvent>(body);
            }
            _ => {}
        }
    }
    let _ = weft_manifest::Bundle::from_bytes(bytes);
});
