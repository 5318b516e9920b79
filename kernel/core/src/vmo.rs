//! Shared memory: memory objects with their W^X mapping counts, and the memory path's owner.

use weft_abi::{Koid, MapFlags, Signals};

use crate::backend::Backend;
use crate::object::ObjectData;
use crate::process::Mapping;
use crate::store::ObjectStore;

/// A memory object: backing store plus mapping counts for W^X.
pub(crate) struct Vmo<B: Backend> {
    pub memory: B::Memory,
    pub size: usize,
    /// Live mappings (each holds the object alive).
    pub mappings: u32,
    /// Live writable mappings.
    pub writable_mappings: u32,
    /// Live executable mappings.
    pub executable_mappings: u32,
    /// True for a physical range (MMIO or DMA).
    pub physical: bool,
}

impl<B: Backend> Vmo<B> {
    /// W^X across mappings: memory mapped executable anywhere may not be
    /// mapped writable anywhere, and the reverse.
    pub fn may_map(&self, flags: MapFlags) -> bool {
        !((flags.contains(MapFlags::WRITE) && self.executable_mappings > 0)
            || (flags.contains(MapFlags::EXECUTE) && self.writable_mappings > 0))
    }

    /// Count a new mapping with `flags`.
    pub fn add_mapping(&mut self, flags: MapFlags) {
        self.mappings += 1;
        if flags.contains(MapFlags::WRITE) {
            self.writable_mappings += 1;
        }
        if flags.contains(MapFlags::EXECUTE) {
            self.executable_mappings += 1;
        }
    }

    /// Forget a mapping with `flags`.
    pub fn drop_mapping(&mut self, flags: MapFlags) {
        self.mappings = self.mappings.saturating_sub(1);
        if flags.contains(MapFlags::WRITE) {
            self.writable_mappings = self.writable_mappings.saturating_sub(1);
        }
        if flags.contains(MapFlags::EXECUTE) {
            self.executable_mappings = self.executable_mappings.saturating_sub(1);
        }
    }
}

/// The memory path's owner. Memory objects are in the store and mappings
/// in their processes; this owner knows how much memory the kernel manages
/// and carries the memory-object and mapping operations.
#[derive(Debug)]
pub(crate) struct Memory {
    total: u64,
}

impl Memory {
    pub(crate) fn new(total: u64) -> Memory {
        Memory { total }
    }

    /// Physical memory the kernel manages.
    pub(crate) fn total(&self) -> u64 {
        self.total
    }

    /// Store a new memory object.
    pub(crate) fn insert<B: Backend>(
        objects: &mut ObjectStore<B>,
        memory: B::Memory,
        size: usize,
        physical: bool,
    ) -> Koid {
        let vmo = Vmo { memory, size, mappings: 0, writable_mappings: 0, executable_mappings: 0, physical };
        objects.insert(ObjectData::Vmo(vmo), Signals::empty())
    }

    /// Forget one mapping's hold on its memory object.
    pub(crate) fn drop_mapping<B: Backend>(objects: &mut ObjectStore<B>, mapping: Mapping) {
        if let Ok(object) = objects.get_mut(mapping.vmo)
            && let ObjectData::Vmo(vmo) = &mut object.data
        {
            vmo.drop_mapping(mapping.flags);
        }
        objects.discard(mapping.vmo);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::MemoryObject;
    use crate::testing::TestBackend;

    fn vmo(objects: &mut ObjectStore<TestBackend>) -> Koid {
        let mut backend = TestBackend::default();
        let memory = backend.create_memory(4096, false).unwrap();
        assert_eq!(memory.size(), 4096);
        Memory::insert(objects, memory, 4096, false)
    }

    #[test]
    fn write_xor_execute_holds_across_mappings() {
        let mut objects = ObjectStore::<TestBackend>::new();
        let koid = vmo(&mut objects);
        let ObjectData::Vmo(vmo) = &mut objects.get_mut(koid).unwrap().data else { panic!() };
        assert!(vmo.may_map(MapFlags::WRITE) && vmo.may_map(MapFlags::EXECUTE));
        vmo.add_mapping(MapFlags::READ | MapFlags::WRITE);
        assert!(!vmo.may_map(MapFlags::READ | MapFlags::EXECUTE));
        assert!(vmo.may_map(MapFlags::READ));
        vmo.drop_mapping(MapFlags::READ | MapFlags::WRITE);
        assert!(vmo.may_map(MapFlags::EXECUTE));
    }

    #[test]
    fn the_last_mapping_of_an_unnamed_object_frees_it() {
        let mut objects = ObjectStore::<TestBackend>::new();
        let koid = vmo(&mut objects);
        let flags = MapFlags::READ;
        if let ObjectData::Vmo(vmo) = &mut objects.get_mut(koid).unwrap().data {
            vmo.add_mapping(flags);
            vmo.add_mapping(flags);
        }
        Memory::drop_mapping(&mut objects, Mapping { vmo: koid, len: 4096, flags });
        assert!(objects.contains(koid));
        Memory::drop_mapping(&mut objects, Mapping { vmo: koid, len: 4096, flags });
        assert!(!objects.contains(koid));
        assert_eq!(Memory::new(7).total(), 7);
    }
}
