//! The socket capabilities the service has handed out, by the wait-set key
//! of their channel, with the request each one is waiting on.

use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;
use smoltcp::iface::SocketHandle;
use weft_rt::Key;

/// A connected TCP socket.
pub struct TcpEntry {
    /// The smoltcp socket.
    pub handle: SocketHandle,
    /// A read waiting for data: its transaction and most bytes.
    pub read: Option<(u32, u32)>,
    /// A write waiting for room: its transaction and bytes.
    pub write: Option<(u32, Vec<u8>)>,
    /// A shutdown waiting for the peer to acknowledge everything.
    pub shutdown: Option<u32>,
}

impl TcpEntry {
    /// A socket with nothing pending.
    pub fn new(handle: SocketHandle) -> TcpEntry {
        TcpEntry { handle, read: None, write: None, shutdown: None }
    }
}

/// A listener: sockets listening on its port, connections ready to be
/// accepted, and an accept waiting for one.
pub struct ListenerEntry {
    /// The port.
    pub port: u16,
    /// smoltcp sockets in `Listen` (each takes one connection).
    pub listening: Vec<SocketHandle>,
    /// Connections established and not yet accepted.
    pub ready: VecDeque<SocketHandle>,
    /// An accept waiting.
    pub accept: Option<u32>,
}

/// A UDP socket.
pub struct UdpEntry {
    /// The smoltcp socket.
    pub handle: SocketHandle,
    /// Its port.
    pub port: u16,
    /// A receive waiting.
    pub receive: Option<u32>,
}

/// A connect in progress, for a `weft.net` client.
pub struct Connecting {
    /// The client's key and the call's transaction.
    pub client: Key,
    /// The call.
    pub txid: u32,
    /// The smoltcp socket.
    pub handle: SocketHandle,
    /// When to give up (ns since boot).
    pub deadline: u64,
}

/// An echo request in flight.
pub struct Pinging {
    /// The client's key.
    pub client: Key,
    /// The call.
    pub txid: u32,
    /// The echo sequence number.
    pub sequence: u16,
    /// When it was sent (ns since boot).
    pub sent: u64,
    /// When to give up.
    pub deadline: u64,
}

/// Every socket, by channel key.
#[derive(Default)]
pub struct Table {
    /// TCP sockets.
    pub tcp: BTreeMap<Key, TcpEntry>,
    /// Listeners.
    pub listeners: BTreeMap<Key, ListenerEntry>,
    /// UDP sockets.
    pub udp: BTreeMap<Key, UdpEntry>,
    /// Connects in progress.
    pub connecting: Vec<Connecting>,
    /// Pings in flight.
    pub pings: Vec<Pinging>,
}

impl Table {
    /// Sockets open (connected, listening, UDP, connecting).
    pub fn count(&self) -> usize {
        self.tcp.len() + self.listeners.len() + self.udp.len() + self.connecting.len()
    }

    /// Whether a listener or UDP socket holds `port`.
    pub fn port_taken(&self, port: u16) -> bool {
        self.listeners.values().any(|l| l.port == port) || self.udp.values().any(|u| u.port == port)
    }
}
