//! Ports and wait sets: waiting on many handles at once.

use alloc::collections::BTreeMap;
use weft_abi::{Error, HandleValue, PacketKind, PortPacket, Signals};

use crate::handle::{AsHandle, Handle, handle_type};
use crate::sys;
use crate::time::Deadline;

handle_type!(
    /// A port: a queue of packets from many objects.
    Port
);

impl Port {
    /// A new, empty port.
    pub fn create() -> Result<Port, Error> {
        sys::port_create().map(|h| Port(Handle::from_raw(h)))
    }

    /// Take the next packet, waiting until `deadline`.
    pub fn wait(&self, deadline: Deadline) -> Result<PortPacket, Error> {
        sys::port_wait(self.0.raw(), deadline.instant())
    }

    /// Queue a user packet (wakes a waiter, from any thread).
    pub fn queue(&self, key: u64, payload: [u64; 4]) -> Result<(), Error> {
        let packet =
            PortPacket { key, kind: PacketKind::User as u32, user: payload, ..PortPacket::default() };
        sys::port_queue(self.0.raw(), &packet)
    }

    /// Queue one packet when any of `signals` is raised on `object`.
    pub fn watch(&self, object: &impl AsHandle, key: u64, signals: Signals) -> Result<(), Error> {
        sys::object_wait_async(object.as_handle().raw(), self.0.raw(), key, signals)
    }
}

/// A key naming one entry of a [`WaitSet`].
pub type Key = u64;

/// What [`WaitSet::wait`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ready {
    /// A watched handle raised signals.
    Signals {
        /// Which entry.
        key: Key,
        /// Signals observed when it fired.
        observed: Signals,
    },
    /// A user packet (from [`WaitSet::port`]`.queue`).
    User {
        /// The packet key.
        key: Key,
        /// Its payload.
        payload: [u64; 4],
    },
}

struct Entry {
    handle: HandleValue,
    signals: Signals,
    armed: bool,
}

/// Watches many handles through one port. Each `wait` returns one ready
/// entry; the entry is re-armed on the next `wait`, so a handle that is
/// still readable is reported again (level-triggered).
pub struct WaitSet {
    port: Port,
    entries: BTreeMap<Key, Entry>,
    next_key: Key,
}

/// Keys at or above this value are free for user packets.
pub const USER_KEYS: Key = 1 << 62;

impl WaitSet {
    /// An empty set.
    pub fn new() -> Result<WaitSet, Error> {
        Ok(WaitSet { port: Port::create()?, entries: BTreeMap::new(), next_key: 1 })
    }

    /// The port underneath (to queue user packets from other threads).
    pub fn port(&self) -> &Port {
        &self.port
    }

    /// Watch `object` for `signals`. The caller keeps the handle alive for
    /// as long as the entry exists.
    pub fn add(&mut self, object: &impl AsHandle, signals: Signals) -> Result<Key, Error> {
        let key = self.next_key;
        self.next_key += 1;
        let handle = object.as_handle().raw();
        sys::object_wait_async(handle, self.port.0.raw(), key, signals)?;
        self.entries.insert(key, Entry { handle, signals, armed: true });
        Ok(key)
    }

    /// Stop watching an entry.
    pub fn remove(&mut self, key: Key) {
        if let Some(entry) = self.entries.remove(&key) {
            let _ = sys::port_cancel(entry.handle, self.port.0.raw(), key);
        }
    }

    /// Wait for the next ready entry or user packet.
    pub fn wait(&mut self, deadline: Deadline) -> Result<Ready, Error> {
        for (&key, entry) in self.entries.iter_mut() {
            if !entry.armed {
                sys::object_wait_async(entry.handle, self.port.0.raw(), key, entry.signals)?;
                entry.armed = true;
            }
        }
        loop {
            let packet = self.port.wait(deadline)?;
            if packet.kind == PacketKind::User as u32 {
                return Ok(Ready::User { key: packet.key, payload: packet.user });
            }
            // Packets for removed entries are stale: skip them.
            if let Some(entry) = self.entries.get_mut(&packet.key) {
                entry.armed = false;
                return Ok(Ready::Signals {
                    key: packet.key,
                    observed: Signals::from_bits_truncate(packet.observed),
                });
            }
        }
    }
}
