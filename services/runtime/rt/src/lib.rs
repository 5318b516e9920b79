//! weft-rt — the userspace runtime every Weft program is written against.
//!
//! It wraps the system calls in owned, typed handles (`Channel`, `Vmo`,
//! `Port`, `Timer`, `Event`, `Interrupt`, `Process`, `Resource`, `Thread`)
//! that close themselves when dropped, and adds waiting on many handles
//! (`WaitSet`), time and deadlines, threads, per-process globals and
//! logging. The same program source builds for the aarch64 kernel (system
//! calls are `svc`) and for hosted mode (system calls are function calls
//! into `weft-kernel-hosted`, with identical checks).
#![allow(unsafe_code, reason = "the runtime makes the system calls, owns mappings and starts threads")]
#![no_std]

extern crate alloc;

pub mod channel;
pub mod handle;
pub mod local;
pub mod log;
pub mod objects;
pub mod port;
pub mod runtime;
pub mod sys;
pub mod thread;
pub mod time;
pub mod vmo;

pub use channel::{Channel, Message, Sender};
pub use handle::{AsHandle, Handle};
pub use objects::{Event, Interrupt, Process, Resource, Timer, exit};
pub use port::{Key, Port, Ready, WaitSet};
pub use thread::Thread;
pub use time::{Deadline, now, sleep};
pub use vmo::{Mapping, Vmo};
pub use weft_abi as abi;
pub use weft_abi::{Error, Rights, Signals};
