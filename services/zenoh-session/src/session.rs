//! The session: the unicast handshake, lease and keep-alive, sequence
//! numbers and reassembly, and the network layer (declarations, pub/sub,
//! queries).

use alloc::{
    collections::{BTreeMap, BTreeSet},
    string::{String, ToString},
    vec::Vec,
};
use core::time::Duration;

use zenoh_buffers::{ZBuf, ZSlice, buffer::SplitBuffer, reader::HasReader, reader::Reader};
use zenoh_codec::{RCodec, Zenoh080, Zenoh080Reliability};
use zenoh_protocol::{
    VERSION,
    core::{Bits, Encoding as WireEncoding, Field, Reliability, Resolution, WhatAmI, WireExpr, ZenohIdProto},
    network::{
        Declare, DeclareBody, DeclareFinal, DeclareQueryable, DeclareSubscriber, Interest, Mapping,
        NetworkBody, NetworkMessage, Push, Request, Response, ResponseFinal, UndeclareQueryable,
        UndeclareSubscriber, declare,
        interest::{self, InterestMode, InterestOptions},
        push, request, response,
    },
    transport::{
        Close, Fragment, Frame, InitAck, InitSyn, KeepAlive, OpenAck, OpenSyn, TransportBody,
        TransportMessage, TransportSn, close, init,
    },
    zenoh::{ConsolidationMode, Del, PushBody, Put, Query, Reply, RequestBody, ResponseBody},
};

use crate::{
    framing::{StreamDecoder, Tx, sn_mask, sn_precedes},
    keys,
    types::{
        CloseReason, Config, DeclKind, Encoding, Event, GetId, QueryId, QueryableId, SampleKind,
        SessionError, SubscriberId, ZenohId,
    },
};

/// The smallest batch size we agree to (either side's).
const MIN_BATCH: u16 = 128;
/// The id the reference peers give the implicit interest two peers have in
/// each other's declarations; a DeclareFinal with it ends our initial ones.
const INITIAL_INTEREST_ID: u32 = 0;
/// The id of the interest we send a router for its declarations.
const ROUTER_INTEREST_ID: u32 = 1;
/// Keep-alives go out when nothing else did for a quarter of our lease,
/// as the reference does.
const KEEP_ALIVE_DIVISOR: u64 = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Open role: InitSyn sent.
    AwaitInitAck,
    /// Open role: OpenSyn sent.
    AwaitOpenAck,
    /// Accept role: waiting for the InitSyn.
    AwaitInitSyn,
    /// Accept role: InitAck (with our cookie) sent.
    AwaitOpenSyn,
    Open,
    Closed,
}

/// One receive channel (reliable or best-effort): its last SN and the
/// message being reassembled from fragments.
#[derive(Debug, Default)]
struct RxChannel {
    last_sn: TransportSn,
    defrag: Vec<u8>,
    /// The SN the next fragment must carry while `defrag` is not empty.
    defrag_next: TransportSn,
    /// Skip fragments up to the end of the current message (it broke).
    discarding: bool,
}

/// A sans-IO Zenoh unicast session over a byte stream. See the crate docs.
#[derive(Debug)]
pub struct Session {
    config: Config,
    zid: ZenohIdProto,
    phase: Phase,
    created_ms: u64,
    rx: StreamDecoder,
    tx: Tx,
    resolution: Resolution,
    batch_size: u16,
    initial_sn: TransportSn,
    remote: Option<(ZenohIdProto, WhatAmI)>,
    remote_lease_ms: u64,
    last_rx_ms: u64,
    last_tx_ms: u64,
    channels: [RxChannel; 2],
    next_entity: u32,
    next_request: u32,
    subs: BTreeMap<u32, String>,
    queryables: BTreeMap<u32, String>,
    remote_subs: BTreeMap<u32, String>,
    remote_queryables: BTreeMap<u32, String>,
    remote_exprs: BTreeMap<u16, String>,
    queries: BTreeMap<u32, String>,
    gets: BTreeSet<u32>,
}

fn channel(reliability: Reliability) -> usize {
    match reliability {
        Reliability::Reliable => 0,
        Reliability::BestEffort => 1,
    }
}

fn bytes_of(buf: &ZBuf) -> Vec<u8> {
    buf.contiguous().into_owned()
}

fn encoding_from_wire(e: &WireEncoding) -> Encoding {
    Encoding { id: e.id, schema: e.schema.as_ref().map(|s| s.as_slice().to_vec()) }
}

fn encoding_to_wire(e: &Encoding) -> WireEncoding {
    WireEncoding { id: e.id, schema: e.schema.clone().map(ZSlice::from) }
}

fn put_body(payload: &[u8], encoding: &Encoding) -> PushBody {
    PushBody::Put(Put {
        encoding: encoding_to_wire(encoding),
        payload: ZBuf::from(payload.to_vec()),
        ..Put::default()
    })
}

fn declare(interest_id: Option<u32>, body: DeclareBody) -> NetworkMessage {
    NetworkMessage {
        body: NetworkBody::Declare(Declare {
            interest_id,
            ext_qos: declare::ext::QoSType::DECLARE,
            ext_tstamp: None,
            ext_nodeid: declare::ext::NodeIdType::DEFAULT,
            body,
        }),
        reliability: Reliability::Reliable,
    }
}

fn reliable(body: NetworkBody) -> NetworkMessage {
    NetworkMessage { body, reliability: Reliability::Reliable }
}

impl Session {
    fn new(config: Config, now_ms: u64, phase: Phase) -> Result<Self, SessionError> {
        let zid = ZenohIdProto::try_from(config.zid).map_err(|_| SessionError::InvalidZid)?;
        let batch_size = config.batch_size.max(MIN_BATCH);
        Ok(Self {
            zid,
            phase,
            created_ms: now_ms,
            rx: StreamDecoder::default(),
            tx: Tx::new(),
            resolution: Resolution::default(),
            batch_size,
            initial_sn: 0,
            remote: None,
            remote_lease_ms: 0,
            last_rx_ms: now_ms,
            last_tx_ms: now_ms,
            channels: Default::default(),
            next_entity: 1,
            next_request: 1,
            subs: BTreeMap::new(),
            queryables: BTreeMap::new(),
            remote_subs: BTreeMap::new(),
            remote_queryables: BTreeMap::new(),
            remote_exprs: BTreeMap::new(),
            queries: BTreeMap::new(),
            gets: BTreeSet::new(),
            config: Config { batch_size, ..config },
        })
    }

    /// We connect: queues the InitSyn.
    pub fn open(config: Config, now_ms: u64) -> Result<Self, SessionError> {
        let mut s = Self::new(config, now_ms, Phase::AwaitInitAck)?;
        let syn = InitSyn {
            version: VERSION,
            whatami: WhatAmI::Peer,
            zid: s.zid,
            resolution: s.resolution,
            batch_size: s.batch_size,
            ext_qos: None,
            ext_qos_link: None,
            ext_auth: None,
            ext_mlink: None,
            ext_lowlatency: None,
            ext_compression: None,
            ext_patch: init::ext::PatchType::NONE,
            ext_region_name: None,
        };
        s.tx.push_transport(&syn.into());
        Ok(s)
    }

    /// The remote connected to us: waits for its InitSyn.
    pub fn accept(config: Config, now_ms: u64) -> Result<Self, SessionError> {
        Self::new(config, now_ms, Phase::AwaitInitSyn)
    }

    /// Our Zenoh id.
    pub fn zid(&self) -> ZenohId {
        ZenohId(self.zid)
    }

    /// The remote's id and role, once its Init arrived.
    pub fn remote(&self) -> Option<(ZenohId, WhatAmI)> {
        self.remote.map(|(z, w)| (ZenohId(z), w))
    }

    /// Whether the handshake finished and the session is not closed.
    pub fn is_open(&self) -> bool {
        self.phase == Phase::Open
    }

    /// Whether the session is closed (for good).
    pub fn is_closed(&self) -> bool {
        self.phase == Phase::Closed
    }

    /// The batch size in force (the negotiated one once open), length
    /// prefix included.
    pub fn batch_size(&self) -> u16 {
        self.batch_size
    }

    /// The latest time `poll` must run next (keep-alive or lease), if any.
    pub fn next_deadline(&self) -> Option<u64> {
        match self.phase {
            Phase::Closed => None,
            Phase::Open => Some(
                (self.last_tx_ms.saturating_add(self.keep_alive_ms()))
                    .min(self.last_rx_ms.saturating_add(self.remote_lease_ms).saturating_add(1)),
            ),
            _ => Some(self.created_ms.saturating_add(self.config.open_timeout_ms).saturating_add(1)),
        }
    }

    fn keep_alive_ms(&self) -> u64 {
        (self.config.lease_ms / KEEP_ALIVE_DIVISOR).max(1)
    }

    /// The bytes to write to the stream, length prefixes included.
    pub fn take_outgoing(&mut self) -> Vec<u8> {
        self.tx.take()
    }

    /// Feeds bytes read from the stream (any split). Returns what happened;
    /// an error closes the session (a Close is queued for the remote).
    pub fn receive(&mut self, bytes: &[u8], now_ms: u64) -> Result<Vec<Event>, SessionError> {
        if self.phase == Phase::Closed {
            return Err(SessionError::Closed);
        }
        if !bytes.is_empty() {
            self.last_rx_ms = now_ms;
        }
        let mut events = Vec::new();
        let mut rx = core::mem::take(&mut self.rx);
        rx.push(bytes);
        let mut result = Ok(());
        while self.phase != Phase::Closed
            && let Some(batch) = rx.next_batch()
        {
            result = self.on_batch(batch, &mut events);
            if result.is_err() {
                break;
            }
        }
        self.rx = rx;
        if self.tx.take_dirty() {
            self.last_tx_ms = now_ms;
        }
        match result {
            Ok(()) => Ok(events),
            Err(e) => {
                let reason = match e {
                    SessionError::Malformed | SessionError::Protocol(_) | SessionError::UnknownExprId(_) => {
                        close::reason::INVALID
                    }
                    _ => close::reason::GENERIC,
                };
                self.close_with(reason);
                Err(e)
            }
        }
    }

    /// Timers: sends a KeepAlive when nothing went out for a quarter of our
    /// lease, closes when nothing came in for the remote's lease or the
    /// handshake is late. Call it at least every [`Self::next_deadline`].
    pub fn poll(&mut self, now_ms: u64) -> Vec<Event> {
        let mut events = Vec::new();
        match self.phase {
            Phase::Closed => {}
            Phase::Open => {
                if self.tx.take_dirty() {
                    self.last_tx_ms = now_ms;
                }
                if now_ms.saturating_sub(self.last_rx_ms) > self.remote_lease_ms {
                    self.close_with(close::reason::EXPIRED);
                    events.push(Event::Closed { reason: CloseReason::LeaseExpired });
                } else if now_ms.saturating_sub(self.last_tx_ms) >= self.keep_alive_ms() {
                    self.tx.push_transport(&KeepAlive.into());
                    self.tx.take_dirty();
                    self.last_tx_ms = now_ms;
                }
            }
            _ => {
                if now_ms.saturating_sub(self.created_ms) > self.config.open_timeout_ms {
                    self.close_with(close::reason::GENERIC);
                    events.push(Event::Closed { reason: CloseReason::OpenTimeout });
                }
            }
        }
        events
    }

    /// Closes the session: queues a Close for the remote.
    pub fn close(&mut self) {
        if self.phase != Phase::Closed {
            self.close_with(close::reason::GENERIC);
        }
    }

    fn close_with(&mut self, reason: u8) {
        self.tx.push_transport(&Close { reason, session: true }.into());
        self.phase = Phase::Closed;
    }

    // ---- transport ----

    fn on_batch(&mut self, mut reader: &[u8], events: &mut Vec<Event>) -> Result<(), SessionError> {
        while self.phase != Phase::Closed && reader.can_read() {
            let msg: TransportMessage =
                Zenoh080::new().read(&mut reader).map_err(|_| SessionError::Malformed)?;
            self.on_transport(msg, events)?;
        }
        Ok(())
    }

    fn on_transport(&mut self, msg: TransportMessage, events: &mut Vec<Event>) -> Result<(), SessionError> {
        match (self.phase, msg.body) {
            (_, TransportBody::Close(c)) => {
                self.phase = Phase::Closed;
                events.push(Event::Closed { reason: CloseReason::Remote(c.reason) });
            }
            (Phase::AwaitInitSyn, TransportBody::InitSyn(syn)) => self.on_init_syn(syn)?,
            (Phase::AwaitInitAck, TransportBody::InitAck(ack)) => self.on_init_ack(ack)?,
            (Phase::AwaitOpenSyn, TransportBody::OpenSyn(syn)) => {
                if syn.cookie.as_slice() != self.config.entropy {
                    return Err(SessionError::Protocol("OpenSyn with an unknown cookie"));
                }
                self.established(syn.lease, syn.initial_sn)?;
                let ack = OpenAck {
                    lease: Duration::from_millis(self.config.lease_ms),
                    initial_sn: self.initial_sn,
                    ext_qos: None,
                    ext_auth: None,
                    ext_mlink: None,
                    ext_lowlatency: None,
                    ext_compression: None,
                    ext_remote_bound: None,
                };
                self.tx.push_transport(&ack.into());
                self.opened(events);
            }
            (Phase::AwaitOpenAck, TransportBody::OpenAck(ack)) => {
                self.established(ack.lease, ack.initial_sn)?;
                self.opened(events);
            }
            (Phase::Open, TransportBody::Frame(frame)) => self.on_frame(frame, events)?,
            (Phase::Open, TransportBody::Fragment(fragment)) => self.on_fragment(fragment, events)?,
            // KeepAlive only refreshes the lease; OAM, Join and stray
            // handshake messages are ignored once open, as the reference does.
            (Phase::Open, _) => {}
            (_, _) => return Err(SessionError::Protocol("unexpected message in the handshake")),
        }
        Ok(())
    }

    fn check_remote(&mut self, version: u8, zid: ZenohIdProto, batch: u16) -> Result<(), SessionError> {
        if version != VERSION {
            return Err(SessionError::Protocol("unsupported Zenoh protocol version"));
        }
        if zid == self.zid {
            return Err(SessionError::Protocol("connection to self"));
        }
        if batch < MIN_BATCH {
            return Err(SessionError::Protocol("batch size too small"));
        }
        Ok(())
    }

    fn on_init_syn(&mut self, syn: InitSyn) -> Result<(), SessionError> {
        self.check_remote(syn.version, syn.zid, syn.batch_size)?;
        let mut resolution = Resolution::default();
        for field in [Field::FrameSN, Field::RequestID] {
            resolution.set(field, syn.resolution.get(field).min(self.resolution.get(field)));
        }
        self.resolution = resolution;
        self.batch_size = self.batch_size.min(syn.batch_size);
        self.remote = Some((syn.zid, syn.whatami));
        self.initial_sn = self.our_initial_sn();
        let ack = InitAck {
            version: VERSION,
            whatami: WhatAmI::Peer,
            zid: self.zid,
            resolution,
            batch_size: self.batch_size,
            cookie: ZSlice::from(self.config.entropy.to_vec()),
            ext_qos: None,
            ext_qos_link: None,
            ext_auth: None,
            ext_mlink: None,
            ext_lowlatency: None,
            ext_compression: None,
            ext_patch: init::ext::PatchType::NONE,
            ext_region_name: None,
        };
        self.tx.push_transport(&ack.into());
        self.phase = Phase::AwaitOpenSyn;
        Ok(())
    }

    fn on_init_ack(&mut self, ack: InitAck) -> Result<(), SessionError> {
        self.check_remote(ack.version, ack.zid, ack.batch_size)?;
        let mut resolution = Resolution::default();
        for field in [Field::FrameSN, Field::RequestID] {
            if ack.resolution.get(field) > self.resolution.get(field) {
                return Err(SessionError::Protocol("InitAck resolution above ours"));
            }
            resolution.set(field, ack.resolution.get(field));
        }
        self.resolution = resolution;
        self.batch_size = self.batch_size.min(ack.batch_size);
        self.remote = Some((ack.zid, ack.whatami));
        self.initial_sn = self.our_initial_sn();
        let syn = OpenSyn {
            lease: Duration::from_millis(self.config.lease_ms),
            initial_sn: self.initial_sn,
            cookie: ack.cookie,
            ext_qos: None,
            ext_auth: None,
            ext_mlink: None,
            ext_lowlatency: None,
            ext_compression: None,
            ext_remote_bound: None,
        };
        self.tx.push_transport(&syn.into());
        self.phase = Phase::AwaitOpenAck;
        Ok(())
    }

    fn sn_bits(&self) -> Bits {
        self.resolution.get(Field::FrameSN)
    }

    fn our_initial_sn(&self) -> TransportSn {
        let e = &self.config.entropy;
        TransportSn::from_le_bytes([e[0] ^ e[4], e[1] ^ e[5], e[2] ^ e[6], e[3] ^ e[7]])
            & sn_mask(self.sn_bits())
    }

    /// Both Opens are through: set up the channels.
    fn established(&mut self, lease: Duration, remote_sn: TransportSn) -> Result<(), SessionError> {
        let mask = sn_mask(self.sn_bits());
        if remote_sn & !mask != 0 {
            return Err(SessionError::Protocol("initial SN beyond the resolution"));
        }
        self.remote_lease_ms = u64::try_from(lease.as_millis()).unwrap_or(u64::MAX);
        let last = remote_sn.wrapping_sub(1) & mask;
        self.channels = [
            RxChannel { last_sn: last, ..RxChannel::default() },
            RxChannel { last_sn: last, ..RxChannel::default() },
        ];
        self.tx.configure(self.batch_size, self.sn_bits(), self.initial_sn);
        Ok(())
    }

    fn opened(&mut self, events: &mut Vec<Event>) {
        self.phase = Phase::Open;
        let Some((zid, whatami)) = self.remote else { return };
        events.push(Event::Opened { remote_zid: ZenohId(zid), whatami });
        let subs: Vec<_> = self.subs.iter().map(|(i, k)| (*i, k.clone())).collect();
        for (id, key) in subs {
            self.tx.push_network(&declare_sub(None, id, key));
        }
        let qabls: Vec<_> = self.queryables.iter().map(|(i, k)| (*i, k.clone())).collect();
        for (id, key) in qabls {
            self.tx.push_network(&declare_qabl(None, id, key));
        }
        match whatami {
            // Peers exchange their declarations unasked; the DeclareFinal
            // tells the remote ours are complete.
            WhatAmI::Peer => self
                .tx
                .push_network(&declare(Some(INITIAL_INTEREST_ID), DeclareBody::DeclareFinal(DeclareFinal))),
            // A router only tells what we ask for.
            WhatAmI::Router => self.tx.push_network(&reliable(NetworkBody::Interest(Interest {
                id: ROUTER_INTEREST_ID,
                mode: InterestMode::CurrentFuture,
                options: InterestOptions::SUBSCRIBERS + InterestOptions::QUERYABLES,
                wire_expr: None,
                ext_qos: interest::ext::QoSType::INTEREST,
                ext_tstamp: None,
                ext_nodeid: interest::ext::NodeIdType::DEFAULT,
            }))),
            // A client asks with an Interest.
            WhatAmI::Client => {}
        }
    }

    fn check_sn(&self, sn: TransportSn) -> Result<TransportSn, SessionError> {
        let mask = sn_mask(self.sn_bits());
        if sn & !mask != 0 {
            return Err(SessionError::Protocol("SN beyond the resolution"));
        }
        Ok(mask)
    }

    fn on_frame(&mut self, frame: Frame, events: &mut Vec<Event>) -> Result<(), SessionError> {
        let mask = self.check_sn(frame.sn)?;
        let ch = &mut self.channels[channel(frame.reliability)];
        if !sn_precedes(ch.last_sn, frame.sn, mask) {
            return Ok(()); // a duplicate or stale frame
        }
        ch.last_sn = frame.sn;
        for msg in frame.payload {
            self.on_network(msg, events)?;
        }
        Ok(())
    }

    fn on_fragment(&mut self, f: Fragment, events: &mut Vec<Event>) -> Result<(), SessionError> {
        let mask = self.check_sn(f.sn)?;
        let max = self.config.max_message_size;
        let ch = &mut self.channels[channel(f.reliability)];
        if !sn_precedes(ch.last_sn, f.sn, mask) {
            return Ok(());
        }
        ch.last_sn = f.sn;
        if ch.discarding {
            ch.discarding = f.more;
            return Ok(());
        }
        let broken =
            (!ch.defrag.is_empty() && f.sn != ch.defrag_next) || ch.defrag.len() + f.payload.len() > max;
        if broken {
            // A lost fragment or an oversized message: drop it whole.
            ch.defrag.clear();
            ch.discarding = f.more;
            return Ok(());
        }
        ch.defrag.extend_from_slice(f.payload.as_slice());
        ch.defrag_next = f.sn.wrapping_add(1) & mask;
        if f.more {
            return Ok(());
        }
        let whole = core::mem::take(&mut ch.defrag);
        let msg: NetworkMessage = Zenoh080Reliability::new(f.reliability)
            .read(&mut whole.as_slice().reader())
            .map_err(|_| SessionError::Malformed)?;
        self.on_network(msg, events)
    }

    // ---- network ----

    fn resolve(&self, w: &WireExpr<'_>) -> Result<String, SessionError> {
        if w.scope == 0 {
            return Ok(w.suffix.to_string());
        }
        let prefix = match w.mapping {
            Mapping::Sender => self.remote_exprs.get(&w.scope),
            // We declare no expression ids of our own.
            Mapping::Receiver => None,
        };
        let mut key = prefix.ok_or(SessionError::UnknownExprId(w.scope))?.clone();
        key.push_str(&w.suffix);
        Ok(key)
    }

    fn on_network(&mut self, msg: NetworkMessage, events: &mut Vec<Event>) -> Result<(), SessionError> {
        match msg.body {
            NetworkBody::Push(push) => {
                let key = self.resolve(&push.wire_expr)?;
                if !self.subs.values().any(|s| keys::intersects(s, &key)) {
                    return Ok(());
                }
                events.push(match push.payload {
                    PushBody::Put(put) => Event::Sample {
                        key,
                        payload: bytes_of(&put.payload),
                        encoding: encoding_from_wire(&put.encoding),
                        kind: SampleKind::Put,
                    },
                    PushBody::Del(_) => Event::Sample {
                        key,
                        payload: Vec::new(),
                        encoding: Encoding::BYTES,
                        kind: SampleKind::Delete,
                    },
                });
            }
            NetworkBody::Request(req) => {
                let key = self.resolve(&req.wire_expr)?;
                let RequestBody::Query(query) = req.payload;
                if self.queryables.values().any(|q| keys::intersects(q, &key)) {
                    self.queries.insert(req.id, key.clone());
                    events.push(Event::Query {
                        id: QueryId(req.id),
                        key,
                        parameters: query.parameters,
                        payload: query.ext_body.map(|b| bytes_of(&b.payload)),
                    });
                } else {
                    self.tx.push_network(&response_final(req.id));
                }
            }
            NetworkBody::Response(resp) => {
                if !self.gets.contains(&resp.rid) {
                    return Ok(());
                }
                let get = GetId(resp.rid);
                events.push(match resp.payload {
                    ResponseBody::Reply(reply) => {
                        let key = self.resolve(&resp.wire_expr)?;
                        match reply.payload {
                            PushBody::Put(put) => Event::Reply {
                                get,
                                key,
                                payload: bytes_of(&put.payload),
                                encoding: encoding_from_wire(&put.encoding),
                            },
                            PushBody::Del(_) => {
                                Event::Reply { get, key, payload: Vec::new(), encoding: Encoding::BYTES }
                            }
                        }
                    }
                    ResponseBody::Err(err) => Event::ReplyError { get, payload: bytes_of(&err.payload) },
                });
            }
            NetworkBody::ResponseFinal(fin) => {
                if self.gets.remove(&fin.rid) {
                    events.push(Event::ReplyDone { get: GetId(fin.rid) });
                }
            }
            NetworkBody::Interest(interest) => self.on_interest(interest)?,
            NetworkBody::Declare(decl) => self.on_declare(decl.body, events)?,
            NetworkBody::OAM(_) => {}
        }
        Ok(())
    }

    fn on_declare(&mut self, body: DeclareBody, events: &mut Vec<Event>) -> Result<(), SessionError> {
        match body {
            DeclareBody::DeclareKeyExpr(d) => {
                let key = self.resolve(&d.wire_expr)?;
                self.remote_exprs.insert(d.id, key);
            }
            DeclareBody::UndeclareKeyExpr(u) => {
                self.remote_exprs.remove(&u.id);
            }
            DeclareBody::DeclareSubscriber(d) => {
                let key = self.resolve(&d.wire_expr)?;
                self.remote_subs.insert(d.id, key.clone());
                events.push(Event::Declared { kind: DeclKind::Subscriber, key });
            }
            DeclareBody::UndeclareSubscriber(u) => {
                if let Some(key) = self.remote_subs.remove(&u.id) {
                    events.push(Event::Undeclared { kind: DeclKind::Subscriber, key });
                }
            }
            DeclareBody::DeclareQueryable(d) => {
                let key = self.resolve(&d.wire_expr)?;
                self.remote_queryables.insert(d.id, key.clone());
                events.push(Event::Declared { kind: DeclKind::Queryable, key });
            }
            DeclareBody::UndeclareQueryable(u) => {
                if let Some(key) = self.remote_queryables.remove(&u.id) {
                    events.push(Event::Undeclared { kind: DeclKind::Queryable, key });
                }
            }
            // Liveliness tokens are not supported; DeclareFinal ends a
            // batch of declarations we need not wait for.
            DeclareBody::DeclareToken(_) | DeclareBody::UndeclareToken(_) | DeclareBody::DeclareFinal(_) => {}
        }
        Ok(())
    }

    /// The remote asks for our declarations: the current ones go out tagged
    /// with its interest id, then a DeclareFinal. (Future ones go out anyway.)
    fn on_interest(&mut self, interest: Interest) -> Result<(), SessionError> {
        if !interest.mode.is_current() {
            return Ok(());
        }
        let restriction = interest.wire_expr.as_ref().map(|w| self.resolve(w)).transpose()?;
        let wanted = |key: &str| restriction.as_ref().is_none_or(|r| keys::intersects(r, key));
        let mut out = Vec::new();
        if interest.options.subscribers() {
            for (id, key) in self.subs.iter().filter(|(_, k)| wanted(k)) {
                out.push(declare_sub(Some(interest.id), *id, key.clone()));
            }
        }
        if interest.options.queryables() {
            for (id, key) in self.queryables.iter().filter(|(_, k)| wanted(k)) {
                out.push(declare_qabl(Some(interest.id), *id, key.clone()));
            }
        }
        out.push(declare(Some(interest.id), DeclareBody::DeclareFinal(DeclareFinal)));
        for msg in &out {
            self.tx.push_network(msg);
        }
        Ok(())
    }

    // ---- the caller's side ----

    fn usable(&self) -> Result<(), SessionError> {
        match self.phase {
            Phase::Open => Ok(()),
            Phase::Closed => Err(SessionError::Closed),
            _ => Err(SessionError::NotOpen),
        }
    }

    fn entity_id(&mut self) -> u32 {
        let id = self.next_entity;
        self.next_entity = self.next_entity.wrapping_add(1);
        id
    }

    /// Subscribes to `key` (declared now if open, else once open). Samples
    /// arrive as [`Event::Sample`].
    pub fn subscribe(&mut self, key: &str) -> Result<SubscriberId, SessionError> {
        self.declarable(key)?;
        let id = self.entity_id();
        self.subs.insert(id, key.to_string());
        if self.phase == Phase::Open {
            self.tx.push_network(&declare_sub(None, id, key.to_string()));
        }
        Ok(SubscriberId(id))
    }

    /// Withdraws a subscription; false if there was none.
    pub fn unsubscribe(&mut self, id: SubscriberId) -> bool {
        let Some(key) = self.subs.remove(&id.0) else { return false };
        if self.phase == Phase::Open {
            self.tx.push_network(&declare(
                None,
                DeclareBody::UndeclareSubscriber(UndeclareSubscriber {
                    id: id.0,
                    ext_wire_expr: declare::common::ext::WireExprType { wire_expr: key.into() },
                }),
            ));
        }
        true
    }

    /// Declares a queryable on `key` (now if open, else once open). Queries
    /// arrive as [`Event::Query`].
    pub fn declare_queryable(&mut self, key: &str) -> Result<QueryableId, SessionError> {
        self.declarable(key)?;
        let id = self.entity_id();
        self.queryables.insert(id, key.to_string());
        if self.phase == Phase::Open {
            self.tx.push_network(&declare_qabl(None, id, key.to_string()));
        }
        Ok(QueryableId(id))
    }

    /// Withdraws a queryable; false if there was none.
    pub fn undeclare_queryable(&mut self, id: QueryableId) -> bool {
        let Some(key) = self.queryables.remove(&id.0) else { return false };
        if self.phase == Phase::Open {
            self.tx.push_network(&declare(
                None,
                DeclareBody::UndeclareQueryable(UndeclareQueryable {
                    id: id.0,
                    ext_wire_expr: declare::common::ext::WireExprType { wire_expr: key.into() },
                }),
            ));
        }
        true
    }

    fn declarable(&self, key: &str) -> Result<(), SessionError> {
        if self.phase == Phase::Closed {
            return Err(SessionError::Closed);
        }
        if !keys::valid(key) {
            return Err(SessionError::InvalidKey);
        }
        Ok(())
    }

    /// Whether the remote declared a subscriber intersecting `key`.
    pub fn has_subscriber(&self, key: &str) -> bool {
        self.remote_subs.values().any(|s| keys::intersects(s, key))
    }

    /// Whether the remote declared a queryable intersecting `key`.
    pub fn has_queryable(&self, key: &str) -> bool {
        self.remote_queryables.values().any(|q| keys::intersects(q, key))
    }

    /// Puts `payload` on `key` (reliable, `zenoh/bytes`). Sent only if the
    /// remote has an intersecting subscriber: returns whether it was.
    pub fn put(&mut self, key: &str, payload: &[u8]) -> Result<bool, SessionError> {
        self.put_with(key, payload, &Encoding::BYTES, Reliability::Reliable)
    }

    /// [`Self::put`] with an encoding and a channel.
    pub fn put_with(
        &mut self,
        key: &str,
        payload: &[u8],
        encoding: &Encoding,
        reliability: Reliability,
    ) -> Result<bool, SessionError> {
        self.push(key, put_body(payload, encoding), reliability)
    }

    /// Deletes `key`, under the same rule as [`Self::put`].
    pub fn delete(&mut self, key: &str) -> Result<bool, SessionError> {
        self.push(key, PushBody::Del(Del::default()), Reliability::Reliable)
    }

    fn push(&mut self, key: &str, body: PushBody, reliability: Reliability) -> Result<bool, SessionError> {
        self.usable()?;
        if !keys::valid(key) {
            return Err(SessionError::InvalidKey);
        }
        if !self.has_subscriber(key) {
            return Ok(false);
        }
        self.tx.push_network(&NetworkMessage {
            body: NetworkBody::Push(Push {
                wire_expr: key.to_string().into(),
                ext_qos: push::ext::QoSType::PUSH,
                ext_tstamp: None,
                ext_nodeid: push::ext::NodeIdType::DEFAULT,
                ext_ts_stack: None,
                payload: body,
            }),
            reliability,
        });
        Ok(true)
    }

    /// Queries `key` with `parameters` (may be empty). Answers arrive as
    /// [`Event::Reply`]/[`Event::ReplyError`], then one [`Event::ReplyDone`].
    pub fn get(&mut self, key: &str, parameters: &str) -> Result<GetId, SessionError> {
        self.usable()?;
        if !keys::valid(key) {
            return Err(SessionError::InvalidKey);
        }
        let mask = self.resolution.get(Field::RequestID).mask();
        let id = (u64::from(self.next_request) & mask) as u32;
        self.next_request = self.next_request.wrapping_add(1);
        self.gets.insert(id);
        self.tx.push_network(&reliable(NetworkBody::Request(Request {
            id,
            wire_expr: key.to_string().into(),
            ext_qos: request::ext::QoSType::REQUEST,
            ext_tstamp: None,
            ext_nodeid: request::ext::NodeIdType::DEFAULT,
            ext_target: request::ext::QueryTarget::DEFAULT,
            ext_budget: None,
            ext_timeout: None,
            ext_ts_stack: None,
            payload: RequestBody::Query(Query {
                consolidation: ConsolidationMode::DEFAULT,
                parameters: parameters.to_string(),
                ..Query::default()
            }),
        })));
        Ok(GetId(id))
    }

    /// Forgets a get: later answers to it are dropped.
    pub fn cancel_get(&mut self, get: GetId) {
        self.gets.remove(&get.0);
    }

    /// Answers a query (any number of times before [`Self::reply_done`]);
    /// `key` must intersect the query's key.
    pub fn reply(&mut self, query: QueryId, key: &str, payload: &[u8]) -> Result<(), SessionError> {
        self.usable()?;
        let asked = self.queries.get(&query.0).ok_or(SessionError::UnknownQuery(query))?;
        if !keys::valid(key) {
            return Err(SessionError::InvalidKey);
        }
        if !keys::intersects(asked, key) {
            return Err(SessionError::KeyMismatch);
        }
        self.tx.push_network(&reliable(NetworkBody::Response(Response {
            rid: query.0,
            wire_expr: key.to_string().into(),
            payload: ResponseBody::Reply(Reply {
                consolidation: ConsolidationMode::DEFAULT,
                ext_unknown: Vec::new(),
                payload: put_body(payload, &Encoding::BYTES),
            }),
            ext_qos: response::ext::QoSType::DEFAULT,
            ext_tstamp: None,
            ext_respid: None,
            ext_ts_stack: None,
        })));
        Ok(())
    }

    /// Ends a query: no more replies.
    pub fn reply_done(&mut self, query: QueryId) -> Result<(), SessionError> {
        self.usable()?;
        self.queries.remove(&query.0).ok_or(SessionError::UnknownQuery(query))?;
        self.tx.push_network(&response_final(query.0));
        Ok(())
    }
}

fn declare_sub(interest_id: Option<u32>, id: u32, key: String) -> NetworkMessage {
    declare(interest_id, DeclareBody::DeclareSubscriber(DeclareSubscriber { id, wire_expr: key.into() }))
}

fn declare_qabl(interest_id: Option<u32>, id: u32, key: String) -> NetworkMessage {
    declare(
        interest_id,
        DeclareBody::DeclareQueryable(DeclareQueryable {
            id,
            wire_expr: key.into(),
            ext_info: declare::queryable::ext::QueryableInfoType::DEFAULT,
        }),
    )
}

fn response_final(rid: u32) -> NetworkMessage {
    reliable(NetworkBody::ResponseFinal(ResponseFinal {
        rid,
        ext_qos: response::ext::QoSType::DEFAULT,
        ext_tstamp: None,
    }))
}
