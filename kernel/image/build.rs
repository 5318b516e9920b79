//! Link with the kernel's linker script and compile in the public key that
//! verifies program images.

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("none") {
        println!("cargo:rustc-link-arg-bins=-T{}", manifest.join("kernel.ld").display());
        println!("cargo:rerun-if-changed=kernel.ld");
    }
    let key_path = std::env::var("WEFT_IMAGE_PUBLIC_KEY")
        .map(PathBuf::from)
        .unwrap_or_else(|_| manifest.join("../../.weft/keys/image-signing.pub"));
    println!("cargo:rerun-if-env-changed=WEFT_IMAGE_PUBLIC_KEY");
    println!("cargo:rerun-if-changed={}", key_path.display());
    let key = std::fs::read_to_string(&key_path).ok().and_then(|text| decode_hex(text.trim()));
    let source = match key {
        Some(bytes) => format!("Some({bytes:?})"),
        None => "None".to_string(),
    };
    let _ = std::fs::write(
        out.join("signing_key.rs"),
        format!(
            "/// The public key program images must verify with.\npub const IMAGE_PUBLIC_KEY: Option<[u8; 32]> = {source};\n"
        ),
    );
    for asm in ["head.S", "vectors.S"] {
        println!("cargo:rerun-if-changed=../arch/aarch64/src/asm/{asm}");
    }
}

fn decode_hex(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (index, slot) in out.iter_mut().enumerate() {
        *slot = u8::from_str_radix(text.get(index * 2..index * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}
