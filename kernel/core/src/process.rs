//! Processes and threads as objects: their state (lifecycle in `lifecycle.rs`, queries in `store/tasks.rs`).

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use weft_abi::{Error, Instant, Koid, MapFlags, Principal, limits};

use crate::backend::Backend;
use crate::handles::HandleTable;

/// Lifecycle of a process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProcessState {
    New,
    Running,
    Exited(i32),
    Killed,
}

/// A region mapped into a process.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mapping {
    pub vmo: Koid,
    pub len: usize,
    pub flags: MapFlags,
}

/// A process: handle table, address space, threads.
pub(crate) struct Process<B: Backend> {
    pub name: String,
    pub principal: Principal,
    pub handles: HandleTable,
    pub space: Option<B::AddressSpace>,
    pub mappings: BTreeMap<usize, Mapping>,
    pub threads: Vec<Koid>,
    pub state: ProcessState,
    pub created_at: Instant,
    pub cpu_time: u64,
}

impl<B: Backend> Process<B> {
    pub fn is_alive(&self) -> bool {
        matches!(self.state, ProcessState::New | ProcessState::Running)
    }

    pub fn mapped_bytes(&self) -> u64 {
        self.mappings.values().map(|m| m.len as u64).sum()
    }
}

/// Lifecycle of a thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ThreadState {
    Ready,
    Blocked,
    Dead,
}

/// A thread of a process.
pub(crate) struct Thread<B: Backend> {
    pub process: Koid,
    pub name: String,
    pub state: ThreadState,
    pub priority: u8,
    pub waiting_on: Vec<Koid>,
    pub deadline: Option<Instant>,
    /// A `channel_call` in progress: the endpoint and transaction id.
    pub call: Option<(Koid, u32)>,
    pub context: Option<B::ThreadContext>,
}

/// A process or thread name, if it fits.
pub(crate) fn checked_name(name: &str) -> Result<String, Error> {
    if name.len() > limits::NAME_BYTES {
        return Err(Error::OutOfRange);
    }
    Ok(String::from(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_bounded() {
        assert_eq!(checked_name("main").as_deref(), Ok("main"));
        let long = "x".repeat(limits::NAME_BYTES + 1);
        assert_eq!(checked_name(&long), Err(Error::OutOfRange));
    }
}
