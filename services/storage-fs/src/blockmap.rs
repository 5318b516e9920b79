//! Which blocks are taken: derived from the metadata, never stored.
//!
//! Two sets. `committed` is every block the last committed superblock can
//! reach (the slots, its metadata chain, its data); copy-on-write means
//! these are never written. `held` is `committed` plus the blocks the live,
//! uncommitted state uses. A block is free iff it is not held. A commit
//! makes `committed` the new state's blocks, which frees whatever only the
//! old state used.

use alloc::vec;
use alloc::vec::Vec;

use crate::format::FIRST_DATA_BLOCK;

/// A set of block numbers.
#[derive(Clone)]
pub(crate) struct Bitmap {
    words: Vec<u64>,
}

impl Bitmap {
    pub(crate) fn new(blocks: u64) -> Bitmap {
        Bitmap { words: vec![0; blocks.div_ceil(64) as usize] }
    }

    pub(crate) fn get(&self, block: u64) -> bool {
        self.words.get((block / 64) as usize).is_some_and(|w| w >> (block % 64) & 1 == 1)
    }

    /// Adds `block`; false if it was already in.
    pub(crate) fn insert(&mut self, block: u64) -> bool {
        match self.words.get_mut((block / 64) as usize) {
            Some(word) => {
                let bit = 1 << (block % 64);
                let new = *word & bit == 0;
                *word |= bit;
                new
            }
            None => false,
        }
    }

    pub(crate) fn remove(&mut self, block: u64) {
        if let Some(word) = self.words.get_mut((block / 64) as usize) {
            *word &= !(1 << (block % 64));
        }
    }

    /// The first block not in the set in `from..limit`, else in
    /// `FIRST_DATA_BLOCK..from`.
    fn first_absent(&self, from: u64, limit: u64) -> Option<u64> {
        let scan = |low: u64, high: u64| {
            let mut block = low;
            while block < high {
                let word = self.words.get((block / 64) as usize).copied().unwrap_or(u64::MAX);
                let absent = !word >> (block % 64);
                if absent != 0 {
                    let found = block + u64::from(absent.trailing_zeros());
                    return (found < high).then_some(found);
                }
                block = (block / 64 + 1) * 64;
            }
            None
        };
        scan(from, limit).or_else(|| scan(FIRST_DATA_BLOCK, from.min(limit)))
    }

    pub(crate) fn len(&self) -> u64 {
        self.words.iter().map(|w| u64::from(w.count_ones())).sum()
    }
}

/// The allocator and its counters.
pub(crate) struct BlockMap {
    total: u64,
    committed: Bitmap,
    held: Bitmap,
    held_count: u64,
    /// The committed set from before a commit of unknown outcome, whose
    /// blocks are then pinned in `committed` too.
    unpinned: Option<Bitmap>,
    /// Data blocks the live state references (files and blobs).
    pub(crate) refs: u64,
    /// Where the next search starts: spreading writes keeps recently freed
    /// blocks (the older slot's state) intact a little longer.
    cursor: u64,
}

impl BlockMap {
    /// A map of `total` blocks from the committed set; the live state is the
    /// committed one, referencing `refs` data blocks.
    pub(crate) fn new(total: u64, committed: Bitmap, refs: u64) -> BlockMap {
        let held_count = committed.len();
        BlockMap {
            total,
            held: committed.clone(),
            committed,
            held_count,
            unpinned: None,
            refs,
            cursor: FIRST_DATA_BLOCK,
        }
    }

    pub(crate) fn total(&self) -> u64 {
        self.total
    }

    pub(crate) fn free(&self) -> u64 {
        self.total - self.held_count
    }

    pub(crate) fn is_committed(&self, block: u64) -> bool {
        self.committed.get(block)
    }

    /// Takes a free block.
    pub(crate) fn alloc(&mut self) -> Option<u64> {
        let block = self.held.first_absent(self.cursor, self.total)?;
        self.held.insert(block);
        self.held_count += 1;
        self.cursor = block + 1;
        Some(block)
    }

    /// Drops a block from the live state; it is free at once unless the
    /// committed state still reaches it.
    pub(crate) fn release(&mut self, block: u64) {
        if !self.committed.get(block) && self.held.get(block) {
            self.held.remove(block);
            self.held_count -= 1;
        }
    }

    /// Treats `block` as committed until [`BlockMap::unpin`] or the next
    /// successful commit.
    pub(crate) fn pin(&mut self, block: u64) {
        if self.unpinned.is_none() {
            self.unpinned = Some(self.committed.clone());
        }
        self.committed.insert(block);
        if self.held.insert(block) {
            self.held_count += 1;
        }
    }

    /// Drops the pins: back to the committed set from before them, plus the
    /// `live` state's blocks.
    pub(crate) fn unpin(&mut self, live: impl Iterator<Item = u64>) {
        if let Some(committed) = self.unpinned.take() {
            self.held = committed.clone();
            live.for_each(|block| _ = self.held.insert(block));
            self.held_count = self.held.len();
            self.committed = committed;
        }
    }

    /// A commit succeeded: `committed` is now exactly what it reaches.
    pub(crate) fn set_committed(&mut self, committed: Bitmap) {
        self.unpinned = None;
        self.held = committed.clone();
        self.held_count = committed.len();
        self.committed = committed;
    }

    /// Blocks held if a change takes `add` new blocks and frees `freed`
    /// held, uncommitted ones.
    pub(crate) fn held_after(&self, add: u64, freed: u64) -> Option<u64> {
        self.held_count.checked_add(add)?.checked_sub(freed)
    }

    pub(crate) fn held(&self) -> u64 {
        self.held_count
    }
}
