//! The network device as smoltcp sees it: frames queued from and to the
//! driver's `weft.netdev` channel, which is reconnected when the driver
//! restarts.

use alloc::collections::VecDeque;
use alloc::vec;
use alloc::vec::Vec;

use smoltcp::phy::{self, DeviceCapabilities, Medium};
use smoltcp::time::Instant;
use weft_ipc::{Client, Namespace};
use weft_netdev_api::{
    Frame, MAX_FRAME, NetdevEvent, NetdevInfo, NetdevProtocol, NetdevRequest, NetdevResponse, batches,
};

/// Frames waiting for smoltcp; more are dropped (TCP recovers).
const RX_QUEUE: usize = 512;

/// The device side of the stack.
#[derive(Default)]
pub struct Frames {
    rx: VecDeque<Vec<u8>>,
    tx: Vec<Frame>,
    /// Frames handed to the driver.
    pub sent: u64,
    /// Frames taken from the driver.
    pub received: u64,
    /// Frames dropped because the queue was full or the link was gone.
    pub dropped: u64,
}

impl Frames {
    /// Take frames the driver received.
    pub fn push_received(&mut self, frames: Vec<Frame>) {
        for frame in frames {
            if self.rx.len() >= RX_QUEUE {
                self.dropped += 1;
                continue;
            }
            self.received += 1;
            self.rx.push_back(frame.0);
        }
    }

    /// Whether smoltcp queued frames to send.
    pub fn has_output(&self) -> bool {
        !self.tx.is_empty()
    }

    /// Frames smoltcp queued, to send to the driver.
    pub fn take_output(&mut self) -> Vec<Frame> {
        core::mem::take(&mut self.tx)
    }
}

/// A received frame for smoltcp.
pub struct Rx(Vec<u8>);
/// Room for one transmitted frame.
pub struct Tx<'a>(&'a mut Vec<Frame>);

impl phy::RxToken for Rx {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        f(&self.0)
    }
}

impl phy::TxToken for Tx<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let mut buffer = vec![0u8; len];
        let result = f(&mut buffer);
        self.0.push(Frame(buffer));
        result
    }
}

impl phy::Device for Frames {
    type RxToken<'a> = Rx;
    type TxToken<'a> = Tx<'a>;

    fn receive(&mut self, _now: Instant) -> Option<(Rx, Tx<'_>)> {
        let frame = self.rx.pop_front()?;
        Some((Rx(frame), Tx(&mut self.tx)))
    }

    fn transmit(&mut self, _now: Instant) -> Option<Tx<'_>> {
        Some(Tx(&mut self.tx))
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut capabilities = DeviceCapabilities::default();
        capabilities.medium = Medium::Ethernet;
        capabilities.max_transmission_unit = MAX_FRAME;
        capabilities.max_burst_size = Some(32);
        capabilities
    }
}

/// The driver connection.
pub struct Link {
    /// The channel to the driver, while it is up.
    pub client: Option<Client<NetdevProtocol>>,
    /// What the driver said about the device.
    pub info: Option<NetdevInfo>,
}

impl Link {
    /// Connect to the driver and ask what the device is.
    pub fn connect(namespace: &Namespace) -> Result<Link, alloc::string::String> {
        let client = namespace.connect::<NetdevProtocol>().map_err(|e| alloc::format!("{e}"))?;
        let NetdevResponse::Info(info) =
            client.call(&NetdevRequest::Info).map_err(|e| weft_ipc::describe(&e))?;
        Ok(Link { client: Some(client), info: Some(info) })
    }

    /// Send what smoltcp queued; false if the driver is gone.
    pub fn send(&mut self, frames: &mut Frames) -> bool {
        let output = frames.take_output();
        let Some(client) = &self.client else {
            frames.dropped += output.len() as u64;
            return false;
        };
        let count = output.len() as u64;
        for batch in batches(output) {
            if let Err(error) = client.send(&NetdevRequest::Transmit(batch)) {
                if error.is_peer_closed() {
                    self.client = None;
                    frames.dropped += count;
                    return false;
                }
                // A full queue: the frames are lost, as on a busy wire.
                frames.dropped += count;
                return true;
            }
        }
        frames.sent += count;
        true
    }

    /// Take every event the driver sent; false if it is gone.
    pub fn receive(&mut self, frames: &mut Frames) -> bool {
        let Some(client) = &self.client else { return false };
        loop {
            match client.try_event() {
                Ok(Some((event, _))) => match event {
                    NetdevEvent::Received(batch) => frames.push_received(batch),
                    NetdevEvent::Link(up) => {
                        weft_rt::info!("net: link {}", if up { "up" } else { "down" });
                        if let Some(info) = &mut self.info {
                            info.link_up = up;
                        }
                    }
                },
                Ok(None) => return true,
                Err(error) => {
                    if !error.is_peer_closed() {
                        weft_rt::warn!("net: bad message from the device: {}", weft_ipc::describe(&error));
                    }
                    self.client = None;
                    return false;
                }
            }
        }
    }
}
