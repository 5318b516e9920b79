//! Fuzz what comes after the signature check: the input is a manifest
//! (postcard) and a payload; a manifest that decodes gets the fuzz key as its
//! publisher key, and the whole is framed and signed as docs/packages.md
//! says, so `Package::parse` reaches manifest validation, the size checks,
//! LZ4 decompression and the file hashes. Nothing may panic; what parses
//! must read back every file at its declared size and hash.
#![no_main]

use ed25519_dalek::{Signer, SigningKey};
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};
use weft_package_format::{Manifest, Package};

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else { return };
    let split = usize::from(split).min(rest.len());
    let (manifest, payload) = rest.split_at(rest.len() - split);
    let Ok((mut manifest, _)) = postcard::take_from_bytes::<Manifest>(manifest) else { return };
    let key = SigningKey::from_bytes(&[7; 32]);
    manifest.publisher.key = key.verifying_key().to_bytes();
    let Ok(encoded) = postcard::to_allocvec(&manifest) else { return };
    let mut file = Vec::new();
    file.extend_from_slice(b"WEFTPKG\0");
    file.extend_from_slice(&1u16.to_le_bytes());
    file.extend_from_slice(&0u16.to_le_bytes());
    file.extend_from_slice(&(encoded.len() as u32).to_le_bytes());
    file.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    file.extend_from_slice(&encoded);
    file.extend_from_slice(payload);
    let mut message = b"weft-package-v1\0".to_vec();
    message.extend_from_slice(&Sha256::digest(&file));
    file.extend_from_slice(&key.sign(&message).to_bytes());
    if let Ok(package) = Package::parse(&file, 1 << 20) {
        package.verify_publisher(&[key.verifying_key().to_bytes()]).expect("signed by the fuzz key");
        for entry in package.files() {
            let contents = package.file(&entry.path).expect("a listed file reads");
            assert_eq!(contents.len() as u64, entry.size);
            assert_eq!(<[u8; 32]>::from(Sha256::digest(&contents)), entry.sha256);
        }
    }
});
