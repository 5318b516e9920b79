//! Fuzz the viewer-to-app message and telemetry decoders.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weft_wlstream::keys::Channel;
use weft_wlstream::{message, telemetry};

fuzz_target!(|data: &[u8]| {
    if let Ok(decoded) = message::decode(data) {
        // Whatever decodes re-encodes to something that decodes the same.
        let again = message::decode(&message::encode(&decoded)).expect("re-encoding decodes");
        assert_eq!(format!("{again:?}"), format!("{decoded:?}"));
    }
    for channel in Channel::PER_APP {
        let _ = message::decode_on(channel, data);
    }
    let _ = telemetry::decode(data);
});
