//! The one error type of the package format.

use alloc::string::String;
use core::fmt;

/// Why a package was refused (or could not be built).
///
/// Every variant says what is wrong with the file, so that a person (or the
/// Software Center on their behalf) can act: fetch it again, ask the
/// publisher, or install a build for another architecture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackageError {
    /// The file does not start with `WEFTPKG\0`: it is not a Weft package.
    BadMagic,
    /// The header names a format version this parser does not know.
    UnsupportedVersion(u16),
    /// The header is malformed (reserved bits set).
    BadHeader(&'static str),
    /// The file ends before the lengths in its header say it should.
    Truncated,
    /// The file goes on after the signature.
    TrailingData,
    /// The file, its manifest or a declared size is above a limit.
    TooLarge(&'static str),
    /// The manifest does not decode, or one of its fields is invalid.
    BadManifest(String),
    /// A file path is not relative and normalized, or is listed twice.
    BadPath(String),
    /// A file's contents do not match the SHA-256 in the manifest.
    HashMismatch(String),
    /// The file sizes in the manifest do not add up to the payload, or a
    /// file does not decompress to its declared size.
    SizeMismatch(String),
    /// The Ed25519 signature does not verify against the publisher key
    /// named in the manifest: the file was altered or not signed by it.
    BadSignature,
    /// The package is correctly signed, but by a key that is not trusted.
    UntrustedKey,
    /// The package has no build for this machine's architecture.
    WrongArchitecture(String),
}

impl fmt::Display for PackageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadMagic => f.write_str("not a Weft package (the file does not start with WEFTPKG)"),
            Self::UnsupportedVersion(v) => {
                write!(
                    f,
                    "package format version {v} is not supported by this system; update the system or get a version 1 package"
                )
            }
            Self::BadHeader(why) => write!(f, "the package header is malformed: {why}"),
            Self::Truncated => f.write_str("the package file is incomplete (truncated); download it again"),
            Self::TrailingData => {
                f.write_str("the package file has extra bytes after its signature; download it again")
            }
            Self::TooLarge(what) => write!(f, "the package is too large: {what}"),
            Self::BadManifest(why) => write!(f, "the package manifest is invalid: {why}"),
            Self::BadPath(path) => {
                write!(f, "the package contains a file with an unsafe or duplicate path: {path:?}")
            }
            Self::HashMismatch(path) => {
                write!(
                    f,
                    "the contents of {path:?} do not match the package's checksum; the package is damaged"
                )
            }
            Self::SizeMismatch(why) => write!(f, "the package's file sizes do not add up: {why}"),
            Self::BadSignature => f.write_str(
                "the package's signature does not verify: it was altered or not signed by its publisher",
            ),
            Self::UntrustedKey => {
                f.write_str("the package is signed by a publisher key this system does not trust")
            }
            Self::WrongArchitecture(arch) => {
                write!(f, "the package has no build for this machine ({arch})")
            }
        }
    }
}

impl core::error::Error for PackageError {}
