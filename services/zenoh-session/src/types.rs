//! The session's public vocabulary: configuration, events, errors and ids.

use alloc::{string::String, vec::Vec};
use core::fmt;

use zenoh_protocol::core::{WhatAmI, ZenohIdProto};

/// How a session is set up. Build it with [`Config::new`] and adjust the
/// public fields.
#[derive(Clone, Debug)]
pub struct Config {
    /// Our Zenoh id, little-endian; trailing zero bytes shorten it on the
    /// wire. Must not be all zero.
    pub zid: [u8; 16],
    /// Fresh randomness for this session: the initial sequence number and
    /// the accept role's cookie come from it.
    pub entropy: [u8; 16],
    /// Our lease, announced in OpenSyn/OpenAck: the remote closes the
    /// session if it hears nothing from us for this long.
    pub lease_ms: u64,
    /// Our batch size (the 2-byte length prefix included): the upper bound
    /// of the negotiated one, which limits what both sides send. Raised to
    /// 128 if smaller.
    pub batch_size: u16,
    /// The handshake must finish this long after the session is created.
    pub open_timeout_ms: u64,
    /// Largest reassembled (fragmented) message; bigger ones are dropped.
    pub max_message_size: usize,
}

impl Config {
    /// Defaults as the reference Zenoh uses them: 10 s lease, 65535-byte
    /// batches, 10 s to open; reassembled messages up to 16 MiB.
    pub fn new(zid: [u8; 16], entropy: [u8; 16]) -> Self {
        Self {
            zid,
            entropy,
            lease_ms: 10_000,
            batch_size: u16::MAX,
            open_timeout_ms: 10_000,
            max_message_size: 16 << 20,
        }
    }
}

/// A Zenoh id (1 to 16 bytes), printed as Zenoh prints it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ZenohId(pub(crate) ZenohIdProto);

impl ZenohId {
    /// The id's significant bytes, little-endian.
    pub fn to_le_bytes(&self) -> Vec<u8> {
        self.0.to_le_bytes()[..self.0.size()].to_vec()
    }
}

impl fmt::Display for ZenohId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for ZenohId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// A payload's encoding: Zenoh's numeric id (0 is `zenoh/bytes`) and an
/// optional schema.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Encoding {
    /// Zenoh's encoding id.
    pub id: u16,
    /// The schema suffix, if any.
    pub schema: Option<Vec<u8>>,
}

impl Encoding {
    /// `zenoh/bytes`.
    pub const BYTES: Self = Self { id: 0, schema: None };
}

/// Whether a sample is a put or a delete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SampleKind {
    /// A value was put.
    Put,
    /// The key was deleted (no payload).
    Delete,
}

/// What kind of entity the remote declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclKind {
    /// A subscriber: our puts on intersecting keys go to it.
    Subscriber,
    /// A queryable: our gets on intersecting keys may reach it.
    Queryable,
}

/// One of our subscriptions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubscriberId(pub u32);

/// One of our queryables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QueryableId(pub u32);

/// A query the remote sent to one of our queryables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QueryId(pub u32);

/// One of our gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GetId(pub u32);

/// Why a session closed without a local error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// The remote sent Close with this reason code
    /// (`zenoh_protocol::transport::close::reason`).
    Remote(u8),
    /// Nothing arrived within the remote's lease.
    LeaseExpired,
    /// The handshake did not finish within `open_timeout_ms`.
    OpenTimeout,
}

/// What happened on the session, in arrival order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The handshake finished: the session carries data from now on.
    Opened {
        /// The remote's Zenoh id.
        remote_zid: ZenohId,
        /// The remote's role.
        whatami: WhatAmI,
    },
    /// A put or delete on a key one of our subscriptions intersects.
    Sample {
        /// The sample's key expression.
        key: String,
        /// The payload (empty for a delete).
        payload: Vec<u8>,
        /// The payload's encoding.
        encoding: Encoding,
        /// Put or delete.
        kind: SampleKind,
    },
    /// The remote asks one of our queryables: answer with
    /// [`crate::Session::reply`] (any number of times), then
    /// [`crate::Session::reply_done`].
    Query {
        /// Names the query in the answers.
        id: QueryId,
        /// The queried key expression.
        key: String,
        /// The selector's parameters (may be empty).
        parameters: String,
        /// A payload sent with the query, if any.
        payload: Option<Vec<u8>>,
    },
    /// One answer to one of our gets.
    Reply {
        /// The get it answers.
        get: GetId,
        /// The reply's key.
        key: String,
        /// The reply's payload.
        payload: Vec<u8>,
        /// The payload's encoding.
        encoding: Encoding,
    },
    /// An error answer to one of our gets.
    ReplyError {
        /// The get it answers.
        get: GetId,
        /// The error payload.
        payload: Vec<u8>,
    },
    /// No more answers will come for this get.
    ReplyDone {
        /// The finished get.
        get: GetId,
    },
    /// The remote declared a subscriber or queryable.
    Declared {
        /// Subscriber or queryable.
        kind: DeclKind,
        /// Its key expression.
        key: String,
    },
    /// The remote withdrew a subscriber or queryable.
    Undeclared {
        /// Subscriber or queryable.
        kind: DeclKind,
        /// Its key expression.
        key: String,
    },
    /// The session is closed; write out [`crate::Session::take_outgoing`]
    /// (a Close message may be in it) and drop the stream.
    Closed {
        /// Why.
        reason: CloseReason,
    },
}

/// What went wrong. After an error from `receive` the session is closed
/// (a Close message is queued in the outgoing bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionError {
    /// The bytes do not decode as Zenoh messages.
    Malformed,
    /// A valid message that breaks the protocol here (wrong handshake
    /// step, bad cookie, version, sequence number out of resolution …).
    Protocol(&'static str),
    /// The remote used a key expression id it never declared.
    UnknownExprId(u16),
    /// The session is closed.
    Closed,
    /// The handshake has not finished yet.
    NotOpen,
    /// Not a valid (canonical) Zenoh key expression.
    InvalidKey,
    /// `Config::zid` is all zero.
    InvalidZid,
    /// No such pending query.
    UnknownQuery(QueryId),
    /// A reply's key does not intersect the query's key.
    KeyMismatch,
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed => write!(f, "malformed Zenoh message"),
            Self::Protocol(what) => write!(f, "protocol violation: {what}"),
            Self::UnknownExprId(id) => write!(f, "undeclared key expression id {id}"),
            Self::Closed => write!(f, "session closed"),
            Self::NotOpen => write!(f, "session not open yet"),
            Self::InvalidKey => write!(f, "invalid key expression"),
            Self::InvalidZid => write!(f, "all-zero Zenoh id"),
            Self::UnknownQuery(id) => write!(f, "no pending query {}", id.0),
            Self::KeyMismatch => write!(f, "reply key does not intersect the query"),
        }
    }
}

impl core::error::Error for SessionError {}
