//! The system-call table: one decoder from raw registers to a typed
//! [`Call`], and one executor, shared by every backend.

mod channel;
mod memory;
mod objects;
mod process;
mod wait;

use alloc::vec;
use alloc::vec::Vec;
use weft_abi::{
    Error, HandleValue, InfoTopic, Instant, Koid, MapFlags, ResourceKind, Rights, Signals, Syscall,
};

use crate::backend::Backend;
use crate::kernel::{Kernel, Outcome};

/// Raw system-call registers: the number and six arguments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyscallArgs {
    /// The call number ([`Syscall`]).
    pub number: usize,
    /// Argument registers.
    pub args: [usize; 6],
}

/// A decoded system call with typed, range-checked arguments.
#[allow(missing_docs)] // Fields mirror the argument lists on `weft_abi::Syscall`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    DebugWrite {
        buffer: usize,
        len: usize,
    },
    ClockGet,
    HandleClose {
        handle: HandleValue,
    },
    HandleDuplicate {
        handle: HandleValue,
        rights: Rights,
    },
    HandleReplace {
        handle: HandleValue,
        rights: Rights,
    },
    ObjectWaitOne {
        handle: HandleValue,
        signals: Signals,
        deadline: Instant,
        observed: usize,
    },
    ObjectWaitMany {
        items: usize,
        count: usize,
        deadline: Instant,
    },
    ObjectSignal {
        handle: HandleValue,
        clear: Signals,
        set: Signals,
    },
    ObjectSignalPeer {
        handle: HandleValue,
        clear: Signals,
        set: Signals,
    },
    ObjectGetInfo {
        handle: HandleValue,
        topic: InfoTopic,
        buffer: usize,
        len: usize,
    },
    ChannelCreate {
        out: usize,
    },
    ChannelWrite {
        handle: HandleValue,
        txid: u32,
        bytes: usize,
        len: usize,
        handles: usize,
        count: usize,
    },
    ChannelRead {
        handle: HandleValue,
        bytes: usize,
        capacity: usize,
        handles: usize,
        handle_capacity: usize,
        info: usize,
    },
    ChannelCall {
        handle: HandleValue,
        args: usize,
        deadline: Instant,
        info: usize,
    },
    VmoCreate {
        size: usize,
        options: usize,
    },
    VmoRead {
        handle: HandleValue,
        offset: usize,
        buffer: usize,
        len: usize,
    },
    VmoWrite {
        handle: HandleValue,
        offset: usize,
        buffer: usize,
        len: usize,
    },
    VmoGetSize {
        handle: HandleValue,
    },
    VmMap {
        handle: HandleValue,
        offset: usize,
        len: usize,
        flags: MapFlags,
    },
    VmUnmap {
        address: usize,
        len: usize,
    },
    PortCreate,
    PortWait {
        handle: HandleValue,
        deadline: Instant,
        packet: usize,
    },
    PortQueue {
        handle: HandleValue,
        packet: usize,
    },
    ObjectWaitAsync {
        handle: HandleValue,
        port: HandleValue,
        key: u64,
        signals: Signals,
    },
    PortCancel {
        handle: HandleValue,
        port: HandleValue,
        key: u64,
    },
    TimerCreate,
    TimerSet {
        handle: HandleValue,
        deadline: Instant,
    },
    TimerCancel {
        handle: HandleValue,
    },
    EventCreate,
    InterruptCreate {
        resource: HandleValue,
        vector: u32,
    },
    InterruptAck {
        handle: HandleValue,
    },
    InterruptTrigger {
        handle: HandleValue,
    },
    ProcessCreate {
        resource: HandleValue,
        name: usize,
        len: usize,
        principal: u64,
    },
    ProcessStart {
        process: HandleValue,
        image: HandleValue,
        bootstrap: HandleValue,
    },
    ProcessExit {
        code: i32,
    },
    ProcessKill {
        handle: HandleValue,
    },
    ThreadCreate {
        entry: usize,
        argument: usize,
        stack: usize,
        name: usize,
        len: usize,
    },
    ThreadExit,
    ThreadYield,
    ThreadSleep {
        deadline: Instant,
    },
    ResourceCreate {
        parent: HandleValue,
        kind: ResourceKind,
        base: u64,
        size: u64,
    },
    VmoCreatePhysical {
        resource: HandleValue,
        base: u64,
        size: usize,
    },
    SystemProcessList {
        resource: HandleValue,
        records: usize,
        capacity: usize,
    },
    RandomGet {
        buffer: usize,
        len: usize,
    },
}

fn handle(raw: usize) -> Result<HandleValue, Error> {
    u32::try_from(raw).map_err(|_| Error::BadHandle)
}

fn rights(raw: usize) -> Result<Rights, Error> {
    let bits = u32::try_from(raw).map_err(|_| Error::InvalidArgs)?;
    Rights::from_bits(bits).ok_or(Error::InvalidArgs)
}

fn signals(raw: usize) -> Result<Signals, Error> {
    let bits = u32::try_from(raw).map_err(|_| Error::InvalidArgs)?;
    Signals::from_bits(bits).ok_or(Error::InvalidArgs)
}

fn small(raw: usize) -> Result<u32, Error> {
    u32::try_from(raw).map_err(|_| Error::InvalidArgs)
}

impl Call {
    /// Decode raw registers. Unknown numbers are `NotSupported`; argument
    /// values that cannot be right for the call are `InvalidArgs` or
    /// `BadHandle`. Never panics.
    pub fn decode(raw: SyscallArgs) -> Result<Call, Error> {
        let [a, b, c, d, e, f] = raw.args;
        let number = Syscall::from_number(raw.number).ok_or(Error::NotSupported)?;
        Ok(match number {
            Syscall::DebugWrite => Call::DebugWrite { buffer: a, len: b },
            Syscall::ClockGet => Call::ClockGet,
            Syscall::HandleClose => Call::HandleClose { handle: handle(a)? },
            Syscall::HandleDuplicate => Call::HandleDuplicate { handle: handle(a)?, rights: rights(b)? },
            Syscall::HandleReplace => Call::HandleReplace { handle: handle(a)?, rights: rights(b)? },
            Syscall::ObjectWaitOne => Call::ObjectWaitOne {
                handle: handle(a)?,
                signals: signals(b)?,
                deadline: c as Instant,
                observed: d,
            },
            Syscall::ObjectWaitMany => Call::ObjectWaitMany { items: a, count: b, deadline: c as Instant },
            Syscall::ObjectSignal => {
                Call::ObjectSignal { handle: handle(a)?, clear: signals(b)?, set: signals(c)? }
            }
            Syscall::ObjectSignalPeer => {
                Call::ObjectSignalPeer { handle: handle(a)?, clear: signals(b)?, set: signals(c)? }
            }
            Syscall::ObjectGetInfo => Call::ObjectGetInfo {
                handle: handle(a)?,
                topic: InfoTopic::from_number(b).ok_or(Error::InvalidArgs)?,
                buffer: c,
                len: d,
            },
            Syscall::ChannelCreate => Call::ChannelCreate { out: a },
            Syscall::ChannelWrite => Call::ChannelWrite {
                handle: handle(a)?,
                txid: small(b)?,
                bytes: c,
                len: d,
                handles: e,
                count: f,
            },
            Syscall::ChannelRead => Call::ChannelRead {
                handle: handle(a)?,
                bytes: b,
                capacity: c,
                handles: d,
                handle_capacity: e,
                info: f,
            },
            Syscall::ChannelCall => {
                Call::ChannelCall { handle: handle(a)?, args: b, deadline: c as Instant, info: d }
            }
            Syscall::VmoCreate => Call::VmoCreate { size: a, options: b },
            Syscall::VmoRead => Call::VmoRead { handle: handle(a)?, offset: b, buffer: c, len: d },
            Syscall::VmoWrite => Call::VmoWrite { handle: handle(a)?, offset: b, buffer: c, len: d },
            Syscall::VmoGetSize => Call::VmoGetSize { handle: handle(a)? },
            Syscall::VmMap => Call::VmMap {
                handle: handle(a)?,
                offset: b,
                len: c,
                flags: MapFlags::from_bits(small(d)?).ok_or(Error::InvalidArgs)?,
            },
            Syscall::VmUnmap => Call::VmUnmap { address: a, len: b },
            Syscall::PortCreate => Call::PortCreate,
            Syscall::PortWait => Call::PortWait { handle: handle(a)?, deadline: b as Instant, packet: c },
            Syscall::PortQueue => Call::PortQueue { handle: handle(a)?, packet: b },
            Syscall::ObjectWaitAsync => Call::ObjectWaitAsync {
                handle: handle(a)?,
                port: handle(b)?,
                key: c as u64,
                signals: signals(d)?,
            },
            Syscall::PortCancel => Call::PortCancel { handle: handle(a)?, port: handle(b)?, key: c as u64 },
            Syscall::TimerCreate => Call::TimerCreate,
            Syscall::TimerSet => Call::TimerSet { handle: handle(a)?, deadline: b as Instant },
            Syscall::TimerCancel => Call::TimerCancel { handle: handle(a)? },
            Syscall::EventCreate => Call::EventCreate,
            Syscall::InterruptCreate => Call::InterruptCreate { resource: handle(a)?, vector: small(b)? },
            Syscall::InterruptAck => Call::InterruptAck { handle: handle(a)? },
            Syscall::InterruptTrigger => Call::InterruptTrigger { handle: handle(a)? },
            Syscall::ProcessCreate => {
                Call::ProcessCreate { resource: handle(a)?, name: b, len: c, principal: d as u64 }
            }
            Syscall::ProcessStart => {
                Call::ProcessStart { process: handle(a)?, image: handle(b)?, bootstrap: handle(c)? }
            }
            Syscall::ProcessExit => Call::ProcessExit { code: a as u32 as i32 },
            Syscall::ProcessKill => Call::ProcessKill { handle: handle(a)? },
            Syscall::ThreadCreate => Call::ThreadCreate { entry: a, argument: b, stack: c, name: d, len: e },
            Syscall::ThreadExit => Call::ThreadExit,
            Syscall::ThreadYield => Call::ThreadYield,
            Syscall::ThreadSleep => Call::ThreadSleep { deadline: a as Instant },
            Syscall::ResourceCreate => Call::ResourceCreate {
                parent: handle(a)?,
                kind: ResourceKind::from_number(b).ok_or(Error::InvalidArgs)?,
                base: c as u64,
                size: d as u64,
            },
            Syscall::VmoCreatePhysical => {
                Call::VmoCreatePhysical { resource: handle(a)?, base: b as u64, size: c }
            }
            Syscall::SystemProcessList => {
                Call::SystemProcessList { resource: handle(a)?, records: b, capacity: c }
            }
            Syscall::RandomGet => Call::RandomGet { buffer: a, len: b },
        })
    }
}

/// What a handler produced.
pub(crate) enum Step {
    Value(usize),
    Block,
    Ended,
    Yield,
}

pub(crate) type StepResult = Result<Step, Error>;

pub(crate) fn done(value: usize) -> StepResult {
    Ok(Step::Value(value))
}

impl<B: Backend> Kernel<B> {
    /// Handle one system call from `thread`.
    ///
    /// If the outcome is [`Outcome::Blocked`], the backend parks the thread
    /// and calls `syscall` again with the same arguments when the thread is
    /// made ready (woken or timed out); calls are written to be re-run.
    pub fn syscall(&mut self, thread: Koid, raw: SyscallArgs, context: &B::CallContext) -> Outcome {
        self.counters.syscalls = self.counters.syscalls.wrapping_add(1);
        if self.thread_is_dead(thread) {
            return Outcome::Ended;
        }
        let Ok(process) = self.thread_process(thread) else {
            return Outcome::Ended;
        };
        let result = Call::decode(raw).and_then(|call| self.execute(thread, process, call, context));
        match result {
            Ok(Step::Value(value)) => Outcome::Done(Error::encode_result(Ok(value))),
            Ok(Step::Block) => Outcome::Blocked,
            Ok(Step::Ended) => Outcome::Ended,
            Ok(Step::Yield) => Outcome::Yield,
            Err(_) if self.thread_is_dead(thread) => Outcome::Ended,
            Err(error) => Outcome::Done(Error::encode_result(Err(error))),
        }
    }

    fn execute(&mut self, thread: Koid, process: Koid, call: Call, cx: &B::CallContext) -> StepResult {
        match call {
            Call::DebugWrite { buffer, len } => self.sys_debug_write(process, cx, buffer, len),
            Call::ClockGet => done(self.backend.now() as usize),
            Call::HandleClose { handle } => self.sys_handle_close(process, handle),
            Call::HandleDuplicate { handle, rights } => self.sys_handle_duplicate(process, handle, rights),
            Call::HandleReplace { handle, rights } => self.sys_handle_replace(process, handle, rights),
            Call::ObjectWaitOne { handle, signals, deadline, observed } => {
                self.sys_wait_one(thread, process, cx, handle, signals, deadline, observed)
            }
            Call::ObjectWaitMany { items, count, deadline } => {
                self.sys_wait_many(thread, process, cx, items, count, deadline)
            }
            Call::ObjectSignal { handle, clear, set } => self.sys_signal(process, handle, clear, set, false),
            Call::ObjectSignalPeer { handle, clear, set } => {
                self.sys_signal(process, handle, clear, set, true)
            }
            Call::ObjectGetInfo { handle, topic, buffer, len } => {
                self.sys_get_info(process, cx, handle, topic, buffer, len)
            }
            Call::ChannelCreate { out } => self.sys_channel_create(process, cx, out),
            Call::ChannelWrite { handle, txid, bytes, len, handles, count } => {
                self.sys_channel_write(process, cx, handle, txid, bytes, len, handles, count)
            }
            Call::ChannelRead { handle, bytes, capacity, handles, handle_capacity, info } => {
                self.sys_channel_read(process, cx, handle, bytes, capacity, handles, handle_capacity, info)
            }
            Call::ChannelCall { handle, args, deadline, info } => {
                self.sys_channel_call(thread, process, cx, handle, args, deadline, info)
            }
            Call::VmoCreate { size, options } => self.sys_vmo_create(process, size, options),
            Call::VmoRead { handle, offset, buffer, len } => {
                self.sys_vmo_transfer(process, cx, handle, offset, buffer, len, false)
            }
            Call::VmoWrite { handle, offset, buffer, len } => {
                self.sys_vmo_transfer(process, cx, handle, offset, buffer, len, true)
            }
            Call::VmoGetSize { handle } => self.sys_vmo_size(process, handle),
            Call::VmMap { handle, offset, len, flags } => {
                self.sys_vm_map(process, handle, offset, len, flags)
            }
            Call::VmUnmap { address, len } => self.sys_vm_unmap(process, address, len),
            Call::PortCreate => self.sys_port_create(process),
            Call::PortWait { handle, deadline, packet } => {
                self.sys_port_wait(thread, process, cx, handle, deadline, packet)
            }
            Call::PortQueue { handle, packet } => self.sys_port_queue(process, cx, handle, packet),
            Call::ObjectWaitAsync { handle, port, key, signals } => {
                self.sys_wait_async(process, handle, port, key, signals)
            }
            Call::PortCancel { handle, port, key } => self.sys_port_cancel(process, handle, port, key),
            Call::TimerCreate => self.sys_timer_create(process),
            Call::TimerSet { handle, deadline } => self.sys_timer_set(process, handle, Some(deadline)),
            Call::TimerCancel { handle } => self.sys_timer_set(process, handle, None),
            Call::EventCreate => self.sys_event_create(process),
            Call::InterruptCreate { resource, vector } => {
                self.sys_interrupt_create(process, resource, vector)
            }
            Call::InterruptAck { handle } => self.sys_interrupt_ack(process, handle),
            Call::InterruptTrigger { handle } => self.sys_interrupt_trigger(process, handle),
            Call::ProcessCreate { resource, name, len, principal } => {
                self.sys_process_create(process, cx, resource, name, len, principal)
            }
            Call::ProcessStart { process: target, image, bootstrap } => {
                self.sys_process_start(process, target, image, bootstrap)
            }
            Call::ProcessExit { code } => {
                self.kill_process(process, crate::process::ProcessState::Exited(code));
                Ok(Step::Ended)
            }
            Call::ProcessKill { handle } => self.sys_process_kill(thread, process, handle),
            Call::ThreadCreate { entry, argument, stack, name, len } => {
                self.sys_thread_create(process, cx, entry, argument, stack, name, len)
            }
            Call::ThreadExit => {
                self.end_thread(thread);
                Ok(Step::Ended)
            }
            Call::ThreadYield => Ok(Step::Yield),
            Call::ThreadSleep { deadline } => self.sys_sleep(thread, deadline),
            Call::ResourceCreate { parent, kind, base, size } => {
                self.sys_resource_create(process, parent, kind, base, size)
            }
            Call::VmoCreatePhysical { resource, base, size } => {
                self.sys_vmo_create_physical(process, resource, base, size)
            }
            Call::SystemProcessList { resource, records, capacity } => {
                self.sys_process_list(process, cx, resource, records, capacity)
            }
            Call::RandomGet { buffer, len } => self.sys_random(process, cx, buffer, len),
        }
    }

    // ----- user memory ---------------------------------------------------

    pub(crate) fn user_read(
        &self,
        process: Koid,
        cx: &B::CallContext,
        address: usize,
        out: &mut [u8],
    ) -> Result<(), Error> {
        if out.is_empty() {
            return Ok(());
        }
        let space = self.process(process)?.space.as_ref().ok_or(Error::BadState)?;
        self.backend.copy_from_user(space, cx, address, out)
    }

    pub(crate) fn user_read_vec(
        &self,
        process: Koid,
        cx: &B::CallContext,
        address: usize,
        len: usize,
    ) -> Result<Vec<u8>, Error> {
        let mut bytes = Vec::new();
        bytes.try_reserve_exact(len).map_err(|_| Error::NoMemory)?;
        bytes.resize(len, 0);
        self.user_read(process, cx, address, &mut bytes)?;
        Ok(bytes)
    }

    pub(crate) fn user_write(
        &self,
        process: Koid,
        cx: &B::CallContext,
        address: usize,
        data: &[u8],
    ) -> Result<(), Error> {
        if data.is_empty() {
            return Ok(());
        }
        let space = self.process(process)?.space.as_ref().ok_or(Error::BadState)?;
        self.backend.copy_to_user(space, cx, address, data)
    }

    pub(crate) fn user_read_pod<T: bytemuck::Pod>(
        &self,
        process: Koid,
        cx: &B::CallContext,
        address: usize,
    ) -> Result<T, Error> {
        let mut value = T::zeroed();
        self.user_read(process, cx, address, bytemuck::bytes_of_mut(&mut value))?;
        Ok(value)
    }

    pub(crate) fn user_write_pod<T: bytemuck::Pod>(
        &self,
        process: Koid,
        cx: &B::CallContext,
        address: usize,
        value: &T,
    ) -> Result<(), Error> {
        self.user_write(process, cx, address, bytemuck::bytes_of(value))
    }

    pub(crate) fn user_read_handles(
        &self,
        process: Koid,
        cx: &B::CallContext,
        address: usize,
        count: usize,
    ) -> Result<Vec<HandleValue>, Error> {
        let mut values = vec![0u32; count];
        self.user_read(process, cx, address, bytemuck::cast_slice_mut(&mut values))?;
        Ok(values)
    }

    /// Insert a new object's handle into the caller's table; on failure the
    /// object is destroyed again.
    pub(crate) fn give_new(&mut self, process: Koid, koid: Koid, rights: Rights) -> StepResult {
        match self.install_handle(process, koid, rights) {
            Ok(value) => done(value as usize),
            Err(error) => {
                let held = self.destroy_if_unused(koid);
                self.release(held);
                Err(error)
            }
        }
    }
}
