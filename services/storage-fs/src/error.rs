//! What can go wrong, as values a caller can act on.

use core::fmt;

use crate::device::DeviceError;

/// An operation's failure. A failed operation changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// No entry (or blob) by that name.
    NotFound,
    /// The target name is taken.
    AlreadyExists,
    /// A path component that must be a directory is a file.
    NotADirectory,
    /// A file operation named a directory.
    IsADirectory,
    /// Only an empty directory can be removed.
    NotEmpty,
    /// The path breaks the path rules (see [`crate::MAX_PATH`]).
    InvalidPath,
    /// A directory cannot be moved into itself or below itself.
    IntoItself,
    /// The change, plus the metadata needed to commit it, does not fit.
    NoSpace,
    /// The change would take a top-level scope over its quota.
    QuotaExceeded,
    /// The device is too small to format.
    TooSmall,
    /// Neither superblock slot holds a Weft store.
    NotFormatted,
    /// The newest store on the device has a format version this code does
    /// not know.
    Unsupported(u32),
    /// What is on the device is not what was written.
    Corrupt(Corruption),
    /// The device failed.
    Device(DeviceError),
}

/// Which structure failed its checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corruption {
    /// A superblock slot has the magic but a bad checksum or field.
    Superblock,
    /// The metadata image is unreadable, fails its checksum or is
    /// inconsistent (a block out of range or referenced twice, …).
    Metadata,
    /// A data block does not match its checksum.
    Data {
        /// The block number.
        block: u64,
    },
    /// A blob's content does not hash to its name.
    Blob,
}

impl From<DeviceError> for Error {
    fn from(error: DeviceError) -> Self {
        Error::Device(error)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotFound => f.write_str("no such file, directory or blob"),
            Error::AlreadyExists => f.write_str("the name is already taken"),
            Error::NotADirectory => f.write_str("not a directory"),
            Error::IsADirectory => f.write_str("is a directory"),
            Error::NotEmpty => f.write_str("the directory is not empty"),
            Error::InvalidPath => f.write_str("invalid path"),
            Error::IntoItself => f.write_str("a directory cannot move into itself"),
            Error::NoSpace => f.write_str("no space left on the device"),
            Error::QuotaExceeded => f.write_str("the quota of this scope would be exceeded"),
            Error::TooSmall => f.write_str("the device is too small for a store"),
            Error::NotFormatted => f.write_str("the device holds no store"),
            Error::Unsupported(version) => write!(f, "unsupported store format version {version}"),
            Error::Corrupt(Corruption::Superblock) => f.write_str("corrupt superblock"),
            Error::Corrupt(Corruption::Metadata) => f.write_str("corrupt metadata"),
            Error::Corrupt(Corruption::Data { block }) => write!(f, "corrupt data in block {block}"),
            Error::Corrupt(Corruption::Blob) => f.write_str("a blob does not match its name"),
            Error::Device(error) => write!(f, "device error: {error:?}"),
        }
    }
}
