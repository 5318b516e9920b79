//! Packing the boot bundle: the board's system file, its manifests, and a
//! signed image for every program they name (plus the root manager).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use weft_manifest::{BUNDLE_FORMAT, Bundle, Image};

use crate::image::{TARGET, target_dir};
use crate::{keys, util};

/// The crate holding one binary per program.
pub const PROGRAMS_CRATE: &str = "weft-programs";

/// Build the programs `names` (release, aarch64) and return their ELF paths.
pub fn build_programs(names: &BTreeSet<String>) -> Result<Vec<(String, PathBuf)>, String> {
    util::step(&format!("building {} programs (release, {TARGET})", names.len()));
    let mut cargo = util::cargo();
    cargo.args(["build", "--release", "--target", TARGET, "-p", PROGRAMS_CRATE]);
    for name in names {
        cargo.args(["--bin", name]);
    }
    util::run(&mut cargo)?;
    let dir = target_dir().join(TARGET).join("release");
    Ok(names.iter().map(|n| (n.clone(), dir.join(n))).collect())
}

/// Sign one program ELF into an image.
pub fn sign(elf: &Path, key: &ed25519_dalek::SigningKey) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(elf).map_err(|e| format!("{}: {e}", elf.display()))?;
    Ok(weft_aarch64::image::sign(&bytes, key))
}

/// Build `bundle.bin` in `out` for `options`.
pub fn build(options: &crate::image::Options, out: &Path) -> Result<PathBuf, String> {
    let root = util::root();
    let system_path = root.join("boards").join(&options.board).join(&options.system);
    let system = weft_manifest::compile::load_system(&root, &system_path)?;
    let mut programs: BTreeSet<String> = system.services.iter().map(|s| s.program.clone()).collect();
    programs.insert(options.root_program.clone());
    programs.extend(options.extra_programs.iter().cloned());
    programs.extend(options.tamper.iter().cloned());
    let built = build_programs(&programs)?;
    let key = keys::signing_key()?;
    util::step("signing program images");
    let mut images = Vec::new();
    for (name, path) in built {
        let bytes = sign(&path, &key)?;
        if options.tamper.as_deref() == Some(name.as_str()) {
            // Flip one payload byte after signing: the kernel must refuse it.
            let mut tampered = bytes.clone();
            let at = weft_aarch64::image::HEADER_LEN + 0x100;
            if let Some(byte) = tampered.get_mut(at) {
                *byte ^= 0x40;
            }
            images.push(Image {
                name: format!("{name}-tampered"),
                bytes: tampered,
            });
        }
        if name == options.root_program {
            images.push(Image {
                name: "root".into(),
                bytes: bytes.clone(),
            });
        }
        if name != "root" {
            images.push(Image { name, bytes });
        }
    }
    let bundle = Bundle {
        format: BUNDLE_FORMAT,
        system: system.name.clone(),
        services: system.services,
        images,
        files: Vec::new(),
    };
    let bytes = bundle.to_bytes();
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let stem = options.system.trim_end_matches(".toml");
    let path = out.join(format!("{stem}.bundle"));
    std::fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    util::step(&format!(
        "boot bundle `{}`: {} services, {} images, {} KiB",
        system.name,
        bundle.services.len(),
        bundle.images.len(),
        bytes.len() / 1024
    ));
    Ok(path)
}
