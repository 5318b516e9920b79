//! weft-kernel — the portable core of the Weft capability kernel.
//!
//! This crate owns every kernel object (processes, threads, channels,
//! memory objects, ports, timers, events, interrupts, resources), the
//! per-process handle tables with their rights, the scheduler policy and the
//! one system-call table every backend dispatches through. It contains no
//! architecture code: a [`Backend`] supplies memory, address spaces, threads,
//! the clock and interrupt masking. The aarch64 kernel and the hosted
//! backend (which runs the same core inside a host process) are both
//! backends.
//!
//! [`Kernel`] is a thin dispatcher over owners, each with its own state
//! and tests: the [`ObjectStore`] (objects, handle tables, rights, signals
//! and wait registrations), [`Waits`] (the scheduler and the deadline set),
//! the IPC path (`channel.rs`) and the memory path (`vmo.rs`). Store
//! operations that reach past the store (a thread made ready, a timer's
//! deadline dropped, a line masked) are queued as effects, in order, and
//! applied by [`Waits`] before anything else looks at that state.
//!
//! Invariants:
//! - Nothing userspace passes can make this crate panic: every argument is
//!   decoded and checked, every lookup is fallible, every copy is bounded.
//! - A handle's rights never grow: duplicate and replace intersect, transfer
//!   moves the exact rights.
//! - Every message carries the koid and principal of the sending process,
//!   written here from the kernel's own records.
//! - The kernel is entered with a single lock held (one `&mut Kernel`); it
//!   never blocks inside. A call that must wait registers its thread and
//!   returns [`Outcome::Blocked`]; the backend parks the thread and re-runs
//!   the call when it is woken (restart semantics).
#![no_std]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

extern crate alloc;

mod backend;
mod channel;
mod handles;
mod kernel;
mod lifecycle;
mod object;
mod port;
mod process;
pub mod scheduler;
mod store;
mod syscall;
mod user;
mod vmo;
mod waits;

#[cfg(test)]
mod scenarios;
#[cfg(test)]
mod testing;

pub use backend::{Backend, ImageEntry, MemoryObject};
pub use handles::HandleTable;
pub use kernel::{Kernel, KernelConfig, Outcome};
pub use store::ObjectStore;
pub use syscall::{Call, SyscallArgs};
pub use waits::Waits;
pub use weft_abi as abi;
