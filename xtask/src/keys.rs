//! The development image-signing key: made on first build, kept under
//! `.weft/keys/` (git-ignored), never committed. The kernel compiles in
//! the public half; xtask signs every program image with the secret half.

use std::path::PathBuf;

use ed25519_dalek::SigningKey;

use crate::util;

fn directory() -> PathBuf {
    util::root().join(".weft").join("keys")
}

/// Where the secret key lives (hex).
pub fn secret_path() -> PathBuf {
    directory().join("image-signing.key")
}

/// Where the public key lives (hex), as the kernel build reads it.
pub fn public_path() -> PathBuf {
    directory().join("image-signing.pub")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (index, slot) in out.iter_mut().enumerate() {
        *slot = u8::from_str_radix(text.get(index * 2..index * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Make the key pair if it does not exist yet.
pub fn ensure() -> Result<(), String> {
    if secret_path().exists() && public_path().exists() {
        return Ok(());
    }
    std::fs::create_dir_all(directory()).map_err(|e| format!("{}: {e}", directory().display()))?;
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| format!("no randomness for a signing key: {e}"))?;
    let key = SigningKey::from_bytes(&seed);
    std::fs::write(secret_path(), hex(&seed)).map_err(|e| format!("{}: {e}", secret_path().display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(secret_path(), std::fs::Permissions::from_mode(0o600));
    }
    std::fs::write(public_path(), hex(key.verifying_key().as_bytes()))
        .map_err(|e| format!("{}: {e}", public_path().display()))?;
    util::step(&format!("made a development image-signing key in {}", directory().display()));
    Ok(())
}

/// The signing key.
pub fn signing_key() -> Result<SigningKey, String> {
    ensure()?;
    let text =
        std::fs::read_to_string(secret_path()).map_err(|e| format!("{}: {e}", secret_path().display()))?;
    let seed = unhex(&text).ok_or_else(|| format!("{} is not a 32-byte hex key", secret_path().display()))?;
    Ok(SigningKey::from_bytes(&seed))
}
