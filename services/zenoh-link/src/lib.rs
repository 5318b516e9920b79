//! weft-zenoh-link — Zenoh peers over `weft.net` TCP sockets, for services on the kernel.
//!
//! A [`ZenohLink`] listens on a port and/or keeps connecting to configured
//! endpoints; every TCP connection carries one `weft-zenoh-session`
//! session. Blocking socket calls run on small threads — one accepting,
//! one connecting per endpoint, one reading and one writing per
//! connection — which hand what they get to the owner through a queue and
//! wake it with a packet on its port, so the owner's loop never blocks on
//! the network. The owner calls [`ZenohLink::service`] when woken (and by
//! [`ZenohLink::next_deadline`]) and gets [`LinkEvent`]s back.
//!
//! Invariants:
//! - every subscription and queryable the owner declares is declared on
//!   every session, present and future;
//! - a put goes to every open session whose remote subscribed to the key;
//! - a session that fails (bad bytes, lease expiry, a closed socket) is
//!   dropped with its socket, and an endpoint it came from is connected
//!   again after a pause;
//! - queues are bounded: a peer that does not read loses its session
//!   rather than growing the owner's memory.
#![no_std]

extern crate alloc;

use alloc::collections::{BTreeMap, VecDeque};
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::net::SocketAddrV4;
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;

use weft_net_api::{Net, NetError, Tcp};
use weft_rt::{Deadline, Event, Port, Signals};
use weft_zenoh_session::{Config, Event as SessionEvent, QueryId, Session, SubscriberId, WhatAmI};

pub use weft_zenoh_session::SampleKind;

/// Bytes waiting to be written to one peer before it counts as stuck and
/// is dropped.
const MAX_UNSENT: usize = 8 << 20;
/// How long to wait before connecting an endpoint again.
const RECONNECT: Duration = Duration::from_secs(1);

/// What the link reports.
#[derive(Debug)]
pub enum LinkEvent {
    /// A session opened.
    PeerOpened {
        /// The link's id for the peer.
        peer: u32,
        /// Its Zenoh id.
        zid: String,
        /// Its role.
        whatami: WhatAmI,
        /// Where it is.
        remote: SocketAddrV4,
    },
    /// A session ended.
    PeerClosed {
        /// The link's id for the peer.
        peer: u32,
        /// Why, in words.
        reason: String,
    },
    /// A sample on a key one of our subscriptions matches.
    Sample {
        /// From which peer.
        peer: u32,
        /// Its key.
        key: String,
        /// Its payload.
        payload: Vec<u8>,
    },
    /// A query on one of our queryables: answer with [`ZenohLink::reply`].
    Query {
        /// From which peer.
        peer: u32,
        /// The query.
        id: QueryId,
        /// Its key.
        key: String,
        /// Its parameters.
        parameters: String,
    },
}

/// What the threads hand to the owner.
enum Arrival {
    Connected { tcp: Tcp, dialed: Option<SocketAddrV4> },
    Data { peer: u32, bytes: Vec<u8> },
    Ended { peer: u32, why: String },
}

/// The queue between the threads and the owner, and the owner's wake-up.
struct Shared {
    arrivals: spin::Mutex<VecDeque<Arrival>>,
    port: Port,
    wake_key: u64,
    woken: AtomicBool,
}

impl Shared {
    fn push(&self, arrival: Arrival) {
        self.arrivals.lock().push_back(arrival);
        if !self.woken.swap(true, Ordering::AcqRel) {
            let _ = self.port.queue(self.wake_key, [0; 4]);
        }
    }
}

/// What a writer thread sends, and when to wake it.
struct Outbox {
    bytes: spin::Mutex<VecDeque<Vec<u8>>>,
    queued: spin::Mutex<usize>,
    ready: Event,
    closed: AtomicBool,
}

/// One connection and its session.
struct Peer {
    session: Session,
    /// Our subscriptions on this session, by key.
    subscribed: BTreeMap<String, SubscriberId>,
    outbox: Arc<Outbox>,
    remote: SocketAddrV4,
    dialed: Option<SocketAddrV4>,
    opened: bool,
}

/// Zenoh over `weft.net`.
pub struct ZenohLink {
    net: Arc<Net>,
    shared: Arc<Shared>,
    zid: [u8; 16],
    peers: BTreeMap<u32, Peer>,
    next_peer: u32,
    subscriptions: Vec<String>,
    queryables: Vec<String>,
}

fn now_ms() -> u64 {
    weft_rt::now() / 1_000_000
}

fn random16() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let _ = weft_rt::sys::random_get(&mut bytes);
    bytes
}

impl ZenohLink {
    /// A link using `net`, waking its owner with `wake_key` packets on
    /// `port`; `zid` is this node's Zenoh id (not all zero).
    pub fn new(net: Net, port: Port, wake_key: u64, zid: [u8; 16]) -> ZenohLink {
        let shared = Arc::new(Shared {
            arrivals: spin::Mutex::new(VecDeque::new()),
            port,
            wake_key,
            woken: AtomicBool::new(false),
        });
        ZenohLink {
            net: Arc::new(net),
            shared,
            zid,
            peers: BTreeMap::new(),
            next_peer: 1,
            subscriptions: Vec::new(),
            queryables: Vec::new(),
        }
    }

    /// A random Zenoh id from the kernel's entropy.
    pub fn random_zid() -> [u8; 16] {
        let mut zid = random16();
        zid[0] |= 1;
        zid
    }

    /// Accept Zenoh peers on TCP `port`.
    pub fn listen(&mut self, port: u16) -> Result<(), NetError> {
        let listener = self.net.listen(port)?;
        let shared = Arc::clone(&self.shared);
        weft_rt::thread::spawn("zenoh-accept", move || {
            loop {
                match listener.accept(Deadline::INFINITE) {
                    Ok(tcp) => shared.push(Arrival::Connected { tcp, dialed: None }),
                    Err(NetError::Closed) => return,
                    Err(_) => weft_rt::sleep(Duration::from_millis(100)),
                }
            }
        })
        .map_err(|_| NetError::Exhausted)?;
        Ok(())
    }

    /// Keep a session open to the peer at `to` (connecting again whenever
    /// it ends).
    pub fn connect(&mut self, to: SocketAddrV4) {
        Self::dial(Arc::clone(&self.net), Arc::clone(&self.shared), to, Duration::ZERO);
    }

    fn dial(net: Arc<Net>, shared: Arc<Shared>, to: SocketAddrV4, pause: Duration) {
        let spawned = weft_rt::thread::spawn("zenoh-connect", move || {
            weft_rt::sleep(pause);
            loop {
                match net.connect_tcp(to, 5_000) {
                    Ok(tcp) => {
                        shared.push(Arrival::Connected { tcp, dialed: Some(to) });
                        return;
                    }
                    Err(_) => weft_rt::sleep(RECONNECT),
                }
            }
        });
        if spawned.is_err() {
            weft_rt::warn!("zenoh: cannot start a thread to connect to {to}");
        }
    }

    /// Declare a subscription on every session, now and later.
    pub fn subscribe(&mut self, key: &str) {
        if self.subscriptions.iter().any(|k| k == key) {
            return;
        }
        self.subscriptions.push(String::from(key));
        for peer in self.peers.values_mut() {
            if let Ok(id) = peer.session.subscribe(key) {
                peer.subscribed.insert(String::from(key), id);
            }
        }
        self.flush();
    }

    /// Withdraw a subscription from every session.
    pub fn unsubscribe(&mut self, key: &str) {
        self.subscriptions.retain(|k| k != key);
        for peer in self.peers.values_mut() {
            if let Some(id) = peer.subscribed.remove(key) {
                peer.session.unsubscribe(id);
            }
        }
        self.flush();
    }

    /// Declare a queryable on every session, now and later.
    pub fn declare_queryable(&mut self, key: &str) {
        self.queryables.push(String::from(key));
        for peer in self.peers.values_mut() {
            let _ = peer.session.declare_queryable(key);
        }
        self.flush();
    }

    /// Publish on every session whose remote subscribed to `key`; returns
    /// how many it went to.
    pub fn put(&mut self, key: &str, payload: &[u8]) -> usize {
        let mut sent = 0;
        for peer in self.peers.values_mut() {
            if peer.opened && matches!(peer.session.put(key, payload), Ok(true)) {
                sent += 1;
            }
        }
        self.flush();
        sent
    }

    /// Answer query `id` from `peer` with one reply, then end it.
    pub fn reply(&mut self, peer: u32, id: QueryId, key: &str, payload: &[u8]) {
        if let Some(p) = self.peers.get_mut(&peer) {
            let _ = p.session.reply(id, key, payload);
            let _ = p.session.reply_done(id);
        }
        self.flush();
    }

    /// Open sessions.
    pub fn open_peers(&self) -> usize {
        self.peers.values().filter(|p| p.opened).count()
    }

    /// When [`ZenohLink::service`] must run even if nothing wakes the
    /// owner (keep-alives, leases).
    pub fn next_deadline(&self) -> Deadline {
        match self.peers.values().filter_map(|p| p.session.next_deadline()).min() {
            Some(ms) => Deadline::at(ms.saturating_mul(1_000_000)),
            None => Deadline::INFINITE,
        }
    }

    /// Take what the threads brought, run every session's timers, send
    /// what the sessions queued; report what happened.
    pub fn service(&mut self) -> Vec<LinkEvent> {
        self.shared.woken.store(false, Ordering::Release);
        let arrivals: Vec<Arrival> = self.shared.arrivals.lock().drain(..).collect();
        let now = now_ms();
        let mut events = Vec::new();
        for arrival in arrivals {
            match arrival {
                Arrival::Connected { tcp, dialed } => self.adopt(tcp, dialed, now),
                Arrival::Data { peer, bytes } => {
                    let Some(p) = self.peers.get_mut(&peer) else { continue };
                    match p.session.receive(&bytes, now) {
                        Ok(happened) => translate(peer, p, happened, &mut events),
                        Err(error) => {
                            let why = format!("{error:?}");
                            self.drop_peer(peer, why, &mut events);
                        }
                    }
                }
                Arrival::Ended { peer, why } => self.drop_peer(peer, why, &mut events),
            }
        }
        let ids: Vec<u32> = self.peers.keys().copied().collect();
        for id in ids {
            let Some(p) = self.peers.get_mut(&id) else { continue };
            let happened = p.session.poll(now);
            translate(id, p, happened, &mut events);
            if p.session.is_closed() {
                self.drop_peer(id, String::from("session closed"), &mut events);
            }
        }
        self.flush();
        events
    }

    fn adopt(&mut self, tcp: Tcp, dialed: Option<SocketAddrV4>, now: u64) {
        let config = Config::new(self.zid, random16());
        let session = match dialed {
            Some(_) => Session::open(config, now),
            None => Session::accept(config, now),
        };
        let Ok(mut session) = session else { return };
        let mut subscribed = BTreeMap::new();
        for key in &self.subscriptions {
            if let Ok(id) = session.subscribe(key) {
                subscribed.insert(key.clone(), id);
            }
        }
        for key in &self.queryables {
            let _ = session.declare_queryable(key);
        }
        let Ok(ready) = Event::create() else { return };
        let outbox = Arc::new(Outbox {
            bytes: spin::Mutex::new(VecDeque::new()),
            queued: spin::Mutex::new(0),
            ready,
            closed: AtomicBool::new(false),
        });
        let id = self.next_peer;
        self.next_peer += 1;
        let remote = tcp.remote;
        let tcp = Arc::new(tcp);
        // Reader.
        let (reader_tcp, shared) = (Arc::clone(&tcp), Arc::clone(&self.shared));
        let reader = weft_rt::thread::spawn("zenoh-read", move || {
            loop {
                match reader_tcp.read(64 * 1024, Deadline::INFINITE) {
                    Ok(bytes) if bytes.is_empty() => {
                        shared.push(Arrival::Ended {
                            peer: id,
                            why: String::from("the peer closed the connection"),
                        });
                        return;
                    }
                    Ok(bytes) => shared.push(Arrival::Data { peer: id, bytes }),
                    Err(error) => {
                        shared.push(Arrival::Ended { peer: id, why: format!("{error}") });
                        return;
                    }
                }
            }
        });
        // Writer.
        let (writer_tcp, writer_box, shared) = (tcp, Arc::clone(&outbox), Arc::clone(&self.shared));
        let writer = weft_rt::thread::spawn("zenoh-write", move || {
            loop {
                let _ = writer_box.ready.handle().wait(Signals::SIGNALED, Deadline::INFINITE);
                let _ = writer_box.ready.clear();
                loop {
                    let next = writer_box.bytes.lock().pop_front();
                    let Some(bytes) = next else { break };
                    *writer_box.queued.lock() -= bytes.len();
                    if let Err(error) = writer_tcp.write_all(&bytes, Deadline::INFINITE) {
                        shared.push(Arrival::Ended { peer: id, why: format!("{error}") });
                        return;
                    }
                }
                if writer_box.closed.load(Ordering::Acquire) {
                    // Dropping the last socket handle closes it (and ends
                    // the reader's pending read).
                    let _ = writer_tcp.shutdown(Deadline::after(Duration::from_secs(2)));
                    return;
                }
            }
        });
        if reader.is_err() || writer.is_err() {
            weft_rt::warn!("zenoh: cannot start threads for a connection from {remote}");
            outbox.closed.store(true, Ordering::Release);
            let _ = outbox.ready.set();
            return;
        }
        self.peers.insert(id, Peer { session, subscribed, outbox, remote, dialed, opened: false });
    }

    fn drop_peer(&mut self, id: u32, why: String, events: &mut Vec<LinkEvent>) {
        let Some(mut peer) = self.peers.remove(&id) else { return };
        peer.session.close();
        let bytes = peer.session.take_outgoing();
        if !bytes.is_empty() {
            peer.outbox.bytes.lock().push_back(bytes);
        }
        peer.outbox.closed.store(true, Ordering::Release);
        let _ = peer.outbox.ready.set();
        if peer.opened {
            events.push(LinkEvent::PeerClosed { peer: id, reason: why });
        }
        if let Some(to) = peer.dialed {
            Self::dial(Arc::clone(&self.net), Arc::clone(&self.shared), to, RECONNECT);
        }
    }

    /// Hand every session's queued bytes to its writer; drop stuck peers.
    fn flush(&mut self) {
        let mut stuck = Vec::new();
        for (id, peer) in self.peers.iter_mut() {
            let bytes = peer.session.take_outgoing();
            if bytes.is_empty() {
                continue;
            }
            let mut queued = peer.outbox.queued.lock();
            if *queued + bytes.len() > MAX_UNSENT {
                stuck.push(*id);
                continue;
            }
            *queued += bytes.len();
            drop(queued);
            peer.outbox.bytes.lock().push_back(bytes);
            let _ = peer.outbox.ready.set();
        }
        let mut events = Vec::new();
        for id in stuck {
            self.drop_peer(id, String::from("the peer does not read (over 8 MiB unsent)"), &mut events);
        }
    }
}

fn translate(peer: u32, p: &mut Peer, happened: Vec<SessionEvent>, events: &mut Vec<LinkEvent>) {
    for event in happened {
        match event {
            SessionEvent::Opened { remote_zid, whatami } => {
                p.opened = true;
                events.push(LinkEvent::PeerOpened {
                    peer,
                    zid: format!("{remote_zid}"),
                    whatami,
                    remote: p.remote,
                });
            }
            SessionEvent::Sample { key, payload, .. } => {
                events.push(LinkEvent::Sample { peer, key, payload })
            }
            SessionEvent::Query { id, key, parameters, .. } => {
                events.push(LinkEvent::Query { peer, id, key, parameters })
            }
            _ => {}
        }
    }
}
