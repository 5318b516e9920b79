//! The system-call table: one decoder from raw registers to a typed
//! [`Call`], and one executor, shared by every backend.

mod channel;
mod memory;
mod objects;
mod process;
mod wait;

use weft_abi::{
    Error, HandleValue, InfoTopic, Instant, Koid, MapFlags, ResourceKind, Rights, Signals, Syscall,
};

use crate::backend::Backend;
use crate::channel::Ipc;
use crate::kernel::{Kernel, Outcome};
use crate::object::{ObjectData, Timer};
use crate::port::Port;
use crate::process::ProcessState;
use crate::user::Caller;
use crate::vmo::Memory;
use crate::waits::{Wait, Waits};
use channel::Destination;

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
    VmoPhysicalAddress {
        handle: HandleValue,
        resource: HandleValue,
    },
    RandomAdd {
        resource: HandleValue,
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
            Syscall::VmoPhysicalAddress => {
                Call::VmoPhysicalAddress { handle: handle(a)?, resource: handle(b)? }
            }
            Syscall::RandomAdd => Call::RandomAdd { resource: handle(a)?, buffer: b, len: c },
        })
    }
}

/// What a handler produced.
pub(crate) enum Step {
    Value(usize),
    /// Wait, then re-run the call.
    Block(Wait),
    Ended,
    Yield,
}

pub(crate) type StepResult = Result<Step, Error>;

pub(crate) fn done(value: usize) -> StepResult {
    Ok(Step::Value(value))
}

/// A handle value as the call's result.
fn new_handle(handle: HandleValue) -> StepResult {
    done(handle as usize)
}

impl<B: Backend> Kernel<B> {
    /// Handle one system call from `thread`.
    ///
    /// If the outcome is [`Outcome::Blocked`], the backend parks the thread
    /// and calls `syscall` again with the same arguments when the thread is
    /// made ready (woken or timed out); calls are written to be re-run.
    pub fn syscall(&mut self, thread: Koid, raw: SyscallArgs, context: &B::CallContext) -> Outcome {
        self.syscalls = self.syscalls.wrapping_add(1);
        if self.objects.thread_is_dead(thread) {
            return Outcome::Ended;
        }
        let Ok(process) = self.objects.thread_process(thread) else {
            return Outcome::Ended;
        };
        let caller = Caller { thread, process, cx: context };
        let result = Call::decode(raw).and_then(|call| self.execute(caller, call));
        // Threads the call woke are queued before the caller blocks.
        self.waits.settle(&mut self.objects, &mut self.backend);
        match result {
            Ok(Step::Value(value)) => Outcome::Done(Error::encode_result(Ok(value))),
            Ok(Step::Block(wait)) => {
                self.waits.block(&mut self.objects, &mut self.backend, thread, &wait);
                Outcome::Blocked
            }
            Ok(Step::Ended) => Outcome::Ended,
            Ok(Step::Yield) => Outcome::Yield,
            Err(_) if self.objects.thread_is_dead(thread) => Outcome::Ended,
            Err(error) => Outcome::Done(Error::encode_result(Err(error))),
        }
    }

    /// Hand a decoded call to the owner of its concern.
    fn execute(&mut self, caller: Caller<'_, B>, call: Call) -> StepResult {
        let Kernel { backend, objects, waits, ipc, .. } = self;
        let (thread, process) = (caller.thread, caller.process);
        match call {
            Call::DebugWrite { buffer, len } => self.debug_write(caller, buffer, len),
            Call::ClockGet => done(backend.now() as usize),
            Call::HandleClose { handle } => objects.close(process, handle).and_then(|()| done(0)),
            Call::HandleDuplicate { handle, rights } => {
                new_handle(objects.duplicate(process, handle, rights)?)
            }
            Call::HandleReplace { handle, rights } => {
                new_handle(objects.process_mut(process)?.handles.replace(handle, rights)?)
            }
            Call::ObjectWaitOne { handle, signals, deadline, observed } => {
                Waits::wait_one(objects, backend, caller, handle, signals, deadline, observed)
            }
            Call::ObjectWaitMany { items, count, deadline } => {
                Waits::wait_many(objects, backend, caller, items, count, deadline)
            }
            Call::ObjectSignal { handle, clear, set } => {
                objects.signal(process, handle, clear, set, false).and_then(|()| done(0))
            }
            Call::ObjectSignalPeer { handle, clear, set } => {
                objects.signal(process, handle, clear, set, true).and_then(|()| done(0))
            }
            Call::ObjectGetInfo { handle, topic, buffer, len } => {
                self.get_info(caller, handle, topic, buffer, len)
            }
            Call::ChannelCreate { out } => Ipc::create(objects, backend, caller, out),
            Call::ChannelWrite { handle, txid, bytes, len, handles, count } => {
                ipc.write(objects, backend, caller, handle, txid, bytes, len, handles, count)
            }
            Call::ChannelRead { handle, bytes, capacity, handles, handle_capacity, info } => {
                let to = Destination { bytes, capacity, handles, handle_capacity, info };
                Ipc::read(objects, backend, caller, handle, to)
            }
            Call::ChannelCall { handle, args, deadline, info } => {
                ipc.call(objects, backend, caller, handle, args, deadline, info)
            }
            Call::VmoCreate { size, options } => Memory::create(objects, backend, process, size, options),
            Call::VmoRead { handle, offset, buffer, len } => {
                Memory::transfer(objects, backend, caller, handle, offset, buffer, len, false)
            }
            Call::VmoWrite { handle, offset, buffer, len } => {
                Memory::transfer(objects, backend, caller, handle, offset, buffer, len, true)
            }
            Call::VmoGetSize { handle } => Memory::size(objects, process, handle),
            Call::VmMap { handle, offset, len, flags } => {
                Memory::map(objects, backend, process, handle, offset, len, flags)
            }
            Call::VmUnmap { address, len } => Memory::unmap(objects, backend, process, address, len),
            Call::PortCreate => {
                new_handle(objects.create(process, ObjectData::Port(Port::default()), Rights::DEFAULT)?)
            }
            Call::PortWait { handle, deadline, packet } => {
                Waits::port_wait(objects, backend, caller, handle, deadline, packet)
            }
            Call::PortQueue { handle, packet } => Waits::port_queue(objects, backend, caller, handle, packet),
            Call::ObjectWaitAsync { handle, port, key, signals } => {
                Waits::wait_async(objects, process, handle, port, key, signals)
            }
            Call::PortCancel { handle, port, key } => Waits::port_cancel(objects, process, handle, port, key),
            Call::TimerCreate => {
                new_handle(objects.create(process, ObjectData::Timer(Timer::default()), Rights::DEFAULT)?)
            }
            Call::TimerSet { handle, deadline } => {
                waits.timer_set(objects, backend, process, handle, Some(deadline))
            }
            Call::TimerCancel { handle } => waits.timer_set(objects, backend, process, handle, None),
            Call::EventCreate => new_handle(objects.create(process, ObjectData::Event, Rights::DEFAULT)?),
            Call::InterruptCreate { resource, vector } => self.interrupt_create(process, resource, vector),
            Call::InterruptAck { handle } => self.interrupt_ack(process, handle),
            Call::InterruptTrigger { handle } => self.interrupt_trigger(process, handle),
            Call::ProcessCreate { resource, name, len, principal } => {
                self.process_create(caller, resource, name, len, principal)
            }
            Call::ProcessStart { process: target, image, bootstrap } => {
                self.process_start(process, target, image, bootstrap)
            }
            Call::ProcessExit { code } => {
                self.kill_process(process, ProcessState::Exited(code));
                Ok(Step::Ended)
            }
            Call::ProcessKill { handle } => self.process_kill(thread, process, handle),
            Call::ThreadCreate { entry, argument, stack, name, len } => {
                self.thread_create(caller, entry, argument, stack, name, len)
            }
            Call::ThreadExit => {
                self.end_thread(thread);
                Ok(Step::Ended)
            }
            Call::ThreadYield => Ok(Step::Yield),
            Call::ThreadSleep { deadline } => Waits::sleep(backend, deadline),
            Call::ResourceCreate { parent, kind, base, size } => {
                self.resource_create(process, parent, kind, base, size)
            }
            Call::VmoCreatePhysical { resource, base, size } => {
                Memory::create_physical(objects, backend, process, resource, base, size)
            }
            Call::SystemProcessList { resource, records, capacity } => {
                self.process_list(caller, resource, records, capacity)
            }
            Call::RandomGet { buffer, len } => self.random(caller, buffer, len),
            Call::VmoPhysicalAddress { handle, resource } => {
                Memory::physical_address(objects, backend, process, handle, resource)
            }
            Call::RandomAdd { resource, buffer, len } => self.random_add(caller, resource, buffer, len),
        }
    }
}
