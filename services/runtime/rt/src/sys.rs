//! The raw system-call layer: one function per call, typed arguments,
//! `Result` returns. Everything else in the runtime is built on these.
//!
//! On the kernel a call is an `svc #0` (number in `x8`, arguments in
//! `x0..x5`, result in `x0`). In hosted mode it is a function call into
//! the hosted kernel, which also receives the caller's buffers as windows
//! so it can check user pointers as strictly as page tables would.

use weft_abi::{
    CallArgs, Error, HandleValue, InfoTopic, Instant, MapFlags, MessageInfo, PortPacket, Rights, Signals,
    Syscall, WaitItem,
};

/// A caller buffer passed to a system call. On the kernel the MMU checks
/// buffers, so these are only consulted in hosted mode.
#[derive(Clone, Copy)]
#[cfg_attr(target_os = "none", allow(dead_code))]
pub struct Buffer {
    address: usize,
    len: usize,
    writable: bool,
}

impl Buffer {
    /// A buffer the kernel reads.
    pub fn input(bytes: &[u8]) -> Buffer {
        Buffer { address: bytes.as_ptr() as usize, len: bytes.len(), writable: false }
    }
    /// A buffer the kernel writes.
    pub fn output(bytes: &mut [u8]) -> Buffer {
        Buffer { address: bytes.as_mut_ptr() as usize, len: bytes.len(), writable: true }
    }
}

#[cfg(target_os = "none")]
fn raw(number: Syscall, args: [usize; 6], _buffers: &[Buffer]) -> isize {
    let result: isize;
    // SAFETY: `svc #0` enters the kernel, which reads x8 and x0..x5 and
    // writes x0; it validates every argument and touches only memory the
    // calling process may access. Other registers are preserved by the
    // kernel's exception entry.
    unsafe {
        core::arch::asm!(
            "svc #0",
            in("x8") number as usize,
            inlateout("x0") args[0] => result,
            in("x1") args[1],
            in("x2") args[2],
            in("x3") args[3],
            in("x4") args[4],
            in("x5") args[5],
            options(nostack),
        );
    }
    result
}

#[cfg(not(target_os = "none"))]
fn raw(number: Syscall, args: [usize; 6], buffers: &[Buffer]) -> isize {
    let mut windows = [weft_kernel_hosted::Window::default(); 8];
    for (window, buffer) in windows.iter_mut().zip(buffers) {
        *window = weft_kernel_hosted::Window {
            address: buffer.address,
            len: buffer.len,
            writable: buffer.writable,
        };
    }
    weft_kernel_hosted::syscall(number as usize, args, &windows[..buffers.len().min(8)])
}

/// Make a system call with raw registers. Used by the typed wrappers below
/// and by tests that probe the kernel with malformed arguments.
pub fn call(number: Syscall, args: [usize; 6], buffers: &[Buffer]) -> Result<usize, Error> {
    Error::decode_result(raw(number, args, buffers))
}

/// Make a system call by raw number (tests of unknown numbers).
#[cfg(not(target_os = "none"))]
pub fn call_number(number: usize, args: [usize; 6]) -> Result<usize, Error> {
    Error::decode_result(weft_kernel_hosted::syscall(number, args, &[]))
}

fn ptr<T>(value: &T) -> usize {
    value as *const T as usize
}

/// `debug_write`.
pub fn debug_write(bytes: &[u8]) -> Result<usize, Error> {
    call(Syscall::DebugWrite, [bytes.as_ptr() as usize, bytes.len(), 0, 0, 0, 0], &[Buffer::input(bytes)])
}

/// `clock_get`.
pub fn clock_get() -> Instant {
    call(Syscall::ClockGet, [0; 6], &[]).unwrap_or(0) as Instant
}

/// `handle_close`.
pub fn handle_close(handle: HandleValue) -> Result<(), Error> {
    call(Syscall::HandleClose, [handle as usize, 0, 0, 0, 0, 0], &[]).map(drop)
}

/// `handle_duplicate`.
pub fn handle_duplicate(handle: HandleValue, rights: Rights) -> Result<HandleValue, Error> {
    call(Syscall::HandleDuplicate, [handle as usize, rights.bits() as usize, 0, 0, 0, 0], &[])
        .map(|v| v as u32)
}

/// `handle_replace`.
pub fn handle_replace(handle: HandleValue, rights: Rights) -> Result<HandleValue, Error> {
    call(Syscall::HandleReplace, [handle as usize, rights.bits() as usize, 0, 0, 0, 0], &[]).map(|v| v as u32)
}

/// `object_wait_one`: returns the observed signals.
pub fn object_wait_one(handle: HandleValue, signals: Signals, deadline: Instant) -> Result<Signals, Error> {
    let mut observed = 0u32;
    let bytes = bytemuck::bytes_of_mut(&mut observed);
    let address = bytes.as_mut_ptr() as usize;
    let result = call(
        Syscall::ObjectWaitOne,
        [handle as usize, signals.bits() as usize, deadline as usize, address, 0, 0],
        &[Buffer::output(bytes)],
    );
    result.map(|_| Signals::from_bits_truncate(observed))
}

/// `object_wait_many`: returns the index of the first satisfied item.
pub fn object_wait_many(items: &mut [WaitItem], deadline: Instant) -> Result<usize, Error> {
    let bytes: &mut [u8] = bytemuck::cast_slice_mut(items);
    let address = bytes.as_mut_ptr() as usize;
    let count = items_len(bytes.len());
    call(Syscall::ObjectWaitMany, [address, count, deadline as usize, 0, 0, 0], &[Buffer::output(bytes)])
}

fn items_len(bytes: usize) -> usize {
    bytes / core::mem::size_of::<WaitItem>()
}

/// `object_signal` or `object_signal_peer`.
pub fn object_signal(handle: HandleValue, clear: Signals, set: Signals, peer: bool) -> Result<(), Error> {
    let number = if peer { Syscall::ObjectSignalPeer } else { Syscall::ObjectSignal };
    call(number, [handle as usize, clear.bits() as usize, set.bits() as usize, 0, 0, 0], &[]).map(drop)
}

/// `object_get_info` into a plain-data record.
pub fn object_get_info<T: bytemuck::Pod>(handle: HandleValue, topic: InfoTopic) -> Result<T, Error> {
    let mut record = T::zeroed();
    let bytes = bytemuck::bytes_of_mut(&mut record);
    let (address, len) = (bytes.as_mut_ptr() as usize, bytes.len());
    call(
        Syscall::ObjectGetInfo,
        [handle as usize, topic as usize, address, len, 0, 0],
        &[Buffer::output(bytes)],
    )?;
    Ok(record)
}

/// `channel_create`.
pub fn channel_create() -> Result<(HandleValue, HandleValue), Error> {
    let mut out = [0u32; 2];
    let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut out);
    let address = bytes.as_mut_ptr() as usize;
    call(Syscall::ChannelCreate, [address, 0, 0, 0, 0, 0], &[Buffer::output(bytes)])?;
    Ok((out[0], out[1]))
}

/// `channel_write`.
pub fn channel_write(
    handle: HandleValue,
    txid: u32,
    bytes: &[u8],
    handles: &[HandleValue],
) -> Result<(), Error> {
    let handle_bytes: &[u8] = bytemuck::cast_slice(handles);
    call(
        Syscall::ChannelWrite,
        [
            handle as usize,
            txid as usize,
            bytes.as_ptr() as usize,
            bytes.len(),
            handle_bytes.as_ptr() as usize,
            handles.len(),
        ],
        &[Buffer::input(bytes), Buffer::input(handle_bytes)],
    )
    .map(drop)
}

/// `channel_read`. On `BufferTooSmall` the returned info (in the error
/// path, via `info`) says how much room the message needs.
pub fn channel_read(
    handle: HandleValue,
    bytes: &mut [u8],
    handles: &mut [HandleValue],
    info: &mut MessageInfo,
) -> Result<(), Error> {
    let handle_capacity = handles.len();
    let handle_bytes: &mut [u8] = bytemuck::cast_slice_mut(handles);
    let info_bytes = bytemuck::bytes_of_mut(info);
    let args = [
        handle as usize,
        bytes.as_mut_ptr() as usize,
        bytes.len(),
        handle_bytes.as_mut_ptr() as usize,
        handle_capacity,
        info_bytes.as_mut_ptr() as usize,
    ];
    call(
        Syscall::ChannelRead,
        args,
        &[Buffer::output(bytes), Buffer::output(handle_bytes), Buffer::output(info_bytes)],
    )
    .map(drop)
}

/// `channel_call`.
#[allow(clippy::too_many_arguments)]
pub fn channel_call(
    handle: HandleValue,
    request: &[u8],
    request_handles: &[HandleValue],
    reply: &mut [u8],
    reply_handles: &mut [HandleValue],
    deadline: Instant,
    info: &mut MessageInfo,
) -> Result<(), Error> {
    let request_handle_bytes: &[u8] = bytemuck::cast_slice(request_handles);
    let reply_handle_capacity = reply_handles.len();
    let reply_handle_bytes: &mut [u8] = bytemuck::cast_slice_mut(reply_handles);
    let args = CallArgs {
        write_bytes: request.as_ptr() as usize,
        write_len: request.len(),
        write_handles: request_handle_bytes.as_ptr() as usize,
        write_handle_count: request_handles.len(),
        read_bytes: reply.as_mut_ptr() as usize,
        read_capacity: reply.len(),
        read_handles: reply_handle_bytes.as_mut_ptr() as usize,
        read_handle_capacity: reply_handle_capacity,
    };
    let info_bytes = bytemuck::bytes_of_mut(info);
    let raw_args = [handle as usize, ptr(&args), deadline as usize, info_bytes.as_mut_ptr() as usize, 0, 0];
    call(
        Syscall::ChannelCall,
        raw_args,
        &[
            Buffer::input(bytemuck::bytes_of(&args)),
            Buffer::input(request),
            Buffer::input(request_handle_bytes),
            Buffer::output(reply),
            Buffer::output(reply_handle_bytes),
            Buffer::output(info_bytes),
        ],
    )
    .map(drop)
}

/// `vmo_create`.
pub fn vmo_create(size: usize, options: usize) -> Result<HandleValue, Error> {
    call(Syscall::VmoCreate, [size, options, 0, 0, 0, 0], &[]).map(|v| v as u32)
}

/// `vmo_read`.
pub fn vmo_read(handle: HandleValue, offset: usize, out: &mut [u8]) -> Result<(), Error> {
    let args = [handle as usize, offset, out.as_mut_ptr() as usize, out.len(), 0, 0];
    call(Syscall::VmoRead, args, &[Buffer::output(out)]).map(drop)
}

/// `vmo_write`.
pub fn vmo_write(handle: HandleValue, offset: usize, data: &[u8]) -> Result<(), Error> {
    let args = [handle as usize, offset, data.as_ptr() as usize, data.len(), 0, 0];
    call(Syscall::VmoWrite, args, &[Buffer::input(data)]).map(drop)
}

/// `vmo_get_size`.
pub fn vmo_get_size(handle: HandleValue) -> Result<usize, Error> {
    call(Syscall::VmoGetSize, [handle as usize, 0, 0, 0, 0, 0], &[])
}

/// `vm_map`: returns the address.
pub fn vm_map(handle: HandleValue, offset: usize, len: usize, flags: MapFlags) -> Result<usize, Error> {
    call(Syscall::VmMap, [handle as usize, offset, len, flags.bits() as usize, 0, 0], &[])
}

/// `vm_unmap`.
pub fn vm_unmap(address: usize, len: usize) -> Result<(), Error> {
    call(Syscall::VmUnmap, [address, len, 0, 0, 0, 0], &[]).map(drop)
}

/// `port_create`.
pub fn port_create() -> Result<HandleValue, Error> {
    call(Syscall::PortCreate, [0; 6], &[]).map(|v| v as u32)
}

/// `port_wait`.
pub fn port_wait(handle: HandleValue, deadline: Instant) -> Result<PortPacket, Error> {
    let mut packet = PortPacket::default();
    let bytes = bytemuck::bytes_of_mut(&mut packet);
    let address = bytes.as_mut_ptr() as usize;
    call(
        Syscall::PortWait,
        [handle as usize, deadline as usize, address, 0, 0, 0],
        &[Buffer::output(bytes)],
    )?;
    Ok(packet)
}

/// `port_queue`.
pub fn port_queue(handle: HandleValue, packet: &PortPacket) -> Result<(), Error> {
    let bytes = bytemuck::bytes_of(packet);
    call(Syscall::PortQueue, [handle as usize, bytes.as_ptr() as usize, 0, 0, 0, 0], &[Buffer::input(bytes)])
        .map(drop)
}

/// `object_wait_async`.
pub fn object_wait_async(
    handle: HandleValue,
    port: HandleValue,
    key: u64,
    signals: Signals,
) -> Result<(), Error> {
    call(
        Syscall::ObjectWaitAsync,
        [handle as usize, port as usize, key as usize, signals.bits() as usize, 0, 0],
        &[],
    )
    .map(drop)
}

/// `port_cancel`.
pub fn port_cancel(handle: HandleValue, port: HandleValue, key: u64) -> Result<usize, Error> {
    call(Syscall::PortCancel, [handle as usize, port as usize, key as usize, 0, 0, 0], &[])
}

/// `timer_create`.
pub fn timer_create() -> Result<HandleValue, Error> {
    call(Syscall::TimerCreate, [0; 6], &[]).map(|v| v as u32)
}

/// `timer_set`.
pub fn timer_set(handle: HandleValue, deadline: Instant) -> Result<(), Error> {
    call(Syscall::TimerSet, [handle as usize, deadline as usize, 0, 0, 0, 0], &[]).map(drop)
}

/// `timer_cancel`.
pub fn timer_cancel(handle: HandleValue) -> Result<(), Error> {
    call(Syscall::TimerCancel, [handle as usize, 0, 0, 0, 0, 0], &[]).map(drop)
}

/// `event_create`.
pub fn event_create() -> Result<HandleValue, Error> {
    call(Syscall::EventCreate, [0; 6], &[]).map(|v| v as u32)
}

/// `interrupt_create`.
pub fn interrupt_create(resource: HandleValue, vector: u32) -> Result<HandleValue, Error> {
    call(Syscall::InterruptCreate, [resource as usize, vector as usize, 0, 0, 0, 0], &[]).map(|v| v as u32)
}

/// `interrupt_ack`.
pub fn interrupt_ack(handle: HandleValue) -> Result<(), Error> {
    call(Syscall::InterruptAck, [handle as usize, 0, 0, 0, 0, 0], &[]).map(drop)
}

/// `interrupt_trigger`.
pub fn interrupt_trigger(handle: HandleValue) -> Result<(), Error> {
    call(Syscall::InterruptTrigger, [handle as usize, 0, 0, 0, 0, 0], &[]).map(drop)
}

/// `process_create`.
pub fn process_create(resource: HandleValue, name: &str, principal: u64) -> Result<HandleValue, Error> {
    let args = [resource as usize, name.as_ptr() as usize, name.len(), principal as usize, 0, 0];
    call(Syscall::ProcessCreate, args, &[Buffer::input(name.as_bytes())]).map(|v| v as u32)
}

/// `process_start`.
pub fn process_start(process: HandleValue, image: HandleValue, bootstrap: HandleValue) -> Result<(), Error> {
    call(Syscall::ProcessStart, [process as usize, image as usize, bootstrap as usize, 0, 0, 0], &[])
        .map(drop)
}

/// `process_exit`. Does not return.
pub fn process_exit(code: i32) -> ! {
    let _ = call(Syscall::ProcessExit, [code as u32 as usize, 0, 0, 0, 0, 0], &[]);
    // The kernel never returns from a successful exit; if it somehow did,
    // spin rather than run on.
    loop {
        core::hint::spin_loop();
    }
}

/// `process_kill`.
pub fn process_kill(handle: HandleValue) -> Result<(), Error> {
    call(Syscall::ProcessKill, [handle as usize, 0, 0, 0, 0, 0], &[]).map(drop)
}

/// `thread_create`.
pub fn thread_create(entry: usize, argument: usize, stack: usize, name: &str) -> Result<HandleValue, Error> {
    let args = [entry, argument, stack, name.as_ptr() as usize, name.len(), 0];
    call(Syscall::ThreadCreate, args, &[Buffer::input(name.as_bytes())]).map(|v| v as u32)
}

/// `thread_exit`. Does not return.
pub fn thread_exit() -> ! {
    let _ = call(Syscall::ThreadExit, [0; 6], &[]);
    loop {
        core::hint::spin_loop();
    }
}

/// `thread_yield`.
pub fn thread_yield() {
    let _ = call(Syscall::ThreadYield, [0; 6], &[]);
}

/// `thread_sleep`.
pub fn thread_sleep(deadline: Instant) {
    let _ = call(Syscall::ThreadSleep, [deadline as usize, 0, 0, 0, 0, 0], &[]);
}

/// `resource_create`.
pub fn resource_create(
    parent: HandleValue,
    kind: weft_abi::ResourceKind,
    base: u64,
    size: u64,
) -> Result<HandleValue, Error> {
    call(Syscall::ResourceCreate, [parent as usize, kind as usize, base as usize, size as usize, 0, 0], &[])
        .map(|v| v as u32)
}

/// `vmo_create_physical`.
pub fn vmo_create_physical(resource: HandleValue, base: u64, size: usize) -> Result<HandleValue, Error> {
    call(Syscall::VmoCreatePhysical, [resource as usize, base as usize, size, 0, 0, 0], &[]).map(|v| v as u32)
}

/// `system_process_list`: fills `out`, returns the total number of processes.
pub fn system_process_list(
    resource: HandleValue,
    out: &mut [weft_abi::ProcessRecord],
) -> Result<usize, Error> {
    let capacity = out.len();
    let bytes: &mut [u8] = bytemuck::cast_slice_mut(out);
    let address = bytes.as_mut_ptr() as usize;
    call(
        Syscall::SystemProcessList,
        [resource as usize, address, capacity, 0, 0, 0],
        &[Buffer::output(bytes)],
    )
}

/// `random_get`.
pub fn random_get(out: &mut [u8]) -> Result<(), Error> {
    let args = [out.as_mut_ptr() as usize, out.len(), 0, 0, 0, 0];
    call(Syscall::RandomGet, args, &[Buffer::output(out)]).map(drop)
}

/// `vmo_physical_address`.
pub fn vmo_physical_address(vmo: HandleValue, resource: HandleValue) -> Result<u64, Error> {
    call(Syscall::VmoPhysicalAddress, [vmo as usize, resource as usize, 0, 0, 0, 0], &[])
        .map(|address| address as u64)
}

/// `random_add`: mix `bytes` (at most [`weft_abi::limits::RANDOM_BYTES`])
/// into the kernel's entropy pool; `resource` is the caller's device
/// (`Mmio`) resource.
pub fn random_add(resource: HandleValue, bytes: &[u8]) -> Result<(), Error> {
    let args = [resource as usize, bytes.as_ptr() as usize, bytes.len(), 0, 0, 0];
    call(Syscall::RandomAdd, args, &[Buffer::input(bytes)]).map(drop)
}
