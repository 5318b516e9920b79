//! System-call numbers.
//!
//! Every call takes up to six word-sized arguments and returns one signed
//! word: `>= 0` is success (a value or zero), `< 0` is `-Error::code()`.
//! Pointers are user addresses the kernel checks before touching. The
//! argument list of each call is documented on its variant and in
//! `docs/abi.md`; the kernel core decodes them in one table shared by every
//! backend.

macro_rules! syscalls {
    ($( $(#[$doc:meta])* $name:ident = $num:literal, )*) => {
        /// A system-call number.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u32)]
        pub enum Syscall {
            $( $(#[$doc])* $name = $num, )*
        }

        impl Syscall {
            /// Every system call, in number order.
            pub const ALL: &'static [Syscall] = &[$(Syscall::$name,)*];

            /// The call with this number, if any.
            pub fn from_number(number: usize) -> Option<Syscall> {
                match number {
                    $( $num => Some(Syscall::$name), )*
                    _ => None,
                }
            }

            /// The call's name, as written in `docs/abi.md`.
            pub const fn name(self) -> &'static str {
                match self {
                    $( Syscall::$name => stringify!($name), )*
                }
            }
        }
    };
}

syscalls! {
    /// `(ptr, len)`: write bytes to the kernel debug log.
    DebugWrite = 0,
    /// `()`: monotonic time in nanoseconds.
    ClockGet = 1,
    /// `(handle)`: close a handle.
    HandleClose = 2,
    /// `(handle, rights) -> handle`: a new handle with a subset of the rights
    /// (`Rights::SAME` keeps them). Needs `DUPLICATE`.
    HandleDuplicate = 3,
    /// `(handle, rights) -> handle`: replace a handle by one with a subset of
    /// its rights; the old value becomes invalid.
    HandleReplace = 4,
    /// `(handle, signals, deadline, *observed)`: wait until any of `signals`
    /// is raised. Needs `WAIT`.
    ObjectWaitOne = 5,
    /// `(*items, count, deadline) -> index`: wait on several handles
    /// ([`crate::WaitItem`]); fills `observed` in every item.
    ObjectWaitMany = 6,
    /// `(handle, clear, set)`: change user signals on an object. Needs `SIGNAL`.
    ObjectSignal = 7,
    /// `(handle, clear, set)`: change user signals on a channel's peer.
    ObjectSignalPeer = 8,
    /// `(handle, topic, *buf, len) -> bytes`: read a property record
    /// ([`crate::InfoTopic`]). Needs `INSPECT`.
    ObjectGetInfo = 9,
    /// `(*out_handles[2])`: create a channel; writes both endpoint handles.
    ChannelCreate = 10,
    /// `(handle, txid, *bytes, len, *handles, count)`: send a message; the
    /// handles move out of the caller. Needs `WRITE`.
    ChannelWrite = 11,
    /// `(handle, *bytes, cap, *handles, cap, *info)`: take the next message.
    /// Needs `READ`. Fills a [`crate::MessageInfo`].
    ChannelRead = 12,
    /// `(handle, *CallArgs, deadline, *info)`: send a message and wait for the
    /// reply carrying the same kernel-assigned transaction id.
    ChannelCall = 13,
    /// `(size, options) -> handle`: create an anonymous shared-memory object.
    VmoCreate = 14,
    /// `(handle, offset, *buf, len)`: copy out of a memory object. Needs `READ`.
    VmoRead = 15,
    /// `(handle, offset, *buf, len)`: copy into a memory object. Needs `WRITE`.
    VmoWrite = 16,
    /// `(handle) -> size`: size of a memory object in bytes.
    VmoGetSize = 17,
    /// `(handle, offset, len, flags) -> address`: map a memory object into
    /// the caller's address space ([`crate::MapFlags`]). Needs `MAP` plus the
    /// rights matching the flags; writable and executable together is refused.
    VmMap = 18,
    /// `(address, len)`: remove a mapping made by `VmMap`.
    VmUnmap = 19,
    /// `() -> handle`: create a port (a queue of packets from many objects).
    PortCreate = 20,
    /// `(handle, deadline, *packet)`: take the next [`crate::PortPacket`].
    PortWait = 21,
    /// `(handle, *packet)`: queue a user packet.
    PortQueue = 22,
    /// `(handle, port, key, signals)`: once any of `signals` is raised on
    /// the object, queue one packet with `key` on the port.
    ObjectWaitAsync = 23,
    /// `(handle, port, key)`: cancel pending `ObjectWaitAsync` registrations.
    PortCancel = 24,
    /// `() -> handle`: create a timer.
    TimerCreate = 25,
    /// `(handle, deadline)`: arm the timer; it raises `SIGNALED` at the
    /// deadline. Needs `WRITE`.
    TimerSet = 26,
    /// `(handle)`: disarm the timer and clear `SIGNALED`.
    TimerCancel = 27,
    /// `() -> handle`: create an event (an object with only user signals and
    /// `SIGNALED`).
    EventCreate = 28,
    /// `(resource, vector) -> handle`: bind an interrupt line the resource
    /// covers.
    InterruptCreate = 29,
    /// `(handle)`: acknowledge: clear `SIGNALED` and unmask the line.
    InterruptAck = 30,
    /// `(handle)`: raise the interrupt by software (device models, tests).
    /// Needs `MANAGE`.
    InterruptTrigger = 31,
    /// `(resource, *name, len, principal) -> handle`: create an empty
    /// process. The resource must allow process creation.
    ProcessCreate = 32,
    /// `(process, image_vmo, bootstrap_channel)`: verify and load a program
    /// image into the process and start its first thread with the bootstrap
    /// channel as its only handle. Needs `MANAGE` on the process and
    /// `EXECUTE` on the image.
    ProcessStart = 33,
    /// `(code)`: end the calling process.
    ProcessExit = 34,
    /// `(handle)`: kill a process. Needs `MANAGE`.
    ProcessKill = 35,
    /// `(entry, argument, *name, len) -> handle`: start another thread in the
    /// calling process.
    ThreadCreate = 36,
    /// `()`: end the calling thread.
    ThreadExit = 37,
    /// `()`: give up the processor to another ready thread.
    ThreadYield = 38,
    /// `(deadline)`: sleep until the deadline.
    ThreadSleep = 39,
    /// `(parent, kind, base, size) -> handle`: a resource covering a subset of
    /// the parent's range. Needs `MANAGE` on the parent.
    ResourceCreate = 40,
    /// `(resource, base, size) -> handle`: a memory object over a physical
    /// range (MMIO or DMA) the resource covers.
    VmoCreatePhysical = 41,
    /// `(resource, *records, cap) -> count`: list every live process as
    /// [`crate::ProcessRecord`]s. Needs an `Info` or `Root` resource.
    SystemProcessList = 42,
    /// `(*buf, len)`: fill a buffer with random bytes from the kernel's
    /// entropy pool.
    RandomGet = 43,
    /// `(vmo, resource) -> address`: the physical address of a physically
    /// contiguous memory object, for device DMA. The object never moves
    /// while it lives. Needs `READ` on the object and `MANAGE` on an `Mmio`
    /// (or the root) resource: only drivers learn physical addresses.
    VmoPhysicalAddress = 44,
    /// `(resource, *buf, len)`: mix bytes from a hardware entropy source
    /// into the kernel's entropy pool (≤ [`crate::limits::RANDOM_BYTES`]).
    /// Mixing is a hash-chain update, so bytes an attacker chose can never
    /// lower the pool's entropy. Needs `MANAGE` on an `Mmio` (or the root)
    /// resource: only device drivers feed the pool.
    RandomAdd = 45,
}
