//! weft-storage-api — how programs reach the storage service: directory capabilities and blobs.
//!
//! A connection to `weft.storage` *is* a directory capability: every path
//! in a request is relative to the directory the connection was opened on,
//! and nothing outside it can be named (paths are `a/b/c`: no leading `/`,
//! no `.` or `..`, no empty names, names at most [`MAX_NAME`] bytes). The
//! root manager decides a program's directory through the grants on its
//! route (see [`grant`]); [`StorageRequest::Open`] hands out a narrower
//! capability (a subdirectory, read-only) as a new channel that can be
//! passed to another program. Changes are visible at once and durable
//! after [`StorageRequest::Sync`] answers (the service also commits on its
//! own shortly after a change).
#![no_std]

extern crate alloc;

mod dir;

pub use dir::{Dir, DirError, RoutedDir};

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};
use weft_ipc::Protocol;

/// The storage protocol.
pub enum StorageProtocol {}

impl Protocol for StorageProtocol {
    const NAME: &'static str = "weft.storage";
    const VERSION: u16 = 1;
    type Request = StorageRequest;
    type Response = StorageResponse;
    type Event = ();
}

/// Most bytes of file data one request or response carries.
pub const MAX_CHUNK: u32 = 32 * 1024;
/// Longest name of one entry, in bytes.
pub const MAX_NAME: usize = 255;
/// Longest path, in bytes.
pub const MAX_PATH: usize = 4096;
/// Largest blob one connection may stage before [`StorageRequest::BlobFinish`].
pub const MAX_BLOB: u64 = 256 * 1024 * 1024;

/// The grants on a `weft.storage` route, and what they mean.
pub mod grant {
    /// `dir:<path>`: the connection's directory is `<path>` from the top of
    /// the store (`dir:documents`); `dir:` alone is the whole store. Without
    /// it a program gets its own directory, `apps/<its name>`.
    pub const DIR_PREFIX: &str = "dir:";
    /// The connection may read but not change anything.
    pub const READ_ONLY: &str = "read-only";
    /// The connection may use the blob store.
    pub const BLOBS: &str = "blobs";
}

/// Requests (all are calls).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StorageRequest {
    /// The entry at `path` (`""`: this directory).
    Stat {
        /// Relative path.
        path: String,
    },
    /// The entries of the directory at `path`, by name.
    List {
        /// Relative path.
        path: String,
    },
    /// Up to `len` bytes (at most [`MAX_CHUNK`]) of a file from `offset`;
    /// fewer at the end of the file.
    Read {
        /// Relative path.
        path: String,
        /// First byte.
        offset: u64,
        /// Bytes wanted.
        len: u32,
    },
    /// Create the file or replace all of it with `data` (at most
    /// [`MAX_CHUNK`]; write longer files on with `WriteAt`).
    Write {
        /// Relative path.
        path: String,
        /// The new contents.
        #[serde(with = "weft_ipc::bytes")]
        data: Vec<u8>,
    },
    /// Write `data` at `offset` of an existing file, growing it if needed.
    WriteAt {
        /// Relative path.
        path: String,
        /// First byte (at most the file's length: no holes).
        offset: u64,
        /// At most [`MAX_CHUNK`] bytes.
        #[serde(with = "weft_ipc::bytes")]
        data: Vec<u8>,
    },
    /// Make a directory; its parent must exist.
    CreateDir {
        /// Relative path.
        path: String,
    },
    /// Move or rename an entry (within this directory's tree).
    Rename {
        /// Current path.
        from: String,
        /// New path: a file there is replaced by a file; any other entry
        /// there is `AlreadyExists`.
        to: String,
    },
    /// Delete a file or an empty directory.
    Remove {
        /// Relative path.
        path: String,
    },
    /// Answer once every change made so far is durable.
    Sync,
    /// Free space on the device and this directory's use and quota.
    Space,
    /// A new capability for the directory at `path`, read-only if asked
    /// (a read-only capability can only open read-only ones). The answer
    /// carries the channel.
    Open {
        /// Relative path of a directory (`""`: this one).
        path: String,
        /// Refuse changes through the new capability.
        read_only: bool,
    },
    /// Stage `data` at `offset` of a blob being written (needs `blobs`).
    BlobWrite {
        /// Offset in the blob (the staged length so far).
        offset: u64,
        /// At most [`MAX_CHUNK`] bytes.
        #[serde(with = "weft_ipc::bytes")]
        data: Vec<u8>,
    },
    /// Store the staged bytes as a blob, if they hash to `name`.
    BlobFinish {
        /// The SHA-256 of the blob.
        name: [u8; 32],
    },
    /// Up to `len` bytes of blob `name` from `offset`; the whole blob is
    /// checked against its name before any byte is served.
    BlobRead {
        /// The SHA-256 of the blob.
        name: [u8; 32],
        /// First byte.
        offset: u64,
        /// Bytes wanted (at most [`MAX_CHUNK`]).
        len: u32,
    },
    /// Delete blob `name`.
    BlobRemove {
        /// The SHA-256 of the blob.
        name: [u8; 32],
    },
    /// Every blob: name and size.
    BlobList,
    /// Read every file and blob of the store and check each block against
    /// its checksum and each blob against its name (only a capability for
    /// the whole store, `dir:`). Costs a read of all data.
    Check,
}

/// What an entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// A file of bytes.
    File,
    /// A directory.
    Dir,
}

/// One entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Its name (empty for the capability's own directory).
    pub name: String,
    /// File or directory.
    pub kind: Kind,
    /// A file's length in bytes; a directory's number of entries.
    pub size: u64,
    /// Unix seconds of the last change (a directory: of its making).
    pub modified: u64,
}

/// Space, as `df` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Space {
    /// Bytes the store spans.
    pub total: u64,
    /// Bytes free.
    pub free: u64,
    /// Bytes of data below this capability's top-level directory.
    pub used: u64,
    /// That directory's quota in bytes, if it has one.
    pub quota: Option<u64>,
    /// The top-level directory the quota belongs to.
    pub scope: String,
}

/// A blob's name and size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blob {
    /// SHA-256 of the content.
    pub name: [u8; 32],
    /// Bytes.
    pub size: u64,
}

/// Answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StorageResponse {
    /// Done.
    Ok,
    /// One entry.
    Entry(Entry),
    /// A directory's entries.
    Entries(Vec<Entry>),
    /// File or blob bytes.
    Data(#[serde(with = "weft_ipc::bytes")] Vec<u8>),
    /// Space figures.
    Space(Space),
    /// The new capability is the attached channel.
    Opened,
    /// Every blob.
    Blobs(Vec<Blob>),
    /// Refused or failed; nothing changed.
    Error(StorageError),
}

/// Why a request was refused. A refused request changed nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StorageError {
    /// No such file, directory or blob.
    NotFound,
    /// The name is taken.
    AlreadyExists,
    /// A path component is a file.
    NotADirectory,
    /// A file operation named a directory.
    IsADirectory,
    /// The directory is not empty.
    NotEmpty,
    /// The path breaks the rules: absolute, `.`/`..`, an empty or over-long
    /// name, or too long.
    InvalidPath,
    /// A directory cannot move into itself.
    IntoItself,
    /// The capability is read-only.
    ReadOnly,
    /// The route grants no blob access.
    NoBlobAccess,
    /// A request too large (a chunk over [`MAX_CHUNK`], a blob over
    /// [`MAX_BLOB`]) or out of order (a write past the end of a file).
    BadRequest,
    /// The staged bytes do not hash to the blob's name.
    HashMismatch,
    /// The device is full.
    NoSpace,
    /// This directory's quota would be exceeded.
    QuotaExceeded,
    /// The store failed a check: what was read is not what was written.
    Corrupt(String),
    /// No store is mounted (the device failed or holds something else).
    Unavailable(String),
    /// The device failed.
    Device(String),
}

impl core::fmt::Display for StorageError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            StorageError::NotFound => f.write_str("no such file or directory"),
            StorageError::AlreadyExists => f.write_str("already exists"),
            StorageError::NotADirectory => f.write_str("not a directory"),
            StorageError::IsADirectory => f.write_str("is a directory"),
            StorageError::NotEmpty => f.write_str("directory not empty"),
            StorageError::InvalidPath => f.write_str("invalid path"),
            StorageError::IntoItself => f.write_str("cannot move a directory into itself"),
            StorageError::ReadOnly => f.write_str("read-only"),
            StorageError::NoBlobAccess => f.write_str("no access to the blob store"),
            StorageError::BadRequest => f.write_str("bad request"),
            StorageError::HashMismatch => f.write_str("the data does not match the blob's name"),
            StorageError::NoSpace => f.write_str("no space left on the device"),
            StorageError::QuotaExceeded => f.write_str("quota exceeded"),
            StorageError::Corrupt(what) => write!(f, "the store is corrupt: {what}"),
            StorageError::Unavailable(why) => write!(f, "storage unavailable: {why}"),
            StorageError::Device(why) => write!(f, "device error: {why}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip() {
        let request = StorageRequest::WriteAt { path: "a/b".into(), offset: 3, data: alloc::vec![1; 10] };
        let bytes = postcard::to_allocvec(&request).unwrap();
        assert_eq!(postcard::from_bytes::<StorageRequest>(&bytes).unwrap(), request);
    }

    #[test]
    fn a_full_chunk_fits_one_message() {
        let request = StorageRequest::WriteAt {
            path: "x".repeat(MAX_PATH),
            offset: u64::MAX,
            data: alloc::vec![0xff; 32768],
        };
        let bytes = postcard::to_allocvec(&request).unwrap();
        assert!(bytes.len() + 64 <= 64 * 1024, "{} bytes", bytes.len());
    }
}
