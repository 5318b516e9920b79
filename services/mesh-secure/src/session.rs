//! An established session: the envelope that seals and opens messages.

use alloc::vec::Vec;

use chacha20poly1305::aead::AeadInOut;
use chacha20poly1305::{ChaCha20Poly1305, KeyInit, Nonce, Tag};

use crate::wire::{Kind, VERSION};
use crate::{EndpointId, Error, PairedSet, SessionId};

/// Bytes of the envelope header: version, kind, direction, reserved,
/// session id (8), counter (8, big-endian).
pub const HEADER_LEN: usize = 20;
/// Bytes of the Poly1305 tag at the end of every envelope.
pub const TAG_LEN: usize = 16;
/// What sealing adds to a plaintext: `HEADER_LEN + TAG_LEN`.
pub const OVERHEAD: usize = HEADER_LEN + TAG_LEN;
/// A session seals at most this many messages (counters 0 to 2^63 − 1).
pub const MAX_MESSAGES: u64 = 1 << 63;

/// Which side of the handshake a session end was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// The side that sent SessionInit (the viewer).
    Initiator,
    /// The side that answered (the device).
    Responder,
}

impl Role {
    /// The direction byte of messages this role sends: 0 initiator →
    /// responder, 1 responder → initiator.
    fn sends(self) -> u8 {
        match self {
            Role::Initiator => 0,
            Role::Responder => 1,
        }
    }
}

/// One end of an established session with a paired peer.
///
/// [`seal`](Session::seal) gives each message the next counter;
/// [`open`](Session::open) accepts only counters above the last one it
/// accepted (gaps are fine: dropped frames; replays and reordering are
/// not). A failed `open` changes nothing: the message is dropped and the
/// session goes on. Keys are wiped on drop.
pub struct Session {
    role: Role,
    id: SessionId,
    peer: EndpointId,
    peer_key: [u8; 32],
    send: ChaCha20Poly1305,
    receive: ChaCha20Poly1305,
    /// The counter of the next message sealed.
    send_next: u64,
    /// The lowest counter `open` still accepts.
    receive_next: u64,
    revoked: bool,
}

impl Session {
    pub(crate) fn new(
        role: Role,
        id: SessionId,
        peer: EndpointId,
        peer_key: [u8; 32],
        i2r: &[u8; 32],
        r2i: &[u8; 32],
    ) -> Session {
        let (send, receive) = match role {
            Role::Initiator => (i2r, r2i),
            Role::Responder => (r2i, i2r),
        };
        Session {
            role,
            id,
            peer,
            peer_key,
            send: ChaCha20Poly1305::new(&(*send).into()),
            receive: ChaCha20Poly1305::new(&(*receive).into()),
            send_next: 0,
            receive_next: 0,
            revoked: false,
        }
    }

    /// The session's id (byte 4..12 of every envelope).
    pub fn id(&self) -> SessionId {
        self.id
    }

    /// The paired peer at the other end.
    pub fn peer(&self) -> EndpointId {
        self.peer
    }

    /// The peer's identity public key.
    pub fn peer_key(&self) -> &[u8; 32] {
        &self.peer_key
    }

    /// Which side of the handshake this end was.
    pub fn role(&self) -> Role {
        self.role
    }

    /// How many messages this end has sealed.
    pub fn sent(&self) -> u64 {
        self.send_next
    }

    /// Whether the peer is still in `paired` with the same key.
    pub fn is_authorized(&self, paired: &PairedSet) -> bool {
        !self.revoked && paired.contains_key(&self.peer_key)
    }

    /// Closes the session for good ([`Error::Revoked`] from then on) if the
    /// peer is no longer in `paired`. Call it before sealing or opening (it
    /// is a map lookup), or whenever [`PairedSet::generation`] changes.
    pub fn check(&mut self, paired: &PairedSet) -> Result<(), Error> {
        if !self.is_authorized(paired) {
            self.revoked = true;
            return Err(Error::Revoked);
        }
        Ok(())
    }

    /// Closes the session for good: every later `seal` and `open` fails
    /// with [`Error::Revoked`].
    pub fn revoke(&mut self) {
        self.revoked = true;
    }

    /// Seals `plaintext` for the peer, bound to `channel` (the Zenoh key
    /// expression it is published on, or any label both ends agree on;
    /// not sent). Returns `HEADER_LEN + plaintext.len() + TAG_LEN` bytes.
    pub fn seal(&mut self, channel: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, Error> {
        if self.revoked {
            return Err(Error::Revoked);
        }
        if self.send_next >= MAX_MESSAGES {
            return Err(Error::Exhausted);
        }
        let counter = self.send_next;
        let direction = self.role.sends();
        let header = header(direction, self.id, counter);
        let mut out = Vec::with_capacity(OVERHEAD + plaintext.len());
        out.extend_from_slice(&header);
        out.extend_from_slice(plaintext);
        let aad = associated_data(&header, channel);
        let body = out.get_mut(HEADER_LEN..).ok_or(Error::Malformed)?;
        let tag = self
            .send
            .encrypt_inout_detached(&nonce(direction, counter), &aad, body.into())
            .map_err(|_| Error::Malformed)?;
        out.extend_from_slice(&tag);
        self.send_next = counter + 1;
        Ok(out)
    }

    /// Opens a message from the peer sealed for `channel`: the plaintext.
    pub fn open(&mut self, channel: &[u8], sealed: &[u8]) -> Result<Vec<u8>, Error> {
        let mut buffer = sealed.to_vec();
        let len = self.open_in_place(channel, &mut buffer)?.len();
        buffer.copy_within(HEADER_LEN..HEADER_LEN + len, 0);
        buffer.truncate(len);
        Ok(buffer)
    }

    /// Opens a message in place: the plaintext is decrypted inside `sealed`
    /// and the returned slice points at it (no allocation). On error the
    /// contents of `sealed` are unspecified.
    ///
    /// Checks, in order: length (`Malformed`), version
    /// (`UnsupportedVersion`), kind (`UnexpectedMessage`/`Malformed`),
    /// reserved byte and counter range (`Malformed`), direction
    /// (`WrongDirection`), session id (`WrongSession`), counter above the
    /// last accepted (`Replayed`), tag (`Tampered`).
    pub fn open_in_place<'a>(&mut self, channel: &[u8], sealed: &'a mut [u8]) -> Result<&'a mut [u8], Error> {
        if self.revoked {
            return Err(Error::Revoked);
        }
        let header = parse_header(sealed)?;
        let direction = match self.role {
            Role::Initiator => Role::Responder.sends(),
            Role::Responder => Role::Initiator.sends(),
        };
        if header.direction != direction {
            return Err(Error::WrongDirection);
        }
        if header.session != self.id {
            return Err(Error::WrongSession);
        }
        if header.counter < self.receive_next {
            return Err(Error::Replayed);
        }
        let (head, rest) = sealed.split_at_mut_checked(HEADER_LEN).ok_or(Error::Malformed)?;
        let body_len = rest.len().checked_sub(TAG_LEN).ok_or(Error::Malformed)?;
        let (body, tag) = rest.split_at_mut_checked(body_len).ok_or(Error::Malformed)?;
        let tag = Tag::try_from(&*tag).map_err(|_| Error::Malformed)?;
        let aad = associated_data(head, channel);
        self.receive
            .decrypt_inout_detached(&nonce(direction, header.counter), &aad, (&mut *body).into(), &tag)
            .map_err(|_| Error::Tampered)?;
        self.receive_next = header.counter + 1;
        Ok(body)
    }
}

/// The fields of an envelope header.
struct Header {
    direction: u8,
    session: SessionId,
    counter: u64,
}

fn header(direction: u8, session: SessionId, counter: u64) -> [u8; HEADER_LEN] {
    let mut header = [0u8; HEADER_LEN];
    let [version, kind, dir, _reserved, rest @ ..] = &mut header;
    *version = VERSION;
    *kind = Kind::Data as u8;
    *dir = direction;
    let (id, count) = rest.split_at_mut(8);
    id.copy_from_slice(&session.0);
    count.copy_from_slice(&counter.to_be_bytes());
    header
}

fn parse_header(sealed: &[u8]) -> Result<Header, Error> {
    if sealed.len() < OVERHEAD {
        return Err(Error::Malformed);
    }
    let Some([version, kind, direction, reserved, rest @ ..]) = sealed.get(..HEADER_LEN) else {
        return Err(Error::Malformed);
    };
    if *version != VERSION {
        return Err(Error::UnsupportedVersion);
    }
    if *kind != Kind::Data as u8 {
        return Err(if Kind::from_byte(*kind).is_some() {
            Error::UnexpectedMessage
        } else {
            Error::Malformed
        });
    }
    if *reserved != 0 || *direction > 1 {
        return Err(Error::Malformed);
    }
    let (id, count) = rest.split_at_checked(8).ok_or(Error::Malformed)?;
    let session = SessionId(id.try_into().map_err(|_| Error::Malformed)?);
    let counter = u64::from_be_bytes(count.try_into().map_err(|_| Error::Malformed)?);
    if counter >= MAX_MESSAGES {
        return Err(Error::Malformed);
    }
    Ok(Header { direction: *direction, session, counter })
}

/// The session id of an envelope, to find its session; `None` if the bytes
/// are not an envelope of this version.
pub fn session_id_of(sealed: &[u8]) -> Option<SessionId> {
    parse_header(sealed).ok().map(|header| header.session)
}

/// The AEAD nonce: `0, 0, 0, direction`, then the counter big-endian.
fn nonce(direction: u8, counter: u64) -> Nonce {
    let [c0, c1, c2, c3, c4, c5, c6, c7] = counter.to_be_bytes();
    [0, 0, 0, direction, c0, c1, c2, c3, c4, c5, c6, c7].into()
}

/// The associated data: the header, then the channel.
fn associated_data(header: &[u8], channel: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(header.len() + channel.len());
    aad.extend_from_slice(header);
    aad.extend_from_slice(channel);
    aad
}
