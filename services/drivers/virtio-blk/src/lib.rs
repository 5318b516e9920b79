//! weft-virtio-blk — the block driver for virtio-blk disks.
//!
//! Serves `weft.block` (see `block-api`) for one disk: geometry, sector
//! reads and writes (bounded, checked against the capacity), and flush.
//! Holds only the disk's `mmio:`/`irq:` capabilities and its DMA memory.
//! Requests are carried out one at a time; the device signals completion
//! on the used ring, which the driver polls briefly (QEMU completes a
//! request within the notify).
#![no_std]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use weft_block_api::{BlockError, BlockInfo, BlockProtocol, BlockRequest, BlockResponse, SECTOR, check};
use weft_ipc::Startup;
use weft_ipc::program::ProgramError;
use weft_virtio::virtio_drivers::device::blk::VirtIOBlk;
use weft_virtio::virtio_drivers::transport::mmio::MmioTransport;
use weft_virtio::{Device, WeftHal};

type Blk = VirtIOBlk<WeftHal, MmioTransport<'static>>;

fn device_error(error: impl core::fmt::Debug) -> BlockResponse {
    BlockResponse::Error(BlockError::Device(format!("{error:?}")))
}

fn answer(blk: &mut Blk, name: &str, request: BlockRequest) -> BlockResponse {
    let sectors = blk.capacity();
    match request {
        BlockRequest::Info => BlockResponse::Info(BlockInfo {
            name: String::from(name),
            sectors,
            sector_size: SECTOR,
            read_only: blk.readonly(),
        }),
        BlockRequest::Read { sector, count } => {
            let bytes = u64::from(count) * u64::from(SECTOR);
            if let Err(error) = check(sector, bytes, sectors) {
                return BlockResponse::Error(error);
            }
            let mut data = vec![0u8; bytes as usize];
            match blk.read_blocks(sector as usize, &mut data) {
                Ok(()) => BlockResponse::Data(data),
                Err(error) => device_error(error),
            }
        }
        BlockRequest::Write { sector, data } => {
            if let Err(error) = check(sector, data.len() as u64, sectors) {
                return BlockResponse::Error(error);
            }
            if blk.readonly() {
                return BlockResponse::Error(BlockError::ReadOnly);
            }
            match blk.write_blocks(sector as usize, &data) {
                Ok(()) => BlockResponse::Done,
                Err(error) => device_error(error),
            }
        }
        BlockRequest::Flush => match blk.flush() {
            Ok(()) => BlockResponse::Done,
            Err(error) => device_error(error),
        },
    }
}

/// Read the last sector, write the same bytes back and read them again:
/// proves reads and writes reach the disk without changing what is on it
/// (it is the storage service's disk).
fn self_test(blk: &mut Blk, name: &str) {
    let last = blk.capacity().saturating_sub(1);
    let ok = match answer(blk, name, BlockRequest::Read { sector: last, count: 1 }) {
        BlockResponse::Data(before) => {
            let written = answer(blk, name, BlockRequest::Write { sector: last, data: before.clone() });
            let after = answer(blk, name, BlockRequest::Read { sector: last, count: 1 });
            written == BlockResponse::Done && after == BlockResponse::Data(before)
        }
        _ => false,
    };
    weft_rt::info!(
        "virtio-blk: self-test {} (sector {last} read, written back and read again)",
        if ok { "passed" } else { "FAILED" }
    );
}

/// The service's `main`.
pub fn main(mut startup: Startup) -> Result<(), ProgramError> {
    let name = String::from(startup.arg("device").unwrap_or("virtio-blk-0"));
    let device = Device::open(&mut startup, &name)?;
    let mut blk = VirtIOBlk::new(device.transport).map_err(|e| ProgramError(format!("{e:?}")))?;
    weft_rt::info!(
        "{name}: {} MiB{}",
        (blk.capacity() * u64::from(SECTOR)) >> 20,
        if blk.readonly() { ", read-only" } else { "" }
    );
    if startup.arg("self-test") == Some("true") && !blk.readonly() {
        self_test(&mut blk, &name);
    }
    weft_ipc::serve::<BlockProtocol>(&startup, |_, incoming| {
        Some((answer(&mut blk, &name, incoming.request), Vec::new()))
    })?;
    Ok(())
}

/// The program's entry: run [`main`] on the bootstrap channel.
pub fn entry(bootstrap: u32) -> i32 {
    weft_ipc::program::run(bootstrap, main)
}
