//! Processes and threads: creation, start, exit, kill and teardown.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use weft_abi::{
    Error, Instant, Koid, MapFlags, Principal, ProcessRecord, ResourceKind, Rights, Signals, limits,
    process_state,
};

use crate::backend::{Backend, MemoryObject};
use crate::channel::{Endpoint, Message};
use crate::handles::{HandleEntry, HandleTable};
use crate::kernel::Kernel;
use crate::object::{ObjectData, Resource};
use crate::scheduler::PRIORITY_DEFAULT;
use crate::vmo::Vmo;

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

fn checked_name(name: &str) -> Result<String, Error> {
    if name.len() > limits::NAME_BYTES {
        return Err(Error::OutOfRange);
    }
    Ok(String::from(name))
}

impl<B: Backend> Kernel<B> {
    pub(crate) fn process(&self, koid: Koid) -> Result<&Process<B>, Error> {
        match &self.object(koid)?.data {
            ObjectData::Process(process) => Ok(process),
            _ => Err(Error::WrongType),
        }
    }

    pub(crate) fn process_mut(&mut self, koid: Koid) -> Result<&mut Process<B>, Error> {
        match &mut self.object_mut(koid)?.data {
            ObjectData::Process(process) => Ok(process),
            _ => Err(Error::WrongType),
        }
    }

    pub(crate) fn thread(&self, koid: Koid) -> Result<&Thread<B>, Error> {
        match &self.object(koid)?.data {
            ObjectData::Thread(thread) => Ok(thread),
            _ => Err(Error::WrongType),
        }
    }

    pub(crate) fn thread_mut(&mut self, koid: Koid) -> Result<&mut Thread<B>, Error> {
        match &mut self.object_mut(koid)?.data {
            ObjectData::Thread(thread) => Ok(thread),
            _ => Err(Error::WrongType),
        }
    }

    /// The process a thread belongs to.
    pub fn thread_process(&self, thread: Koid) -> Result<Koid, Error> {
        Ok(self.thread(thread)?.process)
    }

    /// Whether the thread has ended (exited, or its process was killed).
    pub fn thread_is_dead(&self, thread: Koid) -> bool {
        self.thread(thread).map_or(true, |t| t.state == ThreadState::Dead)
    }

    /// Create an empty process with an address space.
    pub fn create_process(&mut self, name: &str, principal: Principal) -> Result<Koid, Error> {
        let name = checked_name(name)?;
        let created_at = self.backend.now();
        let koid = self.insert_object(
            ObjectData::Process(Process {
                name,
                principal,
                handles: HandleTable::new(),
                space: None,
                mappings: BTreeMap::new(),
                threads: Vec::new(),
                state: ProcessState::New,
                created_at,
                cpu_time: 0,
            }),
            Signals::empty(),
        );
        match self.backend.create_address_space(koid) {
            Ok(space) => {
                if let Ok(process) = self.process_mut(koid) {
                    process.space = Some(space);
                }
                Ok(koid)
            }
            Err(error) => {
                self.objects.remove(&koid);
                Err(error)
            }
        }
    }

    /// Create a resource object (boot code hands the root resource to the
    /// root manager).
    pub fn create_resource(&mut self, kind: ResourceKind, base: u64, size: u64) -> Koid {
        self.insert_object(ObjectData::Resource(Resource { kind, base, size }), Signals::empty())
    }

    /// Create a memory object holding `bytes` (boot bundle, program images).
    pub fn create_vmo_with(&mut self, bytes: &[u8]) -> Result<Koid, Error> {
        let size = bytes.len().max(1).div_ceil(weft_abi::PAGE_SIZE) * weft_abi::PAGE_SIZE;
        let memory = self.backend.create_memory(size, false)?;
        memory.write(0, bytes)?;
        Ok(self.insert_vmo(memory, size, false))
    }

    pub(crate) fn insert_vmo(&mut self, memory: B::Memory, size: usize, physical: bool) -> Koid {
        self.insert_object(
            ObjectData::Vmo(Vmo {
                memory,
                size,
                mappings: 0,
                writable_mappings: 0,
                executable_mappings: 0,
                physical,
            }),
            Signals::empty(),
        )
    }

    /// Create a channel; returns both endpoint koids (no handles yet).
    pub(crate) fn create_channel(&mut self) -> (Koid, Koid) {
        let a = self.insert_object(ObjectData::Channel(Endpoint::default()), Signals::WRITABLE);
        let b = self.insert_object(ObjectData::Channel(Endpoint::default()), Signals::WRITABLE);
        if let Ok(ObjectData::Channel(end)) = self.object_mut(a).map(|o| &mut o.data) {
            end.peer = Some(b);
        }
        if let Ok(ObjectData::Channel(end)) = self.object_mut(b).map(|o| &mut o.data) {
            end.peer = Some(a);
        }
        (a, b)
    }

    /// Start a boot program: create a process, hand it a bootstrap channel
    /// carrying `message` and `handles` (sent by the kernel, principal 0),
    /// verify and load `image`, and run it. The kernel's end of the
    /// bootstrap channel is closed, so the program sees `PEER_CLOSED` once it
    /// has read the message.
    pub fn spawn_boot_process(
        &mut self,
        name: &str,
        principal: Principal,
        image: &[u8],
        message: &[u8],
        handles: Vec<(Koid, Rights)>,
    ) -> Result<Koid, Error> {
        if message.len() > limits::MESSAGE_BYTES || handles.len() > limits::MESSAGE_HANDLES {
            return Err(Error::OutOfRange);
        }
        let process = self.create_process(name, principal)?;
        let image_vmo = self.create_vmo_with(image)?;
        let (kernel_end, child_end) = self.create_channel();
        let mut carried = Vec::new();
        for (koid, rights) in handles {
            let object = self.object_mut(koid)?;
            object.handle_refs = object.handle_refs.saturating_add(1);
            carried.push(HandleEntry { koid, rights });
        }
        if let Ok(ObjectData::Channel(end)) = self.object_mut(child_end).map(|o| &mut o.data) {
            end.queue.push_back(Message {
                bytes: Vec::from(message),
                handles: carried,
                sender_koid: 0,
                sender_principal: weft_abi::PRINCIPAL_KERNEL,
                txid: 0,
            });
        }
        self.update_signals(child_end, Signals::empty(), Signals::READABLE);
        // Temporary references while starting; released below.
        for koid in [kernel_end, child_end, image_vmo] {
            if let Ok(object) = self.object_mut(koid) {
                object.handle_refs = object.handle_refs.saturating_add(1);
            }
        }
        let result = self.start_process(process, image_vmo, child_end, image.len());
        let mut release = alloc::vec![
            HandleEntry { koid: kernel_end, rights: Rights::empty() },
            HandleEntry { koid: image_vmo, rights: Rights::empty() },
        ];
        if result.is_err() {
            release.push(HandleEntry { koid: child_end, rights: Rights::empty() });
            self.kill_process(process, ProcessState::Killed);
        }
        self.release(release);
        result.map(|_| process)
    }

    /// Load `image` into a new process and start its first thread with the
    /// bootstrap channel endpoint `bootstrap` moved in as its only handle.
    /// The caller's reference to `bootstrap` passes to the new process.
    pub(crate) fn start_process(
        &mut self,
        process: Koid,
        image: Koid,
        bootstrap: Koid,
        image_len: usize,
    ) -> Result<Koid, Error> {
        if self.process(process)?.state != ProcessState::New {
            return Err(Error::BadState);
        }
        // Take the process out of the map while loading, so the image's
        // memory (another entry) can be borrowed at the same time.
        let Some(mut target) = self.objects.remove(&process) else {
            return Err(Error::BadHandle);
        };
        let loaded = match (&mut target.data, self.objects.get(&image).map(|o| &o.data)) {
            (ObjectData::Process(proc_state), Some(ObjectData::Vmo(vmo))) => {
                match proc_state.space.as_mut() {
                    Some(space) => {
                        let len = image_len.min(vmo.size);
                        self.backend.load_image(process, space, &vmo.memory, len)
                    }
                    None => Err(Error::BadState),
                }
            }
            (_, None) => Err(Error::BadHandle),
            _ => Err(Error::WrongType),
        };
        self.objects.insert(process, target);
        let entry = loaded?;
        let handle = {
            let target = self.process_mut(process)?;
            target.handles.insert(HandleEntry { koid: bootstrap, rights: Rights::DEFAULT })?
        };
        match self.create_thread(process, "main", entry.entry, entry.stack, handle as usize) {
            Ok(thread) => {
                if let Ok(target) = self.process_mut(process) {
                    target.state = ProcessState::Running;
                }
                Ok(thread)
            }
            Err(error) => {
                if let Ok(target) = self.process_mut(process) {
                    let _ = target.handles.remove(handle);
                }
                Err(error)
            }
        }
    }

    /// Create a thread in `process` and make it ready.
    pub(crate) fn create_thread(
        &mut self,
        process: Koid,
        name: &str,
        entry: usize,
        stack: usize,
        argument: usize,
    ) -> Result<Koid, Error> {
        let name = checked_name(name)?;
        if !self.process(process)?.is_alive() {
            return Err(Error::BadState);
        }
        let thread = self.insert_object(
            ObjectData::Thread(Thread {
                process,
                name,
                state: ThreadState::Ready,
                priority: PRIORITY_DEFAULT,
                waiting_on: Vec::new(),
                deadline: None,
                call: None,
                context: None,
            }),
            Signals::empty(),
        );
        let context = {
            let Some(ObjectData::Process(target)) = self.objects.get_mut(&process).map(|o| &mut o.data)
            else {
                return Err(Error::WrongType);
            };
            let Some(space) = target.space.as_mut() else {
                return Err(Error::BadState);
            };
            match self.backend.create_thread(process, thread, space, entry, stack, argument) {
                Ok(context) => context,
                Err(error) => {
                    self.objects.remove(&thread);
                    return Err(error);
                }
            }
        };
        if let Ok(target) = self.process_mut(process) {
            target.threads.push(thread);
        }
        if let Ok(state) = self.thread_mut(thread) {
            state.context = Some(context);
        }
        self.scheduler.make_ready(thread, PRIORITY_DEFAULT);
        self.notify_ready(thread);
        Ok(thread)
    }

    /// Register a thread whose execution the backend already owns (a host
    /// thread joining a hosted process). The process becomes running.
    pub fn adopt_thread(
        &mut self,
        process: Koid,
        name: &str,
        context: B::ThreadContext,
    ) -> Result<Koid, Error> {
        let name = checked_name(name)?;
        if !self.process(process)?.is_alive() {
            return Err(Error::BadState);
        }
        let thread = self.insert_object(
            ObjectData::Thread(Thread {
                process,
                name,
                state: ThreadState::Ready,
                priority: PRIORITY_DEFAULT,
                waiting_on: Vec::new(),
                deadline: None,
                call: None,
                context: Some(context),
            }),
            Signals::empty(),
        );
        let target = self.process_mut(process)?;
        target.threads.push(thread);
        target.state = ProcessState::Running;
        self.scheduler.make_ready(thread, PRIORITY_DEFAULT);
        Ok(thread)
    }

    /// End one thread. If it was the last live thread, its process exits
    /// with code 0.
    pub fn end_thread(&mut self, thread: Koid) {
        let Ok(state) = self.thread_mut(thread) else {
            return;
        };
        if state.state == ThreadState::Dead {
            return;
        }
        let process = state.process;
        self.retire_thread(thread);
        let last =
            self.process(process).map(|p| p.threads.iter().all(|&t| self.thread_is_dead(t))).unwrap_or(false);
        if last {
            self.kill_process(process, ProcessState::Exited(0));
        }
    }

    fn retire_thread(&mut self, thread: Koid) {
        // Leave any wait first, then mark dead.
        self.wake_thread(thread);
        let Ok(state) = self.thread_mut(thread) else {
            return;
        };
        state.state = ThreadState::Dead;
        let context = state.context.take();
        let call = state.call.take();
        if let Some((endpoint, txid)) = call
            && let Ok(ObjectData::Channel(end)) = self.object_mut(endpoint).map(|o| &mut o.data)
        {
            end.calls.insert(txid, crate::channel::CallSlot::Abandoned);
        }
        self.scheduler.remove(thread);
        if let Some(context) = context {
            self.backend.thread_ended(thread, context);
        }
        self.update_signals(thread, Signals::empty(), Signals::TERMINATED);
        let held = self.destroy_if_unused(thread);
        self.release(held);
    }

    /// End a process as if it called `process_exit(code)`.
    pub fn exit_process(&mut self, process: Koid, code: i32) {
        self.kill_process(process, ProcessState::Exited(code));
    }

    /// Kill a process (as `process_kill` does).
    pub fn kill(&mut self, process: Koid) {
        self.kill_process(process, ProcessState::Killed);
    }

    /// A thread's name and its process's name, for diagnostics.
    pub fn thread_names(&self, thread: Koid) -> Option<(String, String)> {
        let state = self.thread(thread).ok()?;
        let process = self.process(state.process).ok()?;
        Some((process.name.clone(), state.name.clone()))
    }

    /// The backend state of a live thread.
    pub fn thread_context(&self, thread: Koid) -> Option<&B::ThreadContext> {
        self.thread(thread).ok().and_then(|t| t.context.as_ref())
    }

    /// Whether the thread is blocked in a system call.
    pub fn thread_is_blocked(&self, thread: Koid) -> bool {
        self.thread(thread).is_ok_and(|t| t.state == ThreadState::Blocked)
    }

    /// The deadline a blocked thread waits for, if any.
    pub fn thread_deadline(&self, thread: Koid) -> Option<Instant> {
        self.thread(thread).ok().and_then(|t| t.deadline)
    }

    /// A thread faulted (a data abort at EL0, or a panic in hosted mode):
    /// kill its whole process and log why.
    pub fn fault(&mut self, thread: Koid, reason: &str) {
        let Ok(process) = self.thread_process(thread) else {
            return;
        };
        let name = self.process(process).map(|p| p.name.clone()).unwrap_or_default();
        let mut line = String::new();
        line.push_str("kernel: process ");
        line.push_str(&name);
        line.push_str(" faulted: ");
        line.push_str(reason);
        line.push_str("; killed\n");
        self.backend.debug_write(line.as_bytes());
        self.kill_process(process, ProcessState::Killed);
    }

    /// End a process: every thread stops, every handle closes (peers see
    /// `PEER_CLOSED`), every mapping goes, and `TERMINATED` is raised.
    pub(crate) fn kill_process(&mut self, process: Koid, end: ProcessState) {
        let (threads, handles, mappings, space) = {
            let Ok(target) = self.process_mut(process) else {
                return;
            };
            if !target.is_alive() {
                return;
            }
            target.state = end;
            (
                core::mem::take(&mut target.threads),
                target.handles.drain(),
                core::mem::take(&mut target.mappings),
                target.space.take(),
            )
        };
        for &thread in &threads {
            self.retire_thread(thread);
        }
        if let Ok(target) = self.process_mut(process) {
            target.threads = threads;
        }
        self.release(handles);
        for (_, mapping) in mappings {
            self.drop_mapping(mapping);
        }
        if let Some(space) = space {
            self.backend.destroy_address_space(process, space);
        }
        self.update_signals(process, Signals::empty(), Signals::TERMINATED);
        let held = self.destroy_if_unused(process);
        self.release(held);
    }

    /// Forget one mapping's hold on its memory object.
    pub(crate) fn drop_mapping(&mut self, mapping: Mapping) {
        if let Ok(object) = self.object_mut(mapping.vmo)
            && let ObjectData::Vmo(vmo) = &mut object.data
        {
            vmo.mappings = vmo.mappings.saturating_sub(1);
            if mapping.flags.contains(MapFlags::WRITE) {
                vmo.writable_mappings = vmo.writable_mappings.saturating_sub(1);
            }
            if mapping.flags.contains(MapFlags::EXECUTE) {
                vmo.executable_mappings = vmo.executable_mappings.saturating_sub(1);
            }
        }
        let held = self.destroy_if_unused(mapping.vmo);
        self.release(held);
    }

    /// A summary of one process.
    pub fn process_record(&self, koid: Koid) -> Result<ProcessRecord, Error> {
        let process = self.process(koid)?;
        let mut name = [0u8; limits::NAME_BYTES];
        for (slot, byte) in name.iter_mut().zip(process.name.bytes()) {
            *slot = byte;
        }
        let (state, exit_code) = match process.state {
            ProcessState::New => (process_state::NEW, 0),
            ProcessState::Running => (process_state::RUNNING, 0),
            ProcessState::Exited(code) => (process_state::EXITED, code),
            ProcessState::Killed => (process_state::KILLED, -1),
        };
        Ok(ProcessRecord {
            koid,
            principal: process.principal,
            mapped_bytes: process.mapped_bytes(),
            cpu_time: process.cpu_time,
            created_at: process.created_at,
            state,
            exit_code,
            threads: process.threads.iter().filter(|&&t| !self.thread_is_dead(t)).count() as u32,
            handles: process.handles.len() as u32,
            name,
        })
    }

    /// Every live process, in creation order.
    pub fn process_records(&self) -> Vec<ProcessRecord> {
        self.objects
            .iter()
            .filter(|(_, object)| matches!(&object.data, ObjectData::Process(p) if p.is_alive()))
            .filter_map(|(&koid, _)| self.process_record(koid).ok())
            .collect()
    }

    /// Add CPU time to a process (backends that measure it).
    pub fn charge_cpu(&mut self, thread: Koid, nanoseconds: u64) {
        if let Ok(process) = self.thread_process(thread)
            && let Ok(target) = self.process_mut(process)
        {
            target.cpu_time = target.cpu_time.saturating_add(nanoseconds);
        }
    }

    /// Number of handles a process holds (tests, statistics).
    pub fn handle_count(&self, process: Koid) -> Result<usize, Error> {
        Ok(self.process(process)?.handles.len())
    }

    /// Whether `koid` names a live object.
    pub fn object_exists(&self, koid: Koid) -> bool {
        self.objects.contains_key(&koid)
    }
}
