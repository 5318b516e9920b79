//! The service loop: `weft.net` clients, their socket channels, and the
//! completions of host I/O.

use std::collections::BTreeMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, TcpListener, TcpStream, UdpSocket};
use std::sync::Arc;
use std::time::Duration;

use weft_abi::Rights;
use weft_ipc::program::ProgramError;
use weft_ipc::{ClientInfo, Clients, Connection, Incoming, LoopEvent, Protocol, ServiceLoop, Startup};
use weft_net_api::{
    ListenerProtocol, ListenerRequest, MAX_CHUNK, MAX_DATAGRAM, MAX_SOCKETS, NetError, NetProtocol,
    NetRequest, NetResponse, NetStatus, SocketResponse, TcpProtocol, TcpRequest, UdpProtocol, UdpRequest,
};
use weft_rt::{Channel, Deadline, Handle, Key, Port, Signals};

use crate::completions::{Completions, Done, WAKE_KEY};
use crate::host;
use crate::sockets::{ListenerSocket, TcpSocket, UdpEntry, v4};

/// Most sockets (of every kind, connects in flight included) open at once.
/// How long a connect may take unless the client says otherwise.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a ping waits unless the client says otherwise.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// The whole service.
struct Service {
    events: ServiceLoop,
    api: Clients<NetProtocol>,
    tcp: Clients<TcpProtocol>,
    listeners: Clients<ListenerProtocol>,
    udp: Clients<UdpProtocol>,
    tcp_sockets: BTreeMap<Key, TcpSocket>,
    listener_sockets: BTreeMap<Key, ListenerSocket>,
    udp_sockets: BTreeMap<Key, UdpEntry>,
    /// Connects in flight.
    connecting: usize,
    /// DNS servers set by `SetDns` or the `dns` argument (empty: the
    /// host's resolver).
    dns_override: Vec<SocketAddrV4>,
    done: Arc<Completions>,
}

impl Drop for Service {
    fn drop(&mut self) {
        // The bridge ends; the sockets, dropped next, end their threads.
        self.done.close();
    }
}

/// Reply to a deferred call on whichever client set holds `key`.
fn reply<P: Protocol>(
    clients: &Clients<P>,
    key: Key,
    txid: u32,
    response: &P::Response,
    handles: Vec<Handle>,
) {
    if let Some(connection) = clients.get(key) {
        let _ = connection.reply_with(txid, response, handles);
    }
}

/// A new socket channel of protocol `P` for `client`: our end is served,
/// theirs is returned to attach to the answer.
fn adopt<P: Protocol>(
    waitset: &mut weft_rt::WaitSet,
    clients: &mut Clients<P>,
    client: &ClientInfo,
) -> Result<(Key, Handle), NetError> {
    let (ours, theirs) = Channel::create().map_err(|_| NetError::Exhausted)?;
    let key = clients.add(waitset, ours, client.clone()).map_err(|_| NetError::Exhausted)?;
    Ok((key, theirs.into_handle()))
}

/// Why a connect failed, as a program sees it.
fn connect_error(to: SocketAddrV4, error: &io::Error) -> NetError {
    match error.kind() {
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionReset => NetError::Refused,
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock | io::ErrorKind::HostUnreachable => {
            NetError::TimedOut
        }
        io::ErrorKind::NetworkUnreachable => NetError::NoNetwork,
        _ => NetError::Invalid(format!("cannot connect to {to}: {error}")),
    }
}

/// Why a listen or bind on `port` failed.
fn bind_error(port: u16, error: &io::Error) -> NetError {
    match error.kind() {
        io::ErrorKind::AddrInUse => NetError::InUse(port),
        io::ErrorKind::PermissionDenied => {
            NetError::Invalid(format!("the host does not let hosted Weft use port {port}"))
        }
        _ => NetError::Invalid(format!("port {port}: {error}")),
    }
}

/// Run `body` on a host thread of its own.
fn detach(name: &str, body: impl FnOnce() + Send + 'static) -> Result<(), NetError> {
    std::thread::Builder::new().name(name.into()).spawn(body).map(drop).map_err(|_| NetError::Exhausted)
}

impl Service {
    fn count(&self) -> usize {
        self.tcp_sockets.len() + self.listener_sockets.len() + self.udp_sockets.len() + self.connecting
    }

    fn handle_api(
        &mut self,
        key: Key,
        client: &ClientInfo,
        txid: u32,
        request: NetRequest,
    ) -> Option<(NetResponse, Vec<Handle>)> {
        let answer = |r: Result<NetResponse, NetError>| match r {
            Ok(response) => Some((response, Vec::new())),
            Err(error) => Some((NetResponse::Error(error), Vec::new())),
        };
        match weft_net_api::screen(&request, &client.grants) {
            Err(error) => return answer(Err(error)),
            Ok(Some(response)) => return answer(Ok(response)),
            Ok(None) => {}
        }
        match request {
            NetRequest::Status => answer(Ok(NetResponse::Status(self.status()))),
            NetRequest::Resolve { name } => {
                if txid == 0 {
                    return None;
                }
                let (done, servers) = (Arc::clone(&self.done), self.dns_override.clone());
                let started = detach("net-resolve", move || {
                    let result = host::resolve(&name, &servers);
                    done.push(Done::Resolved { client: key, txid, result });
                });
                started.err().and_then(|error| answer(Err(error)))
            }
            NetRequest::Connect { to, timeout_ms } => {
                if self.count() >= MAX_SOCKETS {
                    return answer(Err(NetError::Exhausted));
                }
                if txid == 0 {
                    return None;
                }
                let timeout = if timeout_ms == 0 {
                    CONNECT_TIMEOUT
                } else {
                    Duration::from_millis(u64::from(timeout_ms))
                };
                let done = Arc::clone(&self.done);
                let started = detach("net-connect", move || {
                    let result = TcpStream::connect_timeout(&SocketAddr::V4(to), timeout)
                        .map_err(|error| connect_error(to, &error));
                    done.push(Done::Connected { client: key, txid, result });
                });
                match started {
                    Ok(()) => {
                        self.connecting += 1;
                        None
                    }
                    Err(error) => answer(Err(error)),
                }
            }
            NetRequest::Listen { port } => {
                if self.listener_sockets.values().any(|l| l.port == port) {
                    return answer(Err(NetError::InUse(port)));
                }
                if self.count() >= MAX_SOCKETS {
                    return answer(Err(NetError::Exhausted));
                }
                let listener = match TcpListener::bind((Ipv4Addr::UNSPECIFIED, port)) {
                    Ok(listener) => listener,
                    Err(error) => return answer(Err(bind_error(port, &error))),
                };
                let local = v4(listener.local_addr());
                let (socket_key, channel) = match adopt(&mut self.events.waitset, &mut self.listeners, client)
                {
                    Ok(adopted) => adopted,
                    Err(error) => return answer(Err(error)),
                };
                match ListenerSocket::start(socket_key, listener, &self.done) {
                    Ok(socket) => {
                        self.listener_sockets.insert(socket_key, socket);
                        weft_rt::info!("net: {} listens on port {port}", client.name);
                        Some((NetResponse::Listening { local }, vec![channel]))
                    }
                    Err(error) => {
                        self.listeners.remove(&mut self.events.waitset, socket_key);
                        answer(Err(error))
                    }
                }
            }
            NetRequest::Bind { port } => {
                if self.count() >= MAX_SOCKETS {
                    return answer(Err(NetError::Exhausted));
                }
                if port != 0 && self.udp_sockets.values().any(|u| u.port == port) {
                    return answer(Err(NetError::InUse(port)));
                }
                let socket = match UdpSocket::bind((Ipv4Addr::UNSPECIFIED, port)) {
                    Ok(socket) => socket,
                    Err(error) => return answer(Err(bind_error(port, &error))),
                };
                // smoltcp sends to the broadcast address too.
                let _ = socket.set_broadcast(true);
                let local = v4(socket.local_addr());
                let (socket_key, channel) = match adopt(&mut self.events.waitset, &mut self.udp, client) {
                    Ok(adopted) => adopted,
                    Err(error) => return answer(Err(error)),
                };
                match UdpEntry::start(socket_key, socket, &self.done) {
                    Ok(socket) => {
                        self.udp_sockets.insert(socket_key, socket);
                        Some((NetResponse::Bound { local }, vec![channel]))
                    }
                    Err(error) => {
                        self.udp.remove(&mut self.events.waitset, socket_key);
                        answer(Err(error))
                    }
                }
            }
            NetRequest::Ping { to, sequence, size, timeout_ms } => {
                if txid == 0 {
                    return None;
                }
                let timeout =
                    if timeout_ms == 0 { PING_TIMEOUT } else { Duration::from_millis(u64::from(timeout_ms)) };
                let done = Arc::clone(&self.done);
                let started = detach("net-ping", move || {
                    let result = host::ping(to, sequence, size, timeout);
                    done.push(Done::Ponged { client: key, txid, result });
                });
                started.err().and_then(|error| answer(Err(error)))
            }
            NetRequest::SetDns { servers } => {
                weft_rt::info!(
                    "net: DNS servers set by {}: {}",
                    client.name,
                    if servers.is_empty() {
                        String::from("the host's resolver")
                    } else {
                        servers.iter().map(|s| format!("{s}")).collect::<Vec<_>>().join(", ")
                    }
                );
                self.dns_override = servers;
                answer(Ok(NetResponse::Done))
            }
        }
    }

    fn status(&self) -> NetStatus {
        let routes = host::routes();
        let interface = host::interface(&routes);
        NetStatus {
            interfaces: vec![interface],
            lease: None,
            routes: routes.into_iter().map(|(_, route)| route).collect(),
            dns: if self.dns_override.is_empty() { host::resolv_conf() } else { self.dns_override.clone() },
            sockets: self.count() as u32,
            frames_sent: 0,
            frames_received: 0,
        }
    }

    fn handle_tcp(&mut self, key: Key, txid: u32, request: TcpRequest) -> Option<SocketResponse> {
        let Some(socket) = self.tcp_sockets.get_mut(&key) else {
            return Some(SocketResponse::Error(NetError::Closed));
        };
        let busy = Some(SocketResponse::Error(NetError::Invalid("one call of each kind at a time".into())));
        let started = match request {
            TcpRequest::Read { max } => {
                if socket.reading {
                    return busy;
                }
                socket.read(txid, max.clamp(1, MAX_CHUNK))
            }
            TcpRequest::Write(data) => {
                if socket.writing || socket.shutting {
                    return busy;
                }
                if data.len() > MAX_CHUNK as usize {
                    return Some(SocketResponse::Error(NetError::Invalid("write at most 32 KiB".into())));
                }
                socket.write(txid, data)
            }
            TcpRequest::Shutdown => {
                if socket.shutting {
                    return busy;
                }
                socket.shutdown(txid)
            }
        };
        started.err().map(SocketResponse::Error)
    }

    fn handle_listener(&mut self, key: Key, txid: u32, request: ListenerRequest) -> Option<SocketResponse> {
        let socket = self.listener_sockets.get_mut(&key)?;
        match request {
            ListenerRequest::Accept => {
                if socket.accepting {
                    return Some(SocketResponse::Error(NetError::Invalid("one accept at a time".into())));
                }
                socket.accept(txid).err().map(SocketResponse::Error)
            }
        }
    }

    fn handle_udp(&mut self, key: Key, txid: u32, request: UdpRequest) -> Option<SocketResponse> {
        let socket = self.udp_sockets.get_mut(&key)?;
        match request {
            UdpRequest::SendTo { to, data } => {
                if data.len() > MAX_DATAGRAM {
                    return Some(SocketResponse::Error(NetError::Invalid(format!(
                        "a datagram is at most {MAX_DATAGRAM} bytes"
                    ))));
                }
                Some(match socket.send_to(to, &data) {
                    Ok(()) => SocketResponse::Done,
                    Err(error) => SocketResponse::Error(error),
                })
            }
            UdpRequest::Receive => {
                if socket.receiving {
                    return Some(SocketResponse::Error(NetError::Invalid("one receive at a time".into())));
                }
                socket.receive(txid).err().map(SocketResponse::Error)
            }
        }
    }

    /// Serve a connected stream as a new TCP socket of `client`: its key
    /// and the channel to hand over.
    fn serve_stream(&mut self, client: &ClientInfo, stream: TcpStream) -> Result<(Key, Handle), NetError> {
        let (key, channel) = adopt(&mut self.events.waitset, &mut self.tcp, client)?;
        match TcpSocket::start(key, stream, &self.done) {
            Ok(socket) => {
                self.tcp_sockets.insert(key, socket);
                Ok((key, channel))
            }
            Err(error) => {
                self.tcp.remove(&mut self.events.waitset, key);
                Err(error)
            }
        }
    }

    /// Answer the calls whose host I/O finished.
    fn complete(&mut self) {
        for done in self.done.drain() {
            match done {
                Done::Connected { client, txid, result } => {
                    self.connecting = self.connecting.saturating_sub(1);
                    // A client that went away meanwhile: the stream drops.
                    let Some(info) = self.api.get(client).map(|c| c.client.clone()) else { continue };
                    let answer = result.and_then(|stream| {
                        let (local, remote) = (v4(stream.local_addr()), v4(stream.peer_addr()));
                        self.serve_stream(&info, stream).map(|(_, channel)| (local, remote, channel))
                    });
                    match answer {
                        Ok((local, remote, channel)) => {
                            reply(
                                &self.api,
                                client,
                                txid,
                                &NetResponse::Connected { local, remote },
                                vec![channel],
                            );
                        }
                        Err(error) => reply(&self.api, client, txid, &NetResponse::Error(error), Vec::new()),
                    }
                }
                Done::Resolved { client, txid, result } => {
                    let response = match result {
                        Ok(addresses) => NetResponse::Addresses(addresses),
                        Err(error) => NetResponse::Error(error),
                    };
                    reply(&self.api, client, txid, &response, Vec::new());
                }
                Done::Ponged { client, txid, result } => {
                    let response = match result {
                        Ok((rtt_us, size)) => NetResponse::Pong { rtt_us, size },
                        Err(error) => NetResponse::Error(error),
                    };
                    reply(&self.api, client, txid, &response, Vec::new());
                }
                Done::Read { socket, txid, result } => {
                    let Some(entry) = self.tcp_sockets.get_mut(&socket) else { continue };
                    entry.reading = false;
                    let response = match result {
                        Ok(data) => SocketResponse::Data(data),
                        Err(error) => SocketResponse::Error(error),
                    };
                    reply(&self.tcp, socket, txid, &response, Vec::new());
                }
                Done::Written { socket, txid, result } => {
                    let Some(entry) = self.tcp_sockets.get_mut(&socket) else { continue };
                    entry.writing = false;
                    let response = match result {
                        Ok(n) => SocketResponse::Written(n),
                        Err(error) => SocketResponse::Error(error),
                    };
                    reply(&self.tcp, socket, txid, &response, Vec::new());
                }
                Done::ShutDown { socket, txid, result } => {
                    let Some(entry) = self.tcp_sockets.get_mut(&socket) else { continue };
                    entry.shutting = false;
                    let response = match result {
                        Ok(()) => SocketResponse::Done,
                        Err(error) => SocketResponse::Error(error),
                    };
                    reply(&self.tcp, socket, txid, &response, Vec::new());
                }
                Done::Accepted { socket, txid, result } => {
                    let Some(entry) = self.listener_sockets.get_mut(&socket) else { continue };
                    entry.accepting = false;
                    let Some(info) = self.listeners.get(socket).map(|c| c.client.clone()) else { continue };
                    let answer = result.and_then(|stream| {
                        let (local, remote) = (v4(stream.local_addr()), v4(stream.peer_addr()));
                        self.serve_stream(&info, stream).map(|(_, channel)| (local, remote, channel))
                    });
                    match answer {
                        Ok((local, remote, channel)) => {
                            let response = SocketResponse::Accepted { local, remote };
                            reply(&self.listeners, socket, txid, &response, vec![channel]);
                        }
                        Err(error) => {
                            reply(&self.listeners, socket, txid, &SocketResponse::Error(error), Vec::new());
                        }
                    }
                }
                Done::Received { socket, txid, result } => {
                    let Some(entry) = self.udp_sockets.get_mut(&socket) else { continue };
                    entry.receiving = false;
                    let response = match result {
                        Ok((from, data)) => SocketResponse::Datagram { from, data },
                        Err(error) => SocketResponse::Error(error),
                    };
                    reply(&self.udp, socket, txid, &response, Vec::new());
                }
            }
        }
    }

    /// A socket channel closed: close its host socket.
    fn forget(&mut self, key: Key) {
        self.tcp_sockets.remove(&key);
        self.listener_sockets.remove(&key);
        self.udp_sockets.remove(&key);
    }
}

/// Serve until the parent says stop.
pub fn run(startup: Startup) -> Result<(), ProgramError> {
    let events = ServiceLoop::new(&startup)?;
    let (done, woken) = Completions::new();
    let port = Port::from_handle(events.waitset.port().handle().duplicate(Rights::SAME)?);
    let bridge = Completions::bridge(woken, port)?;
    let dns_override: Vec<SocketAddrV4> = startup
        .arg("dns")
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let mut service = Service {
        events,
        api: Clients::new(),
        tcp: Clients::new(),
        listeners: Clients::new(),
        udp: Clients::new(),
        tcp_sockets: BTreeMap::new(),
        listener_sockets: BTreeMap::new(),
        udp_sockets: BTreeMap::new(),
        connecting: 0,
        dns_override,
        done,
    };
    let status = service.status();
    let addresses: Vec<String> =
        status.interfaces.iter().flat_map(|i| &i.addresses).map(|(a, p)| format!("{a}/{p}")).collect();
    weft_rt::info!(
        "net: on the host's sockets ({}), names from {}",
        addresses.join(", "),
        if service.dns_override.is_empty() { "the host's resolver" } else { "the servers set" }
    );
    service.events.ready()?;
    let result = serve_loop(&mut service);
    drop(service);
    let _ = bridge.join(Deadline::after(Duration::from_secs(1)));
    result
}

fn serve_loop(service: &mut Service) -> Result<(), ProgramError> {
    loop {
        match service.events.next(Deadline::INFINITE)? {
            LoopEvent::Stop => return Ok(()),
            LoopEvent::Connection { channel, client, .. } => {
                if let Err(error) = service.api.add(&mut service.events.waitset, channel, client) {
                    weft_rt::warn!("net: cannot take a connection: {error}");
                }
            }
            LoopEvent::Signals { key, observed } => serve(service, key, observed),
            LoopEvent::User { key: WAKE_KEY, .. } => service.complete(),
            LoopEvent::User { .. } | LoopEvent::TimedOut => {}
        }
    }
}

/// Take everything client `key` of `clients` sent; false once it is gone.
fn take<P: Protocol>(
    clients: &mut Clients<P>,
    waitset: &mut weft_rt::WaitSet,
    key: Key,
    observed: Signals,
) -> (Vec<(ClientInfo, Incoming<P>)>, bool) {
    let mut requests = Vec::new();
    let alive = clients.serve(waitset, key, observed, |connection: &Connection<P>, incoming| {
        requests.push((connection.client.clone(), incoming));
        None
    });
    (requests, alive)
}

/// Answer client `key` on whichever protocol it speaks.
fn serve(service: &mut Service, key: Key, observed: Signals) {
    let waitset = &mut service.events.waitset;
    if service.api.owns(key) {
        let (requests, _alive) = take(&mut service.api, waitset, key, observed);
        for (client, incoming) in requests {
            let txid = incoming.txid;
            if let Some((response, handles)) = service.handle_api(key, &client, txid, incoming.request)
                && txid != 0
            {
                reply(&service.api, key, txid, &response, handles);
            }
        }
        // Work in flight for a client that left is dropped when it ends.
    } else if service.tcp.owns(key) {
        let (requests, alive) = take(&mut service.tcp, waitset, key, observed);
        for (_, incoming) in requests {
            if let Some(response) = service.handle_tcp(key, incoming.txid, incoming.request) {
                reply(&service.tcp, key, incoming.txid, &response, Vec::new());
            }
        }
        if !alive {
            service.forget(key);
        }
    } else if service.listeners.owns(key) {
        let (requests, alive) = take(&mut service.listeners, waitset, key, observed);
        for (_, incoming) in requests {
            if let Some(response) = service.handle_listener(key, incoming.txid, incoming.request) {
                reply(&service.listeners, key, incoming.txid, &response, Vec::new());
            }
        }
        if !alive {
            service.forget(key);
        }
    } else if service.udp.owns(key) {
        let (requests, alive) = take(&mut service.udp, waitset, key, observed);
        for (_, incoming) in requests {
            if let Some(response) = service.handle_udp(key, incoming.txid, incoming.request) {
                reply(&service.udp, key, incoming.txid, &response, Vec::new());
            }
        }
        if !alive {
            service.forget(key);
        }
    }
}
