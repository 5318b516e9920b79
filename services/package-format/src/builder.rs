//! Writing a package (host tooling).

use alloc::collections::BTreeSet;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use ed25519_dalek::{Signer, SigningKey};

use crate::manifest::{Compression, Entitlement, FileEntry, Manifest, Publisher, Version, check_path};
use crate::{
    FORMAT_VERSION, HEADER_LEN, LZ4_MAX_RATIO, MAGIC, PackageError, SIGNATURE_LEN, limits, sha256,
    signed_message,
};

/// Builds a signed package file.
///
/// ```
/// use weft_package_format::{Package, PackageBuilder, SigningKey, Version};
///
/// let key = SigningKey::from_bytes(&[7; 32]);
/// let mut builder = PackageBuilder::new("org.example.hello", Version::new(1, 0, 0), "Hello");
/// builder.publisher_name("Example").architecture("aarch64-weft");
/// builder.add_file("bin/hello", b"\x7fELF...")?;
/// let bytes = builder.build(&key)?;
///
/// let package = Package::parse(&bytes, 1 << 20)?;
/// package.verify_publisher(&[key.verifying_key().to_bytes()])?;
/// assert_eq!(package.file("bin/hello").as_deref(), Some(&b"\x7fELF..."[..]));
/// # Ok::<(), weft_package_format::PackageError>(())
/// ```
#[derive(Debug, Clone)]
pub struct PackageBuilder {
    id: String,
    version: Version,
    name: String,
    summary: String,
    description: String,
    category: String,
    icon: String,
    publisher_name: String,
    entitlements: Vec<Entitlement>,
    architectures: Vec<String>,
    files: Vec<(String, Vec<u8>)>,
    compress: bool,
}

impl PackageBuilder {
    /// A package with this id, version and display name; category `other`,
    /// no files, LZ4 compression on.
    pub fn new(id: &str, version: Version, name: &str) -> Self {
        PackageBuilder {
            id: id.to_string(),
            version,
            name: name.to_string(),
            summary: String::new(),
            description: String::new(),
            category: "other".to_string(),
            icon: String::new(),
            publisher_name: String::new(),
            entitlements: Vec::new(),
            architectures: Vec::new(),
            files: Vec::new(),
            compress: true,
        }
    }

    /// The one-line summary.
    pub fn summary(&mut self, summary: &str) -> &mut Self {
        self.summary = summary.to_string();
        self
    }

    /// The longer description (newlines allowed).
    pub fn description(&mut self, description: &str) -> &mut Self {
        self.description = description.to_string();
        self
    }

    /// The Software Center category (`[a-z0-9][a-z0-9_-]*`).
    pub fn category(&mut self, category: &str) -> &mut Self {
        self.category = category.to_string();
        self
    }

    /// The icon: the path of one of the package's files.
    pub fn icon(&mut self, path: &str) -> &mut Self {
        self.icon = path.to_string();
        self
    }

    /// The publisher's display name (its key comes from the signing key).
    pub fn publisher_name(&mut self, name: &str) -> &mut Self {
        self.publisher_name = name.to_string();
        self
    }

    /// Asks for a capability route: `protocol` with `grants`.
    pub fn entitlement(&mut self, protocol: &str, grants: &[&str]) -> &mut Self {
        self.entitlements.push(Entitlement {
            protocol: protocol.to_string(),
            grants: grants.iter().map(|g| g.to_string()).collect(),
        });
        self
    }

    /// Adds a target architecture (`aarch64-weft`, `x86_64-hosted`).
    pub fn architecture(&mut self, arch: &str) -> &mut Self {
        self.architectures.push(arch.to_string());
        self
    }

    /// Whether files are stored LZ4-compressed when that makes them smaller.
    pub fn compress(&mut self, compress: bool) -> &mut Self {
        self.compress = compress;
        self
    }

    /// Adds a file, refusing a path that is not relative and normalized or
    /// is already in the package.
    pub fn add_file(&mut self, path: &str, contents: &[u8]) -> Result<&mut Self, PackageError> {
        check_path(path)?;
        if self.files.iter().any(|(p, _)| p == path) {
            return Err(PackageError::BadPath(path.to_string()));
        }
        self.files.push((path.to_string(), contents.to_vec()));
        Ok(self)
    }

    /// Writes the package, signed with `key` (whose public half becomes the
    /// manifest's publisher key). Fails on anything [`Manifest::validate`]
    /// or the parser would refuse.
    pub fn build(&self, key: &SigningKey) -> Result<Vec<u8>, PackageError> {
        let version: Version = self.version;
        let mut payload = Vec::new();
        let mut files = Vec::with_capacity(self.files.len());
        let mut seen = BTreeSet::new();
        let mut installed_size: u64 = 0;
        for (path, contents) in &self.files {
            check_path(path)?;
            if !seen.insert(path.as_str()) {
                return Err(PackageError::BadPath(path.clone()));
            }
            let size = contents.len() as u64;
            installed_size =
                installed_size.checked_add(size).ok_or(PackageError::TooLarge("the files' total size"))?;
            let packed = if self.compress { lz4_flex::block::compress(contents) } else { Vec::new() };
            let use_lz4 = self.compress
                && packed.len() < contents.len()
                && size <= (packed.len() as u64).saturating_mul(LZ4_MAX_RATIO);
            let (compression, stored): (Compression, &[u8]) =
                if use_lz4 { (Compression::Lz4, &packed) } else { (Compression::None, contents) };
            files.push(FileEntry {
                path: path.clone(),
                size,
                stored_size: stored.len() as u64,
                compression,
                sha256: sha256(contents),
            });
            payload.extend_from_slice(stored);
        }
        let manifest = Manifest {
            id: self.id.clone(),
            version,
            name: self.name.clone(),
            summary: self.summary.clone(),
            description: self.description.clone(),
            category: self.category.clone(),
            icon: self.icon.clone(),
            publisher: Publisher { name: self.publisher_name.clone(), key: key.verifying_key().to_bytes() },
            entitlements: self.entitlements.clone(),
            architectures: self.architectures.clone(),
            installed_size,
            files,
        };
        manifest.validate()?;
        let encoded = postcard::to_allocvec(&manifest)
            .map_err(|_| PackageError::BadManifest("it does not encode".into()))?;
        if encoded.len() > limits::MANIFEST {
            return Err(PackageError::TooLarge("the manifest is over 1 MiB"));
        }
        let manifest_len = encoded.len() as u32;

        let mut out = Vec::with_capacity(HEADER_LEN + encoded.len() + payload.len() + SIGNATURE_LEN);
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&manifest_len.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&encoded);
        out.extend_from_slice(&payload);
        let signature = key.sign(&signed_message(&sha256(&out)));
        out.extend_from_slice(&signature.to_bytes());
        Ok(out)
    }
}
