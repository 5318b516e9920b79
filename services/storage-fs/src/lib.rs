//! weft-storage-fs — the on-disk store of the storage service: a crash-safe, copy-on-write namespace and blob store on one block device.
//!
//! A [`Store`] owns a [`BlockDevice`] and keeps, in memory, the whole
//! metadata: the directory tree, the blob index and the quota limits. Data
//! blocks are written as operations happen, always to blocks the last commit
//! does not reference; [`Store::commit`] writes the metadata as one
//! checksummed image to free blocks, flushes, then switches the older of two
//! superblock slots to it and flushes again. A power cut at any instant
//! therefore leaves, after [`Store::mount`], exactly the last committed state.
//! Every data block carries a checksum in the metadata that each read
//! verifies; blobs are also verified against their SHA-256 name.
//!
//! The exact on-disk format, the commit protocol and the limits are in
//! `docs/storage.md`; [`format`] holds the fixed-layout parts.
#![no_std]
// A decoder of untrusted disk images: no panicking shortcuts outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

extern crate alloc;

mod blobs;
mod blockmap;
pub mod device;
mod error;
mod files;
pub mod format;
mod image;
mod memdisk;
mod mount;
mod namespace;
mod path;
mod scrub;
mod store;

pub use blobs::BlobInfo;
pub use device::{BlockDevice, DeviceError, SECTOR};
pub use error::{Corruption, Error};
pub use files::{Entry, Kind};
pub use format::BLOCK_SIZE;
pub use memdisk::{CrashFate, MemDisk};
pub use path::{MAX_NAME, MAX_PATH};
pub use store::{Space, Store};
