//! weft-rtc-pl031 — the wall clock from an ARM PL031 real-time clock.
//!
//! The PL031 counts seconds in its data register (`RTCDR`, offset 0x000)
//! from whatever its owner set; QEMU sets it to the host's UTC time at
//! start. The driver maps only its `mmio:rtc` range, checks the PrimeCell
//! identification registers, and answers `weft.clock`. It reads the
//! counter once, at start, and adds the monotonic clock from there on, so
//! the answer has millisecond steps although the register counts seconds.
#![allow(unsafe_code, reason = "a driver reads its device registers through a mapping of its MMIO resource")]
#![no_std]

extern crate alloc;

use alloc::format;
use alloc::vec::Vec;

use weft_clock_api::{ClockProtocol, ClockRequest, ClockResponse};
use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
use weft_rt::Resource;

/// `RTCDR`: the seconds counter.
const DATA: usize = 0x000;
/// `RTCPeriphID0..3` and `RTCPCellID0..3`: the low byte of eight words
/// from 0xfe0.
const IDENTIFICATION: usize = 0xfe0;
/// The PrimeCell signature in `RTCPCellID0..3`.
const PRIMECELL: [u8; 4] = [0x0d, 0xf0, 0x05, 0xb1];

/// Part number 0x031 from ARM (designer 0x41), whatever the revision.
fn is_pl031(id: &[u8]) -> bool {
    matches!(id, [0x31, 0x10, id2, _, cell @ ..] if id2 & 0x0f == 0x04 && cell == PRIMECELL)
}

/// The clock as read at start.
struct Reading {
    unix_ms: i64,
    monotonic_ns: u64,
}

fn read_clock(startup: &mut Startup) -> Result<Reading, ProgramError> {
    let handle =
        startup.take_handle("mmio:rtc").ok_or_else(|| ProgramError("no `mmio:rtc` capability".into()))?;
    let mmio = Resource::from_handle(handle);
    let range = mmio.info()?;
    if range.size < 0x1000 {
        return Err(ProgramError(format!("rtc registers are {} bytes, not 4 KiB", range.size)));
    }
    let registers = mmio.physical_vmo(range.base, range.size as usize)?;
    let mapping = registers.map_read(0, 0x1000)?;
    let base = mapping.address() + (range.base as usize & (weft_abi::PAGE_SIZE - 1));
    // SAFETY: `base` is the start of the device's 4 KiB register page,
    // mapped readable by `mapping`, which lives until this function
    // returns; every offset read is below 0x1000 and word aligned, and
    // PL031 registers are 32-bit and free of read side effects.
    let read = |offset: usize| unsafe { core::ptr::read_volatile((base + offset) as *const u32) };
    let id: Vec<u8> = (0..8).map(|i| read(IDENTIFICATION + 4 * i) as u8).collect();
    if !is_pl031(&id) {
        return Err(ProgramError(format!("not a PL031: identification {id:02x?}")));
    }
    let seconds = read(DATA);
    let monotonic_ns = weft_rt::now();
    Ok(Reading { unix_ms: i64::from(seconds) * 1000, monotonic_ns })
}

/// The service's `main`.
pub fn main(mut startup: Startup) -> Result<(), ProgramError> {
    let reading = read_clock(&mut startup)?;
    weft_rt::info!("rtc: wall clock {} s since 1970", reading.unix_ms / 1000);
    weft_ipc::serve::<ClockProtocol>(&startup, |_, incoming| {
        let ClockRequest::Now = incoming.request;
        let monotonic_ns = weft_rt::now();
        let elapsed_ms = monotonic_ns.saturating_sub(reading.monotonic_ns) / 1_000_000;
        let unix_ms = reading.unix_ms.saturating_add(elapsed_ms as i64);
        Some((ClockResponse::Now { unix_ms, monotonic_ns }, Vec::new()))
    })?;
    Ok(())
}

/// The program's entry: run [`main`] on the bootstrap channel.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}

#[cfg(test)]
mod tests {
    use super::is_pl031;

    #[test]
    fn identification_names_a_pl031_of_any_revision() {
        assert!(is_pl031(&[0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]));
        assert!(is_pl031(&[0x31, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1]));
    }

    #[test]
    fn other_primecells_and_garbage_are_refused() {
        // A PL011 UART, a missing PrimeCell signature, too few bytes.
        assert!(!is_pl031(&[0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1]));
        assert!(!is_pl031(&[0x31, 0x10, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00]));
        assert!(!is_pl031(&[0x31, 0x10]));
    }
}
