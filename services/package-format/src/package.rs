//! Reading a package: every byte hostile.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;
use core::ops::Range;

use ed25519_dalek::{Signature, VerifyingKey};

use crate::manifest::{Compression, FileEntry, Manifest};
use crate::{
    FORMAT_VERSION, HEADER_LEN, LZ4_MAX_RATIO, MAGIC, PackageError, SIGNATURE_LEN, limits, sha256,
    signed_message,
};

/// The fixed 24-byte header, enough to know a package's total length from
/// its first bytes (a downloader can refuse an oversized one early).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Length of the encoded manifest.
    pub manifest_len: u32,
    /// Length of the payload.
    pub payload_len: u64,
}

impl Header {
    /// Reads the header at the start of `bytes` (which may be the whole
    /// file or just its beginning): magic, version, reserved flags.
    pub fn parse(bytes: &[u8]) -> Result<Header, PackageError> {
        let magic_seen = bytes.get(..MAGIC.len()).unwrap_or(bytes);
        if magic_seen != MAGIC.get(..magic_seen.len()).unwrap_or(&MAGIC) {
            return Err(PackageError::BadMagic);
        }
        let header: &[u8; HEADER_LEN] =
            bytes.get(..HEADER_LEN).and_then(|h| h.try_into().ok()).ok_or(PackageError::Truncated)?;
        let [_, _, _, _, _, _, _, _, v0, v1, f0, f1, m0, m1, m2, m3, p0, p1, p2, p3, p4, p5, p6, p7] =
            *header;
        let version = u16::from_le_bytes([v0, v1]);
        if version != FORMAT_VERSION {
            return Err(PackageError::UnsupportedVersion(version));
        }
        if u16::from_le_bytes([f0, f1]) != 0 {
            return Err(PackageError::BadHeader("reserved flags are set"));
        }
        let manifest_len = u32::from_le_bytes([m0, m1, m2, m3]);
        if manifest_len == 0 {
            return Err(PackageError::BadHeader("the manifest is empty"));
        }
        if manifest_len as usize > limits::MANIFEST {
            return Err(PackageError::TooLarge("the manifest is over 1 MiB"));
        }
        Ok(Header { manifest_len, payload_len: u64::from_le_bytes([p0, p1, p2, p3, p4, p5, p6, p7]) })
    }

    /// The whole file's length: header, manifest, payload and signature
    /// (`None` if it does not fit a `u64`).
    pub fn total_len(&self) -> Option<u64> {
        (HEADER_LEN as u64 + SIGNATURE_LEN as u64)
            .checked_add(u64::from(self.manifest_len))?
            .checked_add(self.payload_len)
    }
}

/// A package that passed every check of [`Package::parse`].
#[derive(Debug, Clone)]
pub struct Package {
    manifest: Manifest,
    payload: Vec<u8>,
    /// Each file's range in `payload`, in manifest order.
    ranges: Vec<Range<usize>>,
    digest: [u8; 32],
}

impl Package {
    /// Reads and verifies a whole package file of at most `max_size` bytes.
    ///
    /// Checks, in order: the size limit, magic, version and header; the
    /// exact length the header declares; the manifest (canonical postcard,
    /// nothing after it); the signature by the manifest's publisher key; the
    /// manifest's fields ([`Manifest::validate`]); that the stored sizes add
    /// up exactly to the payload; and each file's size and SHA-256 after
    /// decompression. Trust in the publisher key is *not* checked here: call
    /// [`Package::verify_publisher`].
    pub fn parse(bytes: &[u8], max_size: usize) -> Result<Package, PackageError> {
        Self::parse_inner(bytes, max_size, None)
    }

    /// [`Package::parse`] that also refuses, with
    /// [`PackageError::UntrustedKey`], a package whose publisher key is not
    /// one of `trusted` — right after the signature check, before any file
    /// is decompressed or hashed, so a stranger's package costs no more
    /// than reading its manifest. What the package service should call.
    pub fn parse_trusted(
        bytes: &[u8],
        max_size: usize,
        trusted: &[[u8; 32]],
    ) -> Result<Package, PackageError> {
        Self::parse_inner(bytes, max_size, Some(trusted))
    }

    fn parse_inner(
        bytes: &[u8],
        max_size: usize,
        trusted: Option<&[[u8; 32]]>,
    ) -> Result<Package, PackageError> {
        if bytes.len() > max_size {
            return Err(PackageError::TooLarge("the file is over the size limit"));
        }
        let header = Header::parse(bytes)?;
        let total = header.total_len().ok_or(PackageError::TooLarge("the declared lengths overflow"))?;
        if total > max_size as u64 {
            return Err(PackageError::TooLarge("the declared lengths are over the size limit"));
        }
        // total <= max_size, so every length below fits a usize.
        let total = total as usize;
        if bytes.len() < total {
            return Err(PackageError::Truncated);
        }
        if bytes.len() > total {
            return Err(PackageError::TrailingData);
        }
        let signed_len = total - SIGNATURE_LEN;
        let (signed, signature) = bytes.split_at(signed_len);
        let manifest_end = HEADER_LEN + header.manifest_len as usize;
        let manifest_bytes = signed.get(HEADER_LEN..manifest_end).ok_or(PackageError::Truncated)?;
        let payload = signed.get(manifest_end..).ok_or(PackageError::Truncated)?;

        let manifest = decode_manifest(manifest_bytes)?;

        let digest = sha256(signed);
        let key =
            VerifyingKey::from_bytes(&manifest.publisher.key).map_err(|_| PackageError::BadSignature)?;
        if key.is_weak() {
            return Err(PackageError::BadSignature);
        }
        let signature: &[u8; SIGNATURE_LEN] = signature.try_into().map_err(|_| PackageError::Truncated)?;
        key.verify_strict(&signed_message(&digest), &Signature::from_bytes(signature))
            .map_err(|_| PackageError::BadSignature)?;
        if let Some(trusted) = trusted
            && !trusted.contains(&manifest.publisher.key)
        {
            return Err(PackageError::UntrustedKey);
        }

        manifest.validate()?;
        let ranges = check_payload(&manifest, payload)?;
        Ok(Package { manifest, payload: payload.to_vec(), ranges, digest })
    }

    /// The verified manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The package's SHA-256 over header, manifest and payload (what the
    /// signature covers); a repository index can name packages by it.
    pub fn digest(&self) -> [u8; 32] {
        self.digest
    }

    /// The publisher key the package is signed with.
    pub fn publisher_key(&self) -> [u8; 32] {
        self.manifest.publisher.key
    }

    /// Refuses the package unless its publisher key is one of `trusted`.
    pub fn verify_publisher(&self, trusted: &[[u8; 32]]) -> Result<(), PackageError> {
        if trusted.contains(&self.manifest.publisher.key) { Ok(()) } else { Err(PackageError::UntrustedKey) }
    }

    /// Whether the package runs on `arch` (such as `aarch64-weft`).
    pub fn supports(&self, arch: &str) -> bool {
        self.manifest.supports(arch)
    }

    /// [`Package::supports`] as an error a person can read.
    pub fn check_architecture(&self, arch: &str) -> Result<(), PackageError> {
        if self.supports(arch) { Ok(()) } else { Err(PackageError::WrongArchitecture(arch.to_string())) }
    }

    /// The manifest's file entries, in payload order.
    pub fn files(&self) -> &[FileEntry] {
        &self.manifest.files
    }

    /// A file's installed contents: borrowed when stored as is, decompressed
    /// (again; it was verified by `parse`) when stored as LZ4.
    pub fn file(&self, path: &str) -> Option<Cow<'_, [u8]>> {
        let index = self.manifest.files.iter().position(|f| f.path == path)?;
        let entry = self.manifest.files.get(index)?;
        let stored = self.payload.get(self.ranges.get(index)?.clone())?;
        match entry.compression {
            Compression::None => Some(Cow::Borrowed(stored)),
            Compression::Lz4 => decompress(stored, entry).ok().map(Cow::Owned),
        }
    }
}

/// Decodes the manifest: postcard, consuming every byte, and canonical (it
/// re-encodes to the same bytes), so one manifest has one encoding.
fn decode_manifest(bytes: &[u8]) -> Result<Manifest, PackageError> {
    let (manifest, rest) = postcard::take_from_bytes::<Manifest>(bytes)
        .map_err(|e| PackageError::BadManifest(format!("it does not decode ({e})")))?;
    if !rest.is_empty() {
        return Err(PackageError::BadManifest("bytes follow the manifest".into()));
    }
    match postcard::to_allocvec(&manifest) {
        Ok(again) if again == bytes => Ok(manifest),
        _ => Err(PackageError::BadManifest("it is not canonically encoded".into())),
    }
}

/// Checks that the stored sizes tile the payload exactly and every file
/// hashes to its entry; returns each file's range.
fn check_payload(manifest: &Manifest, payload: &[u8]) -> Result<Vec<Range<usize>>, PackageError> {
    let mut ranges = Vec::with_capacity(manifest.files.len());
    let mut offset: usize = 0;
    for entry in &manifest.files {
        let too_big = || PackageError::SizeMismatch(format!("{:?} extends past the payload", entry.path));
        let stored_size = usize::try_from(entry.stored_size).map_err(|_| too_big())?;
        let end = offset.checked_add(stored_size).ok_or_else(too_big)?;
        let stored = payload.get(offset..end).ok_or_else(too_big)?;
        let contents = match entry.compression {
            Compression::None => {
                if entry.size != entry.stored_size {
                    return Err(PackageError::SizeMismatch(format!(
                        "{:?} is stored uncompressed but its size differs from its stored size",
                        entry.path
                    )));
                }
                Cow::Borrowed(stored)
            }
            Compression::Lz4 => Cow::Owned(decompress(stored, entry)?),
        };
        if sha256(&contents) != entry.sha256 {
            return Err(PackageError::HashMismatch(entry.path.clone()));
        }
        ranges.push(offset..end);
        offset = end;
    }
    if offset != payload.len() {
        return Err(PackageError::SizeMismatch(format!(
            "the files take {offset} bytes but the payload has {}",
            payload.len()
        )));
    }
    Ok(ranges)
}

/// Decompresses one LZ4 block to exactly `entry.size` bytes, refusing a
/// declared size the block could not produce before allocating it.
fn decompress(stored: &[u8], entry: &FileEntry) -> Result<Vec<u8>, PackageError> {
    let mismatch = || PackageError::SizeMismatch(format!("{:?} does not decompress to its size", entry.path));
    let bound = entry.stored_size.checked_mul(LZ4_MAX_RATIO).ok_or_else(mismatch)?;
    if entry.size > bound {
        return Err(mismatch());
    }
    let size = usize::try_from(entry.size).map_err(|_| mismatch())?;
    let mut out = vec![0u8; size];
    let written = lz4_flex::block::decompress_into(stored, &mut out).map_err(|_| mismatch())?;
    if written != size {
        return Err(mismatch());
    }
    Ok(out)
}
