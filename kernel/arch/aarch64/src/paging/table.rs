//! A four-level translation table and the operations the kernel needs on
//! it: map, unmap, look up and check, and tear down. The tables themselves
//! live in physical frames reached through [`TableMemory`], so the same code
//! edits the kernel's tables at boot, user tables through the direct map, and
//! fake tables in host tests.

use super::pte;

/// Physical frames holding translation tables.
pub trait TableMemory {
    /// A new zeroed table frame, or `None` when memory is exhausted.
    fn allocate_table(&mut self) -> Option<u64>;
    /// Give a table frame back.
    fn free_table(&mut self, table: u64);
    /// Read entry `index` of the table at physical address `table`.
    fn read(&self, table: u64, index: usize) -> u64;
    /// Write entry `index` of the table at physical address `table`.
    fn write(&mut self, table: u64, index: usize, value: u64);
}

/// Why a mapping could not be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapError {
    /// No frame for an intermediate table.
    NoMemory,
    /// Something is already mapped there.
    Occupied,
    /// A block mapping is in the way of a finer one.
    BlockInTheWay,
}

/// What a user access needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserAccess {
    /// EL0 may read.
    Read,
    /// EL0 may write.
    Write,
}

/// A translation table rooted at a level-0 table.
#[derive(Debug, PartialEq, Eq)]
pub struct Table {
    root: u64,
}

impl Table {
    /// A new, empty table.
    pub fn new(memory: &mut impl TableMemory) -> Option<Table> {
        memory.allocate_table().map(|root| Table { root })
    }

    /// Physical address of the level-0 table (for TTBR).
    pub fn root(&self) -> u64 {
        self.root
    }

    /// Walk to the table at `level` covering `va`, creating tables on the way.
    fn table_for(&mut self, memory: &mut impl TableMemory, va: u64, level: usize) -> Result<u64, MapError> {
        let mut table = self.root;
        for current in 0..level {
            let index = pte::index(va, current);
            let entry = memory.read(table, index);
            table = if pte::is_table(entry, current) {
                entry & pte::ADDRESS_MASK
            } else if pte::is_valid(entry) {
                return Err(MapError::BlockInTheWay);
            } else {
                let next = memory.allocate_table().ok_or(MapError::NoMemory)?;
                memory.write(table, index, pte::table(next));
                next
            };
        }
        Ok(table)
    }

    /// Install a leaf `descriptor` for `va` at `level` (3 for a page, 2 for
    /// a 2 MiB block). Refuses to replace a valid entry.
    pub fn map(
        &mut self,
        memory: &mut impl TableMemory,
        va: u64,
        level: usize,
        descriptor: u64,
    ) -> Result<(), MapError> {
        let table = self.table_for(memory, va, level)?;
        let index = pte::index(va, level);
        if pte::is_valid(memory.read(table, index)) {
            return Err(MapError::Occupied);
        }
        memory.write(table, index, descriptor);
        Ok(())
    }

    /// The leaf descriptor covering `va` and its level, if mapped.
    pub fn lookup(&self, memory: &impl TableMemory, va: u64) -> Option<(u64, usize)> {
        let mut table = self.root;
        for level in 0..=3 {
            let entry = memory.read(table, pte::index(va, level));
            if !pte::is_valid(entry) {
                return None;
            }
            if pte::is_table(entry, level) {
                table = entry & pte::ADDRESS_MASK;
                continue;
            }
            if level == 0 {
                return None;
            }
            return Some((entry, level));
        }
        None
    }

    /// Translate a user address, checking that EL0 may perform `access`
    /// there. Returns the physical address of the byte.
    pub fn translate_user(&self, memory: &impl TableMemory, va: u64, access: UserAccess) -> Option<u64> {
        let (descriptor, level) = self.lookup(memory, va)?;
        let decoded = pte::decode(descriptor);
        let allowed = match access {
            UserAccess::Read => decoded.user_read,
            UserAccess::Write => decoded.user_write,
        };
        if !allowed {
            return None;
        }
        let size = pte::level_size(level)?;
        Some(decoded.address | (va & (size - 1)))
    }

    /// Remove the page mapping at `va`; returns the old descriptor.
    pub fn unmap(&mut self, memory: &mut impl TableMemory, va: u64) -> Option<u64> {
        let mut table = self.root;
        for level in 0..3 {
            let entry = memory.read(table, pte::index(va, level));
            if !pte::is_table(entry, level) {
                return None;
            }
            table = entry & pte::ADDRESS_MASK;
        }
        let index = pte::index(va, 3);
        let old = memory.read(table, index);
        if !pte::is_valid(old) {
            return None;
        }
        memory.write(table, index, 0);
        Some(old)
    }

    /// Free every table frame (not the memory the leaves point at).
    pub fn destroy(self, memory: &mut impl TableMemory) {
        fn free_level(memory: &mut impl TableMemory, table: u64, level: usize) {
            if level < 3 {
                for index in 0..512 {
                    let entry = memory.read(table, index);
                    if pte::is_table(entry, level) {
                        free_level(memory, entry & pte::ADDRESS_MASK, level + 1);
                    }
                }
            }
            memory.free_table(table);
        }
        free_level(memory, self.root, 0);
    }
}

/// Fake physical memory for host tests.
#[cfg(test)]
pub(crate) mod fake {
    use super::TableMemory;
    use std::collections::BTreeMap;

    /// Tables in a map keyed by fake physical address.
    #[derive(Default)]
    pub struct FakeTables {
        pub tables: BTreeMap<u64, Box<[u64; 512]>>,
        pub next: u64,
        pub limit: Option<usize>,
        pub freed: usize,
    }

    impl TableMemory for FakeTables {
        fn allocate_table(&mut self) -> Option<u64> {
            if self.limit.is_some_and(|l| self.tables.len() >= l) {
                return None;
            }
            self.next += 0x1000;
            let address = 0x8000_0000 + self.next;
            self.tables.insert(address, Box::new([0; 512]));
            Some(address)
        }
        fn free_table(&mut self, table: u64) {
            assert!(self.tables.remove(&table).is_some(), "double free");
            self.freed += 1;
        }
        fn read(&self, table: u64, index: usize) -> u64 {
            self.tables[&table][index]
        }
        fn write(&mut self, table: u64, index: usize, value: u64) {
            self.tables.get_mut(&table).unwrap()[index] = value;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fake::FakeTables;
    use super::*;
    use crate::paging::pte::{Access, MemoryKind, leaf};

    const USER_RW: Access = Access { write: true, execute: false, user: true };
    const USER_RX: Access = Access { write: false, execute: true, user: true };

    #[test]
    fn map_translate_unmap() {
        let mut memory = FakeTables::default();
        let mut table = Table::new(&mut memory).unwrap();
        let page = leaf(0x4123_4000, 3, MemoryKind::Normal, USER_RW).unwrap();
        table.map(&mut memory, 0x40_0000, 3, page).unwrap();
        assert_eq!(table.translate_user(&memory, 0x40_0abc, UserAccess::Write), Some(0x4123_4abc));
        assert_eq!(table.translate_user(&memory, 0x40_1000, UserAccess::Read), None);
        assert_eq!(table.map(&mut memory, 0x40_0000, 3, page), Err(MapError::Occupied));
        assert_eq!(table.unmap(&mut memory, 0x40_0000), Some(page));
        assert_eq!(table.translate_user(&memory, 0x40_0000, UserAccess::Read), None);
        assert_eq!(table.unmap(&mut memory, 0x40_0000), None);
    }

    #[test]
    fn read_only_text_refuses_writes() {
        let mut memory = FakeTables::default();
        let mut table = Table::new(&mut memory).unwrap();
        let text = leaf(0x5000_0000, 3, MemoryKind::Normal, USER_RX).unwrap();
        table.map(&mut memory, 0x40_0000, 3, text).unwrap();
        assert!(table.translate_user(&memory, 0x40_0000, UserAccess::Read).is_some());
        assert!(table.translate_user(&memory, 0x40_0000, UserAccess::Write).is_none());
    }

    #[test]
    fn kernel_pages_are_not_user_memory() {
        let mut memory = FakeTables::default();
        let mut table = Table::new(&mut memory).unwrap();
        let kernel = leaf(0x5000_0000, 3, MemoryKind::Normal, Access::KERNEL_WRITE).unwrap();
        table.map(&mut memory, 0x40_0000, 3, kernel).unwrap();
        assert!(table.translate_user(&memory, 0x40_0000, UserAccess::Read).is_none());
    }

    #[test]
    fn blocks_translate_and_block_finer_maps() {
        let mut memory = FakeTables::default();
        let mut table = Table::new(&mut memory).unwrap();
        let block = leaf(0x4020_0000, 2, MemoryKind::Normal, USER_RW).unwrap();
        table.map(&mut memory, 0x20_0000, 2, block).unwrap();
        assert_eq!(table.translate_user(&memory, 0x21_2345, UserAccess::Read), Some(0x4021_2345));
        let page = leaf(0x1000, 3, MemoryKind::Normal, USER_RW).unwrap();
        assert_eq!(table.map(&mut memory, 0x20_1000, 3, page), Err(MapError::BlockInTheWay));
    }

    #[test]
    fn out_of_memory_is_an_error_and_destroy_frees_every_table() {
        let mut memory = FakeTables { limit: Some(3), ..FakeTables::default() };
        let mut table = Table::new(&mut memory).unwrap();
        let page = leaf(0x1000, 3, MemoryKind::Normal, USER_RW).unwrap();
        assert_eq!(table.map(&mut memory, 0x40_0000, 3, page), Err(MapError::NoMemory));
        memory.limit = None;
        table.map(&mut memory, 0x40_0000, 3, page).unwrap();
        table.map(&mut memory, 0x7f_0000_0000, 3, page).unwrap();
        let live = memory.tables.len();
        table.destroy(&mut memory);
        assert_eq!(memory.freed, live);
        assert!(memory.tables.is_empty());
    }
}
