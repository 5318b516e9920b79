//! weft-virtio-rng — feeds the kernel's entropy pool from a virtio-rng
//! device.
//!
//! The kernel seeds its pool once at boot (the bootloader's `rng-seed` and
//! timer jitter); this driver adds a continuous hardware source. It reads
//! [`FEED_BYTES`] from the device at start and then every `interval`
//! seconds (60 by default), and mixes them into the pool with
//! `random_add`, which the kernel allows only to holders of a device
//! resource. Mixing is a hash-chain update in the kernel, so even a
//! hostile device cannot make the pool weaker. The driver serves no
//! protocol; it holds only the device's `mmio:`/`irq:` capabilities and
//! its DMA memory. Each request is one buffer on the device's single
//! virtqueue, whose completion the driver polls (QEMU answers within
//! microseconds).
#![no_std]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use core::time::Duration;

use weft_ipc::program::ProgramError;
use weft_ipc::{LoopEvent, ServiceLoop, Startup};
use weft_rt::{Deadline, Resource, Rights};
use weft_virtio::virtio_drivers::device::rng::VirtIORng;
use weft_virtio::virtio_drivers::transport::mmio::MmioTransport;
use weft_virtio::{Device, WeftHal};

type Rng = VirtIORng<WeftHal, MmioTransport<'static>>;

/// Bytes read from the device and mixed into the pool per feed.
pub const FEED_BYTES: usize = 64;

/// Seconds between feeds unless the manifest says otherwise.
pub const DEFAULT_INTERVAL_SECONDS: u64 = 60;

/// The feed interval from the `interval` argument (whole seconds, at
/// least one); anything else is the default.
pub fn interval(argument: Option<&str>) -> Duration {
    let seconds = argument.and_then(|value| value.trim().parse::<u64>().ok()).filter(|&seconds| seconds > 0);
    Duration::from_secs(seconds.unwrap_or(DEFAULT_INTERVAL_SECONDS))
}

/// The device and what feeding the pool needs.
struct Feeder {
    rng: Rng,
    interrupt: weft_rt::Interrupt,
    /// The device's `mmio:` resource: the kernel feeds its pool only from
    /// holders of one.
    pool: Resource,
}

impl Feeder {
    /// Read one buffer from the device and mix it into the kernel's pool;
    /// returns how many bytes went in.
    fn feed(&mut self) -> Result<usize, String> {
        let mut bytes = [0u8; FEED_BYTES];
        let read = self.rng.request_entropy(&mut bytes).map_err(|e| format!("device: {e:?}"));
        // The device may have raised its interrupt for the used buffer:
        // clear it at the device, then unmask the line (nothing waits on
        // it; this keeps the line quiet).
        self.rng.ack_interrupt();
        let _ = self.interrupt.ack();
        let read = read?.min(FEED_BYTES);
        if read == 0 {
            return Err(String::from("device returned no bytes"));
        }
        let fed = self.pool.add_entropy(bytes.get(..read).unwrap_or(&[])).map_err(|e| format!("kernel: {e}"));
        bytes.fill(0);
        fed.map(|()| read)
    }
}

/// Wait for the parent to stop this service (no device to drive).
fn idle(service: &mut ServiceLoop) -> Result<(), ProgramError> {
    loop {
        if let LoopEvent::Stop = service.next(Deadline::INFINITE)? {
            return Ok(());
        }
    }
}

/// The service's `main`.
pub fn main(mut startup: Startup) -> Result<(), ProgramError> {
    let name = String::from(startup.arg("device").unwrap_or("virtio-rng-0"));
    let every = interval(startup.arg("interval"));
    let mut service = ServiceLoop::new(&startup)?;
    if !startup.handle_names().any(|handle| handle.strip_prefix("mmio:") == Some(name.as_str())) {
        // A board without the device (or a QEMU started without it):
        // nothing to feed, and nothing to restart for.
        weft_rt::warn!("{name}: no such device; the entropy pool is not fed");
        service.ready()?;
        return idle(&mut service);
    }
    let device = Device::open(&mut startup, &name)?;
    let pool = Resource::from_handle(device.resource().handle().duplicate(Rights::SAME)?);
    let rng = VirtIORng::new(device.transport).map_err(|e| ProgramError(format!("{name}: {e:?}")))?;
    let mut feeder = Feeder { rng, interrupt: device.interrupt, pool };
    service.ready()?;
    let mut announced = false;
    let mut failing = false;
    loop {
        match feeder.feed() {
            Ok(_) if !announced => {
                weft_rt::info!("{name}: feeding the kernel's entropy pool");
                announced = true;
                failing = false;
            }
            Ok(_) => failing = false,
            // Said once per run of failures, not every interval.
            Err(error) if !failing => {
                weft_rt::warn!("{name}: could not feed the entropy pool: {error}");
                failing = true;
            }
            Err(_) => {}
        }
        let next = Deadline::after(every);
        loop {
            match service.next(next)? {
                LoopEvent::Stop => return Ok(()),
                LoopEvent::TimedOut => break,
                _ if next.passed() => break,
                _ => {}
            }
        }
    }
}

/// The program's entry: run [`main`] on the bootstrap channel.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}

#[cfg(test)]
mod tests {
    use super::{DEFAULT_INTERVAL_SECONDS, interval};
    use core::time::Duration;

    #[test]
    fn the_interval_is_whole_positive_seconds_or_the_default() {
        let default = Duration::from_secs(DEFAULT_INTERVAL_SECONDS);
        assert_eq!(interval(None), default);
        assert_eq!(interval(Some("60")), Duration::from_secs(60));
        assert_eq!(interval(Some(" 5 ")), Duration::from_secs(5));
        assert_eq!(interval(Some("0")), default);
        assert_eq!(interval(Some("-1")), default);
        assert_eq!(interval(Some("soon")), default);
    }
}
