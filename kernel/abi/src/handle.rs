//! Handle values as userspace sees them.

/// The raw value of a handle in a process's handle table.
///
/// Layout: bits 0..16 index the table slot, bits 16..31 carry the slot's
/// generation (never zero), bit 31 is always clear. A value whose generation
/// does not match its slot's current generation is stale and refused, so
/// closing a handle and reusing its slot never lets an old value reach the
/// new object.
pub type HandleValue = u32;

/// The value that never names a handle.
pub const HANDLE_INVALID: HandleValue = 0;

/// Bits of a handle value that index the table.
pub const HANDLE_INDEX_BITS: u32 = 16;
