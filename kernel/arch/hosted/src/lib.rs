//! weft-kernel-hosted — the Weft kernel running inside a host process (host only).
//!
//! The portable core (`weft-kernel`) runs here unchanged behind one lock.
//! Programs are host threads; the system-call boundary is a function call,
//! [`syscall`], which decodes the same raw registers through the same table
//! and checks the same rights as the aarch64 kernel. User pointers are
//! checked against the buffers the runtime passed for the call and the
//! process's own mappings. A program that panics is torn down like a
//! faulting process: its handles close, peers see `PEER_CLOSED`, and
//! everything else keeps running.
//!
//! Limits of the model, stated plainly: host threads cannot be pre-empted or
//! killed from outside, so a killed process's thread stops at its next
//! system call; read-only mappings are enforced by the runtime's types, not
//! by the MMU.
#![allow(
    unsafe_code,
    reason = "the hosted backend maps shared memory for programs and copies through user pointers it has checked"
)]

mod backend;
mod memory;
mod system;
mod threads;

use std::sync::{Arc, Mutex};

pub use backend::{HostBackend, HostCall, IMAGE_MAGIC, Window};
pub use memory::{HostMemory, HostSpace};
pub use system::{Attached, Hosted, Shared};

pub use threads::{
    DEVICE_BASE, ThreadEnded, current_process, open_device, process_local, register_thread_entry, syscall,
    unregister_thread_entry,
};

/// A program's entry point in hosted mode: receives its bootstrap handle,
/// returns its exit code.
pub type ProgramMain = fn(u32) -> i32;

/// A program's entry as a closure (tests capture their own state).
pub type ProgramClosure = Arc<dyn Fn(u32) -> i32 + Send + Sync>;

/// A registered program.
#[derive(Clone)]
pub(crate) struct Program {
    pub name: String,
    pub main: ProgramClosure,
}

/// The kernel's debug log: kept in memory (bounded) and optionally echoed
/// to standard error.
#[derive(Clone, Default)]
pub struct DebugLog {
    inner: Arc<Mutex<DebugLogInner>>,
}

#[derive(Default)]
struct DebugLogInner {
    lines: std::collections::VecDeque<String>,
    partial: Vec<u8>,
    echo: bool,
}

const DEBUG_LOG_LINES: usize = 4096;

impl DebugLog {
    /// Echo every line to standard error as it arrives.
    pub fn set_echo(&self, echo: bool) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.echo = echo;
        }
    }

    pub(crate) fn write(&self, bytes: &[u8]) {
        let Ok(mut inner) = self.inner.lock() else {
            return;
        };
        inner.partial.extend_from_slice(bytes);
        while let Some(end) = inner.partial.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = inner.partial.drain(..=end).collect();
            let text = String::from_utf8_lossy(&line[..line.len() - 1]).into_owned();
            if inner.echo {
                eprintln!("{text}");
            }
            if inner.lines.len() >= DEBUG_LOG_LINES {
                inner.lines.pop_front();
            }
            inner.lines.push_back(text);
        }
    }

    /// Every complete line so far.
    pub fn lines(&self) -> Vec<String> {
        self.inner.lock().map(|inner| inner.lines.iter().cloned().collect()).unwrap_or_default()
    }

    /// Whether any line contains `needle`.
    pub fn contains(&self, needle: &str) -> bool {
        self.inner.lock().is_ok_and(|inner| inner.lines.iter().any(|l| l.contains(needle)))
    }
}
