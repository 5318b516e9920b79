//! Client ends of `weft.net` and of the socket capabilities it hands out.

use alloc::string::String;
use alloc::vec::Vec;
use weft_ipc::{Client, IpcError, Protocol};
use weft_rt::{Channel, Deadline};

use crate::{
    ListenerProtocol, ListenerRequest, MAX_CHUNK, NetError, NetProtocol, NetRequest, NetResponse, NetStatus,
    SocketAddrV4, SocketResponse, TcpProtocol, TcpRequest, UdpProtocol, UdpRequest,
};
use core::net::Ipv4Addr;

fn lost(error: IpcError) -> NetError {
    match error {
        IpcError::Kernel(weft_abi::Error::TimedOut) => NetError::TimedOut,
        error if error.is_peer_closed() => NetError::Closed,
        error => NetError::Invalid(weft_ipc::describe(&error)),
    }
}

fn unexpected<T>(what: impl core::fmt::Debug) -> Result<T, NetError> {
    Err(NetError::Invalid(alloc::format!("unexpected answer {what:?}")))
}

/// The one handle a call attaches (a socket's channel).
fn socket<P: Protocol>(handles: Vec<weft_rt::Handle>) -> Result<Client<P>, NetError> {
    let handle = handles.into_iter().next().ok_or(NetError::Invalid("no socket attached".into()))?;
    Ok(Client::new(Channel::from_handle(handle)))
}

/// A connection to `weft.net`.
#[derive(Debug)]
pub struct Net {
    client: Client<NetProtocol>,
}

impl Net {
    /// Speak `weft.net` over `client`.
    pub fn new(client: Client<NetProtocol>) -> Net {
        Net { client }
    }

    /// Connect through the program's namespace.
    pub fn connect() -> Result<Net, String> {
        weft_ipc::connect::<NetProtocol>().map(Net::new).map_err(|e| alloc::format!("{e}"))
    }

    fn call(&self, request: &NetRequest) -> Result<(NetResponse, Vec<weft_rt::Handle>), NetError> {
        match self.client.call_with(request, Vec::new(), Deadline::INFINITE).map_err(lost)? {
            (NetResponse::Error(error), _) => Err(error),
            answer => Ok(answer),
        }
    }

    /// The network's state.
    pub fn status(&self) -> Result<NetStatus, NetError> {
        match self.call(&NetRequest::Status)?.0 {
            NetResponse::Status(status) => Ok(status),
            other => unexpected(other),
        }
    }

    /// The addresses of `name`.
    pub fn resolve(&self, name: &str) -> Result<Vec<Ipv4Addr>, NetError> {
        match self.call(&NetRequest::Resolve { name: String::from(name) })?.0 {
            NetResponse::Addresses(addresses) => Ok(addresses),
            other => unexpected(other),
        }
    }

    /// A TCP connection to `to`.
    pub fn connect_tcp(&self, to: SocketAddrV4, timeout_ms: u32) -> Result<Tcp, NetError> {
        match self.call(&NetRequest::Connect { to, timeout_ms })? {
            (NetResponse::Connected { local, remote }, handles) => {
                Ok(Tcp { client: socket(handles)?, local, remote })
            }
            (other, _) => unexpected(other),
        }
    }

    /// A TCP connection to `host:port`, resolving `host` first.
    pub fn connect_host(&self, host: &str, port: u16, timeout_ms: u32) -> Result<Tcp, NetError> {
        let addresses = self.resolve(host)?;
        let mut last = NetError::NotFound(String::from(host));
        for address in addresses {
            match self.connect_tcp(SocketAddrV4::new(address, port), timeout_ms) {
                Ok(tcp) => return Ok(tcp),
                Err(error) => last = error,
            }
        }
        Err(last)
    }

    /// Accept TCP connections on `port`.
    pub fn listen(&self, port: u16) -> Result<TcpListener, NetError> {
        match self.call(&NetRequest::Listen { port })? {
            (NetResponse::Listening { local }, handles) => {
                Ok(TcpListener { client: socket(handles)?, local })
            }
            (other, _) => unexpected(other),
        }
    }

    /// A UDP socket on `port` (0: ephemeral).
    pub fn bind_udp(&self, port: u16) -> Result<Udp, NetError> {
        match self.call(&NetRequest::Bind { port })? {
            (NetResponse::Bound { local }, handles) => Ok(Udp { client: socket(handles)?, local }),
            (other, _) => unexpected(other),
        }
    }

    /// One echo request; the round trip in microseconds.
    pub fn ping(&self, to: Ipv4Addr, sequence: u16, size: u16, timeout_ms: u32) -> Result<u64, NetError> {
        match self.call(&NetRequest::Ping { to, sequence, size, timeout_ms })?.0 {
            NetResponse::Pong { rtt_us, .. } => Ok(rtt_us),
            other => unexpected(other),
        }
    }

    /// Use `servers` for DNS (empty: the lease's).
    pub fn set_dns(&self, servers: Vec<SocketAddrV4>) -> Result<(), NetError> {
        match self.call(&NetRequest::SetDns { servers })?.0 {
            NetResponse::Done => Ok(()),
            other => unexpected(other),
        }
    }
}

fn socket_call<P: Protocol<Response = SocketResponse>>(
    client: &Client<P>,
    request: &P::Request,
    deadline: Deadline,
) -> Result<(SocketResponse, Vec<weft_rt::Handle>), NetError> {
    match client.call_with(request, Vec::new(), deadline).map_err(lost)? {
        (SocketResponse::Error(error), _) => Err(error),
        answer => Ok(answer),
    }
}

/// A connected TCP socket.
#[derive(Debug)]
pub struct Tcp {
    client: Client<TcpProtocol>,
    /// Our end.
    pub local: SocketAddrV4,
    /// Their end.
    pub remote: SocketAddrV4,
}

impl Tcp {
    /// Up to `max` bytes, waiting until `deadline`; empty at the end of
    /// the stream.
    pub fn read(&self, max: usize, deadline: Deadline) -> Result<Vec<u8>, NetError> {
        let max = max.min(MAX_CHUNK as usize) as u32;
        match socket_call(&self.client, &TcpRequest::Read { max }, deadline)?.0 {
            SocketResponse::Data(data) => Ok(data),
            other => unexpected(other),
        }
    }

    /// Send all of `bytes`.
    pub fn write_all(&self, mut bytes: &[u8], deadline: Deadline) -> Result<(), NetError> {
        while !bytes.is_empty() {
            let chunk = &bytes[..bytes.len().min(MAX_CHUNK as usize)];
            match socket_call(&self.client, &TcpRequest::Write(chunk.to_vec()), deadline)?.0 {
                SocketResponse::Written(0) => return Err(NetError::Closed),
                SocketResponse::Written(n) => bytes = &bytes[(n as usize).min(bytes.len())..],
                other => return unexpected(other),
            }
        }
        Ok(())
    }

    /// No more writes; returns once the peer has everything.
    pub fn shutdown(&self, deadline: Deadline) -> Result<(), NetError> {
        match socket_call(&self.client, &TcpRequest::Shutdown, deadline)?.0 {
            SocketResponse::Done => Ok(()),
            other => unexpected(other),
        }
    }

    /// The socket's channel (to pass it on).
    pub fn into_channel(self) -> Channel {
        self.client.into_channel()
    }
}

/// A listening TCP socket.
#[derive(Debug)]
pub struct TcpListener {
    client: Client<ListenerProtocol>,
    /// Where it accepts.
    pub local: SocketAddrV4,
}

impl TcpListener {
    /// The next connection.
    pub fn accept(&self, deadline: Deadline) -> Result<Tcp, NetError> {
        match socket_call(&self.client, &ListenerRequest::Accept, deadline)? {
            (SocketResponse::Accepted { local, remote }, handles) => {
                Ok(Tcp { client: socket(handles)?, local, remote })
            }
            (other, _) => unexpected(other),
        }
    }
}

/// A UDP socket.
#[derive(Debug)]
pub struct Udp {
    client: Client<UdpProtocol>,
    /// Its local address.
    pub local: SocketAddrV4,
}

impl Udp {
    /// Send one datagram.
    pub fn send_to(&self, to: SocketAddrV4, data: &[u8]) -> Result<(), NetError> {
        match socket_call(&self.client, &UdpRequest::SendTo { to, data: data.to_vec() }, Deadline::INFINITE)?
            .0
        {
            SocketResponse::Done => Ok(()),
            other => unexpected(other),
        }
    }

    /// The next datagram.
    pub fn receive(&self, deadline: Deadline) -> Result<(SocketAddrV4, Vec<u8>), NetError> {
        match socket_call(&self.client, &UdpRequest::Receive, deadline)?.0 {
            SocketResponse::Datagram { from, data } => Ok((from, data)),
            other => unexpected(other),
        }
    }
}
