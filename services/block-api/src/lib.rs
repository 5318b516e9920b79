//! weft-block-api — how the storage service talks to a block device.
//!
//! A block service (virtio-blk in QEMU, the eMMC/SD controller on the
//! phone) serves `weft.block`: it reports its geometry, reads and writes
//! whole sectors, and flushes its write cache. Transfers travel inside the
//! message, at most [`MAX_TRANSFER`] bytes each, so no memory is shared with
//! the driver; a request the device cannot honour is answered with a
//! [`BlockError`], never by dropping the client.
#![no_std]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use weft_ipc::Protocol;

/// The block protocol.
pub enum BlockProtocol {}

impl Protocol for BlockProtocol {
    const NAME: &'static str = "weft.block";
    const VERSION: u16 = 1;
    type Request = BlockRequest;
    type Response = BlockResponse;
    type Event = ();
}

/// Bytes of one sector.
pub const SECTOR: u32 = 512;
/// Most bytes one read or write moves.
pub const MAX_TRANSFER: u32 = 32 * 1024;

/// Requests (all are calls).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BlockRequest {
    /// Geometry and state.
    Info,
    /// Read `count` sectors starting at `sector`.
    Read {
        /// First sector.
        sector: u64,
        /// Number of sectors (`count * SECTOR <= MAX_TRANSFER`).
        count: u32,
    },
    /// Write whole sectors starting at `sector`.
    Write {
        /// First sector.
        sector: u64,
        /// A multiple of [`SECTOR`] bytes, at most [`MAX_TRANSFER`].
        #[serde(with = "weft_ipc::bytes")]
        data: Vec<u8>,
    },
    /// Make every completed write durable.
    Flush,
}

/// What a device is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockInfo {
    /// A name for people (`virtio-blk-0`).
    pub name: String,
    /// Number of sectors.
    pub sectors: u64,
    /// Bytes per sector ([`SECTOR`]).
    pub sector_size: u32,
    /// Writes are refused.
    pub read_only: bool,
}

/// Answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BlockResponse {
    /// Geometry.
    Info(BlockInfo),
    /// Sectors read.
    Data(#[serde(with = "weft_ipc::bytes")] Vec<u8>),
    /// Written or flushed.
    Done,
    /// Refused.
    Error(BlockError),
}

/// Why a request was refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BlockError {
    /// Sectors past the end of the device.
    OutOfRange,
    /// Not a whole number of sectors, zero, or more than [`MAX_TRANSFER`].
    BadLength,
    /// The device is read-only.
    ReadOnly,
    /// The device reported an error.
    Device(String),
}

/// Check a transfer of `bytes` at `sector` against a device of `sectors`.
pub fn check(sector: u64, bytes: u64, sectors: u64) -> Result<(), BlockError> {
    if bytes == 0 || !bytes.is_multiple_of(u64::from(SECTOR)) || bytes > u64::from(MAX_TRANSFER) {
        return Err(BlockError::BadLength);
    }
    let end = sector.checked_add(bytes / u64::from(SECTOR)).ok_or(BlockError::OutOfRange)?;
    if end > sectors {
        return Err(BlockError::OutOfRange);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfers_are_checked() {
        assert_eq!(check(0, 512, 10), Ok(()));
        assert_eq!(check(9, 512, 10), Ok(()));
        assert_eq!(check(10, 512, 10), Err(BlockError::OutOfRange));
        assert_eq!(check(u64::MAX, 512, 10), Err(BlockError::OutOfRange));
        assert_eq!(check(0, 0, 10), Err(BlockError::BadLength));
        assert_eq!(check(0, 100, 10), Err(BlockError::BadLength));
        assert_eq!(check(0, 64 * 1024, 1000), Err(BlockError::BadLength));
    }

    #[test]
    fn messages_round_trip() {
        let request = BlockRequest::Write { sector: 3, data: alloc::vec![7; 512] };
        let bytes = postcard::to_allocvec(&request).unwrap();
        assert_eq!(postcard::from_bytes::<BlockRequest>(&bytes).unwrap(), request);
    }
}
