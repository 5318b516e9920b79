//! Scrubbing: read back everything the live state references and check
//! the store's own accounting against a recount.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::device::BlockDevice;
use crate::error::{Corruption, Error};
use crate::namespace::{Body, ROOT};
use crate::store::{Store, read_data};

impl<D: BlockDevice> Store<D> {
    /// Reads every file and blob (checking every block's checksum and every
    /// blob's name) and recounts the metadata size bound, the referenced
    /// blocks and the per-scope usage. The first problem is the error.
    /// Costs a read of all data.
    pub fn scrub(&mut self) -> Result<(), Error> {
        let bad = Error::Corrupt(Corruption::Metadata);
        let image = self.encode_image()?;
        if self.ns.bound() != self.ns.recomputed_bound() || image.len() as u64 > self.meta_bound() {
            return Err(bad);
        }
        let refs: usize = self.ns.files().chain(self.blobs.values()).map(|d| d.blocks.len()).sum();
        if refs as u64 != self.map.refs {
            return Err(bad);
        }
        let mut usage = BTreeMap::new();
        if let Some(Body::Dir(top)) = self.ns.node(ROOT).map(|n| &n.body) {
            for (name, &id) in top {
                let used = self.ns.subtree_blocks(id);
                if used > 0 {
                    usage.insert(name.clone(), used);
                }
            }
        }
        if usage != self.usage {
            return Err(bad);
        }
        for data in self.ns.files() {
            read_data(&mut self.dev, data, 0, data.size)?;
        }
        let names: Vec<[u8; 32]> = self.blobs.keys().copied().collect();
        for name in &names {
            self.get_blob(name)?;
        }
        Ok(())
    }
}
