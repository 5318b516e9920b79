//! Rights a handle carries.

bitflags::bitflags! {
    /// What a handle allows its holder to do with the object behind it.
    ///
    /// Duplicating or replacing a handle may only keep or drop rights, never
    /// add them; the kernel checks every operation against these bits.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct Rights: u32 {
        /// Read messages, memory contents or state.
        const READ = 1 << 0;
        /// Write messages or memory contents.
        const WRITE = 1 << 1;
        /// Map a memory object into an address space.
        const MAP = 1 << 2;
        /// Make another handle to the same object.
        const DUPLICATE = 1 << 3;
        /// Send the handle to another process through a channel.
        const TRANSFER = 1 << 4;
        /// Set or clear user signals on the object (or its peer).
        const SIGNAL = 1 << 5;
        /// Wait on the object's signals, directly or through a port.
        const WAIT = 1 << 6;
        /// Map memory executable, or start a program image.
        const EXECUTE = 1 << 7;
        /// Administer the object: kill a process, narrow a resource, trigger
        /// an interrupt, set a timer.
        const MANAGE = 1 << 8;
        /// Read the object's properties (`object_get_info`).
        const INSPECT = 1 << 9;
    }
}

impl Rights {
    /// The rights a freshly created object's handle carries.
    pub const DEFAULT: Rights = Rights::READ
        .union(Rights::WRITE)
        .union(Rights::DUPLICATE)
        .union(Rights::TRANSFER)
        .union(Rights::SIGNAL)
        .union(Rights::WAIT)
        .union(Rights::INSPECT);
    /// Default rights plus mapping (memory objects).
    pub const DEFAULT_VMO: Rights = Rights::DEFAULT.union(Rights::MAP);
    /// Every right.
    pub const SAME: Rights = Rights::all();
}
