//! weft-netdev-api — how the network service talks to a network device.
//!
//! A network-device service (virtio-net in QEMU, a USB Ethernet gadget on
//! the phone) serves `weft.netdev` to one client, the network service. The
//! client asks for the device's identity once, then both sides stream
//! Ethernet frames without waiting for each other: transmissions are
//! one-way requests ([`NetdevRequest::Transmit`]), receptions are events
//! ([`NetdevEvent::Received`]). Frames travel inside the message, batched
//! up to [`MAX_BATCH_BYTES`], so no memory is shared with the driver.
//!
//! Nothing here is reliable: a device with no room drops what it cannot
//! take, as a wire would, and TCP above recovers. A driver that restarts
//! closes the channel; the client reconnects and asks for [`NetdevInfo`]
//! again.
#![no_std]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use weft_ipc::Protocol;

/// The network-device protocol.
pub enum NetdevProtocol {}

impl Protocol for NetdevProtocol {
    const NAME: &'static str = "weft.netdev";
    const VERSION: u16 = 1;
    type Request = NetdevRequest;
    type Response = NetdevResponse;
    type Event = NetdevEvent;
}

/// The largest Ethernet frame either side passes (no jumbo frames): the
/// 1500-byte MTU plus the 14-byte header.
pub const MAX_FRAME: usize = 1514;
/// Most frame bytes in one message (kept well under the kernel's 64 KiB
/// message limit, with room for the envelope).
pub const MAX_BATCH_BYTES: usize = 48 * 1024;

/// One Ethernet frame, from the destination MAC to the end of the payload
/// (no preamble, no FCS).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame(#[serde(with = "weft_ipc::bytes")] pub Vec<u8>);

/// Requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NetdevRequest {
    /// The device's identity and link (a call).
    Info,
    /// Send these frames, in order (one-way: no answer). Frames longer than
    /// [`MAX_FRAME`] or shorter than a header are dropped and counted.
    Transmit(Vec<Frame>),
}

/// What a device is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetdevInfo {
    /// A name for people (`virtio-net-0`).
    pub name: String,
    /// The hardware address.
    pub mac: [u8; 6],
    /// Largest IP packet, in bytes (1500).
    pub mtu: u16,
    /// Whether the link is up.
    pub link_up: bool,
}

/// Answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NetdevResponse {
    /// The device.
    Info(NetdevInfo),
}

/// What the device sends unprompted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NetdevEvent {
    /// Frames that arrived, in order.
    Received(Vec<Frame>),
    /// The link went up or down.
    Link(bool),
}

/// Split `frames` into batches of at most [`MAX_BATCH_BYTES`] frame bytes
/// (a batch always holds at least one frame).
pub fn batches(frames: Vec<Frame>) -> Vec<Vec<Frame>> {
    let mut out: Vec<Vec<Frame>> = Vec::new();
    let mut bytes = 0;
    for frame in frames {
        let len = frame.0.len();
        match out.last_mut() {
            Some(batch) if bytes + len <= MAX_BATCH_BYTES => batch.push(frame),
            _ => {
                out.push(alloc::vec![frame]);
                bytes = 0;
            }
        }
        bytes += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_stay_under_the_limit_and_keep_order() {
        let frames: Vec<Frame> = (0..100u8).map(|i| Frame(alloc::vec![i; MAX_FRAME])).collect();
        let split = batches(frames.clone());
        assert!(split.iter().all(|b| b.iter().map(|f| f.0.len()).sum::<usize>() <= MAX_BATCH_BYTES));
        assert_eq!(split.concat(), frames);
        let encoded = postcard::to_allocvec(&NetdevEvent::Received(split[0].clone())).unwrap();
        assert!(encoded.len() < 64 * 1024 - 64);
    }
}
