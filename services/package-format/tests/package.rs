//! Build → parse round trips, and every way a hostile file is refused.

use std::borrow::Cow;

use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha256};
use weft_package_format::{
    Compression, FileEntry, HEADER_LEN, MAGIC, Manifest, Package, PackageBuilder, PackageError, Publisher,
    Version,
};

const MAX: usize = 1 << 20;

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn builder() -> PackageBuilder {
    let mut b = PackageBuilder::new("org.weft.hello", Version::new(1, 2, 3), "Hello");
    b.summary("Says hello")
        .description("A tiny app.\nIt says hello.")
        .category("utilities")
        .icon("icons/hello.png")
        .publisher_name("Weft Project")
        .entitlement("weft.storage", &["read", "write"])
        .entitlement("weft.log", &[])
        .architecture("aarch64-weft")
        .architecture("x86_64-hosted");
    b
}

fn small_package(compress: bool) -> Vec<u8> {
    let mut b = builder();
    b.compress(compress);
    b.add_file("bin/hello", &[0x42; 300]).unwrap();
    b.add_file("icons/hello.png", b"not really a png").unwrap();
    b.add_file("share/empty", b"").unwrap();
    b.build(&key(1)).unwrap()
}

/// An independent writer following docs/packages.md, so tests can sign
/// manifests the builder would never produce.
fn assemble(manifest: &Manifest, payload: &[u8], signer: &SigningKey) -> Vec<u8> {
    let encoded = postcard::to_allocvec(manifest).unwrap();
    let mut out = Vec::new();
    out.extend_from_slice(b"WEFTPKG\0");
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(encoded.len() as u32).to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&encoded);
    out.extend_from_slice(payload);
    let mut message = b"weft-package-v1\0".to_vec();
    message.extend_from_slice(&Sha256::digest(&out));
    out.extend_from_slice(&signer.sign(&message).to_bytes());
    out
}

fn raw_manifest(files: Vec<FileEntry>) -> Manifest {
    let installed_size = files.iter().fold(0u64, |sum, f| sum.wrapping_add(f.size));
    Manifest {
        id: "org.weft.raw".into(),
        version: Version::new(0, 1, 0),
        name: "Raw".into(),
        summary: String::new(),
        description: String::new(),
        category: "other".into(),
        icon: String::new(),
        publisher: Publisher { name: "Tester".into(), key: key(1).verifying_key().to_bytes() },
        entitlements: vec![],
        architectures: vec!["aarch64-weft".into()],
        installed_size,
        files,
    }
}

fn entry(path: &str, contents: &[u8]) -> FileEntry {
    FileEntry {
        path: path.into(),
        size: contents.len() as u64,
        stored_size: contents.len() as u64,
        compression: Compression::None,
        sha256: Sha256::digest(contents).into(),
    }
}

#[test]
fn round_trip() {
    for compress in [false, true] {
        let bytes = small_package(compress);
        let package = Package::parse(&bytes, MAX).unwrap();
        let m = package.manifest();
        assert_eq!(m.id, "org.weft.hello");
        assert_eq!(m.version, Version::new(1, 2, 3));
        assert_eq!(m.name, "Hello");
        assert_eq!(m.summary, "Says hello");
        assert_eq!(m.category, "utilities");
        assert_eq!(m.icon, "icons/hello.png");
        assert_eq!(m.publisher.name, "Weft Project");
        assert_eq!(m.entitlements.len(), 2);
        assert_eq!(m.entitlements[0].protocol, "weft.storage");
        assert_eq!(m.entitlements[0].grants, ["read", "write"]);
        assert_eq!(m.installed_size, 316);
        assert_eq!(m.files.len(), 3);
        assert_eq!(package.file("bin/hello").as_deref(), Some(&[0x42u8; 300][..]));
        assert_eq!(package.file("icons/hello.png").as_deref(), Some(&b"not really a png"[..]));
        assert_eq!(package.file("share/empty").as_deref(), Some(&b""[..]));
        assert_eq!(package.file("missing"), None);
        assert_eq!(m.files[0].compression, if compress { Compression::Lz4 } else { Compression::None });
        if compress {
            assert!(matches!(package.file("bin/hello"), Some(Cow::Owned(_))));
        }
        package.verify_publisher(&[key(1).verifying_key().to_bytes()]).unwrap();
        // Building is deterministic.
        assert_eq!(bytes, small_package(compress));
    }
}

#[test]
fn every_byte_flip_is_refused() {
    for compress in [false, true] {
        let bytes = small_package(compress);
        for i in 0..bytes.len() {
            for bit in [0x01u8, 0x80, 0xff] {
                let mut bad = bytes.clone();
                bad[i] ^= bit;
                assert!(Package::parse(&bad, MAX).is_err(), "flip {bit:#x} at {i} accepted");
            }
        }
    }
}

#[test]
fn every_truncation_is_refused() {
    let bytes = small_package(true);
    for len in 0..bytes.len() {
        let err = Package::parse(&bytes[..len], MAX).unwrap_err();
        assert!(matches!(err, PackageError::Truncated | PackageError::BadMagic), "{len}: {err:?}");
        if len >= MAGIC.len() {
            assert_eq!(err, PackageError::Truncated);
        }
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(Package::parse(&longer, MAX).unwrap_err(), PackageError::TrailingData);
}

#[test]
fn header_checks() {
    let bytes = small_package(false);
    let mut bad = bytes.clone();
    bad[0] = b'X';
    assert_eq!(Package::parse(&bad, MAX).unwrap_err(), PackageError::BadMagic);
    let mut bad = bytes.clone();
    bad[8] = 2;
    assert_eq!(Package::parse(&bad, MAX).unwrap_err(), PackageError::UnsupportedVersion(2));
    let mut bad = bytes.clone();
    bad[10] = 1;
    assert!(matches!(Package::parse(&bad, MAX).unwrap_err(), PackageError::BadHeader(_)));
    assert!(matches!(Package::parse(&bytes, bytes.len() - 1).unwrap_err(), PackageError::TooLarge(_)));
    assert!(Package::parse(&bytes, bytes.len()).is_ok());
    assert_eq!(Package::parse(b"ELF", MAX).unwrap_err(), PackageError::BadMagic);
}

#[test]
fn huge_declared_lengths_are_refused_without_allocating() {
    let bytes = small_package(false);
    // Payload length 2^60, and u64::MAX (overflowing the total).
    for declared in [1u64 << 60, u64::MAX] {
        let mut bad = bytes.clone();
        bad[16..24].copy_from_slice(&declared.to_le_bytes());
        assert!(matches!(Package::parse(&bad, MAX).unwrap_err(), PackageError::TooLarge(_)));
        assert!(matches!(
            Package::parse(&bad, usize::MAX).unwrap_err(),
            PackageError::TooLarge(_) | PackageError::Truncated
        ));
    }
    // Manifest length above 1 MiB.
    let mut bad = bytes.clone();
    bad[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(Package::parse(&bad, usize::MAX).unwrap_err(), PackageError::TooLarge(_)));

    // A correctly signed manifest claiming a 2^60-byte file.
    let mut file = entry("big", b"abc");
    file.size = 1 << 60;
    file.stored_size = 1 << 60;
    let pkg = assemble(&raw_manifest(vec![file.clone()]), b"abc", &key(1));
    assert!(matches!(Package::parse(&pkg, MAX).unwrap_err(), PackageError::SizeMismatch(_)));
    // ... or an LZ4 file claiming to expand to 2^60 bytes.
    file.stored_size = 3;
    file.compression = Compression::Lz4;
    let pkg = assemble(&raw_manifest(vec![file]), b"abc", &key(1));
    assert!(matches!(Package::parse(&pkg, MAX).unwrap_err(), PackageError::SizeMismatch(_)));
    // Sizes that overflow when summed.
    let mut a = entry("a", b"");
    a.size = u64::MAX;
    let mut m = raw_manifest(vec![a, entry("b", b"x")]);
    m.installed_size = 0;
    let pkg = assemble(&m, b"x", &key(1));
    assert!(matches!(Package::parse(&pkg, MAX).unwrap_err(), PackageError::SizeMismatch(_)));
}

#[test]
fn lying_sizes_are_refused() {
    let payload = b"hello world";
    // Stored size shorter than the payload: bytes left over.
    let mut short = entry("a", b"hello");
    short.sha256 = Sha256::digest(b"hello").into();
    let pkg = assemble(&raw_manifest(vec![short]), payload, &key(1));
    assert!(matches!(Package::parse(&pkg, MAX).unwrap_err(), PackageError::SizeMismatch(_)));
    // Stored size longer than the payload.
    let mut long = entry("a", payload);
    long.size = 20;
    long.stored_size = 20;
    let pkg = assemble(&raw_manifest(vec![long]), payload, &key(1));
    assert!(matches!(Package::parse(&pkg, MAX).unwrap_err(), PackageError::SizeMismatch(_)));
    // Uncompressed with size != stored size.
    let mut odd = entry("a", payload);
    odd.size = 5;
    let pkg = assemble(&raw_manifest(vec![odd]), payload, &key(1));
    assert!(matches!(Package::parse(&pkg, MAX).unwrap_err(), PackageError::SizeMismatch(_)));
    // installed_size not the sum.
    let mut m = raw_manifest(vec![entry("a", payload)]);
    m.installed_size += 1;
    let pkg = assemble(&m, payload, &key(1));
    assert!(matches!(Package::parse(&pkg, MAX).unwrap_err(), PackageError::SizeMismatch(_)));
    // An LZ4 block that decompresses to a different size than declared.
    let packed = lz4_block(&[7u8; 100]);
    let mut lz = entry("a", &[7u8; 100]);
    lz.compression = Compression::Lz4;
    lz.stored_size = packed.len() as u64;
    lz.size = 99;
    let pkg = assemble(&raw_manifest(vec![lz.clone()]), &packed, &key(1));
    assert!(matches!(Package::parse(&pkg, MAX).unwrap_err(), PackageError::SizeMismatch(_)));
    lz.size = 100;
    let pkg = assemble(&raw_manifest(vec![lz]), &packed, &key(1));
    assert!(Package::parse(&pkg, MAX).is_ok());
}

/// A valid LZ4 block for `data`, from the builder itself.
fn lz4_block(data: &[u8]) -> Vec<u8> {
    let mut b = PackageBuilder::new("org.weft.lz", Version::new(1, 0, 0), "Lz");
    b.publisher_name("x").architecture("aarch64-weft");
    b.add_file("f", data).unwrap();
    let bytes = b.build(&key(1)).unwrap();
    let package = Package::parse(&bytes, MAX).unwrap();
    let entry = &package.files()[0];
    assert_eq!(entry.compression, Compression::Lz4);
    let manifest_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    let start = HEADER_LEN + manifest_len;
    bytes[start..start + entry.stored_size as usize].to_vec()
}

#[test]
fn hash_mismatch_is_named() {
    let mut file = entry("bin/app", b"good");
    file.sha256 = Sha256::digest(b"evil").into();
    let pkg = assemble(&raw_manifest(vec![file]), b"good", &key(1));
    assert_eq!(Package::parse(&pkg, MAX).unwrap_err(), PackageError::HashMismatch("bin/app".into()));
}

#[test]
fn signature_checks() {
    // Signed by a key other than the manifest's publisher key.
    let pkg = assemble(&raw_manifest(vec![entry("a", b"x")]), b"x", &key(2));
    assert_eq!(Package::parse(&pkg, MAX).unwrap_err(), PackageError::BadSignature);
    // Signed without the domain prefix.
    let mut pkg = assemble(&raw_manifest(vec![entry("a", b"x")]), b"x", &key(1));
    let body = pkg.len() - 64;
    let sig = key(1).sign(&Sha256::digest(&pkg[..body])).to_bytes();
    pkg[body..].copy_from_slice(&sig);
    assert_eq!(Package::parse(&pkg, MAX).unwrap_err(), PackageError::BadSignature);
    // A publisher key that is not a curve point / of small order.
    let mut m = raw_manifest(vec![entry("a", b"x")]);
    m.publisher.key = [0; 32];
    m.publisher.key[0] = 1; // the identity point: small order
    let pkg = assemble(&m, b"x", &key(1));
    assert_eq!(Package::parse(&pkg, MAX).unwrap_err(), PackageError::BadSignature);
}

#[test]
fn untrusted_key_is_refused() {
    let mut b = builder();
    b.add_file("icons/hello.png", b"png").unwrap();
    let bytes = b.build(&key(9)).unwrap();
    let package = Package::parse(&bytes, MAX).unwrap();
    let trusted = [key(1).verifying_key().to_bytes(), key(2).verifying_key().to_bytes()];
    assert_eq!(package.verify_publisher(&trusted).unwrap_err(), PackageError::UntrustedKey);
    assert_eq!(package.verify_publisher(&[]).unwrap_err(), PackageError::UntrustedKey);
    assert_eq!(package.publisher_key(), key(9).verifying_key().to_bytes());
    package.verify_publisher(&[key(9).verifying_key().to_bytes()]).unwrap();
    // Refused inside the parse, too.
    assert_eq!(Package::parse_trusted(&bytes, MAX, &trusted).unwrap_err(), PackageError::UntrustedKey);
    assert!(Package::parse_trusted(&bytes, MAX, &[key(9).verifying_key().to_bytes()]).is_ok());
    // An altered package is refused for that first, whoever signed it.
    let mut bad = bytes.clone();
    *bad.last_mut().unwrap() ^= 1;
    assert_eq!(Package::parse_trusted(&bad, MAX, &trusted).unwrap_err(), PackageError::BadSignature);
}

const BAD_PATHS: &[&str] =
    &["../x", "a/../x", "/x", "a//b", "a/./b", "./a", "a/", "", "a\\b", "a\0b", "a\nb", ".", ".."];

#[test]
fn bad_paths_are_refused_at_build() {
    for path in BAD_PATHS {
        let mut b = builder();
        assert_eq!(b.add_file(path, b"x").unwrap_err(), PackageError::BadPath(path.to_string()), "{path:?}");
    }
    let mut b = builder();
    b.add_file("icons/hello.png", b"x").unwrap();
    assert_eq!(
        b.add_file("icons/hello.png", b"y").unwrap_err(),
        PackageError::BadPath("icons/hello.png".into())
    );
    let long = "a/".repeat(600) + "b";
    assert!(builder().add_file(&long, b"x").is_err());
}

#[test]
fn bad_paths_are_refused_at_parse() {
    for path in BAD_PATHS {
        let pkg = assemble(&raw_manifest(vec![entry(path, b"x")]), b"x", &key(1));
        assert_eq!(
            Package::parse(&pkg, MAX).unwrap_err(),
            PackageError::BadPath(path.to_string()),
            "{path:?}"
        );
    }
    let pkg = assemble(&raw_manifest(vec![entry("a/b", b"x"), entry("a/b", b"y")]), b"xy", &key(1));
    assert_eq!(Package::parse(&pkg, MAX).unwrap_err(), PackageError::BadPath("a/b".into()));
    // Sanity: the same with distinct paths is fine.
    let pkg = assemble(&raw_manifest(vec![entry("a/b", b"x"), entry("a/c", b"y")]), b"xy", &key(1));
    let package = Package::parse(&pkg, MAX).unwrap();
    assert_eq!(package.file("a/c").as_deref(), Some(&b"y"[..]));
}

#[test]
fn manifest_fields_are_validated() {
    type Edit = fn(&mut Manifest);
    let cases: Vec<(&str, Edit)> = vec![
        ("one-part id", |m| m.id = "hello".into()),
        ("uppercase id", |m| m.id = "Org.weft.x".into()),
        ("empty id part", |m| m.id = "org..x".into()),
        ("long id", |m| m.id = format!("org.{}", "a".repeat(200))),
        ("empty name", |m| m.name = " ".into()),
        ("control in name", |m| m.name = "a\x1bb".into()),
        ("newline in summary", |m| m.summary = "a\nb".into()),
        ("bad category", |m| m.category = "Games!".into()),
        ("missing icon", |m| m.icon = "nope.png".into()),
        ("no arch", |m| m.architectures.clear()),
        ("bad arch", |m| m.architectures = vec!["AArch64".into()]),
        ("bad protocol", |m| {
            m.entitlements =
                vec![weft_package_format::Entitlement { protocol: "weft..x".into(), grants: vec![] }]
        }),
        ("bad grant", |m| {
            m.entitlements = vec![weft_package_format::Entitlement {
                protocol: "weft.x".into(),
                grants: vec!["Write".into()],
            }]
        }),
        ("empty publisher", |m| m.publisher.name = String::new()),
    ];
    for (what, edit) in cases {
        let mut m = raw_manifest(vec![entry("a", b"x")]);
        edit(&mut m);
        let pkg = assemble(&m, b"x", &key(1));
        let err = Package::parse(&pkg, MAX).unwrap_err();
        assert!(matches!(err, PackageError::BadManifest(_)), "{what}: {err:?}");
    }
    // Builder refuses the same.
    let mut b = PackageBuilder::new("hello", Version::new(1, 0, 0), "Hello");
    b.publisher_name("x").architecture("aarch64-weft");
    assert!(matches!(b.build(&key(1)).unwrap_err(), PackageError::BadManifest(_)));
    let mut b = builder();
    b.icon("missing.png");
    assert!(matches!(b.build(&key(1)).unwrap_err(), PackageError::BadManifest(_)));
}

#[test]
fn non_canonical_manifest_is_refused() {
    // Re-encode the version's major (0, the one-byte varint 0x00) as the
    // two-byte varint 0x80 0x00: postcard decodes it, but it is not canonical.
    let m = raw_manifest(vec![entry("a", b"x")]);
    let encoded = postcard::to_allocvec(&m).unwrap();
    let id_len = m.id.len();
    // Layout: id (1-byte length + bytes), then version.major.
    let at = 1 + id_len;
    assert_eq!(encoded[at], 0);
    let mut bent = encoded[..at].to_vec();
    bent.extend_from_slice(&[0x80, 0x00]);
    bent.extend_from_slice(&encoded[at + 1..]);
    let mut out = Vec::new();
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(bent.len() as u32).to_le_bytes());
    out.extend_from_slice(&1u64.to_le_bytes());
    out.extend_from_slice(&bent);
    out.extend_from_slice(b"x");
    let mut message = b"weft-package-v1\0".to_vec();
    message.extend_from_slice(&Sha256::digest(&out));
    out.extend_from_slice(&key(1).sign(&message).to_bytes());
    assert!(matches!(Package::parse(&out, MAX).unwrap_err(), PackageError::BadManifest(_)));
}

#[test]
fn architecture_check() {
    let package = Package::parse(&small_package(false), MAX).unwrap();
    assert!(package.supports("aarch64-weft"));
    assert!(package.supports("x86_64-hosted"));
    assert!(!package.supports("riscv64-weft"));
    assert!(!package.supports("aarch64"));
    assert_eq!(
        package.check_architecture("riscv64-weft").unwrap_err(),
        PackageError::WrongArchitecture("riscv64-weft".into())
    );
    package.check_architecture("aarch64-weft").unwrap();
}

#[test]
fn version_comparison() {
    let v = |s: &str| s.parse::<Version>().unwrap();
    assert!(v("1.10.0") > v("1.9.3"));
    assert!(v("2.0.0") > v("1.99.99"));
    assert!(v("0.0.10") > v("0.0.9"));
    assert!(v("1.2.3") == Version::new(1, 2, 3));
    assert_eq!(v("4294967295.0.0").major, u32::MAX);
    assert_eq!(Version::new(1, 10, 0).to_string(), "1.10.0");
    for bad in
        ["1.2", "1.2.3.4", "1..3", "01.2.3", "-1.2.3", "+1.2.3", "a.b.c", "4294967296.0.0", "", "1.2.3 "]
    {
        assert!(bad.parse::<Version>().is_err(), "{bad:?}");
    }
}

#[test]
fn errors_read_well() {
    let all = [
        PackageError::BadMagic,
        PackageError::UnsupportedVersion(2),
        PackageError::BadHeader("reserved flags are set"),
        PackageError::Truncated,
        PackageError::TrailingData,
        PackageError::TooLarge("the file is over the size limit"),
        PackageError::BadManifest("x".into()),
        PackageError::BadPath("../x".into()),
        PackageError::HashMismatch("bin/app".into()),
        PackageError::SizeMismatch("x".into()),
        PackageError::BadSignature,
        PackageError::UntrustedKey,
        PackageError::WrongArchitecture("riscv64-weft".into()),
    ];
    for e in all {
        let text = e.to_string();
        assert!(text.len() > 10, "{text}");
    }
    assert!(PackageError::HashMismatch("bin/app".into()).to_string().contains("bin/app"));
}

/// The worked example of docs/packages.md, written by an independent
/// implementation (Python: hashlib and `cryptography`'s Ed25519) from the
/// document alone; signed with the key whose secret is 32 bytes of 0x01.
const WORKED_EXAMPLE: &[&str] = &[
    "57454654504b470001000000fe000000",
    "1400000000000000116f72672e657861",
    "6d706c652e68656c6c6f010002054865",
    "6c6c6f0a536179732068656c6c6f0b41",
    "2074696e79206170702e097574696c69",
    "746965730f69636f6e732f68656c6c6f",
    "2e706e67074578616d706c658a88e3dd",
    "7409f195fd52db2d3cba5d72ca6709bf",
    "1d94121bf3748801b40f6f5c010c7765",
    "66742e73746f72616765020472656164",
    "057772697465010c616172636836342d",
    "7765667414020962696e2f68656c6c6f",
    "10100069aa6b82d3b9e2bc578213ac6f",
    "77a0c1959053798cb026b96bac125d87",
    "8b67660f69636f6e732f68656c6c6f2e",
    "706e6704040024501919c367725c2a5d",
    "4811c95045b78bb0a3c4529f9bd7381c",
    "800152792afe7f454c46000000000000",
    "000000000000504e4721fe1e7a3d0e09",
    "88ddaafa379a27328ab797ca2c010aaf",
    "46b2c96496d78222aea2aff75043c152",
    "e84f32c10646a1f4d4a903ab48c17d5b",
    "9a6345b812f330ea710a",
];

fn unhex(lines: &[&str]) -> Vec<u8> {
    let hex: String = lines.concat();
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn worked_example_from_the_document_parses() {
    let bytes = unhex(WORKED_EXAMPLE);
    assert_eq!(bytes.len(), 362);
    let package = Package::parse(&bytes, MAX).unwrap();
    let m = package.manifest();
    assert_eq!(m.id, "org.example.hello");
    assert_eq!(m.version, Version::new(1, 0, 2));
    assert_eq!(m.icon, "icons/hello.png");
    assert_eq!(m.entitlements[0].grants, ["read", "write"]);
    assert_eq!(m.installed_size, 20);
    assert_eq!(package.file("icons/hello.png").as_deref(), Some(&b"PNG!"[..]));
    package.verify_publisher(&[key(1).verifying_key().to_bytes()]).unwrap();
    package.check_architecture("aarch64-weft").unwrap();
    assert!(!package.supports("x86_64-hosted"));
    // And the builder writes the very same bytes from the same inputs.
    let mut b = PackageBuilder::new("org.example.hello", Version::new(1, 0, 2), "Hello");
    b.summary("Says hello")
        .description("A tiny app.")
        .category("utilities")
        .icon("icons/hello.png")
        .publisher_name("Example")
        .entitlement("weft.storage", &["read", "write"])
        .architecture("aarch64-weft")
        .compress(false);
    let mut elf = b"\x7fELF".to_vec();
    elf.extend_from_slice(&[0; 12]);
    b.add_file("bin/hello", &elf).unwrap();
    b.add_file("icons/hello.png", b"PNG!").unwrap();
    assert_eq!(b.build(&key(1)).unwrap(), bytes);
}
