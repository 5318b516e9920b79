//! The kernel state and its internal machinery: object store, handle
//! references, signals, wake-ups and deadlines.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;
use weft_abi::{Error, HandleValue, Instant, Koid, PacketKind, PortPacket, Rights, Signals};

use crate::backend::Backend;
use crate::handles::HandleEntry;
use crate::object::{Object, ObjectData};
use crate::process::ThreadState;
use crate::scheduler::Scheduler;

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

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub messages: u64,
    pub syscalls: u64,
}

/// The kernel: every object, the scheduler policy and the backend.
pub struct Kernel<B: Backend> {
    /// The backend this kernel runs on.
    pub backend: B,
    pub(crate) objects: BTreeMap<Koid, Object<B>>,
    pub(crate) next_koid: Koid,
    pub(crate) next_txid: u32,
    pub(crate) scheduler: Scheduler,
    /// Pending deadlines: blocked threads and armed timers.
    pub(crate) deadlines: BTreeSet<(Instant, Koid)>,
    /// Interrupt vectors bound to interrupt objects.
    pub(crate) interrupts: BTreeMap<u32, Koid>,
    pub(crate) counters: Counters,
    pub(crate) config: KernelConfig,
}

impl<B: Backend> Kernel<B> {
    /// A kernel with no objects yet.
    pub fn new(backend: B, config: KernelConfig) -> Kernel<B> {
        Kernel {
            backend,
            objects: BTreeMap::new(),
            next_koid: 1024,
            next_txid: 1,
            scheduler: Scheduler::new(),
            deadlines: BTreeSet::new(),
            interrupts: BTreeMap::new(),
            counters: Counters::default(),
            config,
        }
    }

    /// The scheduler policy (the aarch64 backend asks it what to run).
    pub fn scheduler(&mut self) -> &mut Scheduler {
        &mut self.scheduler
    }

    /// Number of live objects.
    pub fn object_count(&self) -> usize {
        self.objects.len()
    }

    // ----- objects -----------------------------------------------------

    pub(crate) fn insert_object(&mut self, data: ObjectData<B>, signals: Signals) -> Koid {
        let koid = self.next_koid;
        self.next_koid += 1;
        self.objects.insert(
            koid,
            Object { handle_refs: 0, signals, waiters: Vec::new(), observers: Vec::new(), data },
        );
        koid
    }

    pub(crate) fn object(&self, koid: Koid) -> Result<&Object<B>, Error> {
        self.objects.get(&koid).ok_or(Error::BadHandle)
    }

    pub(crate) fn object_mut(&mut self, koid: Koid) -> Result<&mut Object<B>, Error> {
        self.objects.get_mut(&koid).ok_or(Error::BadHandle)
    }

    /// Put a handle to `koid` with `rights` into `process`'s table.
    pub fn install_handle(
        &mut self,
        process: Koid,
        koid: Koid,
        rights: Rights,
    ) -> Result<HandleValue, Error> {
        if !self.objects.contains_key(&koid) {
            return Err(Error::BadHandle);
        }
        let value = self.process_mut(process)?.handles.insert(HandleEntry { koid, rights })?;
        if let Some(object) = self.objects.get_mut(&koid) {
            object.handle_refs = object.handle_refs.saturating_add(1);
        }
        Ok(value)
    }

    /// Look a handle of `process` up, requiring `rights`.
    pub(crate) fn handle(
        &self,
        process: Koid,
        value: HandleValue,
        rights: Rights,
    ) -> Result<HandleEntry, Error> {
        self.process(process)?.handles.get_with(value, rights)
    }

    /// Drop references to objects; destroy those left unreferenced, and
    /// whatever they held in turn. Iterative, so chains of channels carried
    /// inside channels cannot overflow the kernel stack.
    pub(crate) fn release(&mut self, entries: Vec<HandleEntry>) {
        let mut work: Vec<Koid> = entries.into_iter().map(|e| e.koid).collect();
        while let Some(koid) = work.pop() {
            let Some(object) = self.objects.get_mut(&koid) else {
                continue;
            };
            object.handle_refs = object.handle_refs.saturating_sub(1);
            if object.handle_refs == 0 {
                let held = self.destroy_if_unused(koid);
                work.extend(held.into_iter().map(|e| e.koid));
            }
        }
    }

    /// Destroy an object with no handles left, if nothing else keeps it
    /// alive. Returns handles it held (queued messages) for release.
    pub(crate) fn destroy_if_unused(&mut self, koid: Koid) -> Vec<HandleEntry> {
        let Some(object) = self.objects.get(&koid) else {
            return Vec::new();
        };
        if object.handle_refs != 0 {
            return Vec::new();
        }
        let keep = match &object.data {
            ObjectData::Vmo(vmo) => vmo.mappings > 0,
            ObjectData::Process(process) => process.is_alive(),
            ObjectData::Thread(thread) => thread.state != ThreadState::Dead,
            _ => false,
        };
        if keep {
            return Vec::new();
        }
        let Some(mut object) = self.objects.remove(&koid) else {
            return Vec::new();
        };
        let mut held = Vec::new();
        match &mut object.data {
            ObjectData::Channel(endpoint) => {
                held = endpoint.drain_handles();
                if let Some(peer) = endpoint.peer.take() {
                    if let Ok(ObjectData::Channel(peer_end)) = self.object_mut(peer).map(|o| &mut o.data) {
                        peer_end.peer = None;
                        // Callers waiting on the peer for a reply will never get one.
                        let waiting: Vec<Koid> = peer_end
                            .calls
                            .values()
                            .filter_map(|slot| match slot {
                                crate::channel::CallSlot::Waiting { thread } => Some(*thread),
                                _ => None,
                            })
                            .collect();
                        for thread in waiting {
                            self.wake_thread(thread);
                        }
                    }
                    self.update_signals(peer, Signals::WRITABLE, Signals::PEER_CLOSED);
                }
            }
            ObjectData::Timer(timer) => {
                if let Some(deadline) = timer.deadline.take() {
                    self.deadlines.remove(&(deadline, koid));
                }
            }
            ObjectData::Interrupt(interrupt) => {
                self.interrupts.remove(&interrupt.vector);
                self.backend.set_interrupt_masked(interrupt.vector, true);
            }
            _ => {}
        }
        // Anyone still blocked on the object (through a handle closed by
        // another thread) re-runs its call and finds the handle gone.
        for (thread, _) in object.waiters.drain(..) {
            self.wake_thread(thread);
        }
        held
    }

    // ----- signals and waiting -----------------------------------------

    /// Change an object's signals and wake whoever waits for a raised bit.
    pub(crate) fn update_signals(&mut self, koid: Koid, clear: Signals, set: Signals) {
        let Some(object) = self.objects.get_mut(&koid) else {
            return;
        };
        let old = object.signals;
        let new = (old - clear) | set;
        if new == old {
            return;
        }
        object.signals = new;
        let raised = new - old;
        if raised.is_empty() {
            return;
        }
        let mut to_wake = Vec::new();
        object.waiters.retain(|&(thread, wanted)| {
            if wanted.intersects(new) {
                to_wake.push(thread);
                false
            } else {
                true
            }
        });
        let mut fired = Vec::new();
        object.observers.retain(|observer| {
            if observer.signals.intersects(new) {
                fired.push(*observer);
                false
            } else {
                true
            }
        });
        for thread in to_wake {
            self.wake_thread(thread);
        }
        for observer in fired {
            let packet = PortPacket {
                key: observer.key,
                kind: PacketKind::Signal as u32,
                trigger: observer.signals.bits(),
                observed: new.bits(),
                reserved: 0,
                user: [0; 4],
            };
            self.queue_packet(observer.port, koid, packet);
        }
    }

    /// Put a packet on a port (signal packets are never dropped).
    pub(crate) fn queue_packet(&mut self, port: Koid, source: Koid, packet: PortPacket) {
        let Ok(object) = self.object_mut(port) else {
            return;
        };
        let ObjectData::Port(port_state) = &mut object.data else {
            return;
        };
        port_state.queue.push_back((source, packet));
        self.update_signals(port, Signals::empty(), Signals::READABLE);
    }

    /// Register the thread as blocked on `objects` until `deadline`.
    pub(crate) fn block(&mut self, thread: Koid, objects: &[(Koid, Signals)], deadline: Instant) {
        for &(koid, signals) in objects {
            if let Some(object) = self.objects.get_mut(&koid) {
                object.waiters.push((thread, signals));
            }
        }
        if deadline != weft_abi::DEADLINE_INFINITE {
            self.deadlines.insert((deadline, thread));
            self.deadline_changed();
        }
        if let Ok(state) = self.thread_mut(thread) {
            state.state = ThreadState::Blocked;
            state.waiting_on = objects.iter().map(|&(koid, _)| koid).collect();
            state.deadline = (deadline != weft_abi::DEADLINE_INFINITE).then_some(deadline);
        }
        self.scheduler.remove(thread);
    }

    /// Make a blocked thread ready: drop its wait registrations and tell the
    /// backend. Does nothing to threads that are not blocked.
    pub(crate) fn wake_thread(&mut self, thread: Koid) {
        let Ok(state) = self.thread_mut(thread) else {
            return;
        };
        if state.state != ThreadState::Blocked {
            return;
        }
        state.state = ThreadState::Ready;
        let waiting_on = core::mem::take(&mut state.waiting_on);
        let deadline = state.deadline.take();
        let priority = state.priority;
        for koid in waiting_on {
            if let Some(object) = self.objects.get_mut(&koid) {
                object.waiters.retain(|&(t, _)| t != thread);
            }
        }
        if let Some(deadline) = deadline {
            self.deadlines.remove(&(deadline, thread));
        }
        self.scheduler.make_ready(thread, priority);
        self.notify_ready(thread);
    }

    /// Tell the backend a thread may run.
    pub(crate) fn notify_ready(&mut self, thread: Koid) {
        if let Some(ObjectData::Thread(state)) = self.objects.get_mut(&thread).map(|o| &mut o.data)
            && let Some(context) = state.context.as_mut()
        {
            self.backend.thread_ready(thread, context);
        }
    }

    fn deadline_changed(&mut self) {
        let next = self.deadlines.first().map(|&(deadline, _)| deadline);
        self.backend.next_deadline_changed(next);
    }

    /// Fire every deadline at or before `now`: wake threads whose wait timed
    /// out and signal expired timers. Backends call this from their timer.
    pub fn advance_time(&mut self, now: Instant) {
        while let Some(&(deadline, koid)) = self.deadlines.first() {
            if deadline > now {
                break;
            }
            self.deadlines.remove(&(deadline, koid));
            let is_timer = matches!(self.objects.get(&koid).map(|o| &o.data), Some(ObjectData::Timer(_)));
            if is_timer {
                if let Ok(object) = self.object_mut(koid)
                    && let ObjectData::Timer(timer) = &mut object.data
                {
                    timer.deadline = None;
                }
                self.update_signals(koid, Signals::empty(), Signals::SIGNALED);
            } else {
                self.wake_thread(koid);
            }
        }
        self.deadline_changed();
    }

    /// The earliest pending deadline.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.deadlines.first().map(|&(deadline, _)| deadline)
    }

    /// An interrupt line fired: mask it and signal its object. Called by the
    /// backend's interrupt handler (and by `interrupt_trigger`).
    pub fn interrupt(&mut self, vector: u32) {
        self.backend.set_interrupt_masked(vector, true);
        if let Some(&koid) = self.interrupts.get(&vector) {
            self.update_signals(koid, Signals::empty(), Signals::SIGNALED);
        }
    }

    pub(crate) fn arm_deadline(&mut self, deadline: Instant, koid: Koid) {
        self.deadlines.insert((deadline, koid));
        self.deadline_changed();
    }

    pub(crate) fn disarm_deadline(&mut self, deadline: Instant, koid: Koid) {
        self.deadlines.remove(&(deadline, koid));
        self.deadline_changed();
    }

    pub(crate) fn next_txid(&mut self) -> u32 {
        // Kernel-assigned transaction ids have the top bit set.
        let txid = 0x8000_0000 | (self.next_txid & 0x7fff_ffff);
        self.next_txid = self.next_txid.wrapping_add(1);
        if self.next_txid & 0x7fff_ffff == 0 {
            self.next_txid = 1;
        }
        txid
    }
}
