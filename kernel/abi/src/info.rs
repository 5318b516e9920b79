//! `#[repr(C)]` records and option values that cross the system-call boundary.

use crate::{Koid, Principal, Rights, Signals};

/// What the kernel reports about a message it hands to a reader.
///
/// The sender fields are written by the kernel from the sending process's
/// identity; nothing in the message can change them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub struct MessageInfo {
    /// Koid of the sending process.
    pub sender_koid: Koid,
    /// Principal of the sending process.
    pub sender_principal: Principal,
    /// Transaction id: non-zero on a `channel_call` request and its reply.
    pub txid: u32,
    /// Payload length in bytes.
    pub bytes: u32,
    /// Number of handles carried.
    pub handles: u32,
    /// Reserved, zero.
    pub reserved: u32,
}

/// The buffers of a `channel_call`.
#[derive(Clone, Copy, Debug, Default, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub struct CallArgs {
    /// Request payload.
    pub write_bytes: usize,
    /// Request payload length.
    pub write_len: usize,
    /// Request handles.
    pub write_handles: usize,
    /// Number of request handles.
    pub write_handle_count: usize,
    /// Reply buffer.
    pub read_bytes: usize,
    /// Reply buffer capacity.
    pub read_capacity: usize,
    /// Reply handle buffer.
    pub read_handles: usize,
    /// Reply handle buffer capacity.
    pub read_handle_capacity: usize,
}

/// One entry of an `object_wait_many` call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub struct WaitItem {
    /// Handle to wait on.
    pub handle: u32,
    /// Signals that end the wait.
    pub signals: u32,
    /// Signals observed when the call returned (written by the kernel).
    pub observed: u32,
    /// Reserved, zero.
    pub reserved: u32,
}

/// What a port packet reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum PacketKind {
    /// An `object_wait_async` registration fired.
    Signal = 1,
    /// A packet queued with `port_queue`.
    User = 2,
}

/// One packet taken from a port.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub struct PortPacket {
    /// The key given at registration (or by the user).
    pub key: u64,
    /// A [`PacketKind`] value.
    pub kind: u32,
    /// Signals the registration waited for.
    pub trigger: u32,
    /// Signals observed when it fired.
    pub observed: u32,
    /// Reserved, zero.
    pub reserved: u32,
    /// User payload (user packets only).
    pub user: [u64; 4],
}

bitflags::bitflags! {
    /// How a memory object is mapped.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
    pub struct MapFlags: u32 {
        /// Readable.
        const READ = 1 << 0;
        /// Writable. Never together with `EXECUTE`.
        const WRITE = 1 << 1;
        /// Executable. Never together with `WRITE`.
        const EXECUTE = 1 << 2;
    }
}

/// Options for `vmo_create`.
pub mod vmo_options {
    /// Physically contiguous memory, suitable for device DMA.
    pub const CONTIGUOUS: usize = 1 << 0;
}

/// Kinds of kernel object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum ObjectKind {
    /// A process: an address space, a handle table and threads.
    Process = 1,
    /// A thread of execution.
    Thread = 2,
    /// One endpoint of a channel.
    Channel = 3,
    /// A shared-memory object.
    Vmo = 4,
    /// A port (wait set).
    Port = 5,
    /// A timer.
    Timer = 6,
    /// An event.
    Event = 7,
    /// An interrupt line.
    Interrupt = 8,
    /// A resource: authority over processes, physical ranges or IRQs.
    Resource = 9,
}

impl ObjectKind {
    /// The kind with this number, if any.
    pub fn from_number(number: u32) -> Option<ObjectKind> {
        Some(match number {
            1 => ObjectKind::Process,
            2 => ObjectKind::Thread,
            3 => ObjectKind::Channel,
            4 => ObjectKind::Vmo,
            5 => ObjectKind::Port,
            6 => ObjectKind::Timer,
            7 => ObjectKind::Event,
            8 => ObjectKind::Interrupt,
            9 => ObjectKind::Resource,
            _ => return None,
        })
    }
}

/// Kinds of resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum ResourceKind {
    /// Everything: processes, all memory, all interrupts, system information.
    Root = 0,
    /// A physical address range (MMIO or DMA) `[base, base + size)`.
    Mmio = 1,
    /// Interrupt vectors `[base, base + size)`.
    Irq = 2,
    /// System information only (process list).
    Info = 3,
    /// Creating processes.
    Process = 4,
}

impl ResourceKind {
    /// The kind with this number, if any.
    pub fn from_number(number: usize) -> Option<ResourceKind> {
        Some(match number {
            0 => ResourceKind::Root,
            1 => ResourceKind::Mmio,
            2 => ResourceKind::Irq,
            3 => ResourceKind::Info,
            4 => ResourceKind::Process,
            _ => return None,
        })
    }
}

/// Topics for `object_get_info`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum InfoTopic {
    /// [`BasicInfo`] about any handle.
    Basic = 1,
    /// [`ProcessRecord`] about a process handle.
    Process = 2,
    /// [`KernelStats`]; any handle to the root or info resource.
    Kernel = 3,
}

impl InfoTopic {
    /// The topic with this number, if any.
    pub fn from_number(number: usize) -> Option<InfoTopic> {
        Some(match number {
            1 => InfoTopic::Basic,
            2 => InfoTopic::Process,
            3 => InfoTopic::Kernel,
            _ => return None,
        })
    }
}

/// Facts about any handle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub struct BasicInfo {
    /// The object's koid.
    pub koid: Koid,
    /// For a channel endpoint, its peer's koid; for a thread, its process.
    pub related_koid: Koid,
    /// An [`ObjectKind`] value.
    pub kind: u32,
    /// The handle's rights.
    pub rights: u32,
    /// The object's current signals.
    pub signals: u32,
    /// Reserved, zero.
    pub reserved: u32,
}

impl BasicInfo {
    /// The rights as flags.
    pub fn rights(&self) -> Rights {
        Rights::from_bits_truncate(self.rights)
    }
    /// The signals as flags.
    pub fn signals(&self) -> Signals {
        Signals::from_bits_truncate(self.signals)
    }
}

/// Process states as reported in [`ProcessRecord::state`].
pub mod process_state {
    /// Created, not started.
    pub const NEW: u32 = 0;
    /// Running (at least one live thread).
    pub const RUNNING: u32 = 1;
    /// Ended by `process_exit`.
    pub const EXITED: u32 = 2;
    /// Killed (by a holder of `MANAGE`, or for a fault).
    pub const KILLED: u32 = 3;
}

/// One process as listed by `system_process_list` or `object_get_info`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub struct ProcessRecord {
    /// Koid of the process.
    pub koid: Koid,
    /// Its principal.
    pub principal: Principal,
    /// Bytes of memory objects currently mapped.
    pub mapped_bytes: u64,
    /// CPU time used, in nanoseconds (as far as the backend can measure).
    pub cpu_time: u64,
    /// Monotonic time the process was created.
    pub created_at: u64,
    /// A `process_state` value.
    pub state: u32,
    /// Exit code (valid when exited).
    pub exit_code: i32,
    /// Live threads.
    pub threads: u32,
    /// Handles held.
    pub handles: u32,
    /// Name bytes (UTF-8, zero padded).
    pub name: [u8; crate::limits::NAME_BYTES],
}

impl ProcessRecord {
    /// The name as a string (lossy on invalid UTF-8).
    pub fn name(&self) -> &str {
        let end = self.name.iter().position(|&b| b == 0).unwrap_or(self.name.len());
        let bytes = &self.name[..end];
        match core::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                let valid = error.valid_up_to();
                core::str::from_utf8(&bytes[..valid]).unwrap_or("")
            }
        }
    }
}

/// Whole-kernel counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub struct KernelStats {
    /// Nanoseconds since boot.
    pub uptime: u64,
    /// Live kernel objects.
    pub objects: u64,
    /// Live processes.
    pub processes: u64,
    /// Live threads.
    pub threads: u64,
    /// Bytes held by memory objects.
    pub vmo_bytes: u64,
    /// Physical memory the kernel manages, in bytes (0 if unknown).
    pub memory_total: u64,
    /// Messages sent since boot.
    pub messages: u64,
    /// System calls handled since boot.
    pub syscalls: u64,
}
