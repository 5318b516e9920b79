//! The kernel: its owners, and the entry points backends drive it through besides system calls.

use weft_abi::{Instant, KernelStats, Signals};

use crate::backend::Backend;
use crate::channel::Ipc;
use crate::object::ObjectData;
use crate::process::ThreadState;
use crate::store::ObjectStore;
use crate::vmo::Memory;
use crate::waits::Waits;

/// What a system call did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Finished: the value for the return register.
    Done(isize),
    /// The thread must wait. The backend parks it and calls the same system
    /// call again (same arguments) once it is made ready.
    Blocked,
    /// The calling thread has ended (thread or process exit, or its process
    /// was killed); it must never return to userspace.
    Ended,
    /// Finished with 0, and the thread offers the processor to others.
    Yield,
}

/// Boot-time knobs.
#[derive(Clone, Copy, Debug)]
pub struct KernelConfig {
    /// Physical memory the kernel manages (for statistics).
    pub memory_total: u64,
}

/// The kernel: a dispatcher over the owners of its state.
///
/// System calls (`syscall/`), timer ticks ([`Kernel::advance_time`]),
/// interrupts ([`Kernel::interrupt`]) and process lifecycle events
/// (`lifecycle.rs`) arrive here and go to the owner of their concern; where
/// an operation needs two owners at once it borrows their fields
/// separately. Backends read the owners directly: `objects` for threads,
/// processes and handles, `waits` for the scheduler and the next deadline.
pub struct Kernel<B: Backend> {
    /// The backend this kernel runs on.
    pub backend: B,
    /// Every object, the handle tables and the signal state.
    pub objects: ObjectStore<B>,
    /// The scheduler and the deadline set.
    pub waits: Waits,
    pub(crate) ipc: Ipc,
    pub(crate) memory: Memory,
    pub(crate) syscalls: u64,
}

impl<B: Backend> Kernel<B> {
    /// A kernel with no objects yet.
    pub fn new(backend: B, config: KernelConfig) -> Kernel<B> {
        Kernel {
            backend,
            objects: ObjectStore::new(),
            waits: Waits::new(),
            ipc: Ipc::new(),
            memory: Memory::new(config.memory_total),
            syscalls: 0,
        }
    }

    /// Fire every deadline at or before `now`: wake threads whose wait timed
    /// out and signal expired timers. Backends call this from their timer.
    pub fn advance_time(&mut self, now: Instant) {
        self.waits.advance(&mut self.objects, &mut self.backend, now);
    }

    /// An interrupt line fired: mask it and signal its object. Called by the
    /// backend's interrupt handler (and by `interrupt_trigger`).
    pub fn interrupt(&mut self, vector: u32) {
        self.backend.set_interrupt_masked(vector, true);
        if let Some(koid) = self.objects.line(vector) {
            self.objects.update_signals(koid, Signals::empty(), Signals::SIGNALED);
        }
        self.waits.settle(&mut self.objects, &mut self.backend);
    }

    /// Whole-kernel counters.
    pub fn kernel_stats(&self) -> KernelStats {
        let mut stats = KernelStats {
            uptime: self.backend.now(),
            objects: self.objects.count() as u64,
            memory_total: self.memory.total(),
            messages: self.ipc.messages(),
            syscalls: self.syscalls,
            ..KernelStats::default()
        };
        for (_, object) in self.objects.iter() {
            match &object.data {
                ObjectData::Process(process) if process.is_alive() => stats.processes += 1,
                ObjectData::Thread(thread) if thread.state != ThreadState::Dead => stats.threads += 1,
                ObjectData::Vmo(vmo) if !vmo.physical => stats.vmo_bytes += vmo.size as u64,
                _ => {}
            }
        }
        stats
    }
}
