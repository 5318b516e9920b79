//! The set of paired peers: who may open sessions with us.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use crate::crypto::identity_key;
use crate::{EndpointId, Error};

/// A peer that was paired with us: its identity key, a human label and
/// when it was paired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PeerRecord", into = "PeerRecord")]
pub struct PairedPeer {
    public_key: [u8; 32],
    /// What to call the peer in lists and prompts: the name it sent while
    /// pairing (at most [`MAX_NAME_LEN`](crate::MAX_NAME_LEN) bytes, no
    /// control characters); the owner may rename it.
    pub label: String,
    /// When it was paired, as the caller's clock gave it to the pairing
    /// (seconds since the Unix epoch by convention; 0 if unknown).
    pub paired_at: u64,
}

impl PairedPeer {
    /// A record of a peer whose identity key is `public_key`; `WeakKey` if it
    /// is not a usable Ed25519 public key.
    pub fn new(public_key: [u8; 32], label: String, paired_at: u64) -> Result<PairedPeer, Error> {
        identity_key(&public_key)?;
        Ok(PairedPeer { public_key, label, paired_at })
    }

    /// A record of a key already checked by `identity_key`.
    pub(crate) fn from_checked(public_key: [u8; 32], label: String, paired_at: u64) -> PairedPeer {
        PairedPeer { public_key, label, paired_at }
    }

    /// The peer's Ed25519 identity public key.
    pub fn public_key(&self) -> &[u8; 32] {
        &self.public_key
    }

    /// The peer's endpoint id.
    pub fn id(&self) -> EndpointId {
        EndpointId::of(&self.public_key)
    }
}

/// Stored form of a [`PairedPeer`]; the key is checked when loaded.
#[derive(Serialize, Deserialize)]
struct PeerRecord {
    public_key: [u8; 32],
    label: String,
    paired_at: u64,
}

impl TryFrom<PeerRecord> for PairedPeer {
    type Error = Error;

    fn try_from(record: PeerRecord) -> Result<PairedPeer, Error> {
        PairedPeer::new(record.public_key, record.label, record.paired_at)
    }
}

impl From<PairedPeer> for PeerRecord {
    fn from(peer: PairedPeer) -> PeerRecord {
        PeerRecord { public_key: peer.public_key, label: peer.label, paired_at: peer.paired_at }
    }
}

/// The peers paired with this endpoint, by id.
///
/// On a device it holds the viewers allowed to see and drive its windows;
/// on a viewer, the devices it trusts. Persist it with [`to_bytes`]
/// (postcard) and load it with [`from_bytes`]. Removing a peer revokes it:
/// the next handshake with it fails with [`Error::NotPaired`], and its
/// established sessions fail their next [`Session::check`] — or the caller
/// closes them at once, using the id [`remove`] returns.
///
/// [`generation`](PairedSet::generation) counts changes since the set was
/// made or loaded, so a caller can cheaply notice that it must re-check
/// its sessions.
///
/// [`to_bytes`]: PairedSet::to_bytes
/// [`from_bytes`]: PairedSet::from_bytes
/// [`remove`]: PairedSet::remove
/// [`Session::check`]: crate::Session::check
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(try_from = "SetRecord", into = "SetRecord")]
pub struct PairedSet {
    peers: BTreeMap<EndpointId, PairedPeer>,
    generation: u64,
}

/// Two sets are equal if they hold the same peers (whatever their
/// generations).
impl PartialEq for PairedSet {
    fn eq(&self, other: &PairedSet) -> bool {
        self.peers == other.peers
    }
}

impl Eq for PairedSet {}

/// The stored layout version of a [`PairedSet`].
const SET_FORMAT: u8 = 1;

/// Stored form of a [`PairedSet`]: a format byte, then the peers in id order.
#[derive(Serialize, Deserialize)]
struct SetRecord {
    format: u8,
    peers: Vec<PeerRecord>,
}

impl TryFrom<SetRecord> for PairedSet {
    type Error = Error;

    fn try_from(record: SetRecord) -> Result<PairedSet, Error> {
        if record.format != SET_FORMAT {
            return Err(Error::UnsupportedVersion);
        }
        let mut set = PairedSet::new();
        for peer in record.peers {
            let peer = PairedPeer::try_from(peer)?;
            if set.peers.insert(peer.id(), peer).is_some() {
                return Err(Error::Malformed);
            }
        }
        Ok(set)
    }
}

impl From<PairedSet> for SetRecord {
    fn from(set: PairedSet) -> SetRecord {
        SetRecord { format: SET_FORMAT, peers: set.peers.into_values().map(PeerRecord::from).collect() }
    }
}

impl PairedSet {
    /// An empty set.
    pub fn new() -> PairedSet {
        PairedSet::default()
    }

    /// Adds (or replaces) a peer; returns the record it replaced.
    pub fn insert(&mut self, peer: PairedPeer) -> Option<PairedPeer> {
        self.generation = self.generation.wrapping_add(1);
        self.peers.insert(peer.id(), peer)
    }

    /// Unpairs a peer: returns its record (whose [`PairedPeer::id`] names
    /// the sessions to close), or `None` if it was not paired.
    pub fn remove(&mut self, id: &EndpointId) -> Option<PairedPeer> {
        let removed = self.peers.remove(id);
        if removed.is_some() {
            self.generation = self.generation.wrapping_add(1);
        }
        removed
    }

    /// The peer with this id.
    pub fn get(&self, id: &EndpointId) -> Option<&PairedPeer> {
        self.peers.get(id)
    }

    /// Whether a peer with this id and exactly this identity key is paired.
    pub fn contains_key(&self, public_key: &[u8; 32]) -> bool {
        self.peers.get(&EndpointId::of(public_key)).is_some_and(|peer| &peer.public_key == public_key)
    }

    /// Renames a paired peer; false if it is not paired.
    pub fn set_label(&mut self, id: &EndpointId, label: String) -> bool {
        match self.peers.get_mut(id) {
            Some(peer) => {
                peer.label = label;
                true
            }
            None => false,
        }
    }

    /// The paired peers, in id order.
    pub fn iter(&self) -> impl Iterator<Item = &PairedPeer> {
        self.peers.values()
    }

    /// How many peers are paired.
    pub fn len(&self) -> usize {
        self.peers.len()
    }

    /// Whether no peer is paired.
    pub fn is_empty(&self) -> bool {
        self.peers.is_empty()
    }

    /// Changes (inserts and removals) since this set was made or loaded.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The stored form (postcard): see `docs/mesh-security.md`.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serializing owned data into a Vec cannot fail.
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// Loads a stored set; `Malformed` if the bytes do not decode (or hold a
    /// peer twice), `WeakKey` if a key is unusable, `UnsupportedVersion` for
    /// another format.
    pub fn from_bytes(bytes: &[u8]) -> Result<PairedSet, Error> {
        let (record, rest) = postcard::take_from_bytes::<SetRecord>(bytes).map_err(|_| Error::Malformed)?;
        if !rest.is_empty() {
            return Err(Error::Malformed);
        }
        PairedSet::try_from(record)
    }
}
