//! The manifest: what a package is, who published it, what it asks for and
//! which files it carries — with the validation every field gets.

use alloc::collections::BTreeSet;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use core::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::PackageError;
use crate::limits;

/// A package version, `major.minor.patch`, compared numerically field by
/// field (`1.10.0` is newer than `1.9.3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Version {
    /// Incompatible changes.
    pub major: u32,
    /// Compatible additions.
    pub minor: u32,
    /// Fixes.
    pub patch: u32,
}

impl Version {
    /// `major.minor.patch`.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Version { major, minor, patch }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl FromStr for Version {
    type Err = PackageError;

    /// Exactly three decimal numbers separated by dots, each fitting a
    /// `u32`, without signs or leading zeros (`0` itself is fine).
    fn from_str(s: &str) -> Result<Self, PackageError> {
        let bad = || PackageError::BadManifest(format!("version {s:?} is not major.minor.patch"));
        let mut parts = s.split('.');
        let mut next = || -> Result<u32, PackageError> {
            let part = parts.next().ok_or_else(bad)?;
            let digits_only = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            if !digits_only || (part.len() > 1 && part.starts_with('0')) {
                return Err(bad());
            }
            part.parse().map_err(|_| bad())
        };
        let version = Version { major: next()?, minor: next()?, patch: next()? };
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(version)
    }
}

/// Who published the package: a display name and the Ed25519 public key
/// whose signature the package carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publisher {
    /// Shown to people ("Weft Project"); not trusted by itself.
    pub name: String,
    /// The Ed25519 public key (32 bytes, compressed Edwards point).
    pub key: [u8; 32],
}

/// One capability route the app asks for: the protocol of a manifest
/// `[[use]]` entry and the rights it wants on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entitlement {
    /// The protocol name, such as `weft.storage`.
    pub protocol: String,
    /// The grants asked for, such as `["read", "write"]`.
    pub grants: Vec<String>,
}

/// How a file is stored in the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Compression {
    /// The bytes as they are (postcard variant 0).
    None,
    /// One LZ4 *block* (no frame, no size prefix) that decompresses to
    /// exactly the file's `size` (postcard variant 1).
    Lz4,
}

/// One file of the payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Relative, normalized path (`bin/app`, `icons/app.png`).
    pub path: String,
    /// The file's size once installed (decompressed).
    pub size: u64,
    /// How many payload bytes it takes.
    pub stored_size: u64,
    /// How those bytes are stored.
    pub compression: Compression,
    /// SHA-256 of the installed (decompressed) contents.
    pub sha256: [u8; 32],
}

/// The package manifest, postcard-encoded in the file in this field order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Reverse-DNS-like identifier, such as `org.weft.terminal`.
    pub id: String,
    /// The version; upgrades only go up.
    pub version: Version,
    /// The display name.
    pub name: String,
    /// One line for lists.
    pub summary: String,
    /// Longer text for the details page.
    pub description: String,
    /// The Software Center category, such as `utilities`.
    pub category: String,
    /// Path of the icon inside the payload (one of `files`), or empty.
    pub icon: String,
    /// The publisher and its key.
    pub publisher: Publisher,
    /// The capability routes the app asks for.
    pub entitlements: Vec<Entitlement>,
    /// The architectures the package runs on (`aarch64-weft`, `x86_64-hosted`).
    pub architectures: Vec<String>,
    /// The sum of every file's `size`.
    pub installed_size: u64,
    /// The payload's files, in payload order.
    pub files: Vec<FileEntry>,
}

fn is_word_char(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'
}

/// A lowercase token: `[a-z0-9][a-z0-9_-]*`, bounded.
fn check_token(what: &str, value: &str, max: usize) -> Result<(), PackageError> {
    let bytes = value.as_bytes();
    let ok = !bytes.is_empty()
        && bytes.len() <= max
        && bytes.iter().all(|&b| is_word_char(b))
        && bytes.first().is_some_and(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(PackageError::BadManifest(format!(
            "{what} {value:?} must be 1 to {max} characters of a-z, 0-9, '-', '_', starting with a letter or digit"
        )))
    }
}

/// Checks a package id: 3 to 128 bytes, at least two dot-separated
/// segments, each a token (`[a-z0-9][a-z0-9_-]*`).
pub fn check_id(id: &str) -> Result<(), PackageError> {
    let bad = || {
        PackageError::BadManifest(format!(
            "id {id:?} must be like org.example.app: 3 to {} characters, at least two dot-separated parts of a-z, 0-9, '-', '_'",
            limits::ID
        ))
    };
    if id.len() < 3 || id.len() > limits::ID {
        return Err(bad());
    }
    let mut segments = 0usize;
    for segment in id.split('.') {
        check_token("id part", segment, limits::ID).map_err(|_| bad())?;
        segments += 1;
    }
    if segments < 2 {
        return Err(bad());
    }
    Ok(())
}

/// Checks a payload path: 1 to 1024 bytes of printable non-space ASCII or
/// UTF-8 other than `\`, components separated by single `/`, none empty,
/// `.` or `..`, not starting with `/`.
pub fn check_path(path: &str) -> Result<(), PackageError> {
    let bad = || PackageError::BadPath(path.to_string());
    if path.is_empty() || path.len() > limits::PATH {
        return Err(bad());
    }
    if path.chars().any(|c| c.is_control() || c == '\\') {
        return Err(bad());
    }
    for component in path.split('/') {
        if component.is_empty() || component == "." || component == ".." {
            return Err(bad());
        }
    }
    Ok(())
}

/// Text shown to people: bounded, no control characters except newlines
/// (and tabs) where `multiline`.
fn check_text(what: &str, value: &str, max: usize, multiline: bool) -> Result<(), PackageError> {
    if value.len() > max {
        return Err(PackageError::BadManifest(format!("{what} is longer than {max} bytes")));
    }
    let bad_char = |c: char| c.is_control() && !(multiline && (c == '\n' || c == '\t'));
    if value.chars().any(bad_char) {
        return Err(PackageError::BadManifest(format!("{what} contains control characters")));
    }
    Ok(())
}

impl Manifest {
    /// Every check on the manifest by itself (the payload is checked by the
    /// parser): field charsets and lengths, list counts, paths relative,
    /// normalized and unique, the icon among the files, `installed_size`
    /// the exact sum of the sizes.
    pub fn validate(&self) -> Result<(), PackageError> {
        check_id(&self.id)?;
        check_text("name", &self.name, limits::NAME, false)?;
        if self.name.trim().is_empty() {
            return Err(PackageError::BadManifest("name is empty".into()));
        }
        check_text("summary", &self.summary, limits::SUMMARY, false)?;
        check_text("description", &self.description, limits::DESCRIPTION, true)?;
        check_token("category", &self.category, limits::TOKEN)?;
        check_text("publisher name", &self.publisher.name, limits::NAME, false)?;
        if self.publisher.name.trim().is_empty() {
            return Err(PackageError::BadManifest("publisher name is empty".into()));
        }
        if self.entitlements.len() > limits::ENTITLEMENTS {
            return Err(PackageError::TooLarge("more than 256 entitlements"));
        }
        for entitlement in &self.entitlements {
            check_protocol(&entitlement.protocol)?;
            if entitlement.grants.len() > limits::GRANTS {
                return Err(PackageError::TooLarge("more than 32 grants on one entitlement"));
            }
            for grant in &entitlement.grants {
                check_token("grant", grant, limits::TOKEN)?;
            }
        }
        if self.architectures.is_empty() {
            return Err(PackageError::BadManifest("no target architecture".into()));
        }
        if self.architectures.len() > limits::ARCHITECTURES {
            return Err(PackageError::TooLarge("more than 16 architectures"));
        }
        for arch in &self.architectures {
            check_token("architecture", arch, limits::TOKEN)?;
        }
        if self.files.len() > limits::FILES {
            return Err(PackageError::TooLarge("more than 4096 files"));
        }
        let mut seen = BTreeSet::new();
        let mut total: u64 = 0;
        for file in &self.files {
            check_path(&file.path)?;
            if !seen.insert(file.path.as_str()) {
                return Err(PackageError::BadPath(file.path.clone()));
            }
            total = total
                .checked_add(file.size)
                .ok_or_else(|| PackageError::SizeMismatch("file sizes overflow".into()))?;
        }
        if total != self.installed_size {
            return Err(PackageError::SizeMismatch(format!(
                "installed size {} is not the sum of the file sizes ({total})",
                self.installed_size
            )));
        }
        if !self.icon.is_empty() && !seen.contains(self.icon.as_str()) {
            return Err(PackageError::BadManifest(format!(
                "icon {:?} is not a file of the package",
                self.icon
            )));
        }
        Ok(())
    }

    /// Whether the package runs on `arch` (such as `aarch64-weft`).
    pub fn supports(&self, arch: &str) -> bool {
        self.architectures.iter().any(|a| a == arch)
    }
}

/// A protocol name: dot-separated tokens, like `weft.storage`.
fn check_protocol(protocol: &str) -> Result<(), PackageError> {
    let ok = !protocol.is_empty()
        && protocol.len() <= limits::TOKEN
        && protocol.split('.').all(|part| check_token("", part, limits::TOKEN).is_ok());
    if ok {
        Ok(())
    } else {
        Err(PackageError::BadManifest(format!("entitlement protocol {protocol:?} is not like weft.storage")))
    }
}
