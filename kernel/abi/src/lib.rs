//! weft-abi — the contract between the Weft kernel and everything above it.
//!
//! This crate holds only plain data: handle values, rights, signals, error
//! codes, system-call numbers and the `#[repr(C)]` records that cross the
//! system-call boundary, and the one message every program starts with
//! ([`startup`]). The kernel core, every arch backend, the hosted
//! backend and the userspace runtime all speak exactly these types, so a
//! program compiled against them runs on any backend.
//!
//! Invariants:
//! - every value here has a fixed numeric encoding (documented in `docs/abi.md`);
//! - decoding a number that userspace supplied never panics: it yields `None`
//!   or an [`Error`].
#![no_std]

extern crate alloc;

mod error;
mod handle;
mod info;
mod rights;
mod signals;
pub mod startup;
mod syscall;

pub use error::Error;
pub use handle::{HANDLE_INDEX_BITS, HANDLE_INVALID, HandleValue};
pub use info::*;
pub use rights::Rights;
pub use signals::Signals;
pub use syscall::Syscall;

/// A kernel object identifier. Unique for the life of the kernel, never reused.
pub type Koid = u64;

/// The identity the kernel stamps on every message: who sent it, as assigned by
/// whoever created the sending process (the root manager for services).
pub type Principal = u64;

/// The kernel's own principal (messages the kernel itself originates).
pub const PRINCIPAL_KERNEL: Principal = 0;
/// The root manager's principal.
pub const PRINCIPAL_ROOT: Principal = 1;

/// A point on the monotonic clock, in nanoseconds since boot.
pub type Instant = u64;
/// A deadline that never passes.
pub const DEADLINE_INFINITE: Instant = u64::MAX;
/// A deadline that has already passed: the call polls once and never blocks.
pub const DEADLINE_POLL: Instant = 0;

/// Size of a page on every Weft target (the Cortex-A53 has no 16 KiB granule).
pub const PAGE_SIZE: usize = 4096;

/// Fixed bounds the kernel enforces. Requests beyond them fail with
/// [`Error::OutOfRange`] or [`Error::LimitReached`], never a panic.
pub mod limits {
    /// Largest message payload a channel carries, in bytes.
    pub const MESSAGE_BYTES: usize = 64 * 1024;
    /// Most handles one message carries.
    pub const MESSAGE_HANDLES: usize = 16;
    /// Most messages queued on one channel endpoint before writers see
    /// `ShouldWait`.
    pub const CHANNEL_QUEUE: usize = 1024;
    /// Most handles one process may hold.
    pub const PROCESS_HANDLES: usize = 16 * 1024;
    /// Most items one `object_wait_many` call accepts.
    pub const WAIT_ITEMS: usize = 16;
    /// Most packets queued on a port before `port_queue` refuses.
    pub const PORT_QUEUE: usize = 4096;
    /// Longest process or thread name, in bytes.
    pub const NAME_BYTES: usize = 32;
    /// Largest shared-memory object (1 GiB).
    pub const VMO_BYTES: usize = 1 << 30;
    /// Largest single `debug_write`.
    pub const DEBUG_WRITE_BYTES: usize = 4096;
    /// Largest single `random_get` or `random_add`, in bytes.
    pub const RANDOM_BYTES: usize = 4096;
}
