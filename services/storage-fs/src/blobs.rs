//! The blob store: immutable contents named by their SHA-256, checked
//! against that name on every read.

use alloc::vec::Vec;

use crate::device::BlockDevice;
use crate::error::{Corruption, Error};
use crate::format::{data_blocks, sha256};
use crate::image::{FileData, blob_len, varint_len};
use crate::store::{Change, Store, read_data};

/// One blob, as [`Store::list_blobs`] reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlobInfo {
    /// SHA-256 of the content.
    pub name: [u8; 32],
    /// Bytes.
    pub size: u64,
}

impl<D: BlockDevice> Store<D> {
    /// Stores `bytes` and returns its name, their SHA-256. Storing a blob
    /// that is already there changes nothing.
    pub fn put_blob(&mut self, bytes: &[u8]) -> Result<[u8; 32], Error> {
        let name = sha256(bytes);
        if self.blobs.contains_key(&name) {
            return Ok(name);
        }
        let add = data_blocks(bytes.len() as u64);
        let bound = blob_len(&FileData { size: bytes.len() as u64, blocks: Vec::new() })
            + varint_len(add)
            + add * self.new_ref_bound();
        self.admit(&Change {
            add,
            freed: 0,
            refs_after: self.map.refs + add,
            meta_after: self.meta_bound() + bound,
        })?;
        let data = self.write_data(bytes)?;
        self.blob_bound += blob_len(&data);
        self.map.refs += add;
        self.blobs.insert(name, data);
        self.dirty = true;
        Ok(name)
    }

    /// The content of blob `name`, verified block by block and against the
    /// name; a mismatch is `Corrupt`, never wrong bytes.
    pub fn get_blob(&mut self, name: &[u8; 32]) -> Result<Vec<u8>, Error> {
        let data = self.blobs.get(name).ok_or(Error::NotFound)?;
        let bytes = read_data(&mut self.dev, data, 0, data.size)?;
        if sha256(&bytes) != *name {
            return Err(Error::Corrupt(Corruption::Blob));
        }
        Ok(bytes)
    }

    /// Whether blob `name` is stored.
    pub fn has_blob(&self, name: &[u8; 32]) -> bool {
        self.blobs.contains_key(name)
    }

    /// Drops blob `name`.
    pub fn remove_blob(&mut self, name: &[u8; 32]) -> Result<(), Error> {
        let data = self.blobs.remove(name).ok_or(Error::NotFound)?;
        self.blob_bound -= blob_len(&data);
        self.map.refs -= data.blocks.len() as u64;
        self.release(&data.blocks);
        self.dirty = true;
        Ok(())
    }

    /// Every blob, by name.
    pub fn list_blobs(&self) -> Vec<BlobInfo> {
        self.blobs.iter().map(|(name, data)| BlobInfo { name: *name, size: data.size }).collect()
    }
}
