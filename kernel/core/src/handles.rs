//! Per-process handle tables with generation counts.

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use weft_abi::{Error, HANDLE_INDEX_BITS, HandleValue, Koid, Rights, limits};

/// What one handle refers to: an object and the rights held on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HandleEntry {
    /// The object.
    pub koid: Koid,
    /// The rights this handle carries.
    pub rights: Rights,
}

impl HandleEntry {
    /// Resolve the rights a duplicate or replace asks for: `SAME` keeps
    /// them, anything else must be a subset.
    pub fn narrowed(&self, asked: Rights) -> Result<Rights, Error> {
        if asked == Rights::SAME {
            return Ok(self.rights);
        }
        if !self.rights.contains(asked) {
            return Err(Error::InvalidArgs);
        }
        Ok(asked)
    }
}

#[derive(Debug)]
struct Slot {
    generation: u16,
    entry: Option<HandleEntry>,
}

const GENERATION_MAX: u16 = 0x7fff;
const INDEX_MASK: u32 = (1 << HANDLE_INDEX_BITS) - 1;

/// A process's handles.
///
/// A handle value is `generation << 16 | index`. Each slot's generation moves
/// on whenever the slot is emptied, and freed slots are reused oldest first,
/// so a stale value (kept after close or transfer) or a guessed value is
/// refused with `BadHandle` instead of reaching whatever now lives there.
#[derive(Debug, Default)]
pub struct HandleTable {
    slots: Vec<Slot>,
    free: VecDeque<u32>,
    count: usize,
}

impl HandleTable {
    /// An empty table.
    pub fn new() -> HandleTable {
        HandleTable::default()
    }

    /// Number of live handles.
    pub fn len(&self) -> usize {
        self.count
    }

    /// True if the table holds no handles.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Store an entry and return its new handle value.
    pub fn insert(&mut self, entry: HandleEntry) -> Result<HandleValue, Error> {
        if self.count >= limits::PROCESS_HANDLES {
            return Err(Error::LimitReached);
        }
        let index = match self.free.pop_front() {
            Some(index) => index,
            None => {
                let index = u32::try_from(self.slots.len()).map_err(|_| Error::LimitReached)?;
                if index > INDEX_MASK {
                    return Err(Error::LimitReached);
                }
                self.slots.try_reserve(1).map_err(|_| Error::NoMemory)?;
                self.slots.push(Slot { generation: 1, entry: None });
                index
            }
        };
        let slot = self.slots.get_mut(index as usize).ok_or(Error::LimitReached)?;
        slot.entry = Some(entry);
        self.count += 1;
        Ok((u32::from(slot.generation) << HANDLE_INDEX_BITS) | index)
    }

    fn slot(&self, value: HandleValue) -> Result<(usize, &Slot), Error> {
        let index = (value & INDEX_MASK) as usize;
        let generation = value >> HANDLE_INDEX_BITS;
        let slot = self.slots.get(index).ok_or(Error::BadHandle)?;
        if u32::from(slot.generation) != generation || slot.entry.is_none() {
            return Err(Error::BadHandle);
        }
        Ok((index, slot))
    }

    /// Look a handle up.
    pub fn get(&self, value: HandleValue) -> Result<HandleEntry, Error> {
        let (_, slot) = self.slot(value)?;
        slot.entry.ok_or(Error::BadHandle)
    }

    /// Look a handle up and require `rights`.
    pub fn get_with(&self, value: HandleValue, rights: Rights) -> Result<HandleEntry, Error> {
        let entry = self.get(value)?;
        if !entry.rights.contains(rights) {
            return Err(Error::AccessDenied);
        }
        Ok(entry)
    }

    /// Remove a handle, returning what it referred to. The value becomes
    /// stale at once.
    pub fn remove(&mut self, value: HandleValue) -> Result<HandleEntry, Error> {
        let (index, _) = self.slot(value)?;
        let slot = self.slots.get_mut(index).ok_or(Error::BadHandle)?;
        let entry = slot.entry.take().ok_or(Error::BadHandle)?;
        slot.generation = if slot.generation >= GENERATION_MAX { 1 } else { slot.generation + 1 };
        self.free.push_back(index as u32);
        self.count -= 1;
        Ok(entry)
    }

    /// `handle_replace`: the same object under a new value with at most the
    /// same rights; the old value goes stale. A full table leaves the old
    /// handle intact.
    pub fn replace(&mut self, value: HandleValue, rights: Rights) -> Result<HandleValue, Error> {
        let entry = self.get(value)?;
        let rights = entry.narrowed(rights)?;
        let new = self.insert(HandleEntry { koid: entry.koid, rights })?;
        self.remove(value)?;
        Ok(new)
    }

    /// Remove every handle (process teardown).
    pub fn drain(&mut self) -> Vec<HandleEntry> {
        let mut out = Vec::with_capacity(self.count);
        for (index, slot) in self.slots.iter_mut().enumerate() {
            if let Some(entry) = slot.entry.take() {
                slot.generation = if slot.generation >= GENERATION_MAX { 1 } else { slot.generation + 1 };
                self.free.push_back(index as u32);
                out.push(entry);
            }
        }
        self.count = 0;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(koid: Koid) -> HandleEntry {
        HandleEntry { koid, rights: Rights::DEFAULT }
    }

    #[test]
    fn stale_values_are_refused_after_reuse() {
        let mut table = HandleTable::new();
        let first = table.insert(entry(10)).unwrap();
        table.remove(first).unwrap();
        // Reuse the slot for another object.
        let mut reused = None;
        for koid in 11..20 {
            let value = table.insert(entry(koid)).unwrap();
            if value & INDEX_MASK == first & INDEX_MASK {
                reused = Some(value);
            }
        }
        assert!(reused.is_some());
        assert_eq!(table.get(first), Err(Error::BadHandle));
        assert_eq!(table.remove(first), Err(Error::BadHandle));
    }

    #[test]
    fn rights_only_narrow() {
        let held = HandleEntry { koid: 1, rights: Rights::READ | Rights::WAIT };
        assert_eq!(held.narrowed(Rights::SAME), Ok(Rights::READ | Rights::WAIT));
        assert_eq!(held.narrowed(Rights::WAIT), Ok(Rights::WAIT));
        assert_eq!(held.narrowed(Rights::WRITE), Err(Error::InvalidArgs));
    }

    #[test]
    fn zero_and_garbage_are_bad_handles() {
        let mut table = HandleTable::new();
        table.insert(entry(1)).unwrap();
        for value in [0, 1, 0xffff_ffff, 0x8000_0000, 0x0002_0000] {
            assert_eq!(table.get(value), Err(Error::BadHandle), "{value:#x}");
        }
    }
}
