//! Shared-memory objects.

use crate::backend::Backend;

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
