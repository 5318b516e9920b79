//! The store: its state, formatting, the commit protocol, space
//! admission, and block I/O with checksums.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::blockmap::{Bitmap, BlockMap};
use crate::device::{BlockDevice, SECTOR};
use crate::error::{Corruption, Error};
use crate::format::{
    BLOCK_SIZE, CHAIN_PAYLOAD, FIRST_DATA_BLOCK, MAX_BLOCKS, MIN_BLOCKS, SECTORS_PER_BLOCK, Superblock,
    block_sector, block_sum, chain_blocks, sha256,
};
use crate::image::{BlobOut, BlockRef, FileData, ImageOut, QuotaOut, header_bound, varint_len};
use crate::namespace::Namespace;

/// Free space, as `df` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Space {
    /// Bytes per block.
    pub block_size: u32,
    /// Blocks the store spans (the two superblock slots included).
    pub total_blocks: u64,
    /// Blocks holding nothing the live or the committed state needs.
    pub free_blocks: u64,
}

/// A mounted store on device `D`.
///
/// Changes are visible to reads at once and durable after
/// [`Store::commit`]; a failed operation changes nothing.
pub struct Store<D: BlockDevice> {
    pub(crate) dev: D,
    pub(crate) generation: u64,
    pub(crate) created: u64,
    pub(crate) ns: Namespace,
    pub(crate) blobs: BTreeMap<[u8; 32], FileData>,
    /// Encoded bytes of all blob entries.
    pub(crate) blob_bound: u64,
    /// Quota limits in bytes, by top-level name.
    pub(crate) quotas: BTreeMap<String, u64>,
    /// Encoded bytes of all quota entries.
    pub(crate) quota_bound: u64,
    /// Data blocks used below each top-level name (derived, not stored).
    pub(crate) usage: BTreeMap<String, u64>,
    pub(crate) map: BlockMap,
    /// Something changed since the last commit.
    pub(crate) dirty: bool,
    /// A superblock write failed: it may yet land (see `Store::settle`).
    pub(crate) uncertain: bool,
}

/// What a change would do to space, for [`Store::admit`].
pub(crate) struct Change {
    /// New blocks it allocates.
    pub add: u64,
    /// Held blocks it releases that no commit references (free at once).
    pub freed: u64,
    /// Data blocks the live state references afterwards.
    pub refs_after: u64,
    /// Bound of the metadata image afterwards.
    pub meta_after: u64,
}

/// Blocks of a device the store can use.
pub(crate) fn device_blocks<D: BlockDevice>(dev: &D) -> u64 {
    (dev.sector_count() / SECTORS_PER_BLOCK).min(MAX_BLOCKS)
}

impl<D: BlockDevice> Store<D> {
    /// Makes an empty store on `dev` (whatever it held is gone) and commits
    /// it; `now` is the root directory's time.
    pub fn format(mut dev: D, now: u64) -> Result<Store<D>, Error> {
        let blocks = device_blocks(&dev);
        if blocks < MIN_BLOCKS {
            return Err(Error::TooSmall);
        }
        // Invalidate slot 1 so an older store there cannot outrank the new
        // generation 0 in slot 0; the commit's first flush orders this.
        dev.write(block_sector(1), &[0; SECTOR])?;
        let mut committed = Bitmap::new(blocks);
        committed.insert(0);
        committed.insert(1);
        let mut store = Store {
            dev,
            generation: 0,
            created: now,
            ns: Namespace::new(now),
            blobs: BTreeMap::new(),
            blob_bound: 0,
            quotas: BTreeMap::new(),
            quota_bound: 0,
            usage: BTreeMap::new(),
            map: BlockMap::new(blocks, committed, 0),
            dirty: true,
            uncertain: false,
        };
        store.write_generation(0)?;
        Ok(store)
    }

    /// Gives the device back (uncommitted changes are dropped).
    pub fn into_device(self) -> D {
        self.dev
    }

    /// The device, to look at.
    pub fn device(&self) -> &D {
        &self.dev
    }

    /// The device, to drive it from outside (tests cut its power this way);
    /// writing through it voids every guarantee.
    pub fn device_mut(&mut self) -> &mut D {
        &mut self.dev
    }

    /// The last committed generation (0 after format; each commit that had
    /// something to write adds one).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Makes every change so far durable: after this returns `Ok`, a power
    /// cut and [`Store::mount`] give exactly this state. Does nothing if
    /// nothing changed. On `Err` the last committed state stays the durable
    /// one (or, if the device failed mid-way, possibly this one).
    pub fn commit(&mut self) -> Result<(), Error> {
        if !self.dirty {
            return Ok(());
        }
        let next = self.generation.checked_add(1).ok_or(Error::Corrupt(Corruption::Superblock))?;
        self.write_generation(next)
    }

    /// Free space.
    pub fn space(&self) -> Space {
        Space { block_size: BLOCK_SIZE as u32, total_blocks: self.map.total(), free_blocks: self.map.free() }
    }

    /// The commit protocol: image to free blocks, flush; superblock to
    /// slot `generation % 2`, flush.
    fn write_generation(&mut self, generation: u64) -> Result<(), Error> {
        if self.uncertain {
            self.settle(generation)?;
        }
        let image = self.encode_image()?;
        let mut chain = Vec::new();
        for _ in 0..chain_blocks(image.len() as u64) {
            match self.map.alloc() {
                Some(block) => chain.push(block),
                None => {
                    chain.iter().for_each(|&b| self.map.release(b));
                    return Err(Error::NoSpace);
                }
            }
        }
        if let Err(error) = self.write_chain(&image, &chain) {
            chain.iter().for_each(|&b| self.map.release(b));
            return Err(error);
        }
        if let Err(error) = self.write_superblock(generation, &image, &chain) {
            // The superblock may be on the device, or in its cache for a
            // later flush to land: pin all it reaches until that is settled.
            let reached: Vec<u64> = self.live_blocks().chain(chain.iter().copied()).collect();
            reached.into_iter().for_each(|b| self.map.pin(b));
            self.uncertain = true;
            let _ = self.settle(generation);
            return Err(error);
        }
        let mut committed = Bitmap::new(self.map.total());
        for block in [0, 1].into_iter().chain(chain).chain(self.live_blocks()) {
            committed.insert(block);
        }
        self.map.set_committed(committed);
        self.uncertain = false;
        self.generation = generation;
        self.dirty = false;
        Ok(())
    }

    /// After a superblock write of unknown fate for `generation`: wipes its
    /// slot and flushes, so it can never land; its blocks are then free.
    fn settle(&mut self, generation: u64) -> Result<(), Error> {
        self.dev.write(block_sector(generation % 2), &[0; SECTOR])?;
        self.dev.flush()?;
        self.uncertain = false;
        let live: Vec<u64> = self.live_blocks().collect();
        self.map.unpin(live.into_iter());
        Ok(())
    }

    /// Every data block the live state references.
    fn live_blocks(&self) -> impl Iterator<Item = u64> + '_ {
        self.ns.files().chain(self.blobs.values()).flat_map(|d| d.blocks.iter().map(|r| r.block))
    }

    /// Writes the image along `chain` and flushes it, with all data before.
    fn write_chain(&mut self, image: &[u8], chain: &[u64]) -> Result<(), Error> {
        let mut buf = vec![0; BLOCK_SIZE];
        let links = chain.iter().skip(1).copied().chain([0]);
        for ((&block, next), payload) in chain.iter().zip(links).zip(image.chunks(CHAIN_PAYLOAD)) {
            buf.fill(0);
            let (link, rest) = buf.split_at_mut(8);
            link.copy_from_slice(&next.to_le_bytes());
            rest.iter_mut().zip(payload).for_each(|(d, s)| *d = *s);
            self.dev.write(block_sector(block), &buf)?;
        }
        // Everything the new superblock reaches is durable before it is.
        self.dev.flush()?;
        Ok(())
    }

    /// Points slot `generation % 2` at the image and flushes: the commit.
    fn write_superblock(&mut self, generation: u64, image: &[u8], chain: &[u64]) -> Result<(), Error> {
        let superblock = Superblock {
            generation,
            block_count: self.map.total(),
            meta_first: chain.first().copied().ok_or(Error::NoSpace)?,
            meta_len: image.len() as u64,
            meta_sha256: sha256(image),
        };
        self.dev.write(block_sector(generation % 2), &superblock.encode())?;
        self.dev.flush()?;
        Ok(())
    }

    pub(crate) fn encode_image(&self) -> Result<Vec<u8>, Error> {
        let image = ImageOut {
            created: self.created,
            nodes: self.ns.to_disk(),
            blobs: self.blobs.iter().map(|(name, data)| BlobOut { name, data }).collect(),
            quotas: self.quotas.iter().map(|(scope, &limit)| QuotaOut { scope, limit }).collect(),
        };
        postcard::to_allocvec(&image).map_err(|_| Error::Corrupt(Corruption::Metadata))
    }

    /// Bound of the metadata image of the live state.
    pub(crate) fn meta_bound(&self) -> u64 {
        header_bound(self.created) + self.ns.bound() + self.blob_bound + self.quota_bound
    }

    /// Bound of one block reference to a block not yet chosen.
    pub(crate) fn new_ref_bound(&self) -> u64 {
        varint_len(self.map.total()) + crate::format::SUM_BYTES as u64
    }

    /// Accepts a change only if the state after it can be committed, and
    /// the state after that commit could be committed again: the free
    /// blocks cover its metadata image, and the blocks not used by data
    /// cover two images (the committed one and the next). A change that
    /// allocates nothing and does not grow the metadata is always accepted,
    /// so removing things works on a full disk.
    pub(crate) fn admit(&self, change: &Change) -> Result<(), Error> {
        if change.add == 0 && change.meta_after <= self.meta_bound() {
            return Ok(());
        }
        let total = self.map.total();
        let image = chain_blocks(change.meta_after);
        let fits_now = self.map.held().checked_add(change.add).is_some_and(|held| held <= total);
        let free_after =
            self.map.held_after(change.add, change.freed).and_then(|held| total.checked_sub(held));
        let commit_fits = free_after.is_some_and(|free| free >= image);
        let room = total.checked_sub(FIRST_DATA_BLOCK).and_then(|t| t.checked_sub(change.refs_after));
        let next_fits = room.is_some_and(|room| room >= image.saturating_mul(2));
        if fits_now && commit_fits && next_fits { Ok(()) } else { Err(Error::NoSpace) }
    }

    /// How many of `blocks` would be free at once if released.
    pub(crate) fn uncommitted(&self, blocks: &[BlockRef]) -> u64 {
        blocks.iter().filter(|r| !self.map.is_committed(r.block)).count() as u64
    }

    /// Writes `bytes` to new blocks; on failure the blocks are released.
    pub(crate) fn write_data(&mut self, bytes: &[u8]) -> Result<FileData, Error> {
        let blocks = self.write_blocks(bytes.chunks(BLOCK_SIZE))?;
        Ok(FileData { size: bytes.len() as u64, blocks })
    }

    /// Writes each of `contents` (at most a block each, zero-padded) to a
    /// new block, sending runs of consecutive blocks to the device as one
    /// write; on failure every block is released.
    pub(crate) fn write_blocks<'a>(
        &mut self,
        contents: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Vec<BlockRef>, Error> {
        let mut written: Vec<BlockRef> = Vec::new();
        // The run being gathered: its first block and its bytes.
        let mut run: Option<u64> = None;
        let mut pending: Vec<u8> = Vec::with_capacity(BLOCK_SIZE * WRITE_RUN);
        let result = (|| {
            for content in contents {
                let block = self.map.alloc().ok_or(Error::NoSpace)?;
                let mut padded = vec![0; BLOCK_SIZE];
                padded.iter_mut().zip(content).for_each(|(d, s)| *d = *s);
                written.push(BlockRef { block, sum: block_sum(block, &padded) });
                let follows = run.is_some_and(|first| first + (pending.len() / BLOCK_SIZE) as u64 == block);
                if !follows || pending.len() >= BLOCK_SIZE * WRITE_RUN {
                    if let Some(first) = run {
                        self.dev.write(block_sector(first), &pending)?;
                    }
                    pending.clear();
                    run = Some(block);
                }
                pending.extend_from_slice(&padded);
            }
            if let Some(first) = run {
                self.dev.write(block_sector(first), &pending)?;
            }
            Ok(())
        })();
        match result {
            Ok(()) => Ok(written),
            Err(error) => {
                self.release(&written);
                Err(error)
            }
        }
    }

    /// Drops blocks from the live state.
    pub(crate) fn release(&mut self, blocks: &[BlockRef]) {
        blocks.iter().for_each(|r| self.map.release(r.block));
    }
}

/// Reads one block into `buf` and checks it against its reference. (Free
/// functions over the device, so callers can lend the metadata they read
/// from without copying it.)
pub(crate) fn read_block<D: BlockDevice>(dev: &mut D, r: &BlockRef, buf: &mut [u8]) -> Result<(), Error> {
    dev.read(block_sector(r.block), buf)?;
    if block_sum(r.block, buf) != r.sum {
        return Err(Error::Corrupt(Corruption::Data { block: r.block }));
    }
    Ok(())
}

/// Most blocks one device write carries.
const WRITE_RUN: usize = 8;

/// Most blocks one device read fetches: runs of consecutive blocks are
/// read together (files written in one go usually are one run).
const READ_RUN: usize = 8;

/// Bytes `offset..offset + len` of `data` (cut at its end), every block
/// verified.
pub(crate) fn read_data<D: BlockDevice>(
    dev: &mut D,
    data: &FileData,
    offset: u64,
    len: u64,
) -> Result<Vec<u8>, Error> {
    let end = offset.saturating_add(len).min(data.size);
    if offset >= end {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity((end - offset) as usize);
    let mut buf = vec![0; BLOCK_SIZE * READ_RUN];
    let block = BLOCK_SIZE as u64;
    let (first, last) = (offset / block, end.div_ceil(block));
    let refs = data.blocks.get(first as usize..last as usize).ok_or(Error::Corrupt(Corruption::Metadata))?;
    let mut index = first;
    let mut rest = refs;
    while let Some(head) = rest.first() {
        // The run: refs whose block numbers follow the head's.
        let run = rest
            .iter()
            .take(READ_RUN)
            .enumerate()
            .take_while(|(i, r)| r.block == head.block + *i as u64)
            .count()
            .max(1);
        let bytes = buf.get_mut(..run * BLOCK_SIZE).ok_or(Error::Corrupt(Corruption::Metadata))?;
        dev.read(block_sector(head.block), bytes)?;
        for (r, content) in rest.iter().zip(bytes.chunks(BLOCK_SIZE)) {
            if block_sum(r.block, content) != r.sum {
                return Err(Error::Corrupt(Corruption::Data { block: r.block }));
            }
            let start = index * block;
            let from = offset.max(start) - start;
            let to = end.min(start + block) - start;
            out.extend_from_slice(content.get(from as usize..to as usize).unwrap_or_default());
            index += 1;
        }
        rest = rest.get(run..).unwrap_or_default();
    }
    Ok(out)
}
