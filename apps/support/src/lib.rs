//! weft-app-support — the small pieces Weft's core apps share.
//!
//! - [`tree`]: a read-only directory tree over path-named files (the boot
//!   bundle's files today), with path resolution relative to a working
//!   directory; the terminal's `ls`/`cat` and the Files app browse it.
//! - [`bundle`]: loading that tree from the `bundle` capability.
//! - [`format`]: sizes, durations and percentages for people.
//! - [`storage`]: the writable store (a `weft.storage` directory, or one
//!   in memory for tests) with readable errors; the terminal and Files use
//!   it.
//! - [`status`]: a `weft.status` client that reconnects when the status
//!   service restarts and reports typed errors.
//!
//! Invariants: nothing here panics on malformed input; the file tree never
//! holds two entries with the same path, and every file's parent
//! directories exist in it.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod bundle;
pub mod format;
pub mod status;
pub mod storage;
pub mod tree;

pub use tree::{EntryKind, FileTree, FsError, TreeEntry};
