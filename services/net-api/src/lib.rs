//! weft-net-api — how programs reach the network: `weft.net` and socket capabilities.
//!
//! A connection to `weft.net` lets a program ask for sockets, resolve
//! names, ping and read the network's state. Every socket it gets is a
//! capability of its own: a new channel speaking [`TcpProtocol`],
//! [`ListenerProtocol`] or [`UdpProtocol`], which can be passed to another
//! program and is closed by dropping it. What a program may ask for is
//! its *network entitlement*, the grants on its `weft.net` route (see
//! [`grant`]); a program without a `weft.net` route cannot reach the
//! network at all.
//!
//! The same protocol is served by the smoltcp stack on the kernel
//! (`services/net`) and by host sockets in hosted mode, so programs do not
//! change between them. `docs/net.md` specifies it.
#![no_std]

extern crate alloc;

mod client;
pub mod http;

pub use client::{Net, Tcp, TcpListener, Udp};
pub use core::net::{Ipv4Addr, SocketAddrV4};

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use weft_ipc::Protocol;

/// The network protocol.
pub enum NetProtocol {}

impl Protocol for NetProtocol {
    const NAME: &'static str = "weft.net";
    const VERSION: u16 = 1;
    type Request = NetRequest;
    type Response = NetResponse;
    type Event = ();
}

/// Most payload bytes one socket request or response carries.
pub const MAX_CHUNK: u32 = 32 * 1024;
/// Longest host name, in bytes.
pub const MAX_NAME: usize = 253;

/// The grants on a `weft.net` route: a program's network entitlement.
pub mod grant {
    /// Connect out (TCP), send and receive UDP from an ephemeral port,
    /// resolve names and ping.
    pub const OUTBOUND: &str = "outbound";
    /// `listen:<port>` accepts TCP connections (and binds UDP) on that
    /// port; `listen:*` on any port.
    pub const LISTEN_PREFIX: &str = "listen:";
    /// Change the network's configuration (DNS servers).
    pub const CONFIGURE: &str = "configure";

    /// Whether `grants` allow listening on `port`.
    pub fn may_listen(grants: &[alloc::string::String], port: u16) -> bool {
        grants.iter().filter_map(|g| g.strip_prefix(LISTEN_PREFIX)).any(|p| p == "*" || p.parse() == Ok(port))
    }

    /// Whether `grants` allow `request`: `Err(NetError::Denied(grant))`
    /// naming the grant it needs if not. Every server of `weft.net` checks
    /// requests with this, so the entitlement means the same everywhere.
    pub fn check(
        request: &crate::NetRequest,
        grants: &[alloc::string::String],
    ) -> Result<(), crate::NetError> {
        use crate::NetRequest;
        use alloc::format;
        let has = |grant: &str| grants.iter().any(|g| g == grant);
        let needed = match request {
            NetRequest::Status => return Ok(()),
            NetRequest::Resolve { .. } | NetRequest::Connect { .. } | NetRequest::Ping { .. } => {
                if has(OUTBOUND) {
                    return Ok(());
                }
                alloc::string::String::from(OUTBOUND)
            }
            NetRequest::Listen { port } => {
                if may_listen(grants, *port) {
                    return Ok(());
                }
                format!("{LISTEN_PREFIX}{port}")
            }
            // An ephemeral UDP port is an outbound socket; a chosen one is
            // listening.
            NetRequest::Bind { port: 0 } => {
                if has(OUTBOUND) {
                    return Ok(());
                }
                alloc::string::String::from(OUTBOUND)
            }
            NetRequest::Bind { port } => {
                if may_listen(grants, *port) {
                    return Ok(());
                }
                format!("{LISTEN_PREFIX}{port}")
            }
            NetRequest::SetDns { .. } => {
                if has(CONFIGURE) {
                    return Ok(());
                }
                alloc::string::String::from(CONFIGURE)
            }
        };
        Err(crate::NetError::Denied(needed))
    }
}

/// Most sockets (of every kind) one network service keeps open.
pub const MAX_SOCKETS: usize = 128;
/// Most DNS servers [`NetRequest::SetDns`] takes.
pub const MAX_DNS_SERVERS: usize = 8;

/// What every server of `weft.net` checks before it acts on `request`:
/// the entitlement ([`grant::check`]) and the request's own fields.
/// `Ok(Some(answer))` is the whole answer, needing no network (a dotted
/// quad resolves to itself); `Ok(None)`: the server carries it out.
pub fn screen(request: &NetRequest, grants: &[String]) -> Result<Option<NetResponse>, NetError> {
    use alloc::format;
    grant::check(request, grants)?;
    match request {
        NetRequest::Resolve { name } => {
            if name.is_empty() || name.len() > MAX_NAME {
                return Err(NetError::Invalid(format!("a host name is 1 to {MAX_NAME} bytes")));
            }
            if let Ok(address) = name.parse::<Ipv4Addr>() {
                return Ok(Some(NetResponse::Addresses(alloc::vec![address])));
            }
        }
        NetRequest::Connect { to, .. } => {
            let ip = to.ip();
            if to.port() == 0 || ip.is_unspecified() || ip.is_broadcast() || ip.is_multicast() {
                return Err(NetError::Invalid(format!("cannot connect to {to}")));
            }
        }
        NetRequest::Listen { port: 0 } => return Err(NetError::Invalid("listen on port 1 to 65535".into())),
        NetRequest::SetDns { servers } if servers.len() > MAX_DNS_SERVERS => {
            return Err(NetError::Invalid(format!("at most {MAX_DNS_SERVERS} DNS servers")));
        }
        _ => {}
    }
    Ok(None)
}

/// Requests on `weft.net` (all are calls).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NetRequest {
    /// Interfaces, lease, routes and DNS servers.
    Status,
    /// The IPv4 addresses of a host name (or of a dotted quad, at once).
    Resolve {
        /// Host name, at most [`MAX_NAME`] bytes.
        name: String,
    },
    /// Open a TCP connection; answered once it is established, with a
    /// [`TcpProtocol`] channel attached.
    Connect {
        /// Where to.
        to: SocketAddrV4,
        /// Give up after this long (0: the service's default, 20 s).
        timeout_ms: u32,
    },
    /// Accept TCP connections on `port`; a [`ListenerProtocol`] channel is
    /// attached to the answer.
    Listen {
        /// Local port (1..=65535).
        port: u16,
    },
    /// A UDP socket on `port` (0: an ephemeral port); a [`UdpProtocol`]
    /// channel is attached to the answer.
    Bind {
        /// Local port.
        port: u16,
    },
    /// One ICMP echo request; answered with the reply or a timeout.
    Ping {
        /// Whom.
        to: Ipv4Addr,
        /// Echo sequence number.
        sequence: u16,
        /// Payload bytes (at most 1024).
        size: u16,
        /// How long to wait for the reply (0: 2 s).
        timeout_ms: u32,
    },
    /// Use these DNS servers instead of the lease's (empty: the lease's
    /// again). Needs [`grant::CONFIGURE`].
    SetDns {
        /// Servers, tried in order.
        servers: Vec<SocketAddrV4>,
    },
}

/// Answers on `weft.net`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NetResponse {
    /// The network's state.
    Status(NetStatus),
    /// Addresses of the name.
    Addresses(Vec<Ipv4Addr>),
    /// A connected TCP socket is attached.
    Connected {
        /// Our end.
        local: SocketAddrV4,
        /// Their end.
        remote: SocketAddrV4,
    },
    /// A listener is attached.
    Listening {
        /// The local address it accepts on.
        local: SocketAddrV4,
    },
    /// A UDP socket is attached.
    Bound {
        /// Its local address.
        local: SocketAddrV4,
    },
    /// The echo reply.
    Pong {
        /// Round trip, in microseconds.
        rtt_us: u64,
        /// Payload bytes echoed.
        size: u16,
    },
    /// Done.
    Done,
    /// Refused or failed.
    Error(NetError),
}

/// The network's state, as `net` shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetStatus {
    /// Interfaces.
    pub interfaces: Vec<Interface>,
    /// The DHCP lease, if there is one.
    pub lease: Option<Lease>,
    /// Routes: destination network and gateway.
    pub routes: Vec<Route>,
    /// DNS servers in use.
    pub dns: Vec<SocketAddrV4>,
    /// Open sockets (TCP, listeners, UDP).
    pub sockets: u32,
    /// Frames moved since the service started.
    pub frames_sent: u64,
    /// Frames moved since the service started.
    pub frames_received: u64,
}

/// One interface.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interface {
    /// Name (`virtio-net-0`, `host`).
    pub name: String,
    /// Hardware address (zeros when there is none).
    pub mac: [u8; 6],
    /// Largest IP packet.
    pub mtu: u16,
    /// Link up.
    pub up: bool,
    /// Addresses with their prefix length.
    pub addresses: Vec<(Ipv4Addr, u8)>,
}

/// A DHCP lease.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    /// Our address.
    pub address: Ipv4Addr,
    /// Network prefix length.
    pub prefix: u8,
    /// Default gateway.
    pub router: Option<Ipv4Addr>,
    /// DNS servers offered.
    pub dns: Vec<Ipv4Addr>,
    /// Seconds since the lease was obtained or last renewed.
    pub age_s: u64,
    /// Seconds the lease was granted for.
    pub duration_s: u64,
    /// How many times it was renewed.
    pub renewals: u32,
}

/// One route.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// Destination network.
    pub network: Ipv4Addr,
    /// Its prefix length (0: the default route).
    pub prefix: u8,
    /// Gateway (`None`: on link).
    pub via: Option<Ipv4Addr>,
}

/// What went wrong, in words a person can act on (see `Display`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NetError {
    /// The program's entitlement does not allow it; names the grant needed.
    Denied(String),
    /// No address yet (no lease, no link).
    NoNetwork,
    /// The name does not exist, or no server answered for it.
    NotFound(String),
    /// Nothing answered in time.
    TimedOut,
    /// The peer refused or reset the connection.
    Refused,
    /// The socket is closed (by us or the peer).
    Closed,
    /// The port is taken.
    InUse(u16),
    /// The request is malformed (says how).
    Invalid(String),
    /// The service has no room for another socket.
    Exhausted,
    /// The request does not apply to this kind of socket.
    WrongSocket,
}

impl core::fmt::Display for NetError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            NetError::Denied(grant) => {
                write!(f, "not allowed: this program lacks the `{grant}` network entitlement")
            }
            NetError::NoNetwork => write!(f, "no network (no address yet)"),
            NetError::NotFound(name) => write!(f, "{name}: no such host"),
            NetError::TimedOut => write!(f, "timed out"),
            NetError::Refused => write!(f, "connection refused"),
            NetError::Closed => write!(f, "connection closed"),
            NetError::InUse(port) => write!(f, "port {port} is in use"),
            NetError::Invalid(why) => write!(f, "invalid request: {why}"),
            NetError::Exhausted => write!(f, "too many open sockets"),
            NetError::WrongSocket => write!(f, "not possible on this kind of socket"),
        }
    }
}

/// A connected TCP socket (`weft.net.tcp`).
pub enum TcpProtocol {}

impl Protocol for TcpProtocol {
    const NAME: &'static str = "weft.net.tcp";
    const VERSION: u16 = 1;
    type Request = TcpRequest;
    type Response = SocketResponse;
    type Event = ();
}

/// Requests on a TCP socket (all are calls).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TcpRequest {
    /// Queue bytes (at most [`MAX_CHUNK`]); answered with how many were
    /// taken once at least one was (the rest must be sent again).
    Write(#[serde(with = "weft_ipc::bytes")] Vec<u8>),
    /// Up to `max` bytes, answered once some arrived; empty at the end of
    /// the stream.
    Read {
        /// Most bytes wanted (at most [`MAX_CHUNK`]).
        max: u32,
    },
    /// No more writes from us (the peer reads the end of the stream);
    /// answered once everything written was acknowledged.
    Shutdown,
}

/// Answers on socket channels.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SocketResponse {
    /// Bytes taken for sending.
    Written(u32),
    /// Bytes read (empty: end of stream).
    Data(#[serde(with = "weft_ipc::bytes")] Vec<u8>),
    /// A connection was accepted; its [`TcpProtocol`] channel is attached.
    Accepted {
        /// Our end.
        local: SocketAddrV4,
        /// Their end.
        remote: SocketAddrV4,
    },
    /// A datagram.
    Datagram {
        /// Who sent it.
        from: SocketAddrV4,
        /// Its payload.
        #[serde(with = "weft_ipc::bytes")]
        data: Vec<u8>,
    },
    /// Done.
    Done,
    /// Failed.
    Error(NetError),
}

/// A listening TCP socket (`weft.net.listener`).
pub enum ListenerProtocol {}

impl Protocol for ListenerProtocol {
    const NAME: &'static str = "weft.net.listener";
    const VERSION: u16 = 1;
    type Request = ListenerRequest;
    type Response = SocketResponse;
    type Event = ();
}

/// Requests on a listener.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListenerRequest {
    /// The next connection, answered when one is established.
    Accept,
}

/// A UDP socket (`weft.net.udp`).
pub enum UdpProtocol {}

impl Protocol for UdpProtocol {
    const NAME: &'static str = "weft.net.udp";
    const VERSION: u16 = 1;
    type Request = UdpRequest;
    type Response = SocketResponse;
    type Event = ();
}

/// Requests on a UDP socket (all are calls).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UdpRequest {
    /// Send one datagram (at most 1472 bytes).
    SendTo {
        /// Whom.
        to: SocketAddrV4,
        /// Payload.
        #[serde(with = "weft_ipc::bytes")]
        data: Vec<u8>,
    },
    /// The next datagram, answered when one arrives.
    Receive,
}

/// Largest UDP payload that fits one Ethernet frame.
pub const MAX_DATAGRAM: usize = 1472;

/// Parse `a.b.c.d:port`.
pub fn parse_socket_address(text: &str) -> Option<SocketAddrV4> {
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;
    use alloc::vec;

    #[test]
    fn listen_grants() {
        let grants = vec!["listen:8080".to_string(), "outbound".to_string()];
        assert!(grant::may_listen(&grants, 8080));
        assert!(!grant::may_listen(&grants, 8081));
        assert!(grant::may_listen(&["listen:*".to_string()], 1));
        assert!(!grant::may_listen(&["listen:".to_string()], 0));
    }

    #[test]
    fn requests_need_their_grants() {
        let grants = |list: &[&str]| list.iter().map(|g| g.to_string()).collect::<alloc::vec::Vec<_>>();
        let denied = |grant: &str| Err(NetError::Denied(grant.to_string()));
        let to = SocketAddrV4::new(Ipv4Addr::new(10, 0, 2, 2), 80);
        let connect = NetRequest::Connect { to, timeout_ms: 0 };
        assert_eq!(grant::check(&NetRequest::Status, &[]), Ok(()));
        assert_eq!(grant::check(&connect, &[]), denied("outbound"));
        assert_eq!(grant::check(&connect, &grants(&["outbound"])), Ok(()));
        let resolve = NetRequest::Resolve { name: "a".into() };
        assert_eq!(grant::check(&resolve, &grants(&["listen:*"])), denied("outbound"));
        let ping = NetRequest::Ping { to: *to.ip(), sequence: 1, size: 8, timeout_ms: 0 };
        assert_eq!(grant::check(&ping, &grants(&["configure"])), denied("outbound"));
        let listen = |port| NetRequest::Listen { port };
        assert_eq!(grant::check(&listen(1234), &grants(&["listen:1234"])), Ok(()));
        assert_eq!(grant::check(&listen(1235), &grants(&["listen:1234", "outbound"])), denied("listen:1235"));
        assert_eq!(grant::check(&NetRequest::Bind { port: 0 }, &grants(&["listen:*"])), denied("outbound"));
        assert_eq!(grant::check(&NetRequest::Bind { port: 0 }, &grants(&["outbound"])), Ok(()));
        assert_eq!(grant::check(&NetRequest::Bind { port: 53 }, &grants(&["outbound"])), denied("listen:53"));
        assert_eq!(grant::check(&NetRequest::Bind { port: 53 }, &grants(&["listen:*"])), Ok(()));
        let dns = NetRequest::SetDns { servers: alloc::vec::Vec::new() };
        assert_eq!(grant::check(&dns, &grants(&["outbound"])), denied("configure"));
        assert_eq!(grant::check(&dns, &grants(&["configure"])), Ok(()));
    }

    #[test]
    fn addresses_travel_as_four_bytes_and_a_port() {
        let to = SocketAddrV4::new(Ipv4Addr::new(10, 0, 2, 2), 80);
        let bytes = postcard::to_allocvec(&NetRequest::Connect { to, timeout_ms: 0 }).unwrap();
        assert_eq!(bytes, [2, 10, 0, 2, 2, 80, 0]);
        assert_eq!(
            postcard::from_bytes::<NetRequest>(&bytes).unwrap(),
            NetRequest::Connect { to, timeout_ms: 0 }
        );
    }
}
