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

/// Sign one program ELF into an image (without its debug sections).
pub fn sign(elf: &Path, key: &ed25519_dalek::SigningKey) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(elf).map_err(|e| format!("{}: {e}", elf.display()))?;
    let loadable = strip(&bytes).map_err(|e| format!("{}: {e}", elf.display()))?;
    Ok(weft_kernel_aarch64::image::sign(&loadable, key))
}

/// Keep only what the loader reads: the file up to the end of the last
/// loadable segment, with the section table dropped. The unstripped ELF
/// stays in the target directory for symbolising.
pub fn strip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    use elf::ElfBytes;
    use elf::endian::LittleEndian;
    let file = ElfBytes::<LittleEndian>::minimal_parse(bytes).map_err(|e| format!("ELF: {e}"))?;
    let segments = file.segments().ok_or("no program headers")?;
    let headers_end = file.ehdr.e_phoff + u64::from(file.ehdr.e_phentsize) * u64::from(file.ehdr.e_phnum);
    let end = segments
        .iter()
        .filter(|s| s.p_type == elf::abi::PT_LOAD)
        .map(|s| s.p_offset + s.p_filesz)
        .chain([headers_end])
        .max()
        .unwrap_or(headers_end) as usize;
    let mut out = bytes.get(..end).ok_or("segments lie outside the file")?.to_vec();
    // e_shoff, e_shentsize, e_shnum, e_shstrndx: no section table.
    out[0x28..0x30].fill(0);
    out[0x3a..0x40].fill(0);
    Ok(out)
}

/// Build `bundle.bin` in `out` for `options`.
pub fn build(options: &crate::image::Options, out: &Path) -> Result<PathBuf, String> {
    let root = util::root();
    let system_path = root.join("boards").join(&options.board).join(&options.system);
    let mut system = weft_manifest::compile::load_system(&root, &system_path)?;
    for extra in &options.extra_services {
        let path = root.join(extra);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        system.services.push(weft_manifest::compile::parse_manifest(&text, extra)?);
    }
    let mut programs: BTreeSet<String> = system.services.iter().map(|s| s.program.clone()).collect();
    programs.insert(options.root_program.clone());
    programs.extend(options.extra_programs.iter().cloned());
    programs.extend(options.tamper.iter().cloned());
    let built = build_programs(&programs)?;
    let key = keys::signing_key()?;
    util::step("signing program images");
    let mut images = Vec::new();
    for (name, path) in built {
        let mut bytes = sign(&path, &key)?;
        if options.tamper.as_deref() == Some(name.as_str()) {
            // Flip one payload byte after signing: the kernel must refuse it.
            let mut tampered = bytes.clone();
            let at = weft_kernel_aarch64::image::HEADER_LEN + 0x100;
            if let Some(byte) = tampered.get_mut(at) {
                *byte ^= 0x40;
            }
            images.push(Image { name: format!("{name}-tampered"), bytes: tampered });
        }
        if options.tamper_in_place.as_deref() == Some(name.as_str()) {
            if let Some(byte) = bytes.get_mut(weft_kernel_aarch64::image::HEADER_LEN + 0x100) {
                *byte ^= 0x40;
            }
            util::step(&format!("packed a tampered image of `{name}` (test)"));
        }
        if name == options.root_program {
            images.push(Image { name: "root".into(), bytes: bytes.clone() });
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
        files: system.files,
    };
    let bytes = bundle.to_bytes();
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let stem = format!(
        "{}{}{}",
        options.system.trim_end_matches(".toml"),
        if options.tamper_in_place.is_some() { "-tampered" } else { "" },
        if options.extra_services.is_empty() { "" } else { "-extra" }
    );
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
