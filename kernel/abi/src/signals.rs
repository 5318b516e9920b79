//! Signals: the observable state bits of a kernel object.

bitflags::bitflags! {
    /// State bits an object exposes to waiters. Which bits an object raises
    /// depends on its kind (see `docs/abi.md`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct Signals: u32 {
        /// A channel endpoint has a message to read.
        const READABLE = 1 << 0;
        /// A channel endpoint's peer can accept another message.
        const WRITABLE = 1 << 1;
        /// A channel endpoint's peer has been closed.
        const PEER_CLOSED = 1 << 2;
        /// An event, timer or interrupt is signalled.
        const SIGNALED = 1 << 3;
        /// A process or thread has ended.
        const TERMINATED = 1 << 4;
        /// User-defined bits, settable with `object_signal`.
        const USER_0 = 1 << 24;
        /// User-defined bit 1.
        const USER_1 = 1 << 25;
        /// User-defined bit 2.
        const USER_2 = 1 << 26;
        /// User-defined bit 3.
        const USER_3 = 1 << 27;
        /// User-defined bit 4.
        const USER_4 = 1 << 28;
        /// User-defined bit 5.
        const USER_5 = 1 << 29;
        /// User-defined bit 6.
        const USER_6 = 1 << 30;
        /// User-defined bit 7.
        const USER_7 = 1 << 31;
    }
}

impl Signals {
    /// The bits userspace may set or clear itself.
    pub const USER_ALL: Signals = Signals::from_bits_truncate(0xff00_0000);
}
