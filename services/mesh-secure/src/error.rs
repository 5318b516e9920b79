//! The one error type of the crate.

use core::fmt;

/// Why a message, a handshake step or a stored set was refused.
///
/// Every variant is a refusal of input, never a bug: no input makes this
/// crate panic. A handshake (pairing or session) that returns an error is
/// over — its state was consumed; start a new one. A [`Session`] that
/// returns an error from `open` is still usable (the message is dropped),
/// except after [`Error::Revoked`] and [`Error::Exhausted`].
///
/// [`Session`]: crate::Session
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// Not a well-formed message of its kind: wrong length, a reserved
    /// field that is not zero, a counter out of range, or undecodable
    /// stored bytes.
    Malformed,
    /// The version byte is not [`VERSION`](crate::VERSION).
    UnsupportedVersion,
    /// A well-formed message, but not of the kind this step expects (for
    /// example a pairing message given to a session handshake).
    UnexpectedMessage,
    /// A name is longer than [`MAX_NAME_LEN`](crate::MAX_NAME_LEN) bytes or
    /// holds control characters.
    InvalidName,
    /// An identity public key that is not a valid Ed25519 point or has small
    /// order, or an X25519 exchange whose result is all zeros (the peer sent
    /// a low-order ephemeral key).
    WeakKey,
    /// The peer presented our own identity key.
    SameIdentity,
    /// Pairing: the viewer's revealed values do not match its commitment.
    BadCommitment,
    /// A signature does not verify under the identity key it must come from.
    BadSignature,
    /// The peer's identity is not in the [`PairedSet`](crate::PairedSet).
    NotPaired,
    /// Session handshake: a different paired endpoint answered than the one
    /// the initiator asked for.
    UnexpectedPeer,
    /// Session handshake: the responder answered with a refusal (it does
    /// not know our identity: pair first). The refusal is not
    /// authenticated.
    Refused,
    /// Pairing: the person on the device rejected the pairing.
    Rejected,
    /// Envelope: the authentication tag does not verify (the message was
    /// altered, or sealed under another key or channel).
    Tampered,
    /// Envelope: the counter is not above the last accepted one (a replayed
    /// or reordered message).
    Replayed,
    /// Envelope: the message belongs to another session.
    WrongSession,
    /// Envelope: the message travels in the other direction (our own
    /// message reflected back).
    WrongDirection,
    /// The session's peer was removed from the paired set; the session is
    /// closed for good.
    Revoked,
    /// The session sent 2^63 messages; it refuses to send more (make a new
    /// one).
    Exhausted,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Error::Malformed => "malformed message",
            Error::UnsupportedVersion => "unsupported protocol version",
            Error::UnexpectedMessage => "unexpected message kind for this step",
            Error::InvalidName => "invalid name (too long or control characters)",
            Error::WeakKey => "invalid or weak public key",
            Error::SameIdentity => "the peer presented our own identity",
            Error::BadCommitment => "pairing commitment does not match",
            Error::BadSignature => "signature does not verify",
            Error::NotPaired => "peer is not paired",
            Error::UnexpectedPeer => "a different peer answered",
            Error::Refused => "the peer refused the session (not paired)",
            Error::Rejected => "pairing rejected on the device",
            Error::Tampered => "message failed authentication",
            Error::Replayed => "replayed or reordered message",
            Error::WrongSession => "message of another session",
            Error::WrongDirection => "message of the wrong direction",
            Error::Revoked => "peer was unpaired; session closed",
            Error::Exhausted => "session message counter exhausted",
        })
    }
}

impl core::error::Error for Error {}
