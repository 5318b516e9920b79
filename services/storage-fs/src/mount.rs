//! Mounting: pick the newest superblock whose metadata checks out, and
//! derive the free map from what that metadata references.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::blockmap::{Bitmap, BlockMap};
use crate::device::{BlockDevice, SECTOR};
use crate::error::{Corruption, Error};
use crate::format::{
    BLOCK_SIZE, CHAIN_PAYLOAD, FIRST_DATA_BLOCK, MIN_BLOCKS, Superblock, block_sector, data_blocks, sha256,
};
use crate::image::{FileData, Image, blob_len, quota_len};
use crate::namespace::{Body, Namespace, ROOT};
use crate::path::check_name;
use crate::store::{Store, device_blocks};

const BAD: Error = Error::Corrupt(Corruption::Metadata);

/// How telling an error is when no slot mounts: the most specific wins.
fn rank(error: &Error) -> u8 {
    match error {
        Error::NotFormatted => 0,
        Error::Corrupt(Corruption::Superblock) => 1,
        _ => 2,
    }
}

impl<D: BlockDevice> Store<D> {
    /// Opens the store on `dev`: the valid superblock slot with the highest
    /// generation whose metadata passes every check (checksum, decoding,
    /// tree shape, every block in range and referenced once); if it fails,
    /// the other slot. [`Error::NotFormatted`] if neither slot has the
    /// magic, [`Error::Unsupported`] if one has another format version,
    /// else `Corrupt`.
    pub fn mount(mut dev: D) -> Result<Store<D>, Error> {
        let blocks = device_blocks(&dev);
        let mut failure = Error::NotFormatted;
        let mut candidates = Vec::new();
        let mut record = vec![0; SECTOR];
        for slot in 0..2u64 {
            if dev.sector_count() <= block_sector(slot) {
                continue;
            }
            dev.read(block_sector(slot), &mut record)?;
            match Superblock::decode(&record) {
                Ok(sb) if plausible(&sb, slot, blocks) => candidates.push(sb),
                Ok(_) => failure = worse(failure, Error::Corrupt(Corruption::Superblock)),
                // Never roll a newer format back by committing over it.
                Err(Error::Unsupported(version)) => return Err(Error::Unsupported(version)),
                Err(error) => failure = worse(failure, error),
            }
        }
        candidates.sort_by_key(|sb| core::cmp::Reverse(sb.generation));
        let mut store = Store {
            dev,
            generation: 0,
            created: 0,
            ns: Namespace::new(0),
            blobs: BTreeMap::new(),
            blob_bound: 0,
            quotas: BTreeMap::new(),
            quota_bound: 0,
            usage: BTreeMap::new(),
            map: BlockMap::new(0, Bitmap::new(0), 0),
            dirty: false,
            uncertain: false,
        };
        for sb in candidates {
            match store.load(&sb) {
                Ok(()) => return Ok(store),
                Err(error @ Error::Device(_)) => return Err(error),
                Err(error) => failure = worse(failure, error),
            }
        }
        Err(failure)
    }

    /// Reads and checks the state `sb` points at; replaces `self`'s state
    /// only if all of it is sound.
    fn load(&mut self, sb: &Superblock) -> Result<(), Error> {
        let total = sb.block_count;
        let mut taken = Bitmap::new(total);
        taken.insert(0);
        taken.insert(1);
        let bytes = self.read_chain(sb, &mut taken)?;
        let (image, rest) = postcard::take_from_bytes::<Image>(&bytes).map_err(|_| BAD)?;
        if !rest.is_empty() {
            return Err(BAD);
        }
        let ns = Namespace::from_disk(image.created, image.nodes)?;
        let mut refs = 0;
        for data in ns.files() {
            refs += claim(data, &mut taken, total)?;
        }
        let mut blobs = BTreeMap::new();
        let mut blob_bound = 0;
        for blob in image.blobs {
            if blobs.last_key_value().is_some_and(|(last, _)| *last >= blob.name) {
                return Err(BAD);
            }
            refs += claim(&blob.data, &mut taken, total)?;
            blob_bound += blob_len(&blob.data);
            blobs.insert(blob.name, blob.data);
        }
        let mut quotas: BTreeMap<String, u64> = BTreeMap::new();
        let mut quota_bound = 0;
        for quota in image.quotas {
            check_name(&quota.scope).map_err(|_| BAD)?;
            if quotas.last_key_value().is_some_and(|(last, _)| *last >= quota.scope) {
                return Err(BAD);
            }
            quota_bound += quota_len(&quota.scope, quota.limit);
            quotas.insert(quota.scope, quota.limit);
        }
        let mut usage = BTreeMap::new();
        if let Some(Body::Dir(top)) = ns.node(ROOT).map(|n| &n.body) {
            for (name, &id) in top {
                let used = ns.subtree_blocks(id);
                if used > 0 {
                    usage.insert(name.clone(), used);
                }
            }
        }
        self.generation = sb.generation;
        self.created = image.created;
        self.ns = ns;
        self.blobs = blobs;
        self.blob_bound = blob_bound;
        self.quotas = quotas;
        self.quota_bound = quota_bound;
        self.usage = usage;
        self.map = BlockMap::new(total, taken, refs);
        self.dirty = false;
        Ok(())
    }

    /// Follows the metadata chain and checks the image's SHA-256.
    fn read_chain(&mut self, sb: &Superblock, taken: &mut Bitmap) -> Result<Vec<u8>, Error> {
        let len = usize::try_from(sb.meta_len).map_err(|_| BAD)?;
        let mut image = Vec::with_capacity(len);
        let mut buf = vec![0; BLOCK_SIZE];
        let mut block = sb.meta_first;
        while image.len() < len {
            if block < FIRST_DATA_BLOCK || block >= sb.block_count || !taken.insert(block) {
                return Err(BAD);
            }
            self.dev.read(block_sector(block), &mut buf)?;
            let (link, payload) = buf.split_first_chunk::<8>().ok_or(BAD)?;
            let want = (len - image.len()).min(CHAIN_PAYLOAD);
            image.extend_from_slice(payload.get(..want).ok_or(BAD)?);
            block = u64::from_le_bytes(*link);
        }
        // The last block ends the chain.
        if block != 0 || sha256(&image) != sb.meta_sha256 {
            return Err(BAD);
        }
        Ok(image)
    }
}

/// Whether a decoded superblock fits slot `slot` of a `blocks`-block device.
fn plausible(sb: &Superblock, slot: u64, blocks: u64) -> bool {
    let max_meta = sb.block_count.saturating_sub(FIRST_DATA_BLOCK).saturating_mul(CHAIN_PAYLOAD as u64);
    sb.generation % 2 == slot
        && sb.generation < u64::MAX
        && (MIN_BLOCKS..=blocks).contains(&sb.block_count)
        && (FIRST_DATA_BLOCK..sb.block_count).contains(&sb.meta_first)
        && (1..=max_meta).contains(&sb.meta_len)
}

fn worse(current: Error, new: Error) -> Error {
    if rank(&new) > rank(&current) { new } else { current }
}

/// Marks `data`'s blocks taken, checking their count, range and that no
/// other structure took them; returns how many.
fn claim(data: &FileData, taken: &mut Bitmap, total: u64) -> Result<u64, Error> {
    let count = data.blocks.len() as u64;
    if count != data_blocks(data.size) {
        return Err(BAD);
    }
    for r in &data.blocks {
        if r.block < FIRST_DATA_BLOCK || r.block >= total || !taken.insert(r.block) {
            return Err(BAD);
        }
    }
    Ok(count)
}
