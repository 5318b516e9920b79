//! The service loop: smoltcp, the driver link, and every client's sockets.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::net::{Ipv4Addr, SocketAddrV4};
use core::time::Duration;

use smoltcp::iface::{Config, Interface, SocketHandle, SocketSet};
use smoltcp::socket::{dhcpv4, icmp, tcp, udp};
use smoltcp::time::Instant as SmolInstant;
use smoltcp::wire::{
    DhcpRepr, EthernetAddress, HardwareAddress, Icmpv4Packet, Icmpv4Repr, IpAddress, IpCidr, IpEndpoint,
    Ipv4Cidr,
};
use weft_ipc::program::ProgramError;
use weft_ipc::{ClientInfo, Clients, Connection, Incoming, LoopEvent, ServiceLoop, Startup};
use weft_net_api::{
    Interface as NetInterface, Lease, ListenerProtocol, ListenerRequest, MAX_CHUNK, MAX_DATAGRAM,
    MAX_SOCKETS, NetError, NetProtocol, NetRequest, NetResponse, NetStatus, Route, SocketResponse,
    TcpProtocol, TcpRequest, UdpProtocol, UdpRequest,
};
use weft_rt::{Channel, Deadline, Handle, Key, Signals};

use crate::dns::{self, Answer, Lookup};
use crate::link::{Frames, Link};
use crate::sockets::{Connecting, ListenerEntry, Pinging, Table, TcpEntry, UdpEntry};

/// Bytes of each TCP socket's send and receive buffers.
const TCP_BUFFER: usize = 64 * 1024;
/// Sockets listening per listener (connections accepted at once).
const BACKLOG: usize = 4;
/// How long a connect may take unless the client says otherwise.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// How long one DNS attempt waits.
const DNS_TIMEOUT: Duration = Duration::from_millis(1500);
/// How often a lost driver is looked for again.
const RECONNECT: Duration = Duration::from_millis(500);
/// First ephemeral port.
const EPHEMERAL: u16 = 49152;

fn now_ns() -> u64 {
    weft_rt::now()
}

fn smol_now() -> SmolInstant {
    SmolInstant::from_micros((now_ns() / 1000) as i64)
}

fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    let _ = weft_rt::sys::random_get(&mut bytes);
    u64::from_le_bytes(bytes)
}

fn endpoint_v4(endpoint: Option<IpEndpoint>) -> SocketAddrV4 {
    match endpoint {
        Some(IpEndpoint { addr: IpAddress::Ipv4(address), port }) => SocketAddrV4::new(address, port),
        _ => SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0),
    }
}

/// The lease as the service keeps it.
struct LeaseState {
    address: Ipv4Cidr,
    router: Option<Ipv4Addr>,
    dns: Vec<Ipv4Addr>,
    obtained: u64,
    duration_s: u64,
    renewals: u32,
}

/// smoltcp and its sockets.
struct Stack {
    iface: Interface,
    frames: Frames,
    sockets: SocketSet<'static>,
    dhcp: SocketHandle,
    resolver: SocketHandle,
    icmp: SocketHandle,
    icmp_ident: u16,
    lease: Option<LeaseState>,
    dns_override: Vec<SocketAddrV4>,
    lookups: Vec<(Key, u32, Lookup)>,
    next_port: u16,
    next_query: u16,
}

impl Stack {
    fn new(mac: [u8; 6], max_lease: Option<Duration>) -> Stack {
        let mut frames = Frames::default();
        let mut config = Config::new(HardwareAddress::Ethernet(EthernetAddress(mac)));
        config.random_seed = random_u64();
        let iface = Interface::new(config, &mut frames, smol_now());
        let mut sockets = SocketSet::new(Vec::new());
        let mut dhcp_socket = dhcpv4::Socket::new();
        // Keeping the packet makes every ACK (renewals too) an event, so
        // the lease's duration and renewals can be reported.
        dhcp_socket.set_receive_packet_buffer(alloc::boxed::Box::leak(vec![0u8; 1500].into_boxed_slice()));
        // A cap on the lease makes renewals happen sooner (tests, and
        // networks whose servers hand out very long leases).
        dhcp_socket
            .set_max_lease_duration(max_lease.map(|d| smoltcp::time::Duration::from_secs(d.as_secs())));
        let dhcp = sockets.add(dhcp_socket);
        let udp_buffer =
            || udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 16], vec![0u8; 16 * 1024]);
        let mut resolver_socket = udp::Socket::new(udp_buffer(), udp_buffer());
        let next_port = EPHEMERAL + (random_u64() % 8192) as u16;
        let _ = resolver_socket.bind(next_port);
        let resolver = sockets.add(resolver_socket);
        let icmp_buffer =
            || icmp::PacketBuffer::new(vec![icmp::PacketMetadata::EMPTY; 8], vec![0u8; 8 * 1100]);
        let mut icmp_socket = icmp::Socket::new(icmp_buffer(), icmp_buffer());
        let icmp_ident = random_u64() as u16;
        let _ = icmp_socket.bind(icmp::Endpoint::Ident(icmp_ident));
        let icmp = sockets.add(icmp_socket);
        Stack {
            iface,
            frames,
            sockets,
            dhcp,
            resolver,
            icmp,
            icmp_ident,
            lease: None,
            dns_override: Vec::new(),
            lookups: Vec::new(),
            next_port: next_port + 1,
            next_query: random_u64() as u16,
        }
    }

    fn poll(&mut self) -> bool {
        let result = self.iface.poll(smol_now(), &mut self.frames, &mut self.sockets);
        result == smoltcp::iface::PollResult::SocketStateChanged
    }

    fn address(&self) -> Option<Ipv4Addr> {
        self.lease.as_ref().map(|l| l.address.address())
    }

    fn dns_servers(&self) -> Vec<SocketAddrV4> {
        if !self.dns_override.is_empty() {
            return self.dns_override.clone();
        }
        self.lease
            .as_ref()
            .map(|l| l.dns.iter().map(|a| SocketAddrV4::new(*a, 53)).collect())
            .unwrap_or_default()
    }

    /// Take DHCP's news: configure the interface, log the lease.
    fn dhcp_events(&mut self) {
        let event = self.sockets.get_mut::<dhcpv4::Socket>(self.dhcp).poll();
        match event {
            None => {}
            Some(dhcpv4::Event::Configured(config)) => {
                let duration_s = config
                    .packet
                    .as_ref()
                    .and_then(|packet| DhcpRepr::parse(packet).ok().and_then(|repr| repr.lease_duration))
                    .map(u64::from)
                    .unwrap_or(0);
                let dns: Vec<Ipv4Addr> = config.dns_servers.iter().copied().collect();
                let renewal = self.lease.as_ref().is_some_and(|l| l.address == config.address);
                if renewal {
                    if let Some(lease) = &mut self.lease {
                        lease.renewals += 1;
                        lease.obtained = now_ns();
                        lease.duration_s = duration_s;
                        lease.dns = dns;
                        lease.router = config.router;
                        weft_rt::info!("net: lease of {} renewed ({} s)", lease.address, duration_s);
                    }
                    return;
                }
                let address = config.address;
                self.iface.update_ip_addrs(|addresses| {
                    addresses.clear();
                    let _ = addresses.push(IpCidr::Ipv4(address));
                });
                match config.router {
                    Some(router) => {
                        let _ = self.iface.routes_mut().add_default_ipv4_route(router);
                    }
                    None => {
                        self.iface.routes_mut().remove_default_ipv4_route();
                    }
                }
                weft_rt::info!(
                    "net: lease {} via {}, DNS {} ({} s)",
                    address,
                    config.router.map(|r| format!("{r}")).unwrap_or_else(|| String::from("no router")),
                    dns.iter().map(|d| format!("{d}")).collect::<Vec<_>>().join(", "),
                    duration_s
                );
                self.lease = Some(LeaseState {
                    address,
                    router: config.router,
                    dns,
                    obtained: now_ns(),
                    duration_s,
                    renewals: 0,
                });
            }
            Some(dhcpv4::Event::Deconfigured) => {
                if self.lease.take().is_some() {
                    weft_rt::warn!("net: lease lost");
                }
                self.iface.update_ip_addrs(|addresses| addresses.clear());
                self.iface.routes_mut().remove_default_ipv4_route();
            }
        }
    }

    fn ephemeral_port(&mut self, table: &Table) -> u16 {
        loop {
            let port = self.next_port;
            self.next_port = if self.next_port == u16::MAX { EPHEMERAL } else { self.next_port + 1 };
            if !table.port_taken(port) {
                return port;
            }
        }
    }

    fn tcp_socket(&mut self) -> SocketHandle {
        let mut socket = tcp::Socket::new(
            tcp::SocketBuffer::new(vec![0; TCP_BUFFER]),
            tcp::SocketBuffer::new(vec![0; TCP_BUFFER]),
        );
        // Dead peers are found within a few minutes even if nobody writes.
        socket.set_keep_alive(Some(smoltcp::time::Duration::from_secs(60)));
        socket.set_timeout(Some(smoltcp::time::Duration::from_secs(180)));
        self.sockets.add(socket)
    }

    /// Send the next query of every lookup whose attempt is due; fail the
    /// ones out of servers. Returns finished lookups' answers.
    fn run_lookups(&mut self) -> Vec<(Key, u32, NetResponse)> {
        let mut done = Vec::new();
        let now = now_ns();
        // Answers.
        loop {
            let socket = self.sockets.get_mut::<udp::Socket>(self.resolver);
            let Ok((bytes, meta)) = socket.recv() else { break };
            let from = endpoint_v4(Some(meta.endpoint));
            let bytes = bytes.to_vec();
            let mut index = 0;
            while index < self.lookups.len() {
                let (client, txid, lookup) = &self.lookups[index];
                if lookup.server() != Some(from) {
                    index += 1;
                    continue;
                }
                let response = match dns::answer(&bytes, lookup.id, &lookup.name) {
                    Answer::Unrelated => {
                        index += 1;
                        continue;
                    }
                    Answer::Addresses(addresses) if !addresses.is_empty() => {
                        NetResponse::Addresses(addresses)
                    }
                    Answer::Addresses(_) | Answer::NoSuchName => {
                        NetResponse::Error(NetError::NotFound(lookup.name.clone()))
                    }
                    Answer::ServerFailure => {
                        // Next server.
                        let lookup = &mut self.lookups[index].2;
                        lookup.attempt = (lookup.attempt / 2 + 1) * 2;
                        lookup.retry_at = 0;
                        index += 1;
                        continue;
                    }
                };
                done.push((*client, *txid, response));
                self.lookups.remove(index);
            }
        }
        // Queries due.
        let mut index = 0;
        while index < self.lookups.len() {
            if self.lookups[index].2.retry_at > now {
                index += 1;
                continue;
            }
            if self.lookups[index].2.retry_at != 0 {
                self.lookups[index].2.attempt += 1;
            }
            let Some(server) = self.lookups[index].2.server() else {
                let (client, txid, lookup) = self.lookups.remove(index);
                let error = if lookup.servers.is_empty() { NetError::NoNetwork } else { NetError::TimedOut };
                done.push((client, txid, NetResponse::Error(error)));
                continue;
            };
            self.next_query = self.next_query.wrapping_add(1);
            let id = self.next_query ^ (random_u64() as u16);
            let lookup = &mut self.lookups[index].2;
            lookup.id = id;
            lookup.retry_at = now + DNS_TIMEOUT.as_nanos() as u64;
            match dns::query(id, &lookup.name) {
                Ok(query) => {
                    let socket = self.sockets.get_mut::<udp::Socket>(self.resolver);
                    let _ = socket
                        .send_slice(&query, IpEndpoint::new(IpAddress::Ipv4(*server.ip()), server.port()));
                    index += 1;
                }
                Err(why) => {
                    let (client, txid, _) = self.lookups.remove(index);
                    done.push((client, txid, NetResponse::Error(NetError::Invalid(why))));
                }
            }
        }
        done
    }

    fn send_ping(&mut self, to: Ipv4Addr, sequence: u16, size: u16) -> Result<(), NetError> {
        let payload = vec![0x5a_u8; usize::from(size.min(1024))];
        let repr = Icmpv4Repr::EchoRequest { ident: self.icmp_ident, seq_no: sequence, data: &payload };
        let socket = self.sockets.get_mut::<icmp::Socket>(self.icmp);
        let buffer = socket
            .send(repr.buffer_len(), IpAddress::Ipv4(to))
            .map_err(|_| NetError::Invalid("too many pings in flight".into()))?;
        let mut packet = Icmpv4Packet::new_unchecked(buffer);
        repr.emit(&mut packet, &smoltcp::phy::ChecksumCapabilities::default());
        Ok(())
    }

    /// Echo replies that arrived: (sequence, payload bytes).
    fn pongs(&mut self) -> Vec<(u16, u16)> {
        let mut out = Vec::new();
        let ident = self.icmp_ident;
        let socket = self.sockets.get_mut::<icmp::Socket>(self.icmp);
        while let Ok((bytes, _from)) = socket.recv() {
            let Ok(packet) = Icmpv4Packet::new_checked(bytes) else { continue };
            let caps = smoltcp::phy::ChecksumCapabilities::default();
            if let Ok(Icmpv4Repr::EchoReply { ident: got, seq_no, data }) = Icmpv4Repr::parse(&packet, &caps)
                && got == ident
            {
                out.push((seq_no, data.len() as u16));
            }
        }
        out
    }
}

/// The whole service: its loop, its clients, the stack and the sockets.
struct Service {
    events: ServiceLoop,
    api: Clients<NetProtocol>,
    tcp: Clients<TcpProtocol>,
    listeners: Clients<ListenerProtocol>,
    udp: Clients<UdpProtocol>,
    stack: Stack,
    table: Table,
    link: Link,
    link_key: Option<Key>,
    reconnect_at: u64,
}

/// Reply to a deferred call on whichever client set holds `key`.
fn reply<P: weft_ipc::Protocol>(
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

impl Service {
    /// A new socket channel of protocol `P` for `client`: our end is
    /// served, theirs is returned to attach to the answer.
    fn adopt<P: weft_ipc::Protocol>(
        waitset: &mut weft_rt::WaitSet,
        clients: &mut Clients<P>,
        client: &ClientInfo,
    ) -> Result<(Key, Handle), NetError> {
        let (ours, theirs) = Channel::create().map_err(|_| NetError::Exhausted)?;
        let key = clients.add(waitset, ours, client.clone()).map_err(|_| NetError::Exhausted)?;
        Ok((key, theirs.into_handle()))
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
                let servers = self.stack.dns_servers();
                self.stack.lookups.push((
                    key,
                    txid,
                    Lookup { name, id: 0, attempt: 0, servers, retry_at: 0 },
                ));
                None
            }
            NetRequest::Connect { to, timeout_ms } => {
                if self.stack.address().is_none() {
                    return answer(Err(NetError::NoNetwork));
                }
                if self.table.count() >= MAX_SOCKETS {
                    return answer(Err(NetError::Exhausted));
                }
                let handle = self.stack.tcp_socket();
                let port = self.stack.ephemeral_port(&self.table);
                let remote = IpEndpoint::new(IpAddress::Ipv4(*to.ip()), to.port());
                let socket = self.stack.sockets.get_mut::<tcp::Socket>(handle);
                if let Err(error) = socket.connect(self.stack.iface.context(), remote, port) {
                    self.stack.sockets.remove(handle);
                    return answer(Err(NetError::Invalid(format!("{error}"))));
                }
                let timeout = if timeout_ms == 0 {
                    CONNECT_TIMEOUT
                } else {
                    Duration::from_millis(u64::from(timeout_ms))
                };
                self.table.connecting.push(Connecting {
                    client: key,
                    txid,
                    handle,
                    deadline: now_ns() + timeout.as_nanos() as u64,
                });
                None
            }
            NetRequest::Listen { port } => {
                if self.table.port_taken(port) {
                    return answer(Err(NetError::InUse(port)));
                }
                if self.table.count() + BACKLOG > MAX_SOCKETS {
                    return answer(Err(NetError::Exhausted));
                }
                let mut listening = Vec::new();
                for _ in 0..BACKLOG {
                    let handle = self.stack.tcp_socket();
                    let _ = self.stack.sockets.get_mut::<tcp::Socket>(handle).listen(port);
                    listening.push(handle);
                }
                match Self::adopt(&mut self.events.waitset, &mut self.listeners, client) {
                    Ok((socket_key, handle)) => {
                        self.table.listeners.insert(
                            socket_key,
                            ListenerEntry { port, listening, ready: Default::default(), accept: None },
                        );
                        weft_rt::info!("net: {} listens on port {port}", client.name);
                        let local =
                            SocketAddrV4::new(self.stack.address().unwrap_or(Ipv4Addr::UNSPECIFIED), port);
                        Some((NetResponse::Listening { local }, vec![handle]))
                    }
                    Err(error) => {
                        for handle in listening {
                            self.stack.sockets.remove(handle);
                        }
                        answer(Err(error))
                    }
                }
            }
            NetRequest::Bind { port } => {
                if self.table.count() >= MAX_SOCKETS {
                    return answer(Err(NetError::Exhausted));
                }
                let port = if port == 0 { self.stack.ephemeral_port(&self.table) } else { port };
                if self.table.port_taken(port) {
                    return answer(Err(NetError::InUse(port)));
                }
                let buffer = || {
                    udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 32], vec![0u8; 32 * MAX_DATAGRAM])
                };
                let mut socket = udp::Socket::new(buffer(), buffer());
                if socket.bind(port).is_err() {
                    return answer(Err(NetError::InUse(port)));
                }
                let handle = self.stack.sockets.add(socket);
                match Self::adopt(&mut self.events.waitset, &mut self.udp, client) {
                    Ok((socket_key, channel)) => {
                        self.table.udp.insert(socket_key, UdpEntry { handle, port, receive: None });
                        let local =
                            SocketAddrV4::new(self.stack.address().unwrap_or(Ipv4Addr::UNSPECIFIED), port);
                        Some((NetResponse::Bound { local }, vec![channel]))
                    }
                    Err(error) => {
                        self.stack.sockets.remove(handle);
                        answer(Err(error))
                    }
                }
            }
            NetRequest::Ping { to, sequence, size, timeout_ms } => {
                if self.stack.address().is_none() {
                    return answer(Err(NetError::NoNetwork));
                }
                if let Err(error) = self.stack.send_ping(to, sequence, size) {
                    return answer(Err(error));
                }
                let timeout = if timeout_ms == 0 { 2000 } else { u64::from(timeout_ms) };
                let sent = now_ns();
                self.table.pings.push(Pinging {
                    client: key,
                    txid,
                    sequence,
                    sent,
                    deadline: sent + timeout * 1_000_000,
                });
                None
            }
            NetRequest::SetDns { servers } => {
                weft_rt::info!(
                    "net: DNS servers set by {}: {}",
                    client.name,
                    if servers.is_empty() {
                        String::from("the lease's")
                    } else {
                        servers.iter().map(|s| format!("{s}")).collect::<Vec<_>>().join(", ")
                    }
                );
                self.stack.dns_override = servers;
                answer(Ok(NetResponse::Done))
            }
        }
    }

    fn status(&mut self) -> NetStatus {
        let info = self.link.info.clone();
        let mut interfaces = Vec::new();
        if let Some(info) = info {
            interfaces.push(NetInterface {
                name: info.name,
                mac: info.mac,
                mtu: info.mtu,
                up: info.link_up && self.link.client.is_some(),
                addresses: self
                    .stack
                    .lease
                    .as_ref()
                    .map(|l| vec![(l.address.address(), l.address.prefix_len())])
                    .unwrap_or_default(),
            });
        }
        let now = now_ns();
        let lease = self.stack.lease.as_ref().map(|l| Lease {
            address: l.address.address(),
            prefix: l.address.prefix_len(),
            router: l.router,
            dns: l.dns.clone(),
            age_s: (now - l.obtained) / 1_000_000_000,
            duration_s: l.duration_s,
            renewals: l.renewals,
        });
        let mut routes = Vec::new();
        if let Some(l) = &self.stack.lease {
            routes.push(Route {
                network: l.address.network().address(),
                prefix: l.address.prefix_len(),
                via: None,
            });
            if let Some(router) = l.router {
                routes.push(Route { network: Ipv4Addr::UNSPECIFIED, prefix: 0, via: Some(router) });
            }
        }
        NetStatus {
            interfaces,
            lease,
            routes,
            dns: self.stack.dns_servers(),
            sockets: self.table.count() as u32,
            frames_sent: self.stack.frames.sent,
            frames_received: self.stack.frames.received,
        }
    }

    fn handle_tcp(
        &mut self,
        key: Key,
        txid: u32,
        request: TcpRequest,
    ) -> Option<(SocketResponse, Vec<Handle>)> {
        let Some(entry) = self.table.tcp.get_mut(&key) else {
            return Some((SocketResponse::Error(NetError::Closed), Vec::new()));
        };
        let busy = Some((
            SocketResponse::Error(NetError::Invalid("one call of each kind at a time".into())),
            Vec::new(),
        ));
        match request {
            TcpRequest::Read { max } => {
                if entry.read.is_some() {
                    return busy;
                }
                entry.read = Some((txid, max.clamp(1, MAX_CHUNK)));
            }
            TcpRequest::Write(data) => {
                if entry.write.is_some() || entry.shutdown.is_some() {
                    return busy;
                }
                if data.len() > MAX_CHUNK as usize {
                    return Some((
                        SocketResponse::Error(NetError::Invalid("write at most 32 KiB".into())),
                        Vec::new(),
                    ));
                }
                entry.write = Some((txid, data));
            }
            TcpRequest::Shutdown => {
                if entry.shutdown.is_some() {
                    return busy;
                }
                entry.shutdown = Some(txid);
                self.stack.sockets.get_mut::<tcp::Socket>(entry.handle).close();
            }
        }
        None
    }

    fn handle_listener(
        &mut self,
        key: Key,
        txid: u32,
        request: ListenerRequest,
    ) -> Option<(SocketResponse, Vec<Handle>)> {
        let entry = self.table.listeners.get_mut(&key)?;
        match request {
            ListenerRequest::Accept => {
                if entry.accept.is_some() {
                    return Some((
                        SocketResponse::Error(NetError::Invalid("one accept at a time".into())),
                        Vec::new(),
                    ));
                }
                entry.accept = Some(txid);
                None
            }
        }
    }

    fn handle_udp(
        &mut self,
        key: Key,
        txid: u32,
        request: UdpRequest,
    ) -> Option<(SocketResponse, Vec<Handle>)> {
        let entry = self.table.udp.get_mut(&key)?;
        match request {
            UdpRequest::SendTo { to, data } => {
                if data.len() > MAX_DATAGRAM {
                    return Some((
                        SocketResponse::Error(NetError::Invalid(format!(
                            "a datagram is at most {MAX_DATAGRAM} bytes"
                        ))),
                        Vec::new(),
                    ));
                }
                let socket = self.stack.sockets.get_mut::<udp::Socket>(entry.handle);
                match socket.send_slice(&data, IpEndpoint::new(IpAddress::Ipv4(*to.ip()), to.port())) {
                    Ok(()) => Some((SocketResponse::Done, Vec::new())),
                    Err(_) => Some((SocketResponse::Error(NetError::Exhausted), Vec::new())),
                }
            }
            UdpRequest::Receive => {
                if entry.receive.is_some() {
                    return Some((
                        SocketResponse::Error(NetError::Invalid("one receive at a time".into())),
                        Vec::new(),
                    ));
                }
                entry.receive = Some(txid);
                None
            }
        }
    }

    /// Move every waiting request on; true if anything changed (the stack
    /// should be polled again to send what was queued).
    fn progress(&mut self) -> bool {
        let mut changed = false;
        let now = now_ns();
        self.stack.dhcp_events();

        // Connects.
        let mut index = 0;
        while index < self.table.connecting.len() {
            let pending = &self.table.connecting[index];
            let socket = self.stack.sockets.get::<tcp::Socket>(pending.handle);
            let state = socket.state();
            let outcome = match state {
                tcp::State::Established | tcp::State::CloseWait => Some(Ok(())),
                tcp::State::Closed | tcp::State::TimeWait => Some(Err(NetError::Refused)),
                _ if now >= pending.deadline => Some(Err(NetError::TimedOut)),
                _ => None,
            };
            let Some(outcome) = outcome else {
                index += 1;
                continue;
            };
            let pending = self.table.connecting.remove(index);
            changed = true;
            let client = self.api.get(pending.client).map(|c| c.client.clone());
            let result = outcome.and_then(|()| {
                let client = client.ok_or(NetError::Closed)?;
                Self::adopt(&mut self.events.waitset, &mut self.tcp, &client)
            });
            match result {
                Ok((key, channel)) => {
                    let socket = self.stack.sockets.get::<tcp::Socket>(pending.handle);
                    let response = NetResponse::Connected {
                        local: endpoint_v4(socket.local_endpoint()),
                        remote: endpoint_v4(socket.remote_endpoint()),
                    };
                    self.table.tcp.insert(key, TcpEntry::new(pending.handle));
                    reply(&self.api, pending.client, pending.txid, &response, vec![channel]);
                }
                Err(error) => {
                    self.stack.sockets.get_mut::<tcp::Socket>(pending.handle).abort();
                    self.stack.sockets.remove(pending.handle);
                    reply(&self.api, pending.client, pending.txid, &NetResponse::Error(error), Vec::new());
                }
            }
        }

        // Connected sockets.
        for (key, entry) in self.table.tcp.iter_mut() {
            let socket = self.stack.sockets.get_mut::<tcp::Socket>(entry.handle);
            if let Some((txid, max)) = entry.read {
                let response = if socket.can_recv() {
                    let mut buffer = vec![0u8; max as usize];
                    let n = socket.recv_slice(&mut buffer).unwrap_or(0);
                    buffer.truncate(n);
                    Some(SocketResponse::Data(buffer))
                } else if !socket.may_recv() {
                    Some(SocketResponse::Data(Vec::new()))
                } else {
                    None
                };
                if let Some(response) = response {
                    entry.read = None;
                    changed = true;
                    reply(&self.tcp, *key, txid, &response, Vec::new());
                }
            }
            if let Some((txid, data)) = &entry.write {
                let response = if !socket.may_send() {
                    Some(SocketResponse::Error(NetError::Closed))
                } else if socket.can_send() {
                    let n = socket.send_slice(data).unwrap_or(0);
                    (n > 0).then_some(SocketResponse::Written(n as u32))
                } else {
                    None
                };
                if let Some(response) = response {
                    let txid = *txid;
                    entry.write = None;
                    changed = true;
                    reply(&self.tcp, *key, txid, &response, Vec::new());
                }
            }
            if let Some(txid) = entry.shutdown
                && (socket.send_queue() == 0 || !socket.is_open())
                && !matches!(socket.state(), tcp::State::FinWait1 | tcp::State::Closing | tcp::State::LastAck)
            {
                entry.shutdown = None;
                changed = true;
                reply(&self.tcp, *key, txid, &SocketResponse::Done, Vec::new());
            }
        }

        // Listeners: established connections become ready; each is
        // replaced by a fresh listening socket.
        let mut accepted = Vec::new();
        for (key, entry) in self.table.listeners.iter_mut() {
            let mut index = 0;
            while index < entry.listening.len() {
                let handle = entry.listening[index];
                let state = self.stack.sockets.get::<tcp::Socket>(handle).state();
                match state {
                    tcp::State::Listen | tcp::State::SynReceived => index += 1,
                    tcp::State::Established | tcp::State::CloseWait => {
                        entry.ready.push_back(handle);
                        entry.listening.remove(index);
                        changed = true;
                    }
                    _ => {
                        // A connection that died before it was accepted:
                        // listen again on the same socket.
                        let socket = self.stack.sockets.get_mut::<tcp::Socket>(handle);
                        socket.abort();
                        let _ = socket.listen(entry.port);
                        index += 1;
                    }
                }
            }
            while entry.listening.len() < BACKLOG && entry.listening.len() + entry.ready.len() < 2 * BACKLOG {
                let mut socket = tcp::Socket::new(
                    tcp::SocketBuffer::new(vec![0; TCP_BUFFER]),
                    tcp::SocketBuffer::new(vec![0; TCP_BUFFER]),
                );
                socket.set_keep_alive(Some(smoltcp::time::Duration::from_secs(60)));
                let _ = socket.listen(entry.port);
                entry.listening.push(self.stack.sockets.add(socket));
            }
            if let Some(txid) = entry.accept
                && let Some(handle) = entry.ready.pop_front()
            {
                entry.accept = None;
                accepted.push((*key, txid, handle));
            }
        }
        for (listener, txid, handle) in accepted {
            changed = true;
            let client = self.listeners.get(listener).map(|c| c.client.clone());
            let adopted = client
                .ok_or(NetError::Closed)
                .and_then(|client| Self::adopt(&mut self.events.waitset, &mut self.tcp, &client));
            match adopted {
                Ok((key, channel)) => {
                    let socket = self.stack.sockets.get::<tcp::Socket>(handle);
                    let response = SocketResponse::Accepted {
                        local: endpoint_v4(socket.local_endpoint()),
                        remote: endpoint_v4(socket.remote_endpoint()),
                    };
                    self.table.tcp.insert(key, TcpEntry::new(handle));
                    reply(&self.listeners, listener, txid, &response, vec![channel]);
                }
                Err(error) => {
                    self.stack.sockets.get_mut::<tcp::Socket>(handle).abort();
                    self.stack.sockets.remove(handle);
                    reply(&self.listeners, listener, txid, &SocketResponse::Error(error), Vec::new());
                }
            }
        }

        // UDP.
        for (key, entry) in self.table.udp.iter_mut() {
            let Some(txid) = entry.receive else { continue };
            let socket = self.stack.sockets.get_mut::<udp::Socket>(entry.handle);
            if let Ok((data, meta)) = socket.recv() {
                let response =
                    SocketResponse::Datagram { from: endpoint_v4(Some(meta.endpoint)), data: data.to_vec() };
                entry.receive = None;
                changed = true;
                reply(&self.udp, *key, txid, &response, Vec::new());
            }
        }

        // DNS.
        for (client, txid, response) in self.stack.run_lookups() {
            changed = true;
            reply(&self.api, client, txid, &response, Vec::new());
        }

        // Pings.
        for (sequence, size) in self.stack.pongs() {
            if let Some(index) = self.table.pings.iter().position(|p| p.sequence == sequence) {
                let ping = self.table.pings.remove(index);
                let rtt_us = (now_ns().saturating_sub(ping.sent)) / 1000;
                reply(&self.api, ping.client, ping.txid, &NetResponse::Pong { rtt_us, size }, Vec::new());
                changed = true;
            }
        }
        let mut index = 0;
        while index < self.table.pings.len() {
            if self.table.pings[index].deadline <= now {
                let ping = self.table.pings.remove(index);
                reply(&self.api, ping.client, ping.txid, &NetResponse::Error(NetError::TimedOut), Vec::new());
            } else {
                index += 1;
            }
        }
        changed
    }

    /// When the loop must wake even if nothing arrives.
    fn next_wake(&mut self) -> Deadline {
        let now = now_ns();
        let mut wake = u64::MAX;
        if let Some(delay) = self.stack.iface.poll_delay(smol_now(), &self.stack.sockets) {
            wake = wake.min(now + delay.total_micros() * 1000);
        }
        for pending in &self.table.connecting {
            wake = wake.min(pending.deadline);
        }
        for ping in &self.table.pings {
            wake = wake.min(ping.deadline);
        }
        for (_, _, lookup) in &self.stack.lookups {
            wake = wake.min(lookup.retry_at);
        }
        if self.link.client.is_none() {
            wake = wake.min(self.reconnect_at);
        }
        if wake == u64::MAX { Deadline::INFINITE } else { Deadline::at(wake.max(now)) }
    }

    /// A socket channel closed: free its smoltcp sockets.
    fn forget(&mut self, key: Key) {
        if let Some(entry) = self.table.tcp.remove(&key) {
            let socket = self.stack.sockets.get_mut::<tcp::Socket>(entry.handle);
            // Dropping the capability without a shutdown resets the
            // connection, as closing a socket with unread data does.
            socket.abort();
            self.stack.sockets.remove(entry.handle);
        }
        if let Some(entry) = self.table.listeners.remove(&key) {
            for handle in entry.listening.into_iter().chain(entry.ready) {
                self.stack.sockets.get_mut::<tcp::Socket>(handle).abort();
                self.stack.sockets.remove(handle);
            }
        }
        if let Some(entry) = self.table.udp.remove(&key) {
            self.stack.sockets.remove(entry.handle);
        }
    }

    /// A `weft.net` client went away: drop what it was waiting for.
    fn forget_client(&mut self, key: Key) {
        self.stack.lookups.retain(|(client, _, _)| *client != key);
        self.table.pings.retain(|p| p.client != key);
        let (gone, kept): (Vec<_>, Vec<_>) =
            core::mem::take(&mut self.table.connecting).into_iter().partition(|c| c.client == key);
        self.table.connecting = kept;
        for pending in gone {
            self.stack.sockets.get_mut::<tcp::Socket>(pending.handle).abort();
            self.stack.sockets.remove(pending.handle);
        }
    }

    fn watch_link(&mut self) {
        if let Some(key) = self.link_key.take() {
            self.events.waitset.remove(key);
        }
        if let Some(client) = &self.link.client {
            self.link_key =
                self.events.waitset.add(client.channel(), Signals::READABLE | Signals::PEER_CLOSED).ok();
        }
    }

    fn reconnect(&mut self, namespace: &weft_ipc::Namespace) {
        match Link::connect(namespace) {
            Ok(link) => {
                weft_rt::info!("net: the network device is back");
                self.link = link;
                self.watch_link();
            }
            Err(_) => self.reconnect_at = now_ns() + RECONNECT.as_nanos() as u64,
        }
    }
}

/// Serve until the parent says stop.
pub fn run(startup: Startup) -> Result<(), ProgramError> {
    let namespace = startup.namespace().clone();
    let link = Link::connect(&namespace).map_err(|e| ProgramError(format!("no network device: {e}")))?;
    let info = link.info.clone().ok_or_else(|| ProgramError("the device did not say what it is".into()))?;
    let max_lease = startup.arg("max-lease-s").and_then(|s| s.parse::<u64>().ok()).filter(|s| *s > 0);
    let mut stack = Stack::new(info.mac, max_lease.map(Duration::from_secs));
    stack.dns_override = startup
        .arg("dns")
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    weft_rt::info!(
        "net: on {} ({}), asking for a DHCP lease",
        info.name,
        if info.link_up { "link up" } else { "link down" }
    );
    let mut service = Service {
        events: ServiceLoop::new(&startup)?,
        api: Clients::new(),
        tcp: Clients::new(),
        listeners: Clients::new(),
        udp: Clients::new(),
        stack,
        table: Table::default(),
        link,
        link_key: None,
        reconnect_at: 0,
    };
    service.watch_link();
    service.events.ready()?;
    loop {
        // Poll until quiet: sockets that moved may have queued frames.
        for _ in 0..16 {
            let polled = service.stack.poll();
            let progressed = service.progress();
            if service.stack.frames.has_output() && !service.link.send(&mut service.stack.frames) {
                service.watch_link();
            }
            if !polled && !progressed {
                break;
            }
        }
        let deadline = service.next_wake();
        match service.events.next(deadline)? {
            LoopEvent::Stop => return Ok(()),
            LoopEvent::Connection { channel, client, .. } => {
                if let Err(error) = service.api.add(&mut service.events.waitset, channel, client) {
                    weft_rt::warn!("net: cannot take a connection: {error}");
                }
            }
            LoopEvent::Signals { key, observed } if Some(key) == service.link_key => {
                let _ = observed;
                if !service.link.receive(&mut service.stack.frames) {
                    weft_rt::warn!("net: the network device went away; waiting for it to come back");
                    service.watch_link();
                    service.reconnect_at = now_ns() + RECONNECT.as_nanos() as u64;
                }
            }
            LoopEvent::Signals { key, observed } => serve(&mut service, key, observed),
            LoopEvent::TimedOut => {
                if service.link.client.is_none() && now_ns() >= service.reconnect_at {
                    service.reconnect(&namespace);
                }
            }
            LoopEvent::User { .. } => {}
        }
    }
}

/// Answer client `key` on whichever protocol it speaks.
fn serve(service: &mut Service, key: Key, observed: Signals) {
    if service.api.owns(key) {
        let mut requests: Vec<(ClientInfo, Incoming<NetProtocol>)> = Vec::new();
        let alive = service.api.serve(
            &mut service.events.waitset,
            key,
            observed,
            |connection: &Connection<NetProtocol>, incoming| {
                requests.push((connection.client.clone(), incoming));
                None
            },
        );
        for (client, incoming) in requests {
            let txid = incoming.txid;
            if let Some((response, handles)) = service.handle_api(key, &client, txid, incoming.request)
                && txid != 0
            {
                reply(&service.api, key, txid, &response, handles);
            }
        }
        if !alive {
            service.forget_client(key);
        }
    } else if service.tcp.owns(key) {
        let mut requests = Vec::new();
        let alive = service.tcp.serve(&mut service.events.waitset, key, observed, |_, incoming| {
            requests.push(incoming);
            None
        });
        for incoming in requests {
            if let Some((response, handles)) = service.handle_tcp(key, incoming.txid, incoming.request) {
                reply(&service.tcp, key, incoming.txid, &response, handles);
            }
        }
        if !alive {
            service.forget(key);
        }
    } else if service.listeners.owns(key) {
        let mut requests = Vec::new();
        let alive = service.listeners.serve(&mut service.events.waitset, key, observed, |_, incoming| {
            requests.push(incoming);
            None
        });
        for incoming in requests {
            if let Some((response, handles)) = service.handle_listener(key, incoming.txid, incoming.request) {
                reply(&service.listeners, key, incoming.txid, &response, handles);
            }
        }
        if !alive {
            service.forget(key);
        }
    } else if service.udp.owns(key) {
        let mut requests = Vec::new();
        let alive = service.udp.serve(&mut service.events.waitset, key, observed, |_, incoming| {
            requests.push(incoming);
            None
        });
        for incoming in requests {
            if let Some((response, handles)) = service.handle_udp(key, incoming.txid, incoming.request) {
                reply(&service.udp, key, incoming.txid, &response, handles);
            }
        }
        if !alive {
            service.forget(key);
        }
    }
}
