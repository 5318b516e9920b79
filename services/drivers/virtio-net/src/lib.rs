//! weft-virtio-net — the network driver for virtio-net devices.
//!
//! Serves `weft.netdev` (see `netdev-api`) for one device: its MAC address
//! and link, frames to transmit as one-way requests, and every received
//! frame as an event to the connected client (the network service). Holds
//! only the device's `mmio:`/`irq:` capabilities and its DMA memory.
//!
//! Receiving waits on the device's interrupt; nothing is polled. A frame
//! that arrives while no client is connected is dropped, as a cable with
//! nothing behind it would. Transmission completes within the notify in
//! QEMU; the driver waits for it before taking the next frame.
#![no_std]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use weft_ipc::program::ProgramError;
use weft_ipc::{Service, ServiceEvent, Startup};
use weft_netdev_api::{
    Frame, MAX_FRAME, NetdevEvent, NetdevInfo, NetdevProtocol, NetdevRequest, NetdevResponse, batches,
};
use weft_rt::{Deadline, Signals};
use weft_virtio::virtio_drivers::device::net::VirtIONet;
use weft_virtio::virtio_drivers::transport::InterruptStatus;
use weft_virtio::virtio_drivers::transport::mmio::MmioTransport;
use weft_virtio::{ConfigSpace, Device, WeftHal};

/// Receive buffers the device may fill before the driver drains them.
const QUEUE: usize = 32;
/// Bytes of each receive buffer: a whole frame and the virtio header.
const BUFFER: usize = 2048;

type Net = VirtIONet<WeftHal, MmioTransport<'static>, QUEUE>;

/// Counters the driver logs when asked to stop (and a test can read).
#[derive(Default)]
struct Counters {
    sent: u64,
    received: u64,
    dropped: u64,
}

fn transmit(net: &mut Net, frames: Vec<Frame>, counters: &mut Counters) {
    for frame in frames {
        if frame.0.len() < 14 || frame.0.len() > MAX_FRAME {
            counters.dropped += 1;
            continue;
        }
        let mut buffer = net.new_tx_buffer(frame.0.len());
        buffer.packet_mut().copy_from_slice(&frame.0);
        match net.send(buffer) {
            Ok(()) => counters.sent += 1,
            Err(error) => {
                counters.dropped += 1;
                weft_rt::warn!("virtio-net: transmit failed: {error:?}");
            }
        }
    }
}

/// Whether the device reports its link up (virtio-net's `status` field,
/// configuration offset 6, bit 0; a device without the field is up).
fn link_status(config: &ConfigSpace) -> bool {
    config.read_u16(6).is_none_or(|status| status & 1 != 0)
}

/// Every frame the device has filled, its buffers handed back.
fn drain(net: &mut Net, counters: &mut Counters) -> Vec<Frame> {
    let mut frames = Vec::new();
    while let Ok(buffer) = net.receive() {
        frames.push(Frame(buffer.packet().to_vec()));
        counters.received += 1;
        if let Err(error) = net.recycle_rx_buffer(buffer) {
            weft_rt::warn!("virtio-net: cannot recycle a receive buffer: {error:?}");
        }
    }
    frames
}

/// The service's `main`.
pub fn main(mut startup: Startup) -> Result<(), ProgramError> {
    let name = String::from(startup.arg("device").unwrap_or("virtio-net-0"));
    let device = Device::open(&mut startup, &name)?;
    let Device { transport, interrupt, config, .. } = device;
    let mut net = Net::new(transport, BUFFER).map_err(|e| ProgramError(format!("{name}: {e:?}")))?;
    let mac = net.mac_address();
    weft_rt::info!(
        "{name}: MAC {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        mac[0],
        mac[1],
        mac[2],
        mac[3],
        mac[4],
        mac[5]
    );
    let mut link_up = link_status(&config);
    let info = NetdevInfo { name: name.clone(), mac, mtu: 1500, link_up };
    let mut counters = Counters::default();
    let mut service = Service::<NetdevProtocol>::new(&startup)?;
    let irq = service.watch(&interrupt, Signals::SIGNALED)?;
    service.ready()?;
    loop {
        match service.next(Deadline::INFINITE)? {
            ServiceEvent::Stop => {
                weft_rt::info!(
                    "{name}: stopping ({} frames sent, {} received, {} dropped)",
                    counters.sent,
                    counters.received,
                    counters.dropped
                );
                return Ok(());
            }
            ServiceEvent::Requests { key, observed } => {
                service.serve(key, observed, |_, incoming| match incoming.request {
                    NetdevRequest::Info => {
                        Some((NetdevResponse::Info(NetdevInfo { link_up, ..info.clone() }), Vec::new()))
                    }
                    NetdevRequest::Transmit(frames) => {
                        transmit(&mut net, frames, &mut counters);
                        None
                    }
                });
            }
            ServiceEvent::Signals { key, .. } if key == irq => {
                let status = net.ack_interrupt();
                let _ = interrupt.ack();
                if status.contains(InterruptStatus::DEVICE_CONFIGURATION_INTERRUPT) {
                    let now_up = link_status(&config);
                    if now_up != link_up {
                        link_up = now_up;
                        weft_rt::info!("{name}: link {}", if link_up { "up" } else { "down" });
                        service.broadcast(&NetdevEvent::Link(link_up), |_| true);
                    }
                }
                let frames = drain(&mut net, &mut counters);
                if frames.is_empty() {
                    continue;
                }
                if service.clients.is_empty() {
                    counters.dropped += frames.len() as u64;
                    continue;
                }
                for batch in batches(frames) {
                    service.broadcast(&NetdevEvent::Received(batch), |_| true);
                }
            }
            _ => {}
        }
    }
}

/// The program's entry: run [`main`] on the bootstrap channel.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}
