//! weft-package-format — the signed Weft package file: one file holding a manifest, the app's files and the publisher's Ed25519 signature.
//!
//! # Role
//!
//! A package is how software reaches a Weft machine. Host tooling builds one
//! with [`PackageBuilder`]; the package service reads one with
//! [`Package::parse_trusted`] before installing anything from it (or
//! [`Package::parse`], then [`Package::verify_publisher`] against its
//! trusted keys), and checks the machine's architecture
//! ([`Package::check_architecture`]).
//!
//! # Layout
//!
//! ```text
//! header (24 bytes) | manifest (postcard) | payload (files, concatenated) | signature (64 bytes)
//! ```
//!
//! The signature is Ed25519, by the key in the manifest, over
//! `"weft-package-v1\0" || SHA-256(header || manifest || payload)`. The
//! exact byte layout, the limits and a worked example are in
//! `docs/packages.md`.
//!
//! # Invariants
//!
//! - Every input byte is hostile: [`Package::parse`] bounds every length
//!   before it allocates, uses checked arithmetic, and never panics (the
//!   crate denies `unwrap`, `expect`, `panic` and indexing outside tests,
//!   and a fuzz target feeds it arbitrary bytes).
//! - A [`Package`] that exists has passed every check: the exact length,
//!   the magic and version, a canonical manifest whose every field is valid,
//!   relative normalized unique paths, sizes adding up exactly to the
//!   payload, every file's SHA-256, and the signature against the
//!   manifest's publisher key. Only trust in that key is left to the caller.
//! - Builder and parser apply the same manifest checks
//!   ([`Manifest::validate`]): what one writes the other reads.
#![no_std]
// A decoder of untrusted bytes: no panicking shortcuts outside tests.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

extern crate alloc;

mod builder;
mod error;
mod manifest;
mod package;

pub use builder::PackageBuilder;
pub use ed25519_dalek::SigningKey;
pub use error::PackageError;
pub use manifest::{Compression, Entitlement, FileEntry, Manifest, Publisher, Version, check_id, check_path};
pub use package::{Header, Package};

/// The first eight bytes of every package.
pub const MAGIC: [u8; 8] = *b"WEFTPKG\0";
/// The format version this crate writes and reads.
pub const FORMAT_VERSION: u16 = 1;
/// The fixed header's length in bytes.
pub const HEADER_LEN: usize = 24;
/// The Ed25519 signature's length at the end of the file.
pub const SIGNATURE_LEN: usize = 64;
/// Prefixed to the SHA-256 of header, manifest and payload to form the
/// signed message, so a package signature means nothing elsewhere.
pub const SIGNING_DOMAIN: &[u8; 16] = b"weft-package-v1\0";
/// The largest factor by which an LZ4-stored file may expand: a file's
/// `size` may be at most `stored_size * 255` (the LZ4 block format cannot
/// do better), which bounds the allocation before decompressing.
pub const LZ4_MAX_RATIO: u64 = 255;

/// Upper bounds on manifest fields (bytes, or entries for lists).
pub mod limits {
    /// The encoded manifest.
    pub const MANIFEST: usize = 1 << 20;
    /// The package id.
    pub const ID: usize = 128;
    /// Display names (package and publisher).
    pub const NAME: usize = 64;
    /// The one-line summary.
    pub const SUMMARY: usize = 256;
    /// The description.
    pub const DESCRIPTION: usize = 16 * 1024;
    /// Category, grants, architectures, protocol names.
    pub const TOKEN: usize = 64;
    /// A payload path.
    pub const PATH: usize = 1024;
    /// Entitlements per package.
    pub const ENTITLEMENTS: usize = 256;
    /// Grants per entitlement.
    pub const GRANTS: usize = 32;
    /// Target architectures per package.
    pub const ARCHITECTURES: usize = 16;
    /// Files per package.
    pub const FILES: usize = 4096;
}

/// SHA-256 of `bytes`.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).into()
}

/// The message the publisher signs for a package whose header, manifest
/// and payload hash to `digest`.
pub(crate) fn signed_message(digest: &[u8; 32]) -> [u8; 48] {
    let mut message = [0u8; 48];
    let (domain, hash) = message.split_at_mut(SIGNING_DOMAIN.len());
    domain.copy_from_slice(SIGNING_DOMAIN);
    hash.copy_from_slice(digest);
    message
}
