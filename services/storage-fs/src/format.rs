//! The fixed-layout parts of the on-disk format: geometry, the superblock,
//! metadata chain blocks and checksums (`docs/storage.md` has the tables).

use alloc::vec::Vec;
use sha2::{Digest, Sha256};

use crate::device::SECTOR;
use crate::error::{Corruption, Error};

/// Bytes of one block, the unit of allocation.
pub const BLOCK_SIZE: usize = 4096;
/// Sectors in one block.
pub const SECTORS_PER_BLOCK: u64 = (BLOCK_SIZE / SECTOR) as u64;
/// The superblock's first eight bytes.
pub const MAGIC: [u8; 8] = *b"WEFTSTOR";
/// The format version this code reads and writes.
pub const VERSION: u32 = 1;
/// Blocks 0 and 1 are the superblock slots; everything else is allocatable.
pub const FIRST_DATA_BLOCK: u64 = 2;
/// The smallest device a store is made on.
pub const MIN_BLOCKS: u64 = 8;
/// Blocks beyond this are left unused (16 TiB), bounding in-memory maps.
pub const MAX_BLOCKS: u64 = 1 << 32;
/// Payload bytes of a metadata chain block (after the 8-byte link).
pub const CHAIN_PAYLOAD: usize = BLOCK_SIZE - 8;
/// Bytes of a data block's checksum kept in the metadata.
pub const SUM_BYTES: usize = 16;

/// Bytes of the superblock record (one sector).
const RECORD: usize = SECTOR;
/// Bytes of the record its checksum covers.
const CHECKED: usize = RECORD - 32;
/// Bytes of fields before the reserved (zero) area.
const FIELDS: usize = 80;

/// One superblock slot: which metadata image is the committed state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Superblock {
    /// Commit counter; slot `generation % 2` holds it.
    pub generation: u64,
    /// Blocks the store spans.
    pub block_count: u64,
    /// First block of the metadata chain.
    pub meta_first: u64,
    /// Bytes of the metadata image.
    pub meta_len: u64,
    /// SHA-256 of the metadata image.
    pub meta_sha256: [u8; 32],
}

impl Superblock {
    /// The 512-byte record: fields, zeros, then SHA-256 of what precedes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(RECORD);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(BLOCK_SIZE as u32).to_le_bytes());
        out.extend_from_slice(&self.generation.to_le_bytes());
        out.extend_from_slice(&self.block_count.to_le_bytes());
        out.extend_from_slice(&self.meta_first.to_le_bytes());
        out.extend_from_slice(&self.meta_len.to_le_bytes());
        out.extend_from_slice(&self.meta_sha256);
        out.resize(CHECKED, 0);
        let sum = sha256(&out);
        out.extend_from_slice(&sum);
        out
    }

    /// Reads a record: [`Error::NotFormatted`] without the magic,
    /// [`Error::Unsupported`] for another version, else
    /// `Corrupt(Superblock)` for a bad checksum, block size or reserved
    /// byte. Checks against the device are the caller's.
    pub fn decode(record: &[u8]) -> Result<Superblock, Error> {
        let bad = Error::Corrupt(Corruption::Superblock);
        let mut r = Reader(record);
        if r.take::<8>() != Some(MAGIC) {
            return Err(Error::NotFormatted);
        }
        // The version first: a later format may checksum differently.
        let version = r.u32().ok_or(bad)?;
        if version != VERSION {
            return Err(Error::Unsupported(version));
        }
        let (checked, sum) = (record.get(..CHECKED).ok_or(bad)?, record.get(CHECKED..RECORD).ok_or(bad)?);
        if sha256(checked) != sum {
            return Err(bad);
        }
        if r.u32() != Some(BLOCK_SIZE as u32) {
            return Err(bad);
        }
        let block = Superblock {
            generation: r.u64().ok_or(bad)?,
            block_count: r.u64().ok_or(bad)?,
            meta_first: r.u64().ok_or(bad)?,
            meta_len: r.u64().ok_or(bad)?,
            meta_sha256: r.take::<32>().ok_or(bad)?,
        };
        let reserved = checked.get(FIELDS..).ok_or(bad)?;
        if reserved.iter().any(|&b| b != 0) {
            return Err(bad);
        }
        Ok(block)
    }
}

/// A little-endian cursor over a byte slice.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Option<u64> {
        self.take().map(u64::from_le_bytes)
    }
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// A data block's checksum: the first [`SUM_BYTES`] of SHA-256 over the
/// block number (u64 LE) and the block's 4096 bytes. The number makes a
/// block written to the wrong place fail too.
pub fn block_sum(block: u64, content: &[u8]) -> [u8; SUM_BYTES] {
    let mut hash = Sha256::new();
    hash.update(block.to_le_bytes());
    hash.update(content);
    let full: [u8; 32] = hash.finalize().into();
    let mut sum = [0; SUM_BYTES];
    for (s, f) in sum.iter_mut().zip(full) {
        *s = f;
    }
    sum
}

/// Blocks holding `len` bytes of data (a partial last block counts).
pub fn data_blocks(len: u64) -> u64 {
    len.div_ceil(BLOCK_SIZE as u64)
}

/// Blocks of a metadata chain carrying an image of `len` bytes.
pub fn chain_blocks(len: u64) -> u64 {
    len.div_ceil(CHAIN_PAYLOAD as u64).max(1)
}

/// The first sector of `block`.
pub fn block_sector(block: u64) -> u64 {
    block * SECTORS_PER_BLOCK
}
