//! Message kinds, sizes and a bounds-checked reader.

use crate::Error;

/// The protocol version carried in byte 0 of every message.
pub const VERSION: u8 = 1;

/// Longest device or viewer name in a pairing message, in bytes of UTF-8.
pub const MAX_NAME_LEN: usize = 64;

/// The kind of a message, from byte 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Kind {
    /// Pairing 1, viewer → device: the viewer's commitment.
    PairCommit = 0x01,
    /// Pairing 2, device → viewer: the device's identity, ephemeral key and name, signed.
    PairResponse = 0x02,
    /// Pairing 3, viewer → device: the viewer's revealed values, signed.
    PairReveal = 0x03,
    /// Pairing 4, device → viewer: the person's decision, signed.
    PairResult = 0x04,
    /// Session 1, initiator → responder: its id and ephemeral key.
    SessionInit = 0x11,
    /// Session 2, responder → initiator: its id and ephemeral key, signed.
    SessionResponse = 0x12,
    /// Session 3, initiator → responder: its signature.
    SessionFinish = 0x13,
    /// Session 2 instead, responder → initiator: "not paired" (unauthenticated).
    SessionRefused = 0x1f,
    /// A sealed envelope of an established session.
    Data = 0x20,
}

impl Kind {
    /// The kind for byte 1 of a message, if it names one.
    pub fn from_byte(byte: u8) -> Option<Kind> {
        Some(match byte {
            0x01 => Kind::PairCommit,
            0x02 => Kind::PairResponse,
            0x03 => Kind::PairReveal,
            0x04 => Kind::PairResult,
            0x11 => Kind::SessionInit,
            0x12 => Kind::SessionResponse,
            0x13 => Kind::SessionFinish,
            0x1f => Kind::SessionRefused,
            0x20 => Kind::Data,
            _ => return None,
        })
    }
}

/// The kind of a message of this protocol (version and kind bytes), to
/// route it to a pairing, a handshake or a session; `None` if it is not
/// one of ours (too short, another version, unknown kind).
pub fn kind_of(message: &[u8]) -> Option<Kind> {
    match message {
        [VERSION, kind, ..] => Kind::from_byte(*kind),
        _ => None,
    }
}

/// Reads fields front to back; every read is bounds-checked.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Checks the version and kind bytes and returns a reader of the rest.
    pub(crate) fn open(message: &'a [u8], kind: Kind) -> Result<Self, Error> {
        let [version, got, rest @ ..] = message else { return Err(Error::Malformed) };
        if *version != VERSION {
            return Err(Error::UnsupportedVersion);
        }
        if *got != kind as u8 {
            return Err(if Kind::from_byte(*got).is_some() {
                Error::UnexpectedMessage
            } else {
                Error::Malformed
            });
        }
        Ok(Reader { rest })
    }

    pub(crate) fn bytes(&mut self, len: usize) -> Result<&'a [u8], Error> {
        let (head, rest) = self.rest.split_at_checked(len).ok_or(Error::Malformed)?;
        self.rest = rest;
        Ok(head)
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let head = self.bytes(N)?;
        <[u8; N]>::try_from(head).map_err(|_| Error::Malformed)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, Error> {
        let [byte] = self.array::<1>()?;
        Ok(byte)
    }

    /// A name: one length byte, then that many bytes of UTF-8.
    pub(crate) fn name(&mut self) -> Result<&'a str, Error> {
        let len = usize::from(self.u8()?);
        let bytes = self.bytes(len)?;
        let name = core::str::from_utf8(bytes).map_err(|_| Error::InvalidName)?;
        check_name(name)?;
        Ok(name)
    }

    /// The message must end here.
    pub(crate) fn finish(self) -> Result<(), Error> {
        if self.rest.is_empty() { Ok(()) } else { Err(Error::Malformed) }
    }
}

/// A name fits in [`MAX_NAME_LEN`] bytes and has no control characters.
pub(crate) fn check_name(name: &str) -> Result<(), Error> {
    if name.len() > MAX_NAME_LEN || name.chars().any(char::is_control) {
        return Err(Error::InvalidName);
    }
    Ok(())
}

/// Appends a name as one length byte and its bytes (checked by `check_name`).
pub(crate) fn put_name(out: &mut alloc::vec::Vec<u8>, name: &str) {
    // `check_name` bounds the length by MAX_NAME_LEN (64).
    out.push(u8::try_from(name.len()).unwrap_or(u8::MAX));
    out.extend_from_slice(name.as_bytes());
}
