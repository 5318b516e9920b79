//! Process and thread lifecycle: create, boot, start, exit, kill, fault — touching every owner.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use weft_abi::{Error, Koid, Principal, Rights, Signals, limits};

use crate::backend::{Backend, MemoryObject};
use crate::channel::{Ipc, Message};
use crate::handles::{HandleEntry, HandleTable};
use crate::kernel::Kernel;
use crate::object::ObjectData;
use crate::process::{Process, ProcessState, Thread, ThreadState, checked_name};
use crate::scheduler::PRIORITY_DEFAULT;
use crate::vmo::Memory;

impl<B: Backend> Kernel<B> {
    /// Create an empty process with an address space.
    pub fn create_process(&mut self, name: &str, principal: Principal) -> Result<Koid, Error> {
        let name = checked_name(name)?;
        let created_at = self.backend.now();
        let koid = self.objects.insert(
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
                if let Ok(process) = self.objects.process_mut(koid) {
                    process.space = Some(space);
                }
                Ok(koid)
            }
            Err(error) => {
                self.objects.remove(koid);
                Err(error)
            }
        }
    }

    /// Create a memory object holding `bytes` (boot bundle, program images).
    pub fn create_vmo_with(&mut self, bytes: &[u8]) -> Result<Koid, Error> {
        let size = bytes.len().max(1).div_ceil(weft_abi::PAGE_SIZE) * weft_abi::PAGE_SIZE;
        let memory = self.backend.create_memory(size, false)?;
        memory.write(0, bytes)?;
        Ok(Memory::insert(&mut self.objects, memory, size, false))
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
        let (kernel_end, child_end) = Ipc::create_pair(&mut self.objects);
        let mut carried = Vec::new();
        for (koid, rights) in handles {
            self.objects.add_ref(koid)?;
            carried.push(HandleEntry { koid, rights });
        }
        if let Ok(ObjectData::Channel(end)) = self.objects.get_mut(child_end).map(|o| &mut o.data) {
            end.queue.push_back(Message {
                bytes: Vec::from(message),
                handles: carried,
                sender_koid: 0,
                sender_principal: weft_abi::PRINCIPAL_KERNEL,
                txid: 0,
            });
        }
        self.objects.update_signals(child_end, Signals::empty(), Signals::READABLE);
        // Temporary references while starting; released below.
        for koid in [kernel_end, child_end, image_vmo] {
            let _ = self.objects.add_ref(koid);
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
        self.objects.release(release);
        self.waits.settle(&mut self.objects, &mut self.backend);
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
        if self.objects.process(process)?.state != ProcessState::New {
            return Err(Error::BadState);
        }
        let backend = &mut self.backend;
        let entry = self.objects.with_space_and_vmo(process, image, |space, vmo| {
            let len = image_len.min(vmo.size);
            backend.load_image(process, space, &vmo.memory, len)
        })?;
        let handle = {
            let target = self.objects.process_mut(process)?;
            target.handles.insert(HandleEntry { koid: bootstrap, rights: Rights::DEFAULT })?
        };
        match self.create_thread(process, "main", entry.entry, entry.stack, handle as usize) {
            Ok(thread) => {
                if let Ok(target) = self.objects.process_mut(process) {
                    target.state = ProcessState::Running;
                }
                Ok(thread)
            }
            Err(error) => {
                if let Ok(target) = self.objects.process_mut(process) {
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
        if !self.objects.process(process)?.is_alive() {
            return Err(Error::BadState);
        }
        let thread =
            self.objects.insert(ObjectData::Thread(new_thread(process, name, None)), Signals::empty());
        let context = {
            let Ok(target) = self.objects.process_mut(process) else {
                return Err(Error::WrongType);
            };
            let Some(space) = target.space.as_mut() else {
                return Err(Error::BadState);
            };
            match self.backend.create_thread(process, thread, space, entry, stack, argument) {
                Ok(context) => context,
                Err(error) => {
                    self.objects.remove(thread);
                    return Err(error);
                }
            }
        };
        if let Ok(target) = self.objects.process_mut(process) {
            target.threads.push(thread);
        }
        if let Ok(state) = self.objects.thread_mut(thread) {
            state.context = Some(context);
        }
        self.waits.settle(&mut self.objects, &mut self.backend);
        self.waits.run(&mut self.objects, &mut self.backend, thread, PRIORITY_DEFAULT);
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
        if !self.objects.process(process)?.is_alive() {
            return Err(Error::BadState);
        }
        let thread = self
            .objects
            .insert(ObjectData::Thread(new_thread(process, name, Some(context))), Signals::empty());
        let target = self.objects.process_mut(process)?;
        target.threads.push(thread);
        target.state = ProcessState::Running;
        self.waits.scheduler.make_ready(thread, PRIORITY_DEFAULT);
        Ok(thread)
    }

    /// End one thread. If it was the last live thread, its process exits
    /// with code 0.
    pub fn end_thread(&mut self, thread: Koid) {
        let Ok(state) = self.objects.thread(thread) else {
            return;
        };
        if state.state == ThreadState::Dead {
            return;
        }
        let process = state.process;
        self.retire_thread(thread);
        let objects = &self.objects;
        let last =
            objects.process(process).is_ok_and(|p| p.threads.iter().all(|&t| objects.thread_is_dead(t)));
        if last {
            self.kill_process(process, ProcessState::Exited(0));
        }
    }

    fn retire_thread(&mut self, thread: Koid) {
        // Leave any wait first, then mark dead.
        self.waits.wake(&mut self.objects, &mut self.backend, thread);
        let Ok(state) = self.objects.thread_mut(thread) else {
            return;
        };
        state.state = ThreadState::Dead;
        let context = state.context.take();
        if let Some((endpoint, txid)) = state.call.take() {
            Ipc::abandon(&mut self.objects, endpoint, txid);
        }
        self.waits.scheduler.remove(thread);
        if let Some(context) = context {
            self.backend.thread_ended(thread, context);
        }
        self.objects.update_signals(thread, Signals::empty(), Signals::TERMINATED);
        self.objects.discard(thread);
        self.waits.settle(&mut self.objects, &mut self.backend);
    }

    /// End a process as if it called `process_exit(code)`.
    pub fn exit_process(&mut self, process: Koid, code: i32) {
        self.kill_process(process, ProcessState::Exited(code));
    }

    /// Kill a process (as `process_kill` does).
    pub fn kill(&mut self, process: Koid) {
        self.kill_process(process, ProcessState::Killed);
    }

    /// A thread faulted (a data abort at EL0, or a panic in hosted mode):
    /// kill its whole process and log why.
    pub fn fault(&mut self, thread: Koid, reason: &str) {
        let Ok(process) = self.objects.thread_process(thread) else {
            return;
        };
        let name = self.objects.process(process).map(|p| p.name.clone()).unwrap_or_default();
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
            let Ok(target) = self.objects.process_mut(process) else {
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
        if let Ok(target) = self.objects.process_mut(process) {
            target.threads = threads;
        }
        self.objects.release(handles);
        for (_, mapping) in mappings {
            Memory::drop_mapping(&mut self.objects, mapping);
        }
        // Peers woken by the closed handles hear of it before the space goes.
        self.waits.settle(&mut self.objects, &mut self.backend);
        if let Some(space) = space {
            self.backend.destroy_address_space(process, space);
        }
        self.objects.update_signals(process, Signals::empty(), Signals::TERMINATED);
        self.objects.discard(process);
        self.waits.settle(&mut self.objects, &mut self.backend);
    }
}

fn new_thread<B: Backend>(process: Koid, name: String, context: Option<B::ThreadContext>) -> Thread<B> {
    Thread {
        process,
        name,
        state: ThreadState::Ready,
        priority: PRIORITY_DEFAULT,
        waiting_on: Vec::new(),
        deadline: None,
        call: None,
        context,
    }
}
